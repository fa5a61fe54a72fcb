use super::*;
use std::io::Write;
use std::path::PathBuf;

fn log_of(ext: &str, data: &str, opts: &ConversationOptions) -> Result<ConversationLog> {
    let mut f = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
    f.write_all(data.as_bytes()).unwrap();
    f.flush().unwrap();
    read_conversations(&InputSource::Path(f.path().to_path_buf()), opts)
}

fn at(s: &str) -> DateTime<Utc> {
    parse_timestamp(s, chrono_tz::Tz::UTC).unwrap()
}

const TWCS_LIKE: &str = "\
tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,brand,False,2025-01-01 10:10:00,@c1 hi,2,10
10,c1,True,2025-01-01 10:00:00,my order is late,1,
2,c1,True,2025-01-01 10:20:00,still waiting,3,1
3,brand,False,2025-01-01 10:50:00,sorry,,2
20,c2,True,2025-01-01 11:00:00,app broken,21,99
21,brand2,False,2025-01-01 11:05:00,try again,22,20
22,c2,True,2025-01-01 11:30:00,didn't work,,21
30,brand,False,2025-01-01 12:00:00,promo!,31,
31,c3,True,2025-01-01 12:05:00,cool,,30
40,c4,True,bad time,x,,
41,c4,True,2025-01-01 13:00:00,dup,,
41,c4,True,2025-01-01 13:01:00,dup again,,
50,c5,True,2025-01-01 14:00:00,no reply yet,,
60,brand,False,2025-01-01 15:00:00,a,,61
61,c6,True,2025-01-01 15:01:00,b,,60
";

#[test]
fn reply_links_rebuild_threads() {
    let log = log_of(".csv", TWCS_LIKE, &ConversationOptions::default()).unwrap();
    let ids: Vec<&str> = log.tickets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["10", "20", "41", "50"]);
    let a = &log.tickets[0];
    assert_eq!(a.line, 3);
    assert_eq!(a.customer_id.as_deref(), Some("c1"));
    assert_eq!(a.created_at, at("2025-01-01 10:00:00"));
    assert_eq!(a.first_response_at, Some(at("2025-01-01 10:10:00")));
    assert_eq!(a.frt_minutes(), Some(10.0));
    assert_eq!(a.agent.as_deref(), Some("brand"));
    assert_eq!(a.replies, Some(2));
    assert_eq!(a.resolved_at, Some(at("2025-01-01 10:50:00")));
    assert_eq!(a.body.as_deref(), Some("my order is late\nstill waiting"));
    assert_eq!(a.raw[0], "10");
    let b = &log.tickets[1];
    assert_eq!(
        (b.frt_minutes(), b.agent.as_deref(), b.replies),
        (Some(5.0), Some("brand2"), Some(1))
    );
    assert_eq!(b.resolved_at, None);
    assert!(!b.is_resolved());
    let c = &log.tickets[3];
    assert_eq!(
        (c.first_response_at, c.replies, c.resolved_at),
        (None, Some(0), None)
    );

    let rj: Vec<(u64, &str)> = log
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        rj,
        [
            (11, "bad timestamp 'bad time' in column 'created_at'"),
            (13, "duplicate message id '41' (first seen on line 12)")
        ]
    );
    let s = &log.stats;
    assert_eq!(
        (
            s.messages,
            s.rejected,
            s.threads,
            s.open_threads,
            s.skipped_messages
        ),
        (13, 2, 4, 3, 4)
    );
    // Delays 10, 30, 5 (the 60→61 pair is negative and left out).
    assert_eq!(s.replies_measured, 3);
    assert_eq!(s.median_reply_minutes, Some(10.0));
    assert_eq!(s.mean_reply_minutes, Some(15.0));
    assert!(log
        .columns
        .contains(&("parent_id", "in_response_to_tweet_id".to_string())));
}

#[test]
fn conversation_id_layout_with_roles() {
    let data = "\
conversation_id,role,sender,timestamp,message
c1,agent,bot,2025-01-01T09:00:00Z,Hello! How can we help?
c1,customer,u1,2025-01-01T09:01:00Z,I need a refund
c1,customer,u1,2025-01-01T09:02:00Z,order 123
c1,agent,ann,2025-01-01T09:06:00Z,Done
c2,user,u2,2025-01-01T10:00:00Z,login fails
c2,agent,bob,2025-01-01T10:30:00Z,reset it
c2,customer,u2,2025-01-01T11:00:00Z,\"thanks,
still broken\"
c3,agent,ann,2025-01-01T12:00:00Z,survey
c1,wizard,x,2025-01-01T09:07:00Z,?
,customer,u9,2025-01-01T09:07:00Z,no conversation
";
    let log = log_of(".csv", data, &ConversationOptions::default()).unwrap();
    assert_eq!(log.tickets.len(), 2);
    let c1 = &log.tickets[0];
    assert_eq!(c1.id, "c1");
    assert_eq!(c1.line, 3);
    assert_eq!(c1.created_at, at("2025-01-01T09:01:00Z"));
    assert_eq!(c1.frt_minutes(), Some(5.0));
    assert_eq!(c1.agent.as_deref(), Some("ann"));
    assert_eq!(c1.customer_id.as_deref(), Some("u1"));
    assert_eq!(c1.replies, Some(1));
    assert_eq!(c1.resolution_hours(), Some(5.0 / 60.0));
    assert_eq!(c1.body.as_deref(), Some("I need a refund\norder 123"));
    let c2 = &log.tickets[1];
    assert_eq!((c2.frt_minutes(), c2.resolved_at), (Some(30.0), None));
    assert_eq!(
        c2.body.as_deref(),
        Some("login fails\nthanks,\nstill broken")
    );
    let rj: Vec<(u64, &str)> = log
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        rj,
        [
            (
                11,
                "bad author role 'wizard' in column 'role' (expected true/false or customer/agent/bot)"
            ),
            (12, "blank conversation id in column 'conversation_id'")
        ]
    );
    let s = &log.stats;
    assert_eq!(
        (s.messages, s.threads, s.open_threads, s.skipped_messages),
        (8, 2, 1, 2)
    );
    assert_eq!(
        (
            s.replies_measured,
            s.median_reply_minutes,
            s.mean_reply_minutes
        ),
        (2, Some(17.5), Some(17.5))
    );
}

#[test]
fn jsonl_log_and_map_override() {
    let data = "\
{\"chat\":\"k1\",\"who\":\"visitor\",\"ts\":\"2025-03-01 08:00\",\"msg\":\"hi\"}
{\"chat\":\"k1\",\"who\":\"teammate\",\"ts\":\"2025-03-01 08:02\",\"msg\":\"hello\"}
";
    let opts = ConversationOptions {
        map: vec![
            ("conversation_id".into(), "chat".into()),
            ("role".into(), "who".into()),
            ("timestamp".into(), "ts".into()),
            ("text".into(), "msg".into()),
        ],
        ..Default::default()
    };
    let log = log_of(".jsonl", data, &opts).unwrap();
    assert_eq!(log.tickets.len(), 1);
    assert_eq!(log.tickets[0].frt_minutes(), Some(2.0));
    assert_eq!(log.tickets[0].resolved_at, Some(at("2025-03-01 08:02")));
}

/// Field case 09 (Intercom conversation parts): `lead` is a customer, `bot`
/// acknowledgements are neither first responses nor replies, and a thread
/// only the bot answered stays open and unanswered.
const INTERCOM_PARTS: &str = "\
conversation_id,part_id,created_at,author_type,author_id,author_name,part_type,body
c-1001,p-1,2024-03-04T09:00:00Z,user,u-501,Maya Ross,comment,order late
c-1001,p-2,2024-03-04T09:00:30Z,bot,b-1,Operator,comment,A teammate will get back to you.
c-1001,p-3,2024-03-04T09:30:00Z,admin,a-11,Priya,comment,asked the courier
c-1001,p-4,2024-03-04T09:40:00Z,user,u-501,Maya Ross,comment,thanks
c-1001,p-5,2024-03-04T10:00:00Z,admin,a-11,Priya,comment,delivered tomorrow
c-1002,p-1,2024-03-04T10:00:00Z,lead,l-77,,comment,ship to Norway?
c-1002,p-2,2024-03-04T10:00:20Z,bot,b-1,Operator,comment,We usually reply within an hour.
c-1002,p-3,2024-03-04T10:45:00Z,admin,a-12,Jonas,comment,yes
c-1003,p-1,2024-03-04T11:00:00Z,user,u-502,Leo,comment,invoice?
c-1003,p-2,2024-03-04T11:10:00Z,admin,a-12,Jonas,comment,Orders > Invoices
c-1004,p-1,2024-03-04T12:00:00Z,user,u-503,Ana,comment,code does not work
c-1004,p-2,2024-03-04T12:00:15Z,bot,b-1,Operator,comment,A teammate will get back to you.
c-1005,p-1,2024-03-04T13:00:00Z,admin,a-11,Priya,comment,gift cards!
c-1005,p-2,2024-03-04T13:20:00Z,user,u-504,Tom,comment,how to send one?
c-1005,p-3,2024-03-04T14:20:00Z,admin,a-11,Priya,comment,tap Send
";

#[test]
fn bots_are_neither_first_response_nor_reply() {
    let log = log_of(".csv", INTERCOM_PARTS, &ConversationOptions::default()).unwrap();
    assert!(log.rejects.is_empty(), "{:?}", log.rejects);
    let frt: Vec<(&str, Option<f64>, Option<u32>)> = log
        .tickets
        .iter()
        .map(|t| (t.id.as_str(), t.frt_minutes(), t.replies))
        .collect();
    assert_eq!(
        frt,
        [
            ("c-1001", Some(30.0), Some(2)),
            ("c-1002", Some(45.0), Some(1)),
            ("c-1003", Some(10.0), Some(1)),
            ("c-1004", None, Some(0)),
            ("c-1005", Some(60.0), Some(1)),
        ]
    );
    // c-1004: only the bot answered → open; the others end with a human.
    let open: Vec<&str> = log
        .tickets
        .iter()
        .filter(|t| t.resolved_at.is_none())
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(open, ["c-1004"]);
    assert_eq!(log.tickets[1].customer_id.as_deref(), Some("l-77"));
    assert_eq!(log.tickets[0].agent.as_deref(), Some("a-11"));
    let s = &log.stats;
    assert_eq!(
        (
            s.messages,
            s.threads,
            s.open_threads,
            s.replies,
            s.bot_messages,
            s.threads_bot_only,
            s.threads_replied,
            s.skipped_messages
        ),
        (15, 5, 1, 5, 3, 1, 4, 1)
    );
    // Reply delays, humans only: 30, 20 (09:40 → 10:00), 45, 10, 60.
    assert_eq!(s.replies_measured, 5);
    assert_eq!(s.median_reply_minutes, Some(30.0));
    assert!(log
        .columns
        .contains(&("author_name", "author_name".to_string())));
}

#[test]
fn bot_author_pattern_marks_auto_replies() {
    // Every company message has role `agent`; the auto-reply is only
    // recognisable by its author name.
    let data = "\
conversation_id,role,author_id,author_name,timestamp,message
k1,customer,u1,Ann,2025-01-01T09:00:00Z,help
k1,agent,a0,Auto-Reply,2025-01-01T09:00:05Z,We got your message
k1,agent,a1,Bob,2025-01-01T09:20:00Z,on it
k2,customer,u2,Cid,2025-01-01T10:00:00Z,help
k2,agent,a0,Auto-Reply,2025-01-01T10:00:05Z,We got your message
";
    let plain = log_of(".csv", data, &ConversationOptions::default()).unwrap();
    let frt = |log: &ConversationLog| -> Vec<Option<f64>> {
        log.tickets.iter().map(|t| t.frt_minutes()).collect()
    };
    assert_eq!(frt(&plain), [Some(5.0 / 60.0), Some(5.0 / 60.0)]);
    let opts = ConversationOptions {
        bot_author: Some(regex::Regex::new("(?i)^auto-?reply$").unwrap()),
        ..Default::default()
    };
    let log = log_of(".csv", data, &opts).unwrap();
    assert_eq!(frt(&log), [Some(20.0), None]);
    assert_eq!(
        log.tickets.iter().map(|t| t.replies).collect::<Vec<_>>(),
        [Some(1), Some(0)]
    );
    assert_eq!(log.tickets[1].resolved_at, None);
    // Matching the author id works the same way.
    let opts = ConversationOptions {
        bot_author: Some(regex::Regex::new("^a0$").unwrap()),
        ..Default::default()
    };
    assert_eq!(
        frt(&log_of(".csv", data, &opts).unwrap()),
        [Some(20.0), None]
    );
}

#[test]
fn internal_notes_and_events_are_not_replies() {
    // c1: the admin's internal note (09:05) and the bodiless assignment are
    // not answers; the reply at 09:40 is (FRT 40). c2: a `close` part with
    // a body is a reply sent while closing (FRT 15); a bodiless `close` is
    // an event. c3: only a note → unanswered, open.
    let data = "\
conversation_id,created_at,author_type,author_id,part_type,body
c1,2024-03-04T09:00:00Z,user,u1,comment,help
c1,2024-03-04T09:05:00Z,admin,a1,note,customer is VIP
c1,2024-03-04T09:06:00Z,admin,a1,assignment,
c1,2024-03-04T09:40:00Z,admin,a1,comment,here you go
c2,2024-03-04T10:00:00Z,user,u2,comment,refund?
c2,2024-03-04T10:15:00Z,admin,a2,close,Refunded - closing this.
c2,2024-03-04T10:16:00Z,admin,a2,close,
c3,2024-03-04T11:00:00Z,user,u3,comment,hello?
c3,2024-03-04T11:01:00Z,admin,a2,Note,check billing
";
    let log = log_of(".csv", data, &ConversationOptions::default()).unwrap();
    assert!(log.rejects.is_empty(), "{:?}", log.rejects);
    let got: Vec<(Option<f64>, Option<u32>, bool)> = log
        .tickets
        .iter()
        .map(|t| (t.frt_minutes(), t.replies, t.resolved_at.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(40.0), Some(1), true),
            (Some(15.0), Some(1), true),
            (None, Some(0), false)
        ]
    );
    let s = &log.stats;
    assert_eq!(
        (
            s.messages,
            s.internal_messages,
            s.skipped_messages,
            s.replies
        ),
        (9, 4, 4, 2)
    );
    assert!(log.columns.contains(&("kind", "part_type".to_string())));
    assert!(is_internal("false", true));
    assert!(!is_internal("comment", false));
    assert!(!is_internal("close", true));
}

#[test]
fn author_role_vocabulary() {
    for v in [
        "user", "Lead", "contact", "customer", "end-user", "End User", "true", "visitor",
    ] {
        assert_eq!(Role::parse(v), Some(Role::Customer), "{v}");
    }
    for v in [
        "admin", "teammate", "agent", "support", "staff", "false", "Team",
    ] {
        assert_eq!(Role::parse(v), Some(Role::Agent), "{v}");
    }
    for v in [
        "bot",
        "operator",
        "system",
        "automation",
        "workflow",
        "auto_reply",
    ] {
        assert_eq!(Role::parse(v), Some(Role::Bot), "{v}");
    }
    for v in ["", "wizard", "note"] {
        assert_eq!(Role::parse(v), None, "{v}");
    }
}

#[test]
fn missing_columns_and_bad_map() {
    let e = log_of(
        ".csv",
        "id,text,created_at\n1,x,2025-01-01\n",
        &ConversationOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Ingest(crate::error::IngestError::MissingColumn { field, .. }) if field == "inbound"),
        "{e}"
    );
    let e = log_of(
        ".csv",
        "id,text,inbound\n1,x,true\n",
        &ConversationOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Ingest(crate::error::IngestError::MissingColumn { field, .. }) if field == "timestamp"),
        "{e}"
    );
    let e = log_of(
        ".csv",
        "id,text,inbound,created_at\n1,x,true,2025-01-01\n",
        &ConversationOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Ingest(crate::error::IngestError::MissingColumn { field, .. }) if field == "conversation_id"),
        "{e}"
    );
    let opts = ConversationOptions {
        map: vec![("speaker_kind".into(), "x".into())],
        ..Default::default()
    };
    let e = log_of(".csv", "id,text,inbound\n1,x,true\n", &opts).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidOption { option, .. } if *option == Setting::Map),
        "{e}"
    );
}

/// Sanity check on real data: the first 5,000 rows of Customer Support on
/// Twitter, against the response-pair file derived independently from twcs.
#[test]
fn twcs_head_matches_response_pairs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/twcs");
    let head = dir.join("twcs_head_5000.csv");
    let pairs = dir.join("twcs_response_pairs.csv");
    if !head.exists() || !pairs.exists() {
        eprintln!(
            "note: {} not found; skipping the twcs sanity check",
            dir.display()
        );
        return;
    }
    let log = read_conversations(
        &InputSource::Path(head.clone()),
        &ConversationOptions::default(),
    )
    .unwrap();
    assert_eq!(log.stats.messages, 4998);
    assert!(log.rejects.is_empty(), "{:?}", log.rejects.first());
    assert_eq!(log.stats.threads, log.tickets.len() as u64);
    assert!(log.stats.threads > 1000, "{:?}", log.stats);

    // Pairs whose customer tweet and reply are both in the head file.
    let mut ids = std::collections::HashSet::new();
    let mut r = csv::Reader::from_path(&head).unwrap();
    for rec in r.records() {
        ids.insert(rec.unwrap()[0].to_string());
    }
    let mut r = csv::Reader::from_path(&pairs).unwrap();
    let mut delays: Vec<f64> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if ids.contains(&rec[0]) && ids.contains(&rec[3]) {
            delays.push(rec[6].parse::<f64>().unwrap() / 60.0);
        }
    }
    delays.sort_by(f64::total_cmp);
    let n = delays.len();
    let median = if n % 2 == 1 {
        delays[n / 2]
    } else {
        (delays[n / 2 - 1] + delays[n / 2]) / 2.0
    };
    let mean = delays.iter().sum::<f64>() / n as f64;
    eprintln!(
        "twcs head: {} messages, {} threads ({} open), {} replies measured, median {:.2} min (pairs file: {} pairs, median {:.2})",
        log.stats.messages,
        log.stats.threads,
        log.stats.open_threads,
        log.stats.replies_measured,
        log.stats.median_reply_minutes.unwrap_or(f64::NAN),
        n,
        median
    );
    assert_eq!(log.stats.replies_measured, n as u64);
    assert!((log.stats.median_reply_minutes.unwrap() - median).abs() < 1e-9);
    assert!((log.stats.mean_reply_minutes.unwrap() - mean).abs() < 1e-6);
}

/// Message logs are decoded like ticket exports: a Windows-1252 log is
/// detected, and `--encoding` forces a reading.
#[test]
fn message_logs_are_decoded_and_honour_a_forced_encoding() {
    let bytes = b"message_id,parent_id,author,inbound,timestamp,text\n\
1,,Ren\xe9e,true,2024-03-01 10:00,my order is late\n\
2,1,agent,false,2024-03-01 10:30,checking\n";
    let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    let src = InputSource::Path(f.path().to_path_buf());
    let log = read_conversations(&src, &ConversationOptions::default()).unwrap();
    assert_eq!(log.rejects.len(), 0);
    assert_eq!(log.tickets.len(), 1);
    assert_eq!(log.tickets[0].customer_id.as_deref(), Some("Renée"));
    let forced = ConversationOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let log = read_conversations(&src, &forced).unwrap();
    assert_eq!(log.rejects.len(), 1, "forced UTF-8 rejects the é row");
}
