//! Team taxonomies: training time on BANKING77's 10,003 labelled
//! utterances (embeddings computed first, timed apart), its cross-validated
//! accuracy, and what `--taxonomy` adds to `classify` end to end.
//!
//! `cargo bench --bench taxonomy [-- --runs 3]`. Needs
//! `../shared/datasets/banking77/train.csv` (or `$TICKETLENS_SHARED`);
//! prints a note and exits without it.

use std::path::PathBuf;
use std::time::Instant;
use ticketlens::ingest::{IngestOptions, InputSource};
use ticketlens::model::{Classifier, ClassifierOptions, ModelSource};
use ticketlens::pipeline::classify::{run_classify, ClassifyJob, DEFAULT_CHUNK_ROWS};
use ticketlens::pipeline::load::RejectOutput;
use ticketlens::pipeline::progress::Progress;
use ticketlens::report::enriched::OutputFormat;
use ticketlens::taxonomy::{LabelledSet, TrainParams};

fn shared() -> PathBuf {
    std::env::var_os("TICKETLENS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let path = shared().join("datasets/banking77/train.csv");
    let Ok(mut rdr) = csv::Reader::from_path(&path) else {
        println!("taxonomy bench: {} not found, skipped", path.display());
        return;
    };
    let (mut texts, mut labels) = (Vec::new(), Vec::new());
    for r in rdr.records() {
        let r = r.expect("banking77 row");
        texts.push(r[0].to_string());
        labels.push(vec![r[1].to_string()]);
    }
    let c = Classifier::load(
        &ModelSource::from_option(None),
        ClassifierOptions::default(),
    )
    .expect("load model");
    let t0 = Instant::now();
    let out = c.classify(&texts).expect("embed");
    let embed_s = t0.elapsed().as_secs_f64();
    let dim = c.config().embedding.dim;
    let set = LabelledSet {
        embeddings: &out.embeddings.data,
        dim,
        labels: &labels,
    };
    let fit = |folds: usize| {
        let p = TrainParams {
            folds,
            ..TrainParams::default()
        }
        .check()
        .expect("valid params");
        let t = Instant::now();
        let tax = p.fit(&set, c.model_sha256(), "train.csv", 0).expect("fit");
        (tax, t.elapsed().as_secs_f64())
    };
    let train_s = median((0..runs).map(|_| fit(0).1).collect());
    let (taxonomy, cv_s) = fit(5);
    let e = taxonomy.evaluation.as_ref().expect("evaluation");
    println!(
        "taxonomy bench: BANKING77 {} utterances, {} labels | embedding {embed_s:.1} s | training {train_s:.2} s (median of {runs}) | with 5-fold CV {cv_s:.1} s: accuracy {:.3}, macro-F1 {:.3}",
        texts.len(),
        taxonomy.labels.len(),
        e.accuracy,
        e.macro_f1
    );

    // classify end to end with and without the taxonomy.
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.csv");
    {
        let mut w = csv::Writer::from_path(&input).expect("write input");
        w.write_record(["id", "text"]).expect("header");
        for (i, t) in texts.iter().enumerate() {
            w.write_record([i.to_string().as_str(), t]).expect("row");
        }
        w.flush().expect("flush");
    }
    let job = |taxonomy| ClassifyJob {
        input: InputSource::Path(input.clone()),
        ingest: IngestOptions::default(),
        output: Some(dir.path().join("out.csv")),
        format: OutputFormat::Csv,
        embeddings: None,
        rejects: RejectOutput {
            path: dir.path().join("rejects.csv"),
            policy: Default::default(),
        },
        embeddings_column: false,
        chunk_rows: DEFAULT_CHUNK_ROWS,
        taxonomy,
    };
    let (plain, with) = (job(None), job(Some(taxonomy)));
    let time = |j: &ClassifyJob| {
        let t = Instant::now();
        run_classify(j, &c, &Progress::hidden()).expect("classify");
        t.elapsed().as_secs_f64()
    };
    // Interleaved, so drift on a busy machine hits both alike.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(time(&plain));
        b.push(time(&with));
    }
    let (a, b) = (median(a), median(b));
    println!(
        "classify {} texts: {a:.2} s without, {b:.2} s with --taxonomy ({:+.1} %)",
        texts.len(),
        100.0 * (b / a - 1.0)
    );
}
