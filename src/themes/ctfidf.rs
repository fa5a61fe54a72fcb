//! Theme keywords by class-based TF-IDF (BERTopic's c-TF-IDF) and short labels.
//!
//! All texts of a theme are treated as one document. For term `t` in class
//! `c`: `w(t,c) = tf(t,c) / Σ_t' tf(t',c) · ln(1 + A / f_t)`, where `tf` is the
//! raw count, `A` is the average number of words (term occurrences) per class
//! and `f_t` is the count of `t` over all classes. Terms frequent in one theme
//! but rare elsewhere win. (BERTopic truncates `A` to an integer; we keep it
//! real-valued.)

use super::stopwords::STOP_WORDS;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A keyword and its c-TF-IDF weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Keyword {
    /// Unigram or bigram (space-joined).
    pub term: String,
    /// c-TF-IDF weight.
    pub weight: f64,
}

static NOISE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(concat!(
        r"\{\{[^}]*\}\}|\{[^}]*\}", // placeholders {{Order Number}}, {product}
        r"|https?://\S+|www\.\S+",  // URLs
        r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.\w+", // e-mails
        r"|@\w+",                   // @mentions
    ))
    .expect("static regex")
});

static STOP: Lazy<HashSet<&'static str>> = Lazy::new(|| STOP_WORDS.iter().copied().collect());

/// Content words of a text: lower-cased, placeholders / URLs / e-mails /
/// @mentions removed, apostrophes dropped (`don't` → `dont`), tokens without
/// letters or starting with a digit removed (numbers, `10am`), one-letter
/// tokens and English stop words removed.
pub fn tokenize(text: &str) -> Vec<String> {
    let cleaned = NOISE.replace_all(text, " ");
    cleaned
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter_map(|raw| {
            let t: String = raw
                .chars()
                .filter(|c| *c != '\'' && *c != '’')
                .flat_map(char::to_lowercase)
                .collect();
            let first_digit = t.chars().next().is_some_and(|c| c.is_numeric());
            let has_letter = t.chars().any(char::is_alphabetic);
            (t.chars().count() >= 2 && has_letter && !first_digit && !STOP.contains(t.as_str()))
                .then_some(t)
        })
        .collect()
}

/// Add a text's unigrams and bigrams (of consecutive content words, as in
/// scikit-learn's `CountVectorizer(stop_words=…, ngram_range=(1, 2))`) to `counts`.
pub fn add_terms(text: &str, counts: &mut HashMap<String, u64>) {
    let toks = tokenize(text);
    for w in toks.windows(2) {
        *counts.entry(format!("{} {}", w[0], w[1])).or_insert(0) += 1;
    }
    for t in toks {
        *counts.entry(t).or_insert(0) += 1;
    }
}

/// c-TF-IDF keywords of each class from its term counts (see the module docs
/// for the formula). Returns, per class, the `top_n` terms by weight (ties by
/// term) among those counted at least `min_count` times in the class; all
/// terms still count in the normalisation and in `A` / `f_t`.
pub fn ctfidf(classes: &[HashMap<String, u64>], top_n: usize, min_count: u64) -> Vec<Vec<Keyword>> {
    let mut f: HashMap<&str, u64> = HashMap::new();
    let mut words = 0u64;
    for c in classes {
        for (t, n) in c {
            *f.entry(t.as_str()).or_insert(0) += n;
            words += n;
        }
    }
    let a = if classes.is_empty() {
        0.0
    } else {
        words as f64 / classes.len() as f64
    };
    classes
        .iter()
        .map(|c| {
            let total: u64 = c.values().sum();
            if total == 0 {
                return Vec::new();
            }
            let mut kw: Vec<Keyword> = c
                .iter()
                .filter(|(_, &n)| n >= min_count)
                .map(|(t, &n)| {
                    let ft = f.get(t.as_str()).copied().unwrap_or(n).max(1) as f64;
                    Keyword {
                        term: t.clone(),
                        weight: n as f64 / total as f64 * (1.0 + a / ft).ln(),
                    }
                })
                .collect();
            kw.sort_by(|x, y| {
                y.weight
                    .total_cmp(&x.weight)
                    .then_with(|| x.term.cmp(&y.term))
            });
            kw.truncate(top_n);
            kw
        })
        .collect()
}

/// A short label from the top keywords: up to 3 joined by `" / "`, skipping
/// a keyword that shares a word with one already taken (so `card` and
/// `card arrival` never both appear); the third is only added when its weight
/// is at least half the first's.
pub fn label(keywords: &[Keyword]) -> String {
    let mut taken: Vec<&Keyword> = Vec::new();
    for k in keywords {
        if taken.len() == 3 {
            break;
        }
        let words: Vec<&str> = k.term.split(' ').collect();
        if taken
            .iter()
            .any(|t| t.term.split(' ').any(|w| words.contains(&w)))
        {
            continue;
        }
        if taken.len() == 2 && k.weight < 0.5 * taken[0].weight {
            break;
        }
        taken.push(k);
    }
    if taken.is_empty() {
        return "(no keywords)".to_string();
    }
    taken
        .iter()
        .map(|k| k.term.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
        pairs.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    #[test]
    fn tokenizer_drops_noise_numbers_and_stop_words() {
        let t = tokenize("Hi, my order {{Order Number}} for {product} didn't ARRIVE after 10 days! mail me@x.com https://a.b/c @support 3rd try");
        assert_eq!(t, vec!["order", "arrive", "days", "mail", "try"]);
    }

    #[test]
    fn bigrams_join_consecutive_content_words() {
        let mut c = HashMap::new();
        add_terms("the card has not arrived", &mut c);
        assert_eq!(
            c,
            counts(&[("card", 1), ("arrived", 1), ("card arrived", 1)])
        );
    }

    #[test]
    fn weights_match_hand_computation() {
        // Class 0: refund×3, card×1 (4 words); class 1: card×4 (4 words).
        // A = 8/2 = 4; f(refund)=3, f(card)=5.
        // w(refund,0) = 3/4·ln(1+4/3) = 0.75·0.847298 = 0.635473
        // w(card,0)   = 1/4·ln(1+4/5) = 0.25·0.587787 = 0.146947
        // w(card,1)   = 4/4·ln(1.8)   = 0.587787
        let k = ctfidf(
            &[
                counts(&[("refund", 3), ("card", 1)]),
                counts(&[("card", 4)]),
            ],
            10,
            1,
        );
        assert_eq!(k[0][0].term, "refund");
        assert!((k[0][0].weight - 0.635_473).abs() < 1e-5);
        assert!((k[0][1].weight - 0.146_947).abs() < 1e-5);
        assert!((k[1][0].weight - 0.587_787).abs() < 1e-5);
        // min_count filters candidates but not the normalisation.
        let k = ctfidf(
            &[
                counts(&[("refund", 3), ("card", 1)]),
                counts(&[("card", 4)]),
            ],
            10,
            2,
        );
        assert_eq!(k[0].len(), 1);
        assert!((k[0][0].weight - 0.635_473).abs() < 1e-5);
    }

    #[test]
    fn label_avoids_bigram_and_its_unigram() {
        let kw = |t: &str, w: f64| Keyword {
            term: t.into(),
            weight: w,
        };
        let l = label(&[
            kw("card", 1.0),
            kw("card arrival", 0.9),
            kw("arrive", 0.8),
            kw("delivery", 0.6),
        ]);
        assert_eq!(l, "card / arrive / delivery");
        let l = label(&[kw("refund", 1.0), kw("late", 0.9), kw("fee", 0.2)]);
        assert_eq!(l, "refund / late");
        assert_eq!(label(&[]), "(no keywords)");
    }
}
