//! The bottom layer every stage writes through: atomic files (temp file in
//! the target directory, then rename, so a reader never sees half a file)
//! and the CSV formula guard for untrusted cells. It depends on nothing
//! above [`crate::error`].

pub mod atomic;
pub mod safe_csv;
