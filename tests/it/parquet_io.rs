//! Parquet in and out: `classify --format parquet` keeps every row and
//! column (embeddings included), reading that file back gives what the CSV
//! gives, and a typed Parquet export (timestamps, integers with nulls, tag
//! lists, nested structs, a vector column) reads as the equivalent CSV.

use super::common::{bin, classify_tiny, csv_rows, fixture, stderr_of, tiny};
use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Float32Type;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, Float32Array, Float64Array, Int32Array, RecordBatch,
    StringArray, StructArray, TimestampMillisecondArray, TimestampSecondArray,
};
use arrow_schema::{DataType, Field, Fields};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::path::Path;
use std::sync::Arc;
use ticketlens::io::neutralize;

/// Every batch of a Parquet file.
fn read_parquet(p: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(p).expect("parquet file");
    ParquetRecordBatchReaderBuilder::try_new(f)
        .expect("parquet footer")
        .build()
        .expect("reader")
        .map(|b| b.expect("batch"))
        .collect()
}

#[test]
fn classify_parquet_keeps_every_row_column_and_embedding() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(&fixture("tickets.csv")).to_path_buf();
    let csv_out = dir.path().join("out.csv");
    let pq_out = dir.path().join("out.parquet");
    let a = classify_tiny(&input, &csv_out);
    assert!(a.status.success(), "{}", stderr_of(&a));
    let b = classify_tiny(&input, &pq_out);
    assert!(b.status.success(), "{}", stderr_of(&b));
    // The embeddings are inside the Parquet file: no side file.
    assert!(!dir.path().join("out.parquet.embeddings.npy").exists());
    // The same rows were rejected, with the same line numbers.
    assert_eq!(
        std::fs::read(dir.path().join("out.csv.rejects.csv")).unwrap(),
        std::fs::read(dir.path().join("out.parquet.rejects.csv")).unwrap()
    );

    let (headers, rows) = csv_rows(&csv_out);
    let npy =
        ticketlens::embeddings::Embeddings::read_npy(&dir.path().join("out.csv.embeddings.npy"))
            .unwrap();
    let batches = read_parquet(&pq_out);
    let schema = batches[0].schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let mut expected: Vec<&str> = headers.iter().map(String::as_str).collect();
    expected.push("embedding");
    assert_eq!(names, expected);
    assert_eq!(
        schema.field_with_name("p_negative").unwrap().data_type(),
        &DataType::Float32
    );
    let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(n, rows.len());
    assert!(n > 1900, "{n} rows");

    let mut row = 0;
    for batch in &batches {
        for i in 0..batch.num_rows() {
            for (c, name) in headers.iter().enumerate() {
                let col = batch.column(c);
                let want = &rows[row][c];
                match col.data_type() {
                    DataType::Utf8 => {
                        let got = if col.is_null(i) {
                            ""
                        } else {
                            col.as_string::<i32>().value(i)
                        };
                        // The CSV guards formula-like cells; Parquet keeps
                        // the text as it was (no spreadsheet opens it).
                        assert_eq!(neutralize(got), *want, "row {row} column {name}");
                    }
                    DataType::Float32 => {
                        let got = col.as_primitive::<Float32Type>().value(i);
                        let want: f32 = want.parse().unwrap();
                        assert!(
                            (got - want).abs() <= 5.1e-5,
                            "row {row} {name}: {got} vs {want}"
                        );
                    }
                    other => panic!("unexpected type {other} for {name}"),
                }
            }
            let emb = batch.column(headers.len()).as_fixed_size_list();
            let values = emb.value(i);
            let got = values.as_primitive::<Float32Type>().values();
            assert_eq!(&got[..], npy.row(row), "embedding of row {row}");
            row += 1;
        }
    }

    // Read back: the same output as from the CSV (the model's columns are
    // replaced, the embedding column is not read as a cell).
    let again = dir.path().join("again.csv");
    let c = classify_tiny(&pq_out, &again);
    assert!(c.status.success(), "{}", stderr_of(&c));
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&csv_out).unwrap()
    );
}

/// A typed export: what a warehouse or a notebook writes.
fn typed_export(path: &Path) {
    let ms = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    };
    let id: ArrayRef = Arc::new(StringArray::from(vec!["A-1", "A-2", "A-3", "A-4"]));
    let created: ArrayRef = Arc::new(
        TimestampMillisecondArray::from(vec![
            Some(ms("2025-03-03T09:00:00Z")),
            Some(ms("2025-03-04T10:30:00Z")),
            None,
            Some(ms("2025-03-05T08:00:00Z")),
        ])
        .with_timezone("Europe/Berlin"),
    );
    // Naive: read in --tz, as a CSV's would be.
    let first: ArrayRef = Arc::new(TimestampSecondArray::from(vec![
        Some(ms("2025-03-03T11:00:00Z") / 1000),
        None,
        Some(ms("2025-03-05T09:00:00Z") / 1000),
        Some(ms("2025-03-05T09:30:00Z") / 1000),
    ]));
    // pandas' float64 for a column with a blank: whole numbers and NaN.
    let csat: ArrayRef = Arc::new(Float64Array::from(vec![5.0, f64::NAN, 2.0, 4.0]));
    let mut tags = ListBuilder::new(StringBuilder::new());
    for t in [&["billing", "vip"][..], &[], &["bug"], &["bug", " "]] {
        for x in t {
            tags.values().append_value(x);
        }
        tags.append(true);
    }
    let tags: ArrayRef = Arc::new(tags.finish());
    let email: ArrayRef = Arc::new(StringArray::from(vec![
        Some("a@x.com"),
        Some("b@x.com"),
        None,
        Some("a@x.com"),
    ]));
    let requester: ArrayRef = Arc::new(StructArray::new(
        Fields::from(vec![Field::new("email", DataType::Utf8, true)]),
        vec![email],
        None,
    ));
    let subject: ArrayRef = Arc::new(StringArray::from(vec![
        "Refund not received",
        "App crashes on login",
        "Invoice wrong",
        "Still crashing",
    ]));
    let vec_values = Float32Array::from(vec![0.5f32; 8]);
    let vector: ArrayRef = Arc::new(
        FixedSizeListArray::try_new(
            Arc::new(Field::new("item", DataType::Float32, false)),
            2,
            Arc::new(vec_values),
            None,
        )
        .unwrap(),
    );
    let batch = RecordBatch::try_from_iter(vec![
        ("ticket_id", id),
        ("created_at", created),
        ("first_response_at", first),
        ("csat", csat),
        ("tags", tags),
        ("requester", requester),
        ("subject", subject),
        ("vector", vector),
    ])
    .unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn typed_parquet_reads_as_the_same_export_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("export.pq");
    typed_export(&pq);
    // The CSV the same desk would export (times in Berlin's offset, the
    // naive first response as written, tags as a list).
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "ticket_id,created_at,first_response_at,csat,tags,requester.email,subject\n\
         A-1,2025-03-03T10:00:00+01:00,2025-03-03T11:00:00,5,\"billing, vip\",a@x.com,Refund not received\n\
         A-2,2025-03-04T11:30:00+01:00,,,,b@x.com,App crashes on login\n\
         A-3,,2025-03-05T09:00:00,2,bug,,Invoice wrong\n\
         A-4,2025-03-05T09:00:00+01:00,2025-03-05T09:30:00,4,bug,a@x.com,Still crashing\n",
    )
    .unwrap();
    let run = |input: &Path, out: &str| {
        let o = bin()
            .args([
                "kpi",
                input.to_str().unwrap(),
                "--timezone",
                "UTC",
                "--by",
                "tag",
                "--out",
            ])
            .arg(dir.path().join(out))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{}", stderr_of(&o));
        stderr_of(&o)
    };
    let e_pq = run(&pq, "k_pq");
    let e_csv = run(&csv, "k_csv");
    // One row in four has no creation time: rejected (exit 3, over 5 %),
    // named by its row number in the Parquet file.
    assert!(e_pq.contains("blank created_at"), "{e_pq}");
    let rejects = std::fs::read_to_string(dir.path().join("k_pq/rejects.csv")).unwrap();
    assert!(
        rejects.starts_with("line,reason,raw\n3,blank created_at"),
        "{rejects}"
    );
    assert!(e_csv.contains("blank created_at"), "{e_csv}");
    let kpis = |d: &str| {
        let mut v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(d).join("kpis.json")).unwrap(),
        )
        .unwrap();
        // Run facts that name the input file.
        if let Some(m) = v.as_object_mut() {
            m.remove("input");
            m.remove("data_quality");
        }
        v
    };
    assert_eq!(kpis("k_pq"), kpis("k_csv"));
    assert_eq!(
        std::fs::read(dir.path().join("k_pq/kpis_by_tag.csv")).unwrap(),
        std::fs::read(dir.path().join("k_csv/kpis_by_tag.csv")).unwrap()
    );

    // The classified output of the Parquet input has the same cells too.
    let out = |input: &Path| {
        let o = bin()
            .args(["classify", input.to_str().unwrap(), "--model", &tiny()])
            .args(["--no-embeddings", "-q", "--timezone", "UTC"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        o.stdout
    };
    assert_eq!(
        String::from_utf8(out(&pq)).unwrap(),
        String::from_utf8(out(&csv)).unwrap()
    );
}

#[test]
fn parquet_from_stdin_and_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("export.parquet");
    typed_export(&pq);
    let o = bin()
        .args(["classify", "-", "--model", &tiny(), "--no-embeddings", "-q"])
        .write_stdin(std::fs::read(&pq).unwrap())
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 5);

    // Cut short: the footer is gone. One line naming the file.
    let bytes = std::fs::read(&pq).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = bin()
        .args(["kpi", cut.to_str().unwrap(), "--out"])
        .arg(dir.path().join("k"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(
        err.contains("cut.parquet: not a readable Parquet file"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn analyze_writes_enriched_tickets_as_parquet_with_embeddings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("an");
    let o = bin()
        .args(["analyze", &fixture("tickets.csv"), "--model", &tiny()])
        .args(["--format", "parquet", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    // The fixtures' deliberately broken rows are under the reject threshold.
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(!out.join("tickets_enriched.csv").exists());
    assert!(
        !out.join("embeddings.npy").exists(),
        "held in the Parquet file"
    );
    let batches = read_parquet(&out.join("tickets_enriched.parquet"));
    let schema = batches[0].schema();
    for c in [
        "ticket_id",
        "sentiment",
        "theme_id",
        "theme_label",
        "embedding",
    ] {
        assert!(schema.field_with_name(c).is_ok(), "no column {c}");
    }
    assert_eq!(
        schema.field_with_name("theme_id").unwrap().data_type(),
        &DataType::Int64
    );
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["options"]["format"], "parquet");
    let dq = &run["data_quality"];
    assert_eq!(
        rows as u64 + dq["rows_rejected"].as_u64().unwrap(),
        dq["rows_read"].as_u64().unwrap(),
        "{dq}"
    );
}

/// A batch as the Python package hands a table over: an Arrow IPC stream
/// in memory.
fn table_source(batch: &RecordBatch) -> ticketlens::ingest::InputSource {
    let mut ipc = Vec::new();
    {
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut ipc, &batch.schema()).unwrap();
        w.write(batch).unwrap();
        w.finish().unwrap();
    }
    ticketlens::ingest::InputSource::Memory {
        label: "<table>".into(),
        bytes: ipc.into(),
    }
}

#[test]
fn a_table_in_memory_gets_the_model_columns_row_for_row() {
    use ticketlens::ingest::IngestOptions;
    use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
    use ticketlens::pipeline::table::classify_table;
    let subject: ArrayRef = Arc::new(StringArray::from(vec![
        Some("Refund not received"),
        None,
        Some("App crashes on login"),
    ]));
    let csat: ArrayRef = Arc::new(Int32Array::from(vec![Some(5), Some(3), Some(9)]));
    let batch = RecordBatch::try_from_iter(vec![("subject", subject), ("csat", csat)]).unwrap();
    let source = table_source(&batch);
    let c = Classifier::load(
        &ModelSource::Dir(tiny().into()),
        ClassifierOptions::default(),
    )
    .unwrap();
    let out = classify_table(&source, &IngestOptions::default(), &c, None, true).unwrap();
    // Every row, in order; rows 2 (no text) and 3 (CSAT 9) rejected, null.
    assert_eq!(out.columns.num_rows(), 3);
    let reasons: Vec<(u64, &str)> = out
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 2, "{reasons:?}");
    assert!(reasons[1].1.contains("csat"), "{reasons:?}");
    let sentiment = out.columns.column_by_name("sentiment").unwrap();
    assert!(sentiment.is_valid(0) && sentiment.is_null(1) && sentiment.is_null(2));
    let emb = out.columns.column_by_name("embedding").unwrap();
    assert!(emb.is_valid(0) && emb.is_null(1));
    // The same text classified by the CLI gives the same probabilities.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("one.csv");
    std::fs::write(&csv, "subject\nRefund not received\n").unwrap();
    let o = bin()
        .args(["classify", csv.to_str().unwrap(), "--model", &tiny()])
        .args(["--format", "jsonl", "--no-embeddings", "-q", "--no-cache"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let row: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = out.columns.column_by_name("p_negative").unwrap();
    let p = p.as_primitive::<Float32Type>().value(0);
    let cli = row["p_negative"].as_f64().unwrap();
    assert!((cli - p as f64).abs() < 5.1e-5, "CLI {cli} vs table {p}");
    assert_eq!(row["sentiment"], sentiment.as_string::<i32>().value(0));
}

/// A custom model's extra head is a typed column pair (string label,
/// float32 confidence) right after `topic_confidence`, in the Python table
/// (`classify_table`) and in `classify --format parquet` alike.
#[test]
fn an_extra_head_is_a_typed_column_in_the_table_and_in_parquet() {
    use ticketlens::ingest::IngestOptions;
    use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
    use ticketlens::pipeline::table::classify_table;
    let dir = tempfile::tempdir().unwrap();
    let model = super::common::urgency_model(dir.path());
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        "subject\nRefund not received\nThe app is down for everyone\nThanks!\n",
    )
    .unwrap();
    let c = Classifier::load(
        &ModelSource::Dir(model.clone()),
        ClassifierOptions::default(),
    )
    .unwrap();
    // The table API reads tables (Arrow IPC, as the Python package hands over).
    let subject: ArrayRef = Arc::new(StringArray::from(vec![
        "Refund not received",
        "The app is down for everyone",
        "Thanks!",
    ]));
    let batch = RecordBatch::try_from_iter(vec![("subject", subject)]).unwrap();
    let source = table_source(&batch);
    let table = classify_table(&source, &IngestOptions::default(), &c, None, false).unwrap();
    let out = dir.path().join("out.parquet");
    let run = bin()
        .args(["classify", csv.to_str().unwrap(), "--model"])
        .arg(&model)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let file = read_parquet(&out);
    for batch in [&table.columns, &file[0]] {
        let schema = batch.schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let at = names.iter().position(|n| *n == "topic_confidence").unwrap();
        assert_eq!(names[at + 1..at + 3], ["urgency", "urgency_confidence"]);
        let label = batch.column(at + 1).as_string::<i32>();
        let conf = batch.column(at + 2).as_primitive::<Float32Type>();
        assert_eq!(batch.num_rows(), 3);
        for i in 0..3 {
            assert!(["low", "normal", "high"].contains(&label.value(i)));
            assert!(conf.value(i) > 0.33 && conf.value(i) <= 1.0);
        }
    }
    // Both paths give the same labels.
    let a = table.columns.column_by_name("urgency").unwrap();
    let b = file[0].column_by_name("urgency").unwrap();
    assert_eq!(a.as_string::<i32>(), b.as_string::<i32>());
}

#[test]
fn repeated_columns_survive_a_parquet_round_trip() {
    // Jira's `Labels` ×3: Parquet cannot repeat a name, so the output has
    // `Labels`, `Labels.1`, `Labels.2`; reading it back must combine them
    // into the tags again, as the CSV's repeated header is.
    let dir = tempfile::tempdir().unwrap();
    let jira = super::common::root().join("tests/data/field/jira_export.csv");
    let pq = dir.path().join("e.parquet");
    let o = classify_tiny(&jira, &pq);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let names: Vec<String> = read_parquet(&pq)[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert!(names.iter().any(|n| n == "Labels.2"), "{names:?}");
    let by_tag = |input: &Path, out: &str| {
        let o = bin()
            .args(["kpi", input.to_str().unwrap(), "--by", "tag", "--out"])
            .arg(dir.path().join(out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr_of(&o));
        // Tag and ticket count (the Parquet file also carries the model's
        // columns, which add sentiment KPIs the raw export has not).
        std::fs::read_to_string(dir.path().join(out).join("kpis_by_tag.csv"))
            .unwrap()
            .lines()
            .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    let csv_tags = by_tag(&jira, "from_csv");
    assert!(csv_tags.len() > 5, "{csv_tags:?}");
    assert_eq!(by_tag(&pq, "from_parquet"), csv_tags);
}
