//! KPI options shared by `kpi` and `analyze`.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use ticketlens::kpi::{BusinessCalendar, CostBasis, FcrDefinition, KpiOptions, SlaTargets};
use ticketlens::period::Period;

/// How to compute and group KPIs.
#[derive(Debug, Clone, Args, serde::Serialize)]
pub struct KpiArgs {
    /// Group KPIs by these dimensions (comma-separated): channel, priority, agent, team, status,
    /// resolution_code, customer, topic, sentiment, theme, tag (a ticket counts under each of its
    /// tags), language (read from an enriched file's `language` column, else detected from the
    /// text).
    #[arg(long, value_delimiter = ',', value_name = "DIMS")]
    pub by: Vec<String>,
    /// Also report per period (ISO weeks for `week`). `analyze` defaults to week.
    #[arg(long, value_enum)]
    pub period: Option<Period>,
    /// Measure backlog and SLA at this instant (RFC 3339 or YYYY-MM-DD); later tickets are ignored.
    /// Default: the latest timestamp in the data (creation, first response or resolution).
    #[arg(long = "as-of", value_name = "TIME")]
    pub as_of: Option<String>,
    /// First-response SLA targets per priority, e.g. `urgent=30m,high=2h,normal=8h,low=1d`
    /// (defaults: urgent 60 min, high 240, normal 480, low 1440).
    #[arg(long, value_name = "TARGETS")]
    pub sla: Option<String>,
    /// Resolution SLA targets per priority, e.g. `urgent=4h,high=1d,normal=3d,low=7d`
    /// (bare numbers are hours; no defaults: only the priorities named get a target).
    #[arg(long = "sla-resolution", value_name = "TARGETS")]
    pub sla_resolution: Option<String>,
    /// Business-hours calendar, e.g. "Mon-Fri 09:00-17:00 Europe/Berlin": FRT and resolution are
    /// also reported in business minutes/hours.
    #[arg(long = "business-hours", value_name = "SPEC")]
    pub business_hours: Option<String>,
    /// Holidays for the business-hours calendar: one YYYY-MM-DD per line, `#` comments.
    #[arg(long, value_name = "FILE", requires = "business_hours")]
    #[serde(serialize_with = "super::ser::opt_file_name")]
    pub holidays: Option<PathBuf>,
    /// Also write the combined table kpis_by_<dim1>_<dim2>….csv (every combination of the --by
    /// values × period). Without it: one kpis_by_<dim>.csv per dimension.
    #[arg(long)]
    pub cross: bool,
    /// First-contact resolution definition: `one-touch` (Zendesk Explore: resolved with fewer
    /// than 2 agent replies, 0 included) or `one-reply` (Help Scout: resolved with exactly one
    /// reply, over resolved tickets with at least one reply). Neither reopened.
    #[arg(long, value_enum, default_value_t = FcrArg::OneTouch)]
    pub fcr: FcrArg,
    /// Total cost of support over the analysed range (salaries, tools, overhead): cost per
    /// ticket = AMOUNT / tickets and per resolution = AMOUNT / resolved tickets, overall.
    #[arg(
        long = "support-cost",
        value_name = "AMOUNT",
        conflicts_with = "cost_per_agent_hour"
    )]
    pub support_cost: Option<f64>,
    /// Cost of one agent hour: cost per ticket = AMOUNT × handle hours, in every group and period
    /// (needs a handle-time column).
    #[arg(long = "cost-per-agent-hour", value_name = "AMOUNT")]
    pub cost_per_agent_hour: Option<f64>,
    /// Currency of --support-cost / --cost-per-agent-hour (e.g. EUR), shown with the figures.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Paid hours per agent per period (with --period): utilisation = handle time / paid time
    /// for each agent.
    #[arg(long = "agent-hours", value_name = "N")]
    pub agent_hours: Option<f64>,
}

/// `--fcr` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FcrArg {
    /// Fewer than 2 agent replies (Zendesk Explore's one-touch resolution).
    OneTouch,
    /// Exactly one agent reply (Help Scout's "resolved on first reply").
    OneReply,
}

impl KpiArgs {
    /// The `--business-hours` zone when the spec names one other than UTC.
    /// A helpdesk exports naive local times (Zendesk's CSV: `2024-03-04
    /// 08:30:00`) and the calendar is in the team's zone, so without
    /// `--timezone` those times are read in the calendar's zone: reading them
    /// as UTC would shift every business-hours figure by the zone's offset.
    pub fn calendar_zone(&self) -> Result<Option<chrono_tz::Tz>> {
        Ok(match &self.business_hours {
            Some(spec) => Some(BusinessCalendar::parse(spec, None)?.timezone())
                .filter(|tz| *tz != chrono_tz::Tz::UTC),
            None => None,
        })
    }

    /// Without `--timezone` (`given` is `None`), read naive timestamps in
    /// the [`KpiArgs::calendar_zone`], and say so on stderr as `cmd` unless
    /// `quiet`.
    pub fn default_zone(
        &self,
        given: Option<&str>,
        ingest: &mut ticketlens::ingest::IngestOptions,
        cmd: &str,
        quiet: bool,
    ) -> Result<()> {
        if given.is_none() {
            if let Some(tz) = self.calendar_zone()? {
                ingest.timezone = tz;
                if !quiet {
                    eprintln!("{cmd}: note: timestamps without an offset are read in {tz}, the --business-hours zone (--timezone chooses another)");
                }
            }
        }
        Ok(())
    }

    /// Build library options.
    pub fn options(&self, timezone: chrono_tz::Tz) -> Result<KpiOptions> {
        let as_of = match &self.as_of {
            None => None,
            Some(s) => Some(
                ticketlens::ingest::time::parse_timestamp(s, timezone).with_context(|| {
                    format!("invalid --as-of `{s}`: expected RFC 3339 or YYYY-MM-DD")
                })?,
            ),
        };
        let sla = match &self.sla {
            Some(s) => SlaTargets::parse_sla(s).map_err(|e| anyhow::anyhow!("{e}"))?,
            None => SlaTargets::default(),
        };
        let sla_resolution = match &self.sla_resolution {
            Some(s) => Some(SlaTargets::parse_resolution(s).map_err(|e| anyhow::anyhow!("{e}"))?),
            None => None,
        };
        let business_hours = match &self.business_hours {
            Some(spec) => Some(BusinessCalendar::parse(spec, self.holidays.as_deref())?),
            None => None,
        };
        Ok(KpiOptions {
            as_of,
            sla,
            sla_resolution,
            business_hours,
            by: self
                .by
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            period: self.period,
            timezone,
            cross: self.cross,
            fcr: match self.fcr {
                FcrArg::OneTouch => FcrDefinition::OneTouch,
                FcrArg::OneReply => FcrDefinition::OneReply,
            },
            undated: false,
            customers: None,
            cost: match (self.support_cost, self.cost_per_agent_hour) {
                (Some(a), _) => Some(CostBasis::SupportCost(a)),
                (None, Some(a)) => Some(CostBasis::CostPerAgentHour(a)),
                (None, None) => None,
            },
            currency: self
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            agent_hours: self.agent_hours,
        })
    }
}
