//! Serialising arguments for `run.json`: paths as their file names, so a
//! shared run record does not carry the user's directory layout.

use serde::Serializer;
use std::path::Path;

/// A path argument as its file name (`-` for stdin stays `-`).
pub fn file_name<S: Serializer, P: AsRef<Path>>(p: &P, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ticketlens::io::file_name(p.as_ref()))
}

/// An optional path argument as its file name, or null.
pub fn opt_file_name<S: Serializer, P: AsRef<Path>>(
    p: &Option<P>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => file_name(p, s),
        None => s.serialize_none(),
    }
}
