//! The AWS layer: the one place that builds the SDK configuration and the service clients.
//!
//! Only this module (and its children) imports `aws_sdk_*`; it hands the rest of the program
//! owned domain types and [`AwsError`].

pub mod apps;
pub mod buckets;
pub mod drift;
pub mod error;
pub mod firewall;
#[cfg(feature = "test-util")]
mod fixtures;
pub mod leftovers;
pub mod logs;
pub mod lookups;
pub mod network;
pub mod pricing;
pub mod readonly;
pub mod stacks;
pub mod studio;
pub mod studio_settings;
pub mod teardown;
pub mod topology;

use std::borrow::Cow;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

pub use error::{AwsError, ErrorContext, ErrorKind};
#[cfg(feature = "test-util")]
pub use fixtures::Fixtures;

/// Where and as whom to connect. Unset fields fall back to the SDK's own chain (environment
/// variables, then the profile files, then instance metadata), as the aws CLI does.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Use fixed fake credentials (for the local emulator).
    pub fake_credentials: bool,
    pub read_only: bool,
}

/// A resolved AWS session: SDK config plus what the header shows.
///
/// The SDK configuration and the service clients are the AWS layer's own: the fields and the
/// client accessors are private to `aws` (its submodules use them), so the rest of the program
/// cannot reach the SDK through a session, not even by mistake. The integration tests arrange
/// their fixtures through `Session::fixtures`, which exists only with the `test-util` feature.
///
/// ```compile_fail
/// // Outside `aws`, the compiler refuses a session's SDK clients.
/// fn vpcs(session: &studio_tui::aws::Session) {
///     let _ = session.ec2().describe_vpcs();
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Session {
    sdk: SdkConfig,
    /// Profile name in use (from --profile or AWS_PROFILE), None = the SDK default chain.
    pub profile: Option<String>,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    error_context: ErrorContext,
    /// Fixed fake credentials (the local emulator): shown as the "sandbox" profile.
    fake_credentials: bool,
    /// The region is not in studio-tui's list ([`crate::regions::unlisted_warning`]): every
    /// front-end shows this, and the region is used anyway.
    pub region_warning: Option<String>,
    /// The endpoint is plain `http://` off this machine
    /// ([`crate::core::endpoint::plain_http_warning`]): every front-end shows this.
    pub endpoint_warning: Option<String>,
    /// A prepared CloudFormation client (a test double) used instead of building one.
    cloudformation_override: Option<aws_sdk_cloudformation::Client>,
    /// A prepared EC2 client (a test double) used instead of building one.
    ec2_override: Option<aws_sdk_ec2::Client>,
    /// A prepared SageMaker client (a test double) used instead of building one.
    sagemaker_override: Option<aws_sdk_sagemaker::Client>,
    /// A prepared S3 client (a test double) used instead of building one.
    s3_override: Option<aws_sdk_s3::Client>,
    /// Counts the requests of this session's clients (see [`Session::counting`]).
    request_counter: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Build the session: profile (SSO and assume-role included, through the SDK's profile
/// provider), region, endpoint override, standard retry mode with exponential backoff.
/// Fails early with a fix for a missing region, an unknown region or an unknown profile.
pub async fn connect(opts: &SessionOptions) -> Result<Session, AwsError> {
    let profile = opts.profile.clone().or_else(|| env_nonempty("AWS_PROFILE"));
    let endpoint_url = opts
        .endpoint_url
        .clone()
        .or_else(|| env_nonempty("AWS_ENDPOINT_URL"));
    let ctx = ErrorContext {
        profile: profile.clone(),
        endpoint_url: endpoint_url.clone(),
    };

    if let (Some(name), false) = (&profile, opts.fake_credentials) {
        let known = list_profiles().await;
        if !known.iter().any(|p| p == name) {
            let mut e = AwsError::new(
                ErrorKind::UnknownProfile,
                "config",
                format!("profile '{name}' was not found"),
            );
            // Pasted into a shell: quoted, or a placeholder when no printed form is safe.
            let name = crate::core::shown::shell_word(name)
                .map(|w| w.into_owned())
                .unwrap_or_else(|| "NAME".to_string());
            e.fix = Some(if known.is_empty() {
                format!(
                    "no profiles are configured; create one with `aws configure --profile {name}` \
                     or `aws configure sso --profile {name}`"
                )
            } else {
                format!(
                    "use one of: {} (or create it with `aws configure --profile {name}`)",
                    known.join(", ")
                )
            });
            return Err(e);
        }
    }

    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(400))
                .with_max_backoff(Duration::from_secs(20)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(p) = &profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(url) = &endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if opts.fake_credentials {
        loader = loader.credentials_provider(aws_sdk_sts::config::Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "studio-tui-sandbox",
        ));
    }
    let sdk = loader.load().await;

    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        let mut e = AwsError::new(ErrorKind::NoRegion, "config", "no AWS region is configured");
        e.fix = error::fix_for(ErrorKind::NoRegion, &ctx);
        return Err(e);
    };
    let region_warning = check_region(&region)?;
    if let Some(w) = &region_warning {
        tracing::warn!("{w}");
    }

    let endpoint_warning = endpoint_url
        .as_deref()
        .and_then(crate::core::endpoint::plain_http_warning);
    if let Some(w) = &endpoint_warning {
        tracing::warn!("{w}");
    }

    Ok(Session {
        sdk,
        profile,
        region,
        endpoint_warning,
        endpoint_url,
        read_only: opts.read_only,
        error_context: ctx,
        fake_credentials: opts.fake_credentials,
        region_warning,
        cloudformation_override: None,
        ec2_override: None,
        sagemaker_override: None,
        s3_override: None,
        request_counter: None,
    })
}

/// Refuse a name that cannot be a region (with the closest known one as the fix); a well-formed
/// region that studio-tui's list does not know is accepted with a warning (returned), because
/// the list is a typo check, not the set of regions AWS offers.
pub fn check_region(region: &str) -> Result<Option<String>, AwsError> {
    if crate::regions::looks_like_region(region) {
        return Ok(crate::regions::unlisted_warning(region));
    }
    let fix = match crate::regions::closest(region) {
        Some(near) => format!("did you mean --region {near}?"),
        None => format!(
            "use a region name such as {}",
            ["us-east-1", "eu-west-1", "ap-southeast-2"].join(", ")
        ),
    };
    Err(AwsError::new(
        ErrorKind::UnknownRegion,
        "config",
        format!("'{region}' is not an AWS region name"),
    )
    .with_fix(fix))
}

/// Profile names from ~/.aws/config and ~/.aws/credentials (and AWS_CONFIG_FILE /
/// AWS_SHARED_CREDENTIALS_FILE), sorted. Unreadable files give an empty list.
pub async fn list_profiles() -> Vec<String> {
    let fs = aws_types::os_shim_internal::Fs::real();
    let env = aws_types::os_shim_internal::Env::real();
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    match aws_config::profile::load(&fs, &env, &files, None::<Cow<'static, str>>).await {
        Ok(set) => {
            let mut names: Vec<String> = set.profiles().map(str::to_string).collect();
            names.sort();
            names.dedup();
            names
        }
        Err(_) => Vec::new(),
    }
}

impl Session {
    /// An SDK error of `operation` ("service:Action"), classified with this session's context.
    fn sdk_err<E, R>(
        &self,
        operation: &str,
        e: aws_smithy_runtime_api::client::result::SdkError<E, R>,
    ) -> AwsError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        AwsError::from_sdk(operation, e, &self.error_context)
    }

    /// A client config builder for any service, with the read-only guard installed when asked.
    fn guard(&self) -> readonly::ReadOnlyGuard {
        readonly::ReadOnlyGuard {
            enabled: self.read_only,
            counter: self.request_counter.clone(),
        }
    }

    /// The same session whose clients count every request they send (one per page), for
    /// measuring what an operation costs; the count is read from the returned handle.
    pub fn counting(&self) -> (Session, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let session = Session {
            request_counter: Some(counter.clone()),
            ..self.clone()
        };
        (session, counter)
    }

    // The SDK clients: private to `aws`, whose submodules call them; integration tests reach
    // them through `fixtures()` (the `test-util` feature, `fixtures.rs`).

    fn sts(&self) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        if let Some(c) = &self.cloudformation_override {
            return c.clone();
        }
        let conf = aws_sdk_cloudformation::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_cloudformation::Client::from_conf(conf)
    }

    fn ec2(&self) -> aws_sdk_ec2::Client {
        if let Some(c) = &self.ec2_override {
            return c.clone();
        }
        let conf = aws_sdk_ec2::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_ec2::Client::from_conf(conf)
    }

    fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        if let Some(c) = &self.sagemaker_override {
            return c.clone();
        }
        let conf = aws_sdk_sagemaker::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_sagemaker::Client::from_conf(conf)
    }

    fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_cloudwatchlogs::Client::from_conf(conf)
    }

    fn efs(&self) -> aws_sdk_efs::Client {
        let conf = aws_sdk_efs::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_efs::Client::from_conf(conf)
    }

    fn kms(&self) -> aws_sdk_kms::Client {
        let conf = aws_sdk_kms::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_kms::Client::from_conf(conf)
    }

    /// S3 with path-style addressing when a custom endpoint is set (emulators cannot serve
    /// bucket subdomains of 127.0.0.1).
    fn s3(&self) -> aws_sdk_s3::Client {
        if let Some(c) = &self.s3_override {
            return c.clone();
        }
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk)
            .force_path_style(self.endpoint_url.is_some())
            .interceptor(self.guard())
            .retry_classifier(readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    /// STS GetCallerIdentity: proves the credentials work and says whose they are.
    pub async fn identity(&self) -> Result<Identity, AwsError> {
        let out = self
            .sts()
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("sts:GetCallerIdentity", e, &self.error_context))?;
        Ok(Identity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }

    /// The profile label to show: the name, or "(default chain)".
    pub fn profile_label(&self) -> String {
        if self.fake_credentials {
            return "sandbox".to_string();
        }
        self.profile
            .clone()
            .unwrap_or_else(|| "default".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlisted_regions_warn_and_malformed_names_are_refused() {
        // a typo of a listed region is used, with the suggestion in the warning
        let w = check_region("eu-wset-1").unwrap().unwrap();
        assert!(w.contains("did you mean --region eu-west-1"), "{w}");
        // a region newer than the list is used, with a warning
        assert!(check_region("ap-southeast-7").unwrap().is_some());
        assert_eq!(check_region("us-east-1").unwrap(), None);
        // a name that cannot be a region is refused before any call
        let e = check_region("euwest1").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownRegion);
        assert!(check_region("nonsense").is_err());
    }
}
