//! `ticketlens classify` end to end through the binary, with the tiny model:
//! outputs, rejects, and every bad-input error being one line + non-zero exit.

use super::common;

use common::{bin, root, stderr_of, tiny};
use std::path::Path;

fn data_rows(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    r.byte_records().count()
}

#[test]
fn classify_fixtures_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("enriched.csv");
    let input = root().join("fixtures/tickets.csv");
    let res = bin()
        .args([
            "classify",
            input.to_str().unwrap(),
            "--model",
            &tiny(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let err = stderr_of(&res);

    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    for col in [
        "ticket_id",
        "body",
        "sentiment",
        "sentiment_confidence",
        "p_negative",
        "p_neutral",
        "p_positive",
        "topic",
        "topic_confidence",
    ] {
        assert!(
            headers.contains(&col.to_string()),
            "missing column {col} in {headers:?}"
        );
    }
    let written = rdr.records().count();
    let rejects = dir.path().join("enriched.csv.rejects.csv");
    let rejected = data_rows(&rejects);
    assert!(rejected > 0, "the fixtures contain broken rows");
    let total = data_rows(&input);
    assert_eq!(
        written + rejected,
        total,
        "every input row is written or rejected"
    );
    assert!(
        err.contains(&format!("{written} written"))
            && err.contains(&format!("{rejected} rejected")),
        "{err}"
    );

    // Rejects carry a 1-based line number and a reason.
    let mut rr = csv::Reader::from_path(&rejects).unwrap();
    assert_eq!(
        rr.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["line", "reason", "raw"]
    );
    for rec in rr.records() {
        let rec = rec.unwrap();
        assert!(rec[0].parse::<u64>().unwrap() >= 2);
        assert!(!rec[1].is_empty());
    }

    // Embeddings side file: one row per written row.
    let emb = ticketlens::embeddings::Embeddings::read_npy(
        &dir.path().join("enriched.csv.embeddings.npy"),
    )
    .unwrap();
    assert_eq!(emb.rows(), written);
    assert_eq!(emb.dim, 64);

    // Formula injection from ticket text is neutralised.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        !text.contains(",=HYPERLINK"),
        "formula cell not neutralised"
    );
}

#[test]
fn strict_turns_rejects_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let res = bin()
        .args([
            "classify",
            "fixtures/tickets.csv",
            "--model",
            &tiny(),
            "--strict",
            "-o",
            out.to_str().unwrap(),
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = stderr_of(&res);
    assert_eq!(
        err.trim().lines().filter(|l| l.contains("error")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("rejected"), "{err}");
}

#[test]
fn jsonl_output_and_stdin_input() {
    let csv = "id,subject,body\n1,Refund,Where is my refund?\n2,,\"Thanks, all good now\"\n";
    let res = bin()
        .args([
            "classify",
            "-",
            "--model",
            &tiny(),
            "--format",
            "jsonl",
            "--no-embeddings",
            "--rejects",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("r.csv"))
        .write_stdin(csv)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let out = String::from_utf8(res.stdout).unwrap();
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "1");
    assert!(rows[1]["p_negative"].as_f64().is_some());
}

/// `-o -` writes to stdout like no `-o` at all: no file named "-" and no
/// "-.embeddings.npy" beside it (the rejects go where stdout's go).
#[test]
fn dash_output_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,body\n1,Where is my refund?\n2,\"Thanks, all good now\"\n";
    let res = bin()
        .current_dir(dir.path())
        .args(["classify", "-", "--model", &tiny(), "-o", "-"])
        .write_stdin(csv)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let mut r = csv::Reader::from_reader(res.stdout.as_slice());
    assert_eq!(r.records().count(), 2);
    let mut files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["ticketlens.rejects.csv"]);
}

#[test]
fn bad_inputs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let no_text = dir.path().join("no_text.csv");
    std::fs::write(&no_text, "id,created_at\n1,2025-01-01\n").unwrap();
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                "classify".into(),
                no_text.display().to_string(),
                "--model".into(),
                tiny(),
            ],
            vec![],
            "missing required column",
        ),
        (
            vec![
                "classify".into(),
                "does/not/exist.csv".into(),
                "--model".into(),
                tiny(),
            ],
            vec![],
            "does/not/exist.csv",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                "no/such/model".into(),
            ],
            vec![],
            "model no/such/model",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                tiny(),
            ],
            vec![("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")],
            "ONNX Runtime",
        ),
        (
            vec![
                "classify".into(),
                "fixtures/tickets.csv".into(),
                "--model".into(),
                tiny(),
                "--map".into(),
                "nonsense=x".into(),
            ],
            vec![],
            "--map",
        ),
    ];
    for (args, env, want) in cases {
        let mut cmd = bin();
        cmd.args(&args).current_dir(root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let res = cmd.output().unwrap();
        let err = stderr_of(&res);
        assert!(!res.status.success(), "{args:?} should fail");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err:?}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: not one line: {err:?}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn explain_mapping_reads_stdin_once() {
    let csv = "Ticket ID,Ticket Subject,Ticket Description\n1,Refund,Where is my refund?\n2,Login,I cannot log in\n";
    let res = bin()
        .args([
            "classify",
            "-",
            "--model",
            &tiny(),
            "--explain-mapping",
            "-q",
        ])
        .args(["--no-embeddings", "--rejects"])
        .arg(tempfile::tempdir().unwrap().path().join("r.csv"))
        .write_stdin(csv)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let err = stderr_of(&res);
    assert!(
        err.contains("Ticket Description"),
        "mapping not shown: {err}"
    );
    let mut r = csv::Reader::from_reader(res.stdout.as_slice());
    let ids: Vec<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
    assert_eq!(ids, ["1", "2"], "rows lost to a second read of stdin");
}

#[test]
fn every_command_help_explains_inputs_outputs_and_defaults() {
    for (cmd, phrase) in [
        (vec!["classify"], "<OUTPUT>.rejects.csv"),
        (vec!["analyze"], "report.html"),
        (vec!["kpi"], "kpis.json"),
        (vec!["themes"], "themes.json"),
        (vec!["churn"], "at_risk.csv"),
        (vec!["churn", "train"], "held-out"),
        (vec!["churn", "score"], "at_risk.csv"),
    ] {
        let res = bin().args(&cmd).arg("--help").output().unwrap();
        assert!(res.status.success(), "{cmd:?}");
        let text = String::from_utf8_lossy(&res.stdout);
        assert!(
            text.contains(phrase),
            "{cmd:?} --help lacks {phrase:?}:\n{text}"
        );
        if cmd != ["churn"] {
            // `churn` itself only lists train/score.
            assert!(
                text.contains("[default: "),
                "{cmd:?} --help shows no defaults"
            );
        }
    }
}

#[test]
fn more_bad_inputs_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let no_created = dir.path().join("no_created.csv");
    std::fs::write(&no_created, "id,body\n1,hello\n").unwrap();
    let broken_model = dir.path().join("model");
    std::fs::create_dir(&broken_model).unwrap();
    for f in ["model.onnx", "tokenizer.json", "ticketlens.json"] {
        std::fs::copy(
            root().join("fixtures/models/tiny").join(f),
            broken_model.join(f),
        )
        .unwrap();
    }
    std::fs::write(broken_model.join("tokenizer.json"), b"{ not json").unwrap();
    let out_dir = dir.path().join("out").display().to_string();
    let nc = no_created.display().to_string();
    let bm = broken_model.display().to_string();
    let t = tiny();
    // `analyze` runs on a file without a creation time (without periods,
    // trends and churn; tests/cli_quality.rs); `kpi` needs one.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["kpi", &nc, "--out", &out_dir], "created_at"),
        (
            vec![
                "classify",
                "fixtures/tickets.csv",
                "--model",
                &t,
                "--timezone",
                "Mars/Olympus",
            ],
            "--timezone",
        ),
        (
            vec![
                "classify",
                "fixtures/tickets.csv",
                "--model",
                &t,
                "--map",
                "created_at",
            ],
            "expected FIELD=COLUMN",
        ),
        (
            vec!["classify", "fixtures/tickets.csv", "--model", &bm],
            "tokenizer.json",
        ),
    ];
    for (args, want) in cases {
        let res = bin().args(&args).current_dir(root()).output().unwrap();
        let err = stderr_of(&res);
        assert!(!res.status.success(), "{args:?} should fail");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err:?}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: not one line: {err:?}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// `taxonomy train` → `classify --taxonomy` through the binary (tiny model:
/// the mechanics, not the accuracy, which the library tests and the
/// BANKING77 bench cover): the evaluation is printed and saved, the
/// columns are added, the team's own label column is kept, and bad label
/// columns or another model's taxonomy are one-line errors.
#[test]
fn taxonomy_train_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tagged.csv");
    let mut csv = String::from("id,created_at,subject,category,customer_id\n");
    let topics = [
        ("billing", "I was charged twice on my invoice"),
        ("login", "I cannot sign in, the password reset fails"),
        ("outage", "The whole site is down and returns errors"),
    ];
    for i in 0..36 {
        let (label, text) = topics[i % 3];
        // Every fourth row unlabelled: skipped and counted.
        let label = if i % 4 == 3 { "" } else { label };
        let day = 1 + i % 9;
        csv.push_str(&format!(
            "{i},2025-03-{day:02}T10:00:00Z,\"{text} (case {i})\",{label},c{}\n",
            i % 12
        ));
    }
    std::fs::write(&input, csv).unwrap();
    let tax = dir.path().join("taxonomy.json");
    let run = |args: &[&str]| bin().args(args).output().unwrap();
    let out = run(&[
        "taxonomy",
        "train",
        input.to_str().unwrap(),
        "--label-column",
        "Category",
        "--folds",
        "3",
        "--model",
        &tiny(),
        "-o",
        tax.to_str().unwrap(),
    ]);
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("3 labels from 27 labelled tickets (9 unlabelled skipped)"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Precision"));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&tax).unwrap()).unwrap();
    assert_eq!(
        saved["labels"],
        serde_json::json!(["billing", "login", "outage"])
    );
    assert_eq!(saved["evaluation"]["folds"], 3);
    assert_eq!(saved["training"]["source"], "tagged.csv");

    let tagged = dir.path().join("out.csv");
    let out = run(&[
        "classify",
        input.to_str().unwrap(),
        "--model",
        &tiny(),
        "--taxonomy",
        tax.to_str().unwrap(),
        "-o",
        tagged.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut r = ::csv::Reader::from_path(&tagged).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    // The input's own `category` stays; predictions beside it.
    for h in [
        "category",
        "category_predicted",
        "category_predicted_confidence",
    ] {
        assert!(headers.iter().any(|x| x == h), "{h} in {headers:?}");
    }
    let col = headers
        .iter()
        .position(|h| h == "category_predicted")
        .unwrap();
    let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 36);
    assert!(rows
        .iter()
        .all(|x| ["billing", "login", "outage"].contains(&&x[col])));

    // suggest: the 5 most uncertain of the 9 unlabelled rows.
    let todo = dir.path().join("to_label.csv");
    let out = run(&[
        "taxonomy",
        "suggest",
        input.to_str().unwrap(),
        "--taxonomy",
        tax.to_str().unwrap(),
        "--label-column",
        "category",
        "-n",
        "5",
        "--model",
        &tiny(),
        "-o",
        todo.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("5 of 9 unlabelled tickets"));
    let mut r = ::csv::Reader::from_path(&todo).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec![
            "line",
            "ticket_id",
            "text",
            "suggested",
            "confidence",
            "margin",
            "runner_up"
        ]
    );
    let margins: Vec<f64> = r
        .records()
        .map(|x| x.unwrap()[5].parse().unwrap())
        .collect();
    assert_eq!(margins.len(), 5);

    // analyze: the taxonomy joins the KPI dimensions and the report.
    let an = dir.path().join("an");
    let out = run(&[
        "analyze",
        input.to_str().unwrap(),
        "--model",
        &tiny(),
        "--taxonomy",
        tax.to_str().unwrap(),
        "--out",
        an.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let k: serde_json::Value =
        serde_json::from_slice(&std::fs::read(an.join("kpis.json")).unwrap()).unwrap();
    // The input has its own `category`: the taxonomy's dimension and
    // column are `category_predicted`, in kpis.json, the report and the file.
    let groups = k["by"]["category_predicted"]
        .as_object()
        .expect("KPIs by category_predicted");
    let n: u64 = groups
        .values()
        .map(|g| g["tickets"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 36);
    let html = std::fs::read_to_string(an.join("report.html")).unwrap();
    assert!(html.contains("category_predicted mix (your taxonomy)"));
    // The taxonomy's own section: how it was built and its evaluation.
    assert!(html.contains("Your taxonomy: category_predicted"));
    assert!(html.contains("3 labels, trained (one label per ticket), from tagged.csv"));
    assert!(html.contains("3-fold cross-validated"));
    let enriched = an.join("tickets_enriched.csv");
    let header = std::fs::read_to_string(&enriched).unwrap();
    assert!(header
        .lines()
        .next()
        .unwrap()
        .contains("category_predicted_confidence"));
    // kpi reads the pair back: `--by category_predicted` works on the file.
    let out = run(&[
        "kpi",
        enriched.to_str().unwrap(),
        "--by",
        "category_predicted",
        "--out",
        dir.path().join("k").to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));

    // churn: the taxonomy's label shares are features; scoring with that
    // model needs the tickets tagged the same way.
    let customers = dir.path().join("customers.csv");
    let mut table = String::from("customer_id,churned\n");
    for c in 0..12 {
        table.push_str(&format!("c{c},{}\n", c % 2));
    }
    std::fs::write(&customers, table).unwrap();
    let churn_model = dir.path().join("churn_model.json");
    let common = |cmd: &str| {
        let mut v: Vec<String> = ["churn", cmd, "--tickets", input.to_str().unwrap()]
            .map(String::from)
            .to_vec();
        v.extend(["--classifier-model".into(), tiny(), "-q".into()]);
        v
    };
    let mut train = common("train");
    train.extend([
        "--customers".into(),
        customers.to_str().unwrap().into(),
        "--taxonomy".into(),
        tax.to_str().unwrap().into(),
        "--model-out".into(),
        churn_model.to_str().unwrap().into(),
        "--eval-out".into(),
        dir.path().join("churn_eval.json").to_str().unwrap().into(),
    ]);
    let out = bin().args(&train).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&churn_model).unwrap()).unwrap();
    let names = m["feature_names"].as_array().unwrap();
    for l in ["billing", "login", "outage"] {
        let col = format!("taxonomy_share:{l}");
        assert!(names.iter().any(|n| n == col.as_str()), "{col}");
    }
    let mut score = common("score");
    score.extend([
        "--model".into(),
        churn_model.to_str().unwrap().into(),
        "-o".into(),
        dir.path().join("at_risk.csv").to_str().unwrap().into(),
    ]);
    let out = bin().args(&score).output().unwrap();
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(err.contains("taxonomy `category_predicted`"), "{err}");
    score.extend(["--taxonomy".into(), tax.to_str().unwrap().into()]);
    let out = bin().args(&score).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));

    // One class, an empty column, another model: one-line errors.
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "subject,category\na,x\nb,x\nc,x\nd,x\ne,x\nf,x\n").unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "subject,category\na,\nb,\n").unwrap();
    for (file, want) in [(&one, "one class (`x`)"), (&empty, "label column is empty")] {
        let out = run(&[
            "taxonomy",
            "train",
            file.to_str().unwrap(),
            "--label-column",
            "category",
            "--model",
            &tiny(),
            "-o",
            dir.path().join("t.json").to_str().unwrap(),
        ]);
        let err = stderr_of(&out);
        assert!(!out.status.success());
        assert!(
            err.contains(want) && err.trim().lines().count() == 1,
            "{err}"
        );
    }
    let mut other = saved.clone();
    other["model_sha256"] = "0123456789abcdef".into();
    let other_path = dir.path().join("other.json");
    std::fs::write(&other_path, other.to_string()).unwrap();
    let out = run(&[
        "classify",
        input.to_str().unwrap(),
        "--model",
        &tiny(),
        "--taxonomy",
        other_path.to_str().unwrap(),
        "-q",
    ]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(err.contains("was built with model 0123456789ab"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// `themes fit` saves the themes; `analyze --theme-model` and `themes
/// --theme-model` assign tickets to them (same ids and labels), a new kind
/// of ticket shows up as an emerging theme, and a model fitted with
/// another embedding model is a one-line error.
#[test]
fn saved_theme_model_keeps_ids_and_finds_emerging_themes() {
    let dir = tempfile::tempdir().unwrap();
    let input = root().join("fixtures/tickets.csv");
    let model = dir.path().join("theme_model.json");
    let run = |args: &[&str]| bin().args(args).output().unwrap();
    let out = run(&[
        "themes",
        "fit",
        input.to_str().unwrap(),
        "--model",
        &tiny(),
        "-o",
        model.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    assert_eq!(saved["format"], "ticketlens-themes/1");
    let labels: Vec<String> = saved["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_string())
        .collect();
    assert!(labels.len() >= 2);

    // The same tickets plus 40 of a new kind.
    // Bytes: the fixtures hold one deliberately invalid UTF-8 row.
    let mut grown = std::fs::read(&input).unwrap();
    let end = grown.iter().position(|&b| b == b'\n').unwrap();
    let header = String::from_utf8(grown[..end].to_vec()).unwrap();
    let cols: Vec<&str> = header.trim_end().split(',').collect();
    if grown.last() != Some(&b'\n') {
        grown.push(b'\n');
    }
    let mut extra = String::new();
    for i in 0..40 {
        let cell = |c: &str| match c {
            "ticket_id" => format!("NEW-{i}"),
            "customer_id" => format!("CUS-9{i:03}"),
            "created_at" => format!("2025-06-{:02}T10:00:00Z", 1 + i % 28),
            "subject" => "Kernel panic in the sync daemon".to_string(),
            "body" => format!("zzqx kernel panic sync daemon segfault core dump {i}"),
            _ => String::new(),
        };
        let row: Vec<String> = cols.iter().map(|c| cell(c)).collect();
        extra.push_str(&row.join(","));
        extra.push('\n');
    }
    grown.extend_from_slice(extra.as_bytes());
    let grown_path = dir.path().join("grown.csv");
    std::fs::write(&grown_path, grown).unwrap();
    let an = dir.path().join("an");
    let out = run(&[
        "analyze",
        grown_path.to_str().unwrap(),
        "--model",
        &tiny(),
        "--theme-model",
        model.to_str().unwrap(),
        "--out",
        an.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let themes: serde_json::Value =
        serde_json::from_slice(&std::fs::read(an.join("themes.json")).unwrap()).unwrap();
    let list = themes["themes"].as_array().unwrap();
    // Saved ids keep their labels.
    for (id, label) in labels.iter().enumerate() {
        assert_eq!(list[id]["id"], id);
        assert_eq!(list[id]["label"].as_str().unwrap(), label);
        assert_eq!(list[id]["emerging"], false);
    }
    let info = &themes["theme_model"];
    assert_eq!(info["saved_themes"], labels.len());
    let emerging = info["emerging"].as_array().unwrap();
    assert_eq!(emerging.len(), 1, "{info}");
    let new = &list[labels.len()];
    assert_eq!(new["emerging"], true);
    assert!(new["size"].as_u64().unwrap() >= 30, "{new}");
    let html = std::fs::read_to_string(an.join("report.html")).unwrap();
    assert!(html.contains("Emerging themes, new since it was fitted"));

    // `themes --theme-model` on the enriched file and its embeddings.
    let out_dir = dir.path().join("th");
    let out = run(&[
        "themes",
        an.join("tickets_enriched.csv").to_str().unwrap(),
        "--embeddings",
        an.join("embeddings.npy").to_str().unwrap(),
        "--theme-model",
        model.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("1 emerging theme(s)"),
        "{}",
        stderr_of(&out)
    );

    // Fitted with the tiny model, refused with the default one.
    let out = run(&[
        "analyze",
        input.to_str().unwrap(),
        "--theme-model",
        model.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "-q",
    ]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("dimensional centres") || err.contains("was fitted with model"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// Options checked against the header fail before any row is read or any
/// rejects file is written: a mistyped `taxonomy train --label-column`, and
/// `themes fit` on an export without a text column (a one-line error naming
/// the missing field, not a run of "empty text" rejects).
#[test]
fn header_errors_come_before_reading_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    std::fs::write(
        &input,
        "subject,category\nrefund please,billing\ncannot log in,login\n",
    )
    .unwrap();
    let out_json = dir.path().join("t.json");
    let out = bin()
        .args([
            "taxonomy",
            "train",
            input.to_str().unwrap(),
            "--label-column",
            "categroy",
        ])
        .args(["--model", &tiny(), "-o", out_json.to_str().unwrap()])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(err.contains("label column `categroy` not found"), "{err}");
    assert!(!dir.path().join("t.json.rejects.csv").exists());

    let no_text = dir.path().join("n.csv");
    std::fs::write(&no_text, "ticket_id,created_at\n1,2025-03-01T10:00:00Z\n").unwrap();
    let model = dir.path().join("m.json");
    let out = bin()
        .args([
            "themes",
            "fit",
            no_text.to_str().unwrap(),
            "--model",
            &tiny(),
        ])
        .args(["-o", model.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!dir.path().join("m.json.rejects.csv").exists(), "{err}");
    assert!(!model.exists());
}

/// `--batch-rows 1` infers every text alone, so a ticket's outputs do not
/// depend on the other tickets of the file (the default model quantizes
/// activations per batch): the same rows in a smaller, reversed file get
/// byte-identical model columns.
#[test]
fn batch_rows_one_makes_results_independent_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(root().join("fixtures/tickets.csv"))
        .unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .take(150)
        .map(|x| x.unwrap().iter().map(String::from).collect::<Vec<_>>())
        .filter(|x: &Vec<String>| x.len() == headers.len())
        .collect();
    let write = |name: &str, rows: &[Vec<String>]| {
        let p = dir.path().join(name);
        let mut w = csv::Writer::from_path(&p).unwrap();
        w.write_record(&headers).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        p
    };
    let all = write("all.csv", &rows[..120]);
    let mut some: Vec<Vec<String>> = rows[40..120].to_vec();
    some.reverse();
    let some = write("some.csv", &some);
    let run = |input: &Path, out: &str| {
        let out = dir.path().join(out);
        let res = bin()
            .args([
                "classify",
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .args(["--no-cache", "--no-embeddings", "--batch-rows", "1", "-q"])
            .output()
            .unwrap();
        assert!(res.status.code().unwrap_or(1) <= 3, "{}", stderr_of(&res));
        let (h, r) = common::csv_rows(&out);
        let id = h.iter().position(|c| c == "ticket_id").unwrap();
        let first = h.iter().position(|c| c == "sentiment").unwrap();
        r.into_iter()
            .map(|row| (row[id].clone(), row[first..].to_vec()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let a = run(&all, "all_out.csv");
    let b = run(&some, "some_out.csv");
    assert!(b.len() >= 70);
    for (id, cells) in &b {
        assert_eq!(Some(cells), a.get(id), "ticket {id}");
    }
    let zero = bin()
        .args(["classify", all.to_str().unwrap(), "--batch-rows", "0"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2), "{}", stderr_of(&zero));
}

/// A model that declares a third head in `ticketlens.json` (the tiny
/// model plus an `urgency` output) gets it classified and written with no
/// code change: `urgency, urgency_confidence` after `topic_confidence`, in
/// CSV and JSONL; reading the file back does not take the pair for a
/// taxonomy. An input with its own `Urgency` column keeps it, and the
/// head's pair is then `urgency_predicted`, `urgency_predicted_confidence`.
#[test]
fn an_extra_model_head_is_classified_and_written() {
    /// `kpi ENRICHED --by urgency_predicted --out OUT`: its kpis.json.
    fn kpi_by_head(enriched: &std::path::Path, out: &std::path::Path) -> serde_json::Value {
        let run = bin()
            .arg("kpi")
            .arg(enriched)
            .args(["--by", "urgency_predicted", "-q", "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr_of(&run));
        serde_json::from_slice(&std::fs::read(out.join("kpis.json")).unwrap()).unwrap()
    }
    let dir = tempfile::tempdir().unwrap();
    let model = common::urgency_model(dir.path());
    let input = dir.path().join("in.csv");
    let mut csv = String::from("id,created_at,subject,customer_id,Urgency\n");
    let texts = [
        "The site is down and I cannot log in, this is urgent",
        "Could you send me last month's invoice?",
        "Thanks, the refund arrived",
    ];
    for i in 0..12 {
        csv.push_str(&format!(
            "{i},2025-03-0{}T10:00:00Z,\"{} ({i})\",c{},P{}\n",
            1 + i % 9,
            texts[i % 3],
            i % 4,
            1 + i % 3
        ));
    }
    std::fs::write(&input, csv).unwrap();
    for format in ["csv", "jsonl"] {
        let out = dir.path().join(format!("out.{format}"));
        let run = bin()
            .args(["classify", input.to_str().unwrap(), "--model"])
            .arg(&model)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr_of(&run));
        let levels = ["low", "normal", "high"];
        if format == "csv" {
            let (header, rows) = common::csv_rows(&out);
            let at = header.iter().position(|h| h == "topic_confidence").unwrap();
            assert_eq!(
                header[at + 1..at + 4],
                [
                    "urgency_predicted",
                    "urgency_predicted_confidence",
                    "language"
                ]
            );
            assert_eq!(rows.len(), 12);
            let own = header.iter().position(|h| h == "Urgency").unwrap();
            for r in &rows {
                assert!(r[own].starts_with('P'), "{r:?}");
                assert!(levels.contains(&r[at + 1].as_str()), "{r:?}");
                let p: f32 = r[at + 2].parse().unwrap();
                assert!(p > 1.0 / 3.0 - 1e-6 && p <= 1.0, "{r:?}");
            }
            let cols = ticketlens::ticket::EnrichedColumns::new(&header);
            assert_eq!(cols.taxonomy_name(), None);
            // kpi reads the head back: its column is a `--by` dimension, and
            // the groups are the predicted labels, every ticket in one.
            let kpis = kpi_by_head(&out, &dir.path().join("k"));
            let groups = kpis["by"]["urgency_predicted"].as_object().unwrap();
            let mut counted = 0;
            for (label, g) in groups {
                assert!(levels.contains(&label.as_str()), "{label}");
                let n = g["tickets"].as_u64().unwrap() as usize;
                let want = rows.iter().filter(|r| r[at + 1] == *label).count();
                assert_eq!(n, want, "{label}");
                counted += n;
            }
            assert_eq!(counted, 12);
        } else {
            let text = std::fs::read_to_string(&out).unwrap();
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                assert!(
                    levels.contains(&v["urgency_predicted"].as_str().unwrap()),
                    "{v}"
                );
                let p = v["urgency_predicted_confidence"].as_f64().unwrap();
                assert!(p <= 1.0, "{v}");
                assert!(v["Urgency"].as_str().unwrap().starts_with('P'), "{v}");
            }
        }
    }
    // analyze groups the KPIs by the head without being asked, under its
    // column's name (the input has its own `Urgency`), as kpi reads it back.
    let an = dir.path().join("an");
    let run = bin()
        .args([
            "analyze",
            input.to_str().unwrap(),
            "-q",
            "--no-cache",
            "--model",
        ])
        .arg(&model)
        .arg("--out")
        .arg(&an)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr_of(&run));
    let kpis: serde_json::Value =
        serde_json::from_slice(&std::fs::read(an.join("kpis.json")).unwrap()).unwrap();
    assert!(kpis["by"].get("urgency").is_none(), "{}", kpis["by"]);
    let groups = kpis["by"]["urgency_predicted"].as_object().unwrap();
    let read_back = kpi_by_head(&an.join("tickets_enriched.csv"), &dir.path().join("back"));
    let count = |g: &serde_json::Value| -> Vec<(String, u64)> {
        g.as_object()
            .unwrap()
            .iter()
            .map(|(l, v)| (l.clone(), v["tickets"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(
        count(&kpis["by"]["urgency_predicted"]),
        count(&read_back["by"]["urgency_predicted"])
    );
    assert!(groups
        .keys()
        .all(|l| ["low", "normal", "high"].contains(&l.as_str())));
    let n: u64 = groups
        .values()
        .map(|g| g["tickets"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 12);
}
