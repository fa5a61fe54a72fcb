//! Per-column formats, inferred once from a sample of records.
//!
//! The [`super::TicketReader`] reads a bounded sample first (the first
//! [`SAMPLE_ROWS`] records, then yields them in order), and decides for
//! each time column: the day/month order of all-numeric dates, whether it
//! holds Excel serial numbers, and how its numbers write decimals. Every
//! value is then parsed with its column's plan, so one column never mixes
//! `04/03` read two ways, and no cell is guessed on its own.
//!
//! It also checks the sample for implausible readings (a duration column
//! whose median would be years; dates years in the future) and stops the
//! run with a message that names the column and the option that fixes it.

use super::durations::{parse_duration_minutes, parse_number, NumberStyle, Unit};
use super::fields::Field;
use super::time::{
    day_month_shape, parse_excel_serial, parse_timestamp_ordered, parse_with_format, DateOrder,
};
use super::values::show;
use crate::error::Setting;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Records read ahead to infer column formats (kept in memory, then yielded).
pub(crate) const SAMPLE_ROWS: usize = 10_000;

/// Why a column reads all-numeric dates in its order (for messages).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum OrderNote {
    /// No inference ran: the separator's default, without a check.
    #[default]
    Unchecked,
    /// Decided by the column's own values (how many, and one example).
    Decided { values: usize, example: String },
    /// `--date-order`.
    Given,
    /// Taken from another column of the file that decided.
    LikeColumn(String),
    /// No value decided it: the separator's default (a warning was given).
    Default { values: usize },
}

/// How to read one time column (created_at, first_response, resolved).
#[derive(Debug, Clone, Default)]
pub(crate) struct TimeColumn {
    /// Day/month order of all-numeric dates; `None` = the separator's default.
    pub order: Option<DateOrder>,
    /// Why that order.
    pub note: OrderNote,
    /// The column holds Excel serial day numbers.
    pub serial: bool,
    /// `--date-format` for this column.
    pub custom: Option<String>,
    /// Numeric dates with a two-digit year are year first (`24/03/01` =
    /// 2024-03-01), see [`year_first_example`].
    pub year_first: bool,
    /// Decimal style of its plain numbers (durations).
    pub numbers: NumberStyle,
    /// The sample held only timestamps: a bad value is a "bad timestamp",
    /// not "expected a duration or a timestamp".
    pub timestamps_only: bool,
    /// The header or `--unit` names a unit (`Time to close (ms)`): a plain
    /// number is a duration in it up to five years ([`TimeColumn::number_is_span`]). Without
    /// a unit a number of 10 or more integer digits is an epoch timestamp,
    /// but 1,296,000,000 ms is a 15-day resolution, not a time in 2011.
    pub unit_given: bool,
    /// A resolution column of yes/no flags (Salesforce's `Closed` 1/0, a
    /// `Resolved` column of true/false): whether the ticket is resolved,
    /// not when. Read as its status when it has none, never as a time
    /// (a 1 would be a one-hour resolution).
    pub flag: bool,
}

/// Why a value is not a timestamp of its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeError {
    /// Not a timestamp in any supported form.
    Bad,
    /// A valid date only in the other day/month order.
    OtherOrder(DateOrder),
}

impl TimeColumn {
    /// Whether the plain number `x` of this column is a duration (times
    /// `scale`, the column's unit → the field's: minutes, hours for
    /// `resolved`) rather than a Unix epoch timestamp: below 1e9, or, when
    /// the header or `--unit` names a unit ([`TimeColumn::unit_given`]),
    /// when it comes to under five years (1,296,000,000 ms = 15 days;
    /// `solved_at_ms` = 1709546400000 would be 54 years: a timestamp).
    pub fn number_is_span(&self, field: Field, x: f64, scale: f64) -> bool {
        let minutes = x * scale * if field == Field::Resolved { 60.0 } else { 1.0 };
        x.abs() < 1e9 || (self.unit_given && minutes.abs() < 5.0 * 365.25 * 24.0 * 60.0)
    }

    /// Parse a (non-blank) value as a timestamp of this column.
    pub fn parse_at(&self, s: &str, tz: Tz) -> Result<DateTime<Utc>, TimeError> {
        if let Some(fmt) = &self.custom {
            return parse_with_format(s, fmt, tz).ok_or(TimeError::Bad);
        }
        if self.serial {
            if let Some(t) = parse_excel_serial(s, tz) {
                return Ok(t);
            }
        }
        if self.year_first {
            if let Some(iso) = year_first_respelled(s) {
                return parse_timestamp_ordered(&iso, tz, None).ok_or(TimeError::Bad);
            }
        }
        if let Some(t) = parse_timestamp_ordered(s, tz, self.order) {
            return Ok(t);
        }
        if let Some(shape) = day_month_shape(s.trim()) {
            if !shape.month_named {
                let used = self
                    .order
                    .unwrap_or(DateOrder::default_for(shape.separator));
                let other = used.flip();
                if shape.readable_as(other) && parse_timestamp_ordered(s, tz, Some(other)).is_some()
                {
                    return Err(TimeError::OtherOrder(other));
                }
            }
        }
        Err(TimeError::Bad)
    }

    /// The one-line reject reason for a value this column cannot read.
    pub fn reason(&self, field: Field, column: &str, value: &str, err: TimeError) -> String {
        let v = show(value);
        match err {
            TimeError::Bad if self.timestamps_only || field == Field::CreatedAt => {
                let hint = match (&self.custom, super::time::ambiguous_zone_note(value)) {
                    (Some(f), _) => format!(" (expected {} '{f}')", Setting::DateFormat),
                    (None, Some(note)) => format!(" ({note})"),
                    (None, None) => String::new(),
                };
                format!("bad {field} timestamp '{v}' in column '{column}'{hint}")
            }
            TimeError::Bad => match super::time::ambiguous_zone_note(value) {
                Some(note) => format!("bad {field} value '{v}' in column '{column}' ({note})"),
                None => format!(
                    "bad {field} value '{v}' in column '{column}' (expected a duration or a timestamp)"
                ),
            },
            TimeError::OtherOrder(other) => {
                let used = other.flip().describe();
                let why = match &self.note {
                    OrderNote::Decided { values, example } => format!(
                        "the column was read {used}: its first {values} values include '{example}'; the column mixes both orders"
                    ),
                    OrderNote::Given => {
                        format!("{} {} was given", Setting::DateOrder, other.flip().flag())
                    }
                    OrderNote::LikeColumn(c) => format!(
                        "the column was read {used} like column '{c}'; pass {} {}",
                        Setting::DateOrder,
                        other.flag()
                    ),
                    OrderNote::Default { values } => format!(
                        "the column was read {used} from its first {values} values, none of which decided the order; pass {} {}",
                        Setting::DateOrder,
                        other.flag()
                    ),
                    OrderNote::Unchecked => format!("pass {} {}", Setting::DateOrder, other.flag()),
                };
                format!(
                    "bad {field} timestamp '{v}' in column '{column}' ({} only, but {why})",
                    other.describe()
                )
            }
        }
    }
}

/// One mapped time column and its sample values.
pub(crate) struct ColumnSample<'a> {
    /// The field (created_at, first_response or resolved).
    pub field: Field,
    /// The column's name.
    pub column: String,
    /// Non-blank sample values, in order.
    pub values: Vec<&'a str>,
    /// The header names a unit (`in hours`): its numbers are durations.
    pub header_unit: bool,
    /// Multiplier from the column's numbers to the field's unit.
    pub scale: f64,
    /// `--date-format` for this column.
    pub custom: Option<String>,
}

/// The three fields of a numeric date with a two-digit year at the start of
/// a value (`24/03/01 09:00` → (24, 3, 1)) and the date's byte length.
type ShortYearDate = (u32, u32, u32, usize);

/// The [`ShortYearDate`] at the start of `s`.
fn short_year_fields(s: &str) -> Option<ShortYearDate> {
    let shape = day_month_shape(s)?;
    if shape.month_named || !shape.short_year {
        return None;
    }
    let last: u32 = s.get(shape.date_len - 2..shape.date_len)?.parse().ok()?;
    Some((shape.first, shape.second, last, shape.date_len))
}

/// `24/03/01 09:00` as `2024-03-01 09:00` (two-digit years 00–68 are
/// 20xx, 69–99 19xx, as chrono's `%y`), for a year-first column.
fn year_first_respelled(s: &str) -> Option<String> {
    let t = s.trim();
    let (y, m, d, len) = short_year_fields(t)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let year = if y < 69 { 2000 + y } else { 1900 + y };
    Some(format!("{year:04}-{m:02}-{d:02}{}", &t[len..]))
}

/// Whether a column's numeric dates with a two-digit year are year first
/// (`24/03/01` = 2024-03-01: Oracle's `RR/MM/DD`, Japanese, Chinese and
/// Korean exports), and a value to show. Read day or month first, such
/// dates put the year last, and a ticket export of a few months would
/// then spread over many years (2001, 2004, 2015, 2020 …) while the first
/// field stayed one number; that first field is the year. Needs three such
/// dates, every one a valid year-month-day, the first field spanning at
/// most two years and the last at least three distinct values three or
/// more apart.
pub(crate) fn year_first_example<'v>(values: &[&'v str]) -> Option<&'v str> {
    let dated: Vec<(&str, ShortYearDate)> = values
        .iter()
        .filter_map(|v| short_year_fields(v.trim()).map(|f| (*v, f)))
        .collect();
    if dated.len() < 3 {
        return None;
    }
    let valid = dated
        .iter()
        .all(|(_, (_, m, d, _))| (1..=12).contains(m) && (1..=31).contains(d));
    let spread = |f: fn(&ShortYearDate) -> u32| {
        let xs: Vec<u32> = dated.iter().map(|(_, x)| f(x)).collect();
        let (lo, hi) = (xs.iter().min().copied()?, xs.iter().max().copied()?);
        let mut distinct = xs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        Some((hi - lo, distinct.len()))
    };
    let (first_spread, _) = spread(|x| x.0)?;
    let (last_spread, last_distinct) = spread(|x| x.2)?;
    (valid && first_spread <= 1 && last_spread >= 3 && last_distinct >= 3).then(|| dated[0].0)
}

/// The day/month order that dates reading either way (`04/03/2024` …
/// `11/03/2024`, every field ≤ 12) must have, pooled over the file's time
/// columns that no value decided, and a value to show. A ticket export's
/// dates fall on many days of few months, not on one day of many months:
/// when one field stays within two adjacent numbers while the other takes
/// at least three values three or more apart, the steady field is the
/// month (`04/03` … `11/03` is 4–11 March, not the 3rd of April to
/// November). Needs at least three such dates; `None` when they do not
/// tell.
pub(crate) fn steady_month_order<'v>(values: &[&'v str]) -> Option<(DateOrder, &'v str)> {
    let fields: Vec<(&str, u32, u32)> = values
        .iter()
        .filter_map(|v| {
            let shape = day_month_shape(v.trim())?;
            let both = !shape.month_named
                && shape.readable_as(DateOrder::Dmy)
                && shape.readable_as(DateOrder::Mdy);
            both.then_some((*v, shape.first, shape.second))
        })
        .collect();
    if fields.len() < 3 {
        return None;
    }
    let spread = |f: fn(&(&str, u32, u32)) -> u32| {
        let mut xs: Vec<u32> = fields.iter().map(f).collect();
        xs.sort_unstable();
        let span = xs.last()? - xs.first()?;
        xs.dedup();
        Some((span, xs.len()))
    };
    let (first_span, first_distinct) = spread(|x| x.1)?;
    let (second_span, second_distinct) = spread(|x| x.2)?;
    let steady_varied =
        |steady: u32, span: u32, distinct: usize| steady <= 1 && span >= 3 && distinct >= 3;
    let order = if steady_varied(second_span, first_span, first_distinct) {
        DateOrder::Dmy
    } else if steady_varied(first_span, second_span, second_distinct) {
        DateOrder::Mdy
    } else {
        return None;
    };
    Some((order, fields[0].0))
}

/// Evidence about the day/month order in one column.
#[derive(Default)]
struct OrderVotes {
    dmy: usize,
    mdy: usize,
    first: Option<(DateOrder, String)>,
    dmy_example: String,
    mdy_example: String,
    ambiguous: usize,
    ambiguous_example: Option<String>,
    separator: Option<u8>,
    numeric_dates: usize,
}

fn order_votes(values: &[&str]) -> OrderVotes {
    let mut v = OrderVotes::default();
    for s in values {
        let s = s.trim();
        let Some(shape) = day_month_shape(s) else {
            continue;
        };
        if shape.month_named {
            continue;
        }
        v.numeric_dates += 1;
        v.separator.get_or_insert(shape.separator);
        match (
            shape.readable_as(DateOrder::Dmy),
            shape.readable_as(DateOrder::Mdy),
        ) {
            (true, false) => {
                v.dmy += 1;
                if v.dmy == 1 {
                    v.dmy_example = s.to_string();
                }
                v.first.get_or_insert((DateOrder::Dmy, s.to_string()));
            }
            (false, true) => {
                v.mdy += 1;
                if v.mdy == 1 {
                    v.mdy_example = s.to_string();
                }
                v.first.get_or_insert((DateOrder::Mdy, s.to_string()));
            }
            (true, true) if shape.first != shape.second => {
                v.ambiguous += 1;
                v.ambiguous_example.get_or_insert_with(|| s.to_string());
            }
            _ => {}
        }
    }
    v
}

/// Decide every time column's plan from its sample. Returns the plans (in
/// the order given) and warnings (one line each) for columns whose order
/// had to be assumed or that hold business time.
///
/// Day/month order, first rule that applies: the column's own values (a
/// value whose first field is > 12 is day-first, whose second is > 12 is
/// month-first; the majority wins, and later values of the other order are
/// rejected with a hint); `--date-order`; another time column of the file
/// that decided; else the separator's default (`/` month-first, `-` and `.`
/// day-first; every separator day-first in a `;`-separated file, as
/// European spreadsheets save one) with a warning if any value reads both
/// ways.
/// A sampled column of yes/no values only (`0`/`1`, `true`/`false`,
/// `yes`/`no`), at least [`FLAG_SAMPLE`] of them, with no unit in its header
/// and no `--date-format`.
///
/// Fewer values do when they cannot be anything else: words (`true`,
/// `yes`, … are no time and no duration), or `0`/`1` under a header that
/// names a state, not a time (`Resolved`, `Closed`, `Is Closed`).
fn is_flag_column(s: &ColumnSample<'_>) -> bool {
    if s.values.is_empty() || s.header_unit || s.custom.is_some() {
        return false;
    }
    let lower: Vec<String> = s
        .values
        .iter()
        .map(|v| v.trim().to_ascii_lowercase())
        .collect();
    let is_word = |v: &str| matches!(v, "true" | "false" | "yes" | "no");
    if !lower.iter().all(|v| v == "0" || v == "1" || is_word(v)) {
        return false;
    }
    let state_header = matches!(
        super::fields::normalize_header(&s.column).as_str(),
        "resolved"
            | "closed"
            | "solved"
            | "isclosed"
            | "isresolved"
            | "issolved"
            | "resolvedflag"
            | "closedflag"
    );
    s.values.len() >= FLAG_SAMPLE || state_header || lower.iter().any(|v| is_word(v))
}

/// Values a resolution column needs before it is taken for flags: three
/// `0`s among blanks say little.
const FLAG_SAMPLE: usize = 10;

pub(crate) fn infer_time_columns(
    samples: &[ColumnSample<'_>],
    given: Option<DateOrder>,
    delimiter: Option<u8>,
    tz: Tz,
) -> (Vec<TimeColumn>, Vec<String>) {
    let votes: Vec<OrderVotes> = samples.iter().map(|s| order_votes(&s.values)).collect();
    let mut plans: Vec<TimeColumn> = Vec::with_capacity(samples.len());
    for (s, v) in samples.iter().zip(&votes) {
        let mut plan = TimeColumn {
            custom: s.custom.clone(),
            numbers: NumberStyle::infer(s.values.iter().copied(), delimiter),
            unit_given: s.header_unit,
            flag: s.field == Field::Resolved && is_flag_column(s),
            ..Default::default()
        };
        if v.dmy + v.mdy > 0 {
            let (order, example) = match (v.dmy.cmp(&v.mdy), &v.first) {
                (std::cmp::Ordering::Greater, _) => (DateOrder::Dmy, v.dmy_example.clone()),
                (std::cmp::Ordering::Less, _) => (DateOrder::Mdy, v.mdy_example.clone()),
                (_, Some((o, e))) => (*o, e.clone()),
                (_, None) => (DateOrder::Mdy, String::new()),
            };
            plan.order = Some(order);
            plan.note = OrderNote::Decided {
                values: s.values.len(),
                example,
            };
        }
        plans.push(plan);
    }
    // Columns that did not decide: --date-order, a sibling, or the default.
    let decided: Vec<(DateOrder, &str)> = plans
        .iter()
        .zip(samples)
        .filter_map(|(p, s)| match p.note {
            OrderNote::Decided { .. } => p.order.map(|o| (o, s.column.as_str())),
            _ => None,
        })
        .collect();
    let sibling = match decided.first() {
        Some((o, c)) if decided.iter().all(|(x, _)| x == o) => Some((*o, c.to_string())),
        _ => None,
    };
    let mut warnings = Vec::new();
    // Dates that read either way in every column that did not decide: the
    // field that stays one month is the month.
    let undecided: Vec<&str> = plans
        .iter()
        .zip(samples)
        .filter(|(p, s)| s.custom.is_none() && !matches!(p.note, OrderNote::Decided { .. }))
        .flat_map(|(_, s)| s.values.iter().copied())
        .collect();
    let steady = steady_month_order(&undecided);
    // Two-digit years first: decided on the dates of every time column
    // together (a sparse column of three escalation dates on the 1st of
    // the month cannot decide for a file whose creation days vary), then
    // applied to each column whose short-year dates read that way.
    let pooled: Vec<&str> = samples
        .iter()
        .filter(|s| s.custom.is_none())
        .flat_map(|s| s.values.iter().copied())
        .collect();
    let year_first = year_first_example(&pooled).and_then(|e| {
        samples
            .iter()
            .find(|s| s.values.contains(&e))
            .map(|s| (s.column.as_str(), e))
    });
    if let Some((column, _)) = year_first {
        for (plan, s) in plans.iter_mut().zip(samples) {
            let own = s
                .values
                .iter()
                .find_map(|v| year_first_respelled(v).map(|iso| (*v, iso)));
            let Some((example, iso)) = own.filter(|_| s.custom.is_none()) else {
                continue;
            };
            plan.year_first = true;
            let why = if s.column == column {
                "their first field stays one year, while read as a day the dates would spread over many years".to_string()
            } else {
                format!("as in column '{column}'")
            };
            warnings.push(format!(
                "column '{}': dates with a two-digit year such as '{}' read year first ({}; Oracle's RR/MM/DD, Japanese and Chinese exports): {why}; pass {} for the column if they are day or month first",
                s.column,
                show(example),
                &iso[..10],
                Setting::DateFormat,
            ));
        }
    }
    for (plan, s) in plans.iter().zip(samples) {
        if plan.flag {
            warnings.push(format!(
                "column '{}' holds yes/no values, not times: read as whether each ticket is resolved (its status, where the export has none), with no resolution time",
                s.column
            ));
        }
    }
    for ((plan, s), v) in plans.iter_mut().zip(samples).zip(&votes) {
        if matches!(plan.note, OrderNote::Decided { .. }) {
            continue;
        }
        if let Some(o) = given {
            plan.order = Some(o);
            plan.note = OrderNote::Given;
        } else if let Some((o, c)) = sibling.as_ref().filter(|_| v.numeric_dates > 0) {
            plan.order = Some(*o);
            plan.note = OrderNote::LikeColumn(c.clone());
        } else if v.numeric_dates > 0 {
            let sep = v.separator.unwrap_or(b'/');
            // A `;`-separated file comes from a spreadsheet whose locale
            // writes decimal commas (most of Europe, Latin America): its
            // `/` dates are day-first. US Excel never writes `;`.
            // A 12-hour clock (`3/1/2024 2:22 PM`) is a US export's even
            // with `;`.
            let twelve_hour = s.values.iter().any(|v| {
                let t = v.trim_end().to_ascii_lowercase();
                t.ends_with("am") || t.ends_with("pm")
            });
            let european = delimiter == Some(b';') && !twelve_hour;
            let order = if european {
                DateOrder::Dmy
            } else {
                DateOrder::default_for(sep)
            };
            // The steady-month evidence overrides the default only; where
            // they agree, the default's own warning (if any) stands.
            // Dotted dates are day-first wherever they are written.
            if let Some((o, example)) =
                steady.filter(|(o, _)| v.ambiguous > 0 && *o != order && sep != b'.')
            {
                plan.order = Some(o);
                plan.note = OrderNote::Default {
                    values: s.values.len(),
                };
                let (month, other) = match o {
                    DateOrder::Dmy => ("second", "first"),
                    DateOrder::Mdy => ("first", "second"),
                };
                warnings.push(format!(
                    "column '{}': {} date(s) such as '{}' read either way; read {}: their {month} field stays one month while the {other} varies (read the other way, the dates would fall on one day of many months); pass {} {} if they are {}",
                    s.column,
                    v.ambiguous,
                    show(example),
                    o.describe(),
                    Setting::DateOrder,
                    o.flip().flag(),
                    o.flip().describe(),
                ));
                continue;
            }
            plan.order = Some(order);
            plan.note = OrderNote::Default {
                values: s.values.len(),
            };
            // Dotted dates are day-first wherever they are written: no warning.
            if let Some(example) = v.ambiguous_example.as_ref().filter(|_| sep != b'.') {
                let default = if european {
                    format!("the default for '{}' dates in a ';'-separated file, as European spreadsheets write them", sep as char)
                } else {
                    format!("the default for '{}' dates", sep as char)
                };
                warnings.push(format!(
                    "column '{}': {} date(s) such as '{}' read either way and no value decides the order; read {} ({default}): pass {} {} if they are {}",
                    s.column,
                    v.ambiguous,
                    show(example),
                    order.describe(),
                    Setting::DateOrder,
                    order.flip().flag(),
                    order.flip().describe(),
                ));
            }
        }
    }
    // Excel serials: created_at decides; duration columns follow it only
    // when their header names no unit and all their numbers are serials too.
    let is_serial = |s: &ColumnSample<'_>| {
        !s.values.is_empty()
            && s.values
                .iter()
                .all(|v| parse_excel_serial(v, Tz::UTC).is_some())
    };
    let created_serial = samples
        .iter()
        .any(|s| s.field == Field::CreatedAt && s.custom.is_none() && is_serial(s));
    for (plan, s) in plans.iter_mut().zip(samples) {
        if s.custom.is_some() {
            continue;
        }
        plan.serial = match s.field {
            Field::CreatedAt => is_serial(s),
            _ => created_serial && !s.header_unit && is_serial(s),
        };
        if plan.serial {
            warnings.push(format!(
                "column '{}' holds spreadsheet serial day numbers (e.g. '{}'); read as dates from 1899-12-30",
                s.column,
                show(s.values[0])
            ));
        }
        // Timestamps and no durations (values that are neither don't count,
        // nor does a `0`: the epoch's zero that exports write for "no time").
        let is_span = |v: &str| {
            parse_number(v, plan.numbers).is_some_and(|x| {
                x != 0.0 && plan.number_is_span(s.field, x, s.scale) && !plan.serial
            }) || parse_duration_minutes(v).is_some()
        };
        plan.timestamps_only = !s.values.iter().any(|v| is_span(v))
            && s.values.iter().any(|v| plan.parse_at(v, tz).is_ok());
    }
    (plans, warnings)
}

/// The typical value of a field in minutes, for choosing a likely unit.
fn typical_minutes(field: Field) -> f64 {
    match field {
        Field::FirstResponse => 60.0,
        Field::HandleTime => 10.0,
        _ => 24.0 * 60.0,
    }
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    crate::stats::median(&mut xs)
}

/// Stop when a duration column would give an implausible median: a
/// resolution of a year or more, or a first response of 30 days or more,
/// when the column holds plain numbers (text durations name their unit).
///
/// `spans_minutes` are the sample's durations as they would be read (all
/// forms, in minutes); `raw_numbers` the plain numbers before the unit, read
/// in `unit`. The message names the column, what the median would be, the
/// unit that gives a typical value, and the `--unit` that selects it.
pub(crate) fn check_durations(
    field: Field,
    column: &str,
    unit: Unit,
    spans_minutes: Vec<f64>,
    raw_numbers: Vec<f64>,
) -> Result<(), String> {
    // Durations that all carry their unit (`5w`, `PT3H`, `26:15:00`) cannot
    // be misread: only plain numbers, whose unit is assumed, are checked.
    if raw_numbers.is_empty() {
        return Ok(());
    }
    let Some(med) = median(spans_minutes) else {
        return Ok(());
    };
    let (limit, what) = match field {
        Field::FirstResponse => (30.0 * 1440.0, "first response"),
        _ => (365.0 * 1440.0, "resolution"),
    };
    if med < limit {
        return Ok(());
    }
    let shown = if med >= 365.0 * 1440.0 {
        format!("{:.1} years", med / (365.25 * 1440.0))
    } else {
        format!("{:.1} days", med / 1440.0)
    };
    let mut msg = format!(
        "column '{column}': median {what} {shown} if read as {}",
        unit.as_str()
    );
    if let Some(raw) = median(raw_numbers).filter(|r| *r > 0.0) {
        let best = likely_unit(field, raw);
        if best != unit {
            msg.push_str(&format!(
                ": the numbers look like {}; pass {} {}={}",
                best.as_str(),
                Setting::Unit,
                field.as_str(),
                best.as_str()
            ));
            return Err(msg);
        }
    }
    msg.push_str(&format!(
        ": check the column, or map another with {} {}=COLUMN",
        Setting::Map,
        field.as_str()
    ));
    Err(msg)
}

/// The unit in which a median of `raw` plain numbers gives the field's
/// typical value (closest on a log scale).
fn likely_unit(field: Field, raw: f64) -> Unit {
    let typical = typical_minutes(field);
    Unit::ALL
        .into_iter()
        .min_by(|a, b| {
            let da = (raw * a.minutes() / typical).ln().abs();
            let db = (raw * b.minutes() / typical).ln().abs();
            da.total_cmp(&db)
        })
        .unwrap_or(Unit::Seconds)
}

/// A warning for a duration column whose plain numbers are read in the
/// field's own unit only because nothing said otherwise: its header names no
/// unit and no unit was given ([`Setting::Unit`]). `None` when there are no
/// plain numbers (text durations name their unit).
///
/// A bare `Resolution time` of `45, 320, 1440` is minutes in one export and
/// hours in another, and reading minutes as hours multiplies every figure by
/// 60 without looking wrong. So the unit read is always said (the `Ok`
/// warning). When the median read that way is unusual for a support team
/// (a first response under a minute or over 3 days, a resolution under a
/// minute or over 30 days, a handle time under 30 seconds or over 2 hours
/// of agent work a ticket) and another unit gives a typical value, the
/// warning names that unit and its setting; when it is far off (under 6
/// seconds, a first response over 14 days, a resolution over 120 days, a
/// handle time over 6 hours) the run stops instead (`Err`, one line naming both units and the setting
/// that picks each): a report whose every duration is likely 60× off must
/// not look normal. Slow teams and chat desks sit in the unusual band, so
/// it warns only.
pub(crate) fn assumed_unit(
    field: Field,
    column: &str,
    unit: Unit,
    raw_numbers: &[f64],
) -> Result<Option<String>, String> {
    let Some(med) = median(raw_numbers.to_vec()) else {
        return Ok(None);
    };
    let minutes = med * unit.minutes();
    // Unusual: a warning that names the likely unit. Far off: a stop.
    let ((low, high), (far_low, far_high)) = match field {
        Field::FirstResponse => ((1.0, 3.0 * 1440.0), (0.1, 14.0 * 1440.0)),
        // Agent work on one ticket: a call's talk time, minutes of email
        // work; a median of hours is a column of seconds read as minutes.
        Field::HandleTime => ((0.5, 120.0), (0.1, 360.0)),
        _ => ((1.0, 30.0 * 1440.0), (0.1, 120.0 * 1440.0)),
    };
    let best = likely_unit(field, med);
    let outside = |lo: f64, hi: f64| (minutes < lo || minutes > hi) && med > 0.0 && best != unit;
    if outside(low, high) && !outside(far_low, far_high) {
        return Ok(Some(format!(
            "column '{column}' names no unit: its numbers are read as {} (median {}), an unusual {}; if they are {} (median {}), pass {} {}={}",
            unit.as_str(),
            shown_minutes(minutes),
            field_noun(field),
            best.as_str(),
            shown_minutes(med * best.minutes()),
            Setting::Unit,
            field.as_str(),
            best.as_str()
        )));
    }
    if outside(far_low, far_high) {
        return Err(format!(
            "column '{column}' names no unit, and read as {} its median {} is {}; the numbers look like {} (median {}): pass {} {}={}, or {} {}={} if they are {}",
            unit.as_str(),
            field_noun(field),
            shown_minutes(minutes),
            best.as_str(),
            shown_minutes(med * best.minutes()),
            Setting::Unit,
            field.as_str(),
            best.as_str(),
            Setting::Unit,
            field.as_str(),
            unit.as_str(),
            unit.as_str(),
        ));
    }
    Ok(Some(format!(
        "column '{column}' names no unit: its numbers are read as {} (median {}); pass {} {}=UNIT if they are in another unit",
        unit.as_str(),
        shown_minutes(minutes),
        Setting::Unit,
        field.as_str()
    )))
}

/// Whether a handle-time column's two-part clocks (`04:05`) are
/// minutes:seconds, and the warning that says so when only the values
/// decided it.
///
/// Call-centre exports (Talkdesk, Aircall, Five9) write talk time as
/// `mm:ss`; helpdesks' time tracking (Freshdesk's "Time tracked") as
/// `hh:mm`. A header that names the form decides (`hh:mm`/`h:mm`, or a
/// unit of hours, keeps hours:minutes; `mm:ss` or `min:sec` reads
/// minutes:seconds). Otherwise, for a call's times only (a header naming
/// talk, call, handle, hold or wrap-up time, and no unit), the values do:
/// when their
/// hours:minutes median (`clock_minutes`, the sample's clocks read that
/// way, in minutes) is over 2 hours of agent work a ticket, and read as
/// minutes:seconds it is at least 30 seconds, they are minutes:seconds
/// (a warning names an example and both medians). Three-part clocks
/// (`00:04:05`) are never in doubt and are not passed here.
pub(crate) fn handle_clock_reading(
    column: &str,
    clock_minutes: &[f64],
    example: Option<&str>,
) -> (bool, Option<String>) {
    let lower = column.to_lowercase();
    if lower.contains("h:mm") || Unit::from_header(column) == Some(Unit::Hours) {
        return (false, None);
    }
    if lower.contains("m:ss") || lower.contains("min:sec") || lower.contains("mins:secs") {
        return (true, None);
    }
    // Only a call's times go by the values: time tracked, spent or worked
    // on a ticket (Freshdesk, Jira, ServiceNow) is hours:minutes, and a
    // few hours of it are no misreading.
    let call = ["talk", "call", "handle", "handling", "aht", "hold", "wrap"]
        .iter()
        .any(|w| lower.contains(w));
    if !call || Unit::from_header(column).is_some() {
        return (false, None);
    }
    let Some(med) = median(clock_minutes.to_vec()) else {
        return (false, None);
    };
    if med <= 120.0 || med / 60.0 < 0.5 {
        return (false, None);
    }
    let warning = format!(
        "column '{column}' holds clocks such as '{}': read as minutes:seconds (median handle time {}), as hours:minutes the median would be {} of agent work a ticket",
        show(example.unwrap_or("")),
        shown_minutes(med / 60.0),
        shown_minutes(med)
    );
    (true, Some(warning))
}

/// What a duration field measures, for messages.
fn field_noun(field: Field) -> &'static str {
    match field {
        Field::FirstResponse => "first response time",
        Field::HandleTime => "handle time",
        _ => "resolution time",
    }
}

/// A duration in minutes as a person reads it (`45 min`, `5.5 h`, `3.2 days`).
fn shown_minutes(m: f64) -> String {
    if m < 10.0 {
        format!("{m:.1} min")
    } else if m < 120.0 {
        format!("{m:.0} min")
    } else if m < 2.0 * 1440.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

/// Stop when a time column's dates run years past today (a misread
/// format or unit), naming the column and the latest value.
pub(crate) fn check_future(
    column: &str,
    latest: Option<(DateTime<Utc>, &str)>,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let Some((at, raw)) = latest else {
        return Ok(());
    };
    if at <= now + chrono::Duration::days(2 * 366) {
        return Ok(());
    }
    Err(format!(
        "column '{column}': value '{}' reads as {}, years after today; the column's format looks misread (pass {} '{column}=FORMAT' or {} another column)",
        show(raw),
        at.format("%Y-%m-%d"),
        Setting::DateFormat,
        Setting::Map
    ))
}
