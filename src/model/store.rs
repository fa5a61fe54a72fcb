//! The persistent inference cache: model outputs kept on disk between runs.
//!
//! Inference is the slow part of every command (about 400 short tickets a
//! second on a laptop). A support team re-runs the same export with other
//! options, runs `churn train` then `churn score` on the same tickets, or
//! re-analyses a grown export every week; each time every text used to be
//! inferred again. This store keeps each cleaned text's outputs (sentiment,
//! topic, embedding) keyed by the text's SHA-256, in one
//! [redb](https://docs.rs/redb) file **per model** (named by the model's
//! sha256 and embedding width), so a different model can never be served
//! another's outputs.
//!
//! * **Bounded:** at most `max_entries` texts; the oldest written go first.
//! * **Safe under concurrent runs:** redb allows one process per file, so
//!   the file is opened only for the length of one lookup or one write and a
//!   busy file is retried for a while; if it stays busy (or cannot be
//!   opened at all) the run goes on without it. The cache is an
//!   accelerator: it never changes a result and never fails a run.
//! * **Corruption is detected:** every value carries a checksum of its
//!   bytes; a value that does not verify (or does not decode) is a miss,
//!   recomputed and written again. A file redb cannot open is replaced.
//! * A hit returns the bytes an earlier inference produced, so results are
//!   bit-identical to a run without the cache.

// redb's error type is large; it only ever travels one closure up here
// (redb's own examples allow the lint the same way).
#![allow(clippy::result_large_err)]

use super::cache::{CachedOutput, TextKey};
use crate::ticket::{HeadLabel, Prediction, Sentiment};
use redb::{Database, DatabaseError, ReadableTable, ReadableTableMetadata, TableDefinition};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Text key → encoded output.
const ENTRIES: TableDefinition<u128, &[u8]> = TableDefinition::new("entries");
/// Write sequence → text key (oldest first, for eviction).
const ORDER: TableDefinition<u64, u128> = TableDefinition::new("order");
/// Text key → its latest write sequence, so eviction can tell a key's
/// current write from a stale earlier one in O(log n).
const LATEST: TableDefinition<u128, u64> = TableDefinition::new("latest");

/// Default bound: 200,000 texts (about 330 MB at 384 dimensions).
pub const DEFAULT_MAX_ENTRIES: u64 = 200_000;

/// Format version of an encoded value (first byte).
const VERSION: u8 = 2;

/// How long a busy file is retried before the run goes on without it.
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// What the store did in this run (for `run.json` and the summary line).
#[derive(Debug, Default)]
struct Stats {
    hits: AtomicU64,
    written: AtomicU64,
    corrupt: AtomicU64,
    unavailable: AtomicU64,
}

/// A persistent cache of one model's outputs (see the module docs).
#[derive(Debug, Clone)]
pub struct InferenceStore {
    path: PathBuf,
    dim: usize,
    max_entries: u64,
    stats: Arc<Stats>,
}

/// Counts of one run's use of the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Texts served from the store.
    pub hits: u64,
    /// Texts written to it.
    pub written: u64,
    /// Entries that failed their checksum (recomputed).
    pub corrupt: u64,
    /// Lookups or writes skipped because the file was busy or unusable.
    pub unavailable: u64,
}

/// The default cache directory: `$TICKETLENS_CACHE_DIR`, else the user's
/// cache directory (`~/.cache/ticketlens/inference` on Linux,
/// `~/Library/Caches/ticketlens/inference` on macOS); `None` when there is
/// no home directory.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TICKETLENS_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("ticketlens").join("inference"))
}

impl InferenceStore {
    /// The store for the model with `model_sha256` and embedding width
    /// `dim` in directory `dir` (created if missing). Nothing is opened
    /// yet; an unusable directory shows as misses, never as an error.
    pub fn new(dir: &Path, model_sha256: &str, dim: usize, max_entries: u64) -> InferenceStore {
        let tag: String = model_sha256.chars().take(16).collect();
        InferenceStore {
            path: dir.join(format!("{tag}-d{dim}.redb")),
            dim,
            max_entries: max_entries.max(1),
            stats: Arc::default(),
        }
    }

    /// The file this store uses.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This run's counts so far.
    pub fn stats(&self) -> StoreStats {
        let s = &self.stats;
        StoreStats {
            hits: s.hits.load(Ordering::Relaxed),
            written: s.written.load(Ordering::Relaxed),
            corrupt: s.corrupt.load(Ordering::Relaxed),
            unavailable: s.unavailable.load(Ordering::Relaxed),
        }
    }

    /// Open the file, retrying while another run holds it; replace a file
    /// redb cannot read. `None` when it stays unusable.
    fn open(&self) -> Option<Database> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).ok()?;
        }
        let start = std::time::Instant::now();
        let mut replaced = false;
        loop {
            match Database::create(&self.path) {
                Ok(db) => return Some(db),
                Err(DatabaseError::DatabaseAlreadyOpen) if start.elapsed() < BUSY_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(DatabaseError::DatabaseAlreadyOpen) => break,
                // Not a readable redb file (truncated, overwritten …): the
                // cache is disposable, so start a new one, once.
                Err(_) if !replaced => {
                    replaced = true;
                    let _ = std::fs::remove_file(&self.path);
                }
                Err(_) => break,
            }
        }
        self.stats.unavailable.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Look `keys` up; `None` for a miss (absent, corrupt, or the store is
    /// unavailable).
    pub fn get_many(&self, keys: &[TextKey]) -> Vec<Option<CachedOutput>> {
        let mut out = vec![None; keys.len()];
        if keys.is_empty() {
            return out;
        }
        let Some(db) = self.open() else {
            return out;
        };
        let mut read = || -> Result<(), redb::Error> {
            let txn = db.begin_read()?;
            let table = match txn.open_table(ENTRIES) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            for (slot, key) in out.iter_mut().zip(keys) {
                if let Some(v) = table.get(*key)? {
                    match decode(v.value(), self.dim) {
                        Some(c) => {
                            *slot = Some(c);
                            self.stats.hits.fetch_add(1, Ordering::Relaxed);
                        }
                        None => {
                            self.stats.corrupt.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
            Ok(())
        };
        if read().is_err() {
            self.stats.unavailable.fetch_add(1, Ordering::Relaxed);
            out.iter_mut().for_each(|s| *s = None);
        }
        out
    }

    /// Store outputs (replacing what is there under the same key, e.g. a
    /// corrupt entry), then evict the oldest beyond `max_entries`.
    pub fn put_many(&self, items: &[(TextKey, &CachedOutput)]) {
        if items.is_empty() {
            return;
        }
        let Some(db) = self.open() else {
            return;
        };
        let write = || -> Result<u64, redb::Error> {
            let txn = db.begin_write()?;
            let mut n = 0u64;
            {
                let mut entries = txn.open_table(ENTRIES)?;
                let mut order = txn.open_table(ORDER)?;
                let mut latest = txn.open_table(LATEST)?;
                let next = order.last()?.map_or(0, |(k, _)| k.value() + 1);
                for (seq, (key, c)) in (next..).zip(items) {
                    let bytes = encode(c);
                    entries.insert(*key, bytes.as_slice())?;
                    order.insert(seq, *key)?;
                    latest.insert(*key, seq)?;
                    n += 1;
                }
                // Evict oldest-written first. A key written again has a
                // newer sequence; its stale older one is skipped.
                let mut excess = entries.len()?.saturating_sub(self.max_entries);
                while excess > 0 {
                    let popped = order.pop_first()?.map(|(s, k)| (s.value(), k.value()));
                    let Some((s, k)) = popped else {
                        break;
                    };
                    let current = latest.get(k)?.map(|v| v.value()) == Some(s);
                    if current {
                        latest.remove(k)?;
                        if entries.remove(k)?.is_some() {
                            excess -= 1;
                        }
                    }
                }
            }
            txn.commit()?;
            Ok(n)
        };
        match write() {
            Ok(n) => {
                self.stats.written.fetch_add(n, Ordering::Relaxed);
            }
            Err(_) => {
                self.stats.unavailable.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Overwrite one entry with raw bytes (tests: simulate a corrupted
    /// value).
    #[doc(hidden)]
    pub fn put_raw(&self, key: TextKey, bytes: &[u8]) -> bool {
        let Some(db) = self.open() else {
            return false;
        };
        let w = || -> Result<(), redb::Error> {
            let txn = db.begin_write()?;
            txn.open_table(ENTRIES)?.insert(key, bytes)?;
            txn.commit()?;
            Ok(())
        };
        w().is_ok()
    }
}

fn checksum(bytes: &[u8]) -> [u8; 8] {
    let d = Sha256::digest(bytes);
    let mut c = [0u8; 8];
    c.copy_from_slice(&d[..8]);
    c
}

/// `[version][sentiment][5 × f32: confidence, p_neg, p_neu, p_pos, topic
/// confidence][u16 topic length][topic][u32 dim][dim × f32][u8 extra
/// heads][per head: u16 label length, label, f32 confidence][8-byte
/// checksum of everything before]`, little-endian.
fn encode(c: &CachedOutput) -> Vec<u8> {
    let p = &c.prediction;
    let topic = p.topic.as_bytes();
    let topic = &topic[..topic.len().min(u16::MAX as usize)];
    let mut b = Vec::with_capacity(32 + topic.len() + 4 * c.embedding.len());
    b.push(VERSION);
    b.push(match p.sentiment {
        Sentiment::Negative => 0,
        Sentiment::Neutral => 1,
        Sentiment::Positive => 2,
    });
    for x in [
        p.sentiment_confidence,
        p.p_negative,
        p.p_neutral,
        p.p_positive,
        p.topic_confidence,
    ] {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(&(topic.len() as u16).to_le_bytes());
    b.extend_from_slice(topic);
    b.extend_from_slice(&(c.embedding.len() as u32).to_le_bytes());
    for x in &c.embedding {
        b.extend_from_slice(&x.to_le_bytes());
    }
    let heads = &p.heads[..p.heads.len().min(u8::MAX as usize)];
    b.push(heads.len() as u8);
    for h in heads {
        let label = h.label.as_bytes();
        let label = &label[..label.len().min(u16::MAX as usize)];
        b.extend_from_slice(&(label.len() as u16).to_le_bytes());
        b.extend_from_slice(label);
        b.extend_from_slice(&h.confidence.to_le_bytes());
    }
    let sum = checksum(&b);
    b.extend_from_slice(&sum);
    b
}

/// The inverse of [`encode`]; `None` when the bytes do not verify or do
/// not hold a `dim`-wide embedding.
fn decode(b: &[u8], dim: usize) -> Option<CachedOutput> {
    let (body, sum) = b.split_at_checked(b.len().checked_sub(8)?)?;
    if checksum(body) != sum || body.first() != Some(&VERSION) {
        return None;
    }
    let mut at = 1usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let s = body.get(at..at + n)?;
        at += n;
        Some(s)
    };
    let sentiment = match take(1)?[0] {
        0 => Sentiment::Negative,
        1 => Sentiment::Neutral,
        2 => Sentiment::Positive,
        _ => return None,
    };
    let mut f = || -> Option<f32> { Some(f32::from_le_bytes(take(4)?.try_into().ok()?)) };
    let (conf, pn, pu, pp, tc) = (f()?, f()?, f()?, f()?, f()?);
    let tlen = u16::from_le_bytes(take(2)?.try_into().ok()?) as usize;
    let topic = String::from_utf8(take(tlen)?.to_vec()).ok()?;
    let n = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if n != dim {
        return None;
    }
    let raw = take(4 * n)?;
    let embedding = raw
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let n_heads = take(1)?[0] as usize;
    let mut heads = Vec::with_capacity(n_heads);
    for _ in 0..n_heads {
        let len = u16::from_le_bytes(take(2)?.try_into().ok()?) as usize;
        let label = String::from_utf8(take(len)?.to_vec()).ok()?;
        let confidence = f32::from_le_bytes(take(4)?.try_into().ok()?);
        // The name is the model's (the classifier sets it): not stored.
        heads.push(HeadLabel {
            name: Default::default(),
            label,
            confidence,
        });
    }
    if take(1).is_some() {
        return None;
    }
    Some(CachedOutput {
        prediction: Prediction {
            sentiment,
            sentiment_confidence: conf,
            p_negative: pn,
            p_neutral: pu,
            p_positive: pp,
            topic,
            topic_confidence: tc,
            heads,
        },
        embedding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::cache::text_key;

    fn output(i: usize) -> CachedOutput {
        CachedOutput {
            prediction: Prediction {
                sentiment: Sentiment::Neutral,
                sentiment_confidence: 0.7,
                p_negative: 0.1,
                p_neutral: 0.7,
                p_positive: 0.2,
                topic: format!("topic {i}"),
                topic_confidence: 0.5,
                // Odd texts carry an extra head's label (round-tripped too).
                heads: (i % 2 == 1)
                    .then(|| HeadLabel {
                        name: Default::default(),
                        label: format!("urgent {i}"),
                        confidence: 0.25,
                    })
                    .into_iter()
                    .collect(),
            },
            embedding: (0..4).map(|j| (i * 10 + j) as f32 / 7.0).collect(),
        }
    }

    #[test]
    fn round_trips_bit_for_bit_and_bounds_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let s = InferenceStore::new(dir.path(), "abcdef0123456789ff", 4, 3);
        let keys: Vec<TextKey> = (0..5).map(|i| text_key(&format!("text {i}"))).collect();
        let outs: Vec<CachedOutput> = (0..5).map(output).collect();
        s.put_many(&[(keys[0], &outs[0]), (keys[1], &outs[1])]);
        assert_eq!(
            s.get_many(&keys[..2]),
            [Some(outs[0].clone()), Some(outs[1].clone())]
        );
        // Rewrite 0 (now the newest), then add 2, 3, 4: with room for 3,
        // the oldest written (1, then the rewritten 0) go.
        s.put_many(&[(keys[0], &outs[0])]);
        s.put_many(&[
            (keys[2], &outs[2]),
            (keys[3], &outs[3]),
            (keys[4], &outs[4]),
        ]);
        let got = s.get_many(&keys);
        assert_eq!(got.iter().filter(|g| g.is_some()).count(), 3, "{got:?}");
        assert!(got[1].is_none() && got[0].is_none());
        assert_eq!(got[4], Some(outs[4].clone()));
        // Another model (or width) never sees these outputs.
        let other = InferenceStore::new(dir.path(), "0000000000000000", 4, 3);
        assert!(other.get_many(&keys).iter().all(Option::is_none));
        let wide = InferenceStore::new(dir.path(), "abcdef0123456789ff", 8, 3);
        assert!(wide.get_many(&keys).iter().all(Option::is_none));
    }

    #[test]
    fn a_corrupted_entry_is_a_miss_and_a_broken_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let s = InferenceStore::new(dir.path(), "feed", 4, 10);
        let k = text_key("hello");
        s.put_many(&[(k, &output(1))]);
        let mut bytes = encode(&output(1));
        bytes[10] ^= 0x40; // one flipped bit in p_negative
        assert!(s.put_raw(k, &bytes));
        assert_eq!(s.get_many(&[k]), [None]);
        assert_eq!(s.stats().corrupt, 1);
        // Recomputed and written again: a hit.
        s.put_many(&[(k, &output(1))]);
        assert_eq!(s.get_many(&[k]), [Some(output(1))]);
        // A file that is not a redb database is replaced, not an error.
        std::fs::write(s.path(), b"not a database").unwrap();
        assert_eq!(s.get_many(&[k]), [None]);
        s.put_many(&[(k, &output(2))]);
        assert_eq!(s.get_many(&[k]), [Some(output(2))]);
    }

    #[test]
    fn truncated_or_foreign_values_do_not_decode() {
        let b = encode(&output(3));
        assert_eq!(decode(&b, 4), Some(output(3)));
        assert_eq!(decode(&b, 5), None, "another width");
        for cut in [0, 1, 9, b.len() - 1] {
            assert_eq!(decode(&b[..cut], 4), None, "cut at {cut}");
        }
    }
}
