//! Command definitions (clap) and dispatch. Each command lives in its own file
//! and only turns arguments into library calls.

mod analyze;
mod churn;
mod churn_args;
mod classify;
mod common;
mod gen;
mod kpi;
mod kpi_args;
mod themes;
mod themes_args;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// ticketlens: turn a support ticket backlog into decisions — sentiment, topics,
/// KPIs, root-cause themes and churn risk — offline, on a laptop.
#[derive(Debug, Parser)]
#[command(name = "ticketlens", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything on one export: classify, themes and trends, KPIs, churn, HTML report.
    Analyze(Box<analyze::AnalyzeArgs>),
    /// Classify tickets: sentiment, topic and embedding per ticket.
    Classify(classify::ClassifyArgs),
    /// Support KPIs overall, by dimension and per period (no model needed).
    Kpi(kpi::KpiCmdArgs),
    /// Root-cause themes and trending complaints from `classify` output + embeddings.
    Themes(themes::ThemesCmdArgs),
    /// Churn risk per customer: train a model on labelled customers, or score with a saved one.
    Churn(churn::ChurnArgs),
    /// Write the seeded synthetic ticket world (fixtures, benchmark data).
    #[command(name = "gen-fixtures", hide = true)]
    GenFixtures(gen::GenArgs),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze(a) => analyze::run(*a),
        Command::Classify(a) => classify::run(a),
        Command::Kpi(a) => kpi::run(a),
        Command::Themes(a) => themes::run(a),
        Command::Churn(a) => churn::run(a),
        Command::GenFixtures(a) => gen::run(a),
    }
}
