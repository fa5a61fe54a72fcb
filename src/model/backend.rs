//! The inference backend: a trait in front of ONNX Runtime.
//!
//! As in text-embeddings-inference, the pipeline only sees [`Backend`]: it
//! hands over a padded token batch and gets logits and embeddings back. The
//! ONNX Runtime implementation is [`OrtBackend`]; the trait keeps the batching
//! and ordering logic testable and leaves room for other runtimes.

use super::config::ModelConfig;
use super::source::ModelFiles;
use crate::error::{Error, ModelError, Result};
use ort::session::{builder::GraphOptimizationLevel, Session};
use ort::value::TensorRef;

pub use crate::text::batch::TokenBatch;

/// Raw model outputs for one batch, row-major.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOutput {
    /// One `[rows, labels]` logit matrix per head, in the order of
    /// [`ModelConfig::heads`].
    pub logits: Vec<Vec<f32>>,
    /// `[rows, dim]` embeddings.
    pub embeddings: Vec<f32>,
}

/// Something that turns token batches into model outputs.
pub trait Backend: Send {
    /// Run one batch.
    fn infer(&mut self, batch: &TokenBatch) -> Result<BatchOutput>;
}

/// ONNX Runtime session for a ticketlens model.
pub struct OrtBackend {
    session: Session,
    config: ModelConfig,
    origin: String,
}

impl OrtBackend {
    /// Build a session from in-memory model bytes with `intra_threads` threads.
    pub fn new(files: &ModelFiles, intra_threads: usize) -> Result<Self> {
        let (_, env) = super::runtime::init()?;
        let err = |e: ort::Error| Error::model(&files.origin, format!("model.onnx: {e}"));
        let mut builder = Session::builder(env)
            .map_err(err)?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| err(e.into()))?
            .with_intra_threads(intra_threads.max(1))
            .map_err(|e| err(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| err(e.into()))?;
        let session = builder.commit_from_memory(&files.onnx).map_err(err)?;
        let backend = OrtBackend {
            session,
            config: files.config.clone(),
            origin: files.origin.clone(),
        };
        backend.check_signature()?;
        Ok(backend)
    }

    /// The graph must have the inputs and outputs `ticketlens.json` names.
    fn check_signature(&self) -> Result<()> {
        let inputs: Vec<&str> = self.session.inputs().iter().map(|i| i.name()).collect();
        for want in &self.config.inputs {
            if !inputs.contains(&want.as_str()) {
                return Err(Error::model(
                    &self.origin,
                    format!("model.onnx has no input `{want}` (has {inputs:?})"),
                ));
            }
        }
        let outputs: Vec<&str> = self.session.outputs().iter().map(|o| o.name()).collect();
        let c = &self.config;
        let wanted = c.heads.iter().map(|h| &h.output);
        for want in wanted.chain([&c.embedding.output]) {
            if !outputs.contains(&want.as_str()) {
                return Err(Error::model(
                    &self.origin,
                    format!("model.onnx has no output `{want}` (has {outputs:?})"),
                ));
            }
        }
        Ok(())
    }
}

impl Backend for OrtBackend {
    fn infer(&mut self, b: &TokenBatch) -> Result<BatchOutput> {
        let shape = [b.rows as i64, b.seq_len as i64];
        let rt = |e: ort::Error| Error::from(ModelError::Runtime(format!("inference failed: {e}")));
        let mut inputs: Vec<(String, ort::session::SessionInputValue<'_>)> = Vec::with_capacity(3);
        for name in &self.config.inputs {
            let data = match name.as_str() {
                "input_ids" => &b.input_ids,
                "attention_mask" => &b.attention_mask,
                "token_type_ids" => &b.token_type_ids,
                other => {
                    return Err(Error::model(
                        &self.origin,
                        format!("unsupported model input `{other}`"),
                    ))
                }
            };
            let tensor = TensorRef::from_array_view((shape, data.as_slice())).map_err(rt)?;
            inputs.push((name.clone(), tensor.into()));
        }
        let out = self.session.run(inputs).map_err(rt)?;
        let take = |name: &str, width: usize| -> Result<Vec<f32>> {
            let (shape, data) = out[name].try_extract_tensor::<f32>().map_err(rt)?;
            if shape.len() != 2 || shape[0] as usize != b.rows || shape[1] as usize != width {
                return Err(Error::from(ModelError::Runtime(format!(
                    "output `{name}` has shape {shape:?}, expected [{}, {width}]",
                    b.rows
                ))));
            }
            Ok(data.to_vec())
        };
        let c = &self.config;
        Ok(BatchOutput {
            logits: c
                .heads
                .iter()
                .map(|h| take(&h.output, h.labels.len()))
                .collect::<Result<_>>()?,
            embeddings: take(&c.embedding.output, c.embedding.dim)?,
        })
    }
}
