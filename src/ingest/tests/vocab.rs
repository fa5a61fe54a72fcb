//! Other help desks' header vocabularies: one export header line per help
//! desk and the column each field must come from.

use super::*;

/// (help desk, header line, [(field, column)]) — a field listed with `None`
/// must stay unmapped (the header has no such column, or a look-alike must
/// not be taken).
type Case = (
    &'static str,
    &'static str,
    &'static [(Field, Option<&'static str>)],
);

const CASES: &[Case] = &[
    (
        "Salesforce",
        "Case Number,Subject,Description,Status,Priority,Case Origin,Case Owner,Contact Name,Account Name,Date/Time Opened,Date/Time Closed,Age (Hours)",
        &[
            (Field::TicketId, Some("Case Number")),
            (Field::CreatedAt, Some("Date/Time Opened")),
            (Field::Resolved, Some("Date/Time Closed")),
            (Field::Channel, Some("Case Origin")),
            (Field::Agent, Some("Case Owner")),
            (Field::CustomerId, Some("Contact Name")),
            (Field::Status, Some("Status")),
            (Field::Priority, Some("Priority")),
            (Field::Subject, Some("Subject")),
            (Field::Body, Some("Description")),
        ],
    ),
    (
        "ServiceNow",
        "number,opened_at,resolved_at,closed_at,short_description,description,caller_id,contact_type,assignment_group,assigned_to,reassignment_count,reopen_count,priority,state",
        &[
            (Field::TicketId, Some("number")),
            (Field::CreatedAt, Some("opened_at")),
            // resolved_at is preferred over closed_at.
            (Field::Resolved, Some("resolved_at")),
            (Field::Subject, Some("short_description")),
            (Field::Body, Some("description")),
            (Field::CustomerId, Some("caller_id")),
            (Field::Channel, Some("contact_type")),
            (Field::Team, Some("assignment_group")),
            (Field::Agent, Some("assigned_to")),
            (Field::Reopens, Some("reopen_count")),
            (Field::Priority, Some("priority")),
            (Field::Status, Some("state")),
            // reassignment_count is not a reopen count.
            (Field::Replies, None),
        ],
    ),
    (
        "Jira / JSM",
        "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Resolution,Assignee,Reporter,Created,Updated,Resolved,Labels,Description",
        &[
            (Field::TicketId, Some("Issue key")),
            (Field::Subject, Some("Summary")),
            (Field::CreatedAt, Some("Created")),
            // `Resolution` (Done/Fixed) is the verdict, not the resolution time.
            (Field::Resolved, Some("Resolved")),
            (Field::ResolutionCode, Some("Resolution")),
            (Field::CustomerId, Some("Reporter")),
            (Field::Agent, Some("Assignee")),
            (Field::Tags, Some("Labels")),
        ],
    ),
    (
        "Intercom",
        "conversation_id,conversation_state,conversation_created_at,conversation_first_response_at,conversation_closed_at,conversation_tags,message_body",
        &[
            (Field::TicketId, Some("conversation_id")),
            (Field::Status, Some("conversation_state")),
            (Field::CreatedAt, Some("conversation_created_at")),
            (Field::FirstResponse, Some("conversation_first_response_at")),
            (Field::Resolved, Some("conversation_closed_at")),
            (Field::Tags, Some("conversation_tags")),
        ],
    ),
    (
        "Intercom reporting",
        "Conversation ID,Conversation started at,Conversation first replied at,Conversation last closed at,Teammate assigned,Team assigned,Conversation rating,Title",
        &[
            (Field::TicketId, Some("Conversation ID")),
            (Field::CreatedAt, Some("Conversation started at")),
            (Field::FirstResponse, Some("Conversation first replied at")),
            (Field::Resolved, Some("Conversation last closed at")),
            (Field::Agent, Some("Teammate assigned")),
            (Field::Team, Some("Team assigned")),
            (Field::Csat, Some("Conversation rating")),
        ],
    ),
    (
        "Help Scout",
        "Conversation ID,Conversation Number,Subject,Customer,Customer Email,Status,Mailbox,Assigned To,Tags,Created At,Closed At",
        &[
            (Field::TicketId, Some("Conversation ID")),
            (Field::CustomerId, Some("Customer")),
            (Field::Team, Some("Mailbox")),
            (Field::Agent, Some("Assigned To")),
            (Field::CreatedAt, Some("Created At")),
            (Field::Resolved, Some("Closed At")),
            (Field::Tags, Some("Tags")),
        ],
    ),
    (
        "HubSpot",
        "Ticket ID,Ticket name,Ticket description,Ticket status,Priority,Source,Ticket owner,Create date,Close date,Time to first agent reply,Time to close,Associated Contact",
        &[
            (Field::TicketId, Some("Ticket ID")),
            (Field::Subject, Some("Ticket name")),
            (Field::Body, Some("Ticket description")),
            (Field::Status, Some("Ticket status")),
            (Field::Channel, Some("Source")),
            (Field::Agent, Some("Ticket owner")),
            (Field::CreatedAt, Some("Create date")),
            // The close timestamp wins over the duration.
            (Field::Resolved, Some("Close date")),
            (Field::FirstResponse, Some("Time to first agent reply")),
            (Field::CustomerId, Some("Associated Contact")),
        ],
    ),
    (
        "Freshservice",
        "Ticket Id,Subject,Description,Status,Priority,Source,Type,Agent,Group,Requester Name,Requester Email,Created Date,Resolved Date,Closed Date,First Response Time (in Hrs),Resolution Time (in Hrs)",
        &[
            (Field::TicketId, Some("Ticket Id")),
            (Field::Agent, Some("Agent")),
            (Field::Team, Some("Group")),
            (Field::CustomerId, Some("Requester Email")),
            (Field::CreatedAt, Some("Created Date")),
            (Field::Resolved, Some("Resolved Date")),
            (Field::FirstResponse, Some("First Response Time (in Hrs)")),
        ],
    ),
    (
        "Zammad",
        "Number,Title,State,Priority,Group,Owner,Customer,Organization,Tags,First Response At,First Response In Min,Close In Min,Created At,Closed At",
        &[
            (Field::TicketId, Some("Number")),
            (Field::Subject, Some("Title")),
            (Field::Status, Some("State")),
            (Field::Team, Some("Group")),
            (Field::Agent, Some("Owner")),
            (Field::CustomerId, Some("Customer")),
            (Field::FirstResponse, Some("First Response At")),
            (Field::CreatedAt, Some("Created At")),
            (Field::Resolved, Some("Closed At")),
        ],
    ),
    (
        "osTicket",
        "Ticket Number,Date Created,Subject,From,From Email,Priority,Department,Help Topic,Source,Current Status,Last Updated,Due Date,Agent Assigned,Team Assigned",
        &[
            (Field::TicketId, Some("Ticket Number")),
            (Field::CreatedAt, Some("Date Created")),
            (Field::CustomerId, Some("From Email")),
            (Field::Status, Some("Current Status")),
            (Field::Agent, Some("Agent Assigned")),
            (Field::Team, Some("Department")),
            (Field::Channel, Some("Source")),
        ],
    ),
    (
        "Zendesk (business-hours column alongside the calendar one)",
        "Id,Subject,Created at,First reply time in minutes within business hours,First reply time in minutes,Full resolution time in minutes within business hours,Full resolution time in minutes",
        &[
            (Field::FirstResponse, Some("First reply time in minutes")),
            (Field::Resolved, Some("Full resolution time in minutes")),
        ],
    ),
];

#[test]
fn one_header_line_per_help_desk() {
    for (desk, header, want) in CASES {
        let data = format!("{header}\n");
        let opts = IngestOptions {
            require_text: false,
            ..Default::default()
        };
        let f = write_tmp(".csv", data.as_bytes());
        let r = match open(&InputSource::Path(f.path().to_path_buf()), &opts) {
            Ok(r) => r,
            // Until `require_text` is wired, a header without text needs one:
            // add a column of its own so no field loses its column.
            Err(_) => {
                let data = format!("{header},zz_text\n");
                let g = write_tmp(".csv", data.as_bytes());
                open(
                    &InputSource::Path(g.path().to_path_buf()),
                    &IngestOptions {
                        text_columns: vec!["zz_text".to_string()],
                        ..Default::default()
                    },
                )
                .unwrap()
            }
        };
        for (field, col) in *want {
            assert_eq!(
                mapped(&r, *field).as_deref(),
                *col,
                "{desk}: {field} in `{header}`"
            );
        }
    }
}

#[test]
fn business_hours_only_column_is_mapped_with_a_warning() {
    let data = "Id,Subject,Created at,First reply time in minutes within business hours\n1,a,2024-01-01,30\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].first_response_minutes, Some(30.0));
    assert_eq!(
        r.warnings(),
        ["column 'First reply time in minutes within business hours' counts business hours only: first_response figures are business time, not wall-clock time"]
    );
    // With the calendar column present, no warning.
    let data = "Id,Subject,Created at,First reply time in minutes within business hours,First reply time in minutes\n1,a,2024-01-01,30,45\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(tickets(&rows)[0].first_response_minutes, Some(45.0));
    assert!(r.warnings().is_empty());
}

/// A status no state is known for falls back to the resolution time, and
/// the reader names such values: a vocabulary it does not know must not
/// move finished tickets into the backlog without a word.
#[test]
fn unknown_statuses_are_named_in_a_warning() {
    let data = "Id,Subject,Created at,Status\n1,a,2024-01-01,Gelöst\n2,b,2024-01-01,Quarantäne\n3,c,2024-01-01,Quarantäne\n4,d,2024-01-01,Frozen\n5,e,2024-01-01,\n";
    let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(
        tickets(&rows)[0].state(),
        crate::ticket::TicketState::Resolved
    );
    assert_eq!(
        r.warnings(),
        ["3 ticket(s) have a status that says neither open nor closed in column 'Status': 'Quarantäne' (2), 'Frozen' (1); their state comes from the resolution time (resolved with one, else open), so check the backlog and resolution figures"]
    );
}

/// CSAT answers above 5 decide a 0–10 (or 0–100) scale when none was
/// given: a 9 is no reject and counts as satisfied, a 3 does not; the
/// warning says which scale was read. With the scale given, above 5 is a
/// reject again.
#[test]
fn csat_scale_follows_the_answers() {
    let mut data = String::from("Id,Subject,Created at,CSAT\n");
    for (i, v) in ["9", "", "10", "2", "", "3"].iter().enumerate() {
        data.push_str(&format!("{i},s,2024-01-01,{v}\n"));
    }
    let (rows, stats, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
    assert_eq!(stats.rejected, 0);
    let csat: Vec<Option<f64>> = tickets(&rows).iter().map(|t| t.csat).collect();
    assert_eq!(
        csat,
        [Some(4.6), None, Some(5.0), Some(1.8), None, Some(2.2)]
    );
    assert_eq!(
        r.warnings(),
        ["CSAT answers in column 'CSAT' go up to 10: read on a 0–10 scale (mapped linearly onto 1–5, so 8 and above count as satisfied); pass `csat_scale` 5 if they are not"]
    );
    let data = "Id,Subject,Created at,CSAT\n1,s,2024-01-01,80%\n2,s,2024-01-01,40 %\n3,s,2024-01-01,100%\n";
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &kpi_opts());
    let csat: Vec<Option<f64>> = tickets(&rows).iter().map(|t| t.csat).collect();
    assert_eq!(csat, [Some(4.2), Some(2.6), Some(5.0)]);
    let opts = IngestOptions {
        csat_scale: CsatScale::OneToFive,
        ..kpi_opts()
    };
    let (rows, _, _) = read_all(".csv", data.as_bytes(), &opts);
    assert_eq!(rejects(&rows).len(), 3);
    // Not a scale: a survey's "don't know" code 9, a 1–7 Likert, typos.
    for answers in ["5,4,9,5,9,4,9", "1,7,6,7,5,6,2", "5,44,5,55,4,5"] {
        let mut data = String::from("Id,Subject,Created at,CSAT\n");
        for (i, v) in answers.split(',').enumerate() {
            data.push_str(&format!("{i},s,2024-01-01,{v}\n"));
        }
        let (rows, _, r) = read_all(".csv", data.as_bytes(), &kpi_opts());
        assert!(!rejects(&rows).is_empty(), "{answers}");
        assert!(
            r.warnings().iter().all(|w| !w.contains("scale")),
            "{answers}"
        );
    }
}
