//! `ticketlens.json`: what a model directory promises about its ONNX graph.
//!
//! The Rust side never hard-codes label lists or the embedding width: they
//! come from this file, so a retrained or custom model (other topics, other
//! sizes) is a drop-in directory, and a mismatch is caught at load time with
//! a message naming the file instead of producing silently wrong labels.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only `format_version` this build understands.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest `format_version` this build still reads (its `heads` is a
/// map from task name to head).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// One classification head: an ONNX output of `[batch, labels]` logits.
///
/// Heads are data: `sentiment` and `topic` are required (the KPIs, themes
/// and churn read them), and any other head a model declares is classified
/// the same way and written as two more columns, `<name>` (the most likely
/// label) and `<name>_confidence` (its softmax probability), with no code
/// change ([`ModelConfig::extra_heads`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadConfig {
    /// Task name, also the output column: lower-case letters, digits and
    /// `_`, starting with a letter.
    pub name: String,
    /// Name of the ONNX output holding `[batch, labels]` logits.
    pub output: String,
    /// Labels in logit order.
    pub labels: Vec<String>,
}

#[derive(Deserialize)]
struct NamelessHead {
    output: String,
    labels: Vec<String>,
}

/// The heads as `ticketlens.json` writes them: a list (in output-column
/// order), or the first format's map from task name to head (read in name
/// order).
fn read_heads<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<HeadConfig>, D::Error> {
    use serde::de::Error as _;
    let v = serde_json::Value::deserialize(d)?;
    let err = |e: serde_json::Error| D::Error::custom(format!("heads: {e}"));
    if v.is_object() {
        let m: BTreeMap<String, NamelessHead> = serde_json::from_value(v).map_err(err)?;
        Ok(m.into_iter()
            .map(|(name, h)| HeadConfig {
                name,
                output: h.output,
                labels: h.labels,
            })
            .collect())
    } else {
        serde_json::from_value(v).map_err(err)
    }
}

/// The heads every model has: their outputs have typed fields of their own
/// in [`crate::ticket::Prediction`]; any other head is an extra head.
pub const CORE_HEADS: [&str; 2] = ["sentiment", "topic"];

/// Column names ticketlens writes itself: a head may not take one.
const RESERVED_COLUMNS: [&str; 13] = [
    "embedding",
    "sentiment_confidence",
    "p_negative",
    "p_neutral",
    "p_positive",
    "topic_confidence",
    "language",
    "language_detected",
    "theme_id",
    "theme_label",
    "theme_distance",
    "line",
    "ticket_id",
];

/// The embedding output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingConfig {
    /// Name of the ONNX output holding `[batch, dim]` vectors.
    pub output: String,
    /// Vector width.
    pub dim: usize,
    /// Pooling used inside the graph (informational, e.g. `mean`).
    #[serde(default)]
    pub pooling: String,
    /// Whether the graph already L2-normalises.
    #[serde(default)]
    pub normalized: bool,
}

/// Parsed `ticketlens.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// File format version ([`OLDEST_FORMAT_VERSION`] to [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Model name, e.g. `ticket-minilm`.
    pub name: String,
    /// Graph input names (`input_ids`, `attention_mask`, `token_type_ids`).
    pub inputs: Vec<String>,
    /// The classification heads, in output order; `sentiment` and `topic`
    /// are required. Read from a list or from the first format's map.
    #[serde(deserialize_with = "read_heads")]
    pub heads: Vec<HeadConfig>,
    /// The embedding output.
    pub embedding: EmbeddingConfig,
    /// Token budget per text; longer texts keep their head.
    pub max_sequence_length: usize,
    /// sha256 of `model.onnx`, checked at load time.
    pub model_sha256: String,
    /// Everything else (provenance, metrics) is kept for `run.json`.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl ModelConfig {
    /// Parse and validate; `dir` is only used in error messages.
    pub fn parse(json: &[u8], dir: &str) -> Result<Self> {
        let cfg: ModelConfig = serde_json::from_slice(json)
            .map_err(|e| Error::model(dir, format!("ticketlens.json: {e}")))?;
        cfg.validate(dir)?;
        Ok(cfg)
    }

    fn validate(&self, dir: &str) -> Result<()> {
        if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&self.format_version) {
            return Err(Error::model(
                dir,
                format!(
                    "ticketlens.json: format_version {} is not supported (this build reads {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION})",
                    self.format_version
                ),
            ));
        }
        for (i, h) in self.heads.iter().enumerate() {
            let name_ok = h.name.starts_with(|c: char| c.is_ascii_lowercase())
                && h.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !name_ok {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: head name `{}` must be lower-case letters, digits and `_`, starting with a letter", h.name),
                ));
            }
            if self.heads[..i].iter().any(|o| o.name == h.name) {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: head `{}` is declared twice", h.name),
                ));
            }
            let core = CORE_HEADS.contains(&h.name.as_str());
            let columns = [h.name.clone(), format!("{}_confidence", h.name)];
            let reserved = columns
                .iter()
                .find(|c| !core && RESERVED_COLUMNS.contains(&c.as_str()));
            if let Some(c) = reserved {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: head `{}` would write column `{c}`, which ticketlens writes itself", h.name),
                ));
            }
            if h.labels.is_empty() {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: `{}` head has no labels", h.name),
                ));
            }
        }
        for head in CORE_HEADS {
            if self.head(head).is_none() {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: no `{head}` head"),
                ));
            }
        }
        let s = &self.sentiment().labels;
        if s != &["negative", "neutral", "positive"] {
            return Err(Error::model(
                dir,
                format!("ticketlens.json: sentiment labels must be [negative, neutral, positive], got {s:?}"),
            ));
        }
        if self.embedding.dim == 0 || self.max_sequence_length == 0 {
            return Err(Error::model(
                dir,
                "ticketlens.json: embedding.dim and max_sequence_length must be > 0",
            ));
        }
        Ok(())
    }

    /// The head called `name`, if the model has one.
    pub fn head(&self, name: &str) -> Option<&HeadConfig> {
        self.heads.iter().find(|h| h.name == name)
    }

    /// The sentiment head (present: checked at load time).
    pub fn sentiment(&self) -> &HeadConfig {
        self.head("sentiment").expect("validated: a sentiment head")
    }

    /// The topic head (present: checked at load time).
    pub fn topic(&self) -> &HeadConfig {
        self.head("topic").expect("validated: a topic head")
    }

    /// The heads besides sentiment and topic, in order: what
    /// [`crate::ticket::Prediction::heads`] holds and the extra output
    /// columns are named after.
    pub fn extra_heads(&self) -> impl Iterator<Item = &HeadConfig> {
        self.heads
            .iter()
            .filter(|h| !CORE_HEADS.contains(&h.name.as_str()))
    }

    /// The names of [`ModelConfig::extra_heads`], in order: the extra
    /// output columns' names.
    pub fn extra_head_names(&self) -> Vec<String> {
        self.extra_heads().map(|h| h.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"format_version":1,"name":"t","inputs":["input_ids","attention_mask","token_type_ids"],
      "heads":{"sentiment":{"output":"sentiment_logits","labels":["negative","neutral","positive"]},
               "topic":{"output":"topic_logits","labels":["A","B"]}},
      "embedding":{"output":"embedding","dim":64,"pooling":"mean","normalized":true},
      "max_sequence_length":256,"model_sha256":"00","provenance":{"x":1}}"#;

    #[test]
    fn parses_and_keeps_extra_fields() {
        let c = ModelConfig::parse(GOOD.as_bytes(), "d").unwrap();
        assert_eq!(c.topic().labels, vec!["A", "B"]);
        assert!(c.extra.contains_key("provenance"));
    }

    #[test]
    fn heads_as_a_list_with_an_extra_head() {
        let list = r#"{"format_version":2,"name":"t","inputs":["input_ids"],
          "heads":[{"name":"topic","output":"t","labels":["A","B"]},
                   {"name":"sentiment","output":"s","labels":["negative","neutral","positive"]},
                   {"name":"urgency","output":"u","labels":["low","high"]}],
          "embedding":{"output":"embedding","dim":8},
          "max_sequence_length":16,"model_sha256":"00"}"#;
        let c = ModelConfig::parse(list.as_bytes(), "d").unwrap();
        assert_eq!(c.heads[1].name, "sentiment");
        assert_eq!(c.topic().labels, vec!["A", "B"]);
        let extra: Vec<&str> = c.extra_heads().map(|h| h.name.as_str()).collect();
        assert_eq!(extra, ["urgency"]);
        // The map form reads in name order; both name the same heads.
        let m = ModelConfig::parse(GOOD.as_bytes(), "d").unwrap();
        let names: Vec<&str> = m.heads.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["sentiment", "topic"]);
        for (bad, why) in [
            ("\"urgency\"", "\"sentiment\""),
            ("\"urgency\"", "\"Urgency!\""),
            ("\"urgency\"", "\"theme_id\""),
            ("\"urgency\"", "\"p_neutral\""),
            ("\"urgency\"", "\"embedding\""),
        ] {
            let e = ModelConfig::parse(list.replacen(bad, why, 1).as_bytes(), "d")
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("model d: ticketlens.json: head"),
                "{why}: {e}"
            );
        }
    }

    #[test]
    fn rejects_missing_head_and_bad_version() {
        let no_topic = GOOD.replace("\"topic\"", "\"other\"");
        let e = ModelConfig::parse(no_topic.as_bytes(), "d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no `topic` head"), "{e}");
        let v3 = GOOD.replace("\"format_version\":1", "\"format_version\":3");
        let e = ModelConfig::parse(v3.as_bytes(), "d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("format_version 3 is not supported"), "{e}");
        let e = ModelConfig::parse(b"{not json", "d")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("model d: ticketlens.json:"), "{e}");
    }
}
