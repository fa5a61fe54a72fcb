//! The terminal summary printed at the end of `ticketlens analyze`.
//!
//! Three short tables: headline KPIs (last complete period vs the one
//! before), the top 5 trending themes and the top 10 at-risk customers. It
//! reuses the HTML report's builders so both always show the same numbers.
//! Colours are used only on a terminal (and never with `NO_COLOR`); ticket-
//! derived text has control characters stripped so it cannot inject
//! terminal escape sequences.

use crate::report::html::format::{clean_line, truncate, NA};
use crate::report::html::{headline, sections};
use crate::report::Analysis;
use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table,
};
use std::io::IsTerminal;

/// Trending themes shown.
const TOP_THEMES: usize = 5;
/// At-risk customers shown.
const TOP_CUSTOMERS: usize = 10;

/// The summary for stdout, coloured only when stdout is a terminal and
/// `NO_COLOR` is unset.
pub fn terminal_summary(a: &Analysis) -> String {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    terminal_summary_with(a, color)
}

fn new_table(color: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !color {
        t.force_no_tty();
    }
    t.set_width(120);
    t
}

fn plain(s: &str, max: usize) -> Cell {
    Cell::new(truncate(&clean_line(s), max))
}

fn right(s: &str) -> Cell {
    Cell::new(clean_line(s)).set_alignment(CellAlignment::Right)
}

/// The summary with colours switched on or off explicitly.
pub fn terminal_summary_with(a: &Analysis, color: bool) -> String {
    let mut out = String::new();
    let bold = |c: Cell| {
        if color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    };

    let h = headline::build(&a.kpis);
    out.push_str(&format!("Headline KPIs: {}\n", clean_line(&h.note)));
    if !h.languages.is_empty() {
        out.push_str(&format!("{}\n", clean_line(&h.languages)));
    }
    if !h.missing.is_empty() {
        out.push_str(&format!(
            "Not in this export: {}\n",
            clean_line(&h.missing.join("; "))
        ));
    }
    if !h.cards.is_empty() {
        let mut t = new_table(color);
        t.set_header(vec![
            bold(Cell::new("KPI")),
            bold(Cell::new("Current")),
            bold(Cell::new("Previous")),
            bold(Cell::new("Change")),
            bold(Cell::new("All periods")),
        ]);
        // Leave out KPIs the data has no values for at all.
        for c in h.cards.iter().filter(|c| {
            [&c.value, &c.previous, &c.overall]
                .iter()
                .any(|v| v.as_str() != NA)
        }) {
            let mut change = right(format!("{} {}", c.arrow, c.delta).trim());
            if color {
                change = match c.trend {
                    "better" => change.fg(Color::Green),
                    "worse" => change.fg(Color::Red),
                    _ => change,
                };
            }
            t.add_row(vec![
                plain(&c.label, 40),
                right(&c.value),
                right(&c.previous),
                change,
                right(&c.overall),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }

    let th = sections::themes(a.themes.as_ref());
    match &th.unavailable {
        Some(why) => out.push_str(&format!("\nTrending themes: {}\n", clean_line(why))),
        None if th.trending.is_empty() => {
            out.push_str("\nTrending themes: none growing significantly\n")
        }
        None => {
            out.push_str("\nTrending themes\n");
            let mut t = new_table(color);
            t.set_header(vec![
                bold(Cell::new("Theme")),
                bold(Cell::new("Tickets")),
                bold(Cell::new("Growth")),
                bold(Cell::new("Negative")),
                bold(Cell::new("Keywords")),
            ]);
            for c in th.trending.iter().take(TOP_THEMES) {
                let mut g = right(&c.growth);
                if color && c.direction == "up" {
                    g = g.fg(Color::Red);
                }
                t.add_row(vec![
                    plain(&c.label, 50),
                    right(&c.size),
                    g,
                    right(&c.negative_share),
                    plain(&c.keywords.join(", "), 50),
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
    }

    if let Some(t) = &a.taxonomy {
        // One line: the taxonomy and how far its labels can be trusted.
        let quality = match &t.evaluation {
            Some(e) => format!(
                "cross-validated accuracy {:.1}%, macro-F1 {:.3}",
                e.accuracy * 100.0,
                e.macro_f1
            ),
            None if t.kind == crate::taxonomy::TaxonomyKind::Prototypes => {
                "zero-shot, not evaluated".to_string()
            }
            None => "not cross-validated".to_string(),
        };
        out.push_str(&format!(
            "\nYour taxonomy ({}): {} labels, {quality}; see the report's \"Your taxonomy\" section\n",
            clean_line(&t.name),
            t.labels.len()
        ));
    }

    let ch = sections::churn(&a.churn);
    if ch.at_risk.rows.is_empty() {
        let why = ch.unavailable.as_deref().unwrap_or("no customers scored");
        out.push_str(&format!("\nAt-risk customers: {}\n", clean_line(why)));
    } else {
        out.push_str("\nCustomers most at risk\n");
        let mut t = new_table(color);
        t.set_header(vec![
            bold(Cell::new("Customer")),
            bold(Cell::new("Risk")),
            bold(Cell::new("Band")),
            bold(Cell::new("Top factors")),
        ]);
        for r in ch.at_risk.rows.iter().take(TOP_CUSTOMERS) {
            let mut band = plain(&r[2].text, 12);
            if color {
                band = match r[2].class {
                    "band-high" => band.fg(Color::Red),
                    "band-medium" => band.fg(Color::Yellow),
                    "band-low" => band.fg(Color::Green),
                    _ => band,
                };
            }
            t.add_row(vec![
                plain(&r[0].text, 30),
                right(&r[1].text),
                band,
                plain(&r[3].text, 70),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if let Some(auc) = ch
            .evaluation
            .rows
            .iter()
            .find(|r| r[0].text.starts_with("ROC AUC"))
        {
            out.push_str(&format!(
                "Churn model holdout ROC AUC {} (baseline {})\n",
                auc[1].text, auc[2].text
            ));
        }
        if !ch.cv.is_empty() {
            out.push_str(&format!("Churn model {}\n", clean_line(&ch.cv)));
        }
        if !ch.revenue.is_empty() {
            out.push_str(&format!("{}\n", clean_line(&ch.revenue)));
        }
        // Which model scored the customers, or why training failed.
        for note in a.run.notes.iter().filter(|n| n.starts_with("churn")) {
            out.push_str(&format!("Note: {}\n", clean_line(note)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::tests::evil_analysis;
    use crate::report::ChurnOutcome;

    #[test]
    fn summary_without_colour_has_three_blocks_and_no_escapes() {
        let mut a = evil_analysis(&[]);
        let mut k = crate::kpi::compute(std::iter::empty(), &Default::default());
        for (key, n, csat) in [("2025-W01", 4, 0.5), ("2025-W02", 6, 0.6)] {
            k.periods.insert(
                key.into(),
                crate::kpi::KpiBlock {
                    tickets: n,
                    csat_rate: Some(csat),
                    csat_responses: n,
                    ..Default::default()
                },
            );
        }
        k.overall.tickets = 10;
        k.overall.csat_rate = Some(0.56);
        k.overall.csat_responses = 10;
        k.last_period_complete = Some(true);
        a.kpis = k;
        let themes = a.themes.as_mut().unwrap();
        themes.trending[0].label = "refund\u{1b}[31m delays".into();
        themes.trending[0].growth = 1.4;
        let ChurnOutcome::Trained { at_risk, .. } = &mut a.churn else {
            unreachable!()
        };
        let template = at_risk[0].clone();
        *at_risk = (0..12)
            .rev()
            .map(|i| crate::churn::AtRisk {
                customer_id: format!("c{i}"),
                churn_risk: f64::from(i) / 20.0,
                risk_band: "high".into(),
                top_factors: vec!["many tickets".into()],
                ..template.clone()
            })
            .collect();
        a.run.notes = vec!["churn: trained a new model; --churn-model m.json was not used".into()];
        let s = terminal_summary_with(&a, false);
        assert!(!s.contains('\u{1b}'), "no escape sequences:\n{s}");
        assert!(s.contains("Headline KPIs: 2025-W02 compared with 2025-W01"));
        assert!(s.contains("+50.0%"), "tickets 4 → 6:\n{s}");
        assert!(s.contains("+10.0 pp"));
        assert!(
            !s.contains("│ SLA breaches"),
            "KPIs without any value are left out:\n{s}"
        );
        assert!(s.contains("Not in this export: no status or resolution columns"));
        assert!(s.contains("refund [31m delays"));
        assert!(s.contains("+40%"), "growth ratio 1.4 is +40%:\n{s}");
        assert!(
            s.contains("c11") && s.contains("c2 ") && !s.contains("c1 "),
            "top 10 by risk:\n{s}"
        );
        assert!(s.contains("Churn model holdout ROC AUC 0.800 (baseline 0.600)"));
        assert!(
            s.contains("Revenue at risk: 1,200 MRR with high-risk"),
            "{s}"
        );
        assert!(s.contains("Note: churn: trained a new model; --churn-model m.json was not used"));
    }

    #[test]
    fn summary_explains_missing_stages() {
        let mut a = evil_analysis(&[]);
        a.themes = None;
        a.churn = ChurnOutcome::Skipped {
            reason: "churn: no --customers file given".into(),
        };
        let s = terminal_summary_with(&a, false);
        assert!(s.contains("Headline KPIs: whole range"));
        assert!(s.contains("Trending themes: not available"));
        assert!(s.contains("At-risk customers: not available: churn: no --customers file given"));
    }
}
