//! The typed rows that flow through every stage.
//!
//! Ingest produces [`Ticket`]s; the model adds a [`Prediction`]; themes add a
//! [`ThemeRef`]. Analysis stages (KPI, themes, churn, report) all read
//! [`EnrichedTicket`], so adding a stage never means re-parsing input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One support ticket, as read from the input and typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// 1-based physical line number where the record starts in the input
    /// (the header is line 1 for CSV), so every output can point back to it.
    pub line: u64,
    /// Ticket id (falls back to the line number when the input has no id column).
    pub id: String,
    /// Customer / requester / account id.
    pub customer_id: Option<String>,
    /// When the ticket was created (UTC).
    pub created_at: DateTime<Utc>,
    /// First agent response time, if a timestamp column was given.
    pub first_response_at: Option<DateTime<Utc>>,
    /// First response in minutes, if a duration column was given instead.
    pub first_response_minutes: Option<f64>,
    /// When the ticket was solved/closed.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Resolution time in hours, if a duration column was given instead.
    pub resolution_hours: Option<f64>,
    /// Status as written in the input (`open`, `Closed`, `Pending Customer Response`, …).
    pub status: Option<String>,
    /// Channel (email, chat, phone, social, web, self-service …).
    pub channel: Option<String>,
    /// Priority (urgent/critical, high, normal/medium, low).
    pub priority: Option<String>,
    /// Assigned agent.
    pub agent: Option<String>,
    /// Team, group or support tier.
    pub team: Option<String>,
    /// Whether the ticket was escalated.
    pub escalated: Option<bool>,
    /// Number of times the ticket was reopened.
    pub reopens: Option<u32>,
    /// Number of agent replies.
    pub replies: Option<u32>,
    /// CSAT answer, 1–5.
    pub csat: Option<f64>,
    /// NPS answer, 0–10.
    pub nps: Option<f64>,
    /// Customer effort score, 1–7.
    pub ces: Option<f64>,
    /// Subject line.
    pub subject: Option<String>,
    /// Body / description.
    pub body: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The original record's values, in input column order (written back out
    /// unchanged in enriched outputs).
    #[serde(skip)]
    pub raw: Vec<String>,
}

impl Ticket {
    /// First response time in minutes: from the duration column when given,
    /// else `first_response_at - created_at`. Negative spans are treated as
    /// missing (they are data errors, not fast answers).
    pub fn frt_minutes(&self) -> Option<f64> {
        if let Some(m) = self.first_response_minutes {
            return (m >= 0.0).then_some(m);
        }
        let at = self.first_response_at?;
        let m = (at - self.created_at).num_seconds() as f64 / 60.0;
        (m >= 0.0).then_some(m)
    }

    /// Resolution time in hours, same rules as [`Ticket::frt_minutes`].
    pub fn resolution_hours(&self) -> Option<f64> {
        if let Some(h) = self.resolution_hours {
            return (h >= 0.0).then_some(h);
        }
        let at = self.resolved_at?;
        let h = (at - self.created_at).num_seconds() as f64 / 3600.0;
        (h >= 0.0).then_some(h)
    }

    /// The text fed to the model: subject and body joined.
    pub fn text(&self) -> String {
        match (&self.subject, &self.body) {
            (Some(s), Some(b)) if !s.is_empty() && !b.is_empty() => format!("{s}. {b}"),
            (Some(s), _) if !s.is_empty() => s.clone(),
            (_, Some(b)) => b.clone(),
            _ => String::new(),
        }
    }

    /// True when the status says the ticket is solved or closed, or a
    /// resolution time exists.
    pub fn is_resolved(&self) -> bool {
        if let Some(s) = &self.status {
            let s = s.trim().to_ascii_lowercase();
            if [
                "solved",
                "closed",
                "resolved",
                "done",
                "complete",
                "completed",
            ]
            .iter()
            .any(|k| s == *k || s.starts_with(k))
            {
                return true;
            }
            if !s.is_empty() && self.resolved_at.is_none() && self.resolution_hours.is_none() {
                return false;
            }
        }
        self.resolved_at.is_some() || self.resolution_hours.is_some()
    }
}

/// Sentiment classes, in the model's label order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Complaints, frustration.
    Negative,
    /// Questions, requests.
    Neutral,
    /// Thanks, praise.
    Positive,
}

impl Sentiment {
    /// Lower-case label as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
            Sentiment::Positive => "positive",
        }
    }

    /// Parse a label (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "negative" | "neg" => Some(Sentiment::Negative),
            "neutral" | "neu" => Some(Sentiment::Neutral),
            "positive" | "pos" => Some(Sentiment::Positive),
            _ => None,
        }
    }
}

impl std::fmt::Display for Sentiment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the model says about one ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// Most likely sentiment.
    pub sentiment: Sentiment,
    /// Probability of that sentiment.
    pub sentiment_confidence: f32,
    /// P(negative).
    pub p_negative: f32,
    /// P(neutral).
    pub p_neutral: f32,
    /// P(positive).
    pub p_positive: f32,
    /// Most likely topic label (from the model's `ticketlens.json`).
    pub topic: String,
    /// Probability of that topic.
    pub topic_confidence: f32,
}

/// A ticket's theme assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeRef {
    /// Theme id (0-based, stable for a given input and seed).
    pub id: usize,
    /// Short human label.
    pub label: String,
    /// Cosine distance to the theme centroid.
    pub distance: f32,
}

/// A ticket with everything the analysis stages may add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrichedTicket {
    /// The typed input row.
    pub ticket: Ticket,
    /// Model output, when classification ran.
    pub prediction: Option<Prediction>,
    /// Theme, when themes ran.
    pub theme: Option<ThemeRef>,
}

impl EnrichedTicket {
    /// A ticket without model output.
    pub fn new(ticket: Ticket) -> Self {
        EnrichedTicket {
            ticket,
            prediction: None,
            theme: None,
        }
    }

    /// The value of a grouping dimension (`--by`), or `None` when absent.
    ///
    /// Known dimensions: channel, priority, agent, team (alias tier), status,
    /// customer, topic, sentiment, theme, tag (first tag).
    pub fn dimension(&self, dim: &str) -> Option<String> {
        let t = &self.ticket;
        match dim {
            "channel" => t.channel.clone(),
            "priority" => t.priority.clone(),
            "agent" => t.agent.clone(),
            "team" | "tier" | "group" => t.team.clone(),
            "status" => t.status.clone(),
            "customer" | "customer_id" => t.customer_id.clone(),
            "topic" => self.prediction.as_ref().map(|p| p.topic.clone()),
            "sentiment" => self.prediction.as_ref().map(|p| p.sentiment.to_string()),
            "theme" => self.theme.as_ref().map(|th| th.label.clone()),
            "tag" | "tags" => t.tags.first().cloned(),
            _ => None,
        }
        .filter(|v| !v.trim().is_empty())
    }
}
