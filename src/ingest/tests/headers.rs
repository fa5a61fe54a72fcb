//! Header auto-detection for help-desk exports, `--map`, `--text-column`.

use super::*;
use crate::error::Setting;
use crate::ingest::*;

#[test]
fn kaggle_suraj520_header() {
    let header = "Ticket ID,Customer Name,Customer Email,Customer Age,Customer Gender,Product Purchased,Date of Purchase,Ticket Type,Ticket Subject,Ticket Description,Ticket Status,Resolution,Ticket Priority,Ticket Channel,First Response Time,Time to Resolution,Customer Satisfaction Rating\n";
    let row = "1,Marisa Obrien,carrollallison@example.com,32,Other,GoPro Hero,2021-03-22,Technical issue,Product setup,\"I'm having an issue.\",Closed,Case maybe,Critical,Social media,2023-06-01 12:15:36,2023-06-01 18:05:38,3.0\n";
    let data = format!("{header}{row}");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &IngestOptions::default());
    assert_eq!(mapped(&r, Field::TicketId).as_deref(), Some("Ticket ID"));
    assert_eq!(
        mapped(&r, Field::CustomerId).as_deref(),
        Some("Customer Email")
    );
    assert_eq!(
        mapped(&r, Field::Subject).as_deref(),
        Some("Ticket Subject")
    );
    assert_eq!(
        mapped(&r, Field::Body).as_deref(),
        Some("Ticket Description")
    );
    assert_eq!(mapped(&r, Field::Status).as_deref(), Some("Ticket Status"));
    assert_eq!(
        mapped(&r, Field::Priority).as_deref(),
        Some("Ticket Priority")
    );
    assert_eq!(
        mapped(&r, Field::Channel).as_deref(),
        Some("Ticket Channel")
    );
    assert_eq!(
        mapped(&r, Field::FirstResponse).as_deref(),
        Some("First Response Time")
    );
    assert_eq!(
        mapped(&r, Field::Resolved).as_deref(),
        Some("Time to Resolution")
    );
    assert_eq!(
        mapped(&r, Field::Csat).as_deref(),
        Some("Customer Satisfaction Rating")
    );
    assert_eq!(mapped(&r, Field::CreatedAt), None);
    let t = tickets(&rows)[0];
    assert_eq!(t.first_response_at, Some(utc("2023-06-01T12:15:36Z")));
    assert_eq!(t.resolved_at, Some(utc("2023-06-01T18:05:38Z")));
    assert_eq!(t.csat, Some(3.0));
    assert_eq!(t.customer_id.as_deref(), Some("carrollallison@example.com"));
}

#[test]
fn zendesk_header() {
    let header = "Id,Requester,Requester id,Assignee,Group,Subject,Status,Via,Created at,Solved at,Satisfaction Score,Tags,Reopens,Replies,Agent replies,First reply time in minutes,First reply time in minutes within business hours,Full resolution time in hours\n";
    let row = "101,Ann,555,Bob,Billing,Refund please,Solved,Mail,2025-01-02 08:00:00,2025-01-03 08:00:00,Good,billing refund,0,4,2,45,30,24\n";
    let data = format!("{header}{row}");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(mapped(&r, Field::TicketId).as_deref(), Some("Id"));
    assert_eq!(
        mapped(&r, Field::CustomerId).as_deref(),
        Some("Requester id")
    );
    assert_eq!(mapped(&r, Field::Agent).as_deref(), Some("Assignee"));
    assert_eq!(mapped(&r, Field::Team).as_deref(), Some("Group"));
    assert_eq!(mapped(&r, Field::Channel).as_deref(), Some("Via"));
    assert_eq!(mapped(&r, Field::CreatedAt).as_deref(), Some("Created at"));
    // "Solved at" is a timestamp column and more specific than the duration column.
    assert_eq!(mapped(&r, Field::Resolved).as_deref(), Some("Solved at"));
    assert_eq!(mapped(&r, Field::Replies).as_deref(), Some("Agent replies"));
    assert_eq!(
        mapped(&r, Field::FirstResponse).as_deref(),
        Some("First reply time in minutes")
    );
    assert_eq!(
        mapped(&r, Field::Csat).as_deref(),
        Some("Satisfaction Score")
    );
    assert_eq!(mapped(&r, Field::Tags).as_deref(), Some("Tags"));
    let t = tickets(&rows)[0];
    assert_eq!(t.customer_id.as_deref(), Some("555"));
    assert_eq!(t.first_response_minutes, Some(45.0));
    assert_eq!(t.resolution_hours(), Some(24.0));
    assert_eq!(t.replies, Some(2));
    assert_eq!(t.csat, Some(5.0));
    assert_eq!(t.tags, vec!["billing", "refund"]);
}

#[test]
fn zendesk_duration_only_export_uses_header_units() {
    let data = "Id,Subject,Created at,Full resolution time in hours,Full resolution time in minutes\n7,Hi,2025-01-01,1.5,90\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        mapped(&r, Field::Resolved).as_deref(),
        Some("Full resolution time in hours")
    );
    assert_eq!(tickets(&rows)[0].resolution_hours, Some(1.5));
    // Mapping the minutes column converts to hours.
    let opts = IngestOptions {
        map: vec![(
            "resolution_hours".into(),
            "Full resolution time in minutes".into(),
        )],
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    assert_eq!(tickets(&rows)[0].resolution_hours, Some(1.5));
}

#[test]
fn freshdesk_header_hours_become_minutes() {
    let header = "Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,First response time (in hrs),Contact ID,Customer satisfaction\n";
    let row = "9,Login,Cannot log in,Resolved,High,Email,Question,Eve,Tier 2,2025-02-01 10:00:00,2025-02-01 13:00:00,1.5,C77,4\n";
    let data = format!("{header}{row}");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        mapped(&r, Field::CreatedAt).as_deref(),
        Some("Created time")
    );
    assert_eq!(
        mapped(&r, Field::Resolved).as_deref(),
        Some("Resolved time")
    );
    assert_eq!(mapped(&r, Field::Channel).as_deref(), Some("Source"));
    assert_eq!(mapped(&r, Field::CustomerId).as_deref(), Some("Contact ID"));
    assert_eq!(mapped(&r, Field::Body).as_deref(), Some("Description"));
    assert_eq!(
        mapped(&r, Field::Csat).as_deref(),
        Some("Customer satisfaction")
    );
    let t = tickets(&rows)[0];
    assert_eq!(t.first_response_minutes, Some(90.0));
    assert_eq!(t.frt_minutes(), Some(90.0));
    assert_eq!(t.resolution_hours(), Some(3.0));
    assert_eq!(t.team.as_deref(), Some("Tier 2"));
    assert_eq!(t.agent.as_deref(), Some("Eve"));
    assert!(r.mapping().to_string().contains("numbers × 60 → minutes"));
}

#[test]
fn jira_header() {
    let header = "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Resolved,Description,Labels,Component/s\n";
    let row = "App crashes,SUP-12,10012,Bug,Done,High,kim,acme-corp,2025-04-01 09:15,2025-04-02 10:00,2025-04-02 09:15,It crashes on start,crash mobile,Mobile\n";
    let data = format!("{header}{row}");
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(mapped(&r, Field::TicketId).as_deref(), Some("Issue key"));
    assert_eq!(mapped(&r, Field::CustomerId).as_deref(), Some("Reporter"));
    assert_eq!(mapped(&r, Field::CreatedAt).as_deref(), Some("Created"));
    assert_eq!(mapped(&r, Field::Resolved).as_deref(), Some("Resolved"));
    assert_eq!(mapped(&r, Field::Subject).as_deref(), Some("Summary"));
    assert_eq!(mapped(&r, Field::Body).as_deref(), Some("Description"));
    assert_eq!(mapped(&r, Field::Agent).as_deref(), Some("Assignee"));
    assert_eq!(mapped(&r, Field::Tags).as_deref(), Some("Labels"));
    assert_eq!(mapped(&r, Field::Team).as_deref(), Some("Component/s"));
    let t = tickets(&rows)[0];
    assert_eq!(t.id, "SUP-12");
    assert_eq!(t.resolution_hours(), Some(24.0));
    assert_eq!(t.text(), "App crashes. It crashes on start");

    // Jira's time tracking is in seconds; elsewhere a bare "Time spent" is
    // minutes.
    let jira = "Summary,Issue key,Created,Time Spent\nA,SUP-1,2025-04-01 09:15,1800\n";
    let (rows, _, _) = read_all(".csv", jira.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].handle_minutes, Some(30.0));
    let other = "Subject,Ticket ID,Created,Time Spent\nA,1,2025-04-01 09:15,30\n";
    let (rows, _, _) = read_all(".csv", other.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].handle_minutes, Some(30.0));
}

#[test]
fn aliases_belong_to_one_field_only() {
    let mut seen = std::collections::HashMap::new();
    for f in Field::ALL {
        for a in f.aliases() {
            if let Some(prev) = seen.insert(normalize_header(a), f) {
                assert_eq!(prev, f, "alias {a:?} in both {prev} and {f}");
            }
        }
        assert_eq!(Field::parse(f.as_str()), Some(f));
    }
    assert_eq!(
        Field::parse("first_response_minutes"),
        Some(Field::FirstResponse)
    );
    assert_eq!(Field::parse("resolved_at"), Some(Field::Resolved));
}

#[test]
fn map_overrides_win_and_errors_are_options() {
    let data = "Ticket ID,Opened On,Ticket Description,Notes\n1,2025-01-05 10:00,desc,note text\n";
    let opts = IngestOptions {
        map: vec![
            ("created_at".into(), "Opened On".into()),
            ("body".into(), "notes".into()),
        ],
        ..kpi_opts()
    };
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &opts);
    let c = r.mapping().get(Field::CreatedAt).unwrap();
    assert_eq!(
        (c.column.as_str(), c.how),
        ("Opened On", MatchedBy::Mapping)
    );
    assert_eq!(mapped(&r, Field::Body).as_deref(), Some("Notes"));
    let t = tickets(&rows)[0];
    assert_eq!(t.body.as_deref(), Some("note text"));
    assert_eq!(t.created_at, utc("2025-01-05T10:00:00Z"));
    let shown = r.mapping().to_string();
    assert!(
        shown.contains("\"Opened On\"") && shown.contains("`map`"),
        "{shown}"
    );
    assert!(
        shown.contains("not used (kept in enriched output): \"Ticket Description\""),
        "{shown}"
    );

    // A `map` column is not auto-claimed by another field.
    let opts = IngestOptions {
        map: vec![("subject".into(), "Ticket Description".into())],
        ..Default::default()
    };
    let (_, _, r) = read_all(".csv", data.as_bytes(), &opts);
    assert_eq!(
        mapped(&r, Field::Subject).as_deref(),
        Some("Ticket Description")
    );
    assert_eq!(mapped(&r, Field::Body), None);

    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            map: vec![("opened".into(), "Opened On".into())],
            ..Default::default()
        },
    );
    assert!(
        matches!(&e, Error::InvalidOption { option, message } if *option == Setting::Map && message.contains("unknown field `opened`")),
        "{e}"
    );
    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            map: vec![("created_at".into(), "Nope".into())],
            ..Default::default()
        },
    );
    assert!(
        matches!(&e, Error::InvalidOption { option, message } if *option == Setting::Map && message.contains("column `Nope` not found")),
        "{e}"
    );
    let e = open_err(
        ".csv",
        data.as_bytes(),
        &IngestOptions {
            text_columns: vec!["Nope".into()],
            ..Default::default()
        },
    );
    assert!(
        matches!(&e, Error::InvalidOption { option, .. } if *option == Setting::TextColumn),
        "{e}"
    );
}

#[test]
fn text_columns_join_into_body() {
    let data = "id,Product,Question,Extra\n1,Router, keeps dropping ,\n2,, ,\n";
    let opts = IngestOptions {
        text_columns: vec!["Product".into(), "Question".into(), "Extra".into()],
        ..Default::default()
    };
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &opts);
    let t = tickets(&rows)[0];
    assert_eq!(t.body.as_deref(), Some("Router. keeps dropping"));
    assert_eq!(t.subject, None);
    assert!(r.mapping().has(Field::Body));
    assert_eq!(
        rejects(&rows),
        vec![(
            3,
            "empty text: column(s) 'Product', 'Question', 'Extra' blank".to_string()
        )]
    );
}

#[test]
fn duration_headers_with_a_unit_suffix_are_mapped_in_that_unit() {
    let cases = [
        (
            "Time to close (ms)",
            "first_reply_time_sec",
            7_200_000.0,
            900.0,
        ),
        (
            "Resolution time (in minutes)",
            "First response (min)",
            120.0,
            15.0,
        ),
        (
            "resolution_time_sec",
            "Time to first response (in minutes)",
            7200.0,
            15.0,
        ),
        (
            "Full resolution time in seconds",
            "First reply time in seconds",
            7200.0,
            900.0,
        ),
        (
            "Resolution Time (mins)",
            "Time to first agent reply (ms)",
            120.0,
            900_000.0,
        ),
    ];
    for (res, frt, res_v, frt_v) in cases {
        let data = format!(
            "id,created_at,subject,{res},{frt}\n1,2024-03-06T09:00:00Z,late,{res_v},{frt_v}\n"
        );
        let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
        assert_eq!(mapped(&r, Field::Resolved).as_deref(), Some(res), "{data}");
        assert_eq!(
            mapped(&r, Field::FirstResponse).as_deref(),
            Some(frt),
            "{data}"
        );
        let t = tickets(&rows)[0];
        let hours = t.resolution_hours.expect("resolution time");
        assert!((hours - 2.0).abs() < 1e-9, "{data}: {hours} h");
        let minutes = t.first_response_minutes.expect("first response time");
        assert!((minutes - 15.0).abs() < 1e-9, "{data}: {minutes} min");
    }
    // Ten digits or more in a column with a unit are still a duration (not
    // an epoch timestamp): 15 days in milliseconds.
    let data = "id,created_at,subject,Time to close (ms),first_reply_time_sec\n\
                1,2024-03-06T09:00:00Z,late,1296000000,3600\n\
                2,2024-03-06T09:00:00Z,late,7200000,900\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let ts = tickets(&rows);
    assert_eq!(ts.len(), 2);
    let close = |v: Option<f64>, want: f64| v.is_some_and(|x| (x - want).abs() < 1e-6 * want);
    assert!(close(ts[0].resolution_hours, 360.0), "{:?}", ts[0]);
    assert!(close(ts[0].first_response_minutes, 60.0), "{:?}", ts[0]);
    assert!(close(ts[1].resolution_hours, 2.0), "{:?}", ts[1]);
    // Business-hours columns and unit-less look-alikes are not taken this way.
    let data = "id,created_at,subject,Resolution time in hours within business hours,Resolution\n\
                1,2024-03-06T09:00:00Z,late,2,Fixed\n";
    let (_, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        mapped(&r, Field::Resolved).as_deref(),
        None,
        "neither column is a wall-clock resolution time"
    );
}

/// Headers with a trailing qualifier (`(UTC)`, HubSpot's `(HH:mm:ss)`) match
/// the field the rest names, and more vendors' spellings of creation and
/// resolution times are known; a unit in the qualifier still counts.
#[test]
fn headers_with_qualifiers_and_more_spellings() {
    let data = "Ticket ID,Ticket name,Created (UTC),Closed at (UTC),Time to first agent reply (HH:mm:ss)\n\
                1,Refund,2024-03-01 09:00,2024-03-01 12:00,00:30:00\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        mapped(&r, Field::CreatedAt).as_deref(),
        Some("Created (UTC)")
    );
    assert_eq!(
        mapped(&r, Field::Resolved).as_deref(),
        Some("Closed at (UTC)")
    );
    assert_eq!(
        mapped(&r, Field::FirstResponse).as_deref(),
        Some("Time to first agent reply (HH:mm:ss)")
    );
    let t = tickets(&rows);
    assert_eq!(t[0].first_response_minutes, Some(30.0));
    for (created, resolved) in [
        ("Date/Time Created", "Date/Time Resolved"),
        ("Creation time", "Date Resolved"),
        ("Date Submitted", "Ticket Closed Time"),
        ("created_datetime", "closed_datetime"),
        ("Created", "Completed at"),
        ("Created", "Solved date"),
        ("Created", "Closed Date/Time"),
    ] {
        let data =
            format!("id,subject,{created},{resolved}\n1,a,2024-03-01 09:00,2024-03-02 09:00\n");
        let (_, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
        assert_eq!(mapped(&r, Field::CreatedAt).as_deref(), Some(created));
        assert_eq!(mapped(&r, Field::Resolved).as_deref(), Some(resolved));
    }
    // The unit in a qualifier is the column's.
    let data = "id,subject,created_at,Resolution time (in hrs)\n1,a,2024-03-01 09:00,2\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].resolution_hours, Some(2.0));
}
