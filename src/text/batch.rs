//! Tokenizing and grouping texts into length-bucketed, token-budget batches.
//!
//! Transformer cost grows with `rows × padded length`. Sorting texts by token
//! count and cutting batches at a token budget (as text-embeddings-inference
//! does) keeps padding near zero: a 12-token tweet never pads to the length of
//! a 256-token e-mail. Results are mapped back to input order by the caller.

use crate::error::{Error, ModelError, Result};
use rayon::prelude::*;
use tokenizers::Tokenizer;

/// Token ids of one text (already truncated to the model's limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// Index of the text in the caller's list.
    pub index: usize,
    /// Token ids, including `[CLS]` and `[SEP]`.
    pub ids: Vec<u32>,
}

/// Load a `tokenizer.json`, with truncation to `max_len` (keeping the head)
/// and no padding (batches pad themselves).
pub fn load_tokenizer(bytes: &[u8], max_len: usize, origin: &str) -> Result<Tokenizer> {
    let mut tok = Tokenizer::from_bytes(bytes)
        .map_err(|e| Error::model(origin, format!("tokenizer.json: {e}")))?;
    tok.with_padding(None);
    tok.with_truncation(Some(tokenizers::TruncationParams {
        max_length: max_len,
        ..Default::default()
    }))
    .map_err(|e| Error::model(origin, format!("tokenizer.json: {e}")))?;
    Ok(tok)
}

/// Tokenize texts in parallel (rayon), keeping their indices.
pub fn encode_all(tok: &Tokenizer, texts: &[&str]) -> Result<Vec<Encoded>> {
    texts
        .par_iter()
        .enumerate()
        .map(|(index, t)| {
            tok.encode(*t, true)
                .map(|e| Encoded {
                    index,
                    ids: e.get_ids().to_vec(),
                })
                .map_err(|e| {
                    Error::from(ModelError::Tokenizer {
                        index,
                        message: e.to_string(),
                    })
                })
        })
        .collect()
}

/// Cut length-sorted encodings into batches of at most `max_tokens` padded
/// tokens (and at most `max_rows` rows). Each batch keeps its encodings'
/// indices so outputs can be put back in order.
pub fn plan_batches(
    mut encoded: Vec<Encoded>,
    max_tokens: usize,
    max_rows: usize,
) -> Vec<Vec<Encoded>> {
    // Sort by length, then by content (not by position): with dynamic int8
    // quantisation a text's scores depend slightly on its batch-mates, so
    // batches must be made of the same texts whatever the input order.
    encoded.sort_by(|a, b| {
        a.ids
            .len()
            .cmp(&b.ids.len())
            .then_with(|| a.ids.cmp(&b.ids))
            .then(a.index.cmp(&b.index))
    });
    let mut batches = Vec::new();
    let mut cur: Vec<Encoded> = Vec::new();
    for e in encoded {
        let len = e.ids.len().max(1);
        // Sorted ascending, so the new item sets the padded length.
        let would_be = (cur.len() + 1) * len;
        if !cur.is_empty() && (would_be > max_tokens || cur.len() >= max_rows) {
            batches.push(std::mem::take(&mut cur));
        }
        cur.push(e);
    }
    if !cur.is_empty() {
        batches.push(cur);
    }
    batches
}

/// A padded batch of token ids, row-major `[rows, seq_len]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenBatch {
    /// Number of texts.
    pub rows: usize,
    /// Padded sequence length.
    pub seq_len: usize,
    /// Token ids.
    pub input_ids: Vec<i64>,
    /// 1 for real tokens, 0 for padding.
    pub attention_mask: Vec<i64>,
    /// Segment ids (all 0 for single texts).
    pub token_type_ids: Vec<i64>,
}

/// Pad one planned batch into model input arrays.
pub fn to_token_batch(batch: &[Encoded]) -> TokenBatch {
    let rows = batch.len();
    let seq_len = batch.iter().map(|e| e.ids.len()).max().unwrap_or(0).max(1);
    let mut b = TokenBatch {
        rows,
        seq_len,
        input_ids: vec![0; rows * seq_len],
        attention_mask: vec![0; rows * seq_len],
        token_type_ids: vec![0; rows * seq_len],
    };
    for (r, e) in batch.iter().enumerate() {
        for (c, id) in e.ids.iter().enumerate() {
            b.input_ids[r * seq_len + c] = *id as i64;
            b.attention_mask[r * seq_len + c] = 1;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(index: usize, len: usize) -> Encoded {
        Encoded {
            index,
            ids: vec![7; len],
        }
    }

    #[test]
    fn batches_respect_budget_and_keep_every_item() {
        let items: Vec<Encoded> = (0..50).map(|i| enc(i, 1 + (i * 7) % 40)).collect();
        let batches = plan_batches(items, 100, 16);
        let mut seen: Vec<usize> = batches.iter().flatten().map(|e| e.index).collect();
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        for b in &batches {
            let max = b.iter().map(|e| e.ids.len()).max().unwrap();
            assert!(
                b.len() == 1 || b.len() * max <= 100,
                "over budget: {} x {}",
                b.len(),
                max
            );
            assert!(b.len() <= 16);
        }
    }

    #[test]
    fn padding_and_mask() {
        let b = to_token_batch(&[enc(0, 2), enc(1, 3)]);
        assert_eq!((b.rows, b.seq_len), (2, 3));
        assert_eq!(b.attention_mask, vec![1, 1, 0, 1, 1, 1]);
        assert_eq!(b.input_ids, vec![7, 7, 0, 7, 7, 7]);
    }
}
