//! `ticketlens churn train|score` through the binary, spelled as in the churn
//! issue (`--tickets`, `--model-out`, `--model`), with the tiny classifier.

use super::common;

use common::{bin, fixture, stderr_of};

#[test]
fn train_then_score_with_the_issue_spellings() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("churn_model.json");
    let eval = dir.path().join("churn_eval.json");
    let at_risk = dir.path().join("at_risk.csv");
    let tiny = fixture("models/tiny");
    let res = bin()
        .args(["churn", "train", "--tickets", &fixture("tickets.csv")])
        .args(["--customers", &fixture("customers.csv")])
        .args(["--model-out", model.to_str().unwrap()])
        .args(["--eval-out", eval.to_str().unwrap()])
        .args(["--classifier-model", &tiny, "--sla", "urgent=30", "-q"])
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["schema"]["sla_minutes"][0], 30.0);
    assert!(eval.exists());
    // Rejected ticket rows are kept beside the model, not thrown away.
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("ground_truth.json")).unwrap())
            .unwrap();
    let n_rejects = truth["rejects"].as_array().unwrap().len();
    let count = |p: &std::path::Path| csv::Reader::from_path(p).unwrap().records().count();
    assert_eq!(
        count(&dir.path().join("churn_model.json.rejects.csv")),
        n_rejects
    );

    // Positional tickets and the `--churn-model` alias still work.
    for (tickets_flag, model_flag) in [(true, "--model"), (false, "--churn-model")] {
        let mut cmd = bin();
        cmd.args(["churn", "score"]);
        if tickets_flag {
            cmd.arg("--tickets");
        }
        let res = cmd
            .arg(fixture("tickets.csv"))
            .args([model_flag, model.to_str().unwrap()])
            .args(["-o", at_risk.to_str().unwrap()])
            .args(["--classifier-model", &tiny, "-q"])
            .output()
            .unwrap();
        assert!(res.status.success(), "{}", stderr_of(&res));
        let text = std::fs::read_to_string(&at_risk).unwrap();
        assert!(text.starts_with("customer_id,churn_risk,risk_band,top_factors,"));
        assert!(text.lines().count() > 250);
        assert_eq!(
            count(&dir.path().join("at_risk.csv.rejects.csv")),
            n_rejects
        );
    }
}

#[test]
fn ticket_file_given_twice_or_not_at_all_is_one_line_error() {
    let both = bin()
        .args(["churn", "score", "--tickets", "a.csv", "b.csv"])
        .args(["--model", "m.json"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(1));
    let e = stderr_of(&both);
    assert!(e.contains("not both") && e.lines().count() == 1, "{e}");
    let none = bin()
        .args(["churn", "train", "--customers", "c.csv"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    let e = stderr_of(&none);
    assert!(
        e.contains("--tickets FILE") && e.lines().count() == 1,
        "{e}"
    );
}
