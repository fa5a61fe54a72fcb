//! The self-contained HTML report (`report.html`).
//!
//! One file a support lead can open from disk, mail or print: inline CSS,
//! inline SVG charts (plotters), a few lines of inline JavaScript for
//! sortable tables, and nothing fetched from the network. A
//! Content-Security-Policy meta tag forbids every external resource and lets
//! only the report's own script (by sha256 hash) run, so even a mistake in
//! escaping could not execute ticket text. All ticket-derived text goes
//! through minijinja's HTML auto-escaping; SVGs are built from numbers and
//! sanitised labels and are the only unescaped insertions.
//!
//! The page is built from the run's typed results ([`Analysis`]): the same
//! values that are written to kpis.json, themes.json, trends.csv,
//! at_risk.csv and churn_eval.json, never a second computation. What the
//! export lacks is left out (cards, charts, tables) and listed in one line.

pub(crate) mod charts;
pub(crate) mod churn;
pub(crate) mod customers;
pub(crate) mod format;
pub(crate) mod headline;
pub(crate) mod sections;
pub(crate) mod table;
pub(crate) mod taxonomy;
pub(crate) mod themes;
pub(crate) mod tickets;
mod timeline;

pub use timeline::{Timeline, MIN_CSAT_ANSWERS, MIN_PREDICTIONS};

use crate::error::{Error, OutputError, Result};
use crate::kpi::NONE_LABEL;
use crate::report::Analysis;
use crate::ticket::EnrichedTicket;
use charts::{AMBER, BLUE, GREEN, GREY, RED};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// A chart with its HTML title, caption and legend.
#[derive(Debug, Serialize)]
struct Chart {
    title: String,
    caption: String,
    svg: Option<String>,
    note: String,
    legend: Vec<(String, String)>,
    wide: bool,
}

impl Chart {
    fn new(
        title: &str,
        caption: String,
        svg: Result<String>,
        legend: &[(&str, charts::Colour)],
    ) -> Chart {
        let (svg, note) = match svg {
            Ok(s) => (Some(s), String::new()),
            Err(e) => (None, format!("not available: {e}")),
        };
        Chart {
            title: title.into(),
            caption,
            svg,
            note,
            legend: legend
                .iter()
                .map(|(n, c)| (n.to_string(), charts::hex(*c)))
                .collect(),
            wide: false,
        }
    }
}

#[derive(Serialize)]
struct View {
    title: String,
    subtitle: String,
    headline: headline::Headline,
    top_themes: String,
    charts: Vec<Chart>,
    charts_note: String,
    dims: Vec<table::Table>,
    dims_note: String,
    customers: Option<customers::Customers>,
    taxonomy: Option<taxonomy::TaxonomySection>,
    themes: sections::Themes,
    churn: sections::Churn,
    tickets: table::Table,
    quality: sections::Quality,
    definitions: Vec<(&'static str, String)>,
    run: sections::RunInfo,
    script: &'static str,
    script_hash: String,
}

const TEMPLATE: &str = include_str!("report.html.j2");
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("sort.js");

/// Most bars in the topic and channel mix charts.
const MAX_BARS: usize = 12;

/// The report's title: the input by file name only.
pub fn title(a: &Analysis) -> String {
    format!("ticketlens report — {}", a.run.input)
}

/// "Largest themes: …" for the headline: the three largest themes with
/// their ticket counts (empty without themes).
fn top_themes(a: &Analysis) -> String {
    let Some(t) = &a.themes else {
        return String::new();
    };
    let mut list: Vec<&crate::themes::Theme> = t.themes.iter().collect();
    list.sort_by(|x, y| y.size.cmp(&x.size).then(x.id.cmp(&y.id)));
    let items: Vec<String> = list
        .iter()
        .take(3)
        .map(|t| {
            format!(
                "{} ({})",
                format::truncate(&t.label, 60),
                format::count(Some(t.size as f64))
            )
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("Largest themes: {}.", items.join(", "))
    }
}

/// Every chart the export has data for, in display order.
fn build_charts(a: &Analysis, tl: &Timeline) -> Vec<Chart> {
    let k = &a.kpis;
    let o = &k.overall;
    let p = k
        .options
        .period
        .map_or_else(|| "period".to_string(), |p| p.to_string());
    let mut out = Vec::new();
    if a.dated && !tl.keys.is_empty() {
        let created: Vec<f64> = tl.blocks.iter().map(|b| b.tickets as f64).collect();
        let mut series = vec![(BLUE, created)];
        let mut legend = vec![("Created", BLUE)];
        let title = if let Some(b) = tl.backlog(k) {
            series.push((AMBER, b));
            legend.push(("Open at end of period", AMBER));
            "Volume and backlog"
        } else {
            "Volume"
        };
        let mut c = Chart::new(
            title,
            format!(
                "Tickets created per {p}{}.{}",
                if legend.len() > 1 {
                    format!(" and tickets still open at the end of each {p}")
                } else {
                    String::new()
                },
                if k.last_period_complete == Some(false) {
                    " The last one is incomplete (the data ends before it does)."
                } else {
                    ""
                }
            ),
            charts::lines(true, title, &tl.keys, &series, false),
            &legend,
        );
        c.wide = true;
        out.push(c);
        if o.csat_responses > 0 {
            out.push(Chart::new(
                "CSAT rate",
                format!(
                    "Share of satisfaction answers that are 4 or 5, per {p} (not drawn for a {p} with fewer than {MIN_CSAT_ANSWERS} answers)."
                ),
                charts::lines(false, "CSAT rate", &tl.keys, &[(GREEN, tl.csat())], true),
                &[("CSAT", GREEN)],
            ));
        }
        if o.predictions > 0 {
            let [neg, neu, pos] = tl.sentiment();
            out.push(Chart::new(
                "Sentiment mix",
                format!(
                    "Share of tickets per predicted sentiment, per {p} (left blank for a {p} with fewer than {MIN_PREDICTIONS} tickets)."
                ),
                charts::stacked_shares(
                    "Sentiment mix",
                    &tl.keys,
                    &[(RED, neg), (GREY, neu), (GREEN, pos)],
                ),
                &[("Negative", RED), ("Neutral", GREY), ("Positive", GREEN)],
            ));
        }
    }
    let frt = &k.distributions.first_response_minutes;
    if frt.total() > 0 {
        out.push(Chart::new(
            "First response time",
            format!(
                "Tickets by time to first agent reply (log-scaled bins). Median {}, 90th percentile {}.",
                format::minutes(o.first_response_minutes.median),
                format::minutes(o.first_response_minutes.p90)
            ),
            charts::columns("First response time", &frt.labels, &frt.counts, BLUE),
            &[],
        ));
    }
    let res = &k.distributions.resolution_hours;
    if res.total() > 0 {
        out.push(Chart::new(
            "Resolution time",
            format!(
                "Resolved tickets by time to resolution (log-scaled bins). Median {}, 90th percentile {}.",
                format::hours(o.resolution_hours.median),
                format::hours(o.resolution_hours.p90)
            ),
            charts::columns("Resolution time", &res.labels, &res.counts, AMBER),
            &[],
        ));
    }
    // A `by` dimension that is no ticket field is a team taxonomy's name
    // (`--taxonomy`): its mix is charted next to the topic mix.
    let taxonomies: Vec<(String, String)> = k
        .options
        .by
        .iter()
        .filter(|d| !crate::kpi::DIMENSIONS.contains(&d.as_str()))
        .map(|d| (d.clone(), format!("{d} mix (your taxonomy)")))
        .collect();
    let mut mixes: Vec<(&str, &str, charts::Colour)> = vec![
        ("topic", "Topic mix", BLUE),
        ("channel", "Channel mix", AMBER),
        ("language", "Language mix", GREY),
    ];
    for (d, title) in &taxonomies {
        mixes.insert(1, (d.as_str(), title.as_str(), GREEN));
    }
    for (dim, title, colour) in mixes {
        let all = group_sizes(k, dim);
        if all.is_empty() {
            continue;
        }
        let top: Vec<(String, u64)> = all.iter().take(MAX_BARS).cloned().collect();
        let what = match dim {
            "topic" => "predicted topic".to_string(),
            "channel" => "channel".to_string(),
            "language" => "detected language (texts too short to tell are left out)".to_string(),
            other => format!("{other} label (your taxonomy)"),
        };
        let caption = if all.len() > MAX_BARS {
            format!("Tickets per {what} (largest {MAX_BARS} of {}).", all.len())
        } else {
            format!("Tickets per {what}.")
        };
        out.push(Chart::new(
            title,
            caption,
            charts::bars(title, &top, colour),
            &[],
        ));
    }
    out
}

/// Tickets per group of a `by` dimension, largest first, without the
/// "(none)" group; empty when the dimension was not computed.
pub(super) fn group_sizes(k: &crate::kpi::KpiReport, dim: &str) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> =
        k.by.iter()
            .find(|(d, _)| d == dim)
            .map(|(_, g)| {
                g.iter()
                    .filter(|(name, _)| name.as_str() != NONE_LABEL)
                    .map(|(name, b)| (name.clone(), b.tickets))
                    .collect()
            })
            .unwrap_or_default();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

fn sha256_base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let d = Sha256::digest(s.as_bytes());
    let mut out = String::new();
    for chunk in d.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Render the report as one HTML document from the run's results and its
/// enriched tickets (for the ticket list).
pub fn render(a: &Analysis, tickets: &[EnrichedTicket]) -> Result<String> {
    let k = &a.kpis;
    let tl = Timeline::dense(k);
    let range = match (tl.keys.first(), tl.keys.last()) {
        _ if !a.dated => "no creation times".into(),
        (Some(x), Some(y)) if x != y => format!("{x} to {y}"),
        (Some(x), _) => x.clone(),
        _ => "no tickets".into(),
    };
    let subtitle = format!(
        "{} tickets · {range}{} · {}",
        format::count(Some(k.overall.tickets as f64)),
        k.options
            .period
            .filter(|_| a.dated)
            .map(|p| format!(" · per {p}"))
            .unwrap_or_default(),
        a.timezone.name()
    );
    let dims = sections::by_dimension(k);
    let dims_note = if dims.is_empty() {
        format!(
            "not available: the export has no values for the grouping columns ({})",
            crate::error::Setting::By
        )
    } else {
        String::new()
    };
    let view = View {
        title: title(a),
        subtitle,
        headline: headline::build(k),
        top_themes: top_themes(a),
        charts: build_charts(a, &tl),
        charts_note: tl.note(),
        dims,
        dims_note,
        customers: Some(customers::customers(k)).filter(|c| !c.is_empty()),
        taxonomy: a.taxonomy.as_ref().map(|t| taxonomy::section(t, tickets)),
        themes: sections::themes(a.themes.as_ref()),
        churn: sections::churn(&a.churn),
        tickets: tickets::ticket_list(tickets, a.timezone, a.dated),
        quality: sections::quality(&a.run),
        definitions: sections::definitions(),
        run: sections::run_info(&a.run),
        script: SCRIPT,
        script_hash: sha256_base64(SCRIPT),
    };
    let mut env = minijinja::Environment::new();
    // Escape everything, whatever the template is called.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .map_err(render_err)?;
    env.add_template("report.css", STYLE).map_err(render_err)?;
    let tmpl = env.get_template("report.html").map_err(render_err)?;
    tmpl.render(minijinja::Value::from_serialize(&view))
        .map_err(render_err)
}

fn render_err(e: minijinja::Error) -> Error {
    OutputError::Render(e.to_string()).into()
}

/// Render and write the report atomically to `path`.
pub fn write(a: &Analysis, tickets: &[EnrichedTicket], path: &Path) -> Result<()> {
    let html = render(a, tickets)?;
    crate::io::atomic::write_atomic(path, html.as_bytes())?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
