//! Typed cell parsers. Each returns `Ok(None)` for a blank value and
//! `Err(reason)` with a one-line reject reason naming the column and value.

use super::fields::Field;
use super::time::parse_timestamp;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Placeholders that mean "no value" in typed (numeric, boolean, time) columns:
/// pandas/R/SQL dumps write them for missing data.
const NULLS: &[&str] = &["", "nan", "nat", "null", "none", "n/a", "na", "-", "--"];

/// True for an empty or placeholder value in a typed column.
pub(crate) fn is_blank(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || (t.len() <= 4 && NULLS.iter().any(|n| t.eq_ignore_ascii_case(n)))
}

/// A value shortened to one printable line for a reject reason.
pub(crate) fn show(s: &str) -> String {
    const MAX: usize = 60;
    let one: String = s
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one.chars().count() > MAX {
        format!("{}…", one.chars().take(MAX).collect::<String>())
    } else {
        one
    }
}

/// Trimmed text, `None` when blank.
pub(crate) fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// `true/false/yes/no/y/n/1/0` (case-insensitive; also `t/f`).
pub(crate) fn parse_bool(field: Field, col: &str, s: &str) -> Result<Option<bool>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "1.0" => Ok(Some(true)),
        "false" | "no" | "n" | "0" | "f" | "0.0" => Ok(Some(false)),
        _ => Err(format!(
            "bad {field} value '{}' in column '{col}' (expected true/false/yes/no/y/n/1/0)",
            show(s)
        )),
    }
}

/// A non-negative whole count (`3`, or `3.0` as pandas writes it).
pub(crate) fn parse_count(field: Field, col: &str, s: &str) -> Result<Option<u32>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    let t = s.trim();
    let bad = || {
        format!(
            "bad {field} number '{}' in column '{col}' (expected a whole number ≥ 0)",
            show(s)
        )
    };
    if let Ok(n) = t.parse::<u32>() {
        return Ok(Some(n));
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => {
            Ok(Some(x as u32))
        }
        _ => Err(bad()),
    }
}

/// A survey score with its valid range: CSAT 1–5, NPS 0–10, CES 1–7.
///
/// CSAT also accepts Zendesk's text ratings: `good` → 5, `bad` → 1, and
/// `offered`/`unoffered`/`not offered` (survey sent, no answer) → blank.
pub(crate) fn parse_score(field: Field, col: &str, s: &str) -> Result<Option<f64>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    let t = s.trim();
    let (lo, hi) = match field {
        Field::Csat => (1.0, 5.0),
        Field::Nps => (0.0, 10.0),
        _ => (1.0, 7.0),
    };
    if field == Field::Csat {
        match t.to_ascii_lowercase().as_str() {
            "good" | "satisfied" => return Ok(Some(5.0)),
            "bad" | "unsatisfied" | "dissatisfied" => return Ok(Some(1.0)),
            "offered" | "unoffered" | "not offered" => return Ok(None),
            _ => {}
        }
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => {
            if (lo..=hi).contains(&x) {
                Ok(Some(x))
            } else {
                Err(format!(
                    "{field} value {} in column '{col}' outside {lo}–{hi}",
                    show(s)
                ))
            }
        }
        _ => Err(format!(
            "bad {field} number '{}' in column '{col}'",
            show(s)
        )),
    }
}

/// A first-response or resolution cell: an instant or a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TimeOrSpan {
    /// A timestamp.
    At(DateTime<Utc>),
    /// A duration in the field's unit (minutes for first response, hours for resolution).
    Span(f64),
}

/// Decide per value: a number (or `H:MM[:SS]`) is a duration, anything else
/// must be a timestamp. Numbers of 10+ integer digits (≥ 1e9) are read as
/// Unix epoch timestamps: no real duration is a billion minutes.
pub(crate) fn parse_time_or_span(
    field: Field,
    col: &str,
    s: &str,
    scale: f64,
    tz: Tz,
) -> Result<Option<TimeOrSpan>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    let t = s.trim();
    if let Ok(x) = t.parse::<f64>() {
        if x.is_finite() && x.abs() < 1e9 {
            return Ok(Some(TimeOrSpan::Span(x * scale)));
        }
    }
    if let Some(minutes) = parse_clock_span(t) {
        let unit = if field == Field::Resolved {
            minutes / 60.0
        } else {
            minutes
        };
        return Ok(Some(TimeOrSpan::Span(unit)));
    }
    parse_timestamp(t, tz)
        .map(|at| Some(TimeOrSpan::At(at)))
        .ok_or_else(|| format!("bad {field} timestamp '{}' in column '{col}'", show(s)))
}

/// `H:MM` or `H:MM:SS` (hours may exceed 24) → minutes. Freshdesk writes
/// durations this way.
fn parse_clock_span(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let h: f64 = parts[0].parse().ok()?;
    let m: f64 = parts[1].parse().ok()?;
    let sec: f64 = parts.get(2).map_or(Some(0.0), |p| p.parse().ok())?;
    if parts[1].len() != 2 || m >= 60.0 || sec >= 60.0 {
        return None;
    }
    Some(h * 60.0 + m + sec / 60.0)
}

/// A tags cell as a list: split on `,` `;` `|` when the cell has any of them
/// (`billing, vip`, `a;b`: a tag may then hold a space, `needs review`),
/// otherwise on whitespace (Zendesk's space-separated `vip billing`); pieces
/// trimmed, empty ones and repeats dropped, first-seen order kept. JSON
/// arrays and repeated columns reach here as `a, b` (see `ingest::json`).
pub(crate) fn parse_tags(s: &str) -> Vec<String> {
    fn unique<'a>(pieces: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in pieces {
            let t = p.trim();
            if !t.is_empty() && !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
        out
    }
    if s.contains([',', ';', '|']) {
        unique(s.split([',', ';', '|']))
    } else {
        unique(s.split_whitespace())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for (s, v) in [
            ("true", true),
            ("Yes", true),
            ("y", true),
            ("1", true),
            ("FALSE", false),
            ("no", false),
            ("N", false),
            ("0", false),
        ] {
            assert_eq!(parse_bool(Field::Escalated, "esc", s), Ok(Some(v)), "{s}");
        }
        assert_eq!(parse_bool(Field::Escalated, "esc", " "), Ok(None));
        assert_eq!(
            parse_bool(Field::Escalated, "esc", "maybe"),
            Err(
                "bad escalated value 'maybe' in column 'esc' (expected true/false/yes/no/y/n/1/0)"
                    .into()
            )
        );
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(Field::Reopens, "r", "3"), Ok(Some(3)));
        assert_eq!(parse_count(Field::Reopens, "r", "2.0"), Ok(Some(2)));
        assert_eq!(parse_count(Field::Replies, "r", "nan"), Ok(None));
        assert!(parse_count(Field::Replies, "r", "-1").is_err());
        assert!(parse_count(Field::Replies, "r", "1.5").is_err());
        assert_eq!(
            parse_count(Field::Replies, "Replies", "many"),
            Err(
                "bad replies number 'many' in column 'Replies' (expected a whole number ≥ 0)"
                    .into()
            )
        );
    }

    #[test]
    fn scores_and_ranges() {
        assert_eq!(parse_score(Field::Csat, "c", "4.0"), Ok(Some(4.0)));
        assert_eq!(parse_score(Field::Csat, "c", "Good"), Ok(Some(5.0)));
        assert_eq!(parse_score(Field::Csat, "c", "bad"), Ok(Some(1.0)));
        assert_eq!(parse_score(Field::Csat, "c", "Offered"), Ok(None));
        assert_eq!(
            parse_score(Field::Csat, "CSAT", "6"),
            Err("csat value 6 in column 'CSAT' outside 1–5".into())
        );
        assert_eq!(
            parse_score(Field::Csat, "c", "0"),
            Err("csat value 0 in column 'c' outside 1–5".into())
        );
        assert_eq!(parse_score(Field::Nps, "n", "0"), Ok(Some(0.0)));
        assert_eq!(
            parse_score(Field::Nps, "n", "11"),
            Err("nps value 11 in column 'n' outside 0–10".into())
        );
        assert_eq!(parse_score(Field::Ces, "e", "7"), Ok(Some(7.0)));
        assert_eq!(
            parse_score(Field::Ces, "e", "8"),
            Err("ces value 8 in column 'e' outside 1–7".into())
        );
        assert_eq!(
            parse_score(Field::Ces, "e", "hard"),
            Err("bad ces number 'hard' in column 'e'".into())
        );
    }

    #[test]
    fn time_or_span() {
        let tz = Tz::UTC;
        let f = Field::FirstResponse;
        assert_eq!(
            parse_time_or_span(f, "c", "90", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(90.0)))
        );
        assert_eq!(
            parse_time_or_span(f, "c", "1.5", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(90.0)))
        );
        assert_eq!(
            parse_time_or_span(f, "c", "01:30:30", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(90.5)))
        );
        assert_eq!(
            parse_time_or_span(Field::Resolved, "c", "3:00", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(3.0)))
        );
        let at = parse_timestamp("2025-01-01 10:00", tz).unwrap();
        assert_eq!(
            parse_time_or_span(f, "c", "2025-01-01 10:00", 1.0, tz),
            Ok(Some(TimeOrSpan::At(at)))
        );
        let epoch = parse_timestamp("1735725600", tz).unwrap();
        assert_eq!(
            parse_time_or_span(f, "c", "1735725600", 1.0, tz),
            Ok(Some(TimeOrSpan::At(epoch)))
        );
        assert_eq!(parse_time_or_span(f, "c", "NaN", 1.0, tz), Ok(None));
        assert_eq!(
            parse_time_or_span(f, "FR", "soon", 1.0, tz),
            Err("bad first_response timestamp 'soon' in column 'FR'".into())
        );
    }

    #[test]
    fn tags_split() {
        assert_eq!(
            parse_tags("billing, vip;refund|x  y"),
            vec!["billing", "vip", "refund", "x  y"]
        );
        assert_eq!(parse_tags("vip  billing\tvip"), vec!["vip", "billing"]);
        assert_eq!(
            parse_tags("needs review, vip,"),
            vec!["needs review", "vip"]
        );
        assert!(parse_tags("  ").is_empty());
        assert!(parse_tags(" , ;").is_empty());
    }
}
