//! Classify throughput: end to end (read CSV → clean → tokenize → infer →
//! write CSV + embeddings) versus ONNX Runtime session only, on short texts
//! (tweets) and long texts (multi-paragraph tickets).
//!
//! `cargo bench --bench classify [-- --short 10000 --long 1000 --model DIR --threads N --sessions N --batch-tokens N --runs 3 --no-previous]`
//!
//! The previous default model (named in the current model's `ticketlens.json`,
//! read from git history into `target/bench-models/`) runs on the same texts in
//! the same process, and the speed ratio is printed.
//!
//! Each figure is the median of `--runs` timed rounds after one warm-up round;
//! a round runs each model once, one after the other (see `bench`), and the
//! speed ratio is the median of the rounds' paired ratios (so it need not
//! equal the ratio of the two medians printed beside it).
//!
//! Short texts are the first N *unique* texts of
//! `../shared/datasets/tweeteval_sentiment/train.csv`, so deduplication cannot
//! flatter the figure. Prints texts/s for both paths and the Rust overhead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use ticketlens::ingest::{IngestOptions, InputSource};
use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
use ticketlens::pipeline::classify::{run_classify, ClassifyJob, DEFAULT_CHUNK_ROWS};
use ticketlens::pipeline::load::RejectOutput;
use ticketlens::pipeline::progress::Progress;
use ticketlens::report::enriched::OutputFormat;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn shared() -> PathBuf {
    std::env::var_os("TICKETLENS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

fn short_texts(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let path = shared().join("datasets/tweeteval_sentiment/train.csv");
    let mut rdr =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("csv");
        let t = rec[0].trim().to_string();
        if !t.is_empty() && seen.insert(t.clone()) {
            out.push(t);
            if out.len() == n {
                break;
            }
        }
    }
    out
}

fn long_texts(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let world = ticketlens_synth::generate(&ticketlens_synth::SynthConfig {
        tickets: n * 4,
        customers: n.max(10),
        broken_rows: false,
        hostile_rows: false,
        ..Default::default()
    });
    let mut texts: Vec<String> = world
        .tickets()
        .iter()
        .map(|t| {
            let (subject, body) = world.text_of(t);
            ticketlens::text::clean_text(&format!("{subject}. {body}"))
        })
        .collect();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    texts.dedup();
    texts.truncate(n);
    texts
}

fn write_csv(texts: &[String], path: &Path) {
    let mut w = csv::Writer::from_path(path).expect("write csv");
    w.write_record(["ticket_id", "body"]).unwrap();
    for (i, t) in texts.iter().enumerate() {
        w.write_record([i.to_string().as_str(), t.as_str()])
            .unwrap();
    }
    w.flush().unwrap();
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n.is_multiple_of(2) {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    } else {
        v[n / 2]
    }
}

/// Seconds of one session-only run: texts already tokenized and batched
/// (tokenizing is outside the timed part).
fn session_once(c: &Classifier, texts: &[String]) -> f64 {
    let prepared = c.prepare(texts).expect("prepare");
    let t0 = Instant::now();
    let out = c.run(prepared).expect("run");
    let s = t0.elapsed().as_secs_f64();
    assert_eq!(out.predictions.len(), texts.len());
    s
}

/// Seconds of one end-to-end run: read CSV → clean → tokenize → infer →
/// write CSV + .npy (the outputs of the previous run are overwritten).
fn e2e_once(c: &Classifier, input: &Path, out_dir: &Path, n: usize) -> f64 {
    let job = ClassifyJob {
        input: InputSource::Path(input.to_path_buf()),
        ingest: IngestOptions::default(),
        output: Some(out_dir.join("out.csv")),
        format: OutputFormat::Csv,
        embeddings: Some(out_dir.join("out.npy")),
        rejects: RejectOutput {
            path: out_dir.join("rejects.csv"),
            policy: Default::default(),
        },
        embeddings_column: false,
        chunk_rows: DEFAULT_CHUNK_ROWS,
        taxonomy: None,
    };
    let t0 = Instant::now();
    let counts = run_classify(&job, c, &Progress::hidden()).expect("classify");
    let s = t0.elapsed().as_secs_f64();
    assert_eq!(counts.written as usize, n);
    s
}

/// Times every model of `models` on `texts`, interleaved: each round runs
/// each model once session-only and once end to end, one model after the
/// other (in reverse order every other round), so a slow spell of a shared machine (a neighbour job, a frequency
/// change) falls on all of them rather than on whichever model was running
/// during it, and each round gives a paired speed ratio. One unmeasured
/// warm-up round first (ORT's kernel selection, page faults); then `runs`
/// rounds. Prints one line per model (medians) and returns each model's
/// per-round end-to-end and session-only seconds.
fn bench(name: &str, texts: &[String], models: &[&Classifier], runs: usize) -> Vec<Timing> {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.csv");
    write_csv(texts, &input);
    let mut timings: Vec<Timing> = models.iter().map(|_| Timing::default()).collect();
    for round in 0..=runs.max(1) {
        // Odd rounds run the models in reverse, so a drift within a round
        // does not always land on the same one.
        let mut order: Vec<usize> = (0..models.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for m in order {
            let s = session_once(models[m], texts);
            let e = e2e_once(models[m], &input, dir.path(), texts.len());
            if round > 0 {
                timings[m].session_s.push(s);
                timings[m].e2e_s.push(e);
            }
        }
    }
    let n = texts.len() as f64;
    for (c, t) in models.iter().zip(&timings) {
        let tokens: usize = c.prepare(texts).map(|p| p.tokens).unwrap_or(0);
        let (e2e_s, session_s) = (median(&t.e2e_s), median(&t.session_s));
        println!("model {} ({})", c.config().name, c.origin());
        println!(
            "{name:>6}: {} texts, {:.1} tokens/text, median of {} rounds | end-to-end {:.0} texts/s ({:.2}s) | session-only {:.0} texts/s ({:.2}s) | overhead {:+.1} %",
            texts.len(),
            tokens as f64 / n,
            t.e2e_s.len(),
            n / e2e_s,
            e2e_s,
            n / session_s,
            session_s,
            100.0 * (e2e_s / session_s - 1.0)
        );
    }
    std::io::stdout().flush().ok();
    timings
}

/// Seconds per timed round of one model on one text set.
#[derive(Default)]
struct Timing {
    e2e_s: Vec<f64>,
    session_s: Vec<f64>,
}

/// `before` seconds over `now` seconds, round by round: the median and the
/// range of the paired speed ratios.
fn paired_ratio(now: &[f64], before: &[f64]) -> (f64, f64, f64) {
    let r: Vec<f64> = now.iter().zip(before).map(|(n, b)| b / n).collect();
    let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (median(&r), lo, hi)
}

/// The previous default model, read from git history into
/// `target/bench-models/<commit>/` (once), so the speed of a new default model
/// is always compared with the one it replaced, in the same run. The commit is
/// `previous_model.git_commit` of the current model's `ticketlens.json`.
fn previous_model(current: &Path) -> Result<PathBuf, String> {
    let cfg: serde_json::Value = std::fs::read(current.join("ticketlens.json"))
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))?;
    let commit = cfg["previous_model"]["git_commit"]
        .as_str()
        .ok_or("ticketlens.json names no previous_model.git_commit")?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-models").join(commit);
    let files = ["model.onnx", "tokenizer.json", "ticketlens.json"];
    if files.iter().all(|f| dir.join(f).exists()) {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for f in files {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .arg("show")
            .arg(format!("{commit}:models/ticket-minilm/{f}"))
            .output()
            .map_err(|e| format!("git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "git show {commit}:models/ticket-minilm/{f}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        std::fs::write(dir.join(f), out.stdout).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

fn main() {
    let n_short: usize = arg("--short")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let n_long: usize = arg("--long").and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let opts = ClassifierOptions {
        threads: arg("--threads").and_then(|v| v.parse().ok()).unwrap_or(0),
        sessions: arg("--sessions").and_then(|v| v.parse().ok()).unwrap_or(0),
        batch_tokens: arg("--batch-tokens")
            .and_then(|v| v.parse().ok())
            .unwrap_or(4096),
        ..Default::default()
    };
    let model_dir = arg("--model")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/ticket-minilm"));
    let c = load(&model_dir, &opts);
    let previous = if arg_flag("--no-previous") {
        None
    } else {
        match previous_model(&model_dir) {
            Ok(dir) => Some(load(&dir, &opts)),
            Err(e) => {
                println!("previous model: not compared ({e})");
                None
            }
        }
    };
    println!(
        "classify bench: {} cores, layout (sessions, intra threads) = {:?}, batch_tokens {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        opts.layout(),
        opts.batch_tokens
    );
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(3);
    for (name, texts) in [
        ("short", short_texts(n_short)),
        ("long", long_texts(n_long)),
    ] {
        if texts.is_empty() {
            continue;
        }
        let models: Vec<&Classifier> = std::iter::once(&c).chain(previous.as_ref()).collect();
        let t = bench(name, &texts, &models, runs);
        if let (Some(p), [now, before]) = (&previous, t.as_slice()) {
            let (e2e, e_lo, e_hi) = paired_ratio(&now.e2e_s, &before.e2e_s);
            let (session, s_lo, s_hi) = paired_ratio(&now.session_s, &before.session_s);
            println!(
                "{name:>6}: the current model is {e2e:.2}x the end-to-end speed of the previous one ({}): median of the rounds' paired ratios, {e_lo:.2}-{e_hi:.2} over the rounds; {session:.2}x session-only ({s_lo:.2}-{s_hi:.2})",
                p.origin()
            );
        }
    }
}

fn arg_flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn load(dir: &Path, opts: &ClassifierOptions) -> Classifier {
    let source = ModelSource::from_option(Some(dir));
    Classifier::load(&source, opts.clone())
        .unwrap_or_else(|e| panic!("load model {}: {e}", dir.display()))
}
