//! Cleaning ticket text before it reaches the tokenizer.
//!
//! Exports carry e-mail residue that says nothing about the customer's
//! problem but eats the model's 256-token budget: HTML markup and entities,
//! quoted reply history (`On Mon, … wrote:` and `>` lines), signatures and
//! "Sent from my phone" footers. We drop those and collapse whitespace; the
//! head of the message (where people state the problem) is what remains.

use once_cell::sync::Lazy;
use regex::Regex;

static TAG: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?is)<(script|style)\b.*?</(script|style)\s*>|<[^>]{0,500}>").unwrap()
});
static BREAK_TAG: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)<\s*(br|/p|/div|/li|/tr|p|div|li)\b[^>]*>").unwrap());
static WROTE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*(on\s.{0,200}\bwrote:?\s*$|-{2,}\s*original message\s*-{2,}|from:\s.+\bsent:\s)",
    )
    .unwrap()
});
static FOOTER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*(sent from my \w+|get outlook for \w+|sent via \w+)").unwrap()
});
static SPACE: Lazy<Regex> = Lazy::new(|| Regex::new(r"\s+").unwrap());

/// Longest signature block (lines after a `--` delimiter) we drop; a longer
/// tail is probably content, not a signature.
const MAX_SIGNATURE_LINES: usize = 8;

/// Clean one ticket text. Returns an empty string when nothing is left.
pub fn clean_text(raw: &str) -> String {
    let text = if raw.contains('<') {
        let with_breaks = BREAK_TAG.replace_all(raw, "\n");
        TAG.replace_all(&with_breaks, " ").into_owned()
    } else {
        raw.to_string()
    };
    let text = if text.contains('&') {
        html_escape::decode_html_entities(&text).into_owned()
    } else {
        text
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if WROTE.is_match(line) {
            break; // everything below is quoted history
        }
        if t.starts_with('>') || FOOTER.is_match(t) {
            continue;
        }
        if (t == "--" || t == "-- " || t == "__") && lines.len() - i - 1 <= MAX_SIGNATURE_LINES {
            break; // signature delimiter near the end
        }
        kept.push(line);
    }
    SPACE.replace_all(&kept.join(" "), " ").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    #[test]
    fn strips_html_and_entities() {
        assert_eq!(
            clean_text("<p>My order &amp; invoice</p><p>are wrong</p>"),
            "My order & invoice are wrong"
        );
        assert_eq!(clean_text("a<script>alert(1)</script>b"), "a b");
        assert_eq!(clean_text("x &lt;3 y"), "x <3 y");
    }

    #[test]
    fn drops_quoted_history_signature_and_footer() {
        let t = "Still no refund!\n\nSent from my iPhone\n\nOn Mon, Jun 2, 2025 at 10:00 AM Support <s@x.com> wrote:\n> We are looking into it\n> Thanks";
        assert_eq!(clean_text(t), "Still no refund!");
        let t = "Please update my address.\n> old quote\nThanks\n--\nJane Doe\nAcme Corp";
        assert_eq!(clean_text(t), "Please update my address. Thanks");
    }

    #[test]
    fn keeps_plain_text_and_collapses_whitespace() {
        assert_eq!(
            clean_text("  hello \t  world \n\n again "),
            "hello world again"
        );
        assert_eq!(clean_text("   "), "");
        assert_eq!(clean_text("a -- b"), "a -- b");
    }
}
