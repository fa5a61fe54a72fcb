//! Taxonomy training, saving and zero-shot on hand-made embeddings.

use super::*;

/// Points around three well-separated centres in 4 dimensions.
fn separable() -> (Vec<f32>, Vec<Vec<String>>) {
    let centres = [
        ("billing", [3.0, 0.0, 0.0, 0.5]),
        ("login", [0.0, 3.0, 0.0, 0.5]),
        ("outage", [0.0, 0.0, 3.0, 0.5]),
    ];
    let mut e = Vec::new();
    let mut labels = Vec::new();
    for i in 0..30 {
        let (label, c) = centres[i % 3];
        let jitter = (i as f32 * 0.37).sin() * 0.3;
        e.extend(
            c.iter()
                .enumerate()
                .map(|(j, v)| v + jitter * (j as f32 - 1.5) / 2.0),
        );
        labels.push(vec![label.to_string()]);
    }
    (e, labels)
}

fn train(e: &[f32], labels: &[Vec<String>], p: TrainParams) -> crate::Result<Taxonomy> {
    let set = LabelledSet {
        embeddings: e,
        dim: 4,
        labels,
    };
    p.check()?.fit(&set, "sha-a", "test.csv", 0)
}

#[test]
fn separable_set_is_learnt_exactly_and_cross_validated() {
    let (e, labels) = separable();
    let t = train(&e, &labels, TrainParams::default()).unwrap();
    assert_eq!(t.labels, ["billing", "login", "outage"]);
    for (row, l) in e.chunks(4).zip(&labels) {
        let a = t.assign(row);
        assert_eq!(t.label_text(&a), l[0]);
        assert!(a.confidence > 0.5 && a.margin > 0.0);
    }
    let ev = t.evaluation.as_ref().unwrap();
    assert_eq!((ev.folds, ev.examples), (5, 30));
    assert_eq!(ev.accuracy, 1.0);
    assert_eq!(ev.macro_f1, 1.0);
    assert!(ev.confused.is_empty());
}

#[test]
fn save_and_load_give_identical_predictions() {
    let (e, labels) = separable();
    let t = train(&e, &labels, TrainParams::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taxonomy.json");
    t.save(&path).unwrap();
    let back = Taxonomy::load(&path).unwrap();
    assert_eq!(back, t);
    for row in e.chunks(4) {
        assert_eq!(back.assign(row), t.assign(row));
    }
    // Another model's embeddings are refused, with both models named.
    let err = back.check_model("sha-b", 4).unwrap_err().to_string();
    assert!(err.contains("was built with model sha-a"), "{err}");
    assert!(back.check_model("sha-a", 4).is_ok());
    assert!(back.check_model("sha-a", 8).is_err());
    // A taxonomy named like one of the model's extra heads (default name
    // `category`) would write the same columns: refused.
    let config = |heads: &str| {
        let json = format!(
            r#"{{"format_version":2,"name":"m","inputs":["input_ids"],
              "heads":[{{"name":"sentiment","output":"s","labels":["negative","neutral","positive"]}},
                       {{"name":"topic","output":"t","labels":["A"]}}{heads}],
              "embedding":{{"output":"e","dim":4}},"max_sequence_length":8,"model_sha256":"sha-a"}}"#
        );
        crate::model::ModelConfig::parse(json.as_bytes(), "m").unwrap()
    };
    let urgency = r#",{"name":"urgency","output":"u","labels":["low"]}"#;
    let category = r#",{"name":"category","output":"c","labels":["x"]}"#;
    let err = back
        .check_classifier(&config(&format!("{urgency}{category}")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`category` head"), "{err}");
    assert!(back.check_classifier(&config(urgency)).is_ok());
    // A damaged file is a one-line error naming it.
    std::fs::write(&path, "{\"format\": 1}").unwrap();
    let err = Taxonomy::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("taxonomy.json") && !err.contains('\n'),
        "{err}"
    );
}

#[test]
fn multi_label_uses_per_label_thresholds() {
    // Tickets near "billing" carry billing; near "outage" outage; the
    // ones in between carry both.
    let (mut e, mut labels) = separable();
    for i in 0..12 {
        let j = (i as f32 * 0.71).cos() * 0.2;
        e.extend([1.6 + j, 0.0, 1.6 - j, 0.5]);
        labels.push(vec!["billing".into(), "outage".into()]);
    }
    let p = TrainParams {
        multi_label: true,
        ..TrainParams::default()
    };
    let mut t = train(&e, &labels, p).unwrap();
    assert_eq!(t.kind, TaxonomyKind::MultiLabel);
    let both = t.assign(&[1.6, 0.0, 1.6, 0.5]);
    assert_eq!(t.label_text(&both), {
        let mut v = ["billing", "outage"];
        // Best first.
        if both.probabilities[2] > both.probabilities[0] {
            v.reverse();
        }
        v.join(";")
    });
    assert_eq!(t.label_text(&t.assign(&[0.0, 3.0, 0.0, 0.5])), "login");
    // Raising a threshold above every probability drops that label.
    let login = t.labels.iter().position(|l| l == "login").unwrap();
    t.thresholds[login] = 1.01;
    assert_eq!(t.label_text(&t.assign(&[0.0, 3.0, 0.0, 0.5])), "");
}

#[test]
fn thresholds_are_tuned_for_each_labels_f1() {
    // Label 0 is rare: its positives score 0.3–0.4 out of fold, its
    // negatives ≤ 0.1, so 0.5 would miss all of them. Thresholds 0.25 and
    // 0.3 both reach F1 = 1; the tie goes to the one nearer 0.5. Label 1's
    // positives score 0.9 and one negative 0.6: best from 0.65 to 0.75
    // (the grid's top), nearest 0.5 is 0.65. Label 2 never occurs: F1 is
    // 0 everywhere and its threshold stays 0.5. Label 3's positives score
    // 0.05: the grid stops at 0.25, so it keeps the neutral 0.5 (F1 0).
    let probs = vec![
        vec![0.3, 0.9, 0.1, 0.05],
        vec![0.35, 0.1, 0.1, 0.05],
        vec![0.4, 0.1, 0.1, 0.0],
        vec![0.1, 0.6, 0.1, 0.0],
        vec![0.05, 0.9, 0.1, 0.0],
    ];
    let targets = vec![vec![0, 1, 3], vec![0, 3], vec![0], vec![], vec![1]];
    let th = tune_thresholds(&probs, &targets, 4);
    assert!((th[0] - 0.3).abs() < 1e-6, "{th:?}");
    assert!((th[1] - 0.65).abs() < 1e-6, "{th:?}");
    assert!((th[2] - 0.5).abs() < 1e-6, "{th:?}");
    assert!((th[3] - 0.5).abs() < 1e-6, "{th:?}");
}

#[test]
fn bad_label_columns_are_one_line_errors() {
    let (e, _) = separable();
    let one: Vec<Vec<String>> = (0..30).map(|_| vec!["billing".to_string()]).collect();
    let err = train(&e, &one, TrainParams::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("one class (`billing`)"), "{err}");
    let err = train(&[], &[], TrainParams::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("label column is empty"), "{err}");
    // Small labels: merged into `other` by default, refused on request.
    let (e, mut labels) = separable();
    labels[0] = vec!["rare".into()];
    let t = train(&e, &labels, TrainParams::default()).unwrap();
    assert!(t.labels.contains(&OTHER.to_string()));
    assert_eq!(t.training.merged_into_other, ["rare"]);
    let refuse = TrainParams {
        small_labels: SmallLabels::Refuse,
        ..TrainParams::default()
    };
    let err = train(&e, &labels, refuse).unwrap_err().to_string();
    assert!(err.contains("fewer than 5 examples: rare"), "{err}");
    // A built-in column's name, or a label with the `;` separator.
    let topic = TrainParams {
        name: "topic".into(),
        ..TrainParams::default()
    };
    let err = train(&e, &labels, topic).unwrap_err().to_string();
    assert!(err.contains("built-in column"), "{err}");
    let (e, mut labels) = separable();
    for l in labels.iter_mut().filter(|l| l[0] == "login") {
        l[0] = "login; sso".into();
    }
    let err = train(&e, &labels, TrainParams::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("contains `;`"), "{err}");
    assert!(TrainParams {
        folds: 1,
        ..TrainParams::default()
    }
    .check()
    .is_err());
}

#[test]
fn names_file_parses_and_prototypes_pick_the_nearest() {
    let specs = parse_names(
        "# tags\ncard_arrival: my card has not arrived; where is my card\n\nLogin/SSO\n",
    )
    .unwrap();
    assert_eq!(specs[0].label, "card_arrival");
    assert_eq!(
        specs[0].texts,
        [
            "card arrival",
            "my card has not arrived",
            "where is my card"
        ]
    );
    assert_eq!(specs[1].texts, ["Login / SSO"]);
    assert!(parse_names("only\n").is_err());
    let err = parse_names("a\nb\na\n").unwrap_err().to_string();
    assert!(err.contains("line 3"), "{err}");
    // Hand-made "embeddings": card texts along x, login along y.
    let emb = [1.0, 0.1, 0.9, 0.0, 1.0, 0.2, 0.0, 1.0];
    let params = NamesParams {
        other_threshold: Some(0.5),
        ..NamesParams::default()
    };
    let t = from_names(&specs, &emb, 2, &params, "sha", "names.txt").unwrap();
    assert_eq!(t.label_text(&t.assign(&[0.9, 0.1])), "card_arrival");
    assert_eq!(t.label_text(&t.assign(&[0.1, 2.0])), "Login/SSO");
    // Opposite to both prototypes: below the threshold → other.
    assert_eq!(t.label_text(&t.assign(&[-1.0, -1.0])), OTHER);
}
