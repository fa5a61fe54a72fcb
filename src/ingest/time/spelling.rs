//! Less common spellings of a timestamp, rewritten into a form the main
//! parser reads, and time zones written after the time.
//!
//! Each rule here copies a spelling that real exports print: Oracle's
//! `01-MAR-24 02.22.05.000000 PM` (dots in the clock), Spanish and Canadian
//! locales' `p. m.`, French `14h22`, a comma before the fraction of a second
//! (ISO 8601 allows it; European locales write it), Kibana's `Mar 1, 2024 @
//! 14:22:05.000`, JavaScript's `Date.toString()` (`Fri Mar 01 2024 14:22:05
//! GMT+0100 (Central European Standard Time)`), Java's
//! `ZonedDateTime.toString()` (`…+01:00[Europe/Paris]`), CJK dates
//! (`2024年3月1日 14:22`), SAP/Oracle compact digits (`20240301142205`) and
//! month names in German, French, Spanish, Portuguese, Dutch and Italian
//! (`1. März 2024`, `1 de marzo de 2024`, `01-mrt-2024`).
//! The rewrite runs only on values the usual forms did not read, so it costs
//! an ordinary value nothing.

use chrono::Weekday;
use chrono_tz::Tz;
use once_cell::sync::Lazy;
use regex::Regex;

/// A zone written after a timestamp.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Zone {
    /// A fixed offset from UTC, in minutes (east positive).
    Offset(i64),
    /// An IANA zone (`Europe/Berlin`): its offset depends on the date.
    Named(Tz),
}

/// Zone abbreviations read as fixed offsets (minutes east of UTC). Only the
/// unambiguous ones: `IST` (India, Ireland, Israel), `AST` (Atlantic,
/// Arabia) and `GST` (Gulf, South Georgia) are left out, so such a value is
/// rejected rather than guessed. `CST` is read as US Central (what US
/// exports mean by it), `BST` as British Summer Time.
const ABBREVIATIONS: &[(&str, i64)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("MET", 60),
    ("WAT", 60),
    ("CEST", 120),
    ("MEST", 120),
    ("EET", 120),
    ("SAST", 120),
    ("CAT", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EAT", 180),
    ("PKT", 300),
    ("ICT", 420),
    ("WIB", 420),
    ("SGT", 480),
    ("MYT", 480),
    ("HKT", 480),
    ("PHT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("AEST", 600),
    ("ACDT", 630),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("HST", -600),
    ("AKST", -540),
    ("AKDT", -480),
    ("PST", -480),
    ("PDT", -420),
    ("MST", -420),
    ("MDT", -360),
    ("CST", -360),
    ("CDT", -300),
    ("EST", -300),
    ("EDT", -240),
    ("ADT", -180),
    ("BRT", -180),
    ("ART", -180),
    ("NST", -210),
    ("NDT", -150),
];

/// Abbreviations that name more than one zone: each meaning's offset
/// (minutes east of UTC), the zones for messages and a zone to suggest. A
/// timestamp ending in one is read only in the zone the run was given
/// (`IngestOptions::timezone`), when that zone's offset at the time is one
/// of the meanings: `IST` with `Asia/Kolkata` (or `Europe/Dublin` in
/// summer, or `Asia/Jerusalem`), `GST` with `Asia/Dubai`.
pub(super) struct Ambiguous {
    /// The abbreviation.
    pub abbr: &'static str,
    /// The offsets it stands for.
    pub offsets: &'static [i32],
    /// Its meanings, for messages.
    pub zones: &'static str,
    /// A zone to suggest.
    pub example: &'static str,
}

const AMBIGUOUS: &[Ambiguous] = &[
    Ambiguous {
        abbr: "IST",
        offsets: &[330, 60, 120],
        zones: "India +05:30, Ireland's summer +01:00, Israel +02:00",
        example: "Asia/Kolkata",
    },
    Ambiguous {
        abbr: "AST",
        offsets: &[-240, 180],
        zones: "Atlantic -04:00, Arabia +03:00",
        example: "America/Halifax or Asia/Riyadh",
    },
    Ambiguous {
        abbr: "GST",
        offsets: &[240, -120],
        zones: "Gulf +04:00, South Georgia -02:00",
        example: "Asia/Dubai",
    },
];

/// A timestamp ending in an ambiguous zone abbreviation: the timestamp
/// before it and the abbreviation's meanings.
pub(super) fn ambiguous_zone(s: &str) -> Option<(&str, &'static Ambiguous)> {
    let (rest, word) = s.trim_end().rsplit_once(' ')?;
    let found = AMBIGUOUS
        .iter()
        .find(|a| a.abbr.eq_ignore_ascii_case(word))?;
    Some((rest.trim_end(), found))
}

/// A zone as written: an abbreviation above, `GMT+02:00` / `UTC-0530`, a
/// bare offset (`+0000`, `-05:00`, `+05`), or an IANA name.
pub(super) fn zone_named(name: &str) -> Option<Zone> {
    let upper = name.to_ascii_uppercase();
    if let Some(&(_, m)) = ABBREVIATIONS.iter().find(|(a, _)| *a == upper) {
        return Some(Zone::Offset(m));
    }
    // US desks' generic zones (`9:00 ET`): standard or daylight time,
    // whichever the date had.
    let generic = match upper.as_str() {
        "ET" => Some(chrono_tz::America::New_York),
        "CT" => Some(chrono_tz::America::Chicago),
        "MT" => Some(chrono_tz::America::Denver),
        "PT" => Some(chrono_tz::America::Los_Angeles),
        _ => None,
    };
    if let Some(tz) = generic {
        return Some(Zone::Named(tz));
    }
    if name.contains('/') {
        return name.parse::<Tz>().ok().map(Zone::Named);
    }
    let off = upper
        .strip_prefix("GMT")
        .or_else(|| upper.strip_prefix("UTC"))
        .unwrap_or(&upper);
    let (sign, hm) = match off.as_bytes().first()? {
        b'+' => (1, &off[1..]),
        b'-' => (-1, &off[1..]),
        _ => return None,
    };
    let digits: String = hm.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(1..=4).contains(&digits.len()) {
        return None;
    }
    let (h, m) = if digits.len() <= 2 {
        (digits.parse::<i64>().ok()?, 0)
    } else {
        let split = digits.len() - 2;
        (digits[..split].parse().ok()?, digits[split..].parse().ok()?)
    };
    (h <= 14 && m < 60).then_some(Zone::Offset(sign * (h * 60 + m)))
}

/// A zone written as the last word of a timestamp: returns the timestamp
/// before it and the zone.
pub(super) fn trailing_zone(s: &str) -> Option<(&str, Zone)> {
    let (rest, zone) = s.rsplit_once(' ')?;
    Some((rest.trim_end(), zone_named(zone)?))
}

/// Korean dates as Excel and Korean desks write them: `2024. 3. 1.`.
static DOTTED_YMD: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{4})\. ?(\d{1,2})\. ?(\d{1,2})\.?(\s|$)").expect("static regex"));
/// Czech and Slovak Excel dates, a space after each dot: `1. 3. 2024`.
static SPACED_DMY: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,2})\. (\d{1,2})\. (\d{4})(\s|$)").expect("static regex"));
/// Vietnamese 12-hour clocks: `9:00 SA` (sáng, morning), `1:00 CH` (chiều).
static VIETNAMESE_MERIDIEM: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(\d) (SA|CH)$").expect("static regex"));
/// `p.m.`, `p. m.`, `a.m.` after a clock.
static MERIDIEM: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)(\d)\s*([ap])\.\s?m\.?(\s|$)").expect("static regex"));
/// A clock with dots or an `h` (`02.22.05.000000`, `14.22`, `14h22`) as a
/// whole word after the date.
static DOTTED_CLOCK: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(\d{1,2})[.h](\d{2})(?:\.(\d{2})(?:[.,](\d{1,9}))?)?$").expect("static regex")
});
/// .NET's JSON date: `/Date(1709283600000)/`, `/Date(1709283600000+0530)/`.
static DOTNET_DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^/?Date\((-?\d{1,15})(?:[+-]\d{4})?\)/?$").expect("static regex"));
/// `asctime` and Unix `date`: `Fri Mar 1 14:22:05 2024`, `… 14:22:05 UTC 2024`.
static CTIME: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:[A-Za-z]{3} )?([A-Za-z]{3}) (\d{1,2}) (\d{1,2}:\d{2}(?::\d{2})?) (?:([A-Za-z]{2,5}) )?(\d{4})$")
        .expect("static regex")
});
/// Windows' zone display after a time: `(GMT+05:30) Chennai, Kolkata`,
/// `(UTC-05:00) Eastern Time (US & Canada)`, `(UTC) Coordinated Universal
/// Time`.
static ZONE_DISPLAY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\s\((?:GMT|UTC)([+-]\d{2}:\d{2})?\)(?:\s(.*))?$").expect("static regex")
});

/// Windows zone displays whose places keep summer time, and their IANA
/// zone (after CLDR's `windowsZones.xml`): the display shows the standard
/// offset, so `(UTC-05:00) Eastern Time (US & Canada)` in July is UTC−4.
/// Matched on a place the display names, in lower case.
const DISPLAY_ZONES: &[(&str, &str)] = &[
    ("eastern time (us", "America/New_York"),
    ("central time (us", "America/Chicago"),
    ("mountain time (us", "America/Denver"),
    ("pacific time (us", "America/Los_Angeles"),
    ("alaska", "America/Anchorage"),
    ("atlantic time (canada", "America/Halifax"),
    ("newfoundland", "America/St_Johns"),
    ("santiago", "America/Santiago"),
    ("london", "Europe/London"),
    ("berlin", "Europe/Berlin"),
    ("paris", "Europe/Paris"),
    ("prague", "Europe/Prague"),
    ("warsaw", "Europe/Warsaw"),
    ("athens", "Europe/Athens"),
    ("helsinki", "Europe/Helsinki"),
    ("jerusalem", "Asia/Jerusalem"),
    ("cairo", "Africa/Cairo"),
    ("adelaide", "Australia/Adelaide"),
    ("sydney", "Australia/Sydney"),
    ("hobart", "Australia/Hobart"),
    ("auckland", "Pacific/Auckland"),
];
/// A comma before the fraction of a second (`14:22:05,123`).
static COMMA_FRACTION: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(:\d{2}),(\d{1,9})").expect("static regex"));

/// Month names of localized exports (German, French, Spanish, Portuguese,
/// Dutch, Italian; full and abbreviated, with and without accents) and the
/// English abbreviation chrono reads. Names English shares (`april`,
/// `nov`) need no entry.
const MONTHS: &[(&str, &str)] = &[
    ("januar", "Jan"),
    ("janvier", "Jan"),
    ("janv", "Jan"),
    ("enero", "Jan"),
    ("ene", "Jan"),
    ("janeiro", "Jan"),
    ("januari", "Jan"),
    ("gennaio", "Jan"),
    ("gen", "Jan"),
    ("februar", "Feb"),
    ("février", "Feb"),
    ("fevrier", "Feb"),
    ("févr", "Feb"),
    ("fevr", "Feb"),
    ("febrero", "Feb"),
    ("fevereiro", "Feb"),
    ("fev", "Feb"),
    ("februari", "Feb"),
    ("febbraio", "Feb"),
    ("märz", "Mar"),
    ("maerz", "Mar"),
    ("mär", "Mar"),
    ("mars", "Mar"),
    ("marzo", "Mar"),
    ("março", "Mar"),
    ("marco", "Mar"),
    ("maart", "Mar"),
    ("mrt", "Mar"),
    ("avril", "Apr"),
    ("avr", "Apr"),
    ("abril", "Apr"),
    ("abr", "Apr"),
    ("aprile", "Apr"),
    ("mai", "May"),
    ("mayo", "May"),
    ("maio", "May"),
    ("mei", "May"),
    ("maggio", "May"),
    ("mag", "May"),
    ("juin", "Jun"),
    ("junio", "Jun"),
    ("junho", "Jun"),
    ("juni", "Jun"),
    ("giugno", "Jun"),
    ("giu", "Jun"),
    ("juillet", "Jul"),
    ("juil", "Jul"),
    ("julio", "Jul"),
    ("julho", "Jul"),
    ("juli", "Jul"),
    ("luglio", "Jul"),
    ("lug", "Jul"),
    ("août", "Aug"),
    ("aout", "Aug"),
    ("agosto", "Aug"),
    ("ago", "Aug"),
    ("augustus", "Aug"),
    ("septembre", "Sep"),
    ("septiembre", "Sep"),
    ("setiembre", "Sep"),
    ("setembro", "Sep"),
    ("settembre", "Sep"),
    ("set", "Sep"),
    ("oktober", "Oct"),
    ("okt", "Oct"),
    ("octobre", "Oct"),
    ("octubre", "Oct"),
    ("outubro", "Oct"),
    ("out", "Oct"),
    ("ottobre", "Oct"),
    ("ott", "Oct"),
    ("novembre", "Nov"),
    ("noviembre", "Nov"),
    ("novembro", "Nov"),
    ("dezember", "Dec"),
    ("dez", "Dec"),
    ("décembre", "Dec"),
    ("decembre", "Dec"),
    ("déc", "Dec"),
    ("diciembre", "Dec"),
    ("dic", "Dec"),
    ("dezembro", "Dec"),
    ("dicembre", "Dec"),
];

/// Localized month names as English abbreviations, with what goes with
/// them: German's day dot (`1. März 2024`), Spanish and Portuguese `de`
/// (`1 de marzo de 2024`), an abbreviation's dot (`févr.`). `None` when no
/// month name was found.
fn english_months(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut found = false;
    let mut rest = s;
    while let Some(start) = rest.find(|c: char| c.is_alphabetic()) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let mut after = &rest[start + word_len..];
        let lower = word.to_lowercase();
        if let Some((_, en)) = MONTHS.iter().find(|(m, _)| *m == lower) {
            out.push_str(en);
            found = true;
            after = after.strip_prefix('.').unwrap_or(after);
        } else if matches!(lower.as_str(), "de" | "del") && after.starts_with(' ') {
            // `1 de marzo de 2024`: the connector and its space go.
            after = &after[1..];
        } else {
            out.push_str(word);
        }
        rest = after;
    }
    out.push_str(rest);
    if !found {
        return None;
    }
    // `1. Mar 2024`: the German day dot.
    let b = out.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) && b.get(digits) == Some(&b'.') && b.get(digits + 1) == Some(&b' ')
    {
        out.remove(digits);
    }
    Some(out)
}

/// `s` in a spelling the main parser reads, or `None` when no rule applies
/// (or a zone in brackets is unknown and nothing else gives the offset).
pub(super) fn respelled(s: &str) -> Option<String> {
    let original = s;
    // .NET's JSON dates (`/Date(1709283600000)/`, an offset after the
    // milliseconds only says where they were shown): the Unix milliseconds.
    if let Some(c) = DOTNET_DATE.captures(s) {
        return Some(c[1].to_string());
    }
    // C's `asctime` pads the day with a space (`Fri Mar  1 09:00:00 2024`).
    let collapsed;
    let s = if s.contains("  ") {
        collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
        collapsed.as_str()
    } else {
        s
    };
    // Windows' zone display after the time (`(GMT+05:30) Chennai, Kolkata`)
    // is its offset; German exports end the clock with `Uhr`.
    let zone_display;
    let s = if let Some(c) = ZONE_DISPLAY.captures(s) {
        let places = c
            .get(2)
            .map_or(String::new(), |m| m.as_str().to_lowercase());
        let zone = match DISPLAY_ZONES.iter().find(|(p, _)| places.contains(p)) {
            Some((_, iana)) => iana.to_string(),
            None => c
                .get(1)
                .map_or("UTC".to_string(), |m| format!("GMT{}", m.as_str())),
        };
        zone_display = format!(
            "{} {zone}",
            s[..c.get(0).map_or(0, |m| m.start())].trim_end()
        );
        zone_display.as_str()
    } else {
        s
    };
    let s = s
        .strip_suffix(" Uhr")
        .or_else(|| s.strip_suffix(" uhr"))
        .unwrap_or(s);
    // C's `asctime` and Unix `date` put the year last: `Fri Mar 1
    // 14:22:05 [UTC] 2024` is `Mar 1 2024 14:22:05 [UTC]`.
    if let Some(c) = CTIME.captures(s) {
        let zone = c
            .get(4)
            .map_or(String::new(), |z| format!(" {}", z.as_str()));
        return Some(format!("{} {} {} {}{zone}", &c[1], &c[2], &c[5], &c[3]));
    }
    let mut t = bracketed_zone(s)?;
    if let Some(compact) = compact_digits(&t) {
        return Some(compact);
    }
    t = t.replace(" @ ", " ");
    if let Some(english) = english_months(&t) {
        t = english;
    }
    if t.contains(['年', '月', '日']) {
        t = t
            .replace(['年', '月'], "-")
            .replace('日', "")
            .replace(['時', '分'], ":")
            .replace('秒', "");
        t = t.trim_end_matches(':').to_string();
    }
    if let Some(c) = DOTTED_YMD.captures(&t) {
        let end = c.get(0).map_or(0, |m| m.end());
        t = format!("{}-{:0>2}-{:0>2} {}", &c[1], &c[2], &c[3], &t[end..])
            .trim_end()
            .to_string();
    }
    if let Some(c) = SPACED_DMY.captures(&t) {
        let end = c.get(0).map_or(0, |m| m.end());
        t = format!("{}.{}.{} {}", &c[1], &c[2], &c[3], &t[end..])
            .trim_end()
            .to_string();
    }
    if let Some(c) = VIETNAMESE_MERIDIEM.captures(&t) {
        let meridiem = if &c[2] == "SA" { "AM" } else { "PM" };
        let start = c.get(2).map_or(0, |m| m.start());
        t = format!("{}{meridiem}", &t[..start]);
    }
    // East Asian 12-hour clocks put the meridiem before the time:
    // Korean `오후 2:22`, Chinese `下午2:22`, Japanese `午後2:22`.
    for (word, meridiem) in [
        ("오후", "PM"),
        ("오전", "AM"),
        ("下午", "PM"),
        ("上午", "AM"),
        ("午後", "PM"),
        ("午前", "AM"),
    ] {
        if let Some((before, after)) = t.split_once(word) {
            let after = after.trim_start();
            let (clock, rest) = after.split_once(' ').unwrap_or((after, ""));
            t = format!("{} {clock} {meridiem} {rest}", before.trim_end())
                .trim()
                .to_string();
            break;
        }
    }
    if let Some((first, rest)) = t.split_once(' ') {
        let starts_word = rest.starts_with(|c: char| c.is_ascii_alphanumeric());
        if starts_word && first.parse::<Weekday>().is_ok() {
            t = rest.to_string();
        }
    }
    if MERIDIEM.is_match(&t) {
        t = MERIDIEM.replace_all(&t, "$1 ${2}M$3").into_owned();
    }
    t = COMMA_FRACTION.replace_all(&t, "$1.$2").into_owned();
    let words: Vec<String> = t
        .split(' ')
        .enumerate()
        .map(|(i, w)| match DOTTED_CLOCK.captures(w).filter(|_| i > 0) {
            Some(c) => {
                let mut clock = format!("{}:{}", &c[1], &c[2]);
                if let Some(sec) = c.get(3) {
                    clock.push(':');
                    clock.push_str(sec.as_str());
                }
                if let Some(frac) = c.get(4) {
                    clock.push('.');
                    clock.push_str(frac.as_str());
                }
                clock
            }
            None => w.to_string(),
        })
        .collect();
    let t = words.join(" ");
    (t != original).then_some(t)
}

/// A zone in brackets after the time: Java's `[Europe/Paris]` and
/// JavaScript's `(Central European Standard Time)`, or `(UTC)`. When the
/// value already carries an offset the name only repeats it and is dropped;
/// else a known zone is moved out of the brackets, and an unknown one makes
/// the value unreadable (`None`). Values without brackets come back as
/// they are.
fn bracketed_zone(s: &str) -> Option<String> {
    let open = match s.as_bytes().last() {
        Some(b']') => '[',
        Some(b')') => '(',
        _ => return Some(s.to_string()),
    };
    let at = s.rfind(open)?;
    let name = s[at + 1..s.len() - 1].trim();
    let base = s[..at].trim_end();
    let has_offset = base.ends_with(['Z', 'z'])
        || base.rsplit_once(['+', '-']).is_some_and(|(head, tail)| {
            head.contains([':', 'T'])
                && tail.len() <= 5
                && tail.bytes().all(|b| b.is_ascii_digit() || b == b':')
        })
        || trailing_zone(base).is_some();
    if has_offset {
        Some(base.to_string())
    } else {
        zone_named(name).map(|_| format!("{base} {name}"))
    }
}

/// SAP's and Oracle's all-digit `YYYYMMDD`, `YYYYMMDDHHMM` and
/// `YYYYMMDDHHMMSS`, as `YYYY-MM-DD[ HH:MM[:SS]]`, for years 1970–2100.
/// (9–11 and 13 digits are Unix epochs, read before this.)
fn compact_digits(s: &str) -> Option<String> {
    if !matches!(s.len(), 8 | 12 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: u32 = s[..4].parse().ok()?;
    if !(1970..=2100).contains(&year) {
        return None;
    }
    let mut out = format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..8]);
    if s.len() >= 12 {
        out.push_str(&format!(" {}:{}", &s[8..10], &s[10..12]));
    }
    if s.len() == 14 {
        out.push_str(&format!(":{}", &s[12..14]));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites() {
        for (s, want) in [
            (
                "01-MAR-24 02.22.05.000000 PM",
                Some("01-MAR-24 02:22:05.000000 PM"),
            ),
            ("01/03/2024 14.22", Some("01/03/2024 14:22")),
            ("2024-03-01 14h22", Some("2024-03-01 14:22")),
            ("3/1/2024 2:22 p.m.", Some("3/1/2024 2:22 pM")),
            ("01/03/2024 2:22 p. m.", Some("01/03/2024 2:22 pM")),
            ("01.03.2024 14:22:05,123", Some("01.03.2024 14:22:05.123")),
            (
                "Mar 1, 2024 @ 14:22:05.000",
                Some("Mar 1, 2024 14:22:05.000"),
            ),
            ("2024年3月1日 14時22分", Some("2024-3-1 14:22")),
            ("20240301142205", Some("2024-03-01 14:22:05")),
            ("20240301", Some("2024-03-01")),
            ("2024-03-01 14:22:05 (UTC)", Some("2024-03-01 14:22:05 UTC")),
            (
                "Fri Mar 01 2024 14:22:05 GMT+0100 (Central European Standard Time)",
                Some("Mar 01 2024 14:22:05 GMT+0100"),
            ),
            (
                "2024-03-01T14:22:05+01:00[Europe/Paris]",
                Some("2024-03-01T14:22:05+01:00"),
            ),
            (
                "2024-03-01T14:22:05[Europe/Paris]",
                Some("2024-03-01T14:22:05 Europe/Paris"),
            ),
            ("1. März 2024 14:22", Some("1 Mar 2024 14:22")),
            ("01 mars 2024", Some("01 Mar 2024")),
            ("01-mrt-2024", Some("01-Mar-2024")),
            ("1 de marzo de 2024", Some("1 Mar 2024")),
            ("5 févr. 2024 09:00", Some("5 Feb 2024 09:00")),
            ("2024-03-01 14:22 (Somewhere Time)", None),
            ("2024-03-01 14:22", None),
            ("12345678", None),
            ("19000101", None),
        ] {
            assert_eq!(respelled(s).as_deref(), want, "{s}");
        }
    }

    #[test]
    fn zones() {
        assert_eq!(zone_named("cest"), Some(Zone::Offset(120)));
        assert_eq!(zone_named("+0530"), Some(Zone::Offset(330)));
        assert_eq!(zone_named("-05:00"), Some(Zone::Offset(-300)));
        assert_eq!(zone_named("GMT-0500"), Some(Zone::Offset(-300)));
        assert_eq!(
            zone_named("Europe/Berlin"),
            Some(Zone::Named(chrono_tz::Europe::Berlin))
        );
        for s in ["IST", "AST", "Mars/Olympus", "+99", "1430"] {
            assert_eq!(zone_named(s), None, "{s}");
        }
    }
}
