//! Durations and numbers as help desks write them.
//!
//! * Text durations ([`parse_duration_minutes`]): `1 Day 2 Hours 5 Minutes`
//!   (Salesforce/ServiceNow reports), `2d 4h`, `1h 23m`, `90s`, clock forms
//!   `01:23:45` and `26:15:00` (hours may pass 24), and ISO 8601 `PT1H23M`,
//!   `P1DT2H`.
//! * Numbers ([`parse_number`]) with a decimal point or a decimal comma
//!   (`1,5`, `1.234,5` from European spreadsheets), decided per column
//!   ([`NumberStyle::infer`]).
//! * Units ([`Unit`]): what a plain number in a duration column means, from
//!   the header (`in seconds`, `_sec`, `(ms)`, `in hrs`) or `--unit`.

/// How a column writes decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum NumberStyle {
    /// `1.5`, `1,234.5` (thousands commas in groups of three).
    #[default]
    Dot,
    /// `1,5`, `1.234,5` (European spreadsheets, usually with `;` separators).
    Comma,
}

impl NumberStyle {
    /// Decide a column's style from sample values. A value that reads only
    /// with a decimal comma (`1,5`, `1.234,5`) votes for `Comma`; one that
    /// reads only with a decimal point (`1.5`) votes for `Dot`; the majority
    /// of these decides. Only when no value is of either kind do the values
    /// that read both ways differently (`1,500`) decide, by the file's delimiter: `;`
    /// → comma (Excel writes `;` where the comma is the decimal mark),
    /// anything else → a thousands group (a tab-separated export from an
    /// English-locale tool writes `1,440` minutes; a comma-decimal tool
    /// writes `1,44`, not `1,440`).
    pub fn infer<'a>(values: impl Iterator<Item = &'a str>, delimiter: Option<u8>) -> Self {
        let comma_locale = delimiter == Some(b';');
        let (mut comma, mut dot) = (0usize, 0usize);
        let mut ambiguous = 0usize;
        for v in values {
            let v = v.trim();
            if !v.contains([',', '.']) {
                continue;
            }
            match (
                parse_number(v, NumberStyle::Dot),
                parse_number(v, NumberStyle::Comma),
            ) {
                (None, Some(_)) => comma += 1,
                (Some(_), None) => dot += 1,
                (Some(a), Some(b)) if a != b => ambiguous += 1,
                _ => {}
            }
        }
        if (comma + dot == 0 && ambiguous > 0 && comma_locale) || comma > dot {
            NumberStyle::Comma
        } else {
            NumberStyle::Dot
        }
    }
}

/// A finite number in the column's style; `None` if it is not one.
///
/// `Dot`: `1.5`, `-2`, `1e3`, `1,234.5` (commas only as thousands groups).
/// `Comma`: `1,5`, `1.234,5`, `1.234` (dots only as thousands groups), and
/// `1.5` (a lone dot that is not a thousands group is a decimal point).
/// Either: groups of three after a space, a no-break space or an apostrophe
/// (`1 440`, `1 234,5`, `1'234.5`).
pub(crate) fn parse_number(s: &str, style: NumberStyle) -> Option<f64> {
    let t = s.trim();
    if let Ok(x) = t.parse::<f64>() {
        // Fast path. In a comma column `1.234` is a thousands group.
        if style == NumberStyle::Comma && t.contains('.') && grouped(t, '.') {
            return finite(t.replace('.', "").parse().ok()?);
        }
        return finite(x);
    }
    // Thousands grouped with a space (French, Nordic: `1 440`, also the
    // no-break and narrow no-break spaces Excel and Numbers write) or an
    // apostrophe (Swiss: `1'234,5`): the groups go, the rest reads as usual.
    if let Some(sep) = [' ', '\u{a0}', '\u{202f}', '\'']
        .into_iter()
        .find(|c| t.contains(*c))
    {
        let decimal = match style {
            NumberStyle::Dot => '.',
            NumberStyle::Comma => ',',
        };
        let int = t.split(decimal).next().unwrap_or(t);
        if !grouped(int, sep) {
            return None;
        }
        return parse_number(&t.replace(sep, ""), style);
    }
    // Cheap exit for timestamps and words (no allocation on this path).
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+'))
    {
        return None;
    }
    let (group, decimal) = match style {
        NumberStyle::Dot => (',', '.'),
        NumberStyle::Comma => ('.', ','),
    };
    let (int, frac) = match t.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    if !int.contains(group) && frac.is_none() {
        return None; // `t.parse` already failed on it
    }
    let int_clean = if int.contains(group) {
        if !grouped(int, group) {
            return None;
        }
        int.replace(group, "")
    } else {
        int.to_string()
    };
    let text = match frac {
        Some(f) => format!("{int_clean}.{f}"),
        None => int_clean,
    };
    finite(text.parse().ok()?)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `1,234,567` / `-1.234`: digits in groups of three after a 1–3 digit lead.
fn grouped(int: &str, sep: char) -> bool {
    let int = int.strip_prefix('-').unwrap_or(int);
    let mut parts = int.split(sep);
    let Some(lead) = parts.next() else {
        return false;
    };
    let mut n = 0;
    let ok_lead = (1..=3).contains(&lead.len()) && lead.bytes().all(|b| b.is_ascii_digit());
    for p in parts {
        n += 1;
        if p.len() != 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    ok_lead && n > 0
}

/// A unit of plain numbers in a duration column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
    /// Weeks.
    Weeks,
}

impl Unit {
    /// Every unit, smallest first.
    pub const ALL: [Unit; 6] = [
        Unit::Milliseconds,
        Unit::Seconds,
        Unit::Minutes,
        Unit::Hours,
        Unit::Days,
        Unit::Weeks,
    ];

    /// Minutes in one of this unit.
    pub fn minutes(self) -> f64 {
        match self {
            Unit::Milliseconds => 1.0 / 60_000.0,
            Unit::Seconds => 1.0 / 60.0,
            Unit::Minutes => 1.0,
            Unit::Hours => 60.0,
            Unit::Days => 1440.0,
            Unit::Weeks => 10_080.0,
        }
    }

    /// The spelling `--unit` takes and messages use.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Milliseconds => "milliseconds",
            Unit::Seconds => "seconds",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::Weeks => "weeks",
        }
    }

    /// A unit word as headers and `--unit` write it (`ms`, `s`, `sec`,
    /// `seconds`, `m`, `min`, `mins`, `minutes`, `h`, `hr`, `hrs`, `hours`,
    /// `d`, `day`, `days`, `w`, `wk`, `weeks`), any case; also the German,
    /// French, Spanish, Portuguese, Dutch and Italian words (`Std`,
    /// `Minuten`, `heures`, `horas`, `uren`, `jours`, …) without accents.
    pub fn parse(word: &str) -> Option<Unit> {
        Some(match word.trim().to_ascii_lowercase().as_str() {
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" | "millis" => {
                Unit::Milliseconds
            }
            "s" | "sec" | "secs" | "second" | "seconds" => Unit::Seconds,
            "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minutes,
            "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hours,
            "d" | "day" | "days" => Unit::Days,
            "w" | "wk" | "wks" | "week" | "weeks" => Unit::Weeks,
            // German, French, Spanish, Portuguese, Dutch, Italian (as
            // localized exports write them, accents left out).
            "sek" | "sekunde" | "sekunden" | "seconde" | "secondes" | "seconden" | "seg"
            | "segundo" | "segundos" | "secondo" | "secondi" => Unit::Seconds,
            "mn" | "minuten" | "minuut" | "minuto" | "minutos" | "minuti" => Unit::Minutes,
            "std" | "stunde" | "stunden" | "heure" | "heures" | "hora" | "horas" | "uur"
            | "uren" | "ora" | "ore" => Unit::Hours,
            "j" | "jour" | "jours" | "tag" | "tage" | "tagen" | "dia" | "dias" | "día" | "días"
            | "dag" | "dagen" | "giorno" | "giorni" => Unit::Days,
            "woche" | "wochen" | "semaine" | "semaines" | "semana" | "semanas" | "weken"
            | "settimana" | "settimane" => Unit::Weeks,
            _ => return None,
        })
    }

    /// The unit a header names, if any.
    ///
    /// Rules, first match wins: a unit right after `in` (or French and
    /// Spanish `en`, Portuguese `em`: `en heures`) (`in hrs`, `First
    /// reply time in minutes within business hours` → minutes); a unit alone
    /// in parentheses (`(ms)`, `(h)`); the last word if it is a unit
    /// (`reply_time_sec`, `resolution_hours`); any other unit word of two or
    /// more letters (`Resolution hours (business)`). Single letters count only
    /// in parentheses or as the last word, so `Agent's reply` has no unit.
    pub fn from_header(header: &str) -> Option<Unit> {
        let lower = header.to_ascii_lowercase();
        let words = header_words(&lower);
        if let Some(u) = words
            .windows(2)
            .find(|w| matches!(w[0], "in" | "en" | "em") && Unit::parse(w[1]).is_some())
            .and_then(|w| Unit::parse(w[1]))
        {
            return Some(u);
        }
        let mut rest = lower.as_str();
        while let Some(open) = rest.find('(') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(')') else { break };
            if let Some(u) = Unit::parse(&after[..close]) {
                return Some(u);
            }
            rest = &after[close + 1..];
        }
        if let Some(u) = words.last().and_then(|w| Unit::parse(w)) {
            return Some(u);
        }
        words
            .iter()
            .filter(|w| w.len() >= 2)
            .find_map(|w| Unit::parse(w))
    }
}

/// The ASCII words of a lower-cased header (`time to close (ms)` → `time`,
/// `to`, `close`, `ms`), as unit detection reads it.
pub(crate) fn header_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A duration written as text, in minutes; `None` if `s` is not one.
///
/// Accepted: clock forms `H:MM` and `H:MM:SS[.f]` (hours may exceed 24:
/// `26:15:00`), ISO 8601 `PnWnDTnHnMnS` (years and months are refused:
/// their length varies), and unit sequences such as `1 Day 2 Hours 5
/// Minutes`, `2d 4h`, `1h 23m`, `1.5 hours`, `90s` (any case; pieces may
/// be separated by spaces, commas or `and`). A plain number is not a text
/// duration: its unit comes from the column (see [`Unit`]).
pub(crate) fn parse_duration_minutes(s: &str) -> Option<f64> {
    let t = s.trim();
    // `< 1 min` (a report's floor): read as its bound, so the ticket keeps
    // its place in the figures instead of being rejected.
    let t = t.strip_prefix('<').map_or(t, str::trim_start);
    let first = *t.as_bytes().first()?;
    if first == b'P' || first == b'p' {
        return parse_iso8601(t);
    }
    if t.contains(':') {
        return parse_clock_span(t)
            .or_else(|| days_and_clock(t))
            .or_else(|| sql_interval(t));
    }
    parse_unit_sequence(t)
}

/// BigQuery's (and standard SQL's) `INTERVAL` as text: `Y-M D H:M:S[.F]`
/// with unpadded fields (`0-0 0 0:15:0`, `0-0 1 2:0:0`). Years and months
/// are refused, as in ISO 8601: their length varies.
fn sql_interval(t: &str) -> Option<f64> {
    let mut parts = t.split(' ');
    let (ym, days, clock) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ym.trim_start_matches('-') != "0-0" {
        return None;
    }
    let days: f64 = days.parse().ok()?;
    let mut hms = clock.split(':');
    let (h, m, sec) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() {
        return None;
    }
    let whole = |p: &str| -> Option<f64> {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (h, m) = (whole(h)?, whole(m)?);
    let sec: f64 = sec.parse().ok().filter(|s: &f64| (0.0..60.0).contains(s))?;
    if m >= 60.0 || days < 0.0 {
        return None;
    }
    Some(days * 1440.0 + h * 60.0 + m + sec / 60.0)
}

/// Days before a clock, as Python's and pandas' timedelta and Postgres'
/// interval print them (`1 day, 06:00:00`, `0 days 00:30:00`, `2 days
/// 02:00:00`), or a clock followed by its unit (Zoho's `00:30 hrs`: hours
/// and minutes; `05:30 min`: minutes and seconds).
fn days_and_clock(t: &str) -> Option<f64> {
    let (head, tail) = t.rsplit_once(' ')?;
    let head = head.trim_end_matches(',').trim_end();
    if tail.contains(':') {
        let days = parse_unit_sequence(head)?;
        return Some(days + parse_clock_span(tail)?);
    }
    let clock = parse_clock_span(head)?;
    match Unit::parse(tail)? {
        Unit::Hours => Some(clock),
        Unit::Minutes if head.matches(':').count() == 1 => Some(clock / 60.0),
        _ => None,
    }
}

/// A two-part clock (`04:05`, `12:30`) read as hours:minutes, in minutes;
/// `None` for anything else. Call-centre exports write talk time this way
/// as minutes:seconds, helpdesks' time tracking as hours:minutes, so a
/// handle-time column decides which it holds (see
/// [`super::infer::handle_clock_reading`]).
pub(crate) fn two_part_clock(s: &str) -> Option<f64> {
    let t = s.trim();
    (t.matches(':').count() == 1)
        .then(|| parse_clock_span(t))
        .flatten()
}

/// `H:MM` or `H:MM:SS[.f]` → minutes; also .NET's `d.HH:MM:SS[.f]`
/// (`1.02:00:00` is a day and two hours).
fn parse_clock_span(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let (days, hours) = match parts[0].split_once('.') {
        Some((d, h)) if parts.len() == 3 && digits(d) && digits(h) && h.len() == 2 => {
            (d.parse::<f64>().ok()?, h)
        }
        _ => (0.0, parts[0]),
    };
    if !digits(hours) || !digits(parts[1]) || parts[1].len() != 2 {
        return None;
    }
    if days > 0.0 && hours.parse::<u32>().ok()? >= 24 {
        return None;
    }
    let h: f64 = hours.parse::<f64>().ok()? + 24.0 * days;
    let m: f64 = parts[1].parse().ok()?;
    let sec: f64 = match parts.get(2) {
        None => 0.0,
        Some(p) => {
            let (i, f) = p.split_once('.').unwrap_or((p, "0"));
            if !digits(i) || i.len() != 2 || !digits(f) {
                return None;
            }
            p.parse().ok()?
        }
    };
    if m >= 60.0 || sec >= 60.0 {
        return None;
    }
    Some(h * 60.0 + m + sec / 60.0)
}

/// ISO 8601 duration without years/months: `PT1H23M`, `P1DT2H`, `PT45.5S`, `P2W`.
fn parse_iso8601(s: &str) -> Option<f64> {
    let body = &s[1..];
    let (date, time) = match body.find(['T', 't']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut total = 0.0;
    let mut any = false;
    for (part, in_time) in [(date, false), time.map_or(("", true), |t| (t, true))] {
        let mut num = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' || c == ',' {
                num.push(if c == ',' { '.' } else { c });
                continue;
            }
            let x: f64 = num.parse().ok()?;
            num.clear();
            let unit = match (c.to_ascii_uppercase(), in_time) {
                ('W', false) => Unit::Weeks,
                ('D', false) => Unit::Days,
                ('H', true) => Unit::Hours,
                ('M', true) => Unit::Minutes,
                ('S', true) => Unit::Seconds,
                _ => return None,
            };
            total += x * unit.minutes();
            any = true;
        }
        if !num.is_empty() {
            return None;
        }
    }
    if time == Some("") {
        return None;
    }
    any.then_some(total)
}

/// `1 Day 2 Hours 5 Minutes`, `2d 4h`, `1h23m`, `1.5 hrs`, `3 days, 4 hours and 5 minutes`.
fn parse_unit_sequence(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut total = 0.0;
    let mut pieces = 0;
    let mut last = None;
    let skip = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b',') {
            *i += 1;
        }
    };
    loop {
        skip(&mut i);
        if pieces > 0 {
            // `and` and its German, French, Spanish, Portuguese, Dutch and
            // Italian forms between pieces.
            let word = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            let connector = &s[i..i + word];
            if b.get(i + word) == Some(&b' ')
                && ["and", "und", "et", "y", "e", "en"]
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(connector))
            {
                i += word;
                skip(&mut i);
            }
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        if i == start {
            return None;
        }
        let x: f64 = s[start..i].parse().ok()?;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let ustart = i;
        // Letters, accented ones included (`1 día`): a run of non-ASCII
        // bytes ends at an ASCII byte, so the slice stays on char bounds.
        while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] >= 0x80) {
            i += 1;
        }
        let uend = i;
        // An abbreviation's dot: `90 min.`, `2 Std. 30 Min.`.
        if uend > ustart && b.get(i) == Some(&b'.') {
            i += 1;
        }
        // `1h30`, `2m30`: a last number without a unit counts in the unit
        // below the one before it.
        let unit = match (ustart == i && i == b.len(), last) {
            (true, Some(Unit::Days)) => Unit::Hours,
            (true, Some(Unit::Hours)) => Unit::Minutes,
            (true, Some(Unit::Minutes)) => Unit::Seconds,
            _ => Unit::parse(&s[ustart..uend])?,
        };
        total += x * unit.minutes();
        pieces += 1;
        last = Some(unit);
    }
    (pieces > 0 && total.is_finite()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn text_durations_table() {
        for (s, minutes) in [
            ("1 Day 2 Hours 5 Minutes", 1565.0),
            ("2d 4h", 3120.0),
            ("1h 23m", 83.0),
            ("1h23m", 83.0),
            ("90s", 1.5),
            ("1.5 hours", 90.0),
            ("90 min.", 90.0),
            ("2 Std. 30 Min.", 150.0),
            ("1 heure 30 minutes", 90.0),
            ("2 horas y 15 minutos", 135.0),
            ("1 uur en 5 minuten", 65.0),
            ("2j 3h", 3060.0),
            ("1 día 2 horas", 1560.0),
            ("2 días", 2880.0),
            ("3 days, 4 hours and 5 minutes", 4320.0 + 245.0),
            ("01:23:45", 83.75),
            ("26:15:00", 1575.0),
            ("0:30", 30.0),
            ("00:00:30.5", 30.5 / 60.0),
            ("PT1H23M", 83.0),
            ("P1DT2H", 1560.0),
            ("PT45S", 0.75),
            ("P2W", 20160.0),
            ("pt1h", 60.0),
            ("500 ms", 500.0 / 60_000.0),
            // Python/pandas timedelta, Postgres interval, .NET TimeSpan.
            ("1 day 06:00:00", 1800.0),
            ("2 days 02:00:00", 3000.0),
            ("0 days 00:30:00", 30.0),
            ("1 day, 06:00:00", 1800.0),
            ("0-0 0 0:15:0", 15.0),
            ("0-0 1 2:0:0", 1560.0),
            ("0-0 0 4:30:0.5", 270.0 + 0.5 / 60.0),
            ("1.02:00:00", 1560.0),
            ("0.00:30:00.5", 30.0 + 0.5 / 60.0),
            ("1h30", 90.0),
            ("1h 30", 90.0),
            ("2m30", 2.5),
            ("00:30 hrs", 30.0),
            ("01:15 h", 75.0),
            ("05:30 min", 5.5),
            ("< 1 min", 1.0),
            ("<30s", 0.5),
        ] {
            assert!(
                close(parse_duration_minutes(s), minutes),
                "{s:?} → {:?}, want {minutes}",
                parse_duration_minutes(s)
            );
        }
    }

    #[test]
    fn not_durations() {
        for s in [
            "",
            "soon",
            "90",
            "1.5",
            "P1Y",
            "P1M",
            "PT",
            "P",
            "1:5",
            "1:60",
            "1h x",
            "h1",
            "2024-01-01",
            "1 lightyear",
            "1:30:99",
            "1.24:00:00",
            "1.2:00:00",
            "1 day 1:5",
            "soon 01:00",
            "01:00 kg",
            "01:00:00 min",
            "30 1h",
            "<",
        ] {
            assert_eq!(parse_duration_minutes(s), None, "{s:?}");
        }
    }

    #[test]
    fn numbers_with_decimal_commas() {
        use NumberStyle::*;
        assert_eq!(parse_number("1,5", Comma), Some(1.5));
        assert_eq!(parse_number("1.234,5", Comma), Some(1234.5));
        assert_eq!(parse_number("0,25", Comma), Some(0.25));
        assert_eq!(parse_number("26,5", Comma), Some(26.5));
        assert_eq!(parse_number("8", Comma), Some(8.0));
        assert_eq!(parse_number("1.234", Comma), Some(1234.0));
        assert_eq!(parse_number("1.5", Comma), Some(1.5));
        assert_eq!(parse_number("-2,75", Comma), Some(-2.75));
        assert_eq!(parse_number("1,5", Dot), None);
        assert_eq!(parse_number("1,234.5", Dot), Some(1234.5));
        assert_eq!(parse_number("1,500", Dot), Some(1500.0));
        assert_eq!(parse_number("1.5", Dot), Some(1.5));
        assert_eq!(parse_number("inf", Dot), None);
        assert_eq!(parse_number("NaN", Comma), None);
        assert_eq!(parse_number("1,2,3", Comma), None);
        assert_eq!(parse_number("abc", Dot), None);
        assert_eq!(parse_number("1 440", Comma), Some(1440.0));
        assert_eq!(parse_number("1\u{a0}234,5", Comma), Some(1234.5));
        assert_eq!(
            parse_number("1\u{202f}234\u{202f}567", Dot),
            Some(1234567.0)
        );
        assert_eq!(parse_number("1'234.5", Dot), Some(1234.5));
        assert_eq!(parse_number("12 34", Dot), None);
        assert_eq!(parse_number("1 day", Dot), None);
        assert_eq!(parse_number("1 2", Dot), None);
    }

    #[test]
    fn number_style_is_decided_per_column() {
        let de = ["1,5", "0,25", "8", "", "26,5"];
        assert_eq!(
            NumberStyle::infer(de.iter().copied(), Some(b';')),
            NumberStyle::Comma
        );
        // Decimal commas win even in a comma-separated file (quoted cells).
        assert_eq!(
            NumberStyle::infer(de.iter().copied(), Some(b',')),
            NumberStyle::Comma
        );
        let us = ["1.5", "1,500", "2"];
        assert_eq!(
            NumberStyle::infer(us.iter().copied(), Some(b',')),
            NumberStyle::Dot
        );
        // `1,500` alone reads both ways: the delimiter decides.
        assert_eq!(
            NumberStyle::infer(["1,500"].iter().copied(), Some(b';')),
            NumberStyle::Comma
        );
        assert_eq!(
            NumberStyle::infer(["1,500"].iter().copied(), Some(b',')),
            NumberStyle::Dot
        );
        // Tab-separated: `1,440` minutes are thousands groups, while a
        // decimal comma with other than three decimals still reads as one.
        assert_eq!(
            NumberStyle::infer(["1,440", "2,100", "15"].iter().copied(), Some(b'\t')),
            NumberStyle::Dot
        );
        assert_eq!(
            NumberStyle::infer(["1,5", "2,25"].iter().copied(), Some(b'\t')),
            NumberStyle::Comma
        );
        // One value that reads only with a decimal comma outweighs any
        // number of values that read both ways.
        assert_eq!(
            NumberStyle::infer(
                ["1,250", "2,500", "0,5", "1,750"].iter().copied(),
                Some(b'\t')
            ),
            NumberStyle::Comma
        );
        assert_eq!(
            NumberStyle::infer(["3", "4"].iter().copied(), Some(b';')),
            NumberStyle::Dot
        );
    }

    #[test]
    fn units_from_headers() {
        for (h, u) in [
            ("First response time (in hrs)", Some(Unit::Hours)),
            (
                "First reply time in minutes within business hours",
                Some(Unit::Minutes),
            ),
            ("Full resolution time in hours", Some(Unit::Hours)),
            ("reply_time_sec", Some(Unit::Seconds)),
            ("Time to close (ms)", Some(Unit::Milliseconds)),
            ("resolution_hours", Some(Unit::Hours)),
            ("first_response_minutes", Some(Unit::Minutes)),
            ("Handle time in seconds", Some(Unit::Seconds)),
            ("TTR (h)", Some(Unit::Hours)),
            ("resolve_min", Some(Unit::Minutes)),
            ("First Response In Min", Some(Unit::Minutes)),
            ("Days to close", Some(Unit::Days)),
            ("Temps de première réponse (en heures)", Some(Unit::Hours)),
            ("Erste Antwortzeit in Minuten", Some(Unit::Minutes)),
            ("Tiempo de resolución (horas)", Some(Unit::Hours)),
            ("Tempo de resolução em dias", Some(Unit::Days)),
            ("calendar_stc", None),
            ("Resolution time", None),
            ("Agent's reply time", None),
        ] {
            assert_eq!(Unit::from_header(h), u, "{h:?}");
        }
        assert_eq!(Unit::parse("Seconds"), Some(Unit::Seconds));
        assert_eq!(Unit::parse("fortnights"), None);
    }
}
