//! Phrase banks: FEEDBACK, INVOICE, NEWSLETTER, ORDER.
//!
//! Written for this project (not taken from any dataset).

use super::bank_common::{Cell, TopicBank};

pub(super) const FEEDBACK: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Very disappointed with your service",
            "Complaint about the way I was treated",
            "Your service has gone downhill",
            "Formal complaint",
        ],
        core: &[
            "I want to file a formal complaint about how your staff handled my case.",
            "The quality of your service has gone downhill badly over the last months.",
            "Your agent was rude and hung up on me.",
            "I am fed up with template answers that ignore what I actually wrote.",
            "The new app update made everything slower and harder to find.",
        ],
        detail: &[
            "I have been a loyal customer for years and this is how I am treated.",
            "Please escalate this to a manager.",
            "I expect an apology at the very least.",
            "I am seriously considering moving to a competitor.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Suggestion for your app",
            "Feature request",
            "Some feedback on the checkout",
            "Idea for the product pages",
        ],
        core: &[
            "It would be useful to filter the order history by date.",
            "A dark mode in the app would be a nice addition.",
            "Have you considered offering a wishlist that can be shared?",
            "The checkout could show the delivery estimate before payment.",
            "Where can I leave a review for the {product}?",
        ],
        detail: &[
            "Just a thought, no reply needed.",
            "Other shops I use already have this.",
            "Happy to take part in user testing.",
            "Otherwise the site works fine for me.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Thank you!",
            "Excellent service",
            "Compliments to your team",
            "Love the new app",
            "You are doing a great job",
        ],
        core: &[
            "I just wanted to say your team has been amazing.",
            "Best customer experience I have had with any online shop.",
            "The new app is fantastic, so much faster than before.",
            "Your support agent went above and beyond to help me.",
            "Five stars from me, keep it up!",
        ],
        detail: &[
            "I tell all my friends about you.",
            "It is rare to get such friendly service these days.",
            "Thanks again for everything.",
            "Please share this with the whole team.",
        ],
    },
};

pub(super) const INVOICE: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Invoice is wrong again",
            "Incorrect amount on invoice {invoice}",
            "Still no invoice after 3 requests",
            "Billing error on my invoice",
        ],
        core: &[
            "Invoice {invoice} shows {amount} but my plan costs far less.",
            "I have asked three times for a proper invoice and still have nothing.",
            "Your invoice has the wrong company name and VAT number, my accountant rejected it.",
            "I was invoiced twice for the same month.",
            "The invoice lists items I never ordered.",
        ],
        detail: &[
            "I need this corrected before the end of the month.",
            "This is holding up our bookkeeping.",
            "It is the second time this quarter.",
            "Please stop sending me automated replies.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Copy of invoice {invoice}",
            "Can I get an invoice for my order?",
            "Change billing address on invoices",
            "VAT number on invoice",
            "Where do I download invoices?",
        ],
        core: &[
            "Could you send me a copy of invoice {invoice}?",
            "I need an invoice for order {order} with our company details on it.",
            "Can you add our VAT number to future invoices?",
            "Where in my account can I download past invoices as PDF?",
            "Please change the billing address on our invoices to our new office in {city}.",
        ],
        detail: &[
            "Our finance team needs it for the audit.",
            "The order was placed on {date}.",
            "A PDF by e-mail is fine.",
            "Thanks for your help.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Thanks for the corrected invoice",
            "Invoice received, thank you",
        ],
        core: &[
            "Thanks for sending the corrected invoice so quickly.",
            "Got the invoice with our VAT details, perfect, thank you.",
            "Really appreciate the clear breakdown on the new invoices.",
        ],
        detail: &[
            "Our accountant is happy now.",
            "That was much faster than I expected.",
            "Great support as always.",
        ],
    },
};

pub(super) const NEWSLETTER: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "STOP sending me emails",
            "Unsubscribe does not work",
            "Still getting spam after unsubscribing",
        ],
        core: &[
            "I unsubscribed from your newsletter twice and I still get e-mails every day.",
            "Your unsubscribe link gives a 404 error.",
            "I never signed up for your marketing e-mails, remove me now.",
            "You keep spamming {email} even though I opted out weeks ago.",
        ],
        detail: &[
            "This is a GDPR issue.",
            "I will report this as spam if it continues.",
            "It is incredibly annoying.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Newsletter subscription",
            "Change newsletter e-mail",
            "How often is the newsletter sent?",
            "Unsubscribe request",
        ],
        core: &[
            "How do I subscribe to your newsletter?",
            "Please move my newsletter subscription to {email}.",
            "Could you unsubscribe me from the weekly newsletter but keep order updates?",
            "How often do you send the newsletter?",
        ],
        detail: &[
            "I only want the monthly digest.",
            "I could not find this in the preferences.",
            "Thanks.",
        ],
    },
    pos: Cell {
        subjects: &["Love your newsletter", "Great tips in the last newsletter"],
        core: &[
            "I really enjoy your newsletter, the tips are always useful.",
            "Thanks for the discount code in the newsletter, I used it right away.",
            "The last newsletter was brilliant, keep them coming.",
        ],
        detail: &[
            "It is one of the few I actually read.",
            "Great content every week.",
        ],
    },
};

pub(super) const ORDER: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Wrong item in order {order}",
            "Order cancelled without explanation",
            "Cannot place an order, checkout fails",
            "Missing items in my order",
            "You sent me the wrong {product}",
        ],
        core: &[
            "I ordered a {product} and received something completely different.",
            "My order {order} was cancelled and nobody told me why.",
            "Half the items in order {order} are missing from the box.",
            "The checkout keeps failing at the last step and I have lost my cart twice.",
            "I tried to cancel order {order} within an hour and you shipped it anyway.",
        ],
        detail: &[
            "This is the second time you have messed up my order.",
            "I need this sorted immediately.",
            "I have already wasted an afternoon on this.",
            "The item page clearly showed a different model.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Change my order {order}",
            "Add an item to my order",
            "Cancel order {order}",
            "Order status",
            "Question about my order",
        ],
        core: &[
            "Can I still add a second {product} to order {order}?",
            "I would like to cancel order {order} if it has not shipped yet.",
            "Could you change the colour on my order to black?",
            "What is the status of order {order}?",
            "Is it possible to combine my two open orders into one shipment?",
        ],
        detail: &[
            "I placed it on {date}.",
            "Happy to pay any difference.",
            "Let me know if that is not possible.",
            "Thank you.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Order arrived perfectly",
            "Thanks for fixing my order",
            "Very happy with my purchase",
        ],
        core: &[
            "Thank you for swapping the item in my order so quickly.",
            "Everything in order {order} was exactly as described, very happy.",
            "Ordering was quick and easy, great experience.",
            "Thanks for letting me change my order at the last minute.",
        ],
        detail: &[
            "The {product} is even better than I expected.",
            "I will be ordering again soon.",
            "Great service from start to finish.",
        ],
    },
};
