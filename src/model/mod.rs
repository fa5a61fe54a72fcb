//! The ONNX model: config, runtime loading, inference backend, classifier.

pub mod backend;
pub mod cache;
pub mod classifier;
pub mod config;
pub mod runtime;
pub mod source;
mod store;

pub use backend::{Backend, BatchOutput, OrtBackend, TokenBatch};
pub use cache::{PredictionCache, DEFAULT_CACHE_ENTRIES};
pub use classifier::{Classified, Classifier, ClassifierOptions, Prepared};
pub use config::ModelConfig;
pub use source::{ModelFiles, ModelSource};
pub use store::{
    default_dir as default_cache_dir, InferenceStore, StoreStats, DEFAULT_MAX_ENTRIES,
};
