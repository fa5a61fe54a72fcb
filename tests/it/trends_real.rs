//! Trends relative to volume, on real customer messages: @SpotifyCares
//! tweets from `../shared/datasets/twcs/` (read in place, never copied),
//! spread over 12 weeks whose volume rises 16× with every kind of tweet
//! equally likely in every week. With the bundled model:
//!
//! * no share changes → at most one theme "trends" (a count test flags
//!   every theme of a growing desk);
//! * the shuffle complaints' share tripled in the last two weeks → the
//!   shuffle theme is the top trending theme.
//!
//! Skipped (with a note) when the shared datasets are not beside the
//! repository.

use super::common;

use common::{bin, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn tweets() -> Option<Vec<String>> {
    let p = root().join("../shared/datasets/twcs/twcs_spotifycares_inbound.csv");
    let mut r = csv::Reader::from_path(&p).ok()?;
    let col = r.headers().ok()?.iter().position(|h| h == "text")?;
    Some(
        r.records()
            .filter_map(|x| x.ok())
            .map(|x| x[col].replace('\n', " "))
            .collect(),
    )
}

/// Week `w`'s ticket count: 16× more in week 11 than in week 0.
fn volume(w: usize) -> usize {
    10 + 150 * w / 11
}

/// Write a 12-week export: `weeks[w]` holds that week's texts.
fn write(dir: &Path, name: &str, weeks: &[Vec<&String>]) -> PathBuf {
    let p = dir.join(name);
    let mut w = csv::Writer::from_path(&p).unwrap();
    w.write_record(["ticket_id", "created_at", "text"]).unwrap();
    let mut id = 0;
    for (wk, texts) in weeks.iter().enumerate() {
        for (i, t) in texts.iter().enumerate() {
            // 2017-01-02 is a Monday; spread each week's tweets over its days.
            let day = chrono::NaiveDate::from_ymd_opt(2017, 1, 2).unwrap()
                + chrono::Duration::days((wk * 7 + i % 7) as i64);
            id += 1;
            w.write_record([
                format!("T{id}"),
                format!("{day}T{:02}:{:02}:00Z", 8 + i % 10, i % 60),
                t.to_string(),
            ])
            .unwrap();
        }
    }
    w.flush().unwrap();
    p
}

fn themes(input: &Path, out: &Path, cache: &Path) -> Value {
    let res = bin()
        .arg("analyze")
        .arg(input)
        .args(["-q", "--cache"])
        .arg(cache)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    serde_json::from_slice(&std::fs::read(out.join("themes.json")).unwrap()).unwrap()
}

#[test]
fn a_growing_desk_does_not_trend_and_a_tripled_complaint_tops_the_list() {
    let Some(all) = tweets() else {
        eprintln!("trends_real: skipped: ../shared/datasets/twcs not found");
        return;
    };
    let is_shuffle = |t: &str| t.to_lowercase().contains("shuffle");
    let (shuffle, other): (Vec<&String>, Vec<&String>) = all.iter().partition(|t| is_shuffle(t));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");

    // Week `w` draws volume(w) tweets, `shuffle_in_20(w)` of every 20 of
    // them about shuffle, each tweet used once.
    let weeks = |shuffle_in_20: &dyn Fn(usize) -> usize| -> Vec<Vec<&String>> {
        let (mut s, mut o) = (shuffle.iter(), other.iter());
        (0..12)
            .map(|w| {
                (0..volume(w))
                    .map(|i| {
                        let next = if i % 20 < shuffle_in_20(w) {
                            &mut s
                        } else {
                            &mut o
                        };
                        *next.next().expect("enough tweets")
                    })
                    .collect()
            })
            .collect()
    };
    let steady = weeks(&|_| 1);
    let t = themes(
        &write(dir.path(), "steady.csv", &steady),
        &dir.path().join("steady"),
        &cache,
    );
    // Thanks and acknowledgements are conversation themes, never
    // trending complaints.
    for th in t["themes"].as_array().unwrap() {
        let label = th["label"].as_str().unwrap().to_lowercase();
        if label.contains("thank") {
            assert_eq!(
                th["kind"], "conversation",
                "{label}: {}",
                th["kind_evidence"]
            );
        }
    }
    let trending = t["trending"].as_array().unwrap();
    let kind_of = |id: &Value| {
        t["themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| &x["id"] == id)
            .map(|x| x["kind"].clone())
    };
    assert!(trending
        .iter()
        .all(|x| kind_of(&x["theme"]) == Some(Value::from("issue"))));
    assert!(
        trending.len() <= 1,
        "a desk whose volume grows 16x with the same mix: {} themes trend: {:?}",
        trending.len(),
        trending.iter().map(|x| &x["label"]).collect::<Vec<_>>()
    );

    // The same, but in the last two weeks 3 shuffle tweets in 20.
    let surge = weeks(&|w| if w >= 10 { 3 } else { 1 });
    let t = themes(
        &write(dir.path(), "surge.csv", &surge),
        &dir.path().join("surge"),
        &cache,
    );
    let top = &t["trending"][0];
    let words = format!("{} {}", top["label"], {
        let id = top["theme"].as_u64().unwrap();
        t["themes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"].as_u64() == Some(id))
            .map(|x| x["keywords"].to_string())
            .unwrap_or_default()
    });
    assert!(
        words.to_lowercase().contains("shuffle"),
        "top trending theme is not the shuffle complaints: {words}"
    );
}
