//! A bounded cache of model outputs keyed by text, shared across chunks.
//!
//! Ticket exports repeat texts a lot (auto-replies, templated forms, "thanks"),
//! and duplicates are spread over the whole file, not just one pipeline chunk.
//! [`Classifier::run_cached`](super::Classifier::run_cached) looks every
//! distinct text of a chunk up here first and infers only the misses.
//!
//! A hit returns the very values an earlier inference produced (bit for
//! bit), so every copy of a text gets the same answer. The cache is filled
//! and read only on the thread that runs inference, chunk after chunk, and
//! evicts oldest-first: its contents depend only on the input, never on
//! timing, so a run's output is reproducible.

use crate::ticket::Prediction;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};

/// Default number of cached texts: with a 384-dim model about 1.7 KB each,
/// so ~28 MB at most, whatever the input size.
pub const DEFAULT_CACHE_ENTRIES: usize = 16_384;

/// Key of a cleaned text: the first 128 bits of its SHA-256. Storing the
/// hash, not the text, keeps memory per entry small and independent of text
/// length; at 128 bits an accidental collision is not a practical concern.
pub type TextKey = u128;

/// The cache key of a (cleaned) text.
pub fn text_key(text: &str) -> TextKey {
    let d = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_le_bytes(b)
}

/// One text's model output.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedOutput {
    /// Sentiment and topic.
    pub prediction: Prediction,
    /// The embedding row.
    pub embedding: Vec<f32>,
}

/// Text → model output, holding at most `capacity` entries (oldest evicted first).
#[derive(Debug, Default)]
pub struct PredictionCache {
    capacity: usize,
    map: HashMap<TextKey, CachedOutput>,
    order: VecDeque<TextKey>,
}

impl PredictionCache {
    /// An empty cache for at most `capacity` texts (0 disables caching).
    pub fn new(capacity: usize) -> Self {
        PredictionCache {
            capacity,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// False for a zero-capacity cache (callers can skip building entries).
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// The stored output for `key`, if any.
    pub fn get(&self, key: TextKey) -> Option<&CachedOutput> {
        self.map.get(&key)
    }

    /// Store an output (no-op when present or when the capacity is 0).
    pub fn insert(&mut self, key: TextKey, out: CachedOutput) {
        if self.capacity == 0 || self.map.contains_key(&key) {
            return;
        }
        while self.map.len() >= self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        self.map.insert(key, out);
        self.order.push_back(key);
    }

    /// Number of cached texts.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(v: f32) -> CachedOutput {
        CachedOutput {
            prediction: Prediction {
                sentiment: crate::ticket::Sentiment::Neutral,
                sentiment_confidence: v,
                p_negative: 0.0,
                p_neutral: 1.0,
                p_positive: 0.0,
                topic: "T".into(),
                topic_confidence: v,
                heads: Vec::new(),
            },
            embedding: vec![v],
        }
    }

    #[test]
    fn bounded_and_evicts_oldest_first() {
        let mut c = PredictionCache::new(2);
        c.insert(text_key("a"), out(1.0));
        c.insert(text_key("b"), out(2.0));
        c.insert(text_key("a"), out(9.0)); // already there: kept as is
        assert_eq!(c.get(text_key("a")).unwrap().embedding, vec![1.0]);
        c.insert(text_key("c"), out(3.0));
        assert_eq!(c.len(), 2);
        assert!(c.get(text_key("a")).is_none(), "oldest evicted");
        assert!(c.get(text_key("b")).is_some() && c.get(text_key("c")).is_some());
        let mut off = PredictionCache::new(0);
        off.insert(text_key("a"), out(1.0));
        assert!(off.is_empty());
    }

    #[test]
    fn keys_differ_by_text() {
        assert_ne!(text_key("thanks"), text_key("thanks!"));
        assert_eq!(text_key("thanks"), text_key("thanks"));
    }
}
