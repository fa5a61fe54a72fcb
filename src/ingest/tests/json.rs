//! JSON inputs: Zendesk's nested export, arrays, wrappers, pretty-printed
//! objects, dotted `--map` paths, nested objects where a value is expected.

use super::*;

fn zendesk() -> Vec<u8> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/field/zendesk_tickets.json");
    std::fs::read(p).unwrap()
}

fn read_json_err(data: &[u8], opts: &IngestOptions) -> (Vec<Row>, Option<Error>) {
    let f = write_tmp(".json", data);
    let reader = open(&InputSource::Path(f.path().to_path_buf()), opts).unwrap();
    let mut rows = Vec::new();
    for r in reader {
        match r {
            Ok(row) => rows.push(row),
            Err(e) => return (rows, Some(e)),
        }
    }
    (rows, None)
}

/// Field case 16: Zendesk's own JSON export, read without any `--map`.
#[test]
fn zendesk_json_export_maps_nested_keys_without_map() {
    let (rows, stats, r) = read_all(".json", &zendesk(), &kpi_opts());
    assert_eq!(
        stats,
        IngestStats {
            read: 6,
            accepted: 6,
            rejected: 0,
            superseded: 0,
        },
        "{rows:?}"
    );
    for (field, col) in [
        (Field::TicketId, "id"),
        (Field::CustomerId, "requester_id"),
        (Field::CreatedAt, "created_at"),
        (
            Field::FirstResponse,
            "metric_set.reply_time_in_minutes.calendar",
        ),
        (Field::Resolved, "metric_set.solved_at"),
        (Field::Status, "status"),
        (Field::Channel, "via.channel"),
        (Field::Priority, "priority"),
        (Field::Agent, "assignee_id"),
        (Field::Team, "group_id"),
        (Field::Reopens, "metric_set.reopens"),
        (Field::Replies, "metric_set.replies"),
        (Field::Csat, "satisfaction_rating.score"),
        (Field::Subject, "subject"),
        (Field::Body, "description"),
        (Field::Tags, "tags"),
    ] {
        assert_eq!(mapped(&r, field).as_deref(), Some(col), "{field}");
    }
    let ts = tickets(&rows);
    let csat: Vec<Option<f64>> = ts.iter().map(|t| t.csat).collect();
    assert_eq!(
        csat,
        [Some(5.0), Some(1.0), None, None, None, Some(5.0)],
        "good 5, bad 1, offered/unoffered no answer"
    );
    let channels: Vec<&str> = ts.iter().map(|t| t.channel.as_deref().unwrap()).collect();
    assert_eq!(channels, ["email", "web", "chat", "email", "api", "web"]);
    let tags: Vec<Vec<&str>> = ts
        .iter()
        .map(|t| t.tags.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(tags[0], ["webshop", "email"]);
    assert!(tags.iter().all(|t| t.len() == 2 && t[0] == "webshop"));
    let mut frt: Vec<f64> = ts.iter().filter_map(|t| t.frt_minutes()).collect();
    frt.sort_by(f64::total_cmp);
    assert_eq!(frt, [5.0, 15.0, 30.0, 45.0, 90.0, 120.0]);
    assert_eq!(ts.iter().filter(|t| t.resolved_at.is_some()).count(), 4);
    assert_eq!(ts[0].resolved_at, Some(utc("2024-03-04T15:00:00Z")));
    assert_eq!((ts[1].reopens, ts[1].replies), (Some(1), Some(3)));
    assert_eq!(ts[0].id, "1");
    assert_eq!(ts[0].customer_id.as_deref(), Some("90001"));
    assert_eq!(ts[5].priority, None, "null priority is blank");
    assert_eq!(
        ts.iter().map(|t| t.line).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
}

#[test]
fn dotted_paths_in_map() {
    let opts = IngestOptions {
        map: vec![
            ("csat".into(), "satisfaction_rating.score".into()),
            ("channel".into(), "via.channel".into()),
            ("team".into(), "via.source.rel".into()),
        ],
        ..kpi_opts()
    };
    let (rows, stats, r) = read_all(".json", &zendesk(), &opts);
    assert_eq!(stats.accepted, 6);
    assert_eq!(
        r.mapping().get(Field::Csat).unwrap().how,
        MatchedBy::Mapping
    );
    assert_eq!(tickets(&rows)[1].csat, Some(1.0));
    assert_eq!(tickets(&rows)[1].team, None);
}

#[test]
fn map_to_an_object_or_a_missing_path_is_an_error() {
    let opts = IngestOptions {
        map: vec![("csat".into(), "satisfaction_rating".into())],
        ..kpi_opts()
    };
    let e = open_err(".json", &zendesk(), &opts).to_string();
    assert!(
        e.contains("'satisfaction_rating' is a nested object")
            && e.contains("`map` csat=satisfaction_rating.score"),
        "{e}"
    );
    // A path that occurs nowhere: an error at the end of the read, not a
    // silently empty field.
    let opts = IngestOptions {
        map: vec![("csat".into(), "satisfaction.score".into())],
        ..kpi_opts()
    };
    let (rows, err) = read_json_err(&zendesk(), &opts);
    assert_eq!(rows.len(), 6);
    let e = err.expect("error at the end").to_string();
    assert!(
        e.contains("'satisfaction.score' never occurs in") && e.contains("`map`"),
        "{e}"
    );
}

#[test]
fn nested_object_where_a_value_is_expected_is_a_clear_reject() {
    // `rating` is null in every sampled object, then an object.
    let mut data = String::new();
    for i in 0..1020 {
        data.push_str(&format!("{{\"id\":{i},\"body\":\"b\",\"rating\":null}}\n"));
    }
    data.push_str(
        "{\"id\":1020,\"body\":\"b\",\"rating\":{\"score\":\"good\"},\"late_key\":\"v\"}\n",
    );
    let opts = IngestOptions {
        map: vec![("team".into(), "late_key".into())],
        ..Default::default()
    };
    let (rows, stats, r) = read_all(".jsonl", data.as_bytes(), &opts);
    assert_eq!(mapped(&r, Field::Csat).as_deref(), Some("rating"));
    assert!(r.mapping().to_string().contains("read by name"));
    assert_eq!((stats.accepted, stats.rejected), (1020, 1));
    assert_eq!(
        rejects(&rows),
        vec![(
            1021,
            "nested object in key 'rating' where a csat value is expected (map one of its fields with a dotted path, e.g. `map` csat=rating.score)".to_string()
        )]
    );
}

#[test]
fn json_array_wrapper_and_pretty_printed_objects() {
    let array = b"[\n  {\"id\": 1, \"body\": \"a\", \"tags\": [\"x\", \"y\"]},\n  {\"id\": 2,\n   \"body\": \"b\"},\n  {\"id\": 3, \"body\": \"\"}\n]\n";
    let (rows, stats, r) = read_all(".json", array, &IngestOptions::default());
    assert_eq!(r.headers(), ["id", "body", "tags"]);
    assert_eq!((stats.read, stats.accepted), (3, 2));
    assert_eq!(lines_and_ids(&rows), vec![(2, "1".into()), (3, "2".into())]);
    assert_eq!(tickets(&rows)[0].tags, ["x", "y"]);
    assert_eq!(rejects(&rows)[0].0, 5);

    let wrapped =
        b"{\n  \"tickets\": [\n    {\"id\": 7, \"body\": \"w\"}\n  ],\n  \"count\": 1\n}\n";
    let (rows, stats, _) = read_all(".json", wrapped, &IngestOptions::default());
    assert_eq!(stats.read, 1);
    assert_eq!(lines_and_ids(&rows), vec![(3, "7".into())]);

    let pretty = b"{\n  \"id\": 1,\n  \"body\": \"p\"\n}\n{\n  \"id\": 2,\n  \"body\": \"q\"\n}\n";
    let (rows, _, _) = read_all(".data", pretty, &IngestOptions::default());
    assert_eq!(lines_and_ids(&rows), vec![(1, "1".into()), (5, "2".into())]);

    let truncated = b"[{\"id\": 1, \"body\": \"a\"},\n {\"id\": 2, \"body\": \"unfinished\n";
    let (rows, stats, _) = read_all(".json", truncated, &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted, stats.rejected), (2, 1, 1));
    assert!(
        rejects(&rows)[0].1.starts_with("unterminated JSON value"),
        "{rows:?}"
    );
    assert_eq!(rejects(&rows)[0].0, 2);
}

fn lines_and_ids(rows: &[Row]) -> Vec<(u64, String)> {
    tickets(rows)
        .iter()
        .map(|t| (t.line, t.id.clone()))
        .collect()
}

/// A key that is null in one record and an object in others is read by its
/// fields, never as the bare key (which would reject every object record).
#[test]
fn a_key_null_here_and_an_object_there_is_read_by_its_fields() {
    let data = b"{\"id\": 1, \"created_at\": \"2024-03-01T10:00:00Z\", \"subject\": \"a\", \"assignee\": null}\n\
{\"id\": 2, \"created_at\": \"2024-03-01T11:00:00Z\", \"subject\": \"b\", \"assignee\": {\"email\": \"ana@example.com\"}}\n\
{\"id\": 3, \"created_at\": \"2024-03-01T12:00:00Z\", \"subject\": \"c\", \"assignee\": {\"email\": \"bo@example.com\"}}\n";
    let (rows, stats, r) = read_all(".jsonl", data, &kpi_opts());
    assert_eq!(stats.rejected, 0, "{rows:?}");
    assert_eq!(mapped(&r, Field::Agent).as_deref(), Some("assignee.email"));
    let agents: Vec<Option<String>> = tickets(&rows).iter().map(|t| t.agent.clone()).collect();
    assert_eq!(
        agents,
        [
            None,
            Some("ana@example.com".into()),
            Some("bo@example.com".into())
        ]
    );
}

/// An API page saved on one line (`curl … > page.json`) is a wrapper, short
/// or longer than the peeked prefix; JSON lines whose records start with a
/// list of objects stay JSON lines.
#[test]
fn one_line_api_page_is_read_as_a_wrapper() {
    let ticket = |i: usize| format!("{{\"id\":{i},\"body\":\"printer {i} is jammed again\"}}");
    for n in [2, 300] {
        let items: Vec<String> = (1..=n).map(ticket).collect();
        let page = format!(
            "{{\"tickets\":[{}],\"next_page\":null,\"count\":{n}}}\n",
            items.join(",")
        );
        let (rows, stats, r) = read_all(".json", page.as_bytes(), &IngestOptions::default());
        assert_eq!((stats.read, stats.accepted), (n as u64, n as u64), "{n}");
        assert_eq!(r.headers(), ["id", "body"]);
        assert_eq!(tickets(&rows)[n - 1].id, n.to_string());
    }
    // Two records (the second after a long first line): JSON lines.
    let long = "x".repeat(5000);
    let jsonl = format!(
        "{{\"comments\":[{{\"text\":\"{long}\"}}],\"id\":1,\"body\":\"a\"}}\n\n{{\"comments\":[],\"id\":2,\"body\":\"b\"}}\n"
    );
    let (rows, stats, _) = read_all(".jsonl", jsonl.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    assert_eq!(tickets(&rows)[1].id, "2");
    // One ticket record that starts with a list is a record, not a page.
    for one in [
        "{\"cc_emails\":[],\"id\":7,\"body\":\"x\"}\n",
        "{\"custom_fields\":[{\"id\":5,\"value\":null}],\"id\":7,\"body\":\"x\"}\n",
    ] {
        let (rows, stats, _) = read_all(".json", one.as_bytes(), &IngestOptions::default());
        assert_eq!((stats.read, stats.accepted), (1, 1), "{one}: {rows:?}");
        assert_eq!(tickets(&rows)[0].id, "7");
    }
    // A record that starts with a page key but holds ticket fields is a
    // record (JSON lines), also without the .jsonl name.
    let items = "{\"items\":[{\"sku\":\"A\"}],\"id\":7,\"body\":\"x\"}\n\
                 {\"items\":[{\"sku\":\"B\"}],\"id\":8,\"body\":\"y\"}\n";
    let (rows, stats, _) = read_all(".json", items.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    assert_eq!(tickets(&rows)[1].id, "8");
    // Pages on consecutive lines (`jq -c . page*.json`): all read.
    let pages = "{\"tickets\":[{\"id\":1,\"body\":\"a\"}],\"next_page\":\"p2\"}\n\
                 {\"tickets\":[{\"id\":2,\"body\":\"b\"}],\"next_page\":null}\n";
    let (rows, stats, _) = read_all(".json", pages.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    assert_eq!(tickets(&rows)[1].id, "2");
    // The same saved as `.jsonl` (one raw API response per line), records
    // after the page's counts (Salesforce) included; line numbers are the
    // pages'.
    let salesforce = "{\"totalSize\":3,\"done\":false,\"records\":[{\"Id\":\"5001\",\"Description\":\"a\"},{\"Id\":\"5002\",\"Description\":\"b\"}]}\n\
                      {\"totalSize\":3,\"done\":true,\"records\":[{\"Id\":\"5003\",\"Description\":\"c\"}]}\n";
    for (data, n) in [(pages, 2), (salesforce, 3)] {
        let (rows, stats, _) = read_all(".jsonl", data.as_bytes(), &IngestOptions::default());
        assert_eq!((stats.read, stats.accepted), (n, n), "{rows:?}");
        assert_eq!(tickets(&rows)[n as usize - 1].line, 2, "{rows:?}");
    }
    // In a `.jsonl` file a record holding a list of objects stays a record.
    let (rows, stats, _) = read_all(".jsonl", items.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
}

/// API pages joined into one file (`jq . page1.json page2.json`, `cat` of
/// arrays) are all read; anything else after the array is a reject, not a
/// silent end.
#[test]
fn joined_pages_are_all_read() {
    let page = |ids: &[u32], next: &str| {
        let items: Vec<String> = ids
            .iter()
            .map(|i| format!("    {{\"id\": {i}, \"body\": \"ticket {i}\"}}"))
            .collect();
        format!(
            "{{\n  \"tickets\": [\n{}\n  ],\n  \"next_page\": {next},\n  \"count\": {}\n}}\n",
            items.join(",\n"),
            ids.len()
        )
    };
    let two = page(
        &[1, 2],
        "\"https://x.zendesk.com/api/v2/tickets.json?page=2\"",
    ) + &page(&[3], "null");
    let (rows, stats, _) = read_all(".json", two.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (3, 3), "{rows:?}");
    assert_eq!(tickets(&rows)[2].id, "3");
    assert_eq!(tickets(&rows)[2].line, 11);

    let arrays = "[{\"id\": 1, \"body\": \"a\"}]\n[{\"id\": 2, \"body\": \"b\"}]\n";
    let (rows, stats, _) = read_all(".json", arrays.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");

    // Pages as `curl` saves them (no final newline, a BOM), joined by `cat`.
    let curl = "\u{feff}{\"tickets\":[{\"id\":1,\"body\":\"a\"}],\"next_page\":\"p2\"}\
                \u{feff}{\"tickets\":[{\"id\":2,\"body\":\"b\"}],\"next_page\":null}";
    let (rows, stats, _) = read_all(".json", curl.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");

    // An API error body between two pages: the run stops there, with its line
    // (here while the first rows are read ahead, so at opening).
    let trailing =
        page(&[1], "null") + "{\"error\": \"APIRateLimitExceeded\"}\n" + &page(&[2], "null");
    let err = open_err(".json", trailing.as_bytes(), &IngestOptions::default()).to_string();
    assert!(
        err.contains(":8:") && err.contains("content after the ticket array"),
        "{err}"
    );
}

/// A Jira Cloud (REST API v3) description: paragraphs, a list, a mention,
/// a link card, an emoji and a hard break.
const ADF_DESCRIPTION: &str = r#""description":{"type":"doc","version":1,"content":[
  {"type":"paragraph","content":[{"type":"text","text":"The nightly sync "},{"type":"text","text":"fails","marks":[{"type":"strong"}]},{"type":"text","text":"."},{"type":"hardBreak"},{"type":"text","text":"Steps:"}]},
  {"type":"orderedList","attrs":{"order":1},"content":[
    {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"open "},{"type":"mention","attrs":{"id":"5b1","text":"@Ana"}},{"type":"text","text":"'s board"}]}]},
    {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"press Sync"}]}]}]},
  {"type":"paragraph","content":[{"type":"text","text":"See "},{"type":"inlineCard","attrs":{"url":"https://x.atlassian.net/browse/SUP-1"}},{"type":"text","text":" "},{"type":"emoji","attrs":{"shortName":":frowning:","text":":("}}]}]},"#;

/// API pages whose records come after counts, links and schemas: Salesforce
/// (`totalSize`, `done`, `nextRecordsUrl`, two pages joined), Jira search
/// (`expand`, `names` larger than the first peek), Intercom (`type`,
/// `pages`) and Help Scout's HAL page (`_embedded.conversations`). Each
/// page is read whole, and the vendors' nested keys map without `--map`.
#[test]
fn api_pages_with_records_after_their_counts() {
    let opts = kpi_opts();
    let hours = |from: chrono::DateTime<chrono::Utc>, to: Option<chrono::DateTime<chrono::Utc>>| {
        to.map(|t| (t - from).num_seconds() as f64 / 3600.0)
    };
    let case = |id: u32, created: &str, closed: &str, status: &str| {
        format!(
            "{{\n    \"attributes\" : {{ \"type\" : \"Case\", \"url\" : \"/sobjects/Case/{id}\" }},\n    \
             \"CaseNumber\" : \"0000{id}\",\n    \"CreatedDate\" : \"{created}\",\n    \
             \"ClosedDate\" : {closed},\n    \"Subject\" : \"Case {id}\",\n    \"Status\" : \"{status}\",\n    \
             \"AccountId\" : \"001A{id}\"\n  }}"
        )
    };
    let salesforce = format!(
        "{{\n  \"totalSize\" : 3,\n  \"done\" : false,\n  \"nextRecordsUrl\" : \"/query/01g-2000\",\n  \"records\" : [ {}, {} ]\n}}\n\
         {{\n  \"totalSize\" : 3,\n  \"done\" : true,\n  \"records\" : [ {} ]\n}}\n",
        case(1, "2024-03-01T09:00:00.000+0000", "\"2024-03-02T09:00:00.000+0000\"", "Closed"),
        case(2, "2024-03-01T10:00:00.000+0000", "null", "New"),
        case(3, "2024-03-03T10:00:00.000+0000", "null", "Working"),
    );
    let (rows, stats, _) = read_all(".json", salesforce.as_bytes(), &opts);
    assert_eq!((stats.read, stats.accepted), (3, 3), "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(t[0].id, "00001");
    assert_eq!(t[2].customer_id.as_deref(), Some("001A3"));
    assert_eq!(hours(t[0].created_at, t[0].resolved_at), Some(24.0));

    let names: Vec<String> = (0..300)
        .map(|i| format!("\"customfield_{}\":\"Custom field {i}\"", 10000 + i))
        .collect();
    let issue = |i: u32, resolution: &str| {
        format!(
            "{{\"id\":\"1000{i}\",\"self\":\"https://x.atlassian.net/rest/api/3/issue/1000{i}\",\"key\":\"SUP-{i}\",\"fields\":{{\"summary\":\"Sync fails\",{}\
             \"created\":\"2024-03-01T09:00:00.000+0100\",\"resolutiondate\":\"2024-03-02T17:00:00.000+0100\",\
             \"status\":{{\"name\":\"Done\"}},\"resolution\":{resolution},\"priority\":{{\"name\":\"High\"}},\
             \"reporter\":{{\"emailAddress\":\"c{i}@acme.com\"}},\"labels\":[\"sync\",\"nightly\"]}}}}",
            // REST API v3: the description as an Atlassian document.
            if i == 2 { ADF_DESCRIPTION } else { "" }
        )
    };
    let jira = format!(
        "{{\"expand\":\"names,schema\",\"startAt\":0,\"maxResults\":50,\"total\":2,\"names\":{{{}}},\"issues\":[{},{}]}}",
        names.join(","),
        issue(1, "{\"name\":\"Done\"}"),
        issue(2, "{\"name\":\"Won't Do\"}"),
    );
    assert!(jira.find("\"issues\"").unwrap() > 4096);
    let (rows, stats, _) = read_all(".json", jira.as_bytes(), &opts);
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    let t = tickets(&rows);
    assert_eq!((t[0].id.as_str(), t[1].id.as_str()), ("SUP-1", "SUP-2"));
    assert_eq!(t[0].body, None);
    assert_eq!(
        t[1].body.as_deref(),
        Some("The nightly sync fails.\nSteps:\nopen @Ana's board\npress Sync\nSee https://x.atlassian.net/browse/SUP-1 :(")
    );
    assert_eq!(t[1].customer_id.as_deref(), Some("c2@acme.com"));
    assert_eq!(hours(t[0].created_at, t[0].resolved_at), Some(32.0));
    assert_eq!(t[1].resolution_code.as_deref(), Some("Won't Do"));
    assert_eq!(t[0].tags, ["sync", "nightly"]);

    let intercom = r#"{
  "type": "conversation.list",
  "pages": {"type": "pages", "page": 1, "per_page": 20, "total_pages": 1},
  "total_count": 1,
  "conversations": [
    {"type": "conversation", "id": "1911149811", "created_at": 1709284500,
     "source": {"type": "conversation", "body": "<p>My card was declined</p>",
                "author": {"type": "user", "email": "a@b.com"}},
     "state": "closed",
     "statistics": {"first_admin_reply_at": 1709285100, "last_close_at": 1709290000},
     "tags": {"type": "tag.list", "tags": [{"type": "tag", "name": "billing"}]}}
  ]
}"#;
    let (rows, stats, _) = read_all(".json", intercom.as_bytes(), &opts);
    assert_eq!((stats.read, stats.accepted), (1, 1), "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(
        hours(t[0].created_at, t[0].first_response_at),
        Some(10.0 / 60.0)
    );
    assert_eq!(t[0].customer_id.as_deref(), Some("a@b.com"));
    assert_eq!(t[0].tags, ["billing"]);

    let help_scout = r#"{"_embedded":{"conversations":[{"id":1,"subject":"Refund","preview":"I want a refund","status":"closed","createdAt":"2024-03-01T09:00:00Z","closedAt":"2024-03-01T12:00:00Z","primaryCustomer":{"email":"x@y.com"}},{"id":2,"subject":"Login","preview":"Cannot log in","status":"active","createdAt":"2024-03-02T09:00:00Z","closedAt":null,"primaryCustomer":{"email":"z@y.com"}}]},"_links":{"self":{"href":"/v2/conversations"}},"page":{"size":25,"totalElements":2,"totalPages":1,"number":1}}"#;
    let (rows, stats, _) = read_all(".json", help_scout.as_bytes(), &opts);
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(hours(t[0].created_at, t[0].resolved_at), Some(3.0));
    assert_eq!(t[1].body.as_deref(), Some("Cannot log in"));
}

/// A pretty-printed ticket record that starts with a list of objects under
/// a page key, with ticket fields after it, is a record, not a page.
#[test]
fn a_pretty_record_starting_with_a_page_key_is_a_record() {
    let records = "{\n  \"items\": [{\"sku\": \"A\"}],\n  \"id\": 7,\n  \"body\": \"x\"\n}\n\
                   {\n  \"items\": [],\n  \"id\": 8,\n  \"body\": \"y\"\n}\n";
    let (rows, stats, _) = read_all(".json", records.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    assert_eq!(tickets(&rows)[1].id, "8");
    // Also when the list runs past the first look at the input.
    let items: Vec<String> = (0..100)
        .map(|i| {
            format!(
                "    {{\"sku\": \"A{i}\", \"name\": \"{}\"}}",
                "x".repeat(60)
            )
        })
        .collect();
    let record = |id: u32| {
        format!(
            "{{\n  \"items\": [\n{}\n  ],\n  \"id\": {id},\n  \"created_at\": \"2024-03-01T10:00:00Z\",\n  \"body\": \"x\"\n}}\n",
            items.join(",\n")
        )
    };
    let big = record(7) + &record(8);
    assert!(big.find("\"id\"").unwrap() > 4096);
    let (rows, stats, _) = read_all(".json", big.as_bytes(), &IngestOptions::default());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    assert_eq!(tickets(&rows)[1].id, "8");
}

/// An envelope's own `status` (Kayako's HTTP 200) does not make a page a
/// record; a schema map over 1 MiB before the records (a Jira instance
/// with thousands of custom fields) does not hide them.
#[test]
fn envelopes_with_a_status_or_a_large_schema_are_pages() {
    let kayako = "{\"status\": 200, \"data\": [{\"id\": 1, \"subject\": \"Login\", \"created_at\": \"2024-03-01T10:00:00+00:00\"}], \"resource\": \"case\", \"total_count\": 1}";
    let (rows, stats, _) = read_all(".json", kayako.as_bytes(), &kpi_opts());
    assert_eq!((stats.read, stats.accepted), (1, 1), "{rows:?}");
    // Nor does a `message` or `timestamp` (header spellings of body and
    // creation time, not a ticket's own keys).
    let envelope = "{\"status\": \"success\", \"message\": \"Tickets retrieved\", \"data\": [{\"id\": 1, \"subject\": \"a\", \"created_at\": \"2024-03-01T10:00:00Z\"}, {\"id\": 2, \"subject\": \"b\", \"created_at\": \"2024-03-02T10:00:00Z\"}], \"timestamp\": \"2024-03-05T00:00:00Z\"}";
    let (rows, stats, _) = read_all(".json", envelope.as_bytes(), &kpi_opts());
    assert_eq!((stats.read, stats.accepted), (2, 2), "{rows:?}");
    let names: Vec<String> = (0..30_000)
        .map(|i| format!("\"customfield_{}\": \"Custom field number {i}\"", 10000 + i))
        .collect();
    let jira = format!(
        "{{\"expand\": \"names\", \"total\": 1, \"names\": {{{}}}, \"issues\": [{{\"id\": \"1\", \"fields\": {{\"summary\": \"s\", \"created\": \"2024-03-01T10:00:00.000+0100\"}}}}]}}",
        names.join(", ")
    );
    assert!(jira.len() > 1 << 20);
    let (rows, stats, _) = read_all(".json", jira.as_bytes(), &kpi_opts());
    assert_eq!((stats.read, stats.accepted), (1, 1), "{rows:?}");
}

/// A nested object null in every sampled record (Jira's `fields.resolution`
/// on the newest, unresolved issues of a page) is still read by its known
/// path in later records; a key named like an unmapped field that first
/// occurs after the sample (a rating only later tickets have) is warned
/// about instead of dropped in silence.
#[test]
fn keys_that_appear_after_the_sample() {
    let issue = |i: usize| {
        let resolution = if i > 1100 {
            "{\"name\":\"Duplicate\"}"
        } else {
            "null"
        };
        format!(
            "{{\"id\":\"{i}\",\"fields\":{{\"summary\":\"Sync fails\",\"created\":\"2024-03-01T09:00:00.000+0100\",\
             \"status\":{{\"name\":\"Closed\"}},\"resolution\":{resolution}}}}}"
        )
    };
    let issues: Vec<String> = (1..=1200).map(issue).collect();
    let page = format!("{{\"total\":1200,\"issues\":[{}]}}", issues.join(",\n"));
    let (rows, stats, r) = read_all(".json", page.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1200);
    let col = r
        .mapping()
        .get(crate::ingest::Field::ResolutionCode)
        .unwrap();
    assert_eq!(col.column, "fields.resolution.name");
    let t = tickets(&rows);
    assert_eq!(t[1199].resolution_code.as_deref(), Some("Duplicate"));
    assert_eq!(t[0].resolution_code, None);
    // Null throughout: mapped, never seen, and no error.
    let page = format!(
        "{{\"total\":3,\"issues\":[{}]}}",
        (1..=3).map(issue).collect::<Vec<_>>().join(",")
    );
    let (_, stats, _) = read_all(".json", page.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 3);
    // A parent that holds something else is not a null object: Zendesk's
    // `fields` list and Freshdesk's numeric `source` map nothing under them.
    let zendesk =
        "{\"tickets\":[{\"id\":1,\"created_at\":\"2024-03-01T10:00:00Z\",\"status\":\"solved\",\
                   \"subject\":\"s\",\"source\":2,\"fields\":[{\"id\":1,\"value\":\"x\"}]}]}";
    let (_, stats, r) = read_all(".json", zendesk.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1);
    for f in [
        crate::ingest::Field::Resolved,
        crate::ingest::Field::ResolutionCode,
        crate::ingest::Field::CustomerId,
        crate::ingest::Field::Body,
    ] {
        assert!(r.mapping().get(f).is_none(), "{f}: {}", r.mapping());
    }

    let lines: Vec<String> = (1..=1200)
        .map(|i| {
            let rating = if i > 1050 {
                format!(",\"conversation_rating\":{{\"rating\":{}}}", i % 5 + 1)
            } else {
                String::new()
            };
            format!("{{\"id\":{i},\"created_at\":1709284500,\"body\":\"x\"{rating}}}")
        })
        .collect();
    let (_, stats, r) = read_all(".jsonl", lines.join("\n").as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1200);
    let w: Vec<&String> = r
        .warnings()
        .iter()
        .filter(|w| w.contains("first seen after"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", r.warnings());
    assert!(
        w[0].starts_with("150 record(s) hold keys first seen after the first 1000 records")
            && w[0].contains("(first: 'conversation_rating.rating' at line 1051, a csat key)"),
        "{}",
        w[0]
    );
}

/// A page or array that ends after a whole record but before its `]` (a
/// download cut off between records) is read, with a warning that the
/// file may be cut off; a whole file gets none.
#[test]
fn an_array_cut_off_between_records_is_warned_about() {
    let cut = "{\"tickets\":[{\"id\":1,\"body\":\"a\"},\n{\"id\":2,\"body\":\"b\"}";
    let (_, stats, r) = read_all(".json", cut.as_bytes(), &IngestOptions::default());
    assert_eq!(stats.accepted, 2);
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.contains("ends at line 2 inside the ticket array")),
        "{:?}",
        r.warnings()
    );
    for whole in [
        "{\"tickets\":[{\"id\":1,\"body\":\"a\"}]}\n",
        "[{\"id\":1,\"body\":\"a\"}]",
    ] {
        let (_, _, r) = read_all(".json", whole.as_bytes(), &IngestOptions::default());
        assert!(r.warnings().is_empty(), "{whole}: {:?}", r.warnings());
    }
}

/// Records that keep their fields in a container object (HubSpot's
/// `properties`, JSON:API's `attributes` as Kustomer writes them) have the
/// keys inside it matched like headers; Front's `_results` page is a page.
#[test]
fn fields_inside_container_objects_map_like_headers() {
    use crate::ingest::Field;
    let hubspot = r#"{"results":[{"id":"101","properties":{"createdate":"2024-03-01T10:00:00Z","closed_date":"2024-03-02T10:00:00Z","subject":"Refund","content":"I want my money back","hs_ticket_priority":"HIGH","hubspot_owner_id":"5123","source_type":"EMAIL"},"archived":false}],"paging":{"next":{"after":"101"}}}"#;
    let (rows, stats, r) = read_all(".json", hubspot.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1, "{rows:?}");
    let col = |f| r.mapping().get(f).map(|c| c.column.clone());
    assert_eq!(
        col(Field::CreatedAt).as_deref(),
        Some("properties.createdate")
    );
    assert_eq!(col(Field::Body).as_deref(), Some("properties.content"));
    let t = tickets(&rows);
    assert_eq!(t[0].priority.as_deref(), Some("HIGH"));
    assert!(t[0].resolved_at.is_some());
    assert_eq!(t[0].agent.as_deref(), Some("5123"));
    assert_eq!(t[0].channel.as_deref(), Some("EMAIL"));

    // Salesforce's owner (a query selecting `Owner.Name`), Help Scout's
    // channel.
    let salesforce = r#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Case"},"CaseNumber":"00001","Subject":"Login","CreatedDate":"2024-03-01T09:00:00.000+0000","OwnerId":"005A1","Owner":{"attributes":{"type":"User"},"Name":"Dana Agent"},"Origin":"Web"}]}"#;
    let (rows, stats, _) = read_all(".json", salesforce.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(t[0].agent.as_deref(), Some("Dana Agent"));
    assert_eq!(t[0].channel.as_deref(), Some("Web"));
    let help_scout = r#"{"_embedded":{"conversations":[{"id":1,"subject":"Refund","status":"closed","createdAt":"2024-03-01T09:00:00Z","source":{"type":"chat","via":"customer"},"assignee":{"id":7,"first":"Sam","last":"Lee","email":"sam@x.com"}}]}}"#;
    let (rows, _, _) = read_all(".json", help_scout.as_bytes(), &kpi_opts());
    let t = tickets(&rows);
    assert_eq!(t[0].channel.as_deref(), Some("chat"));
    assert_eq!(t[0].agent.as_deref(), Some("sam@x.com"));

    let kustomer = r#"{"data":[{"type":"conversation","id":"5f1","attributes":{"name":"Order late","preview":"Where is my order","status":"done","satisfaction":0,"priority":5,"createdAt":"2024-03-01T10:00:00.000Z","firstResponse":{"createdAt":"2024-03-01T10:30:00.000Z"},"tags":["shipping"]},"relationships":{"customer":{"data":{"type":"customer","id":"c9"}}}}],"links":{"next":null},"meta":{"page":1}}"#;
    let (rows, stats, r) = read_all(".json", kustomer.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1, "{rows:?}");
    assert!(r.mapping().get(Field::Csat).is_none());
    assert!(r.mapping().get(Field::Priority).is_none());
    let t = tickets(&rows);
    assert_eq!(t[0].customer_id.as_deref(), Some("c9"));
    assert_eq!(t[0].status.as_deref(), Some("done"));
    assert_eq!(t[0].tags, ["shipping"]);
    assert!(t[0].first_response_at.is_some());

    // Durations in a container keep to their known paths: Jira's
    // `timespent` is seconds, not the minutes a bare "Time spent" means.
    let jira = r#"{"issues":[{"id":"1","fields":{"created":"2024-03-01T10:00:00.000+0000","summary":"a","timespent":3600}}]}"#;
    let (_, stats, r) = read_all(".json", jira.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1);
    assert!(r.mapping().get(Field::HandleTime).is_none());

    let front = r#"{"_pagination":{"next":null},"_links":{"self":"x"},"_results":[{"id":"cnv_1","subject":"Billing","status":"archived","created_at":1709287200,"recipient":{"handle":"a@b.com"}}]}"#;
    let (rows, stats, _) = read_all(".json", front.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1, "{rows:?}");
    assert_eq!(tickets(&rows)[0].customer_id.as_deref(), Some("a@b.com"));
}

/// An empty array or an API page with no records says so: there are no
/// keys to map, so it cannot be read as zero tickets the way a CSV header
/// can.
#[test]
fn an_empty_page_says_it_holds_no_tickets() {
    for (data, says) in [
        (
            "{\"totalSize\":0,\"done\":true,\"records\":[]}",
            "no tickets: the page's `records` array is empty",
        ),
        ("[]\n", "no tickets: the JSON array is empty"),
        ("\n", "empty input: no JSON object"),
    ] {
        let err = open_err(".json", data.as_bytes(), &IngestOptions::default()).to_string();
        assert!(err.contains(says), "{data}: {err}");
    }
}

/// ServiceNow's Table API: a reference as `{"link", "value"}` reads as its
/// value, a field as `{"display_value", "value"}` (`sysparm_display_value=all`)
/// as what people read.
#[test]
fn servicenow_reference_and_display_values() {
    let page = r#"{"result":[
{"sys_id":"a1","number":"INC0010001","opened_at":{"display_value":"03-01-2024 01:00:00","value":"2024-03-01 09:00:00"},"calendar_duration":{"display_value":"1 Day 2 Hours","value":"1970-01-02 02:00:00"},"state":{"display_value":"Resolved","value":"6"},"assignment_group":{"display_value":"Service Desk","link":"https://x.service-now.com/api/now/table/sys_user_group/g1","value":"g1"},"caller_id":{"link":"https://x.service-now.com/api/now/table/sys_user/u1","value":"u1"},"short_description":"Email down"}
]}"#;
    let (rows, stats, _) = read_all(".json", page.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 1, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(t[0].status.as_deref(), Some("Resolved"));
    assert_eq!(t[0].team.as_deref(), Some("Service Desk"));
    assert_eq!(t[0].customer_id.as_deref(), Some("u1"));
    assert_eq!(t[0].id, "INC0010001");
    // A date-time is the UTC value, not the user's display.
    assert_eq!(t[0].created_at.to_rfc3339(), "2024-03-01T09:00:00+00:00");
}

/// Freshdesk's API numbers priority 1 (low) to 4 (urgent), the other way
/// round from ServiceNow's and Jira's, and writes status and source as
/// digits: they are read as the names Freshdesk shows.
#[test]
fn freshdesk_api_codes_are_read_as_names() {
    let tickets_json = r#"[
{"id":1,"subject":"Login","status":4,"priority":1,"source":7,"requester_id":11,"fr_due_by":"2024-03-01T10:00:00Z","created_at":"2024-03-01T09:00:00Z"},
{"id":2,"subject":"Outage","status":2,"priority":4,"source":1,"requester_id":12,"fr_due_by":"2024-03-01T10:00:00Z","created_at":"2024-03-01T09:30:00Z"}
]"#;
    let (rows, stats, _) = read_all(".json", tickets_json.as_bytes(), &kpi_opts());
    assert_eq!(stats.accepted, 2, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!(
        (
            t[0].priority.as_deref(),
            t[0].status.as_deref(),
            t[0].channel.as_deref()
        ),
        (Some("Low"), Some("Resolved"), Some("Chat"))
    );
    assert_eq!(t[1].priority.as_deref(), Some("Urgent"));
    assert_eq!(t[1].state(), crate::ticket::TicketState::Open);
}

/// A record wrapped in an envelope (a webhook's `{"event", "timestamp",
/// "ticket": {…}}`, Zendesk's show response `{"ticket": {…}}`, Freshdesk
/// v1's `{"helpdesk_ticket": {…}}`): the wrapped ticket's keys win over the
/// envelope's, whose `timestamp` is the delivery time and `id` the event's.
#[test]
fn enveloped_tickets_are_read_from_the_envelope() {
    let webhook = br#"{"id":"evt_1","event":"ticket.created","timestamp":"2024-03-05T12:00:00Z","ticket":{"id":1,"status":"open","created_at":"2024-03-01T09:00:00Z","subject":"a"}}
{"id":"evt_2","event":"ticket.solved","timestamp":"2024-03-05T12:00:01Z","ticket":{"id":2,"status":"solved","created_at":"2024-03-01T10:00:00Z","solved_at":"2024-03-01T14:00:00Z","subject":"b"}}
"#;
    let (rows, stats, r) = read_all(".jsonl", webhook, &kpi_opts());
    assert_eq!(stats.accepted, 2, "{rows:?}");
    let t = tickets(&rows);
    assert_eq!((t[0].id.as_str(), t[1].id.as_str()), ("1", "2"));
    assert_eq!(t[0].created_at, utc("2024-03-01T09:00:00Z"));
    assert_eq!(t[1].resolved_at, Some(utc("2024-03-01T14:00:00Z")));
    assert_eq!(
        r.mapping().get(Field::CreatedAt).unwrap().column,
        "ticket.created_at"
    );
    let v1 = br#"[{"helpdesk_ticket":{"display_id":11,"subject":"A","status_name":"Closed","created_at":"2024-03-01T09:00:00+05:30"}},
 {"helpdesk_ticket":{"display_id":12,"subject":"B","status_name":"Open","created_at":"2024-03-01T10:00:00+05:30"}}]"#;
    let (rows, _, _) = read_all(".json", v1, &kpi_opts());
    let t = tickets(&rows);
    assert_eq!(
        (t[0].id.as_str(), t[0].status.as_deref()),
        ("11", Some("Closed"))
    );
    assert_eq!(t[1].created_at, utc("2024-03-01T04:30:00Z"));
    // A ticket that holds a nested object with an id (Intercom's linked
    // `ticket`, an associated `object`) is no envelope: its own creation
    // time and status are at the top.
    let linked = br#"{"id":"c1","state":"closed","created_at":"2024-03-01T09:00:00Z","ticket":null,"subject":"a"}
{"id":"c2","state":"open","created_at":"2024-03-02T09:00:00Z","ticket":{"id":"t9","ticket_id":"9","state":"submitted","created_at":"2020-01-01T00:00:00Z"},"subject":"b"}
"#;
    let (rows, _, r) = read_all(".jsonl", linked, &kpi_opts());
    let t = tickets(&rows);
    assert_eq!(t[1].status.as_deref(), Some("open"));
    assert_eq!(t[1].created_at, utc("2024-03-02T09:00:00Z"));
    assert_eq!(
        r.mapping().get(Field::CreatedAt).unwrap().column,
        "created_at"
    );
    // A webhook whose ticket has no creation time: the event's delivery
    // `timestamp` is not taken for it.
    let undated = br#"{"id":"e1","event":"ticket.created","timestamp":"2024-03-05T12:00:00Z","ticket":{"id":1,"status":"open","subject":"a"}}
{"id":"e2","event":"ticket.created","timestamp":"2024-03-05T12:00:01Z","ticket":{"id":2,"status":"open","subject":"b"}}
"#;
    let e = open_err(".jsonl", undated, &kpi_opts()).to_string();
    assert!(
        e.contains("missing required column for `created_at`"),
        "{e}"
    );
    // Its own id is the top-level `id`, not the linked ticket's `ticket.id`
    // (whose name says "ticket id").
    assert_eq!(mapped(&r, Field::TicketId).as_deref(), Some("id"));
    assert_eq!(
        t.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["c1", "c2"]
    );
}

#[test]
fn python_bare_nan_and_infinity_read_as_missing() {
    // `json.dump(records)` / pandas: a missing number is a bare NaN.
    let data = br#"[{"ticket_id": 1, "created_at": "2024-03-01T10:00:00Z", "status": "solved", "csat": 5.0, "first_response_minutes": 30.0, "subject": "Hi"},
 {"ticket_id": 2, "created_at": "2024-03-01T11:00:00Z", "status": "open", "csat": NaN, "first_response_minutes": NaN, "subject": "NaN"}]"#;
    let (rows, stats, _) = read_all(".json", data, &kpi_opts());
    assert_eq!(stats.rejected, 0, "{:?}", rejects(&rows));
    let t = tickets(&rows);
    assert_eq!((t[1].csat, t[1].first_response_minutes), (None, None));
    assert_eq!(t[1].subject.as_deref(), Some("NaN"));

    use crate::ingest::source::non_finite_as_null;
    assert_eq!(
        non_finite_as_null(r#"{"a": NaN, "c": -Infinity, "d": [Infinity, 1]}"#).as_deref(),
        Some(r#"{"a": null, "c": null, "d": [null, 1]}"#)
    );
    // In strings, or as part of a word: left alone.
    assert_eq!(non_finite_as_null(r#"{"a": "x \" NaN", "b": NaNa}"#), None);
}

#[test]
fn pandas_dataframe_orients_read_one_ticket_per_row() {
    // `df.to_json()` (orient="columns", epoch ms), orient="index" and
    // orient="split": the same four rows.
    let columns = br#"{"ticket_id":{"0":1,"1":2,"2":3,"3":4},"created_at":{"0":1709287200000,"1":1709290800000,"2":1709370000000,"3":1709373600000},"status":{"0":"solved","1":"solved","2":"open","3":"solved"},"csat":{"0":5.0,"1":null,"2":null,"3":2.0}}"#;
    let index =
        br#"{"0":{"ticket_id":1,"created_at":"2024-03-01T10:00:00","status":"solved","csat":5.0},
"1":{"ticket_id":2,"created_at":"2024-03-01T11:00:00","status":"solved","csat":null},
"2":{"ticket_id":3,"created_at":"2024-03-02T09:00:00","status":"open","csat":NaN},
"3":{"ticket_id":4,"created_at":"2024-03-02T10:00:00","status":"solved","csat":2.0}}"#;
    let split = br#"{"columns":["ticket_id","created_at","status","csat"],"index":[0,1,2,3],"data":[[1,"2024-03-01T10:00:00.000","solved",5.0],[2,"2024-03-01T11:00:00.000","solved",null],[3,"2024-03-02T09:00:00.000","open",null],[4,"2024-03-02T10:00:00.000","solved",2.0]]}"#;
    for (name, data) in [
        ("columns", &columns[..]),
        ("index", index),
        ("split", split),
    ] {
        let opts = IngestOptions {
            require_text: false,
            ..kpi_opts()
        };
        let (rows, stats, reader) = read_all(".json", data, &opts);
        assert_eq!(stats.rejected, 0, "{name}");
        let t = tickets(&rows);
        let ids: Vec<&str> = t.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3", "4"], "{name}");
        assert_eq!(t[2].created_at, utc("2024-03-02T09:00:00Z"), "{name}");
        let csat: Vec<Option<f64>> = t.iter().map(|t| t.csat).collect();
        assert_eq!(csat, [Some(5.0), None, None, Some(2.0)], "{name}");
        assert_eq!(t[3].line, 4, "{name}: a row's line is its row number");
        assert!(
            reader
                .warnings()
                .iter()
                .any(|w| w.contains(name) && w.contains("pandas")),
            "{name}: {:?}",
            reader.warnings()
        );
    }
    // A nested record that is no frame stays one record.
    use crate::ingest::json::FrameOrient;
    assert_eq!(FrameOrient::detect(br#"{"ticket": {"id": 1}}"#), None);
    assert_eq!(FrameOrient::detect(br#"{"tickets": [{"id": 1}]}"#), None);
    assert_eq!(
        FrameOrient::detect(br#"{"custom_fields": {"360001": "a"}, "id": 1}"#),
        None
    );
    assert_eq!(
        FrameOrient::detect(br#"{"a": {"0": 1}, "b": {"0": 2}}"#),
        Some(FrameOrient::Columns)
    );
}
