//! Shared phrase material: bank types, openers, closers, greetings, quoted
//! agent replies, names, companies, products and tags.
//!
//! Written for this project (not taken from any dataset).

use super::{bank_a, bank_b, bank_c, Topic};
use ticketlens::Sentiment;

/// Phrases for one topic × sentiment.
pub(super) struct Cell {
    /// Subject lines.
    pub subjects: &'static [&'static str],
    /// Sentences that state the request or problem.
    pub core: &'static [&'static str],
    /// Supporting sentences.
    pub detail: &'static [&'static str],
}

/// The three sentiment cells of one topic.
pub(super) struct TopicBank {
    pub neg: Cell,
    pub neu: Cell,
    pub pos: Cell,
}

/// The cell for a topic and sentiment.
pub(super) fn cell(topic: Topic, sentiment: Sentiment) -> &'static Cell {
    let bank: &'static TopicBank = match topic {
        Topic::Account => &bank_a::ACCOUNT,
        Topic::CancellationFee => &bank_a::CANCELLATION_FEE,
        Topic::Contact => &bank_a::CONTACT,
        Topic::Delivery => &bank_a::DELIVERY,
        Topic::Feedback => &bank_b::FEEDBACK,
        Topic::Invoice => &bank_b::INVOICE,
        Topic::Newsletter => &bank_b::NEWSLETTER,
        Topic::Order => &bank_b::ORDER,
        Topic::Payment => &bank_c::PAYMENT,
        Topic::Refund => &bank_c::REFUND,
        Topic::ShippingAddress => &bank_c::SHIPPING_ADDRESS,
    };
    match sentiment {
        Sentiment::Negative => &bank.neg,
        Sentiment::Neutral => &bank.neu,
        Sentiment::Positive => &bank.pos,
    }
}

/// Sentences that open a message, by sentiment.
pub(super) fn openers(sentiment: Sentiment) -> &'static [&'static str] {
    match sentiment {
        Sentiment::Negative => &[
            "This is the third time I am writing about this.",
            "I am extremely frustrated.",
            "Honestly, I expected better from you.",
            "I am writing to complain.",
            "Once again I have to chase you.",
            "I am really annoyed right now.",
        ],
        Sentiment::Neutral => &[
            "I have a quick question.",
            "I hope you can help me with something.",
            "Hope you are well.",
            "Quick one for you.",
            "Could you help me with the following?",
        ],
        Sentiment::Positive => &[
            "Just a quick note to say thank you.",
            "I wanted to share some good news.",
            "Thank you so much!",
            "I am really pleased.",
        ],
    }
}

/// Sentences that close a message, by sentiment.
pub(super) fn closers(sentiment: Sentiment) -> &'static [&'static str] {
    match sentiment {
        Sentiment::Negative => &[
            "Please fix this immediately.",
            "I expect a proper answer this time.",
            "If this is not resolved I will cancel.",
            "Very disappointed.",
            "Do not send me another canned reply.",
        ],
        Sentiment::Neutral => &[
            "Thanks in advance.",
            "Looking forward to your reply.",
            "Let me know if you need more details.",
            "Thank you for your help.",
        ],
        Sentiment::Positive => &[
            "Thanks again!",
            "You made my week.",
            "Keep up the great work!",
            "Much appreciated.",
        ],
    }
}

/// Extra context sentences for long, multi-paragraph tickets.
pub(super) const CONTEXT: &[&str] = &[
    "For context, we have been customers since {date} and use your service every day.",
    "I am writing from my phone so apologies for any typos.",
    "Our team of {count} people relies on this for our daily work.",
    "I spoke to one of your colleagues on the phone earlier, but I do not have a reference number.",
    "I have attached nothing yet but can send screenshots if that helps.",
    "We also placed order {order} around the same time, in case it is related.",
    "My partner has the same account setup and did not have this issue.",
    "I searched the help centre and read the FAQ & guides first.",
];

/// Greetings for e-mail and web-form messages.
pub(super) const GREETINGS: &[&str] = &[
    "Hi,",
    "Hello,",
    "Hi there,",
    "Hello support team,",
    "Dear Sir or Madam,",
    "Hey team,",
    "Good morning,",
];

/// Sign-offs placed before the name in plain signatures.
pub(super) const SIGNOFFS: &[&str] = &[
    "Thanks,",
    "Best regards,",
    "Kind regards,",
    "Cheers,",
    "Regards,",
];

/// Lines of an earlier agent reply, quoted under `On … wrote:`.
pub(super) const AGENT_QUOTES: &[&str] = &[
    "Thanks for reaching out to us.",
    "Could you please send us your order number so we can look into this?",
    "We are sorry for the inconvenience.",
    "I have forwarded your request to the responsible team.",
    "Please allow 3-5 business days for this to be processed.",
    "Is there anything else we can help you with?",
];

/// Contact names for signatures.
pub(super) const NAMES: &[&str] = &[
    "Jane Doe",
    "Mark Jensen",
    "Laura Schmidt",
    "Kevin O'Brien",
    "Nadia Haddad",
    "Peter Novak",
    "Julia Santos",
    "Ahmed Karim",
    "Emily Clarke",
    "Jonas Berg",
    "Chloe Martin",
    "Ravi Shah",
    "Anna Kowalski",
    "Ben Turner",
    "Mei Lin",
    "Carlos Ortega",
];

/// Company names for signatures.
pub(super) const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Northwind Traders",
    "Bluebird Studio",
    "Greenleaf Cafe",
    "Hillside Dental",
    "Orbit Logistics",
    "Pinecone Labs",
    "Riverbank Books",
    "Summit Fitness",
    "Tidewater Design",
];

/// Product names for the `{product}` slot.
pub(super) const PRODUCTS: &[&str] = &[
    "wireless headphones",
    "standing desk",
    "coffee grinder",
    "running shoes",
    "smart thermostat",
    "office chair",
    "winter jacket",
    "blender",
    "phone case",
    "desk lamp",
    "backpack",
    "yoga mat",
];

/// Cities for the `{city}` slot.
pub(super) const CITIES: &[&str] = &[
    "Manchester",
    "Lyon",
    "Rotterdam",
    "Leipzig",
    "Dublin",
    "Porto",
    "Gothenburg",
    "Krakow",
    "Bristol",
    "Toronto",
];

/// Plan names for the `{plan}` slot.
pub(super) const PLANS: &[&str] = &["Starter", "Pro", "Business", "Premium"];

/// Tags an agent might put on a ticket of each topic.
pub(super) fn topic_tags(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Account => &["account", "login"],
        Topic::CancellationFee => &["cancellation", "billing"],
        Topic::Contact => &["contact"],
        Topic::Delivery => &["delivery", "shipping"],
        Topic::Feedback => &["feedback"],
        Topic::Invoice => &["invoice", "billing"],
        Topic::Newsletter => &["newsletter", "marketing"],
        Topic::Order => &["order"],
        Topic::Payment => &["payment", "billing"],
        Topic::Refund => &["refund", "returns"],
        Topic::ShippingAddress => &["address", "shipping"],
    }
}
