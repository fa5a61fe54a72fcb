//! End-to-end tests of [`super::discover`] on a small planted corpus.

use super::*;
use crate::ticket::{Prediction, Ticket};
use chrono::{Duration, TimeZone, Utc};

const GROUPS: [&str; 3] = [
    "refund not received for order",
    "password reset link broken",
    "delivery package late again",
];

fn corpus() -> (Vec<EnrichedTicket>, Vec<String>, Embeddings) {
    corpus_n(90)
}

/// `n` tickets in three planted groups (every third ticket in each).
fn corpus_n(n: usize) -> (Vec<EnrichedTicket>, Vec<String>, Embeddings) {
    let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap();
    let mut tickets = Vec::new();
    let mut texts = Vec::new();
    let mut emb = Embeddings::new(8);
    for i in 0..n {
        let g = i % 3;
        // Continuous pseudo-random noise, so groups have no sub-structure.
        let mut v = [0.0f32; 8];
        for (d, x) in v.iter_mut().enumerate() {
            let h = super::cluster::fnv64(format!("{i}/{d}").as_bytes());
            *x = (h % 1000) as f32 / 1000.0 * 0.15;
        }
        v[g] = 1.0;
        super::kmeans::normalize(&mut v);
        emb.push(&v);
        texts.push(format!("{} #{i}", GROUPS[g]));
        let sentiment = if g == 0 || i % 2 == 0 {
            Sentiment::Negative
        } else {
            Sentiment::Neutral
        };
        tickets.push(EnrichedTicket {
            taxonomy: None,
            language: None,
            ticket: Ticket {
                id: format!("T{i:03}"),
                created_at: t0 + Duration::hours(i as i64 * 17),
                first_response_minutes: Some(10.0 * g as f64 + 1.0),
                csat: Some(if g == 1 { 2.0 } else { 5.0 }),
                ..Default::default()
            },
            prediction: Some(Prediction {
                sentiment,
                sentiment_confidence: 0.9,
                p_negative: 0.5,
                p_neutral: 0.3,
                p_positive: 0.2,
                topic: ["billing", "account", "shipping"][g].to_string(),
                topic_confidence: 0.9,
                heads: Vec::new(),
            }),
            theme: None,
        });
    }
    (tickets, texts, emb)
}

fn by_id(r: &ThemeReport, t: &[EnrichedTicket]) -> Vec<(String, String, Vec<String>)> {
    let mut v: Vec<_> = t
        .iter()
        .zip(&r.assignments)
        .map(|(t, a)| {
            let a = a.as_ref().unwrap();
            let kw = r.themes[a.id]
                .keywords
                .iter()
                .map(|k| k.term.clone())
                .collect();
            (t.ticket.id.clone(), a.label.clone(), kw)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn planted_groups_are_found_every_ticket_assigned_and_described() {
    let (t, x, e) = corpus();
    let r = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
    assert_eq!(r.themes.len(), 3, "{:?}", r.k_selection);
    assert!(r.assignments.iter().all(Option::is_some));
    assert_eq!(r.themes.iter().map(|th| th.size).sum::<usize>(), 90);
    let refund = r
        .themes
        .iter()
        .find(|th| th.keywords.iter().any(|k| k.term == "refund"))
        .unwrap();
    assert_eq!(refund.top_topic.as_deref(), Some("billing"));
    assert_eq!(refund.sentiment.negative, 1.0);
    assert_eq!(refund.frt_median_minutes, Some(1.0));
    assert_eq!(refund.csat_rate, Some(1.0));
    assert_eq!(refund.examples.len(), 3);
    assert!(refund.label.contains("refund"), "{}", refund.label);
    let pw = r
        .themes
        .iter()
        .find(|th| th.top_topic.as_deref() == Some("account"))
        .unwrap();
    assert_eq!(pw.csat_rate, Some(0.0));
    // Tickets every 17 h from Mon 2025-03-03 09:00: the last (89 × 17 h
    // later) is Mon 2025-05-05, so weeks W10 … W19.
    assert_eq!(pw.trend.len(), 10);
    assert_eq!(pw.trend[9].period, "2025-W19");
    assert_eq!(r.trends.len(), 30);
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    // 90 tickets, and 450: enough to be smoothed (smooth::MIN_ROWS).
    for n in [90, 450] {
        let (t, x, e) = corpus_n(n);
        let a = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
        let b = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
        assert_eq!(a, b);
        // Reverse and interleave the rows.
        let mut perm: Vec<usize> = (0..t.len()).rev().collect();
        perm.rotate_left(31);
        let t2: Vec<EnrichedTicket> = perm.iter().map(|&i| t[i].clone()).collect();
        let x2: Vec<String> = perm.iter().map(|&i| x[i].clone()).collect();
        let mut e2 = Embeddings::new(e.dim);
        perm.iter().for_each(|&i| e2.push(e.row(i)));
        let c = discover(&t2, &x2, &e2, &ThemeOptions::default()).unwrap();
        assert_eq!(by_id(&a, &t), by_id(&c, &t2), "{n} tickets");
        assert_eq!(a.themes, c.themes, "{n} tickets");
    }
}

#[test]
fn within_negative_leaves_other_tickets_without_theme() {
    let (t, x, e) = corpus();
    let r = discover(
        &t,
        &x,
        &e,
        &ThemeOptions {
            within_negative: true,
            ..Default::default()
        },
    )
    .unwrap();
    for (tk, a) in t.iter().zip(&r.assignments) {
        let neg = tk.prediction.as_ref().unwrap().sentiment == Sentiment::Negative;
        assert_eq!(a.is_some(), neg);
    }
    assert_eq!(
        r.clustered,
        t.iter()
            .filter(|tk| tk.prediction.as_ref().unwrap().sentiment == Sentiment::Negative)
            .count()
    );
}

#[test]
fn seed_themes_rename_and_bad_input_is_an_error() {
    let (t, x, e) = corpus();
    let seeds = parse_seed_themes(
        "Password resets: password, reset\nBilling disputes: chargeback",
        "seeds",
    )
    .unwrap();
    let r = discover(
        &t,
        &x,
        &e,
        &ThemeOptions {
            seed_themes: Some(seeds),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(r
        .themes
        .iter()
        .any(|th| th.label == "Password resets" && th.seed.is_some()));
    assert_eq!(r.unmatched_seeds, vec!["Billing disputes".to_string()]);
    let mut bad = e.clone();
    bad.data[5] = f32::NAN;
    assert!(discover(&t, &x, &bad, &ThemeOptions::default()).is_err());
    assert!(discover(&t, &x[1..], &e, &ThemeOptions::default()).is_err());
}

#[test]
fn write_produces_the_three_files() {
    let (mut t, x, e) = corpus();
    t[0].ticket.id = "=cmd()".into();
    let r = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = r.write(&t, dir.path()).unwrap();
    assert_eq!(files.len(), 3);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(json["themes"].as_array().unwrap().len(), 3);
    assert!(json["trending"].is_array());
    let trends = std::fs::read_to_string(&files[1]).unwrap();
    assert!(trends.starts_with("theme,label,period,count,share,negative_share,growth,z,p\n"));
    assert_eq!(trends.lines().count(), 1 + 30);
    let tt = std::fs::read_to_string(&files[2]).unwrap();
    assert!(
        tt.starts_with("ticket_id,theme_id,theme_label,theme_distance\n'=cmd(),"),
        "{}",
        &tt[..80]
    );
    assert_eq!(tt.lines().count(), 91);
}

#[test]
fn same_themes_whatever_the_thread_count() {
    // Large enough that rayon splits the work differently with 1 and 3 threads.
    let (t, x, e) = corpus_n(3000);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| discover(&t, &x, &e, &ThemeOptions::default()).unwrap())
    };
    let one = run(1);
    let three = run(3);
    assert!(one.k_selection.refined, "{:?}", one.k_selection);
    assert_eq!(one, three);
    assert_eq!(one.assignments, three.assignments);
}

#[test]
fn unnormalised_embeddings_give_the_same_themes_and_zero_rows_are_an_error() {
    let (t, x, e) = corpus();
    let a = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
    // A user's own .npy: same directions, arbitrary lengths.
    let mut scaled = e.clone();
    scaled
        .data
        .chunks_mut(e.dim)
        .enumerate()
        .for_each(|(i, r)| r.iter_mut().for_each(|v| *v *= 0.5 + (i % 7) as f32));
    let b = discover(&t, &x, &scaled, &ThemeOptions::default()).unwrap();
    assert_eq!(by_id(&a, &t), by_id(&b, &t));
    assert_eq!(a.themes.len(), b.themes.len());
    for (p, q) in a.assignments.iter().zip(&b.assignments) {
        let (p, q) = (p.as_ref().unwrap(), q.as_ref().unwrap());
        assert_eq!(p.id, q.id);
        assert!((p.distance - q.distance).abs() < 1e-4);
    }
    let mut zero = e.clone();
    zero.data[3 * e.dim..4 * e.dim]
        .iter_mut()
        .for_each(|v| *v = 0.0);
    let err = discover(&t, &x, &zero, &ThemeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 3") && err.contains("zeros"), "{err}");
    // Rows of the wrong width: the values do not split into one row per ticket.
    let mut wide = Embeddings::new(e.dim + 1);
    wide.data = e.data[..(e.dim + 1) * 80].to_vec();
    let err = discover(&t, &x, &wide, &ThemeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("embedding rows"), "{err}");
}

#[test]
fn without_refinement_tickets_keep_their_micro_cluster_theme() {
    let (t, x, e) = corpus();
    let opts = ThemeOptions {
        refine_iterations: 0,
        ..Default::default()
    };
    let r = discover(&t, &x, &e, &opts).unwrap();
    assert!(!r.k_selection.refined);
    assert_eq!(r.themes.len(), 3);
    assert!(r.assignments.iter().all(Option::is_some));
}

#[test]
fn each_theme_reports_its_taxonomy_mix() {
    // The refund group: every third ticket labelled "payments", the others
    // "refunds" (two thirds); another group unlabelled → empty mix.
    let (mut t, x, e) = corpus();
    for (i, et) in t.iter_mut().enumerate() {
        if i % 3 == 0 {
            let value = if i % 9 == 0 { "payments" } else { "refunds" };
            et.taxonomy = Some(crate::ticket::TaxonomyLabel {
                name: std::sync::Arc::from("category"),
                value: value.to_string(),
                confidence: 0.8,
            });
        }
    }
    let r = discover(&t, &x, &e, &ThemeOptions::default()).unwrap();
    let refund = r
        .themes
        .iter()
        .find(|th| th.keywords.iter().any(|k| k.term == "refund"))
        .unwrap();
    let mix: Vec<(&str, f64)> = refund
        .taxonomy_mix
        .iter()
        .map(|x| (x.label.as_str(), x.share))
        .collect();
    assert_eq!(mix.len(), 2);
    assert_eq!(mix[0].0, "refunds");
    assert!((mix[0].1 - 2.0 / 3.0).abs() < 1e-9, "{mix:?}");
    assert!(r.themes.iter().any(|th| th.taxonomy_mix.is_empty()));
}

/// A month of tickets in the three planted groups (noise and times drawn
/// with `salt`, so no ticket repeats another month's), plus `injected`
/// tickets of a new kind in a direction no group has.
fn month(n: usize, salt: &str, injected: usize) -> (Vec<EnrichedTicket>, Vec<String>, Embeddings) {
    let t0 = Utc.with_ymd_and_hms(2025, 4, 1, 9, 0, 0).unwrap();
    let (mut tickets, mut texts, mut emb) = (Vec::new(), Vec::new(), Embeddings::new(8));
    for i in 0..n + injected {
        let g = if i >= n { 5 } else { i % 3 };
        let mut v = [0.0f32; 8];
        for (d, x) in v.iter_mut().enumerate() {
            let h = super::cluster::fnv64(format!("{salt}/{i}/{d}").as_bytes());
            *x = (h % 1000) as f32 / 1000.0 * 0.15;
        }
        v[g] = 1.0;
        super::kmeans::normalize(&mut v);
        emb.push(&v);
        let text = if g == 5 {
            format!("app crashes on startup after update #{i}")
        } else {
            format!("{} #{i}", GROUPS[g])
        };
        texts.push(text);
        let mut t = EnrichedTicket::new(Ticket {
            id: format!("{salt}-{i:03}"),
            created_at: t0 + Duration::hours(i as i64 * 7),
            ..Default::default()
        });
        t.prediction = Some(Prediction {
            sentiment: Sentiment::Negative,
            sentiment_confidence: 0.9,
            p_negative: 0.8,
            p_neutral: 0.1,
            p_positive: 0.1,
            topic: "other".into(),
            topic_confidence: 0.5,
            heads: Vec::new(),
        });
        tickets.push(t);
    }
    (tickets, texts, emb)
}

#[test]
fn saved_themes_keep_their_ids_and_a_new_kind_of_ticket_emerges() {
    let (tickets, texts, emb) = corpus();
    let opts = ThemeOptions::default();
    let fitted = discover(&tickets, &texts, &emb, &opts).unwrap();
    assert_eq!(fitted.themes.len(), 3);
    let model = ThemeModel::from_report(&fitted, &emb, "sha-a", "march.csv").unwrap();
    // Which fitted theme each planted group is.
    let id_of = |g: usize| fitted.assignments[g].as_ref().unwrap().id;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theme_model.json");
    model.save(&path).unwrap();
    let model = ThemeModel::load(&path).unwrap();
    assert_eq!(model.themes.len(), 3);
    assert!(model
        .themes
        .iter()
        .all(|t| t.radius > 0.0 && t.radius < 0.2));

    // A later month, same kinds of tickets: same ids and labels, nothing new.
    let (t2, x2, e2) = month(120, "april", 0);
    let r = model.assign(&t2, &x2, &e2, &opts).unwrap();
    for (i, a) in r.assignments.iter().enumerate() {
        let a = a.as_ref().unwrap();
        assert_eq!(a.id, id_of(i % 3), "ticket {i}");
        assert_eq!(a.label, fitted.themes[a.id].label);
    }
    let info = r.theme_model.as_ref().unwrap();
    assert!(info.emerging.is_empty(), "{info:?}");
    assert!(r.themes.iter().all(|t| !t.emerging));
    assert_eq!(r.k_selection.method, "saved theme model");

    // The same month with 30 tickets of a new kind: they form an emerging
    // theme with the next id; the known tickets keep theirs.
    let (t3, x3, e3) = month(120, "april", 30);
    let r = model.assign(&t3, &x3, &e3, &opts).unwrap();
    let info = r.theme_model.as_ref().unwrap();
    assert_eq!(info.emerging, [3], "{info:?}");
    let new = &r.themes[3];
    assert!(new.emerging && new.size == 30, "{new:?}");
    assert!(
        new.label.contains("crashes") || new.label.contains("startup"),
        "{}",
        new.label
    );
    for (i, a) in r.assignments.iter().enumerate() {
        let want = if i >= 120 { 3 } else { id_of(i % 3) };
        assert_eq!(a.as_ref().unwrap().id, want, "ticket {i}");
    }

    // Another model's or width's embeddings are refused.
    assert!(model.check_model(Some("sha-b"), 8).is_err());
    assert!(model.check_model(Some("sha-a"), 8).is_ok());
    let mut wide = Embeddings::new(4);
    (0..t2.len()).for_each(|_| wide.push(&[1.0, 0.0, 0.0, 0.0]));
    let err = model
        .assign(&t2, &x2, &wide, &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("8-dimensional centres"), "{err}");
    std::fs::write(&path, "{\"format\": \"x\"}").unwrap();
    let err = ThemeModel::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("theme_model.json") && !err.contains('\n'),
        "{err}"
    );
}

#[test]
fn broad_themes_split_into_sub_themes() {
    // Two broad groups (directions 0 and 1), each made of two planted
    // kinds (a lean towards direction 2 or 3); forced to two themes, each
    // theme lists its parts, and each part is one planted kind.
    let t0 = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap();
    let kinds = [
        (0, 2, "refund card charged twice"),
        (0, 3, "refund bank transfer missing"),
        (1, 2, "login password reset broken"),
        (1, 3, "login two factor code missing"),
    ];
    let (mut tickets, mut texts, mut emb) = (Vec::new(), Vec::new(), Embeddings::new(8));
    for i in 0..200 {
        let (g, s, text) = kinds[i % 4];
        let mut v = [0.0f32; 8];
        for (d, x) in v.iter_mut().enumerate() {
            let h = super::cluster::fnv64(format!("sub/{i}/{d}").as_bytes());
            *x = (h % 1000) as f32 / 1000.0 * 0.05;
        }
        v[g] = 1.0;
        v[s] += 0.5;
        super::kmeans::normalize(&mut v);
        emb.push(&v);
        texts.push(format!("{text} #{i}"));
        tickets.push(EnrichedTicket::new(Ticket {
            id: format!("S{i:03}"),
            created_at: t0 + Duration::hours(i as i64),
            ..Default::default()
        }));
    }
    let opts = ThemeOptions {
        k: Some(2),
        ..ThemeOptions::default()
    };
    let r = discover(&tickets, &texts, &emb, &opts).unwrap();
    assert_eq!(r.themes.len(), 2);
    for th in &r.themes {
        assert!(th.sub_themes.len() >= 2, "{:?}", th.sub_themes);
        let total: usize = th.sub_themes.iter().map(|s| s.size).sum();
        assert!(total <= th.size);
        // Each sub-theme's keywords name one planted kind.
        for s in &th.sub_themes {
            let words = s.keywords.join(" ");
            let named = ["card", "bank", "password", "factor"]
                .iter()
                .filter(|w| words.contains(*w))
                .count();
            assert_eq!(named, 1, "{s:?}");
        }
    }
}

#[test]
fn smoothing_beyond_the_fit_sample_never_mixes_planted_groups_in_any_order() {
    // More tickets than the fit sample: most rows are smoothed against
    // sampled neighbours only (the path a million tickets take).
    let n = super::cluster::FIT_SAMPLE + 1_500;
    let (t, x, e) = corpus_n(n);
    let opts = ThemeOptions::default();
    let a = discover(&t, &x, &e, &opts).unwrap();
    // Every theme holds tickets of one planted group (i % 3) only. (The
    // groups have no inner structure, so how finely they are cut is the
    // silhouette's call, with or without smoothing.)
    let mut group_of_theme = vec![None; a.themes.len()];
    for i in 0..n {
        let id = a.assignments[i].as_ref().unwrap().id;
        let g = *group_of_theme[id].get_or_insert(i % 3);
        assert_eq!(g, i % 3, "theme {id} mixes groups {g} and {}", i % 3);
    }
    let mut perm: Vec<usize> = (0..n).rev().collect();
    perm.rotate_left(977);
    let t2: Vec<EnrichedTicket> = perm.iter().map(|&i| t[i].clone()).collect();
    let x2: Vec<String> = perm.iter().map(|&i| x[i].clone()).collect();
    let mut e2 = Embeddings::new(e.dim);
    perm.iter().for_each(|&i| e2.push(e.row(i)));
    let b = discover(&t2, &x2, &e2, &opts).unwrap();
    assert_eq!(by_id(&a, &t), by_id(&b, &t2));
}
