//! `ticketlens kpi` on field cases of issue #10 (inputs copied under
//! tests/data/field/): KPI definitions on real exports. Expected values are
//! the hand-computed ones of each case's expected.md.

use super::common;

use common::{bin, root, stderr_of};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn field(name: &str) -> PathBuf {
    root().join("tests/data/field").join(name)
}

/// Run `ticketlens kpi INPUT ARGS --out DIR -q`, assert success, return kpis.json.
fn kpi(input: &Path, args: &[&str], out: &Path) -> Value {
    let res = bin()
        .arg("kpi")
        .arg(input)
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(res.status.success(), "kpi failed: {}", stderr_of(&res));
    serde_json::from_slice(&std::fs::read(out.join("kpis.json")).unwrap()).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(v: &Value, want: f64, what: &str) {
    let got = num(v);
    assert!((got - want).abs() < 1e-3, "{what}: {got} vs {want}");
}

/// Field case 09: Intercom conversation parts, `lead` authors and bot
/// acknowledgements.
#[test]
fn intercom_parts_bots_do_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    let k = kpi(
        &field("intercom_parts.csv"),
        &["--conversations"],
        &dir.path().join("o"),
    );
    let o = &k["overall"];
    assert_eq!(o["tickets"], 5);
    // Teammate first responses [30, 45, 10, 60] → median 37.5 min.
    assert_eq!(o["first_response_minutes"]["count"], 4);
    close(&o["first_response_minutes"]["median"], 37.5, "FRT median");
    // c-1004 only got the bot's acknowledgement: open.
    assert_eq!(o["backlog"], 1);
    let c = &k["conversations"];
    assert_eq!(
        (c["messages"].as_u64(), c["rejected"].as_u64()),
        (Some(15), Some(0))
    );
    assert_eq!(
        (c["replies"].as_u64(), c["bot_messages"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(c["open_threads"], 1);
    assert_eq!(c["threads_bot_only"], 1);
}

/// `--bot-author` needs `--conversations`, and a bad pattern is a one-line error.
#[test]
fn bot_author_option_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = field("intercom_parts.csv");
    let res = bin()
        .arg("kpi")
        .arg(&input)
        .args(["--conversations", "--bot-author", "(oops", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = stderr_of(&res);
    assert!(err.contains("invalid --bot-author `(oops`"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let res = bin()
        .arg("kpi")
        .arg(&input)
        .args(["--bot-author", "x", "--out"])
        .arg(dir.path().join("p"))
        .output()
        .unwrap();
    assert!(!res.status.success());
}

/// Field case 14: the two first-contact resolution definitions.
#[test]
fn zendesk_fcr_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let input = field("zendesk_fcr.csv");
    let k = kpi(
        &input,
        &["--business-hours", "Mon-Fri 09:00-17:00 UTC"],
        &dir.path().join("a"),
    );
    let o = &k["overall"];
    assert_eq!(k["options"]["fcr_definition"], "one-touch");
    close(&o["fcr_rate"], 0.625, "one-touch FCR");
    close(&o["reopen_rate"], 0.125, "reopen rate");
    close(
        &o["first_response_minutes"]["median"],
        480.0,
        "calendar FRT",
    );
    close(
        &o["first_response_business_minutes"]["median"],
        37.5,
        "business FRT",
    );
    let k = kpi(&input, &["--fcr", "one-reply"], &dir.path().join("b"));
    assert_eq!(k["options"]["fcr_definition"], "one-reply");
    close(&k["overall"]["fcr_rate"], 0.5, "one-reply FCR");
}

/// Field case 01's extra check: Zendesk's space-separated Tags, `--by tag`
/// counts every ticket under each of its tags; overall KPIs unchanged.
#[test]
fn zendesk_by_tag_counts_every_tag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let k = kpi(&field("zendesk_export.csv"), &["--by", "tag"], &out);
    let o = &k["overall"];
    assert_eq!(o["tickets"], 12);
    assert_eq!(
        (o["resolved"].as_u64(), o["backlog"].as_u64()),
        (Some(8), Some(4))
    );
    close(&o["fcr_rate"], 0.5, "FCR");
    close(&o["sla_breach_rate"], 5.0 / 12.0, "SLA");
    let tags = k["by"]["tag"].as_object().unwrap();
    let counts: Vec<(&str, u64)> = tags
        .iter()
        .map(|(k, v)| (k.as_str(), v["tickets"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("billing", 4), ("general", 8), ("web_order", 12)]);
    let mut r = csv::Reader::from_path(out.join("kpis_by_tag.csv")).unwrap();
    let rows: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].to_string(), x[1].to_string())
        })
        .collect();
    let want = [("billing", "4"), ("general", "8"), ("web_order", "12")];
    assert_eq!(
        rows,
        want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
    );
}

/// Field case 04 (ISO-dated copy): Jira's Highest…Lowest priorities pick
/// the right resolution targets → 4 of 9 breach.
#[test]
fn jira_priorities_in_resolution_sla() {
    let dir = tempfile::tempdir().unwrap();
    let k = kpi(
        &field("jira_export_isodates.csv"),
        &[
            "--by",
            "priority",
            "--sla-resolution",
            "urgent=4h,high=8h,normal=24h,low=72h",
        ],
        &dir.path().join("o"),
    );
    let o = &k["overall"];
    assert_eq!(
        (o["resolved"].as_u64(), o["backlog"].as_u64()),
        (Some(6), Some(3))
    );
    close(&o["resolution_hours"]["median"], 2.25, "resolution median");
    let s = &o["sla_resolution"];
    assert_eq!(
        (s["breached"].as_u64(), s["eligible"].as_u64()),
        (Some(4), Some(9))
    );
    assert_eq!(
        k["by"]["priority"]["Highest"]["sla_resolution"]["breached"],
        1
    );
}

/// `kpi` runs no model, so an export without any text column gives KPIs
/// (field case 02, run a); terminal statuses are not backlog.
#[test]
fn kpi_needs_no_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("no_text.csv");
    std::fs::write(
        &input,
        "Id,Status,Priority,Created at,Solved at,Replies,Reopens\n\
         1,Solved,P1,2024-03-04 09:00,2024-03-04 11:00,1,0\n\
         2,Open,P2,2024-03-04 10:00,,0,0\n\
         3,Spam,P3,2024-03-04 11:00,2024-03-04 11:05,0,0\n\
         4,Closed,P4,2024-03-04 12:00,2024-03-05 12:00,2,1\n",
    )
    .unwrap();
    let k = kpi(&input, &[], &dir.path().join("o"));
    let o = &k["overall"];
    assert_eq!(o["tickets"], 4);
    assert_eq!(
        (
            o["resolved"].as_u64(),
            o["terminal"].as_u64(),
            o["backlog"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    // Resolution hours [2, 24]; FCR one-touch: ticket 1 of the 2 resolved.
    close(&o["resolution_hours"]["median"], 13.0, "resolution median");
    close(&o["fcr_rate"], 0.5, "FCR");
}

/// `analyze --conversations` rebuilds the same tickets as `kpi
/// --conversations` (field case 09), runs every stage on them, and writes
/// one enriched row per ticket under ticket-field names, so the enriched
/// file reads back as a ticket export with the same KPIs.
#[test]
fn analyze_conversations_runs_every_stage_on_rebuilt_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    let res = bin()
        .arg("analyze")
        .arg(field("intercom_parts.csv"))
        .args(["--conversations", "--no-cache", "-q", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success(), "analyze failed: {}", stderr_of(&res));
    assert!(
        stderr_of(&res).contains("5 threads rebuilt from 15 messages; 1 message outside"),
        "{}",
        stderr_of(&res)
    );
    let k: Value = serde_json::from_slice(&std::fs::read(out.join("kpis.json")).unwrap()).unwrap();
    let o = &k["overall"];
    assert_eq!(o["tickets"], 5);
    close(&o["first_response_minutes"]["median"], 37.5, "FRT median");
    assert_eq!(o["backlog"], 1);
    assert_eq!(k["conversations"]["threads"], 5);
    // Rows read count messages, as kpi --conversations counts them.
    let kpi_side = kpi(
        &field("intercom_parts.csv"),
        &["--conversations"],
        &dir.path().join("k"),
    );
    assert_eq!(k["data_quality"], {
        let mut q = kpi_side["data_quality"].clone();
        q["rejects_file"] = k["data_quality"]["rejects_file"].clone();
        q
    });
    assert_eq!(k["conversations"], kpi_side["conversations"]);
    // Every ticket classified and themed.
    let enriched = out.join("tickets_enriched.csv");
    let mut r = csv::Reader::from_path(&enriched).unwrap();
    let headers = r.headers().unwrap().clone();
    assert_eq!(&headers[0], "ticket_id");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 5);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for row in &rows {
        assert!(!row[col("sentiment")].is_empty() && !row[col("theme_id")].is_empty());
    }
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("ticket_id")]).collect();
    assert_eq!(ids, ["c-1001", "c-1002", "c-1003", "c-1004", "c-1005"]);
    // Read back as a ticket export: the same KPIs.
    let back = kpi(&enriched, &[], &dir.path().join("b"));
    assert_eq!(back["overall"]["tickets"], 5);
    close(
        &back["overall"]["first_response_minutes"]["median"],
        37.5,
        "FRT median read back",
    );
    assert_eq!(back["overall"]["backlog"], 1);
}

/// `analyze --conversations` rejects a thread whose customer text is empty
/// after cleaning at its first message's row, written as read (`;` kept),
/// and counts none of its messages as used; ticket-export reading options
/// are refused, not ignored.
#[test]
fn analyze_conversations_rejects_an_empty_thread_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("log.csv");
    std::fs::write(
        &input,
        "conversation_id;author_id;author_type;created_at;body\n\
         c1;u1;user;2024-03-04T09:00:00Z;My order is late\n\
         c1;a1;admin;2024-03-04T09:30:00Z;Sorry, checking\n\
         c2;u2;user;2024-03-04T10:00:00Z;<div><br></div>\n\
         c2;a1;admin;2024-03-04T10:20:00Z;Hello?\n\
         c2;u2;user;2024-03-04T10:25:00Z;<p></p>\n",
    )
    .unwrap();
    let out = dir.path().join("a");
    let res = bin()
        .arg("analyze")
        .arg(&input)
        .args([
            "--conversations",
            "--max-reject-rate",
            "100",
            "--no-cache",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", stderr_of(&res));
    assert!(
        stderr_of(&res).contains("2 threads rebuilt from 5 messages (1 thread rejected"),
        "{}",
        stderr_of(&res)
    );
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    assert!(
        rejects.contains("4,\"empty text after cleaning") && rejects.contains("c2;u2;user;"),
        "{rejects}"
    );
    let k: Value = serde_json::from_slice(&std::fs::read(out.join("kpis.json")).unwrap()).unwrap();
    let q = &k["data_quality"];
    assert_eq!(
        (q["rows_read"].as_u64(), q["rows_used"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(q["rows_rejected"], 1);
    assert_eq!(k["overall"]["tickets"], 1);
    let run: Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["rows"]["messages_read"], 5);
    assert_eq!(run["rows"]["tickets_written"], 1);
    let refused = bin()
        .arg("analyze")
        .arg(&input)
        .args(["--conversations", "--date-order", "dmy", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr_of(&refused));
}
