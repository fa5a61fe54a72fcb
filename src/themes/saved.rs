//! Saved theme models: themes that keep their ids from one run to the next.
//!
//! Discovered themes are renumbered and relabelled whenever the data
//! changes, so "theme 3" last month and this month are not the same thing.
//! A [`ThemeModel`] stores each theme's centre (the normalised mean of its
//! tickets' embeddings), label, keywords and radius; [`ThemeModel::assign`]
//! gives every new ticket its nearest saved theme, so ids and labels mean
//! the same thing month after month (trends over history, churn theme-mix
//! features, assignment per partition at scale).
//!
//! New kinds of tickets have no saved theme. Tickets farther from their
//! nearest centre than that theme's radius (the 95th percentile of its own
//! tickets' distances when it was fitted) are clustered on their own, into
//! at most far tickets / [`ThemeModel::min_emerging`] groups;
//! a group becomes an **emerging theme** when it is large enough (at least
//! [`ThemeModel::min_emerging`] tickets), tight (its tickets' mean distance
//! to its centre no larger than the median saved theme's), and its centre
//! stands apart from the nearest saved centre: farther than that theme's
//! own tickets are on average, and at least twice the group's spread. (Not
//! the radius: a group's centre averages away its tickets' noise, so a
//! clearly separate group's centre can sit inside a broad theme's radius.)
//! Every ticket closer to an emerging centre than to its saved one then
//! joins it. Emerging themes get the ids after the saved ones; refitting
//! the model adopts them.

use serde::{Deserialize, Serialize};

use super::kmeans::{self, dot, normalize, Rows};
use super::stats::Saved;
use super::{
    cluster, prepare, stats, KSelection, SavedModelInfo, ThemeKind, ThemeOptions, ThemeReport,
};
use crate::embeddings::Embeddings;
use crate::error::{Error, Result, ThemesError};
use crate::ticket::EnrichedTicket;

/// The `format` of a saved theme model file.
pub const THEME_MODEL_FORMAT: &str = "ticketlens-themes/1";

/// Share of a theme's own tickets inside its radius.
const RADIUS_QUANTILE: f64 = 0.95;

/// How many times its own spread an emerging group's centre must lie from
/// the nearest saved centre: on real tweets (@SpotifyCares, a 6-theme
/// model) a genuinely new complaint scored 3.3 and every group of
/// leftovers 1.15 or less.
const SEPARATION: f32 = 2.0;

/// One saved theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedTheme {
    /// Its id (position in [`ThemeModel::themes`]).
    pub id: usize,
    /// The label people know it by.
    pub label: String,
    /// Issue or conversation, as fitted.
    pub kind: ThemeKind,
    /// Top keywords when fitted.
    pub keywords: Vec<String>,
    /// Unit-length centre (embedding width).
    pub centre: Vec<f32>,
    /// Cosine distance within which 95 % of its fitted tickets lay.
    pub radius: f32,
    /// Mean cosine distance of its fitted tickets to the centre.
    pub mean_distance: f32,
    /// Tickets it had when fitted.
    pub size: usize,
}

/// A row's nearest saved theme ([`ThemeModel::nearest`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearestTheme {
    /// The theme's id.
    pub id: usize,
    /// Cosine distance to its centre (0 = same direction, up to 2).
    pub distance: f32,
    /// Farther than the theme's radius: a candidate for an emerging theme.
    pub outlier: bool,
}

/// Themes saved for assigning later tickets (`themes fit`, `--theme-model`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeModel {
    /// [`THEME_MODEL_FORMAT`].
    pub format: String,
    /// sha256 of the model whose embeddings the centres are in (empty when
    /// unknown: fitted from an embeddings file).
    pub model_sha256: String,
    /// Embedding width.
    pub embedding_dim: usize,
    /// When it was fitted (UTC, RFC 3339).
    pub created: String,
    /// The input it was fitted on (file name).
    pub source: String,
    /// Tickets it was fitted on.
    pub tickets: usize,
    /// The themes, by id.
    pub themes: Vec<SavedTheme>,
}

impl ThemeModel {
    /// Fewest tickets an emerging theme needs: the trend rule's minimum
    /// (`min_trend_count`, default 10) or 1 % of the themed tickets, the larger.
    pub fn min_emerging(opts: &ThemeOptions, themed: usize) -> usize {
        (opts.min_trend_count as usize).max(themed / 100).max(2)
    }

    /// Save the themes of `report` (from [`super::discover`] on `emb`, in
    /// the tickets' order), for the model `model_sha256`.
    ///
    /// Errors: a report and embeddings of different sizes, no themes.
    pub fn from_report(
        report: &ThemeReport,
        emb: &Embeddings,
        model_sha256: &str,
        source: &str,
    ) -> Result<ThemeModel> {
        if report.assignments.len() != emb.rows() {
            return Err(ThemesError::Count {
                tickets: report.assignments.len(),
                found: emb.rows(),
                what: "embedding rows",
            }
            .into());
        }
        if report.themes.is_empty() {
            return Err(ThemesError::NothingToSave.into());
        }
        let dim = emb.dim;
        let k = report.themes.len();
        // The rows as `discover` clustered them (borrowed when already unit).
        let unit = cluster::unit_rows(&emb.data, dim)?;
        let row = |i: usize| &unit[i * dim..(i + 1) * dim];
        let mut sums = vec![vec![0f32; dim]; k];
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, a) in report.assignments.iter().enumerate() {
            let Some(a) = a else { continue };
            sums[a.id].iter_mut().zip(row(i)).for_each(|(s, v)| *s += v);
            members[a.id].push(i);
        }
        let themes = report
            .themes
            .iter()
            .zip(sums)
            .zip(&members)
            .map(|((t, mut centre), m)| {
                normalize(&mut centre);
                let mut d: Vec<f64> = m
                    .iter()
                    .map(|&i| f64::from(1.0 - dot(&centre, row(i))))
                    .collect();
                let mean = d.iter().sum::<f64>() / d.len().max(1) as f64;
                let radius = crate::stats::quantile_mut(&mut d, RADIUS_QUANTILE).unwrap_or(0.0);
                SavedTheme {
                    id: t.id,
                    label: t.label.clone(),
                    kind: t.kind,
                    keywords: t.keywords.iter().map(|k| k.term.clone()).collect(),
                    centre,
                    radius: radius as f32,
                    mean_distance: mean as f32,
                    size: m.len(),
                }
            })
            .collect();
        Ok(ThemeModel {
            format: THEME_MODEL_FORMAT.into(),
            model_sha256: model_sha256.into(),
            embedding_dim: dim,
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: source.into(),
            tickets: members.iter().map(Vec::len).sum(),
            themes,
        })
    }

    /// Read a saved model; a damaged file or another format is a one-line
    /// error naming the file.
    pub fn load(path: &std::path::Path) -> Result<ThemeModel> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_json(&bytes, &path.display().to_string())
    }

    /// Read a saved model from its JSON (`label` names it in errors), with
    /// [`ThemeModel::load`]'s checks.
    pub fn from_json(bytes: &[u8], label: &str) -> Result<ThemeModel> {
        let bad = |message: String| ThemesError::ModelFile {
            file: label.to_string(),
            message,
        };
        let m: ThemeModel = serde_json::from_slice(bytes)
            .map_err(|e| bad(format!("not a ticketlens theme model ({e})")))?;
        if m.format != THEME_MODEL_FORMAT {
            return Err(bad(format!(
                "theme model format `{}`, expected `{THEME_MODEL_FORMAT}`",
                m.format
            ))
            .into());
        }
        let wrong = m
            .themes
            .iter()
            .enumerate()
            .find(|(i, t)| t.id != *i || t.centre.len() != m.embedding_dim);
        if let Some((i, _)) = wrong {
            return Err(bad(format!("theme {i} has a wrong id or centre width")).into());
        }
        if m.themes.is_empty() {
            return Err(bad("no themes".into()).into());
        }
        Ok(m)
    }

    /// Write it as JSON (atomically).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            context: path.display().to_string(),
            source: e,
        })?;
        crate::io::atomic::write_atomic(path, &json).map(|_| ())
    }

    /// Refuse embeddings of another model or width: centres from one model
    /// mean nothing in another's space.
    pub fn check_model(&self, model_sha256: Option<&str>, dim: usize) -> Result<()> {
        if dim != self.embedding_dim {
            return Err(ThemesError::ModelWidth {
                model: self.embedding_dim,
                embeddings: dim,
            }
            .into());
        }
        match model_sha256 {
            Some(s) if !self.model_sha256.is_empty() && s != self.model_sha256 => {
                Err(ThemesError::OtherModel {
                    fitted: crate::io::short_sha(&self.model_sha256).to_string(),
                    current: crate::io::short_sha(s).to_string(),
                }
                .into())
            }
            _ => Ok(()),
        }
    }

    /// The nearest saved theme of each row of `emb` (rows are normalised
    /// first), with its cosine distance and whether it lies beyond that
    /// theme's radius. No emerging themes, no statistics: a pure function
    /// of the row and the model, so partitions of a large table can be
    /// assigned independently (Spark, Ray) and agree with each other.
    /// Collect the [`NearestTheme::outlier`] rows to look for new themes.
    ///
    /// Errors: embeddings of another width, a zero or non-finite row.
    pub fn nearest(&self, emb: &Embeddings) -> Result<Vec<NearestTheme>> {
        self.check_model(None, emb.dim)?;
        let dim = emb.dim;
        let unit = cluster::unit_rows(&emb.data, dim)?;
        let flat = self.flat_centres();
        let centres = Rows { data: &flat, dim };
        use rayon::prelude::*;
        Ok(unit
            .par_chunks(dim.max(1))
            .map(|r| {
                let (id, sim) = kmeans::nearest(r, centres);
                NearestTheme {
                    id,
                    distance: 1.0 - sim,
                    outlier: self.is_far(id, sim),
                }
            })
            .collect())
    }

    /// The saved centres, row after row (`themes × dim`).
    fn flat_centres(&self) -> Vec<f32> {
        self.themes.iter().flat_map(|t| t.centre.clone()).collect()
    }

    /// A ticket at cosine similarity `sim` to theme `id`'s centre lies
    /// beyond that theme's radius.
    fn is_far(&self, id: usize, sim: f32) -> bool {
        1.0 - sim > self.themes[id].radius
    }

    /// Assign every ticket to its nearest saved theme (same ids and labels
    /// as when fitted), find emerging themes among the far tickets, and
    /// describe and trend them as [`super::discover`] does. Keywords, kind,
    /// examples and KPIs are recomputed from these tickets.
    ///
    /// `texts` and the rows of `emb` are in the tickets' order. Errors: as
    /// [`super::discover`], and embeddings of another width.
    pub fn assign(
        &self,
        tickets: &[EnrichedTicket],
        texts: &[String],
        emb: &Embeddings,
        opts: &ThemeOptions,
    ) -> Result<ThemeReport> {
        self.check_model(None, emb.dim)?;
        let p = prepare(tickets, texts, emb, opts)?;
        let keys = p.keys(tickets);
        let dim = emb.dim;
        let k = self.themes.len();
        use rayon::prelude::*;
        let row = |i: usize| &p.unit[i * dim..(i + 1) * dim];
        let flat = self.flat_centres();
        let centres = Rows { data: &flat, dim };
        let nearest = |r: &[f32]| kmeans::nearest(r, centres);
        let (mut labels, mut sims): (Vec<usize>, Vec<f32>) =
            p.selected.par_iter().map(|&i| nearest(row(i))).unzip();
        let far: Vec<usize> = (0..p.selected.len())
            .filter(|&j| self.is_far(labels[j], sims[j]))
            .collect();

        // Emerging themes: tight groups among the far tickets whose centre
        // is outside every saved theme.
        let min_size = Self::min_emerging(opts, p.selected.len());
        let mut typical: Vec<f64> = self
            .themes
            .iter()
            .map(|t| f64::from(t.mean_distance))
            .collect();
        let tight = crate::stats::median(&mut typical).unwrap_or(1.0) as f32;
        let mut emerging = Vec::new();
        if far.len() >= 2 * min_size {
            let far_sel: Vec<usize> = far.iter().map(|&j| p.selected[j]).collect();
            let far_keys: Vec<(&str, u64, u64)> = far.iter().map(|&j| keys[j]).collect();
            // Far tickets are outliers by definition: smoothing would pull a
            // few scattered ones into the new group and loosen it. At most
            // far / min_size groups, as many as can reach min_size: the
            // silhouette search over the default range (2-13 for 93 far
            // tickets) split 40 near-identical new tickets into groups of
            // under 20, none of which could emerge. The price: with fewer
            // groups, stray far tickets can join a real new group and loosen
            // it, and the tightness test below then decides.
            let sub_opts = ThemeOptions {
                k: None,
                k_range: Some((2, (far.len() / min_size).max(2))),
                seed_themes: None,
                smoothing_rounds: 0,
                ..opts.clone()
            };
            let sub = cluster::cluster(&p.unit, dim, &far_sel, &far_keys, &sub_opts);
            let groups = sub.labels.iter().max().map_or(0, |m| m + 1);
            for g in 0..groups {
                let m: Vec<usize> = (0..far.len()).filter(|&q| sub.labels[q] == g).collect();
                if m.len() < min_size {
                    continue;
                }
                let mut centre = vec![0f32; dim];
                for &q in &m {
                    centre
                        .iter_mut()
                        .zip(row(far_sel[q]))
                        .for_each(|(c, v)| *c += v);
                }
                normalize(&mut centre);
                let spread = m
                    .iter()
                    .map(|&q| 1.0 - dot(&centre, row(far_sel[q])))
                    .sum::<f32>()
                    / m.len() as f32;
                let (near, sim) = nearest(&centre);
                let apart = 1.0 - sim;
                if spread <= tight
                    && apart > self.themes[near].mean_distance
                    && apart >= SEPARATION * spread
                {
                    emerging.push((k + emerging.len(), centre));
                }
            }
        }
        // Every ticket closer to an emerging centre than to its own saved
        // one joins it (the group was found among the far tickets only).
        if !emerging.is_empty() {
            let moved: Vec<(usize, usize, f32)> = (0..p.selected.len())
                .into_par_iter()
                .filter_map(|j| {
                    let r = row(p.selected[j]);
                    let best = emerging
                        .iter()
                        .map(|(id, c)| (*id, dot(c, r)))
                        .fold((0, f32::NEG_INFINITY), |b, x| if x.1 > b.1 { x } else { b });
                    (best.1 > sims[j]).then_some((j, best.0, best.1))
                })
                .collect();
            for (j, id, sim) in moved {
                labels[j] = id;
                sims[j] = sim;
            }
        }
        let emerging: Vec<usize> = emerging.into_iter().map(|(id, _)| id).collect();
        let c = cluster::Clustering {
            sub_labels: vec![0; labels.len()],
            labels,
            sims,
            selection: KSelection {
                method: "saved theme model".into(),
                range: (k, k),
                candidates: Vec::new(),
                sample_size: 0,
                chosen: k + emerging.len(),
                micro_clusters: 0,
                refined: false,
            },
        };
        let names: Vec<Option<String>> = self
            .themes
            .iter()
            .map(|t| Some(t.label.clone()))
            .chain(emerging.iter().map(|_| None))
            .collect();
        let saved = Saved {
            names: &names,
            saved: k,
        };
        let mut report = if p.selected.is_empty() {
            super::empty_report(tickets.len(), opts)
        } else {
            stats::build(tickets, texts, &p.selected, &keys, &c, opts, Some(&saved))?
        };
        report.theme_model = Some(SavedModelInfo {
            source: self.source.clone(),
            created: self.created.clone(),
            saved_themes: k,
            far_tickets: far.len(),
            emerging,
        });
        Ok(report)
    }
}
