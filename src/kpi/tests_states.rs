//! Hand-computed tests for issue #10's KPI definitions on real exports:
//! help-desk priority vocabularies in the SLA, terminal states (cancelled,
//! merged, spam …), the two first-contact resolution definitions and
//! multi-valued `--by tag`.

use super::tests::{as_of, close, run, t, B};
use super::*;

impl B {
    fn tags(mut self, tags: &[&str]) -> Self {
        self.0.ticket.tags = tags.iter().map(|s| s.to_string()).collect();
        self
    }
}

#[test]
fn jira_priorities_select_resolution_targets() {
    // Targets urgent 4 h, high 8 h, normal 24 h, low 72 h; as_of = created + 100 h.
    // * Highest, resolved in 21.6 h  → urgent (4 h): breach.
    // * High, resolved in 1 h        → high (8 h): met.
    // * Medium, open (100 h)         → normal (24 h): breach.
    // * Lowest, open (100 h)         → low (72 h): breach.
    // * Trivial, resolved in 50 h    → low (72 h): met.
    // * Blocker, resolved in 3 h     → urgent (4 h): met.
    // → 3 / 6.
    let c = "2024-03-05T00:00:00Z";
    let opts = KpiOptions {
        sla_resolution: Some(
            SlaTargets::parse_resolution("urgent=4h,high=8h,normal=24h,low=72h").unwrap(),
        ),
        ..as_of("2024-03-09T04:00:00Z")
    };
    let r = run(
        vec![
            t(c).prio("Highest").res(21.6),
            t(c).prio("High").res(1.0),
            t(c).prio("Medium").status("Waiting for customer"),
            t(c).prio("Lowest").status("In Progress"),
            t(c).prio("Trivial").res(50.0),
            t(c).prio("Blocker").res(3.0),
        ],
        &opts,
    );
    let s = r.overall.sla_resolution.unwrap();
    assert_eq!((s.breached, s.eligible), (3, 6));
    assert!(close(s.breach_rate, 0.5));
    // ServiceNow and P-levels pick first-response targets too: defaults
    // urgent 60, high 240, normal 480, low 1440 min. FRT 90 min breaches
    // only for `1 - Critical` and `P1`; 300 min breaches `2 - High`, `Sev 2`.
    let r = run(
        vec![
            t(c).prio("1 - Critical").frt(90.0),
            t(c).prio("P1").frt(90.0),
            t(c).prio("3 - Moderate").frt(90.0),
            t(c).prio("2 - High").frt(300.0),
            t(c).prio("Sev 2").frt(300.0),
            t(c).prio("5 - Planning").frt(300.0),
        ],
        &as_of("2024-03-06T00:00:00Z"),
    );
    assert_eq!((r.overall.sla_breached, r.overall.sla_eligible), (4, 6));
    assert!(r.unknown_priorities.is_empty());

    // Values no class is known for count as normal and are listed, most
    // frequent first; blank priorities are just missing.
    let r = run(
        vec![
            t(c).prio("VIP"),
            t(c).prio("Gold"),
            t(c).prio("VIP"),
            t(c).prio(" "),
            t(c).prio("P2"),
        ],
        &as_of("2024-03-06T00:00:00Z"),
    );
    assert_eq!(
        r.unknown_priorities,
        [("VIP".to_string(), 2), ("Gold".to_string(), 1)]
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["unknown_priorities"][0], serde_json::json!(["VIP", 2]));
}

#[test]
fn terminal_states_count_in_volume_but_not_as_backlog_or_resolution() {
    // as_of = created + 48 h. Default FR targets: normal 480 min.
    // 1 Solved, FRT 30, resolved 2 h, 1 reply, 0 reopens → resolved.
    // 2 Merged, no reply, closed after 0.1 h, 0 replies   → terminal.
    // 3 Spam, no reply, no time                          → terminal.
    // 4 Cancelled, FRT 600, closed 20 h, 1 reply         → terminal.
    // 5 Open, no reply                                   → backlog.
    // 6 Duplicate, closed after 60 h (after as_of)       → still open at as_of.
    let c = "2024-03-01T00:00:00Z";
    let opts = KpiOptions {
        sla_resolution: Some(SlaTargets::parse_resolution("normal=24h").unwrap()),
        ..as_of("2024-03-03T00:00:00Z")
    };
    let tickets = || {
        vec![
            t(c).frt(30.0).res(2.0).replies(1).reopens(0),
            t(c).res(0.1).status("Merged").replies(0).reopens(0),
            t(c).status("spam").replies(0).reopens(0),
            t(c).frt(600.0)
                .res(20.0)
                .status("Cancelled")
                .replies(1)
                .reopens(0),
            t(c).status("Open"),
            t(c).res(60.0).status("Duplicate"),
        ]
    };
    let r = run(tickets(), &opts);
    let o = &r.overall;
    assert_eq!(o.tickets, 6);
    assert_eq!(o.resolved, Some(1));
    assert_eq!(o.terminal, Some(3));
    // 5 (open) and 6 (closed only after as_of).
    assert_eq!(o.backlog, Some(2));
    // Resolution time: only the real resolution (2 h).
    assert_eq!(o.resolution_hours.count, 1);
    assert_eq!(o.resolution_hours.median, Some(2.0));
    // FRT counts the cancelled ticket's reply too: [30, 600].
    assert_eq!(o.first_response_minutes.count, 2);
    assert_eq!(o.first_response_minutes.median, Some(315.0));
    // FR SLA (normal 480): 1 met, 4 breached (600); 5 and 6 unanswered
    // 48 h → breached; unanswered terminal 2 and 3 owed no answer → not
    // judged. 3 / 4.
    assert_eq!((o.sla_breached, o.sla_eligible), (3, 4));
    // Resolution SLA (normal 24 h): 1 met; 5 and 6 open 48 h → breached;
    // terminal 2, 3, 4 not judged. 2 / 3.
    let s = o.sla_resolution.as_ref().unwrap();
    assert_eq!((s.breached, s.eligible), (2, 3));
    // FCR and reopen rate over resolved tickets only: 1 / 1 (the merged
    // and spam tickets with 0 replies are no first-contact resolutions).
    assert_eq!(o.fcr_rate, Some(1.0));
    assert_eq!(o.reopen_rate, Some(0.0));

    // Backlog at the start of the latest period (headline): with weekly
    // periods the week of as_of (Sun 3 March 2024) starts Mon 26 Feb,
    // before every ticket → 0; all six are in that week.
    let r = run(
        tickets(),
        &KpiOptions {
            period: Some(crate::period::Period::Week),
            ..opts.clone()
        },
    );
    assert_eq!(r.backlog_at_last_period_start, Some(0));
    assert_eq!(
        r.periods.values().map(|p| p.terminal).sum::<Option<u64>>(),
        Some(3)
    );
}

/// Field case 14: 8 solved tickets; replies 1,1,0,0,2,1,1,3; reopens only
/// on the sixth.
fn fcr_case() -> Vec<B> {
    let c = "2024-03-04T16:30:00Z";
    [
        (1, 0),
        (1, 0),
        (0, 0),
        (0, 0),
        (2, 0),
        (1, 1),
        (1, 0),
        (3, 0),
    ]
    .into_iter()
    .map(|(replies, reopens)| t(c).res(1.0).replies(replies).reopens(reopens))
    .collect()
}

#[test]
fn fcr_one_touch_and_one_reply() {
    // one-touch: replies ≤ 1 and not reopened = tickets 1, 2, 3, 4, 7 → 5/8.
    let r = run(fcr_case(), &as_of("2024-03-12T00:00:00Z"));
    assert!(close(r.overall.fcr_rate, 0.625));
    assert_eq!(r.options.fcr_definition, FcrDefinition::OneTouch);
    // one-reply: exactly 1 reply and not reopened = 1, 2, 7 → 3 over the
    // 6 resolved tickets with a reply → 0.5.
    let opts = KpiOptions {
        fcr: FcrDefinition::OneReply,
        ..as_of("2024-03-12T00:00:00Z")
    };
    let r = run(fcr_case(), &opts);
    assert!(close(r.overall.fcr_rate, 0.5));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["options"]["fcr_definition"], "one-reply");
    // Terminal tickets are in neither definition: marking the two
    // zero-reply tickets as merged/spam gives one-touch 3/6 = 0.5.
    let mut tickets = fcr_case();
    tickets[2].0.ticket.status = Some("Merged".into());
    tickets[3].0.ticket.status = Some("Spam".into());
    let r = run(tickets, &as_of("2024-03-12T00:00:00Z"));
    assert!(close(r.overall.fcr_rate, 0.5));
    assert_eq!(r.overall.terminal, Some(2));
}

#[test]
fn by_tag_counts_a_ticket_under_each_tag() {
    let c = "2024-03-04T09:00:00Z";
    let d = "2024-03-12T09:00:00Z";
    let tickets = || {
        vec![
            t(c).channel("Mail")
                .tags(&["web_order", "general"])
                .frt(10.0),
            t(c).channel("Mail")
                .tags(&["web_order", "billing"])
                .frt(20.0),
            t(d).channel("Chat")
                .tags(&["web_order", "general"])
                .frt(30.0),
            t(d).channel("Chat"),
            t(d).channel("Mail").tags(&["vip", "vip", " "]),
        ]
    };
    let opts = KpiOptions {
        by: vec!["tag".into()],
        ..as_of("2024-03-13T00:00:00Z")
    };
    let r = run(tickets(), &opts);
    // Overall totals are per ticket, unchanged.
    assert_eq!(r.overall.tickets, 5);
    let (_, tags) = &r.by[0];
    let counts: Vec<(&str, u64)> = tags.iter().map(|(k, b)| (k.as_str(), b.tickets)).collect();
    assert_eq!(
        counts,
        [
            ("(none)", 1),
            ("billing", 1),
            ("general", 2),
            ("vip", 1),
            ("web_order", 3)
        ]
    );
    // Each group's KPIs are over its own tickets: general = FRT [10, 30].
    assert_eq!(tags["general"].first_response_minutes.median, Some(20.0));
    assert_eq!(tags["web_order"].share, Some(0.6));

    // With weekly periods: rows per tag × week that has tickets.
    let r = run(
        tickets(),
        &KpiOptions {
            period: Some(crate::period::Period::Week),
            ..opts.clone()
        },
    );
    let rows: Vec<(String, String, u64)> = r.tables[0]
        .rows
        .iter()
        .map(|row| {
            (
                row.values[0].clone(),
                row.period.clone().unwrap(),
                row.block.tickets,
            )
        })
        .collect();
    let w = |tag: &str, week: &str, n: u64| (tag.to_string(), week.to_string(), n);
    assert_eq!(
        rows,
        [
            w("(none)", "2024-W11", 1),
            w("billing", "2024-W10", 1),
            w("general", "2024-W10", 1),
            w("general", "2024-W11", 1),
            w("vip", "2024-W11", 1),
            w("web_order", "2024-W10", 2),
            w("web_order", "2024-W11", 1),
        ]
    );

    // Combined table tag × channel: one row per combination of a
    // ticket's values.
    let r = run(
        tickets(),
        &KpiOptions {
            by: vec!["tag".into(), "channel".into()],
            cross: true,
            ..opts
        },
    );
    let cross = r.tables.last().unwrap();
    let rows: Vec<(Vec<String>, u64)> = cross
        .rows
        .iter()
        .map(|row| (row.values.clone(), row.block.tickets))
        .collect();
    let v = |a: &str, b: &str, n: u64| (vec![a.to_string(), b.to_string()], n);
    assert_eq!(
        rows,
        [
            v("(none)", "Chat", 1),
            v("billing", "Mail", 1),
            v("general", "Chat", 1),
            v("general", "Mail", 1),
            v("vip", "Mail", 1),
            v("web_order", "Chat", 1),
            v("web_order", "Mail", 2),
        ]
    );
}

/// Undated input (no creation-time column): ages are unknown, so an
/// unanswered ticket is never judged against an SLA, whatever the other
/// tickets' durations; recorded responses and resolutions all count, and
/// no `as_of` is reported.
#[test]
fn undated_input_judges_only_answered_tickets() {
    let c = "1970-01-01T00:00:00Z";
    let opts = KpiOptions {
        undated: true,
        sla_resolution: Some(SlaTargets::parse_resolution("high=8h").unwrap()),
        ..KpiOptions::default()
    };
    let tickets = |long: f64| {
        vec![
            t(c).prio("high").frt(30.0).res(2.0),
            t(c).prio("high").frt(500.0).res(long),
            t(c).prio("high").status("open"),
        ]
    };
    for long in [10.0, 900.0] {
        let r = run(tickets(long), &opts);
        assert_eq!(r.as_of, None);
        assert_eq!(r.options.as_of_source, "none");
        let o = &r.overall;
        assert_eq!((o.sla_breached, o.sla_eligible), (1, 2), "long {long}");
        let s = o.sla_resolution.as_ref().unwrap();
        assert_eq!((s.breached, s.eligible), (1, 2), "long {long}");
        assert_eq!(o.backlog, Some(1));
    }
}
