//! Phrase banks: PAYMENT, REFUND, SHIPPING_ADDRESS, and the surge bank.
//!
//! Written for this project (not taken from any dataset).

use super::bank_common::{Cell, TopicBank};

pub(super) const PAYMENT: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Charged twice!",
            "Payment failed but money taken",
            "Card declined for no reason",
            "Unauthorised charge of {amount}",
            "Double charge on my card",
        ],
        core: &[
            "I was charged twice for the same order, {amount} each time.",
            "The payment failed on your site but the money has left my account.",
            "My card ending {card} keeps getting declined even though it works everywhere else.",
            "There is a charge of {amount} on my statement that I never authorised.",
            "You took the payment for the {plan} renewal even though I switched it off.",
        ],
        detail: &[
            "I want the duplicate charge reversed right now.",
            "My bank says the problem is on your side.",
            "I am now overdrawn because of this.",
            "Nobody has replied to my last two messages.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Which payment methods do you accept?",
            "Update card details",
            "Pay by bank transfer?",
            "Payment options question",
        ],
        core: &[
            "Do you accept PayPal or only credit cards?",
            "How do I update the card on file to a new one ending {card}?",
            "Can we pay by bank transfer instead of card?",
            "Is it possible to split the payment into instalments?",
            "When will the payment for order {order} be taken from my card?",
        ],
        detail: &[
            "Our company card changed last month.",
            "We are a small business in {city}.",
            "Thanks in advance for the info.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Payment issue resolved, thanks",
            "Thanks for sorting the double charge",
        ],
        core: &[
            "Thanks for reversing the duplicate charge so quickly.",
            "The payment went through fine after your fix, thank you.",
            "Appreciate you helping me update my card details.",
        ],
        detail: &["Very smooth experience.", "You have been really helpful."],
    },
};

pub(super) const REFUND: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "Where is my refund?",
            "Refund still not received after {days} days",
            "You refused my refund",
            "Refund request ignored",
            "Still waiting for my money back",
        ],
        core: &[
            "I returned the {product} on {date} and I still have not received my refund.",
            "You promised a refund of {amount} within 5 days and it has been {days}.",
            "My refund was rejected with no explanation even though the item was faulty.",
            "I only got half of my money back for order {order}.",
            "Every time I ask about my refund I get told to wait another week.",
        ],
        detail: &[
            "I want my money back, not store credit.",
            "I will file a chargeback if this is not resolved.",
            "I have the return receipt from the post office.",
            "This is really poor treatment of a customer.",
            "Your returns & refunds page says 5 working days.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Refund status for order {order}",
            "How long do refunds take?",
            "Request a refund",
            "Refund to a different card",
        ],
        core: &[
            "How long does a refund usually take to appear on my card?",
            "I would like to request a refund for order {order}.",
            "Can the refund go to a different card, since the old one ending {card} is cancelled?",
            "Could you confirm you received my return of the {product}?",
        ],
        detail: &[
            "I sent it back on {date}.",
            "The item was unused and in its original box.",
            "Thanks for letting me know.",
        ],
    },
    pos: Cell {
        subjects: &["Refund received, thank you", "Quick refund, thanks"],
        core: &[
            "My refund came through already, thank you so much.",
            "Thanks for processing the refund for order {order} so fast.",
            "Really appreciate the hassle-free return and refund.",
        ],
        detail: &[
            "I will definitely shop with you again.",
            "That was easier than I expected.",
        ],
    },
};

pub(super) const SHIPPING_ADDRESS: TopicBank = TopicBank {
    neg: Cell {
        subjects: &[
            "You shipped to my OLD address",
            "Address change ignored",
            "Cannot update shipping address",
        ],
        core: &[
            "I changed my address before ordering and you still sent {order} to my old flat.",
            "The address form will not accept my postcode and I cannot check out.",
            "I asked you to update the shipping address two days ago and nothing was done.",
            "My parcel went to the wrong city because your system swapped the address lines.",
        ],
        detail: &[
            "Now I have to chase the new tenants for my own parcel.",
            "This is the second time this has happened.",
            "I need this fixed before my next order ships.",
        ],
    },
    neu: Cell {
        subjects: &[
            "Change shipping address for order {order}",
            "Update delivery address",
            "Ship to my office instead",
            "Add a second shipping address",
        ],
        core: &[
            "Could you change the shipping address for order {order} to my new address in {city}?",
            "How do I add a second delivery address to my account?",
            "Can you ship my order to my office instead of my home?",
            "Is it too late to change the delivery address on my order?",
        ],
        detail: &[
            "I moved on {date}.",
            "The new address is already in my profile.",
            "Thank you.",
        ],
    },
    pos: Cell {
        subjects: &[
            "Thanks for updating my address",
            "Address change - thank you",
        ],
        core: &[
            "Thanks for updating the shipping address in time, the parcel arrived at my new place.",
            "Appreciate you redirecting my order so quickly.",
            "Changing my address was easy, thank you.",
        ],
        detail: &["Very helpful team.", "Saved me a lot of trouble."],
    },
};

/// The planted surge complaint: parcels marked as delivered that never came.
/// Every surge ticket gets one subject and one core line from here, and the
/// core lines all say "parcel" and "never arrived", the subjects "delivered".
pub(super) const SURGE: Cell = Cell {
    subjects: &[
        "Parcel marked as delivered but never arrived",
        "Tracking says delivered - nothing here",
        "Order {order} shows delivered, I have nothing",
        "Marked delivered, never received",
        "Delivered?? No parcel at my door",
        "Another delivered-but-missing parcel",
    ],
    core: &[
        "The tracking for my parcel says it was delivered on {date}, but it never arrived.",
        "My parcel is marked as delivered yet it never arrived, there is nothing at my door or with the neighbours.",
        "Tracking number {tracking} shows delivered at 2pm, but the parcel never arrived and I was home all day.",
        "Your courier marked my parcel as delivered and it never arrived, no photo, no signature, nothing.",
        "For the second time this month a parcel of mine is marked delivered and never arrived.",
    ],
    detail: &[
        "The driver did not ring the bell and there is no card through the letterbox.",
        "I checked with the building concierge and the neighbours, nobody has it.",
        "The tracking page shows a GPS location that is not even my street.",
        "The carrier tells me to contact you and you tell me to contact the carrier.",
        "I need either a replacement or a refund, not another investigation form.",
        "A friend ordered from you last week and had exactly the same problem.",
        "The proof of delivery photo shows a door that is not mine.",
    ],
};
