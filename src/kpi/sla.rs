//! Service-level targets per priority (`--sla`, `--sla-resolution`).
//!
//! Priorities in exports are free text, so they are folded into four classes
//! (urgent, high, normal, low) with the aliases support tools use:
//! `critical` → urgent, `medium` → normal, anything else (or missing) →
//! normal, the class most tickets get when nobody sets one.

use serde::{Serialize, Serializer};

use crate::{Error, Result};

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

    /// The class of a priority as written in the input (case-insensitive,
    /// trimmed); unknown or missing → normal.
    pub fn of(priority: Option<&str>) -> PriorityClass {
        match priority.map(|p| p.trim().to_ascii_lowercase()).as_deref() {
            Some("urgent" | "critical") => PriorityClass::Urgent,
            Some("high") => PriorityClass::High,
            Some("low") => PriorityClass::Low,
            _ => PriorityClass::Normal,
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

    fn parse_key(key: &str) -> Option<PriorityClass> {
        match key.trim().to_ascii_lowercase().as_str() {
            "urgent" | "critical" => Some(PriorityClass::Urgent),
            "high" => Some(PriorityClass::High),
            "normal" | "medium" => Some(PriorityClass::Normal),
            "low" => Some(PriorityClass::Low),
            _ => None,
        }
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
        Self::parse_onto(SlaTargets::default(), spec, 1.0, "--sla")
    }

    /// Parse `--sla-resolution urgent=4h,high=1d,normal=48`: resolution
    /// targets. Only the classes named get a target; a bare number is hours.
    pub fn parse_resolution(spec: &str) -> Result<SlaTargets> {
        Self::parse_onto(SlaTargets::none(), spec, 60.0, "--sla-resolution")
    }

    fn parse_onto(
        mut out: SlaTargets,
        spec: &str,
        bare_unit_min: f64,
        option: &str,
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
                        "unknown priority `{}` (use urgent, high, normal, low)",
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

    #[test]
    fn priority_aliases_and_unknowns() {
        assert_eq!(PriorityClass::of(Some(" Critical ")), PriorityClass::Urgent);
        assert_eq!(PriorityClass::of(Some("URGENT")), PriorityClass::Urgent);
        assert_eq!(PriorityClass::of(Some("medium")), PriorityClass::Normal);
        assert_eq!(PriorityClass::of(Some("p1")), PriorityClass::Normal);
        assert_eq!(PriorityClass::of(None), PriorityClass::Normal);
        assert_eq!(PriorityClass::of(Some("Low")), PriorityClass::Low);
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
            assert!(e.starts_with("invalid --sla:"), "{bad}: {e}");
            assert!(!e.contains('\n'));
        }
    }
}
