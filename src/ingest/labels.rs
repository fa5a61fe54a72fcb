//! One spelling per label.
//!
//! Exports joined from two systems, or edited by hand, write one agent,
//! team, channel, priority or status in several cases (`Sam Park` and `sam
//! park`, `Email` and `email`). Grouped as written, one agent becomes two
//! rows of every per-agent table, each with half the tickets. The reader
//! reads every spelling of a label as the first one it met, and says so.
//! Customer ids are not touched (Salesforce ids differ by case; emails are
//! lower-cased on their own, see `values::customer_key`), nor are tags or
//! text.

use crate::ticket::Ticket;
use std::collections::HashMap;

/// The label fields read as one spelling, with their names in messages.
const FIELDS: [&str; 5] = ["agent", "team", "channel", "priority", "status"];

/// Spellings seen so far, per field.
#[derive(Default)]
pub(crate) struct LabelSpellings {
    fields: [Spellings; 5],
}

#[derive(Default)]
struct Spellings {
    /// Exact spelling → the first spelling of its label, when another.
    seen: HashMap<String, Option<String>>,
    /// Lower-cased label → its first spelling.
    first: HashMap<String, String>,
    /// Values read as another spelling: how many, and the first pair.
    merged: (u64, Option<(String, String)>),
}

impl Spellings {
    /// Bound on distinct spellings kept: a column of free text (ids, one
    /// value a ticket) stops being normalised past it.
    const MAX: usize = 10_000;

    fn unify(&mut self, value: &mut Option<String>) {
        let Some(v) = value.as_mut() else {
            return;
        };
        let canonical = match self.seen.get(v.as_str()) {
            Some(c) => c.clone(),
            None => {
                if self.seen.len() >= Self::MAX {
                    return;
                }
                let first = self
                    .first
                    .entry(v.to_lowercase())
                    .or_insert_with(|| v.clone());
                let c = (first != v).then(|| first.clone());
                self.seen.insert(v.clone(), c.clone());
                c
            }
        };
        if let Some(c) = canonical {
            self.merged.0 += 1;
            self.merged.1.get_or_insert_with(|| (v.clone(), c.clone()));
            *v = c;
        }
    }
}

impl LabelSpellings {
    /// Read the ticket's labels as the first spelling of each.
    pub(crate) fn unify(&mut self, t: &mut Ticket) {
        let [agent, team, channel, priority, status] = &mut self.fields;
        agent.unify(&mut t.agent);
        team.unify(&mut t.team);
        channel.unify(&mut t.channel);
        priority.unify(&mut t.priority);
        status.unify(&mut t.status);
    }

    /// One warning per field where spellings were merged.
    pub(crate) fn warnings(&self) -> Vec<String> {
        FIELDS
            .iter()
            .zip(&self.fields)
            .filter_map(|(name, s)| {
                let (n, Some((from, to))) = &s.merged else {
                    return None;
                };
                Some(format!(
                    "{n} {name} value(s) differ from an earlier one only in case and were read as it (first: '{}' as '{}'), so that one {name} is one group",
                    super::values::show(from),
                    super::values::show(to)
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_in_another_case_are_the_first_one() {
        let mut s = LabelSpellings::default();
        let mut names = Vec::new();
        for agent in ["Sam Park", "sam park", "Ann", "SAM PARK", "Sam Park"] {
            let mut t = Ticket {
                agent: Some(agent.to_string()),
                ..Default::default()
            };
            s.unify(&mut t);
            names.push(t.agent.unwrap());
        }
        assert_eq!(
            names,
            ["Sam Park", "Sam Park", "Ann", "Sam Park", "Sam Park"]
        );
        let w = s.warnings();
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("2 agent value(s)"), "{w:?}");
        assert!(w[0].contains("'sam park' as 'Sam Park'"), "{w:?}");
    }
}
