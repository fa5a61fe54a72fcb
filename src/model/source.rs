//! Where model files come from: a directory, or the copy bundled in the binary.
//!
//! The default model is embedded with `include_bytes!` (feature
//! `bundled-model`), so a copied `ticketlens` binary still classifies without
//! the repository beside it. `--model DIR` loads any directory holding
//! `model.onnx`, `tokenizer.json` and `ticketlens.json`.

use super::config::ModelConfig;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Model files in memory, validated.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// Where they came from (`<bundled>` or the directory), for messages.
    pub origin: String,
    /// The ONNX graph.
    pub onnx: Cow<'static, [u8]>,
    /// Hugging Face `tokenizer.json`.
    pub tokenizer: Cow<'static, [u8]>,
    /// Parsed `ticketlens.json`.
    pub config: ModelConfig,
}

/// Which model to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// The default model compiled into the binary.
    Bundled,
    /// A model directory.
    Dir(PathBuf),
}

#[cfg(all(feature = "bundled-model", ticketlens_bundled_model))]
mod bundled {
    pub const ONNX: &[u8] = include_bytes!(concat!(env!("TICKETLENS_MODEL_DIR"), "/model.onnx"));
    pub const TOKENIZER: &[u8] =
        include_bytes!(concat!(env!("TICKETLENS_MODEL_DIR"), "/tokenizer.json"));
    pub const CONFIG: &[u8] =
        include_bytes!(concat!(env!("TICKETLENS_MODEL_DIR"), "/ticketlens.json"));
}

/// The default model directory in the source tree (used when the binary was
/// built without the bundled model).
pub fn default_model_dir() -> PathBuf {
    PathBuf::from(env!("TICKETLENS_MODEL_DIR"))
}

impl ModelSource {
    /// `--model DIR` if given, else the bundled model (or the source tree's
    /// `models/ticket-minilm` when the binary carries none).
    pub fn from_option(dir: Option<&Path>) -> Self {
        match dir {
            Some(d) => ModelSource::Dir(d.to_path_buf()),
            None if cfg!(all(feature = "bundled-model", ticketlens_bundled_model)) => {
                ModelSource::Bundled
            }
            None => ModelSource::Dir(default_model_dir()),
        }
    }

    /// Read and validate the files.
    pub fn load(&self) -> Result<ModelFiles> {
        match self {
            ModelSource::Bundled => load_bundled(),
            ModelSource::Dir(dir) => load_dir(dir),
        }
    }
}

#[cfg(all(feature = "bundled-model", ticketlens_bundled_model))]
fn load_bundled() -> Result<ModelFiles> {
    let config = ModelConfig::parse(bundled::CONFIG, "<bundled>")?;
    let files = ModelFiles {
        origin: "<bundled>".into(),
        onnx: Cow::Borrowed(bundled::ONNX),
        tokenizer: Cow::Borrowed(bundled::TOKENIZER),
        config,
    };
    verify(&files)?;
    Ok(files)
}

#[cfg(not(all(feature = "bundled-model", ticketlens_bundled_model)))]
fn load_bundled() -> Result<ModelFiles> {
    load_dir(&default_model_dir())
}

fn load_dir(dir: &Path) -> Result<ModelFiles> {
    let origin = dir.display().to_string();
    if !dir.is_dir() {
        return Err(Error::model(
            &origin,
            "not a directory (expected model.onnx, tokenizer.json, ticketlens.json)",
        ));
    }
    let read = |name: &str| -> Result<Vec<u8>> {
        let p = dir.join(name);
        std::fs::read(&p).map_err(|e| Error::model(&origin, format!("{name}: {e}")))
    };
    let config = ModelConfig::parse(&read("ticketlens.json")?, &origin)?;
    let files = ModelFiles {
        onnx: Cow::Owned(read("model.onnx")?),
        tokenizer: Cow::Owned(read("tokenizer.json")?),
        origin,
        config,
    };
    verify(&files)?;
    Ok(files)
}

/// sha256 of a byte slice, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn verify(files: &ModelFiles) -> Result<()> {
    let got = sha256_hex(&files.onnx);
    if !files.config.model_sha256.eq_ignore_ascii_case(&got) {
        return Err(Error::model(
            &files.origin,
            format!(
                "model.onnx sha256 {got} does not match ticketlens.json model_sha256 {} (corrupt or replaced file)",
                files.config.model_sha256
            ),
        ));
    }
    Ok(())
}
