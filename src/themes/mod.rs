//! Root-cause themes: "what are people complaining about, and what is getting worse?"
//!
//! Tickets are clustered on their (L2-normalised) embeddings with spherical
//! k-means, k chosen by silhouette on a seeded sample (`select.rs`); every
//! clustered ticket joins its nearest theme (no outlier bin) with its cosine
//! distance so weak assignments can be filtered. Themes are described by
//! c-TF-IDF keywords ([`ctfidf()`]), a short label, examples and KPIs, and
//! tracked per period with a growth test (`trends.rs`). See `docs/themes.md`.

mod cluster;
pub(crate) mod ctfidf;
mod eval;
pub(crate) mod kind;
mod kmeans;
mod refine;
mod saved;
pub(crate) mod seeds;
pub(crate) mod select;
mod smooth;
mod stats;
mod stopwords;
pub(crate) mod trends;
mod write;

pub use crate::error::ThemesError;
pub use ctfidf::{ctfidf, Keyword};
pub use eval::{cluster_embeddings, spherical_kmeans};
pub use kind::ThemeKind;
pub use saved::{NearestTheme, SavedTheme, ThemeModel, THEME_MODEL_FORMAT};

/// A finer group within a theme: the next level of the same Ward tree
/// (see [`Theme::sub_themes`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubTheme {
    /// Label from its top keywords (c-TF-IDF among the theme's sub-themes).
    pub label: String,
    /// Top keywords (at most 5).
    pub keywords: Vec<String>,
    /// Tickets in it.
    pub size: usize,
    /// Its share of the theme's tickets.
    pub share: f64,
}

/// Labels kept in [`Theme::taxonomy_mix`].
pub const TAXONOMY_MIX: usize = 3;

/// One label's share of a theme's labelled tickets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelShare {
    /// The taxonomy label.
    pub label: String,
    /// Its share (0–1) of the theme's tickets with a label.
    pub share: f64,
}
pub use seeds::{load_seed_themes, parse_seed_themes, SeedTheme};
pub use select::{KScore, KSelection};
pub use stats::{Example, SentimentMix, TrendPoint};
pub use trends::{TrendRow, Trending};

use crate::embeddings::Embeddings;
use crate::error::Result;
use crate::period::Period;
use crate::ticket::{EnrichedTicket, Sentiment, ThemeRef};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

/// Default Lloyd iterations of the linfa KMeans refinement (bounded cost:
/// at most 5,000 sampled rows × 150 themes per iteration).
pub const REFINE_ITERATIONS: usize = 10;

/// Default rounds of neighbourhood smoothing before clustering: each row
/// is clustered by the mean direction of itself and its 4 nearest
/// neighbours, three times over (see docs/themes.md, "Neighbourhood
/// smoothing").
pub const SMOOTHING_ROUNDS: usize = 3;

/// Options of [`discover`].
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeOptions {
    /// Force the number of clusters (before merging); `None` chooses it.
    pub k: Option<usize>,
    /// Seed of every random choice (samples, k-means++).
    pub seed: u64,
    /// Trend period.
    pub period: Period,
    /// Cluster only tickets predicted negative; the others get no theme.
    pub within_negative: bool,
    /// Themes the team already tracks (names matched onto themes).
    pub seed_themes: Option<Vec<SeedTheme>>,
    /// Range of k searched (inclusive); default scales with the data size.
    pub k_range: Option<(usize, usize)>,
    /// Time zone for period boundaries.
    pub timezone: Tz,
    /// A theme needs at least this many tickets in the recent periods to trend.
    pub min_trend_count: u64,
    /// One-sided p-value below which a growing theme is listed as trending.
    pub trend_alpha: f64,
    /// Lloyd iterations of linfa's KMeans refining the theme centres after
    /// the Ward cut (0: no refinement, tickets keep their micro-cluster's
    /// theme). Refinement moves theme boundaries off micro-cluster edges;
    /// see docs/themes.md for its measured effect.
    pub refine_iterations: usize,
    /// Rounds of neighbourhood smoothing before clustering (0: rows are
    /// clustered as they are). Smoothing decides only which tickets group
    /// together; centres and distances stay in the embedding's own space.
    pub smoothing_rounds: usize,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions {
            k: None,
            seed: 42,
            period: Period::Week,
            within_negative: false,
            seed_themes: None,
            k_range: None,
            timezone: chrono_tz::UTC,
            min_trend_count: 10,
            trend_alpha: 0.01,
            refine_iterations: REFINE_ITERATIONS,
            smoothing_rounds: SMOOTHING_ROUNDS,
        }
    }
}

/// One discovered theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// 0-based id: themes are numbered by size (largest first).
    pub id: usize,
    /// Label shown to people: the matched seed theme's name, else `auto_label`.
    pub label: String,
    /// Label built from the top keywords.
    pub auto_label: String,
    /// Name of the matched seed theme, if any.
    pub seed: Option<String>,
    /// Issue (something wrong or wanted) or conversation (thanks,
    /// acknowledgements, greetings): see [`ThemeKind`].
    pub kind: ThemeKind,
    /// Why: the filler share of its keywords, its texts' median length and
    /// its negative share against the overall one.
    pub kind_evidence: String,
    /// New this run: tickets far from their nearest theme of the saved
    /// theme model (`--theme-model`) that form a tight group of their own
    /// (see [`ThemeModel::assign`]); always `false` for discovered themes.
    pub emerging: bool,
    /// Top 10 c-TF-IDF keywords (conversation filler left out of issue
    /// themes).
    pub keywords: Vec<Keyword>,
    /// Its sub-themes, largest first: the groups of the finer Ward cut
    /// (3 × the themes) within it that hold at least 5 tickets and 5 % of
    /// the theme, described against each other, so a broad theme reads as
    /// its parts (BERTopic's hierarchical topics, one level down). Empty
    /// when the theme does not split (or with a saved theme model).
    pub sub_themes: Vec<SubTheme>,
    /// Tickets in the theme.
    pub size: usize,
    /// Share of the clustered tickets.
    pub share: f64,
    /// Mean cosine distance of members to the centre (lower = tighter).
    pub mean_distance: f64,
    /// The 3 tickets closest to the centre.
    pub examples: Vec<Example>,
    /// Most frequent predicted topic.
    pub top_topic: Option<String>,
    /// Share of the theme's predicted tickets that have `top_topic`.
    pub top_topic_share: Option<f64>,
    /// The team taxonomy's labels in the theme (`--taxonomy`): at most
    /// [`TAXONOMY_MIX`] most frequent, each with its share of the theme's
    /// labelled tickets; empty without a taxonomy.
    pub taxonomy_mix: Vec<LabelShare>,
    /// Sentiment shares.
    pub sentiment: SentimentMix,
    /// Median first response time, minutes.
    pub frt_median_minutes: Option<f64>,
    /// Share of CSAT answers that are 4 or 5.
    pub csat_rate: Option<f64>,
    /// Number of CSAT answers.
    pub csat_responses: usize,
    /// Volume per period.
    pub trend: Vec<TrendPoint>,
}

/// Everything [`discover`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeReport {
    /// Themes, largest first.
    pub themes: Vec<Theme>,
    /// Per input ticket (same order), its theme; `None` when not clustered.
    #[serde(skip)]
    pub assignments: Vec<Option<ThemeRef>>,
    /// Every theme × period row (for `trends.csv`).
    #[serde(skip)]
    pub trends: Vec<TrendRow>,
    /// Trending complaints: issue themes growing now whose negative share
    /// is at least that of all clustered tickets, most significant first.
    pub trending: Vec<Trending>,
    /// Conversation themes growing now (thanks, acknowledgements …),
    /// shown apart from the complaints.
    pub trending_conversation: Vec<Trending>,
    /// How k was chosen.
    pub k_selection: KSelection,
    /// Period used for trends.
    pub period: Period,
    /// Whether only negative tickets were clustered.
    pub within_negative: bool,
    /// Tickets clustered.
    pub clustered: usize,
    /// Seed themes that matched no discovered theme (still worth a look).
    pub unmatched_seeds: Vec<String>,
    /// The saved theme model the tickets were assigned to (`None`:
    /// themes were discovered in this run).
    pub theme_model: Option<SavedModelInfo>,
}

/// Which saved theme model assigned a report's tickets, and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedModelInfo {
    /// Where it was fitted (the input's file name) and when.
    pub source: String,
    /// When it was fitted (UTC, RFC 3339).
    pub created: String,
    /// Its number of themes (ids 0..saved).
    pub saved_themes: usize,
    /// Tickets farther from their nearest saved theme than that theme's
    /// radius: the candidates for emerging themes (some may still lie
    /// within another theme's radius).
    pub far_tickets: usize,
    /// Ids of the emerging themes (from `saved_themes` on).
    pub emerging: Vec<usize>,
}

/// Cluster tickets into themes, describe them and track their trends.
///
/// `texts` and the rows of `emb` must be in the same order as `tickets`.
/// Rows are L2-normalised first (a copy is made only when some row is not
/// already unit length, e.g. a user's own `.npy`), because themes compare
/// directions, not lengths; a zero or non-finite row is an error.
/// With `within_negative`, only tickets predicted negative are clustered
/// (others get `None`); when no ticket qualifies the report is empty.
pub fn discover(
    tickets: &[EnrichedTicket],
    texts: &[String],
    emb: &Embeddings,
    opts: &ThemeOptions,
) -> Result<ThemeReport> {
    let p = prepare(tickets, texts, emb, opts)?;
    let keys = p.keys(tickets);
    if p.selected.is_empty() {
        return Ok(empty_report(tickets.len(), opts));
    }
    let c = cluster::cluster(&p.unit, emb.dim, &p.selected, &keys, opts);
    stats::build(tickets, texts, &p.selected, &keys, &c, opts, None)
}

/// What clustering and assignment both start from: unit rows, the
/// tickets to theme and their content keys.
pub(crate) struct Prepared<'a> {
    /// L2-normalised embedding rows (borrowed when already unit length).
    pub unit: std::borrow::Cow<'a, [f32]>,
    /// Indices of the tickets to theme (all, or the negative ones).
    pub selected: Vec<usize>,
    /// (text hash, row hash) per selected ticket.
    hashes: Vec<(u64, u64)>,
}

impl Prepared<'_> {
    /// Content key per selected ticket: (id, text hash, row hash), the
    /// canonical order that makes results independent of row order.
    pub fn keys<'t>(&self, tickets: &'t [EnrichedTicket]) -> Vec<(&'t str, u64, u64)> {
        self.selected
            .iter()
            .zip(&self.hashes)
            .map(|(&i, h)| (tickets[i].ticket.id.as_str(), h.0, h.1))
            .collect()
    }
}

/// Check the inputs agree, normalise the rows, select the tickets.
pub(crate) fn prepare<'a>(
    tickets: &[EnrichedTicket],
    texts: &[String],
    emb: &'a Embeddings,
    opts: &ThemeOptions,
) -> Result<Prepared<'a>> {
    let n = tickets.len();
    if texts.len() != n {
        return Err(ThemesError::Count {
            tickets: n,
            found: texts.len(),
            what: "texts",
        }
        .into());
    }
    if n > 0 && emb.dim == 0 {
        return Err(ThemesError::ZeroWidth.into());
    }
    if !emb.data.len().is_multiple_of(emb.dim.max(1)) {
        return Err(ThemesError::Ragged {
            values: emb.data.len(),
            dim: emb.dim,
        }
        .into());
    }
    if emb.rows() != n {
        return Err(ThemesError::Embeddings {
            tickets: n,
            rows: emb.rows(),
            dim: emb.dim,
        }
        .into());
    }
    let unit = cluster::unit_rows(&emb.data, emb.dim).map_err(|e| match e {
        ThemesError::BadRow { row, what, .. } => ThemesError::BadRow {
            row,
            ticket: Some(tickets[row].ticket.id.clone()),
            what,
        },
        other => other,
    })?;
    let selected: Vec<usize> = (0..n)
        .filter(|&i| {
            !opts.within_negative
                || tickets[i]
                    .prediction
                    .as_ref()
                    .is_some_and(|p| p.sentiment == Sentiment::Negative)
        })
        .collect();
    let hashes: Vec<(u64, u64)> = selected
        .par_iter()
        .map(|&i| {
            (
                cluster::fnv64(texts[i].as_bytes()),
                cluster::row_hash(&unit[i * emb.dim..(i + 1) * emb.dim]),
            )
        })
        .collect();
    Ok(Prepared {
        unit,
        selected,
        hashes,
    })
}

/// The report of an input with no ticket to theme.
fn empty_report(n: usize, opts: &ThemeOptions) -> ThemeReport {
    ThemeReport {
        themes: Vec::new(),
        assignments: vec![None; n],
        trends: Vec::new(),
        trending: Vec::new(),
        trending_conversation: Vec::new(),
        k_selection: KSelection {
            method: "trivial".into(),
            range: (0, 0),
            candidates: Vec::new(),
            sample_size: 0,
            chosen: 0,
            micro_clusters: 0,
            refined: false,
        },
        period: opts.period,
        within_negative: opts.within_negative,
        clustered: 0,
        unmatched_seeds: opts
            .seed_themes
            .iter()
            .flatten()
            .map(|s| s.name.clone())
            .collect(),
        theme_model: None,
    }
}

#[cfg(test)]
mod tests;
