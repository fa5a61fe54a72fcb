//! Themes benchmark: synthetic clustered embeddings (seeded Gaussian blobs,
//! L2-normalised, 384-d) with synthetic texts over 26 weeks → `discover`
//! (k selection, micro-clusters + Ward, c-TF-IDF keywords, trends), then
//! a saved theme model built from it and every ticket assigned to it.
//!
//! ```text
//! cargo bench --bench themes                      # 100k tickets
//! THEMES_BENCH_N=1000000 cargo bench --bench themes
//! THEMES_BENCH_REFINE=0 cargo bench --bench themes  # without the linfa refinement
//! ```
//! Also times linfa-clustering's KMeans against the crate's k-means loop on
//! the same small fit, the reason linfa refines the final themes but does not
//! fit the micro-clusters.

use chrono::{Duration, TimeZone, Utc};
use linfa::traits::Fit;
use linfa::DatasetBase;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::time::Instant;
use ticketlens::embeddings::Embeddings;
use ticketlens::themes::{self, ThemeOptions};
use ticketlens::{EnrichedTicket, Prediction, Sentiment, Ticket};

const DIM: usize = 384;
const CLUSTERS: usize = 60;
const WORDS: [&str; 24] = [
    "refund",
    "card",
    "password",
    "delivery",
    "invoice",
    "login",
    "crash",
    "upgrade",
    "discount",
    "shipping",
    "account",
    "charge",
    "email",
    "app",
    "order",
    "payment",
    "cancel",
    "subscription",
    "address",
    "battery",
    "screen",
    "update",
    "warranty",
    "export",
];

fn gauss(rng: &mut Xoshiro256PlusPlus) -> f32 {
    // Box–Muller.
    let (u, v): (f64, f64) = (rng.gen::<f64>().max(1e-12), rng.gen());
    ((-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()) as f32
}

fn world(n: usize) -> (Vec<EnrichedTicket>, Vec<String>, Embeddings, Vec<String>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let centres: Vec<Vec<f32>> = (0..CLUSTERS)
        .map(|_| (0..DIM).map(|_| gauss(&mut rng)).collect())
        .collect();
    let t0 = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let mut emb = Embeddings {
        dim: DIM,
        data: Vec::with_capacity(n * DIM),
    };
    let (mut tickets, mut texts, mut gold) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n {
        // Zipf-ish sizes: cluster c has weight 1/(c+1).
        let c = ((rng.gen::<f64>().powi(2)) * CLUSTERS as f64) as usize % CLUSTERS;
        let mut v: Vec<f32> = centres[c]
            .iter()
            .map(|x| x + 0.9 * gauss(&mut rng))
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        emb.data.extend_from_slice(&v);
        let (a, b) = (WORDS[c % WORDS.len()], WORDS[(c * 7 + 3) % WORDS.len()]);
        let noise = WORDS[rng.gen_range(0..WORDS.len())];
        texts.push(format!(
            "My {a} {b} problem again, {noise} issue #{i} since {{Order Number}}"
        ));
        gold.push(format!("c{c}"));
        let neg = rng.gen::<f64>() < 0.4;
        tickets.push(EnrichedTicket {
            taxonomy: None,
            language: None,
            ticket: Ticket {
                id: format!("T{i}"),
                created_at: t0 + Duration::minutes(rng.gen_range(0..26 * 7 * 24 * 60)),
                first_response_minutes: Some(rng.gen_range(1.0..600.0)),
                csat: Some(rng.gen_range(1..=5) as f64),
                ..Default::default()
            },
            prediction: Some(Prediction {
                sentiment: if neg {
                    Sentiment::Negative
                } else {
                    Sentiment::Neutral
                },
                sentiment_confidence: 0.9,
                p_negative: if neg { 0.9 } else { 0.1 },
                p_neutral: 0.1,
                p_positive: 0.0,
                topic: WORDS[c % 11].to_string(),
                topic_confidence: 0.8,
                heads: Vec::new(),
            }),
            theme: None,
        });
    }
    (tickets, texts, emb, gold)
}

fn main() {
    let n: usize = std::env::var("THEMES_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!(
        "themes bench: n={n}, dim={DIM}, {CLUSTERS} planted clusters, threads={}",
        rayon::current_num_threads()
    );
    let t = Instant::now();
    let (tickets, texts, emb, gold) = world(n);
    println!("  synthetic data: {:.1}s", t.elapsed().as_secs_f64());

    let opts = ThemeOptions {
        refine_iterations: std::env::var("THEMES_BENCH_REFINE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(themes::REFINE_ITERATIONS),
        ..Default::default()
    };
    println!(
        "  linfa KMeans refinement: {} iterations",
        opts.refine_iterations
    );
    let t = Instant::now();
    let report = match themes::discover(&tickets, &texts, &emb, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("discover failed: {e}");
            std::process::exit(1);
        }
    };
    let secs = t.elapsed().as_secs_f64();
    let labels: Vec<usize> = report
        .assignments
        .iter()
        .map(|a| a.as_ref().map_or(usize::MAX, |a| a.id))
        .collect();
    println!(
        "  discover: {secs:.2}s  themes={} (k range {:?}, micro {}) trending={} NMI vs planted={:.3}",
        report.themes.len(),
        report.k_selection.range,
        report.k_selection.micro_clusters,
        report.trending.len(),
        ticketlens_synth::eval::normalized_mutual_info(&gold, &labels)
    );
    let dir = std::env::temp_dir().join(format!("ticketlens-themes-bench-{}", std::process::id()));
    let t = Instant::now();
    match report.write(&tickets, &dir) {
        Ok(files) => println!(
            "  write: {:.2}s ({} files)",
            t.elapsed().as_secs_f64(),
            files.len()
        ),
        Err(e) => eprintln!("write failed: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);

    // Saved theme model: centres from this report, then every ticket
    // assigned to them again (what `--theme-model` does on a later month).
    let t = Instant::now();
    match themes::ThemeModel::from_report(&report, &emb, "bench", "bench") {
        Ok(model) => {
            let save_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            match model.assign(&tickets, &texts, &emb, &opts) {
                Ok(r) => println!(
                    "  saved theme model: build {save_s:.2}s, assign {:.2}s ({} far tickets, {} emerging)",
                    t.elapsed().as_secs_f64(),
                    r.theme_model.as_ref().map_or(0, |m| m.far_tickets),
                    r.theme_model.as_ref().map_or(0, |m| m.emerging.len())
                ),
                Err(e) => eprintln!("assign failed: {e}"),
            }
        }
        Err(e) => eprintln!("theme model failed: {e}"),
    }

    // linfa vs own loop on the same 5,000 × 384 sample, k = 50, 20 iterations.
    let m = 5000.min(n);
    let sample =
        ndarray::Array2::from_shape_vec((m, DIM), emb.data[..m * DIM].to_vec()).expect("shape");
    let t = Instant::now();
    let fitted =
        linfa_clustering::KMeans::params_with_rng(50, Xoshiro256PlusPlus::seed_from_u64(1))
            .n_runs(1)
            .max_n_iterations(20)
            .tolerance(1e-9)
            .fit(&DatasetBase::from(sample.clone()));
    println!(
        "  linfa KMeans 5k×384 k=50 20 iter: {:.2}s (ok={})",
        t.elapsed().as_secs_f64(),
        fitted.is_ok()
    );
    let small = Embeddings {
        dim: DIM,
        data: emb.data[..m * DIM].to_vec(),
    };
    let t = Instant::now();
    let e = ticketlens_synth::eval::eval_kmeans(&small, &gold[..m], 50, 1)
        .map(|e| e.nmi)
        .unwrap_or(f64::NAN);
    println!(
        "  own k-means 5k×384 k=50 ≤100 iter: {:.2}s (NMI {e:.3})",
        t.elapsed().as_secs_f64()
    );
}
