//! The KPI report: kpis.json, the tidy CSV tables, the terminal summary and
//! headline figures for the HTML report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use super::block::KpiBlock;
use super::sla::SlaTargets;
use super::{FcrDefinition, KpiOptions};
use crate::ingest::conversations::ThreadStats;
use crate::io::safe_csv::neutralize;
use crate::period::Period;
use crate::{Error, Result};

/// The options a report was computed with (echoed in kpis.json so a number
/// can always be traced to its definition).
#[derive(Debug, Clone, Serialize)]
pub struct ReportOptions {
    /// `"option"` when `as_of` was given, `"none"` when the input has no
    /// creation times ([`KpiOptions::undated`]), `"latest_timestamp"`
    /// otherwise (the latest created/first-response/resolved instant).
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
    /// Whether the combined (cross-product) table was asked for.
    pub cross: bool,
    /// First-contact resolution definition of every `fcr_rate`
    /// (`one-touch` or `one-reply`).
    pub fcr_definition: FcrDefinition,
}

impl ReportOptions {
    pub(crate) fn from_options(o: &KpiOptions) -> ReportOptions {
        ReportOptions {
            as_of_source: if o.as_of.is_some() {
                "option"
            } else if o.undated {
                "none"
            } else {
                "latest_timestamp"
            },
            timezone: o.timezone.name().to_string(),
            by: o.by.clone(),
            period: o.period,
            sla_first_response_minutes: o.sla,
            sla_resolution_minutes: o.sla_resolution,
            business_hours: o.business_hours.as_ref().map(|c| c.spec().to_string()),
            holidays: o.business_hours.as_ref().map_or(0, |c| c.holiday_count()),
            cross: o.cross,
            fcr_definition: o.fcr,
        }
    }
}

/// One row of a tidy table: group value(s) × period.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Group value per dimension of its table, in the table's order.
    pub values: Vec<String>,
    /// Period key, when a period was asked for.
    pub period: Option<String>,
    /// The KPIs.
    pub block: KpiBlock,
}

/// One tidy table (one CSV file): a row per group × period with every KPI
/// as a column, so it loads straight into a spreadsheet or dataframe.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTable {
    /// Dimension columns, in order; empty for the per-period table.
    pub dims: Vec<String>,
    /// Whether rows have a `period` column.
    pub period: bool,
    /// Rows with tickets, sorted by values then period (the per-period
    /// table has every period, empty ones included, like `periods`).
    pub rows: Vec<TableRow>,
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
    /// Tickets open at the end of each period of `periods` (at `as_of` for
    /// the period containing it, so the last value equals
    /// `overall.backlog`). Unlike `periods.<k>.backlog` (tickets created in
    /// the period and still open at `as_of`) this is the backlog curve.
    /// Empty (absent from kpis.json) when nothing in the export says
    /// whether a ticket was resolved, or without periods.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub backlog_at_period_end: BTreeMap<String, u64>,
    /// Whether the last period of `periods` is complete: `as_of` falls on
    /// its last calendar day. A partial last period makes volume look like
    /// a drop, so comparisons use the last complete one. `None` without
    /// periods.
    pub last_period_complete: Option<bool>,
    /// First-response and resolution histograms of the whole range.
    pub distributions: super::Distributions,
    /// Peak hours for staffing: tickets created per local weekday × hour
    /// (report time zone), 7 rows (Monday first, [`super::WEEKDAYS`]) × 24
    /// hours. Null for undated input.
    pub volume_by_weekday_hour: Option<Vec<Vec<u64>>>,
    /// Median first response (minutes) per weekday × hour cell of
    /// `volume_by_weekday_hour`, over its tickets answered by `as_of`;
    /// null cells where none was.
    pub first_response_minutes_median_by_weekday_hour: Option<Vec<Vec<Option<f64>>>>,
    /// What the cost figures were computed from (`--support-cost` or
    /// `--cost-per-agent-hour`), with the overall figures; absent without
    /// a cost option.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<super::CostSummary>,
    /// Customer KPIs from the customers table (`--customers`): contact
    /// rate, churn and retention rate overall, by plan, by contact and next
    /// to the support experience; absent without a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers: Option<super::CustomerKpis>,
    /// The customers with the most tickets (at most
    /// [`super::TOP_CUSTOMERS`]), with plan and churn label when a
    /// customers table is given; empty when no ticket has a customer id.
    pub top_customers: Vec<super::TopCustomer>,
    /// Thread figures when the tickets were rebuilt from a conversation log
    /// (`kpi --conversations`): messages, threads, replies per thread, reply
    /// delays. They describe the whole log, so the caller sets this; absent
    /// from kpis.json for ticket exports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<ThreadStats>,
    /// Priority values no SLA class is known for (`PriorityClass::parse`),
    /// with their ticket counts, most frequent first (at most 50 distinct
    /// values). Those tickets are judged against the **normal** targets;
    /// map such values with `--sla` keys or fix the export. Absent from
    /// kpis.json when every priority was recognised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_priorities: Vec<(String, u64)>,
    /// Rows read, used and rejected (grouped by reason) and the ingest
    /// warnings, so kpis.json says what its numbers were computed from. Set
    /// by the caller (`kpi`, `analyze`), which did the reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_quality: Option<crate::ingest::DataQuality>,
    /// Tidy tables, one CSV file each: one per `by` dimension (rows = its
    /// values × period), the per-period table when a period is set, and
    /// with `cross` the combined table (every combination of the `by`
    /// values × period).
    #[serde(skip)]
    pub tables: Vec<KpiTable>,
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
        let value = self.overall.backlog.map(|b| b as f64);
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

    /// The CSV tables, each with its file name (see [`KpiTable::file_name`]).
    pub fn table_files(&self) -> Vec<(String, &KpiTable)> {
        self.tables.iter().map(|t| (t.file_name(), t)).collect()
    }

    /// Write kpis.json and the CSV tables ([`KpiReport::tables`]) into
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
        for (name, table) in self.table_files() {
            let path = out_dir.join(name);
            write_atomic(&path, &table.to_csv(&self.overall, &path)?)?;
            written.push(path);
        }
        Ok(written)
    }
}

impl KpiTable {
    /// `kpis_by_<dims>.csv` (dims joined by `_`, each reduced to lower-case
    /// ASCII letters, digits and `_`), `kpis_by_period.csv` for the
    /// per-period table. The name says what a row is, so a reader never has
    /// to guess the grouping.
    pub fn file_name(&self) -> String {
        if self.dims.is_empty() {
            return "kpis_by_period.csv".to_string();
        }
        let dims: Vec<String> = self
            .dims
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
        format!("kpis_by_{}.csv", dims.join("_"))
    }

    /// The table as CSV bytes: dimension columns, `period` (when the table
    /// has one), then every KPI of [`KpiBlock`] flattened
    /// (`first_response_minutes_median`, …); empty cells for nulls. Group
    /// values are formula-neutralized (ticket data is untrusted and these
    /// files are opened in spreadsheets). `template` gives the columns when
    /// the table has no rows.
    pub fn to_csv(&self, template: &KpiBlock, path_for_errors: &Path) -> Result<Vec<u8>> {
        let ctx = || format!("writing {}", path_for_errors.display());
        let mut w = csv::Writer::from_writer(Vec::new());
        let template = self.rows.first().map(|r| &r.block).unwrap_or(template);
        let metric_cols = flatten(template).map_err(|e| Error::Json {
            context: ctx(),
            source: e,
        })?;
        let mut header: Vec<String> = self.dims.clone();
        if self.period {
            header.push("period".to_string());
        }
        header.extend(metric_cols.into_iter().map(|(k, _)| k));
        w.write_record(header.iter().map(|h| neutralize(h).into_owned()))
            .map_err(|e| Error::Csv {
                context: ctx(),
                source: e,
            })?;
        for row in &self.rows {
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
        w.into_inner().map_err(|e| Error::Csv {
            context: ctx(),
            source: e.into_error().into(),
        })
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// A block's scalar KPIs as `(column, cell)` pairs, nested stats joined with
/// `_`; map-valued keys (channel mix, by-sentiment) are left out.
fn flatten(b: &KpiBlock) -> std::result::Result<Vec<(String, String)>, serde_json::Error> {
    Ok(flatten_values(b)?
        .into_iter()
        .map(|(k, v)| {
            let cell = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => neutralize(&s).into_owned(),
                other => other.to_string(),
            };
            (k, cell)
        })
        .collect())
}

/// A block's scalar KPIs as `(column, value)` pairs, the columns of
/// [`KpiTable::to_csv`] (nested stats joined with `_`, map-valued keys
/// left out), with their JSON values (numbers, strings, booleans, nulls).
pub(crate) fn flatten_values(
    b: &KpiBlock,
) -> std::result::Result<Vec<(String, serde_json::Value)>, serde_json::Error> {
    let mut b = b.clone();
    b.channel_mix = None;
    b.by_sentiment = None;
    let v = serde_json::to_value(&b)?;
    let mut out = Vec::new();
    fn walk(prefix: &str, v: serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k
                    } else {
                        format!("{prefix}_{k}")
                    };
                    walk(&key, v, out);
                }
            }
            other => out.push((prefix.to_string(), other)),
        }
    }
    walk("", v, &mut out);
    Ok(out)
}

/// Write `bytes` to `path` atomically (see [`crate::io::atomic`]).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::io::atomic::write_atomic(path, bytes).map(|_| ())
}
