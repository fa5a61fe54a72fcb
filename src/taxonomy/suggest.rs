//! Which unlabelled tickets to label next (`taxonomy suggest`).
//!
//! Uncertainty sampling: the tickets the taxonomy is least sure about (the
//! smallest margin between its best and second-best label) teach it most.
//! Taken round-robin over the predicted labels, lowest margin first within
//! each, so one confusable pair of labels cannot fill the whole list.

use std::collections::BTreeMap;

use super::model::Assignment;

/// Indices into `assignments` of at most `n` tickets to label next: in
/// turn, each predicted label's ticket with the smallest margin not taken
/// yet (labels in order of their most uncertain ticket; ties by index).
/// Tickets without a label (below every threshold) form one more group.
pub fn suggest(assignments: &[Assignment], n: usize) -> Vec<usize> {
    let mut groups: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, a) in assignments.iter().enumerate() {
        groups.entry(a.labels.first().copied()).or_default().push(i);
    }
    let mut queues: Vec<Vec<usize>> = groups
        .into_values()
        .map(|mut v| {
            // Most uncertain last, so `pop` takes it.
            v.sort_by(|&a, &b| {
                assignments[b]
                    .margin
                    .total_cmp(&assignments[a].margin)
                    .then(b.cmp(&a))
            });
            v
        })
        .collect();
    queues.sort_by(|a, b| {
        let m = |q: &Vec<usize>| q.last().map_or(f32::INFINITY, |&i| assignments[i].margin);
        m(a).total_cmp(&m(b))
    });
    let mut out = Vec::with_capacity(n.min(assignments.len()));
    while out.len() < n {
        let mut took = false;
        for q in queues.iter_mut() {
            if out.len() == n {
                break;
            }
            if let Some(i) = q.pop() {
                out.push(i);
                took = true;
            }
        }
        if !took {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(label: usize, margin: f32) -> Assignment {
        Assignment {
            labels: vec![label],
            confidence: 0.5 + margin / 2.0,
            margin,
            probabilities: Vec::new(),
        }
    }

    #[test]
    fn lowest_margins_first_spread_over_labels() {
        // Label 0 has the three most uncertain tickets, label 1 one: the
        // list alternates instead of taking label 0's three first.
        let v = vec![a(0, 0.01), a(0, 0.02), a(0, 0.03), a(1, 0.2), a(1, 0.9)];
        assert_eq!(suggest(&v, 3), [0, 3, 1]);
        assert_eq!(suggest(&v, 10), [0, 3, 1, 4, 2]);
        assert!(suggest(&[], 5).is_empty());
    }
}
