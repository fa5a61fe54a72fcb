//! Phrase banks: ACCOUNT, CANCELLATION_FEE, CONTACT, DELIVERY.
//!
//! Written for this project (not taken from any dataset). `{slot}` markers
//! are filled per ticket by `text::Slots`.

use super::bank_common::{Cell, TopicBank};

pub(super) const ACCOUNT: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Locked out of my account AGAIN",
            "Password reset link does not work",
            "Cannot log in since yesterday",
            "Your login page is broken",
            "Account deleted without my consent??",
            "2FA codes never arrive",
        ],
        core: &[
            "I have been locked out of my account for {days} days and nobody is helping me.",
            "The password reset e-mail never arrives, I have checked spam a dozen times.",
            "Every time I try to log in I get an error saying my account does not exist, which is nonsense.",
            "Someone changed the e-mail on my account to {email} and I did not authorise it.",
            "The two-factor code takes twenty minutes to show up and is expired by then.",
            "My profile lost all saved addresses and payment details after your update.",
            "You merged my account with someone else's and now I can see their orders.",
        ],
        detail: &[
            "I have tried three different browsers and cleared my cookies.",
            "This is costing me time I simply do not have.",
            "Your reset link leads to a blank page.",
            "I was told last week it would be fixed within 24 hours.",
            "I cannot even get to my order history to check on {order}.",
            "Frankly this is unacceptable for a paid {plan} account.",
        ],
    },
    neu: Cell {
        subjects: &[
            "How do I change my account e-mail?",
            "Question about deleting my account",
            "Add a second user to our account",
            "Change username",
            "Where do I update my password?",
        ],
        core: &[
            "How can I change the e-mail address on my account to {email}?",
            "Could you tell me how to add a colleague as a second user on our account?",
            "I would like to close my account, what are the steps?",
            "Is it possible to change my username without losing my order history?",
            "Where in the settings can I switch on two-factor authentication?",
            "Can I merge my two accounts into one?",
        ],
        detail: &[
            "The old address is no longer in use.",
            "We are on the {plan} plan, in case that matters.",
            "I could not find the option under Profile.",
            "Please let me know if you need anything to verify my identity.",
            "No rush on this one.",
            "I signed up back on {date}.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Thanks for restoring my account",
            "Login issue solved, thank you",
            "Great help with my password reset",
            "Account recovery - thank you!",
        ],
        core: &[
            "Thank you for getting me back into my account so quickly.",
            "The password reset worked perfectly, thanks for walking me through it.",
            "I really appreciate how fast you sorted out the login problem.",
            "Your colleague fixed my profile settings in minutes, brilliant service.",
            "Just wanted to say the new account page is much easier to use.",
        ],
        detail: &[
            "I was worried I had lost my order history but everything is there.",
            "Very patient and friendly support.",
            "The step-by-step instructions were spot on.",
            "Keep up the good work.",
        ],
    },
};

pub(super) const CANCELLATION_FEE: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Outrageous cancellation fee",
            "Why was I charged {amount} for cancelling?",
            "Early termination fee is a rip-off",
            "Disputing cancellation charge",
            "Cancellation fee was never mentioned",
        ],
        core: &[
            "You charged me a {amount} cancellation fee that nobody ever told me about.",
            "I cancelled within the trial period and still got hit with an early termination fee.",
            "Charging {amount} to leave a {plan} plan is a disgrace and I want it reversed.",
            "The cancellation fee on my statement is not in the contract I signed.",
            "Your agent promised the exit fee would be waived and now it shows up on my card.",
            "I am being penalised for cancelling because your service stopped working.",
        ],
        detail: &[
            "If this is not refunded I will dispute it with my bank.",
            "I have screenshots of the chat where the fee was waived.",
            "This is exactly why I am leaving.",
            "Nowhere on the pricing page does it mention a penalty.",
            "I expect a reply today, not another template.",
            "Your terms & conditions say 14 days, I cancelled after 9.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Is there a fee to cancel?",
            "Cancellation fee question",
            "Early termination charges",
            "Cost of ending my contract early",
        ],
        core: &[
            "Is there a fee if I cancel my {plan} subscription before the year is over?",
            "How much would the early termination fee be if I cancel this month?",
            "Could you explain how the cancellation fee is calculated?",
            "Do I pay a cancellation charge if I downgrade instead of cancelling?",
            "Is the exit fee waived if I move to the annual plan later?",
        ],
        detail: &[
            "My contract started on {date}.",
            "I am just trying to understand my options.",
            "A link to the relevant terms would be enough.",
            "We have not decided anything yet.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Thanks for waiving the fee",
            "Cancellation handled perfectly",
            "Appreciate the fee refund",
        ],
        core: &[
            "Thank you for waiving the cancellation fee, that was really decent of you.",
            "I appreciate you refunding the early termination charge so quickly.",
            "The cancellation was painless and the fee was explained clearly, thank you.",
            "Thanks for being flexible about the exit fee given my situation.",
        ],
        detail: &[
            "I will happily recommend you to friends.",
            "If our budget allows we will be back next year.",
            "Your billing team was very understanding.",
        ],
    },
};

pub(super) const CONTACT: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Impossible to reach a human",
            "Nobody answers the phone",
            "Why is there no way to contact you?",
            "On hold for an hour",
        ],
        core: &[
            "I have been on hold for over an hour and the line just drops.",
            "Your chat bot keeps sending me in circles and there is no way to reach a person.",
            "I have sent four e-mails this week and not one reply.",
            "The phone number on your website is disconnected.",
            "Why is it so hard to talk to an actual human at your company?",
        ],
        detail: &[
            "This is my last attempt before I go to social media.",
            "Your contact form throws an error when I submit it.",
            "I need someone to call me back today.",
            "Every channel I try is a dead end.",
        ],
    },
    neu: Cell {
        subjects: &[
            "What are your opening hours?",
            "Phone number for support",
            "Can someone call me back?",
            "Best way to reach the sales team",
            "Contact details for billing",
        ],
        core: &[
            "What are your support opening hours on weekends?",
            "Could someone from your team call me back at a convenient time?",
            "Is there a direct phone number for the billing department?",
            "Which e-mail address should I use for questions about partnerships?",
            "Do you offer support in German or French?",
        ],
        detail: &[
            "I am usually available between 9 and 5.",
            "My number is on my account profile.",
            "I could not find it on the help centre.",
            "Thanks in advance.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Great phone support",
            "Thanks for calling me back",
            "Quick response, much appreciated",
        ],
        core: &[
            "Thanks for calling me back so quickly, that made my day.",
            "Your phone support was fantastic, the agent was kind and clear.",
            "I was impressed how fast I got a real person on the chat.",
            "Thank you for the callback, everything is clear now.",
        ],
        detail: &[
            "Best customer service I have had in a long time.",
            "Please pass my thanks on to the team.",
            "No waiting at all, great job.",
        ],
    },
};

pub(super) const DELIVERY: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Order {order} is two weeks late",
            "Where is my package?!",
            "Delivery keeps getting postponed",
            "Parcel arrived damaged",
            "Still waiting for my delivery",
            "Courier did not show up",
        ],
        core: &[
            "My order {order} was supposed to arrive on {date} and it is still not here.",
            "The delivery date has been pushed back three times now.",
            "The box arrived crushed and the {product} inside is broken.",
            "The courier claims nobody was home but I was in all day.",
            "Tracking has not updated for {days} days, is my parcel lost?",
            "I paid for express shipping and it took over a week.",
            "The tracking says delivered but there is nothing at my door.",
        ],
        detail: &[
            "I needed this for a birthday and now it is too late.",
            "Your carrier is completely unreliable.",
            "Nobody gives me a straight answer about where it is.",
            "I want the express shipping & handling fee refunded.",
            "This is the second late delivery in a row.",
            "Tracking number {tracking} just says in transit.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Delivery time for order {order}",
            "When will my order arrive?",
            "Do you deliver to {city}?",
            "Tracking number request",
            "Weekend delivery options",
        ],
        core: &[
            "Could you tell me when order {order} is expected to arrive?",
            "Do you ship to {city}, and how long does it usually take?",
            "Can I get a tracking number for my recent order?",
            "Is Saturday delivery available for the {product}?",
            "Can the courier leave the parcel with a neighbour if I am out?",
        ],
        detail: &[
            "I ordered it on {date}.",
            "I will be away next week so I want to plan around it.",
            "Standard shipping is fine, just curious about timing.",
            "Thanks for checking.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Super fast delivery!",
            "Order arrived early, thanks",
            "Great packaging and quick shipping",
        ],
        core: &[
            "My {product} arrived a day early, thank you!",
            "Really impressed with how fast the delivery was.",
            "The courier was friendly and the parcel was perfectly packed.",
            "Thanks for getting order {order} to me in time for the weekend.",
        ],
        detail: &[
            "Everything was in perfect condition.",
            "Tracking updates were clear the whole way.",
            "Will definitely order again.",
        ],
    },
};
