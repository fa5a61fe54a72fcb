//! Writing `themes.json`, `trends.csv` and `ticket_themes.csv`.
//!
//! Every file is written to a temporary file in the output directory and then
//! renamed over the target, so a crash never leaves a half-written report.
//! Free-text CSV cells (labels, ticket ids) go through the formula guard.

use super::ThemeReport;
use crate::error::{Error, Result, ThemesError};
use crate::io::safe_csv::neutralize;
use crate::ticket::EnrichedTicket;
use std::io::Write;
use std::path::{Path, PathBuf};

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.6}")).unwrap_or_default()
}

/// Write `name` in `dir` atomically with `fill`.
fn atomic(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<PathBuf> {
    let path = dir.join(name);
    let mut file = crate::io::atomic::AtomicFile::create(&path)?;
    fill(&mut file)?;
    file.commit()?;
    Ok(path)
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::Csv {
        context: path.display().to_string(),
        source: e,
    }
}

impl ThemeReport {
    /// Write `themes.json` (themes with keywords, examples, mixes, KPIs and
    /// per-period volume, plus the ranked `trending` list and k selection),
    /// `trends.csv` (theme,label,period,count,share,negative_share,growth,z,p)
    /// and `ticket_themes.csv` (ticket_id,theme_id,theme_label,theme_distance;
    /// empty theme cells for tickets that were not clustered). `tickets` must
    /// be the slice given to [`super::discover`].
    pub fn write(&self, tickets: &[EnrichedTicket], out_dir: &Path) -> Result<Vec<PathBuf>> {
        if tickets.len() != self.assignments.len() {
            // (Counted against the report: "tickets" are its tickets.)
            return Err(ThemesError::Count {
                tickets: self.assignments.len(),
                found: tickets.len(),
                what: "tickets given to write",
            }
            .into());
        }
        std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
        let mut out = Vec::new();
        let jp = out_dir.join("themes.json");
        out.push(atomic(out_dir, "themes.json", |w| {
            serde_json::to_writer_pretty(&mut *w, self).map_err(|e| Error::Json {
                context: jp.display().to_string(),
                source: e,
            })?;
            w.write_all(b"\n").map_err(|e| Error::io(&jp, e))
        })?);
        let tp = out_dir.join("trends.csv");
        out.push(atomic(out_dir, "trends.csv", |w| {
            let mut c = csv::Writer::from_writer(w);
            let e = csv_err(&tp);
            c.write_record([
                "theme",
                "label",
                "period",
                "count",
                "share",
                "negative_share",
                "growth",
                "z",
                "p",
            ])
            .map_err(&e)?;
            for r in &self.trends {
                c.write_record([
                    r.theme.to_string(),
                    neutralize(&r.label).into_owned(),
                    r.period.clone(),
                    r.count.to_string(),
                    opt(r.share),
                    opt(r.negative_share),
                    opt(r.growth),
                    opt(r.z),
                    r.p.map(|p| format!("{p:.6e}")).unwrap_or_default(),
                ])
                .map_err(&e)?;
            }
            c.flush().map_err(|x| Error::io(&tp, x))
        })?);
        let ap = out_dir.join("ticket_themes.csv");
        out.push(atomic(out_dir, "ticket_themes.csv", |w| {
            let mut c = csv::Writer::from_writer(w);
            let e = csv_err(&ap);
            c.write_record(["ticket_id", "theme_id", "theme_label", "theme_distance"])
                .map_err(&e)?;
            for (t, a) in tickets.iter().zip(&self.assignments) {
                let id = neutralize(&t.ticket.id).into_owned();
                match a {
                    Some(a) => c.write_record([
                        id,
                        a.id.to_string(),
                        neutralize(&a.label).into_owned(),
                        format!("{:.6}", a.distance),
                    ]),
                    None => c.write_record([id, String::new(), String::new(), String::new()]),
                }
                .map_err(&e)?;
            }
            c.flush().map_err(|x| Error::io(&ap, x))
        })?);
        Ok(out)
    }
}
