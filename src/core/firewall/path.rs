//! The route a flow from the Studio subnet takes before any firewall rule sees it:
//!
//! * the VPC's own addresses, its DNS resolver (VPC base + 2, 169.254.169.253), the Amazon Time
//!   Sync Service (169.254.169.123) and other link-local addresses never leave the VPC;
//! * a name one of the VPC's interface endpoints answers with private DNS resolves to the
//!   endpoint's addresses in the VPC: it never crosses the firewall;
//! * S3 in the stack's region (`s3.<region>.amazonaws.com`, `<bucket>.s3.<region>…`, dual-stack
//!   and FIPS names) takes the S3 gateway endpoint's route, and its policy decides the bucket;
//! * everything else goes to the NAT gateway and through the firewall, S3 in other regions
//!   included.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::Serialize;

use super::{Flow, Host, Protocol};

/// An interface endpoint of the VPC with its service's private DNS names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceEndpoint {
    pub id: String,
    pub service_name: String,
    pub private_dns_enabled: bool,
    /// The service's private DNS names (`api.sagemaker.us-east-1.amazonaws.com`,
    /// `*.dkr.ecr.us-east-1.amazonaws.com`).
    pub private_dns_names: Vec<String>,
}

/// The S3 gateway endpoint and the buckets its policy admits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct S3Gateway {
    pub id: String,
    /// Buckets named by the policy's Allow statements (`arn:aws:s3:::name` / `name/*`).
    pub buckets: Vec<String>,
    /// The policy admits every bucket (no policy, or an Allow on `*`).
    pub any_bucket: bool,
}

/// What the route depends on: the region, the VPC and its endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathContext {
    pub region: String,
    pub vpc_cidr: Option<Ipv4Net>,
    pub interface_endpoints: Vec<InterfaceEndpoint>,
    pub s3_gateway: Option<S3Gateway>,
}

/// Where the flow goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Route {
    /// Inside the VPC or link-local: never crosses the firewall.
    Local { what: String },
    /// Answered by an interface endpoint in the VPC.
    InterfaceEndpoint {
        endpoint_id: String,
        service_name: String,
        dns_name: String,
    },
    /// S3 in the region, through the gateway endpoint.
    S3Gateway {
        endpoint_id: String,
        bucket: Option<String>,
        /// Whether the endpoint policy admits the bucket (None: no bucket in the name).
        admitted: Option<bool>,
        admitted_buckets: Vec<String>,
    },
    /// NAT gateway, then the firewall. `s3_region` is set for S3 in another region.
    Firewall { s3_region: Option<String> },
}

/// `[bucket.]s3[.dualstack|-fips…][.region].amazonaws.com` or `[bucket.]s3-<region>…` →
/// (bucket, region). The global names (`s3.amazonaws.com`) are us-east-1.
pub fn s3_name(name: &str) -> Option<(Option<String>, String)> {
    let rest = name.strip_suffix(".amazonaws.com")?;
    let labels: Vec<&str> = rest.split('.').collect();
    for i in (0..labels.len()).rev() {
        let after = &labels[i + 1..];
        let region = match (labels[i], after) {
            ("s3" | "s3-fips", []) => Some("us-east-1".to_string()),
            ("s3" | "s3-fips", [r]) | ("s3" | "s3-fips", ["dualstack", r])
                if crate::regions::looks_like_region(r) =>
            {
                Some((*r).to_string())
            }
            ("s3-external-1", []) => Some("us-east-1".to_string()),
            (l, []) => l
                .strip_prefix("s3-")
                .filter(|r| crate::regions::looks_like_region(r))
                .map(str::to_string),
            _ => None,
        };
        if let Some(region) = region {
            let bucket = (i > 0).then(|| labels[..i].join("."));
            return Some((bucket, region));
        }
    }
    None
}

/// A private DNS name (`*.example` covers every name below it) against a host name.
fn dns_name_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(base) => name
            .strip_suffix(base)
            .is_some_and(|h| h.len() > 1 && h.ends_with('.')),
        None => name == pattern,
    }
}

const RESOLVER_LINK_LOCAL: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);
const TIME_SYNC: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 123);

/// The route of `flow` from the Studio subnet.
pub fn route(flow: &Flow, ctx: &PathContext) -> Route {
    let name = match &flow.host {
        Host::Ip(ip) => return ip_route(*ip, ctx),
        Host::Name(n) => n.as_str(),
    };
    for e in ctx
        .interface_endpoints
        .iter()
        .filter(|e| e.private_dns_enabled)
    {
        if let Some(d) = e
            .private_dns_names
            .iter()
            .find(|d| dns_name_matches(d, name))
        {
            return Route::InterfaceEndpoint {
                endpoint_id: e.id.clone(),
                service_name: e.service_name.clone(),
                dns_name: d.clone(),
            };
        }
    }
    if let Some((bucket, region)) = s3_name(name) {
        if region != ctx.region {
            return Route::Firewall {
                s3_region: Some(region),
            };
        }
        if let Some(g) = &ctx.s3_gateway {
            let admitted = bucket
                .as_ref()
                .map(|b| g.any_bucket || g.buckets.iter().any(|x| bucket_glob(x, b)));
            let mut admitted_buckets = g.buckets.clone();
            if g.any_bucket {
                admitted_buckets.insert(0, "*".to_string());
            }
            return Route::S3Gateway {
                endpoint_id: g.id.clone(),
                bucket,
                admitted,
                admitted_buckets,
            };
        }
    }
    Route::Firewall { s3_region: None }
}

fn ip_route(ip: Ipv4Addr, ctx: &PathContext) -> Route {
    let local = |what: &str| Route::Local { what: what.into() };
    if ip == RESOLVER_LINK_LOCAL {
        return local("the VPC's DNS resolver (Route 53 Resolver at 169.254.169.253)");
    }
    if ip == TIME_SYNC {
        return local("the Amazon Time Sync Service (169.254.169.123)");
    }
    if ip.is_link_local() {
        return local("a link-local address (169.254.0.0/16), answered on the host, never routed");
    }
    if let Some(cidr) = ctx.vpc_cidr {
        let base = u32::from(cidr.network());
        if u32::from(ip) == base.wrapping_add(2) {
            return local("the VPC's DNS resolver (the VPC's base address + 2)");
        }
        if cidr.contains(&ip) {
            return local("an address inside the VPC (local route)");
        }
    }
    Route::Firewall { s3_region: None }
}

/// Does a policy's bucket pattern (IAM wildcards: `*` any run of characters, `?` one) match
/// `bucket`? `arn:aws:s3:::sagemaker-*` admits `sagemaker-us-east-1-123456789012`.
pub fn bucket_glob(pattern: &str, bucket: &str) -> bool {
    let (p, b): (Vec<char>, Vec<char>) = (pattern.chars().collect(), bucket.chars().collect());
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while j < b.len() {
        if i < p.len() && (p[i] == '?' || p[i] == b[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

/// The buckets an S3 endpoint policy's Allow statements name, and whether one admits any
/// bucket (`*`, `arn:aws:s3:::*`). No policy is AWS's default full-access policy: every
/// bucket; a policy that is not JSON names no bucket.
pub fn endpoint_policy_buckets(policy: Option<&str>) -> (Vec<String>, bool) {
    let Some(text) = policy else {
        return (Vec::new(), true);
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return (Vec::new(), false);
    };
    let statements: Vec<&serde_json::Value> = match doc.get("Statement") {
        Some(serde_json::Value::Array(v)) => v.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let mut buckets = Vec::new();
    let mut any = false;
    for st in statements {
        if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        let resources: Vec<&str> = match st.get("Resource") {
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            Some(serde_json::Value::Array(v)) => v.iter().filter_map(|x| x.as_str()).collect(),
            _ => Vec::new(),
        };
        for r in resources {
            let rest = r.split_once(":s3:::").map_or(r, |(_, b)| b);
            let bucket = rest.split('/').next().unwrap_or(rest);
            if bucket == "*" || r == "*" {
                any = true;
            } else if !bucket.is_empty() && !buckets.iter().any(|b| b == bucket) {
                buckets.push(bucket.to_string());
            }
        }
    }
    (buckets, any)
}

impl Route {
    /// Does the flow cross the firewall?
    pub fn crosses_firewall(&self) -> bool {
        matches!(self, Route::Firewall { .. })
    }

    /// The route in one sentence.
    pub fn describe(&self, flow: &Flow) -> String {
        match self {
            Route::Local { what } => format!("{what}: never crosses the firewall"),
            Route::InterfaceEndpoint {
                endpoint_id,
                service_name,
                dns_name,
            } => format!(
                "answered by the VPC's interface endpoint {endpoint_id} ({service_name}, private \
                 DNS {dns_name}): never crosses the firewall{}",
                if flow.protocol == Protocol::Icmp || flow.port != Some(443) {
                    "; the endpoint answers HTTPS on TCP 443 only"
                } else {
                    ""
                }
            ),
            Route::S3Gateway {
                endpoint_id,
                bucket,
                admitted,
                admitted_buckets,
            } => {
                let list = if admitted_buckets.iter().any(|b| b == "*") {
                    "every bucket".to_string()
                } else if admitted_buckets.is_empty() {
                    "no bucket".to_string()
                } else {
                    admitted_buckets.join(", ")
                };
                match (bucket, admitted) {
                    (Some(b), Some(false)) => format!(
                        "S3 in this region through the gateway endpoint {endpoint_id} (never the \
                         firewall), whose policy does not admit bucket {b} (it admits {list}): \
                         S3 answers AccessDenied"
                    ),
                    _ => format!(
                        "S3 in this region through the gateway endpoint {endpoint_id} (never the \
                         firewall); its policy admits {list}"
                    ),
                }
            }
            Route::Firewall { s3_region: Some(r) } => format!(
                "S3 in another region ({r}) is not behind the VPC's gateway endpoint: NAT \
                 gateway, then the firewall"
            ),
            Route::Firewall { s3_region: None } => "NAT gateway, then the firewall".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_names_give_bucket_and_region() {
        let s = |n: &str| s3_name(n);
        assert_eq!(
            s("s3.eu-west-1.amazonaws.com"),
            Some((None, "eu-west-1".into()))
        );
        assert_eq!(
            s("my.data.s3.dualstack.us-west-2.amazonaws.com"),
            Some((Some("my.data".into()), "us-west-2".into()))
        );
        assert_eq!(
            s("b.s3-ap-south-1.amazonaws.com"),
            Some((Some("b".into()), "ap-south-1".into()))
        );
        assert_eq!(
            s("b.s3.amazonaws.com"),
            Some((Some("b".into()), "us-east-1".into()))
        );
        assert_eq!(s("sts.us-east-1.amazonaws.com"), None);
        assert_eq!(s("123.s3-control.us-east-1.amazonaws.com"), None);
        assert_eq!(s("s3.example.com"), None);
    }

    #[test]
    fn endpoint_policy_buckets_are_read_from_allow_statements() {
        let p = r#"{"Statement": [{"Effect": "Allow", "Resource": ["arn:aws:s3:::p-data",
            "arn:aws:s3:::p-data/*", "arn:aws:s3:::p-models/*"]},
            {"Effect": "Allow", "Resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"},
            {"Effect": "Deny", "Resource": "*"}]}"#;
        let (b, any) = endpoint_policy_buckets(Some(p));
        assert_eq!(
            b,
            ["p-data", "p-models", "prod-us-east-1-starport-layer-bucket"]
        );
        assert!(!any);
        assert!(endpoint_policy_buckets(None).1);
    }

    #[test]
    fn bucket_patterns_match_as_iam_wildcards() {
        assert!(bucket_glob(
            "sagemaker-*",
            "sagemaker-us-east-1-123456789012"
        ));
        assert!(bucket_glob("proj-data", "proj-data"));
        assert!(!bucket_glob("proj-data", "proj-data2"));
        assert!(bucket_glob("a?c", "abc"));
        assert!(!bucket_glob("a?c", "ac"));
        assert!(bucket_glob("*-data", "x-y-data"));
        assert!(!bucket_glob("*-data", "x-datas"));
        assert!(bucket_glob("*", "anything"));
    }
}
