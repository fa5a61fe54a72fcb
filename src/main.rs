//! `ticketlens` command-line interface: a thin layer over the library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: what went wrong and where (the error chain joined).
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("ticketlens: error: {msg}");
            ExitCode::FAILURE
        }
    }
}
