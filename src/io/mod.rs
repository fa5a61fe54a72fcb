//! The bottom layer every stage writes through: atomic files (temp file in
//! the target directory, then rename, so a reader never sees half a file)
//! and the CSV formula guard for untrusted cells. It depends on nothing
//! above [`crate::error`].

pub(crate) mod atomic;
pub(crate) mod safe_csv;

pub use safe_csv::neutralize;

/// The first 12 characters of a sha256 (all of it when shorter): enough
/// to tell two models apart in a one-line error.
pub fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// A path's file name (the whole path when it has none). Outputs name
/// inputs this way: a full path can carry a user name.
pub fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
