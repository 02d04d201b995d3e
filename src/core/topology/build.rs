//! Building the graph from [`TopologyInputs`]: one node per resource (missing ones included,
//! so the view shows the whole environment from the first refresh) and the edges between them.

use std::fmt::Write as _;

use super::*;
use crate::core::field::Field;

struct Builder {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Builder {
    fn node(&mut self, id: &str, kind: NodeKind, label: String, status: Status) -> &mut Node {
        let at = self.nodes.len();
        self.nodes.push(Node {
            id: id.to_string(),
            kind,
            label,
            status,
            details: Vec::new(),
        });
        &mut self.nodes[at]
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
    #[allow(
        clippy::too_many_lines,
        reason = "one block per resource of the template, in diagram order; split by area it \
                  would pass the builder around for no gain in reading"
    )]
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
            .or_else(|| Field::VpcCidr.in_stack(&input.parameters).cloned())
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
                    SubnetRole::Firewall => Field::FirewallSubnetCidr,
                    SubnetRole::Nat => Field::NatSubnetCidr,
                    SubnetRole::Studio => Field::StudioSubnetCidr,
                };
                p.in_stack(&input.parameters).cloned()
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
        if let Some(d) = Field::AllowedDomains.in_stack(&input.parameters) {
            detail(n, "allowed domains", d.clone());
        }
        detail(n, "policy", input.cfn_status("FirewallPolicy").word());
        detail(
            n,
            "rule group",
            input.cfn_status("DomainAllowListRuleGroup").word(),
        );
        // The closing rule group came with strict order and the default drop: a stack without
        // it still runs the 0.x policy, which passes every flow no rule matches.
        if input.resource("EgressClosingRuleGroup").is_some() {
            detail(
                n,
                "closing rules",
                input.cfn_status("EgressClosingRuleGroup").word(),
            );
            detail(
                n,
                "everything else",
                "dropped and logged (strict order: UDP, ICMP, other protocols, unlisted names)",
            );
        } else if input.resource("FirewallPolicy").is_some() {
            detail(
                n,
                "everything else",
                "PASSES unlogged (default action order of an older template): update the stack",
            );
        }
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
