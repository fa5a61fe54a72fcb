//! Cleaning ticket text before it reaches the tokenizer and the theme keywords.
//!
//! Exports carry e-mail residue that says nothing about the customer's
//! problem but eats the model's 256-token budget and skews sentiment and
//! theme labels: HTML markup and entities, quoted reply history (plain
//! `On … wrote:` + `>` lines, Gmail's `<div class="gmail_quote">`,
//! `<blockquote>`, Outlook's `From: … Sent: … To: … Subject:` header block,
//! `-----Original Message-----`), greetings ("Hi team,"), sign-offs with a
//! name ("Kind regards,\nMaria Lopez"), signatures after `--` and "Sent from
//! my phone" footers. We drop those and collapse whitespace; the message
//! itself (where people state the problem) is what remains.
//!
//! The rules are deliberately conservative: a greeting is only removed at the
//! very start of the message and a sign-off only as the last lines (a sign-off
//! phrase followed by nothing but a short name/company block), so "Thanks for
//! nothing, the refund never came" or "thank you for the quick fix" inside the
//! content stay. If removing a greeting or sign-off would leave nothing, the
//! text keeps them. A plain-text message made only of `>`-quoted lines (a
//! tweet starting with `>>`) keeps those lines, without the `>`.
//!
//! Every step is a single pass over the text (regexes compiled once, bounded
//! look-ahead), so cleaning is linear in the text length.

use crate::ticket::Ticket;
use once_cell::sync::Lazy;
use regex::Regex;

/// Whole elements whose content is never message text, HTML comments
/// (including Outlook's conditional `<!--[if mso]>…<![endif]-->` blocks),
/// and any other tag.
static TAG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?is)<!--.*?-->|<(script|style|head|title)\b.*?</(script|style|head|title)\s*>|<[^>]{0,500}>",
    )
    .expect("static regex")
});
/// Tags that end a line of text in a mail client's rendering.
static BREAK_TAG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)<\s*/?\s*(br|p|div|li|tr|hr|h[1-6]|blockquote|table|ul|ol|pre)\b[^>]*>")
        .expect("static regex")
});
/// Containers mail clients put quoted history in: everything from the first
/// one on is history (Gmail, Yahoo, Thunderbird, Outlook desktop/web, Zoho).
static HTML_HISTORY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r#"(?i)<div\b[^>]*\b(?:class|id)\s*=\s*["']?[^"'>]*?"#,
        r"(?:gmail_quote|gmail_extra|yahoo_quoted|moz-cite-prefix|OutlookMessageHeader",
        r"|appendonsend|divRplyFwdMsg|zmail_extra)",
    ))
    .expect("static regex")
});
/// Opening and closing `<blockquote>` tags (quoted text, possibly nested).
static BLOCKQUOTE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)<\s*(/?)\s*blockquote\b[^>]*>").expect("static regex"));
/// A line that starts the quoted history: an attribution line (`On … wrote:`
/// and its German, French, Spanish, Italian and Dutch forms), an
/// `Original Message` separator, or an Outlook header flattened onto one line.
static WROTE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)^\s*(?:on\s.{0,200}\bwrote:?\s*$",
        r"|(?:am|le|el|il|op)\s.{0,200}\b(?:schrieb|a\s+écrit|escribió|ha\s+scritto|schreef)\b.{0,120}:\s*$",
        r"|-{2,}\s*original\s+message\s*-{2,}",
        r"|from:\s.+\b(?:sent|date):\s.+\b(?:to|subject):)",
    ))
    .expect("static regex")
});
/// First line of a two-line attribution (`On Mon, 4 Mar 2024 at 10:02, Shop`
/// / `Support <s@x.com> wrote:`, as wrapped plain-text replies write it).
static WROTE_HEAD: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)^\s*on\s.{0,200}\d").expect("static regex"));
static WROTE_TAIL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)^.{0,200}\bwrote:\s*$").expect("static regex"));
/// First line of a forwarded/replied header block (`From: Jane <j@x.com>`).
static HEADER_FROM: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*\*?\s*(?:from|von|de|van|da)\s*\*?\s*:\s*\*?\s*\S").expect("static regex")
});
/// The other lines of such a header block.
static HEADER_FIELD: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)^\s*\*?\s*(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|date",
        r"|à|objet|enviado(?:\s+el)?|fecha|para|asunto|verzonden|aan|onderwerp|inviato|oggetto)",
        r"\s*\*?\s*:",
    ))
    .expect("static regex")
});
/// Mobile / mail-client footers, as whole lines.
static FOOTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"(?i)^\s*(?:sent\s+from\s+my\s+[\w.'’&()-]+(?:\s+[\w.'’&()-]+){0,3}[.!]?",
        r"|sent\s+(?:from|via|with|using)\s+(?:outlook|mail|yahoo|gmail|aol|samsung|iphone|ipad",
        r"|android|blackberry|proton\s*mail|spark|superhuman|windows|huawei|the\s+\w+\s+app)\b.{0,80}",
        r"|get\s+outlook\s+for\s+\w+.{0,80}",
        r"|envoyé\s+de\s+mon\s.{1,60}|von\s+meinem\s.{1,60}\s+gesendet\.?)$",
    ))
    .expect("static regex")
});
static SPACE: Lazy<Regex> = Lazy::new(|| Regex::new(r"\s+").expect("static regex"));

/// Longest signature block (lines after a `--` delimiter) we drop; a longer
/// tail is probably content, not a signature.
const MAX_SIGNATURE_LINES: usize = 8;
/// Most lines of name / title / company / phone after a sign-off phrase.
const MAX_NAME_LINES: usize = 4;
/// Non-empty lines looked at after a `From:` line for the rest of a header block.
const HEADER_LOOKAHEAD: usize = 4;

/// Greeting openers (lower case); a greeting is one of these at the start of
/// the message, optionally followed by an addressee and `,` `!` `:` or `-`.
const GREETINGS: &[&str] = &[
    "good morning",
    "good afternoon",
    "good evening",
    "good day",
    "to whom it may concern",
    "greetings",
    "hello",
    "hiya",
    "howdy",
    "hey",
    "hi",
    "dear",
    "hallo",
    "guten morgen",
    "guten tag",
    "bonjour",
    "salut",
    "hola",
    "buenos días",
    "buenas tardes",
    "buongiorno",
    "ciao",
    "hej",
];

/// Lower-case words allowed in a greeting's addressee besides capitalised
/// names ("Hi there,", "Dear Sir or Madam,", "Hello support team,").
const ADDRESSEES: &[&str] = &[
    "team",
    "there",
    "all",
    "everyone",
    "everybody",
    "support",
    "guys",
    "folks",
    "sir",
    "madam",
    "or",
    "and",
    "yall",
    "y'all",
    "friends",
    "again",
    "customer",
    "service",
    "care",
    "helpdesk",
    "help",
    "desk",
    "colleagues",
    "mate",
    "people",
    "you",
    // Addressees in other languages ("Hola equipo,", "Hallo zusammen,").
    "equipo",
    "soporte",
    "todos",
    "a",
    "équipe",
    "l'équipe",
    "tout",
    "le",
    "monde",
    "zusammen",
    "allerseits",
    "the",
    "sales",
    "billing",
    "tech",
    "technical",
    "admin",
    "ladies",
    "gentlemen",
    "to",
    "whom",
    "it",
    "may",
    "concern",
    "folk",
];

/// Sign-off phrases (lower case, trailing punctuation removed).
const SIGN_OFFS: &[&str] = &[
    "thanks",
    "thank you",
    "thanks a lot",
    "thanks so much",
    "thank you so much",
    "thank you very much",
    "thanks very much",
    "many thanks",
    "thanks in advance",
    "thank you in advance",
    "thanks again",
    "thank you again",
    "with thanks",
    "thanks and regards",
    "thanks and best regards",
    "thanks and kind regards",
    "thank you and regards",
    "thank you and best regards",
    "many thanks and regards",
    "regards and thanks",
    "best regards and thanks",
    "kind regards and thanks",
    "thx",
    "ty",
    "tia",
    "cheers",
    "regards",
    "best regards",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "with regards",
    "with best regards",
    "with kind regards",
    "many regards",
    "best",
    "all the best",
    "best wishes",
    "warm wishes",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "yours faithfully",
    "respectfully",
    "cordially",
    "take care",
    "talk soon",
    "br",
    "kr",
    "mfg",
    "viele grüße",
    "beste grüße",
    "mit freundlichen grüßen",
    "cordialement",
    "bien cordialement",
    "saludos",
    "un saludo",
    "met vriendelijke groet",
    "cordiali saluti",
];

/// Lower-case words allowed in a name / title / company line.
const NAME_CONNECTORS: &[&str] = &[
    "of", "and", "&", "|", "-", "–", "at", "the", "de", "da", "van", "von", "der", "la", "le", "y",
    "e", "for", "team",
];

/// Clean one ticket's text: the subject (markup and whitespace only) and the
/// body (everything in [`clean_text`]) cleaned separately, then joined as
/// [`Ticket::text`] joins them (`subject + ". " + body`).
///
/// Cleaning the body on its own is what lets a greeting count as "at the very
/// start of the message": in `Ticket::text()` the subject precedes it.
pub fn clean_ticket(t: &Ticket) -> String {
    let subject = t.subject.as_deref().map(clean_markup).unwrap_or_default();
    let body = t.body.as_deref().map(clean_text).unwrap_or_default();
    match (subject.is_empty(), body.is_empty()) {
        (false, false) => format!("{subject}. {body}"),
        (false, true) => subject,
        _ => body,
    }
}

/// Strip HTML tags and entities and collapse whitespace, nothing else (for
/// one-line fields such as a subject).
pub fn clean_markup(raw: &str) -> String {
    let text = if raw.contains('<') {
        TAG.replace_all(raw, " ").into_owned()
    } else {
        raw.to_string()
    };
    let text = if text.contains('&') {
        html_escape::decode_html_entities(&text).into_owned()
    } else {
        text
    };
    SPACE.replace_all(&text, " ").trim().to_string()
}

/// Clean one message body: HTML → lines, quoted history, footers and the
/// `--` signature removed, then a leading greeting and a trailing sign-off
/// block; whitespace collapsed. Returns an empty string when nothing is left.
pub fn clean_text(raw: &str) -> String {
    let (text, html) = if raw.contains('<') {
        html_to_lines(raw)
    } else {
        (raw.to_string(), false)
    };
    let text = if text.contains('&') {
        html_escape::decode_html_entities(&text).into_owned()
    } else {
        text
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut quoted: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if starts_history(&lines, i) {
            break; // everything below is quoted history
        }
        if t.is_empty() {
            continue;
        }
        if t.starts_with('>') {
            quoted.push(t.trim_start_matches(|c: char| c == '>' || c.is_whitespace()));
            continue;
        }
        if FOOTER.is_match(t) || is_separator(t) {
            continue;
        }
        if (t == "--" || t == "__") && lines.len() - i - 1 <= MAX_SIGNATURE_LINES {
            break; // signature delimiter near the end
        }
        kept.push(t);
    }
    if kept.is_empty() {
        // A plain text made only of `>` lines is the message (a tweet
        // opening with `>>`); in an HTML body they are history a mail
        // client quoted under an empty reply.
        if html {
            return String::new();
        }
        return SPACE.replace_all(&quoted.join(" "), " ").trim().to_string();
    }
    let full = kept.len();
    let end = drop_sign_off(&kept);
    let mut body: Vec<String> = kept[..end].iter().map(|s| s.to_string()).collect();
    if let Some(first) = body.first() {
        match strip_greeting(first) {
            Some("") => {
                body.remove(0);
            }
            Some(rest) => body[0] = rest.to_string(),
            None => {}
        }
    }
    if body.is_empty() {
        // Only a greeting and/or a sign-off: keep them rather than lose the row.
        body = kept[..full].iter().map(|s| s.to_string()).collect();
    }
    SPACE.replace_all(&body.join(" "), " ").trim().to_string()
}

/// HTML body → text with one rendered line per line: quoted-history
/// containers cut, `<blockquote>`s removed, block tags turned into line
/// breaks, other tags removed. Entities are left for the caller. The flag
/// says whether there was any markup (a `<` alone is not HTML).
fn html_to_lines(raw: &str) -> (String, bool) {
    let head = match HTML_HISTORY.find(raw) {
        Some(m) => &raw[..m.start()],
        None => raw,
    };
    let unquoted = drop_blockquotes(head);
    let with_breaks = BREAK_TAG.replace_all(&unquoted, "\n");
    let text = TAG.replace_all(&with_breaks, " ");
    let html = head.len() != raw.len()
        || matches!(unquoted, std::borrow::Cow::Owned(_))
        || matches!(with_breaks, std::borrow::Cow::Owned(_))
        || matches!(text, std::borrow::Cow::Owned(_));
    (text.into_owned(), html)
}

/// Remove `<blockquote>…</blockquote>` elements (nested ones included, an
/// unclosed one to the end of the text) in one pass.
fn drop_blockquotes(html: &str) -> std::borrow::Cow<'_, str> {
    let mut tags = BLOCKQUOTE.captures_iter(html).peekable();
    if tags.peek().is_none() {
        return html.into();
    }
    let mut out = String::with_capacity(html.len());
    let (mut depth, mut from) = (0usize, 0usize);
    for c in tags {
        let m = c.get(0).expect("whole match");
        let closing = c.get(1).is_some_and(|s| !s.as_str().is_empty());
        if !closing {
            if depth == 0 {
                out.push_str(&html[from..m.start()]);
                out.push('\n');
            }
            depth += 1;
        } else if depth > 0 {
            depth -= 1;
            if depth == 0 {
                from = m.end();
                out.push('\n');
            }
        }
    }
    if depth == 0 {
        out.push_str(&html[from..]);
    }
    out.into()
}

/// True when line `i` starts the quoted history: an attribution line (one
/// line, or `On …` wrapped onto a second line ending `wrote:`), an `Original
/// Message` separator, or a `From:` line followed by at least two more header
/// lines (`Sent:`, `To:`, `Subject:` … within the next few non-empty lines).
fn starts_history(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    if WROTE.is_match(line) {
        return true;
    }
    if WROTE_HEAD.is_match(line) {
        if let Some(next) = lines.get(i + 1) {
            if line.len() + next.len() <= 300 && WROTE_TAIL.is_match(next) {
                return true;
            }
        }
    }
    if HEADER_FROM.is_match(line) {
        let fields = lines[i + 1..]
            .iter()
            .filter(|l| !l.trim().is_empty())
            .take(HEADER_LOOKAHEAD)
            .filter(|l| HEADER_FIELD.is_match(l))
            .count();
        return fields >= 2;
    }
    false
}

/// A line with no words, only a rule (`________`, `=====`, `- - - -`).
fn is_separator(t: &str) -> bool {
    t.chars().count() >= 4
        && t.chars()
            .all(|c| matches!(c, '_' | '-' | '=' | '*' | '~' | '—' | '–') || c.is_whitespace())
}

/// If `line` opens with a greeting, the rest of the line after it (empty
/// when the line is only the greeting); `None` when it does not.
///
/// A greeting is a [`GREETINGS`] opener, then at most four addressee words
/// (capitalised names or [`ADDRESSEES`]), then `,` `!` `:` ` - ` or the end
/// of the line (at most two words then, so "Hey what is going on" stays).
fn strip_greeting(line: &str) -> Option<&str> {
    let lower = line.to_lowercase();
    if lower.len() != line.len() {
        return None; // lower-casing changed byte offsets: not worth the risk
    }
    let opener = GREETINGS.iter().find(|g| {
        lower.starts_with(*g)
            && !lower[g.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric())
    })?;
    let rest = &line[opener.len()..];
    // The greeting ends at `,` `!` `:` or a spaced dash (" - "), not at the
    // hyphen of "Hi-fi".
    let punct = rest.find([',', '!', ':']).map(|p| (p, 1));
    let dash = [" - ", " – ", " — "]
        .iter()
        .filter_map(|d| rest.find(d).map(|p| (p, d.len())))
        .min();
    let end = match (punct, dash) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let (addressee, tail) = match end {
        Some((p, len)) => (&rest[..p], Some(rest[p + len..].trim_start())),
        None => (rest, None),
    };
    let words: Vec<&str> = addressee.split_whitespace().collect();
    let max_words = if tail.is_some() { 4 } else { 2 };
    if words.len() > max_words || (*opener == "dear" && words.is_empty()) {
        return None;
    }
    let is_addressee = |w: &str| {
        let w = w.trim_matches(|c: char| c == '.' || c == '\'' || c == '’');
        w.chars().next().is_some_and(char::is_uppercase)
            || ADDRESSEES.contains(&w.to_lowercase().as_str())
    };
    if !words.iter().all(|w| is_addressee(w)) {
        return None;
    }
    match tail {
        // "Hi team, ..." keeps what follows; "Hi team,!!" is all greeting.
        Some(t) => Some(t.trim_start_matches([',', '!', '.', ' '])),
        None => Some(""),
    }
}

/// Index where a trailing sign-off block starts in `lines` (non-empty,
/// trimmed), or `lines.len()` when there is none.
///
/// The block is a sign-off phrase line followed only by up to
/// [`MAX_NAME_LINES`] name/title/company/contact lines ("Kind regards," /
/// "Maria Lopez"), or a phrase with the name on the same line ("Best, Sam").
/// A bare phrase as the very last line counts only when it dangles with a
/// comma ("Thanks,"), so a closing "Thank you!" stays.
fn drop_sign_off(lines: &[&str]) -> usize {
    let n = lines.len();
    for i in (0..n).rev() {
        let after = n - 1 - i;
        if after > MAX_NAME_LINES {
            break;
        }
        let line = lines[i];
        if is_sign_off_phrase(line) && (after > 0 || line.ends_with(',')) {
            return i;
        }
        if let Some((phrase, name)) = line.split_once(',') {
            if is_sign_off_phrase(phrase) && is_inline_name(name) {
                return i;
            }
        }
        if !is_name_line(line) {
            break;
        }
    }
    n
}

/// The whole of `s` is a sign-off phrase (punctuation around it ignored).
fn is_sign_off_phrase(s: &str) -> bool {
    let p = s
        .trim()
        .trim_end_matches([',', '.', '!', '…', '-', '–', '—', ' '])
        .to_lowercase()
        // "Thanks & Regards" is "thanks and regards".
        .replace('&', " and ");
    let p = SPACE.replace_all(p.trim(), " ");
    SIGN_OFFS.contains(&p.as_ref())
}

/// A name after a sign-off on the same line ("Best, Sam Taylor"): one to
/// three capitalised words.
fn is_inline_name(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['.', '!']);
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
        })
}

/// A line that can belong to a signature block: short, not a question or an
/// exclamation, and every word a capitalised name, a connector ("of", "&",
/// "|"), or contact detail (digits, `@`, `+`, `www.`).
fn is_name_line(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if s.chars().count() > 80 || words.is_empty() || words.len() > 8 {
        return false;
    }
    if s.ends_with('?') || s.ends_with('!') {
        return false;
    }
    if s.ends_with('.') && words.last().is_some_and(|w| w.chars().count() > 5) {
        return false; // a sentence; "Acme Ltd." / "Jr." are fine
    }
    words.iter().all(|w| {
        let core = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '+');
        core.is_empty()
            || core.chars().next().is_some_and(char::is_uppercase)
            || core
                .chars()
                .any(|c| c.is_ascii_digit() || c == '@' || c == '+')
            || core.starts_with("www.")
            || core.starts_with("http")
            || NAME_CONNECTORS.contains(&core.to_lowercase().as_str())
    })
}

#[cfg(test)]
mod tests;
