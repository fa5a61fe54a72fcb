//! The rejects file: every row that could not become a ticket, with why.

use super::Reject;
use crate::error::{Error, Result};
use crate::report::safe_csv::neutralize;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Writes rejects as CSV with columns `line,reason,raw`.
///
/// The file is created **lazily**, on the first reject, so clean runs leave
/// no empty file behind (useful when the default `./ticketlens.rejects.csv`
/// is used with stdout output). A file already at the path is removed by
/// [`RejectsWriter::new`], so what is on disk after a run always belongs to
/// that run. `reason` and `raw` go through the formula-injection guard
/// ([`neutralize`]): the raw row is untrusted ticket text.
#[derive(Debug)]
pub struct RejectsWriter {
    path: PathBuf,
    writer: Option<csv::Writer<BufWriter<File>>>,
    count: u64,
}

impl RejectsWriter {
    /// Prepare to write rejects to `path` (removes a stale file there).
    pub fn new(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        Ok(RejectsWriter {
            path,
            writer: None,
            count: 0,
        })
    }

    /// Where the rejects go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one reject.
    pub fn write(&mut self, r: &Reject) -> Result<()> {
        if self.writer.is_none() {
            let f = File::create(&self.path).map_err(|e| Error::io(&self.path, e))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_record(["line", "reason", "raw"])
                .map_err(|e| self.err(e))?;
            self.writer = Some(w);
        }
        let line = r.line.to_string();
        let rec = [line.as_str(), &neutralize(&r.reason), &neutralize(&r.raw)];
        let res = self.writer.as_mut().map(|w| w.write_record(rec));
        if let Some(Err(e)) = res {
            return Err(self.err(e));
        }
        self.count += 1;
        Ok(())
    }

    /// Flush and return how many rejects were written (0: no file was created).
    pub fn finish(mut self) -> Result<u64> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(self.count)
    }

    fn err(&self, e: csv::Error) -> Error {
        Error::Csv {
            context: format!("writing rejects {}", self.path.display()),
            source: e,
        }
    }
}
