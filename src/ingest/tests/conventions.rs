//! Export conventions that change what a cell means: a vendor's numeric
//! codes in a raw export, clocks of minutes and seconds, reopen flags and
//! the spellings of one ticket id.

use super::*;

/// What `kpi` reads with: no text needed.
fn opts() -> IngestOptions {
    IngestOptions {
        require_text: false,
        ..kpi_opts()
    }
}

fn statuses(rows: &[Row]) -> Vec<Option<&str>> {
    tickets(rows).iter().map(|t| t.status.as_deref()).collect()
}

#[test]
fn servicenow_raw_state_codes_are_named() {
    // A list exported with raw values (`state` 6 = Resolved, 8 = Canceled,
    // 3 = On Hold): the codes are named before the status is read, so an
    // incident on hold with a stale resolution time is not resolved.
    let data = "\
number,opened_at,priority,state,resolved_at,closed_at
INC1,2024-03-01 09:00:00,1,6,2024-03-01 11:00:00,
INC2,2024-03-01 10:00:00,2,7,2024-03-01 16:00:00,2024-03-01 16:00:00
INC4,2024-03-01 12:00:00,4,8,,2024-03-01 12:30:00
INC6,2024-03-01 14:00:00,1,3,2024-03-01 15:00:00,
CHG7,2024-03-01 15:00:00,1,3,,
INC8,2024-03-01 16:00:00,1,In Progress,,
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    assert_eq!(
        statuses(&rows),
        [
            Some("Resolved"),
            Some("Closed"),
            Some("Canceled"),
            Some("On Hold"),
            // A change request's states are another table's: as written.
            Some("3"),
            Some("In Progress"),
        ]
    );
}

#[test]
fn hubspot_default_pipeline_stage_ids_are_named() {
    let data = "\
Ticket ID,Ticket name,Pipeline,Ticket status,Create date,Close date
1,A,0,4,2024-03-01 09:00,2024-03-01 12:00
2,B,0,1,2024-03-01 10:00,
3,C,0,2,2024-03-02 09:00,
4,D,0,3,2024-03-03 09:00,
5,E,8812,4,2024-03-03 10:00,
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(
        statuses(&rows),
        [
            Some("Closed"),
            Some("New"),
            Some("Waiting on contact"),
            Some("Waiting on us"),
            // A custom pipeline's stage ids are its own.
            Some("4"),
        ]
    );
}

fn handle_minutes(rows: &[Row]) -> Vec<f64> {
    tickets(rows)
        .iter()
        .map(|t| (t.handle_minutes.unwrap() * 1000.0).round() / 1000.0)
        .collect()
}

#[test]
fn talk_time_clocks_are_minutes_and_seconds_when_hours_would_be_absurd() {
    // Talkdesk's `Handle time` as mm:ss: read as h:mm every call would
    // take hours (median 5.9 h).
    let data = "\
Call ID,Date,Agent Name,Handle time
1,2024-03-01 09:00:00,Ann,04:05
2,2024-03-01 09:10:00,Bob,12:30
3,2024-03-01 09:20:00,Ann,02:15
4,2024-03-01 09:30:00,Bob,07:40
5,2024-03-01 09:40:00,Bob,00:01:30
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    // A three-part clock is hours, minutes and seconds either way.
    assert_eq!(handle_minutes(&rows), [4.083, 12.5, 2.25, 7.667, 1.5]);
    let w = reader.warnings().join("\n");
    assert!(
        w.contains("column 'Handle time' holds clocks such as '04:05': read as minutes:seconds"),
        "{w}"
    );
}

#[test]
fn time_tracked_clocks_stay_hours_and_minutes() {
    // Freshdesk's `Time tracked` is hh:mm, and its values look it.
    let data = "\
Ticket ID,Created time,Time tracked
1,2024-03-01 09:00:00,0:45
2,2024-03-01 10:00:00,1:30
3,2024-03-01 11:00:00,0:20
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(handle_minutes(&rows), [45.0, 90.0, 20.0]);
    assert!(!reader.warnings().join("\n").contains("minutes:seconds"));
    // A header that names the form decides, without a warning.
    let data = "\
Ticket ID,Created time,Handle time (mm:ss)
1,2024-03-01 09:00:00,01:30
2,2024-03-01 10:00:00,00:45
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(handle_minutes(&rows), [1.5, 0.75]);
    assert!(!reader.warnings().join("\n").contains("minutes:seconds"));
}

#[test]
fn reopen_flags_and_counts() {
    // Zoho Desk's `Is Reopened` says yes or no; OTRS names its closing
    // time `Close Time`.
    let data = "\
Ticket Id,Status,Created Time,Close Time,Is Reopened
1,Closed,2024-03-01 09:00:00,2024-03-01 10:00:00,No
2,Closed,2024-03-01 10:00:00,2024-03-02 10:00:00,Yes
3,Open,2024-03-02 10:00:00,,
";
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    assert_eq!(
        mapped(&reader, Field::Resolved).as_deref(),
        Some("Close Time")
    );
    let t = tickets(&rows);
    assert_eq!(
        t.iter().map(|t| t.reopens).collect::<Vec<_>>(),
        [Some(0), Some(1), None]
    );
    assert_eq!(t[1].resolution_hours(), Some(24.0));
    // Freshdesk's `Reopened` is a count.
    let data = "\
Ticket ID,Status,Created time,Reopened,Agent interactions
1,Closed,2024-03-01 09:00:00,2,3
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(
        (tickets(&rows)[0].reopens, tickets(&rows)[0].replies),
        (Some(2), Some(3))
    );
}

#[test]
fn zero_padded_and_hash_ids_are_one_ticket() {
    // One export zero-pads ids or shows them as `#43`, the next was saved
    // by a spreadsheet; the creation time says they are the same tickets.
    // Letters keep their case (Salesforce ids differ only by case).
    let data = "\
Ticket ID,Status,Created Date,Resolved Date
00042,Open,2024-03-01 09:00,
#43,Open,2024-03-01 10:00,
INC-44,Open,2024-03-01 11:00,
42,Resolved,2024-03-01 09:00,2024-03-01 13:00
43,Resolved,2024-03-01 10:00,2024-03-01 14:00
inc-44,Resolved,2024-03-01 11:00,2024-03-01 15:00
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!((stats.read, stats.superseded), (4, 2));
    let ids: Vec<&str> = tickets(&rows).iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["INC-44", "42", "43", "inc-44"]);
}

#[test]
fn one_row_per_tag_is_one_ticket_with_every_tag() {
    // A report export writes a ticket once per tag; an identical row (a
    // page boundary written twice) and a later version are not tags.
    let data = "\
Id,Status,Created at,Solved at,Tag
1,Solved,2024-03-01 09:00,2024-03-01 10:00,billing
1,Solved,2024-03-01 09:00,2024-03-01 10:00,refund
1,Solved,2024-03-01 09:00,2024-03-01 10:00,vip
2,Open,2024-03-01 11:00,,billing
3,Solved,2024-03-02 09:00,2024-03-02 13:00,login
3,Solved,2024-03-02 09:00,2024-03-02 13:00,login
4,Open,2024-03-02 10:00,,new
4,Solved,2024-03-02 10:00,2024-03-02 12:00,done
";
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!((stats.read, stats.superseded), (4, 4));
    let t = tickets(&rows);
    let tags: Vec<(&str, Vec<&str>)> = t
        .iter()
        .map(|t| (t.id.as_str(), t.tags.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        tags,
        [
            ("1", vec!["billing", "refund", "vip"]),
            ("2", vec!["billing"]),
            ("3", vec!["login"]),
            // A version that changed the status replaces the row, tags too.
            ("4", vec!["done"]),
        ]
    );
    let w = reader.warnings().join("\n");
    assert!(w.contains("4 row(s) not used: earlier versions"), "{w}");
    assert!(
        w.contains("2 of them repeat a ticket's row with another tag, and their tags are added"),
        "{w}"
    );
}

#[test]
fn localized_spreadsheet_booleans_and_raw_escalation_levels() {
    let data = "\
Ticket ID;Created;Escalated;CSAT
1;01.03.2024 10:00;WAHR;Not rated
2;01.03.2024 11:00;FALSCH;5
3;01.03.2024 12:00;2;
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0, "{:?}", rejects(&rows));
    let t = tickets(&rows);
    assert_eq!(
        t.iter().map(|t| t.escalated).collect::<Vec<_>>(),
        [Some(true), Some(false), Some(true)]
    );
    assert_eq!(t[0].csat, None);
}

#[test]
fn ambiguous_zone_abbreviations_read_in_the_zone_given() {
    let data = "\
Ticket ID,Created at,Subject
1,2024-03-01 09:00:00 IST,a
2,2024-03-02 10:30:00 IST,b
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 2);
    let reasons = rejects(&rows);
    assert!(
        reasons[0]
            .1
            .contains("'IST' names more than one zone (India +05:30"),
        "{reasons:?}"
    );
    let kolkata = IngestOptions {
        timezone: "Asia/Kolkata".parse().unwrap(),
        ..opts()
    };
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &kolkata);
    assert_eq!(stats.rejected, 0);
    assert_eq!(tickets(&rows)[0].created_at, utc("2024-03-01T03:30:00Z"));
}

#[test]
fn odata_pages_read_codes_by_their_formatted_values() {
    // Dynamics 365's Web API: an OData page under `value`, option sets as
    // codes with their labels beside them; dates keep their raw value.
    let data = br#"{"@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#incidents", "value": [
 {"ticketnumber": "CAS-1", "title": "a", "createdon": "2024-03-01T10:00:00Z", "createdon@OData.Community.Display.V1.FormattedValue": "3/1/2024 10:00 AM", "statecode": 1, "statecode@OData.Community.Display.V1.FormattedValue": "Resolved", "prioritycode": 1, "prioritycode@OData.Community.Display.V1.FormattedValue": "High"},
 {"ticketnumber": "CAS-2", "title": "b", "createdon": "2024-03-02T10:00:00Z", "statecode": 2, "statecode@OData.Community.Display.V1.FormattedValue": "Cancelled", "prioritycode": 2, "prioritycode@OData.Community.Display.V1.FormattedValue": "Normal"},
 {"ticketnumber": "CAS-3", "title": "c", "createdon": "2024-03-03T10:00:00Z", "statecode": 0, "statecode@OData.Community.Display.V1.FormattedValue": "Active", "prioritycode": 3, "prioritycode@OData.Community.Display.V1.FormattedValue": "Low"}
]}"#;
    let (rows, stats, _) = read_all(".json", data, &opts());
    assert_eq!((stats.read, stats.rejected), (3, 0));
    let t = tickets(&rows);
    assert_eq!(
        statuses(&rows),
        [Some("Resolved"), Some("Cancelled"), Some("Active")]
    );
    assert_eq!(t[0].priority.as_deref(), Some("High"));
    assert_eq!(t[0].created_at, utc("2024-03-01T10:00:00Z"));
}

#[test]
fn containers_that_are_not_exports_are_named() {
    for (ext, bytes, what) in [
        (
            ".xlsx",
            &b"PK\x03\x04\x14\x00\x06\x00rest"[..],
            "a ZIP archive",
        ),
        (
            ".xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0][..],
            "legacy Excel",
        ),
        (".xml", &b"<?xml version=\"1.0\"?><unload/>"[..], "XML"),
        (
            ".xls",
            &b"<html><body><table><tr><td>id</td></tr></table>"[..],
            "an HTML page",
        ),
    ] {
        let e = open_err(ext, bytes, &opts()).to_string();
        assert!(
            e.contains(what) && e.contains("save or export it as CSV"),
            "{e}"
        );
    }
}

#[test]
fn a_week_of_dates_that_read_either_way_keeps_its_month() {
    // A UK export of one week, 4–11 March: every field ≤ 12. Read
    // month-first (the default for `/`) it would spread from April to
    // November on the 3rd of each month.
    let data = "\
Ticket ID,Created,Resolved
1,04/03/2024 09:00,04/03/2024 21:00
2,05/03/2024 10:00,06/03/2024 10:00
3,07/03/2024 11:00,08/03/2024 23:00
4,11/03/2024 12:00,
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    let t = tickets(&rows);
    assert_eq!(t[3].created_at, utc("2024-03-11T12:00:00Z"));
    assert_eq!(t[1].resolution_hours(), Some(24.0));
    let w = reader.warnings().join("\n");
    assert!(
        w.contains("read day-first: their second field stays one month"),
        "{w}"
    );
    // A US week (3/4 … 3/11) stays month-first, the default.
    let data = "\
Ticket ID,Created
1,03/04/2024 09:00
2,03/05/2024 10:00
3,03/11/2024 11:00
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(tickets(&rows)[2].created_at, utc("2024-03-11T11:00:00Z"));
}

/// Cases a review found: each must read as before the heuristics above.
#[test]
fn heuristics_leave_ordinary_inputs_alone() {
    // Hours of time tracked on a ticket stay hours:minutes.
    let data = "id,created_at,Time tracked\n1,2024-03-02 09:00,2:30\n2,2024-03-02 10:00,3:15\n3,2024-03-02 11:00,4:00\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(handle_minutes(&rows), [150.0, 195.0, 240.0]);
    // Dotted dates stay day-first whatever field is steady.
    let data = "id,created_at\n1,01.03.2024 09:00\n2,02.04.2024 09:00\n3,01.06.2024 09:00\n4,02.07.2024 10:00\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(tickets(&rows)[3].created_at, utc("2024-07-02T10:00:00Z"));
    // An identical row after rows per tag keeps the merged tags.
    let data = "Ticket ID,Created at,Status,Ticket tags\n1,2024-03-01 09:00,Solved,billing\n1,2024-03-01 09:00,Solved,refund\n1,2024-03-01 09:00,Solved,billing\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(tickets(&rows)[0].tags, ["billing", "refund"]);
    // An OData quantity keeps its number (its label is in the user's locale).
    let data = br#"{"value":[{"ticketnumber":"CAS-1","createdon":"2024-03-01T09:00:00Z","handle_minutes":1500,"handle_minutes@OData.Community.Display.V1.FormattedValue":"1.500"}]}"#;
    let (rows, _, _) = read_all(".json", data, &opts());
    assert_eq!(handle_minutes(&rows), [1500.0]);
    // A record's own `timestamp` beside a `data` object, with no event
    // named, is still its creation time.
    let data = br#"{"timestamp":"2024-03-01T09:00:00Z","message":"Printer broken","data":{"id":"t1","status":"open"}}
{"timestamp":"2024-03-01T10:00:00Z","message":"Login","data":{"id":"t2","status":"open"}}
"#;
    let (rows, stats, _) = read_all(".jsonl", data, &opts());
    assert_eq!(stats.rejected, 0);
    assert_eq!(tickets(&rows)[1].created_at, utc("2024-03-01T10:00:00Z"));
}

#[test]
fn spam_and_deleted_marks_close_a_ticket_without_resolution() {
    // Gorgias's API: a spam ticket keeps its status `closed`, a trashed
    // one carries the time it was trashed. Neither is a resolution.
    let data = r#"{"data": [
 {"id": 1, "status": "closed", "spam": false, "trashed_datetime": null, "created_datetime": "2024-03-01T09:00:00Z", "closed_datetime": "2024-03-01T13:00:00Z"},
 {"id": 2, "status": "closed", "spam": true, "trashed_datetime": null, "created_datetime": "2024-03-01T10:00:00Z", "closed_datetime": "2024-03-01T10:05:00Z"},
 {"id": 3, "status": "open", "spam": false, "trashed_datetime": "2024-03-02T08:00:00Z", "created_datetime": "2024-03-01T11:00:00Z", "closed_datetime": null},
 {"id": 4, "status": "open", "spam": false, "trashed_datetime": null, "created_datetime": "2024-03-01T12:00:00Z", "closed_datetime": null}
]}"#;
    let (rows, stats, _) = read_all(".json", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    assert_eq!(
        statuses(&rows),
        [Some("closed"), Some("spam"), Some("deleted"), Some("open")]
    );
    use crate::ticket::TicketState::{self, *};
    let states: Vec<TicketState> = tickets(&rows).iter().map(|t| t.state()).collect();
    assert_eq!(states, [Resolved, Terminal, Terminal, Open]);

    // Freshdesk's spam flag in a CSV; `No`/blank leave the status alone.
    let data = "\
Ticket ID,Status,Created time,Resolved time,Spam
1,Closed,2024-03-01 09:00,2024-03-01 10:00,No
2,Open,2024-03-01 09:00,,Yes
3,Open,2024-03-01 09:00,,
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(
        statuses(&rows),
        [Some("Closed"), Some("spam"), Some("Open")]
    );
}

#[test]
fn formula_guards_of_a_ticketlens_csv_are_read_back_as_written() {
    // `classify` writes `'=…`, `'-None-` so that spreadsheets show text;
    // reading that file back must group and read the original values.
    let data = "\
Id,Created at,Status,Agent,Subject
1,2024-03-01 10:00,Open,'-Tier 2-,\"'=HYPERLINK(\"\"http://evil\"\")\"
2,2024-03-01 11:00,Open,-Tier 2-,'-5 stars
3,2024-03-01 12:00,Open,'Ann',it's fine
";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts());
    let t = tickets(&rows);
    let agents: Vec<Option<&str>> = t.iter().map(|t| t.agent.as_deref()).collect();
    assert_eq!(agents, [Some("-Tier 2-"), Some("-Tier 2-"), Some("'Ann'")]);
    let subjects: Vec<Option<&str>> = t.iter().map(|t| t.subject.as_deref()).collect();
    assert_eq!(
        subjects,
        [
            Some("=HYPERLINK(\"http://evil\")"),
            Some("-5 stars"),
            Some("it's fine")
        ]
    );
}

#[test]
fn mysql_backslash_escaped_quotes_keep_the_columns() {
    let data = r#""ticket_id","created","closed_at","status","subject"
"1","2024-03-01 10:00:00","2024-03-01 14:00:00","closed","Printer \"jammed\", again"
"3","2024-03-02 09:00:00",\N,"open","Refund \"now\", please"
"#;
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    let t = tickets(&rows);
    assert_eq!(t[0].subject.as_deref(), Some(r#"Printer "jammed", again"#));
    assert_eq!(
        (t[1].resolved_at, t[1].status.as_deref()),
        (None, Some("open"))
    );
    assert!(reader.warnings().iter().any(|w| w.contains("backslash")));
}

#[test]
fn sql_client_rules_and_row_counts_are_no_tickets() {
    // sqlcmd: a rule of dashes under the header; psql's aligned output:
    // `---+---` and `(N rows)` right after the last row.
    let sqlcmd = "\
ticket_id,created_at,resolved_at,status
---------,-----------------------,-----------------------,------
1,2024-03-27 09:00:00.000,2024-03-27 11:00:00.000,closed
2,2024-03-27 10:00:00.000,,open

(2 rows affected)
";
    let psql = " ticket_id |     created_at      |     resolved_at     | status \n\
-----------+---------------------+---------------------+--------\n\
         1 | 2024-03-28 09:00:00 | 2024-03-28 11:00:00 | closed\n\
         2 | 2024-03-28 10:00:00 |                     | open\n\
(2 rows)\n";
    for data in [sqlcmd, psql] {
        let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
        assert_eq!((stats.accepted, stats.rejected), (2, 0), "{data}");
        assert_eq!(statuses(&rows), [Some("closed"), Some("open")]);
        assert!(
            reader.warnings().iter().any(|w| w.contains("dashes")),
            "{:?}",
            reader.warnings()
        );
    }
}

#[test]
fn desk_specific_columns_and_values() {
    // Zammad: `Close At` is the resolution; `Close In Min` (business
    // minutes) is not read when it is there.
    let data = "\
Number,State,Customer,Created At,First Response At,Close At,First Response In Min,Close In Min
1,closed,a@x.com,2024-03-04 09:00:00 UTC,2024-03-04 09:20:00 UTC,2024-03-04 13:00:00 UTC,20,60
2,closed,NA,2024-03-04 10:00:00 UTC,2024-03-04 10:30:00 UTC,2024-03-04 12:00:00 UTC,30,
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(
        reader.mapping().get(Field::Resolved).unwrap().column,
        "Close At"
    );
    let t = tickets(&rows);
    assert_eq!(t[0].resolution_hours(), Some(4.0));
    // R's NA is no customer.
    assert_eq!(t[1].customer_id, None);

    // JSM's SLA columns hold the time left, not the time taken.
    let data = "\
Summary,Issue key,Status,Created,Resolved,Time to first response,Time to resolution
VPN down,HELP-1,Resolved,2024-03-01 09:00,2024-03-01 13:00,3h 30m,4h 0m
Laptop,HELP-2,Waiting for support,2024-03-01 10:00,,-1h 15m,-2h 10m
";
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    assert!(reader.mapping().get(Field::FirstResponse).is_none());
    assert_eq!(tickets(&rows)[0].resolution_hours(), Some(4.0));

    // A thumbs survey exported as percentages: 0–100 however few values.
    let data = "\
Ticket ID,Created,Status,CSAT score
1,2024-03-08 09:00,Closed,100%
2,2024-03-08 09:30,Closed,0%
3,2024-03-08 10:00,Closed,100%
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    let csat: Vec<Option<f64>> = tickets(&rows).iter().map(|t| t.csat).collect();
    assert_eq!(csat, [Some(5.0), Some(1.0), Some(5.0)]);
}

#[test]
fn dates_and_times_of_day_in_separate_columns_are_one_timestamp() {
    let data = "\
Ticket Number,Date Created,Time Created,Status,Date Closed,Time Closed
1001,2024-03-15,09:00,Closed,2024-03-15,12:00
1002,2024-03-15,10:30,Open,,
1003,2024-03-16 08:00,08:00,Closed,2024-03-16,9:15 AM
";
    let (rows, stats, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(stats.rejected, 0);
    let t = tickets(&rows);
    assert_eq!(t[0].created_at, utc("2024-03-15T09:00:00Z"));
    assert_eq!(t[0].resolution_hours(), Some(3.0));
    assert_eq!(
        (t[1].created_at, t[1].resolved_at),
        (utc("2024-03-15T10:30:00Z"), None)
    );
    // A date cell with its time already is read as it is.
    assert_eq!(t[2].created_at, utc("2024-03-16T08:00:00Z"));
    assert_eq!(t[2].resolved_at, Some(utc("2024-03-16T09:15:00Z")));
    let created = reader.mapping().get(Field::CreatedAt).unwrap();
    assert_eq!(created.sources, [1, 2]);

    // `Created time` (mapped first: Freshdesk's whole timestamp) beside
    // `Created date`: joined when it holds clocks, read alone otherwise.
    for (time, want) in [
        ("09:00", "2024-03-15T09:00:00Z"),
        ("2024-03-15 10:00", "2024-03-15T10:00:00Z"),
    ] {
        let data =
            format!("Ticket ID,Created date,Created time,Status\n1,2024-03-15,{time},Open\n");
        let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
        assert_eq!(stats.rejected, 0, "{time}");
        assert_eq!(tickets(&rows)[0].created_at, utc(want), "{time}");
    }
}

#[test]
fn flag_and_clock_look_alikes_are_not_read_as_such() {
    // A spam column holding something else than flags or times: bad
    // values, rejected with their reason, not quietly marked.
    let data = "\
Ticket ID,Created at,Solved at,Status,Spam
1,2024-03-01 09:00,2024-03-01 10:00,Solved,No
2,2024-03-01 09:00,2024-03-01 10:00,Solved,0.02
";
    let (rows, stats, _) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!((stats.accepted, stats.rejected), (1, 1));
    assert!(rejects(&rows)[0].1.contains("0.02"), "{:?}", rejects(&rows));

    // `Resolution time` beside `Resolution date` is a duration: never
    // joined as a clock (nor `26:00`, no time of day).
    let data = "\
Ticket ID,Created at,Resolution date,Resolution time,Status
1,2024-03-01 09:00,2024-03-01,3:00,Solved
";
    let (_, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(reader.mapping().get(Field::Resolved).unwrap().sources, [2]);
    use crate::ingest::mapping::join_date_and_clock;
    assert_eq!(join_date_and_clock(&["2024-03-02", "26:00"]), "2024-03-02");
    assert_eq!(
        join_date_and_clock(&["2024-03-02", "9:05 PM"]),
        "2024-03-02 9:05 PM"
    );
}

#[test]
fn liveagent_status_letters_are_named() {
    let data = "\
id,subject,status,departmentid,agentid,owner_email,date_created,date_resolved
k1a2,Refund please,R,d1,a1,ann@x.com,2024-03-01 09:00:00,2024-03-01 13:00:00
k1a3,Where is order,A,d1,a1,bob@x.com,2024-03-01 10:00:00,
k1a4,Duplicate,X,d1,a2,bob@x.com,2024-03-01 11:00:00,
k1a5,WIN BIG,B,d1,,spam@x.com,2024-03-01 12:00:00,
k1a6,Login broken,N,d1,,cy@x.com,2024-03-02 09:00:00,
";
    let (rows, _, reader) = read_all(".csv", data.as_bytes(), &opts());
    assert_eq!(
        statuses(&rows),
        [
            Some("Resolved"),
            Some("Answered"),
            Some("Deleted"),
            Some("Spam"),
            Some("New")
        ]
    );
    use crate::ticket::TicketState::{self, *};
    let states: Vec<TicketState> = tickets(&rows).iter().map(|t| t.state()).collect();
    assert_eq!(states, [Resolved, Open, Terminal, Terminal, Open]);
    // Every status word is known: no warning about them.
    assert!(!reader
        .warnings()
        .iter()
        .any(|w| w.contains("neither open nor closed")));
}
