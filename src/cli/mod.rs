//! Command definitions (clap) and dispatch. Each command lives in its own file
//! and only turns arguments into library calls.

mod analyze;
mod churn;
mod churn_args;
mod classify;
mod common;
pub mod flags;
mod kpi;
mod kpi_args;
mod ser;
mod taxonomy;
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
///
/// The variants carry no doc comments on purpose: clap would take a
/// variant's doc as the command's `about` *and* `long_about`, replacing the
/// fuller explanation (inputs, outputs, defaults) written on each args
/// struct, so `ticketlens <cmd> --help` would lose it. The command list in
/// `ticketlens --help` shows each struct's first paragraph instead.
#[derive(Debug, Subcommand)]
pub enum Command {
    Analyze(Box<analyze::AnalyzeArgs>),
    Classify(classify::ClassifyArgs),
    // `about` only (the list entry); `--help` keeps the struct's long text.
    #[command(about = "Support KPIs overall, by dimension and per period (no model needed)")]
    Kpi(kpi::KpiCmdArgs),
    Themes(themes::ThemesCmdArgs),
    /// Churn risk per customer: train a model on labelled customers, or score with a saved one.
    ///
    /// `churn train` fits and evaluates a model on customers with a known
    /// `churned` label and saves it; `churn score` scores customers with a
    /// saved model into at_risk.csv. Each has its own `--help`.
    Churn(churn::ChurnArgs),
    Taxonomy(taxonomy::TaxonomyArgs),
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Analyze(a) => analyze::run(*a),
        Command::Classify(a) => classify::run(a),
        Command::Kpi(a) => kpi::run(a),
        Command::Themes(a) => themes::run(a),
        Command::Churn(a) => churn::run(a),
        Command::Taxonomy(a) => taxonomy::run(a),
    }
}
