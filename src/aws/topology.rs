//! Gather what the topology view needs, in few calls: the stack and its resources, one describe
//! per EC2 resource type (filtered by the VPC), two S3 calls per bucket, and SageMaker's domain
//! list (each domain of the project's name described, the caller picking the project's own), user
//! profiles and apps. Per-service batches run concurrently. Every request (page) is
//! counted, so the cost of a refresh is measured, not guessed.

use aws_sdk_ec2::types::Filter;

use super::{AwsError, ErrorKind, Session};
use crate::core::field::Field;
use crate::core::status::AppStatus;
use crate::core::topology::{
    AppInfo, BucketInfo, DomainInfo, EndpointInfo, GatewayInfo, NatInfo, RouteInfo, RouteTableInfo,
    SecurityGroupInfo, StackResource, SubnetInfo, TopologyInputs, UserProfileInfo,
};

fn vpc_filter(name: &str, vpc: &str) -> Filter {
    Filter::builder().name(name).values(vpc).build()
}

/// EC2's view of the VPC, six describes.
#[derive(Debug, Default)]
struct Ec2View {
    subnets: Vec<SubnetInfo>,
    route_tables: Vec<RouteTableInfo>,
    internet_gateways: Vec<GatewayInfo>,
    nat_gateways: Vec<NatInfo>,
    endpoints: Vec<EndpointInfo>,
    security_groups: Vec<SecurityGroupInfo>,
}

#[derive(Debug, Default)]
struct StudioView {
    domain: Option<DomainInfo>,
    user_profiles: Vec<UserProfileInfo>,
    apps: Vec<AppInfo>,
}

/// Picks the project's domain among the described domains of its name, given the stack's
/// resources and outputs (the rule lives in ops, this layer only gathers).
pub type DomainPick<'a> = &'a (
        dyn Fn(
    Vec<super::studio::DomainInfo>,
    &[super::stacks::StackResourceInfo],
    &std::collections::BTreeMap<String, String>,
) -> Option<super::studio::DomainInfo>
            + Sync
    );

impl Session {
    /// Everything [`crate::core::topology::Topology::build`] needs for the stack `project`;
    /// `pick` says which domain of the project's name is the project's.
    /// A missing stack is a NotFound error.
    pub async fn gather_topology(
        &self,
        project: &str,
        pick: DomainPick<'_>,
    ) -> Result<TopologyInputs, AwsError> {
        let stack = self.describe_stack(project);
        let resources = self.stack_resources(project);
        let (stack, resources) = tokio::join!(stack, resources);
        let Some(stack) = stack? else {
            return Err(AwsError::new(
                ErrorKind::NotFound,
                "cloudformation:DescribeStacks",
                format!("there is no stack {project} in {}", self.region),
            )
            .with_fix("deploy it with `studio-tui deploy`, or pass --project-name"));
        };
        // A stack that was just created may have no resources listed yet; that is not an error.
        let listed = resources.unwrap_or_default();
        let resources: Vec<StackResource> = listed
            .iter()
            .map(|r| StackResource {
                logical_id: r.logical_id.clone(),
                resource_type: r.resource_type.clone(),
                status: r.status.to_string(),
                physical_id: r.physical_id.clone(),
            })
            .collect();
        let physical = |l: &str| {
            resources
                .iter()
                .find(|r| r.logical_id == l)
                .and_then(|r| r.physical_id.clone())
                .filter(|p| !p.is_empty())
        };
        let vpc = physical("VPC");
        let buckets: Vec<String> = ["DataBucket", "ModelsBucket"]
            .iter()
            .filter(|l| {
                resources
                    .iter()
                    .any(|r| &r.logical_id == *l && !r.status.starts_with("DELETE"))
            })
            .filter_map(|l| physical(l))
            .collect();

        let ec2 = async {
            match &vpc {
                Some(v) => self.ec2_view(v).await,
                None => Ok(Ec2View::default()),
            }
        };
        let s3 = async {
            let futs = buckets.iter().map(|b| self.bucket_info(b));
            futures::future::join_all(futs).await
        };
        let studio = self.studio_view(project, |named| pick(named, &listed, &stack.outputs));
        let (ec2, s3, studio) = tokio::join!(ec2, s3, studio);
        let ec2 = ec2?;
        let studio = studio?;
        let mut bucket_infos = Vec::new();
        for b in s3 {
            if let Some(b) = b? {
                bucket_infos.push(b);
            }
        }
        Ok(TopologyInputs {
            project: project.to_string(),
            region: self.region.clone(),
            stack_status: Some(stack.status.to_string()),
            resources,
            vpc_cidr: Field::VpcCidr.in_stack(&stack.parameters).cloned(),
            outputs: stack.outputs,
            parameters: stack.parameters,
            subnets: ec2.subnets,
            route_tables: ec2.route_tables,
            internet_gateways: ec2.internet_gateways,
            nat_gateways: ec2.nat_gateways,
            endpoints: ec2.endpoints,
            security_groups: ec2.security_groups,
            buckets: bucket_infos,
            domain: studio.domain,
            user_profiles: studio.user_profiles,
            apps: studio.apps,
        })
    }

    async fn ec2_view(&self, vpc: &str) -> Result<Ec2View, AwsError> {
        let ec2 = self.ec2();
        // Every item of a paginated describe (one request per page), or the classified error.
        macro_rules! all_items {
            ($op:literal, $request:expr) => {
                $request
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .map_err(|e| self.sdk_err($op, e))
            };
        }
        let subnets = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeSubnets",
                ec2.describe_subnets().filters(vpc_filter("vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|s| SubnetInfo {
                        id: s.subnet_id().unwrap_or_default().into(),
                        cidr: s.cidr_block().unwrap_or_default().into(),
                        availability_zone: s.availability_zone().unwrap_or_default().into(),
                        free_ips: s.available_ip_address_count().unwrap_or_default(),
                        state: s.state().map(|x| x.as_str()).unwrap_or("").into(),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let route_tables = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeRouteTables",
                ec2.describe_route_tables()
                    .filters(vpc_filter("vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|t| RouteTableInfo {
                        id: t.route_table_id().unwrap_or_default().into(),
                        routes: t
                            .routes()
                            .iter()
                            .map(|r| RouteInfo {
                                destination: r
                                    .destination_cidr_block()
                                    .or(r.destination_prefix_list_id())
                                    .unwrap_or_default()
                                    .into(),
                                target: r
                                    .nat_gateway_id()
                                    .or(r.gateway_id())
                                    .or(r.network_interface_id())
                                    .or(r.transit_gateway_id())
                                    .or(r.vpc_peering_connection_id())
                                    .unwrap_or("?")
                                    .into(),
                                state: r.state().map(|s| s.as_str()).unwrap_or("").into(),
                            })
                            .collect(),
                        associations: t
                            .associations()
                            .iter()
                            .filter_map(|a| a.subnet_id().or(a.gateway_id()).map(str::to_string))
                            .collect(),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let igws = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeInternetGateways",
                ec2.describe_internet_gateways()
                    .filters(vpc_filter("attachment.vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|g| GatewayInfo {
                        id: g.internet_gateway_id().unwrap_or_default().into(),
                        state: g
                            .attachments()
                            .first()
                            .and_then(|a| a.state())
                            .map(|s| s.as_str())
                            .unwrap_or("detached")
                            .into(),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let nats = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeNatGateways",
                ec2.describe_nat_gateways()
                    .filter(vpc_filter("vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|g| {
                        let addr = g.nat_gateway_addresses().first();
                        NatInfo {
                            id: g.nat_gateway_id().unwrap_or_default().into(),
                            state: g.state().map(|s| s.as_str()).unwrap_or("").into(),
                            subnet_id: g.subnet_id().unwrap_or_default().into(),
                            public_ip: addr.and_then(|a| a.public_ip()).map(str::to_string),
                            allocation_id: addr.and_then(|a| a.allocation_id()).map(str::to_string),
                            private_ip: addr.and_then(|a| a.private_ip()).map(str::to_string),
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let endpoints = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeVpcEndpoints",
                ec2.describe_vpc_endpoints()
                    .filters(vpc_filter("vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|e| EndpointInfo {
                        id: e.vpc_endpoint_id().unwrap_or_default().into(),
                        service_name: e.service_name().unwrap_or_default().into(),
                        endpoint_type: e
                            .vpc_endpoint_type()
                            .map(|t| t.as_str())
                            .unwrap_or("")
                            .into(),
                        state: e.state().map(|s| s.as_str()).unwrap_or("").into(),
                        subnet_ids: e.subnet_ids().to_vec(),
                        route_table_ids: e.route_table_ids().to_vec(),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let sgs = async {
            let items: Vec<_> = all_items!(
                "ec2:DescribeSecurityGroups",
                ec2.describe_security_groups()
                    .filters(vpc_filter("vpc-id", vpc))
            )?;
            Ok::<_, AwsError>(
                items
                    .iter()
                    .map(|g| SecurityGroupInfo {
                        id: g.group_id().unwrap_or_default().into(),
                        name: g.group_name().unwrap_or_default().into(),
                        ingress_rules: g.ip_permissions().len(),
                        egress_rules: g.ip_permissions_egress().len(),
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let (subnets, route_tables, igws, nats, endpoints, sgs) =
            tokio::join!(subnets, route_tables, igws, nats, endpoints, sgs);
        Ok(Ec2View {
            subnets: subnets?,
            route_tables: route_tables?,
            internet_gateways: igws?,
            nat_gateways: nats?,
            endpoints: endpoints?,
            security_groups: sgs?,
        })
    }

    /// GetBucketPolicy + GetBucketPolicyStatus; None when the bucket is not there (yet).
    async fn bucket_info(&self, bucket: &str) -> Result<Option<BucketInfo>, AwsError> {
        let s3 = self.s3();
        let ctx = &self.error_context;
        let policy = async { s3.get_bucket_policy().bucket(bucket).send().await };
        let status = async { s3.get_bucket_policy_status().bucket(bucket).send().await };
        let (policy, status) = tokio::join!(policy, status);
        let policy_text = match policy {
            Ok(p) => Some(p.policy().unwrap_or_default().to_string()),
            Err(e) => {
                let err = AwsError::from_sdk("s3:GetBucketPolicy", e, ctx);
                match err.code.as_deref() {
                    Some("NoSuchBucketPolicy") => None,
                    Some("NoSuchBucket") => return Ok(None),
                    _ => return Err(err),
                }
            }
        };
        let is_public = match status {
            Ok(s) => s.policy_status().and_then(|p| p.is_public()),
            Err(_) => None,
        };
        let endpoint_only = policy_text
            .as_deref()
            .is_some_and(|p| p.to_ascii_lowercase().contains("aws:sourcevpce"));
        Ok(Some(BucketInfo {
            name: bucket.to_string(),
            has_policy: policy_text.is_some(),
            endpoint_only,
            is_public,
        }))
    }

    /// ListDomains, each domain named after the project described, the project's picked, then
    /// its user profiles and apps.
    async fn studio_view(
        &self,
        project: &str,
        pick: impl Fn(Vec<super::studio::DomainInfo>) -> Option<super::studio::DomainInfo>,
    ) -> Result<StudioView, AwsError> {
        let mut named = Vec::new();
        for d in self.list_domains().await? {
            if d.name == project
                && d.status != crate::core::status::DomainStatus::Deleting
                && let Some(described) = self.describe_domain(&d.id).await?
            {
                named.push(described);
            }
        }
        let Some(d) = pick(named) else {
            return Ok(StudioView::default());
        };
        let (users, apps) = tokio::join!(self.list_user_profiles(&d.id), self.list_apps(&d.id));
        Ok(StudioView {
            user_profiles: users?
                .into_iter()
                .map(|u| UserProfileInfo {
                    name: u.name,
                    status: u.status.to_string(),
                })
                .collect(),
            apps: apps?
                .into_iter()
                .filter(|a| a.status != AppStatus::Deleted)
                .map(|a| AppInfo {
                    user_profile: a.user_profile,
                    space: a.space,
                    app_type: a.app_type,
                    name: a.name,
                    status: a.status.to_string(),
                })
                .collect(),
            domain: Some(DomainInfo {
                id: d.id,
                name: d.name,
                status: d.status.to_string(),
                url: d.url,
            }),
        })
    }
}
