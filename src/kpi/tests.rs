//! Hand-computed KPI tables (every expected value is worked out in the
//! comments, not produced by the code under test).

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::{Prediction, Sentiment, Ticket};

pub(super) fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Ticket builder.
pub(super) struct B(pub(super) EnrichedTicket);

pub(super) fn t(created: &str) -> B {
    B(EnrichedTicket::new(Ticket {
        id: created.into(),
        created_at: at(created),
        ..Ticket::default()
    }))
}

impl B {
    pub(super) fn created(&self) -> DateTime<Utc> {
        self.0.ticket.created_at
    }
    pub(super) fn frt(mut self, minutes: f64) -> Self {
        self.0.ticket.first_response_at =
            Some(self.created() + Duration::seconds((minutes * 60.0) as i64));
        self
    }
    pub(super) fn res(mut self, hours: f64) -> Self {
        self.0.ticket.resolved_at =
            Some(self.created() + Duration::seconds((hours * 3600.0) as i64));
        self.0.ticket.status = Some("solved".into());
        self
    }
    pub(super) fn status(mut self, s: &str) -> Self {
        self.0.ticket.status = Some(s.into());
        self
    }
    pub(super) fn prio(mut self, p: &str) -> Self {
        self.0.ticket.priority = Some(p.into());
        self
    }
    pub(super) fn channel(mut self, c: &str) -> Self {
        self.0.ticket.channel = Some(c.into());
        self
    }
    pub(super) fn reopens(mut self, n: u32) -> Self {
        self.0.ticket.reopens = Some(n);
        self
    }
    pub(super) fn replies(mut self, n: u32) -> Self {
        self.0.ticket.replies = Some(n);
        self
    }
    pub(super) fn esc(mut self, e: bool) -> Self {
        self.0.ticket.escalated = Some(e);
        self
    }
    pub(super) fn csat(mut self, v: f64) -> Self {
        self.0.ticket.csat = Some(v);
        self
    }
    pub(super) fn nps(mut self, v: f64) -> Self {
        self.0.ticket.nps = Some(v);
        self
    }
    pub(super) fn ces(mut self, v: f64) -> Self {
        self.0.ticket.ces = Some(v);
        self
    }
    pub(super) fn pred(mut self, s: Sentiment, p_negative: f32) -> Self {
        self.0.prediction = Some(Prediction {
            sentiment: s,
            sentiment_confidence: 0.9,
            p_negative,
            p_neutral: 0.0,
            p_positive: 0.0,
            topic: "billing".into(),
            topic_confidence: 0.9,
            heads: Vec::new(),
        });
        self
    }
}

pub(super) fn run(tickets: Vec<B>, opts: &KpiOptions) -> KpiReport {
    let v: Vec<EnrichedTicket> = tickets.into_iter().map(|b| b.0).collect();
    compute(&v, opts)
}

pub(super) fn as_of(s: &str) -> KpiOptions {
    KpiOptions {
        as_of: Some(at(s)),
        ..KpiOptions::default()
    }
}

pub(super) fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn first_response_stats_with_ties_and_unanswered() {
    // FRT [10, 20, 20, 20, 50] + one unanswered: mean 24, median 20,
    // p90: pos 0.9·4 = 3.6 → 20 + 0.6·(50 − 20) = 38.
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).frt(20.0),
        t(c).frt(50.0),
        t(c).frt(10.0),
        t(c).frt(20.0),
        t(c).frt(20.0),
        t(c),
    ];
    let r = run(tickets, &as_of("2025-03-05T00:00:00Z"));
    let f = &r.overall.first_response_minutes;
    assert_eq!(f.count, 5);
    assert_eq!(f.mean, Some(24.0));
    assert_eq!(f.median, Some(20.0));
    assert!(close(f.p90, 38.0));
    assert_eq!(r.overall.tickets, 6);
    // No status or resolution column at all: backlog is unknowable.
    assert_eq!((r.overall.resolved, r.overall.backlog), (None, None));
}

#[test]
fn backlog_is_null_only_without_any_resolution_information() {
    let c = "2025-03-03T08:00:00Z";
    let opts = as_of("2025-03-05T00:00:00Z");
    // Neither status nor resolution anywhere → null, also per group/period.
    let r = run(vec![t(c).frt(5.0), t(c)], &opts);
    assert_eq!((r.overall.resolved, r.overall.backlog), (None, None));
    let backlog = r.headline(false).into_iter().find(|h| h.key == "backlog");
    assert_eq!(backlog.unwrap().value, None);
    // One ticket with a status is enough: the others without one are open.
    let r = run(vec![t(c).frt(5.0), t(c).status("open"), t(c)], &opts);
    assert_eq!((r.overall.resolved, r.overall.backlog), (Some(0), Some(3)));
    let r = run(vec![t(c).res(2.0), t(c)], &opts);
    assert_eq!((r.overall.resolved, r.overall.backlog), (Some(1), Some(1)));
}

#[test]
fn no_responses_and_no_surveys_give_nulls_not_zeros() {
    let r = run(
        vec![t("2025-03-03T08:00:00Z"), t("2025-03-03T09:00:00Z")],
        &KpiOptions::default(),
    );
    let o = &r.overall;
    assert_eq!(
        o.first_response_minutes,
        Stats {
            mean: None,
            median: None,
            p90: None,
            count: 0
        }
    );
    assert_eq!(
        (o.csat_rate, o.csat_responses, o.nps, o.ces_mean),
        (None, 0, None, None)
    );
    assert_eq!(
        (o.escalation_rate, o.reopen_rate, o.fcr_rate),
        (None, None, None)
    );
    // No ticket has first-response data at all: the SLA is unknowable.
    assert_eq!((o.sla_breach_rate, o.sla_eligible), (None, 0));
    assert_eq!(
        (o.negative_share, o.mean_p_negative, o.self_service_share),
        (None, None, None)
    );
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["overall"]["csat_rate"].is_null());
    assert!(json["overall"]["first_response_minutes"]["median"].is_null());
}

#[test]
fn empty_input_is_all_nulls_without_nan() {
    let opts = KpiOptions {
        by: vec!["channel".into()],
        period: Some(Period::Week),
        ..KpiOptions::default()
    };
    let r = compute(&[], &opts);
    assert_eq!(r.overall.tickets, 0);
    assert_eq!(r.as_of, None);
    assert!(r.periods.is_empty());
    let s = serde_json::to_string(&r).unwrap();
    assert!(!s.contains("NaN"));
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert!(v["overall"]["share"].is_null());
    assert!(v["overall"]["resolution_hours"]["mean"].is_null());
    assert!(v["by"]["channel"].as_object().unwrap().is_empty());
}

#[test]
fn as_of_excludes_later_tickets_and_reopens_later_events() {
    // A: answered 30 min, resolved 12 h → resolved at as_of.
    // B: answered 60 min, resolved at 04:00 the next day (after as_of) → open.
    // C: urgent, created 22:30, answered 01:00 (after as_of) → unanswered,
    //    90 min old > 60 min target → breach.
    // D: created after as_of → excluded from everything.
    let tickets = vec![
        t("2025-03-09T00:00:00Z").frt(30.0).res(12.0).prio("normal"),
        t("2025-03-09T20:00:00Z").frt(60.0).res(8.0).prio("high"),
        t("2025-03-09T22:30:00Z").frt(150.0).prio("urgent"),
        t("2025-03-10T06:00:00Z").frt(1.0).res(1.0),
    ];
    let r = run(tickets, &as_of("2025-03-10T00:00:00Z"));
    let o = &r.overall;
    assert_eq!(r.tickets_excluded_after_as_of, 1);
    assert_eq!((o.tickets, o.resolved, o.backlog), (3, Some(1), Some(2)));
    assert_eq!(o.first_response_minutes.count, 2);
    assert_eq!(o.first_response_minutes.median, Some(45.0));
    assert_eq!(o.resolution_hours.count, 1);
    assert_eq!(o.resolution_hours.median, Some(12.0));
    assert_eq!((o.sla_breached, o.sla_eligible), (1, 3));
    assert!(close(o.sla_breach_rate, 1.0 / 3.0));
    assert_eq!(r.as_of, Some(at("2025-03-10T00:00:00Z")));
    assert_eq!(r.options.as_of_source, "option");
}

#[test]
fn implicit_as_of_is_the_latest_timestamp() {
    // Events: A created 00:00, answered 00:30, resolved 12:00; B created
    // 20:00, answered 21:00, resolved 04:00 next day; C (urgent) created
    // 22:30 (the last creation), answered 01:00 next day.
    // as_of = the latest of all = B's resolution, 2025-03-10 04:00, so the
    // response and resolution after the last creation count:
    // resolved A, B → backlog 1 (C: no status, no resolution time);
    // SLA: A 30 ≤ 480, B 60 ≤ 480, C 150 > 60 → 1 breach of 3.
    let tickets = vec![
        t("2025-03-09T00:00:00Z").frt(30.0).res(12.0),
        t("2025-03-09T20:00:00Z").frt(60.0).res(8.0),
        t("2025-03-09T22:30:00Z").frt(150.0).prio("urgent"),
    ];
    let r = run(tickets, &KpiOptions::default());
    assert_eq!(r.as_of, Some(at("2025-03-10T04:00:00Z")));
    assert_eq!(r.options.as_of_source, "latest_timestamp");
    assert_eq!(r.tickets_excluded_after_as_of, 0);
    let o = &r.overall;
    assert_eq!((o.resolved, o.backlog), (Some(2), Some(1)));
    assert_eq!(o.first_response_minutes.count, 3);
    assert_eq!((o.sla_breached, o.sla_eligible), (1, 3));
    // Durations given as columns count too: created 10:00 + 90 min.
    let mut d = t("2025-03-09T10:00:00Z");
    d.0.ticket.first_response_minutes = Some(90.0);
    let r = run(vec![t("2025-03-09T09:00:00Z"), d], &KpiOptions::default());
    assert_eq!(r.as_of, Some(at("2025-03-09T11:30:00Z")));
}

#[test]
fn reopened_ticket_with_old_resolved_at_is_in_the_backlog() {
    // Both have resolved_at 2 h after creation; the second was reopened and
    // its status says open again: it is backlog, and its stale resolution
    // time is no resolution-time sample.
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![t(c).res(2.0), t(c).res(2.0).status("Reopened").reopens(1)];
    let r = run(tickets, &as_of("2025-03-05T00:00:00Z"));
    let o = &r.overall;
    assert_eq!((o.resolved, o.backlog), (Some(1), Some(1)));
    assert_eq!(o.resolution_hours.count, 1);
}

#[test]
fn resolution_reopens_and_first_contact_resolution() {
    // Resolved: 2 h (reopens 0, replies 1), 4 h (reopens 1, replies 1),
    // 6 h (reopens unknown, replies 0), 8 h (reopens 0, replies 3),
    // closed without time (reopens 2, replies 1); one open (reopens 1).
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).res(2.0).reopens(0).replies(1),
        t(c).res(4.0).reopens(1).replies(1),
        t(c).res(6.0).replies(0),
        t(c).res(8.0).reopens(0).replies(3),
        t(c).status("Closed").reopens(2).replies(1),
        t(c).status("open").reopens(1).replies(1),
    ];
    let r = run(tickets, &as_of("2025-03-10T00:00:00Z"));
    let o = &r.overall;
    assert_eq!((o.tickets, o.resolved, o.backlog), (6, Some(5), Some(1)));
    // resolution [2, 4, 6, 8]: mean 5, median 5, p90 pos 2.7 → 6 + 0.7·2 = 7.4.
    assert_eq!(o.resolution_hours.count, 4);
    assert_eq!(o.resolution_hours.mean, Some(5.0));
    assert_eq!(o.resolution_hours.median, Some(5.0));
    assert!(close(o.resolution_hours.p90, 7.4));
    // first resolution: reopens == 0 only → [2, 8]: p90 = 2 + 0.9·6 = 7.4.
    assert_eq!(o.first_resolution_hours.count, 2);
    assert_eq!(o.first_resolution_hours.median, Some(5.0));
    assert!(close(o.first_resolution_hours.p90, 7.4));
    // reopen: resolved with known reopens = 4 (2 h, 4 h, 8 h, closed); reopened 2.
    assert_eq!(o.reopened, 2);
    assert_eq!(o.reopen_rate, Some(0.5));
    // FCR: same 4 (replies known too); replies ≤ 1 and reopens 0: only 2 h.
    assert_eq!(o.fcr_rate, Some(0.25));
}

#[test]
fn csat_threshold_and_invalid_answers() {
    // 3.5 → not satisfied, 4.0 → satisfied; 0 and 6 are outside 1–5 → ignored.
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).csat(3.5),
        t(c).csat(4.0),
        t(c).csat(5.0),
        t(c).csat(1.0),
        t(c).csat(0.0),
        t(c).csat(6.0),
    ];
    let r = run(tickets, &KpiOptions::default());
    assert_eq!(r.overall.csat_responses, 4);
    assert_eq!(r.overall.csat_rate, Some(0.5));
}

#[test]
fn nps_boundaries() {
    let c = "2025-03-03T08:00:00Z";
    let nps = |vals: &[f64]| {
        let r = run(
            vals.iter().map(|&v| t(c).nps(v)).collect(),
            &KpiOptions::default(),
        );
        (r.overall.nps, r.overall.nps_responses)
    };
    // 6 detractor, 7 and 8 passive, 9 promoter → 25 % − 25 % = 0.
    assert_eq!(nps(&[6.0, 7.0, 8.0, 9.0]), (Some(0.0), 4));
    // 10, 9 promoters, 0 detractor → 100·(2 − 1)/3.
    let (v, n) = nps(&[10.0, 9.0, 0.0]);
    assert!(close(v, 100.0 / 3.0) && n == 3);
    assert_eq!(nps(&[6.0, 6.0]), (Some(-100.0), 2));
    assert_eq!(nps(&[10.0]), (Some(100.0), 1));
    assert_eq!(nps(&[11.0, -1.0]), (None, 0));
}

#[test]
fn ces_mean_and_escalation_denominators() {
    let c = "2025-03-03T08:00:00Z";
    let tickets = vec![
        t(c).ces(1.0).esc(true),
        t(c).ces(7.0).esc(false),
        t(c).ces(4.0),
        t(c).ces(8.0).esc(false),
    ];
    let r = run(tickets, &KpiOptions::default());
    // CES [1, 7, 4] (8 is out of 1–7) → 4; escalation 1 of 3 known.
    assert_eq!(
        (r.overall.ces_mean, r.overall.ces_responses),
        (Some(4.0), 3)
    );
    assert_eq!(r.overall.escalated, 1);
    assert!(close(r.overall.escalation_rate, 1.0 / 3.0));
}

fn sla_tickets() -> Vec<B> {
    // as_of 2025-03-10T00:00Z.
    vec![
        t("2025-03-09T10:00:00Z").prio("urgent").frt(60.0), // 60 = target → met
        t("2025-03-09T10:00:00Z").prio("Critical").frt(61.0), // urgent, 61 > 60 → breach
        t("2025-03-09T10:00:00Z").prio("VIP").frt(300.0),   // unknown → normal 480 → met
        t("2025-03-08T23:00:00Z").prio("low"),              // unanswered 25 h > 24 h → breach
        t("2025-03-09T01:00:00Z").prio("low"),              // unanswered 23 h → not yet eligible
        t("2025-03-09T14:00:00Z").status("closed"),         // no response, 10 h > 8 h → breach
    ]
}

#[test]
fn sla_breaches_include_unanswered_past_target() {
    let r = run(sla_tickets(), &as_of("2025-03-10T00:00:00Z"));
    assert_eq!((r.overall.sla_breached, r.overall.sla_eligible), (3, 5));
    assert_eq!(r.overall.sla_breach_rate, Some(0.6));
    // --sla urgent=30: the 60-min urgent answer now breaches too.
    let opts = KpiOptions {
        sla: SlaTargets::parse_sla("urgent=30").unwrap(),
        ..as_of("2025-03-10T00:00:00Z")
    };
    let r = run(sla_tickets(), &opts);
    assert_eq!((r.overall.sla_breached, r.overall.sla_eligible), (4, 5));
}

#[test]
fn resolution_sla_targets() {
    let opts = KpiOptions {
        sla_resolution: Some(SlaTargets::parse_resolution("urgent=2h,normal=1d").unwrap()),
        ..as_of("2025-03-10T00:00:00Z")
    };
    let tickets = vec![
        t("2025-03-09T10:00:00Z").prio("urgent").res(1.0), // met
        t("2025-03-09T10:00:00Z").prio("urgent").res(3.0), // breach
        t("2025-03-08T23:00:00Z").prio("normal"),          // open 25 h > 24 h → breach
        t("2025-03-09T14:00:00Z").prio("normal"),          // open 10 h → pending
        t("2025-03-05T10:00:00Z").prio("high").res(100.0), // no high target
    ];
    let r = run(tickets, &opts);
    let s = r.overall.sla_resolution.clone().unwrap();
    assert_eq!((s.breached, s.eligible), (2, 3));
    assert!(close(s.breach_rate, 2.0 / 3.0));
    // Not configured → the block is absent from the JSON.
    let r = run(
        vec![t("2025-03-09T10:00:00Z").res(1.0)],
        &KpiOptions::default(),
    );
    assert!(serde_json::to_value(&r).unwrap()["overall"]
        .get("sla_resolution")
        .is_none());
}

#[test]
fn backlog_curve_histograms_and_sentiment_mix() {
    // Weeks: 2025-W23 = Jun 2–8, W24 = Jun 9–15, W25 = Jun 16–22.
    // A (W23) resolved in W23; B (W23) resolved in W24 (open at end of
    // W23); C (W23) open; D (W24) merged = terminal, without a time;
    // E (W25) open; as_of = Jun 18 12:00 (inside W25, so W25 is partial).
    let tickets = vec![
        t("2025-06-02T10:00:00Z")
            .res(5.0)
            .frt(3.0)
            .pred(Sentiment::Negative, 0.9),
        t("2025-06-04T10:00:00Z")
            .res(24.0 * 6.0)
            .frt(20.0)
            .pred(Sentiment::Neutral, 0.1),
        t("2025-06-05T10:00:00Z")
            .status("open")
            .pred(Sentiment::Positive, 0.1),
        t("2025-06-10T10:00:00Z").status("merged"),
        t("2025-06-16T10:00:00Z").status("open").frt(90.0),
    ];
    let mut o = as_of("2025-06-18T12:00:00Z");
    o.period = Some(Period::Week);
    let r = run(tickets, &o);
    let curve: Vec<(&str, u64)> = r
        .backlog_at_period_end
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    // End of W23: B, C open (2); end of W24: C (B resolved Jun 10, D
    // closed at once) = 1; as_of: C, E = 2 = overall.backlog.
    assert_eq!(curve, [("2025-W23", 2), ("2025-W24", 1), ("2025-W25", 2)]);
    assert_eq!(r.overall.backlog, Some(2));
    assert_eq!(r.last_period_complete, Some(false));
    // FRT 3, 20, 90 minutes → bins 0–5m, 15–30m, 1–2h; resolution 5 h and
    // 144 h → bins 4–8h and 3–7d.
    let f = &r.distributions.first_response_minutes;
    assert_eq!(
        (f.counts[0], f.counts[2], f.counts[4], f.total()),
        (1, 1, 1, 3)
    );
    assert_eq!(f.total(), r.overall.first_response_minutes.count);
    let h = &r.distributions.resolution_hours;
    assert_eq!((h.counts[2], h.counts[6], h.total()), (1, 1, 2));
    // Three predictions: one of each sentiment.
    for s in [
        r.overall.negative_share,
        r.overall.neutral_share,
        r.overall.positive_share,
    ] {
        assert!(close(s, 1.0 / 3.0), "{s:?}");
    }
    // Without any status or resolution information there is no curve.
    let bare = run(vec![t("2025-06-02T10:00:00Z")], &{
        let mut o = as_of("2025-06-08T23:59:59Z");
        o.period = Some(Period::Week);
        o
    });
    assert!(bare.backlog_at_period_end.is_empty());
    assert_eq!(bare.last_period_complete, Some(true));
}
