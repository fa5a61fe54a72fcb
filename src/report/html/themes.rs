//! The trending-themes section: cards for the themes that grow, a table of
//! all themes, and a sparkline of each theme's tickets per period.
//!
//! themes.json's schema belongs to the themes stage; keys are looked up
//! with fallbacks and anything missing shows as "n/a".

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
    /// Growth vs previous period(s), as shown.
    pub growth: String,
    /// Raw growth for colouring (`up`, `down`, ``).
    pub direction: &'static str,
    /// z-score and p-value line.
    pub significance: String,
    /// Tickets in the last period.
    pub last_count: String,
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

const ID: &[&str] = &["id", "theme_id", "theme"];
const LABEL: &[&str] = &["label", "theme_label", "name"];
const GROWTH: &[&str] = &["growth", "growth_rate", "trend.growth"];
const NEG: &[&str] = &[
    "negative_share",
    "sentiment_mix.negative",
    "sentiment.negative",
    "sentiment_mix.negative_share",
];

fn growth_text(g: Option<f64>) -> (String, &'static str) {
    match g {
        Some(g) => (
            super::format::signed(g * 100.0, 0, "%"),
            if g > 0.0 {
                "up"
            } else if g < 0.0 {
                "down"
            } else {
                ""
            },
        ),
        None => (NA.into(), ""),
    }
}

/// Counts per period per theme id from trends.csv rows, ordered by period.
fn trend_counts(trends: &[Value]) -> BTreeMap<String, Vec<(String, f64)>> {
    let mut out: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for r in trends {
        let (Some(id), Some(p)) = (text(r, ID), text(r, &["period"])) else {
            continue;
        };
        out.entry(id)
            .or_default()
            .push((p, num(r, &["count", "tickets"]).unwrap_or(0.0)));
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
            .filter(|t| num(t, GROWTH).is_some_and(|g| g > 0.0))
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
                size: count(both_num(&["size", "tickets", "count"])),
                growth,
                direction,
                significance,
                last_count: count(both_num(&[
                    "last_count",
                    "last",
                    "current_count",
                    "count_last",
                ])),
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
            "Growth#",
            "Trend",
            "Keywords",
        ],
    );
    let mut rows: Vec<(f64, Vec<Cell>)> = list
        .iter()
        .map(|t| {
            let id = text(t, ID).unwrap_or_default();
            let size = num(t, &["size", "tickets", "count"]);
            let neg = num(t, NEG);
            let frt = num(
                t,
                &[
                    "kpis.first_response_minutes.median",
                    "kpi.frt_median_minutes",
                    "frt_median_minutes",
                    "kpis.frt_median_minutes",
                    "kpi.first_response_minutes.median",
                ],
            );
            let csat = num(t, &["kpis.csat_rate", "kpi.csat_rate", "csat_rate"]);
            let g = num(t, GROWTH);
            let (gtext, dir) = growth_text(g);
            let row = vec![
                Cell::num(id.clone(), as_num(&Value::String(id.clone()))),
                Cell::text(truncate(&text(t, LABEL).unwrap_or_default(), 80)),
                Cell::num(count(size), size),
                Cell::num(pct(neg), neg),
                Cell::num(minutes(frt), frt),
                Cell::num(pct(csat), csat),
                Cell::num(gtext, g).class(if dir == "up" { "bad" } else { "" }),
                Cell::svg(spark(&id)),
                Cell::text(keywords(t).join(", ")),
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
    use serde_json::json;

    #[test]
    fn themes_join_trending_and_trends() {
        let doc = json!({
            "themes": [
                {"id": 0, "label": "refund delays", "size": 40, "keywords": [{"term": "refund", "weight": 0.5}], "negative_share": 0.7,
                 "examples": [{"ticket_id": "T1", "text": "where is my refund"}, {"ticket_id": "T2", "text": "b"}, {"ticket_id": "T3", "text": "c"}, {"ticket_id": "T4", "text": "d"}]},
                {"id": 1, "label": "login", "size": 60}
            ],
            "trending": [{"theme_id": 0, "growth": 1.5, "z": 3.2, "p": 0.0004}]
        });
        let trends = vec![
            json!({"theme": "0", "period": "2025-W02", "count": "4"}),
            json!({"theme": "0", "period": "2025-W01", "count": "1"}),
        ];
        let t = themes(Some(&doc), &trends);
        assert_eq!(t.trending.len(), 1);
        let c = &t.trending[0];
        assert_eq!(
            (c.label.as_str(), c.growth.as_str(), c.direction),
            ("refund delays", "+150%", "up")
        );
        assert_eq!(c.significance, "z = 3.2, p < 0.001");
        assert_eq!(c.examples.len(), 3);
        assert_eq!(c.negative_share, "70.0%");
        assert!(
            c.sparkline.contains("points=\"3.0,19.5 117.0,3.0\""),
            "{}",
            c.sparkline
        );
        assert_eq!(t.table.rows[0][1].text, "login");
        assert!(themes(None, &[]).unavailable.is_some());
    }
}
