//! Classifying texts: tokenize, batch by token budget, infer, restore order.
//!
//! Identical texts are inferred once (ticket exports repeat auto-replies and
//! templated forms a lot): within a call by deduplication, and across calls
//! through a [`PredictionCache`] ([`Classifier::run_cached`]). Batches are spread over a small pool of backends
//! so several sessions can run at once when that beats one session with
//! more intra-op threads (it often does for short texts; see the bench).

use super::backend::{Backend, OrtBackend};
use super::cache::{text_key, CachedOutput, PredictionCache, TextKey};
use super::config::ModelConfig;
use super::source::{ModelFiles, ModelSource};
use super::store::InferenceStore;
use crate::embeddings::Embeddings;
use crate::error::{Error, ModelError, Result};
use crate::text::batch::{encode_all, load_tokenizer, plan_batches, to_token_batch};
use crate::ticket::{HeadLabel, Prediction, Sentiment};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// Tuning knobs for inference.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierOptions {
    /// Padded tokens per batch (`--batch-tokens`).
    pub batch_tokens: usize,
    /// Upper bound on rows per batch.
    pub max_batch_rows: usize,
    /// Total CPU threads for inference (`--threads`, 0 = all cores).
    pub threads: usize,
    /// Concurrent sessions; threads are split between them (0 = auto).
    pub sessions: usize,
    /// Directory of the persistent inference cache ([`InferenceStore`]);
    /// `None` infers every text every run (`--no-cache`).
    pub cache_dir: Option<std::path::PathBuf>,
    /// Most texts the persistent cache keeps.
    pub cache_entries: u64,
}

impl Default for ClassifierOptions {
    fn default() -> Self {
        ClassifierOptions {
            batch_tokens: 4096,
            max_batch_rows: 128,
            threads: 0,
            sessions: 0,
            cache_dir: None,
            cache_entries: super::store::DEFAULT_MAX_ENTRIES,
        }
    }
}

impl ClassifierOptions {
    /// Resolve `(sessions, intra-op threads per session)` for this machine.
    pub fn layout(&self) -> (usize, usize) {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let threads = if self.threads == 0 {
            cores
        } else {
            self.threads
        };
        let sessions = if self.sessions == 0 {
            1
        } else {
            self.sessions.min(threads)
        };
        (sessions, (threads / sessions).max(1))
    }
}

/// Model output for a list of texts, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// One prediction per text.
    pub predictions: Vec<Prediction>,
    /// One embedding row per text.
    pub embeddings: Embeddings,
    /// Number of distinct texts that were actually inferred (cache hits excluded).
    pub unique_texts: usize,
    /// Of those, texts served by the persistent inference cache (not
    /// inferred again).
    pub from_cache: usize,
    /// Real (unpadded) tokens of the texts actually inferred.
    pub tokens: usize,
}

/// Texts tokenized and planned into batches, ready for [`Classifier::run`].
#[derive(Debug, Clone)]
pub struct Prepared {
    slot: Vec<usize>,
    unique: usize,
    /// Cache key of each unique text (hashed here, on the preparing thread).
    keys: Vec<TextKey>,
    /// Total real (unpadded) tokens.
    pub tokens: usize,
    batches: Vec<Vec<crate::text::batch::Encoded>>,
}

impl Prepared {
    /// Number of input texts.
    pub fn len(&self) -> usize {
        self.slot.len()
    }

    /// True when there are no texts.
    pub fn is_empty(&self) -> bool {
        self.slot.is_empty()
    }
}

/// A loaded model ready to classify.
pub struct Classifier {
    tokenizer: Tokenizer,
    config: ModelConfig,
    backends: Vec<Mutex<Box<dyn Backend>>>,
    options: ClassifierOptions,
    origin: String,
    sha256: String,
    store: Option<InferenceStore>,
}

impl Classifier {
    /// Load a model (bundled or directory) and open its ONNX Runtime sessions.
    pub fn load(source: &ModelSource, options: ClassifierOptions) -> Result<Self> {
        let files = source.load()?;
        let (sessions, intra) = options.layout();
        let backends = (0..sessions)
            .map(|_| {
                OrtBackend::new(&files, intra).map(|b| Mutex::new(Box::new(b) as Box<dyn Backend>))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::with_backends(&files, backends, options)
    }

    /// Build from already-opened backends (any [`Backend`] implementation).
    pub fn with_backends(
        files: &ModelFiles,
        backends: Vec<Mutex<Box<dyn Backend>>>,
        options: ClassifierOptions,
    ) -> Result<Self> {
        if backends.is_empty() {
            return Err(ModelError::NoBackend.into());
        }
        let tokenizer = load_tokenizer(
            &files.tokenizer,
            files.config.max_sequence_length,
            &files.origin,
        )?;
        // Outputs depend on the graph, the tokenizer, the heads' labels and
        // the token budget: the cache file is keyed by all of them.
        let store = options.cache_dir.as_deref().map(|dir| {
            let mut h = Sha256::new();
            h.update(files.config.model_sha256.as_bytes());
            h.update(&files.tokenizer[..]);
            h.update(serde_json::to_vec(&files.config.heads).unwrap_or_default());
            h.update(files.config.max_sequence_length.to_le_bytes());
            InferenceStore::new(
                dir,
                &hex::encode(h.finalize()),
                files.config.embedding.dim,
                options.cache_entries,
            )
        });
        Ok(Classifier {
            tokenizer,
            config: files.config.clone(),
            backends,
            options,
            origin: files.origin.clone(),
            sha256: files.config.model_sha256.clone(),
            store,
        })
    }

    /// The model's `ticketlens.json`.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// Where the model came from (`<bundled>` or a directory).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// sha256 of `model.onnx`.
    pub fn model_sha256(&self) -> &str {
        &self.sha256
    }

    /// The persistent inference cache, when enabled.
    pub fn store(&self) -> Option<&InferenceStore> {
        self.store.as_ref()
    }

    /// Classify texts (already cleaned). Output is in input order.
    pub fn classify(&self, texts: &[String]) -> Result<Classified> {
        let prepared = self.prepare(texts)?;
        self.run(prepared)
    }

    /// CPU-side preparation (dedupe, tokenize, plan batches). Split from
    /// [`Classifier::run`] so a pipeline can prepare the next chunk while the
    /// current one is being inferred.
    pub fn prepare(&self, texts: &[String]) -> Result<Prepared> {
        // Deduplicate: `slot[i]` is the unique-text index of texts[i].
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(texts.len());
        let mut unique: Vec<&str> = Vec::new();
        let slot: Vec<usize> = texts
            .iter()
            .map(|t| {
                *first.entry(t.as_str()).or_insert_with(|| {
                    unique.push(t.as_str());
                    unique.len() - 1
                })
            })
            .collect();
        let encoded = encode_all(&self.tokenizer, &unique)?;
        let keys = unique.par_iter().map(|t| text_key(t)).collect();
        let tokens = encoded.iter().map(|e| e.ids.len()).sum();
        let batches = plan_batches(
            encoded,
            self.options.batch_tokens,
            self.options.max_batch_rows,
        );
        Ok(Prepared {
            slot,
            unique: unique.len(),
            keys,
            tokens,
            batches,
        })
    }

    /// Run inference on prepared batches and assemble per-text outputs.
    pub fn run(&self, prepared: Prepared) -> Result<Classified> {
        self.run_cached(prepared, &mut PredictionCache::new(0))
    }

    /// Like [`Classifier::run`], but texts found in `cache` are not inferred
    /// again: they get the cached values, bit for bit. The remaining texts
    /// are re-planned into batches by the same content-ordered rule, and
    /// their outputs are added to the cache. A streaming caller passes one
    /// cache for every chunk so duplicates across chunks are inferred once.
    pub fn run_cached(
        &self,
        prepared: Prepared,
        cache: &mut PredictionCache,
    ) -> Result<Classified> {
        self.run_cached_progress(prepared, cache, &|_, _| {})
    }

    /// Like [`Classifier::run_cached`], calling `on_progress(done, total)`
    /// (texts inferred so far, texts to infer) after each batch, from the
    /// inference threads, so a progress bar can move within a chunk.
    pub fn run_cached_progress(
        &self,
        prepared: Prepared,
        cache: &mut PredictionCache,
        on_progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Classified> {
        let Prepared {
            slot,
            unique,
            keys,
            batches,
            ..
        } = prepared;
        let dim = self.config.embedding.dim;
        let mut preds: Vec<Option<Prediction>> = vec![None; unique];
        let mut emb = vec![0f32; unique * dim];
        let mut hits = 0usize;
        if !cache.is_empty() {
            for (u, key) in keys.iter().enumerate() {
                if let Some(c) = cache.get(*key).filter(|c| c.embedding.len() == dim) {
                    preds[u] = Some(c.prediction.clone());
                    emb[u * dim..(u + 1) * dim].copy_from_slice(&c.embedding);
                    hits += 1;
                }
            }
        }
        // Then the persistent cache, for what this run has not seen yet.
        let mut from_store = 0usize;
        if let Some(store) = &self.store {
            let head_names: Vec<std::sync::Arc<str>> = self
                .config
                .extra_heads()
                .map(|h| h.name.as_str().into())
                .collect();
            let missing: Vec<usize> = (0..unique).filter(|&u| preds[u].is_none()).collect();
            let keys_missing: Vec<TextKey> = missing.iter().map(|&u| keys[u]).collect();
            for (&u, found) in missing.iter().zip(store.get_many(&keys_missing)) {
                if let Some(mut c) = found.filter(|c| {
                    c.embedding.len() == dim && c.prediction.heads.len() == head_names.len()
                }) {
                    // The store keeps labels, not names: this model's heads, in order.
                    for (h, name) in c.prediction.heads.iter_mut().zip(&head_names) {
                        h.name = name.clone();
                    }
                    preds[u] = Some(c.prediction.clone());
                    emb[u * dim..(u + 1) * dim].copy_from_slice(&c.embedding);
                    cache.insert(keys[u], c);
                    from_store += 1;
                }
            }
        }
        let hits_before_store = hits;
        hits += from_store;
        let batches = if hits > 0 {
            let rest = batches
                .into_iter()
                .flatten()
                .filter(|e| preds[e.index].is_none())
                .collect();
            plan_batches(rest, self.options.batch_tokens, self.options.max_batch_rows)
        } else {
            batches
        };
        let tokens = batches.iter().flatten().map(|e| e.ids.len()).sum();
        let to_infer: usize = batches.iter().map(Vec::len).sum();
        let inferred = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<(Vec<usize>, super::BatchOutput)> = batches
            .par_iter()
            .enumerate()
            .map(|(i, batch)| {
                let tb = to_token_batch(batch);
                let mut backend = self.backends[i % self.backends.len()].lock().map_err(|_| {
                    Error::from(ModelError::Runtime("an inference thread panicked".into()))
                })?;
                let out = backend.infer(&tb)?;
                drop(backend);
                if out.logits.len() != self.config.heads.len() {
                    return Err(Error::from(ModelError::Runtime(format!(
                        "the backend returned {} logit matrices for the model's {} heads",
                        out.logits.len(),
                        self.config.heads.len()
                    ))));
                }
                let done = inferred.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed)
                    + batch.len();
                on_progress(done, to_infer);
                Ok((batch.iter().map(|e| e.index).collect(), out))
            })
            .collect::<Result<_>>()?;

        let mut fresh: Vec<(TextKey, CachedOutput)> = Vec::new();
        for (indices, out) in results {
            for (r, &u) in indices.iter().enumerate() {
                let p = self.prediction(&out.logits, r);
                let e = &out.embeddings[r * dim..(r + 1) * dim];
                emb[u * dim..(u + 1) * dim].copy_from_slice(e);
                if cache.enabled() || self.store.is_some() {
                    fresh.push((
                        keys[u],
                        CachedOutput {
                            prediction: p.clone(),
                            embedding: e.to_vec(),
                        },
                    ));
                }
                preds[u] = Some(p);
            }
        }
        // New outputs go to the persistent cache, then (moved) to this
        // run's cache.
        if let Some(store) = &self.store {
            let items: Vec<(TextKey, &CachedOutput)> = fresh.iter().map(|(k, c)| (*k, c)).collect();
            store.put_many(&items);
        }
        for (key, c) in fresh {
            cache.insert(key, c);
        }
        let mut embeddings = Embeddings {
            dim,
            data: Vec::with_capacity(slot.len() * dim),
        };
        let mut predictions = Vec::with_capacity(slot.len());
        for &u in &slot {
            let p = preds[u].clone().ok_or_else(|| {
                Error::from(ModelError::Runtime("a text was not inferred".into()))
            })?;
            predictions.push(p);
            embeddings.push(&emb[u * dim..(u + 1) * dim]);
        }
        Ok(Classified {
            predictions,
            embeddings,
            unique_texts: unique - hits_before_store,
            from_cache: from_store,
            tokens,
        })
    }

    /// Row `r`'s prediction from a batch's logits (one matrix per head,
    /// in [`ModelConfig::heads`] order): sentiment and topic in their own
    /// fields, every other head in [`Prediction::heads`].
    fn prediction(&self, logits: &[Vec<f32>], r: usize) -> Prediction {
        let (mut sentiment, mut topic, mut heads) = (None, None, Vec::new());
        for (h, l) in self.config.heads.iter().zip(logits) {
            let n = h.labels.len();
            let p = softmax(&l[r * n..(r + 1) * n]);
            let (i, confidence) = argmax(&p);
            match h.name.as_str() {
                "sentiment" => sentiment = Some((p, i, confidence)),
                "topic" => topic = Some((h.labels[i].clone(), confidence)),
                _ => heads.push(HeadLabel {
                    name: h.name.as_str().into(),
                    label: h.labels[i].clone(),
                    confidence,
                }),
            }
        }
        // Both heads exist: ModelConfig::parse refuses a model without them.
        let (s, si, sc) = sentiment.expect("validated: a sentiment head");
        let (topic, topic_confidence) = topic.expect("validated: a topic head");
        Prediction {
            sentiment: [Sentiment::Negative, Sentiment::Neutral, Sentiment::Positive][si],
            sentiment_confidence: sc,
            p_negative: s[0],
            p_neutral: s[1],
            p_positive: s[2],
            topic,
            topic_confidence,
            heads,
        }
    }
}

/// Numerically stable softmax.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let m = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = logits.iter().map(|x| (x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

fn argmax(p: &[f32]) -> (usize, f32) {
    p.iter()
        .copied()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, v)| {
            if v > best.1 {
                (i, v)
            } else {
                best
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_argmax_picks_first_max() {
        let p = softmax(&[1.0, 3.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(argmax(&p).0, 1);
        let p = softmax(&[1000.0, 0.0]);
        assert!(p[0] > 0.999 && p[1].is_finite());
    }
}
