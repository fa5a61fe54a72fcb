//! Ticket text: subject and body composed from the phrase banks.
//!
//! Each ticket's text is a pure function of its seed, topic, sentiment,
//! channel and customer, so it can be rendered twice (once to count lines at
//! generation, once when writing) without being stored. E-mail and web
//! messages get greetings, signatures, quoted reply history and sometimes
//! HTML, so the cleaning stage has real work to do; chat and phone messages
//! stay short.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::bank_common::{self as bank, Cell};
use super::rng::{chance, lognormal, pick, weighted};
use super::{bank_c, SynthCustomer, SynthTicket, TextKind};
use ticketlens::Sentiment;

/// Hostile tickets: (subject, body). Payloads are kept verbatim on purpose:
/// they test escaping in HTML reports and the CSV formula guard downstream.
const HOSTILE: [(&str, &str); 5] = [
    (
        "Order page shows strange code",
        "When I open order {order} the page prints <script>alert(1)</script> above the item list. Is that expected? I just want to know if my order went through.",
    ),
    (
        "Display name \"><img src=x onerror=alert(1)> rejected",
        "I set my display name to \"><img src=x onerror=alert(1)> as a joke and now I cannot log in to my account at all. This is ridiculous, please fix it.",
    ),
    (
        "=HYPERLINK(\"http://x\",\"click\") refund status",
        "Hello, could you tell me the status of the refund for order {order}? I returned the {product} on {date}.",
    ),
    (
        "@SUM(1+1) on my invoice",
        "The total on invoice {invoice} looks like a formula instead of an amount. Could you send a corrected copy?",
    ),
    (
        "Merci! Paket pünktlich angekommen 🎉",
        "Thank you so much 🙏 the parcel arrived a day early. Café crème for the courier ☕ and the instructions in 中文 were perfect too. Große Klasse, très bien! 👍",
    ),
];

/// Lazily drawn slot values, consistent within one ticket.
struct Slots<'a> {
    customer: &'a SynthCustomer,
    created: chrono::DateTime<chrono::Utc>,
    values: [Option<String>; 12],
}

const SLOT_NAMES: [&str; 12] = [
    "order", "product", "amount", "date", "invoice", "card", "days", "plan", "email", "tracking",
    "city", "count",
];

impl<'a> Slots<'a> {
    fn new(t: &SynthTicket, customer: &'a SynthCustomer) -> Self {
        Slots {
            customer,
            created: t.created_at,
            values: Default::default(),
        }
    }

    fn value<R: Rng>(&mut self, rng: &mut R, i: usize) -> String {
        if let Some(v) = &self.values[i] {
            return v.clone();
        }
        let v = match SLOT_NAMES[i] {
            "order" => format!("#{}", rng.gen_range(100_000..1_000_000)),
            "product" => pick(rng, bank::PRODUCTS).to_string(),
            "amount" => format!("${:.2}", lognormal(rng, 45.0, 0.8).clamp(4.99, 2500.0)),
            "date" => (self.created - chrono::Duration::days(rng.gen_range(2..21)))
                .format("%B %-d")
                .to_string(),
            "invoice" => format!("INV-2025-{:05}", rng.gen_range(0..100_000)),
            "card" => format!("{:04}", rng.gen_range(0..10_000)),
            "days" => rng.gen_range(3..22).to_string(),
            "plan" => pick(rng, bank::PLANS).to_string(),
            "email" => email_of(bank::NAMES[self.customer.contact]),
            "tracking" => format!("TRK{:09}", rng.gen_range(0..1_000_000_000u64)),
            "city" => pick(rng, bank::CITIES).to_string(),
            _ => rng.gen_range(3..40).to_string(),
        };
        self.values[i] = Some(v.clone());
        v
    }

    /// Fill a randomly picked template.
    fn fill_pick<R: Rng>(&mut self, rng: &mut R, templates: &[&str]) -> String {
        let t = *pick(rng, templates);
        self.fill(rng, t)
    }

    /// Replace every `{slot}` in a template.
    fn fill<R: Rng>(&mut self, rng: &mut R, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').and_then(|close| {
                SLOT_NAMES
                    .iter()
                    .position(|n| *n == &after[..close])
                    .map(|i| (i, close))
            }) {
                Some((i, close)) => {
                    out.push_str(&self.value(rng, i));
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

fn email_of(name: &str) -> String {
    let local: String = name
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == ' ')
        .map(|c| {
            if c == ' ' {
                '.'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{local}@example.com")
}

/// `k` distinct items from `items` in random order.
fn distinct<'b, R: Rng>(rng: &mut R, items: &'b [&'static str], k: usize) -> Vec<&'b str> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    let k = k.min(idx.len());
    for i in 0..k {
        let j = rng.gen_range(i..idx.len());
        idx.swap(i, j);
    }
    idx[..k].iter().map(|&i| items[i]).collect()
}

/// Subject and body of a ticket.
pub(super) fn render(t: &SynthTicket, customer: &SynthCustomer) -> (String, String) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(t.text_seed);
    let mut slots = Slots::new(t, customer);
    if let TextKind::Hostile(i) = t.kind {
        let (s, b) = HOSTILE[i as usize % HOSTILE.len()];
        let subject = slots.fill(&mut rng, s);
        return (subject, slots.fill(&mut rng, b));
    }
    let cell: &Cell = if t.kind == TextKind::Surge {
        &bank_c::SURGE
    } else {
        bank::cell(t.topic, t.sentiment)
    };
    let mailish = matches!(t.channel, "email" | "web");
    let mut subject = slots.fill_pick(&mut rng, cell.subjects);
    if t.kind == TextKind::Normal && t.channel == "chat" && chance(&mut rng, 0.3) {
        subject = format!("Chat with {}", bank::NAMES[customer.contact]);
    }
    let long = chance(&mut rng, if mailish { 0.16 } else { 0.03 });
    let paragraphs = if long {
        long_body(&mut rng, &mut slots, cell, t.sentiment)
    } else {
        let weights: &[f64] = if mailish {
            &[10.0, 18.0, 22.0, 18.0, 12.0, 9.0, 6.0, 5.0]
        } else {
            &[30.0, 35.0, 20.0, 15.0]
        };
        let n = weighted(&mut rng, weights) + 1;
        vec![sentences(&mut rng, &mut slots, cell, t.sentiment, n).join(" ")]
    };
    let mut parts: Vec<String> = Vec::new();
    if mailish && chance(&mut rng, 0.6) {
        parts.push(pick(&mut rng, bank::GREETINGS).to_string());
    }
    parts.extend(paragraphs);
    let sig_p = match t.channel {
        "email" => 0.35,
        "web" => 0.1,
        _ => 0.0,
    };
    if chance(&mut rng, sig_p) {
        parts.push(signature(&mut rng, customer));
    }
    let html = mailish && chance(&mut rng, 0.08);
    let quoted = !html && t.channel == "email" && chance(&mut rng, 0.12);
    let mut body = if html {
        to_html(&mut rng, &parts)
    } else {
        parts.join("\n\n")
    };
    if quoted {
        subject = format!("Re: {subject}");
        body.push_str("\n\n");
        body.push_str(&quote(&mut rng, t.created_at));
    }
    (subject, body)
}

/// `n` sentences: optional opener, one or two core lines, details, closer.
fn sentences<R: Rng>(
    rng: &mut R,
    slots: &mut Slots<'_>,
    cell: &Cell,
    s: Sentiment,
    n: usize,
) -> Vec<String> {
    let opener = n >= 3 && chance(rng, 0.5);
    let closer = n >= 2 && chance(rng, 0.6);
    let cores = if n >= 5 && chance(rng, 0.4) { 2 } else { 1 };
    let mut out = Vec::with_capacity(n);
    if opener {
        out.push(slots.fill_pick(rng, bank::openers(s)));
    }
    for c in distinct(rng, cell.core, cores) {
        out.push(slots.fill(rng, c));
    }
    let room = n.saturating_sub(out.len() + closer as usize);
    for d in distinct(rng, cell.detail, room) {
        out.push(slots.fill(rng, d));
    }
    if closer {
        out.push(slots.fill_pick(rng, bank::closers(s)));
    }
    out.truncate(n.max(1));
    out
}

/// Three paragraphs: the problem, background, and what is wanted.
fn long_body<R: Rng>(rng: &mut R, slots: &mut Slots<'_>, cell: &Cell, s: Sentiment) -> Vec<String> {
    let n = rng.gen_range(3..6);
    let first = sentences(rng, slots, cell, s, n).join(" ");
    let k = rng.gen_range(2..4);
    let second: Vec<String> = distinct(rng, bank::CONTEXT, k)
        .into_iter()
        .map(|c| slots.fill(rng, c))
        .collect();
    let mut third = Vec::new();
    if let Some(d) = distinct(rng, cell.detail, 1).first() {
        third.push(slots.fill(rng, d));
    }
    third.push(slots.fill_pick(rng, bank::closers(s)));
    vec![first, second.join(" "), third.join(" ")]
}

fn signature<R: Rng>(rng: &mut R, c: &SynthCustomer) -> String {
    let name = bank::NAMES[c.contact];
    let company = bank::COMPANIES[c.company];
    match rng.gen_range(0..4) {
        0 => format!("--\n{name}\n{company}"),
        1 => format!("{}\n{name}", pick(rng, bank::SIGNOFFS)),
        2 => "Sent from my iPhone".to_string(),
        _ => format!(
            "--\n{name}\n{company} | +44 20 7946 {:04}",
            rng.gen_range(0..10_000)
        ),
    }
}

/// An earlier agent reply quoted under the usual `On … wrote:` line.
fn quote<R: Rng>(rng: &mut R, created: chrono::DateTime<chrono::Utc>) -> String {
    let at = created - chrono::Duration::minutes(rng.gen_range(60..72 * 60));
    let mut out = format!(
        "On {} Support <help@x.com> wrote:\n",
        at.format("%a, %b %-d, %Y at %-I:%M %p")
    );
    let k = rng.gen_range(2..5);
    let lines = distinct(rng, bank::AGENT_QUOTES, k);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(">\n");
        }
        out.push_str("> ");
        out.push_str(l);
        out.push('\n');
    }
    if chance(rng, 0.5) {
        out.push_str(">\n> Kind regards,\n> The Support Team\n");
    }
    out.pop();
    out
}

/// Wrap paragraphs in `<p>` with entity-escaped text, as web mailers do.
fn to_html<R: Rng>(rng: &mut R, parts: &[String]) -> String {
    let apos = chance(rng, 0.5);
    let nbsp = chance(rng, 0.3);
    let esc = |p: &str| {
        let mut e = p
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        if apos {
            e = e.replace('\'', "&#39;");
        }
        if nbsp {
            e = e.replacen(". ", ".&nbsp; ", 1);
        }
        e.replace('\n', "<br>")
    };
    let body: Vec<String> = parts.iter().map(|p| format!("<p>{}</p>", esc(p))).collect();
    format!("<div dir=\"ltr\">{}</div>", body.join("\n"))
}
