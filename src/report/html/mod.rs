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
//! The analysis outputs are read as `serde_json::Value` with defensive
//! look-ups (see [`json`]), so a changed or missing key shows "n/a" instead
//! of failing the run.

pub mod charts;
pub mod churn;
pub mod format;
pub mod headline;
pub mod json;
pub mod sections;
pub mod series;
pub mod table;
pub mod themes;
pub mod tickets;

mod load;

pub use load::{read_csv_objects, read_json_opt};

use crate::error::{Error, Result};
use crate::period::Period;
use crate::ticket::EnrichedTicket;
use charts::{AMBER, BLUE, GREEN, GREY, RED};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Everything the report and the terminal summary show.
///
/// The JSON values are the parsed analysis outputs as written to the output
/// directory; `None`/empty means the stage did not run (the section then
/// says why).
pub struct ReportInputs<'a> {
    /// Report title (e.g. "Support report: tickets.csv").
    pub title: String,
    /// run.json: versions, model, hashes, row counts, timings, options.
    pub run: Value,
    /// kpis.json.
    pub kpis: Option<Value>,
    /// themes.json.
    pub themes: Option<Value>,
    /// trends.csv rows as JSON objects (theme, label, period, count, …).
    pub trends: Vec<Value>,
    /// at_risk.csv rows as JSON objects.
    pub at_risk: Vec<Value>,
    /// churn_eval.json.
    pub churn_eval: Option<Value>,
    /// Why churn did not run (e.g. "churn: no --customers file given").
    pub churn_note: Option<String>,
    /// The enriched tickets, for the time-series charts.
    pub tickets: &'a [EnrichedTicket],
    /// Reporting period of the time series.
    pub period: Period,
    /// Time zone periods are cut in.
    pub timezone: Tz,
    /// Whether the tickets have creation times (`false`: the input had no
    /// creation-time column, so the charts over time are left out).
    pub has_time: bool,
}

impl<'a> ReportInputs<'a> {
    /// Inputs with no analysis results yet (fill the fields you have).
    pub fn new(
        title: impl Into<String>,
        tickets: &'a [EnrichedTicket],
        period: Period,
        timezone: Tz,
    ) -> Self {
        ReportInputs {
            title: title.into(),
            run: Value::Null,
            kpis: None,
            themes: None,
            trends: Vec::new(),
            at_risk: Vec::new(),
            churn_eval: None,
            churn_note: None,
            tickets,
            period,
            timezone,
            has_time: true,
        }
    }

    /// Read the analysis outputs `analyze` wrote into `dir` (run.json,
    /// kpis.json, themes.json, trends.csv, at_risk.csv, churn_eval.json);
    /// missing files leave their field empty, unreadable ones are errors.
    pub fn from_dir(
        dir: &Path,
        title: impl Into<String>,
        tickets: &'a [EnrichedTicket],
        period: Period,
        timezone: Tz,
    ) -> Result<Self> {
        let mut r = ReportInputs::new(title, tickets, period, timezone);
        r.run = read_json_opt(&dir.join("run.json"))?.unwrap_or(Value::Null);
        r.kpis = read_json_opt(&dir.join("kpis.json"))?;
        r.themes = read_json_opt(&dir.join("themes.json"))?;
        r.churn_eval = read_json_opt(&dir.join("churn_eval.json"))?;
        r.trends = read_csv_objects(&dir.join("trends.csv"))?;
        r.at_risk = read_csv_objects(&dir.join("at_risk.csv"))?;
        Ok(r)
    }
}

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

    fn unavailable(title: &str, why: &str) -> Chart {
        Chart {
            title: title.into(),
            caption: String::new(),
            svg: None,
            note: format!("not available: {why}"),
            legend: Vec::new(),
            wide: false,
        }
    }
}

#[derive(Serialize)]
struct View {
    title: String,
    subtitle: String,
    headline: headline::Headline,
    charts: Vec<Chart>,
    dims: Vec<table::Table>,
    dims_note: String,
    themes: sections::Themes,
    churn: sections::Churn,
    tickets: table::Table,
    quality: sections::Quality,
    definitions: Vec<(&'static str, &'static str)>,
    run: sections::RunInfo,
    script: &'static str,
    script_hash: String,
}

const TEMPLATE: &str = include_str!("report.html.j2");
const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("sort.js");

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

fn build_charts(inputs: &ReportInputs, s: &series::Series) -> Vec<Chart> {
    if s.keys.is_empty() {
        return vec![Chart::unavailable("Charts", "no tickets in this run")];
    }
    let over_time = ["Volume and backlog", "CSAT rate", "Sentiment mix"];
    if !inputs.has_time {
        // Every ticket would sit in one 1970 period: say why instead.
        let mut out: Vec<Chart> = over_time
            .iter()
            .map(|t| Chart::unavailable(t, "the input has no creation-time column"))
            .collect();
        out.extend(
            build_charts_inner(inputs, s)
                .into_iter()
                .skip(over_time.len()),
        );
        return out;
    }
    build_charts_inner(inputs, s)
}

fn build_charts_inner(inputs: &ReportInputs, s: &series::Series) -> Vec<Chart> {
    let p = inputs.period;
    let overall = inputs
        .kpis
        .as_ref()
        .and_then(|k| k.get("overall"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = Vec::new();
    let created: Vec<f64> = s.created.iter().map(|&c| c as f64).collect();
    let backlog: Vec<f64> = s.backlog.iter().map(|&c| c as f64).collect();
    let mut c = Chart::new(
        "Volume and backlog",
        format!(
            "Tickets created per {p} and tickets still open at the end of each {p}.{}",
            if s.last_complete {
                ""
            } else {
                " The last one is incomplete (the data ends before it does)."
            }
        ),
        charts::lines(
            true,
            "Volume and backlog",
            &s.keys,
            &[(BLUE, created), (AMBER, backlog)],
            false,
        ),
        &[("Created", BLUE), ("Open at end of period", AMBER)],
    );
    c.wide = true;
    out.push(c);
    // CSAT: kpis.json periods when present (so the chart agrees with the
    // JSON), else the share of 4–5 answers computed from the tickets.
    let kp = inputs.kpis.as_ref().and_then(|k| k.get("periods"));
    let csat: Vec<f64> = s
        .keys
        .iter()
        .zip(&s.csat)
        .map(|(k, (n, good))| {
            kp.and_then(|p| p.get(k))
                .and_then(|v| json::num(v, &["csat_rate"]))
                .unwrap_or_else(|| share(*good, *n))
        })
        .collect();
    out.push(if csat.iter().any(|v| v.is_finite()) {
        Chart::new(
            "CSAT rate",
            format!("Share of satisfaction answers that are 4 or 5, per {p}."),
            charts::lines(false, "CSAT rate", &s.keys, &[(GREEN, csat)], true),
            &[("CSAT", GREEN)],
        )
    } else {
        Chart::unavailable("CSAT rate", "no CSAT answers in the input")
    });
    let totals: Vec<u64> = s.sentiment.iter().map(|x| x.iter().sum()).collect();
    out.push(if totals.iter().any(|&t| t > 0) {
        let layer = |i: usize| {
            s.sentiment
                .iter()
                .zip(&totals)
                .map(|(x, t)| share(x[i], *t))
                .collect::<Vec<_>>()
        };
        Chart::new(
            "Sentiment mix",
            format!("Share of tickets per predicted sentiment, per {p}."),
            charts::stacked_shares(
                "Sentiment mix",
                &s.keys,
                &[(RED, layer(0)), (GREY, layer(1)), (GREEN, layer(2))],
            ),
            &[("Negative", RED), ("Neutral", GREY), ("Positive", GREEN)],
        )
    } else {
        Chart::unavailable("Sentiment mix", "the tickets were not classified")
    });
    let frt_caption = format!(
        "Tickets by time to first agent reply (log-scaled bins). Median {}, 90th percentile {}.",
        format::minutes(json::num(&overall, &["first_response_minutes.median"])),
        format::minutes(json::num(&overall, &["first_response_minutes.p90"]))
    );
    out.push(if s.frt_hist.iter().any(|&c| c > 0) {
        Chart::new(
            "First response time",
            frt_caption,
            charts::columns(
                "First response time",
                &series::FRT_LABELS,
                &s.frt_hist,
                BLUE,
            ),
            &[],
        )
    } else {
        Chart::unavailable(
            "First response time",
            "no first-response times in the input",
        )
    });
    let res_caption = format!(
        "Resolved tickets by time to resolution (log-scaled bins). Median {}, 90th percentile {}.",
        format::hours(json::num(&overall, &["resolution_hours.median"])),
        format::hours(json::num(&overall, &["resolution_hours.p90"]))
    );
    out.push(if s.res_hist.iter().any(|&c| c > 0) {
        Chart::new(
            "Resolution time",
            res_caption,
            charts::columns("Resolution time", &series::RES_LABELS, &s.res_hist, AMBER),
            &[],
        )
    } else {
        Chart::unavailable("Resolution time", "no resolution times in the input")
    });
    out.push(if s.topics.is_empty() {
        Chart::unavailable("Topic mix", "the tickets were not classified")
    } else {
        let top: Vec<(String, u64)> = s.topics.iter().take(12).cloned().collect();
        let caption = if s.topics.len() > 12 {
            format!(
                "Tickets per predicted topic (largest 12 of {}).",
                s.topics.len()
            )
        } else {
            "Tickets per predicted topic.".into()
        };
        Chart::new(
            "Topic mix",
            caption,
            charts::bars("Topic mix", &top, BLUE),
            &[],
        )
    });
    let top: Vec<(String, u64)> = s.channels.iter().take(12).cloned().collect();
    out.push(Chart::new(
        "Channel mix",
        format!(
            "Tickets per channel{}.",
            if s.channels.len() > 12 {
                " (largest 12)"
            } else {
                ""
            }
        ),
        charts::bars("Channel mix", &top, AMBER),
        &[],
    ));
    out
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

/// Render the report as one HTML document.
pub fn render(inputs: &ReportInputs) -> Result<String> {
    let s = series::compute(inputs.tickets, inputs.period, inputs.timezone);
    let range = match (s.keys.first(), s.keys.last()) {
        _ if !inputs.has_time => "no creation times".into(),
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.clone(),
        _ => "no tickets".into(),
    };
    let subtitle = format!(
        "{} tickets · {range} · per {} · {}",
        format::count(Some(inputs.tickets.len() as f64)),
        inputs.period,
        inputs.timezone.name()
    );
    let dims = sections::by_dimension(inputs.kpis.as_ref());
    let dims_note = match (&inputs.kpis, dims.is_empty()) {
        (None, _) => "not available: no KPI results (kpis.json) for this run".into(),
        (Some(_), true) => "not available: kpis.json has no per-group KPIs (by)".into(),
        _ => String::new(),
    };
    let view = View {
        title: inputs.title.clone(),
        subtitle,
        headline: headline::build(inputs.kpis.as_ref(), &s),
        charts: build_charts(inputs, &s),
        dims,
        dims_note,
        themes: sections::themes(inputs.themes.as_ref(), &inputs.trends),
        churn: sections::churn(
            &inputs.at_risk,
            inputs.churn_eval.as_ref(),
            inputs.churn_note.as_deref(),
        ),
        tickets: tickets::ticket_list(inputs.tickets, inputs.timezone, inputs.has_time),
        quality: sections::quality(&inputs.run),
        definitions: sections::DEFINITIONS.to_vec(),
        run: sections::run_info(&inputs.run),
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
    Error::Data(format!("rendering the HTML report: {e}"))
}

/// Render and write the report atomically to `path`.
pub fn write(inputs: &ReportInputs, path: &Path) -> Result<()> {
    let html = render(inputs)?;
    crate::report::atomic::write_atomic(path, html.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests;
