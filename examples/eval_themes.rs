//! Quality harness for themes on a labelled corpus (BANKING77 by default).
//!
//! The embeddings are the project model's, written by `classify` beside its
//! output (one row per CSV row, same order):
//!
//! ```text
//! cargo run --release -- classify ../shared/datasets/banking77/train.csv \
//!     --text-column text -o /tmp/b77.csv          # also writes /tmp/b77.csv.embeddings.npy
//! cargo run --release --example eval_themes -- \
//!     ../shared/datasets/banking77/train.csv /tmp/b77.csv.embeddings.npy
//! ```
//!
//! Prints NMI/ARI/k for automatic k (with and without the linfa KMeans
//! refinement), for k forced to the number of gold classes, for plain
//! k-means with that k, and the largest themes' keywords.

use chrono::{TimeZone, Utc};
use std::path::PathBuf;
use ticketlens::themes::{self, ThemeOptions};
use ticketlens::{EnrichedTicket, Ticket};
use ticketlens_synth::eval;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let csv = PathBuf::from(args.get(1).map(String::as_str).unwrap_or(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/datasets/banking77/train.csv"
    )));
    let npy = PathBuf::from(
        args.get(2)
            .map(String::as_str)
            .unwrap_or("/tmp/b77.csv.embeddings.npy"),
    );
    if !npy.exists() {
        anyhow::bail!(
            "{} does not exist: write it with `ticketlens classify {} --text-column text -o /tmp/b77.csv` (see the example's doc comment)",
            npy.display(),
            csv.display()
        );
    }
    let (texts, gold, emb) = eval::read_labelled(&csv, &npy)?;
    let classes = gold.iter().collect::<std::collections::HashSet<_>>().len();
    println!(
        "{} rows, {} gold classes, dim {}",
        emb.rows(),
        classes,
        emb.dim
    );

    let auto = eval::eval_clustering(&emb, &gold, &ThemeOptions::default())?;
    println!(
        "auto k:   k={} (fitted {}) NMI={:.4} ARI={:.4} ({:.1}s)",
        auto.k, auto.k_selection.chosen, auto.nmi, auto.ari, auto.seconds
    );
    for c in &auto.k_selection.candidates {
        println!("   k={:4} silhouette={:.4}", c.k, c.silhouette);
    }
    let unrefined = eval::eval_clustering(
        &emb,
        &gold,
        &ThemeOptions {
            refine_iterations: 0,
            ..Default::default()
        },
    )?;
    println!(
        "auto k, no refinement: k={} NMI={:.4} ARI={:.4} ({:.1}s)",
        unrefined.k, unrefined.nmi, unrefined.ari, unrefined.seconds
    );
    let unsmoothed = eval::eval_clustering(
        &emb,
        &gold,
        &ThemeOptions {
            smoothing_rounds: 0,
            ..Default::default()
        },
    )?;
    println!(
        "auto k, no smoothing: k={} NMI={:.4} ARI={:.4} ({:.1}s)",
        unsmoothed.k, unsmoothed.nmi, unsmoothed.ari, unsmoothed.seconds
    );
    let fixed = eval::eval_clustering(
        &emb,
        &gold,
        &ThemeOptions {
            k: Some(classes),
            ..Default::default()
        },
    )?;
    println!(
        "forced k={classes}: k={} NMI={:.4} ARI={:.4} ({:.1}s)",
        fixed.k, fixed.nmi, fixed.ari, fixed.seconds
    );
    for iters in [3, 25] {
        let e = eval::eval_clustering(
            &emb,
            &gold,
            &ThemeOptions {
                refine_iterations: iters,
                ..Default::default()
            },
        )?;
        println!(
            "auto k, {iters} refinement iterations: k={} NMI={:.4} ARI={:.4} ({:.1}s)",
            e.k, e.nmi, e.ari, e.seconds
        );
    }
    let km = eval::eval_kmeans(&emb, &gold, classes, 42)?;
    println!(
        "plain KMeans k={classes}: NMI={:.4} ARI={:.4} ({:.1}s)",
        km.nmi, km.ari, km.seconds
    );

    // Keywords: run the full pipeline with placeholder tickets.
    let t0 = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("2025-01-01 is not a date"))?;
    let tickets: Vec<EnrichedTicket> = (0..texts.len())
        .map(|i| {
            EnrichedTicket::new(Ticket {
                id: format!("{i}"),
                created_at: t0 + chrono::Duration::minutes(i as i64 * 13),
                ..Default::default()
            })
        })
        .collect();
    let report = themes::discover(&tickets, &texts, &emb, &ThemeOptions::default())?;
    println!("\ntop themes ({} in all):", report.themes.len());
    for t in report.themes.iter().take(15) {
        let kw: Vec<&str> = t.keywords.iter().take(6).map(|k| k.term.as_str()).collect();
        println!(
            "  #{:<3} n={:<4} {:<40} | {}",
            t.id,
            t.size,
            t.label,
            kw.join(", ")
        );
    }
    Ok(())
}
