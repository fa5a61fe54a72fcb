//! Numeric codes that helpdesk APIs write instead of names.
//!
//! Freshdesk's API returns `"priority": 1` for *low* (its scale runs up to 4,
//! *urgent*), while ServiceNow and Jira number 1 as the most urgent: read
//! as numbers, Freshdesk's priorities come out upside down and its statuses
//! and sources as bare digits. ServiceNow's Table API without display
//! values, and a list exported with raw values, write an incident's `state`
//! as a digit too; HubSpot writes a ticket's pipeline stage as its id. The
//! vendor is told from keys or columns only its records carry, and its
//! codes become the names its own screens and CSV exports show, before any
//! field is read (JSON records and CSV or Parquet rows alike).

use super::json::Flat;
use serde_json::Value;

/// A code table: the keys (JSON paths or column names) it applies to and
/// each code's name.
type Table = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

/// The test a value must pass for its record to use a vendor's tables.
type Test = fn(&str) -> bool;

/// The keys that say whether a record uses a vendor's tables, and the test
/// the first one present must pass.
type Condition = (&'static [&'static str], Test);

/// Freshdesk's and Freshservice's ticket statuses.
const FRESH_STATUSES: &[(&str, &str)] = &[
    ("2", "Open"),
    ("3", "Pending"),
    ("4", "Resolved"),
    ("5", "Closed"),
    ("6", "Waiting on Customer"),
    ("7", "Waiting on Third Party"),
];

/// Freshdesk's and Freshservice's priorities.
const FRESH_PRIORITIES: &[(&str, &str)] = &[
    ("1", "Low"),
    ("2", "Medium"),
    ("3", "High"),
    ("4", "Urgent"),
];

/// ServiceNow incident states (docs.servicenow.com, "Incident state model").
const SERVICENOW_STATES: &[(&str, &str)] = &[
    ("1", "New"),
    ("2", "In Progress"),
    ("3", "On Hold"),
    ("6", "Resolved"),
    ("7", "Closed"),
    ("8", "Canceled"),
];

/// HubSpot's default ticket pipeline (`0`): its stage ids as the API and a
/// raw export write them (developers.hubspot.com, "Pipelines").
const HUBSPOT_STAGES: &[(&str, &str)] = &[
    ("1", "New"),
    ("2", "Waiting on contact"),
    ("3", "Waiting on us"),
    ("4", "Closed"),
];

/// LiveAgent's ticket statuses, one letter each (LiveAgent API,
/// "Tickets"): what its screens call them.
const LIVEAGENT_STATUSES: &[(&str, &str)] = &[
    ("I", "New"),
    ("N", "New"),
    ("C", "Open"),
    ("T", "Chatting"),
    ("P", "Calling"),
    ("A", "Answered"),
    ("W", "Postponed"),
    ("R", "Resolved"),
    ("X", "Deleted"),
    ("B", "Spam"),
];

/// A vendor whose API records hold numeric codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Vendor {
    /// No known codes.
    #[default]
    None,
    /// Freshdesk's ticket API (`fr_due_by` with `requester_id`, or the
    /// `stats.first_responded_at` / `stats.resolved_at` of `include=stats`).
    Freshdesk,
    /// Freshservice's ticket API: Freshdesk's keys and codes, with ITSM
    /// keys (`department_id`, `urgency`, `impact`, `workspace_id`,
    /// `item_category`) and its own `source` codes.
    Freshservice,
    /// ServiceNow's Table API or list export (`number` with `sys_id`,
    /// `sys_created_on`, `opened_at` or `incident_state`).
    ServiceNow,
    /// HubSpot tickets (`hs_pipeline_stage`, or the export's `Pipeline`
    /// beside `Ticket status`).
    HubSpot,
    /// LiveAgent's API (`departmentid` with `owner_email`), whose
    /// statuses are letters.
    LiveAgent,
}

impl Vendor {
    /// The vendor whose keys the sampled column names hold.
    pub(crate) fn detect(headers: &[String]) -> Vendor {
        let has = |k: &str| headers.iter().any(|h| h == k);
        let has_any_case = |k: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(k));
        let freshdesk_stats = has("stats.first_responded_at") || has("stats.resolved_at");
        let itsm = [
            "department_id",
            "urgency",
            "impact",
            "workspace_id",
            "item_category",
        ]
        .iter()
        .any(|k| has(k));
        if (has("fr_due_by") && has("requester_id")) || (freshdesk_stats && has("priority")) {
            if itsm {
                Vendor::Freshservice
            } else {
                Vendor::Freshdesk
            }
        } else if has("number")
            && (has("sys_id") || has("sys_created_on") || has("opened_at") || has("incident_state"))
        {
            Vendor::ServiceNow
        } else if has("departmentid") && has("owner_email") {
            Vendor::LiveAgent
        } else if has("properties.hs_pipeline_stage")
            || has("hs_pipeline_stage")
            || (has_any_case("Ticket status") && has_any_case("Pipeline"))
        {
            Vendor::HubSpot
        } else {
            Vendor::None
        }
    }

    /// The vendor's code tables, and the key that says whether a record
    /// uses them with the test its value must pass (ServiceNow's states
    /// are an incident's, `INC…`; HubSpot's ids are the default
    /// pipeline's, `0`).
    fn tables(self) -> (&'static [Table], Option<Condition>) {
        match self {
            Vendor::None => (&[], None),
            // developers.freshdesk.com, "Tickets".
            Vendor::Freshdesk => (
                &[
                    (&["status"], FRESH_STATUSES),
                    (&["priority"], FRESH_PRIORITIES),
                    (
                        &["source"],
                        &[
                            ("1", "Email"),
                            ("2", "Portal"),
                            ("3", "Phone"),
                            ("7", "Chat"),
                            ("9", "Feedback Widget"),
                            ("10", "Outbound Email"),
                        ],
                    ),
                ],
                None,
            ),
            // api.freshservice.com, "Tickets": status and priority as
            // Freshdesk's; source 1 Email, 2 Portal, 3 Phone, 4 Chat, 5
            // Feedback widget, 6 Yammer, 7 AWS Cloudwatch, 8 Pagerduty, 9
            // Walkup, 10 Slack.
            Vendor::Freshservice => (
                &[
                    (&["status"], FRESH_STATUSES),
                    (&["priority"], FRESH_PRIORITIES),
                    (
                        &["source"],
                        &[
                            ("1", "Email"),
                            ("2", "Portal"),
                            ("3", "Phone"),
                            ("4", "Chat"),
                            ("5", "Feedback Widget"),
                            ("6", "Yammer"),
                            ("7", "AWS Cloudwatch"),
                            ("8", "Pagerduty"),
                            ("9", "Walkup"),
                            ("10", "Slack"),
                        ],
                    ),
                ],
                None,
            ),
            // Its priority numbers 1 as critical, as ticketlens reads
            // numbers anyway.
            Vendor::ServiceNow => (
                &[(&["state", "incident_state"], SERVICENOW_STATES)],
                Some((&["number"], |n| n.trim_start().starts_with("INC"))),
            ),
            Vendor::LiveAgent => (&[(&["status"], LIVEAGENT_STATUSES)], None),
            Vendor::HubSpot => (
                &[(
                    &[
                        "properties.hs_pipeline_stage",
                        "hs_pipeline_stage",
                        "Ticket status",
                        "ticket status",
                    ],
                    HUBSPOT_STAGES,
                )],
                Some((
                    &[
                        "properties.hs_pipeline",
                        "hs_pipeline",
                        "Pipeline",
                        "pipeline",
                    ],
                    |p| p.trim() == "0",
                )),
            ),
        }
    }

    /// Replace the vendor's numeric codes in a JSON record by their names.
    ///
    /// Freshdesk: status 2 Open, 3 Pending, 4 Resolved, 5 Closed, 6 Waiting
    /// on Customer, 7 Waiting on Third Party; priority 1 Low, 2 Medium, 3
    /// High, 4 Urgent; source 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback
    /// Widget, 10 Outbound Email. ServiceNow incidents (`number` INC…):
    /// `state` and `incident_state` 1 New, 2 In Progress, 3 On Hold, 6
    /// Resolved, 7 Closed, 8 Canceled. HubSpot's default pipeline (`0`):
    /// stage 1 New, 2 Waiting on contact, 3 Waiting on us, 4 Closed.
    /// LiveAgent: status I/N New, C Open, T Chatting, P Calling, A
    /// Answered, W Postponed, R Resolved, X Deleted, B Spam. Other codes
    /// stay as written.
    pub(crate) fn translate(self, flat: &mut Flat) {
        let (tables, condition) = self.tables();
        if let Some((keys, test)) = condition {
            let value = keys.iter().find_map(|k| match flat.get(*k)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            if !value.is_some_and(|v| test(&v)) {
                return;
            }
        }
        for (keys, codes) in tables {
            for key in *keys {
                let Some(v) = flat.get_mut(*key) else {
                    continue;
                };
                let code = match v {
                    Value::Number(n) => n.as_i64().map(|c| c.to_string()),
                    Value::String(s) => Some(code_of(s)),
                    _ => None,
                };
                if let Some(name) = code.and_then(|c| name_of(codes, &c)) {
                    *v = Value::String(name.to_string());
                }
            }
        }
    }

    /// [`Vendor::translate`] for rows of cells under `headers` (CSV,
    /// Parquet, Excel-made exports with raw values): the columns resolved
    /// once, as every row of the file is translated. `None` when the
    /// headers hold no column the vendor's codes apply to, or not the
    /// column that says whether a row uses them.
    pub(crate) fn cell_codes(self, headers: &[String]) -> Option<CellCodes> {
        let (tables, condition) = self.tables();
        let index = |key: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(key));
        let condition = match condition {
            Some((keys, test)) => Some((keys.iter().find_map(|k| index(k))?, test)),
            None => None,
        };
        let mut columns: Vec<(usize, &'static [(&'static str, &'static str)])> = Vec::new();
        for (keys, codes) in tables {
            for i in keys.iter().filter_map(|k| index(k)) {
                if !columns.iter().any(|(c, _)| *c == i) {
                    columns.push((i, codes));
                }
            }
        }
        (!columns.is_empty()).then_some(CellCodes { condition, columns })
    }
}

/// A vendor's code tables resolved to a file's columns
/// ([`Vendor::cell_codes`]).
#[derive(Debug, Clone)]
pub(crate) struct CellCodes {
    /// The column that says whether a row uses the codes, and its test.
    condition: Option<(usize, Test)>,
    /// Each column holding codes, and its table.
    columns: Vec<(usize, &'static [(&'static str, &'static str)])>,
}

impl CellCodes {
    /// Replace the codes in one row's cells by their names.
    pub(crate) fn translate(&self, cells: &mut [String]) {
        if let Some((i, test)) = self.condition {
            if !cells.get(i).is_some_and(|v| test(v)) {
                return;
            }
        }
        for &(i, codes) in &self.columns {
            let Some(cell) = cells.get_mut(i) else {
                continue;
            };
            if let Some(name) = name_of(codes, &code_of(cell)) {
                *cell = name.to_string();
            }
        }
    }
}

/// The name of `code` in a table.
fn name_of(codes: &[(&'static str, &'static str)], code: &str) -> Option<&'static str> {
    codes.iter().find(|(k, _)| *k == code).map(|(_, n)| *n)
}

/// A cell as a code: a whole number in its plain spelling (` 02` is `2`),
/// anything else trimmed (LiveAgent's letters).
fn code_of(cell: &str) -> String {
    let t = cell.trim();
    t.parse::<i64>()
        .map_or_else(|_| t.to_string(), |c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_names() {
        let h = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert_eq!(
            Vendor::detect(&h(&["id", "fr_due_by", "requester_id"])),
            Vendor::Freshdesk
        );
        assert_eq!(Vendor::detect(&h(&["id", "priority"])), Vendor::None);
        // Records fetched with `include=stats` carry Freshdesk's stats block.
        assert_eq!(
            Vendor::detect(&h(&["id", "priority", "stats.first_responded_at"])),
            Vendor::Freshdesk
        );
        let mut flat: Flat =
            serde_json::from_str(r#"{"priority": 1, "status": 4, "source": "7", "type": 2}"#)
                .unwrap();
        Vendor::Freshdesk.translate(&mut flat);
        assert_eq!(flat["priority"], "Low");
        assert_eq!(flat["status"], "Resolved");
        assert_eq!(flat["source"], "Chat");
        assert_eq!(flat["type"], 2);
        // Freshservice: Freshdesk's keys with ITSM ones, its own sources.
        let fs = h(&["id", "fr_due_by", "requester_id", "department_id", "source"]);
        assert_eq!(Vendor::detect(&fs), Vendor::Freshservice);
        let mut rec: Flat =
            serde_json::from_str(r#"{"priority": 1, "status": 4, "source": 9}"#).unwrap();
        Vendor::Freshservice.translate(&mut rec);
        assert_eq!(
            (&rec["priority"], &rec["status"], &rec["source"]),
            (&"Low".into(), &"Resolved".into(), &"Walkup".into())
        );
        let mut inc: Flat =
            serde_json::from_str(r#"{"number": "INC001", "state": "8", "incident_state": "7"}"#)
                .unwrap();
        Vendor::ServiceNow.translate(&mut inc);
        assert_eq!(inc["state"], "Canceled");
        assert_eq!(inc["incident_state"], "Closed");
        assert_eq!(
            Vendor::detect(&h(&["number", "incident_state", "opened_at"])),
            Vendor::ServiceNow
        );
        let mut task: Flat = serde_json::from_str(r#"{"number": "PRB001", "state": "8"}"#).unwrap();
        Vendor::ServiceNow.translate(&mut task);
        assert_eq!(task["state"], "8");
        // HubSpot: stage ids of the default pipeline only.
        let mut hs: Flat = serde_json::from_str(
            r#"{"properties.hs_pipeline": "0", "properties.hs_pipeline_stage": "4"}"#,
        )
        .unwrap();
        Vendor::HubSpot.translate(&mut hs);
        assert_eq!(hs["properties.hs_pipeline_stage"], "Closed");
        let mut custom: Flat = serde_json::from_str(
            r#"{"properties.hs_pipeline": "7731", "properties.hs_pipeline_stage": "4"}"#,
        )
        .unwrap();
        Vendor::HubSpot.translate(&mut custom);
        assert_eq!(custom["properties.hs_pipeline_stage"], "4");
    }

    #[test]
    fn cells_of_exports_with_raw_values() {
        let h = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        let headers = h(&["number", "opened_at", "priority", "state"]);
        assert_eq!(Vendor::detect(&headers), Vendor::ServiceNow);
        let mut row = h(&["INC1", "2024-03-01 09:00", "1", "6"]);
        Vendor::ServiceNow
            .cell_codes(&headers)
            .unwrap()
            .translate(&mut row);
        assert_eq!(row, h(&["INC1", "2024-03-01 09:00", "1", "Resolved"]));
        // Display values and other tables' records stay as written.
        let mut shown = h(&["INC2", "2024-03-01 09:00", "1 - Critical", "On Hold"]);
        Vendor::ServiceNow
            .cell_codes(&headers)
            .unwrap()
            .translate(&mut shown);
        assert_eq!(shown[3], "On Hold");
        let mut change = h(&["CHG3", "2024-03-01 09:00", "1", "3"]);
        Vendor::ServiceNow
            .cell_codes(&headers)
            .unwrap()
            .translate(&mut change);
        assert_eq!(change[3], "3");

        let headers = h(&["Ticket ID", "Pipeline", "Ticket status", "Create date"]);
        assert_eq!(Vendor::detect(&headers), Vendor::HubSpot);
        let mut row = h(&["1", "0", "2", "2024-03-01"]);
        Vendor::HubSpot
            .cell_codes(&headers)
            .unwrap()
            .translate(&mut row);
        assert_eq!(row[2], "Waiting on contact");
        let mut named = h(&["2", "Support Pipeline", "3", "2024-03-01"]);
        Vendor::HubSpot
            .cell_codes(&headers)
            .unwrap()
            .translate(&mut named);
        assert_eq!(named[2], "3");
        assert_eq!(Vendor::detect(&h(&["Ticket ID", "Status"])), Vendor::None);
    }
}
