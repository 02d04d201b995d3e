//! A sample environment at each stage of a deploy, for tests (built only for them: `cfg(test)`
//! or the `test-util` feature).

use super::*;
use crate::core::field::Field;

/// Inputs of a fully deployed environment, for tests and documentation examples.
#[allow(
    clippy::too_many_lines,
    reason = "a table of sample resources, one line each"
)]
pub fn sample_inputs(stage: SampleStage) -> TopologyInputs {
    let mut resources = Vec::new();
    let all: &[(&str, &str, &str)] = &[
        ("VPC", "AWS::EC2::VPC", "vpc-0a1b2c3d"),
        ("FirewallSubnet", "AWS::EC2::Subnet", "subnet-0f1"),
        ("NATGatewaySubnet", "AWS::EC2::Subnet", "subnet-0n2"),
        ("SageMakerStudioSubnet", "AWS::EC2::Subnet", "subnet-0s3"),
        ("InternetGateway", "AWS::EC2::InternetGateway", "igw-0i1"),
        (
            "InternetGatewayAttachment",
            "AWS::EC2::VPCGatewayAttachment",
            "IGW|vpc-0a1b2c3d",
        ),
        ("NATGatewayEIP", "AWS::EC2::EIP", "203.0.113.10"),
        (
            "SageMakerSecurityGroup",
            "AWS::EC2::SecurityGroup",
            "sg-0st",
        ),
        (
            "VPCEndpointSecurityGroup",
            "AWS::EC2::SecurityGroup",
            "sg-0ep",
        ),
        ("IgwRouteTable", "AWS::EC2::RouteTable", "rtb-0igw"),
        ("FirewallRouteTable", "AWS::EC2::RouteTable", "rtb-0fw"),
        ("NATGatewayRouteTable", "AWS::EC2::RouteTable", "rtb-0nat"),
        (
            "SageMakerStudioRouteTable",
            "AWS::EC2::RouteTable",
            "rtb-0st",
        ),
        (
            "S3KmsKey",
            "AWS::KMS::Key",
            "1111aaaa-0000-0000-0000-000000000000",
        ),
        (
            "StudioKmsKey",
            "AWS::KMS::Key",
            "2222bbbb-0000-0000-0000-000000000000",
        ),
        ("DataBucket", "AWS::S3::Bucket", "demo-data-123456789012"),
        (
            "ModelsBucket",
            "AWS::S3::Bucket",
            "demo-models-123456789012",
        ),
        ("DataBucketPolicy", "AWS::S3::BucketPolicy", "demo-data"),
        ("ModelsBucketPolicy", "AWS::S3::BucketPolicy", "demo-models"),
        (
            "DomainAllowListRuleGroup",
            "AWS::NetworkFirewall::RuleGroup",
            "arn:aws:network-firewall:eu-west-1:123456789012:stateful-rulegroup/demo-allow",
        ),
        (
            "FirewallPolicy",
            "AWS::NetworkFirewall::FirewallPolicy",
            "arn:aws:network-firewall:eu-west-1:123456789012:firewall-policy/demo-policy",
        ),
        (
            "Firewall",
            "AWS::NetworkFirewall::Firewall",
            "arn:aws:network-firewall:eu-west-1:123456789012:firewall/demo-firewall",
        ),
        ("NATGateway", "AWS::EC2::NatGateway", "nat-0n1"),
        ("S3VPCEndpoint", "AWS::EC2::VPCEndpoint", "vpce-0s3"),
        ("SageMakerApiEndpoint", "AWS::EC2::VPCEndpoint", "vpce-0api"),
        (
            "SageMakerRuntimeEndpoint",
            "AWS::EC2::VPCEndpoint",
            "vpce-0rt",
        ),
        ("STSEndpoint", "AWS::EC2::VPCEndpoint", "vpce-0sts"),
        ("LogsEndpoint", "AWS::EC2::VPCEndpoint", "vpce-0logs"),
    ];
    let (stack_status, cut) = match stage {
        SampleStage::Deploying => ("CREATE_IN_PROGRESS", 14),
        SampleStage::Complete => ("CREATE_COMPLETE", all.len()),
        SampleStage::Failed => ("ROLLBACK_IN_PROGRESS", all.len()),
    };
    for (i, (l, t, p)) in all.iter().enumerate().take(cut) {
        let status = match stage {
            SampleStage::Deploying if i >= 10 => "CREATE_IN_PROGRESS",
            SampleStage::Failed if *l == "NATGateway" => "CREATE_FAILED",
            SampleStage::Failed if i >= 22 => "CREATE_IN_PROGRESS",
            _ => "CREATE_COMPLETE",
        };
        resources.push(StackResource {
            logical_id: l.to_string(),
            resource_type: t.to_string(),
            status: status.to_string(),
            physical_id: (status != "CREATE_IN_PROGRESS" || i < 12).then(|| p.to_string()),
        });
    }
    let complete = stage == SampleStage::Complete;
    let mut outputs = BTreeMap::new();
    if complete {
        outputs.insert(
            "FirewallEndpointId".to_string(),
            "vpce-0fwendpoint".to_string(),
        );
        outputs.insert(
            "FirewallArn".to_string(),
            "arn:aws:network-firewall:eu-west-1:123456789012:firewall/demo-firewall".to_string(),
        );
    }
    let parameters: BTreeMap<String, String> = [
        (Field::VpcCidr, "10.2.0.0/16"),
        (Field::FirewallSubnetCidr, "10.2.1.0/24"),
        (Field::NatSubnetCidr, "10.2.2.0/24"),
        (Field::StudioSubnetCidr, "10.2.3.0/24"),
        (
            Field::AllowedDomains,
            "iam.amazonaws.com,.pypi.org,.pythonhosted.org",
        ),
    ]
    .into_iter()
    .filter_map(|(f, v)| Some((f.cfn_name()?.to_string(), v.to_string())))
    .collect();
    let subnet = |id: &str, cidr: &str, free: i32| SubnetInfo {
        id: id.into(),
        cidr: cidr.into(),
        availability_zone: "eu-west-1a".into(),
        free_ips: free,
        state: "available".into(),
    };
    let mut inputs = TopologyInputs {
        project: "demo".into(),
        region: "eu-west-1".into(),
        stack_status: Some(stack_status.into()),
        resources,
        outputs,
        parameters,
        vpc_cidr: Some("10.2.0.0/16".into()),
        subnets: vec![
            subnet("subnet-0f1", "10.2.1.0/24", 250),
            subnet("subnet-0n2", "10.2.2.0/24", 250),
            subnet("subnet-0s3", "10.2.3.0/24", 238),
        ],
        internet_gateways: vec![GatewayInfo {
            id: "igw-0i1".into(),
            state: "available".into(),
        }],
        ..TopologyInputs::default()
    };
    if stage != SampleStage::Deploying {
        inputs.nat_gateways = vec![NatInfo {
            id: "nat-0n1".into(),
            state: if complete { "available" } else { "failed" }.into(),
            subnet_id: "subnet-0n2".into(),
            public_ip: Some("203.0.113.10".into()),
            allocation_id: Some("eipalloc-0e1".into()),
            private_ip: Some("10.2.2.10".into()),
        }];
        inputs.route_tables = vec![RouteTableInfo {
            id: "rtb-0st".into(),
            routes: vec![
                RouteInfo {
                    destination: "10.2.0.0/16".into(),
                    target: "local".into(),
                    state: "active".into(),
                },
                RouteInfo {
                    destination: "0.0.0.0/0".into(),
                    target: "nat-0n1".into(),
                    state: "active".into(),
                },
            ],
            associations: vec!["subnet-0s3".into()],
        }];
    }
    if complete {
        inputs.endpoints = vec![EndpointInfo {
            id: "vpce-0s3".into(),
            service_name: "com.amazonaws.eu-west-1.s3".into(),
            endpoint_type: "Gateway".into(),
            state: "available".into(),
            subnet_ids: vec![],
            route_table_ids: vec!["rtb-0st".into()],
        }];
        inputs.buckets = ["demo-data-123456789012", "demo-models-123456789012"]
            .iter()
            .map(|n| BucketInfo {
                name: n.to_string(),
                has_policy: true,
                endpoint_only: true,
                is_public: Some(false),
            })
            .collect();
        inputs.domain = Some(DomainInfo {
            id: "d-abc123".into(),
            name: "demo".into(),
            status: "InService".into(),
            url: None,
        });
        inputs.user_profiles = vec![
            UserProfileInfo {
                name: "alice".into(),
                status: "InService".into(),
            },
            UserProfileInfo {
                name: "bob".into(),
                status: "Pending".into(),
            },
        ];
        inputs.apps = vec![AppInfo {
            user_profile: Some("alice".into()),
            space: None,
            app_type: "JupyterLab".into(),
            name: "default".into(),
            status: "InService".into(),
        }];
    }
    inputs
}

/// Which sample [`sample_inputs`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleStage {
    /// Part of the stack created, the rest creating or not started.
    Deploying,
    /// Everything created, a domain with two users and one app.
    Complete,
    /// The NAT gateway failed; the stack rolls back.
    Failed,
}
