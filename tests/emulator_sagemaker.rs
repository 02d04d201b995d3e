//! The emulator's SageMaker extension through the Rust SDK over HTTP: the user profile
//! lifecycle including ResourceInUse, apps, spaces, presigned URLs, domain retention.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use aws_sdk_sagemaker::types::{
    AppNetworkAccessType, AppType, AuthMode, DefaultSpaceSettings, OwnershipSettings,
    RetentionPolicy, RetentionType, SharingType, SpaceSharingSettings, UserSettings,
};

#[tokio::test]
async fn profile_lifecycle_with_resource_in_use_apps_spaces_and_urls() {
    let emu = common::emulator();
    let session = emu.session("eu-central-1").await;
    let sm = session.fixtures().sagemaker();
    let name = common::unique_name("smd");
    let domain = sm
        .create_domain()
        .domain_name(&name)
        .auth_mode(AuthMode::Iam)
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .vpc_id("vpc-0123456789abcdef0")
        .subnet_ids("subnet-0123456789abcdef0")
        .default_user_settings(
            UserSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/x-notebook-role")
                .security_groups("sg-0123456789abcdef0")
                .build(),
        )
        .default_space_settings(
            DefaultSpaceSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/x-notebook-role")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let domain_id = domain
        .domain_arn()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let d = sm
        .describe_domain()
        .domain_id(&domain_id)
        .send()
        .await
        .unwrap();
    assert_eq!(d.status().unwrap().as_str(), "InService");
    assert_eq!(d.app_network_access_type().unwrap().as_str(), "VpcOnly");

    sm.create_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap();
    // duplicates are refused like AWS does
    let dup = sm
        .create_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        dup.as_service_error()
            .and_then(|e| aws_smithy_types::error::metadata::ProvideErrorMetadata::code(e)),
        Some("ResourceInUse")
    );

    sm.create_app()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .app_type(AppType::JupyterServer)
        .app_name("default")
        .send()
        .await
        .unwrap();
    sm.create_space()
        .domain_id(&domain_id)
        .space_name("alice-space")
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name("alice")
                .build(),
        )
        .space_sharing_settings(
            SpaceSharingSettings::builder()
                .sharing_type(SharingType::Private)
                .build(),
        )
        .send()
        .await
        .unwrap();

    // DeleteUserProfile fails while the profile has apps that are not deleted
    let busy = sm
        .delete_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap_err();
    let code = busy
        .as_service_error()
        .and_then(|e| aws_smithy_types::error::metadata::ProvideErrorMetadata::code(e));
    assert_eq!(code, Some("ResourceInUse"));

    // presigned URL
    let url = sm
        .create_presigned_domain_url()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .expires_in_seconds(60)
        .send()
        .await
        .unwrap();
    assert!(
        url.authorized_url().unwrap().starts_with("https://"),
        "{url:?}"
    );

    // apps, then the private space, then the profile
    sm.delete_app()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .app_type(AppType::JupyterServer)
        .app_name("default")
        .send()
        .await
        .unwrap();
    sm.delete_space()
        .domain_id(&domain_id)
        .space_name("alice-space")
        .send()
        .await
        .unwrap();
    sm.delete_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap();
    let left = sm
        .list_user_profiles()
        .domain_id_equals(&domain_id)
        .send()
        .await
        .unwrap();
    assert!(left.user_profiles().is_empty());

    // the domain's home EFS is deleted only when asked
    sm.delete_domain()
        .domain_id(&domain_id)
        .retention_policy(
            RetentionPolicy::builder()
                .home_efs_file_system(RetentionType::Delete)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let retained = emu.control_get("/_studio/retained");
    assert!(!retained.to_string().contains(&domain_id), "{retained}");
}
