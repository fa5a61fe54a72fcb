//! Issue or conversation: is a theme something wrong or wanted, or is it
//! small talk?
//!
//! Conversation data (social care, chat logs) holds big, cohesive themes
//! that are not complaints at all: thanks, acknowledgements ("yes", "sure",
//! "sent you a DM"), greetings. Clustered like the rest, they top every
//! "trending complaints" list. A theme is a **conversation** theme when two
//! kinds of evidence agree:
//!
//! * **its words:** the share of its c-TF-IDF keyword weight carried by
//!   conversation filler ([`FILLER`]: thanks, hi, yes, ok, lol, dm …) is at
//!   least [`FILLER_SHARE`], or at least half that when its texts are short
//!   (median ≤ [`SHORT_WORDS`] words);
//! * **the model:** its tickets are less often negative than the clustered
//!   tickets overall (without predictions, the words alone decide, with a
//!   higher bar).
//!
//! Everything else is an **issue** theme. In issue themes every keyword
//! with a filler word is dropped from the keywords and the label, so
//! "thanks / refund" reads "refund" and "thanks let / know" reads "know"
//! ([`drop_filler`]).

use super::ctfidf::Keyword;
use serde::Serialize;

/// What a theme is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeKind {
    /// Something is wrong or wanted: a complaint, a question, a request.
    Issue,
    /// Thanks, acknowledgements, greetings, pleasantries.
    Conversation,
}

/// Words of conversation filler (lower case). A keyword is filler when
/// every word of it is.
pub const FILLER: &[&str] = &[
    "thanks",
    "thank",
    "thx",
    "ty",
    "tysm",
    "cheers",
    "appreciate",
    "appreciated",
    "great",
    "awesome",
    "amazing",
    "love",
    "perfect",
    "brilliant",
    "excellent",
    "nice",
    "cool",
    "good",
    "wonderful",
    "helpful",
    "hi",
    "hello",
    "hey",
    "hiya",
    "morning",
    "evening",
    "afternoon",
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "alright",
    "lol",
    "haha",
    "hahaha",
    "lmao",
    "omg",
    "wow",
    "np",
    "welcome",
    "bye",
    "dm",
    "dms",
    "sent",
    "message",
    "messaged",
    "please",
    "pls",
    "plz",
    "guys",
    "much",
    "so",
    "very",
    "lot",
    "lots",
    "you",
    "u",
    "ur",
    "x",
    "xx",
];

/// Keyword weight share of filler that makes a theme conversation.
pub const FILLER_SHARE: f64 = 0.5;

/// Texts this short (median words) need only half the filler share.
pub const SHORT_WORDS: f64 = 5.0;

/// Whether every word of a keyword is filler.
pub fn is_filler(term: &str) -> bool {
    term.split(' ')
        .all(|w| FILLER.contains(&w.to_lowercase().as_str()))
}

/// Drop from an issue theme's keywords every one with a filler word in it
/// ("thanks", "thanks let", "hi card"), unless nothing would be left.
pub fn drop_filler(keywords: &mut Vec<Keyword>) {
    let has_filler = |term: &str| {
        term.split(' ')
            .any(|w| FILLER.contains(&w.to_lowercase().as_str()))
    };
    if keywords.iter().any(|k| !has_filler(&k.term)) {
        keywords.retain(|k| !has_filler(&k.term));
    }
}

/// Share of the keywords' c-TF-IDF weight carried by filler terms (0 when
/// there are no keywords).
pub fn filler_share(keywords: &[Keyword]) -> f64 {
    let total: f64 = keywords.iter().map(|k| k.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let filler: f64 = keywords
        .iter()
        .filter(|k| is_filler(&k.term))
        .map(|k| k.weight)
        .sum();
    // (An empty float sum is −0.0: report a plain 0.)
    (filler / total).max(0.0) + 0.0
}

/// The kind of a theme and a one-line reason, from its keywords, the
/// median word count of its texts, its negative share and the negative
/// share of all clustered tickets (`None`: no predictions).
pub fn decide(
    keywords: &[Keyword],
    median_words: f64,
    negative: Option<f64>,
    overall_negative: Option<f64>,
) -> (ThemeKind, String) {
    let fw = filler_share(keywords);
    let need = if median_words <= SHORT_WORDS {
        FILLER_SHARE / 2.0
    } else {
        FILLER_SHARE
    };
    let (calm, bar) = match (negative, overall_negative) {
        (Some(n), Some(o)) => (n < o, need),
        // Words alone: a higher bar.
        _ => (true, need.max(FILLER_SHARE) + 0.2),
    };
    let reason = format!(
        "filler {:.0}% of keyword weight, median {:.0} words, negative {} vs {} overall",
        fw * 100.0,
        median_words,
        negative.map_or("n/a".into(), |n| format!("{:.0}%", n * 100.0)),
        overall_negative.map_or("n/a".into(), |n| format!("{:.0}%", n * 100.0)),
    );
    if calm && fw >= bar {
        (ThemeKind::Conversation, reason)
    } else {
        (ThemeKind::Issue, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(terms: &[(&str, f64)]) -> Vec<Keyword> {
        terms
            .iter()
            .map(|(t, w)| Keyword {
                term: t.to_string(),
                weight: *w,
            })
            .collect()
    }

    #[test]
    fn thanks_is_conversation_and_refunds_are_issues() {
        let thanks = kw(&[
            ("thank", 0.5),
            ("thanks", 0.3),
            ("great", 0.1),
            ("playlist", 0.1),
        ]);
        assert!((filler_share(&thanks) - 0.9).abs() < 1e-12);
        assert_eq!(
            decide(&thanks, 4.0, Some(0.05), Some(0.3)).0,
            ThemeKind::Conversation
        );
        // The same words in angry tickets: the model disagrees, so an issue.
        assert_eq!(
            decide(&thanks, 4.0, Some(0.6), Some(0.3)).0,
            ThemeKind::Issue
        );
        let refund = kw(&[("refund", 0.6), ("thanks", 0.2), ("money back", 0.2)]);
        assert_eq!(
            decide(&refund, 12.0, Some(0.1), Some(0.3)).0,
            ThemeKind::Issue
        );
        // Short texts need less filler evidence: "yes sure", "sent a dm".
        let ack = kw(&[("dm", 0.2), ("account", 0.6), ("yes", 0.2)]);
        assert_eq!(
            decide(&ack, 3.0, Some(0.1), Some(0.3)).0,
            ThemeKind::Conversation
        );
        assert_eq!(decide(&ack, 12.0, Some(0.1), Some(0.3)).0, ThemeKind::Issue);
        // Without predictions the words must be clearer.
        assert_eq!(decide(&thanks, 4.0, None, None).0, ThemeKind::Conversation);
        assert_eq!(decide(&ack, 3.0, None, None).0, ThemeKind::Issue);
        assert!(is_filler("thank you") && !is_filler("thank refund"));
    }

    #[test]
    fn an_issue_theme_drops_every_keyword_with_a_filler_word() {
        let mut k = kw(&[
            ("thanks let", 0.3),
            ("refund", 0.5),
            ("hi", 0.1),
            ("know", 0.1),
        ]);
        drop_filler(&mut k);
        let terms: Vec<&str> = k.iter().map(|k| k.term.as_str()).collect();
        assert_eq!(terms, ["refund", "know"]);
        // All filler: kept, there is nothing else to show.
        let mut k = kw(&[("thanks", 0.5), ("thank you", 0.5)]);
        drop_filler(&mut k);
        assert_eq!(k.len(), 2);
    }
}
