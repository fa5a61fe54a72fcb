//! One raw record → one typed [`Ticket`], or a reject reason.

use super::durations::NumberStyle;
use super::fields::Field;
use super::infer::TimeColumn;
use super::mapping::{ColumnMapping, MappedColumn};
use super::values::{
    customer_key, is_blank, is_no_time, is_placeholder_date, label, label_str, parse_bool,
    parse_count, parse_csat, parse_handle_minutes, parse_score, parse_tags, parse_time_or_span,
    text, TimeOrSpan,
};
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Converts records using a resolved mapping.
#[derive(Debug, Clone)]
pub(crate) struct Converter {
    pub mapping: ColumnMapping,
    pub tz: Tz,
    pub require_created_at: bool,
    /// Reject rows without text (off for `kpi`, which reads none).
    pub require_text: bool,
    /// Number of header columns (cells past it are JSONL extras, not raw output).
    pub n_headers: usize,
    /// Per-column reading plans, inferred from the sample.
    pub plans: ColumnPlans,
    /// The scale CSAT answers are on; scores are kept on 1–5.
    pub csat_scale: super::CsatScale,
}

/// How each typed column is read, decided once per input (see `infer`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnPlans {
    /// created_at.
    pub created: TimeColumn,
    /// first_response.
    pub first_response: TimeColumn,
    /// resolved.
    pub resolved: TimeColumn,
    /// escalated_at.
    pub escalated: TimeColumn,
    /// Decimal style of the score, count and handle-time columns (csat,
    /// nps, ces, reopens, replies, handle_time).
    pub numbers: Vec<(Field, NumberStyle)>,
    /// The CSAT scale the sample decided (`CsatScale::Auto` only).
    pub csat_scale: Option<super::CsatScale>,
    /// Whether the handle-time column's two-part clocks (`04:05`) are
    /// minutes:seconds rather than hours:minutes.
    pub handle_clock_mmss: bool,
}

impl ColumnPlans {
    /// The plan of a time field.
    pub fn time(&self, field: Field) -> &TimeColumn {
        match field {
            Field::FirstResponse => &self.first_response,
            Field::Resolved => &self.resolved,
            Field::EscalatedAt => &self.escalated,
            _ => &self.created,
        }
    }

    /// The decimal style of a numeric field.
    pub fn number_style(&self, field: Field) -> NumberStyle {
        self.numbers
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(NumberStyle::Dot, |(_, s)| *s)
    }
}

/// The cell of a mapped column in a record ("" when the record is short).
pub(crate) fn column_value<'v>(values: &'v [String], c: &MappedColumn) -> &'v str {
    values.get(c.index).map_or("", String::as_str)
}

type Reason = String;

impl Converter {
    fn cell<'v>(&self, values: &'v [String], field: Field) -> Option<(&MappedColumn, &'v str)> {
        let c = self.mapping.get(field)?;
        Some((c, column_value(values, c)))
    }

    fn text_field(&self, values: &[String], field: Field) -> Option<String> {
        self.cell(values, field).and_then(|(_, v)| text(v))
    }

    /// Whether the record's id column holds an id (not without an id column,
    /// nor when the cell is blank: the ticket then takes its line number).
    pub(crate) fn has_ticket_id(&self, values: &[String]) -> bool {
        self.ticket_id(values).is_some()
    }

    /// The record's creation-time cell as written (`None` without a
    /// creation-time column).
    pub(crate) fn created_cell<'v>(&self, values: &'v [String]) -> Option<&'v str> {
        self.cell(values, Field::CreatedAt).map(|(_, v)| v)
    }

    /// The record's id as the ticket takes it (trimmed), when its id
    /// column holds one.
    pub(crate) fn ticket_id<'v>(&self, values: &'v [String]) -> Option<&'v str> {
        self.cell(values, Field::TicketId)
            .and_then(|(_, v)| label_str(v))
    }

    /// An identifier or category field ([`label`]: placeholders are blank).
    fn label_field(&self, values: &[String], field: Field) -> Option<String> {
        self.cell(values, field).and_then(|(_, v)| label(v))
    }

    /// Build the ticket for the record starting at `line`; on failure the
    /// reason comes back with the cells (for the rejects file).
    pub fn convert(
        &self,
        line: u64,
        mut values: Vec<String>,
    ) -> Result<Ticket, (Reason, Vec<String>)> {
        let mut t = Ticket {
            line,
            ..Default::default()
        };
        match self.fill(&mut t, &values) {
            Ok(()) => {
                values.truncate(self.n_headers);
                t.raw = values;
                Ok(t)
            }
            Err(reason) => Err((reason, values)),
        }
    }

    fn fill(&self, t: &mut Ticket, values: &[String]) -> Result<(), Reason> {
        let line = t.line;

        t.id = self
            .label_field(values, Field::TicketId)
            .unwrap_or_else(|| line.to_string());
        t.customer_id = self
            .cell(values, Field::CustomerId)
            .and_then(|(_, v)| label_str(v))
            // R's missing value: no customer is called `NA`.
            .filter(|v| *v != "NA")
            .map(customer_key);

        t.created_at = match self.cell(values, Field::CreatedAt) {
            None => DateTime::<Utc>::UNIX_EPOCH,
            Some((c, v)) if is_blank(v) => {
                if self.require_created_at {
                    return Err(format!("blank created_at in column '{}'", c.column));
                }
                DateTime::<Utc>::UNIX_EPOCH
            }
            Some((c, v)) if is_placeholder_date(v) => {
                if self.require_created_at {
                    return Err(format!(
                        "no created_at in column '{}': '{}' is a placeholder for no date",
                        c.column,
                        v.trim()
                    ));
                }
                DateTime::<Utc>::UNIX_EPOCH
            }
            Some((c, v)) => {
                let plan = &self.plans.created;
                plan.parse_at(v, self.tz)
                    .map_err(|e| plan.reason(Field::CreatedAt, &c.column, v, e))?
            }
        };

        if let Some((c, v)) = self.cell(values, Field::FirstResponse) {
            match parse_time_or_span(
                Field::FirstResponse,
                &c.column,
                &self.plans.first_response,
                v,
                c.scale,
                self.tz,
            )? {
                Some(TimeOrSpan::At(at)) => t.first_response_at = Some(at),
                Some(TimeOrSpan::Span(m)) => t.first_response_minutes = Some(m),
                None => {}
            }
        }
        let mut resolved_flag = None;
        if let Some((c, v)) = self.cell(values, Field::Resolved) {
            // A flag column read as flags; a later value that is no flag
            // (the sample held only the early tickets) is read as a time.
            let flag = self
                .plans
                .resolved
                .flag
                .then(|| parse_bool(Field::Resolved, &c.column, v).ok())
                .flatten();
            if let Some(f) = flag {
                resolved_flag = f;
            } else {
                match parse_time_or_span(
                    Field::Resolved,
                    &c.column,
                    &self.plans.resolved,
                    v,
                    c.scale,
                    self.tz,
                )? {
                    Some(TimeOrSpan::At(at)) => t.resolved_at = Some(at),
                    Some(TimeOrSpan::Span(h)) => t.resolution_hours = Some(h),
                    None => {}
                }
            }
        }

        t.status = self.label_field(values, Field::Status);
        if t.status.is_none() {
            t.status = resolved_flag.map(|r| if r { "resolved" } else { "open" }.to_string());
        }
        for (field, status) in [(Field::Deleted, "deleted"), (Field::Spam, "spam")] {
            if let Some((c, v)) = self.cell(values, field) {
                // A flag, or a time (Gorgias's `trashed_datetime`): set
                // means marked; anything else is a bad value, as in any
                // flag column. The desk's own views file such a ticket
                // under Spam or Trash whatever status it had, and so does
                // its state.
                let marked = match parse_bool(field, &c.column, v) {
                    Ok(flag) => flag.unwrap_or(false),
                    Err(_) if is_placeholder_date(v) => false,
                    Err(e) => {
                        super::time::parse_timestamp(v.trim(), self.tz).ok_or(e)?;
                        true
                    }
                };
                if marked {
                    t.status = Some(status.to_string());
                }
            }
        }
        t.resolution_code = self.label_field(values, Field::ResolutionCode);
        t.channel = self.label_field(values, Field::Channel);
        t.priority = self.label_field(values, Field::Priority);
        t.agent = self.label_field(values, Field::Agent);
        t.team = self.label_field(values, Field::Team);

        if let Some((c, v)) = self.cell(values, Field::HandleTime) {
            let style = self.plans.number_style(Field::HandleTime);
            let mmss = self.plans.handle_clock_mmss;
            t.handle_minutes = parse_handle_minutes(&c.column, v, c.scale, style, mmss)?;
        }
        if let Some((c, v)) = self.cell(values, Field::Escalated) {
            t.escalated = parse_bool(Field::Escalated, &c.column, v)?;
        }
        if let Some((c, v)) = self.cell(values, Field::EscalatedAt) {
            let plan = &self.plans.escalated;
            if !is_blank(v) && !is_no_time(plan, v) {
                let at = plan
                    .parse_at(v, self.tz)
                    .map_err(|e| plan.reason(Field::EscalatedAt, &c.column, v, e))?;
                t.escalated_at = Some(at);
            }
            // An escalation time says whether the ticket was escalated when
            // the export has no flag column (blank = not escalated).
            if self.mapping.get(Field::Escalated).is_none() {
                t.escalated = Some(t.escalated_at.is_some());
            }
        }
        if let Some((c, v)) = self.cell(values, Field::Reopens) {
            let style = self.plans.number_style(Field::Reopens);
            t.reopens = parse_count(Field::Reopens, &c.column, v, style)?;
        }
        if let Some((c, v)) = self.cell(values, Field::Replies) {
            let style = self.plans.number_style(Field::Replies);
            t.replies = parse_count(Field::Replies, &c.column, v, style)?;
        }
        for (field, slot) in [
            (Field::Csat, &mut t.csat),
            (Field::Nps, &mut t.nps),
            (Field::Ces, &mut t.ces),
        ] {
            if let Some((c, v)) = self.cell(values, field) {
                let style = self.plans.number_style(field);
                *slot = if field == Field::Csat {
                    parse_csat(&c.column, v, style, self.csat_scale)?
                } else {
                    parse_score(field, &c.column, v, style)?
                };
            }
        }
        if let Some((_, v)) = self.cell(values, Field::Tags) {
            t.tags = parse_tags(v);
        }

        if self.mapping.text_columns.is_empty() {
            t.subject = self.text_field(values, Field::Subject);
            t.body = self.text_field(values, Field::Body);
        } else {
            let parts: Vec<&str> = self
                .mapping
                .text_columns
                .iter()
                .filter_map(|(i, _)| values.get(*i).map(|v| v.trim()))
                .filter(|v| !v.is_empty())
                .collect();
            t.body = (!parts.is_empty()).then(|| parts.join(". "));
        }
        if self.require_text && t.subject.is_none() && t.body.is_none() {
            return Err(self.empty_text_reason());
        }
        Ok(())
    }

    fn empty_text_reason(&self) -> String {
        let names: Vec<String> = if self.mapping.text_columns.is_empty() {
            [Field::Subject, Field::Body]
                .iter()
                .filter_map(|f| self.mapping.get(*f))
                .map(|c| format!("'{}'", c.column))
                .collect()
        } else {
            self.mapping
                .text_columns
                .iter()
                .map(|(_, n)| format!("'{n}'"))
                .collect()
        };
        format!("empty text: column(s) {} blank", names.join(", "))
    }
}
