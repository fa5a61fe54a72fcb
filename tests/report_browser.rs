//! Opens a rendered report.html in headless Chromium, from disk, with the
//! network disabled, and checks what a reader would see: the page's script
//! ran without console errors, the XSS payloads in ticket text stayed text,
//! every section is there, tables sort, and a screenshot can be taken.
//!
//! Chromium is installed on demand (`apt-get install -y chromium` as root,
//! serialised with a lock file). When it cannot be installed the test fails
//! if `CI` is set and is skipped with a note otherwise.
//! `TICKETLENS_UPDATE_SCREENSHOT=1` also writes docs/report.png.

use chrono::{Duration, TimeZone, Utc};
use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};
use ticketlens::period::Period;
use ticketlens::report::html::{render, ReportInputs};
use ticketlens::{EnrichedTicket, Prediction, Sentiment, ThemeRef, Ticket};

const PWN_IMG: &str = "\"><img src=x onerror=\"document.title='pwned'\">";
const PWN_SCRIPT: &str = "<script>document.title='pwned'</script>";

/// Deterministic pseudo-random numbers (no seed drift between runs).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[((self.next() * items.len() as f64) as usize).min(items.len() - 1)]
    }
}

const TOPICS: [&str; 8] = [
    "BILLING",
    "REFUND",
    "LOGIN",
    "SHIPPING",
    "BUG",
    "FEATURE_REQUEST",
    "ACCOUNT",
    "CANCELLATION",
];
const THEMES: [(&str, &[&str]); 5] = [
    (
        "refund not received",
        &["refund", "days", "still", "waiting"],
    ),
    ("login code never arrives", &["code", "login", "sms", "2fa"]),
    (
        "package stuck in transit",
        &["tracking", "package", "courier"],
    ),
    (
        "double charged on renewal",
        &["charged", "twice", "renewal", "invoice"],
    ),
    ("app crashes on export", &["crash", "export", "pdf"]),
];

fn tickets() -> Vec<EnrichedTicket> {
    let mut rng = Lcg(7);
    let start = Utc.with_ymd_and_hms(2025, 3, 3, 0, 0, 0).unwrap();
    let mut out = Vec::new();
    for i in 0..2400u32 {
        let day = (rng.next() * 89.0) as i64; // 2025-03-03 .. 2025-05-30 (Friday of W22)
        let created = start + Duration::days(day) + Duration::minutes((rng.next() * 1440.0) as i64);
        // Theme 0 (refunds) grows over the quarter; the others stay flat.
        let theme = if rng.next() < 0.1 + 0.3 * day as f64 / 89.0 {
            0
        } else {
            1 + (rng.next() * 4.0) as usize % 4
        };
        let neg = rng.next() < 0.25 + 0.2 * (theme == 0) as u8 as f64 * day as f64 / 89.0;
        let resolved = rng.next() < 0.9 || day < 20;
        let frt = (rng.next().ln().abs() * 90.0).min(5000.0);
        let res = (rng.next().ln().abs() * 30.0).min(1500.0);
        let mut subject = format!("{} (order {})", THEMES[theme].0, 1000 + i);
        if i == 5 {
            subject = format!("Help {PWN_IMG}");
        }
        if i == 6 {
            subject = format!("Broken {PWN_SCRIPT}");
        }
        let t = Ticket {
            line: u64::from(i) + 2,
            id: format!("T{}", 10000 + i),
            customer_id: Some(format!("C{:03}", (rng.next() * 300.0) as u32)),
            created_at: created,
            first_response_minutes: Some(frt),
            resolved_at: resolved.then(|| created + Duration::minutes((res * 60.0) as i64)),
            status: Some(if resolved { "closed" } else { "open" }.into()),
            channel: Some(rng.pick(&["email", "chat", "phone", "web"]).into()),
            priority: Some(
                rng.pick(&["low", "normal", "normal", "high", "urgent"])
                    .into(),
            ),
            agent: Some(if i == 7 {
                PWN_IMG.to_string()
            } else {
                rng.pick(&["Ana", "Ben", "Chen", "Dara"]).into()
            }),
            csat: (rng.next() < 0.4).then(|| {
                if neg {
                    1.0 + (rng.next() * 3.0).floor()
                } else {
                    3.0 + (rng.next() * 3.0).floor().min(2.0)
                }
            }),
            subject: Some(subject),
            ..Default::default()
        };
        let mut e = EnrichedTicket::new(t);
        let sentiment = if neg {
            Sentiment::Negative
        } else if rng.next() < 0.7 {
            Sentiment::Neutral
        } else {
            Sentiment::Positive
        };
        e.prediction = Some(Prediction {
            sentiment,
            sentiment_confidence: 0.8,
            p_negative: if neg { 0.8 } else { 0.1 },
            p_neutral: 0.1,
            p_positive: 0.1,
            topic: if i == 8 {
                PWN_SCRIPT.to_string()
            } else {
                rng.pick(&TOPICS).to_string()
            },
            topic_confidence: 0.7,
        });
        e.theme = Some(ThemeRef {
            id: theme,
            label: THEMES[theme].0.into(),
            distance: 0.2,
        });
        out.push(e);
    }
    out
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// KPI-like numbers per group, computed simply from the fixture tickets.
fn stats(ts: &[&EnrichedTicket]) -> Value {
    let mut frt: Vec<f64> = ts.iter().filter_map(|t| t.ticket.frt_minutes()).collect();
    let mut res: Vec<f64> = ts
        .iter()
        .filter_map(|t| t.ticket.resolution_hours())
        .collect();
    let csat: Vec<f64> = ts.iter().filter_map(|t| t.ticket.csat).collect();
    let neg = ts
        .iter()
        .filter(|t| {
            t.prediction
                .as_ref()
                .is_some_and(|p| p.sentiment == Sentiment::Negative)
        })
        .count();
    let n = ts.len().max(1) as f64;
    json!({
        "tickets": ts.len(),
        "backlog": ts.iter().filter(|t| !t.ticket.is_resolved()).count(),
        "first_response_minutes": {"median": median(&mut frt), "p90": frt.get(frt.len() * 9 / 10), "count": frt.len()},
        "resolution_hours": {"median": median(&mut res), "p90": res.get(res.len() * 9 / 10), "count": res.len()},
        "csat_rate": (!csat.is_empty()).then(|| csat.iter().filter(|c| **c >= 4.0).count() as f64 / csat.len() as f64),
        "nps": 100.0 * (0.42 - neg as f64 / n),
        "sla_breach_rate": frt.iter().filter(|m| **m > 240.0).count() as f64 / n,
        "escalation_rate": 0.06,
        "negative_share": neg as f64 / n,
    })
}

fn inputs(tickets: &[EnrichedTicket]) -> ReportInputs<'_> {
    let mut r = ReportInputs::new(
        format!("Support report: demo {PWN_SCRIPT}"),
        tickets,
        Period::Week,
        chrono_tz::UTC,
    );
    let all: Vec<&EnrichedTicket> = tickets.iter().collect();
    let mut by = serde_json::Map::new();
    for dim in ["channel", "priority", "agent"] {
        let mut groups = std::collections::BTreeMap::<String, Vec<&EnrichedTicket>>::new();
        for t in tickets {
            groups
                .entry(t.dimension(dim).unwrap_or_default())
                .or_default()
                .push(t);
        }
        by.insert(
            dim.into(),
            Value::Object(groups.into_iter().map(|(k, v)| (k, stats(&v))).collect()),
        );
    }
    let mut periods = std::collections::BTreeMap::<String, Vec<&EnrichedTicket>>::new();
    for t in tickets {
        periods
            .entry(Period::Week.key(t.ticket.created_at, chrono_tz::UTC))
            .or_default()
            .push(t);
    }
    let periods: serde_json::Map<String, Value> =
        periods.iter().map(|(k, v)| (k.clone(), stats(v))).collect();
    r.kpis = Some(json!({"overall": stats(&all), "by": by, "periods": periods}));
    let themes: Vec<Value> = THEMES
        .iter()
        .enumerate()
        .map(|(id, (label, kw))| {
            let members: Vec<&EnrichedTicket> = tickets.iter().filter(|t| t.theme.as_ref().is_some_and(|th| th.id == id)).collect();
            let s = stats(&members);
            let mut examples: Vec<Value> = members.iter().take(3).map(|t| json!({"ticket_id": t.ticket.id, "text": t.ticket.subject})).collect();
            if id == 0 {
                examples[0] = json!({"ticket_id": "T10005", "text": format!("Help {PWN_IMG} {PWN_SCRIPT}")});
            }
            json!({
                "id": id, "label": if id == 4 { format!("{label} {PWN_IMG}") } else { label.to_string() },
                "keywords": kw.iter().enumerate().map(|(i, k)| json!({"term": k, "weight": 1.0 - i as f64 * 0.1})).collect::<Vec<_>>(),
                "size": members.len(), "examples": examples, "negative_share": s["negative_share"],
                "kpis": {"first_response_minutes": {"median": s["first_response_minutes"]["median"]}, "csat_rate": s["csat_rate"]},
                "growth": ([0.85, 0.4, -0.1, 0.25, 0.05])[id]
            })
        })
        .collect();
    r.themes = Some(json!({
        "themes": themes,
        "trending": [
            {"theme_id": 0, "growth": 0.85, "z": 4.1, "p": 0.00002, "last_count": 61},
            {"theme_id": 1, "growth": 0.4, "z": 2.6, "p": 0.009, "last_count": 44},
            {"theme_id": 3, "growth": 0.25, "z": 2.0, "p": 0.04, "last_count": 30}
        ]
    }));
    for (key, group) in &periods_by_theme(tickets) {
        for (id, count) in group.iter().enumerate() {
            r.trends
                .push(json!({"theme": id.to_string(), "period": key, "count": count.to_string()}));
        }
    }
    r.at_risk = (0..30)
        .map(|i| {
            json!({
                "customer_id": if i == 2 { PWN_SCRIPT.to_string() } else { format!("C{:03}", 17 * i % 300) },
                "churn_risk": format!("{:.3}", 0.95 - i as f64 * 0.027),
                "risk_band": if i < 8 { "high" } else if i < 20 { "medium" } else { "low" },
                "top_factors": "rising negative tickets; slow first response; refund theme",
                "tickets_90d": 20 - i / 2, "last_contact": "2025-05-29", "last_sentiment": "negative",
                "plan": (["pro", "business", "starter"])[i % 3], "mrr": 1200 - 30 * i
            })
        })
        .collect();
    r.churn_eval = Some(json!({
        "holdout": {"roc_auc": 0.81, "pr_auc": 0.52, "brier": 0.142, "top10_precision": 0.61, "top10_recall": 0.34},
        "baseline": {"roc_auc": 0.66, "pr_auc": 0.31, "brier": 0.171, "top10_precision": 0.38, "top10_recall": 0.21},
        "cv": {"roc_auc": {"mean": 0.79, "sd": 0.025}, "folds": 5}
    }));
    r.run = json!({
        "versions": {"ticketlens": "0.1.0", "onnxruntime": "1.22"},
        "model": {"name": "ticket-minilm", "sha256": "5f2c0d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d"},
        "input": {"path": "tickets.csv", "sha256": "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"},
        "rows": {"read": 2412, "written": 2400, "rejected": 12},
        "timings": {"ingest": 0.21, "classify": 38.4, "kpis": 0.05, "themes": 1.9, "churn": 0.4, "report": 0.08},
        "options": {"period": "week", "timezone": "UTC"}
    });
    r
}

fn periods_by_theme(tickets: &[EnrichedTicket]) -> std::collections::BTreeMap<String, [u64; 5]> {
    let mut m = std::collections::BTreeMap::<String, [u64; 5]>::new();
    for t in tickets {
        if let Some(th) = &t.theme {
            m.entry(Period::Week.key(t.ticket.created_at, chrono_tz::UTC))
                .or_default()[th.id] += 1;
        }
    }
    m
}

// ---- Chromium plumbing -------------------------------------------------

fn find_chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn apt(args: &[&str]) -> bool {
    Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Chromium's path, installing it with apt-get when missing (one installer at
/// a time across processes: a lock file in the temp dir).
fn chromium() -> Result<PathBuf, String> {
    if let Some(p) = find_chromium() {
        return Ok(p);
    }
    if !is_root() {
        return Err("chromium is not installed and this user cannot apt-get install it".into());
    }
    let lock = std::env::temp_dir().join("ticketlens-chromium-install.lock");
    let deadline = Instant::now() + std::time::Duration::from_secs(20 * 60);
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&lock) {
            Ok(_) => break,
            Err(_) => {
                if let Some(p) = find_chromium() {
                    return Ok(p);
                }
                let stale = std::fs::metadata(&lock)
                    .and_then(|m| m.modified())
                    .map(|t| {
                        SystemTime::now()
                            .duration_since(t)
                            .unwrap_or_default()
                            .as_secs()
                            > 15 * 60
                    })
                    .unwrap_or(false);
                if stale {
                    let _ = std::fs::remove_file(&lock);
                } else if Instant::now() > deadline {
                    return Err("timed out waiting for another chromium install".into());
                }
                std::thread::sleep(std::time::Duration::from_secs(2));
            }
        }
    }
    eprintln!("report_browser: installing chromium with apt-get (one-off, a few minutes)…");
    let ok = apt(&["install", "-y", "--no-install-recommends", "chromium"])
        || (apt(&["update"]) && apt(&["install", "-y", "--no-install-recommends", "chromium"]));
    let _ = std::fs::remove_file(&lock);
    match (ok, find_chromium()) {
        (true, Some(p)) => Ok(p),
        _ => Err("`apt-get install -y chromium` failed".into()),
    }
}

/// The browser, or `None` (after a note) when the test should be skipped.
fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Ok(p) => Some(p),
        Err(e) if std::env::var_os("CI").is_some() => panic!("report_browser needs Chromium: {e}"),
        Err(e) => {
            eprintln!("report_browser: skipped: {e} (set CI=1 to make this a failure)");
            None
        }
    }
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Run Chromium headless on a local file with networking disabled.
fn run_chromium(bin: &Path, page: &Path, extra: &[String]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    let (out_p, err_p) = (tmp.path().join("stdout"), tmp.path().join("stderr"));
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&out_p).unwrap())
        .stderr(File::create(&err_p).unwrap())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Run {
        stdout: std::fs::read_to_string(out_p).unwrap_or_default(),
        stderr: std::fs::read_to_string(err_p).unwrap_or_default(),
    }
}

/// Console messages from the page (errors, CSP violations, failed loads).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

fn write_report(dir: &Path) -> PathBuf {
    let tickets = tickets();
    let html = render(&inputs(&tickets)).expect("render");
    let p = dir.join("report.html");
    std::fs::write(&p, html).unwrap();
    p
}

#[test]
fn report_renders_in_chromium_without_errors_or_xss() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path());
    let run = run_chromium(&bin, &page, &["--dump-dom".to_string()]);
    let dom = &run.stdout;
    assert!(
        dom.contains("<html"),
        "no DOM dumped; chromium stderr:\n{}",
        run.stderr
    );
    let console = console_lines(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages from the page:\n{}",
        console.join("\n")
    );
    assert!(
        dom.contains("data-ready=\"1\""),
        "the report's script did not run to the end"
    );
    assert!(
        !dom.contains("pwned</title>") && dom.contains("<title>Support report: demo"),
        "an XSS payload executed"
    );
    assert!(
        !dom.contains("<img"),
        "an injected element made it into the DOM"
    );
    assert!(
        dom.contains("&lt;img src=x onerror="),
        "payload shown as text"
    );
    for id in [
        "headline",
        "charts",
        "groups",
        "themes",
        "churn",
        "definitions",
        "run",
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "section #{id} missing"
        );
    }
    for heading in [
        "Headline KPIs",
        "Trending complaint themes",
        "Customers at risk of churning",
        "How these numbers are defined",
    ] {
        assert!(dom.contains(heading), "heading {heading:?} missing");
    }
    assert!(
        dom.matches("<svg class=\"chart\"").count() >= 6,
        "charts missing"
    );
    assert!(dom.contains("2025-W21 compared with 2025-W20; 2025-W22 is incomplete and left out"));

    let shot = dir.path().join("report.png");
    let run = run_chromium(
        &bin,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,4000".into(),
        ],
    );
    let png = std::fs::read(&shot)
        .unwrap_or_else(|_| panic!("no screenshot; chromium stderr:\n{}", run.stderr));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "screenshot looks empty ({} bytes)",
        png.len()
    );
    if std::env::var("TICKETLENS_UPDATE_SCREENSHOT").as_deref() == Ok("1") {
        let dest = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png");
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, &png).unwrap();
        eprintln!("report_browser: wrote {}", dest.display());
    }
}

#[test]
fn tables_sort_numerically_on_click() {
    let Some(bin) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(dir.path());
    // A copy with a probe script that clicks the "Risk" header twice and
    // records the order (the CSP is relaxed in this copy only, for the probe).
    let html = std::fs::read_to_string(&page).unwrap();
    let start = html.find("script-src 'sha256-").expect("CSP script hash");
    let end = start + html[start..].find(';').unwrap();
    let probe = r#"<script>
var t = document.getElementById("at-risk");
var th = t.tHead.rows[0].cells[1];
function order() { return Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[1].getAttribute("data-sort"); }).join(","); }
th.click(); document.body.setAttribute("data-first", th.getAttribute("aria-sort") + ":" + order());
th.click(); document.body.setAttribute("data-second", th.getAttribute("aria-sort") + ":" + order());
var mrr = t.tHead.rows[0].cells[8]; mrr.click(); mrr.click();
document.body.setAttribute("data-mrr", Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[8].textContent; }).slice(0, 3).join(","));
</script></body>"#;
    let probed = format!(
        "{}script-src 'unsafe-inline'{}",
        &html[..start],
        &html[end..]
    )
    .replacen("</body>", probe, 1);
    let p2 = dir.path().join("probe.html");
    std::fs::write(&p2, probed).unwrap();
    let run = run_chromium(&bin, &p2, &["--dump-dom".to_string()]);
    let console = console_lines(&run.stderr);
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        let i = run.stdout.find(&key).unwrap_or_else(|| {
            panic!(
                "{name} not set; DOM:\n{}",
                &run.stdout[..run.stdout.len().min(2000)]
            )
        });
        let rest = &run.stdout[i + key.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let parse = |s: &str| -> (String, Vec<f64>) {
        let (dir, nums) = s.split_once(':').unwrap();
        (
            dir.to_string(),
            nums.split(',').map(|x| x.parse().unwrap()).collect(),
        )
    };
    let (d1, first) = parse(&attr("data-first"));
    let (d2, second) = parse(&attr("data-second"));
    assert_eq!(d1, "descending");
    assert_eq!(d2, "ascending");
    assert!(first.windows(2).all(|w| w[0] >= w[1]), "{first:?}");
    assert!(second.windows(2).all(|w| w[0] <= w[1]), "{second:?}");
    assert_eq!(first.len(), 25);
    // MRR clicked twice → ascending, numerically (462 < 930, not "1,200" < "462").
    assert_eq!(attr("data-mrr"), "480,510,540");
}
