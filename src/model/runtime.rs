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
//!
//! Version: ort itself refuses runtimes older than its API (1.31) but loads
//! newer ones with only a log line, and a newer runtime is not what the
//! models and benchmarks were checked against. So after loading, the
//! version in the runtime's build info (`git-branch=rel-1.31.1` in official
//! builds) must be 1.31.x, else the run stops with a one-line error. A build
//! whose info names no release branch (a custom build) is accepted, since
//! ort has already checked it offers at least the 1.31 API.

use crate::error::{ModelError, Result};
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
        Err(e) => Err(ModelError::Runtime(e.clone()).into()),
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
    let version = release_version(ort::info());
    if let Some(v) = &version {
        check_version(v, &path)?;
    }
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
    let version = version.unwrap_or_else(|| format!("1.{ORT_MINOR}.x (custom build)"));
    Ok((RuntimeInfo { path, version }, env))
}

/// The release version in ONNX Runtime's build info string
/// (`ORT Build Info: git-branch=rel-1.31.1, git-commit-id=…`), if it names one.
pub fn release_version(build_info: &str) -> Option<String> {
    build_info
        .split([',', ' '])
        .find_map(|p| p.trim().strip_prefix("git-branch=rel-"))
        .map(str::to_string)
}

/// `Ok` for a 1.31.x version; otherwise the one-line error shown to the user.
pub fn check_version(version: &str, path: &Path) -> std::result::Result<(), String> {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(1), Some(ORT_MINOR)) => Ok(()),
        _ => Err(format!(
            "ONNX Runtime {version} at {} is not the supported 1.{ORT_MINOR}.x; \
             set ORT_DYLIB_PATH to libonnxruntime.so 1.{ORT_MINOR}.x (cargo build fetches it from PyPI)",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_1_31_is_accepted() {
        let p = Path::new("/x/libonnxruntime.so");
        assert!(check_version("1.31.1", p).is_ok());
        assert!(check_version("1.31.0", p).is_ok());
        for bad in ["1.32.0", "1.30.2", "2.31.0", "garbage"] {
            let e = check_version(bad, p).unwrap_err();
            assert!(
                e.contains(bad) && e.contains("ORT_DYLIB_PATH") && !e.contains('\n'),
                "{e}"
            );
        }
    }

    #[test]
    fn version_from_build_info() {
        let info = "ORT Build Info: git-branch=rel-1.31.1, git-commit-id=abc, build type=Release";
        assert_eq!(release_version(info).as_deref(), Some("1.31.1"));
        assert_eq!(release_version("ORT Build Info: git-branch=main, x"), None);
    }
}
