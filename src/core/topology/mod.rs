//! The environment's topology as a graph: nodes (VPC, subnets, gateways, firewall, endpoints,
//! buckets, keys, the Studio domain and its users) and edges (traffic, containment, use), built
//! from plain data so it can be tested without AWS, and exported as text, JSON, Mermaid and DOT.
//!
//! Pure: no I/O, no async. `aws::topology` gathers the inputs, `ops::topology` refreshes.

use std::collections::{BTreeMap, BTreeSet};

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

mod build;
mod export;
#[cfg(any(test, feature = "test-util"))]
mod sample;

#[cfg(any(test, feature = "test-util"))]
pub use sample::{SampleStage, sample_inputs};

impl Topology {
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
