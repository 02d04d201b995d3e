//! One error type for every AWS call: keeps the AWS error code and message, classifies the
//! failure, and knows the exact fix to tell the user.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What kind of failure this is, as far as the user is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No credentials could be found at all.
    NoCredentials,
    /// An SSO session or token has expired.
    SsoExpired,
    /// Credentials exist but are expired or invalid.
    BadCredentials,
    /// The machine's clock is too far from AWS's for request signatures to be accepted.
    ClockSkew,
    /// No region configured.
    NoRegion,
    /// The region is not one studio-tui knows.
    UnknownRegion,
    /// The named profile does not exist.
    UnknownProfile,
    /// The endpoint could not be reached (DNS, refused, timeout).
    Unreachable,
    /// AWS throttled the call even after the SDK's retries.
    Throttled,
    /// The caller lacks permission.
    AccessDenied,
    /// The resource does not exist.
    NotFound,
    /// AWS rejected the input.
    Validation,
    /// Refused because studio-tui runs with `--read-only`.
    ReadOnly,
    /// Stopped by the user (Ctrl-C, SIGTERM): studio-tui's own, never an AWS answer.
    Interrupted,
    /// Anything else.
    Other,
}

/// An AWS failure with its code, message and a suggested fix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AwsError {
    pub kind: ErrorKind,
    /// e.g. "sts:GetCallerIdentity"
    pub operation: String,
    /// AWS error code, e.g. "ThrottlingException", when AWS sent one.
    pub code: Option<String>,
    pub message: String,
    /// What to do about it, in one sentence with the exact command where there is one.
    pub fix: Option<String>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{}: {} ({code})", self.operation, self.message)?,
            None => write!(f, "{}: {}", self.operation, self.message)?,
        }
        if let Some(fix) = &self.fix {
            write!(f, "\nFix: {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}

/// Context used to word fixes (which profile, which endpoint).
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

impl AwsError {
    pub fn new(kind: ErrorKind, operation: impl Into<String>, message: impl Into<String>) -> Self {
        AwsError {
            kind,
            operation: operation.into(),
            code: None,
            message: message.into(),
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// One-line summary for a heading: the kind of failure in words, shared by the wizard and
    /// the line output.
    pub fn headline(&self) -> String {
        use ErrorKind::*;
        match self.kind {
            NoCredentials => "No AWS credentials found".into(),
            SsoExpired => "Your SSO session has expired".into(),
            BadCredentials => "The credentials were rejected".into(),
            ClockSkew => "This machine's clock is off".into(),
            NoRegion => "No AWS region is set".into(),
            UnknownRegion => "Unknown region".into(),
            UnknownProfile => "Unknown profile".into(),
            Unreachable => "AWS could not be reached".into(),
            Throttled => "AWS is throttling requests".into(),
            AccessDenied => "Access denied".into(),
            ReadOnly => "Disabled in read-only mode".into(),
            Interrupted => "Stopped by you".into(),
            NotFound | Validation | Other => "AWS call failed".into(),
        }
    }

    /// Is it worth retrying later (throttling, network)?
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttled | ErrorKind::Unreachable)
    }

    /// Convert any SDK error, classifying it and attaching the fix.
    pub fn from_sdk<E, R>(operation: &str, err: SdkError<E, R>, ctx: &ErrorContext) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let full = DisplayErrorContext(&err).to_string();
        let chain = source_chain(&err);
        let (code, message) = match &err {
            SdkError::ServiceError(se) => (
                se.err().code().map(str::to_string),
                se.err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| chain.clone()),
            ),
            _ => (None, chain.clone()),
        };
        let kind = classify(&err, code.as_deref(), &full);
        let message = match kind {
            // The provider chain's full report is long and the fix says it all.
            ErrorKind::NoCredentials => no_credentials_message(&full),
            _ => message,
        };
        let mut out = AwsError {
            kind,
            operation: operation.to_string(),
            code,
            message: tidy(&message),
            fix: None,
        };
        out.fix = fix_for_message(kind, ctx, &out.message);
        out
    }
}

/// "outer: inner: innermost", from Display only (the Debug forms are for the log file).
fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut src = err.source();
    while let Some(e) = src {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        src = e.source();
    }
    let joined = parts.join(": ");
    if joined.chars().count() > 300 {
        let cut: String = joined.chars().take(300).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

fn tidy(message: &str) -> String {
    // The SDK's context chains repeat themselves ("dispatch failure: io error: ..."): keep it
    // on one line so it fits in a status bar.
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why no credentials were found, in one line: where the SDK looked last and what happened there
/// (instance metadata refused or unreachable is the usual end of the chain on a laptop).
fn no_credentials_message(full: &str) -> String {
    let lower = full.to_ascii_lowercase();
    let base = "no credentials were found in the environment, the profile files, web identity, \
                ECS or instance metadata";
    if lower.contains("imds")
        || lower.contains("instance metadata")
        || lower.contains("ec2 metadata")
    {
        if lower.contains("forbidden") || lower.contains("disabled") {
            return format!(
                "{base} (instance metadata refused the request: not an EC2 instance with a role)"
            );
        }
        if lower.contains("timeout")
            || lower.contains("timed out")
            || lower.contains("connect")
            || lower.contains("unreachable")
        {
            return format!("{base} (instance metadata is unreachable: not an EC2 instance)");
        }
    }
    base.to_string()
}

/// The machine's clock is off: AWS rejects the signature's timestamp.
fn is_clock_skew(code: Option<&str>, lower: &str) -> bool {
    matches!(code, Some("RequestTimeTooSkewed" | "RequestExpired"))
        || lower.contains("signature expired")
        || lower.contains("request time too skewed")
        || lower.contains("time too skewed")
}

fn classify<E, R>(err: &SdkError<E, R>, code: Option<&str>, full: &str) -> ErrorKind {
    let lower = full.to_ascii_lowercase();
    if lower.contains("runs with --read-only") {
        return ErrorKind::ReadOnly;
    }
    if is_clock_skew(code, &lower) {
        return ErrorKind::ClockSkew;
    }
    // Credential resolution failures reach us as dispatch failures: they are not network
    // problems. ("an error occurred while loading credentials: failed to load IMDS session
    // token: … forbidden" is what a laptop with no credentials at all gets.)
    if code.is_none()
        && (lower.contains("while loading credentials")
            || lower.contains("loading credentials")
            || lower.contains("credentials provider"))
        && !(lower.contains("sso") && (lower.contains("expired") || lower.contains("refresh")))
        && !lower.contains("the profile")
    {
        return ErrorKind::NoCredentials;
    }
    if let Some(code) = code {
        return match code {
            "ExpiredToken"
            | "ExpiredTokenException"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "AuthFailure"
            | "InvalidAccessKeyId" => ErrorKind::BadCredentials,
            "Throttling"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "TooManyRequestsException"
            | "RequestThrottled" => ErrorKind::Throttled,
            "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
                ErrorKind::AccessDenied
            }
            "ResourceNotFound" | "ResourceNotFoundException" | "NoSuchBucket" | "NotFound" => {
                ErrorKind::NotFound
            }
            "ValidationError" | "ValidationException" | "InvalidParameterValue" => {
                ErrorKind::Validation
            }
            _ if code.ends_with(".NotFound") => ErrorKind::NotFound,
            _ => ErrorKind::Other,
        };
    }
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("refresh")) {
        return ErrorKind::SsoExpired;
    }
    if lower.contains("token") && lower.contains("expired") {
        return ErrorKind::SsoExpired;
    }
    if lower.contains("no credentials")
        || lower.contains("credentialsnotloaded")
        || lower.contains("no providers in chain provided credentials")
        || lower.contains("failed to load credentials")
        || lower.contains("credentials provider was not enabled")
        || lower.contains("an identity resolver")
    {
        return ErrorKind::NoCredentials;
    }
    if lower.contains("profile") && lower.contains("not") && lower.contains("found") {
        return ErrorKind::UnknownProfile;
    }
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => ErrorKind::Unreachable,
        SdkError::ResponseError(_) => ErrorKind::Unreachable,
        _ => ErrorKind::Other,
    }
}

pub(crate) fn fix_for(kind: ErrorKind, ctx: &ErrorContext) -> Option<String> {
    fix_for_message(kind, ctx, "")
}

fn fix_for_message(kind: ErrorKind, ctx: &ErrorContext, message: &str) -> Option<String> {
    let dropped = message.contains("connection closed") || message.contains("connection reset");
    // The commands below are pasted into a shell: the profile goes in quoted, or as a
    // placeholder when no printed form of it is safe.
    let quoted = |p: &str| {
        crate::core::shown::shell_word(p)
            .map(|w| w.into_owned())
            .unwrap_or_else(|| "NAME".to_string())
    };
    let profile = quoted(ctx.profile.as_deref().unwrap_or("default"));
    let profile_flag = ctx
        .profile
        .as_deref()
        .map(|p| format!(" --profile {}", quoted(p)))
        .unwrap_or_default();
    Some(match kind {
        ErrorKind::NoCredentials => format!(
            "configure credentials with `aws configure{profile_flag}` (access keys) or \
             `aws configure sso{profile_flag}` then `aws sso login{profile_flag}`; or pick another \
             profile with --profile; or try studio-tui without an account: `studio-tui --sandbox`"
        ),
        ErrorKind::SsoExpired => format!("run `aws sso login --profile {profile}` and try again"),
        ErrorKind::ClockSkew => "this machine's clock is too far off for AWS to accept signed \
             requests (more than 5 minutes): turn on time sync (`sudo timedatectl set-ntp true`, \
             or the system settings' automatic time) and try again"
            .to_string(),
        ErrorKind::BadCredentials => format!(
            "the credentials of profile '{profile}' are expired or invalid: refresh them \
             (`aws sso login --profile {profile}`, or new keys with `aws configure --profile {profile}`)"
        ),
        ErrorKind::NoRegion => format!(
            "pass --region (e.g. --region eu-west-1), set AWS_REGION, or run \
             `aws configure set region eu-west-1 --profile {profile}`"
        ),
        ErrorKind::UnknownProfile => format!(
            "profile '{profile}' is not in ~/.aws/config or ~/.aws/credentials: check the name \
             (`aws configure list-profiles`) or create it with `aws configure --profile {profile}`"
        ),
        ErrorKind::Unreachable => match &ctx.endpoint_url {
            Some(url) if !dropped => format!(
                "nothing answers at {url}: start the emulator (`studio-tui sandbox`) or fix \
                 --endpoint-url / AWS_ENDPOINT_URL"
            ),
            Some(_) => "the connection was dropped repeatedly; check the network or the \
                endpoint and try again (nothing is lost: rerun the same command)"
                .to_string(),
            None => "check your network connection, proxy (HTTPS_PROXY) and the region name"
                .to_string(),
        },
        ErrorKind::Throttled => {
            "AWS is throttling this account; wait a minute and retry (studio-tui already backed off)"
                .to_string()
        }
        ErrorKind::AccessDenied => format!(
            "the identity of profile '{profile}' lacks this permission; use a role with the \
             permissions listed in the README (\"IAM permissions\")"
        ),
        ErrorKind::ReadOnly => {
            "run the same command without --read-only to make this change".to_string()
        }
        ErrorKind::UnknownRegion
        | ErrorKind::NotFound
        | ErrorKind::Validation
        | ErrorKind::Interrupted
        | ErrorKind::Other => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_code_and_fix() {
        let e = AwsError {
            kind: ErrorKind::SsoExpired,
            operation: "sts:GetCallerIdentity".into(),
            code: None,
            message: "the SSO token has expired".into(),
            fix: fix_for(
                ErrorKind::SsoExpired,
                &ErrorContext {
                    profile: Some("dev".into()),
                    endpoint_url: None,
                },
            ),
        };
        let s = e.to_string();
        assert!(s.contains("aws sso login --profile dev"), "{s}");
    }

    #[test]
    fn first_run_causes_are_named_not_called_network_problems() {
        let imds = "dispatch failure: other: an error occurred while loading credentials: failed \
                    to load IMDS session token: service error: request forbidden: IMDS is \
                    disabled or the caller has insufficient permissions.";
        let m = no_credentials_message(imds);
        assert!(m.contains("instance metadata refused"), "{m}");
        let m = no_credentials_message("loading credentials: IMDS: dispatch failure: timeout");
        assert!(m.contains("unreachable"), "{m}");
        assert!(is_clock_skew(Some("RequestTimeTooSkewed"), ""));
        assert!(is_clock_skew(
            None,
            "signature expired: 20261130t101010z is now earlier than"
        ));
        assert!(!is_clock_skew(
            Some("ExpiredToken"),
            "the security token included in the request is expired"
        ));
        let fix = fix_for(ErrorKind::ClockSkew, &ErrorContext::default()).unwrap();
        assert!(fix.contains("timedatectl"), "{fix}");
    }

    #[test]
    fn unreachable_fix_names_the_endpoint() {
        let fix = fix_for(
            ErrorKind::Unreachable,
            &ErrorContext {
                profile: None,
                endpoint_url: Some("http://127.0.0.1:1".into()),
            },
        )
        .unwrap();
        assert!(fix.contains("http://127.0.0.1:1"));
    }
}
