//! Tickets listed more than once: the latest row of each is the ticket.
//!
//! An incremental API export (Zendesk's `incremental/tickets`, Freshdesk's
//! `updated_since` pages) lists a ticket again after each update, and
//! overlapping exports joined into one file repeat the rows of their common
//! days. Counting every row as a ticket inflates the volume, the backlog
//! and every rate, and mixes a ticket's stale states with its current one
//! (a ticket solved at noon is also counted open from its 9 o'clock row).
//! The usual fix in a warehouse, "keep the latest row per id", is what
//! the reader does: before the rows are read, a first pass over the input
//! ([`IdLines`], ids only, no value is converted) finds the tickets listed
//! more than once and the line of each one's latest row ([`LastRows`]);
//! the reader then skips every other row of those tickets and says how
//! many it skipped.
//!
//! - **Which row is the latest:** the one with the latest update time when
//!   the file has an update-time column ([`updated_column`]: `Updated at`,
//!   `updated_at`, `Last modified` …; an export sorted newest first lists
//!   the current version first), else the last in file order, the order in
//!   which incremental exports and chronologically joined exports are
//!   written.
//! - **What is one ticket:** the same id *and* the same creation time. A
//!   ticket's versions share their creation time; rows that share an id but
//!   not a creation time are different tickets (two accounts or desks in
//!   one file), kept, and the reader's [`RepeatedIds`] warning says so.
//!   An id that pandas wrote as a float (`1002.0`) is the id `1002`; an id
//!   in scientific notation (`2.02403E+15`: Excel rounded it, so equal
//!   spellings need not be one ticket) never merges rows.
//!
//! Standard input can be read only once, so there the first pass is not
//! possible: [`RepeatedIds`] counts the repeats instead and the warning
//! says how to get one row per ticket.
//!
//! Keys are 64-bit hashes: two different tickets share a hash about once
//! in 10^7 exports of a million rows. The first pass holds 32 bytes a
//! ticket (key, position, update time, two 32-bit row hashes), the read
//! itself 8 (the key, to count repeats).

use super::fields::normalize_header;
use foldhash::fast::{FixedState, RandomState};
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

/// The column that holds each row's update time, when the file has one
/// (matched on normalised header names; for nested JSON keys, the last
/// part: `fields.updated`).
pub(crate) fn updated_column(headers: &[String]) -> Option<usize> {
    const NAMES: [&str; 16] = [
        "updatedat",
        "updated",
        "updatedtime",
        "updatedon",
        "updatedate",
        "dateupdated",
        "lastupdated",
        "lastupdatedat",
        "lastupdatedtime",
        "lastupdate",
        "lastmodified",
        "lastmodifieddate",
        "modifiedat",
        "modifiedon",
        "sysupdatedon",
        "datemodified",
    ];
    let named = |h: &str| NAMES.contains(&normalize_header(h).as_str());
    // A top-level key first: Zendesk's `metric_set.updated_at` is the
    // metrics' update, not the ticket's.
    headers.iter().position(|h| named(h)).or_else(|| {
        headers
            .iter()
            .position(|h| named(h.rsplit('.').next().unwrap_or(h)))
    })
}

/// Whether rows holding `id` may be merged: not an id in scientific
/// notation, which Excel writes for long numbers after rounding them.
fn mergeable(id: &str) -> bool {
    let Some((mantissa, exp)) = id.split_once(['E', 'e']) else {
        return true;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let scientific = digits(exp)
        && match mantissa.split_once(['.', ',']) {
            Some((a, b)) => digits(a) && digits(b),
            None => digits(mantissa),
        };
    !scientific
}

/// The id as a key, so that one ticket's spellings meet: surrounding
/// spaces and a leading `#` (`#43`, as helpdesk screens show a number) go,
/// a float spelling of a whole number (`1002.0`, pandas after a blank cell
/// made the column float) is the number, and a number's leading zeros go
/// (`00042`, a zero-padded export beside a spreadsheet that dropped them).
/// Letters keep their case: Salesforce's 15-character ids differ by case.
fn id_key(id: &str) -> &str {
    let id = id.trim();
    let id = id.strip_prefix('#').unwrap_or(id).trim_start();
    let id = match id.split_once('.') {
        Some((whole, zeros))
            if !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && !zeros.is_empty()
                && zeros.bytes().all(|b| b == b'0') =>
        {
            whole
        }
        _ => id,
    };
    if id.len() > 1 && id.bytes().all(|b| b.is_ascii_digit()) {
        let unpadded = id.trim_start_matches('0');
        if unpadded.is_empty() {
            "0"
        } else {
            unpadded
        }
    } else {
        id
    }
}

/// Whether a creation cell pins an instant: a time of day (`09:00`) or
/// a Unix timestamp. A date alone (`2024-03-01`) does not: two desks'
/// tickets with one id can share a creation day, but not a second.
fn pins_instant(created: &str) -> bool {
    let t = created.trim();
    t.contains(':') || (t.len() >= 9 && t.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The key of one ticket: its id and its creation time as written; `None`
/// (never merged) for an id in scientific notation or a creation cell
/// that is missing or names no instant.
fn ticket_key(hasher: &FixedState, id: &str, created: Option<&str>) -> Option<u64> {
    let created = created.filter(|c| pins_instant(c))?;
    mergeable(id).then(|| hasher.hash_one((id_key(id), created.trim())))
}

/// Where a record is: its position among the input's records (what tells
/// two records apart: every record of a one-line JSON array is on line 1)
/// and its line (what messages show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordAt {
    /// 0-based position among the records.
    pub ordinal: u64,
    /// The line it starts on.
    pub line: u64,
}

/// The latest row of a ticket so far. Small on purpose: the first pass
/// holds one for every ticket of the file (24 bytes; the row's line is
/// learned on the read itself, for the tickets that repeat).
struct Best {
    /// Position among the records; the top bit says the ticket repeats.
    ordinal: u64,
    /// Update time (Unix seconds), [`NO_UPDATE`] when none was read.
    updated: i64,
    /// Hash of the row's cells other than its tags, and of its tag cell,
    /// cut to 32 bits (they are only compared between rows of one ticket).
    rest: u32,
    tags: u32,
}

/// [`Best::updated`] of a row without an update time.
const NO_UPDATE: i64 = i64::MIN;
/// [`Best::ordinal`]'s bit that says the ticket repeats.
const REPEATED: u64 = 1 << 63;

/// What a row holds besides its key, for telling a report's one row per
/// tag from a ticket's versions: a hash of every cell but the tags, and
/// the tag cell.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowShape<'a> {
    /// Hash of the cells other than the tag column.
    pub rest: u64,
    /// The tag cell.
    pub tags: &'a str,
}

/// The first pass: every keyed row's ticket, position and update time.
#[derive(Default)]
pub(crate) struct IdLines {
    lines: HashMap<u64, Best, RandomState>,
    hasher: FixedState,
    /// Update times were read (the latest row is the latest update).
    by_update: bool,
    /// Rows that repeat a ticket's row with another tag.
    tag_rows: u64,
    /// Ticket key → tag cells of rows equal to its kept row but for their
    /// tags (apart, so that a file without such rows pays nothing).
    extra_tags: HashMap<u64, Vec<String>, RandomState>,
}

impl IdLines {
    /// Record that the record at `ordinal` holds ticket `id` created at `created`
    /// (the cell as written), updated at `updated` (Unix seconds, when the
    /// file has an update-time column and the cell reads), and when the
    /// file has a tag column, what else the row holds (`shape`).
    ///
    /// A row equal to the ticket's kept row in every cell but its tags is
    /// one row of a report that writes a ticket once per tag (Zendesk
    /// Explore, a BI export joined to a tag table): its tags are added to
    /// the kept row's instead of replacing the row.
    pub(crate) fn add(
        &mut self,
        id: &str,
        created: Option<&str>,
        updated: Option<i64>,
        ordinal: u64,
        shape: Option<RowShape<'_>>,
    ) {
        let Some(key) = ticket_key(&self.hasher, id, created) else {
            return;
        };
        self.by_update |= updated.is_some();
        let updated = updated.unwrap_or(NO_UPDATE);
        let rest = shape.map_or(0, |s| s.rest as u32);
        let tags = shape.map_or(0, |s| self.hasher.hash_one(s.tags.trim()) as u32);
        let (tag_rows, extra_tags) = (&mut self.tag_rows, &mut self.extra_tags);
        self.lines
            .entry(key)
            .and_modify(|best| {
                best.ordinal |= REPEATED;
                if let Some(shape) = shape.filter(|s| s.rest as u32 == best.rest) {
                    // An identical row (a page boundary written twice)
                    // changes nothing: the kept row and its tags stay.
                    if tags == best.tags {
                        return;
                    }
                    // Equal but for the tags: one row per tag.
                    *tag_rows += 1;
                    let cell = shape.tags.trim();
                    let extra = extra_tags.entry(key).or_default();
                    if !cell.is_empty() && !extra.iter().any(|t| t == cell) {
                        extra.push(cell.to_string());
                    }
                    return;
                }
                // A row with an update time outranks one without; between
                // two with one, the later time; else the later row.
                let newer = match (updated, best.updated) {
                    (NO_UPDATE, NO_UPDATE) => true,
                    (NO_UPDATE, _) => false,
                    (u, b) => u >= b,
                };
                if newer {
                    best.ordinal = ordinal | REPEATED;
                    best.updated = updated;
                    best.rest = rest;
                    best.tags = tags;
                    extra_tags.remove(&key);
                }
            })
            .or_insert(Best {
                ordinal,
                updated,
                rest,
                tags,
            });
    }

    /// The tickets listed more than once and where each one's latest row
    /// is (`None` when no ticket repeats, the usual case). `update_column`
    /// names the file's update-time column, if it has one.
    pub(crate) fn finish(self, update_column: Option<String>) -> Option<LastRows> {
        let mut extras = self.extra_tags;
        let mut extra_tags = HashMap::default();
        let last: HashMap<u64, RecordAt, RandomState> = self
            .lines
            .into_iter()
            .filter(|(_, best)| best.ordinal & REPEATED != 0)
            .map(|(key, best)| {
                let ordinal = best.ordinal & !REPEATED;
                if let Some(tags) = extras.remove(&key).filter(|t| !t.is_empty()) {
                    extra_tags.insert(ordinal, tags);
                }
                // The line is learned when the read passes the row.
                (key, RecordAt { ordinal, line: 0 })
            })
            .collect();
        (!last.is_empty()).then_some(LastRows {
            last,
            hasher: self.hasher,
            by_update: self.by_update,
            update_column,
            superseded: 0,
            first: None,
            extra_tags,
            tag_rows: self.tag_rows,
        })
    }
}

/// The tickets listed more than once, with where each one's latest row
/// is; counts the other rows, which the reader skips.
pub(crate) struct LastRows {
    last: HashMap<u64, RecordAt, RandomState>,
    hasher: FixedState,
    by_update: bool,
    update_column: Option<String>,
    superseded: u64,
    /// The first skipped row: (id, its line, its ticket's key).
    first: Option<(String, u64, u64)>,
    /// Kept record (ordinal) → tag cells of its rows that differ only in tags.
    extra_tags: HashMap<u64, Vec<String>, RandomState>,
    /// Skipped rows that repeat a ticket's row with another tag.
    tag_rows: u64,
}

impl LastRows {
    /// Whether the record `at` holding ticket `id` created at `created` is
    /// another version of a ticket whose latest row is elsewhere (then it
    /// is counted, and the caller skips it).
    pub(crate) fn is_superseded(&mut self, id: &str, created: Option<&str>, at: RecordAt) -> bool {
        let Some(key) = ticket_key(&self.hasher, id, created) else {
            return false;
        };
        match self.last.get_mut(&key) {
            Some(last) if last.ordinal != at.ordinal => {
                self.superseded += 1;
                self.first
                    .get_or_insert_with(|| (id.to_string(), at.line, key));
                true
            }
            Some(last) => {
                last.line = at.line;
                false
            }
            None => false,
        }
    }

    /// The tag cells of the rows that repeat the kept record `ordinal`
    /// with other tags (taken: each is asked for once).
    pub(crate) fn take_extra_tags(&mut self, ordinal: u64) -> Option<Vec<String>> {
        if self.extra_tags.is_empty() {
            return None;
        }
        self.extra_tags.remove(&ordinal)
    }

    /// The warning, when a row was skipped.
    pub(crate) fn warning(&self) -> Option<String> {
        let (id, line, key) = self.first.as_ref()?;
        let last = self.last.get(key).map_or(0, |at| at.line);
        let versions = self.superseded.saturating_sub(self.tag_rows);
        if versions == 0 {
            return Some(format!(
                "{} row(s) repeat a ticket's row with another tag (first: ticket '{}' at line {line}, read with the row at line {last}): one row per tag, as a report export writes them; their tags are added to the ticket, which counts once",
                self.tag_rows,
                super::values::show(id)
            ));
        }
        let tag_note = if self.tag_rows > 0 {
            format!(
                "; {} of them repeat a ticket's row with another tag, and their tags are added to the ticket",
                self.tag_rows
            )
        } else {
            String::new()
        };
        let (which, why) = match (self.by_update, &self.update_column) {
            (true, _) => ("the row with the latest update time", String::new()),
            (false, Some(c)) => (
                "its last row",
                format!(" (column '{c}' holds no update times to tell the latest row by)"),
            ),
            (false, None) => (
                "its last row",
                " (an export sorted newest first needs an update-time column, such as 'Updated at', to be read right)".to_string(),
            ),
        };
        // With rows per tag, the kept row is the first of its equal rows.
        let used = if self.tag_rows > 0 {
            format!("the row used is line {last}")
        } else {
            format!("{which} is used, line {last}")
        };
        Some(format!(
            "{} row(s) not used: earlier versions of a ticket listed more than once (first: ticket '{}' at line {line}; {used}); each ticket is read from {which}, as an incremental export lists a ticket again after each update{why}{tag_note}. If the rows are the messages of one ticket, read the file as a message log",
            self.superseded,
            super::values::show(id)
        ))
    }
}

/// Rows whose ticket id an accepted row already had: from standard input
/// (no first pass), every repeat; from a file, the rows the first pass did
/// not merge (another creation time, an id in scientific notation). Each
/// counts as a ticket, so the reader says how many there were instead of
/// letting the totals look normal.
#[derive(Default)]
pub(crate) struct RepeatedIds {
    seen: HashSet<u64, RandomState>,
    hasher: FixedState,
    repeats: u64,
    first: Option<(String, u64)>,
    /// The input had a first pass (a file): the repeats are different tickets.
    pub(crate) first_pass: bool,
}

impl RepeatedIds {
    /// Record an accepted ticket's id.
    pub(crate) fn add(&mut self, id: &str, line: u64) {
        if !self.seen.insert(self.hasher.hash_one(id_key(id))) {
            self.repeats += 1;
            self.first.get_or_insert_with(|| (id.to_string(), line));
        }
    }

    /// The warning, when a row repeated an id.
    pub(crate) fn warning(&self) -> Option<String> {
        let (id, line) = self.first.as_ref()?;
        let what = if self.first_pass {
            if mergeable(id) {
                "each is read as a ticket of its own, as the rows differ in creation time or it names no time of day to tell versions of one ticket from two tickets (two accounts or desks in one file?). If the rows are the messages of one ticket, read the file as a message log"
            } else {
                "each is read as a ticket of its own, as the id is in scientific notation (Excel rounded it, so equal ids need not be one ticket); export the ids as text"
            }
        } else {
            "each row counts as a ticket (in KPIs: the volume, backlog and rates). Standard input is read once; read the export from a file to use only the latest row of each ticket (an incremental export lists a ticket again after each update), or read it as a message log if its rows are messages"
        };
        Some(format!(
            "{} row(s) repeat a ticket id read earlier (first: '{}' again at line {line}): {what}",
            self.repeats,
            super::values::show(id)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row<'a> = (&'a str, Option<&'a str>, Option<i64>, u64);

    /// The lines kept of `rows` (id, creation cell, update time, line; one
    /// record a line) and the finding.
    fn run(rows: &[Row<'_>]) -> (Vec<u64>, Option<LastRows>) {
        let at = |i: usize, line: u64| RecordAt {
            ordinal: i as u64,
            line,
        };
        let mut ids = IdLines::default();
        for (i, &(id, created, updated, _)) in rows.iter().enumerate() {
            ids.add(id, created, updated, i as u64, None);
        }
        let Some(mut last) = ids.finish(None) else {
            return (rows.iter().map(|r| r.3).collect(), None);
        };
        let kept = rows
            .iter()
            .enumerate()
            .filter(|(i, (id, created, _, line))| !last.is_superseded(id, *created, at(*i, *line)))
            .map(|(_, r)| r.3)
            .collect();
        (kept, Some(last))
    }

    const C: Option<&str> = Some("2024-03-01 09:00");

    #[test]
    fn the_last_row_of_a_ticket_is_kept() {
        let rows = [
            ("1", C, None, 2),
            ("2", C, None, 3),
            ("1", C, None, 4),
            ("3", C, None, 5),
            ("1", C, None, 6),
        ];
        let (kept, last) = run(&rows);
        assert_eq!(kept, [3, 5, 6]);
        let last = last.unwrap();
        assert_eq!(last.superseded, 2);
        let w = last.warning().unwrap();
        assert!(w.starts_with("2 row(s) not used"), "{w}");
        assert!(
            w.contains("ticket '1' at line 2; its last row is used, line 6"),
            "{w}"
        );
        assert!(
            w.contains("sorted newest first needs an update-time column"),
            "{w}"
        );
        // A one-line JSON array: every record on line 1, told apart by position.
        let one_line = [("1", C, None, 1), ("2", C, None, 1), ("1", C, None, 1)];
        let (kept, last) = run(&one_line);
        assert_eq!((kept.len(), last.unwrap().superseded), (2, 1));
    }

    /// Newest first: the update time picks the row, wherever it is; a row
    /// without one never outranks a row with one.
    #[test]
    fn the_latest_update_wins_over_file_order() {
        let rows = [
            ("7", C, Some(300), 2),
            ("8", C, Some(100), 3),
            ("7", C, Some(200), 4),
            ("7", C, None, 5),
        ];
        let (kept, last) = run(&rows);
        assert_eq!(kept, [2, 3]);
        assert!(last
            .unwrap()
            .warning()
            .unwrap()
            .contains("the row with the latest update time is used, line 2"));
        let mixed = [
            ("7", C, Some(300), 2),
            ("7", C, None, 3),
            ("7", C, Some(100), 4),
        ];
        assert_eq!(run(&mixed).0, [2]);
        let none = [("7", C, None, 2), ("7", C, None, 3)];
        assert_eq!(run(&none).0, [3]);
    }

    /// Another creation time is another ticket, and so is a creation date
    /// without a time of day (two desks' tickets may share it); a float id
    /// is its whole number; an id in scientific notation never merges.
    #[test]
    fn what_counts_as_one_ticket() {
        let b = Some("2024-03-02 10:00");
        assert!(run(&[("1", C, None, 2), ("1", b, None, 3)]).1.is_none());
        let day = Some("2024-03-01");
        assert!(run(&[("1", day, None, 2), ("1", day, None, 3)]).1.is_none());
        assert!(run(&[("1", None, None, 2), ("1", None, None, 3)])
            .1
            .is_none());
        let epoch = Some("1709283600");
        assert_eq!(run(&[("1", epoch, None, 2), ("1", epoch, None, 3)]).0, [3]);
        assert_eq!(run(&[("1002", C, None, 2), ("1002.0", C, None, 3)]).0, [3]);
        assert!(
            run(&[("2.02403E+15", C, None, 2), ("2.02403E+15", C, None, 3)])
                .1
                .is_none()
        );
        assert_eq!(
            run(&[("INC-1.5", C, None, 2), ("INC-1.5", C, None, 3)]).0,
            [3]
        );
        assert_eq!(id_key("1002.00"), "1002");
        assert_eq!(id_key("10.5"), "10.5");
        // Zero padding and a leading `#` are spellings of one number.
        assert_eq!(id_key("00042"), "42");
        assert_eq!(id_key(" #43 "), "43");
        assert_eq!(id_key("#0043.0"), "43");
        assert_eq!(id_key("000"), "0");
        assert_eq!(id_key("0"), "0");
        // Letters keep their case and their zeros.
        assert_eq!(id_key("INC-044"), "INC-044");
        assert_ne!(id_key("5003000000D8cuI"), id_key("5003000000D8cui"));
        assert!(!mergeable("1.2e+15") && mergeable("E-12") && mergeable("2E"));
    }

    #[test]
    fn update_columns_are_found_by_name() {
        let h = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(updated_column(&h(&["id", "Updated at"])), Some(1));
        assert_eq!(
            updated_column(&h(&["id", "metric_set.updated_at", "updated_at"])),
            Some(2)
        );
        assert_eq!(updated_column(&h(&["key", "fields.updated"])), Some(1));
        assert_eq!(updated_column(&h(&["id", "Last Modified Date"])), Some(1));
        assert_eq!(updated_column(&h(&["id", "created_at", "status"])), None);
    }
}
