//! Themes at scale (`ThemeModel` in Python): fitted once on a sample,
//! assigned per partition.
//!
//! Why not cluster every partition: themes found separately in each
//! partition get different ids and labels, so a Spark job could never add
//! them up. A [`ThemeModel`] fitted on a sample (a few tens of thousands of
//! tickets is plenty: clustering is the quadratic part) and broadcast to
//! the workers gives every ticket of every partition the same ids.

use crate::embeddings::Embeddings;
use crate::error::{PipelineError, Result, ThemesError};
use crate::themes::{discover, ThemeModel, ThemeOptions};
use crate::ticket::{EnrichedTicket, Prediction, Sentiment, Ticket};

pub use crate::themes::NearestTheme;

/// Fit themes on a sample: cluster `emb` (rows in the order of `texts`)
/// as `themes` does, describe each theme from `texts` (c-TF-IDF keywords,
/// labels) and save centres and radii in a [`ThemeModel`] for
/// [`nearest_themes`] and the CLI's `--theme-model`.
///
/// `sentiments` (optional, one per text): the model's sentiment label of
/// each text, which helps tell issue themes from conversation. `source`
/// names the sample in the saved file; `model_sha256` is the model whose
/// embeddings these are (empty when unknown).
///
/// Errors: lengths differ, a zero or non-finite row, an unknown sentiment
/// label, no theme found (too few texts).
pub fn fit_theme_model(
    emb: &Embeddings,
    texts: &[String],
    sentiments: Option<&[String]>,
    opts: &ThemeOptions,
    model_sha256: &str,
    source: &str,
) -> Result<ThemeModel> {
    if emb.rows() != texts.len() {
        return Err(ThemesError::Count {
            tickets: texts.len(),
            found: emb.rows(),
            what: "embedding rows",
        }
        .into());
    }
    if let Some(s) = sentiments {
        if s.len() != texts.len() {
            return Err(ThemesError::Count {
                tickets: texts.len(),
                found: s.len(),
                what: "sentiments",
            }
            .into());
        }
    }
    let tickets = (0..texts.len())
        .map(|i| {
            let prediction = match sentiments {
                Some(s) => Some(one_hot(&s[i])?),
                None => None,
            };
            Ok(EnrichedTicket {
                ticket: Ticket {
                    line: i as u64 + 1,
                    id: (i + 1).to_string(),
                    body: Some(texts[i].clone()),
                    ..Default::default()
                },
                prediction,
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let report = discover(&tickets, texts, emb, opts)?;
    ThemeModel::from_report(&report, emb, model_sha256, source)
}

/// A sentiment label as a certain prediction.
fn one_hot(label: &str) -> Result<Prediction> {
    let s = Sentiment::parse(label).ok_or_else(|| PipelineError::Sentiment(label.to_string()))?;
    let p = |c: Sentiment| if c == s { 1.0 } else { 0.0 };
    Ok(Prediction {
        sentiment: s,
        sentiment_confidence: 1.0,
        p_negative: p(Sentiment::Negative),
        p_neutral: p(Sentiment::Neutral),
        p_positive: p(Sentiment::Positive),
        topic: String::new(),
        topic_confidence: 0.0,
        heads: Vec::new(),
    })
}

/// The nearest saved theme of every row of `emb` ([`ThemeModel::nearest`]).
pub fn nearest_themes(model: &ThemeModel, emb: &Embeddings) -> Result<Vec<NearestTheme>> {
    model.nearest(emb)
}
