//! Timestamp parsing for ticket exports.
//!
//! Help-desk exports write time in a dozen ways; a support lead should not
//! have to reformat a file before analysing it. [`parse_timestamp`] accepts
//! the forms seen in Zendesk, Freshdesk, Jira, Kaggle/pandas dumps, Twitter
//! and spreadsheet exports, and returns `None` for anything else so the
//! caller can reject the row with the offending value.
//!
//! Naive times (no offset) are read in the caller's time zone. Around DST
//! changes: an ambiguous local time (the repeated hour in autumn) takes the
//! **earliest** instant; a nonexistent local time (the skipped hour in spring)
//! is **shifted forward** by the gap (02:30 on a spring-forward night reads as
//! 03:30 local), the same as reading it with the offset in force just before
//! the change.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use spelling::Zone;

mod spelling;

/// The order of day and month in all-numeric dates (`04/03/2024`).
///
/// `YYYY-MM-DD` is unambiguous; `DD/MM/YYYY` vs `MM/DD/YYYY` is not, and is
/// decided per column (see `docs/ingest.md`), or given with `--date-order`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day first (`04/03/2024` = 4 March): Europe, UK, most of the world.
    Dmy,
    /// Month first (`04/03/2024` = April 3): the US.
    Mdy,
}

/// Formats with an explicit offset, tried in order (after `Z`/` UTC` become `+00:00`).
const OFFSET_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f %#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// ISO-like naive date-times.
const ISO_NAIVE: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

impl DateOrder {
    /// The order assumed for an all-numeric date whose column never decides:
    /// month-first for `/` (US spreadsheets and US-locale exporters write
    /// `MM/DD/YYYY`), day-first for `-` and `.` (`DD-MM-YYYY`, `DD.MM.YYYY`
    /// are European and Indian forms; the US does not write them).
    pub fn default_for(separator: u8) -> DateOrder {
        if separator == b'/' {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        }
    }

    /// The other order.
    pub fn flip(self) -> DateOrder {
        match self {
            DateOrder::Dmy => DateOrder::Mdy,
            DateOrder::Mdy => DateOrder::Dmy,
        }
    }

    /// `day-first` / `month-first`, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first",
            DateOrder::Mdy => "month-first",
        }
    }

    /// The `--date-order` value that selects this order.
    pub fn flag(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;

    /// `dmy` / `mdy` (also `day-first` / `month-first`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" | "day-first" | "dayfirst" => Ok(DateOrder::Dmy),
            "mdy" | "month-first" | "monthfirst" => Ok(DateOrder::Mdy),
            other => Err(format!(
                "unknown date order `{other}` (expected dmy or mdy)"
            )),
        }
    }
}

/// Parse one timestamp; naive values are local times in `tz`.
///
/// Accepted: RFC 3339 (`Z` or offset, `T` or space), `YYYY-MM-DD HH:MM[:SS[.frac]]`
/// (with or without `T`, optional trailing offset or ` UTC`), date only
/// (midnight), Unix epoch seconds (9–11 digits, optional fraction) or
/// milliseconds (13 digits), Twitter's `Tue Oct 31 22:10:47 +0000 2017`,
/// RFC 2822, `YYYY/MM/DD` and `YYYY.MM.DD`, numeric day/month dates with
/// `/`, `-` or `.` and a 2- or 4-digit year, month names (`05/Mar/24`,
/// `5 March 2024`, `Mar 5, 2024`), each with an optional `HH:MM[:SS]` or
/// 12-hour `H:MM[:SS] AM|PM` time. A zone after the time is read: the
/// unambiguous abbreviations (`PST`, `CET`, `AEST`, …; not `IST` or `AST`),
/// `GMT+02:00`, a bare offset, an IANA name (`Europe/Berlin`, DST-aware), or
/// one in brackets (`(UTC)`, Java's `[Europe/Paris]`; JavaScript's
/// `(Central European Standard Time)` after an offset). Rarer spellings are
/// rewritten first (see `time/spelling.rs`): `p. m.`, `14h22`, Oracle's
/// `02.22.05.000000 PM`, `14:22:05,123`, `@` before the time, a weekday
/// without a comma, `2024年3月1日`, all-digit `YYYYMMDD[HHMM[SS]]`, and
/// month names in German, French, Spanish, Portuguese, Dutch and Italian.
///
/// An all-numeric day/month date is read in the default order for its
/// separator ([`DateOrder::default_for`]: `/` month-first, `-` and `.`
/// day-first). The ticket reader instead decides the order per column from
/// the column's values ([`parse_timestamp_ordered`]).
pub fn parse_timestamp(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    parse_timestamp_ordered(s, tz, None)
}

/// [`parse_timestamp`] with the day/month order of all-numeric dates given
/// (`None` = the default for the separator).
pub fn parse_timestamp_ordered(s: &str, tz: Tz, order: Option<DateOrder>) -> Option<DateTime<Utc>> {
    let s = s.trim();
    // Rarer spellings (`p. m.`, Oracle's dotted clock, a zone in brackets,
    // …) are rewritten only when the value does not read as it is.
    parse_spelled(s, tz, order).or_else(|| parse_spelled(&spelling::respelled(s)?, tz, order))
}

/// [`parse_timestamp_ordered`] without the rewriting of rarer spellings.
fn parse_spelled(s: &str, tz: Tz, order: Option<DateOrder>) -> Option<DateTime<Utc>> {
    // The usual forms first: an ordinal day or a zone name is looked for
    // only in a value they cannot read.
    parse_zoneless(s, tz, order)
        .or_else(|| parse_spelled(&without_ordinal(s)?, tz, order))
        .or_else(|| match spelling::trailing_zone(s)? {
            (rest, Zone::Named(zone)) => parse_zoneless(rest, zone, order),
            (rest, Zone::Offset(offset)) => {
                let at = parse_zoneless(rest, Tz::UTC, order)?;
                // Go's `2024-03-01 14:00:00 -0500 EST`: the offset is already
                // there and the name only repeats it.
                if has_offset_suffix(rest) || rest.ends_with(['Z', 'z']) {
                    return Some(at);
                }
                Some(at - chrono::Duration::minutes(offset))
            }
        })
        .or_else(|| {
            // `IST` names three zones: read only in the zone given, when
            // that zone is called so then.
            let (rest, zone) = spelling::ambiguous_zone(s)?;
            let at = parse_zoneless(rest, tz, order)?;
            let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
            let minutes = offset.local_minus_utc() / 60;
            zone.offsets.contains(&minutes).then_some(at)
        })
}

/// Why a value ending in an ambiguous zone abbreviation (`IST`) did not
/// read, for its reject reason: the zones it names and the setting that
/// picks one. `None` for other values.
pub(crate) fn ambiguous_zone_note(s: &str) -> Option<String> {
    let (_, zone) = spelling::ambiguous_zone(s.trim())?;
    Some(format!(
        "'{}' names more than one zone ({}): pass {} with the zone meant, such as {}",
        zone.abbr,
        zone.zones,
        crate::error::Setting::Timezone,
        zone.example
    ))
}

/// [`parse_timestamp_ordered`] before a trailing zone name is tried.
fn parse_zoneless(s: &str, tz: Tz, order: Option<DateOrder>) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let first = *b.first()?;
    if first.is_ascii_alphabetic() {
        // `Friday, March 1, 2024`, `Fri, 1 Mar 2024 …` (RFC 2822 below).
        if let Some((day, rest)) = s.split_once(", ") {
            // A long name only: `Fri, 01 Mar 2024 …` is RFC 2822's.
            if day.len() > 3 && day.parse::<chrono::Weekday>().is_ok() {
                return parse_zoneless(rest, tz, order);
            }
        }
        return parse_month_name_first(s, tz);
    }
    // ISO 8601 basic format: `20240301T142205Z`, `20240301T1422`.
    if b.len() >= 13 && b[8] == b'T' && b[..8].iter().all(u8::is_ascii_digit) {
        let (naive, utc) = match s.strip_suffix(['Z', 'z']) {
            Some(n) => (n, true),
            None => (s, false),
        };
        let fmt = if naive.len() == 15 {
            "%Y%m%dT%H%M%S"
        } else {
            "%Y%m%dT%H%M"
        };
        let at = chrono::NaiveDateTime::parse_from_str(naive, fmt).ok()?;
        return Some(if utc { at.and_utc() } else { localize(at, tz) });
    }
    if !first.is_ascii_digit() {
        return None;
    }
    if let Some(t) = parse_epoch(s) {
        return Some(t);
    }
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) {
        return match b[4] {
            // ISO first; then an ISO date with a 12-hour or one-digit-hour
            // clock (`2024-03-04 9:15 PM`), as some exports write it.
            b'-' => parse_with_offset(s)
                .or_else(|| parse_iso_naive(s, tz))
                .or_else(|| parse_split(s, date_end(s), "%Y-%m-%d", tz)),
            b'/' => parse_split(s, date_end(s), "%Y/%m/%d", tz),
            b'.' => parse_split(s, date_end(s), "%Y.%m.%d", tz),
            _ => None,
        };
    }
    let shape = day_month_shape(s)?;
    let fmt = shape.format(order);
    parse_split(s, shape.date_len, fmt, tz)
}

/// A date with an ordinal day (`1st Mar 2024`, `March 2nd, 2024`) without
/// its suffix; `None` when there is none.
fn without_ordinal(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let at = (1..b.len().saturating_sub(1)).find(|&i| {
        let suffix = [b[i].to_ascii_lowercase(), b[i + 1].to_ascii_lowercase()];
        b[i - 1].is_ascii_digit()
            && (i < 2 || !b[i - 2].is_ascii_digit() || i < 3 || !b[i - 3].is_ascii_digit())
            && matches!(&suffix, b"st" | b"nd" | b"rd" | b"th")
            && !b.get(i + 2).is_some_and(u8::is_ascii_alphabetic)
    })?;
    Some(format!("{}{}", &s[..at], &s[at + 2..]))
}

/// The layout of a date that starts with its day or month (`04/03/2024`,
/// `05/Mar/24`, `4-3-24`, `14.03.2024`, `5 March 2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayMonthShape {
    /// Byte length of the date part (the time, if any, follows).
    pub date_len: usize,
    /// `/`, `-`, `.` or `b' '` (`5 March 2024`).
    pub separator: u8,
    /// The month is a name (`Mar`, `March`): the order is not in question.
    pub month_named: bool,
    /// The year has 2 digits.
    pub short_year: bool,
    /// First and second numeric fields (only meaningful when not month-named).
    pub first: u32,
    /// Second numeric field.
    pub second: u32,
}

impl DayMonthShape {
    /// Which orders could read these two numeric fields.
    pub fn readable_as(&self, order: DateOrder) -> bool {
        if self.month_named {
            return true;
        }
        let (d, m) = match order {
            DateOrder::Dmy => (self.first, self.second),
            DateOrder::Mdy => (self.second, self.first),
        };
        (1..=31).contains(&d) && (1..=12).contains(&m)
    }

    /// The chrono format of the date part in `order` (`None` = default).
    fn format(&self, order: Option<DateOrder>) -> &'static str {
        let order = order.unwrap_or(DateOrder::default_for(self.separator));
        let y = self.short_year;
        match (self.separator, self.month_named, order) {
            (b' ', _, _) if y => "%d %B %y",
            (b' ', _, _) => "%d %B %Y",
            (b'/', true, _) if y => "%d/%B/%y",
            (b'/', true, _) => "%d/%B/%Y",
            (b'-', true, _) if y => "%d-%B-%y",
            (b'-', true, _) => "%d-%B-%Y",
            (_, true, _) if y => "%d.%B.%y",
            (_, true, _) => "%d.%B.%Y",
            (b'/', false, DateOrder::Dmy) if y => "%d/%m/%y",
            (b'/', false, DateOrder::Dmy) => "%d/%m/%Y",
            (b'/', false, DateOrder::Mdy) if y => "%m/%d/%y",
            (b'/', false, DateOrder::Mdy) => "%m/%d/%Y",
            (b'-', false, DateOrder::Dmy) if y => "%d-%m-%y",
            (b'-', false, DateOrder::Dmy) => "%d-%m-%Y",
            (b'-', false, DateOrder::Mdy) if y => "%m-%d-%y",
            (b'-', false, DateOrder::Mdy) => "%m-%d-%Y",
            (_, false, DateOrder::Dmy) if y => "%d.%m.%y",
            (_, false, DateOrder::Dmy) => "%d.%m.%Y",
            (_, false, DateOrder::Mdy) if y => "%m.%d.%y",
            (_, false, DateOrder::Mdy) => "%m.%d.%Y",
        }
    }
}

/// Recognise a day/month-first date and measure it. Only the layout is read
/// here (which bytes are digits, letters, separators); chrono parses the
/// fields.
pub(crate) fn day_month_shape(s: &str) -> Option<DayMonthShape> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let letters = |from: usize| {
        b[from..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
    };
    let n1 = digits(0);
    if !(1..=2).contains(&n1) || n1 >= b.len() {
        return None;
    }
    let sep = b[n1];
    let first: u32 = s[..n1].parse().ok()?;
    if sep == b' ' {
        // `5 March 2024 [time]`
        let p = n1 + 1;
        let nm = letters(p);
        if nm < 3 || b.get(p + nm) != Some(&b' ') {
            return None;
        }
        let py = p + nm + 1;
        let ny = digits(py);
        if !(ny == 2 || ny == 4) || !boundary(b, py + ny) {
            return None;
        }
        return Some(DayMonthShape {
            date_len: py + ny,
            separator: b' ',
            month_named: true,
            short_year: ny == 2,
            first,
            second: 0,
        });
    }
    if !matches!(sep, b'/' | b'-' | b'.') {
        return None;
    }
    let p = n1 + 1;
    let (n2, named) = match digits(p) {
        0 => (letters(p), true),
        n => (n, false),
    };
    if (named && n2 < 3) || (!named && n2 > 2) || b.get(p + n2) != Some(&sep) {
        return None;
    }
    let second: u32 = if named { 0 } else { s[p..p + n2].parse().ok()? };
    let py = p + n2 + 1;
    let ny = digits(py);
    if !(ny == 2 || ny == 4) || !boundary(b, py + ny) {
        return None;
    }
    Some(DayMonthShape {
        date_len: py + ny,
        separator: sep,
        month_named: named,
        short_year: ny == 2,
        first,
        second,
    })
}

/// Where a year-first date ends: at the first space or `T`.
fn date_end(s: &str) -> usize {
    s.find([' ', 'T']).unwrap_or(s.len())
}

/// The date part ends at the end of the value or at a space / `T`.
fn boundary(b: &[u8], at: usize) -> bool {
    // `3/1/2024, 2:22 PM`: Salesforce Lightning and `toLocaleString`.
    matches!(b.get(at), None | Some(b' ') | Some(b'T') | Some(b','))
}

/// Parse `date_len` bytes of `s` as a date with `date_fmt` and the rest (if
/// any) as a clock time; naive in `tz`.
fn parse_split(s: &str, date_len: usize, date_fmt: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let (d, rest) = (s.get(..date_len)?, s.get(date_len..)?);
    let date = NaiveDate::parse_from_str(d, date_fmt).ok()?;
    if !(1900..=2200).contains(&date.year()) {
        return None;
    }
    let time = parse_clock(rest.trim_start_matches(['T', ' ', ',']))?;
    Some(localize(date.and_time(time), tz))
}

/// `HH:MM[:SS[.frac]]` or 12-hour `H:MM[:SS] AM|PM` (`12:05 PM` is noon,
/// `12:10 AM` is ten past midnight); empty = midnight.
fn parse_clock(t: &str) -> Option<NaiveTime> {
    let t = t.trim();
    if t.is_empty() {
        return Some(NaiveTime::MIN);
    }
    let colons = t.bytes().filter(|&c| c == b':').count();
    let twelve = t.len() > 2 && {
        let tail = &t.as_bytes()[t.len() - 2..];
        tail[1].eq_ignore_ascii_case(&b'm') && matches!(tail[0] | 0x20, b'a' | b'p')
    };
    let fmt = match (colons, twelve) {
        (1, false) => "%H:%M",
        (2, false) => "%H:%M:%S%.f",
        (1, true) => "%I:%M %p",
        (2, true) => "%I:%M:%S%.f %p",
        _ => return None,
    };
    NaiveTime::parse_from_str(t, fmt).ok()
}

/// Forms that start with a letter: Twitter's `Tue Oct 31 22:10:47 +0000 2017`,
/// RFC 2822 (`Tue, 5 Mar 2024 10:12:00 +0000`), and month-name-first dates
/// `Mar 5, 2024 3:45 PM`, `March 5 2024 15:45`, `Mar 5, 2024`.
fn parse_month_name_first(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y") {
        return Some(d.with_timezone(&Utc));
    }
    if s.as_bytes().get(3) == Some(&b',') {
        return DateTime::parse_from_rfc2822(s)
            .ok()
            .map(|d| d.with_timezone(&Utc));
    }
    let mut parts = s.splitn(4, ' ').filter(|p| !p.is_empty());
    let month = parts.next()?;
    let day = parts.next()?.trim_end_matches(',');
    let year = parts.next()?.trim_end_matches(',');
    let rest = parts.next().unwrap_or("").trim_start_matches(',').trim();
    let rest = rest.strip_prefix("at ").unwrap_or(rest);
    let fmt = match year.len() {
        4 => "%B %d %Y",
        2 => "%B %d %y",
        _ => return None,
    };
    let date = NaiveDate::parse_from_str(&format!("{month} {day} {year}"), fmt).ok()?;
    let time = parse_clock(rest)?;
    Some(localize(date.and_time(time), tz))
}

/// Excel's serial day number (days since 1899-12-30, fraction = time of
/// day), as a spreadsheet writes a date cell it was not told to format.
/// Only values from 1970 to 2100 (25569–73051) are taken.
pub fn parse_excel_serial(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let x: f64 = s.trim().parse().ok()?;
    if !(25_569.0..73_051.0).contains(&x) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let secs = (x * 86_400.0).round() as i64;
    Some(localize(base + Duration::seconds(secs), tz))
}

/// Check a `--date-format` strftime string before any row is read.
pub fn check_format(fmt: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
        return Err(format!("bad strftime format '{fmt}'"));
    }
    Ok(())
}

/// Parse with a user-given strftime format (`--date-format`): with an
/// offset (`%z`) as an instant, else as a naive date-time in `tz`, else as
/// a date at midnight.
pub fn parse_with_format(s: &str, fmt: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if fmt.contains('z') {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
        return Some(localize(n, tz));
    }
    NaiveDate::parse_from_str(s, fmt)
        .ok()
        .map(|d| localize(d.and_time(NaiveTime::MIN), tz))
}

/// Unix epoch seconds (9–11 integer digits, optional fraction: 1973-03-03
/// to 5138) or milliseconds (13 digits). Shorter numbers are not taken as
/// epochs: 8 digits is more likely a `YYYYMMDD` date (read by
/// `spelling::respelled`) or an id than 1970.
fn parse_epoch(s: &str) -> Option<DateTime<Utc>> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match int.len() {
        9..=11 => {
            let secs: i64 = int.parse().ok()?;
            let nanos = if frac.is_empty() {
                0
            } else {
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                digits.parse::<u32>().ok()?
            };
            DateTime::from_timestamp(secs, nanos)
        }
        13 if frac.is_empty() => DateTime::from_timestamp_millis(int.parse().ok()?),
        // Microseconds (BigQuery, Parquet written as text) and nanoseconds
        // (pandas' `view('int64')`, Go, Spark).
        16 if frac.is_empty() => DateTime::from_timestamp_micros(int.parse().ok()?),
        19 if frac.is_empty() => Some(DateTime::from_timestamp_nanos(int.parse().ok()?)),
        _ => None,
    }
}

/// Forms that carry their own offset (RFC 3339, pandas `+00:00`, `Z`, ` UTC`).
fn parse_with_offset(s: &str) -> Option<DateTime<Utc>> {
    // RFC 3339 in UTC, the commonest API form, without a format string.
    let utc = s.strip_suffix('Z').filter(|n| n.len() > 10);
    if let Some(naive) = utc.and_then(fast_iso_naive) {
        return Some(naive.and_utc());
    }
    let normalised;
    let s = if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        normalised = format!("{rest}+00:00");
        normalised.as_str()
    } else if let Some(rest) = s.strip_suffix(" UTC").or_else(|| s.strip_suffix(" GMT")) {
        normalised = format!("{}+00:00", rest.trim_end());
        normalised.as_str()
    } else {
        s
    };
    if !has_offset_suffix(s) {
        return None;
    }
    OFFSET_FORMATS
        .iter()
        .find_map(|f| DateTime::<FixedOffset>::parse_from_str(s, f).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Cheap check that the value ends in `+hh[:mm]`/`-hh[:mm]` after the time, so
/// naive values skip the offset formats.
fn has_offset_suffix(s: &str) -> bool {
    let Some(t) = s.find(['T', ' ']) else {
        return false;
    };
    s[t..].contains(['+', '-'])
}

/// The commonest shape read without a format string: `YYYY-MM-DD`, then
/// optionally `T` or a space and `HH:MM`, `:SS`, `.f` (1–9 digits), fixed
/// widths. Every value it reads, the `ISO_NAIVE` formats read the same way;
/// anything else (a one-digit hour, a leap second, an offset) is `None` and
/// goes the general way. Parsing a strftime string per value was a quarter
/// of the time of reading a large export.
fn fast_iso_naive(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let d = b.get(r)?;
        d.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    if b.len() == 10 {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !matches!(b[10], b'T' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, m) = (num(11..13)?, num(14..16)?);
    let (sec, nano) = match b.len() {
        16 => (0, 0),
        19 if b[16] == b':' => (num(17..19)?, 0),
        n if (21..=29).contains(&n) && b[16] == b':' && b[19] == b'.' => {
            let frac = num(20..n)?;
            (num(17..19)?, frac * 10u32.pow(29 - n as u32))
        }
        _ => return None,
    };
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, m, sec, nano)?))
}

/// ISO naive date-time (`T` or space) or date only, in `tz`.
fn parse_iso_naive(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let naive = fast_iso_naive(s).or_else(|| iso_naive_by_formats(s))?;
    Some(localize(naive, tz))
}

/// The `ISO_NAIVE` formats, then a date alone (midnight).
fn iso_naive_by_formats(s: &str) -> Option<NaiveDateTime> {
    ISO_NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN))
        })
}

/// Read a naive local time in `tz` (ambiguous → earliest, gap → shifted forward).
pub(crate) fn localize(naive: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // Use the offset in force before the gap: the wall time moves forward by the gap.
            let before = naive - Duration::hours(3);
            match tz.from_local_datetime(&before).earliest() {
                Some(b) => {
                    let offset = b.offset().fix();
                    (naive - Duration::seconds(offset.local_minus_utc() as i64)).and_utc()
                }
                None => naive.and_utc(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path reads exactly what the formats read, and the same way.
    #[test]
    fn fast_iso_agrees_with_the_formats() {
        let by_formats = iso_naive_by_formats;
        for s in [
            "2024-03-01",
            "2024-03-01 09:05",
            "2024-03-01T09:05",
            "2024-03-01 09:05:07",
            "2024-03-01T23:59:59.5",
            "2024-03-01 00:00:00.123456789",
            "2024-02-29 12:00",
            "2023-02-29 12:00",
            "2024-13-01 12:00",
            "2024-03-01 24:00",
            "2024-03-01 09:60",
            "2024-03-01 9:05",
            "2024-03-01 09:05:07.",
            "2024-03-01 09:05:07.1234567890",
            "2024-03-01X09:05",
            "2024-03-01 09:05:07 PM",
            "2024/03/01 09:05",
        ] {
            if let Some(fast) = fast_iso_naive(s) {
                assert_eq!(Some(fast), by_formats(s), "{s}");
            }
        }
        assert_eq!(
            fast_iso_naive("2024-03-01 09:05:07.25"),
            by_formats("2024-03-01 09:05:07.25")
        );
        assert!(fast_iso_naive("2024-03-01 09:05").is_some());
        assert!(fast_iso_naive("2024-03-01 9:05").is_none());
    }
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn p(s: &str) -> Option<DateTime<Utc>> {
        parse_timestamp(s, Tz::UTC)
    }

    /// Exports that write a comma after the date, a weekday before it, the
    /// ISO basic format, or a zone name after the time.
    #[test]
    fn commas_weekdays_basic_iso_and_zone_names() {
        for (s, want) in [
            ("3/1/2024, 2:22 PM", "2024-03-01T14:22:00Z"),
            ("01.03.2024, 14:22", "2024-03-01T14:22:00Z"),
            ("Friday, March 1, 2024", "2024-03-01T00:00:00Z"),
            ("Friday, 1 March 2024 14:22", "2024-03-01T14:22:00Z"),
            ("20240301T142205Z", "2024-03-01T14:22:05Z"),
            ("20240301T1422", "2024-03-01T14:22:00Z"),
            ("2024-03-01 14:22:05 PST", "2024-03-01T22:22:05Z"),
            ("3/1/2024 2:22 PM EDT", "2024-03-01T18:22:00Z"),
            ("2024-03-01 14:22 GMT+02:00", "2024-03-01T12:22:00Z"),
            ("2024-03-01 14:22 UTC-0530", "2024-03-01T19:52:00Z"),
            ("Fri, 01 Mar 2024 14:22:05 GMT", "2024-03-01T14:22:05Z"),
            ("2024-03-01 14:00:00 -0500 EST", "2024-03-01T19:00:00Z"),
            ("2024-03-01T14:00:00-05:00 EST", "2024-03-01T19:00:00Z"),
            ("1st Mar 2024", "2024-03-01T00:00:00Z"),
            ("March 2nd, 2024 2:22 PM", "2024-03-02T14:22:00Z"),
            ("Friday, March 22nd, 2024", "2024-03-22T00:00:00Z"),
        ] {
            assert_eq!(p(s), Some(utc(want)), "{s}");
        }
    }

    /// Spellings read through `spelling::respelled`, and zones written
    /// after the time in other ways; each value is the instant it names.
    #[test]
    fn rarer_spellings_and_zones() {
        for (s, want) in [
            ("01-MAR-24 02.22.05.000000 PM", "2024-03-01T14:22:05Z"),
            ("01-MAR-24", "2024-03-01T00:00:00Z"),
            ("2024-03-01 오후 2:22:05", "2024-03-01T14:22:05Z"),
            ("2024. 3. 1. 오전 9:05", "2024-03-01T09:05:00Z"),
            ("2024/3/1 下午2:22", "2024-03-01T14:22:00Z"),
            ("2024年3月1日 上午9:05", "2024-03-01T09:05:00Z"),
            ("2024/03/01 午後2:22:05", "2024-03-01T14:22:05Z"),
            ("2024-03-01 오후 12:10", "2024-03-01T12:10:00Z"),
            ("3/1/2024 2:22 p.m.", "2024-03-01T14:22:00Z"),
            ("3/1/2024 2:22 P.M.", "2024-03-01T14:22:00Z"),
            ("3/1/2024 12:05 a.m.", "2024-03-01T00:05:00Z"),
            ("01/03/2024 2:22 p. m.", "2024-01-03T14:22:00Z"),
            ("2024-03-01 14h22", "2024-03-01T14:22:00Z"),
            ("01.03.2024 14.22", "2024-03-01T14:22:00Z"),
            ("01.03.2024 14:22:05,5", "2024-03-01T14:22:05.5Z"),
            ("2024-03-01T14:22:05,250Z", "2024-03-01T14:22:05.25Z"),
            ("Mar 1, 2024 @ 14:22:05.000", "2024-03-01T14:22:05Z"),
            (
                "Fri Mar 01 2024 14:22:05 GMT+0100 (Central European Standard Time)",
                "2024-03-01T13:22:05Z",
            ),
            ("Fri Mar 01 2024 14:22:05 GMT-0500", "2024-03-01T19:22:05Z"),
            (
                "2024-03-01T14:22:05+01:00[Europe/Paris]",
                "2024-03-01T13:22:05Z",
            ),
            ("2024-07-01T14:22:05[Europe/Paris]", "2024-07-01T12:22:05Z"),
            ("2024-03-01 14:22:05 Europe/Berlin", "2024-03-01T13:22:05Z"),
            ("2024-07-01 14:22:05 Europe/Berlin", "2024-07-01T12:22:05Z"),
            ("2024-03-01 14:22:05 (UTC)", "2024-03-01T14:22:05Z"),
            ("2024-03-01 14:22:05 CET", "2024-03-01T13:22:05Z"),
            ("2024-07-01 14:22:05 CEST", "2024-07-01T12:22:05Z"),
            ("2024-03-01 14:22:05 AEDT", "2024-03-01T03:22:05Z"),
            ("2024-06-01 14:22 BST", "2024-06-01T13:22:00Z"),
            ("2024-03-01 02:22:05 PM +0000", "2024-03-01T14:22:05Z"),
            ("3/1/2024 2:22 PM -05:00", "2024-03-01T19:22:00Z"),
            ("2024年3月1日 14:22", "2024-03-01T14:22:00Z"),
            ("2024年3月1日", "2024-03-01T00:00:00Z"),
            ("20240301142205", "2024-03-01T14:22:05Z"),
            ("202403011422", "2024-03-01T14:22:00Z"),
            ("20240301", "2024-03-01T00:00:00Z"),
            ("1. März 2024 14:22", "2024-03-01T14:22:00Z"),
            ("01 mars 2024", "2024-03-01T00:00:00Z"),
            ("01-mrt-2024", "2024-03-01T00:00:00Z"),
            ("1 de marzo de 2024", "2024-03-01T00:00:00Z"),
            ("15 dicembre 2023 9:30", "2023-12-15T09:30:00Z"),
            ("3 out. 2024", "2024-10-03T00:00:00Z"),
            ("Fri Mar  1 14:22:05 2024", "2024-03-01T14:22:05Z"),
            ("/Date(1709302925000)/", "2024-03-01T14:22:05Z"),
            ("/Date(1709302925000+0530)/", "2024-03-01T14:22:05Z"),
            (
                "2024-03-01 14:22 (GMT+05:30) Chennai, Kolkata",
                "2024-03-01T08:52:00Z",
            ),
            (
                "2024-03-01 14:22 (UTC-05:00) Eastern Time (US & Canada)",
                "2024-03-01T19:22:00Z",
            ),
            // The display shows the standard offset; summer time applies.
            (
                "2024-07-01 14:22 (UTC-05:00) Eastern Time (US & Canada)",
                "2024-07-01T18:22:00Z",
            ),
            (
                "2024-07-01 14:22 (GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London",
                "2024-07-01T13:22:00Z",
            ),
            (
                "2024-07-01 14:22 (UTC) Coordinated Universal Time",
                "2024-07-01T14:22:00Z",
            ),
            ("2024-03-14 09:00 ET", "2024-03-14T13:00:00Z"),
            ("2024-01-14 09:00 PT", "2024-01-14T17:00:00Z"),
            ("1. 3. 2024 9:00", "2024-03-01T09:00:00Z"),
            ("2024-03-13 1:00 CH", "2024-03-13T13:00:00Z"),
            ("2024-03-13 9:00 SA", "2024-03-13T09:00:00Z"),
            ("01.03.2024 14:22 Uhr", "2024-03-01T14:22:00Z"),
            ("1709302925000000", "2024-03-01T14:22:05Z"),
            ("1709302925000000000", "2024-03-01T14:22:05Z"),
        ] {
            assert_eq!(p(s), Some(utc(want)), "{s}");
        }
        // An ambiguous abbreviation reads in the zone given, when that
        // zone is called so at the time.
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        let dublin: Tz = "Europe/Dublin".parse().unwrap();
        let in_zone = |s: &str, tz: Tz| parse_timestamp(s, tz);
        assert_eq!(
            in_zone("2024-03-01 14:22 IST", kolkata),
            Some(utc("2024-03-01T08:52:00Z"))
        );
        assert_eq!(
            in_zone("2024-07-01 14:22 IST", dublin),
            Some(utc("2024-07-01T13:22:00Z"))
        );
        // Dublin is on GMT in winter: `IST` then is not Dublin's.
        assert_eq!(in_zone("2024-01-10 14:22 IST", dublin), None);
        assert_eq!(in_zone("2024-03-01 14:22 IST", Tz::UTC), None);
        // tzdata calls Dubai's zone `+04`, not `GST`: the offset decides.
        let dubai: Tz = "Asia/Dubai".parse().unwrap();
        assert_eq!(
            in_zone("2024-03-01 14:22 GST", dubai),
            Some(utc("2024-03-01T10:22:00Z"))
        );
        for s in [
            "2024-03-01 14:22 IST",
            "Fri, March 1",
            "20240301T",
            "2024-03-01 14:22 GMT+99",
            "2024-03-01 14:22 (Somewhere Time)",
            "2024-03-01 14:22 AST",
            "12345678",
            "99991231",
            "2024-13-01 14h22",
        ] {
            assert_eq!(p(s), None, "{s}");
        }
    }

    #[test]
    fn rfc3339_and_offsets() {
        assert_eq!(p("2025-02-03T10:20:30Z"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(
            p("2025-02-03T10:20:30.250Z"),
            Some(utc("2025-02-03T10:20:30.250Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20:30+02:00"),
            Some(utc("2025-02-03T08:20:30Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20:30-0500"),
            Some(utc("2025-02-03T15:20:30Z"))
        );
        assert_eq!(
            p("2017-10-31 22:08:27+00:00"),
            Some(utc("2017-10-31T22:08:27Z"))
        );
        assert_eq!(
            p("2025-02-03 10:20:30 UTC"),
            Some(utc("2025-02-03T10:20:30Z"))
        );
        assert_eq!(
            p("2025-02-03T10:20+01:00"),
            Some(utc("2025-02-03T09:20:00Z"))
        );
    }

    #[test]
    fn naive_iso_forms() {
        assert_eq!(p("2025-02-03 10:20:30"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(p("2025-02-03T10:20:30"), Some(utc("2025-02-03T10:20:30Z")));
        assert_eq!(p("2025-02-03 10:20"), Some(utc("2025-02-03T10:20:00Z")));
        assert_eq!(p("2025-02-03T10:20"), Some(utc("2025-02-03T10:20:00Z")));
        assert_eq!(
            p("2025-02-03 10:20:30.5"),
            Some(utc("2025-02-03T10:20:30.5Z"))
        );
        assert_eq!(p("2025-02-03"), Some(utc("2025-02-03T00:00:00Z")));
    }

    #[test]
    fn epoch_forms() {
        assert_eq!(p("1509487847"), Some(utc("2017-10-31T22:10:47Z")));
        assert_eq!(p("1509487847123"), Some(utc("2017-10-31T22:10:47.123Z")));
        assert_eq!(p("1509487847.5"), Some(utc("2017-10-31T22:10:47.5Z")));
        assert_eq!(p("12345"), None);
        // 9 digits: before 2001-09-09; 11 digits: after 2286.
        assert_eq!(p("946684800"), Some(utc("2000-01-01T00:00:00Z")));
        assert_eq!(p("100000000"), Some(utc("1973-03-03T09:46:40Z")));
        assert_eq!(p("10000000000"), Some(utc("2286-11-20T17:46:40Z")));
        assert_eq!(
            p("20250101"),
            Some(utc("2025-01-01T00:00:00Z")),
            "8 digits is a YYYYMMDD date, not an epoch"
        );
        assert_eq!(p("123456789012"), None);
    }

    #[test]
    fn twitter_form() {
        assert_eq!(
            p("Tue Oct 31 22:10:47 +0000 2017"),
            Some(utc("2017-10-31T22:10:47Z"))
        );
        assert_eq!(
            p("Tue Oct 31 22:10:47 +0100 2017"),
            Some(utc("2017-10-31T21:10:47Z"))
        );
    }

    #[test]
    fn slash_and_dot_forms() {
        assert_eq!(p("03/14/2024 14:05"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("3/14/2024 2:05:09"), Some(utc("2024-03-14T02:05:09Z")));
        assert_eq!(p("3/14/2024 2:05 PM"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("03/14/2024"), Some(utc("2024-03-14T00:00:00Z")));
        assert_eq!(p("2024/03/14 14:05:00"), Some(utc("2024-03-14T14:05:00Z")));
        assert_eq!(p("14.03.2024"), Some(utc("2024-03-14T00:00:00Z")));
        assert_eq!(p("14.03.2024 09:30"), Some(utc("2024-03-14T09:30:00Z")));
    }

    #[test]
    fn garbage_is_none() {
        for s in [
            "",
            "   ",
            "yesterday",
            "2025-13-01",
            "2025-02-30 10:00",
            "31/12/2024",
            "10:20",
            "05/Foo/24",
            "32-01-2024",
            "1/2/345",
            "Mar 32, 2024",
            "N/A",
        ] {
            assert_eq!(p(s), None, "{s:?}");
        }
    }

    #[test]
    fn naive_times_use_the_zone_and_dst_rules() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // Winter: UTC-5.
        assert_eq!(
            parse_timestamp("2025-01-15 09:00", ny),
            Some(utc("2025-01-15T14:00:00Z"))
        );
        // Spring forward 2025-03-09 02:00 → 03:00: 02:30 does not exist, shifted forward to 03:30 EDT.
        assert_eq!(
            parse_timestamp("2025-03-09 02:30", ny),
            Some(utc("2025-03-09T07:30:00Z"))
        );
        // Fall back 2025-11-02: 01:30 happens twice; the earliest is EDT (UTC-4).
        assert_eq!(
            parse_timestamp("2025-11-02 01:30", ny),
            Some(utc("2025-11-02T05:30:00Z"))
        );
        // Offsets in the value ignore the zone.
        assert_eq!(
            parse_timestamp("2025-01-15T09:00:00Z", ny),
            Some(utc("2025-01-15T09:00:00Z"))
        );
        // Epoch ignores the zone.
        assert_eq!(
            parse_timestamp("1509487847", ny),
            Some(utc("2017-10-31T22:10:47Z"))
        );
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            parse_timestamp("14.03.2024 09:30", berlin),
            Some(utc("2024-03-14T08:30:00Z"))
        );
    }

    fn o(s: &str, order: DateOrder) -> Option<DateTime<Utc>> {
        parse_timestamp_ordered(s, Tz::UTC, Some(order))
    }

    #[test]
    fn twelve_hour_clock_edges() {
        // Jira writes `dd/Mon/yy h:mm AM`; 12 PM is noon, 12 AM is midnight.
        assert_eq!(p("05/Mar/24 10:12 AM"), Some(utc("2024-03-05T10:12:00Z")));
        // An ISO date with a 12-hour clock.
        for v in [
            "2024-03-04 9:15 PM",
            "2024-03-04 09:15 PM",
            "2024-03-04 9:15:00 pm",
            "2024-03-04T09:15 PM",
        ] {
            assert_eq!(p(v), Some(utc("2024-03-04T21:15:00Z")), "{v}");
        }
        assert_eq!(p("2024-03-04 12:10 AM"), Some(utc("2024-03-04T00:10:00Z")));
        assert_eq!(p("2024-03-04 13:10 PM"), None);
        assert_eq!(p("05/Mar/24 4:40 PM"), Some(utc("2024-03-05T16:40:00Z")));
        assert_eq!(p("12/Mar/24 12:05 PM"), Some(utc("2024-03-12T12:05:00Z")));
        assert_eq!(p("13/Mar/24 12:10 AM"), Some(utc("2024-03-13T00:10:00Z")));
        assert_eq!(p("13/Mar/24 12:10am"), Some(utc("2024-03-13T00:10:00Z")));
        assert_eq!(
            p("3/14/2024 11:59:59 pm"),
            Some(utc("2024-03-14T23:59:59Z"))
        );
        assert_eq!(p("05/Mar/24 13:12 PM"), None);
    }

    #[test]
    fn month_names() {
        assert_eq!(p("Mar 5, 2024 3:45 PM"), Some(utc("2024-03-05T15:45:00Z")));
        assert_eq!(p("March 5, 2024"), Some(utc("2024-03-05T00:00:00Z")));
        assert_eq!(p("Mar 5 2024 15:45"), Some(utc("2024-03-05T15:45:00Z")));
        assert_eq!(p("5 March 2024 15:45"), Some(utc("2024-03-05T15:45:00Z")));
        assert_eq!(p("5 Mar 24"), Some(utc("2024-03-05T00:00:00Z")));
        assert_eq!(p("21-Feb-2023 11:27"), Some(utc("2023-02-21T11:27:00Z")));
        assert_eq!(
            p("Tue, 05 Mar 2024 10:12:00 +0100"),
            Some(utc("2024-03-05T09:12:00Z"))
        );
    }

    #[test]
    fn day_first_dash_and_dot_and_two_digit_years() {
        // Dashes and dots default to day-first.
        assert_eq!(p("08-04-2023 20:52"), Some(utc("2023-04-08T20:52:00Z")));
        assert_eq!(p("24-04-2023 19:32"), Some(utc("2023-04-24T19:32:00Z")));
        assert_eq!(p("14.03.24"), Some(utc("2024-03-14T00:00:00Z")));
        assert_eq!(p("04/03/24 09:00"), Some(utc("2024-04-03T09:00:00Z")));
        // Two-digit years: 00–68 → 20xx, 69–99 → 19xx (chrono's %y).
        assert_eq!(p("01/02/99"), Some(utc("1999-01-02T00:00:00Z")));
        assert_eq!(p("2024.03.14 08:00"), Some(utc("2024-03-14T08:00:00Z")));
        assert_eq!(p("2024/3/4"), Some(utc("2024-03-04T00:00:00Z")));
    }

    #[test]
    fn explicit_order() {
        assert_eq!(
            o("04/03/2024", DateOrder::Dmy),
            Some(utc("2024-03-04T00:00:00Z"))
        );
        assert_eq!(
            o("04/03/2024", DateOrder::Mdy),
            Some(utc("2024-04-03T00:00:00Z"))
        );
        assert_eq!(o("13/03/2024", DateOrder::Mdy), None);
        assert_eq!(o("03/13/2024", DateOrder::Dmy), None);
        assert_eq!(
            o("04-03-2024 10:00", DateOrder::Mdy),
            Some(utc("2024-04-03T10:00:00Z"))
        );
        // Month names and ISO ignore the order.
        assert_eq!(
            o("05/Mar/24", DateOrder::Mdy),
            Some(utc("2024-03-05T00:00:00Z"))
        );
        assert_eq!(
            o("2024-03-05", DateOrder::Dmy),
            Some(utc("2024-03-05T00:00:00Z"))
        );
        assert_eq!("DMY".parse::<DateOrder>(), Ok(DateOrder::Dmy));
        assert!("ymd".parse::<DateOrder>().is_err());
    }

    #[test]
    fn shapes() {
        let s = day_month_shape("13/04/2024 10:00").unwrap();
        assert_eq!(
            (s.first, s.second, s.separator, s.date_len),
            (13, 4, b'/', 10)
        );
        assert!(s.readable_as(DateOrder::Dmy) && !s.readable_as(DateOrder::Mdy));
        assert!(day_month_shape("2024-04-13").is_none());
        assert!(day_month_shape("13/04/2024x").is_none());
        assert!(day_month_shape("05/Mar/24").unwrap().month_named);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            parse_excel_serial("45000", Tz::UTC),
            Some(utc("2023-03-15T00:00:00Z"))
        );
        assert_eq!(
            parse_excel_serial("45000.75", Tz::UTC),
            Some(utc("2023-03-15T18:00:00Z"))
        );
        assert_eq!(
            parse_excel_serial("25569", Tz::UTC),
            Some(utc("1970-01-01T00:00:00Z"))
        );
        assert_eq!(parse_excel_serial("90", Tz::UTC), None);
        assert_eq!(parse_excel_serial("abc", Tz::UTC), None);
    }

    #[test]
    fn custom_formats() {
        let f = "%d %b %Y %H:%M";
        assert!(check_format(f).is_ok());
        assert!(check_format("%Q").is_err());
        assert_eq!(
            parse_with_format("05 Mar 2024 10:12", f, Tz::UTC),
            Some(utc("2024-03-05T10:12:00Z"))
        );
        assert_eq!(
            parse_with_format("20240305", "%Y%m%d", Tz::UTC),
            Some(utc("2024-03-05T00:00:00Z"))
        );
        assert_eq!(
            parse_with_format("2024-03-05 10:00 +0200", "%Y-%m-%d %H:%M %z", Tz::UTC),
            Some(utc("2024-03-05T08:00:00Z"))
        );
        assert_eq!(parse_with_format("nope", f, Tz::UTC), None);
    }
}
