//! Describing clustered themes: keywords, labels, examples, mixes, KPIs, trends.

use super::cluster::{fnv64, Clustering};
use super::ctfidf::{self, Keyword};
use super::kind::{self, ThemeKind};
use super::seeds;
use super::trends::{self, Event, TrendSettings};
use super::{SubTheme, Theme, ThemeOptions, ThemeReport};
use crate::error::{Result, ThemesError};
use crate::ticket::{EnrichedTicket, Sentiment, ThemeRef};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Texts per theme fed to c-TF-IDF (a seeded, order-independent subset when
/// larger), which bounds time and memory on million-ticket inputs.
pub const KEYWORD_DOCS: usize = 3000;
/// Characters kept of an example's text.
pub const EXCERPT_CHARS: usize = 200;

/// A ticket close to a theme's centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// Ticket id.
    pub id: String,
    /// Text, at most 200 characters (an ellipsis marks a cut).
    pub text: String,
    /// Cosine distance to the centre.
    pub distance: f32,
}

/// Sentiment shares among a theme's tickets that have a prediction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SentimentMix {
    /// Share predicted negative.
    pub negative: f64,
    /// Share predicted neutral.
    pub neutral: f64,
    /// Share predicted positive.
    pub positive: f64,
    /// Tickets with a prediction (the denominator).
    pub predicted: usize,
}

/// A theme's volume in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Period key.
    pub period: String,
    /// Tickets.
    pub count: u64,
    /// Share predicted negative.
    pub negative_share: Option<f64>,
}

fn excerpt(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= EXCERPT_CHARS {
        return t;
    }
    let mut s: String = t.chars().take(EXCERPT_CHARS - 1).collect();
    s.push('…');
    s
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    crate::stats::median(&mut v)
}

/// Theme names of a saved model ([`super::ThemeModel`]): `names[id]` for
/// every theme id of the clustering, `None` for the emerging themes (named
/// by their keywords), which are the ids from `saved` on.
pub(crate) struct Saved<'a> {
    /// Label per theme id.
    pub names: &'a [Option<String>],
    /// Number of saved themes (ids below are saved, from it on emerging).
    pub saved: usize,
}

/// Fewest tickets a sub-theme needs (besides 5 % of its theme).
const MIN_SUB_TICKETS: usize = 5;
/// Texts per sub-theme read for its keywords (in canonical order).
const SUB_KEYWORD_DOCS: usize = 500;

/// The sub-themes of one theme with members `m` (indices into `selected`,
/// canonical order): its groups of the finer cut large enough to read,
/// largest first, keywords by c-TF-IDF among them (filler dropped in an
/// issue theme). Words of the theme's own label (`parent`'s top three
/// keywords) are left out of the sub-themes' labels, which say what sets
/// each part apart; two sub-themes never share a label. Empty when fewer
/// than two groups are large enough.
fn sub_themes(
    m: &[usize],
    sub_labels: &[usize],
    texts: &[String],
    selected: &[usize],
    kind: ThemeKind,
    parent: &[Keyword],
) -> Vec<SubTheme> {
    let parent_words: Vec<&str> = parent
        .iter()
        .take(3)
        .flat_map(|k| k.term.split(' '))
        .collect();
    let min = MIN_SUB_TICKETS.max(m.len().div_ceil(20));
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &j in m {
        groups.entry(sub_labels[j]).or_default().push(j);
    }
    // Largest first; equal sizes by their group id in the Ward tree (built
    // in canonical order), not by where their first ticket sits in the
    // input, so a shuffled export lists them in the same order.
    let mut big: Vec<(usize, Vec<usize>)> =
        groups.into_iter().filter(|(_, g)| g.len() >= min).collect();
    if big.len() < 2 {
        return Vec::new();
    }
    big.sort_by(|(ia, a), (ib, b)| b.len().cmp(&a.len()).then(ia.cmp(ib)));
    let big: Vec<Vec<usize>> = big.into_iter().map(|(_, g)| g).collect();
    let counts: Vec<HashMap<String, u64>> = big
        .iter()
        .map(|g| {
            let mut counts = HashMap::new();
            g.iter()
                .take(SUB_KEYWORD_DOCS)
                .for_each(|&j| ctfidf::add_terms(&texts[selected[j]], &mut counts));
            counts
        })
        .collect();
    let keywords = ctfidf::ctfidf(&counts, 14, 1);
    let mut seen: Vec<String> = Vec::new();
    big.iter()
        .zip(keywords)
        .map(|(g, mut kw)| {
            if kind == ThemeKind::Issue {
                kind::drop_filler(&mut kw);
            }
            let own = |k: &&Keyword| !k.term.split(' ').any(|w| parent_words.contains(&w));
            let distinct: Vec<Keyword> = kw.iter().filter(own).cloned().collect();
            // Too little left without them: the parent's words are what
            // this part is about after all.
            let shown = if distinct.len() >= 2 { &distinct } else { &kw };
            // A label another sub-theme already has takes one more keyword
            // (and, failing that, its size) so the parts can be told apart.
            let mut label = ctfidf::label(shown);
            if seen.contains(&label) {
                label = match shown.iter().find(|k| !label.contains(k.term.as_str())) {
                    Some(k) => format!("{label} / {}", k.term),
                    None => format!("{label} ({})", g.len()),
                };
            }
            seen.push(label.clone());
            SubTheme {
                label,
                keywords: shown.iter().take(5).map(|k| k.term.clone()).collect(),
                size: g.len(),
                share: g.len() as f64 / m.len() as f64,
            }
        })
        .collect()
}

/// Assemble the report from a clustering of `selected` tickets.
pub(crate) fn build(
    tickets: &[EnrichedTicket],
    texts: &[String],
    selected: &[usize],
    keys: &[(&str, u64, u64)],
    c: &Clustering,
    opts: &ThemeOptions,
    saved: Option<&Saved<'_>>,
) -> Result<ThemeReport> {
    // Discovered: empty centres were dropped, so themes are exactly
    // 0..=max label. Saved: every saved theme keeps its id, even when no
    // ticket of this input joins it.
    let k = match saved {
        Some(s) => s.names.len(),
        None => c.labels.iter().max().map_or(0, |m| m + 1),
    };
    // Members of each theme in canonical (content-key) order.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut by_key: Vec<usize> = (0..selected.len()).collect();
    by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    by_key.iter().for_each(|&j| members[c.labels[j]].push(j));

    // Keywords.
    let counts: Vec<HashMap<String, u64>> = members
        .par_iter()
        .map(|m| {
            let mut docs: Vec<usize> = m.clone();
            if docs.len() > KEYWORD_DOCS {
                let h = |j: usize| {
                    fnv64(
                        &[
                            keys[j].1.to_le_bytes(),
                            keys[j].2.to_le_bytes(),
                            opts.seed.to_le_bytes(),
                        ]
                        .concat(),
                    )
                };
                docs.sort_by_key(|&j| (h(j), j));
                docs.truncate(KEYWORD_DOCS);
            }
            let mut counts = HashMap::new();
            docs.iter()
                .for_each(|&j| ctfidf::add_terms(&texts[selected[j]], &mut counts));
            counts
        })
        .collect();
    let min_count = if selected.len() >= 100 { 2 } else { 1 };
    // A few more than shown, so issue themes still have 10 after their
    // conversation filler is dropped.
    let mut keywords: Vec<Vec<Keyword>> = ctfidf::ctfidf(&counts, 14, min_count);
    drop(counts);

    // Issue or conversation (see `kind`): keyword evidence, text length and
    // the model's sentiment, against all clustered tickets.
    let negative_of = |m: &[usize]| -> Option<f64> {
        let preds: Vec<bool> = m
            .iter()
            .filter_map(|&j| tickets[selected[j]].prediction.as_ref())
            .map(|p| p.sentiment == Sentiment::Negative)
            .collect();
        (!preds.is_empty())
            .then(|| preds.iter().filter(|&&n| n).count() as f64 / preds.len() as f64)
    };
    let all: Vec<usize> = (0..selected.len()).collect();
    let overall_negative = negative_of(&all);
    let kinds: Vec<(ThemeKind, String)> = members
        .iter()
        .zip(&keywords)
        .map(|(m, kw)| {
            let mut words: Vec<f64> = m
                .iter()
                .take(400)
                .map(|&j| texts[selected[j]].split_whitespace().count() as f64)
                .collect();
            let median_words = crate::stats::median(&mut words).unwrap_or(0.0);
            kind::decide(kw, median_words, negative_of(m), overall_negative)
        })
        .collect();
    for ((k, _), kw) in kinds.iter().zip(keywords.iter_mut()) {
        if *k == ThemeKind::Issue {
            kind::drop_filler(kw);
        }
        kw.truncate(10);
    }
    let auto: Vec<String> = keywords.iter().map(|kw| ctfidf::label(kw)).collect();
    let subs: Vec<Vec<SubTheme>> = members
        .par_iter()
        .zip(&kinds)
        .zip(&keywords)
        .map(|((m, (kind, _)), kw)| sub_themes(m, &c.sub_labels, texts, selected, *kind, kw))
        .collect();
    let seed_names = match (&opts.seed_themes, saved) {
        // A saved model's names are what its ids mean.
        (_, Some(s)) => s.names.to_vec(),
        (Some(s), None) => seeds::assign_names(&keywords, s),
        (None, None) => vec![None; k],
    };
    let labels: Vec<String> = auto
        .iter()
        .zip(&seed_names)
        .map(|(a, s)| s.clone().unwrap_or_else(|| a.clone()))
        .collect();
    let unmatched_seeds = opts
        .seed_themes
        .iter()
        .filter(|_| saved.is_none())
        .flatten()
        .filter(|s| {
            !seed_names
                .iter()
                .flatten()
                .any(|n| n == &s.name || n.starts_with(&format!("{} (", s.name)))
        })
        .map(|s| s.name.clone())
        .collect();

    // Trends over the span of all input tickets.
    let span = {
        let mut it = tickets.iter().map(|t| {
            t.ticket
                .created_at
                .with_timezone(&opts.timezone)
                .date_naive()
        });
        let first = it.next().ok_or(ThemesError::NoTickets)?;
        it.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)))
    };
    let events: Vec<Event> = selected
        .iter()
        .enumerate()
        .map(|(j, &i)| Event {
            theme: c.labels[j],
            at: tickets[i].ticket.created_at,
            negative: tickets[i]
                .prediction
                .as_ref()
                .map(|p| p.sentiment == Sentiment::Negative),
        })
        .collect();
    let (rows, all_trending) = trends::compute(
        &events,
        &TrendSettings {
            period: opts.period,
            tz: opts.timezone,
            span,
            labels: &labels,
            min_count: opts.min_trend_count,
            alpha: opts.trend_alpha,
        },
    );

    let total = selected.len().max(1) as f64;
    let themes: Vec<Theme> = (0..k)
        .map(|t| {
            let m = &members[t];
            let mut central: Vec<usize> = m.clone();
            central.sort_by(|&a, &b| c.sims[b].total_cmp(&c.sims[a]).then(keys[a].cmp(&keys[b])));
            let examples = central
                .iter()
                .take(3)
                .map(|&j| Example {
                    id: tickets[selected[j]].ticket.id.clone(),
                    text: excerpt(&texts[selected[j]]),
                    distance: 1.0 - c.sims[j],
                })
                .collect();
            let mut topics: BTreeMap<&str, usize> = BTreeMap::new();
            let mut labels_in: BTreeMap<&str, usize> = BTreeMap::new();
            let mut labelled = 0usize;
            let mut mix = SentimentMix::default();
            let mut frt = Vec::new();
            let (mut csat_n, mut csat_ok) = (0usize, 0usize);
            for &j in m {
                let et = &tickets[selected[j]];
                if let Some(p) = &et.prediction {
                    *topics.entry(p.topic.as_str()).or_insert(0) += 1;
                    mix.predicted += 1;
                    match p.sentiment {
                        Sentiment::Negative => mix.negative += 1.0,
                        Sentiment::Neutral => mix.neutral += 1.0,
                        Sentiment::Positive => mix.positive += 1.0,
                    }
                }
                if let Some(x) = et.taxonomy.as_ref().filter(|x| !x.value.is_empty()) {
                    labelled += 1;
                    for l in x.value.split(';') {
                        *labels_in.entry(l).or_insert(0) += 1;
                    }
                }
                if let Some(f) = et.ticket.frt_minutes() {
                    frt.push(f);
                }
                if let Some(s) = et.ticket.csat.filter(|s| s.is_finite()) {
                    csat_n += 1;
                    csat_ok += (s >= 4.0) as usize;
                }
            }
            if mix.predicted > 0 {
                let d = mix.predicted as f64;
                mix.negative /= d;
                mix.neutral /= d;
                mix.positive /= d;
            }
            // Most frequent topic; ties go to the alphabetically first.
            let top = topics
                .iter()
                .fold(None::<(&str, usize)>, |b, (t, n)| match b {
                    Some(b) if b.1 >= *n => Some(b),
                    _ => Some((t, *n)),
                });
            let mean_distance =
                m.iter().map(|&j| 1.0 - c.sims[j] as f64).sum::<f64>() / m.len().max(1) as f64;
            Theme {
                id: t,
                label: labels[t].clone(),
                auto_label: auto[t].clone(),
                seed: seed_names[t].clone().filter(|_| saved.is_none()),
                kind: kinds[t].0,
                emerging: saved.is_some_and(|s| t >= s.saved),
                kind_evidence: kinds[t].1.clone(),
                keywords: keywords[t].clone(),
                sub_themes: subs[t].clone(),
                size: m.len(),
                share: m.len() as f64 / total,
                mean_distance,
                examples,
                top_topic: top.map(|t| t.0.to_string()),
                top_topic_share: top.map(|t| t.1 as f64 / mix.predicted.max(1) as f64),
                taxonomy_mix: {
                    let mut v: Vec<(&str, usize)> = labels_in.into_iter().collect();
                    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    v.into_iter()
                        .take(super::TAXONOMY_MIX)
                        .map(|(l, n)| super::LabelShare {
                            label: l.to_string(),
                            share: n as f64 / labelled.max(1) as f64,
                        })
                        .collect()
                },
                sentiment: mix,
                frt_median_minutes: median(frt),
                csat_rate: (csat_n > 0).then(|| csat_ok as f64 / csat_n as f64),
                csat_responses: csat_n,
                trend: rows
                    .iter()
                    .filter(|r| r.theme == t)
                    .map(|r| TrendPoint {
                        period: r.period.clone(),
                        count: r.count,
                        negative_share: r.negative_share,
                    })
                    .collect(),
            }
        })
        .collect();

    // Trending complaints: issue themes at least as negative as the
    // clustered tickets overall; conversation themes apart.
    let (mut trending, mut trending_conversation) = (Vec::new(), Vec::new());
    for tr in all_trending {
        let th = &themes[tr.theme];
        if th.kind == ThemeKind::Conversation {
            trending_conversation.push(tr);
        } else if overall_negative
            .is_none_or(|o| th.sentiment.predicted == 0 || th.sentiment.negative >= o)
        {
            trending.push(tr);
        }
    }

    let mut assignments = vec![None; tickets.len()];
    for (j, &i) in selected.iter().enumerate() {
        let t = c.labels[j];
        assignments[i] = Some(ThemeRef {
            id: t,
            label: labels[t].clone(),
            distance: 1.0 - c.sims[j],
        });
    }
    Ok(ThemeReport {
        themes,
        assignments,
        trends: rows,
        trending,
        trending_conversation,
        k_selection: c.selection.clone(),
        period: opts.period,
        within_negative: opts.within_negative,
        clustered: selected.len(),
        unmatched_seeds,
        theme_model: None,
    })
}
