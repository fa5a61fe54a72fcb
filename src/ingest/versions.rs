//! Tickets listed more than once: the last row of each is the ticket.
//!
//! An incremental API export (Zendesk's `incremental/tickets`, Freshdesk's
//! `updated_since` pages) lists a ticket again after each update, and
//! overlapping exports joined into one file repeat the rows of their common
//! days. Counting every row as a ticket inflates the volume, the backlog
//! and every rate, and mixes a ticket's stale states with its current one
//! (a ticket solved at noon is also counted open from its 9 o'clock row).
//! The usual fix in a warehouse, "keep the latest row per id", is what
//! the reader does: before the rows are read, a first pass over the input
//! ([`IdLines`], ids only, no value is converted) finds the ids that
//! repeat and the line of each one's last row ([`LastRows`]); the reader
//! then skips every earlier row of those ids and says how many it skipped.
//! The last row in file order is the latest version, the order in which
//! incremental exports and chronologically joined exports are written.
//!
//! Standard input can be read only once, so there the first pass is not
//! possible: [`RepeatedIds`] counts the repeats instead and the warning
//! says how to get one row per ticket.
//!
//! Ids are kept as 64-bit hashes (8 bytes an id): two different ids share
//! a hash about once in 10^7 exports of a million rows.

use foldhash::fast::{FixedState, RandomState};
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

/// The first pass: every keyed row's id and line.
#[derive(Default)]
pub(crate) struct IdLines {
    /// Id hash → (line of its last row so far, seen more than once).
    lines: HashMap<u64, (u64, bool), RandomState>,
    hasher: FixedState,
}

impl IdLines {
    /// Record that the row starting at `line` holds ticket `id`.
    pub(crate) fn add(&mut self, id: &str, line: u64) {
        let key = self.hasher.hash_one(id);
        self.lines
            .entry(key)
            .and_modify(|(last, repeated)| {
                *last = line;
                *repeated = true;
            })
            .or_insert((line, false));
    }

    /// The ids that repeat and the line of each one's last row (`None`
    /// when no id repeats, the usual case).
    pub(crate) fn finish(self) -> Option<LastRows> {
        let last: HashMap<u64, u64, RandomState> = self
            .lines
            .into_iter()
            .filter(|(_, (_, repeated))| *repeated)
            .map(|(key, (line, _))| (key, line))
            .collect();
        (!last.is_empty()).then_some(LastRows {
            last,
            hasher: self.hasher,
            superseded: 0,
            first: None,
        })
    }
}

/// The ids that repeat, with the line of each one's last row; counts the
/// earlier rows the reader skips.
pub(crate) struct LastRows {
    last: HashMap<u64, u64, RandomState>,
    hasher: FixedState,
    superseded: u64,
    /// The first skipped row: (id, its line, the line of the row used).
    first: Option<(String, u64, u64)>,
}

impl LastRows {
    /// Whether the row at `line` holding ticket `id` is an earlier version
    /// of a ticket listed again further on (then it is counted, and the
    /// caller skips it).
    pub(crate) fn is_superseded(&mut self, id: &str, line: u64) -> bool {
        match self.last.get(&self.hasher.hash_one(id)) {
            Some(&last) if last != line => {
                self.superseded += 1;
                self.first
                    .get_or_insert_with(|| (id.to_string(), line, last));
                true
            }
            _ => false,
        }
    }

    /// The warning, when a row was skipped.
    pub(crate) fn warning(&self) -> Option<String> {
        let (id, line, last) = self.first.as_ref()?;
        Some(format!(
            "{} row(s) not used: earlier versions of a ticket listed again further on (first: ticket '{}' at line {line}, its last row is line {last}); each ticket is read from its last row, as an incremental export lists a ticket again after each update. If the rows are the messages of one ticket, read the file as a message log",
            self.superseded,
            super::values::show(id)
        ))
    }
}

/// Rows whose ticket id was already read, when no first pass was possible
/// (standard input): every repeat counts as a ticket, so the reader says
/// how many there were instead of letting the totals look normal.
#[derive(Default)]
pub(crate) struct RepeatedIds {
    seen: HashSet<u64, RandomState>,
    hasher: FixedState,
    repeats: u64,
    first: Option<(String, u64)>,
}

impl RepeatedIds {
    /// Record an accepted ticket's id.
    pub(crate) fn add(&mut self, id: &str, line: u64) {
        if !self.seen.insert(self.hasher.hash_one(id)) {
            self.repeats += 1;
            self.first.get_or_insert_with(|| (id.to_string(), line));
        }
    }

    /// The warning, when a row repeated an id.
    pub(crate) fn warning(&self) -> Option<String> {
        let (id, line) = self.first.as_ref()?;
        Some(format!(
            "{} row(s) repeat a ticket id read earlier (first: '{}' again at line {line}): each row counts as a ticket (in KPIs: the volume, backlog and rates). Standard input is read once; read the export from a file to use only the last row of each ticket (an incremental export lists a ticket again after each update), or read it as a message log if its rows are messages",
            self.repeats,
            super::values::show(id)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_row_of_a_repeated_id_is_kept() {
        let mut ids = IdLines::default();
        for (id, line) in [("1", 2), ("2", 3), ("1", 4), ("3", 5), ("1", 6)] {
            ids.add(id, line);
        }
        let mut last = ids.finish().expect("id 1 repeats");
        let kept: Vec<u64> = [("1", 2), ("2", 3), ("1", 4), ("3", 5), ("1", 6)]
            .into_iter()
            .filter(|(id, line)| !last.is_superseded(id, *line))
            .map(|(_, line)| line)
            .collect();
        assert_eq!(kept, [3, 5, 6]);
        assert_eq!(last.superseded, 2);
        let w = last.warning().unwrap();
        assert!(w.starts_with("2 row(s) not used"), "{w}");
        assert!(
            w.contains("ticket '1' at line 2, its last row is line 6"),
            "{w}"
        );
    }

    #[test]
    fn distinct_ids_need_no_second_look() {
        let mut ids = IdLines::default();
        for (id, line) in [("1", 2), ("2", 3), ("10", 4)] {
            ids.add(id, line);
        }
        assert!(ids.finish().is_none());
    }
}
