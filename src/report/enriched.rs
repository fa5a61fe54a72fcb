//! Writing enriched tickets: every input column, then the model's columns.
//!
//! Column names are part of the interface (other tools read them):
//! `sentiment, sentiment_confidence, p_negative, p_neutral, p_positive,
//! topic, topic_confidence`, then `<head>, <head>_confidence` for each extra
//! head the model declares in `ticketlens.json`, then `language` (ISO 639-1, blank when the text is
//! too short to tell; `language_detected` when the input has a `language`
//! column of its own), and with themes `theme_id, theme_label,
//! theme_distance`, and with a team taxonomy (`--taxonomy`) `<NAME>,
//! <NAME>_confidence`. An input column with one of these names is replaced,
//! so re-classifying an enriched file does not duplicate columns.

use crate::error::{Error, OutputError, Result};
use crate::io::atomic::AtomicFile;
use crate::io::safe_csv::neutralize;
use crate::report::enriched_parquet::{Cell, Kind, ParquetSink};
use crate::ticket::{language_column, EnrichedTicket};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Columns added by classification.
pub const PREDICTION_COLUMNS: [&str; 7] = [
    "sentiment",
    "sentiment_confidence",
    "p_negative",
    "p_neutral",
    "p_positive",
    "topic",
    "topic_confidence",
];
/// Columns added by themes.
pub const THEME_COLUMNS: [&str; 3] = ["theme_id", "theme_label", "theme_distance"];

/// The column a taxonomy (or an extra model head) named `name` is written
/// to for an input with `headers`: `name`, or `<name>_predicted` when the
/// input has its own `name` column (any case) without a `<name>_confidence`
/// beside it (the team's labels, kept for comparison). An enriched file's
/// own pair is replaced.
pub fn taxonomy_column(headers: &[String], name: &str) -> String {
    let has = |h: &str| headers.iter().any(|x| x.trim().eq_ignore_ascii_case(h));
    if has(name) && !has(&format!("{name}_confidence")) {
        format!("{name}_predicted")
    } else {
        name.to_string()
    }
}

/// ticketlens' own columns for an input with `input_headers`, in output
/// order, with their types: the model's (its extra `heads` as `<name>`,
/// `<name>_confidence` after `topic_confidence`), the language, the
/// theme's when `with_theme`, and a taxonomy's pair when `taxonomy` names
/// its column (already resolved by [`taxonomy_column`]).
pub(crate) fn our_columns(
    input_headers: &[String],
    heads: &[String],
    with_theme: bool,
    taxonomy: Option<&str>,
) -> Vec<(String, Kind)> {
    let language = language_column(input_headers);
    let pair = |n: &str| {
        [
            (n.to_string(), Kind::Text),
            (format!("{n}_confidence"), Kind::Real),
        ]
    };
    let mut cols: Vec<(String, Kind)> = PREDICTION_COLUMNS
        .iter()
        .map(|&n| {
            let kind = if n == "sentiment" || n == "topic" {
                Kind::Text
            } else {
                Kind::Real
            };
            (n.to_string(), kind)
        })
        .collect();
    cols.extend(
        heads
            .iter()
            .flat_map(|h| pair(&taxonomy_column(input_headers, h))),
    );
    cols.push((language.to_string(), Kind::Text));
    if with_theme {
        cols.push((THEME_COLUMNS[0].to_string(), Kind::Int));
        cols.push((THEME_COLUMNS[1].to_string(), Kind::Text));
        cols.push((THEME_COLUMNS[2].to_string(), Kind::Real));
    }
    cols.extend(taxonomy.into_iter().flat_map(pair));
    cols
}

/// A ticket's cells in the columns of [`our_columns`] (same flags;
/// `heads` = how many extra heads).
pub(crate) fn our_cells(
    t: &EnrichedTicket,
    heads: usize,
    with_theme: bool,
    with_taxonomy: bool,
) -> Vec<Cell> {
    let p = t.prediction.as_ref();
    let text = |v: Option<String>| Cell::Text(v.unwrap_or_default());
    let mut typed: Vec<Cell> = vec![
        text(p.map(|p| p.sentiment.to_string())),
        Cell::Real(p.map(|p| p.sentiment_confidence)),
        Cell::Real(p.map(|p| p.p_negative)),
        Cell::Real(p.map(|p| p.p_neutral)),
        Cell::Real(p.map(|p| p.p_positive)),
        text(p.map(|p| p.topic.clone())),
        Cell::Real(p.map(|p| p.topic_confidence)),
    ];
    for h in 0..heads {
        let x = p.and_then(|p| p.heads.get(h));
        typed.push(text(x.map(|x| x.label.clone())));
        typed.push(Cell::Real(x.map(|x| x.confidence)));
    }
    typed.push(text(t.language.map(str::to_string)));
    if with_theme {
        let th = t.theme.as_ref();
        typed.push(Cell::Int(th.map(|th| th.id as i64)));
        typed.push(text(th.map(|th| th.label.clone())));
        typed.push(Cell::Real(th.map(|th| th.distance)));
    }
    if with_taxonomy {
        let x = t.taxonomy.as_ref();
        typed.push(text(x.map(|x| x.value.clone())));
        typed.push(Cell::Real(x.map(|x| x.confidence)));
    }
    typed
}

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Comma-separated, RFC 4180, formula-guarded.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Apache Parquet: typed columns (probabilities as `float32` at full
    /// precision), the embedding in the same file as a fixed-size list.
    Parquet,
}

impl OutputFormat {
    /// Guess from a file name (`.jsonl`/`.ndjson`/`.json` → JSONL,
    /// `.parquet`/`.pq` → Parquet, else CSV).
    pub fn from_path(p: &Path) -> Self {
        match p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => OutputFormat::Jsonl,
            Some("parquet" | "pq" | "parq") => OutputFormat::Parquet,
            _ => OutputFormat::Csv,
        }
    }
}

enum Sink {
    File(AtomicFile),
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

/// Streams enriched tickets to a file (atomically) or stdout.
pub struct EnrichedWriter {
    format: OutputFormat,
    csv: Option<csv::Writer<Sink>>,
    jsonl: Option<Sink>,
    parquet: Option<ParquetSink<Sink>>,
    /// The Parquet output's sink until its first row (the schema waits for
    /// [`EnrichedWriter::with_embeddings`]).
    unopened: Option<Sink>,
    /// ticketlens' columns (names after the kept input columns) and kinds.
    ours: Vec<(String, Kind)>,
    /// The embedding dimension when the output holds embeddings (Parquet).
    embedding_dim: Option<usize>,
    keep: Vec<usize>,
    headers: Vec<String>,
    /// How many extra model heads are written.
    heads: usize,
    with_theme: bool,
    /// Taxonomy columns written (its name), if any.
    taxonomy: Option<String>,
    target: String,
    rows: u64,
}

impl EnrichedWriter {
    /// Open the output (`None` = stdout) with the input's header row.
    pub fn create(
        path: Option<&Path>,
        format: OutputFormat,
        input_headers: &[String],
        with_theme: bool,
    ) -> Result<Self> {
        Self::create_with_taxonomy(path, format, input_headers, &[], with_theme, None)
    }

    /// [`EnrichedWriter::create`] that also writes the model's extra
    /// `heads` (`<name>`, `<name>_confidence` each, from
    /// [`crate::ticket::Prediction::heads`]; see
    /// [`crate::model::ModelConfig::extra_head_names`]) and a taxonomy's
    /// columns `<NAME>` and `<NAME>_confidence` (from
    /// [`EnrichedTicket::taxonomy`]).
    ///
    /// An input column `<NAME>` without a `<NAME>_confidence` beside it is
    /// the team's own label (often the very column the taxonomy was trained
    /// on): it is kept, and the taxonomy's columns are named
    /// `<NAME>_predicted` and `<NAME>_predicted_confidence` instead (see
    /// [`EnrichedWriter::taxonomy_column`]). An enriched file's own pair is
    /// replaced, like the model's columns.
    pub fn create_with_taxonomy(
        path: Option<&Path>,
        format: OutputFormat,
        input_headers: &[String],
        heads: &[String],
        with_theme: bool,
        taxonomy: Option<&str>,
    ) -> Result<Self> {
        let taxonomy = taxonomy.map(|n| taxonomy_column(input_headers, n));
        let taxonomy = taxonomy.as_deref();
        let sink = match path {
            Some(p) => Sink::File(AtomicFile::create(p)?),
            None => Sink::Stdout(std::io::BufWriter::new(std::io::stdout())),
        };
        let target = path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<stdout>".into());
        let kinds = our_columns(input_headers, heads, with_theme, taxonomy);
        let ours: Vec<String> = kinds.iter().map(|(n, _)| n.clone()).collect();
        let keep: Vec<usize> = (0..input_headers.len())
            .filter(|&i| !ours.contains(&input_headers[i]))
            .collect();
        let mut headers: Vec<String> = keep.iter().map(|&i| input_headers[i].clone()).collect();
        headers.extend(ours.iter().cloned());
        let mut w = EnrichedWriter {
            format,
            csv: None,
            jsonl: None,
            parquet: None,
            unopened: None,
            ours: kinds,
            embedding_dim: None,
            keep,
            headers,
            heads: heads.len(),
            with_theme,
            taxonomy: taxonomy.map(str::to_string),
            target,
            rows: 0,
        };
        match format {
            OutputFormat::Csv => {
                let mut c = csv::WriterBuilder::new().from_writer(sink);
                let guarded: Vec<String> = w
                    .headers
                    .iter()
                    .map(|h| neutralize(h).into_owned())
                    .collect();
                c.write_record(&guarded).map_err(|e| w.csv_err(e))?;
                w.csv = Some(c);
            }
            OutputFormat::Jsonl => w.jsonl = Some(sink),
            OutputFormat::Parquet => w.unopened = Some(sink),
        }
        Ok(w)
    }

    /// Also write each row's embedding (`dim` values), as the `embedding`
    /// column. Parquet only: CSV and JSONL keep embeddings in the `.npy`
    /// side file, and ignore this. Call before the first row; the rows
    /// must then be written with [`EnrichedWriter::write_embedded`].
    pub fn with_embeddings(mut self, dim: usize) -> Self {
        if self.format == OutputFormat::Parquet {
            self.embedding_dim = Some(dim);
        }
        self
    }

    /// True when the output holds the embeddings itself
    /// ([`EnrichedWriter::with_embeddings`] on a Parquet output).
    pub fn holds_embeddings(&self) -> bool {
        self.embedding_dim.is_some()
    }

    /// The Parquet writer, opened at the first row (its schema needs
    /// [`EnrichedWriter::with_embeddings`], which comes after `create`).
    fn open_parquet(&mut self) -> Result<()> {
        if self.parquet.is_none() {
            let sink = self.unopened.take().ok_or_else(|| {
                Error::from(OutputError::Write {
                    target: self.target.to_string(),
                    message: "the Parquet writer failed earlier".into(),
                })
            })?;
            let kept: Vec<String> = self.headers[..self.keep.len()].to_vec();
            self.parquet = Some(ParquetSink::create(
                sink,
                &kept,
                &self.ours,
                self.embedding_dim,
                &self.target,
            )?);
        }
        Ok(())
    }

    fn csv_err(&self, e: csv::Error) -> Error {
        Error::Csv {
            context: format!("writing {}", self.target),
            source: e,
        }
    }

    /// Column names written.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The column holding the taxonomy's labels (`<NAME>`, or
    /// `<NAME>_predicted` when the input has its own `<NAME>`).
    pub fn taxonomy_column(&self) -> Option<&str> {
        self.taxonomy.as_deref()
    }

    /// Append one ticket. An output that holds embeddings
    /// ([`EnrichedWriter::with_embeddings`]) takes rows from
    /// [`EnrichedWriter::write_embedded`] instead: this is an error there.
    pub fn write(&mut self, t: &EnrichedTicket) -> Result<()> {
        self.write_embedded(t, None)
    }

    /// Append one ticket with its embedding (`dim` values; used only when
    /// the output holds embeddings, see [`EnrichedWriter::with_embeddings`]).
    pub fn write_embedded(&mut self, t: &EnrichedTicket, embedding: Option<&[f32]>) -> Result<()> {
        let raw = &t.ticket.raw;
        let cell = |i: usize| raw.get(i).map(String::as_str).unwrap_or("");
        let typed = our_cells(t, self.heads, self.with_theme, self.taxonomy.is_some());
        if self.format == OutputFormat::Parquet {
            self.open_parquet()?;
            let sink = self.parquet.as_mut().expect("opened above");
            sink.push(self.keep.iter().map(|&i| cell(i)), &typed, embedding)?;
            self.rows += 1;
            return Ok(());
        }
        let ours: Vec<String> = typed.iter().map(Cell::text).collect();
        match self.format {
            OutputFormat::Csv => {
                let mut rec: Vec<std::borrow::Cow<'_, str>> =
                    self.keep.iter().map(|&i| neutralize(cell(i))).collect();
                rec.extend(ours.iter().map(|s| neutralize(s)));
                let c = self.csv.as_mut().expect("csv writer");
                if let Err(e) = c.write_record(rec.iter().map(|s| s.as_ref())) {
                    return Err(self.csv_err(e));
                }
            }
            OutputFormat::Jsonl => {
                let mut obj = serde_json::Map::new();
                for (k, &i) in self.keep.iter().enumerate() {
                    let value = serde_json::Value::String(cell(i).to_string());
                    // A repeated column name (Jira's `Labels` ×3) keeps every
                    // cell, as an array in column order.
                    match obj.get_mut(&self.headers[k]) {
                        Some(serde_json::Value::Array(items)) => items.push(value),
                        Some(first) => *first = serde_json::Value::Array(vec![first.take(), value]),
                        None => {
                            obj.insert(self.headers[k].clone(), value);
                        }
                    }
                }
                let n = self.keep.len();
                for ((j, v), (_, kind)) in ours.into_iter().enumerate().zip(&self.ours) {
                    let key = self.headers[n + j].clone();
                    let is_text = *kind == Kind::Text;
                    let num = (!is_text).then(|| v.parse::<f64>().ok()).flatten();
                    let val = match num {
                        Some(x) => serde_json::json!(x),
                        None if v.is_empty() => serde_json::Value::Null,
                        None => serde_json::Value::String(v),
                    };
                    obj.insert(key, val);
                }
                let sink = self.jsonl.as_mut().expect("jsonl sink");
                serde_json::to_writer(&mut *sink, &obj).map_err(|e| Error::Json {
                    context: self.target.clone(),
                    source: e,
                })?;
                sink.write_all(b"\n")
                    .map_err(|e| Error::io(&self.target, e))?;
            }
            OutputFormat::Parquet => unreachable!("written above"),
        }
        self.rows += 1;
        Ok(())
    }

    /// Flush and (for files) move into place; returns rows written.
    pub fn finish(mut self) -> Result<(u64, Option<PathBuf>)> {
        let target = self.target.clone();
        if self.format == OutputFormat::Parquet {
            // A file with no rows still gets its schema and footer.
            self.open_parquet()?;
        }
        let sink = match (self.csv, self.jsonl, self.parquet) {
            (Some(c), _, _) => c
                .into_inner()
                .map_err(|e| Error::io(&target, e.into_error()))?,
            (None, _, Some(p)) => p.finish()?,
            (None, Some(s), None) => s,
            _ => unreachable!("one writer is always set"),
        };
        match sink {
            Sink::File(f) => Ok((self.rows, Some(f.commit()?))),
            Sink::Stdout(mut s) => {
                s.flush().map_err(|e| Error::io(&target, e))?;
                Ok((self.rows, None))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{Prediction, Sentiment, Ticket};

    fn ticket(raw: &[&str]) -> EnrichedTicket {
        let mut t = EnrichedTicket::new(Ticket {
            raw: raw.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        });
        t.prediction = Some(Prediction {
            sentiment: Sentiment::Negative,
            sentiment_confidence: 0.9,
            p_negative: 0.9,
            p_neutral: 0.05,
            p_positive: 0.05,
            topic: "REFUND".into(),
            topic_confidence: 0.8,
            heads: Vec::new(),
        });
        t
    }

    #[test]
    fn csv_guards_formulas_and_replaces_our_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        let headers = vec!["id".to_string(), "body".into(), "topic".into()];
        let mut w = EnrichedWriter::create(Some(&p), OutputFormat::Csv, &headers, false).unwrap();
        w.write(&ticket(&["1", "=HYPERLINK(\"http://x\")", "old"]))
            .unwrap();
        assert_eq!(w.finish().unwrap().0, 1);
        let out = std::fs::read_to_string(&p).unwrap();
        let mut lines = out.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,body,sentiment,sentiment_confidence,p_negative,p_neutral,p_positive,topic,topic_confidence,language"
        );
        assert_eq!(lines.next().unwrap(), "1,\"'=HYPERLINK(\"\"http://x\"\")\",negative,0.9000,0.9000,0.0500,0.0500,REFUND,0.8000,");
    }

    #[test]
    fn jsonl_has_typed_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.jsonl");
        let mut w =
            EnrichedWriter::create(Some(&p), OutputFormat::Jsonl, &["id".to_string()], true)
                .unwrap();
        w.write(&ticket(&["7"])).unwrap();
        w.finish().unwrap();
        let v: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&p).unwrap().trim()).unwrap();
        assert_eq!(v["id"], "7");
        assert_eq!(v["sentiment"], "negative");
        assert_eq!(v["p_negative"], 0.9);
        assert!(v["theme_id"].is_null());
    }

    #[test]
    fn detected_language_is_written_beside_an_inputs_own_and_read_back() {
        use crate::ticket::EnrichedColumns;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        // The input's own `language` (a locale field) is kept.
        let headers = ["id", "language"].map(String::from);
        let mut w = EnrichedWriter::create(Some(&p), OutputFormat::Csv, &headers, false).unwrap();
        let mut t = ticket(&["1", "en-GB"]);
        t.language = Some("de");
        w.write(&t).unwrap();
        w.finish().unwrap();
        let out = std::fs::read_to_string(&p).unwrap();
        let mut lines = out.lines();
        let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
        assert_eq!(header[1], "language");
        assert_eq!(header.last().unwrap(), "language_detected");
        let row: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
        assert_eq!(
            (row[1].as_str(), row.last().unwrap().as_str()),
            ("en-GB", "de")
        );
        let cols = EnrichedColumns::new(&header);
        assert_eq!(cols.language(&row), Some("de"));
        // Re-enriching that file replaces ticketlens's column, keeps the input's.
        let mut w = EnrichedWriter::create(Some(&p), OutputFormat::Jsonl, &header, false).unwrap();
        t.ticket.raw = row;
        t.language = Some("fr");
        w.write(&t).unwrap();
        w.finish().unwrap();
        let v: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&p).unwrap().trim()).unwrap();
        assert_eq!(
            (v["language"].as_str(), v["language_detected"].as_str()),
            (Some("en-GB"), Some("fr"))
        );
        // A plain `language` column counts as detected only in an enriched file.
        let raw = ["id", "language"].map(String::from);
        assert!(!EnrichedColumns::new(&raw).has_language());
        let enriched = ["id", "p_negative", "language"].map(String::from);
        assert!(EnrichedColumns::new(&enriched).has_language());
        // A raw export's own `sentiment` and `Language` are not ticketlens's.
        let raw = ["id", "sentiment", "Language"].map(String::from);
        assert!(!EnrichedColumns::new(&raw).has_language());
        assert_eq!(language_column(&raw), "language_detected");
    }

    #[test]
    fn jsonl_keeps_every_cell_of_a_repeated_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.jsonl");
        let headers = ["id", "Labels", "Labels", "Labels"].map(String::from);
        let mut w = EnrichedWriter::create(Some(&p), OutputFormat::Jsonl, &headers, true).unwrap();
        w.write(&ticket(&["7", "login", "mobile", ""])).unwrap();
        w.finish().unwrap();
        let v: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&p).unwrap().trim()).unwrap();
        assert_eq!(v["Labels"], serde_json::json!(["login", "mobile", ""]));
    }
}
