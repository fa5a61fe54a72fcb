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
            // 3: the outputs were written but too many rows were rejected
            // (--strict / --max-reject-rate); 1: anything else.
            match e.downcast_ref::<ticketlens::Error>() {
                Some(t) if t.is_data_quality() => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
