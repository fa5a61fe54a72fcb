//! CSV structure: padding, extra empty cells, trailing empty headers,
//! repeated headers, CRLF/blank-line line numbers, unterminated quotes.

use super::*;

fn field_text(name: &str) -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/field")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn lines_of(rows: &[Row]) -> Vec<u64> {
    rows.iter()
        .map(|r| match r {
            Row::Ticket(t) => t.line,
            Row::Rejected(x) => x.line,
        })
        .collect()
}

#[test]
fn crlf_and_blank_lines_keep_physical_line_numbers() {
    let data = "id,created_at,body\r\n1,nope,x\r\n2,2025-01-01,\"two\r\nlines\"\r\n\r\n3,nope,y\r\n4,2025-01-01,z";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(lines_of(&rows), vec![2, 3, 6, 7]);
    assert_eq!(
        rejects(&rows),
        vec![
            (
                2,
                "bad created_at timestamp 'nope' in column 'created_at'".to_string()
            ),
            (
                6,
                "bad created_at timestamp 'nope' in column 'created_at'".to_string()
            )
        ]
    );
    assert_eq!((stats.read, stats.accepted), (4, 2));
    // LF with blank lines, and a file that starts with blank lines.
    let data = "\n\nid,body\n\n1,a\n\n\n2,b\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    assert_eq!(lines_of(&rows), vec![5, 8]);
    // Old Mac line ends (CR only).
    let data = "id,body\r1,a\r2,b\r";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    assert_eq!(tickets(&rows).len(), 2);
}

/// Field case 04: Jira CSV, CRLF, `Labels`×3 and `Comment`×2.
#[test]
fn jira_export_line_numbers_and_repeated_labels() {
    // The original (Jira dates): line numbers are right whether or not the
    // dates parse (header = 1, first issue = 2).
    let (rows, stats, _) = read_all(
        ".csv",
        field_text("jira_export.csv").as_bytes(),
        &IngestOptions::default(),
    );
    assert_eq!(stats.read, 9);
    assert_eq!(lines_of(&rows), (2..=10).collect::<Vec<u64>>());

    // The same export with ISO dates and CRLF line ends.
    let crlf = field_text("jira_export_isodates.csv").replace('\n', "\r\n");
    let (rows, stats, r) = read_all(".csv", crlf.as_bytes(), &kpi_opts());
    assert_eq!(
        stats,
        IngestStats {
            read: 9,
            accepted: 9,
            rejected: 0,
            superseded: 0,
        }
    );
    let ts = tickets(&rows);
    assert_eq!(lines_of(&rows), (2..=10).collect::<Vec<u64>>());
    let tags: Vec<Vec<&str>> = ts
        .iter()
        .map(|t| t.tags.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        tags,
        vec![
            vec!["login", "mobile"],
            vec!["billing", "refund", "urgent"],
            vec!["sales"],
            vec!["checkout", "bug"],
            vec!["shipping"],
            vec!["account"],
            vec!["returns", "damaged"],
            vec!["login"],
            vec!["orders"],
        ]
    );
    let tags_col = r.mapping().get(Field::Tags).unwrap();
    assert_eq!(tags_col.sources, vec![13, 14, 15]);
    assert_eq!(
        tags_col.index, 20,
        "combined cell after the 20 input columns"
    );
    let shown = r.mapping().to_string();
    assert!(
        shown.contains("3 columns of that name, combined"),
        "{shown}"
    );
    assert!(
        !shown.contains("not used (kept in enriched output): \"Labels\""),
        "{shown}"
    );
    // raw keeps the input's 20 cells, not the combined one.
    assert_eq!(ts[0].raw.len(), 20);
    assert_eq!(ts[0].raw[13..16], ["login", "mobile", ""]);
}

#[test]
fn repeated_columns_combine_by_field_kind() {
    let data = "\
id,Comment,Comment,Priority,Priority,tags,tags
1,first,second,,high,a b,c
2,,only,low,urgent,,
";
    let opts = IngestOptions {
        map: vec![("body".into(), "Comment".into())],
        ..Default::default()
    };
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &opts);
    let ts = tickets(&rows);
    assert_eq!(ts[0].body.as_deref(), Some("first\n\nsecond"));
    assert_eq!(ts[1].body.as_deref(), Some("only"));
    assert_eq!(ts[0].priority.as_deref(), Some("high"), "first non-empty");
    assert_eq!(ts[1].priority.as_deref(), Some("low"));
    assert_eq!(ts[0].tags, vec!["a", "b", "c"]);
    assert!(ts[1].tags.is_empty());
    assert_eq!(r.mapping().get(Field::Body).unwrap().sources, vec![1, 2]);
}

#[test]
fn short_rows_are_padded_and_empty_extra_cells_dropped() {
    let data = "\
id,created_at,body,csat,tags,,
1,2025-01-01,short row
2,2025-01-01,trailing empties,5,,,,,
3,2025-01-01,too many,4,x,,,surprise
4,2025-01-01,exact,3,y,,
";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        r.headers(),
        ["id", "created_at", "body", "csat", "tags"],
        "empty trailing header cells ignored"
    );
    assert_eq!(
        rejects(&rows),
        vec![(4, "wrong column count: expected 5, got 8".to_string())]
    );
    let ts = tickets(&rows);
    assert_eq!(ts.len(), 3);
    assert_eq!(ts[0].body.as_deref(), Some("short row"));
    assert_eq!(ts[0].csat, None);
    assert_eq!(ts[0].raw, ["1", "2025-01-01", "short row", "", ""]);
    assert_eq!(ts[1].csat, Some(5.0));
    assert_eq!(ts[2].tags, ["y"]);
    assert_eq!(stats.read, 4);
}

#[test]
fn unterminated_quote_running_to_the_end_is_reported_and_rows_reread() {
    let data = "\
id,created_at,body
1,2025-01-01,fine
2,2025-01-02,\"broken quote starts here
3,2025-01-03,swallowed one
4,2025-01-04,swallowed two
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        rejects(&rows),
        vec![(
            3,
            "unterminated quote in column 'body': the quoted value opened on line 3 swallowed lines 4–5 (they are read again as rows; close the quote or double the stray '\"')"
                .to_string()
        )]
    );
    let ts = tickets(&rows);
    assert_eq!(
        ts.iter()
            .map(|t| (t.line, t.id.as_str()))
            .collect::<Vec<_>>(),
        vec![(2, "1"), (4, "3"), (5, "4")]
    );
    assert_eq!(ts[2].body.as_deref(), Some("swallowed two"));
    assert_eq!(
        stats,
        IngestStats {
            read: 4,
            accepted: 3,
            rejected: 1,
            superseded: 0,
        }
    );
    match &rows[1] {
        Row::Rejected(x) => assert_eq!(x.raw, "2,2025-01-02,\"broken quote starts here"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unterminated_quote_closed_by_a_later_quote_is_reported() {
    let data = "\
id,created_at,body,csat
1,2025-01-01,\"broken,4
2,2025-01-02,swallowed,5
3,2025-01-03,\"quoted, later\",3
4,2025-01-04,after,2
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let rj = rejects(&rows);
    assert_eq!(rj[0].0, 2);
    assert!(
        rj[0].1.starts_with("unterminated quote in column 'body'") && rj[0].1.contains("lines 3–4"),
        "{rj:?}"
    );
    // Line 3 is read again as a row; line 4 (whose quote closed the broken
    // one) is rejected on its own; line 5 reads normally.
    let ts = tickets(&rows);
    assert_eq!(
        ts.iter()
            .map(|t| (t.line, t.id.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "2"), (5, "4")]
    );
    assert_eq!(rj.len(), 2);
    assert_eq!(rj[1].0, 4);
    assert_eq!(lines_of(&rows), vec![2, 3, 4, 5]);
}

#[test]
fn a_multiline_body_is_not_mistaken_for_an_open_quote() {
    let data = "\
id,created_at,body
1,2025-01-01,\"Hi team,
I ordered 3, got 2, one missing.
Thanks\"
2,2025-01-02,next
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.rejected, 0, "{rows:?}");
    assert_eq!(
        tickets(&rows)[0].body.as_deref(),
        Some("Hi team,\nI ordered 3, got 2, one missing.\nThanks")
    );
    assert_eq!(lines_of(&rows), vec![2, 5]);
}

/// Excel's `sep=;` first line names the delimiter and counts as line 1.
#[test]
fn excel_sep_line_names_the_delimiter() {
    for nl in ["\n", "\r\n"] {
        let data = [
            "sep=;",
            "id;created_at;subject",
            "1;2024-03-01 10:00;a, b",
            "2;bad;b",
            "",
        ]
        .join(nl);
        let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
        assert_eq!(lines_of(&rows), [3, 4]);
        assert_eq!(tickets(&rows)[0].subject.as_deref(), Some("a, b"));
        assert_eq!(rejects(&rows)[0].0, 4);
    }
}

/// A properly quoted body whose lines look like rows and that ends with a
/// line break (an e-mail with its `On … wrote:` history) is one cell, also
/// as the input's last record; a quote left open to the end is not.
#[test]
fn quoted_bodies_ending_in_a_line_break_are_not_open_quotes() {
    let body = "\"Where is my order?\n\nOn Mon, 4 Mar 2024 at 10:02, Shop <s@x> wrote:\n> Thanks, we got it.\n\"";
    let data = format!("id,subject,body\nH-1,Late,{body}\nH-2,Broken,{body}\nH-3,Refund,{body}\n");
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    assert_eq!(stats.rejected, 0, "{rows:?}");
    assert_eq!(lines_of(&rows), [2, 7, 12]);
    // The same cell left open at the end swallows what follows.
    let open = "id,subject,body\nH-1,Late,\"Where is my order?\nH-2,Broken,it is late\nH-3,Refund,money back\n";
    let (rows, _, _) = read_all(".csv", open.as_bytes(), &IngestOptions::default());
    assert!(
        rejects(&rows)
            .iter()
            .any(|(l, r)| *l == 2 && r.contains("unterminated quote")),
        "{rows:?}"
    );
}

/// Field case 11's plain-text e-mail export: 30 tickets whose bodies carry
/// `On … wrote:` history in properly quoted multi-line cells.
#[test]
fn email_export_with_quoted_history_reads_every_ticket() {
    let data = field_text("email_quote_plain.csv");
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    assert_eq!(
        (stats.read, stats.rejected),
        (30, 0),
        "{:?}",
        rejects(&rows)
    );
}

/// Rows around the data that are not tickets: a report's title above the
/// header (the header is found below it), the header repeated where two
/// exports were joined with `cat`, and Salesforce's footer after the last
/// row. Each is skipped with a warning; the tickets and their line numbers
/// are the file's. A second header with other columns stops the run.
#[test]
fn titles_repeated_headers_and_footers_are_not_tickets() {
    let data = "Cases by owner\n\
                \"Generated 3/1/2024 2:22 PM\"\n\
                \n\
                Case Number,Subject,Date/Time Opened,Status\n\
                00001,Login fails,3/1/2024 9:00 AM,New\n\
                00002,Refund,3/1/2024 10:00 AM,Closed\n\
                Case Number,Subject,Date/Time Opened,Status\n\
                00003,Invoice,3/2/2024 10:00 AM,New\n\
                \n\
                \"Grand Totals (3 records)\"\n\
                \n\
                \"Confidential Information - Do Not Distribute\"\n\
                \"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.\"\n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        (stats.read, stats.accepted, stats.rejected),
        (3, 3, 0),
        "{rows:?}"
    );
    let t = tickets(&rows);
    assert_eq!(
        t.iter()
            .map(|t| (t.line, t.id.as_str()))
            .collect::<Vec<_>>(),
        [(5, "00001"), (6, "00002"), (8, "00003")]
    );
    let w = r.warnings();
    for says in [
        "skipped 3 line(s) above the header on line 4 (a report's title: 'Cases by owner')",
        "1 row(s) repeat the header (first at line 7)",
        "3 line(s) after the last row hold a single cell or totals (first at line 10: 'Grand Totals (3 records)')",
    ] {
        assert!(w.iter().any(|w| w.contains(says)), "{says}: {w:?}");
    }
    // A single-cell row with data after it is read (and rejected) in order.
    let mid = "id,created_at,subject\n1,2024-03-01,a\nstray\n2,2024-03-02,b\n";
    let (rows, stats, _) = read_all(".csv", mid.as_bytes(), &kpi_opts());
    assert_eq!((stats.accepted, stats.rejected), (2, 1), "{rows:?}");
    assert!(matches!(&rows[1], Row::Rejected(r) if r.line == 3));

    let other = "Ticket ID,Created time,Subject\n1,2024-03-01 09:00,a\n\
                 Ticket ID,Status,Priority,Created time,Subject\n2,Open,High,2024-03-02 09:00,b\n";
    let f = write_tmp(".csv", other.as_bytes());
    let reader = open(&InputSource::Path(f.path().to_path_buf()), &kpi_opts()).unwrap();
    let err = reader
        .into_iter()
        .find_map(|r| r.err())
        .expect("a second header stops the run")
        .to_string();
    assert!(
        err.contains(":3:") && err.contains("a second header row with other columns"),
        "{err}"
    );
}

/// A gzip-compressed export is read through the decoder, whatever its
/// name: `tickets.csv.gz`, two members joined with `cat`, a `.jsonl.gz` of
/// one API page per line.
#[test]
fn gzip_compressed_exports_are_read() {
    use std::io::Write;
    let gz = |text: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let csv = "id,created_at,subject\n1,2024-03-01,a\n2,2024-03-02,b\n";
    for name in [".csv.gz", ".gz", ".data"] {
        let (rows, stats, _) = read_all(name, &gz(csv), &kpi_opts());
        assert_eq!((stats.read, stats.accepted), (2, 2), "{name}: {rows:?}");
        assert_eq!(tickets(&rows)[1].line, 3);
    }
    let mut joined = gz("id,created_at,subject\n1,2024-03-01,a\n");
    joined.extend(gz("2,2024-03-02,b\n"));
    let (rows, stats, _) = read_all(".csv.gz", &joined, &kpi_opts());
    assert_eq!(stats.accepted, 2, "{rows:?}");
    let pages = "{\"tickets\":[{\"id\":1,\"created_at\":\"2024-03-01\",\"subject\":\"a\"}],\"next_page\":\"p2\"}\n\
                 {\"tickets\":[{\"id\":2,\"created_at\":\"2024-03-02\",\"subject\":\"b\"}],\"next_page\":null}\n";
    let (rows, stats, _) = read_all(".jsonl.gz", &gz(pages), &kpi_opts());
    assert_eq!(stats.accepted, 2, "{rows:?}");
}

/// Rows of empty cells (`;;;;`, as Excel saves rows it once formatted) are
/// blank lines, not tickets with a blank creation time; a blank line above
/// the header is said as one, not as a title.
#[test]
fn rows_of_empty_cells_are_blank_lines() {
    let data = "\nId;Subject;Created at;Status\n1;a;01.03.2024 09:00;Open\n;;;\n2;b;01.03.2024 10:00;Open\n ; ; ; \n";
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!((stats.read, stats.rejected), (2, 0), "{:?}", rejects(&rows));
    let lines: Vec<u64> = tickets(&rows).iter().map(|t| t.line).collect();
    assert_eq!(lines, [3, 5]);
    let w = r.warnings().join("\n");
    assert!(
        w.contains("skipped 1 blank line(s) above the header on line 2"),
        "{w}"
    );
    assert!(
        w.contains("2 row(s) with every cell empty (first at line 4) skipped, as blank lines"),
        "{w}"
    );
}
