//! Encodings: UTF-8 with/without BOM, UTF-16 LE/BE, Windows-1252, `--encoding`.

use super::*;

fn field_case(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/field")
        .join(name)
}

fn read_path(path: std::path::PathBuf, opts: &IngestOptions) -> (Vec<Row>, IngestStats) {
    let mut reader = open(&InputSource::Path(path), opts).unwrap();
    let rows: Vec<Row> = reader.by_ref().map(|r| r.unwrap()).collect();
    let stats = reader.stats();
    (rows, stats)
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn utf16be(s: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
    out.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    out
}

/// Field case 07: Excel's "CSV (Comma delimited)" save, Windows-1252 + CRLF.
#[test]
fn excel_windows_1252_export_reads_every_row() {
    let (rows, stats) = read_path(field_case("excel_cp1252.csv"), &kpi_opts());
    assert_eq!(
        stats,
        IngestStats {
            read: 8,
            accepted: 8,
            rejected: 0,
            superseded: 0,
        }
    );
    let ts = tickets(&rows);
    assert_eq!(
        ts.iter().map(|t| t.line).collect::<Vec<_>>(),
        (2..=9).collect::<Vec<u64>>(),
        "CRLF: header = line 1, first row = line 2"
    );
    assert_eq!(ts[0].agent.as_deref(), Some("Renée Dubois"));
    assert_eq!(ts[1].agent.as_deref(), Some("Jürgen Maier"));
    assert_eq!(ts[0].subject.as_deref(), Some("Can’t apply voucher"));
    assert_eq!(
        ts[0].body.as_deref(),
        Some("The €10 voucher from the newsletter isn’t accepted at checkout.")
    );
    assert_eq!(
        ts[1].body.as_deref(),
        Some("Still waiting – it has been three weeks.")
    );
    assert_eq!(ts[5].subject.as_deref(), Some("Refund of €49.99"));
    assert_eq!(
        ts[5].body.as_deref(),
        Some("I returned the jacket “unused” but no refund yet.")
    );
    assert_eq!(
        ts[7].body.as_deref(),
        Some("Two charges of £30 appeared on my card.")
    );
    let csat: Vec<f64> = ts.iter().filter_map(|t| t.csat).collect();
    assert_eq!(csat, vec![4.0, 1.0, 5.0, 5.0, 5.0]);
    let open: Vec<&str> = ts
        .iter()
        .filter(|t| t.status.as_deref() != Some("closed"))
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(open, ["W-3", "W-6", "W-8"]);
}

#[test]
fn utf16le_with_bom_tab_separated_as_excel_unicode_text() {
    let text = "id\tcreated_at\tagent\tbody\r\n1\t2025-01-01 10:00\tRenée\tCafé, bitte\r\n2\t2025-01-02 11:00\tZoë\t\"Zwei\r\nZeilen\"\r\n3\t2025-01-03 12:00\tAl\t😀 emoji\r\n";
    let (rows, stats, r) = read_all(".txt", &utf16le(text, true), &kpi_opts());
    assert_eq!(r.headers(), ["id", "created_at", "agent", "body"]);
    assert_eq!((stats.read, stats.accepted), (3, 3));
    let ts = tickets(&rows);
    assert_eq!(ts[0].agent.as_deref(), Some("Renée"));
    assert_eq!(ts[0].body.as_deref(), Some("Café, bitte"));
    assert_eq!(ts[1].body.as_deref(), Some("Zwei\r\nZeilen"));
    assert_eq!(ts[2].body.as_deref(), Some("😀 emoji"));
    assert_eq!(ts.iter().map(|t| t.line).collect::<Vec<_>>(), vec![2, 3, 5]);
    assert_eq!(ts[2].created_at, utc("2025-01-03T12:00:00Z"));
}

#[test]
fn utf16_without_bom_by_nul_pattern_both_byte_orders() {
    let text = "id,body\n1,Jürgen\n2,plain\n";
    for bytes in [
        utf16le(text, false),
        utf16be(text, false),
        utf16be(text, true),
    ] {
        let (rows, stats, r) = read_all(".csv", &bytes, &IngestOptions::default());
        assert_eq!(r.headers(), ["id", "body"]);
        assert_eq!(stats.accepted, 2);
        assert_eq!(tickets(&rows)[0].body.as_deref(), Some("Jürgen"));
    }
}

#[test]
fn utf8_with_and_without_bom() {
    for data in [
        "\u{feff}id,body\n1,Zoë\n".as_bytes(),
        "id,body\n1,Zoë\n".as_bytes(),
    ] {
        let (rows, _, r) = read_all(".csv", data, &IngestOptions::default());
        assert_eq!(r.headers(), ["id", "body"]);
        assert_eq!(tickets(&rows)[0].body.as_deref(), Some("Zoë"));
    }
}

#[test]
fn latin1_jsonl_is_decoded_too() {
    let data = b"{\"id\":\"1\",\"body\":\"Ren\xe9e \x80\"}\n";
    let (rows, _, r) = read_all(".jsonl", data, &IngestOptions::default());
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("Renée €"));
    assert_eq!(r.warnings().len(), 1);
    assert!(
        r.warnings()[0].contains("is not UTF-8: read as windows-1252 (detected)"),
        "{:?}",
        r.warnings()
    );
}

#[test]
fn forced_encoding_wins_and_unknown_names_are_errors() {
    // Valid UTF-8 bytes, read as Latin-1 because the user says so.
    let data = "id,body\n1,Ã©\n".as_bytes();
    let opts = IngestOptions {
        encoding: Some("latin1".into()),
        ..Default::default()
    };
    let (rows, _, _) = read_all(".csv", "id,body\n1,é\n".as_bytes(), &opts);
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("Ã©"));
    let opts = IngestOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let (rows, _, _) = read_all(".csv", data, &opts);
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("Ã©"));
    let opts = IngestOptions {
        encoding: Some("ebcdic-martian".into()),
        ..Default::default()
    };
    let e = open_err(".csv", data, &opts).to_string();
    assert!(e.contains("unknown encoding 'ebcdic-martian'"), "{e}");
    assert!(e.contains("`encoding`"), "{e}");
}

/// UTF-8 for the first 64 KiB, then a Windows-1252 byte: the row is
/// rejected with a hint, and its raw text keeps the character (not U+FFFD).
#[test]
fn late_invalid_utf8_is_rejected_with_an_encoding_hint_and_faithful_raw() {
    let mut data = b"id,created_at,body\n".to_vec();
    let mut i = 0;
    while data.len() < 70_000 {
        data.extend_from_slice(format!("{i},2025-01-01,plain ascii text {i}\n").as_bytes());
        i += 1;
    }
    data.extend_from_slice(b"late,2025-01-02,Ren\xe9e paid \x8030 \xe2\x82\xac\n");
    let (rows, stats, _) = read_all(".csv", &data, &kpi_opts());
    assert_eq!(stats.rejected, 1);
    let r = rows
        .iter()
        .find_map(|r| match r {
            Row::Rejected(x) => Some(x),
            _ => None,
        })
        .unwrap();
    assert_eq!(r.line, i as u64 + 2);
    assert_eq!(
        r.reason,
        "invalid UTF-8 in column 'body' at byte 3 (the file is not UTF-8 throughout: pass `encoding` windows-1252, or the file's encoding)"
    );
    assert_eq!(r.raw, "late,2025-01-02,Renée paid €30 €");
}

/// A UTF-8 file with one broken row near the top stays UTF-8: the other
/// rows keep their characters, the broken one is rejected with the hint.
#[test]
fn mostly_utf8_file_with_one_bad_row_stays_utf8() {
    let data =
        b"id,body\n1,Jos\xc3\xa9 \xc3\xbcber caf\xc3\xa9\n2,bad \xff\xfe here\n3,Zo\xc3\xab\n";
    let (rows, stats, r) = read_all(".csv", data, &IngestOptions::default());
    assert_eq!((stats.accepted, stats.rejected), (2, 1));
    assert_eq!(tickets(&rows)[0].body.as_deref(), Some("José über café"));
    assert_eq!(tickets(&rows)[1].body.as_deref(), Some("Zoë"));
    assert_eq!(
        rejects(&rows),
        vec![(3, "invalid UTF-8 in column 'body' at byte 4 (the file is not UTF-8 throughout: pass `encoding` windows-1252, or the file's encoding)".to_string())]
    );
    assert!(r.warnings().is_empty());
}
