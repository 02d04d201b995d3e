//! The environment's topology as a graph: nodes (VPC, subnets, gateways, firewall, endpoints,
//! buckets, keys, the Studio domain and its users) and edges (traffic, containment, use), built
//! from plain data so it can be tested without AWS, and exported as text, JSON, Mermaid and DOT.
//!
//! Pure: no I/O, no async. `aws::topology` gathers the inputs, `ops::topology` refreshes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

/// What state a resource is in, reduced to what the view colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Creating,
    Ready,
    Failed,
    Missing,
    Deleting,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Creating => "creating",
            Status::Ready => "ready",
            Status::Failed => "FAILED",
            Status::Missing => "missing",
            Status::Deleting => "deleting",
        }
    }

    /// A CloudFormation resource status ("CREATE_IN_PROGRESS", ...).
    pub fn from_cfn(s: &str) -> Status {
        match s {
            "DELETE_IN_PROGRESS" => Status::Deleting,
            "DELETE_COMPLETE" | "DELETE_SKIPPED" => Status::Missing,
            s if s.ends_with("_FAILED") => Status::Failed,
            s if s.ends_with("_IN_PROGRESS") => Status::Creating,
            s if s.ends_with("_COMPLETE") => Status::Ready,
            _ => Status::Missing,
        }
    }

    /// A live state from EC2 or SageMaker ("available", "pending", "InService", ...).
    pub fn from_live(s: &str) -> Status {
        match s.to_ascii_lowercase().as_str() {
            "available" | "attached" | "inservice" | "active" | "ready" | "running" => {
                Status::Ready
            }
            "pending" | "pendingacceptance" | "attaching" | "updating" | "creating"
            | "provisioning" => Status::Creating,
            "failed" | "rejected" | "expired" | "update_failed" | "delete_failed" => Status::Failed,
            "deleting" | "detaching" => Status::Deleting,
            "deleted" | "detached" => Status::Missing,
            _ => Status::Creating,
        }
    }
}

/// The three subnets of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubnetRole {
    Firewall,
    Nat,
    Studio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    Gateway,
    Interface,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeKind {
    Internet,
    InternetGateway,
    Vpc,
    Subnet { role: SubnetRole },
    Firewall,
    NatGateway,
    RouteTable,
    VpcEndpoint { service: String, kind: EndpointKind },
    SecurityGroup,
    Bucket,
    KmsKey,
    Domain,
    UserProfile,
    App,
}

impl NodeKind {
    pub fn name(&self) -> &'static str {
        match self {
            NodeKind::Internet => "Internet",
            NodeKind::InternetGateway => "Internet gateway",
            NodeKind::Vpc => "VPC",
            NodeKind::Subnet { .. } => "Subnet",
            NodeKind::Firewall => "Network Firewall",
            NodeKind::NatGateway => "NAT gateway",
            NodeKind::RouteTable => "Route table",
            NodeKind::VpcEndpoint { .. } => "VPC endpoint",
            NodeKind::SecurityGroup => "Security group",
            NodeKind::Bucket => "S3 bucket",
            NodeKind::KmsKey => "KMS key",
            NodeKind::Domain => "Studio domain",
            NodeKind::UserProfile => "User profile",
            NodeKind::App => "App",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Stable id ("igw", "subnet:studio", "vpce:S3VPCEndpoint", "user:alice").
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    pub status: Status,
    pub details: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Packets flow from → to.
    Traffic,
    /// `to` lives inside `from`.
    Contains,
    /// `from` depends on `to` (a key, a security group, a route table).
    Uses,
}

/// The two paths the view can highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Path {
    /// Studio → NAT gateway → firewall → internet gateway → internet.
    Egress,
    /// Studio → S3 gateway endpoint → the project buckets.
    S3,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The highlightable paths this edge belongs to.
    pub paths: Vec<Path>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topology {
    pub project: String,
    /// The stack's status, None when there is no stack.
    pub stack_status: Option<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Topology {
    /// Mark the nodes of drifted stack resources: each `(logical id, physical id, summary)`
    /// marks the node whose stack resource it is, or (a route, a rule) the node whose details
    /// name its physical id or the part before `|` (CloudFormation's route ids are
    /// `rtb-…|0.0.0.0/0`). The label gets "≠ drifted", the details a "drift" row. Returns how
    /// many nodes were marked.
    pub fn mark_drift(&mut self, drifts: &[(String, Option<String>, String)]) -> usize {
        let mut marked = 0;
        for n in &mut self.nodes {
            let hits: Vec<&(String, Option<String>, String)> = drifts
                .iter()
                .filter(|(logical, physical, _)| {
                    let names_physical = |text: &str| {
                        physical.as_deref().is_some_and(|p| {
                            let base = p.split('|').next().unwrap_or(p);
                            !base.is_empty() && text.contains(base)
                        })
                    };
                    names_physical(&n.label)
                        || n.details.iter().any(|(k, v)| {
                            (k == "stack resource" && v.split(' ').next() == Some(logical.as_str()))
                                || names_physical(v)
                        })
                })
                .collect();
            if hits.is_empty() {
                continue;
            }
            if !n.label.ends_with("≠ drifted") {
                n.label = format!("{} ≠ drifted", n.label);
            }
            for (logical, _, summary) in hits {
                n.details
                    .push(("drift".into(), format!("{logical}: {summary}")));
            }
            marked += 1;
        }
        marked
    }
}

// ------------------------------------------------------------------------------------ inputs

/// One resource of the stack (ListStackResources).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StackResource {
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub physical_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubnetInfo {
    pub id: String,
    pub cidr: String,
    pub availability_zone: String,
    pub free_ips: i32,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteInfo {
    pub destination: String,
    pub target: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteTableInfo {
    pub id: String,
    pub routes: Vec<RouteInfo>,
    /// Subnet or gateway ids associated with the table.
    pub associations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GatewayInfo {
    pub id: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NatInfo {
    pub id: String,
    pub state: String,
    pub subnet_id: String,
    pub public_ip: Option<String>,
    pub allocation_id: Option<String>,
    pub private_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointInfo {
    pub id: String,
    pub service_name: String,
    /// "Gateway" or "Interface"
    pub endpoint_type: String,
    pub state: String,
    pub subnet_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityGroupInfo {
    pub id: String,
    pub name: String,
    pub ingress_rules: usize,
    pub egress_rules: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BucketInfo {
    pub name: String,
    pub has_policy: bool,
    /// The policy denies access that does not come through a VPC endpoint (aws:SourceVpce).
    pub endpoint_only: bool,
    /// GetBucketPolicyStatus IsPublic, when known.
    pub is_public: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DomainInfo {
    pub id: String,
    pub name: String,
    pub status: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserProfileInfo {
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppInfo {
    pub user_profile: Option<String>,
    pub space: Option<String>,
    pub app_type: String,
    pub name: String,
    pub status: String,
}

/// Everything the builder needs, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TopologyInputs {
    pub project: String,
    pub region: String,
    pub stack_status: Option<String>,
    pub resources: Vec<StackResource>,
    pub outputs: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
    pub vpc_cidr: Option<String>,
    pub subnets: Vec<SubnetInfo>,
    pub route_tables: Vec<RouteTableInfo>,
    pub internet_gateways: Vec<GatewayInfo>,
    pub nat_gateways: Vec<NatInfo>,
    pub endpoints: Vec<EndpointInfo>,
    pub security_groups: Vec<SecurityGroupInfo>,
    pub buckets: Vec<BucketInfo>,
    pub domain: Option<DomainInfo>,
    pub user_profiles: Vec<UserProfileInfo>,
    pub apps: Vec<AppInfo>,
}

impl TopologyInputs {
    fn resource(&self, logical: &str) -> Option<&StackResource> {
        self.resources.iter().find(|r| r.logical_id == logical)
    }

    fn physical(&self, logical: &str) -> Option<&str> {
        self.resource(logical)
            .and_then(|r| r.physical_id.as_deref())
            .filter(|s| !s.is_empty())
    }

    fn cfn_status(&self, logical: &str) -> Status {
        self.resource(logical)
            .map(|r| Status::from_cfn(&r.status))
            .unwrap_or(Status::Missing)
    }
}

/// CloudFormation's view wins when it says failed or deleting; otherwise the live state does.
fn combine(cfn: Status, live: Option<Status>) -> Status {
    match (cfn, live) {
        (Status::Failed | Status::Deleting, _) => cfn,
        (_, Some(l)) => l,
        (c, None) => c,
    }
}

/// The short name of an endpoint service: "com.amazonaws.eu-west-1.sagemaker.api" → "sagemaker.api".
pub fn short_service(service: &str) -> String {
    let parts: Vec<&str> = service.split('.').collect();
    if parts.len() > 3 && parts[0] == "com" && parts[1] == "amazonaws" {
        parts[3..].join(".")
    } else {
        service.to_string()
    }
}

/// Logical ids of the template's subnets, route tables and security groups.
const SUBNETS: [(SubnetRole, &str, &str, &str); 3] = [
    (
        SubnetRole::Firewall,
        "FirewallSubnet",
        "FirewallRouteTable",
        "Firewall subnet",
    ),
    (
        SubnetRole::Nat,
        "NATGatewaySubnet",
        "NATGatewayRouteTable",
        "NAT subnet",
    ),
    (
        SubnetRole::Studio,
        "SageMakerStudioSubnet",
        "SageMakerStudioRouteTable",
        "Studio subnet",
    ),
];

pub fn subnet_id(role: SubnetRole) -> &'static str {
    match role {
        SubnetRole::Firewall => "subnet:firewall",
        SubnetRole::Nat => "subnet:nat",
        SubnetRole::Studio => "subnet:studio",
    }
}

struct Builder {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Builder {
    fn node(&mut self, id: &str, kind: NodeKind, label: String, status: Status) -> &mut Node {
        self.nodes.push(Node {
            id: id.to_string(),
            kind,
            label,
            status,
            details: Vec::new(),
        });
        self.nodes.last_mut().expect("just pushed")
    }

    fn edge(&mut self, from: &str, to: &str, kind: EdgeKind, paths: &[Path]) {
        self.edges.push(Edge {
            from: from.to_string(),
            to: to.to_string(),
            kind,
            paths: paths.to_vec(),
        });
    }
}

fn detail(n: &mut Node, k: &str, v: impl Into<String>) {
    n.details.push((k.to_string(), v.into()));
}

fn cfn_detail(n: &mut Node, input: &TopologyInputs, logical: &str) {
    match input.resource(logical) {
        Some(r) => detail(n, "stack resource", format!("{logical} ({})", r.status)),
        None => detail(n, "stack resource", format!("{logical} (not created yet)")),
    }
}

impl Topology {
    /// Build the graph. Resources the stack does not have yet appear as Missing, so the view
    /// shows the whole environment from the first refresh and fills in as it is created.
    pub fn build(input: &TopologyInputs) -> Topology {
        let mut b = Builder {
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        let ph = |l: &str| input.physical(l).map(str::to_string);

        // Internet and the internet gateway.
        b.node(
            "internet",
            NodeKind::Internet,
            "Internet".into(),
            Status::Ready,
        );
        let igw_id = ph("InternetGateway");
        let igw_live = igw_id
            .as_ref()
            .and_then(|id| input.internet_gateways.iter().find(|g| &g.id == id));
        let attach = input.cfn_status("InternetGatewayAttachment");
        let igw_status = combine(
            input.cfn_status("InternetGateway"),
            igw_live.map(|g| Status::from_live(&g.state)),
        );
        let igw_status = if igw_status == Status::Ready && attach != Status::Ready {
            attach.min_ready()
        } else {
            igw_status
        };
        let n = b.node(
            "igw",
            NodeKind::InternetGateway,
            igw_id.clone().unwrap_or_else(|| "internet gateway".into()),
            igw_status,
        );
        cfn_detail(n, input, "InternetGateway");
        if let Some(g) = igw_live {
            detail(n, "attachment", g.state.clone());
        }

        // VPC.
        let vpc_id = ph("VPC");
        let n = b.node(
            "vpc",
            NodeKind::Vpc,
            vpc_id.clone().unwrap_or_else(|| "VPC".into()),
            input.cfn_status("VPC"),
        );
        cfn_detail(n, input, "VPC");
        if let Some(c) = input
            .vpc_cidr
            .clone()
            .or_else(|| input.parameters.get("VpcCIDR").cloned())
        {
            detail(n, "CIDR", c);
        }
        b.edge("vpc", "igw", EdgeKind::Contains, &[]);

        // Subnets.
        let mut subnet_ids: BTreeMap<&'static str, String> = BTreeMap::new();
        for (role, logical, _, name) in SUBNETS {
            let id = ph(logical);
            let live = id
                .as_ref()
                .and_then(|i| input.subnets.iter().find(|s| &s.id == i));
            let status = combine(
                input.cfn_status(logical),
                live.map(|s| Status::from_live(&s.state)),
            );
            let cidr = live.map(|s| s.cidr.clone()).or_else(|| {
                let p = match role {
                    SubnetRole::Firewall => "FirewallSubnetCIDR",
                    SubnetRole::Nat => "NATGatewaySubnetCIDR",
                    SubnetRole::Studio => "SageMakerStudioSubnetCIDR",
                };
                input.parameters.get(p).cloned()
            });
            let mut label = name.to_string();
            if let Some(c) = &cidr {
                label.push(' ');
                label.push_str(c);
            }
            if let Some(s) = live {
                let _ = write!(label, " ({} free IPs)", s.free_ips);
            }
            let nid = subnet_id(role);
            let n = b.node(nid, NodeKind::Subnet { role }, label, status);
            if let Some(i) = &id {
                detail(n, "subnet id", i.clone());
                subnet_ids.insert(nid, i.clone());
            }
            cfn_detail(n, input, logical);
            if let Some(s) = live {
                detail(n, "availability zone", s.availability_zone.clone());
                detail(n, "free IP addresses", s.free_ips.to_string());
                detail(n, "state", s.state.clone());
            }
            b.edge("vpc", nid, EdgeKind::Contains, &[]);
        }

        // Network Firewall (state from the stack; endpoint from the outputs; domains from the
        // parameters: there is no Network Firewall client).
        let fw_status = input.cfn_status("Firewall");
        let fw_name = ph("Firewall")
            .and_then(|arn| arn.rsplit('/').next().map(str::to_string))
            .unwrap_or_else(|| format!("{}-firewall", input.project));
        let n = b.node("firewall", NodeKind::Firewall, fw_name, fw_status);
        cfn_detail(n, input, "Firewall");
        if let Some(arn) = input.outputs.get("FirewallArn").cloned().or(ph("Firewall")) {
            detail(n, "arn", arn);
        }
        if let Some(ep) = input.outputs.get("FirewallEndpointId") {
            detail(n, "endpoint", ep.clone());
        }
        if let Some(d) = input.parameters.get("AllowedDomains") {
            detail(n, "allowed domains", d.clone());
        }
        detail(n, "policy", input.cfn_status("FirewallPolicy").word());
        detail(
            n,
            "rule group",
            input.cfn_status("DomainAllowListRuleGroup").word(),
        );
        b.edge("subnet:firewall", "firewall", EdgeKind::Contains, &[]);

        // NAT gateway and its EIP.
        let nat_id = ph("NATGateway");
        let nat_live = nat_id
            .as_ref()
            .and_then(|i| input.nat_gateways.iter().find(|g| &g.id == i))
            .or_else(|| {
                subnet_ids
                    .get("subnet:nat")
                    .and_then(|s| input.nat_gateways.iter().find(|g| &g.subnet_id == s))
            });
        let nat_status = combine(
            input.cfn_status("NATGateway"),
            nat_live.map(|g| Status::from_live(&g.state)),
        );
        let mut label = nat_id.clone().unwrap_or_else(|| "NAT gateway".into());
        let eip = nat_live
            .and_then(|g| g.public_ip.clone())
            .or_else(|| ph("NATGatewayEIP"));
        if let Some(ip) = &eip {
            let _ = write!(label, " EIP {ip}");
        }
        let n = b.node("nat", NodeKind::NatGateway, label, nat_status);
        cfn_detail(n, input, "NATGateway");
        detail(
            n,
            "elastic IP",
            format!(
                "{} ({})",
                eip.clone().unwrap_or_else(|| "-".into()),
                input.cfn_status("NATGatewayEIP").word()
            ),
        );
        if let Some(g) = nat_live {
            detail(n, "state", g.state.clone());
            if let Some(a) = &g.allocation_id {
                detail(n, "allocation", a.clone());
            }
            if let Some(p) = &g.private_ip {
                detail(n, "private IP", p.clone());
            }
        }
        b.edge("subnet:nat", "nat", EdgeKind::Contains, &[]);

        // Route tables.
        for (nid, logical, name, assoc) in [
            ("rt:igw", "IgwRouteTable", "IGW edge routes", "vpc"),
            (
                "rt:firewall",
                "FirewallRouteTable",
                "Firewall routes",
                "subnet:firewall",
            ),
            ("rt:nat", "NATGatewayRouteTable", "NAT routes", "subnet:nat"),
            (
                "rt:studio",
                "SageMakerStudioRouteTable",
                "Studio routes",
                "subnet:studio",
            ),
        ] {
            let id = ph(logical);
            let live = id
                .as_ref()
                .and_then(|i| input.route_tables.iter().find(|t| &t.id == i));
            let n = b.node(
                nid,
                NodeKind::RouteTable,
                match &id {
                    Some(i) => format!("{name} {i}"),
                    None => name.to_string(),
                },
                combine(input.cfn_status(logical), live.map(|_| Status::Ready)),
            );
            cfn_detail(n, input, logical);
            if let Some(t) = live {
                for r in &t.routes {
                    detail(
                        n,
                        &format!("route {}", r.destination),
                        format!("→ {} ({})", r.target, r.state),
                    );
                }
            }
            // Shown inside the subnet it routes (the edge table inside the VPC).
            b.edge(assoc, nid, EdgeKind::Contains, &[]);
        }

        // Security groups.
        for (nid, logical, name) in [
            ("sg:studio", "SageMakerSecurityGroup", "Studio SG"),
            ("sg:endpoints", "VPCEndpointSecurityGroup", "Endpoint SG"),
        ] {
            let id = ph(logical);
            let live = id
                .as_ref()
                .and_then(|i| input.security_groups.iter().find(|g| &g.id == i));
            let n = b.node(
                nid,
                NodeKind::SecurityGroup,
                match &id {
                    Some(i) => format!("{name} {i}"),
                    None => name.to_string(),
                },
                input.cfn_status(logical),
            );
            cfn_detail(n, input, logical);
            if let Some(g) = live {
                detail(n, "name", g.name.clone());
                detail(
                    n,
                    "rules",
                    format!("{} ingress, {} egress", g.ingress_rules, g.egress_rules),
                );
            }
            b.edge("vpc", nid, EdgeKind::Contains, &[]);
        }

        // VPC endpoints: every endpoint resource of the stack, gateway first.
        let mut eps: Vec<StackResource> = input
            .resources
            .iter()
            .filter(|r| r.resource_type == "AWS::EC2::VPCEndpoint")
            .cloned()
            .collect();
        if !eps.iter().any(|r| r.logical_id == "S3VPCEndpoint") {
            // Not created yet: still drawn (missing) so the S3 path is always there.
            eps.push(StackResource {
                logical_id: "S3VPCEndpoint".into(),
                resource_type: "AWS::EC2::VPCEndpoint".into(),
                ..StackResource::default()
            });
        }
        eps.sort_by_key(|r| (r.logical_id != "S3VPCEndpoint", r.logical_id.clone()));
        for r in &eps {
            let live = r
                .physical_id
                .as_ref()
                .and_then(|i| input.endpoints.iter().find(|e| &e.id == i));
            let gateway = r.logical_id == "S3VPCEndpoint"
                || live.is_some_and(|e| e.endpoint_type.eq_ignore_ascii_case("gateway"));
            let service = live
                .map(|e| short_service(&e.service_name))
                .unwrap_or_else(|| endpoint_service_guess(&r.logical_id));
            let nid = format!("vpce:{}", r.logical_id);
            let status = combine(
                Status::from_cfn(&r.status),
                live.map(|e| Status::from_live(&e.state)),
            );
            let n = b.node(
                &nid,
                NodeKind::VpcEndpoint {
                    service: service.clone(),
                    kind: if gateway {
                        EndpointKind::Gateway
                    } else {
                        EndpointKind::Interface
                    },
                },
                service,
                status,
            );
            if let Some(p) = &r.physical_id {
                detail(n, "endpoint id", p.clone());
            }
            cfn_detail(n, input, &r.logical_id);
            if let Some(e) = live {
                detail(n, "service", e.service_name.clone());
                detail(n, "state", e.state.clone());
            }
            if gateway {
                b.edge("vpc", &nid, EdgeKind::Contains, &[]);
                b.edge("subnet:studio", &nid, EdgeKind::Traffic, &[Path::S3]);
                b.edge("rt:studio", &nid, EdgeKind::Uses, &[]);
            } else {
                b.edge("subnet:studio", &nid, EdgeKind::Contains, &[]);
                b.edge(&nid, "sg:endpoints", EdgeKind::Uses, &[]);
            }
        }

        // Buckets.
        for (nid, logical, name) in [
            ("bucket:data", "DataBucket", "data"),
            ("bucket:models", "ModelsBucket", "models"),
        ] {
            let bucket = ph(logical);
            let live = bucket
                .as_ref()
                .and_then(|bn| input.buckets.iter().find(|x| &x.name == bn));
            let policy_logical = format!("{logical}Policy");
            let mut status = input.cfn_status(logical);
            let policy_status = input.cfn_status(&policy_logical);
            if status == Status::Ready && policy_status != Status::Ready {
                status = policy_status.min_ready();
            }
            let mut label = bucket.clone().unwrap_or_else(|| format!("{name} bucket"));
            if live.is_some_and(|l| l.endpoint_only) {
                label.push_str(" (endpoint-only)");
            }
            let n = b.node(nid, NodeKind::Bucket, label, status);
            cfn_detail(n, input, logical);
            detail(
                n,
                "bucket policy",
                match live {
                    Some(l) if l.endpoint_only => "endpoint-only (aws:SourceVpce)".to_string(),
                    Some(l) if l.has_policy => "present, not endpoint-only".to_string(),
                    Some(_) => "none".to_string(),
                    None => policy_status.word().to_string(),
                },
            );
            if let Some(p) = live.and_then(|l| l.is_public) {
                detail(n, "public", if p { "yes" } else { "no" });
            }
            b.edge("vpce:S3VPCEndpoint", nid, EdgeKind::Traffic, &[Path::S3]);
            b.edge(nid, "kms:S3KmsKey", EdgeKind::Uses, &[]);
        }

        // KMS keys.
        for (nid, logical, name, output) in [
            ("kms:S3KmsKey", "S3KmsKey", "bucket key", "S3KmsKeyArn"),
            (
                "kms:StudioKmsKey",
                "StudioKmsKey",
                "Studio volume key",
                "StudioKmsKeyArn",
            ),
        ] {
            let id = ph(logical);
            let n = b.node(
                nid,
                NodeKind::KmsKey,
                match &id {
                    Some(i) => format!("{name} {}", short_key(i)),
                    None => name.to_string(),
                },
                input.cfn_status(logical),
            );
            cfn_detail(n, input, logical);
            if let Some(a) = input.outputs.get(output) {
                detail(n, "arn", a.clone());
            }
        }

        // Studio domain, user profiles, apps (created by studio-tui after the stack).
        match &input.domain {
            Some(d) => {
                let n = b.node(
                    "domain",
                    NodeKind::Domain,
                    format!("{} {}", d.name, d.id),
                    Status::from_live(&d.status),
                );
                detail(n, "domain id", d.id.clone());
                detail(n, "status", d.status.clone());
                if let Some(u) = &d.url {
                    detail(n, "url", u.clone());
                }
            }
            None => {
                let n = b.node(
                    "domain",
                    NodeKind::Domain,
                    format!("{} (no domain)", input.project),
                    Status::Missing,
                );
                detail(n, "status", "not created yet");
            }
        }
        b.edge("subnet:studio", "domain", EdgeKind::Contains, &[]);
        b.edge("domain", "sg:studio", EdgeKind::Uses, &[]);
        b.edge("domain", "kms:StudioKmsKey", EdgeKind::Uses, &[]);
        for u in &input.user_profiles {
            let nid = format!("user:{}", u.name);
            let n = b.node(
                &nid,
                NodeKind::UserProfile,
                u.name.clone(),
                Status::from_live(&u.status),
            );
            detail(n, "status", u.status.clone());
            b.edge("domain", &nid, EdgeKind::Contains, &[]);
        }
        for a in &input.apps {
            let owner = a
                .user_profile
                .clone()
                .or_else(|| a.space.clone())
                .unwrap_or_default();
            let nid = format!("app:{owner}/{}/{}", a.app_type, a.name);
            let n = b.node(
                &nid,
                NodeKind::App,
                format!("{} {}", a.app_type, a.name),
                Status::from_live(&a.status),
            );
            detail(n, "status", a.status.clone());
            if let Some(s) = &a.space {
                detail(n, "space", s.clone());
            }
            let parent = match &a.user_profile {
                Some(u) if input.user_profiles.iter().any(|p| &p.name == u) => {
                    format!("user:{u}")
                }
                _ => "domain".to_string(),
            };
            b.edge(&parent, &nid, EdgeKind::Contains, &[]);
        }

        // The egress path.
        b.edge("subnet:studio", "nat", EdgeKind::Traffic, &[Path::Egress]);
        b.edge("nat", "firewall", EdgeKind::Traffic, &[Path::Egress]);
        b.edge("firewall", "igw", EdgeKind::Traffic, &[Path::Egress]);
        b.edge("igw", "internet", EdgeKind::Traffic, &[Path::Egress]);

        Topology {
            project: input.project.clone(),
            stack_status: input.stack_status.clone(),
            nodes: b.nodes,
            edges: b.edges,
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Edges of a path, in path order.
    pub fn path_edges(&self, path: Path) -> Vec<&Edge> {
        self.edges
            .iter()
            .filter(|e| e.paths.contains(&path))
            .collect()
    }

    /// Ids of the nodes a path goes through.
    pub fn path_nodes(&self, path: Path) -> BTreeSet<String> {
        self.path_edges(path)
            .into_iter()
            .flat_map(|e| [e.from.clone(), e.to.clone()])
            .collect()
    }

    /// Whether the stack may still change on its own (an operation is running).
    pub fn is_changing(&self) -> bool {
        self.stack_status
            .as_deref()
            .is_some_and(|s| s.ends_with("_IN_PROGRESS"))
            || self.nodes.iter().any(|n| {
                matches!(n.status, Status::Creating | Status::Deleting)
                    && !matches!(n.kind, NodeKind::App)
            })
    }

    /// Counts per status, for a summary line.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for n in &self.nodes {
            *m.entry(n.status.word()).or_insert(0) += 1;
        }
        m
    }

    /// The containment tree, depth first: roots (nodes nothing contains) in node order, each
    /// followed by what it contains.
    pub fn tree(&self) -> Vec<(usize, &Node)> {
        let contained: BTreeSet<&str> = self
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Contains)
            .map(|e| e.to.as_str())
            .collect();
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for n in &self.nodes {
            if !contained.contains(n.id.as_str()) {
                self.walk(n, 0, &mut out, &mut seen);
            }
        }
        out
    }

    fn walk<'a>(
        &'a self,
        n: &'a Node,
        depth: usize,
        out: &mut Vec<(usize, &'a Node)>,
        seen: &mut BTreeSet<String>,
    ) {
        if !seen.insert(n.id.clone()) {
            return;
        }
        out.push((depth, n));
        // Children in node order (the builder's order is the diagram's order).
        let kids: BTreeSet<&str> = self
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Contains && e.from == n.id)
            .map(|e| e.to.as_str())
            .collect();
        for c in self.nodes.iter().filter(|c| kids.contains(c.id.as_str())) {
            self.walk(c, depth + 1, out, seen);
        }
    }

    /// One line per node: "Kind label [status]".
    pub fn line(n: &Node) -> String {
        format!("{}: {} [{}]", n.kind.name(), n.label, n.status.word())
    }

    /// An indented tree, for terminals and documentation.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} ({})\n",
            self.project,
            self.stack_status.as_deref().unwrap_or("no stack")
        );
        for (depth, n) in self.tree() {
            let _ = writeln!(s, "{}{}", "  ".repeat(depth + 1), Topology::line(n));
        }
        let _ = writeln!(s, "Egress path: {}", self.path_text(Path::Egress));
        let _ = writeln!(s, "S3 path: {}", self.path_text(Path::S3));
        s
    }

    fn path_text(&self, path: Path) -> String {
        let edges = self.path_edges(path);
        let mut hops: Vec<String> = Vec::new();
        for e in &edges {
            if !hops.contains(&e.from) && !edges.iter().any(|x| x.to == e.from) {
                hops.push(e.from.clone());
            }
        }
        let mut frontier = hops.clone();
        while let Some(cur) = frontier.pop() {
            let next: Vec<&Edge> = edges.iter().copied().filter(|e| e.from == cur).collect();
            if next.len() > 1 {
                let names: Vec<String> = next.iter().map(|e| e.to.clone()).collect();
                hops.push(format!("{{{}}}", names.join(", ")));
                break;
            }
            if let Some(e) = next.first() {
                hops.push(e.to.clone());
                frontier.push(e.to.clone());
            }
        }
        hops.join(" → ")
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A Mermaid flowchart (left to right): the traffic paths as thick arrows, containment as
    /// plain lines, use as dotted arrows; classes by status.
    pub fn to_mermaid(&self) -> String {
        let ids = self.short_ids();
        let mut s = String::from("flowchart LR\n");
        for n in &self.nodes {
            let _ = writeln!(
                s,
                "    {}[\"{}<br/>{} [{}]\"]:::{}",
                ids[&n.id],
                n.kind.name(),
                escape_mermaid(&n.label),
                n.status.word(),
                n.status.word().to_ascii_lowercase()
            );
        }
        for e in &self.edges {
            let arrow = match e.kind {
                EdgeKind::Traffic if !e.paths.is_empty() => "==>",
                EdgeKind::Traffic => "-->",
                EdgeKind::Contains => "---",
                EdgeKind::Uses => "-.->",
            };
            let label = path_label(e);
            match label {
                Some(l) => {
                    let _ = writeln!(s, "    {} {arrow}|{l}| {}", ids[&e.from], ids[&e.to]);
                }
                None => {
                    let _ = writeln!(s, "    {} {arrow} {}", ids[&e.from], ids[&e.to]);
                }
            }
        }
        s.push_str("    classDef ready fill:#d4edda,stroke:#2e7d32\n");
        s.push_str("    classDef creating fill:#fff3cd,stroke:#f9a825\n");
        s.push_str("    classDef failed fill:#f8d7da,stroke:#c62828\n");
        s.push_str("    classDef missing fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray: 4\n");
        s.push_str("    classDef deleting fill:#e0e0e0,stroke:#616161\n");
        s
    }

    /// A Graphviz digraph.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph topology {\n    rankdir=LR;\n    node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
        );
        let _ = writeln!(
            s,
            "    label=\"{} ({})\";",
            escape_dot(&self.project),
            escape_dot(self.stack_status.as_deref().unwrap_or("no stack"))
        );
        for n in &self.nodes {
            let fill = match n.status {
                Status::Ready => "#d4edda",
                Status::Creating => "#fff3cd",
                Status::Failed => "#f8d7da",
                Status::Missing => "#eeeeee",
                Status::Deleting => "#e0e0e0",
            };
            let _ = writeln!(
                s,
                "    \"{}\" [label=\"{}\\n{} [{}]\", fillcolor=\"{fill}\"];",
                escape_dot(&n.id),
                n.kind.name(),
                escape_dot(&n.label),
                n.status.word()
            );
        }
        for e in &self.edges {
            let style = match e.kind {
                EdgeKind::Traffic if !e.paths.is_empty() => "penwidth=2.5",
                EdgeKind::Traffic => "penwidth=1",
                EdgeKind::Contains => "arrowhead=none, color=\"#888888\"",
                EdgeKind::Uses => "style=dashed",
            };
            let label = path_label(e)
                .map(|l| format!(", label=\"{l}\""))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    \"{}\" -> \"{}\" [{style}{label}];",
                escape_dot(&e.from),
                escape_dot(&e.to)
            );
        }
        s.push_str("}\n");
        s
    }

    /// Mermaid-safe node ids: n0, n1, ...
    fn short_ids(&self) -> BTreeMap<String, String> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), format!("n{i}")))
            .chain(
                // Edges to nodes that are not there (never by construction) still render.
                self.edges
                    .iter()
                    .flat_map(|e| [e.from.clone(), e.to.clone()])
                    .map(|id| (id.clone(), format!("x_{}", sanitize(&id)))),
            )
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                m.entry(k).or_insert(v);
                m
            })
    }
}

trait MinReady {
    fn min_ready(self) -> Status;
}

impl MinReady for Status {
    /// A dependent resource not ready yet holds its owner at "creating" (or its own failure).
    fn min_ready(self) -> Status {
        match self {
            Status::Missing | Status::Ready => Status::Creating,
            other => other,
        }
    }
}

fn path_label(e: &Edge) -> Option<String> {
    if e.paths.is_empty() {
        return None;
    }
    Some(
        e.paths
            .iter()
            .map(|p| match p {
                Path::Egress => "egress",
                Path::S3 => "s3",
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn endpoint_service_guess(logical: &str) -> String {
    match logical {
        "S3VPCEndpoint" => "s3".into(),
        l => l.trim_end_matches("Endpoint").to_ascii_lowercase(),
    }
}

/// "arn:aws:kms:r:a:key/1234abcd-..." or a bare key id → "1234abcd".
fn short_key(id: &str) -> String {
    let k = id.rsplit('/').next().unwrap_or(id);
    k.chars().take(8).collect()
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn escape_mermaid(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn escape_dot(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Inputs of a fully deployed environment, for tests and documentation examples.
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
    let mut parameters = BTreeMap::new();
    parameters.insert("VpcCIDR".to_string(), "10.2.0.0/16".to_string());
    parameters.insert("FirewallSubnetCIDR".to_string(), "10.2.1.0/24".to_string());
    parameters.insert(
        "NATGatewaySubnetCIDR".to_string(),
        "10.2.2.0/24".to_string(),
    );
    parameters.insert(
        "SageMakerStudioSubnetCIDR".to_string(),
        "10.2.3.0/24".to_string(),
    );
    parameters.insert(
        "AllowedDomains".to_string(),
        ".amazonaws.com,.pypi.org,.pythonhosted.org".to_string(),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> Topology {
        Topology::build(&sample_inputs(SampleStage::Complete))
    }

    #[test]
    fn complete_environment_has_every_node_ready() {
        let t = complete();
        for id in [
            "internet",
            "igw",
            "vpc",
            "subnet:firewall",
            "subnet:nat",
            "subnet:studio",
            "firewall",
            "nat",
            "rt:igw",
            "rt:studio",
            "sg:studio",
            "vpce:S3VPCEndpoint",
            "vpce:STSEndpoint",
            "bucket:data",
            "bucket:models",
            "kms:S3KmsKey",
            "kms:StudioKmsKey",
            "domain",
            "user:alice",
            "app:alice/JupyterLab/default",
        ] {
            assert!(t.node(id).is_some(), "{id} missing");
        }
        assert_eq!(t.node("nat").unwrap().status, Status::Ready);
        assert_eq!(t.node("user:bob").unwrap().status, Status::Creating);
        assert!(t.node("nat").unwrap().label.contains("203.0.113.10"));
        assert!(
            t.node("subnet:studio")
                .unwrap()
                .label
                .contains("238 free IPs")
        );
        let fw = t.node("firewall").unwrap();
        assert!(
            fw.details
                .iter()
                .any(|(k, v)| k == "allowed domains" && v.contains(".pypi.org"))
        );
        assert!(
            fw.details
                .iter()
                .any(|(k, v)| k == "endpoint" && v == "vpce-0fwendpoint")
        );
        assert!(
            t.node("bucket:data")
                .unwrap()
                .label
                .contains("endpoint-only")
        );
        assert!(matches!(
            t.node("vpce:S3VPCEndpoint").unwrap().kind,
            NodeKind::VpcEndpoint {
                kind: EndpointKind::Gateway,
                ..
            }
        ));
        assert!(matches!(
            t.node("vpce:STSEndpoint").unwrap().kind,
            NodeKind::VpcEndpoint {
                kind: EndpointKind::Interface,
                ..
            }
        ));
        assert!(!t.is_changing() || t.node("user:bob").is_some());
    }

    #[test]
    fn deploying_shows_missing_and_creating() {
        let t = Topology::build(&sample_inputs(SampleStage::Deploying));
        assert_eq!(t.node("vpc").unwrap().status, Status::Ready);
        assert_eq!(t.node("rt:nat").unwrap().status, Status::Creating);
        assert_eq!(t.node("nat").unwrap().status, Status::Missing);
        assert_eq!(t.node("firewall").unwrap().status, Status::Missing);
        assert_eq!(
            t.node("vpce:S3VPCEndpoint").unwrap().status,
            Status::Missing
        );
        assert_eq!(t.node("domain").unwrap().status, Status::Missing);
        assert!(t.is_changing());
    }

    #[test]
    fn drifted_routes_mark_their_route_table_and_resources_their_node() {
        let mut t = Topology::build(&sample_inputs(SampleStage::Complete));
        let marked = t.mark_drift(&[
            (
                "NATGatewayDefaultRoute".into(),
                Some("rtb-0nat|0.0.0.0/0".into()),
                "MODIFIED /VpcEndpointId".into(),
            ),
            ("NotInTheDiagram".into(), None, "DELETED".into()),
        ]);
        assert_eq!(marked, 1);
        let n = t.node("rt:nat").unwrap();
        assert!(n.label.ends_with("≠ drifted"), "{}", n.label);
        assert!(
            n.details
                .iter()
                .any(|(k, v)| k == "drift" && v.contains("NATGatewayDefaultRoute"))
        );
        // marking twice does not repeat the label
        t.mark_drift(&[(
            "NATGatewayDefaultRoute".into(),
            Some("rtb-0nat|0.0.0.0/0".into()),
            "x".into(),
        )]);
        assert_eq!(
            t.node("rt:nat").unwrap().label.matches("drifted").count(),
            1
        );
        assert!(!t.node("rt:firewall").unwrap().label.contains("drifted"));
    }

    #[test]
    fn failed_resource_is_failed_even_if_live_state_differs() {
        let mut i = sample_inputs(SampleStage::Failed);
        i.nat_gateways[0].state = "available".into();
        let t = Topology::build(&i);
        assert_eq!(t.node("nat").unwrap().status, Status::Failed);
    }

    #[test]
    fn status_mapping() {
        assert_eq!(Status::from_cfn("CREATE_IN_PROGRESS"), Status::Creating);
        assert_eq!(Status::from_cfn("UPDATE_COMPLETE"), Status::Ready);
        assert_eq!(Status::from_cfn("CREATE_FAILED"), Status::Failed);
        assert_eq!(Status::from_cfn("DELETE_IN_PROGRESS"), Status::Deleting);
        assert_eq!(Status::from_cfn("DELETE_COMPLETE"), Status::Missing);
        assert_eq!(Status::from_live("InService"), Status::Ready);
        assert_eq!(Status::from_live("pendingAcceptance"), Status::Creating);
        assert_eq!(Status::from_live("failed"), Status::Failed);
        assert_eq!(
            short_service("com.amazonaws.eu-west-1.sagemaker.api"),
            "sagemaker.api"
        );
    }

    #[test]
    fn paths_are_pure_functions_of_the_edges() {
        let t = complete();
        let egress = t.path_nodes(Path::Egress);
        let want: BTreeSet<String> = ["subnet:studio", "nat", "firewall", "igw", "internet"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(egress, want);
        let s3 = t.path_nodes(Path::S3);
        let want: BTreeSet<String> = [
            "subnet:studio",
            "vpce:S3VPCEndpoint",
            "bucket:data",
            "bucket:models",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(s3, want);
        assert!(!egress.contains("vpce:S3VPCEndpoint"));
        assert_eq!(
            t.path_text(Path::Egress),
            "subnet:studio → nat → firewall → igw → internet"
        );
        assert_eq!(
            t.path_text(Path::S3),
            "subnet:studio → vpce:S3VPCEndpoint → {bucket:data, bucket:models}"
        );
    }

    #[test]
    fn text_export_is_an_indented_tree() {
        let text = complete().to_text();
        assert!(text.starts_with("demo (CREATE_COMPLETE)\n"), "{text}");
        assert!(text.contains("\n  VPC: vpc-0a1b2c3d [ready]\n"), "{text}");
        assert!(
            text.contains("\n    Subnet: Studio subnet 10.2.3.0/24 (238 free IPs) [ready]\n"),
            "{text}"
        );
        assert!(
            text.contains("\n        User profile: alice [ready]\n"),
            "{text}"
        );
        assert!(
            text.contains("\n          App: JupyterLab default [ready]\n"),
            "{text}"
        );
        assert!(text.contains("Egress path: subnet:studio → nat"), "{text}");
    }

    #[test]
    fn json_export_round_trips_through_serde_json() {
        let t = complete();
        let v: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(v["project"], "demo");
        let nodes = v["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), t.nodes.len());
        let nat = nodes.iter().find(|n| n["id"] == "nat").unwrap();
        assert_eq!(nat["status"], "ready");
        assert_eq!(nat["kind"]["type"], "nat_gateway");
        let edge = v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == "igw" && e["to"] == "internet")
            .unwrap();
        assert_eq!(edge["paths"][0], "egress");
    }

    #[test]
    fn mermaid_export_is_a_flowchart_with_the_paths() {
        let t = complete();
        let m = t.to_mermaid();
        assert!(m.starts_with("flowchart LR\n"));
        let ids = t.short_ids();
        assert!(
            m.contains(&format!("{} ==>|egress| {}", ids["igw"], ids["internet"])),
            "{m}"
        );
        assert!(m.contains(&format!(
            "{} ==>|s3| {}",
            ids["vpce:S3VPCEndpoint"], ids["bucket:data"]
        )));
        assert!(m.contains(":::failed") || m.contains("classDef failed"));
        // no raw quotes inside labels
        for line in m.lines().filter(|l| l.contains("[\"")) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
    }

    #[test]
    fn dot_export_is_a_digraph() {
        let d = Topology::build(&sample_inputs(SampleStage::Failed)).to_dot();
        assert!(d.starts_with("digraph topology {"));
        assert!(d.trim_end().ends_with('}'));
        assert!(
            d.contains("\"igw\" -> \"internet\" [penwidth=2.5, label=\"egress\"];"),
            "{d}"
        );
        assert!(d.contains("\"nat\" [label=\"NAT gateway\\n"), "{d}");
        assert!(d.contains("#f8d7da"), "the failed NAT is red");
    }

    #[test]
    fn tree_visits_every_node_once() {
        let t = complete();
        let tree = t.tree();
        assert_eq!(tree.len(), t.nodes.len());
        let ids: BTreeSet<&str> = tree.iter().map(|(_, n)| n.id.as_str()).collect();
        assert_eq!(ids.len(), t.nodes.len());
    }
}
