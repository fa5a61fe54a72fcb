//! Per-feature rules: how a raw value is transformed, how a missing value is
//! filled, which missing-indicator group it belongs to, and how it is said
//! in words when it is one of a customer's top risk factors.
//!
//! Keeping these rules in one table (keyed by feature name) means the model
//! file only needs to store names: the rules travel with the code, and
//! docs/churn.md documents the same table.

use crate::kpi::{PriorityClass, SlaTargets};

/// Base feature names, in column order (topic, theme and plan columns follow).
pub const BASE_FEATURES: &[&str] = &[
    "tickets_all",
    "tickets_30d",
    "tickets_90d",
    "ticket_rate_change",
    "neg_share",
    "p_negative_mean",
    "p_negative_last",
    "p_negative_trend",
    "neg_tickets_30d",
    "frt_mean_minutes",
    "frt_max_minutes",
    "resolution_mean_hours",
    "sla_breaches",
    "escalations",
    "reopens",
    "csat_mean",
    "csat_min",
    "nps_last",
    "ces_mean",
    "days_since_last_ticket",
    "mrr",
    "tenure_days",
];

/// Prefix of the per-topic share columns (`topic_share:REFUND`).
pub const TOPIC_PREFIX: &str = "topic_share:";
/// Prefix of the per-theme share columns (`theme_share:<theme label>`).
pub const THEME_PREFIX: &str = "theme_share:";
/// Prefix of the per-label share columns of the team's taxonomy
/// (`taxonomy_share:Login / SSO`).
pub const TAXONOMY_PREFIX: &str = "taxonomy_share:";
/// Prefix of the plan one-hot columns (`plan:pro`).
pub const PLAN_PREFIX: &str = "plan:";
/// Prefix of the missing-value indicator columns (`missing:csat`).
pub const MISSING_PREFIX: &str = "missing:";

/// Whether a design column is a 0/1 flag (missing-value indicator or plan
/// one-hot): such a column is a reason for risk only when it is on, since
/// "not on the free plan" is not something a success manager can act on
/// (and "on the enterprise plan" would be false).
pub fn is_binary(name: &str) -> bool {
    name.starts_with(MISSING_PREFIX) || name.starts_with(PLAN_PREFIX)
}

/// First-response target in minutes for a ticket priority, from `targets`
/// (the KPI engine's `--sla` targets; `None` when its class has no target).
/// Priorities fold into the KPI classes as the KPI engine folds them
/// ([`PriorityClass::parse`]; unknown spellings count as normal).
pub fn sla_target_minutes(priority: Option<&str>, targets: &SlaTargets) -> Option<f64> {
    targets.minutes(PriorityClass::of(priority))
}

/// The KPI engine's default first-response targets (urgent 60 min, high
/// 240, normal 480, low 1440), for models saved before targets were stored.
pub(crate) fn default_sla_minutes() -> [Option<f64>; 4] {
    sla_minutes(&SlaTargets::default())
}

/// Targets as the stored array (urgent, high, normal, low).
pub(crate) fn sla_minutes(t: &SlaTargets) -> [Option<f64>; 4] {
    PriorityClass::ALL.map(|c| t.minutes(c))
}

/// Monotone transform applied before filling and standardising, so that
/// heavy-tailed counts and durations do not let one outlier dominate a
/// linear model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// Value as is (shares, probabilities, survey scores).
    Identity,
    /// `ln(1 + x)` for non-negative counts, durations, money, tenure.
    Log1p,
    /// `sign(x) · ln(1 + |x|)` for signed rates.
    SignedLog,
}

impl Transform {
    /// Apply the transform (NaN stays NaN).
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Transform::Identity => x,
            Transform::Log1p => x.max(0.0).ln_1p(),
            Transform::SignedLog => x.signum() * x.abs().ln_1p(),
        }
    }
}

/// How a missing value is filled (its indicator column says it was missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Median of the training customers' known values (neutral).
    Median,
    /// Zero (one-hot plan columns: "not this plan").
    Zero,
}

/// The rules of one feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Transform before fill and scaling.
    pub transform: Transform,
    /// Missing-value fill rule.
    pub fill: Fill,
    /// Missing-indicator group (`None`: never missing).
    pub group: Option<&'static str>,
}

/// The rules for a feature name.
pub fn spec(name: &str) -> Spec {
    use Transform::*;
    let s = |transform, group| Spec {
        transform,
        fill: Fill::Median,
        group,
    };
    if name.starts_with(TOPIC_PREFIX) {
        return s(Identity, Some("prediction"));
    }
    if name.starts_with(THEME_PREFIX) {
        return s(Identity, Some("theme"));
    }
    if name.starts_with(TAXONOMY_PREFIX) {
        return s(Identity, Some("taxonomy"));
    }
    if name.starts_with(PLAN_PREFIX) {
        return Spec {
            transform: Identity,
            fill: Fill::Zero,
            group: Some("plan"),
        };
    }
    match name {
        "tickets_all" | "tickets_30d" | "tickets_90d" | "escalations" | "reopens" => s(Log1p, None),
        "ticket_rate_change" => s(SignedLog, Some("rate_change")),
        "neg_share" | "p_negative_mean" | "p_negative_last" => s(Identity, Some("prediction")),
        "neg_tickets_30d" => s(Log1p, Some("prediction")),
        "p_negative_trend" => s(Identity, Some("sentiment_trend")),
        "frt_mean_minutes" | "frt_max_minutes" | "sla_breaches" => s(Log1p, Some("frt")),
        "resolution_mean_hours" => s(Log1p, Some("resolution")),
        "csat_mean" | "csat_min" => s(Identity, Some("csat")),
        "nps_last" => s(Identity, Some("nps")),
        "ces_mean" => s(Identity, Some("ces")),
        "days_since_last_ticket" => s(Log1p, Some("tickets")),
        "mrr" => s(Log1p, Some("mrr")),
        "tenure_days" => s(Log1p, Some("tenure")),
        _ => s(Identity, None),
    }
}

/// A duration in minutes, in the unit a success manager reads at a glance.
fn minutes_words(m: f64) -> String {
    if m < 90.0 {
        format!("{m:.0} min")
    } else if m < 48.0 * 60.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

/// Render a feature and its raw value in words (`other` looks up the
/// customer's other raw values, e.g. the CSAT minimum next to the mean).
pub fn describe(name: &str, value: f64, other: &dyn Fn(&str) -> Option<f64>) -> String {
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let plural = |n: f64, one: &str, many: &str| {
        let n = n.round();
        if n == 1.0 {
            format!("1 {one}")
        } else {
            format!("{n:.0} {many}")
        }
    };
    if let Some(topic) = name.strip_prefix(TOPIC_PREFIX) {
        return format!("{} of tickets about {topic}", pct(value));
    }
    if let Some(theme) = name.strip_prefix(THEME_PREFIX) {
        return format!("{} of tickets in theme \"{theme}\"", pct(value));
    }
    if let Some(label) = name.strip_prefix(TAXONOMY_PREFIX) {
        return format!("{} of tickets tagged \"{label}\"", pct(value));
    }
    if let Some(plan) = name.strip_prefix(PLAN_PREFIX) {
        return format!("on the {plan} plan");
    }
    if let Some(group) = name.strip_prefix(MISSING_PREFIX) {
        return match group {
            "prediction" => "no sentiment/topic available".into(),
            "sentiment_trend" => "too few tickets for a sentiment trend".into(),
            "rate_change" => "no earlier ticket history".into(),
            "frt" => "no first response recorded".into(),
            "resolution" => "no resolved tickets".into(),
            "csat" => "no CSAT answers".into(),
            "nps" => "no NPS answer".into(),
            "ces" => "no effort score answers".into(),
            "tickets" => "no tickets at all".into(),
            "theme" => "no themed tickets".into(),
            "taxonomy" => "no tickets tagged by the taxonomy".into(),
            "plan" => "plan unknown".into(),
            "mrr" => "MRR unknown".into(),
            "tenure" => "signup date unknown".into(),
            g => format!("{g} unknown"),
        };
    }
    match name {
        "tickets_all" => plural(value, "ticket in total", "tickets in total"),
        "tickets_30d" => format!("{} in 30 days", plural(value, "ticket", "tickets")),
        "tickets_90d" => format!("{} in 90 days", plural(value, "ticket", "tickets")),
        "ticket_rate_change" if value >= 0.0 => format!("ticket rate up {value:.1} per 30 days"),
        "ticket_rate_change" => format!("ticket rate down {:.1} per 30 days", -value),
        "neg_share" => format!("{} of tickets negative", pct(value)),
        "p_negative_mean" => format!("mean P(negative) {value:.2}"),
        "p_negative_last" => format!("last ticket P(negative) {value:.2}"),
        "p_negative_trend" if value >= 0.0 => {
            format!("sentiment worsening (P(negative) +{value:.2} in last 3 tickets)")
        }
        "p_negative_trend" => {
            format!("sentiment improving (P(negative) {value:.2} in last 3 tickets)")
        }
        "neg_tickets_30d" => format!(
            "{} in 30 days",
            plural(value, "negative ticket", "negative tickets")
        ),
        "frt_mean_minutes" => format!("first response {} on average", minutes_words(value)),
        "frt_max_minutes" => format!("slowest first response {}", minutes_words(value)),
        "resolution_mean_hours" => format!("resolution {} on average", minutes_words(value * 60.0)),
        "sla_breaches" => plural(
            value,
            "first-response SLA breach",
            "first-response SLA breaches",
        ),
        "escalations" => plural(value, "escalation", "escalations"),
        "reopens" => plural(value, "reopen", "reopens"),
        "csat_mean" => match other("csat_min") {
            Some(min) if min.is_finite() => format!("CSAT {value:.1} (min {min:.0})"),
            _ => format!("CSAT {value:.1}"),
        },
        "csat_min" => format!("lowest CSAT {value:.0}"),
        "nps_last" => format!("last NPS {value:.0}"),
        "ces_mean" => format!("customer effort {value:.1} on average"),
        "days_since_last_ticket" => format!("last ticket {value:.0} days ago"),
        "mrr" => format!("MRR {value:.0}"),
        "tenure_days" => format!("customer for {value:.0} days"),
        other_name => format!("{other_name} = {value:.2}"),
    }
}
