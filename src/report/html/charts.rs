//! SVG charts drawn with plotters, returned as strings to inline.
//!
//! Labels can come from ticket data (topics, periods, themes), so every label
//! goes through [`label`] before plotters sees it: control characters are
//! dropped and `<`, `>`, `&`, quotes are replaced by look-alike characters.
//! plotters-svg 0.3.7 escapes text itself too; doing it here as well means a
//! backend change can never turn a label into markup. Legends and titles are
//! rendered in HTML by the template (auto-escaped), not inside the SVG.

use super::format::{clean_line, truncate};
use crate::error::{Error, OutputError, Result};
use plotters::prelude::*;

/// Red used for negative sentiment and "worse".
pub const RED: RGBColor = RGBColor(0xd6, 0x45, 0x45);
/// Grey used for neutral sentiment.
pub const GREY: RGBColor = RGBColor(0xa7, 0xb0, 0xbc);
/// Green used for positive sentiment and "better".
pub const GREEN: RGBColor = RGBColor(0x2f, 0x9e, 0x6e);
/// Primary series colour.
pub const BLUE: RGBColor = RGBColor(0x3b, 0x6f, 0xd4);
/// Secondary series colour.
pub const AMBER: RGBColor = RGBColor(0xe0, 0x9a, 0x2a);
/// A chart colour.
pub type Colour = RGBColor;
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);
const GRID: RGBColor = RGBColor(0xe6, 0xe9, 0xee);

/// CSS hex of a colour (for HTML legends next to the SVG).
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Make an untrusted string safe and short enough for an SVG label.
pub fn label(s: &str, max: usize) -> String {
    truncate(&clean_line(s), max)
        .chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            '&' => '+',
            '"' => '”',
            '\'' => '’',
            c => c,
        })
        .collect()
}

fn chart_err(what: &str, e: impl std::fmt::Display) -> Error {
    OutputError::Chart {
        what: what.to_string(),
        message: e.to_string(),
    }
    .into()
}

/// Make the SVG scale with its container (plotters writes fixed pixel sizes).
fn responsive(svg: String, w: u32, h: u32, title: &str) -> String {
    let fixed = format!("<svg width=\"{w}\" height=\"{h}\" ");
    let head = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\" ",
        label(title, 80)
    );
    let svg = svg.replacen(&fixed, &head, 1);
    if svg.contains("viewBox") {
        svg
    } else {
        svg.replacen("<svg ", &format!("<svg viewBox=\"0 0 {w} {h}\" "), 1)
    }
}

fn pick_labels(keys: &[String], x: i32) -> String {
    usize::try_from(x)
        .ok()
        .and_then(|i| keys.get(i))
        .map(|k| label(k, 12))
        .unwrap_or_default()
}

/// A line chart over periods: one line per series (name only used for the
/// accessible title; the HTML legend names the colours).
pub fn lines(
    wide: bool,
    title: &str,
    keys: &[String],
    series: &[(RGBColor, Vec<f64>)],
    y_pct: bool,
) -> Result<String> {
    let (w, h) = if wide {
        (1160u32, 300u32)
    } else {
        (600u32, 260u32)
    };
    let max_labels = if wide { 14 } else { 7 };
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(title, e))?;
        let n = keys.len().max(1) as i32;
        let ymax = series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let ymax = if y_pct { 1.0 } else { (ymax * 1.1).max(1.0) };
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d(0..(n - 1).max(1), 0.0..ymax)
            .map_err(|e| chart_err(title, e))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .x_labels(max_labels.min(n as usize))
            .y_labels(6)
            .x_label_formatter(&|x| pick_labels(keys, *x))
            .y_label_formatter(&|y| {
                if y_pct {
                    format!("{:.0}%", y * 100.0)
                } else {
                    short_num(*y)
                }
            })
            .label_style(("sans-serif", 12).into_font().color(&AXIS))
            .draw()
            .map_err(|e| chart_err(title, e))?;
        for (color, values) in series {
            let pts: Vec<(i32, f64)> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(i, v)| (i as i32, *v))
                .collect();
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
                .map_err(|e| chart_err(title, e))?;
            if pts.len() <= 40 {
                chart
                    .draw_series(pts.iter().map(|p| Circle::new(*p, 2, color.filled())))
                    .map_err(|e| chart_err(title, e))?;
            }
        }
        root.present().map_err(|e| chart_err(title, e))?;
    }
    Ok(responsive(buf, w, h, title))
}

/// Shares stacked to 100% per period (e.g. negative/neutral/positive), bottom
/// layer first.
pub fn stacked_shares(
    title: &str,
    keys: &[String],
    layers: &[(RGBColor, Vec<f64>)],
) -> Result<String> {
    let (w, h) = (600u32, 260u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(title, e))?;
        let n = keys.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d(0..(n - 1).max(1), 0.0..1.0f64)
            .map_err(|e| chart_err(title, e))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .x_labels(7.min(n as usize))
            .y_labels(6)
            .x_label_formatter(&|x| pick_labels(keys, *x))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .label_style(("sans-serif", 12).into_font().color(&AXIS))
            .draw()
            .map_err(|e| chart_err(title, e))?;
        // Cumulative tops; draw the tallest first so lower layers stay visible.
        let len = keys.len();
        let mut tops: Vec<Vec<f64>> = Vec::with_capacity(layers.len());
        let mut acc = vec![0.0; len];
        for (_, v) in layers {
            for (a, x) in acc.iter_mut().zip(v) {
                *a += if x.is_finite() { *x } else { 0.0 };
            }
            tops.push(acc.clone());
        }
        for (i, (color, _)) in layers.iter().enumerate().rev() {
            let pts: Vec<(i32, f64)> = tops[i]
                .iter()
                .enumerate()
                .map(|(k, v)| (k as i32, v.min(1.0)))
                .collect();
            chart
                .draw_series(AreaSeries::new(pts, 0.0, color.mix(0.9)).border_style(WHITE))
                .map_err(|e| chart_err(title, e))?;
        }
        root.present().map_err(|e| chart_err(title, e))?;
    }
    Ok(responsive(buf, w, h, title))
}

/// Vertical bars over categories (histogram bins).
pub fn columns(title: &str, labels: &[&str], counts: &[u64], color: RGBColor) -> Result<String> {
    let (w, h) = (600u32, 260u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(title, e))?;
        // A numeric range is inclusive, so 0..n-1 gives n segments.
        let n = counts.len().max(2) as u32;
        let ymax = counts.iter().copied().max().unwrap_or(0).max(1);
        let ymax = ymax + ymax / 10 + 1;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(28)
            .y_label_area_size(52)
            .build_cartesian_2d((0u32..n - 1).into_segmented(), 0u64..ymax)
            .map_err(|e| chart_err(title, e))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .x_labels(n as usize)
            .y_labels(6)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels
                    .get(*i as usize)
                    .map(|s| label(s, 10))
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| short_num(*y as f64))
            .label_style(("sans-serif", 11).into_font().color(&AXIS))
            .draw()
            .map_err(|e| chart_err(title, e))?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(color.filled())
                    .margin(3)
                    .data(counts.iter().enumerate().map(|(i, c)| (i as u32, *c))),
            )
            .map_err(|e| chart_err(title, e))?;
        root.present().map_err(|e| chart_err(title, e))?;
    }
    Ok(responsive(buf, w, h, title))
}

/// Horizontal bars, one per labelled category, largest first as given.
pub fn bars(title: &str, items: &[(String, u64)], color: RGBColor) -> Result<String> {
    let rows = items.len().max(2) as u32;
    let (w, h) = (600u32, 40 + 24 * rows);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| chart_err(title, e))?;
        let xmax = items.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
        let xmax = xmax + xmax / 10 + 1;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(24)
            .y_label_area_size(170)
            .build_cartesian_2d(0u64..xmax, (0u32..rows - 1).into_segmented())
            .map_err(|e| chart_err(title, e))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .y_labels(rows as usize)
            .x_labels(6)
            .y_label_formatter(&|v| match v {
                // Row 0 is drawn at the bottom; show the largest on top.
                SegmentValue::CenterOf(i) if *i < rows => items
                    .get((rows - 1 - *i) as usize)
                    .map(|(s, _)| label(s, 24))
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|x| short_num(*x as f64))
            .label_style(("sans-serif", 12).into_font().color(&AXIS))
            .draw()
            .map_err(|e| chart_err(title, e))?;
        chart
            .draw_series(
                Histogram::horizontal(&chart)
                    .style(color.filled())
                    .margin(4)
                    .data(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, (_, c))| (rows - 1 - i as u32, *c)),
                    ),
            )
            .map_err(|e| chart_err(title, e))?;
        root.present().map_err(|e| chart_err(title, e))?;
    }
    Ok(responsive(buf, w, h, title))
}

/// A tiny line of counts per period (no text at all), for theme rows.
pub fn sparkline(values: &[f64]) -> String {
    let (w, h, pad) = (120.0, 28.0, 3.0);
    let vals: Vec<f64> = values
        .iter()
        .map(|v| if v.is_finite() { *v } else { 0.0 })
        .collect();
    if vals.is_empty() {
        return String::new();
    }
    let max = vals.iter().copied().fold(0.0f64, f64::max).max(1e-9);
    let step = if vals.len() > 1 {
        (w - 2.0 * pad) / (vals.len() - 1) as f64
    } else {
        0.0
    };
    let pt = |i: usize, v: f64| (pad + step * i as f64, h - pad - (h - 2.0 * pad) * v / max);
    let points: Vec<String> = vals
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = pt(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let (lx, ly) = pt(vals.len() - 1, vals[vals.len() - 1]);
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"tickets per period\">\
<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" points=\"{}\"/>\
<circle cx=\"{lx:.1}\" cy=\"{ly:.1}\" r=\"2.4\" fill=\"{}\"/></svg>",
        hex(BLUE),
        points.join(" "),
        hex(RED)
    )
}

fn short_num(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVIL: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

    #[test]
    fn labels_cannot_become_markup() {
        let l = label(EVIL, 200);
        assert!(!l.contains('<') && !l.contains('>') && !l.contains('"'));
        let svg = bars("topics", &[(EVIL.to_string(), 3), ("ok".into(), 1)], BLUE).unwrap();
        assert!(!svg.contains("<script") && !svg.contains("<img"), "{svg}");
        let keys = vec![EVIL.to_string(), "2025-W02".into()];
        let svg = lines(false, EVIL, &keys, &[(BLUE, vec![1.0, 2.0])], false).unwrap();
        assert!(!svg.contains("<script") && !svg.contains("<img"));
        assert!(svg.starts_with("<svg class=\"chart\""), "{}", &svg[..80]);
        assert!(svg.contains("viewBox"));
    }

    #[test]
    fn charts_render_with_degenerate_inputs() {
        assert!(lines(true, "x", &[], &[(BLUE, vec![])], true)
            .unwrap()
            .contains("</svg>"));
        assert!(columns("x", &[], &[], BLUE).unwrap().contains("</svg>"));
        assert!(bars("x", &[], BLUE).unwrap().contains("</svg>"));
        assert!(stacked_shares("x", &["a".into()], &[(RED, vec![f64::NAN])])
            .unwrap()
            .contains("</svg>"));
        assert_eq!(sparkline(&[]), "");
        let s = sparkline(&[0.0, 2.0, 1.0]);
        assert!(s.contains("points=\"3.0,25.0 60.0,3.0 117.0,14.0\""), "{s}");
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_num(12.0), "12");
        assert_eq!(short_num(1500.0), "1.5k");
        assert_eq!(short_num(25000.0), "25k");
        assert_eq!(short_num(0.5), "0.5");
    }
}
