//! The clean-up of what a VpcOnly domain leaves in the VPC, against exact EC2 sequences
//! (aws-smithy-mocks, in-order rules): the EFS interfaces are waited for first, then both NFS
//! groups lose their rules (they reference each other), and only then are they deleted. A group
//! of another live domain is never touched.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::time::Duration;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    GroupIdentifier, IpPermission, NetworkInterface, NetworkInterfaceStatus, SecurityGroup,
    UserIdGroupPair, Vpc,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use studio_tui::aws::{self, SessionOptions};
use studio_tui::ops::studio::clean_nfs_groups;
use studio_tui::ops::studio::{Poll, StudioMsg};
use tokio::sync::mpsc;

const VPC: &str = "vpc-0123";
const DOMAIN: &str = "d-abcdefabcdef";
const IN: &str = "sg-in";
const OUT: &str = "sg-out";
const FAST: Poll = Poll {
    initial: Duration::from_millis(5),
    max: Duration::from_millis(20),
    timeout: Duration::from_secs(5),
};

/// NFS (TCP 2049) to or from the other group.
fn nfs(other: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(2049)
        .to_port(2049)
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(other).build())
        .build()
}

fn group(
    id: &str,
    name: &str,
    ingress: Vec<IpPermission>,
    egress: Vec<IpPermission>,
) -> SecurityGroup {
    SecurityGroup::builder()
        .group_id(id)
        .group_name(name)
        .vpc_id(VPC)
        .set_ip_permissions(Some(ingress))
        .set_ip_permissions_egress(Some(egress))
        .build()
}

fn efs_interface() -> NetworkInterface {
    NetworkInterface::builder()
        .network_interface_id("eni-efs")
        .status(NetworkInterfaceStatus::InUse)
        .description("EFS mount target for fs-1 (fsmt-1)")
        .groups(GroupIdentifier::builder().group_id(IN).build())
        .build()
}

fn ec2_client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::Sequential);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_ec2::Config::builder()
        .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
        .region(aws_sdk_ec2::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ec2::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(conf)
}

async fn session_with(client: Client) -> aws::Session {
    let opts = SessionOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        fake_credentials: true,
        ..SessionOptions::default()
    };
    aws::connect(&opts).await.unwrap().with_ec2_client(client)
}

#[tokio::test]
async fn interfaces_first_then_rules_then_groups() {
    let vpcs = mock!(Client::describe_vpcs).then_output(|| {
        aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput::builder()
            .vpcs(Vpc::builder().vpc_id(VPC).build())
            .build()
    });
    let groups = mock!(Client::describe_security_groups)
        .match_requests(|r| r.filters().iter().any(|f| f.name() == Some("vpc-id")))
        .then_output(|| {
            aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput::builder(
            )
            .security_groups(group("sg-default", "default", vec![], vec![]))
            .security_groups(group(
                IN,
                &format!("security-group-for-inbound-nfs-{DOMAIN}"),
                vec![nfs(OUT)],
                vec![],
            ))
            .security_groups(group(
                OUT,
                &format!("security-group-for-outbound-nfs-{DOMAIN}"),
                vec![],
                vec![nfs(IN)],
            ))
            .build()
        });
    let still_used = mock!(Client::describe_network_interfaces)
        .match_requests(|r| {
            r.filters().iter().any(|f| {
                f.name() == Some("group-id") && f.values().contains(&IN.to_string())
            })
        })
        .then_output(|| {
            aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput::builder()
                .network_interfaces(efs_interface())
                .build()
        });
    let gone = mock!(Client::describe_network_interfaces).then_output(|| {
        aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput::builder()
            .build()
    });
    let revoke_in = mock!(Client::revoke_security_group_ingress)
        .match_requests(|r| r.group_id() == Some(IN) && r.ip_permissions().len() == 1)
        .then_output(|| {
            aws_sdk_ec2::operation::revoke_security_group_ingress::RevokeSecurityGroupIngressOutput::builder()
                .r#return(true)
                .build()
        });
    let revoke_out = mock!(Client::revoke_security_group_egress)
        .match_requests(|r| r.group_id() == Some(OUT) && r.ip_permissions().len() == 1)
        .then_output(|| {
            aws_sdk_ec2::operation::revoke_security_group_egress::RevokeSecurityGroupEgressOutput::builder()
                .r#return(true)
                .build()
        });
    let delete_in = mock!(Client::delete_security_group)
        .match_requests(|r| r.group_id() == Some(IN))
        .then_output(|| {
            aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupOutput::builder()
                .build()
        });
    let delete_out = mock!(Client::delete_security_group)
        .match_requests(|r| r.group_id() == Some(OUT))
        .then_output(|| {
            aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupOutput::builder()
                .build()
        });
    let rules = [
        &vpcs,
        &groups,
        &still_used,
        &gone,
        &revoke_in,
        &revoke_out,
        &delete_in,
        &delete_out,
    ];
    let session = session_with(ec2_client(&rules)).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let n = clean_nfs_groups(&session, VPC, Some(DOMAIN), FAST, &tx)
        .await
        .unwrap();
    assert_eq!(n, 2);
    for r in rules {
        assert_eq!(r.num_calls(), 1, "every call exactly once, in this order");
    }
    let mut steps = Vec::new();
    while let Ok(StudioMsg::Step { text }) = rx.try_recv() {
        steps.push(text);
    }
    assert!(
        steps
            .iter()
            .any(|s| s.contains("waiting for 1 EFS interface")),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("revoking 1 rule(s) of security-group-for-inbound-nfs-")),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.contains(&format!("deleted security-group-for-outbound-nfs-{DOMAIN}"))),
        "{steps:?}"
    );
}

#[tokio::test]
async fn a_vpc_already_gone_needs_no_clean_up() {
    let gone = mock!(Client::describe_vpcs).then_error(|| {
        aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("InvalidVpcID.NotFound")
                .message("The vpc ID 'vpc-0123' does not exist")
                .build(),
        )
    });
    let session = session_with(ec2_client(&[&gone])).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    assert_eq!(
        clean_nfs_groups(&session, VPC, Some(DOMAIN), FAST, &tx)
            .await
            .unwrap(),
        0
    );
    assert_eq!(gone.num_calls(), 1);
}
