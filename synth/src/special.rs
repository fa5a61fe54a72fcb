//! Malformed rows for the rejects path.
//!
//! Each broken row is raw bytes (one physical line, no quoting) spliced into
//! tickets.csv between valid records, so ingest must reject it and report its
//! exact line. One row carries invalid UTF-8, which is why the writer deals in
//! bytes.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Serialize;

use super::{SynthCustomer, SynthTicket};

/// Why a broken row must be rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokenKind {
    /// Too few or too many fields for the header.
    ColumnCount,
    /// created_at is not a timestamp (`not-a-date`).
    BadCreatedAt,
    /// created_at is blank.
    MissingCreatedAt,
    /// Subject and body are both empty: nothing to classify.
    EmptyText,
    /// The body holds bytes that are not UTF-8.
    InvalidUtf8,
    /// csat is not a number (`abc`).
    BadCsat,
    /// csat is a number outside 1–5 (`9`).
    CsatOutOfRange,
}

impl BrokenKind {
    /// Snake-case name, as written in ground_truth.json.
    pub fn as_str(self) -> &'static str {
        match self {
            BrokenKind::ColumnCount => "column_count",
            BrokenKind::BadCreatedAt => "bad_created_at",
            BrokenKind::MissingCreatedAt => "missing_created_at",
            BrokenKind::EmptyText => "empty_text",
            BrokenKind::InvalidUtf8 => "invalid_utf8",
            BrokenKind::BadCsat => "bad_csat",
            BrokenKind::CsatOutOfRange => "csat_out_of_range",
        }
    }
}

/// One malformed row and where it sits in the file.
#[derive(Debug, Clone)]
pub struct BrokenRow {
    /// Number of valid tickets written before this row.
    pub after: usize,
    /// 1-based physical line in tickets.csv (header = 1).
    pub line: u64,
    /// Expected reject reason.
    pub kind: BrokenKind,
    /// Human description of the defect.
    pub detail: &'static str,
    /// The id in its first field (`T-B01` …).
    pub id: String,
    /// The exact bytes written, newline included.
    pub bytes: Vec<u8>,
}

/// Which defects to plant, in file order.
const PLAN: [(BrokenKind, &str); 8] = [
    (
        BrokenKind::ColumnCount,
        "20 fields instead of 19 (an unquoted comma in the subject)",
    ),
    (BrokenKind::BadCreatedAt, "created_at is `not-a-date`"),
    (BrokenKind::BadCsat, "csat is `abc`, not a number"),
    (BrokenKind::MissingCreatedAt, "created_at is blank"),
    (BrokenKind::EmptyText, "subject and body are both empty"),
    (
        BrokenKind::InvalidUtf8,
        "body contains bytes 0xE9 0xFF 0xFE (not UTF-8)",
    ),
    (BrokenKind::CsatOutOfRange, "csat is `9`, outside 1-5"),
    (BrokenKind::ColumnCount, "21 fields instead of 19"),
];

/// Build the broken rows at spread-out positions among `tickets`.
pub(super) fn broken_rows<R: Rng>(
    rng: &mut R,
    tickets: &[SynthTicket],
    customers: &[SynthCustomer],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<BrokenRow> {
    let n = tickets.len();
    let slots = PLAN.len() + 1;
    let jitter = (n / (slots * 3)).max(1);
    let mut out: Vec<BrokenRow> = PLAN
        .iter()
        .enumerate()
        .map(|(j, (kind, detail))| {
            let centre = (j + 1) * n / slots;
            let after = (centre + rng.gen_range(0..jitter))
                .saturating_sub(jitter / 2)
                .min(n);
            let created = match tickets.get(after) {
                Some(t) => t.created_at,
                None => start + (end - start) / 2,
            };
            let customer = &customers[rng.gen_range(0..customers.len())].id;
            let id = format!("T-B{:02}", j + 1);
            BrokenRow {
                after,
                line: 0,
                kind: *kind,
                detail,
                bytes: row_bytes(&id, customer, created, *kind, j),
                id,
            }
        })
        .collect();
    out.sort_by_key(|b| b.after);
    out
}

fn row_bytes(
    id: &str,
    customer: &str,
    created: DateTime<Utc>,
    kind: BrokenKind,
    j: usize,
) -> Vec<u8> {
    let ts = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let created_s = match kind {
        BrokenKind::BadCreatedAt => "not-a-date".to_string(),
        BrokenKind::MissingCreatedAt => String::new(),
        _ => ts(created),
    };
    let csat = match kind {
        BrokenKind::BadCsat => "abc",
        BrokenKind::CsatOutOfRange => "9",
        _ => "",
    };
    let (subject, body): (&str, &[u8]) = match kind {
        BrokenKind::EmptyText => ("", b""),
        BrokenKind::InvalidUtf8 => (
            "Caf\u{e9} order problem",
            b"My caf\xe9 order arrived broken \xff\xfe please help",
        ),
        _ => (
            "Question about my order",
            b"Could you check the status of my order please?",
        ),
    };
    let fields: Vec<Vec<u8>> = vec![
        id.into(),
        customer.into(),
        created_s.into(),
        ts(created + Duration::minutes(45)).into(),
        ts(created + Duration::hours(20)).into(),
        "solved".into(),
        "email".into(),
        "normal".into(),
        "Maya Patel".into(),
        "Tier 1".into(),
        "false".into(),
        "0".into(),
        "2".into(),
        csat.into(),
        "".into(),
        "".into(),
        subject.into(),
        body.to_vec(),
        "order".into(),
    ];
    let fields = match (kind, j) {
        // A short row would be padded (exporters omit trailing empty
        // fields), so the first column-count defect is an unquoted comma.
        (BrokenKind::ColumnCount, 0) => {
            // Written as `…,Question about my order, again,…`.
            let mut f = fields;
            f.insert(17, b" again".to_vec());
            f
        }
        (BrokenKind::ColumnCount, _) => {
            let mut f = fields;
            f.push("unexpected".into());
            f.push("extra".into());
            f
        }
        _ => fields,
    };
    let mut out = fields.join(&b","[..]);
    out.push(b'\n');
    out
}
