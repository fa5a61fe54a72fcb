//! Data quality of one read: rejects grouped by reason, ingest warnings, and
//! the reject-rate policy that turns a partial read into a failure.
//!
//! Every command prints the same summary ([`DataQuality::summary_lines`]) and
//! applies the same rule ([`RejectPolicy::check`]) after writing its outputs,
//! so a file of which a large share could not be read never ends with exit 0
//! and a normal-looking report. `kpis.json`, `run.json` and the HTML report
//! carry the [`DataQuality`] block.

use super::Reject;
use crate::error::{Error, IngestError, Result, Setting};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most reason groups kept; rejects of further kinds are counted in one
/// last group ([`OTHER_REASONS`]), so memory stays bounded whatever the input.
pub const MAX_GROUPS: usize = 50;

/// Line numbers kept per group (the rejects file has them all).
pub const FIRST_LINES: usize = 5;

/// Default `--max-reject-rate`: more than 5 % of the rows rejected fails the run.
pub const DEFAULT_MAX_REJECT_RATE: f64 = 0.05;

/// Key of the group that collects the reasons beyond [`MAX_GROUPS`].
pub const OTHER_REASONS: &str = "other reasons";

/// Rejects that share one reason once the offending values are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectGroup {
    /// The reason with its values replaced by `'…'` and bare numbers by `N`
    /// (column names kept), e.g. `bad created_at timestamp '…' in column 'Created'`.
    pub reason: String,
    /// Rejected rows in the group.
    pub count: u64,
    /// The first `FIRST_LINES` (5) input lines (1-based, the CSV header is line 1).
    pub first_lines: Vec<u64>,
    /// The first reject's full reason (with its value and any hint).
    pub example: String,
    /// What to try, when the reason's kind has a known remedy and the
    /// reason does not already name an option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Groups rejects by reason as they are written, in bounded memory: per
/// group a count, the first lines and the first example; at most
/// `MAX_GROUPS` (50) groups.
#[derive(Debug, Clone, Default)]
pub struct RejectSummary {
    groups: Vec<RejectGroup>,
    index: HashMap<String, usize>,
    total: u64,
    /// Per group: rejected all-numeric dates, and how many of them look
    /// day-first (first field > 12), for the `--date-order dmy` hint.
    dates: HashMap<usize, (u64, u64)>,
}

impl RejectSummary {
    /// An empty summary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count one reject.
    pub fn add(&mut self, r: &Reject) {
        self.total += 1;
        let mut key = reason_key(&r.reason);
        if !self.index.contains_key(&key) && self.index.len() >= MAX_GROUPS - 1 {
            key = OTHER_REASONS.to_string();
        }
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.groups.push(RejectGroup {
                    // From the key: a value in the reason cannot pick the hint.
                    hint: hint_for(&key),
                    reason: key.clone(),
                    count: 0,
                    first_lines: Vec::new(),
                    example: r.reason.clone(),
                });
                self.index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        if let Some(day_first) = numeric_date(&r.reason) {
            let d = self.dates.entry(i).or_default();
            d.0 += 1;
            d.1 += u64::from(day_first);
        }
        let g = &mut self.groups[i];
        g.count += 1;
        if g.first_lines.len() < FIRST_LINES {
            g.first_lines.push(r.line);
        }
    }

    /// Rejects counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The groups, largest first (ties: the earlier first line first).
    pub fn groups(&self) -> Vec<RejectGroup> {
        let mut g = self.groups.clone();
        for (&i, &(dates, day_first)) in &self.dates {
            // (A column that mixes both orders is not fixed by an option.)
            if day_first > 0 && !names_a_setting(&g[i].reason) && !g[i].reason.contains(MIXED) {
                g[i].hint = Some(format!(
                    "{day_first} of {dates} rejected values look day-first (first field > 12): pass {} dmy, or {} COLUMN=FORMAT",
                    Setting::DateOrder,
                    Setting::DateFormat
                ));
            }
        }
        g.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.first_lines.first().cmp(&b.first_lines.first()))
        });
        g
    }
}

/// What a reject reason says of a date column read in one order whose
/// value only reads in the other.
const MIXED: &str = "mixes both orders";

/// For a `… timestamp 'VALUE' …` reason whose value starts with an
/// all-numeric date (`31/03/2024`, `13.4.24`, `24-04-2023 20:52`): whether
/// it looks day-first (first field > 12, second ≤ 12). `None` otherwise.
fn numeric_date(reason: &str) -> Option<bool> {
    let start = reason.find("timestamp '")? + "timestamp '".len();
    let end = closing_quote(reason, start - 1)?;
    let date = reason[start..end].split([' ', 'T']).next()?;
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (a, b) = (parts[0].parse::<u32>().ok()?, parts[1].parse::<u32>().ok()?);
    // A real day-first date: `31/02/2024` is no date in either order.
    let year = parts[2].parse::<i32>().ok()?;
    let year = if parts[2].len() == 2 {
        2000 + year
    } else {
        year
    };
    let real = chrono::NaiveDate::from_ymd_opt(year, b, a).is_some();
    Some(parts[0].len() <= 2 && a > 12 && b <= 12 && real)
}

/// Whether a quote opening at byte `at` of `s` starts a column name: the
/// convention writes columns as `column 'NAME'` (also `column(s) 'A', 'B'`
/// and `columns 'A', 'B'`).
fn names_column(before: &str, after_column_list: bool) -> bool {
    let b = before.trim_end().to_ascii_lowercase();
    b.ends_with("column")
        || b.ends_with("column(s)")
        || b.ends_with("columns")
        || (after_column_list && before.ends_with(", "))
}

/// Where the quoted value opening at byte `open` (the `'`) ends: the next
/// `'` followed by the end, a space or punctuation (so `'O'Brien'` is one
/// value). `None` when it never closes.
fn closing_quote(s: &str, open: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = open + 1;
    while let Some(off) = s[i..].find('\'') {
        let q = i + off;
        match bytes.get(q + 1) {
            None => return Some(q),
            Some(c) if c.is_ascii_whitespace() || b",;:)]}.".contains(c) => return Some(q),
            _ => i = q + 1,
        }
    }
    None
}

/// The group key of a reject reason: quoted values that are not column names
/// become `'…'`, bare numbers `N`. So `bad created_at timestamp '08-04-2023
/// 20:52' in column 'Created at'` and the same with another value fall in one
/// group, while different columns or kinds of fault stay apart.
pub fn reason_key(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut i = 0;
    let mut column_list = false;
    let bytes = reason.as_bytes();
    while i < reason.len() {
        let c = reason[i..].chars().next().expect("in bounds");
        if c == '\'' {
            // An apostrophe inside a word (won't) is not a quote.
            let in_word = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
            if !in_word {
                if let Some(close) = closing_quote(reason, i) {
                    if names_column(&reason[..i], column_list) {
                        out.push_str(&reason[i..=close]);
                        column_list = true;
                    } else {
                        out.push_str("'…'");
                        column_list = false;
                    }
                    i = close + 1;
                    continue;
                }
            }
        }
        if c.is_ascii_digit() {
            let prev = reason[..i].chars().next_back();
            let glued = prev.is_some_and(|p| p.is_alphanumeric() || p == '-' || p == '_');
            let end = reason[i..]
                .find(|ch: char| !ch.is_ascii_digit())
                .map_or(reason.len(), |e| i + e);
            let next = reason[end..].chars().next();
            let glued_after = next.is_some_and(|n| n.is_alphabetic() || n == '_');
            if glued || glued_after {
                out.push_str(&reason[i..end]);
            } else {
                out.push('N');
            }
            i = end;
            continue;
        }
        if !matches!(c, ',' | ' ') {
            column_list = false;
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Whether a message already names a setting (as the front-end spells it).
fn names_a_setting(message: &str) -> bool {
    Setting::ALL
        .iter()
        .any(|s| message.contains(&s.to_string()))
}

/// A remedy for a reject reason's kind, when one is known and the reason
/// does not already name a setting.
pub fn hint_for(reason: &str) -> Option<String> {
    // A reason that names a setting, or whose text was there but only
    // markup or quoted history, needs no further hint.
    if names_a_setting(reason) || reason.contains("after cleaning") {
        return None;
    }
    let r = reason.to_ascii_lowercase();
    use Setting::*;
    let hints: [(&[&str], String); 10] = [
        (
            &["invalid utf-8", "invalid utf8"],
            format!("the file is not UTF-8: pass {Encoding} windows-1252 (Excel's CSV) or the file's encoding"),
        ),
        (
            &["wrong column count", "unterminated quote", "unclosed quote"],
            format!("check {Delimiter} and the quoting (a quote left open, or the delimiter inside an unquoted value)"),
        ),
        (
            &["blank created_at", "blank timestamp"],
            format!("rows without a creation time are rejected by commands that need one; map another column with {Map} created_at=COLUMN"),
        ),
        (
            &[MIXED],
            format!("the column holds dates in both day/month orders, which no single {DateOrder} or {DateFormat} reads: export it again in one format (ISO 8601 is safest)"),
        ),
        (
            &["timestamp"],
            format!("pass {DateFormat} COLUMN=FORMAT (strftime), or {DateOrder} dmy|mdy for day-first dates"),
        ),
        (
            &["empty text"],
            format!("choose the text with {TextColumn} COLUMN (repeatable) or {Map} body=COLUMN"),
        ),
        (
            &["duration", "minutes", "hours"],
            format!("give the duration's unit with {Unit} FIELD=UNIT (seconds, minutes, hours, days)"),
        ),
        (
            &["invalid json", "expected a json object"],
            format!("each line must hold one JSON object (or pass {InputFormat} csv)"),
        ),
        (
            &["object", "array"],
            format!("map a nested value with a dotted path, e.g. {Map} csat=satisfaction_rating.score"),
        ),
        (
            &["number", "outside", "boolean", "count"],
            format!("check the column mapping ({ExplainMapping}, {Map} FIELD=COLUMN) and the decimal separator"),
        ),
    ];
    // (Hints are built per reject group, not per row: formatting all ten is cheap.)
    hints
        .into_iter()
        .find(|(keys, _)| keys.iter().any(|k| r.contains(k)))
        .map(|(_, h)| h)
}

/// The data-quality block of `kpis.json` (`data_quality`), `run.json` and the
/// HTML report: what was read, what was used, what was rejected and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataQuality {
    /// Input records read (CSV rows or JSONL lines; messages for a message log).
    pub rows_read: u64,
    /// Records the results are computed from.
    pub rows_used: u64,
    /// Records rejected (each is in the rejects file with its line and reason).
    pub rows_rejected: u64,
    /// Records not read because the same ticket id is listed again further
    /// on (an incremental export's earlier versions of a ticket: the last
    /// row is the ticket); not in `rows_read`. The warnings name the first.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rows_superseded: u64,
    /// `rows_rejected / rows_read` (0 when nothing was read), a share 0–1.
    pub rejected_share: f64,
    /// The `--max-reject-rate` the run was held to, a share 0–1 (`0` with `--strict`).
    pub max_reject_rate: f64,
    /// Where the rejected rows are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects_file: Option<String>,
    /// Rejects grouped by reason, largest group first.
    pub rejects_summary: Vec<RejectGroup>,
    /// Warnings about the input as a whole (e.g. a date column whose
    /// day/month order was assumed), one line each.
    pub warnings: Vec<String>,
}

impl DataQuality {
    /// `; most often: <example>` for the largest reject group, or empty:
    /// the tail of the one-line errors about rejected rows.
    pub fn most_often(&self) -> String {
        self.rejects_summary
            .first()
            .map(|g| format!("; most often: {}", g.example))
            .unwrap_or_default()
    }

    /// The block for a read of `rows_read` records of which `rows_used`
    /// were used and `rows_rejected` rejected, grouped in `groups` (see
    /// [`RejectSummary::groups`]).
    pub fn new(
        rows_read: u64,
        rows_used: u64,
        rows_rejected: u64,
        groups: Vec<RejectGroup>,
        warnings: Vec<String>,
        policy: &RejectPolicy,
    ) -> Self {
        DataQuality {
            rows_read,
            rows_used,
            rows_rejected,
            rows_superseded: 0,
            rejected_share: if rows_read == 0 {
                0.0
            } else {
                rows_rejected as f64 / rows_read as f64
            },
            max_reject_rate: policy.effective_rate(),
            rejects_file: None,
            rejects_summary: groups,
            warnings,
        }
    }

    /// [`DataQuality::new`] with the rejects of `summary`.
    pub fn from_summary(
        rows_read: u64,
        rows_used: u64,
        summary: &RejectSummary,
        warnings: Vec<String>,
        policy: &RejectPolicy,
    ) -> Self {
        Self::new(
            rows_read,
            rows_used,
            summary.total(),
            summary.groups(),
            warnings,
            policy,
        )
    }

    /// Set the number of superseded records ([`DataQuality::rows_superseded`]).
    pub fn with_superseded(mut self, rows: u64) -> Self {
        self.rows_superseded = rows;
        self
    }

    /// Set where the rejects were written.
    pub fn with_rejects_file(mut self, path: &std::path::Path) -> Self {
        self.rejects_file = Some(path.display().to_string());
        self
    }

    /// Nothing rejected and nothing to warn about.
    pub fn is_clean(&self) -> bool {
        self.rows_rejected == 0 && self.warnings.is_empty()
    }

    /// The summary printed on stderr (one string per line, no prefix):
    /// totals, then per group the count, example reason, first lines and a
    /// hint, then the warnings. Empty when the read is clean.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.rows_rejected > 0 {
            out.push(format!(
                "{} of {} rows rejected ({}){}, by reason:",
                self.rows_rejected,
                self.rows_read,
                percent(self.rejected_share),
                self.rejects_file
                    .as_deref()
                    .map(|p| format!("; all of them are in {p}"))
                    .unwrap_or_default()
            ));
            for g in &self.rejects_summary {
                out.push(format!(
                    "  {} × {} (line{} {})",
                    g.count,
                    g.example,
                    if g.count == 1 { "" } else { "s" },
                    lines_list(&g.first_lines, g.count)
                ));
                if let Some(h) = &g.hint {
                    out.push(format!("      hint: {h}"));
                }
            }
        }
        for w in &self.warnings {
            out.push(format!("warning: {w}"));
        }
        out
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `2, 3, 7, …` (an ellipsis when the group has more lines than shown).
fn lines_list(lines: &[u64], count: u64) -> String {
    let mut s: Vec<String> = lines.iter().map(u64::to_string).collect();
    if count > lines.len() as u64 {
        s.push("…".into());
    }
    s.join(", ")
}

/// A share 0–1 as a percentage with one decimal (`12.5 %`).
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// When rejected rows turn a run into a failure: `--strict` (any reject) or
/// more than `--max-reject-rate` of the rows. The command writes its outputs
/// first and then fails (exit code 3), so the numbers can still be looked at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RejectPolicy {
    /// Any reject fails the run.
    pub strict: bool,
    /// Largest rejected share (0–1) that still passes.
    pub max_reject_rate: f64,
}

impl Default for RejectPolicy {
    fn default() -> Self {
        RejectPolicy {
            strict: false,
            max_reject_rate: DEFAULT_MAX_REJECT_RATE,
        }
    }
}

impl RejectPolicy {
    /// The policy for `--strict` and `--max-reject-rate PCT` (a percentage
    /// 0–100). Errors on a percentage outside that range.
    pub fn from_percent(strict: bool, max_reject_pct: f64) -> Result<Self> {
        if !(0.0..=100.0).contains(&max_reject_pct) {
            return Err(Error::option(
                Setting::MaxRejectRate,
                format!("'{max_reject_pct}' is not a percentage from 0 to 100"),
            ));
        }
        Ok(RejectPolicy {
            strict,
            max_reject_rate: max_reject_pct / 100.0,
        })
    }

    /// The share that still passes: 0 with `--strict`.
    pub fn effective_rate(&self) -> f64 {
        if self.strict {
            0.0
        } else {
            self.max_reject_rate
        }
    }

    /// Fail when the read breaks the policy: [`IngestError::Strict`] for a
    /// `--strict` run with rejects, [`IngestError::TooManyRejects`] when more than
    /// the allowed share was rejected. The message names the largest group.
    pub fn check(&self, dq: &DataQuality) -> Result<()> {
        let rejects = dq
            .rejects_file
            .clone()
            .unwrap_or_else(|| "the rejects file".into());
        if self.strict && dq.rows_rejected > 0 {
            return Err(IngestError::Strict {
                rejected: dq.rows_rejected,
                rejects,
            }
            .into());
        }
        if dq.rows_rejected > 0 && dq.rejected_share > self.max_reject_rate {
            let top = dq.most_often();
            return Err(IngestError::TooManyRejects {
                rejected: dq.rows_rejected,
                read: dq.rows_read,
                share: percent(dq.rejected_share),
                max: format!("{} %", (self.max_reject_rate * 100_000.0).round() / 1000.0),
                rejects,
                top,
            }
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rej(line: u64, reason: &str) -> Reject {
        Reject {
            line,
            reason: reason.into(),
            raw: String::new(),
        }
    }

    #[test]
    fn keys_drop_values_and_numbers_but_keep_columns() {
        assert_eq!(
            reason_key("bad created_at timestamp '08-04-2023 20:52' in column 'Created at'"),
            "bad created_at timestamp '…' in column 'Created at'"
        );
        assert_eq!(
            reason_key("bad created_at timestamp '24/04/2023' in column 'Created at'"),
            reason_key("bad created_at timestamp '08-04-2023 20:52' in column 'Created at'"),
        );
        assert_ne!(
            reason_key("bad csat number '4,5' in column 'CSAT'"),
            reason_key("bad csat number '4,5' in column 'Rating'"),
        );
        assert_eq!(
            reason_key("wrong column count: expected 19, got 17"),
            "wrong column count: expected N, got N"
        );
        assert_eq!(
            reason_key("invalid UTF-8 in column 'body' at byte 12"),
            "invalid UTF-8 in column 'body' at byte N"
        );
        assert_eq!(
            reason_key("empty text: column(s) 'subject', 'body' blank"),
            "empty text: column(s) 'subject', 'body' blank"
        );
        // An apostrophe inside the value does not end it.
        assert_eq!(
            reason_key("bad csat number 'O'Brien' in column 'c'"),
            "bad csat number '…' in column 'c'"
        );
        // A quote that never closes is kept as text; numbers glued to words stay.
        assert_eq!(reason_key("bad 'x in p90"), "bad 'x in p90");
        assert_eq!(
            reason_key("csat value 9 in column 'csat' outside 1–5"),
            "csat value N in column 'csat' outside N–N"
        );
    }

    #[test]
    fn groups_count_keep_first_lines_and_example_and_sort_by_size() {
        let mut s = RejectSummary::new();
        s.add(&rej(2, "bad csat number 'x' in column 'CSAT'"));
        for line in 3..=10 {
            s.add(&rej(
                line,
                &format!("bad created_at timestamp '{line}/13/2024' in column 'Created'"),
            ));
        }
        assert_eq!(s.total(), 9);
        let g = s.groups();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].count, 8);
        assert_eq!(g[0].first_lines, vec![3, 4, 5, 6, 7]);
        assert_eq!(
            g[0].example,
            "bad created_at timestamp '3/13/2024' in column 'Created'"
        );
        assert!(g[0].hint.as_deref().unwrap().contains("`date_formats`"));
        assert_eq!(g[1].count, 1);
        assert_eq!(g[1].first_lines, vec![2]);
    }

    #[test]
    fn no_date_order_hint_where_an_option_cannot_help() {
        // A column that mixes both orders: no option reads it all.
        let mut s = RejectSummary::new();
        s.add(&rej(4, "bad created_at timestamp '13/04/2024 09:00' in column 'Opened' (day-first only, but the column was read month-first: its first 4 values include '04/15/2024 10:00'; the column mixes both orders)"));
        let hint = s.groups()[0].hint.clone().unwrap();
        assert!(
            hint.contains("both day/month orders") && !hint.contains("`date_order` dmy,"),
            "{hint}"
        );
        // 31/02 is no date in either order.
        let mut s = RejectSummary::new();
        s.add(&rej(
            3,
            "bad created_at timestamp '31/02/2024 10:00' in column 'Opened'",
        ));
        let hint = s.groups()[0].hint.clone().unwrap();
        assert!(!hint.contains("look day-first"), "{hint}");
    }

    #[test]
    fn day_first_dates_get_the_date_order_hint_with_counts() {
        let mut s = RejectSummary::new();
        for v in ["24/04/2023", "13.05.2023 10:00", "04/05/2023", "yesterday"] {
            s.add(&rej(
                2,
                &format!("bad created_at timestamp '{v}' in column 'Opened'"),
            ));
        }
        let g = s.groups();
        assert_eq!(g.len(), 1);
        assert_eq!(
            g[0].hint.as_deref(),
            Some("2 of 3 rejected values look day-first (first field > 12): pass `date_order` dmy, or `date_formats` COLUMN=FORMAT")
        );
        assert_eq!(
            numeric_date("bad x timestamp '2024-13-01' in column 'c'"),
            Some(false)
        );
        assert_eq!(numeric_date("bad x timestamp 'Mar 5' in column 'c'"), None);
        assert_eq!(
            numeric_date("bad csat number '13/1/2024' in column 'c'"),
            None
        );
    }

    #[test]
    fn the_number_of_groups_is_capped() {
        let mut s = RejectSummary::new();
        for i in 0..200u64 {
            s.add(&rej(i + 2, &format!("kind{i} of fault")));
        }
        let g = s.groups();
        assert_eq!(g.len(), MAX_GROUPS);
        assert_eq!(s.total(), 200);
        assert_eq!(g.iter().map(|g| g.count).sum::<u64>(), 200);
        let other = g.iter().find(|g| g.reason == OTHER_REASONS).unwrap();
        assert_eq!(other.count, 200 - (MAX_GROUPS as u64 - 1));
    }

    #[test]
    fn hints_follow_the_kind_and_give_way_to_the_reasons_own() {
        assert!(hint_for("invalid UTF-8 in column 'body' at byte 3")
            .unwrap()
            .contains("`encoding` windows-1252"));
        assert!(hint_for("wrong column count: expected 3, got 2")
            .unwrap()
            .contains("`delimiter`"));
        assert_eq!(
            hint_for("bad created_at timestamp '1' in column 'c' (pass `date_order` dmy)"),
            None
        );
        assert_eq!(hint_for("something new"), None);
        assert!(hint_for("expected a JSON object, got an array")
            .unwrap()
            .contains("one JSON object"));
    }

    fn dq(read: u64, rejected: u64, policy: &RejectPolicy) -> DataQuality {
        let mut s = RejectSummary::new();
        for i in 0..rejected {
            s.add(&rej(i + 2, "wrong column count: expected 3, got 2"));
        }
        DataQuality::from_summary(read, read - rejected, &s, Vec::new(), policy)
    }

    #[test]
    fn threshold_passes_at_the_limit_and_fails_above_it() {
        let p = RejectPolicy::default();
        // 1 of 20 = 5 % is not more than 5 %.
        assert!(p.check(&dq(20, 1, &p)).is_ok());
        let e = p.check(&dq(20, 2, &p)).unwrap_err();
        assert!(matches!(
            e,
            Error::Ingest(IngestError::TooManyRejects { rejected: 2, .. })
        ));
        let msg = e.to_string();
        assert!(msg.contains("2 of 20 rows rejected (10.0 %)"), "{msg}");
        assert!(msg.contains("`max_reject_rate` 5 %"), "{msg}");
        assert!(msg.contains("wrong column count"), "{msg}");
        assert!(p.check(&dq(20, 0, &p)).is_ok());
        assert!(p.check(&dq(0, 0, &p)).is_ok());
        // `strict`: any reject; 100 %: nothing fails.
        let strict = RejectPolicy::from_percent(true, 5.0).unwrap();
        assert!(matches!(
            strict.check(&dq(1000, 1, &strict)),
            Err(Error::Ingest(IngestError::Strict { rejected: 1, .. }))
        ));
        let lax = RejectPolicy::from_percent(false, 100.0).unwrap();
        assert!(lax.check(&dq(10, 10, &lax)).is_ok());
        let zero = RejectPolicy::from_percent(false, 0.0).unwrap();
        assert!(zero.check(&dq(1000, 1, &zero)).is_err());
        assert!(RejectPolicy::from_percent(false, 101.0).is_err());
        assert!(RejectPolicy::from_percent(false, -1.0).is_err());
    }

    #[test]
    fn block_shares_and_summary_lines() {
        let p = RejectPolicy::default();
        let mut d = dq(8, 6, &p).with_rejects_file(std::path::Path::new("out/rejects.csv"));
        assert_eq!(d.rejected_share, 0.75);
        assert_eq!(d.max_reject_rate, 0.05);
        d.warnings
            .push("column 'Created': read month-first".to_string());
        let lines = d.summary_lines();
        assert_eq!(
            lines[0],
            "6 of 8 rows rejected (75.0 %); all of them are in out/rejects.csv, by reason:"
        );
        assert_eq!(
            lines[1],
            "  6 × wrong column count: expected 3, got 2 (lines 2, 3, 4, 5, 6, …)"
        );
        assert!(lines[2].starts_with("      hint: check `delimiter`"));
        assert_eq!(lines[3], "warning: column 'Created': read month-first");
        assert!(!d.is_clean());
        assert!(dq(8, 0, &p).summary_lines().is_empty());
        assert!(dq(8, 0, &p).is_clean());
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["rejects_summary"][0]["count"], 6);
        assert_eq!(json["rows_used"], 2);
        let back: DataQuality = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
    }
}
