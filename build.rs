//! Build script: provision ONNX Runtime 1.31.1 and bundle the default model.
//!
//! ONNX Runtime cannot be downloaded from ort's CDN on our machines, so we take
//! `libonnxruntime.so` from the official `onnxruntime` wheel on PyPI, fetched
//! with pip (the registry's ordinary client), pinned by sha256 (wheel and
//! library), and cached per user so it is fetched once. The resulting path is
//! baked into the binary as `TICKETLENS_ORT_DYLIB`; at run time `ORT_DYLIB_PATH`
//! still overrides it.
//!
//! A failure here never fails the build: the binary then reports, in one line,
//! that ONNX Runtime is missing and what to do.

use sha2::{Digest, Sha256};
use std::env;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const ORT_VERSION: &str = "1.31.1";
const WHEEL: &str = "onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl";
const WHEEL_SHA256: &str = "5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f";
const LIB_IN_WHEEL: &str = "onnxruntime/capi/libonnxruntime.so.1.31.1";
const LIB_SHA256: &str = "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TICKETLENS_ORT_CACHE");
    println!("cargo:rerun-if-env-changed=TICKETLENS_SKIP_ORT_FETCH");
    bundle_model();
    match provision_runtime() {
        Ok(path) => {
            println!("cargo:rustc-env=TICKETLENS_ORT_DYLIB={}", path.display());
            println!("cargo:rerun-if-changed={}", path.display());
        }
        Err(e) => {
            println!("cargo:warning=ONNX Runtime {ORT_VERSION} not provisioned: {e}");
            println!("cargo:rustc-env=TICKETLENS_ORT_DYLIB=");
        }
    }
}

/// Tell rustc where the default model files are (embedded with include_bytes!).
fn bundle_model() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = root.join("models/ticket-minilm");
    for f in ["model.onnx", "tokenizer.json", "ticketlens.json"] {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
    let complete = ["model.onnx", "tokenizer.json", "ticketlens.json"]
        .iter()
        .all(|f| dir.join(f).is_file());
    if complete {
        println!("cargo:rustc-cfg=ticketlens_bundled_model");
    }
    println!("cargo:rustc-check-cfg=cfg(ticketlens_bundled_model)");
    println!("cargo:rustc-env=TICKETLENS_MODEL_DIR={}", dir.display());
}

fn cache_dir() -> PathBuf {
    if let Ok(d) = env::var("TICKETLENS_ORT_CACHE") {
        return PathBuf::from(d);
    }
    let base = env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|_| env::var("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|_| PathBuf::from(env::var("OUT_DIR").unwrap()));
    base.join("ticketlens")
        .join(format!("onnxruntime-{ORT_VERSION}"))
}

fn sha256_file(path: &Path) -> Result<String, String> {
    let mut f = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn provision_runtime() -> Result<PathBuf, String> {
    let target = env::var("TARGET").unwrap_or_default();
    if target != "x86_64-unknown-linux-gnu" {
        return Err(format!(
            "no pinned ONNX Runtime wheel for {target}; set ORT_DYLIB_PATH to libonnxruntime {ORT_VERSION}"
        ));
    }
    let dir = cache_dir();
    let lib = dir.join(format!("libonnxruntime.so.{ORT_VERSION}"));
    if lib.is_file() && sha256_file(&lib)? == LIB_SHA256 {
        return Ok(lib);
    }
    if env::var_os("TICKETLENS_SKIP_ORT_FETCH").is_some() {
        return Err("TICKETLENS_SKIP_ORT_FETCH is set".into());
    }
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let wheel = dir.join(WHEEL);
    if !(wheel.is_file() && sha256_file(&wheel)? == WHEEL_SHA256) {
        pip_download(&dir)?;
    }
    let got = sha256_file(&wheel)?;
    if got != WHEEL_SHA256 {
        let _ = fs::remove_file(&wheel);
        return Err(format!(
            "{WHEEL}: sha256 {got} does not match the pinned {WHEEL_SHA256}"
        ));
    }
    let file = fs::File::open(&wheel).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("{WHEEL}: {e}"))?;
    let mut entry = zip
        .by_name(LIB_IN_WHEEL)
        .map_err(|e| format!("{WHEEL}: {LIB_IN_WHEEL}: {e}"))?;
    let tmp = dir.join(format!(
        ".libonnxruntime.so.{ORT_VERSION}.{}",
        std::process::id()
    ));
    {
        let mut out = fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| e.to_string())?;
    }
    let got = sha256_file(&tmp)?;
    if got != LIB_SHA256 {
        let _ = fs::remove_file(&tmp);
        return Err(format!(
            "{LIB_IN_WHEEL}: sha256 {got} does not match the pinned {LIB_SHA256}"
        ));
    }
    fs::rename(&tmp, &lib).map_err(|e| e.to_string())?;
    Ok(lib)
}

fn pip_download(dir: &Path) -> Result<(), String> {
    let args = [
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        "3.11",
        "--implementation",
        "cp",
        "--platform",
        "manylinux_2_28_x86_64",
        "--dest",
    ];
    let mut last = String::from("no python found");
    for py in ["python3", "python"] {
        let out = Command::new(py)
            .args(args)
            .arg(dir)
            .arg(format!("onnxruntime=={ORT_VERSION}"))
            .output();
        match out {
            Ok(o) if o.status.success() => return Ok(()),
            Ok(o) => {
                last = format!(
                    "{py} -m pip download failed: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                )
            }
            Err(e) => last = format!("{py}: {e}"),
        }
    }
    Err(last)
}
