//! Numeric codes that helpdesk APIs write instead of names.
//!
//! Freshdesk's API returns `"priority": 1` for *low* (its scale runs up to 4,
//! *urgent*), while ServiceNow and Jira number 1 as the most urgent: read
//! as numbers, Freshdesk's priorities come out upside down and its statuses
//! and sources as bare digits. ServiceNow's Table API without display
//! values writes an incident's `state` as a digit too. The vendor is told
//! from keys only its records carry, and its codes become the names its
//! own screens and CSV exports show, before any field is read.

use super::json::Flat;
use serde_json::Value;

/// A vendor whose API records hold numeric codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Vendor {
    /// No known codes.
    #[default]
    None,
    /// Freshdesk's ticket API (`fr_due_by` with `requester_id`, or the
    /// `stats.first_responded_at` / `stats.resolved_at` of `include=stats`).
    Freshdesk,
    /// ServiceNow's Table API (`number` with `sys_id`, `sys_created_on` or
    /// `incident_state`).
    ServiceNow,
}

impl Vendor {
    /// The vendor whose keys the sampled column names hold.
    pub(crate) fn detect(headers: &[String]) -> Vendor {
        let has = |k: &str| headers.iter().any(|h| h == k);
        let freshdesk_stats = has("stats.first_responded_at") || has("stats.resolved_at");
        if (has("fr_due_by") && has("requester_id")) || (freshdesk_stats && has("priority")) {
            Vendor::Freshdesk
        } else if has("number") && (has("sys_id") || has("sys_created_on") || has("incident_state"))
        {
            Vendor::ServiceNow
        } else {
            Vendor::None
        }
    }

    /// Replace the vendor's numeric codes in a record by their names.
    ///
    /// Freshdesk (developers.freshdesk.com, "Tickets"): status 2 Open, 3
    /// Pending, 4 Resolved, 5 Closed, 6 Waiting on Customer, 7 Waiting on
    /// Third Party; priority 1 Low, 2 Medium, 3 High, 4 Urgent; source 1
    /// Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound
    /// Email. ServiceNow incidents (`number` INC…): `state` and
    /// `incident_state` 1 New, 2 In
    /// Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled (its priority
    /// numbers 1 as critical, as ticketlens reads numbers anyway). Other
    /// codes stay as written.
    pub(crate) fn translate(self, flat: &mut Flat) {
        let tables: &[(&str, &[(i64, &str)])] = match self {
            Vendor::None => return,
            Vendor::Freshdesk => &[
                (
                    "status",
                    &[
                        (2, "Open"),
                        (3, "Pending"),
                        (4, "Resolved"),
                        (5, "Closed"),
                        (6, "Waiting on Customer"),
                        (7, "Waiting on Third Party"),
                    ],
                ),
                (
                    "priority",
                    &[(1, "Low"), (2, "Medium"), (3, "High"), (4, "Urgent")],
                ),
                (
                    "source",
                    &[
                        (1, "Email"),
                        (2, "Portal"),
                        (3, "Phone"),
                        (7, "Chat"),
                        (9, "Feedback Widget"),
                        (10, "Outbound Email"),
                    ],
                ),
            ],
            Vendor::ServiceNow => {
                let incident = flat
                    .get("number")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.starts_with("INC"));
                if !incident {
                    return;
                }
                const STATES: &[(i64, &str)] = &[
                    (1, "New"),
                    (2, "In Progress"),
                    (3, "On Hold"),
                    (6, "Resolved"),
                    (7, "Closed"),
                    (8, "Canceled"),
                ];
                &[("state", STATES), ("incident_state", STATES)]
            }
        };
        for (key, codes) in tables {
            let Some(v) = flat.get_mut(*key) else {
                continue;
            };
            let code = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            if let Some(name) = code.and_then(|c| codes.iter().find(|(k, _)| *k == c)) {
                *v = Value::String(name.1.to_string());
            }
        }
    }
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
    }
}
