//! The trending-themes section: cards for the themes that grow, a table of
//! all themes, and a sparkline of each theme's tickets per period.
//!
//! Built from the themes stage's own [`ThemeReport`] (what themes.json and
//! trends.csv hold). `growth` there is a rate *ratio* (recent rate /
//! baseline rate, 1.0 = no change), shown as a change: ratio 1.4 → "+40%",
//! ratio 2.5 → "×2.5".

use super::charts::sparkline;
use super::format::{count, minutes, pct, truncate, NA};
use super::table::{Cell, Table};
use crate::themes::{Theme, ThemeKind, ThemeReport, TrendRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// Most themes listed in the themes table.
pub const MAX_THEMES: usize = 40;
/// Most trending theme cards (each with up to 3 examples).
pub const MAX_TRENDING: usize = 8;

/// An example ticket under a theme.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Example {
    /// Ticket id.
    pub id: String,
    /// Text, shortened.
    pub text: String,
}

/// A trending theme card.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThemeCard {
    /// Theme id as text.
    pub id: String,
    /// Label.
    pub label: String,
    /// Count growth ("tickets ×10.0"), beside the share growth.
    pub count_growth: String,
    /// Top keywords.
    pub keywords: Vec<String>,
    /// Tickets in the theme.
    pub size: String,
    /// Growth of the recent periods' rate over the baseline rate, as shown
    /// ("+40%", "×2.5").
    pub growth: String,
    /// `up` when the rate ratio is above 1, `down` below 1, else empty
    /// (drives colour).
    pub direction: &'static str,
    /// z-score and p-value line.
    pub significance: String,
    /// Tickets in the recent periods the growth is measured on.
    pub recent_count: String,
    /// Those recent periods, e.g. "2025-W43–2025-W44".
    pub recent: String,
    /// Negative share.
    pub negative_share: String,
    /// Inline SVG sparkline (numbers only; safe to insert).
    pub sparkline: String,
    /// Up to 3 examples.
    pub examples: Vec<Example>,
}

/// Themes section: trending cards plus a table of all themes.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Themes {
    /// Set when the section cannot be shown.
    pub unavailable: Option<String>,
    /// Trending complaint theme cards.
    pub trending: Vec<ThemeCard>,
    /// "Conversation themes (not complaints): …", or empty.
    pub conversation: String,
    /// With a saved theme model: which model, and the emerging themes
    /// (new this run); empty when themes were discovered.
    pub saved_model: String,
    /// All themes (largest first).
    pub table: Table,
}

/// A rate ratio shown as a change: below ×2 as a percentage ("+40%",
/// "−25%"), from ×2 on as a multiple ("×9.9"), which reads better than
/// "+890%". Direction `up` only when the ratio is above 1.
pub fn growth_text(ratio: Option<f64>) -> (String, &'static str) {
    let Some(g) = ratio.filter(|g| g.is_finite() && *g >= 0.0) else {
        return (NA.into(), "");
    };
    let text = if g >= 2.0 {
        format!("×{g:.1}")
    } else {
        super::format::signed((g - 1.0) * 100.0, 0, "%")
    };
    let dir = if text.starts_with('±') {
        ""
    } else if g > 1.0 {
        "up"
    } else if g < 1.0 {
        "down"
    } else {
        ""
    };
    (text, dir)
}

/// Significance level below which a latest-period rise is coloured red (the
/// themes stage's default `trend_alpha`): a small theme's partial last week
/// often shows ×3 by chance.
const TABLE_ALPHA: f64 = 0.01;

/// Per theme id, its trends.csv rows ordered by period.
fn trend_rows(trends: &[TrendRow]) -> BTreeMap<usize, Vec<&TrendRow>> {
    let mut out: BTreeMap<usize, Vec<&TrendRow>> = BTreeMap::new();
    for r in trends {
        out.entry(r.theme).or_default().push(r);
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.period.cmp(&b.period));
    }
    out
}

/// Build the themes section from the themes stage's report.
pub fn themes(report: Option<&ThemeReport>) -> Themes {
    let Some(doc) = report else {
        return Themes {
            unavailable: Some(format!(
                "not available: themes need a text column (subject, body or {})",
                crate::error::Setting::TextColumn
            )),
            ..Default::default()
        };
    };
    if doc.themes.is_empty() {
        return Themes {
            unavailable: Some("not available: no themes were found".into()),
            ..Default::default()
        };
    }
    let by_id: BTreeMap<usize, &Theme> = doc.themes.iter().map(|t| (t.id, t)).collect();
    let rows = trend_rows(&doc.trends);
    let spark = |id: usize| {
        rows.get(&id)
            .map(|c| sparkline(&c.iter().map(|x| x.count as f64).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    let cards = doc
        .trending
        .iter()
        .take(MAX_TRENDING)
        .map(|tr| {
            let theme = by_id.get(&tr.theme).copied();
            let (growth, direction) = growth_text(Some(tr.growth));
            let significance = format!(
                "z = {:.1}, {}",
                tr.z,
                if tr.p < 0.001 {
                    "p < 0.001".into()
                } else {
                    format!("p = {:.3}", tr.p)
                }
            );
            let examples = theme
                .map(|t| {
                    t.examples
                        .iter()
                        .take(3)
                        .map(|e| Example {
                            id: e.id.clone(),
                            text: truncate(&e.text, 280),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (a, b) = &tr.recent;
            ThemeCard {
                count_growth: growth_text(Some(tr.count_growth)).0,
                id: tr.theme.to_string(),
                label: truncate(&tr.label, 80),
                keywords: theme.map(keywords).unwrap_or_default(),
                size: count(theme.map(|t| t.size as f64)),
                growth,
                direction,
                significance,
                recent_count: count(Some(tr.recent_count as f64)),
                recent: if a == b {
                    a.clone()
                } else {
                    format!("{a}–{b}")
                },
                negative_share: pct(theme
                    .map(|t| t.sentiment.negative)
                    .filter(|_| theme.is_some_and(|t| t.sentiment.predicted > 0))),
                sparkline: spark(tr.theme),
                examples,
            }
        })
        .collect();
    let mut table = Table::new(
        "All themes",
        &[
            "Theme",
            "Label",
            "Tickets#",
            "Negative#",
            "First response (median)#",
            "CSAT#",
            "Last period vs before#",
            "Trend",
            "Kind",
            "Your taxonomy",
            "Sub-themes",
            "Keywords",
        ],
    );
    let mut list: Vec<&Theme> = doc.themes.iter().collect();
    list.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
    if list.len() > MAX_THEMES {
        table
            .caption
            .push_str(&format!(" (largest {MAX_THEMES} of {})", list.len()));
    }
    table.rows = list
        .into_iter()
        .take(MAX_THEMES)
        .map(|t| {
            let size = Some(t.size as f64);
            let neg = Some(t.sentiment.negative).filter(|_| t.sentiment.predicted > 0);
            let last = rows.get(&t.id).and_then(|c| c.last());
            let g = last.and_then(|c| c.growth);
            let significant = last.and_then(|c| c.p).is_some_and(|p| p < TABLE_ALPHA);
            let (gtext, dir) = growth_text(g);
            vec![
                Cell::num(t.id.to_string(), Some(t.id as f64)),
                Cell::text(truncate(&t.label, 80)),
                Cell::num(count(size), size),
                Cell::num(pct(neg), neg),
                Cell::num(minutes(t.frt_median_minutes), t.frt_median_minutes),
                Cell::num(pct(t.csat_rate), t.csat_rate),
                Cell::num(gtext, g).class(if dir == "up" && significant {
                    "bad"
                } else {
                    ""
                }),
                Cell::svg(spark(t.id)),
                Cell::text(match (t.emerging, t.kind) {
                    (true, ThemeKind::Issue) => "issue (new)",
                    (true, ThemeKind::Conversation) => "conversation (new)",
                    (false, ThemeKind::Issue) => "issue",
                    (false, ThemeKind::Conversation) => "conversation",
                }),
                Cell::text(if t.taxonomy_mix.is_empty() {
                    crate::report::html::format::NA.to_string()
                } else {
                    t.taxonomy_mix
                        .iter()
                        .map(|x| format!("{} {:.0}%", x.label, x.share * 100.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
                Cell::text(if t.sub_themes.is_empty() {
                    crate::report::html::format::NA.to_string()
                } else {
                    t.sub_themes
                        .iter()
                        .take(4)
                        .map(|s| format!("{} ({})", truncate(&s.label, 40), s.size))
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                Cell::text(
                    keywords(t)
                        .into_iter()
                        .take(5)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]
        })
        .collect();
    table.drop_empty_columns();
    let mut talk: Vec<&Theme> = doc
        .themes
        .iter()
        .filter(|t| t.kind == ThemeKind::Conversation)
        .collect();
    talk.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
    let conversation = if talk.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = talk
            .iter()
            .take(6)
            .map(|t| {
                format!(
                    "{} ({})",
                    truncate(&t.label, 50),
                    count(Some(t.size as f64))
                )
            })
            .collect();
        format!(
            "Conversation themes, not complaints (thanks, acknowledgements, greetings): {}{}.",
            names.join(", "),
            if talk.len() > 6 { ", …" } else { "" }
        )
    };
    let saved_model = doc.theme_model.as_ref().map_or(String::new(), |m| {
        let fitted = format!(
            "Themes are the {} of the saved theme model fitted on {} ({}), with the same ids and labels.",
            m.saved_themes,
            truncate(&m.source, 60),
            m.created.get(..10).unwrap_or(&m.created)
        );
        let new: Vec<String> = m
            .emerging
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|t| {
                format!(
                    "#{} {} ({})",
                    t.id,
                    truncate(&t.label, 50),
                    count(Some(t.size as f64))
                )
            })
            .collect();
        if new.is_empty() && m.far_tickets == 0 {
            format!("{fitted} No emerging theme: every ticket is close to its saved theme.")
        } else if new.is_empty() {
            format!(
                "{fitted} No emerging theme: the {} tickets far from their nearest saved theme form no group of their own.",
                count(Some(m.far_tickets as f64))
            )
        } else {
            format!(
                "{fitted} Emerging themes, new since it was fitted (refit to adopt them): {}.",
                new.join(", ")
            )
        }
    });
    Themes {
        unavailable: None,
        trending: cards,
        conversation,
        saved_model,
        table,
    }
}

/// A theme's top keywords, shortened for display.
fn keywords(t: &Theme) -> Vec<String> {
    t.keywords
        .iter()
        .take(8)
        .map(|k| truncate(&k.term, 40))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::{Example as TExample, Keyword, SentimentMix, Theme, TrendRow, Trending};

    fn theme(id: usize, label: &str, size: usize, examples: usize) -> Theme {
        Theme {
            id,
            label: label.into(),
            auto_label: label.into(),
            seed: None,
            kind: crate::themes::ThemeKind::Issue,
            kind_evidence: String::new(),
            emerging: false,
            sub_themes: Vec::new(),
            keywords: vec![Keyword {
                term: "refund".into(),
                weight: 0.5,
            }],
            size,
            share: 0.4,
            mean_distance: 0.2,
            examples: (0..examples)
                .map(|i| TExample {
                    id: format!("T{i}"),
                    text: format!("where is my refund {i}"),
                    distance: 0.1,
                })
                .collect(),
            top_topic: None,
            top_topic_share: None,
            taxonomy_mix: Vec::new(),
            sentiment: SentimentMix {
                negative: 0.7,
                neutral: 0.2,
                positive: 0.1,
                predicted: size,
            },
            frt_median_minutes: Some(42.0),
            csat_rate: Some(0.5),
            csat_responses: 4,
            trend: Vec::new(),
        }
    }

    fn doc(themes: Vec<Theme>, trending: Vec<Trending>, trends: Vec<TrendRow>) -> ThemeReport {
        ThemeReport {
            themes,
            assignments: Vec::new(),
            trends,
            trending,
            trending_conversation: Vec::new(),
            k_selection: Default::default(),
            period: crate::period::Period::Week,
            within_negative: false,
            clustered: 100,
            unmatched_seeds: Vec::new(),
            theme_model: None,
        }
    }

    fn row(
        theme: usize,
        period: &str,
        count: u64,
        growth: Option<f64>,
        p: Option<f64>,
    ) -> TrendRow {
        TrendRow {
            theme,
            label: String::new(),
            period: period.into(),
            count,
            share: None,
            negative_share: None,
            growth,
            z: None,
            p,
        }
    }

    /// themes.json and trends.csv rows as the themes stage writes them.
    #[test]
    fn themes_join_trending_and_trends() {
        let trending = Trending {
            theme: 0,
            label: "refund delays".into(),
            recent: ("2025-W01".into(), "2025-W02".into()),
            recent_count: 24,
            baseline_count: 35,
            recent_rate: 12.0,
            baseline_rate: 1.2,
            recent_share: 0.3,
            baseline_share: 0.03,
            growth: 9.89,
            count_growth: 10.0,
            baseline_periods: 8,
            z: 3.2,
            p: 0.0004,
            negative_share_recent: Some(1.0),
            negative_share_baseline: Some(0.9),
        };
        let trends = vec![
            row(0, "2025-W02", 4, Some(2.5), Some(0.001)),
            row(0, "2025-W01", 1, None, None),
            row(1, "2025-W01", 3, None, None),
            row(1, "2025-W02", 3, Some(0.75), Some(0.8)),
            row(2, "2025-W02", 2, Some(3.0), Some(0.2)),
        ];
        let d = doc(
            vec![theme(0, "refund delays", 40, 4), theme(1, "login", 60, 0)],
            vec![trending],
            trends.clone(),
        );
        let t = themes(Some(&d));
        assert_eq!(t.trending.len(), 1);
        let c = &t.trending[0];
        assert_eq!(
            (c.label.as_str(), c.growth.as_str(), c.direction),
            ("refund delays", "×9.9", "up")
        );
        assert_eq!(
            (c.recent_count.as_str(), c.recent.as_str()),
            ("24", "2025-W01–2025-W02")
        );
        assert_eq!(c.significance, "z = 3.2, p < 0.001");
        assert_eq!(c.examples.len(), 3);
        assert_eq!(c.examples[0].id, "T0");
        assert_eq!(c.negative_share, "70.0%");
        assert_eq!(c.keywords, vec!["refund"]);
        assert!(
            c.sparkline.contains("points=\"3.0,19.5 117.0,3.0\""),
            "{}",
            c.sparkline
        );
        let login = &t.table.rows[0];
        assert_eq!(login[1].text, "login");
        assert_eq!(login[4].text, "42 min");
        assert_eq!(login[5].text, "50.0%");
        assert_eq!((login[6].text.as_str(), login[6].class), ("−25%", ""));
        let refunds = &t.table.rows[1];
        assert_eq!(
            (refunds[6].text.as_str(), refunds[6].class),
            ("×2.5", "bad")
        );
        let d3 = doc(vec![theme(2, "noise", 5, 0)], Vec::new(), trends);
        let noise = &themes(Some(&d3)).table.rows[0][6];
        assert_eq!(
            (noise.text.as_str(), noise.class),
            ("×3.0", ""),
            "not significant: not red"
        );
        assert!(themes(None).unavailable.is_some());
    }

    #[test]
    fn growth_is_a_rate_ratio() {
        assert_eq!(growth_text(Some(1.4)), ("+40%".into(), "up"));
        assert_eq!(growth_text(Some(2.0)), ("×2.0".into(), "up"));
        assert_eq!(growth_text(Some(0.5)), ("−50%".into(), "down"));
        assert_eq!(growth_text(Some(1.0)).1, "");
        assert_eq!(growth_text(Some(0.3)).1, "down", "ratio > 0 is not growth");
        assert_eq!(growth_text(None), (NA.into(), ""));
    }
}
