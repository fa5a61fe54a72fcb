//! How the CLI spells the library's [`Setting`]s: as its flags.
//!
//! The library names settings by type and never by flag, so the Python
//! package can say `encoding=` where the CLI says `--encoding`. `main`
//! registers [`flag`] before anything else runs; this is the one table that
//! ties a setting to a flag, and its test checks every flag exists.

use ticketlens::error::Setting;

/// The flag a setting is given with.
pub fn flag(s: Setting) -> Option<&'static str> {
    Some(match s {
        Setting::Map => "--map",
        Setting::TextColumn => "--text-column",
        Setting::Encoding => "--encoding",
        Setting::Delimiter => "--delimiter",
        Setting::InputFormat => "--input-format",
        Setting::DateFormat => "--date-format",
        Setting::DateOrder => "--date-order",
        Setting::Unit => "--unit",
        Setting::CsatScale => "--csat-scale",
        Setting::MaxRejectRate => "--max-reject-rate",
        Setting::Strict => "--strict",
        Setting::ExplainMapping => "--explain-mapping",
        Setting::BusinessHours => "--business-hours",
        Setting::Sla => "--sla",
        Setting::SlaResolution => "--sla-resolution",
        Setting::SupportCost => "--support-cost",
        Setting::CostPerAgentHour => "--cost-per-agent-hour",
        Setting::AgentHours => "--agent-hours",
        Setting::Period => "--period",
        Setting::By => "--by",
        Setting::AsOf => "--as-of",
        Setting::Customers => "--customers",
        Setting::CustomersMap => "--customers-map",
        Setting::ChurnModel => "--churn-model",
        Setting::TestFraction => "--test-fraction",
        Setting::Folds => "--folds",
        Setting::Alpha => "--alpha",
        Setting::TaxonomyName => "--name",
        Setting::MinExamples => "--min-examples",
        Setting::OtherThreshold => "--other-threshold",
        Setting::BotAuthor => "--bot-author",
        Setting::Themes => "--themes",
        Setting::Timezone => "--timezone",
        // `Setting` is non-exhaustive: a setting added to the library
        // before it has a flag is shown by its key.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every long flag of every (sub)command.
    fn all_flags(cmd: &clap::Command, out: &mut Vec<String>) {
        out.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_long())
                .map(|l| format!("--{l}")),
        );
        for sub in cmd.get_subcommands() {
            all_flags(sub, out);
        }
    }

    #[test]
    fn every_setting_is_spelt_as_a_flag_the_cli_has() {
        let mut flags = Vec::new();
        all_flags(&super::super::Cli::command(), &mut flags);
        for &s in Setting::ALL {
            let f = flag(s).unwrap_or_else(|| panic!("{s:?} has no flag"));
            assert!(flags.iter().any(|x| x == f), "{s:?} → {f} is no flag");
        }
    }
}
