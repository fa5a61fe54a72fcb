//! Writing a world to disk: streamed CSV rows, raw broken rows, JSON truth.
//!
//! Ticket text is rendered in parallel chunks and written in order, so a
//! million-ticket file streams with bounded memory and stays byte-identical
//! to a sequential render.
//!
//! tickets.csv deliberately does *not* pass text through
//! `io::safe_csv::neutralize`: it simulates an untrusted export, and the
//! formula-injection subjects are there to test that ticketlens' own outputs
//! neutralise them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use rayon::prelude::*;

use super::World;
use ticketlens::{Error, Result};

/// tickets.csv header, in order (ingest auto-detects these names).
pub const TICKET_HEADER: [&str; 19] = [
    "ticket_id",
    "customer_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "status",
    "channel",
    "priority",
    "agent",
    "team",
    "escalated",
    "reopens",
    "replies",
    "csat",
    "nps",
    "ces",
    "subject",
    "body",
    "tags",
];

const CHUNK: usize = 4096;

fn ts(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_err(context: &str) -> impl Fn(csv::Error) -> Error + '_ {
    move |source| Error::Csv {
        context: context.to_string(),
        source,
    }
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| Error::io(path, e))
}

impl World {
    /// Write tickets.csv, customers.csv, customers_truth.csv and
    /// ground_truth.json into `dir` (created if missing).
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join("tickets.csv");
        let mut f = create(&path)?;
        self.write_tickets_csv(&mut f)?;
        f.flush().map_err(|e| Error::io(&path, e))?;

        let path = dir.join("customers.csv");
        let mut w = csv::Writer::from_writer(create(&path)?);
        let ctx = path.display().to_string();
        w.write_record(["customer_id", "plan", "signup_date", "mrr", "churned"])
            .map_err(csv_err(&ctx))?;
        for c in self.customers() {
            let signup = c.signup_date.format("%Y-%m-%d").to_string();
            let mrr = format!("{:.2}", c.mrr);
            w.write_record([
                c.id.as_str(),
                c.plan.as_str(),
                &signup,
                &mrr,
                if c.churned { "1" } else { "0" },
            ])
            .map_err(csv_err(&ctx))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;

        let path = dir.join("customers_truth.csv");
        let mut w = csv::Writer::from_writer(create(&path)?);
        let ctx = path.display().to_string();
        w.write_record(["customer_id", "churn_probability"])
            .map_err(csv_err(&ctx))?;
        for c in self.customers() {
            w.write_record([c.id.as_str(), &format!("{:.6}", c.churn_probability)])
                .map_err(csv_err(&ctx))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;

        let path = dir.join("ground_truth.json");
        let mut f = create(&path)?;
        serde_json::to_writer_pretty(&mut f, &self.ground_truth()).map_err(|source| {
            Error::Json {
                context: path.display().to_string(),
                source,
            }
        })?;
        f.write_all(b"\n")
            .and_then(|_| f.flush())
            .map_err(|e| Error::io(&path, e))
    }

    /// Stream tickets.csv (header, valid rows, broken rows at their recorded
    /// positions) into any writer. Rows are encoded in parallel chunks and
    /// written in order; broken rows are copied as their exact bytes.
    pub fn write_tickets_csv<W: Write>(&self, mut w: W) -> Result<()> {
        const CTX: &str = "<tickets.csv writer>";
        let io = |e| Error::io(CTX, e);
        let mut header = Vec::new();
        encode_record(&mut header, TICKET_HEADER.iter().copied());
        w.write_all(&header).map_err(io)?;
        let broken = self.broken_rows();
        let mut next = 0;
        let tickets = self.tickets();
        for (c, chunk) in tickets.chunks(CHUNK).enumerate() {
            let rows: Vec<Vec<u8>> = chunk.par_iter().map(|t| self.encode_ticket(t)).collect();
            for (k, row) in rows.iter().enumerate() {
                while next < broken.len() && broken[next].after <= c * CHUNK + k {
                    w.write_all(&broken[next].bytes).map_err(io)?;
                    next += 1;
                }
                w.write_all(row).map_err(io)?;
            }
        }
        for b in &broken[next..] {
            w.write_all(&b.bytes).map_err(io)?;
        }
        w.flush().map_err(io)
    }

    fn encode_ticket(&self, t: &super::SynthTicket) -> Vec<u8> {
        let (subject, body) = self.text_of(t);
        let mut out = Vec::with_capacity(subject.len() + body.len() + 200);
        let fields = [
            t.id.as_str(),
            &self.customers()[t.customer].id,
            &ts(Some(t.created_at)),
            &ts(t.first_response_at),
            &ts(t.resolved_at),
            t.status.as_str(),
            t.channel,
            t.priority.as_str(),
            t.agent.unwrap_or(""),
            t.team,
            if t.escalated { "true" } else { "false" },
            &t.reopens.to_string(),
            &t.replies.to_string(),
            &num(t.csat),
            &num(t.nps),
            &num(t.ces),
            &subject,
            &body,
            &t.tags.join(";"),
        ];
        encode_record(&mut out, fields.iter().copied());
        out
    }
}

/// RFC 4180 encoding: fields holding a comma, quote or line break are quoted
/// with inner quotes doubled; records end with `\n`. Line breaks inside
/// quoted fields are kept as-is, so physical line numbers are predictable.
fn encode_record<'a>(out: &mut Vec<u8>, fields: impl Iterator<Item = &'a str>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.push(b'"');
            for b in f.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.push(b'\n');
}
