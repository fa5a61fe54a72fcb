//! The trending-themes section: cards for the themes that grow, a table of
//! all themes, and a sparkline of each theme's tickets per period.
//!
//! themes.json's schema belongs to the themes stage (src/themes): `themes[]`
//! (id, label, size, keywords, examples, sentiment, frt_median_minutes,
//! csat_rate) and `trending[]` (theme, recent, recent_count, growth, z, p).
//! `growth` there is a rate *ratio* (recent rate / baseline rate, 1.0 = no
//! change), shown as a change: ratio 1.4 → "+40%", ratio 2.5 → "×2.5".
//! Anything missing shows as "n/a".

use super::charts::sparkline;
use super::format::{count, minutes, pct, truncate, NA};
use super::json::{as_num, as_text, num, path, pick, string_list, text};
use super::table::{Cell, Table};
use serde::Serialize;
use serde_json::Value;
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
    /// Trending theme cards.
    pub trending: Vec<ThemeCard>,
    /// All themes (largest first).
    pub table: Table,
}

const ID: &[&str] = &["id", "theme"];
const LABEL: &[&str] = &["label"];
const GROWTH: &[&str] = &["growth"];
const NEG: &[&str] = &["sentiment.negative", "negative_share"];

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

/// One theme's row of trends.csv: period, count, growth of that period's
/// rate over all earlier periods, and the one-sided p-value of the rise.
type TrendPoint = (String, f64, Option<f64>, Option<f64>);

/// Significance level below which a latest-period rise is coloured red (the
/// themes stage's default `trend_alpha`): a small theme's partial last week
/// often shows ×3 by chance.
const TABLE_ALPHA: f64 = 0.01;

/// Per theme id, its trends.csv rows ordered by period.
fn trend_counts(trends: &[Value]) -> BTreeMap<String, Vec<TrendPoint>> {
    let mut out: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
    for r in trends {
        let (Some(id), Some(p)) = (text(r, &["theme"]), text(r, &["period"])) else {
            continue;
        };
        out.entry(id).or_default().push((
            p,
            num(r, &["count"]).unwrap_or(0.0),
            num(r, &["growth"]),
            num(r, &["p"]),
        ));
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

/// Build the themes section from themes.json and trends.csv rows.
pub fn themes(themes: Option<&Value>, trends: &[Value]) -> Themes {
    let Some(doc) = themes else {
        return Themes {
            unavailable: Some("not available: no themes results (themes.json) for this run".into()),
            ..Default::default()
        };
    };
    let list: Vec<&Value> = pick(doc, &["themes"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if list.is_empty() {
        return Themes {
            unavailable: Some("not available: themes.json lists no themes".into()),
            ..Default::default()
        };
    }
    let by_id: BTreeMap<String, &Value> = list
        .iter()
        .filter_map(|t| Some((text(t, ID)?, *t)))
        .collect();
    let counts = trend_counts(trends);
    let spark = |id: &str| {
        counts
            .get(id)
            .map(|c| sparkline(&c.iter().map(|x| x.1).collect::<Vec<_>>()))
            .unwrap_or_default()
    };
    // Trending order: themes.json → trending, else themes by growth.
    let mut trending: Vec<(&Value, Option<&Value>)> = pick(doc, &["trending"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|t| (t, text(t, ID).and_then(|id| by_id.get(&id).copied())))
                .collect()
        })
        .unwrap_or_default();
    if trending.is_empty() {
        let mut l: Vec<&Value> = list.clone();
        l.sort_by(|a, b| {
            num(b, GROWTH)
                .unwrap_or(f64::MIN)
                .total_cmp(&num(a, GROWTH).unwrap_or(f64::MIN))
        });
        trending = l
            .into_iter()
            .filter(|t| num(t, GROWTH).is_some_and(|g| g > 1.0))
            .map(|t| (t, Some(t)))
            .collect();
    }
    let cards = trending
        .into_iter()
        .take(MAX_TRENDING)
        .map(|(tr, theme)| {
            let both = |keys: &[&str]| text(tr, keys).or_else(|| theme.and_then(|t| text(t, keys)));
            let both_num =
                |keys: &[&str]| num(tr, keys).or_else(|| theme.and_then(|t| num(t, keys)));
            let id = both(ID).unwrap_or_default();
            let (growth, direction) = growth_text(both_num(GROWTH));
            let z = both_num(&["z", "z_score"]);
            let p = both_num(&["p", "p_value"]);
            let significance = match (z, p) {
                (Some(z), Some(p)) => format!(
                    "z = {z:.1}, {}",
                    if p < 0.001 {
                        "p < 0.001".into()
                    } else {
                        format!("p = {p:.3}")
                    }
                ),
                (Some(z), None) => format!("z = {z:.1}"),
                _ => String::new(),
            };
            let examples = theme
                .and_then(|t| path(t, "examples"))
                .and_then(Value::as_array)
                .map(|ex| {
                    ex.iter()
                        .take(3)
                        .filter_map(|e| {
                            let body = match e {
                                Value::Object(_) => text(e, &["text", "body", "subject"])?,
                                other => as_text(other)?,
                            };
                            Some(Example {
                                id: text(e, &["ticket_id", "id"]).unwrap_or_default(),
                                text: truncate(&body, 280),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            ThemeCard {
                label: truncate(&both(LABEL).unwrap_or_else(|| format!("theme {id}")), 80),
                keywords: keywords(theme.unwrap_or(tr)),
                size: count(both_num(&["size"])),
                growth,
                direction,
                significance,
                recent_count: count(both_num(&["recent_count"])),
                recent: tr
                    .get("recent")
                    .map(|r| string_list(r, &[]))
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        let (a, b) = (&r[0], &r[r.len() - 1]);
                        if a == b {
                            a.clone()
                        } else {
                            format!("{a}–{b}")
                        }
                    })
                    .unwrap_or_else(|| "the recent periods".into()),
                negative_share: pct(both_num(NEG)),
                sparkline: spark(&id),
                examples,
                id,
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
            "Keywords",
        ],
    );
    let mut rows: Vec<(f64, Vec<Cell>)> = list
        .iter()
        .map(|t| {
            let id = text(t, ID).unwrap_or_default();
            let size = num(t, &["size"]);
            let neg = num(t, NEG);
            let frt = num(t, &["frt_median_minutes"]);
            let csat = num(t, &["csat_rate"]);
            // Growth of the latest period (trends.csv): every theme has one,
            // not only the trending ones.
            let last = counts.get(&id).and_then(|c| c.last());
            let g = last.and_then(|c| c.2);
            let significant = last.and_then(|c| c.3).is_some_and(|p| p < TABLE_ALPHA);
            let (gtext, dir) = growth_text(g);
            let row = vec![
                Cell::num(id.clone(), as_num(&Value::String(id.clone()))),
                Cell::text(truncate(&text(t, LABEL).unwrap_or_default(), 80)),
                Cell::num(count(size), size),
                Cell::num(pct(neg), neg),
                Cell::num(minutes(frt), frt),
                Cell::num(pct(csat), csat),
                Cell::num(gtext, g).class(if dir == "up" && significant {
                    "bad"
                } else {
                    ""
                }),
                Cell::svg(spark(&id)),
                // 5 keywords keep the rows short; the cards show up to 8.
                Cell::text(
                    keywords(t)
                        .into_iter()
                        .take(5)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ];
            (size.unwrap_or(0.0), row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    if rows.len() > MAX_THEMES {
        table
            .caption
            .push_str(&format!(" (largest {MAX_THEMES} of {})", rows.len()));
    }
    table.rows = rows.into_iter().take(MAX_THEMES).map(|(_, r)| r).collect();
    Themes {
        unavailable: None,
        trending: cards,
        table,
    }
}

fn keywords(t: &Value) -> Vec<String> {
    path(t, "keywords")
        .map(|k| string_list(k, &["term", "keyword", "word"]))
        .unwrap_or_default()
        .into_iter()
        .take(8)
        .map(|k| truncate(&k, 40))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::{Example as TExample, Keyword, SentimentMix, Theme, TrendRow, Trending};
    use serde_json::json;

    fn theme(id: usize, label: &str, size: usize, examples: usize) -> Value {
        serde_json::to_value(Theme {
            id,
            label: label.into(),
            auto_label: label.into(),
            seed: None,
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
        })
        .unwrap()
    }

    fn row(theme: usize, period: &str, count: u64, growth: Option<f64>, p: Option<f64>) -> Value {
        serde_json::to_value(TrendRow {
            theme,
            label: String::new(),
            period: period.into(),
            count,
            share: None,
            negative_share: None,
            growth,
            z: None,
            p,
        })
        .unwrap()
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
            growth: 9.89,
            z: 3.2,
            p: 0.0004,
            negative_share_recent: Some(1.0),
            negative_share_baseline: Some(0.9),
        };
        let doc = json!({
            "themes": [theme(0, "refund delays", 40, 4), theme(1, "login", 60, 0)],
            "trending": [serde_json::to_value(&trending).unwrap()],
        });
        let trends = vec![
            row(0, "2025-W02", 4, Some(2.5), Some(0.001)),
            row(0, "2025-W01", 1, None, None),
            row(1, "2025-W01", 3, None, None),
            row(1, "2025-W02", 3, Some(0.75), Some(0.8)),
            row(2, "2025-W02", 2, Some(3.0), Some(0.2)),
        ];
        let t = themes(Some(&doc), &trends);
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
        let doc3 = json!({"themes": [theme(2, "noise", 5, 0)], "trending": []});
        let noise = &themes(Some(&doc3), &trends).table.rows[0][6];
        assert_eq!(
            (noise.text.as_str(), noise.class),
            ("×3.0", ""),
            "not significant: not red"
        );
        assert!(themes(None, &[]).unavailable.is_some());
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
