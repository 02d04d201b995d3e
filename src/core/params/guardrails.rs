//! The Studio guardrails an administrator sets once, on the domain rather than in the template:
//! idle shutdown of JupyterLab and Code Editor apps, the instance types shown in the Studio UI
//! (see [`super::instance_types`]), and per-user audit (`ExecutionRoleIdentityConfig`).
//!
//! SageMaker API reference, `IdleSettings`: `IdleTimeoutInMinutes`, `MinIdleTimeoutInMinutes`
//! and `MaxIdleTimeoutInMinutes` each have "Valid Range: Minimum value of 60. Maximum value of
//! 525600", and `LifecycleManagement` "Valid Values: ENABLED | DISABLED". A value outside is
//! refused here, before any call.

use std::fmt;

use serde::Serialize;

use super::instance_types::{InstanceTypes, parse_instance_types};
use super::{FieldError, Parameters, ParamsDraft};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode};

/// The shortest idle timeout SageMaker accepts, in minutes.
pub const IDLE_MIN: u32 = 60;
/// The longest idle timeout SageMaker accepts, in minutes (365 days).
pub const IDLE_MAX: u32 = 525_600;
/// The idle timeout of a new project, in minutes.
pub const IDLE_DEFAULT: u32 = 60;

/// Idle shutdown of a domain's JupyterLab and Code Editor apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "idle_shutdown", content = "minutes", rename_all = "snake_case")]
pub enum IdleShutdown {
    /// `LifecycleManagement` DISABLED (or never set).
    Off,
    /// `LifecycleManagement` ENABLED, `IdleTimeoutInMinutes` this many minutes; users may choose
    /// from [`IDLE_MIN`] up to it.
    After(u32),
}

impl IdleShutdown {
    /// The timeout in minutes, None when off.
    pub fn minutes(self) -> Option<u32> {
        match self {
            Self::Off => None,
            Self::After(m) => Some(m),
        }
    }

    /// The shortest and longest timeout a user may choose: [`IDLE_MIN`] up to the domain's.
    pub fn user_range(self) -> Option<(u32, u32)> {
        self.minutes().map(|m| (IDLE_MIN, m))
    }

    /// The text a form, a flag or the config file holds for it: `60` or `off`.
    pub fn as_text(self) -> String {
        match self {
            Self::Off => "off".to_owned(),
            Self::After(m) => m.to_string(),
        }
    }
}

impl fmt::Display for IdleShutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("off"),
            Self::After(m) if m % 60 == 0 => {
                let hours = m / 60;
                write!(
                    f,
                    "after {m} min idle ({hours} hour{})",
                    if hours == 1 { "" } else { "s" }
                )
            }
            Self::After(m) => write!(f, "after {m} min idle"),
        }
    }
}

impl ParamsDraft {
    /// The idle shutdown the domain gets, or why the text is refused.
    pub fn idle_shutdown(&self) -> Result<IdleShutdown, FieldError> {
        parse_idle_timeout(&self.idle_timeout)
    }

    /// The settings the Studio domain gets, or why one is refused.
    pub fn guardrails(&self) -> Result<DomainGuardrails, FieldError> {
        Ok(DomainGuardrails {
            idle: self.idle_shutdown()?,
            instance_types: parse_instance_types(&self.instance_types)?,
            update_existing: Asked::NONE,
        })
    }
}

impl Parameters {
    /// The settings the Studio domain gets.
    pub fn guardrails(&self) -> DomainGuardrails {
        DomainGuardrails {
            idle: self.idle,
            instance_types: self.instance_types.clone(),
            update_existing: Asked::NONE,
        }
    }
}

/// The domain settings' part of [`ParamsDraft::check`]: the idle shutdown, or its finding.
pub(super) fn check(p: &ParamsDraft, out: &mut Vec<Finding>) -> Option<IdleShutdown> {
    p.idle_shutdown()
        .map_err(|e| out.push(e.to_finding(Field::IdleTimeout)))
        .ok()
}

/// The `ExecutionRoleIdentityConfig` studio-tui sets: CloudTrail names the user profile behind
/// each call of the execution role (as its `sts:SourceIdentity`).
pub const AUDIT_IDENTITY: &str = "USER_PROFILE_NAME";

/// What studio-tui sets on the project's Studio domain (CreateDomain, and UpdateDomain when the
/// domain differs): these settings and, always, per-user audit ([`AUDIT_IDENTITY`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainGuardrails {
    /// Idle shutdown of JupyterLab and Code Editor apps.
    pub idle: IdleShutdown,
    /// Instance types shown in the Studio UI (the others are hidden).
    pub instance_types: InstanceTypes,
    /// Which settings a domain that exists already is changed to (UpdateDomain): only those
    /// this run asked for (`--idle-timeout` / `idle_timeout` in `--config` the idle shutdown,
    /// `--instance-types` / `instance_types` the types, `s` on the overview all three; the
    /// audit identity has no flag: `s` on the overview). A value nobody chose in this run (the
    /// saved answers, the default) is set on a new domain only: an existing domain keeps what
    /// an administrator set, and the difference is reported.
    #[serde(skip)]
    pub update_existing: Asked,
}

/// The settings of an existing domain a run asked to change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    pub idle: bool,
    pub instance_types: bool,
    pub audit: bool,
}

impl Asked {
    /// Nothing asked: an existing domain is left as it is.
    pub const NONE: Asked = Asked {
        idle: false,
        instance_types: false,
        audit: false,
    };
    /// Everything (`s` on the overview).
    pub const ALL: Asked = Asked {
        idle: true,
        instance_types: true,
        audit: true,
    };

    pub fn any(self) -> bool {
        self != Self::NONE
    }
}

impl Default for DomainGuardrails {
    /// A new project's: idle shutdown after [`IDLE_DEFAULT`] minutes.
    fn default() -> Self {
        Self {
            idle: IdleShutdown::After(IDLE_DEFAULT),
            instance_types: InstanceTypes::all(),
            update_existing: Asked::NONE,
        }
    }
}

/// The idle shutdown a domain has in the three places studio-tui sets it: the default user
/// settings of JupyterLab and of Code Editor (private spaces), and the default space settings of
/// JupyterLab (shared spaces; `DefaultSpaceSettings` has no Code Editor settings). None where the
/// domain has none, or has one this tool cannot read (enabled without a timeout).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IdleOnDomain {
    pub jupyter_lab: Option<IdleShutdown>,
    pub code_editor: Option<IdleShutdown>,
    pub shared_jupyter_lab: Option<IdleShutdown>,
}

impl IdleOnDomain {
    /// The same setting in all three places.
    pub fn everywhere(idle: IdleShutdown) -> Self {
        Self {
            jupyter_lab: Some(idle),
            code_editor: Some(idle),
            shared_jupyter_lab: Some(idle),
        }
    }

    fn places(&self) -> [(&'static str, Option<IdleShutdown>); 3] {
        [
            ("JupyterLab", self.jupyter_lab),
            ("Code Editor", self.code_editor),
            ("shared spaces", self.shared_jupyter_lab),
        ]
    }

    /// Every place has `want` (a place without a setting counts as off).
    pub fn is(&self, want: IdleShutdown) -> bool {
        self.places()
            .iter()
            .all(|(_, v)| v.unwrap_or(IdleShutdown::Off) == want)
    }

    /// One phrase: "after 60 min idle (1 hour)", "off", or each place when they differ.
    pub fn summary(&self) -> String {
        let [(_, first), ..] = self.places();
        if let Some(one) = first
            && self.is(one)
        {
            return one.to_string();
        }
        if self.is(IdleShutdown::Off) {
            return IdleShutdown::Off.to_string();
        }
        self.places()
            .iter()
            .map(|(name, v)| match v {
                Some(v) => format!("{name} {v}"),
                None => format!("{name} not set"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads `--idle-timeout`: whole minutes from [`IDLE_MIN`] to [`IDLE_MAX`], or `off` (any case).
pub fn parse_idle_timeout(text: &str) -> Result<IdleShutdown, FieldError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(IdleShutdown::Off);
    }
    let range = format!("{IDLE_MIN} to {IDLE_MAX} minutes");
    let Ok(minutes) = text.parse::<u64>() else {
        let hint = if text.is_empty() {
            "the idle shutdown is empty".to_owned()
        } else {
            format!("`{text}` is not a whole number of minutes")
        };
        return Err(FieldError::new(
            FindingCode::IdleTimeoutNotANumber,
            hint,
            format!(
                "give {range} (e.g. {IDLE_DEFAULT} for one hour), or off to keep apps running \
                 until their users stop them"
            ),
        ));
    };
    match u32::try_from(minutes) {
        Ok(m) if (IDLE_MIN..=IDLE_MAX).contains(&m) => Ok(IdleShutdown::After(m)),
        _ => Err(FieldError::new(
            FindingCode::IdleTimeoutOutOfRange,
            format!("{minutes} minutes is outside what SageMaker accepts, {range}"),
            if minutes < u64::from(IDLE_MIN) {
                format!("use at least {IDLE_MIN}")
            } else {
                format!("use at most {IDLE_MAX} (365 days), or off")
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_in_range_and_off_are_read() {
        assert_eq!(parse_idle_timeout("60"), Ok(IdleShutdown::After(60)));
        assert_eq!(
            parse_idle_timeout(" 525600 "),
            Ok(IdleShutdown::After(525_600))
        );
        assert_eq!(parse_idle_timeout("OFF"), Ok(IdleShutdown::Off));
        assert_eq!(IdleShutdown::After(90).as_text(), "90");
        assert_eq!(IdleShutdown::Off.as_text(), "off");
        assert_eq!(IdleShutdown::After(90).user_range(), Some((60, 90)));
        assert_eq!(IdleShutdown::Off.user_range(), None);
        assert_eq!(
            IdleShutdown::After(120).to_string(),
            "after 120 min idle (2 hours)"
        );
        assert_eq!(IdleShutdown::After(61).to_string(), "after 61 min idle");
    }

    #[test]
    fn a_domain_is_up_to_date_only_when_every_place_agrees() {
        let want = IdleShutdown::After(90);
        assert!(IdleOnDomain::everywhere(want).is(want));
        assert_eq!(
            IdleOnDomain::everywhere(want).summary(),
            "after 90 min idle"
        );
        let none = IdleOnDomain::default();
        assert!(none.is(IdleShutdown::Off) && !none.is(want));
        assert_eq!(none.summary(), "off");
        let partial = IdleOnDomain {
            shared_jupyter_lab: None,
            ..IdleOnDomain::everywhere(want)
        };
        assert!(!partial.is(want));
        assert_eq!(
            partial.summary(),
            "JupyterLab after 90 min idle, Code Editor after 90 min idle, shared spaces not set"
        );
    }

    #[test]
    fn what_sagemaker_refuses_is_refused_with_the_range() {
        for (text, code) in [
            ("59", FindingCode::IdleTimeoutOutOfRange),
            ("0", FindingCode::IdleTimeoutOutOfRange),
            ("525601", FindingCode::IdleTimeoutOutOfRange),
            ("99999999999", FindingCode::IdleTimeoutOutOfRange),
            ("-5", FindingCode::IdleTimeoutNotANumber),
            ("1h", FindingCode::IdleTimeoutNotANumber),
            ("60.5", FindingCode::IdleTimeoutNotANumber),
            ("", FindingCode::IdleTimeoutNotANumber),
        ] {
            let e = parse_idle_timeout(text).unwrap_err();
            assert_eq!(e.code, code, "{text}: {e}");
            assert!(
                e.message.contains("60 to 525600") || e.fix.contains("60 to 525600"),
                "{text}: {e}"
            );
        }
        assert!(
            parse_idle_timeout("59")
                .unwrap_err()
                .fix
                .contains("at least 60")
        );
        assert!(
            parse_idle_timeout("525601")
                .unwrap_err()
                .fix
                .contains("at most 525600")
        );
    }
}
