//! The KPI report: kpis.json, the tidy CSV table, the terminal summary and
//! headline figures for the HTML report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use super::block::KpiBlock;
use super::sla::SlaTargets;
use super::KpiOptions;
use crate::period::Period;
use crate::report::safe_csv::neutralize;
use crate::{Error, Result};

/// The options a report was computed with (echoed in kpis.json so a number
/// can always be traced to its definition).
#[derive(Debug, Clone, Serialize)]
pub struct ReportOptions {
    /// `"option"` when `as_of` was given, `"last_created_at"` otherwise.
    pub as_of_source: &'static str,
    /// Time zone periods are bucketed in.
    pub timezone: String,
    /// Grouping dimensions.
    pub by: Vec<String>,
    /// Period size.
    pub period: Option<Period>,
    /// First-response targets (minutes).
    pub sla_first_response_minutes: SlaTargets,
    /// Resolution targets (minutes), when configured.
    pub sla_resolution_minutes: Option<SlaTargets>,
    /// Business-hours spec, when configured.
    pub business_hours: Option<String>,
    /// Holiday dates loaded with the calendar.
    pub holidays: usize,
}

impl ReportOptions {
    pub(crate) fn from_options(o: &KpiOptions) -> ReportOptions {
        ReportOptions {
            as_of_source: if o.as_of.is_some() {
                "option"
            } else {
                "last_created_at"
            },
            timezone: o.timezone.name().to_string(),
            by: o.by.clone(),
            period: o.period,
            sla_first_response_minutes: o.sla,
            sla_resolution_minutes: o.sla_resolution,
            business_hours: o.business_hours.as_ref().map(|c| c.spec().to_string()),
            holidays: o.business_hours.as_ref().map_or(0, |c| c.holiday_count()),
        }
    }
}

/// One row of the tidy table: a combination of `by` values × period.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Group value per `by` dimension, in `by` order.
    pub values: Vec<String>,
    /// Period key, when a period was asked for.
    pub period: Option<String>,
    /// The KPIs.
    pub block: KpiBlock,
}

/// Everything the KPI stage computed. Serializes to the kpis.json schema.
#[derive(Debug, Clone, Serialize)]
pub struct KpiReport {
    /// The instant KPIs are measured at.
    pub as_of: Option<DateTime<Utc>>,
    /// Options used.
    pub options: ReportOptions,
    /// Tickets ignored because they were created after `as_of`.
    pub tickets_excluded_after_as_of: u64,
    /// All tickets.
    pub overall: KpiBlock,
    /// Dimension → group value → KPIs (each `by` dimension on its own).
    #[serde(serialize_with = "ser_by")]
    pub by: Vec<(String, BTreeMap<String, KpiBlock>)>,
    /// Period key → KPIs of tickets created in it (every period from the
    /// first ticket to `as_of`, empty ones included).
    pub periods: BTreeMap<String, KpiBlock>,
    /// Tidy table (combined `by` values × period), written as CSV.
    #[serde(skip)]
    pub table: Vec<TableRow>,
    /// Backlog at the start of the latest period (for headline changes).
    #[serde(skip)]
    pub backlog_at_last_period_start: Option<u64>,
}

fn ser_by<S: Serializer>(
    by: &[(String, BTreeMap<String, KpiBlock>)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(by.len()))?;
    for (dim, groups) in by {
        m.serialize_entry(dim, groups)?;
    }
    m.end()
}

/// A headline figure with its change against the previous period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// Stable machine key (`first_response_minutes.median`, `csat_rate`, …).
    pub key: &'static str,
    /// Human label.
    pub name: &'static str,
    /// Unit: `min`, `h`, `rate` (fraction), `points` (NPS) or `tickets`.
    pub unit: &'static str,
    /// Whether an increase is good news (for colouring changes).
    pub higher_is_better: bool,
    /// Current value.
    pub value: Option<f64>,
    /// Previous period's value.
    pub previous: Option<f64>,
    /// `value - previous` (rates in fraction points).
    pub change: Option<f64>,
}

impl KpiReport {
    /// The headline KPIs. With `previous_period` (and periods computed), the
    /// value is the latest period's (the one containing `as_of`, possibly
    /// partial) and `previous` the period before; backlog is the backlog at
    /// `as_of` vs at the start of the latest period. Otherwise the overall
    /// values, without change.
    pub fn headline(&self, previous_period: bool) -> Vec<Headline> {
        let mut keys = self.periods.keys().rev();
        let (cur, prev) = match (previous_period, keys.next()) {
            (true, Some(last)) => (&self.periods[last], keys.next().map(|k| &self.periods[k])),
            _ => (&self.overall, None),
        };
        let with_prev = previous_period && !self.periods.is_empty();
        type Get = fn(&KpiBlock) -> Option<f64>;
        let items: [(&str, &str, &str, bool, Get); 6] = [
            (
                "first_response_minutes.median",
                "First response (median)",
                "min",
                false,
                |b| b.first_response_minutes.median,
            ),
            (
                "resolution_hours.median",
                "Resolution time (median)",
                "h",
                false,
                |b| b.resolution_hours.median,
            ),
            ("csat_rate", "CSAT", "rate", true, |b| b.csat_rate),
            ("nps", "NPS", "points", true, |b| b.nps),
            ("sla_breach_rate", "SLA breach rate", "rate", false, |b| {
                b.sla_breach_rate
            }),
            ("negative_share", "Negative tickets", "rate", false, |b| {
                b.negative_share
            }),
        ];
        let mut out: Vec<Headline> = items
            .iter()
            .map(|&(key, name, unit, higher_is_better, get)| {
                let value = get(cur);
                let previous = prev.and_then(get);
                Headline {
                    key,
                    name,
                    unit,
                    higher_is_better,
                    value,
                    previous,
                    change: diff(value, previous),
                }
            })
            .collect();
        let value = Some(self.overall.backlog as f64);
        let previous = if with_prev {
            self.backlog_at_last_period_start.map(|b| b as f64)
        } else {
            None
        };
        out.insert(
            4,
            Headline {
                key: "backlog",
                name: "Backlog",
                unit: "tickets",
                higher_is_better: false,
                value,
                previous,
                change: diff(value, previous),
            },
        );
        out
    }

    /// CSV file name of the tidy table: `kpis_by_<dims>.csv` (dims joined by
    /// `_`), `kpis_by_period.csv` with a period but no dims; `None` when
    /// there is no table.
    pub fn table_file_name(&self) -> Option<String> {
        if self.table.is_empty() && self.options.by.is_empty() && self.options.period.is_none() {
            return None;
        }
        let dims: Vec<String> = self
            .options
            .by
            .iter()
            .map(|d| {
                d.chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .collect();
        Some(if dims.is_empty() {
            "kpis_by_period.csv".to_string()
        } else {
            format!("kpis_by_{}.csv", dims.join("_"))
        })
    }

    /// Write kpis.json and (with `by` or a period) the tidy CSV into
    /// `out_dir`, each atomically (temp file in the same directory, then
    /// rename). Returns the paths written.
    pub fn write(&self, out_dir: &Path) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let mut written = Vec::new();
        let json_path = out_dir.join("kpis.json");
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            context: format!("writing {}", json_path.display()),
            source: e,
        })?;
        json.push(b'\n');
        write_atomic(&json_path, &json)?;
        written.push(json_path);
        if let Some(name) = self.table_file_name() {
            let path = out_dir.join(name);
            write_atomic(&path, &self.table_csv(&path)?)?;
            written.push(path);
        }
        Ok(written)
    }

    /// The tidy table as CSV bytes: dimension columns, `period`, then every
    /// KPI of [`KpiBlock`] flattened (`first_response_minutes_median`, …);
    /// empty cells for nulls. Group values are formula-neutralized.
    pub fn table_csv(&self, path_for_errors: &Path) -> Result<Vec<u8>> {
        let ctx = || format!("writing {}", path_for_errors.display());
        let mut w = csv::Writer::from_writer(Vec::new());
        let template = self
            .table
            .first()
            .map(|r| &r.block)
            .unwrap_or(&self.overall);
        let metric_cols = flatten(template).map_err(|e| Error::Json {
            context: ctx(),
            source: e,
        })?;
        let mut header: Vec<String> = self.options.by.clone();
        if self.options.period.is_some() {
            header.push("period".to_string());
        }
        header.extend(metric_cols.into_iter().map(|(k, _)| k));
        w.write_record(header.iter().map(|h| neutralize(h).into_owned()))
            .map_err(|e| Error::Csv {
                context: ctx(),
                source: e,
            })?;
        for row in &self.table {
            let mut rec: Vec<String> = row
                .values
                .iter()
                .map(|v| neutralize(v).into_owned())
                .collect();
            if let Some(p) = &row.period {
                rec.push(p.clone());
            }
            let cols = flatten(&row.block).map_err(|e| Error::Json {
                context: ctx(),
                source: e,
            })?;
            rec.extend(cols.into_iter().map(|(_, v)| v));
            w.write_record(&rec).map_err(|e| Error::Csv {
                context: ctx(),
                source: e,
            })?;
        }
        w.into_inner()
            .map_err(|e| Error::Data(format!("{}: {}", ctx(), e.error())))
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// A block's scalar KPIs as `(column, cell)` pairs, nested stats joined with
/// `_`; map-valued keys (channel mix, by-sentiment) are left out.
fn flatten(b: &KpiBlock) -> std::result::Result<Vec<(String, String)>, serde_json::Error> {
    let mut b = b.clone();
    b.channel_mix = None;
    b.by_sentiment = None;
    let v = serde_json::to_value(&b)?;
    let mut out = Vec::new();
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}_{k}")
                    };
                    walk(&key, v, out);
                }
            }
            serde_json::Value::Null => out.push((prefix.to_string(), String::new())),
            serde_json::Value::String(s) => {
                out.push((prefix.to_string(), neutralize(s).into_owned()))
            }
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    walk("", &v, &mut out);
    Ok(out)
}

/// Write `bytes` to `path` atomically (see [`crate::report::atomic`]).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::report::atomic::write_atomic(path, bytes).map(|_| ())
}
