//! Ticket embeddings: a dense row-major `n × dim` f32 matrix and its `.npy` file.
//!
//! Embeddings do not belong in a CSV (384 columns of floats); `classify` writes
//! them to a NumPy `.npy` side file in output row order, which both ticketlens
//! and Python (`np.load`) read.

pub use crate::error::EmbeddingsError;
use crate::error::{Error, Result};
use std::io::{BufReader, Read, Write};
use std::path::Path;

/// A row-major matrix of L2-normalised embeddings, one row per ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Embeddings {
    /// Vector width.
    pub dim: usize,
    /// `rows × dim` values, row-major.
    pub data: Vec<f32>,
}

impl Embeddings {
    /// An empty matrix of the given width.
    pub fn new(dim: usize) -> Self {
        Embeddings {
            dim,
            data: Vec::new(),
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Append one row (must have `dim` values).
    pub fn push(&mut self, row: &[f32]) {
        debug_assert_eq!(row.len(), self.dim);
        self.data.extend_from_slice(row);
    }

    /// Write as a little-endian f32 `.npy` (format 1.0).
    ///
    /// Written to a temp file beside `path` and renamed into place, so an
    /// interrupted run never leaves a truncated file that looks complete.
    pub fn write_npy(&self, path: &Path) -> Result<()> {
        // Streamed in bounded pieces: no second copy of every embedding
        // (1.5 GB at a million 384-d rows) just to write them.
        let mut w = NpyStreamWriter::create(path, self.dim)?;
        w.write(self)?;
        w.finish()?;
        Ok(())
    }

    /// Read a 2-D little-endian f32 `.npy` written by [`Embeddings::write_npy`] or NumPy.
    pub fn read_npy(path: &Path) -> Result<Self> {
        let bad = |m: &str| {
            Error::from(EmbeddingsError::NotNpy {
                path: path.display().to_string(),
                message: m.to_string(),
            })
        };
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut r = BufReader::new(f);
        let mut pre = [0u8; 10];
        r.read_exact(&mut pre).map_err(|e| Error::io(path, e))?;
        if &pre[..6] != b"\x93NUMPY" {
            return Err(bad("bad magic"));
        }
        let hlen = if pre[6] == 1 {
            u16::from_le_bytes([pre[8], pre[9]]) as usize
        } else {
            let mut two = [0u8; 2];
            r.read_exact(&mut two).map_err(|e| Error::io(path, e))?;
            u32::from_le_bytes([pre[8], pre[9], two[0], two[1]]) as usize
        };
        let mut h = vec![0u8; hlen];
        r.read_exact(&mut h).map_err(|e| Error::io(path, e))?;
        let h = String::from_utf8_lossy(&h);
        if !h.contains("'<f4'") || h.contains("'fortran_order': True") {
            return Err(bad("expected descr '<f4', C order"));
        }
        let shape = h
            .split("'shape':")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .map(|s| s.trim().trim_start_matches('('))
            .ok_or_else(|| bad("no shape"))?;
        let dims: Vec<usize> = shape
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        let (rows, dim) = match dims.as_slice() {
            [r, d] => (*r, *d),
            _ => return Err(bad("expected 2 dimensions")),
        };
        let mut raw = Vec::with_capacity(rows * dim * 4);
        r.read_to_end(&mut raw).map_err(|e| Error::io(path, e))?;
        if raw.len() != rows * dim * 4 {
            return Err(bad("data length does not match shape"));
        }
        let data = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(Embeddings { dim, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.npy");
        let e = Embeddings {
            dim: 3,
            data: vec![1.0, 2.0, 3.0, -4.0, 5.5, 6.25],
        };
        e.write_npy(&p).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!((bytes.len() - 24) % 64, 0, "header padded to 64 bytes");
        assert_eq!(Embeddings::read_npy(&p).unwrap(), e);
    }
}

/// Streams embedding rows to a `.npy` file whose row count is unknown up
/// front: the header is written with room to spare and rewritten with the
/// final shape on [`NpyStreamWriter::finish`]; the file is created atomically.
pub struct NpyStreamWriter {
    file: crate::io::atomic::AtomicFile,
    dim: usize,
    rows: u64,
}

/// Fixed header size for streamed files (room for any realistic shape).
const STREAM_HEADER: usize = 128;

fn npy_header(rows: u64, dim: usize, total: usize) -> Vec<u8> {
    let mut header =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    header.push_str(&" ".repeat(total - 10 - header.len() - 1));
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes
}

impl NpyStreamWriter {
    /// Start a file of `dim`-wide rows.
    pub fn create(path: &Path, dim: usize) -> Result<Self> {
        let mut file = crate::io::atomic::AtomicFile::create(path)?;
        file.write_all(&npy_header(0, dim, STREAM_HEADER))
            .map_err(|e| Error::io(path, e))?;
        Ok(NpyStreamWriter { file, dim, rows: 0 })
    }

    /// Append rows (row-major, a multiple of `dim` values).
    pub fn write(&mut self, e: &Embeddings) -> Result<()> {
        if e.dim != self.dim {
            return Err(EmbeddingsError::Width {
                found: e.dim,
                expected: self.dim,
            }
            .into());
        }
        // Little-endian bytes in pieces of 64k values (256 KiB): memory
        // stays bounded whatever the number of rows.
        let path = self.file.path().to_path_buf();
        let mut buf = Vec::with_capacity(e.data.len().min(1 << 16) * 4);
        for piece in e.data.chunks(1 << 16) {
            buf.clear();
            for v in piece {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            self.file
                .write_all(&buf)
                .map_err(|err| Error::io(&path, err))?;
        }
        self.rows += e.rows() as u64;
        Ok(())
    }

    /// Fix the header's shape and move the file into place.
    pub fn finish(mut self) -> Result<u64> {
        use std::io::{Seek, SeekFrom};
        let path = self.file.path().to_path_buf();
        let header = npy_header(self.rows, self.dim, STREAM_HEADER);
        let rows = self.rows;
        self.file.flush().map_err(|e| Error::io(&path, e))?;
        let mut f = self.file;
        f.seek_start(|file| {
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&header)
        })
        .map_err(|e| Error::io(&path, e))?;
        f.commit()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn streamed_npy_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.npy");
        let mut w = NpyStreamWriter::create(&p, 2).unwrap();
        w.write(&Embeddings {
            dim: 2,
            data: vec![1.0, 2.0],
        })
        .unwrap();
        w.write(&Embeddings {
            dim: 2,
            data: vec![3.0, 4.0, 5.0, 6.0],
        })
        .unwrap();
        assert_eq!(w.finish().unwrap(), 3);
        let e = Embeddings::read_npy(&p).unwrap();
        assert_eq!(e.rows(), 3);
        assert_eq!(e.row(2), &[5.0, 6.0]);
    }
}
