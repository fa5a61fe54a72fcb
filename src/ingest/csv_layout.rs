//! Rows around a CSV's data that are not tickets: report titles above the
//! header, the header again where exports were joined with `cat`, and a
//! report's footer after the last row.
//!
//! Report tools write them (Salesforce's "Details only" export ends with
//! `Grand Totals (5 records)`, `Confidential Information - Do Not
//! Distribute` and a copyright line; BI exports put `Report: Open cases` and
//! a date above the header), and people join monthly exports with `cat`.
//! Read as tickets, they are rejects that can push a small file past the
//! reject threshold, or, above the header, hide the header altogether. Each
//! is recognised by its shape and skipped with a warning that says where.

use super::fields::{field_named, Field};
use super::source::sniff_delimiter;
use csv::ByteRecord;

/// How many lines above the header a title block may take.
const MAX_TITLE_LINES: usize = 10;

/// Title lines above the header: when one of the first
/// [`MAX_TITLE_LINES`] lines (not the first) reads as a header (three or
/// more cells, at least two of them spellings of ticket fields:
/// [`field_named`]) and every line before it has at most two non-empty
/// cells, none of them a field's spelling. Returns the bytes to skip (up to the header line), the lines
/// skipped, and the first non-empty title line for the warning.
pub(crate) fn title_lines(prefix: &[u8]) -> Option<(usize, u64, String)> {
    let mut offset = 0;
    let mut title: Option<String> = None;
    for (i, raw) in prefix.split_inclusive(|&b| b == b'\n').enumerate() {
        if i >= MAX_TITLE_LINES || !raw.ends_with(b"\n") {
            return None;
        }
        let line = String::from_utf8_lossy(raw);
        let line = line.trim_end_matches(['\r', '\n']);
        let cells = line_cells(line);
        let filled: Vec<&str> = cells
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let named = filled.iter().filter(|c| field_named(c).is_some()).count();
        if cells.len() >= 3 && named >= 2 {
            return (i > 0).then(|| (offset, i as u64, title.unwrap_or_default()));
        }
        // A narrow header (`created_at,body`) is a header, not a title.
        if filled.len() > 2 || named > 0 {
            return None;
        }
        if title.is_none() && !filled.is_empty() {
            title = Some(filled.join(" "));
        }
        offset += raw.len();
    }
    None
}

/// A line's cells, read as CSV on its likeliest delimiter (quoted
/// delimiters stay inside their cell), trimmed.
fn line_cells(line: &str) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(line.as_bytes()))
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => rec.iter().map(|c| c.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// A cell without a byte-order mark (the second file's, after `cat`) and
/// surrounding spaces.
fn trim(c: &[u8]) -> &[u8] {
    c.strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(c)
        .trim_ascii()
}

/// What [`CsvRows`] found while reading.
#[derive(Debug, Default)]
pub(crate) struct CsvRows {
    /// Rows equal to the header: how many, and the first one's line.
    repeated_headers: (u64, Option<u64>),
    /// Rows whose every cell is empty (`;;;;` as Excel saves the rows it
    /// once formatted): how many, and the first one's line.
    empty_rows: (u64, Option<u64>),
    /// Single-cell rows held back: a footer if nothing follows them.
    held: Vec<(u64, ByteRecord)>,
    /// The last line of the last record read (its quoted line breaks
    /// counted): a footer starts after a blank line.
    prev_end: u64,
    /// The footer skipped at the end: rows, first line, first text.
    footer: Option<(usize, u64, String)>,
    /// Rows of dashes (a SQL client's rule under the header, `----,---`
    /// from sqlcmd, `---+---` from psql): how many, and the first one's line.
    rules: (u64, Option<u64>),
}

/// A row of dashes that a SQL client draws under its header: every cell
/// only `-`, `=`, `+` or spaces, one of them at least three dashes.
fn rule_row(rec: &ByteRecord) -> bool {
    rec.iter()
        .all(|c| c.iter().all(|b| matches!(b, b'-' | b'=' | b'+' | b' ')))
        && rec
            .iter()
            .any(|c| c.windows(3).any(|w| w == b"---" || w == b"==="))
}

/// A SQL client's row count after the rows: `(4 rows)` (psql),
/// `(4 rows affected)` (sqlcmd), `(1 row)`.
fn row_count_line(cell: &[u8]) -> bool {
    let Some(inner) = cell.strip_prefix(b"(").and_then(|c| c.strip_suffix(b")")) else {
        return false;
    };
    let digits = inner.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = String::from_utf8_lossy(&inner[digits..]).to_lowercase();
    digits > 0
        && matches!(
            rest.trim(),
            "row" | "rows" | "rows affected" | "row affected" | "rows selected"
        )
}

/// A report's totals row: the first cell a summary word (`Total`, `Grand
/// Totals (6 records)`, `Average`, `Count: 6`, `Summe`, `Moyenne` …) and
/// every other cell empty or a number. Held like a footer: skipped when no
/// ticket follows it, read (and likely rejected) when one does.
fn summary_row(rec: &ByteRecord) -> bool {
    const WORDS: [&str; 28] = [
        "total",
        "totals",
        "grand total",
        "grand totals",
        "subtotal",
        "sum",
        "average",
        "avg",
        "mean",
        "median",
        "count",
        "gesamt",
        "summe",
        "durchschnitt",
        "mittelwert",
        "anzahl",
        "moyenne",
        "somme",
        "promedio",
        "suma",
        "média",
        "media",
        "soma",
        "totaal",
        "gemiddelde",
        "aantal",
        "somma",
        "totale",
    ];
    // Every other cell empty or a total: a number or a duration, never a
    // date (a ticket's row has its creation time) nor a word. Checked
    // first: it is called on every row, and a ticket's row fails it at
    // its first date or word without the copy below.
    let numeric = |c: &[u8]| {
        let c = c.trim_ascii();
        let c = c.strip_prefix(b"-").unwrap_or(c);
        c.iter().all(|b| b.is_ascii_digit() || b".,:%".contains(b))
    };
    if !rec.iter().skip(1).all(numeric) {
        return false;
    }
    let first = String::from_utf8_lossy(trim(rec.get(0).unwrap_or_default())).to_lowercase();
    // The word alone, or with a count: `Grand Totals (6 records)`,
    // `Count: 6`; not a subject that starts with it (`Total 2`, `Sum:
    // wrong`).
    let count = |s: &str| {
        let s = s.trim();
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let unit = s[digits..].trim();
        digits > 0 && (unit.is_empty() || matches!(unit, "record" | "records" | "rows" | "tickets"))
    };
    WORDS.iter().any(|w| {
        first.strip_prefix(w).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty()
                || rest.strip_prefix(':').is_some_and(count)
                || rest
                    .strip_prefix('(')
                    .and_then(|r| r.strip_suffix(')'))
                    .is_some_and(count)
        })
    })
}

/// What to do with a CSV record.
pub(crate) enum RowKind {
    /// A row of the file's data: read it (after the rows released with it).
    Data(Vec<(u64, ByteRecord)>),
    /// Not data (a repeated header, a held single-cell row): nothing to read now.
    Skip,
    /// A header with other columns than the file's: files with different
    /// columns were joined; the message says where.
    OtherHeader(String),
}

impl CsvRows {
    /// Rows after a header whose last line is `header_end`.
    pub(crate) fn new(header_end: u64) -> Self {
        CsvRows {
            prev_end: header_end,
            ..CsvRows::default()
        }
    }

    /// Classify the record at `line` under `headers`. Single-cell rows in
    /// a file of three or more columns, from one that follows a blank line
    /// on, are held back until a row of data follows (then they are
    /// returned with it, in order) or the input ends (then they are a
    /// footer: [`CsvRows::finish`]). A single-cell row right after a
    /// record is a record that left its other cells out.
    ///
    /// Cheap on rows of data: a row is compared with the header only when
    /// its first cell is the header's first, and looked at as another
    /// header only when no cell holds a digit (ids and dates do).
    pub(crate) fn classify(&mut self, line: u64, rec: &ByteRecord, headers: &[String]) -> RowKind {
        // A row of empty cells is a blank line written with delimiters: no
        // ticket, and (for the footer rule) as blank as an empty line.
        if rec.iter().all(|c| c.trim_ascii().is_empty()) {
            self.empty_rows.0 += 1;
            self.empty_rows.1.get_or_insert(line);
            return RowKind::Skip;
        }
        if rule_row(rec) {
            self.rules.0 += 1;
            self.rules.1.get_or_insert(line);
            return RowKind::Skip;
        }
        let after_blank = line > self.prev_end + 1;
        let breaks = rec
            .iter()
            .map(|c| memchr::memchr_iter(b'\n', c).count() as u64)
            .sum::<u64>();
        self.prev_end = line + breaks;
        let cell = |c: &[u8]| String::from_utf8_lossy(trim(c)).into_owned();
        let first = rec.get(0).map(trim).unwrap_or_default();
        if headers.len() >= 2
            && rec.len() >= headers.len()
            && headers.first().map(String::as_bytes) == Some(first)
            && rec.iter().enumerate().all(|(i, c)| {
                headers
                    .get(i)
                    .map_or(c.trim_ascii().is_empty(), |h| h.as_bytes() == trim(c))
            })
        {
            self.repeated_headers.0 += 1;
            self.repeated_headers.1.get_or_insert(line);
            return RowKind::Skip;
        }
        if rec.len() >= 4 && !rec.iter().any(|c| c.iter().any(u8::is_ascii_digit)) {
            // Every cell a field's spelling, a creation time's among them:
            // a row of values (`Refund, Email, Medium, Solved`) has some
            // free text, and a header names when tickets were created.
            let filled: Vec<String> = rec.iter().map(cell).filter(|c| !c.is_empty()).collect();
            let fields: Vec<Option<Field>> = filled.iter().map(|c| field_named(c)).collect();
            if filled.len() >= 4
                && 2 * filled.len() >= rec.len()
                && fields.iter().all(Option::is_some)
                && fields.contains(&Some(Field::CreatedAt))
            {
                return RowKind::OtherHeader(format!(
                    "a second header row with other columns than line 1's ({} …): files with different columns were joined; read each on its own",
                    filled.iter().take(4).map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        // One cell with text (also padded with empty cells, as Salesforce
        // writes `"Grand Totals (6 records)","",""`) after a blank line, or
        // a totals row (`Total,,,,11.5,24`, `Average,,,1.4`) anywhere.
        let one_cell = rec.iter().skip(1).all(|c| c.trim_ascii().is_empty());
        if headers.len() >= 3
            && !first.is_empty()
            && ((one_cell && (after_blank || !self.held.is_empty() || row_count_line(first)))
                || summary_row(rec))
        {
            self.held.push((line, rec.clone()));
            return RowKind::Skip;
        }
        if self.held.is_empty() {
            return RowKind::Data(Vec::new());
        }
        RowKind::Data(std::mem::take(&mut self.held))
    }

    /// At the end of the input: the single-cell rows still held are a
    /// report's footer, skipped.
    pub(crate) fn finish(&mut self) {
        if let Some((line, rec)) = self.held.first() {
            let text = String::from_utf8_lossy(rec.get(0).unwrap_or_default())
                .trim()
                .to_string();
            self.footer = Some((self.held.len(), *line, text));
            self.held.clear();
        }
    }

    /// The warnings: repeated headers, a skipped footer.
    pub(crate) fn warnings(&self, label: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let (n, Some(line)) = self.empty_rows {
            out.push(format!(
                "{label}: {n} row(s) with every cell empty (first at line {line}) skipped, as blank lines"
            ));
        }
        if let (n, Some(line)) = self.rules {
            out.push(format!(
                "{label}: {n} row(s) of dashes (first at line {line}), a SQL client's rule under its header: skipped"
            ));
        }
        if let (n, Some(line)) = self.repeated_headers {
            out.push(format!(
                "{label}: {n} row(s) repeat the header (first at line {line}): files joined with `cat`, read as headers, not tickets"
            ));
        }
        if let Some((n, line, text)) = &self.footer {
            out.push(format!(
                "{label}: {n} line(s) after the last row hold a single cell or totals (first at line {line}: '{}'): read as a report's footer and skipped",
                super::values::show(text)
            ));
        }
        out
    }
}

/// Whether the CSV escapes a quote inside a quoted value with a backslash
/// (`"Printer \"jammed\", again"`: MySQL's `SELECT … INTO OUTFILE`,
/// Postgres `COPY … ESCAPE '\'`, PHP and some Java writers) rather than
/// doubling it: `prefix` holds a `\"` followed by something other than a
/// delimiter, a quote or a line end. Read as RFC 4180, such a quote ends the
/// value in the middle and the row gets the wrong number of columns; a value
/// that merely ends with a backslash (`"C:\temp\"`) does not count.
pub(crate) fn backslash_escapes(prefix: &[u8]) -> bool {
    let ends_field = |b: u8| matches!(b, b',' | b';' | b'\t' | b'|' | b'\r' | b'\n');
    // RFC 4180 quote state: a quote opens a value only at its start.
    let (mut quoted, mut at_start) = (false, true);
    let mut i = 0;
    while i < prefix.len() {
        let b = prefix[i];
        if quoted {
            match b {
                // `\"x` inside a value: a quote escaped with a backslash
                // (as RFC 4180 it would end the value in the middle).
                b'\\' if prefix.get(i + 1) == Some(&b'"') => {
                    if let Some(&c) = prefix.get(i + 2) {
                        if !ends_field(c) && c != b'"' {
                            return true;
                        }
                    }
                }
                b'"' if prefix.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => {
                    quoted = false;
                    at_start = false;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' if at_start => quoted = true,
                _ if ends_field(b) => at_start = true,
                _ => at_start = false,
            }
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_escaped_quotes_are_told_from_a_trailing_backslash() {
        assert!(backslash_escapes(br#""1","Printer \"jammed\", again""#));
        assert!(!backslash_escapes(br#""1","C:\temp\","x""#));
        assert!(!backslash_escapes(br#""1","He said ""hi""""#));
        // Outside quotes a backslash is text.
        assert!(!backslash_escapes(b"1,regex \\\"foo\n2,\"C:\\temp\\\"\n"));
    }

    #[test]
    fn title_lines_above_a_header() {
        let sf = b"Cases by owner\n\"As of 3/1/2024\"\n\nCase Number,Subject,Date/Time Opened,Status\n00001,a,3/1/2024 9:00 AM,New\n";
        let (skip, lines, title) = title_lines(sf).unwrap();
        assert_eq!(&sf[skip..skip + 11], b"Case Number");
        assert_eq!((lines, title.as_str()), (3, "Cases by owner"));
        // A header on line 1, or a first line that is data: nothing skipped.
        assert_eq!(
            title_lines(b"id,created_at,subject\n1,2024-01-01,a\n"),
            None
        );
        assert_eq!(title_lines(b"a,b,c\n1,2,3\nid,created_at,subject\n"), None);
        // A header that names no ticket field cannot be told from data.
        assert_eq!(title_lines(b"Report\nfoo,bar,baz\n1,2,3\n"), None);
        let narrow = b"created_at,body\n2024-01-01,\"Refund, Email, Status\"\n";
        assert_eq!(title_lines(narrow), None);
        // Quoted delimiters stay in their cell: no header below `When,Note`.
        let quoted = b"When,Note\n2024-03-01 09:00,\"Refund, Email, Status\"\n";
        assert_eq!(title_lines(quoted), None);
    }

    /// Totals at the end of a report export (`Total,,,11.5,24`, Salesforce's
    /// footer padded with empty cells) are a footer; a subject that starts
    /// with "Total" is data.
    #[test]
    fn totals_rows_are_a_footer() {
        let headers: Vec<String> = ["id", "created_at", "subject", "frt"]
            .map(String::from)
            .into();
        let rec = |cells: &[&str]| ByteRecord::from(cells.to_vec());
        let mut rows = CsvRows::new(2);
        assert!(matches!(
            rows.classify(3, &rec(&["1", "2024-01-01", "a", "30"]), &headers),
            RowKind::Data(_)
        ));
        for (line, cells) in [
            (4, &["Total", "", "", "11.5"][..]),
            (5, &["Average", "", "", "1,4"][..]),
            (6, &["Grand Totals (6 records)", "", "", ""][..]),
            (7, &["Count: 6", "", "", ""][..]),
        ] {
            assert!(
                matches!(rows.classify(line, &rec(cells), &headers), RowKind::Skip),
                "{cells:?}"
            );
        }
        rows.finish();
        let w = rows.warnings("f.csv");
        assert!(w[0].contains("4 line(s) after the last row hold a single cell or totals (first at line 4: 'Total')"), "{w:?}");
        let mut rows = CsvRows::new(2);
        for cells in [
            &["Total failure", "2024-01-01 09:00", "", "30"][..],
            &["Total", "2024-01-01 09:00", "login", "30"][..],
            &["Total", "2024-01-01 09:00", "", ""][..],
            &["Total 2", "", "", "3"][..],
            &["Sum: wrong", "", "", ""][..],
            &["Media", "2024-01-01 09:00", "", "3"][..],
        ] {
            assert!(
                matches!(rows.classify(3, &rec(cells), &headers), RowKind::Data(_)),
                "{cells:?}"
            );
        }
    }

    #[test]
    fn repeated_headers_footers_and_other_headers() {
        let headers: Vec<String> = ["id", "created_at", "subject"].map(String::from).into();
        let rec = |cells: &[&str]| ByteRecord::from(cells.to_vec());
        let mut rows = CsvRows::new(2);
        assert!(matches!(
            rows.classify(3, &rec(&["id", "created_at", "subject", ""]), &headers),
            RowKind::Skip
        ));
        assert!(matches!(
            rows.classify(5, &rec(&["Grand Totals (2 records)"]), &headers),
            RowKind::Skip
        ));
        // A row of data releases the held single-cell row, in order.
        match rows.classify(6, &rec(&["7", "2024-01-01", "x"]), &headers) {
            RowKind::Data(held) => assert_eq!(held.len(), 1),
            _ => panic!("data"),
        }
        // Right after a record, a single cell is a record (its other cells
        // left out), not a footer.
        assert!(matches!(
            rows.classify(7, &rec(&["a"]), &headers),
            RowKind::Data(_)
        ));
        assert!(matches!(
            rows.classify(9, &rec(&["Confidential Information"]), &headers),
            RowKind::Skip
        ));
        assert!(matches!(
            rows.classify(10, &rec(&["Copyright"]), &headers),
            RowKind::Skip
        ));
        rows.finish();
        let w = rows.warnings("f.csv");
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("1 row(s) repeat the header (first at line 3)"));
        assert!(w[1].contains("2 line(s) after the last row hold a single cell or totals (first at line 9: 'Confidential Information')"), "{w:?}");
        assert!(matches!(
            rows.classify(
                11,
                &rec(&["Ticket ID", "Created time", "Status", "Priority"]),
                &headers
            ),
            RowKind::OtherHeader(_)
        ));
        // Values that happen to be field spellings are data.
        for values in [
            &["Refund please", "Email", "Medium", "Solved"][..],
            &["", "", "Refund", "Email", "Medium", "Solved"][..],
            &["Email", "Medium", "Solved", "Group"][..],
        ] {
            assert!(
                matches!(rows.classify(12, &rec(values), &headers), RowKind::Data(_)),
                "{values:?}"
            );
        }
    }
}
