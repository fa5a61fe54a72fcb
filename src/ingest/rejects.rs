//! The rejects file: every row that could not become a ticket, with why.

use super::quality::RejectSummary;
use super::Reject;
use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::io::safe_csv::neutralize;
use std::path::{Path, PathBuf};

/// Writes rejects as CSV with columns `line,reason,raw`.
///
/// The file is written **atomically**: rows go to a temp file beside the
/// target, which replaces the target only in [`RejectsWriter::finish`]. So a
/// run that fails early (unreadable input, missing column, model error)
/// leaves an earlier run's rejects file untouched, and a finished run always
/// leaves a rejects file that belongs to it — header only when nothing was
/// rejected, so scripts and `analyze`'s file list can rely on it existing.
/// `reason` and `raw` go through the formula-injection guard
/// ([`neutralize`]): the raw row is untrusted ticket text.
///
/// It also groups the rejects by reason as they go by ([`RejectSummary`],
/// bounded memory) for the summary every command prints and the
/// data-quality block: [`RejectsWriter::finish_with_summary`].
pub struct RejectsWriter {
    path: PathBuf,
    writer: csv::Writer<AtomicFile>,
    count: u64,
    summary: RejectSummary,
}

impl std::fmt::Debug for RejectsWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RejectsWriter")
            .field("path", &self.path)
            .field("count", &self.count)
            .finish()
    }
}

impl RejectsWriter {
    /// Start writing rejects for `path` (its directory must exist). Nothing
    /// appears at `path` until [`RejectsWriter::finish`].
    pub fn new(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = AtomicFile::create(&path)?;
        let mut w = RejectsWriter {
            writer: csv::Writer::from_writer(file),
            path,
            count: 0,
            summary: RejectSummary::new(),
        };
        w.writer
            .write_record(["line", "reason", "raw"])
            .map_err(|e| w.err(e))?;
        Ok(w)
    }

    /// Where the rejects go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one reject.
    pub fn write(&mut self, r: &Reject) -> Result<()> {
        let line = r.line.to_string();
        let rec = [line.as_str(), &neutralize(&r.reason), &neutralize(&r.raw)];
        if let Err(e) = self.writer.write_record(rec) {
            return Err(self.err(e));
        }
        self.count += 1;
        self.summary.add(r);
        Ok(())
    }

    /// The rejects written so far, grouped by reason.
    pub fn summary(&self) -> &RejectSummary {
        &self.summary
    }

    /// Flush, move the file into place and return how many rejects it holds.
    pub fn finish(self) -> Result<u64> {
        Ok(self.finish_with_summary()?.total())
    }

    /// Flush, move the file into place and return the rejects grouped by
    /// reason (its `total()` is the number of rows in the file).
    pub fn finish_with_summary(self) -> Result<RejectSummary> {
        let RejectsWriter {
            path,
            writer,
            summary,
            ..
        } = self;
        let file = writer
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        file.commit()?;
        Ok(summary)
    }

    fn err(&self, e: csv::Error) -> Error {
        Error::Csv {
            context: format!("writing rejects {}", self.path.display()),
            source: e,
        }
    }
}
