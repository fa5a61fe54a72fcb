//! Number formatting for people: durations, percentages, counts.
//!
//! A support lead reads "1 h 05 min" faster than "65.0", and a rate shown as
//! "12.3%" cannot be mistaken for a count. Missing values are always "n/a".

/// Placeholder for a missing value.
pub const NA: &str = "n/a";

/// Minutes as "45 s", "8.5 min", "42 min", "1 h 05 min", "2 d 03 h".
pub fn minutes(m: Option<f64>) -> String {
    let Some(m) = m.filter(|m| m.is_finite() && *m >= 0.0) else {
        return NA.into();
    };
    if m < 1.0 {
        format!("{:.0} s", m * 60.0)
    } else if m < 10.0 {
        format!("{m:.1} min")
    } else if m < 59.5 {
        format!("{m:.0} min")
    } else if m < 24.0 * 60.0 - 0.5 {
        let total = m.round() as u64;
        format!("{} h {:02} min", total / 60, total % 60)
    } else {
        let total_h = (m / 60.0).round() as u64;
        format!("{} d {:02} h", total_h / 24, total_h % 24)
    }
}

/// Hours, formatted like [`minutes`].
pub fn hours(h: Option<f64>) -> String {
    minutes(h.map(|h| h * 60.0))
}

/// A 0–1 fraction as a percentage with one decimal.
pub fn pct(x: Option<f64>) -> String {
    match x.filter(|x| x.is_finite()) {
        Some(x) => format!("{:.1}%", x * 100.0),
        None => NA.into(),
    }
}

/// A plain number with up to `decimals` decimals (trailing zeros kept).
pub fn fixed(x: Option<f64>, decimals: usize) -> String {
    match x.filter(|x| x.is_finite()) {
        Some(x) => format!("{x:.decimals$}"),
        None => NA.into(),
    }
}

/// A count with thousands separators (`12,345`); fractions are rounded.
pub fn count(x: Option<f64>) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else {
        return NA.into();
    };
    let neg = x < 0.0;
    let digits = (x.abs().round() as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if neg {
        format!("−{out}")
    } else {
        out
    }
}

/// A signed number with one decimal and a real minus sign.
pub fn signed(x: f64, decimals: usize, unit: &str) -> String {
    let s = format!("{:.decimals$}", x.abs());
    let sign = if x > 0.0 && s.trim_start_matches(['0', '.']).is_empty() {
        "±"
    } else if x > 0.0 {
        "+"
    } else if x < 0.0 && !s.trim_start_matches(['0', '.']).is_empty() {
        "−"
    } else {
        "±"
    };
    format!("{sign}{s}{unit}")
}

/// Keep at most `max` characters, adding "…" when cut (on a char boundary).
pub fn truncate(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// Remove control characters (terminal escape sequences, NULs) and
/// collapse whitespace runs, so untrusted text can go to a terminal or an
/// SVG label.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        if ch.is_whitespace() || ch.is_control() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(ch);
            space = false;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(minutes(Some(0.5)), "30 s");
        assert_eq!(minutes(Some(8.54)), "8.5 min");
        assert_eq!(minutes(Some(42.2)), "42 min");
        assert_eq!(minutes(Some(65.0)), "1 h 05 min");
        assert_eq!(minutes(Some(59.7)), "1 h 00 min");
        assert_eq!(hours(Some(27.0)), "1 d 03 h");
        assert_eq!(hours(Some(2.0)), "2 h 00 min");
        assert_eq!(minutes(None), "n/a");
        assert_eq!(minutes(Some(f64::NAN)), "n/a");
    }

    #[test]
    fn numbers_and_rates() {
        assert_eq!(pct(Some(0.1234)), "12.3%");
        assert_eq!(pct(None), "n/a");
        assert_eq!(count(Some(1234567.0)), "1,234,567");
        assert_eq!(count(Some(999.0)), "999");
        assert_eq!(count(Some(-1200.0)), "−1,200");
        assert_eq!(signed(2.345, 1, " pp"), "+2.3 pp");
        assert_eq!(signed(-0.04, 1, "%"), "±0.0%");
        assert_eq!(signed(-5.0, 0, ""), "−5");
    }

    #[test]
    fn text_helpers() {
        assert_eq!(truncate("héllo world", 5), "héllo…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(clean_line("a\x1b[31m\n\tb  c"), "a [31m b c");
    }
}
