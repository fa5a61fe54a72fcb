//! The ONNX model: config, runtime loading, inference backend, classifier.

pub(crate) mod backend;
pub(crate) mod cache;
pub(crate) mod classifier;
pub(crate) mod config;
pub(crate) mod runtime;
pub(crate) mod source;
mod store;

pub use crate::error::ModelError;
pub use backend::{Backend, BatchOutput, OrtBackend, TokenBatch};
pub use cache::{text_key, PredictionCache, TextKey, DEFAULT_CACHE_ENTRIES};
pub use classifier::{Classified, Classifier, ClassifierOptions, Prepared};
pub use config::{EmbeddingConfig, HeadConfig, ModelConfig, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
pub use source::{ModelFiles, ModelSource};
pub use store::{
    default_dir as default_cache_dir, InferenceStore, StoreStats, DEFAULT_MAX_ENTRIES,
};
