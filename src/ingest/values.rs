//! Typed cell parsers. Each returns `Ok(None)` for a blank value and
//! `Err(reason)` with a one-line reject reason naming the column and value.

use super::durations::{parse_duration_minutes, parse_number, two_part_clock, NumberStyle};
use super::fields::Field;
use super::infer::TimeColumn;
use super::time::parse_excel_serial;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Placeholders that mean "no value" in typed (numeric, boolean, time) columns:
/// pandas/R/SQL dumps write them for missing data.
const NULLS: &[&str] = &[
    "", "nan", "nat", "null", "none", "n/a", "na", "-", "--", "\\n", "<na>", "#n/a",
];

/// Placeholders that mean "no value" in identifier, category and tag
/// columns (ticket and customer ids, status, channel, priority, agent, team,
/// tags), matched with their case as the tools write them (pandas `nan`,
/// `NaT`, `None`; SQL `NULL`; MySQL's `\N`): an agent called "Nat" or a
/// customer called "Nan" keeps their name, and `NA` (a region, a team) stays.
const LABEL_NULLS: &[&str] = &[
    "nan",
    "NaN",
    "NAN",
    "NaT",
    "None",
    "none",
    "NONE",
    "null",
    "NULL",
    "Null",
    "N/A",
    "n/a",
    "#N/A",
    "<NA>",
    "\\N",
    "-",
    "--",
    "—",
    "–",
    "(blank)",
    "(empty)",
    "(none)",
    "(not set)",
    // Zoho Desk's empty picklist.
    "-None-",
    "#VALUE!",
    "#REF!",
];

/// Longer placeholders of spreadsheets and report tools: dashes, `N.A.`,
/// Excel's `(blank)` of a pivot table and `(not set)`, and the error values
/// of a formula that failed (a value nobody knows, as `#N/A`).
const MORE_NULLS: &[&str] = &[
    "—",
    "–",
    "n.a.",
    "n. a.",
    "(blank)",
    "(empty)",
    "(none)",
    "(not set)",
    "not set",
    "-none-",
    "#value!",
    "#ref!",
    "#div/0!",
    "#num!",
    "#name?",
    "#null!",
];

/// True for an empty or placeholder value in a typed column.
pub(crate) fn is_blank(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || (t.len() <= 4 && NULLS.iter().any(|n| t.eq_ignore_ascii_case(n)))
        // None of them starts with a digit: numbers, the common short
        // cell, skip the list.
        || (t.len() <= 9
            && !t.starts_with(|c: char| c.is_ascii_digit())
            && MORE_NULLS.iter().any(|n| t.eq_ignore_ascii_case(n)))
}

/// Dates that databases and exporters write for "no date": MySQL's zero
/// date, .NET's and SQL Server's minimum dates, Excel's day 0, the Unix
/// epoch at midnight and the "never" of `9999-12-31`, year-first or in the
/// usual day/month orders.
const PLACEHOLDER_DATES: &[&str] = &[
    "0000-00-00",
    "0001-01-01",
    "1753-01-01",
    "1899-12-30",
    "1899-12-31",
    "1900-01-01",
    "1970-01-01",
    "9999-12-31",
    "01/01/0001",
    "1/1/0001",
    "01/01/1900",
    "1/1/1900",
    "01.01.1900",
    "01/01/1970",
    "1/1/1970",
    "12/31/9999",
    "31/12/9999",
    "31.12.9999",
];

/// True for a placeholder date ([`PLACEHOLDER_DATES`]). The impossible
/// ones (`0000-00-00`, `0001-01-01`, `1753-01-01`, `9999-12-31`) with any
/// time; the epoch and Excel's day 0 and 1 (`1970-01-01`, `1899-12-30`,
/// `1900-01-01`) only at midnight, since LibreOffice and pandas write an
/// Excel duration cell as `1899-12-30 02:30:00`. Time columns read
/// such a value as blank (and the reader counts them) instead of a ticket
/// resolved in 1900 or a run stopped by a date years in the future.
pub(crate) fn is_placeholder_date(s: &str) -> bool {
    let t = s.trim();
    let date = t.split([' ', 'T']).next().unwrap_or_default();
    if !PLACEHOLDER_DATES.contains(&date) {
        return false;
    }
    let time = &t[date.len()..];
    let any_time = ["0000", "0001", "1753", "9999"]
        .iter()
        .any(|y| date.contains(y));
    any_time || time.bytes().all(|b| b"0:. TZ+-".contains(&b))
}

/// A time cell that says "no time": a placeholder date
/// ([`is_placeholder_date`]), or a `0` in a column of timestamps (the
/// epoch's zero, not a zero-minute span). Time columns read it as blank, and
/// the reader counts it with this same test.
pub(crate) fn is_no_time(plan: &TimeColumn, s: &str) -> bool {
    is_placeholder_date(s)
        || (plan.timestamps_only && parse_number(s.trim(), plan.numbers) == Some(0.0))
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

/// Trimmed text, `None` when blank; a formula guard's quote (`'=…`,
/// written by ticketlens's CSV outputs) is dropped
/// ([`crate::io::safe_csv::unguard`]), here and in labels.
pub(crate) fn text(s: &str) -> Option<String> {
    let t = crate::io::safe_csv::unguard(s.trim()).trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// An identifier or category cell: trimmed, `None` when blank or a
/// placeholder of [`LABEL_NULLS`] (`nan` from pandas' `astype(str)`, `N/A`,
/// `\N`), which would otherwise become the busiest customer, agent, channel or tag.
pub(crate) fn label(s: &str) -> Option<String> {
    label_str(s).map(str::to_string)
}

/// [`label`] without the copy.
pub(crate) fn label_str(s: &str) -> Option<&str> {
    let t = crate::io::safe_csv::unguard(s.trim()).trim();
    let placeholder = LABEL_NULLS.contains(&t);
    (!t.is_empty() && !placeholder).then_some(t)
}

/// A customer id as a join and grouping key: an email address is
/// lower-cased (`Ann@X.com` and `ann@x.com` are one customer: desks and
/// CRMs store addresses as typed, and mailbox providers ignore case even
/// where RFC 5321 lets a host keep it in the local part); any other id
/// stays as written (Salesforce ids are case-sensitive).
pub(crate) fn customer_key(id: &str) -> String {
    let is_email = match id.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !id.contains(char::is_whitespace)
        }
        None => false,
    };
    if is_email {
        id.to_lowercase()
    } else {
        id.to_string()
    }
}

/// `true/false/yes/no/y/n/1/0` (case-insensitive; also `t/f`).
pub(crate) fn parse_bool(field: Field, col: &str, s: &str) -> Result<Option<bool>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "1.0" => Ok(Some(true)),
        "false" | "no" | "n" | "0" | "f" | "0.0" => Ok(Some(false)),
        // Spreadsheets saved in another language write their booleans so
        // (German, French, Spanish, Portuguese, Dutch, Italian Excel).
        "wahr" | "ja" | "vrai" | "oui" | "verdadero" | "sí" | "si" | "verdadeiro" | "sim"
        | "waar" | "vero" => Ok(Some(true)),
        "falsch" | "nein" | "faux" | "non" | "falso" | "não" | "nao" | "onwaar" | "nee" => {
            Ok(Some(false))
        }
        // ServiceNow's raw escalation codes: 0 Normal, 1 Moderate, 2 High,
        // 3 Overdue.
        "2" | "3" if field == Field::Escalated => Ok(Some(true)),
        // ServiceNow's escalation level: Normal, then Moderate, High, Overdue.
        "normal" | "low" | "not escalated" if field == Field::Escalated => Ok(Some(false)),
        "escalated" | "moderate" | "high" | "overdue" if field == Field::Escalated => {
            Ok(Some(true))
        }
        _ => Err(format!(
            "bad {field} value '{}' in column '{col}' (expected true/false/yes/no/y/n/1/0{})",
            show(s),
            if field == Field::Escalated {
                ", or an escalation level normal/low/moderate/high/overdue"
            } else {
                ""
            }
        )),
    }
}

/// A non-negative whole count (`3`, or `3.0` as pandas writes it; `3,0`
/// in a decimal-comma column).
pub(crate) fn parse_count(
    field: Field,
    col: &str,
    s: &str,
    style: NumberStyle,
) -> Result<Option<u32>, String> {
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
    match parse_number(t, style) {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => Ok(Some(x as u32)),
        // Zoho's `Is Reopened` and similar flags say yes or no, not how
        // often: yes counts as one reopen, which is what the reopen rate
        // (reopened at least once) needs.
        _ if field == Field::Reopens => match parse_bool(field, col, t) {
            Ok(flag) => Ok(flag.map(u32::from)),
            Err(_) => Err(format!(
                "bad {field} value '{}' in column '{col}' (expected a whole number ≥ 0 or yes/no)",
                show(s)
            )),
        },
        _ => Err(bad()),
    }
}

/// A survey score with its valid range: CSAT 1–5, NPS 0–10, CES 1–7.
///
/// CSAT also accepts Zendesk's text ratings: `good` → 5, `bad` → 1, and
/// `offered`/`unoffered`/`not offered` (survey sent, no answer) → blank.
///
/// Decimals follow the column's style (`4,5` in a decimal-comma column).
pub(crate) fn parse_score(
    field: Field,
    col: &str,
    s: &str,
    style: NumberStyle,
) -> Result<Option<f64>, String> {
    let range = match field {
        Field::Csat => super::CsatScale::OneToFive.range(),
        Field::Nps => (0.0, 10.0),
        _ => (1.0, 7.0),
    };
    parse_score_in(field, col, s, style, range)
}

/// A CSAT answer on `scale`, as a score on 1–5 (see [`super::CsatScale`]).
/// On 1–3 an answer must be whole (three faces have no half answers: 2.5
/// is an average, and would read as 4 of 5, satisfied), and an error says
/// which scale was set.
pub(crate) fn parse_csat(
    col: &str,
    s: &str,
    style: NumberStyle,
    scale: super::CsatScale,
) -> Result<Option<f64>, String> {
    use super::CsatScale;
    // A percentage scale takes `87%`.
    let s = match scale {
        CsatScale::ZeroToHundred => s.trim().trim_end_matches('%').trim_end(),
        _ => s,
    };
    let answer = parse_score_in(Field::Csat, col, s, style, scale.range());
    if matches!(scale, CsatScale::OneToFive | CsatScale::Auto) {
        return answer;
    }
    let answer = answer.and_then(|a| match a {
        Some(x) if x.fract() != 0.0 && scale != CsatScale::ZeroToHundred => Err(format!(
            "csat value {x} in column '{col}' is not a whole answer"
        )),
        _ => Ok(a),
    });
    answer
        .map(|a| a.map(|x| scale.to_five(x)))
        .map_err(|e| match scale {
            CsatScale::OneToThree => format!(
                "{e} (the CSAT scale is set to 1–3 by {})",
                crate::error::Setting::CsatScale
            ),
            _ => format!(
                "{e} (the CSAT scale is {}, read from the answers or set by {})",
                scale.label(),
                crate::error::Setting::CsatScale
            ),
        })
}

/// A CSAT rating written as words, on the range `(lo, hi)`: `Some(None)`
/// for a survey offered but not answered. Zendesk's `good`/`bad`
/// (`offered`/`unoffered`), Help Scout's `great`/`okay`/`not good`, the
/// satisfaction scale's `very satisfied` … `very dissatisfied` and the
/// quality scale's `excellent` … `terrible`: a satisfied word is `hi`, a
/// middle one the middle of the range, any other `lo` (only whether an
/// answer is satisfied is certain from a word, so CSAT % is exact and the
/// mean is approximate); stars written as `★★★★☆` count, and so do thumbs
/// and faces (`👍` `🙂` satisfied, `😐` middle, `👎` `🙁` not), `positive` /
/// `negative`, `yes` / `no`, and the same words in localized exports
/// (`gut` / `schlecht`, `satisfait` / `insatisfait`, `bueno` / `malo`,
/// `bom` / `ruim`, `goed` / `slecht`, `buono` / `cattivo`, `angeboten` …).
fn csat_word(t: &str, (lo, hi): (f64, f64)) -> Option<Option<f64>> {
    let words = rating_words(t);
    let mid = (lo + hi) / 2.0;
    // A five-point satisfaction scale's second and fourth answers
    // (`Somewhat satisfied` is 4 of 5: satisfied, top-two box).
    let (fair, unfair) = (lo + 0.75 * (hi - lo), lo + 0.25 * (hi - lo));
    Some(Some(match words.as_str() {
        "somewhat satisfied" | "fairly satisfied" | "mostly satisfied" | "quite satisfied"
        | "moderately satisfied" | "slightly satisfied" => fair,
        "somewhat dissatisfied"
        | "somewhat unsatisfied"
        | "fairly dissatisfied"
        | "mostly dissatisfied"
        | "moderately dissatisfied"
        | "slightly dissatisfied"
        | "not very satisfied" => unfair,
        // Zendesk's survey wording.
        "good i m satisfied" | "good im satisfied" => hi,
        "bad i m unsatisfied" | "bad im unsatisfied" => lo,
        "not at all satisfied" => lo,
        "good"
        | "great"
        | "satisfied"
        | "very satisfied"
        | "extremely satisfied"
        | "excellent"
        | "very good"
        | "awesome"
        | "happy"
        | "very happy"
        | "extremely happy"
        | "positive"
        | "yes"
        | "thumbs up"
        // Zendesk's and survey tools' words in localized exports.
        | "gut"
        | "sehr gut"
        | "zufrieden"
        | "sehr zufrieden"
        | "bon"
        | "très bon"
        | "satisfait"
        | "très satisfait"
        | "bueno"
        | "muy bueno"
        | "satisfecho"
        | "muy satisfecho"
        | "bom"
        | "muito bom"
        | "satisfeito"
        | "muito satisfeito"
        | "goed"
        | "zeer goed"
        | "tevreden"
        | "zeer tevreden"
        | "buono"
        | "soddisfatto"
        | "molto soddisfatto" => hi,
        "okay"
        | "ok"
        | "neutral"
        | "average"
        | "fair"
        | "neither satisfied nor dissatisfied"
        | "just okay"
        | "neutre"
        | "neutro" => mid,
        "bad"
        | "not good"
        | "unsatisfied"
        | "dissatisfied"
        | "very dissatisfied"
        | "very unsatisfied"
        | "extremely dissatisfied"
        | "poor"
        | "very poor"
        | "terrible"
        | "unhappy"
        | "very unhappy"
        | "extremely unhappy"
        | "not satisfied"
        | "negative"
        | "no"
        | "thumbs down"
        | "schlecht"
        | "sehr schlecht"
        | "unzufrieden"
        | "sehr unzufrieden"
        | "mauvais"
        | "insatisfait"
        | "très insatisfait"
        | "malo"
        | "insatisfecho"
        | "muy insatisfecho"
        | "ruim"
        | "insatisfeito"
        | "slecht"
        | "ontevreden"
        | "zeer ontevreden"
        | "cattivo"
        | "insoddisfatto" => lo,
        "offered" | "unoffered" | "not offered" | "angeboten" | "nicht angeboten" | "proposé"
        | "non proposé" | "ofrecido" | "no ofrecido" | "oferecido" | "não oferecido"
        | "aangeboden" | "niet aangeboden" | "offerto" | "non offerto" | "not rated"
        | "unrated" | "no rating" | "no response" | "no answer" | "not answered"
        | "not responded" => return Some(None),
        // Thumbs and faces, as chat widgets export a rating.
        "" if matches!(
            t.trim().trim_end_matches('\u{fe0f}'),
            "👍" | "😀" | "😃" | "😄" | "🙂" | "😊" | "😍"
        ) =>
        {
            hi
        }
        "" if matches!(t.trim().trim_end_matches('\u{fe0f}'), "😐" | "😶") => mid,
        "" if matches!(
            t.trim().trim_end_matches('\u{fe0f}'),
            "👎" | "🙁" | "☹" | "😞" | "😠" | "😡" | "😢"
        ) =>
        {
            lo
        }
        "" if t
            .chars()
            .all(|c| matches!(c, '★' | '☆' | '⭐' | '\u{fe0f}' | ' '))
            && t.contains(['★', '⭐']) =>
        {
            let stars = t.chars().filter(|c| matches!(c, '★' | '⭐')).count() as f64;
            stars.clamp(lo, hi)
        }
        _ => return None,
    }))
}

/// The number in front of a score's label: `4 - Satisfied`, `5 (Very
/// satisfied)`, `4: Good`, `5 stars`, `4/5` and `4 out of 5` (only out of
/// the scale's top, `hi`). `None` when `t` is not such a value: another
/// number in the label (`3 (out of 10)`, a range `4-5`), or a rating word
/// that says the opposite of the number (`5 - Very dissatisfied`), which
/// is then a reject rather than a guess.
fn labelled_score(t: &str, (lo, hi): (f64, f64)) -> Option<&str> {
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .filter(|&e| e > 0)?;
    let (num, rest) = (&t[..end], t[end..].trim());
    let lower = rest.to_lowercase();
    let out_of = lower
        .strip_prefix('/')
        .or_else(|| lower.strip_prefix("out of"))
        .map(str::trim);
    if let Some(top) = out_of {
        return (top.parse::<f64>().ok() == Some(hi)).then_some(num);
    }
    if lower == "star" || lower == "stars" {
        return Some(num);
    }
    let label = lower.strip_prefix(['-', '–', '—', '(', ':'])?.trim();
    let label = label.strip_suffix(')').unwrap_or(label);
    if label.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // A satisfied word on an unsatisfied number, or the other way round.
    let x: f64 = num.replace(',', ".").parse().ok()?;
    if let Some(Some(word)) = csat_word(label, (lo, hi)) {
        let top = hi - (hi - lo) / 4.0;
        let mid = (lo + hi) / 2.0;
        if word != mid && (word >= top) != (x >= top) {
            return None;
        }
    }
    Some(num)
}

/// An NPS answer exported as its category (`Promoter`, `Passive`,
/// `Detractor`, also localized): 10, 8 or 0, an answer of that category,
/// so NPS (which counts categories only) is exact.
fn nps_category(t: &str) -> Option<f64> {
    match t.to_lowercase().trim_end_matches('s') {
        "promoter" | "promotor" | "promoteur" | "promotore" => Some(10.0),
        "passive" | "passiv" | "passif" | "pasivo" | "passivo" | "neutral" | "neutro" => Some(8.0),
        "detractor" | "detraktor" | "détracteur" | "detracteur" | "detrattore" => Some(0.0),
        _ => None,
    }
}

/// [`parse_score`] with the valid range given (`lo`, `hi`): a CSAT text
/// rating is `hi` (good) or `lo` (bad).
fn parse_score_in(
    field: Field,
    col: &str,
    s: &str,
    style: NumberStyle,
    (lo, hi): (f64, f64),
) -> Result<Option<f64>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    let t = s.trim();
    if field == Field::Csat {
        if let Some(rating) = csat_word(t, (lo, hi)) {
            return Ok(rating);
        }
    }
    if field == Field::Nps {
        if let Some(answer) = nps_category(t) {
            return Ok(Some(answer));
        }
    }
    if field == Field::Ces {
        if let Some(answer) = ces_word(t) {
            return Ok(Some(answer));
        }
    }
    let t = labelled_score(t, (lo, hi)).unwrap_or(t);
    match parse_number(t, style) {
        Some(x) => {
            if (lo..=hi).contains(&x) {
                Ok(Some(x))
            } else {
                Err(format!(
                    "{field} value {} in column '{col}' outside {lo}–{hi}",
                    show(s)
                ))
            }
        }
        None => Err(format!(
            "bad {field} number '{}' in column '{col}'",
            show(s)
        )),
    }
}

/// A rating's words: lower case, punctuation read as spaces, one space
/// between words (`Good, I'm satisfied` → `good i m satisfied`).
fn rating_words(t: &str) -> String {
    t.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A customer effort answer written as words, on CES 2.0's 1–7 scale
/// (Gartner: "The company made it easy for me to handle my issue",
/// `Strongly disagree` 1 … `Strongly agree` 7), or as the ease it names
/// (`Very difficult` 1 … `Very easy` 7): higher is less effort.
fn ces_word(t: &str) -> Option<f64> {
    let words = rating_words(t);
    Some(match words.as_str() {
        "strongly disagree" | "very difficult" | "extremely difficult" => 1.0,
        "disagree" | "difficult" => 2.0,
        "somewhat disagree" | "slightly disagree" | "somewhat difficult" | "fairly difficult" => {
            3.0
        }
        "neither agree nor disagree" | "neutral" | "neither easy nor difficult" => 4.0,
        "somewhat agree" | "slightly agree" | "somewhat easy" | "fairly easy" => 5.0,
        "agree" | "easy" => 6.0,
        "strongly agree" | "very easy" | "extremely easy" => 7.0,
        _ => return None,
    })
}

/// A first-response or resolution cell: an instant or a duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TimeOrSpan {
    /// A timestamp.
    At(DateTime<Utc>),
    /// A duration in the field's unit (minutes for first response, hours for resolution).
    Span(f64),
}

/// A handle-time cell in minutes: a plain number in the column's unit
/// (`scale` minutes per unit, from the header or `--unit`; minutes by
/// default) or a text duration (`00:25`, `1h 5m`, `PT25M`, Freshdesk's
/// `hh:mm` "Time tracked"); with `clock_mmss`, a two-part clock is
/// minutes:seconds (`04:05` = 4 min 5 s, as call-centre exports write talk
/// time). Blank → `None`; a negative or unreadable value is an error naming
/// the column.
pub(crate) fn parse_handle_minutes(
    col: &str,
    s: &str,
    scale: f64,
    style: NumberStyle,
    clock_mmss: bool,
) -> Result<Option<f64>, String> {
    if is_blank(s) {
        return Ok(None);
    }
    let t = s.trim();
    let mmss = || {
        clock_mmss
            .then(|| two_part_clock(t))
            .flatten()
            .map(|m| m / 60.0)
    };
    let minutes = parse_number(t, style)
        .map(|x| x * scale)
        .or_else(mmss)
        .or_else(|| parse_duration_minutes(t));
    match minutes {
        Some(m) if m >= 0.0 && m.is_finite() => Ok(Some(m)),
        Some(_) => Err(format!(
            "negative handle_time value '{}' in column '{col}'",
            show(s)
        )),
        None => Err(format!(
            "bad handle_time value '{}' in column '{col}' (expected minutes or a duration such as 1:05, 1h 5m)",
            show(s)
        )),
    }
}

/// Read a first-response or resolution cell with its column's plan.
///
/// In order: an Excel serial (serial columns only); a plain number (decimal
/// point or comma per the column) is a duration times `scale` (the column's
/// unit → the field's unit), except 10+ integer digits (≥ 1e9), which are
/// Unix epoch timestamps unless the header or `--unit` names a unit
/// and the duration is under five years ([`TimeColumn::number_is_span`]);
/// a text duration (`1h 23m`, `01:23:45`,
/// `PT1H23M`, …); else a timestamp in the column's format. A value that is
/// none of these is `bad FIELD value '…' in column 'C' (expected a duration
/// or a timestamp)`, or `bad FIELD timestamp …` when the column held only
/// timestamps.
pub(crate) fn parse_time_or_span(
    field: Field,
    col: &str,
    plan: &TimeColumn,
    s: &str,
    scale: f64,
    tz: Tz,
) -> Result<Option<TimeOrSpan>, String> {
    if is_blank(s) || is_no_time(plan, s) {
        return Ok(None);
    }
    let t = s.trim();
    if plan.serial {
        if let Some(at) = parse_excel_serial(t, tz) {
            return Ok(Some(TimeOrSpan::At(at)));
        }
    }
    if plan.custom.is_none() {
        if let Some(x) = parse_number(t, plan.numbers) {
            if plan.number_is_span(field, x, scale) {
                return Ok(Some(TimeOrSpan::Span(x * scale)));
            }
        }
        if let Some(minutes) = parse_duration_minutes(t) {
            let unit = if field == Field::Resolved {
                minutes / 60.0
            } else {
                minutes
            };
            return Ok(Some(TimeOrSpan::Span(unit)));
        }
    }
    plan.parse_at(t, tz)
        .map(|at| Some(TimeOrSpan::At(at)))
        .map_err(|e| plan.reason(field, col, s, e))
}

/// A tags cell as a list: split on `,` `;` `|` when the cell has any of them
/// (`billing, vip`, `a;b`: a tag may then hold a space, `needs review`),
/// otherwise on whitespace (Zendesk's space-separated `vip billing`); pieces
/// trimmed, empty ones and repeats dropped, first-seen order kept. JSON
/// arrays and repeated columns reach here as `a, b` (see `ingest::json`).
///
/// A list written as text is its items: pandas' `['billing', 'refund']`, a
/// JSON array `["billing","refund"]` (BigQuery, Snowflake's multi-line
/// unload), Postgres' `{billing,"needs review"}`; `[]` and `{}` are no tags.
pub fn parse_tags(s: &str) -> Vec<String> {
    fn unique<'a>(pieces: impl Iterator<Item = &'a str>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in pieces {
            let Some(t) = label_str(p) else { continue };
            if !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
        out
    }
    let t = s.trim();
    let listed = t
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| t.strip_prefix('{').and_then(|r| r.strip_suffix('}')));
    if let Some(inner) = listed {
        return unique(
            inner
                .split(',')
                .map(|p| p.trim().trim_matches(['"', '\'']).trim()),
        );
    }
    if s.contains([',', ';', '|']) {
        unique(s.split([',', ';', '|']))
    } else {
        unique(s.split_whitespace())
    }
}

#[cfg(test)]
mod tests {

    /// CSAT ratings as survey tools write them: words (Zendesk, Help Scout,
    /// the satisfaction and quality scales), stars, and a number with its
    /// label. On 1–5 a satisfied word is 5, a middle one 3, any other 1.
    #[test]
    fn emails_are_one_customer_whatever_their_case() {
        assert_eq!(customer_key("Ann@X.com"), "ann@x.com");
        assert_eq!(customer_key("ann@x.com"), "ann@x.com");
        // Not emails: as written.
        assert_eq!(customer_key("0015g00000AbCdE"), "0015g00000AbCdE");
        assert_eq!(customer_key("@Handle"), "@Handle");
        assert_eq!(customer_key("Ann Lee <Ann@X.com>"), "Ann Lee <Ann@X.com>");
    }

    #[test]
    fn csat_words_stars_and_labelled_numbers() {
        let five = super::super::CsatScale::OneToFive;
        let three = super::super::CsatScale::OneToThree;
        let csat = |v: &str| parse_csat("Rating", v, NumberStyle::Dot, five);
        for (v, want) in [
            ("Good", Some(5.0)),
            ("Great", Some(5.0)),
            ("Okay", Some(3.0)),
            ("Not Good", Some(1.0)),
            ("not-good", Some(1.0)),
            ("Very satisfied", Some(5.0)),
            ("Neutral", Some(3.0)),
            ("Very Dissatisfied", Some(1.0)),
            ("Excellent", Some(5.0)),
            ("Poor", Some(1.0)),
            ("Offered", None),
            ("Not rated", None),
            ("No response", None),
            ("Gut", Some(5.0)),
            ("Schlecht", Some(1.0)),
            ("Très satisfait", Some(5.0)),
            ("Insatisfecho", Some(1.0)),
            ("Angeboten", None),
            ("👍", Some(5.0)),
            ("👎", Some(1.0)),
            ("😐", Some(3.0)),
            ("☹️", Some(1.0)),
            ("Positive", Some(5.0)),
            ("No", Some(1.0)),
            ("★★★★☆", Some(4.0)),
            ("4 - Satisfied", Some(4.0)),
            ("5 (Very satisfied)", Some(5.0)),
            ("2: Poor", Some(2.0)),
            ("5 stars", Some(5.0)),
            ("1 star", Some(1.0)),
            ("4/5", Some(4.0)),
            ("3 out of 5", Some(3.0)),
            ("4.5", Some(4.5)),
            ("Good, I'm satisfied", Some(5.0)),
            ("Bad, I'm unsatisfied", Some(1.0)),
            ("Somewhat satisfied", Some(4.0)),
            ("Somewhat dissatisfied", Some(2.0)),
            ("Not at all satisfied", Some(1.0)),
        ] {
            assert_eq!(csat(v), Ok(want), "{v}");
        }
        assert_eq!(csat("Extremely happy"), Ok(Some(5.0)));
        assert_eq!(csat("Not satisfied"), Ok(Some(1.0)));
        assert_eq!(csat("⭐\u{fe0f}⭐\u{fe0f}⭐\u{fe0f}"), Ok(Some(3.0)));
        for v in [
            "4/10",
            "5 apples",
            "so-so",
            "6 - Great",
            "3 (out of 10)",
            "4: out of 10",
            "4-5",
            "5 - Very dissatisfied",
            "1 - Very satisfied",
        ] {
            assert!(csat(v).is_err(), "{v}: {:?}", csat(v));
        }
        // On 1–3, "okay" is the middle face (3 of 5), "3/3" the top.
        let on_three = |v: &str| parse_csat("Rating", v, NumberStyle::Dot, three);
        assert_eq!(on_three("Okay"), Ok(Some(3.0)));
        assert_eq!(on_three("3/3"), Ok(Some(5.0)));
        assert_eq!(on_three("Great"), Ok(Some(5.0)));
        // NPS answers keep their label too.
        assert_eq!(
            parse_score(Field::Nps, "NPS", "9 - Extremely likely", NumberStyle::Dot),
            Ok(Some(9.0))
        );
        // NPS exported as its category: an answer of that category.
        let nps = |v: &str| parse_score(Field::Nps, "NPS", v, NumberStyle::Dot);
        assert_eq!(nps("Promoter"), Ok(Some(10.0)));
        assert_eq!(nps("passives"), Ok(Some(8.0)));
        assert_eq!(nps("Détracteur"), Ok(Some(0.0)));
        assert!(nps("Promoted").is_err());
        // Not a CSAT or CES word.
        assert!(parse_score(Field::Ces, "CES", "Promoter", NumberStyle::Dot).is_err());
    }
    use super::*;
    use crate::ingest::time::parse_timestamp;
    use NumberStyle::{Comma, Dot};

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
            ("Normal", false),
            ("Overdue", true),
        ] {
            assert_eq!(parse_bool(Field::Escalated, "esc", s), Ok(Some(v)), "{s}");
        }
        assert_eq!(parse_bool(Field::Escalated, "esc", " "), Ok(None));
        assert_eq!(
            parse_bool(Field::Escalated, "esc", "maybe"),
            Err(
                "bad escalated value 'maybe' in column 'esc' (expected true/false/yes/no/y/n/1/0, or an escalation level normal/low/moderate/high/overdue)"
                    .into()
            )
        );
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(Field::Reopens, "r", "3", Dot), Ok(Some(3)));
        assert_eq!(parse_count(Field::Reopens, "r", "2.0", Dot), Ok(Some(2)));
        assert_eq!(parse_count(Field::Reopens, "r", "Yes", Dot), Ok(Some(1)));
        assert_eq!(parse_bool(Field::Escalated, "e", "WAHR"), Ok(Some(true)));
        assert_eq!(parse_bool(Field::Escalated, "e", "Faux"), Ok(Some(false)));
        assert_eq!(parse_bool(Field::Escalated, "e", "2"), Ok(Some(true)));
        assert!(parse_bool(Field::Reopens, "e", "2").is_err());
        assert_eq!(parse_count(Field::Reopens, "r", "no", Dot), Ok(Some(0)));
        assert!(parse_count(Field::Reopens, "r", "often", Dot).is_err());
        assert!(parse_count(Field::Replies, "r", "yes", Dot).is_err());
        assert_eq!(parse_count(Field::Replies, "r", "nan", Dot), Ok(None));
        assert!(parse_count(Field::Replies, "r", "-1", Dot).is_err());
        assert!(parse_count(Field::Replies, "r", "1.5", Dot).is_err());
        assert_eq!(
            parse_count(Field::Replies, "Replies", "many", Dot),
            Err(
                "bad replies number 'many' in column 'Replies' (expected a whole number ≥ 0)"
                    .into()
            )
        );
    }

    #[test]
    fn scores_and_ranges() {
        assert_eq!(parse_score(Field::Csat, "c", "4.0", Dot), Ok(Some(4.0)));
        assert_eq!(parse_score(Field::Csat, "c", "Good", Dot), Ok(Some(5.0)));
        assert_eq!(parse_score(Field::Csat, "c", "bad", Dot), Ok(Some(1.0)));
        assert_eq!(parse_score(Field::Csat, "c", "Offered", Dot), Ok(None));
        assert_eq!(
            parse_score(Field::Csat, "CSAT", "6", Dot),
            Err("csat value 6 in column 'CSAT' outside 1–5".into())
        );
        assert_eq!(
            parse_score(Field::Csat, "c", "0", Dot),
            Err("csat value 0 in column 'c' outside 1–5".into())
        );
        assert_eq!(parse_score(Field::Nps, "n", "0", Dot), Ok(Some(0.0)));
        assert_eq!(
            parse_score(Field::Nps, "n", "11", Dot),
            Err("nps value 11 in column 'n' outside 0–10".into())
        );
        assert_eq!(parse_score(Field::Ces, "e", "7", Dot), Ok(Some(7.0)));
        assert_eq!(
            parse_score(Field::Ces, "e", "Strongly agree", Dot),
            Ok(Some(7.0))
        );
        assert_eq!(
            parse_score(Field::Ces, "e", "Somewhat difficult", Dot),
            Ok(Some(3.0))
        );
        assert_eq!(
            parse_score(Field::Ces, "e", "Very Easy", Dot),
            Ok(Some(7.0))
        );
        assert_eq!(
            parse_score(Field::Ces, "e", "8", Dot),
            Err("ces value 8 in column 'e' outside 1–7".into())
        );
        assert_eq!(
            parse_score(Field::Ces, "e", "hard", Dot),
            Err("bad ces number 'hard' in column 'e'".into())
        );
    }

    #[test]
    fn time_or_span() {
        let tz = Tz::UTC;
        let f = Field::FirstResponse;
        let plan = TimeColumn::default();
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "90", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(90.0)))
        );
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "1.5", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(90.0)))
        );
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "01:30:30", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(90.5)))
        );
        assert_eq!(
            parse_time_or_span(Field::Resolved, "c", &plan, "3:00", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(3.0)))
        );
        let at = parse_timestamp("2025-01-01 10:00", tz).unwrap();
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "2025-01-01 10:00", 1.0, tz),
            Ok(Some(TimeOrSpan::At(at)))
        );
        let epoch = parse_timestamp("1735725600", tz).unwrap();
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "1735725600", 1.0, tz),
            Ok(Some(TimeOrSpan::At(epoch)))
        );
        assert_eq!(parse_time_or_span(f, "c", &plan, "NaN", 1.0, tz), Ok(None));
        assert_eq!(
            parse_time_or_span(f, "FR", &plan, "soon", 1.0, tz),
            Err(
                "bad first_response value 'soon' in column 'FR' (expected a duration or a timestamp)"
                    .into()
            )
        );
        // Text durations, in the field's unit.
        assert_eq!(
            parse_time_or_span(f, "c", &plan, "1h 23m", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(83.0)))
        );
        assert_eq!(
            parse_time_or_span(
                Field::Resolved,
                "c",
                &plan,
                "1 Day 2 Hours 30 Minutes",
                1.0,
                tz
            ),
            Ok(Some(TimeOrSpan::Span(26.5)))
        );
        assert_eq!(
            parse_time_or_span(Field::Resolved, "c", &plan, "PT1H30M", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(1.5)))
        );
        // A column that held only timestamps calls a bad value a bad timestamp.
        let ts = TimeColumn {
            timestamps_only: true,
            ..Default::default()
        };
        assert_eq!(
            parse_time_or_span(Field::Resolved, "Solved at", &ts, "soon", 1.0, tz),
            Err("bad resolved timestamp 'soon' in column 'Solved at'".into())
        );
        // Decimal commas where the column writes them.
        let de = TimeColumn {
            numbers: NumberStyle::Comma,
            ..Default::default()
        };
        assert_eq!(
            parse_time_or_span(f, "c", &de, "1,5", 60.0, tz),
            Ok(Some(TimeOrSpan::Span(90.0)))
        );
        assert_eq!(
            parse_time_or_span(Field::Resolved, "c", &de, "1.234,5", 1.0, tz),
            Ok(Some(TimeOrSpan::Span(1234.5)))
        );
        // Ten digits are an epoch timestamp in a column without a unit, but a
        // duration when the header (or --unit) names one: 1,296,000,000 ms
        // is 15 days (360 hours).
        let ms = TimeColumn {
            unit_given: true,
            ..Default::default()
        };
        let hours_per_ms = 1.0 / 3_600_000.0;
        assert!(matches!(
            parse_time_or_span(Field::Resolved, "c", &ms, "1296000000", hours_per_ms, tz),
            Ok(Some(TimeOrSpan::Span(h))) if (h - 360.0).abs() < 1e-6
        ));
        assert!(matches!(
            parse_time_or_span(Field::Resolved, "c", &plan, "1296000000", 1.0, tz),
            Ok(Some(TimeOrSpan::At(_)))
        ));
        // An epoch in milliseconds under a unit header (`solved_at_ms`) would
        // be 54 years as a duration: a timestamp.
        assert!(matches!(
            parse_time_or_span(Field::Resolved, "c", &ms, "1709546400000", hours_per_ms, tz),
            Ok(Some(TimeOrSpan::At(at))) if at.timestamp() == 1_709_546_400
        ));
    }

    #[test]
    fn placeholders_are_blank_labels() {
        for s in [
            "nan", "NaN", "NaT", "N/A", "#N/A", "<NA>", "NONE", "null", "NULL", "None", "\\N", "-",
            " -- ",
        ] {
            assert_eq!(label(s), None, "{s}");
            assert!(is_blank(s), "{s}");
        }
        for s in [
            "NA",
            "Nat",
            "Nan",
            "EMEA",
            "none-tier",
            "n/a-team",
            "Null Island",
        ] {
            assert_eq!(label(s).as_deref(), Some(s), "{s}");
        }
        assert_eq!(
            text("N/A").as_deref(),
            Some("N/A"),
            "ticket text is kept as written"
        );
        assert_eq!(parse_tags("billing, nan, vip"), ["billing", "vip"]);
        assert!(parse_tags("nan").is_empty());
    }

    #[test]
    fn decimal_commas_in_scores_and_counts() {
        assert_eq!(parse_score(Field::Csat, "c", "4,5", Comma), Ok(Some(4.5)));
        assert_eq!(parse_count(Field::Replies, "r", "3,0", Comma), Ok(Some(3)));
        assert!(parse_score(Field::Csat, "c", "4,5", Dot).is_err());
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
        // Lists written as text: pandas, JSON (also over lines), Postgres.
        for cell in [
            "['billing', 'needs review']",
            r#"["billing","needs review"]"#,
            "[\n  \"billing\",\n  \"needs review\"\n]",
            r#"{billing,"needs review"}"#,
        ] {
            assert_eq!(parse_tags(cell), ["billing", "needs review"], "{cell}");
        }
        assert!(parse_tags("[]").is_empty() && parse_tags("{}").is_empty());
        assert!(parse_tags("['nan']").is_empty());
        assert!(parse_tags(" , ;").is_empty());
    }
}
