//! `ticketlens gen-fixtures` (hidden): the seeded synthetic world.

use anyhow::Result;
use clap::Args;
use std::path::PathBuf;
use ticketlens::synth::{generate, SynthConfig};

/// Write a synthetic ticket world (tickets.csv, customers.csv, ground truth).
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of tickets.
    #[arg(long, default_value_t = 2000)]
    pub tickets: usize,
    /// Number of customers.
    #[arg(long, default_value_t = 300)]
    pub customers: usize,
    /// Months of history.
    #[arg(long, default_value_t = 6)]
    pub months: u32,
    /// RNG seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Leave out the broken and hostile rows (for benchmarks).
    #[arg(long)]
    pub clean: bool,
}

pub fn run(a: GenArgs) -> Result<()> {
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
