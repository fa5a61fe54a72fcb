//! Seed themes: names the team already tracks, matched onto discovered themes.
//!
//! File format (`--seed-themes FILE`), either JSON
//! `[{"name": "Late delivery", "keywords": ["late", "delivery", "tracking"]}]`
//! or one theme per line `Late delivery: late, delivery, tracking`
//! (blank lines and `#` comments ignored).
//!
//! Matching rule: seed keywords are normalised like ticket text (lower-case,
//! stop words dropped; multi-word keywords become bigrams/unigrams). A
//! discovered theme keyword *hits* a seed when it equals a seed keyword or
//! one of its words equals a one-word seed keyword. A theme's overlap with a
//! seed is the c-TF-IDF weight of its hitting top-10 keywords divided by the
//! weight of all its top-10 keywords. The theme takes the name of the seed
//! with the highest overlap when that overlap is ≥ [`MIN_OVERLAP`]; when
//! several themes take the same seed, the one with the highest overlap gets
//! the plain name and the others `name (2)`, `name (3)`, … by overlap.

use super::ctfidf::{tokenize, Keyword};
use crate::error::{Error, Result, ThemesError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Minimum share of a theme's keyword weight that must hit a seed.
pub const MIN_OVERLAP: f64 = 0.2;

/// A theme the team already tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedTheme {
    /// Name to show when a discovered theme matches.
    pub name: String,
    /// Words or short phrases that characterise it.
    pub keywords: Vec<String>,
}

/// Parse seed themes from text (`origin` names the source in errors).
pub fn parse_seed_themes(text: &str, origin: &str) -> Result<Vec<SeedTheme>> {
    let seeds: Vec<SeedTheme> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| Error::Json {
            context: origin.to_string(),
            source: e,
        })?
    } else {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let bad = |m: &str| Error::Parse {
                path: origin.to_string(),
                line: i as u64 + 1,
                message: m.to_string(),
            };
            let (name, kws) = l
                .split_once(':')
                .ok_or_else(|| bad("expected `name: keyword, keyword`"))?;
            out.push(SeedTheme {
                name: name.trim().to_string(),
                keywords: kws
                    .split(',')
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .collect(),
            });
        }
        out
    };
    for s in &seeds {
        if s.name.trim().is_empty() || s.keywords.iter().all(|k| tokenize(k).is_empty()) {
            return Err(ThemesError::Seed {
                origin: origin.to_string(),
                name: s.name.clone(),
            }
            .into());
        }
    }
    Ok(seeds)
}

/// Read seed themes from a file.
pub fn load_seed_themes(path: &Path) -> Result<Vec<SeedTheme>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_seed_themes(&text, &path.display().to_string())
}

/// A seed keyword, normalised: its content words joined by a space.
fn norm(k: &str) -> String {
    tokenize(k).join(" ")
}

/// Overlap of a theme's keywords with a seed (see the module docs).
pub fn overlap(keywords: &[Keyword], seed: &SeedTheme) -> f64 {
    let seed_terms: Vec<String> = seed
        .keywords
        .iter()
        .map(|k| norm(k))
        .filter(|k| !k.is_empty())
        .collect();
    let total: f64 = keywords.iter().map(|k| k.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let hit: f64 = keywords
        .iter()
        .filter(|k| {
            seed_terms
                .iter()
                .any(|s| *s == k.term || (!s.contains(' ') && k.term.split(' ').any(|w| w == s)))
        })
        .map(|k| k.weight)
        .sum();
    hit / total
}

/// For each theme (by its keywords), the seed name it takes, if any.
pub fn assign_names(themes: &[Vec<Keyword>], seeds: &[SeedTheme]) -> Vec<Option<String>> {
    let best: Vec<Option<(usize, f64)>> = themes
        .iter()
        .map(|kw| {
            seeds
                .iter()
                .enumerate()
                .map(|(i, s)| (i, overlap(kw, s)))
                .filter(|(_, o)| *o >= MIN_OVERLAP)
                .fold(None, |b: Option<(usize, f64)>, c| match b {
                    Some(b) if b.1 >= c.1 => Some(b),
                    _ => Some(c),
                })
        })
        .collect();
    let mut names = vec![None; themes.len()];
    for (si, seed) in seeds.iter().enumerate() {
        let mut takers: Vec<(usize, f64)> = best
            .iter()
            .enumerate()
            .filter_map(|(t, b)| b.filter(|b| b.0 == si).map(|b| (t, b.1)))
            .collect();
        takers.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (rank, (t, _)) in takers.into_iter().enumerate() {
            names[t] = Some(if rank == 0 {
                seed.name.clone()
            } else {
                format!("{} ({})", seed.name, rank + 1)
            });
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(t: &str, w: f64) -> Keyword {
        Keyword {
            term: t.into(),
            weight: w,
        }
    }

    #[test]
    fn both_formats_parse() {
        let j = parse_seed_themes(
            r#"[{"name":"Late delivery","keywords":["late","delivery"]}]"#,
            "s.json",
        )
        .unwrap();
        let l = parse_seed_themes("# tracked\nLate delivery: late, delivery\n\n", "s.txt").unwrap();
        assert_eq!(j, l);
        let e = parse_seed_themes("ok: a\nno colon here", "s.txt")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "s.txt:2: expected `name: keyword, keyword`");
        assert!(parse_seed_themes("Empty: the, and", "s.txt").is_err());
    }

    #[test]
    fn matching_follows_the_documented_rule() {
        let seeds = vec![
            SeedTheme {
                name: "Late delivery".into(),
                keywords: vec!["Late".into(), "delivery".into()],
            },
            SeedTheme {
                name: "Refunds".into(),
                keywords: vec!["refund request".into()],
            },
        ];
        let themes = vec![
            // "late delivery" bigram hits via its word `late`: 0.5 / 1.0.
            vec![kw("late delivery", 0.5), kw("package", 0.5)],
            // `refund request` hits exactly: 0.3 / 1.0; `refund` alone does not.
            vec![kw("refund request", 0.3), kw("refund", 0.7)],
            // only `late` hits: 0.1 / 1.0 < 0.2.
            vec![kw("late", 0.1), kw("password", 0.9)],
            // fully late: overlap 1.0 → takes the plain name; theme 0 becomes (2).
            vec![kw("late", 1.0)],
        ];
        let n = assign_names(&themes, &seeds);
        assert_eq!(
            n,
            vec![
                Some("Late delivery (2)".into()),
                Some("Refunds".into()),
                None,
                Some("Late delivery".into())
            ]
        );
    }
}
