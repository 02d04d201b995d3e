//! One result of a check, shared by CIDR planning, parameter validation, the template's own
//! constraints and preflight, so the form, the line output and `--json` report one shape.

use std::fmt;

use serde::Serialize;

use crate::core::field::Field;

/// How bad a [`Finding`] is. Ordered most severe first so sorting puts errors
/// at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The deploy would fail or the environment would not work.
    Error,
    /// It would deploy, but something is likely to bite later.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        })
    }
}

/// One result of a check: shared by CIDR planning and parameter validation so
/// preflight, the form and `--json` output all report the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Stable code for scripts and tests, e.g. `CIDR_SUBNETS_OVERLAP`.
    pub code: &'static str,
    /// What is wrong, one clause without a trailing period.
    pub message: String,
    /// How to fix it, one clause.
    pub fix: String,
    /// The parameter the finding belongs to, so a form can show it under
    /// that field; `None` for findings about the whole set.
    pub field: Option<Field>,
}

impl Finding {
    /// Builds a finding; `field` says which form field should show it.
    pub fn new(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        fix: impl Into<String>,
        field: Option<Field>,
    ) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
            fix: fix.into(),
            field,
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.message, self.fix)
    }
}
