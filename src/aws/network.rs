//! EC2: the address blocks already in use around a region (VPCs, peerings, transit gateway
//! routes), enabled regions, availability zones and the usage counted against network quotas.
//!
//! Every call here only reads (Describe*/Search*), so preflight also runs under `--read-only`.
//! Lists go through the SDK's paginators, so accounts with thousands of VPCs are read in full.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aws_sdk_ec2::types::{
    Filter, NatGatewayState, TransitGatewayAttachmentResourceType, VpcCidrBlockStateCode,
    VpcEndpointType, VpcPeeringConnectionStateReasonCode,
};
use ipnet::Ipv4Net;

use super::{AwsError, Session};
use crate::core::cidr::{BlockSource, ExistingBlock};

/// What counts against the quotas this stack commonly hits, in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NetworkUsage {
    /// Elastic IP addresses allocated in the region.
    pub elastic_ips: usize,
    /// NAT gateways (pending or available) per availability zone.
    pub nat_gateways_per_az: BTreeMap<String, usize>,
    /// Interface VPC endpoints in the region (the stack's own VPC starts with none).
    pub interface_endpoints: usize,
}

fn name_tag(tags: &[aws_sdk_ec2::types::Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .map(str::to_string)
}

fn filter(name: &str, values: &[&str]) -> Filter {
    values
        .iter()
        .fold(Filter::builder().name(name), |b, v| b.values(*v))
        .build()
}

/// A CIDR string from AWS as a block, ignoring anything that is not IPv4.
fn ipv4(cidr: Option<&str>) -> Option<Ipv4Net> {
    cidr.and_then(|c| c.parse::<Ipv4Net>().ok())
        .map(|n| n.trunc())
}

/// Peer blocks of live peerings seen from `region`, whose own VPCs are `own_vpcs`. Whichever
/// side is not one of ours is the peer; a peering between two of our VPCs adds nothing (both
/// are listed as VPC blocks already).
fn peer_blocks(
    peerings: &[aws_sdk_ec2::types::VpcPeeringConnection],
    own_vpcs: &HashSet<&str>,
    region: &str,
) -> Vec<ExistingBlock> {
    use VpcPeeringConnectionStateReasonCode as S;
    let mut out = Vec::new();
    for pcx in peerings {
        let live = pcx.status().and_then(|s| s.code()).is_none_or(|c| {
            matches!(
                c,
                S::Active | S::PendingAcceptance | S::Provisioning | S::InitiatingRequest
            )
        });
        let (Some(req), Some(acc)) = (pcx.requester_vpc_info(), pcx.accepter_vpc_info()) else {
            continue;
        };
        if !live {
            continue;
        }
        let is_local = |info: &aws_sdk_ec2::types::VpcPeeringConnectionVpcInfo| {
            info.vpc_id().is_some_and(|id| own_vpcs.contains(id))
                && info.region().is_none_or(|r| r == region)
        };
        let peer = match (is_local(req), is_local(acc)) {
            (true, true) => continue,
            (true, false) => acc,
            (false, true) => req,
            // Neither side is ours (another account's view): report the accepter.
            (false, false) => acc,
        };
        let mut cidrs: Vec<Ipv4Net> = peer
            .cidr_block_set()
            .iter()
            .filter_map(|c| ipv4(c.cidr_block()))
            .collect();
        if let Some(c) = ipv4(peer.cidr_block())
            && !cidrs.contains(&c)
        {
            cidrs.insert(0, c);
        }
        for cidr in cidrs {
            out.push(ExistingBlock {
                cidr,
                source: BlockSource::PeeringPeer {
                    peering_id: pcx.vpc_peering_connection_id().unwrap_or("").to_string(),
                    peer_vpc_id: peer.vpc_id().unwrap_or("").to_string(),
                    peer_region: peer.region().unwrap_or(region).to_string(),
                    peer_account: peer.owner_id().unwrap_or("").to_string(),
                },
                region: region.to_string(),
            });
        }
    }
    out
}

/// The primary and associated secondary IPv4 blocks of every VPC `ec2` can see (DescribeVpcs,
/// every page), labelled with `region`. Public so tests can drive it with a mocked client.
pub async fn list_vpc_blocks(
    ec2: &aws_sdk_ec2::Client,
    region: &str,
    ctx: &super::ErrorContext,
) -> Result<Vec<ExistingBlock>, AwsError> {
    let vpcs = ec2
        .describe_vpcs()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk("ec2:DescribeVpcs", e, ctx))?;
    let mut out = Vec::with_capacity(vpcs.len() + vpcs.len() / 4);
    for vpc in &vpcs {
        let vpc_id = vpc.vpc_id().unwrap_or_default().to_string();
        let name = name_tag(vpc.tags());
        let primary = ipv4(vpc.cidr_block());
        let assoc = vpc.cidr_block_association_set();
        let mut blocks: Vec<Ipv4Net> = assoc
            .iter()
            .filter(|a| {
                a.cidr_block_state()
                    .and_then(|s| s.state())
                    .is_none_or(|s| *s == VpcCidrBlockStateCode::Associated)
            })
            .filter_map(|a| ipv4(a.cidr_block()))
            .collect();
        if let Some(p) = primary
            && !blocks.contains(&p)
        {
            blocks.insert(0, p);
        }
        for cidr in blocks {
            let source = if Some(cidr) == primary {
                BlockSource::VpcPrimary {
                    vpc_id: vpc_id.clone(),
                    name: name.clone(),
                }
            } else {
                BlockSource::VpcSecondary {
                    vpc_id: vpc_id.clone(),
                    name: name.clone(),
                }
            };
            out.push(ExistingBlock {
                cidr,
                source,
                region: region.to_string(),
            });
        }
    }
    Ok(out)
}

impl Session {
    /// The same credentials and settings against another region (`--all-regions`, the fleet):
    /// the SDK configuration is shared, credentials provider and cache included, so an
    /// assume-role or SSO profile resolves its credentials once for every region.
    pub fn for_region(&self, region: &str) -> Session {
        let sdk = self
            .sdk
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        Session {
            sdk,
            region: region.to_string(),
            region_warning: crate::regions::unlisted_warning(region),
            ..self.clone()
        }
    }

    /// Regions enabled for this account (opted in or not requiring opt-in), sorted.
    pub async fn enabled_regions(&self) -> Result<Vec<String>, AwsError> {
        let out = self
            .ec2()
            .describe_regions()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ec2:DescribeRegions", e, &self.error_context))?;
        let mut regions: Vec<String> = out
            .regions()
            .iter()
            .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect();
        regions.sort();
        regions.dedup();
        Ok(regions)
    }

    /// Names of the availability zones that are available in this region, in AWS's order.
    pub async fn availability_zones(&self) -> Result<Vec<String>, AwsError> {
        let out = self
            .ec2()
            .describe_availability_zones()
            .send()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ec2:DescribeAvailabilityZones", e, &self.error_context)
            })?;
        Ok(out
            .availability_zones()
            .iter()
            .filter(|z| {
                z.state()
                    .is_none_or(|s| *s == aws_sdk_ec2::types::AvailabilityZoneState::Available)
            })
            // Standard zones only: the stack's subnets, NAT gateway and firewall cannot go in a
            // Local Zone or Wavelength Zone.
            .filter(|z| z.zone_type().is_none_or(|t| t == "availability-zone"))
            .filter_map(|z| z.zone_name().map(str::to_string))
            .collect())
    }

    /// The zones that offer each endpoint service (name, type "Interface"/"Gateway"), from
    /// DescribeVpcEndpointServices with the exact names. A service the region does not offer is
    /// missing from the map (AWS answers InvalidServiceName for the whole call, so each name is
    /// then asked on its own to find which).
    pub async fn endpoint_service_zones(
        &self,
        services: &[(String, String)],
    ) -> Result<BTreeMap<(String, String), Vec<String>>, AwsError> {
        let names: Vec<String> = services.iter().map(|(n, _)| n.clone()).collect();
        let mut out = BTreeMap::new();
        match self.describe_endpoint_services(&names).await {
            Ok(details) => {
                for (key, zones) in details {
                    out.insert(key, zones);
                }
            }
            Err(e) if e.code.as_deref() == Some("InvalidServiceName") => {
                for name in &names {
                    match self
                        .describe_endpoint_services(std::slice::from_ref(name))
                        .await
                    {
                        Ok(details) => out.extend(details),
                        Err(e) if e.code.as_deref() == Some("InvalidServiceName") => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(e) => return Err(e),
        }
        out.retain(|key, _| services.contains(key));
        Ok(out)
    }

    async fn describe_endpoint_services(
        &self,
        names: &[String],
    ) -> Result<Vec<((String, String), Vec<String>)>, AwsError> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .ec2()
                .describe_vpc_endpoint_services()
                .set_service_names(Some(names.to_vec()))
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.sdk_err("ec2:DescribeVpcEndpointServices", e))?;
            for d in page.service_details() {
                let name = d.service_name().unwrap_or_default().to_string();
                let zones: Vec<String> = d.availability_zones().to_vec();
                for t in d.service_type() {
                    if let Some(t) = t.service_type() {
                        out.push(((name.clone(), t.as_str().to_string()), zones.clone()));
                    }
                }
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }

    /// Every IPv4 block in use that a VPC in this region could need to reach: the primary and
    /// secondary blocks of every VPC, the far side of every live peering (other regions and
    /// accounts included), and the active static/propagated routes of every transit gateway
    /// attached to a VPC here. A block already listed as a VPC block is not repeated for a
    /// transit gateway route to it.
    pub async fn existing_blocks(&self) -> Result<Vec<ExistingBlock>, AwsError> {
        Ok(self.existing_network().await?.blocks)
    }

    /// [`Session::existing_blocks`], plus the transit gateways whose route tables cannot be
    /// read from this account (shared through RAM by their owner).
    pub async fn existing_network(&self) -> Result<ExistingNetwork, AwsError> {
        let (vpc_blocks, peerings, (tgw_routes, unreadable)) = tokio::try_join!(
            self.vpc_blocks(),
            self.peerings(),
            self.transit_gateway_blocks()
        )?;
        let own: HashSet<&str> = vpc_blocks
            .iter()
            .filter_map(|b| match &b.source {
                BlockSource::VpcPrimary { vpc_id, .. } => Some(vpc_id.as_str()),
                _ => None,
            })
            .collect();
        let peers = peer_blocks(&peerings, &own, &self.region);
        let seen: HashSet<Ipv4Net> = vpc_blocks.iter().map(|b| b.cidr).collect();
        let mut out = vpc_blocks;
        out.extend(peers);
        let mut route_seen = HashSet::new();
        for block in tgw_routes {
            if !seen.contains(&block.cidr) && route_seen.insert(block.cidr) {
                out.push(block);
            }
        }
        Ok(ExistingNetwork {
            blocks: out,
            unreadable_transit_gateways: unreadable,
        })
    }

    async fn vpc_blocks(&self) -> Result<Vec<ExistingBlock>, AwsError> {
        list_vpc_blocks(&self.ec2(), &self.region, &self.error_context).await
    }

    async fn peerings(&self) -> Result<Vec<aws_sdk_ec2::types::VpcPeeringConnection>, AwsError> {
        self.ec2()
            .describe_vpc_peering_connections()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk("ec2:DescribeVpcPeeringConnections", e, &self.error_context)
            })
    }

    /// Active static and propagated routes of the transit gateways attached to VPCs here, and
    /// the gateways owned by another account (shared through RAM): a participant cannot read
    /// their route tables (AWS: "route tables … of a shared transit gateway are visible only to
    /// the owner"), so their ranges are reported as not checked instead of as free.
    async fn transit_gateway_blocks(
        &self,
    ) -> Result<(Vec<ExistingBlock>, Vec<SharedTransitGateway>), AwsError> {
        let ec2 = self.ec2();
        let attachments = ec2
            .describe_transit_gateway_attachments()
            .filters(filter("resource-type", &["vpc"]))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "ec2:DescribeTransitGatewayAttachments",
                    e,
                    &self.error_context,
                )
            })?;
        let tgws: BTreeSet<String> = attachments
            .iter()
            .filter(|a| {
                a.resource_type()
                    .is_none_or(|t| *t == TransitGatewayAttachmentResourceType::Vpc)
            })
            .filter_map(|a| a.transit_gateway_id().map(str::to_string))
            .collect();
        let mut shared: Vec<SharedTransitGateway> = Vec::new();
        for a in &attachments {
            if let (Some(tgw), Some(owner), Some(me)) = (
                a.transit_gateway_id(),
                a.transit_gateway_owner_id(),
                a.resource_owner_id(),
            ) && owner != me
                && !shared.iter().any(|s| s.tgw_id == tgw)
            {
                shared.push(SharedTransitGateway {
                    tgw_id: tgw.to_string(),
                    owner_account: owner.to_string(),
                    vpc_id: a.resource_id().unwrap_or_default().to_string(),
                });
            }
        }
        let tgws: BTreeSet<String> = tgws
            .into_iter()
            .filter(|t| !shared.iter().any(|s| &s.tgw_id == t))
            .collect();
        if tgws.is_empty() {
            return Ok((Vec::new(), shared));
        }
        let ids: Vec<&str> = tgws.iter().map(String::as_str).collect();
        let tables = ec2
            .describe_transit_gateway_route_tables()
            .filters(filter("transit-gateway-id", &ids))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| {
                AwsError::from_sdk(
                    "ec2:DescribeTransitGatewayRouteTables",
                    e,
                    &self.error_context,
                )
            })?;
        let searches = tables.iter().filter_map(|t| {
            let table_id = t.transit_gateway_route_table_id()?.to_string();
            let tgw_id = t.transit_gateway_id().unwrap_or("").to_string();
            // Route tables of a transit gateway the filter did not ask for are skipped.
            if !tgws.contains(&tgw_id) {
                return None;
            }
            let ec2 = ec2.clone();
            Some(async move {
                let routes = ec2
                    .search_transit_gateway_routes()
                    .transit_gateway_route_table_id(&table_id)
                    .filters(filter("type", &["static", "propagated"]))
                    .filters(filter("state", &["active"]))
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .map_err(|e| {
                        AwsError::from_sdk("ec2:SearchTransitGatewayRoutes", e, &self.error_context)
                    })?;
                Ok::<_, AwsError>(
                    routes
                        .iter()
                        .filter_map(|r| ipv4(r.destination_cidr_block()))
                        .map(|cidr| ExistingBlock {
                            cidr,
                            source: BlockSource::TransitGatewayRoute {
                                tgw_id: tgw_id.clone(),
                                route_table_id: table_id.clone(),
                            },
                            region: self.region.clone(),
                        })
                        .collect::<Vec<_>>(),
                )
            })
        });
        let results = futures::future::join_all(searches).await;
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok((out, shared))
    }

    /// Elastic IPs, NAT gateways per zone and interface endpoints in use in this region.
    pub async fn network_usage(&self) -> Result<NetworkUsage, AwsError> {
        let ec2 = self.ec2();
        let addresses = async {
            ec2.describe_addresses()
                .send()
                .await
                .map(|o| o.addresses().len())
                .map_err(|e| AwsError::from_sdk("ec2:DescribeAddresses", e, &self.error_context))
        };
        let nats = async {
            ec2.describe_nat_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| AwsError::from_sdk("ec2:DescribeNatGateways", e, &self.error_context))
        };
        let endpoints = async {
            ec2.describe_vpc_endpoints()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| AwsError::from_sdk("ec2:DescribeVpcEndpoints", e, &self.error_context))
        };
        let (elastic_ips, nats, endpoints) = tokio::try_join!(addresses, nats, endpoints)?;
        let live: Vec<_> = nats
            .iter()
            .filter(|n| {
                n.state().is_none_or(|s| {
                    matches!(s, NatGatewayState::Pending | NatGatewayState::Available)
                })
            })
            .collect();
        let mut nat_gateways_per_az = BTreeMap::new();
        let subnet_ids: BTreeSet<&str> = live.iter().filter_map(|n| n.subnet_id()).collect();
        if !subnet_ids.is_empty() {
            let ids: Vec<&str> = subnet_ids.into_iter().collect();
            let subnets = ec2
                .describe_subnets()
                .filters(filter("subnet-id", &ids))
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(|e| AwsError::from_sdk("ec2:DescribeSubnets", e, &self.error_context))?;
            let zone_of: BTreeMap<&str, &str> = subnets
                .iter()
                .filter_map(|s| Some((s.subnet_id()?, s.availability_zone()?)))
                .collect();
            for n in &live {
                if let Some(zone) = n.subnet_id().and_then(|s| zone_of.get(s)) {
                    *nat_gateways_per_az.entry((*zone).to_string()).or_insert(0) += 1;
                }
            }
        }
        let interface_endpoints = endpoints
            .iter()
            .filter(|e| e.vpc_endpoint_type() == Some(&VpcEndpointType::Interface))
            .count();
        Ok(NetworkUsage {
            elastic_ips,
            nat_gateways_per_az,
            interface_endpoints,
        })
    }
}

/// What is in use around a region, as far as this account can see.
#[derive(Debug, Clone, Default)]
pub struct ExistingNetwork {
    pub blocks: Vec<ExistingBlock>,
    /// Transit gateways owned by another account whose routes cannot be read from here.
    pub unreadable_transit_gateways: Vec<SharedTransitGateway>,
}

/// A transit gateway shared with this account (its owner keeps the route tables).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SharedTransitGateway {
    pub tgw_id: String,
    pub owner_account: String,
    /// The VPC of this account attached to it.
    pub vpc_id: String,
}
