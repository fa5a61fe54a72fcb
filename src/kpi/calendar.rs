//! Business-hours calendar (`--business-hours "Mon-Fri 09:00-17:00 Europe/Berlin"`).
//!
//! Opening windows are wall-clock times in the calendar's time zone, so a
//! 09:00–17:00 day is 8 hours on both sides of a DST change and the UTC
//! instants move with the offset. Each local date's open intervals are
//! resolved to UTC once and cached (with a running total), so the business
//! time between two instants costs two partial days plus a subtraction, even
//! for tickets open for months.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

use crate::error::{Error, Result, Setting};

const OPTION: Setting = Setting::BusinessHours;

/// Longest span (in days, about 100 years) business time is computed for.
pub const MAX_SPAN_DAYS: i32 = 36_525;

/// Opening hours per weekday in one time zone, minus holidays.
pub struct BusinessCalendar {
    spec: String,
    tz: Tz,
    /// Per weekday (Monday = 0): sorted, merged `(start, end)` minutes after
    /// local midnight; end may be 1440 (24:00).
    windows: [Vec<(u32, u32)>; 7],
    holidays: HashSet<NaiveDate>,
    cache: Mutex<DayCache>,
}

impl Clone for BusinessCalendar {
    fn clone(&self) -> Self {
        BusinessCalendar {
            spec: self.spec.clone(),
            tz: self.tz,
            windows: self.windows.clone(),
            holidays: self.holidays.clone(),
            cache: Mutex::new(DayCache::default()),
        }
    }
}

impl std::fmt::Debug for BusinessCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusinessCalendar")
            .field("spec", &self.spec)
            .field("holidays", &self.holidays.len())
            .finish()
    }
}

impl PartialEq for BusinessCalendar {
    fn eq(&self, other: &Self) -> bool {
        self.tz == other.tz && self.windows == other.windows && self.holidays == other.holidays
    }
}

/// Resolved open intervals (UTC milliseconds) for a contiguous date range.
#[derive(Default)]
struct DayCache {
    /// Day number (`num_days_from_ce`) of `days[0]`.
    first: i32,
    days: Vec<Vec<(i64, i64)>>,
    /// `prefix[i]` = open milliseconds of `days[..i]`.
    prefix: Vec<i64>,
}

impl BusinessCalendar {
    /// Parse a spec such as `Mon-Fri 09:00-17:00 Europe/Berlin`,
    /// `Mon,Wed,Fri 08:30-16:00 America/New_York` or
    /// `Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-15:00 Europe/Paris`.
    ///
    /// Grammar: day lists (`Mon`, `Mon-Fri`, `Sat,Sun`, wrapping `Sun-Thu`)
    /// each followed by one or more `HH:MM-HH:MM` windows; the last word is
    /// an IANA time zone (UTC when omitted). `;` is a separator like a space.
    /// `holidays` is a file with one `YYYY-MM-DD` per line (`#` starts a
    /// comment); those local dates have no business hours.
    pub fn parse(spec: &str, holidays: Option<&Path>) -> Result<BusinessCalendar> {
        let cleaned = spec.replace(';', " ");
        let mut tokens: Vec<&str> = cleaned.split_whitespace().collect();
        let tz = match tokens.last() {
            Some(last)
                if last.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && parse_days(last).is_none() =>
            {
                let tz: Tz = last.parse().map_err(|_| {
                    Error::option(
                        OPTION,
                        format!("unknown time zone `{last}` (use an IANA name like Europe/Berlin)"),
                    )
                })?;
                tokens.pop();
                tz
            }
            _ => Tz::UTC,
        };
        let mut windows: [Vec<(u32, u32)>; 7] = Default::default();
        let mut current: Option<[bool; 7]> = None;
        let mut pending_days = false;
        for tok in tokens {
            if tok.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                let days = current.ok_or_else(|| {
                    Error::option(
                        OPTION,
                        format!("`{tok}` needs a day list before it (e.g. Mon-Fri {tok})"),
                    )
                })?;
                for w in tok.split(',').filter(|w| !w.is_empty()) {
                    let (s, e) = parse_window(w)?;
                    for (d, on) in days.iter().enumerate() {
                        if *on {
                            windows[d].push((s, e));
                        }
                    }
                }
                pending_days = false;
            } else {
                if pending_days {
                    return Err(Error::option(
                        OPTION,
                        format!("day list before `{tok}` has no HH:MM-HH:MM window"),
                    ));
                }
                current = Some(parse_days(tok).ok_or_else(|| {
                    Error::option(
                        OPTION,
                        format!("`{tok}` is not a day list like Mon-Fri or Mon,Wed,Fri"),
                    )
                })?);
                pending_days = true;
            }
        }
        if pending_days {
            return Err(Error::option(
                OPTION,
                "the last day list has no HH:MM-HH:MM window",
            ));
        }
        if windows.iter().all(Vec::is_empty) {
            return Err(Error::option(
                OPTION,
                format!(
                    "`{spec}` opens no hours (expected e.g. `Mon-Fri 09:00-17:00 Europe/Berlin`)"
                ),
            ));
        }
        for w in &mut windows {
            *w = merge(std::mem::take(w));
        }
        let holidays = match holidays {
            Some(p) => read_holidays(p)?,
            None => HashSet::new(),
        };
        Ok(BusinessCalendar {
            spec: spec.trim().to_string(),
            tz,
            windows,
            holidays,
            cache: Mutex::new(DayCache::default()),
        })
    }

    /// The spec this calendar was parsed from (echoed in kpis.json).
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// The calendar's time zone.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Number of holiday dates loaded.
    pub fn holiday_count(&self) -> usize {
        self.holidays.len()
    }

    /// Business minutes between two instants (0 when `end <= start`).
    ///
    /// Spans longer than [`MAX_SPAN_DAYS`] are data errors, not tickets:
    /// they give `NaN`, which the KPI engine treats as missing.
    pub fn business_minutes(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
        match self.business_ms(start.timestamp_millis(), end.timestamp_millis()) {
            Some(ms) => ms as f64 / 60_000.0,
            None => f64::NAN,
        }
    }

    /// Business milliseconds between two UTC millisecond instants; `None`
    /// for spans over [`MAX_SPAN_DAYS`] or out of the representable range.
    pub(crate) fn business_ms(&self, start: i64, end: i64) -> Option<i64> {
        if end <= start {
            return Some(0);
        }
        let (sd, ed) = (self.local_day(start)?, self.local_day(end)?);
        if ed - sd > MAX_SPAN_DAYS {
            return None;
        }
        let mut cache = match self.cache.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.ensure(&mut cache, sd, ed);
        let at = |d: i32| (d - cache.first) as usize;
        let overlap = |d: i32, lo: i64, hi: i64| -> i64 {
            cache.days[at(d)]
                .iter()
                .map(|&(s, e)| (e.min(hi) - s.max(lo)).max(0))
                .sum()
        };
        if sd == ed {
            return Some(overlap(sd, start, end));
        }
        let head = overlap(sd, start, i64::MAX);
        let tail = overlap(ed, i64::MIN, end);
        let middle = cache.prefix[at(ed)] - cache.prefix[at(sd) + 1];
        Some(head + middle + tail)
    }

    fn local_day(&self, ms: i64) -> Option<i32> {
        let t = DateTime::<Utc>::from_timestamp_millis(ms)?;
        Some(t.with_timezone(&self.tz).date_naive().num_days_from_ce())
    }

    /// Make the cache cover days `lo..=hi`, growing geometrically so that
    /// extending it stays amortised O(1) per day.
    fn ensure(&self, cache: &mut DayCache, lo: i32, hi: i32) {
        let len = cache.days.len() as i32;
        if len > 0 && lo >= cache.first && hi < cache.first + len {
            return;
        }
        let margin = len.max(32);
        let (new_first, new_end) = if len == 0 {
            (lo - 7, hi + 32)
        } else {
            let f = if lo < cache.first {
                lo.min(cache.first - margin)
            } else {
                cache.first
            };
            let e = if hi >= cache.first + len {
                hi.max(cache.first + len + margin)
            } else {
                cache.first + len - 1
            };
            (f, e)
        };
        let mut days = Vec::with_capacity((new_end - new_first + 1) as usize);
        for d in new_first..=new_end {
            if len > 0 && d >= cache.first && d < cache.first + len {
                days.push(std::mem::take(&mut cache.days[(d - cache.first) as usize]));
            } else {
                days.push(self.open_intervals(d));
            }
        }
        let mut prefix = Vec::with_capacity(days.len() + 1);
        let mut acc = 0i64;
        prefix.push(0);
        for day in &days {
            acc += day.iter().map(|(s, e)| e - s).sum::<i64>();
            prefix.push(acc);
        }
        *cache = DayCache {
            first: new_first,
            days,
            prefix,
        };
    }

    /// Open intervals of one local date, as UTC milliseconds.
    fn open_intervals(&self, day: i32) -> Vec<(i64, i64)> {
        let Some(date) = NaiveDate::from_num_days_from_ce_opt(day) else {
            return Vec::new();
        };
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &(s, e) in &self.windows[date.weekday().num_days_from_monday() as usize] {
            let (Some(a), Some(b)) = (
                local_instant(self.tz, date, s, false),
                local_instant(self.tz, date, e, true),
            ) else {
                continue;
            };
            if b > a {
                out.push((a, b));
            }
        }
        out
    }
}

/// UTC milliseconds of `date` + `minute` wall-clock minutes in `tz`.
/// Ambiguous times (DST fall-back) take the earlier instant for a window
/// start and the later for a window end (the window covers both repeated
/// hours); non-existent times (spring-forward gap) map to the end of the gap.
pub(crate) fn local_instant(tz: Tz, date: NaiveDate, minute: u32, is_end: bool) -> Option<i64> {
    let base = NaiveDateTime::new(date, NaiveTime::MIN) + Duration::minutes(minute as i64);
    match tz.from_local_datetime(&base) {
        LocalResult::Single(t) => Some(t.timestamp_millis()),
        LocalResult::Ambiguous(a, b) => Some(if is_end { b } else { a }.timestamp_millis()),
        LocalResult::None => {
            // Walk forward to the first wall-clock minute that exists: the
            // instant the clocks jumped.
            (1..=48 * 60).find_map(|k| {
                match tz.from_local_datetime(&(base + Duration::minutes(k))) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                        Some(t.timestamp_millis())
                    }
                    LocalResult::None => None,
                }
            })
        }
    }
}

fn parse_window(w: &str) -> Result<(u32, u32)> {
    let bad = || Error::option(OPTION, format!("`{w}` is not a window like 09:00-17:00"));
    let (a, b) = w.split_once('-').ok_or_else(bad)?;
    let (s, e) = (
        parse_hhmm(a).ok_or_else(bad)?,
        parse_hhmm(b).ok_or_else(bad)?,
    );
    if e <= s {
        return Err(Error::option(OPTION, format!("window `{w}` ends before it starts (overnight windows: split at 24:00, e.g. Mon 22:00-24:00 Tue 00:00-06:00)")));
    }
    Ok((s, e))
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_ascii_lowercase();
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let i = names
        .iter()
        .position(|n| *n == s)
        .or_else(|| full.iter().position(|n| *n == s))?;
    Weekday::try_from(i as u8).ok()
}

/// `Mon-Fri`, `Mon,Wed,Fri`, `Sun-Thu`, `Sat` → a weekday mask (Monday = 0).
fn parse_days(s: &str) -> Option<[bool; 7]> {
    let mut mask = [false; 7];
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (
                    weekday(a)?.num_days_from_monday(),
                    weekday(b)?.num_days_from_monday(),
                );
                let mut d = a;
                loop {
                    mask[d as usize] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => mask[weekday(part)?.num_days_from_monday() as usize] = true,
        }
    }
    mask.iter().any(|&m| m).then_some(mask)
}

fn merge(mut w: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    w.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(w.len());
    for (s, e) in w {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn read_holidays(path: &Path) -> Result<HashSet<NaiveDate>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let d = NaiveDate::parse_from_str(line, "%Y-%m-%d").map_err(|_| Error::Parse {
            path: path.display().to_string(),
            line: i as u64 + 1,
            message: format!("`{line}` is not a YYYY-MM-DD holiday date"),
        })?;
        out.insert(d);
    }
    Ok(out)
}
