//! `gen-fixtures`: write the seeded synthetic world (tickets.csv,
//! customers.csv, ground_truth.json) to a directory, for benchmarks and
//! demos: `cargo run -p ticketlens-synth --bin gen-fixtures -- --out DIR`.

use anyhow::Result;
use clap::Parser;
use std::path::PathBuf;
use ticketlens_synth::{generate, SynthConfig};

/// Write a synthetic ticket world (tickets.csv, customers.csv, ground truth).
#[derive(Debug, Parser)]
#[command(name = "gen-fixtures", version)]
struct GenArgs {
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Number of tickets.
    #[arg(long, default_value_t = 2000)]
    tickets: usize,
    /// Number of customers.
    #[arg(long, default_value_t = 300)]
    customers: usize,
    /// Months of history.
    #[arg(long, default_value_t = 6)]
    months: u32,
    /// RNG seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Leave out the broken and hostile rows (for benchmarks).
    #[arg(long)]
    clean: bool,
}

fn main() -> Result<()> {
    let a = GenArgs::parse();
    std::fs::create_dir_all(&a.out).map_err(|e| ticketlens::Error::io(&a.out, e))?;
    let cfg = SynthConfig {
        seed: a.seed,
        tickets: a.tickets,
        customers: a.customers,
        months: a.months,
        broken_rows: !a.clean,
        hostile_rows: !a.clean,
        ..Default::default()
    };
    generate(&cfg).write(&a.out)?;
    eprintln!(
        "gen-fixtures: wrote {} tickets, {} customers to {}",
        a.tickets,
        a.customers,
        a.out.display()
    );
    Ok(())
}
