//! `ticketlens` command-line interface: a thin layer over the library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Library messages name settings; the CLI shows them as its flags.
    ticketlens::error::name_settings(cli::flags::flag);
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`ticketlens classify x.csv | head`) is the reader
        // saying "enough", not a failure: stop quietly, like other Unix tools.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ticketlens: error: {}", one_line(&e));
            // 3: the outputs were written but too many rows were rejected
            // (--strict / --max-reject-rate); 1: anything else.
            match e.downcast_ref::<ticketlens::Error>() {
                Some(t) if t.is_data_quality() => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// One line: what went wrong and where. The error chain is joined with
/// `: `, skipping a cause whose text its parent already shows (library
/// errors print their source in their own message).
fn one_line(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !msg.contains(&text) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&text);
        }
    }
    msg.replace('\n', " ")
}

/// Whether any cause in the chain is an I/O broken pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(pipe)
            // csv::Error does not expose its I/O error as a source.
            || c.downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if pipe(io)))
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
