//! The integration tests' one door into a session's SDK clients (built only with the
//! `test-util` feature, which `cargo test` turns on through the crate's dev-dependency on
//! itself; a normal `cargo build` or `cargo install` leaves this module out).
//!
//! A test arranges its fixtures with the SDK (a VPC, a bucket, a key, a stack the program is
//! then pointed at) through [`Session::fixtures`], and puts test doubles in with the
//! `with_*_client` builders. The program itself never does either: its SDK calls live in the
//! `aws` module, behind the methods that return domain types.

use aws_config::SdkConfig;

use super::{ErrorContext, Session};

/// A session's SDK clients and configuration, for arranging a test's fixtures, not for the
/// program (see [`Session::fixtures`]). The clients are the ones the session's own calls use:
/// the same configuration, the read-only guard, the request counter and any test double put
/// in with a `with_*_client` builder.
#[derive(Debug, Clone, Copy)]
pub struct Fixtures<'a> {
    session: &'a Session,
}

impl Session {
    /// The SDK clients of this session, for arranging a test's fixtures, not for the program.
    /// Only with the `test-util` feature (on for `cargo test`, off in a normal build).
    pub fn fixtures(&self) -> Fixtures<'_> {
        Fixtures { session: self }
    }

    /// Use this CloudFormation client for every call (tests drive exact sequences with it).
    pub fn with_cloudformation_client(mut self, client: aws_sdk_cloudformation::Client) -> Session {
        self.cloudformation_override = Some(client);
        self
    }

    /// Use this EC2 client for every call (tests drive exact sequences with it).
    pub fn with_ec2_client(mut self, client: aws_sdk_ec2::Client) -> Session {
        self.ec2_override = Some(client);
        self
    }

    /// Use this SageMaker client for every call (tests drive exact sequences with it).
    pub fn with_sagemaker_client(mut self, client: aws_sdk_sagemaker::Client) -> Session {
        self.sagemaker_override = Some(client);
        self
    }

    /// Use this S3 client for every call (tests drive exact answers with it).
    pub fn with_s3_client(mut self, client: aws_sdk_s3::Client) -> Session {
        self.s3_override = Some(client);
        self
    }
}

impl<'a> Fixtures<'a> {
    pub fn sts(&self) -> aws_sdk_sts::Client {
        self.session.sts()
    }

    pub fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        self.session.cloudformation()
    }

    pub fn ec2(&self) -> aws_sdk_ec2::Client {
        self.session.ec2()
    }

    pub fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        self.session.sagemaker()
    }

    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        self.session.logs()
    }

    pub fn kms(&self) -> aws_sdk_kms::Client {
        self.session.kms()
    }

    /// S3 with path-style addressing when a custom endpoint is set, as the session's own.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        self.session.s3()
    }

    /// The SDK configuration the clients are built from (retry and timeout settings, region).
    pub fn sdk_config(&self) -> &'a SdkConfig {
        &self.session.sdk
    }

    /// What the session's errors are classified with (for `AwsError::from_sdk` on a fixture
    /// call's error).
    pub fn error_context(&self) -> &'a ErrorContext {
        &self.session.error_context
    }
}
