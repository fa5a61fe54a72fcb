//! Theme options shared by `themes` and `analyze`.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use ticketlens::period::Period;
use ticketlens::themes::{load_seed_themes, ThemeOptions};

/// How to find themes and trends.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct ThemeArgs {
    /// Force the number of themes (default: chosen by silhouette over a range scaled to the data).
    #[arg(long = "themes", value_name = "K")]
    #[serde(rename = "themes")]
    pub themes_k: Option<usize>,
    /// Range of theme counts to search, e.g. `10..60`.
    #[arg(long = "themes-k-range", value_name = "LO..HI")]
    pub themes_k_range: Option<String>,
    /// Cluster only tickets predicted negative (complaints); others get no theme.
    #[arg(long = "themes-within", value_name = "negative", value_parser = ["negative"])]
    pub themes_within: Option<String>,
    /// Themes the team already tracks: JSON `[{"name":..,"keywords":[..]}]` or lines `name: kw1, kw2`.
    #[arg(long = "seed-themes", value_name = "FILE")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub seed_themes: Option<PathBuf>,
    /// A theme needs at least this many tickets in the recent periods to be listed as trending.
    #[arg(long = "trend-min-count", default_value_t = 10, value_name = "N")]
    pub trend_min_count: u64,
    /// One-sided p-value (Poisson rate-ratio test) below which a growing theme is trending.
    #[arg(long = "trend-alpha", default_value_t = 0.01, value_name = "P")]
    pub trend_alpha: f64,
    /// Seed for every random choice in clustering (results are deterministic per seed).
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub seed: u64,
}

impl ThemeArgs {
    /// Build library options.
    pub fn options(&self, period: Period, timezone: chrono_tz::Tz) -> Result<ThemeOptions> {
        let k_range = match &self.themes_k_range {
            None => None,
            Some(r) => {
                let (a, b) = r
                    .split_once("..")
                    .with_context(|| format!("invalid --themes-k-range `{r}`: expected LO..HI"))?;
                let lo: usize = a
                    .trim()
                    .parse()
                    .with_context(|| format!("invalid --themes-k-range `{r}`"))?;
                let hi: usize = b
                    .trim()
                    .parse()
                    .with_context(|| format!("invalid --themes-k-range `{r}`"))?;
                anyhow::ensure!(
                    lo >= 2 && lo <= hi,
                    "invalid --themes-k-range `{r}`: need 2 <= LO <= HI"
                );
                Some((lo, hi))
            }
        };
        let seed_themes = match &self.seed_themes {
            Some(p) => Some(load_seed_themes(p)?),
            None => None,
        };
        Ok(ThemeOptions {
            k: self.themes_k,
            seed: self.seed,
            period,
            within_negative: self.themes_within.is_some(),
            seed_themes,
            k_range,
            timezone,
            min_trend_count: self.trend_min_count,
            trend_alpha: self.trend_alpha,
            ..Default::default()
        })
    }
}
