//! Finding and loading ONNX Runtime (`libonnxruntime.so` 1.31.x).
//!
//! ticketlens links ONNX Runtime dynamically (ort's `load-dynamic`), because
//! the runtime comes from the PyPI `onnxruntime` wheel, which the build script
//! fetches with pip and verifies by sha256 (see `build.rs`). Look-up order:
//!
//! 1. `ORT_DYLIB_PATH` (explicit override, always wins);
//! 2. the library the build provisioned (path baked in at compile time);
//! 3. `libonnxruntime.so*` next to the executable (for a copied binary).
//!
//! Failure is one line that says what to do, never a panic.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The ONNX Runtime minor version this build targets.
pub const ORT_MINOR: u32 = 31;

type Loaded = std::result::Result<(RuntimeInfo, ort::environment::Environment), String>;

static ENV: OnceLock<Loaded> = OnceLock::new();

/// Which runtime library was loaded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuntimeInfo {
    /// Path of the shared library.
    pub path: PathBuf,
    /// Version string reported by the library.
    pub version: String,
}

/// Candidate library paths, in look-up order.
pub fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(p));
        return out;
    }
    let baked = env!("TICKETLENS_ORT_DYLIB");
    if !baked.is_empty() {
        out.push(PathBuf::from(baked));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join("libonnxruntime.so.1.31.1"));
        out.push(dir.join("libonnxruntime.so"));
    }
    out
}

/// Load ONNX Runtime once per process; returns what was loaded and the
/// process-wide ONNX Runtime environment sessions are built from.
pub fn init() -> Result<(&'static RuntimeInfo, &'static ort::environment::Environment)> {
    match ENV.get_or_init(load) {
        Ok((info, env)) => Ok((info, env)),
        Err(e) => Err(Error::Runtime(e.clone())),
    }
}

fn load() -> Loaded {
    let from_env = std::env::var_os("ORT_DYLIB_PATH").is_some();
    let path = candidates()
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            if from_env {
                format!(
                "ORT_DYLIB_PATH={} does not exist; point it at libonnxruntime.so 1.{ORT_MINOR}.x",
                std::env::var("ORT_DYLIB_PATH").unwrap_or_default()
            )
            } else {
                format!(
                "libonnxruntime.so 1.{ORT_MINOR}.x not found; rebuild with network access to PyPI \
                 (cargo build fetches the onnxruntime wheel) or set ORT_DYLIB_PATH"
            )
            }
        })?;
    let builder = ort::init_from(&path)
        .map_err(|e| format!("{e}; set ORT_DYLIB_PATH to libonnxruntime.so 1.{ORT_MINOR}.x"))?;
    // ONNX Runtime logs warnings (e.g. about unused initializers) to stderr by
    // default; only errors are worth a user's attention.
    let logger: ort::logging::LoggerFunction =
        std::sync::Arc::new(|level, _cat, _id, _loc, msg: &str| {
            if matches!(
                level,
                ort::logging::LogLevel::Error | ort::logging::LogLevel::Fatal
            ) {
                eprintln!("onnxruntime: {msg}");
            }
        });
    let env = builder
        .with_name("ticketlens")
        .with_logger(logger)
        .build()
        .map_err(|e| {
            format!(
                "could not create an environment from {}: {e}",
                path.display()
            )
        })?;
    let version = ort::info()
        .split(',')
        .find_map(|p| p.trim().strip_prefix("git-branch=rel-").map(str::to_string))
        .unwrap_or_else(|| format!("1.{ORT_MINOR}.x"));
    Ok((RuntimeInfo { path, version }, env))
}
