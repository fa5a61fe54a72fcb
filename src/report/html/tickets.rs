//! The ticket list: the most recent tickets with their predictions and
//! theme, so a reader can look up what stands behind a number (and see the
//! text exactly as customers wrote it, escaped like every other ticket text).

use super::format::truncate;
use super::table::{Cell, Table};
use crate::ticket::EnrichedTicket;
use chrono_tz::Tz;

/// Most tickets listed (most recent first); keeps the report a few MB at most.
pub const MAX_TICKETS: usize = 2000;

/// Characters of ticket text shown per row.
const TEXT_CHARS: usize = 160;

/// The most recent tickets as a sortable table. Without creation times
/// (`has_time` false) the first tickets of the file, and no created column
/// values (the ticket's placeholder time is no date to show).
pub fn ticket_list(tickets: &[EnrichedTicket], tz: Tz, has_time: bool) -> Table {
    let mut t = Table::new(
        "Most recent tickets",
        &[
            "Ticket",
            "Created#",
            "Channel",
            "Priority",
            "Status",
            "Topic",
            "Sentiment",
            "Theme",
            "Text",
        ],
    );
    let mut order: Vec<&EnrichedTicket> = tickets.iter().collect();
    order.sort_by(|a, b| {
        b.ticket
            .created_at
            .cmp(&a.ticket.created_at)
            .then_with(|| a.ticket.line.cmp(&b.ticket.line))
    });
    if !has_time {
        t.caption = "Tickets (file order: the input has no creation times)".into();
    }
    if order.len() > MAX_TICKETS {
        t.caption = format!(
            "{} ({} of {})",
            if has_time {
                "Most recent tickets"
            } else {
                "Tickets in file order"
            },
            super::format::count(Some(MAX_TICKETS as f64)),
            super::format::count(Some(order.len() as f64))
        );
    }
    let opt = |v: &Option<String>| Cell::text(truncate(v.as_deref().unwrap_or(""), 40));
    t.rows = order
        .into_iter()
        .take(MAX_TICKETS)
        .map(|e| {
            let tk = &e.ticket;
            let created = if has_time {
                Cell::num(
                    tk.created_at
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    Some(tk.created_at.timestamp() as f64),
                )
            } else {
                Cell::num("—".to_string(), None)
            };
            vec![
                Cell::text(truncate(&tk.id, 40)),
                created,
                opt(&tk.channel),
                opt(&tk.priority),
                opt(&tk.status),
                Cell::text(
                    e.prediction
                        .as_ref()
                        .map(|p| truncate(&p.topic, 40))
                        .unwrap_or_default(),
                ),
                Cell::text(
                    e.prediction
                        .as_ref()
                        .map(|p| p.sentiment.as_str())
                        .unwrap_or_default(),
                ),
                Cell::text(
                    e.theme
                        .as_ref()
                        .map(|th| truncate(&th.label, 60))
                        .unwrap_or_default(),
                ),
                Cell::text(truncate(
                    &tk.text().split_whitespace().collect::<Vec<_>>().join(" "),
                    TEXT_CHARS,
                )),
            ]
        })
        .collect();
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::Ticket;
    use chrono::{TimeZone, Utc};

    #[test]
    fn newest_first_with_text_kept_verbatim() {
        let mk = |id: &str, day: u32, subject: &str| {
            EnrichedTicket::new(Ticket {
                id: id.into(),
                created_at: Utc.with_ymd_and_hms(2025, 6, day, 12, 0, 0).unwrap(),
                subject: Some(subject.into()),
                body: Some("line one\nline   two".into()),
                ..Default::default()
            })
        };
        let ts = vec![mk("A", 1, "old"), mk("B", 3, "<script>alert(1)</script>")];
        let t = ticket_list(&ts, chrono_tz::UTC, true);
        assert_eq!(t.rows[0][0].text, "B");
        assert_eq!(t.rows[0][1].text, "2025-06-03 12:00");
        assert_eq!(
            t.rows[0][8].text, "<script>alert(1)</script>. line one line two",
            "escaping is the template's job, not a lossy filter here"
        );
        assert_eq!(t.caption, "Most recent tickets");
    }
}
