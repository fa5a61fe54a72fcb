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
pub const FORMAT_VERSION: u32 = 1;

/// One classification head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadConfig {
    /// Name of the ONNX output holding `[batch, labels]` logits.
    pub output: String,
    /// Labels in logit order.
    pub labels: Vec<String>,
}

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
    /// File format version (must be [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Model name, e.g. `ticket-minilm`.
    pub name: String,
    /// Graph input names (`input_ids`, `attention_mask`, `token_type_ids`).
    pub inputs: Vec<String>,
    /// Heads by task name; `sentiment` and `topic` are required.
    pub heads: BTreeMap<String, HeadConfig>,
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
        if self.format_version != FORMAT_VERSION {
            return Err(Error::model(
                dir,
                format!(
                    "ticketlens.json: format_version {} is not supported (this build reads {FORMAT_VERSION})",
                    self.format_version
                ),
            ));
        }
        for head in ["sentiment", "topic"] {
            let h = self
                .heads
                .get(head)
                .ok_or_else(|| Error::model(dir, format!("ticketlens.json: no `{head}` head")))?;
            if h.labels.is_empty() {
                return Err(Error::model(
                    dir,
                    format!("ticketlens.json: `{head}` head has no labels"),
                ));
            }
        }
        let s = &self.heads["sentiment"].labels;
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

    /// The sentiment head.
    pub fn sentiment(&self) -> &HeadConfig {
        &self.heads["sentiment"]
    }

    /// The topic head.
    pub fn topic(&self) -> &HeadConfig {
        &self.heads["topic"]
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
    fn rejects_missing_head_and_bad_version() {
        let no_topic = GOOD.replace("\"topic\"", "\"other\"");
        let e = ModelConfig::parse(no_topic.as_bytes(), "d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no `topic` head"), "{e}");
        let v2 = GOOD.replace("\"format_version\":1", "\"format_version\":2");
        let e = ModelConfig::parse(v2.as_bytes(), "d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("format_version 2"), "{e}");
        let e = ModelConfig::parse(b"{not json", "d")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("model d: ticketlens.json:"), "{e}");
    }
}
