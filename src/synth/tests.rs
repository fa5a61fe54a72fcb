//! Tests for the synthetic world.

use super::*;

/// Regenerate the committed fixtures: `cargo test --lib synth -- --ignored regenerate_fixtures`.
#[test]
#[ignore]
fn regenerate_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    generate(&SynthConfig::default()).write(&dir).unwrap();
}

#[test]
#[ignore]
fn explore() {
    for seed in [1u64, 2, 3, 42] {
        let w = generate(&SynthConfig { seed, ..Default::default() });
        let g = w.ground_truth();
        eprintln!("seed {seed}: auc {:?} rate {:?} surge {:?}", g.churn.oracle_auc, g.churn.churn_rate, g.surge.map(|s| s.ratio));
    }
    let w = generate(&SynthConfig { seed: 7, tickets: 130_000, customers: 20_000, ..Default::default() });
    let g = w.ground_truth();
    eprintln!("big: auc {:?} rate {:?}", g.churn.oracle_auc, g.churn.churn_rate);
    w.write(std::path::Path::new("/work/scratch/synth/big")).unwrap();
}
