//! The workflows' error: a failed AWS call is one kind of failure, not the only one.
//!
//! A workflow also stops on its own account: it refuses before changing anything (the input,
//! the account's state, `--read-only`), a thing it needs is not there, or something it started
//! ended badly without any call failing (a domain that went `Failed`, a wait that ran out, a
//! task that stopped). Those are said as what they are instead of being dressed up as AWS
//! errors, and the front-ends tell them apart by variant: a refusal is "Stopped before changing
//! anything" and a usage error (exit 2) on the command line, a failure is exit 1.

use std::fmt;

use serde::Serialize;

use crate::aws::{AwsError, ErrorKind};

/// The result of a workflow step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a workflow stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An AWS call failed (with AWS's code and the fix for it).
    Aws(AwsError),
    /// studio-tui stopped before changing anything: the input or the state of the account does
    /// not allow this.
    Refused(Problem),
    /// The change is one `--read-only` forbids; nothing was sent.
    ReadOnly(Problem),
    /// Something the workflow needs is not there (no stack, no log group), or disappeared
    /// while it was being made.
    Missing(Problem),
    /// Something the workflow started ended badly without a call failing: a resource reached a
    /// failed state, a wait ran out, a task stopped.
    Failed(Problem),
    /// The user stopped it (Ctrl-C, SIGTERM) and it stopped where it was safe to.
    Interrupted(Problem),
}

/// What a workflow's own failure says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What it concerns: the AWS call whose answer showed it ("sagemaker:DescribeDomain"), or
    /// "studio-tui" when no call is involved.
    pub subject: String,
    pub message: String,
    /// What to do about it, in one sentence with the exact command where there is one.
    pub fix: Option<String>,
}

impl Error {
    fn problem(subject: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            subject: subject.into(),
            message: message.into(),
            fix: None,
        }
    }

    /// studio-tui refuses before changing anything.
    pub fn refused(message: impl Into<String>) -> Error {
        Error::Refused(Self::problem("studio-tui", message))
    }

    /// `--read-only` forbids this change.
    pub fn read_only(message: impl Into<String>) -> Error {
        Error::ReadOnly(Self::problem("read-only", message))
    }

    /// The answer of `subject` shows that something needed is not there.
    pub fn missing(subject: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Missing(Self::problem(subject, message))
    }

    /// Something started through `subject` ended badly.
    pub fn failed(subject: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Failed(Self::problem(subject, message))
    }

    /// The user stopped the workflow (`signal` names how: "Ctrl-C (SIGINT)", "SIGTERM").
    pub fn interrupted(signal: &str, message: impl Into<String>) -> Error {
        Error::Interrupted(Self::problem(signal, message))
    }

    /// Did the user stop it?
    pub fn is_interruption(&self) -> bool {
        matches!(self, Error::Interrupted(_))
    }

    /// The same error with this fix.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Error {
        let fix = Some(fix.into());
        match &mut self {
            Error::Aws(e) => e.fix = fix,
            Error::Refused(p)
            | Error::ReadOnly(p)
            | Error::Missing(p)
            | Error::Failed(p)
            | Error::Interrupted(p) => p.fix = fix,
        }
        self
    }

    /// What every variant says: the operation it concerns, the message and the fix.
    fn parts(&self) -> (&str, &str, Option<&str>) {
        match self {
            Error::Aws(e) => (&e.operation, &e.message, e.fix.as_deref()),
            Error::Refused(p)
            | Error::ReadOnly(p)
            | Error::Missing(p)
            | Error::Failed(p)
            | Error::Interrupted(p) => (&p.subject, &p.message, p.fix.as_deref()),
        }
    }

    /// The failed call, when an AWS call failed.
    pub fn aws(&self) -> Option<&AwsError> {
        match self {
            Error::Aws(e) => Some(e),
            _ => None,
        }
    }

    /// The class of failure, as `--json` names it and exit codes and retries decide on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Aws(e) => e.kind,
            Error::Refused(_) => ErrorKind::Validation,
            Error::ReadOnly(_) => ErrorKind::ReadOnly,
            Error::Missing(_) => ErrorKind::NotFound,
            Error::Failed(_) => ErrorKind::Other,
            Error::Interrupted(_) => ErrorKind::Interrupted,
        }
    }

    /// The AWS call (or "studio-tui") it concerns.
    pub fn operation(&self) -> &str {
        self.parts().0
    }

    /// AWS's error code, when AWS sent one.
    pub fn code(&self) -> Option<&str> {
        self.aws().and_then(|e| e.code.as_deref())
    }

    pub fn message(&self) -> &str {
        self.parts().1
    }

    pub fn fix(&self) -> Option<&str> {
        self.parts().2
    }

    /// One-line summary for a heading, shared by the wizard and the line output.
    pub fn headline(&self) -> String {
        match self {
            Error::Aws(e) => e.headline(),
            Error::Refused(_) => "Stopped before changing anything".into(),
            Error::ReadOnly(_) => "Disabled in read-only mode".into(),
            Error::Missing(_) => "Not found".into(),
            Error::Failed(_) => "The operation failed".into(),
            Error::Interrupted(_) => "Stopped by you".into(),
        }
    }

    /// Is it worth retrying later (throttling, network)?
    pub fn is_transient(&self) -> bool {
        self.aws().is_some_and(AwsError::is_transient)
    }

    /// A refusal made before anything changed: a usage error on the command line.
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::Refused(_))
    }
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Error {
        Error::Aws(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Aws(e) => e.fmt(f),
            _ => {
                write!(f, "{}: {}", self.operation(), self.message())?;
                if let Some(fix) = self.fix() {
                    write!(f, "\nFix: {fix}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.aws().map(|e| e as _)
    }
}

/// `--json`'s error object: the same fields for every variant (`kind`, `operation`, `code`,
/// `message`, `fix`), so scripts read one shape.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Doc<'a> {
            kind: ErrorKind,
            operation: &'a str,
            code: Option<&'a str>,
            message: &'a str,
            fix: Option<&'a str>,
        }
        Doc {
            kind: self.kind(),
            operation: self.operation(),
            code: self.code(),
            message: self.message(),
            fix: self.fix(),
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_failures_are_told_apart_from_aws_ones() {
        let refused = Error::refused("--expires 900 is out of range").with_fix("use 5 to 300");
        assert!(refused.is_refusal());
        assert_eq!(refused.headline(), "Stopped before changing anything");
        assert_eq!(refused.kind(), ErrorKind::Validation);
        assert_eq!(refused.fix(), Some("use 5 to 300"));
        assert_eq!(refused.code(), None);

        // AWS refusing the input is a failed call, not studio-tui's refusal.
        let mut rejected = AwsError::new(
            ErrorKind::Validation,
            "sagemaker:CreateDomain",
            "bad subnet",
        );
        rejected.code = Some("ValidationException".into());
        let rejected = Error::from(rejected);
        assert!(!rejected.is_refusal());
        assert_eq!(rejected.headline(), "AWS call failed");
        assert_eq!(rejected.code(), Some("ValidationException"));

        let stopped = Error::interrupted("Ctrl-C (SIGINT)", "stopped while emptying b")
            .with_fix("run destroy again");
        assert!(stopped.is_interruption() && !stopped.is_refusal());
        assert!(!refused.is_interruption());
        assert_eq!(stopped.kind(), ErrorKind::Interrupted);
        assert_eq!(stopped.headline(), "Stopped by you");
        assert_eq!(
            stopped.to_string(),
            "Ctrl-C (SIGINT): stopped while emptying b\nFix: run destroy again"
        );

        let failed = Error::failed("sagemaker:CreateDomain", "the domain went Failed");
        assert_eq!(failed.kind(), ErrorKind::Other);
        assert!(!failed.is_transient());
        assert_eq!(
            failed.to_string(),
            "sagemaker:CreateDomain: the domain went Failed"
        );
    }

    #[test]
    fn json_has_one_shape() {
        let e = Error::missing("cloudformation:DescribeStacks", "there is no stack s")
            .with_fix("deploy first");
        let v = serde_json::to_value(&e).expect("serializes");
        assert_eq!(
            v,
            serde_json::json!({
                "kind": "not_found",
                "operation": "cloudformation:DescribeStacks",
                "code": null,
                "message": "there is no stack s",
                "fix": "deploy first",
            })
        );
        let aws = AwsError::new(ErrorKind::Throttled, "ec2:DescribeVpcs", "slow down");
        let direct = serde_json::to_value(&aws).expect("serializes");
        assert_eq!(
            serde_json::to_value(Error::from(aws)).expect("serializes"),
            direct
        );
    }
}
