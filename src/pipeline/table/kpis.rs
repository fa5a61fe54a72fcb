//! A tidy KPI table for a table held in memory (`kpis` in Python).
//!
//! The same numbers as the CLI's `kpis_by_<dims>.csv`: the same engine on
//! the same tickets. Model columns already in the table (`sentiment`,
//! `topic`, `theme_label`, a taxonomy's label) are read back as the `kpi`
//! command reads an enriched file, so `by="sentiment"` or `by="theme"`
//! work on `classify`'s output.

use super::table_error;
use crate::error::{Error, PipelineError, Result};
use crate::ingest::{self, IngestOptions, InputSource, Reject};
use crate::kpi::{compute, flatten_values, KpiOptions, KpiReport, KpiTable, TableRow};
use crate::pipeline::load::read_rows;
use crate::ticket::EnrichedColumns;
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};
use serde_json::Value;
use std::sync::Arc;

/// KPIs of a table.
pub struct KpiFrame {
    /// A row per group × period: the `by` dimensions' columns (strings, in
    /// the order given; several dimensions give every combination that has
    /// tickets, as `--cross`), `period` when a period was asked for, then
    /// every KPI of the CLI's `kpis_by_*.csv` (`tickets`,
    /// `first_response_minutes_median`, `csat_rate`, …; whole-number
    /// columns as `int64`, the rest `float64`, nulls where a KPI has no
    /// data). Without `by` and period: one row, the overall KPIs.
    pub table: RecordBatch,
    /// The whole report (what `kpis.json` holds).
    pub report: KpiReport,
    /// The rejected rows.
    pub rejects: Vec<Reject>,
    /// Rows read.
    pub read: u64,
    /// The ingest's warnings (ambiguous dates, a business-hours column
    /// read as first response …).
    pub warnings: Vec<String>,
}

/// Read `source` (creation time required, text not), compute its KPIs
/// with `opts` and return the tidy table that `opts.by` and `opts.period`
/// ask for. `opts.cross` is implied by two or more dimensions.
///
/// Errors: the input cannot be read or has no creation-time column, an
/// unknown dimension (one line, as the CLI's).
pub fn kpi_table(
    source: &InputSource,
    ingest_opts: &IngestOptions,
    opts: &KpiOptions,
) -> Result<KpiFrame> {
    let io = IngestOptions {
        require_created_at: true,
        require_text: false,
        ..ingest_opts.clone()
    };
    let reader = ingest::open(source, &io)?;
    let taxonomy = EnrichedColumns::new(reader.headers())
        .taxonomy_name()
        .map(str::to_string);
    let extra: Vec<&str> = taxonomy.iter().map(String::as_str).collect();
    opts.validate_with(&extra)?;
    let mut set = read_rows(reader, true, 0, None)?;
    let opts = KpiOptions {
        cross: opts.cross || opts.by.len() > 1,
        ..opts.clone()
    };
    let report = compute(&set.tickets, &opts);
    let overall;
    let table = if opts.by.is_empty() && opts.period.is_none() {
        overall = KpiTable {
            dims: Vec::new(),
            period: false,
            rows: vec![TableRow {
                values: Vec::new(),
                period: None,
                block: report.overall.clone(),
            }],
        };
        &overall
    } else {
        report
            .tables
            .iter()
            .find(|t| t.dims == opts.by)
            .ok_or_else(|| PipelineError::NoKpiTable(opts.by.join(", ")))?
    };
    let batch = to_batch(table, &report)?;
    Ok(KpiFrame {
        table: batch,
        rejects: std::mem::take(&mut set.rejects),
        read: set.counts.read,
        warnings: std::mem::take(&mut set.counts.warnings),
        report,
    })
}

/// The tidy table as Arrow columns.
fn to_batch(table: &KpiTable, report: &KpiReport) -> Result<RecordBatch> {
    let json = |source| Error::Json {
        context: "KPI table".into(),
        source,
    };
    let template = table.rows.first().map_or(&report.overall, |r| &r.block);
    let names: Vec<String> = flatten_values(template)
        .map_err(json)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut values: Vec<Vec<Value>> = vec![Vec::with_capacity(table.rows.len()); names.len()];
    for row in &table.rows {
        for (j, (_, v)) in flatten_values(&row.block)
            .map_err(json)?
            .into_iter()
            .enumerate()
        {
            if let Some(col) = values.get_mut(j) {
                col.push(v);
            }
        }
    }
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (d, dim) in table.dims.iter().enumerate() {
        let mut b = StringBuilder::new();
        table
            .rows
            .iter()
            .for_each(|r| b.append_option(r.values.get(d)));
        fields.push(Field::new(dim, arrow_schema::DataType::Utf8, true));
        arrays.push(Arc::new(b.finish()));
    }
    if table.period {
        let mut b = StringBuilder::new();
        table
            .rows
            .iter()
            .for_each(|r| b.append_option(r.period.as_deref()));
        fields.push(Field::new("period", arrow_schema::DataType::Utf8, true));
        arrays.push(Arc::new(b.finish()));
    }
    for (name, col) in names.iter().zip(values) {
        let array = typed(col);
        fields.push(Field::new(name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let opts = arrow_array::RecordBatchOptions::new().with_row_count(Some(table.rows.len()));
    RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &opts)
        .map_err(|e| table_error("KPI table", e))
}

/// A column of JSON values as the narrowest Arrow type holding them all:
/// booleans, whole numbers (`int64`), numbers (`float64`), else strings.
fn typed(col: Vec<Value>) -> ArrayRef {
    let present = || col.iter().filter(|v| !v.is_null());
    if present().all(Value::is_boolean) && present().next().is_some() {
        let mut b = BooleanBuilder::new();
        col.iter().for_each(|v| b.append_option(v.as_bool()));
        return Arc::new(b.finish());
    }
    if present().all(|v| v.is_i64() || v.is_u64()) {
        let mut b = Int64Builder::new();
        col.iter().for_each(|v| b.append_option(v.as_i64()));
        return Arc::new(b.finish());
    }
    if present().all(Value::is_number) {
        let mut b = Float64Builder::new();
        col.iter().for_each(|v| b.append_option(v.as_f64()));
        return Arc::new(b.finish());
    }
    let mut b = StringBuilder::new();
    for v in &col {
        match v {
            Value::Null => b.append_null(),
            Value::String(s) => b.append_value(s),
            other => b.append_value(other.to_string()),
        }
    }
    Arc::new(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;

    fn fixture() -> InputSource {
        InputSource::Path(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tickets.csv").into())
    }

    /// The table holds the numbers of the CLI's CSV, cell for cell.
    #[test]
    fn same_numbers_as_the_csv_table() {
        let opts = KpiOptions {
            by: vec!["channel".into()],
            period: Some(crate::period::Period::Month),
            ..Default::default()
        };
        let f = kpi_table(&fixture(), &IngestOptions::default(), &opts).unwrap();
        let table = f
            .report
            .tables
            .iter()
            .find(|t| t.dims == ["channel"])
            .unwrap();
        let csv = table
            .to_csv(&f.report.overall, std::path::Path::new("x"))
            .unwrap();
        let mut r = csv::Reader::from_reader(csv.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        let got: Vec<&str> = f
            .table
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(header, got);
        assert!(f.table.num_rows() > 3);
        for (i, rec) in r.records().enumerate() {
            let rec = rec.unwrap();
            for (j, cell) in rec.iter().enumerate() {
                let col = f.table.column(j);
                let shown = arrow_cast::display::array_value_to_string(col, i).unwrap();
                if cell.is_empty() {
                    assert!(col.is_null(i), "{} row {i}", header[j]);
                } else if let (Ok(a), Ok(b)) = (cell.parse::<f64>(), shown.parse::<f64>()) {
                    assert!(
                        (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                        "{}: {a} vs {b}",
                        header[j]
                    );
                } else {
                    assert_eq!(cell, shown, "{} row {i}", header[j]);
                }
            }
        }
        let tickets = f.table.column_by_name("tickets").unwrap();
        assert_eq!(tickets.data_type(), &arrow_schema::DataType::Int64);
        let total: i64 = tickets
            .as_primitive::<arrow_array::types::Int64Type>()
            .iter()
            .flatten()
            .sum();
        assert_eq!(total as u64, f.read - f.rejects.len() as u64);
    }

    #[test]
    fn overall_row_and_crossed_dimensions() {
        let f = kpi_table(
            &fixture(),
            &IngestOptions::default(),
            &KpiOptions::default(),
        )
        .unwrap();
        assert_eq!(f.table.num_rows(), 1);
        let crossed = KpiOptions {
            by: vec!["channel".into(), "priority".into()],
            ..Default::default()
        };
        let f = kpi_table(&fixture(), &IngestOptions::default(), &crossed).unwrap();
        assert_eq!(f.table.schema().field(0).name(), "channel");
        assert_eq!(f.table.schema().field(1).name(), "priority");
        assert!(f.table.num_rows() > 4);
        let bad = KpiOptions {
            by: vec!["colour".into()],
            ..Default::default()
        };
        let e = kpi_table(&fixture(), &IngestOptions::default(), &bad)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unknown dimension `colour`"), "{e}");
    }
}
