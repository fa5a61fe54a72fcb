//! The customers table: churn labels and account facts (plan, MRR, tenure),
//! read by churn scoring and by the customer KPIs (contact and churn rate).
//!
//! Exports name their columns in many ways (`Customer ID`, `account_id`,
//! `Churned?`), so headers are normalised (lower case, non-alphanumerics to
//! `_`) and matched against alias lists; a `map` override (`field=COLUMN`)
//! wins over the aliases for exports the aliases do not cover.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::error::{Error, IngestError, Result, Setting};

/// One customer as read from the customers table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerRow {
    /// Customer id, matched against the tickets' `customer_id` (trimmed; an email in any case).
    pub customer_id: String,
    /// Plan / tier name (trimmed, lower-cased so `Pro` and `pro` are one plan).
    pub plan: Option<String>,
    /// Monthly recurring revenue.
    pub mrr: Option<f64>,
    /// When the customer signed up (midnight UTC for date-only values).
    pub signup_date: Option<DateTime<Utc>>,
    /// Tenure in days as given by the file (used only when there is no signup date).
    pub tenure_days: Option<f64>,
    /// Churn label: `None` when blank/unknown (such customers are scored, not trained on).
    pub churned: Option<bool>,
}

/// The customers table, one row per customer id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerTable {
    /// Rows in file order (duplicates removed: the last row for an id wins).
    pub rows: Vec<CustomerRow>,
    /// Non-fatal findings (duplicate ids …), surfaced in the evaluation.
    pub warnings: Vec<String>,
}

/// Fields the table understands, with the header spellings tried for each.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "customer_id",
        &[
            "customer_id",
            "customerid",
            "customer",
            "account_id",
            "accountid",
            "account",
            "client_id",
            "client",
            "org_id",
            "organization_id",
            "organisation_id",
            "company_id",
            "requester_id",
            "user_id",
        ],
    ),
    (
        "churned",
        &[
            "churned",
            "churn",
            "is_churned",
            "has_churned",
            "churn_flag",
            "churned_flag",
            "label",
        ],
    ),
    (
        "plan",
        &[
            "plan",
            "plan_name",
            "tier",
            "subscription",
            "subscription_plan",
            "package",
            "segment",
        ],
    ),
    (
        "mrr",
        &[
            "mrr",
            "monthly_recurring_revenue",
            "monthly_revenue",
            "mrr_usd",
            "revenue",
        ],
    ),
    (
        "arr",
        &[
            "arr",
            "annual_recurring_revenue",
            "annual_revenue",
            "arr_usd",
            "acv",
        ],
    ),
    (
        "signup_date",
        &[
            "signup_date",
            "signup",
            "signed_up_at",
            "signup_at",
            "created_at",
            "start_date",
            "customer_since",
            "joined",
        ],
    ),
    ("tenure_days", &["tenure_days", "tenure", "age_days"]),
];

/// Lower-case a header and turn every run of non-alphanumerics into one `_`.
fn normalize_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Parse a churn label; `Ok(None)` for blank/unknown.
pub(crate) fn parse_label(s: &str) -> std::result::Result<Option<bool>, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "na" | "n/a" | "null" | "none" | "unknown" | "?" | "-" => Ok(None),
        "1" | "true" | "yes" | "y" | "t" | "churned" => Ok(Some(true)),
        "0" | "false" | "no" | "n" | "f" | "active" | "retained" => Ok(Some(false)),
        other => Err(format!(
            "churn label `{other}` is not 0/1/true/false/yes/no (or blank for unknown)"
        )),
    }
}

/// Parse a date or timestamp (ISO date, RFC 3339, `YYYY-MM-DD HH:MM[:SS]`, `YYYY/MM/DD`).
pub(crate) fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(dt.and_utc());
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc());
        }
    }
    None
}

/// Parse a number, tolerating currency signs and thousands separators (`$1,200.50`).
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | '€' | '£' | ',' | ' '))
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl CustomerTable {
    /// Read a customers CSV.
    ///
    /// `map` holds `(field, column)` overrides, fields being `customer_id`,
    /// `churned`, `plan`, `mrr`, `arr` (read as MRR = ARR / 12 when there is
    /// no MRR column), `signup_date`, `tenure_days`. Only
    /// `customer_id` is required; a file without a `churned` column can still
    /// be used for scoring (plan/MRR/tenure features) but not for training.
    pub fn read(path: &Path, map: &[(String, String)]) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Self::from_reader(file, &path.display().to_string(), map)
    }

    /// Read a customers CSV from any reader; `name` is used in error messages.
    pub fn from_reader<R: std::io::Read>(
        reader: R,
        name: &str,
        map: &[(String, String)],
    ) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| Error::Csv {
                context: format!("{name}: reading header"),
                source: e,
            })?
            .clone();
        let normalized: Vec<String> = headers.iter().map(normalize_header).collect();
        let mut cols: HashMap<&str, usize> = HashMap::new();
        for (field, column) in map {
            let Some(&(f, _)) = FIELDS.iter().find(|(f, _)| *f == field.trim()) else {
                let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                return Err(Error::option(
                    Setting::CustomersMap,
                    format!("unknown field `{field}` (known: {})", known.join(", ")),
                ));
            };
            let idx = headers
                .iter()
                .position(|h| h.trim() == column.trim())
                .or_else(|| {
                    normalized
                        .iter()
                        .position(|h| *h == normalize_header(column))
                })
                .ok_or_else(|| {
                    Error::option(
                        Setting::CustomersMap,
                        format!(
                            "{name} has no column `{column}` (columns: {})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?;
            cols.insert(f, idx);
        }
        for (field, aliases) in FIELDS {
            if cols.contains_key(field) {
                continue;
            }
            if let Some(idx) = aliases
                .iter()
                .find_map(|a| normalized.iter().position(|h| h == a))
            {
                cols.insert(field, idx);
            }
        }
        if !cols.contains_key("customer_id") {
            return Err(IngestError::MissingColumn {
                path: name.to_string(),
                field: "customer_id".into(),
                tried: FIELDS[0].1.join(", "),
            }
            .into());
        }

        let mut table = CustomerTable::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut duplicates = 0usize;
        let mut first_duplicate = None;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| Error::Csv {
                context: name.to_string(),
                source: e,
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |field: &str| {
                cols.get(field)
                    .and_then(|&i| rec.get(i))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let Some(id) = get("customer_id") else {
                continue;
            };
            // The tickets' key (emails compare in any case).
            let key = super::values::customer_key(id);
            let id = key.as_str();
            let parse_err = |message: String| Error::Parse {
                path: name.to_string(),
                line,
                message,
            };
            let churned = match get("churned") {
                Some(v) => parse_label(v).map_err(parse_err)?,
                None => None,
            };
            let mrr = match get("mrr") {
                Some(v) => Some(
                    parse_number(v)
                        .ok_or_else(|| parse_err(format!("MRR `{v}` is not a number")))?,
                ),
                // ARR when the table has no MRR: a twelfth of it.
                None => match get("arr") {
                    Some(v) => Some(
                        parse_number(v)
                            .ok_or_else(|| parse_err(format!("ARR `{v}` is not a number")))?
                            / 12.0,
                    ),
                    None => None,
                },
            };
            let signup_date = match get("signup_date") {
                Some(v) => Some(parse_date(v).ok_or_else(|| {
                    parse_err(format!(
                        "signup date `{v}` is not a date (use YYYY-MM-DD or RFC 3339)"
                    ))
                })?),
                None => None,
            };
            let tenure_days =
                match get("tenure_days") {
                    Some(v) => Some(parse_number(v).ok_or_else(|| {
                        parse_err(format!("tenure `{v}` is not a number of days"))
                    })?),
                    None => None,
                };
            let row = CustomerRow {
                customer_id: id.to_string(),
                plan: get("plan").map(|p| p.to_lowercase()),
                mrr,
                signup_date,
                tenure_days,
                churned,
            };
            if let Some(&i) = index.get(id) {
                duplicates += 1;
                first_duplicate.get_or_insert_with(|| format!("{id} (line {line})"));
                table.rows[i] = row;
            } else {
                index.insert(id.to_string(), table.rows.len());
                table.rows.push(row);
            }
        }
        if let Some(first) = first_duplicate {
            table.warnings.push(format!(
                "{name}: {duplicates} duplicate customer id row(s), the last row wins (first: {first})"
            ));
        }
        Ok(table)
    }

    /// Look-up map from customer id to row index.
    pub(crate) fn index(&self) -> HashMap<&str, usize> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.customer_id.as_str(), i))
            .collect()
    }

    /// Number of rows with a known churn label.
    pub fn labelled(&self) -> usize {
        self.rows.iter().filter(|r| r.churned.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_labels_and_map() {
        let csv = "Customer ID,Churned?,Plan,MRR,Signup Date\nc1,yes,Pro,\"$1,200.5\",2024-01-31\nc2,0,basic,10,\nc3,,,,\n";
        // `Churned?` normalises to `churned`.
        let t = CustomerTable::from_reader(csv.as_bytes(), "x.csv", &[]).unwrap();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].churned, Some(true));
        assert_eq!(t.rows[0].plan.as_deref(), Some("pro"));
        assert_eq!(t.rows[0].mrr, Some(1200.5));
        assert_eq!(t.rows[0].signup_date, parse_date("2024-01-31T00:00:00Z"));
        assert_eq!(t.rows[1].churned, Some(false));
        assert_eq!(t.rows[2].churned, None);
        assert_eq!(t.labelled(), 2);

        let csv = "acct,gone\nA,true\n";
        let map = vec![
            ("customer_id".to_string(), "acct".to_string()),
            ("churned".into(), "gone".into()),
        ];
        let t = CustomerTable::from_reader(csv.as_bytes(), "y.csv", &map).unwrap();
        assert_eq!(t.rows[0].customer_id, "A");
        assert_eq!(t.rows[0].churned, Some(true));
    }

    #[test]
    fn bad_inputs_are_one_line_errors() {
        let e =
            CustomerTable::from_reader("name,churned\nx,1\n".as_bytes(), "c.csv", &[]).unwrap_err();
        assert!(e.to_string().contains("customer_id"), "{e}");
        let e =
            CustomerTable::from_reader("account_id,churned\nx,maybe\n".as_bytes(), "c.csv", &[])
                .unwrap_err();
        assert_eq!(e.to_string().lines().count(), 1);
        assert!(e.to_string().starts_with("c.csv:2:"), "{e}");
        let map = vec![("colour".to_string(), "x".to_string())];
        assert!(CustomerTable::from_reader("customer_id\nx\n".as_bytes(), "c.csv", &map).is_err());
        let t =
            CustomerTable::from_reader("customer_id,churned\nx,1\nx,0\n".as_bytes(), "c.csv", &[])
                .unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].churned, Some(false));
        assert_eq!(t.warnings.len(), 1);
    }
}
