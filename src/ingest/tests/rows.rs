//! Row typing, rejects and line numbers, formats, rejects file.

use super::*;
use crate::error::Error;
use crate::ingest::*;
use chrono::{DateTime, Utc};
use std::io::Write;

#[test]
fn canonical_header_maps_every_field_and_types_values() {
    let mut data = CANONICAL.to_string();
    data.push_str("T-1,C-9,2025-03-01T09:00:00Z,2025-03-01T09:30:00Z,2025-03-02T09:00:00Z,solved,Done,email,high,ana,tier1,yes,1,3,4,9,2,Refund,Please refund me,billing;vip,00:25,2025-03-01T12:00:00Z,no,\n");
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &kpi_opts());
    for f in Field::ALL {
        assert_eq!(
            reader.mapping().get(f).map(|c| c.how),
            Some(MatchedBy::Header),
            "{f}"
        );
        assert!(reader.mapping().has(f));
    }
    let t = tickets(&rows)[0];
    assert_eq!(
        stats,
        IngestStats {
            read: 1,
            accepted: 1,
            rejected: 0,
            superseded: 0,
        }
    );
    assert_eq!(t.line, 2);
    assert_eq!(t.id, "T-1");
    assert_eq!(t.customer_id.as_deref(), Some("C-9"));
    assert_eq!(t.created_at, utc("2025-03-01T09:00:00Z"));
    assert_eq!(t.frt_minutes(), Some(30.0));
    assert_eq!(t.resolution_hours(), Some(24.0));
    assert_eq!(t.escalated, Some(true));
    assert_eq!((t.reopens, t.replies), (Some(1), Some(3)));
    assert_eq!((t.csat, t.nps, t.ces), (Some(4.0), Some(9.0), Some(2.0)));
    assert_eq!(t.text(), "Refund. Please refund me");
    assert_eq!(t.tags, vec!["billing", "vip"]);
    assert_eq!(t.handle_minutes, Some(25.0));
    assert_eq!(t.escalated_at, Some(utc("2025-03-01T12:00:00Z")));
    assert_eq!(t.resolution_code.as_deref(), Some("Done"));
    assert_eq!(
        t.status.as_deref(),
        Some("solved"),
        "no spam or deleted mark"
    );
    assert_eq!(t.raw.len(), 24);
    assert_eq!(t.raw[0], "T-1");
    assert_eq!(reader.headers().len(), 24);
}

#[test]
fn every_reject_reason_with_line_numbers() {
    let data = "\
id,created_at,subject,body,csat,nps,ces,reopens,replies,escalated,first_response_at
1,2025-01-01 10:00,Hi,\"two
line body\",5,9,1,0,1,no,2025-01-01 11:00
2,yesterday,S,B,,,,,,,
3,2025-01-01,S,B
4,,S,B,,,,,,,
5,2025-01-01,, ,,,,,,,
6,2025-01-01,S,B,9,,,,,,
7,2025-01-01,S,B,abc,,,,,,
8,2025-01-01,S,B,,11,,,,,
9,2025-01-01,S,B,,,0,,,,
10,2025-01-01,S,B,,,,x,,,
11,2025-01-01,S,B,,,,,-2,,
12,2025-01-01,S,B,,,,,,maybe,
13,2025-01-01,S,B,,,,,,,whenever
14,2025-01-01,\"a
b\",c,d
15,2025-01-02,ok,fine,,,,,,,
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let got = rejects(&rows);
    let want: Vec<(u64, &str)> = vec![
        (4, "bad created_at timestamp 'yesterday' in column 'created_at'"),
        (6, "blank created_at in column 'created_at'"),
        (7, "empty text: column(s) 'subject', 'body' blank"),
        (8, "csat value 9 in column 'csat' outside 1–5"),
        (9, "bad csat number 'abc' in column 'csat'"),
        (10, "nps value 11 in column 'nps' outside 0–10"),
        (11, "ces value 0 in column 'ces' outside 1–7"),
        (12, "bad reopens value 'x' in column 'reopens' (expected a whole number ≥ 0 or yes/no)"),
        (13, "bad replies number '-2' in column 'replies' (expected a whole number ≥ 0)"),
        (14, "bad escalated value 'maybe' in column 'escalated' (expected true/false/yes/no/y/n/1/0, or an escalation level normal/low/moderate/high/overdue)"),
        (15, "bad first_response timestamp 'whenever' in column 'first_response_at'"),
        (16, "bad csat number 'd' in column 'csat'"),
    ];
    let got_ref: Vec<(u64, &str)> = got.iter().map(|(l, r)| (*l, r.as_str())).collect();
    assert_eq!(got_ref, want);
    let ok = tickets(&rows);
    // Line 5 omits its trailing empty fields: padded, not rejected.
    assert_eq!(
        ok.iter().map(|t| t.line).collect::<Vec<_>>(),
        vec![2, 5, 18]
    );
    assert_eq!(ok[0].body.as_deref(), Some("two\nline body"));
    assert_eq!(ok[0].frt_minutes(), Some(60.0));
    assert_eq!(
        stats,
        IngestStats {
            read: 15,
            accepted: 3,
            rejected: 12,
            superseded: 0,
        }
    );
}

#[test]
fn reject_raw_is_the_reencoded_record() {
    let data = "id,created_at,body\n1,nope,\"hello, world\"\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    match &rows[0] {
        Row::Rejected(r) => assert_eq!(r.raw, "1,nope,\"hello, world\""),
        other => panic!("{other:?}"),
    }
}

/// A file that is not UTF-8 is decoded as the legacy encoding it looks like
/// (see tests/encodings.rs), not rejected row by row.
#[test]
fn non_utf8_bytes_are_decoded_not_rejected() {
    let mut data = b"id,created_at,body\n1,2025-01-01,ok\n2,2025-01-01,caf\xe9 cr\xe8me\n".to_vec();
    data.extend_from_slice(b"3,2025-01-02,fine\n");
    let (rows, _, _) = read_all(".csv", &data, &kpi_opts());
    assert_eq!(rejects(&rows), vec![]);
    assert_eq!(tickets(&rows)[1].body.as_deref(), Some("café crème"));
}

#[test]
fn created_at_optional_for_classify_defaults_to_epoch_and_id_to_line() {
    let data = "text\nhello there\n";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    let t = tickets(&rows)[0];
    assert_eq!(t.created_at, DateTime::<Utc>::UNIX_EPOCH);
    assert_eq!(t.id, "2");
    assert_eq!(t.body.as_deref(), Some("hello there"));
    assert!(!reader.mapping().has(Field::CreatedAt));
    // A blank created_at is fine too when not required.
    let (rows, _, _) = read_all(".csv", b"created_at,body\n,hi\n", &IngestOptions::default());
    assert_eq!(tickets(&rows)[0].created_at, DateTime::<Utc>::UNIX_EPOCH);
}

#[test]
fn missing_required_columns() {
    let e = open_err(".csv", b"id,subject\n1,x\n", &kpi_opts());
    match &e {
        Error::Ingest(crate::error::IngestError::MissingColumn { field, tried, .. }) => {
            assert_eq!(field, "created_at");
            assert!(
                tried.contains("Created time") && tried.contains("created_at"),
                "{tried}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("`map` created_at=COLUMN"));
    let e = open_err(
        ".csv",
        b"id,created_at\n1,2025-01-01\n",
        &IngestOptions::default(),
    );
    match e {
        Error::Ingest(crate::error::IngestError::MissingColumn { field, tried, .. }) => {
            assert_eq!(field, "body");
            assert!(
                tried.contains("Ticket Description") && tried.contains("Summary"),
                "{tried}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn delimiter_sniffing_semicolon_tab_pipe_and_bom() {
    let data = "\u{feff}id;created_at;body\n1;01.02.2025 10:00;\"a; b\"\n";
    let (rows, _, r) = read_all(".txt", data.as_bytes(), &kpi_opts());
    assert_eq!(r.headers(), ["id", "created_at", "body"]);
    let t = tickets(&rows)[0];
    assert_eq!(t.body.as_deref(), Some("a; b"));
    assert_eq!(t.created_at, utc("2025-02-01T10:00:00Z"));

    let data = "id\tcreated_at\tbody, with comma\n1\t2025-01-01\thello, world\n";
    let opts = IngestOptions {
        map: vec![("body".into(), "body, with comma".into())],
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".tsv", data.as_bytes(), &opts);
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("hello, world"));

    let (rows, _, _) = read_all(".csv", b"id|body\n1|x\n", &IngestOptions::default());
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("x"));
    // An explicit delimiter wins over sniffing.
    let opts = IngestOptions {
        delimiter: Some(b','),
        map: vec![("body".into(), "body;x".into())],
        ..Default::default()
    };
    let (_, _, r) = read_all(".csv", b"body;x,id\n1;2,3\n", &opts);
    assert_eq!(r.headers(), ["body;x", "id"]);
}

#[test]
fn jsonl_reading() {
    let data = concat!(
        "{\"id\":\"a1\",\"created_at\":\"2025-01-01T00:00:00Z\",\"body\":\"hi\",\"meta\":{\"k\":[1,2]},\"csat\":5}\n",
        "\n",
        "{\"body\":\"second\",\"id\":\"a2\",\"created_at\":1735689600,\"csat\":null,\"new_key\":\"x\"}\n",
        "{not json}\n",
        "[1,2]\n",
        "{\"id\":\"a5\",\"created_at\":\"2025-01-02\",\"body\":\"\"}\n",
    );
    let (rows, stats, r) = read_all(".jsonl", data.as_bytes(), &kpi_opts());
    // Keys of the first objects, nested ones flattened to dotted paths.
    assert_eq!(
        r.headers(),
        ["id", "created_at", "body", "meta.k", "csat", "new_key"]
    );
    let ts = tickets(&rows);
    assert_eq!(
        ts[0].raw,
        vec!["a1", "2025-01-01T00:00:00Z", "hi", "1, 2", "5", ""]
    );
    assert_eq!(ts[0].csat, Some(5.0));
    assert_eq!(ts[1].line, 3);
    assert_eq!(ts[1].created_at, utc("2025-01-01T00:00:00Z"));
    assert_eq!(ts[1].raw, vec!["a2", "1735689600", "second", "", "", "x"]);
    let rj = rejects(&rows);
    assert_eq!(rj.len(), 3);
    assert_eq!(rj[0].0, 4);
    assert!(
        rj[0].1.starts_with("invalid JSON: key must be a string"),
        "{}",
        rj[0].1
    );
    assert_eq!(
        rj[1],
        (5, "expected a JSON object, got an array".to_string())
    );
    assert_eq!(rj[2], (6, "empty text: column(s) 'body' blank".to_string()));
    match rows.last().unwrap() {
        Row::Rejected(x) => assert_eq!(
            x.raw,
            "{\"id\":\"a5\",\"created_at\":\"2025-01-02\",\"body\":\"\"}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        stats,
        IngestStats {
            read: 5,
            accepted: 2,
            rejected: 3,
            superseded: 0,
        }
    );
}

#[test]
fn jsonl_map_reads_keys_missing_from_the_first_object() {
    let data = "{\"id\":1,\"body\":\"a\"}\n{\"id\":2,\"body\":\"b\",\"priority_level\":\"high\"}\n";
    let opts = IngestOptions {
        map: vec![("priority".into(), "priority_level".into())],
        ..Default::default()
    };
    let (rows, _, r) = read_all(".jsonl", data.as_bytes(), &opts);
    let ts = tickets(&rows);
    assert_eq!(ts[0].priority, None);
    assert_eq!(ts[1].priority.as_deref(), Some("high"));
    // The key is in the sampled objects, so it is a column (see
    // tests/json.rs for a key past the sample, read by name).
    assert_eq!(ts[1].raw.len(), 3);
    assert!(!r.mapping().to_string().contains("read by name"));
}

#[test]
fn format_detection_without_extension() {
    let (rows, _, _) = read_all(
        ".data",
        b"  \n{\"text\":\"x\"}\n",
        &IngestOptions::default(),
    );
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("x"));
    assert_eq!(tickets(&rows)[0].line, 2);
    let (rows, _, _) = read_all(".data", b"text\nx\n", &IngestOptions::default());
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("x"));
    let (rows, _, _) = read_all(".json", b"[{\"text\":\"x\"}]\n", &IngestOptions::default());
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("x"));
    let e = open_err(".json", b"[]\n", &IngestOptions::default());
    assert!(e.to_string().contains("the JSON array is empty"), "{e}");
    let e = open_err(".csv", b"", &IngestOptions::default());
    assert!(e.to_string().contains("no header row"), "{e}");
}

#[test]
fn naive_times_use_the_option_zone() {
    let opts = IngestOptions {
        timezone: "Europe/Berlin".parse().unwrap(),
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".csv", b"created_at,body\n2025-07-01 12:00,x\n", &opts);
    assert_eq!(tickets(&rows)[0].created_at, utc("2025-07-01T10:00:00Z"));
}

#[test]
fn rejects_writer_is_atomic_always_written_and_guards_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    std::fs::write(&path, "stale").unwrap();
    {
        let mut w = RejectsWriter::new(&path).unwrap();
        w.write(&Reject {
            line: 2,
            reason: "x".into(),
            raw: "y".into(),
        })
        .unwrap();
        // Dropped without finish (the run failed): the old file stays.
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "stale");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file left"
    );
    let w = RejectsWriter::new(&path).unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "stale",
        "replaced before finish"
    );
    assert_eq!(w.finish().unwrap(), 0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "line,reason,raw\n",
        "a clean run still leaves a header-only file"
    );

    let mut w = RejectsWriter::new(&path).unwrap();
    w.write(&Reject {
        line: 7,
        reason: "bad csat number '=1+1' in column 'csat'".into(),
        raw: "=HYPERLINK(\"x\"),a".into(),
    })
    .unwrap();
    w.write(&Reject {
        line: 9,
        reason: "wrong column count: expected 3, got 1".into(),
        raw: "x".into(),
    })
    .unwrap();
    assert_eq!(w.finish().unwrap(), 2);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "line,reason,raw\n7,bad csat number '=1+1' in column 'csat',\"'=HYPERLINK(\"\"x\"\"),a\"\n9,\"wrong column count: expected 3, got 1\",x\n"
    );
}

#[test]
fn many_rows_stream_with_consistent_counts() {
    let mut data = String::from("id,created_at,body\n");
    for i in 0..5000 {
        if i % 100 == 7 {
            data.push_str(&format!("{i},not a date,text {i}\n"));
        } else {
            data.push_str(&format!("{i},2025-01-01 00:00:{:02},text {i}\n", i % 60));
        }
    }
    let f = write_tmp(".csv", data.as_bytes());
    let mut reader = open(&InputSource::Path(f.path().to_path_buf()), &kpi_opts()).unwrap();
    let mut last_line = 0;
    for row in reader.by_ref() {
        let line = match row.unwrap() {
            Row::Ticket(t) => t.line,
            Row::Rejected(r) => r.line,
        };
        assert_eq!(line, last_line.max(1) + 1);
        last_line = line;
    }
    assert_eq!(
        reader.stats(),
        IngestStats {
            read: 5000,
            accepted: 4950,
            rejected: 50,
            superseded: 0,
        }
    );
}

#[test]
fn handle_time_units_and_escalation_times() {
    // Seconds from the header; hh:mm text; a blank escalation time means
    // "not escalated" when there is no escalated flag column.
    let data = "\
id,created_at,subject,Time spent (sec),Escalation date
1,2025-03-01T09:00:00Z,S,1500,2025-03-01T11:30:00Z
2,2025-03-01T09:00:00Z,S,1:05:00,
3,2025-03-01T09:00:00Z,S,-5,
4,2025-03-01T09:00:00Z,S,soon,
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!((stats.accepted, stats.rejected), (2, 2));
    let t = tickets(&rows);
    assert_eq!(t[0].handle_minutes, Some(25.0));
    assert_eq!(t[0].escalated, Some(true));
    assert_eq!(t[0].escalated_at, Some(utc("2025-03-01T11:30:00Z")));
    assert_eq!(t[1].handle_minutes, Some(65.0));
    assert_eq!((t[1].escalated, t[1].escalated_at), (Some(false), None));
    let reasons: Vec<String> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Rejected(r) => Some(r.reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "negative handle_time value '-5' in column 'Time spent (sec)'",
            "bad handle_time value 'soon' in column 'Time spent (sec)' (expected minutes or a duration such as 1:05, 1h 5m)"
        ]
    );
}

/// Throughput figure (not a pass/fail check): `cargo test --release --lib
/// ingest::tests::rows::throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    w.write_all(CANONICAL.as_bytes()).unwrap();
    let rows = 300_000;
    for i in 0..rows {
        writeln!(
            w,
            "T-{i},C-{},2025-03-{:02}T09:{:02}:00Z,2025-03-01T10:00:00Z,,open,,email,high,ana,tier1,no,0,2,4,,,\"Subject {i}\",\"My order {i} has not arrived, please help, it has been two weeks and nobody answers\",billing;vip",
            i % 997,
            1 + i % 28,
            i % 60
        )
        .unwrap();
    }
    drop(w);
    let bytes = std::fs::metadata(&path).unwrap().len();
    let start = std::time::Instant::now();
    let mut reader = open(&InputSource::Path(path), &kpi_opts()).unwrap();
    let n = reader
        .by_ref()
        .filter(|r| matches!(r, Ok(Row::Ticket(_))))
        .count();
    let s = start.elapsed().as_secs_f64();
    assert_eq!(n, rows);
    eprintln!(
        "ingest: {n} rows, {:.1} MB in {s:.2}s = {:.0} rows/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        n as f64 / s,
        bytes as f64 / 1e6 / s
    );
}

/// The Kaggle support-ticket dataset (shared, not in the repo) reads without rejects.
#[test]
fn suraj520_dataset_reads_cleanly() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets/support_tickets_suraj520/customer_support_tickets.csv");
    if !path.exists() {
        eprintln!("note: {} not found; skipping", path.display());
        return;
    }
    let mut reader = open(&InputSource::Path(path), &IngestOptions::default()).unwrap();
    let mut first_reject = None;
    let mut with_csat = 0;
    for row in reader.by_ref() {
        match row.unwrap() {
            Row::Ticket(t) => with_csat += usize::from(t.csat.is_some()),
            Row::Rejected(r) => {
                first_reject.get_or_insert(r);
            }
        }
    }
    assert_eq!(first_reject, None);
    assert_eq!(
        reader.stats(),
        IngestStats {
            read: 8469,
            accepted: 8469,
            rejected: 0,
            superseded: 0,
        }
    );
    assert_eq!(
        with_csat, 2769,
        "CSAT is present for the Closed tickets only"
    );
}

/// A ticket id listed again further on (an incremental export, joined
/// exports that overlap): each ticket is read from its last row, the
/// earlier rows are counted as superseded (not read, not rejected: a stale
/// version's bad value is no reject), with one warning naming the first.
/// Blank ids (line numbers stand in) never supersede a row.
#[test]
fn repeated_ticket_ids_keep_the_last_row() {
    let data = "id,created_at,subject,status,csat\n\
                1001,2024-03-04T09:00:00Z,late,open,\n\
                ,2024-03-04T09:00:00Z,no id,open,\n\
                3,2024-03-04T09:00:00Z,id equal to a line number,open,\n\
                1002,2024-03-04T09:00:00Z,bad csat,open,9\n\
                1002,2024-03-04T09:00:00Z,first good row of 1002,solved,\n\
                1001,2024-03-04T09:00:00Z,again,pending,\n\
                1001,2024-03-04T09:00:00Z,and again,solved,5\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        (stats.read, stats.accepted, stats.rejected, stats.superseded),
        (4, 4, 0, 3),
        "{rows:?}"
    );
    let kept = kept_rows(&rows);
    assert_eq!(
        kept,
        [
            (3, "3", Some("open")),
            (4, "3", Some("open")),
            (6, "1002", Some("solved")),
            (8, "1001", Some("solved"))
        ]
    );
    assert_eq!(tickets(&rows)[3].csat, Some(5.0));
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("earlier versions"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", r.warnings());
    assert!(
        w[0].starts_with(
            "3 row(s) not used: earlier versions of a ticket listed more than once (first: ticket '1001' at line 2; its last row is used, line 8)"
        ),
        "{}",
        w[0]
    );
    assert!(!r
        .warnings()
        .iter()
        .any(|w| w.contains("repeat a ticket id")));
    // The same from memory (the Python package's input), and from JSON
    // lines, where a line is a record.
    let memory = InputSource::Memory {
        label: "tickets".into(),
        bytes: bytes::Bytes::from(data.as_bytes().to_vec()),
    };
    let mut reader = open(&memory, &kpi_opts()).unwrap();
    let n = reader
        .by_ref()
        .filter(|r| matches!(r, Ok(Row::Ticket(_))))
        .count();
    assert_eq!((n, reader.stats().superseded), (4, 3));
    let jsonl = b"{\"id\":7,\"created_at\":\"2024-03-04T09:00:00Z\",\"subject\":\"a\",\"status\":\"open\"}\n\
{\"id\":8,\"created_at\":\"2024-03-04T10:00:00Z\",\"subject\":\"b\",\"status\":\"open\"}\n\
{\"id\":7,\"created_at\":\"2024-03-04T09:00:00Z\",\"subject\":\"a\",\"status\":\"solved\"}\n";
    let (rows, stats, _) = read_all(".jsonl", jsonl, &kpi_opts());
    let kept: Vec<(u64, Option<&str>)> = tickets(&rows)
        .iter()
        .map(|t| (t.line, t.status.as_deref()))
        .collect();
    assert_eq!(kept, [(2, Some("open")), (3, Some("solved"))]);
    assert_eq!(stats.superseded, 1);
    // Distinct ids: no first-pass finding, no warning.
    let (_, stats, r) = read_all(
        ".csv",
        b"id,created_at,subject\n1,2024-03-04T09:00:00Z,a\n2,2024-03-04T09:00:00Z,b\n",
        &kpi_opts(),
    );
    assert_eq!(stats.superseded, 0);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

/// An export sorted newest first with an `Updated at` column: the latest
/// update is the ticket, wherever its row is. Rows sharing an id but not a
/// creation time are two tickets (two accounts in one file), kept with a
/// warning; a pandas float id (`1002.0`) is the id `1002`.
#[test]
fn repeated_ids_follow_the_update_time_and_the_creation_time() {
    let data = "Ticket ID,Created at,Updated at,Subject,Status\n\
                1,2024-03-01 09:00,2024-03-02 10:00,a,Solved\n\
                2,2024-03-01 10:00,2024-03-01 10:00,b,Open\n\
                1,2024-03-01 09:00,2024-03-01 12:00,a,Pending\n\
                1,2024-03-01 09:00,2024-03-01 09:00,a,New\n\
                2,2024-02-11 08:00,2024-02-11 08:00,other account,Solved\n\
                3.0,2024-03-01 11:00,2024-03-01 11:00,c,Open\n\
                3,2024-03-01 11:00,2024-03-01 12:00,c,Solved\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let kept = kept_rows(&rows);
    assert_eq!(
        kept,
        [
            (2, "1", Some("Solved")),
            (3, "2", Some("Open")),
            (6, "2", Some("Solved")),
            (8, "3", Some("Solved"))
        ]
    );
    assert_eq!(stats.superseded, 3);
    let w = r.warnings().join("\n");
    assert!(w.contains("3 row(s) not used: earlier versions of a ticket listed more than once (first: ticket '1' at line 4; the row with the latest update time is used, line 2)"), "{w}");
    assert!(w.contains("1 row(s) repeat a ticket id read earlier (first: '2' again at line 6): each is read as a ticket of its own, as the rows differ in creation time"), "{w}");
}

/// `nan`, `N/A`, `\N`, `-` in id and category columns (pandas `astype(str)`,
/// MySQL dumps) are blank, not a customer, channel or agent named "nan".
#[test]
fn placeholder_labels_are_blank() {
    let data = "id,created_at,subject,requester_id,channel,assignee,status,region\n\
                1,2024-03-04T09:00:00Z,a,nan,N/A,\\N,-,NA\n\
                2,2024-03-04T09:00:00Z,b,C-1,email,ana,open,EU\n";
    let mut opts = kpi_opts();
    opts.map = vec![("team".into(), "region".into())];
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    let t = tickets(&rows);
    assert_eq!(t.len(), 2);
    assert_eq!(
        (&t[0].customer_id, &t[0].channel, &t[0].agent, &t[0].status),
        (&None, &None, &None, &None)
    );
    assert_eq!(
        t[0].team.as_deref(),
        Some("NA"),
        "a region or team named NA is kept"
    );
    assert_eq!(t[1].customer_id.as_deref(), Some("C-1"));
    assert_eq!(t[1].agent.as_deref(), Some("ana"));
}

/// Spreadsheet placeholders in typed columns: dashes, `N.A.`, a pivot's
/// `(blank)`, `not set` and formula errors (`#VALUE!`) are no value, like
/// `#N/A` (they were rejects, and a file of them went past the limit).
#[test]
fn spreadsheet_placeholders_are_blank() {
    let data = "id,created_at,subject,First response time (min),resolved_at,csat,priority\n\
                1,2024-03-04 09:00,a,—,N.A.,(blank),(blank)\n\
                2,2024-03-04 09:00,b,#VALUE!,not set,#DIV/0!,—\n\
                3,2024-03-04 09:00,c,–,#REF!,(not set),high\n\
                4,2024-03-04 09:00,d,30,2024-03-04 12:00,5,low\n";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!((stats.accepted, stats.rejected), (4, 0), "{rows:?}");
    let t = tickets(&rows);
    for t in &t[..3] {
        assert_eq!((t.frt_minutes(), t.resolved_at, t.csat), (None, None, None));
    }
    assert_eq!(
        (t[0].priority.as_deref(), t[1].priority.as_deref()),
        (None, None)
    );
    assert_eq!(t[3].frt_minutes(), Some(30.0));
}

/// A first response or resolution before creation is counted per field
/// and warned about once the input is read, naming the column and the
/// first such row: a unit header naming the wrong unit (minutes holding
/// milliseconds, read as 2011 timestamps) thinned the resolution figures
/// without a word.
#[test]
fn spans_before_creation_are_warned_about() {
    let data = "id,created_at,first_response_at,Resolution time (minutes),subject\n\
                1,2024-03-01 09:00,2024-03-01 09:30,1296000000,a\n\
                2,2024-03-02 09:00,2024-03-02 08:00,1300000000,b\n\
                3,2024-03-03 09:00,2024-03-03 09:10,,c\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 3, "{rows:?}");
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("before their creation"))
        .collect();
    assert_eq!(w.len(), 2, "{:?}", r.warnings());
    assert!(
        w[0].starts_with("1 ticket(s) have a first response (column 'first_response_at') before their creation (first at line 3: created 2024-03-02T09:00:00+00:00, answered 2024-03-02T08:00:00+00:00)"),
        "{}",
        w[0]
    );
    assert!(
        w[1].starts_with("2 ticket(s) have a resolution (column 'Resolution time (minutes)') before their creation (first at line 2: created 2024-03-01T09:00:00+00:00, resolved 2011-"),
        "{}",
        w[1]
    );
    // A negative duration counts too; spans that start at creation do not.
    let (_, _, r) = read_all(
        ".csv",
        b"id,created_at,First response time in minutes,resolved_at,subject\n\
          1,2024-03-01 09:00,-5,2024-03-01 09:00,a\n",
        &kpi_opts(),
    );
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("before their creation"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", r.warnings());
    assert!(
        w[0].contains("(first at line 2: answered after -5 min)"),
        "{}",
        w[0]
    );
    // A date-only resolution on the day of creation has its own cause.
    let (_, _, r) = read_all(
        ".csv",
        b"id,created_at,resolved_date,subject\n\
          1,2024-03-01 10:00,2024-03-01,a\n\
          2,2024-03-02 09:00,2024-03-04,b\n\
          3,2024-03-03 09:00,2024-03-03,c\n",
        &kpi_opts(),
    );
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("resolution"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", r.warnings());
    assert!(
        w[0].starts_with("2 ticket(s) have a resolution (column 'resolved_date') on the day they were created, written as a date without a time (first at line 2)"),
        "{}",
        w[0]
    );
}

/// CSAT answers all 3 or less (a 1–3 survey read on 1–5 reads as 0 %
/// satisfied) are warned about; on the 1–3 scale they are read as 1, 3, 5.
#[test]
fn a_csat_on_one_to_three_is_warned_about_and_read_with_its_scale() {
    let mut data = String::from("id,created_at,CSAT,subject\n");
    for i in 0..30 {
        data.push_str(&format!("{i},2024-03-01 09:00,{},x\n", i % 3 + 1));
    }
    let (_, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert!(
        r.warnings().iter().any(|w| w
            .starts_with("all 30 CSAT answers (column 'CSAT') are 3 or less")
            && w.contains("`csat_scale` 3")),
        "{:?}",
        r.warnings()
    );
    // Zendesk's `good` is the top of the scale: a 5, and no warning.
    data.push_str("30,2024-03-01 09:00,good,x\n");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[30].csat, Some(5.0));
    assert!(!r.warnings().iter().any(|w| w.contains("CSAT")));
    let opts = IngestOptions {
        csat_scale: CsatScale::OneToThree,
        ..kpi_opts()
    };
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &opts);
    assert_eq!(stats.rejected, 0);
    let got: Vec<Option<f64>> = tickets(&rows)[..3].iter().map(|t| t.csat).collect();
    assert_eq!(got, [Some(1.0), Some(3.0), Some(5.0)]);
    assert_eq!(tickets(&rows)[30].csat, Some(5.0));
    assert!(!r.warnings().iter().any(|w| w.contains("CSAT")));
    // 4 is outside 1–3: a reject naming the range.
    let (rows, _, _) = read_all(
        ".csv",
        b"id,created_at,CSAT,subject\n1,2024-03-01 09:00,4,x\n",
        &opts,
    );
    assert_eq!(
        rejects(&rows)[0].1,
        "csat value 4 in column 'CSAT' outside 1–3 (the CSAT scale is set to 1–3 by `csat_scale`)"
    );
    let (rows, _, _) = read_all(
        ".csv",
        b"id,created_at,CSAT,subject\n1,2024-03-01 09:00,2.5,x\n",
        &opts,
    );
    assert_eq!(
        rejects(&rows)[0].1,
        "csat value 2.5 in column 'CSAT' is not a whole answer (the CSAT scale is set to 1–3 by `csat_scale`)"
    );
    let (_, _, r) = read_all(
        ".csv",
        "id,created_at,CSAT,subject\n".to_string().as_bytes(),
        &kpi_opts(),
    );
    assert!(r.warnings().is_empty());
}

/// Placeholder dates that databases write for "no date" (`1900-01-01`,
/// MySQL's `0000-00-00 00:00:00`, `9999-12-31`) are blank in time columns,
/// counted in one warning per column: a ticket "resolved" in 1900 is an
/// open one, and one `9999-12-31` among a hundred dates no longer stops the
/// run as a misread format. A blank creation time is a reject that says so.
#[test]
fn placeholder_dates_are_blank_and_warned_about() {
    let mut data = String::from("id,created_at,first_response_at,resolved_at,subject\n");
    for i in 0..100 {
        let resolved = match i {
            0 => "1900-01-01 00:00:00",
            1 => "0000-00-00 00:00:00",
            2 => "9999-12-31",
            _ => "2024-03-04 10:00",
        };
        data.push_str(&format!(
            "{i},2024-03-01 09:00,2024-03-01 09:30,{resolved},s\n"
        ));
    }
    data.push_str("100,1900-01-01,,,s\n");
    data.push_str("101,2024-03-01 09:00,01/01/1900,,s\n");
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!((stats.accepted, stats.rejected), (101, 1), "{rows:?}");
    let t = tickets(&rows);
    assert!(t[..3].iter().all(|t| t.resolved_at.is_none()));
    assert!(t[3].resolved_at.is_some());
    assert!(t[100].first_response_at.is_none());
    let Row::Rejected(rej) = &rows[100] else {
        panic!("{:?}", rows[100]);
    };
    assert!(rej.reason.contains("placeholder"), "{}", rej.reason);
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("placeholder date"))
        .collect();
    assert_eq!(w.len(), 2, "{:?}", r.warnings());
    assert!(
        w.iter().any(|w| w.starts_with(
            "3 value(s) in column 'resolved_at' (resolved) are a placeholder date that databases write for \"no date\" (first at line 2: '1900-01-01 00:00:00')"
        )),
        "{w:?}"
    );
    // A real 1970 timestamp with a time of day is a date, not a placeholder.
    assert!(!crate::ingest::values::is_placeholder_date(
        "1970-01-01 08:30:00"
    ));
    assert!(crate::ingest::values::is_placeholder_date(
        "1970-01-01T00:00:00Z"
    ));
    assert!(!crate::ingest::values::is_placeholder_date("1900-01-02"));
    // An Excel duration cell as LibreOffice and pandas write it.
    assert!(!crate::ingest::values::is_placeholder_date(
        "1899-12-30 02:30:00"
    ));
    assert!(crate::ingest::values::is_placeholder_date(
        "9999-12-31 23:59:59"
    ));
}

/// A `0` in a column of timestamps is the epoch's zero that exports write
/// for "no time": blank and counted, not a zero-hour resolution. In a
/// duration column it stays zero minutes.
#[test]
fn a_zero_among_timestamps_is_no_time() {
    let data = "id,created_at,resolved_at,subject\n\
                1,2024-03-01 09:00,2024-03-01 12:00,a\n\
                2,2024-03-01 09:00,0,b\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 2, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!((t[1].resolved_at, t[1].resolution_hours), (None, None));
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.contains("first at line 3: '0'")),
        "{:?}",
        r.warnings()
    );
    let spans = "id,created_at,First response time in minutes,subject\n1,2024-03-01 09:00,0,a\n2,2024-03-01 09:00,15,b\n";
    let (rows, _, _) = read_all(".csv", spans.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].first_response_minutes, Some(0.0));
}

/// Each kept ticket's line, id and status.
fn kept_rows(rows: &[Row]) -> Vec<(u64, &str, Option<&str>)> {
    tickets(rows)
        .iter()
        .map(|t| (t.line, t.id.as_str(), t.status.as_deref()))
        .collect()
}
