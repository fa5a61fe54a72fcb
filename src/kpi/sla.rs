//! Service-level targets per priority (`--sla`, `--sla-resolution`).
//!
//! Priorities in exports are free text, so they are folded into four classes
//! (urgent, high, normal, low) with the vocabularies help desks use
//! (Zendesk, Salesforce, ServiceNow `1 - Critical`, Jira `Highest`/`Blocker`,
//! `P1`, `Sev 1`: [`PriorityClass::parse`]); anything else (or missing) →
//! normal, the class most tickets get when nobody sets one.

use serde::{Serialize, Serializer};

use crate::error::{Error, Result, Setting};

/// The four priority classes targets are set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriorityClass {
    /// `urgent`, `critical`.
    Urgent = 0,
    /// `high`.
    High = 1,
    /// `normal`, `medium`, unknown or missing.
    Normal = 2,
    /// `low`.
    Low = 3,
}

impl PriorityClass {
    /// All classes, in index order.
    pub const ALL: [PriorityClass; 4] = [
        PriorityClass::Urgent,
        PriorityClass::High,
        PriorityClass::Normal,
        PriorityClass::Low,
    ];

    /// The class of a priority as written in the input; unknown or missing
    /// → normal (see [`PriorityClass::parse`] for the vocabulary).
    pub fn of(priority: Option<&str>) -> PriorityClass {
        priority
            .and_then(PriorityClass::parse)
            .unwrap_or(PriorityClass::Normal)
    }

    /// The class a priority value names, or `None` when it names none.
    ///
    /// Help desks spell priorities differently, so the value is lower-cased
    /// and split into words (any non-alphanumeric character separates), and
    /// a **word** decides first, wherever it stands (so ServiceNow's
    /// `1 - Critical`, OTRS's `5 very high` and Zammad's `1 low` all read
    /// by their word, whatever their numbering):
    ///
    /// | class | words |
    /// |---|---|
    /// | urgent | urgent, critical, blocker, highest, emergency, immediate, `very high` |
    /// | high | high, major, important |
    /// | normal | normal, medium, moderate, standard |
    /// | low | low, lowest, minor, trivial, planning, `very low` |
    ///
    /// and the same in German, French, Spanish, Portuguese, Dutch and
    /// Italian, as localized exports write them (dringend/kritisch/urgente,
    /// `sehr hoch`/`très haute`/`muy alta` → urgent; hoch/haute/alta/hoog →
    /// high; mittel/moyenne/media/normaal → normal; niedrig/basse/baja/
    /// baixa/laag → low).
    ///
    /// Without such a word, a level number decides, lowest number = most
    /// urgent (ITIL/ServiceNow, Jira `P1`, incident severities): `P1`,
    /// `Sev 1`, `Sev1`, `S1`, `Severity 1`, `Priority 1` or a bare `1` →
    /// urgent (and `P0`, `Sev 0`), 2 → high, 3 → normal, 4 and 5 → low. Intercom's flag reads
    /// `priority` → high, `not_priority` → normal. Anything else → `None`.
    pub fn parse(priority: &str) -> Option<PriorityClass> {
        let lower = priority.trim().to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let pair = |a: &str, b: &str| words.windows(2).any(|w| w[0] == a && w[1] == b);
        // `very high` and its German, French, Spanish, Portuguese, Dutch
        // and Italian forms.
        let very = ["very", "sehr", "très", "muy", "muito", "zeer", "molto"];
        let high = ["high", "hoch", "haute", "alta", "hoog"];
        let low = ["low", "niedrig", "basse", "baja", "baixa", "laag", "bassa"];
        let very_pair = |ends: &[&str]| very.iter().any(|v| ends.iter().any(|e| pair(v, e)));
        if very_pair(&high) {
            return Some(PriorityClass::Urgent);
        }
        if very_pair(&low) {
            return Some(PriorityClass::Low);
        }
        // Intercom's one flag: `priority` or `not_priority`.
        match words.as_slice() {
            ["priority" | "prioritized" | "prioritised"] => return Some(PriorityClass::High),
            ["not", "priority" | "prioritized" | "prioritised"] => {
                return Some(PriorityClass::Normal)
            }
            _ => {}
        }
        for w in &words {
            let class = match *w {
                "urgent" | "critical" | "blocker" | "highest" | "emergency" | "immediate" => {
                    PriorityClass::Urgent
                }
                "high" | "major" | "important" => PriorityClass::High,
                "normal" | "medium" | "moderate" | "standard" => PriorityClass::Normal,
                "low" | "lowest" | "minor" | "trivial" | "planning" => PriorityClass::Low,
                // German, French, Spanish, Portuguese, Dutch, Italian.
                "dringend" | "kritisch" | "critique" | "urgente" | "crítico" | "critico"
                | "crítica" | "critica" | "spoed" | "kritiek" => PriorityClass::Urgent,
                "hoch" | "haute" | "élevée" | "elevee" | "alta" | "alto" | "hoog" | "elevata" => {
                    PriorityClass::High
                }
                "mittel" | "normale" | "moyenne" | "media" | "medio" | "média" | "normaal"
                | "gemiddeld" => PriorityClass::Normal,
                "niedrig" | "gering" | "basse" | "faible" | "baja" | "bajo" | "baixa" | "baixo"
                | "laag" | "bassa" => PriorityClass::Low,
                _ => continue,
            };
            return Some(class);
        }
        let level = |n: &str| -> Option<PriorityClass> {
            match n {
                "1" => Some(PriorityClass::Urgent),
                "2" => Some(PriorityClass::High),
                "3" => Some(PriorityClass::Normal),
                "4" | "5" => Some(PriorityClass::Low),
                _ => None,
            }
        };
        for (i, w) in words.iter().enumerate() {
            // `p1`, `s1`, `sev1`, `severity1`, `priority1`, `prio1`.
            for prefix in ["p", "s", "sev", "severity", "priority", "prio"] {
                if let Some(n) = w.strip_prefix(prefix) {
                    // `P0`, `Sev 0`: above P1 where a desk has it (not
                    // `Priority 0`, which some tools write for none).
                    if n == "0" && matches!(prefix, "p" | "s" | "sev" | "severity") {
                        return Some(PriorityClass::Urgent);
                    }
                    if let Some(c) = level(n) {
                        return Some(c);
                    }
                    // `sev 1`, `priority 2`: the number is the next word.
                    if n.is_empty() && prefix != "s" && prefix != "p" {
                        let next = words.get(i + 1).copied();
                        if next == Some("0") && matches!(prefix, "sev" | "severity") {
                            return Some(PriorityClass::Urgent);
                        }
                        if let Some(c) = next.and_then(level) {
                            return Some(c);
                        }
                    }
                }
            }
        }
        match words.as_slice() {
            [n] => level(n),
            _ => None,
        }
    }

    /// Lower-case name (also the key in `--sla` specs and JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            PriorityClass::Urgent => "urgent",
            PriorityClass::High => "high",
            PriorityClass::Normal => "normal",
            PriorityClass::Low => "low",
        }
    }

    /// A `--sla` key: a class name or any value [`PriorityClass::parse`]
    /// understands (`p1`, `highest`, `sev2`, `1 - critical`).
    fn parse_key(key: &str) -> Option<PriorityClass> {
        PriorityClass::parse(key)
    }
}

/// A target duration (in minutes) per priority class; `None` = no target for
/// that class (its tickets are left out of the breach rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlaTargets {
    minutes: [Option<f64>; 4],
}

impl Default for SlaTargets {
    /// First-response defaults: urgent 60 min, high 240, normal 480, low 1440.
    fn default() -> Self {
        SlaTargets {
            minutes: [Some(60.0), Some(240.0), Some(480.0), Some(1440.0)],
        }
    }
}

impl SlaTargets {
    /// No target for any class (the start for resolution targets).
    pub fn none() -> Self {
        SlaTargets { minutes: [None; 4] }
    }

    /// Parse `--sla urgent=30,high=120`: first-response targets, starting
    /// from the defaults and overriding the classes named. A bare number is
    /// minutes; suffixes `m`, `h`, `d` are accepted (`2h`).
    pub fn parse_sla(spec: &str) -> Result<SlaTargets> {
        Self::parse_onto(SlaTargets::default(), spec, 1.0, Setting::Sla)
    }

    /// Parse `--sla-resolution urgent=4h,high=1d,normal=48`: resolution
    /// targets. Only the classes named get a target; a bare number is hours.
    pub fn parse_resolution(spec: &str) -> Result<SlaTargets> {
        Self::parse_onto(SlaTargets::none(), spec, 60.0, Setting::SlaResolution)
    }

    fn parse_onto(
        mut out: SlaTargets,
        spec: &str,
        bare_unit_min: f64,
        option: Setting,
    ) -> Result<SlaTargets> {
        let mut any = false;
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| {
                Error::option(option, format!("`{part}` is not PRIORITY=DURATION"))
            })?;
            let class = PriorityClass::parse_key(key).ok_or_else(|| {
                Error::option(
                    option,
                    format!(
                        "unknown priority `{}` (use urgent, high, normal, low, or P1-P5)",
                        key.trim()
                    ),
                )
            })?;
            let minutes = parse_duration_minutes(value, bare_unit_min).ok_or_else(|| {
                Error::option(
                    option,
                    format!(
                        "`{}` is not a positive duration like 30, 45m, 4h, 2d",
                        value.trim()
                    ),
                )
            })?;
            out.minutes[class as usize] = Some(minutes);
            any = true;
        }
        if !any {
            return Err(Error::option(option, "empty target list"));
        }
        Ok(out)
    }

    /// Set the target of one class (minutes).
    pub fn with(mut self, class: PriorityClass, minutes: Option<f64>) -> Self {
        self.minutes[class as usize] = minutes;
        self
    }

    /// Target in minutes for a class.
    pub fn minutes(&self, class: PriorityClass) -> Option<f64> {
        self.minutes[class as usize]
    }
}

impl Serialize for SlaTargets {
    /// `{"urgent": 60.0, ...}` in minutes; classes without a target are omitted.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for c in PriorityClass::ALL {
            if let Some(v) = self.minutes(c) {
                m.serialize_entry(c.as_str(), &v)?;
            }
        }
        m.end()
    }
}

/// `30`, `30m`, `4h`, `1.5d` → minutes (bare numbers are `bare_unit_min`
/// minutes each). Zero, negative and non-finite durations are rejected.
fn parse_duration_minutes(s: &str, bare_unit_min: f64) -> Option<f64> {
    let s = s.trim().to_ascii_lowercase();
    let (num, unit) = match s.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let factor = match unit.trim() {
        "" => bare_unit_min,
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
        "d" | "day" | "days" => 1440.0,
        _ => return None,
    };
    let v: f64 = num.trim().parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Localized exports' priority names, and `P0` above `P1`.
    #[test]
    fn localized_priorities_and_p0() {
        for (v, c) in [
            ("Dringend", PriorityClass::Urgent),
            ("Sehr hoch", PriorityClass::Urgent),
            ("Très haute", PriorityClass::Urgent),
            ("Urgente", PriorityClass::Urgent),
            ("Hoch", PriorityClass::High),
            ("Haute", PriorityClass::High),
            ("Alta", PriorityClass::High),
            ("Hoog", PriorityClass::High),
            ("Mittel", PriorityClass::Normal),
            ("Moyenne", PriorityClass::Normal),
            ("Media", PriorityClass::Normal),
            ("Niedrig", PriorityClass::Low),
            ("Basse", PriorityClass::Low),
            ("Baixa", PriorityClass::Low),
            ("Muy baja", PriorityClass::Low),
            ("P0", PriorityClass::Urgent),
            ("Sev 0", PriorityClass::Urgent),
            ("Sev-0", PriorityClass::Urgent),
        ] {
            assert_eq!(PriorityClass::parse(v), Some(c), "{v}");
        }
        // A bare 0 says nothing about its scale; `Priority 0` is none in
        // some tools.
        assert_eq!(PriorityClass::parse("0"), None);
        assert_eq!(PriorityClass::parse("Priority 0"), None);
    }

    #[test]
    fn priority_aliases_and_unknowns() {
        assert_eq!(PriorityClass::of(Some(" Critical ")), PriorityClass::Urgent);
        assert_eq!(PriorityClass::of(Some("URGENT")), PriorityClass::Urgent);
        assert_eq!(PriorityClass::of(Some("medium")), PriorityClass::Normal);
        assert_eq!(PriorityClass::of(None), PriorityClass::Normal);
        assert_eq!(PriorityClass::of(Some("Low")), PriorityClass::Low);
        // Unknown spellings: no class, normal by default.
        for v in ["", "vip", "p9", "7", "Tier 2", "123"] {
            assert_eq!(PriorityClass::parse(v), None, "{v}");
            assert_eq!(PriorityClass::of(Some(v)), PriorityClass::Normal, "{v}");
        }
    }

    #[test]
    fn help_desk_priority_vocabularies() {
        use PriorityClass::*;
        let cases: &[(&str, PriorityClass)] = &[
            // ServiceNow
            ("1 - Critical", Urgent),
            ("2 - High", High),
            ("3 - Moderate", Normal),
            ("4 - Low", Low),
            ("5 - Planning", Low),
            // Level numbers
            ("P1", Urgent),
            ("p2", High),
            ("P3", Normal),
            ("P4", Low),
            ("P5", Low),
            ("Sev 1", Urgent),
            ("SEV2", High),
            ("S3", Normal),
            ("Severity 4", Low),
            ("Priority 1", Urgent),
            ("1", Urgent),
            ("2", High),
            ("P1 - Critical", Urgent),
            // Jira
            ("Highest", Urgent),
            ("High", High),
            ("Medium", Normal),
            ("Low", Low),
            ("Lowest", Low),
            ("Blocker", Urgent),
            ("Critical", Urgent),
            ("Major", High),
            ("Minor", Low),
            ("Trivial", Low),
            // Zendesk / Salesforce / Freshdesk
            ("Urgent", Urgent),
            ("Normal", Normal),
            // Words beat numbers: OTRS `5 very high`, Zammad `1 low`.
            ("5 very high", Urgent),
            ("1 very low", Low),
            ("1 low", Low),
            ("3 high", High),
            ("2 normal", Normal),
            // Intercom's flag.
            ("priority", High),
            ("not_priority", Normal),
        ];
        for (v, c) in cases {
            assert_eq!(PriorityClass::parse(v), Some(*c), "{v}");
        }
    }

    #[test]
    fn sla_keys_take_the_same_vocabulary() {
        let t = SlaTargets::parse_resolution("highest=4h,P2=8h,medium=24,lowest=72").unwrap();
        assert_eq!(t.minutes(PriorityClass::Urgent), Some(240.0));
        assert_eq!(t.minutes(PriorityClass::High), Some(480.0));
        assert_eq!(t.minutes(PriorityClass::Normal), Some(1440.0));
        assert_eq!(t.minutes(PriorityClass::Low), Some(4320.0));
    }

    #[test]
    fn sla_spec_overrides_defaults() {
        let t = SlaTargets::parse_sla("urgent=30, high=2h").unwrap();
        assert_eq!(t.minutes(PriorityClass::Urgent), Some(30.0));
        assert_eq!(t.minutes(PriorityClass::High), Some(120.0));
        assert_eq!(t.minutes(PriorityClass::Normal), Some(480.0));
        assert_eq!(t.minutes(PriorityClass::Low), Some(1440.0));
        let t = SlaTargets::parse_sla("critical=15,medium=1d").unwrap();
        assert_eq!(t.minutes(PriorityClass::Urgent), Some(15.0));
        assert_eq!(t.minutes(PriorityClass::Normal), Some(1440.0));
    }

    #[test]
    fn resolution_spec_is_hours_and_only_named_classes() {
        let t = SlaTargets::parse_resolution("urgent=4h,high=24,low=3d").unwrap();
        assert_eq!(t.minutes(PriorityClass::Urgent), Some(240.0));
        assert_eq!(t.minutes(PriorityClass::High), Some(1440.0));
        assert_eq!(t.minutes(PriorityClass::Normal), None);
        assert_eq!(t.minutes(PriorityClass::Low), Some(4320.0));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"urgent":240.0,"high":1440.0,"low":4320.0}"#
        );
    }

    #[test]
    fn bad_specs_are_one_line_errors() {
        for bad in [
            "",
            "urgent",
            "vip=3",
            "urgent=-1",
            "urgent=0",
            "urgent=5x",
            "urgent=abc",
            "urgent=NaN",
        ] {
            let e = SlaTargets::parse_sla(bad).unwrap_err().to_string();
            assert!(e.starts_with("invalid `sla`:"), "{bad}: {e}");
            assert!(!e.contains('\n'));
        }
    }
}
