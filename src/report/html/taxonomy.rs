//! The "Your taxonomy" section: how the team's taxonomy was built, how well
//! it did in cross-validation (accuracy, macro-F1, per-label precision and
//! recall, the most confused pairs) and how it labelled this export, so a
//! support lead can see which tags to trust before reading the taxonomy's
//! KPIs. Built from the [`Taxonomy`] the run applied and its tickets.

use std::collections::BTreeMap;

use serde::Serialize;

use super::format::{count, fixed, pct};
use super::table::{Cell, Table};
use crate::taxonomy::{Taxonomy, TaxonomyKind};
use crate::EnrichedTicket;

/// Label F1 below which a label is flagged as unreliable in the table.
const WEAK_F1: f64 = 0.6;

/// Confidence below which a ticket's label is counted as uncertain.
pub const LOW_CONFIDENCE: f32 = 0.5;

/// The section's content.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct TaxonomySection {
    /// The column the labels are in (`category`, `category_predicted` …).
    pub name: String,
    /// One sentence: how the taxonomy was built and from what.
    pub built: String,
    /// (label, value) figures: accuracy, macro-F1, tickets labelled, uncertain share.
    pub facts: Vec<(String, String)>,
    /// What the figures mean, or why there are none (zero-shot).
    pub note: String,
    /// Per label: tickets here, mean confidence, and the cross-validated
    /// precision, recall, F1 and training support.
    pub labels: Table,
    /// The most confused pairs in cross-validation.
    pub confused: Option<Table>,
}

/// Build the section; `tickets` are the run's (labelled) tickets.
pub fn section(t: &Taxonomy, tickets: &[EnrichedTicket]) -> TaxonomySection {
    // Tickets and summed confidence per label in this export.
    let mut here: BTreeMap<&str, (u64, f64)> = BTreeMap::new();
    let (mut tagged, mut uncertain, mut none) = (0u64, 0u64, 0u64);
    let other = t.other_label.as_deref();
    for l in tickets.iter().filter_map(|t| t.taxonomy.as_ref()) {
        tagged += 1;
        uncertain += u64::from(l.confidence < LOW_CONFIDENCE);
        let mut any = false;
        for label in l.labels() {
            if Some(label) == other {
                // Counted in its own row, but as "no label".
                let e = here.entry(label).or_default();
                e.0 += 1;
                e.1 += f64::from(l.confidence);
                continue;
            }
            let e = here.entry(label).or_default();
            e.0 += 1;
            e.1 += f64::from(l.confidence);
            any = true;
        }
        none += u64::from(!any);
    }
    let kind = match t.kind {
        TaxonomyKind::Multiclass => "trained (one label per ticket)",
        TaxonomyKind::MultiLabel => "trained (several labels per ticket)",
        TaxonomyKind::Prototypes => "zero-shot from the label names",
    };
    let tr = &t.training;
    let mut built = format!(
        "{} labels, {kind}, from {}",
        t.labels.len(),
        if tr.source.is_empty() {
            "an unnamed source"
        } else {
            tr.source.as_str()
        }
    );
    if t.kind != TaxonomyKind::Prototypes {
        built.push_str(&format!(
            " ({} labelled tickets, {} unlabelled skipped)",
            count(Some(tr.examples as f64)),
            count(Some(tr.unlabelled as f64))
        ));
    }
    if !tr.created.is_empty() {
        built.push_str(&format!(
            " on {}",
            tr.created.get(..10).unwrap_or(&tr.created)
        ));
    }
    built.push('.');
    if !tr.merged_into_other.is_empty() {
        built.push_str(&format!(
            " Labels with too few examples were merged into \"other\": {}.",
            tr.merged_into_other.join(", ")
        ));
    }

    let mut facts = Vec::new();
    let ev = t.evaluation.as_ref();
    if let Some(e) = ev {
        let acc = if t.kind == TaxonomyKind::MultiLabel {
            "Exact-match accuracy"
        } else {
            "Accuracy"
        };
        facts.push((acc.to_string(), pct(Some(e.accuracy))));
        facts.push(("Macro-F1".to_string(), fixed(Some(e.macro_f1), 3)));
    }
    facts.push(("Tickets labelled".to_string(), count(Some(tagged as f64))));
    let multi = t.kind == TaxonomyKind::MultiLabel;
    if tagged > 0 {
        // A multi-label ticket's confidence is its best label's
        // probability, which says little next to per-label thresholds.
        if !multi {
            facts.push((
                format!("Confidence below {LOW_CONFIDENCE}"),
                pct(Some(uncertain as f64 / tagged as f64)),
            ));
        }
        if none > 0 {
            facts.push((
                if t.kind == TaxonomyKind::MultiLabel {
                    "No label above its threshold".to_string()
                } else {
                    "Below the similarity threshold (other)".to_string()
                },
                pct(Some(none as f64 / tagged as f64)),
            ));
        }
    }
    let note = match ev {
        Some(e) => format!(
            "Accuracy, macro-F1, precision and recall are {}-fold cross-validated on the {} labelled tickets: each ticket was labelled by a model trained without it. {}Labels with F1 below {WEAK_F1} are marked: read their figures with care.",
            e.folds,
            count(Some(e.examples as f64)),
            if t.kind == TaxonomyKind::MultiLabel {
                "Each label's threshold was tuned for its F1 on the same out-of-fold scores (slightly optimistic). "
            } else {
                ""
            }
        ),
        None if t.kind == TaxonomyKind::Prototypes => "No evaluation: this taxonomy was built without labelled tickets. Check a sample of each label before trusting its KPIs, and label some tickets (taxonomy suggest) to train one.".to_string(),
        None => "No evaluation: this taxonomy was trained without cross-validation (folds 0), so there are no accuracy figures. Retrain with folds to see how far each label can be trusted.".to_string(),
    };

    let mut labels = Table::new(
        if ev.is_some() {
            format!("{} labels: in this export and in cross-validation", t.name)
        } else {
            format!("{} labels in this export", t.name)
        },
        &[
            "Label",
            "Tickets#",
            "Share#",
            "Mean confidence#",
            "Precision#",
            "Recall#",
            "F1#",
            "Training support#",
            "Threshold#",
        ],
    );
    let metric = |l: &str| ev.and_then(|e| e.labels.iter().find(|m| m.label == l));
    for (i, l) in t.labels.iter().enumerate() {
        let (n, conf) = here.get(l.as_str()).copied().unwrap_or_default();
        let m = metric(l);
        let f1 = m.map(|m| m.f1);
        let weak = f1.is_some_and(|f| f < WEAK_F1);
        let threshold = match t.kind {
            TaxonomyKind::MultiLabel => t.thresholds.get(i).map(|&x| f64::from(x)),
            _ => None,
        };
        labels.rows.push(vec![
            Cell::text(l.clone()),
            Cell::num(count(Some(n as f64)), Some(n as f64)),
            share_cell(n, tagged),
            if multi {
                Cell::num(fixed(None, 2), None)
            } else {
                mean_cell(conf, n)
            },
            Cell::num(
                fixed(m.and_then(|m| m.precision), 2),
                m.and_then(|m| m.precision),
            ),
            Cell::num(fixed(m.and_then(|m| m.recall), 2), m.and_then(|m| m.recall)),
            Cell::num(fixed(f1, 2), f1).class(if weak { "bad" } else { "" }),
            Cell::num(
                count(m.map(|m| m.support as f64)),
                m.map(|m| m.support as f64),
            ),
            Cell::num(fixed(threshold, 2), threshold),
        ]);
    }
    if let Some(other) = t
        .other_label
        .as_deref()
        .filter(|o| !t.labels.iter().any(|l| l == o))
    {
        let (n, conf) = here.get(other).copied().unwrap_or_default();
        let na = || Cell::num(fixed(None, 2), None);
        labels.rows.push(vec![
            Cell::text(other.to_string()),
            Cell::num(count(Some(n as f64)), Some(n as f64)),
            share_cell(n, tagged),
            mean_cell(conf, n),
            na(),
            na(),
            na(),
            na(),
            na(),
        ]);
    }
    labels.rows.sort_by(|a, b| {
        b[1].sort
            .unwrap_or(0.0)
            .total_cmp(&a[1].sort.unwrap_or(0.0))
            .then_with(|| a[0].text.cmp(&b[0].text))
    });
    labels.drop_empty_columns();

    let confused = ev.filter(|e| !e.confused.is_empty()).map(|e| {
        let mut c = Table::new(
            "Most confused labels in cross-validation",
            &["Actual label", "Predicted as", "Tickets#"],
        );
        for p in &e.confused {
            c.rows.push(vec![
                Cell::text(p.actual.clone()),
                Cell::text(p.predicted.clone()),
                Cell::num(count(Some(p.count as f64)), Some(p.count as f64)),
            ]);
        }
        c
    });
    TaxonomySection {
        name: t.name.clone(),
        built,
        facts,
        note,
        labels,
        confused,
    }
}

fn share_cell(n: u64, of: u64) -> Cell {
    let s = (of > 0).then(|| n as f64 / of as f64);
    Cell::num(pct(s), s)
}

fn mean_cell(sum: f64, n: u64) -> Cell {
    let m = (n > 0).then(|| sum / n as f64);
    Cell::num(fixed(m, 2), m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{ConfusedPair, Evaluation, LabelMetrics, Training};

    fn taxonomy(kind: TaxonomyKind, evaluation: Option<Evaluation>) -> Taxonomy {
        Taxonomy {
            format: crate::taxonomy::FORMAT.into(),
            name: "category".into(),
            kind,
            labels: vec!["billing".into(), "login".into()],
            other_label: None,
            model_sha256: "sha".into(),
            embedding_dim: 2,
            mean: Vec::new(),
            scale: Vec::new(),
            weights: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
            intercepts: vec![0.0, 0.0],
            thresholds: if kind == TaxonomyKind::MultiLabel {
                vec![0.35, 0.5]
            } else {
                Vec::new()
            },
            temperature: 1.0,
            training: Training {
                examples: 40,
                unlabelled: 7,
                merged_into_other: Vec::new(),
                created: "2026-11-30T10:00:00Z".into(),
                source: "tickets.csv".into(),
            },
            evaluation,
        }
    }

    fn tagged(values: &[(&str, f32)]) -> Vec<EnrichedTicket> {
        values
            .iter()
            .enumerate()
            .map(|(i, (v, c))| {
                let mut t = EnrichedTicket::new(crate::ticket::Ticket {
                    id: format!("T{i}"),
                    ..Default::default()
                });
                t.taxonomy = Some(crate::ticket::TaxonomyLabel {
                    name: "category".into(),
                    value: v.to_string(),
                    confidence: *c,
                });
                t
            })
            .collect()
    }

    #[test]
    fn evaluation_and_this_exports_labels_are_shown() {
        let ev = Evaluation {
            folds: 5,
            examples: 40,
            accuracy: 0.875,
            macro_f1: 0.7,
            labels: vec![
                LabelMetrics {
                    label: "billing".into(),
                    precision: Some(0.9),
                    recall: Some(0.95),
                    f1: 0.92,
                    support: 30,
                },
                LabelMetrics {
                    label: "login".into(),
                    precision: Some(0.5),
                    recall: Some(0.45),
                    f1: 0.47,
                    support: 10,
                },
            ],
            confused: vec![ConfusedPair {
                actual: "login".into(),
                predicted: "billing".into(),
                count: 5,
            }],
        };
        let t = taxonomy(TaxonomyKind::Multiclass, Some(ev));
        let s = section(
            &t,
            &tagged(&[("billing", 0.9), ("billing", 0.7), ("login", 0.4)]),
        );
        assert!(s.built.contains("2 labels, trained (one label per ticket), from tickets.csv (40 labelled tickets, 7 unlabelled skipped) on 2026-11-30"), "{}", s.built);
        assert_eq!(s.facts[0], ("Accuracy".to_string(), pct(Some(0.875))));
        assert_eq!(
            s.facts[2],
            ("Tickets labelled".to_string(), "3".to_string())
        );
        assert_eq!(s.facts[3].1, pct(Some(1.0 / 3.0)));
        // Largest first; billing: 2 tickets, 67 %, mean confidence 0.80.
        assert_eq!(s.labels.rows[0][0].text, "billing");
        assert_eq!(s.labels.rows[0][1].sort, Some(2.0));
        assert!((s.labels.rows[0][3].sort.unwrap() - 0.8).abs() < 1e-6);
        // The weak label is marked; no threshold column for multiclass.
        assert_eq!(s.labels.rows[1][6].class, "bad");
        assert!(!s.labels.headers.iter().any(|h| h == "Threshold"));
        assert_eq!(s.confused.as_ref().unwrap().rows[0][2].text, "5");
        assert!(s.note.contains("5-fold cross-validated"));
    }

    #[test]
    fn zero_shot_and_multi_label_say_what_they_are() {
        let t = taxonomy(TaxonomyKind::Prototypes, None);
        let s = section(&t, &tagged(&[("billing", 0.9)]));
        assert!(s.built.contains("zero-shot"));
        assert!(s.note.starts_with("No evaluation"));
        assert!(s.confused.is_none());
        assert!(!s.labels.headers.iter().any(|h| h == "F1"));
        let t = taxonomy(TaxonomyKind::MultiLabel, None);
        let s = section(&t, &tagged(&[("billing;login", 0.9), ("", 0.3)]));
        let th = s
            .labels
            .headers
            .iter()
            .position(|h| h == "Threshold")
            .unwrap();
        let billing = s
            .labels
            .rows
            .iter()
            .find(|r| r[0].text == "billing")
            .unwrap();
        assert_eq!(billing[th].sort, Some(f64::from(0.35f32)));
        assert!(s
            .facts
            .iter()
            .any(|(k, v)| k == "No label above its threshold" && v == &pct(Some(0.5))));
    }
}
