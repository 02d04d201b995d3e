//! CIDR planning for the studio-tui network: parsing user input, checking a
//! [`NetworkPlan`] against AWS's VPC and subnet rules, finding conflicts with
//! address blocks already in use in the account, and suggesting a free plan.
//!
//! Everything here is pure (no I/O, no async) so the form, preflight, CLI and
//! config loader all share exactly one set of rules and one set of messages.
//!
//! Addresses are handled as `u32` intervals internally; every block is a CIDR,
//! so two blocks are either disjoint or one contains the other. There is no
//! "partial overlap" between CIDR blocks, and adjacent blocks never conflict.

use std::cmp::Ordering;
use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};

use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

/// Smallest prefix length (largest block) AWS accepts for a VPC or subnet.
pub const MIN_PREFIX: u8 = 16;
/// Largest prefix length (smallest block) AWS accepts for a VPC or subnet.
pub const MAX_PREFIX: u8 = 28;
/// AWS reserves the first four and the last address of every subnet.
pub const AWS_RESERVED_PER_SUBNET: u32 = 5;
/// SageMaker's documented lower bound of IP addresses per Studio user.
pub const MIN_IPS_PER_USER: u32 = 2;
/// SageMaker's documented recommendation of IP addresses per Studio user.
pub const RECOMMENDED_IPS_PER_USER: u32 = 4;
/// Interface endpoints the template puts in the Studio subnet, with headroom:
/// each one takes one ENI (one IP) there. The template has sagemaker.api,
/// sagemaker.runtime, the Studio notebook endpoint, sts, logs, monitoring,
/// ecr.api, ecr.dkr and servicecatalog, and users ask for
/// featurestore-runtime and metrics; 12 leaves room for one more.
pub const DEFAULT_INTERFACE_ENDPOINTS: u32 = 12;

/// The private (RFC 1918) ranges: the default search space for a free plan.
pub const RFC1918: [Ipv4Net; 3] = [
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// Carrier-grade NAT shared space (RFC 6598): AWS accepts it, but it often
/// collides with ISP and corporate networks, so it earns a warning.
pub const CGNAT: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10);

/// Ranges AWS refuses for a VPC CIDR block ("this network", loopback,
/// link-local, multicast and everything above it).
pub const AWS_REFUSED: [Ipv4Net; 4] = [
    Ipv4Net::new_assert(Ipv4Addr::new(0, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(224, 0, 0, 0), 3),
];

/// Why a CIDR string was rejected. Each variant's [`fmt::Display`] says what is
/// wrong and how to fix it; [`CidrError::problem`] and [`CidrError::fix`] give
/// the two halves separately for UIs that show them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// Nothing (or only whitespace) was entered.
    Empty,
    /// An address without `/prefix`.
    MissingPrefix {
        /// The trimmed input.
        input: String,
    },
    /// Not an IPv4 CIDR at all (garbage, or a bad address part).
    NotCidr {
        /// The trimmed input.
        input: String,
    },
    /// An IPv6 block was given; the stack is IPv4-only.
    Ipv6 {
        /// The trimmed input.
        input: String,
    },
    /// The part after `/` is not a number from 0 to 32.
    BadPrefix {
        /// The trimmed input.
        input: String,
        /// The text after the slash.
        prefix: String,
    },
    /// The prefix is valid IPv4 but outside what AWS accepts.
    PrefixOutOfRange {
        /// The trimmed input.
        input: String,
        /// The prefix length given.
        prefix: u8,
        /// Smallest accepted prefix length.
        min: u8,
        /// Largest accepted prefix length.
        max: u8,
    },
    /// Bits below the prefix are set, e.g. `10.2.1.5/24`.
    HostBitsSet {
        /// The trimmed input.
        input: String,
        /// The block the user most likely meant (host bits cleared).
        network: Ipv4Net,
    },
}

impl CidrError {
    /// Stable machine-readable code, the same as a [`Finding::code`].
    pub fn code(&self) -> FindingCode {
        match self {
            Self::Empty => FindingCode::CidrEmpty,
            Self::MissingPrefix { .. } => FindingCode::CidrMissingPrefix,
            Self::NotCidr { .. } => FindingCode::CidrNotACidr,
            Self::Ipv6 { .. } => FindingCode::CidrIpv6,
            Self::BadPrefix { .. } => FindingCode::CidrBadPrefix,
            Self::PrefixOutOfRange { .. } => FindingCode::CidrPrefixOutOfRange,
            Self::HostBitsSet { .. } => FindingCode::CidrHostBitsSet,
        }
    }

    /// What is wrong, as one clause without a trailing period.
    pub fn problem(&self) -> String {
        match self {
            Self::Empty => "no CIDR block given".to_owned(),
            Self::MissingPrefix { input } => format!("{input} has no prefix length"),
            Self::NotCidr { input } => format!("`{input}` is not an IPv4 CIDR block"),
            Self::Ipv6 { .. } => "IPv6 is not supported".to_owned(),
            Self::BadPrefix { input, prefix } => {
                format!("{input} has prefix `/{prefix}`, which is not a number from 0 to 32")
            }
            Self::PrefixOutOfRange {
                input,
                prefix,
                min,
                max,
            } => {
                let side = if prefix < min {
                    format!("larger than /{min}, the biggest block")
                } else {
                    format!("smaller than /{max}, the smallest block")
                };
                format!("{input} is {side} AWS allows for a VPC or subnet")
            }
            Self::HostBitsSet { input, .. } => format!("{input} has host bits set"),
        }
    }

    /// How to fix it, as one clause.
    pub fn fix(&self) -> String {
        match self {
            Self::Empty => "give an IPv4 block like 10.2.0.0/16".to_owned(),
            Self::MissingPrefix { input } => {
                format!("add a prefix length from /{MIN_PREFIX} to /{MAX_PREFIX}, e.g. {input}/24")
            }
            Self::NotCidr { .. } => {
                "write an address and a prefix length, like 10.2.0.0/16".to_owned()
            }
            Self::Ipv6 { .. } => "give an IPv4 block like 10.2.0.0/16".to_owned(),
            Self::BadPrefix { .. } | Self::PrefixOutOfRange { .. } => {
                format!("use a prefix length from /{MIN_PREFIX} to /{MAX_PREFIX}")
            }
            Self::HostBitsSet { network, .. } => format!("did you mean {network}?"),
        }
    }
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.problem(), self.fix())
    }
}

impl std::error::Error for CidrError {}

/// Parses a VPC or subnet CIDR typed by a person, enforcing AWS's /16../28
/// range, so every front-end rejects the same inputs with the same words.
pub fn parse_cidr(input: &str) -> Result<Ipv4Net, CidrError> {
    parse_cidr_in_range(input, MIN_PREFIX, MAX_PREFIX)
}

/// Like [`parse_cidr`] with a caller-chosen prefix range, for blocks that are
/// not VPCs or subnets (e.g. a `--within 10.0.0.0/8` search space).
pub fn parse_cidr_in_range(input: &str, min: u8, max: u8) -> Result<Ipv4Net, CidrError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(CidrError::Empty);
    }
    let owned = || input.to_owned();
    if input.contains(':') {
        return Err(CidrError::Ipv6 { input: owned() });
    }
    let Some((addr, prefix)) = input.split_once('/') else {
        return Err(match input.parse::<Ipv4Addr>() {
            Ok(_) => CidrError::MissingPrefix { input: owned() },
            Err(_) => CidrError::NotCidr { input: owned() },
        });
    };
    let Ok(addr) = addr.trim().parse::<Ipv4Addr>() else {
        return Err(CidrError::NotCidr { input: owned() });
    };
    let prefix_text = prefix.trim();
    let prefix = match prefix_text.parse::<u8>() {
        Ok(p) if p <= 32 && prefix_text.chars().all(|c| c.is_ascii_digit()) => p,
        _ => {
            return Err(CidrError::BadPrefix {
                input: owned(),
                prefix: prefix_text.to_owned(),
            });
        }
    };
    if prefix < min || prefix > max {
        return Err(CidrError::PrefixOutOfRange {
            input: owned(),
            prefix,
            min,
            max,
        });
    }
    let net = Ipv4Net::new(addr, prefix).map_err(|_| CidrError::BadPrefix {
        input: owned(),
        prefix: prefix_text.to_owned(),
    })?;
    if net.addr() != net.network() {
        return Err(CidrError::HostBitsSet {
            input: owned(),
            network: net.trunc(),
        });
    }
    Ok(net)
}

/// Inclusive `[first, last]` address range of a block as integers.
fn bounds(net: &Ipv4Net) -> (u32, u32) {
    (u32::from(net.network()), u32::from(net.broadcast()))
}

/// Number of addresses in a block (2^(32-prefix)), as u64 so /0 fits.
fn block_size(prefix: u8) -> u64 {
    1u64 << (32 - u32::from(prefix.min(32)))
}

/// Addresses left for ENIs in a subnet after AWS's five reserved ones.
pub fn usable_addresses(net: &Ipv4Net) -> u32 {
    let size = block_size(net.prefix_len());
    u32::try_from(size.saturating_sub(u64::from(AWS_RESERVED_PER_SUBNET))).unwrap_or(u32::MAX)
}

/// True when two blocks share at least one address (symmetric; adjacent
/// blocks do not overlap).
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    let (a0, a1) = bounds(a);
    let (b0, b1) = bounds(b);
    a0 <= b1 && b0 <= a1
}

/// Parse errors as findings: the form and preflight show them like any other check.
impl Finding {
    /// Turns a parse error into an error finding for `field`.
    pub fn from_cidr_error(err: &CidrError, field: Field) -> Self {
        Self::new(
            Severity::Error,
            err.code(),
            err.problem(),
            err.fix(),
            Some(field),
        )
    }
}

/// The four blocks of the stack: the VPC and its three subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetworkPlan {
    /// The VPC's primary CIDR block.
    pub vpc: Ipv4Net,
    /// Subnet holding the Network Firewall endpoint.
    pub firewall_subnet: Ipv4Net,
    /// Subnet holding the NAT gateway.
    pub nat_subnet: Ipv4Net,
    /// Private subnet for the Studio domain, its apps and interface endpoints.
    pub studio_subnet: Ipv4Net,
}

impl NetworkPlan {
    /// The three subnets with the form field each belongs to, in template order.
    pub fn subnets(&self) -> [(Field, Ipv4Net); 3] {
        [
            (Field::FirewallSubnetCidr, self.firewall_subnet),
            (Field::NatSubnetCidr, self.nat_subnet),
            (Field::StudioSubnetCidr, self.studio_subnet),
        ]
    }

    /// The same layout moved to another VPC base of the same prefix length;
    /// `None` when a subnet lies outside the current VPC (no layout to keep).
    pub fn relocated(&self, new_vpc: Ipv4Net) -> Option<Self> {
        let new_vpc = new_vpc.trunc();
        if new_vpc.prefix_len() != self.vpc.prefix_len() {
            return None;
        }
        let base = u32::from(self.vpc.network());
        let new_base = u32::from(new_vpc.network());
        let shift = |subnet: Ipv4Net| -> Option<Ipv4Net> {
            let subnet = subnet.trunc();
            if !self.vpc.trunc().contains(&subnet) {
                return None;
            }
            let offset = u32::from(subnet.network()) - base;
            Ipv4Net::new(Ipv4Addr::from(new_base + offset), subnet.prefix_len()).ok()
        };
        Some(Self {
            vpc: new_vpc,
            firewall_subnet: shift(self.firewall_subnet)?,
            nat_subnet: shift(self.nat_subnet)?,
            studio_subnet: shift(self.studio_subnet)?,
        })
    }
}

/// Smallest subnet prefix whose usable addresses cover `needed`, if any
/// prefix in AWS's range does.
fn prefix_for(needed: u64) -> Option<u8> {
    (MIN_PREFIX..=MAX_PREFIX)
        .rev()
        .find(|&p| block_size(p) - u64::from(AWS_RESERVED_PER_SUBNET) >= needed)
}

fn check_block(net: &Ipv4Net, field: Field, out: &mut Vec<Finding>) {
    let p = net.prefix_len();
    if !(MIN_PREFIX..=MAX_PREFIX).contains(&p) {
        let err = CidrError::PrefixOutOfRange {
            input: net.to_string(),
            prefix: p,
            min: MIN_PREFIX,
            max: MAX_PREFIX,
        };
        out.push(Finding::from_cidr_error(&err, field));
    }
    if net.addr() != net.network() {
        let err = CidrError::HostBitsSet {
            input: net.to_string(),
            network: net.trunc(),
        };
        out.push(Finding::from_cidr_error(&err, field));
    }
}

fn check_vpc_range(vpc: &Ipv4Net, out: &mut Vec<Finding>) {
    let vpc_t = vpc.trunc();
    let f = Some(Field::VpcCidr);
    if let Some(refused) = AWS_REFUSED.iter().find(|r| overlaps(r, &vpc_t)) {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::CidrReservedRange,
            format!("{vpc_t} overlaps {refused}, a range AWS refuses for VPCs"),
            "use a private range such as 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            f,
        ));
    } else if overlaps(&CGNAT, &vpc_t) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::CidrCgnat,
            format!(
                "{vpc_t} is in 100.64.0.0/10, the carrier-grade NAT range, which often clashes with ISP and corporate networks"
            ),
            "prefer a private range such as 10.0.0.0/8 unless you need this one",
            f,
        ));
    } else if !RFC1918.iter().any(|r| r.contains(&vpc_t)) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::CidrNotRfc1918,
            format!(
                "{vpc_t} is not a private (RFC 1918) range; AWS allows it, but hosts on the internet with these addresses become unreachable from the VPC"
            ),
            "use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 unless you own this range",
            f,
        ));
    }
}

/// Checks a plan against AWS's rules and Studio's IP needs, returning every
/// problem at once (errors first) so a person can fix them in one pass.
///
/// `users` is the expected number of Studio users; `interface_endpoints` is
/// how many interface VPC endpoints put an ENI in the Studio subnet (see
/// [`DEFAULT_INTERFACE_ENDPOINTS`]).
pub fn validate_plan(plan: &NetworkPlan, users: u32, interface_endpoints: u32) -> Vec<Finding> {
    let mut out = Vec::new();
    check_block(&plan.vpc, Field::VpcCidr, &mut out);
    for (field, subnet) in plan.subnets() {
        check_block(&subnet, field, &mut out);
    }
    check_vpc_range(&plan.vpc, &mut out);

    let vpc = plan.vpc.trunc();
    let subnets = plan.subnets().map(|(f, s)| (f, s.trunc()));
    for (field, subnet) in subnets {
        if !vpc.contains(&subnet) {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::CidrSubnetOutsideVpc,
                format!(
                    "the {} {subnet} is not inside the VPC {vpc} ({} to {})",
                    field.noun(),
                    vpc.network(),
                    vpc.broadcast()
                ),
                format!("pick a block inside {vpc} (or widen the VPC to contain {subnet})"),
                Some(field),
            ));
        }
    }
    for (i, (fa, a)) in subnets.iter().enumerate() {
        for (fb, b) in subnets.iter().skip(i + 1) {
            if overlaps(a, b) {
                let how = if a == b {
                    "are the same block".to_owned()
                } else {
                    "overlap".to_owned()
                };
                out.push(Finding::new(
                    Severity::Error,
                    FindingCode::CidrSubnetsOverlap,
                    format!("the {} {a} and the {} {b} {how}", fa.noun(), fb.noun()),
                    format!(
                        "give the {} its own block that does not share addresses with {a}",
                        fb.noun()
                    ),
                    Some(*fb),
                ));
            }
        }
    }

    let studio = subnets[2].1;
    let usable = u64::from(usable_addresses(&studio));
    let endpoints = u64::from(interface_endpoints);
    let users64 = u64::from(users);
    let minimum = users64 * u64::from(MIN_IPS_PER_USER) + endpoints;
    let recommended = users64 * u64::from(RECOMMENDED_IPS_PER_USER) + endpoints;
    let fix_size = |needed: u64| match prefix_for(needed) {
        Some(p) => format!(
            "use a /{p} or larger Studio subnet ({} usable addresses), widening the VPC if needed",
            block_size(p) - u64::from(AWS_RESERVED_PER_SUBNET)
        ),
        None => format!("even a /{MIN_PREFIX} is too small; plan for fewer users per domain"),
    };
    let studio_field = Some(Field::StudioSubnetCidr);
    if usable < minimum {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::CidrStudioSubnetTooSmall,
            format!(
                "the Studio subnet {studio} has {usable} usable addresses, but {users} users need at least {minimum} ({MIN_IPS_PER_USER} per user plus {interface_endpoints} for interface endpoints)"
            ),
            fix_size(recommended),
            studio_field,
        ));
    } else if usable < recommended {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::CidrStudioSubnetTight,
            format!(
                "the Studio subnet {studio} has {usable} usable addresses, fewer than the {recommended} recommended for {users} users ({RECOMMENDED_IPS_PER_USER} per user plus {interface_endpoints} for interface endpoints)"
            ),
            fix_size(recommended),
            studio_field,
        ));
    } else {
        let room = (usable - endpoints) / u64::from(RECOMMENDED_IPS_PER_USER);
        out.push(Finding::new(
            Severity::Info,
            FindingCode::CidrStudioCapacity,
            format!(
                "the Studio subnet {studio} has {usable} usable addresses: room for about {room} users at {RECOMMENDED_IPS_PER_USER} IPs each after {interface_endpoints} interface endpoints"
            ),
            "nothing to do",
            studio_field,
        ));
    }
    out.sort_by_key(|f| f.severity);
    out
}

/// Where an existing address block in the account comes from, so a conflict
/// message can name the thing the user has to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockSource {
    /// A VPC's primary CIDR block.
    VpcPrimary {
        /// The VPC id, e.g. `vpc-0abc`.
        vpc_id: String,
        /// Its `Name` tag, if any.
        name: Option<String>,
    },
    /// One of a VPC's secondary CIDR blocks (AWS requires checking all).
    VpcSecondary {
        /// The VPC id.
        vpc_id: String,
        /// Its `Name` tag, if any.
        name: Option<String>,
    },
    /// The far side of a VPC peering connection.
    PeeringPeer {
        /// The peering connection id, e.g. `pcx-0abc`.
        peering_id: String,
        /// The peer VPC's id.
        peer_vpc_id: String,
        /// The peer VPC's region.
        peer_region: String,
        /// The peer VPC's account id.
        peer_account: String,
    },
    /// A route in a transit gateway route table.
    TransitGatewayRoute {
        /// The transit gateway id, e.g. `tgw-0abc`.
        tgw_id: String,
        /// The route table holding the route.
        route_table_id: String,
    },
}

impl fmt::Display for BlockSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = |id: &str, name: &Option<String>| match name {
            Some(n) if !n.is_empty() => format!("{id} ({n})"),
            _ => id.to_owned(),
        };
        match self {
            Self::VpcPrimary { vpc_id, name } => {
                write!(f, "the primary block of {}", named(vpc_id, name))
            }
            Self::VpcSecondary { vpc_id, name } => {
                write!(f, "a secondary block of {}", named(vpc_id, name))
            }
            Self::PeeringPeer {
                peering_id,
                peer_vpc_id,
                peer_region,
                peer_account,
            } => write!(
                f,
                "peer VPC {peer_vpc_id} (account {peer_account}, {peer_region}) of peering {peering_id}"
            ),
            Self::TransitGatewayRoute {
                tgw_id,
                route_table_id,
            } => write!(f, "a route in {route_table_id} of transit gateway {tgw_id}"),
        }
    }
}

/// An address block already in use somewhere the new VPC may need to reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExistingBlock {
    /// The block.
    pub cidr: Ipv4Net,
    /// What uses it.
    pub source: BlockSource,
    /// The region it was found in.
    pub region: String,
}

impl ExistingBlock {
    /// Whether this block is a primary or secondary block of `vpc_id` in `region`.
    pub fn is_in_vpc(&self, vpc_id: &str, region: &str) -> bool {
        self.region == region
            && matches!(&self.source,
                BlockSource::VpcPrimary { vpc_id: v, .. } | BlockSource::VpcSecondary { vpc_id: v, .. }
                    if v == vpc_id)
    }
}

/// How a planned VPC relates to an existing block it conflicts with. CIDR
/// blocks are nested or disjoint, so there is no partial-overlap case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Same network and prefix.
    Exact,
    /// The planned VPC is a superset of the existing block.
    PlannedContainsExisting,
    /// The planned VPC is a subset of the existing block.
    PlannedInsideExisting,
}

/// A planned VPC block that shares addresses with an existing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// How the two blocks nest.
    pub kind: ConflictKind,
    /// The planned VPC block.
    pub planned: Ipv4Net,
    /// The existing block, with where it comes from.
    pub existing: ExistingBlock,
}

impl Conflict {
    /// Stable code, e.g. `CIDR_CONFLICT_EXACT`.
    pub fn code(&self) -> FindingCode {
        match self.kind {
            ConflictKind::Exact => FindingCode::CidrConflictExact,
            ConflictKind::PlannedContainsExisting => FindingCode::CidrConflictContains,
            ConflictKind::PlannedInsideExisting => FindingCode::CidrConflictInside,
        }
    }

    /// A warning finding for the VPC field. AWS lets overlapping VPCs exist,
    /// but they can never be peered or routed to each other, hence a warning
    /// rather than an error.
    pub fn to_finding(&self) -> Finding {
        let e = &self.existing;
        let relation = match self.kind {
            ConflictKind::Exact => "is the same block as",
            ConflictKind::PlannedContainsExisting => "contains",
            ConflictKind::PlannedInsideExisting => "lies inside",
        };
        Finding::new(
            Severity::Warning,
            self.code(),
            format!(
                "{} {relation} {}, {} in {}; overlapping networks cannot be peered or routed to each other",
                self.planned, e.cidr, e.source, e.region
            ),
            "choose a VPC CIDR that overlaps nothing (studio-tui can suggest a free one)",
            Some(Field::VpcCidr),
        )
    }
}

/// Finds every existing block that shares addresses with `planned_vpc`,
/// in input order. Adjacent blocks are not conflicts.
///
/// A single linear pass over integer bounds: for one query this beats
/// sorting (10,000 blocks take a few microseconds; see `benches/`).
pub fn find_conflicts(planned_vpc: Ipv4Net, existing: &[ExistingBlock]) -> Vec<Conflict> {
    let planned = planned_vpc.trunc();
    let (p0, p1) = bounds(&planned);
    existing
        .iter()
        .filter_map(|block| {
            let (e0, e1) = bounds(&block.cidr);
            if e0 > p1 || p0 > e1 {
                return None;
            }
            let kind = match (p0.cmp(&e0), p1.cmp(&e1)) {
                (Ordering::Equal, Ordering::Equal) => ConflictKind::Exact,
                _ if p0 <= e0 && e1 <= p1 => ConflictKind::PlannedContainsExisting,
                _ => ConflictKind::PlannedInsideExisting,
            };
            Some(Conflict {
                kind,
                planned,
                existing: block.clone(),
            })
        })
        .collect()
}

/// Sorted, disjoint, inclusive `[start, end]` intervals covering `blocks`.
fn merge_occupied(blocks: &[Ipv4Net]) -> Vec<(u64, u64)> {
    let mut iv: Vec<(u64, u64)> = blocks
        .iter()
        .map(|b| {
            let (s, e) = bounds(b);
            (u64::from(s), u64::from(e))
        })
        .collect();
    iv.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(iv.len());
    for (s, e) in iv {
        match merged.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The occupied interval overlapping `[c, c+size-1]` with the highest start,
/// if any. `occ` is sorted and disjoint.
fn blocker(occ: &[(u64, u64)], c: u64, size: u64) -> Option<(u64, u64)> {
    let end = c + size - 1;
    // Intervals with start <= end; the last of them is the only candidate,
    // because ends are sorted too.
    let idx = occ.partition_point(|&(s, _)| s <= end);
    let (s, e) = *occ.get(idx.checked_sub(1)?)?;
    (e >= c).then_some((s, e))
}

/// Nearest free aligned block of `size` to `target` inside `[lo, hi]`.
fn nearest_free(occ: &[(u64, u64)], lo: u64, hi: u64, size: u64, target: u64) -> Option<u64> {
    let align_down = |x: u64| x & !(size - 1);
    let align_up = |x: u64| (x + size - 1) & !(size - 1);
    let last = align_down(hi + 1 - size);
    let start = align_down(target.clamp(lo, hi));

    // Walk upward from the target's block, jumping past each blocker.
    let mut up = None;
    let mut c = start;
    while c <= last {
        match blocker(occ, c, size) {
            None => {
                up = Some(c);
                break;
            }
            Some((_, e)) => c = align_up(e + 1),
        }
    }
    // Walk downward from the block below the target's, jumping below each blocker.
    let mut down = None;
    let mut c = start.checked_sub(size);
    while let Some(cand) = c.filter(|&x| x >= lo) {
        match blocker(occ, cand, size) {
            None => {
                down = Some(cand);
                break;
            }
            Some((s, _)) => c = s.checked_sub(size).map(align_down),
        }
    }
    match (up, down) {
        (Some(u), Some(d)) => Some(if target.abs_diff(d) < target.abs_diff(u) {
            d
        } else {
            u
        }),
        (u, d) => u.or(d),
    }
}

/// Suggests the free VPC block nearest to the planned one (same prefix
/// length, same subnet layout) that overlaps none of `existing`.
///
/// Search ranges that contain the planned VPC are preferred; then the closest
/// candidate by numeric distance from the planned network address wins.
/// An empty `within` means [`RFC1918`]. Returns the plan itself when it is
/// already free and inside the search space, and `None` when no block fits or
/// a subnet lies outside the planned VPC (there is no layout to copy).
///
/// Existing blocks are sorted and merged into disjoint intervals, then each
/// walk jumps over whole intervals, so the cost is O(n log n) regardless of
/// how many candidate blocks a range holds.
pub fn suggest_free_plan(
    plan: &NetworkPlan,
    existing: &[Ipv4Net],
    within: &[Ipv4Net],
) -> Option<NetworkPlan> {
    let within = if within.is_empty() {
        &RFC1918[..]
    } else {
        within
    };
    // Check the layout before doing any work.
    plan.relocated(plan.vpc)?;
    let vpc = plan.vpc.trunc();
    let prefix = vpc.prefix_len();
    let size = block_size(prefix);
    let target = u64::from(u32::from(vpc.network()));
    let occ = merge_occupied(existing);

    let mut best: Option<((bool, u64), u64)> = None;
    for range in within.iter().map(Ipv4Net::trunc) {
        if range.prefix_len() > prefix {
            continue;
        }
        let (lo, hi) = bounds(&range);
        let Some(c) = nearest_free(&occ, u64::from(lo), u64::from(hi), size, target) else {
            continue;
        };
        let score = (!range.contains(&vpc), target.abs_diff(c));
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, c));
        }
    }
    let (_, base) = best?;
    let base = u32::try_from(base).ok()?;
    plan.relocated(Ipv4Net::new(Ipv4Addr::from(base), prefix).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().expect("test CIDR")
    }

    fn seed_plan() -> NetworkPlan {
        NetworkPlan {
            vpc: net("10.2.0.0/16"),
            firewall_subnet: net("10.2.1.0/24"),
            nat_subnet: net("10.2.2.0/24"),
            studio_subnet: net("10.2.3.0/24"),
        }
    }

    fn vpc_block(cidr: &str) -> ExistingBlock {
        ExistingBlock {
            cidr: net(cidr),
            source: BlockSource::VpcPrimary {
                vpc_id: "vpc-0abc".into(),
                name: Some("prod".into()),
            },
            region: "us-east-1".into(),
        }
    }

    fn codes(findings: &[Finding]) -> Vec<FindingCode> {
        findings.iter().map(|f| f.code).collect()
    }

    // ---- parse_cidr ----

    #[test]
    fn parses_valid_block_and_trims() {
        assert_eq!(parse_cidr(" 10.2.0.0/16 "), Ok(net("10.2.0.0/16")));
        assert_eq!(parse_cidr("10.2.3.16/28"), Ok(net("10.2.3.16/28")));
    }

    #[test]
    fn empty_is_rejected() {
        let e = parse_cidr("   ").unwrap_err();
        assert_eq!(e, CidrError::Empty);
        assert_eq!(
            e.to_string(),
            "no CIDR block given; give an IPv4 block like 10.2.0.0/16"
        );
    }

    #[test]
    fn missing_prefix_suggests_one() {
        let e = parse_cidr("10.2.0.0").unwrap_err();
        assert_eq!(e.code(), FindingCode::CidrMissingPrefix);
        assert_eq!(
            e.to_string(),
            "10.2.0.0 has no prefix length; add a prefix length from /16 to /28, e.g. 10.2.0.0/24"
        );
    }

    #[test]
    fn garbage_is_not_a_cidr() {
        for bad in ["hello", "10.2.0/16", "10.2.0.256/16", "010.2.0.0/16", "/16"] {
            let e = parse_cidr(bad).unwrap_err();
            assert_eq!(e.code(), FindingCode::CidrNotACidr, "{bad}");
            assert!(e.to_string().contains("like 10.2.0.0/16"), "{e}");
        }
    }

    #[test]
    fn ipv6_is_rejected() {
        let e = parse_cidr("2001:db8::/32").unwrap_err();
        assert_eq!(e.code(), FindingCode::CidrIpv6);
        assert_eq!(
            e.to_string(),
            "IPv6 is not supported; give an IPv4 block like 10.2.0.0/16"
        );
    }

    #[test]
    fn bad_prefix_is_rejected() {
        for bad in ["10.2.0.0/33", "10.2.0.0/x", "10.2.0.0/", "10.2.0.0/+16"] {
            let e = parse_cidr(bad).unwrap_err();
            assert_eq!(e.code(), FindingCode::CidrBadPrefix, "{bad}");
        }
        assert_eq!(
            parse_cidr("10.2.0.0/33").unwrap_err().to_string(),
            "10.2.0.0/33 has prefix `/33`, which is not a number from 0 to 32; use a prefix length from /16 to /28"
        );
    }

    #[test]
    fn host_bits_message_names_the_network() {
        let e = parse_cidr("10.2.1.5/24").unwrap_err();
        assert_eq!(
            e,
            CidrError::HostBitsSet {
                input: "10.2.1.5/24".into(),
                network: net("10.2.1.0/24")
            }
        );
        assert_eq!(
            e.to_string(),
            "10.2.1.5/24 has host bits set; did you mean 10.2.1.0/24?"
        );
    }

    #[test]
    fn slash_15_and_29_are_rejected_with_the_limit() {
        let e = parse_cidr("10.0.0.0/15").unwrap_err();
        assert_eq!(e.code(), FindingCode::CidrPrefixOutOfRange);
        assert_eq!(
            e.to_string(),
            "10.0.0.0/15 is larger than /16, the biggest block AWS allows for a VPC or subnet; use a prefix length from /16 to /28"
        );
        let e = parse_cidr("10.2.1.8/29").unwrap_err();
        assert_eq!(
            e.to_string(),
            "10.2.1.8/29 is smaller than /28, the smallest block AWS allows for a VPC or subnet; use a prefix length from /16 to /28"
        );
        // The range check comes before host bits: fixing host bits alone would not help.
        assert_eq!(
            parse_cidr("10.2.1.5/29").unwrap_err().code(),
            FindingCode::CidrPrefixOutOfRange
        );
    }

    #[test]
    fn custom_range_allows_search_spaces() {
        assert_eq!(
            parse_cidr_in_range("10.0.0.0/8", 0, 32),
            Ok(net("10.0.0.0/8"))
        );
    }

    // ---- validate_plan ----

    #[test]
    fn seed_plan_is_valid_with_capacity_info() {
        let f = validate_plan(&seed_plan(), 10, DEFAULT_INTERFACE_ENDPOINTS);
        assert_eq!(codes(&f), [FindingCode::CidrStudioCapacity]);
        assert_eq!(
            f[0].message,
            "the Studio subnet 10.2.3.0/24 has 251 usable addresses: room for about 59 users at 4 IPs each after 12 interface endpoints"
        );
    }

    #[test]
    fn usable_addresses_subtract_five() {
        assert_eq!(usable_addresses(&net("10.2.3.0/24")), 251);
        assert_eq!(usable_addresses(&net("10.2.3.0/28")), 11);
        assert_eq!(usable_addresses(&net("10.0.0.0/16")), 65531);
    }

    #[test]
    fn subnet_outside_vpc_is_an_error() {
        let mut p = seed_plan();
        p.nat_subnet = net("10.3.2.0/24");
        let f = validate_plan(&p, 1, 12);
        let hit = f
            .iter()
            .find(|f| f.code == FindingCode::CidrSubnetOutsideVpc)
            .expect("finding");
        assert_eq!(hit.severity, Severity::Error);
        assert_eq!(hit.field, Some(Field::NatSubnetCidr));
        assert_eq!(
            hit.to_string(),
            "the NAT gateway subnet 10.3.2.0/24 is not inside the VPC 10.2.0.0/16 (10.2.0.0 to 10.2.255.255); pick a block inside 10.2.0.0/16 (or widen the VPC to contain 10.3.2.0/24)"
        );
    }

    #[test]
    fn overlapping_subnets_are_an_error_on_the_later_field() {
        let mut p = seed_plan();
        p.studio_subnet = net("10.2.0.0/22");
        let f = validate_plan(&p, 1, 12);
        let hits: Vec<_> = f
            .iter()
            .filter(|f| f.code == FindingCode::CidrSubnetsOverlap)
            .collect();
        assert_eq!(hits.len(), 2);
        assert!(
            hits.iter()
                .all(|h| h.field == Some(Field::StudioSubnetCidr))
        );
        assert_eq!(
            hits[0].message,
            "the firewall subnet 10.2.1.0/24 and the Studio subnet 10.2.0.0/22 overlap"
        );
        let mut p = seed_plan();
        p.nat_subnet = p.firewall_subnet;
        let f = validate_plan(&p, 1, 12);
        assert!(f.iter().any(|f| f.message.ends_with("are the same block")));
    }

    #[test]
    fn adjacent_subnets_do_not_overlap() {
        let mut p = seed_plan();
        p.firewall_subnet = net("10.2.0.0/28");
        p.nat_subnet = net("10.2.0.16/28");
        let f = validate_plan(&p, 1, 12);
        assert!(!codes(&f).contains(&FindingCode::CidrSubnetsOverlap));
    }

    #[test]
    fn studio_subnet_sizing() {
        let mut p = seed_plan();
        p.studio_subnet = net("10.2.3.0/26"); // 59 usable
        // 12 endpoints + 20*2 = 52 fits the minimum; 12 + 80 = 92 does not fit the recommendation.
        let f = validate_plan(&p, 20, 12);
        assert_eq!(codes(&f), [FindingCode::CidrStudioSubnetTight]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].fix
                .starts_with("use a /25 or larger Studio subnet (123 usable"),
            "{}",
            f[0].fix
        );
        // 12 + 30*2 = 72 > 59.
        let f = validate_plan(&p, 30, 12);
        assert_eq!(codes(&f), [FindingCode::CidrStudioSubnetTooSmall]);
        assert_eq!(
            f[0].message,
            "the Studio subnet 10.2.3.0/26 has 59 usable addresses, but 30 users need at least 72 (2 per user plus 12 for interface endpoints)"
        );
        // Endpoints alone can overflow a /28.
        p.studio_subnet = net("10.2.3.0/28");
        let f = validate_plan(&p, 0, 12);
        assert_eq!(codes(&f), [FindingCode::CidrStudioSubnetTooSmall]);
        // Beyond a /16.
        p.studio_subnet = net("10.2.0.0/16");
        p.firewall_subnet = net("10.3.0.0/28");
        p.nat_subnet = net("10.3.0.16/28");
        let f = validate_plan(&p, 40_000, 12);
        assert!(
            f.iter()
                .any(|f| f.fix.starts_with("even a /16 is too small"))
        );
    }

    #[test]
    fn non_private_ranges_warn_and_refused_ranges_error() {
        let moved = |vpc: &str| seed_plan().relocated(net(vpc)).expect("same prefix");
        let f = validate_plan(&moved("100.64.0.0/16"), 1, 12);
        assert_eq!(codes(&f)[0], FindingCode::CidrCgnat);
        assert_eq!(f[0].severity, Severity::Warning);
        let f = validate_plan(&moved("52.10.0.0/16"), 1, 12);
        assert_eq!(codes(&f)[0], FindingCode::CidrNotRfc1918);
        for refused in [
            "0.1.0.0/16",
            "127.0.0.0/16",
            "169.254.0.0/16",
            "224.1.0.0/16",
            "250.0.0.0/16",
        ] {
            let f = validate_plan(&moved(refused), 1, 12);
            assert_eq!(codes(&f)[0], FindingCode::CidrReservedRange, "{refused}");
            assert!(f[0].is_error());
        }
        for private in ["10.9.0.0/16", "172.31.0.0/16", "192.168.0.0/16"] {
            let f = validate_plan(&moved(private), 1, 12);
            assert_eq!(codes(&f), [FindingCode::CidrStudioCapacity], "{private}");
        }
    }

    #[test]
    fn plan_blocks_outside_aws_limits_or_with_host_bits() {
        let mut p = seed_plan();
        p.vpc = net("10.0.0.0/15");
        p.firewall_subnet = net("10.2.1.0/29");
        p.nat_subnet = "10.2.2.7/24".parse().expect("net");
        let f = validate_plan(&p, 1, 12);
        let c = codes(&f);
        assert_eq!(
            c.iter()
                .filter(|c| **c == FindingCode::CidrPrefixOutOfRange)
                .count(),
            2
        );
        let hb = f
            .iter()
            .find(|f| f.code == FindingCode::CidrHostBitsSet)
            .expect("host bits");
        assert_eq!(hb.fix, "did you mean 10.2.2.0/24?");
        assert_eq!(hb.field, Some(Field::NatSubnetCidr));
    }

    #[test]
    fn findings_serialize_with_lowercase_severity() {
        let f = validate_plan(&seed_plan(), 1, 12);
        let json = serde_json::to_value(&f[0]).expect("json");
        assert_eq!(json["severity"], "info");
        assert_eq!(json["code"], "CIDR_STUDIO_CAPACITY");
        assert_eq!(json["field"], "studio_subnet_cidr");
    }

    // ---- find_conflicts ----

    #[test]
    fn exact_overlap() {
        let c = find_conflicts(net("10.2.0.0/16"), &[vpc_block("10.2.0.0/16")]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ConflictKind::Exact);
        assert_eq!(
            c[0].to_finding().message,
            "10.2.0.0/16 is the same block as 10.2.0.0/16, the primary block of vpc-0abc (prod) in us-east-1; overlapping networks cannot be peered or routed to each other"
        );
        assert_eq!(c[0].code(), FindingCode::CidrConflictExact);
    }

    #[test]
    fn superset_and_subset() {
        let c = find_conflicts(net("10.2.0.0/16"), &[vpc_block("10.2.5.0/24")]);
        assert_eq!(c[0].kind, ConflictKind::PlannedContainsExisting);
        assert!(
            c[0].to_finding()
                .message
                .starts_with("10.2.0.0/16 contains 10.2.5.0/24")
        );
        let c = find_conflicts(net("10.2.0.0/16"), &[vpc_block("10.0.0.0/8")]);
        assert_eq!(c[0].kind, ConflictKind::PlannedInsideExisting);
        assert!(
            c[0].to_finding()
                .message
                .starts_with("10.2.0.0/16 lies inside 10.0.0.0/8")
        );
    }

    #[test]
    fn adjacent_blocks_are_not_conflicts() {
        let existing = [
            vpc_block("10.1.0.0/16"),
            vpc_block("10.3.0.0/16"),
            vpc_block("10.1.255.240/28"),
        ];
        assert!(find_conflicts(net("10.2.0.0/16"), &existing).is_empty());
    }

    #[test]
    fn secondary_blocks_and_other_sources_are_named() {
        let existing = [
            ExistingBlock {
                cidr: net("10.2.128.0/17"),
                source: BlockSource::VpcSecondary {
                    vpc_id: "vpc-1".into(),
                    name: None,
                },
                region: "eu-west-1".into(),
            },
            ExistingBlock {
                cidr: net("10.2.0.0/24"),
                source: BlockSource::PeeringPeer {
                    peering_id: "pcx-1".into(),
                    peer_vpc_id: "vpc-9".into(),
                    peer_region: "us-west-2".into(),
                    peer_account: "123456789012".into(),
                },
                region: "us-east-1".into(),
            },
            ExistingBlock {
                cidr: net("10.0.0.0/8"),
                source: BlockSource::TransitGatewayRoute {
                    tgw_id: "tgw-1".into(),
                    route_table_id: "tgw-rtb-1".into(),
                },
                region: "us-east-1".into(),
            },
        ];
        let c = find_conflicts(net("10.2.0.0/16"), &existing);
        assert_eq!(c.len(), 3);
        let m: Vec<String> = c.iter().map(|c| c.to_finding().message).collect();
        assert!(
            m[0].contains("a secondary block of vpc-1 in eu-west-1"),
            "{}",
            m[0]
        );
        assert!(m[1].contains("peer VPC vpc-9 (account 123456789012, us-west-2) of peering pcx-1"));
        assert!(m[2].contains("a route in tgw-rtb-1 of transit gateway tgw-1"));
        let json = serde_json::to_value(&c[0]).expect("json");
        assert_eq!(json["kind"], "planned_contains_existing");
        assert_eq!(json["existing"]["source"]["kind"], "vpc_secondary");
    }

    // ---- suggest_free_plan ----

    #[test]
    fn free_plan_is_returned_unchanged() {
        let p = seed_plan();
        assert_eq!(suggest_free_plan(&p, &[net("10.3.0.0/16")], &[]), Some(p));
    }

    #[test]
    fn suggestion_moves_to_nearest_free_block_with_same_layout() {
        let p = seed_plan();
        let existing = [net("10.2.0.0/16"), net("10.3.0.0/16"), net("10.0.0.0/15")];
        let s = suggest_free_plan(&p, &existing, &[]).expect("suggestion");
        assert_eq!(s.vpc, net("10.4.0.0/16"));
        assert_eq!(s.firewall_subnet, net("10.4.1.0/24"));
        assert_eq!(s.nat_subnet, net("10.4.2.0/24"));
        assert_eq!(s.studio_subnet, net("10.4.3.0/24"));
        // Downward wins when it is closer.
        let existing = [net("10.2.0.0/16"), net("10.3.0.0/16"), net("10.4.0.0/16")];
        let s = suggest_free_plan(&p, &existing, &[]).expect("suggestion");
        assert_eq!(s.vpc, net("10.1.0.0/16"));
    }

    #[test]
    fn suggestion_prefers_the_same_private_range() {
        let p = seed_plan();
        // 10/8 entirely used: fall back to the nearest other range (172.16/12).
        let s = suggest_free_plan(&p, &[net("10.0.0.0/8")], &[]).expect("suggestion");
        assert_eq!(s.vpc, net("172.16.0.0/16"));
        let all = RFC1918.to_vec();
        assert_eq!(suggest_free_plan(&p, &all, &[]), None);
    }

    #[test]
    fn suggestion_requires_a_layout_inside_the_vpc() {
        let mut p = seed_plan();
        p.studio_subnet = net("10.9.0.0/24");
        assert_eq!(suggest_free_plan(&p, &[], &[]), None);
    }

    #[test]
    fn suggestion_respects_custom_search_space() {
        let p = seed_plan();
        let within = [net("192.168.0.0/16")];
        let s = suggest_free_plan(&p, &[net("192.168.0.0/16")], &within);
        assert_eq!(s, None);
        let within = [net("172.20.0.0/14")];
        let s = suggest_free_plan(&p, &[net("172.20.0.0/15")], &within).expect("suggestion");
        assert_eq!(s.vpc, net("172.22.0.0/16"));
    }

    #[test]
    fn suggestion_at_the_top_of_the_address_space() {
        let p = seed_plan().relocated(net("10.255.0.0/16")).expect("plan");
        let s = suggest_free_plan(&p, &[net("10.255.0.0/16")], &[net("10.0.0.0/8")]).expect("s");
        assert_eq!(s.vpc, net("10.254.0.0/16"));
        let top = [net("255.255.0.0/16")];
        let p = seed_plan().relocated(net("255.255.0.0/16")).expect("plan");
        assert_eq!(suggest_free_plan(&p, &[], &top), Some(p));
        assert_eq!(suggest_free_plan(&p, &top, &top), None);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn any_net(min: u8, max: u8) -> impl Strategy<Value = Ipv4Net> {
            (any::<u32>(), min..=max)
                .prop_map(|(a, p)| Ipv4Net::new(Ipv4Addr::from(a), p).expect("prefix").trunc())
        }

        /// A plan whose three subnets are distinct /prefix blocks inside the VPC.
        fn any_plan() -> impl Strategy<Value = NetworkPlan> {
            (any_net(16, 24), 2u8..=4, any::<[u8; 3]>()).prop_map(|(vpc, extra, idx)| {
                let sub_prefix = vpc.prefix_len() + extra;
                let count = 1u32 << extra;
                let base = u32::from(vpc.network());
                let step = 1u32 << (32 - sub_prefix);
                let mut picks = [0u32; 3];
                for (i, pick) in picks.iter_mut().enumerate() {
                    *pick = u32::from(idx[i]) % count;
                }
                let at = |i: u32| {
                    Ipv4Net::new(Ipv4Addr::from(base + i * step), sub_prefix).expect("prefix")
                };
                NetworkPlan {
                    vpc,
                    firewall_subnet: at(picks[0]),
                    nat_subnet: at(picks[1]),
                    studio_subnet: at(picks[2]),
                }
            })
        }

        proptest! {
            #[test]
            fn overlap_is_symmetric(a in any_net(0, 32), b in any_net(0, 32)) {
                prop_assert_eq!(overlaps(&a, &b), overlaps(&b, &a));
                prop_assert_eq!(overlaps(&a, &b), a.contains(&b) || b.contains(&a));
            }

            #[test]
            fn conflict_kinds_mirror(a in any_net(8, 28), b in any_net(8, 28)) {
                let ab = find_conflicts(a, &[vpc_block(&b.to_string())]);
                let ba = find_conflicts(b, &[vpc_block(&a.to_string())]);
                prop_assert_eq!(ab.len(), ba.len());
                if let (Some(x), Some(y)) = (ab.first(), ba.first()) {
                    let mirrored = match x.kind {
                        ConflictKind::Exact => ConflictKind::Exact,
                        ConflictKind::PlannedContainsExisting => ConflictKind::PlannedInsideExisting,
                        ConflictKind::PlannedInsideExisting => ConflictKind::PlannedContainsExisting,
                    };
                    prop_assert_eq!(y.kind, mirrored);
                }
            }

            #[test]
            fn block_always_conflicts_with_itself(a in any_net(0, 32)) {
                let c = find_conflicts(a, &[vpc_block(&a.to_string())]);
                prop_assert_eq!(c.len(), 1);
                prop_assert_eq!(c[0].kind, ConflictKind::Exact);
            }

            #[test]
            fn suggestion_is_free_and_keeps_layout(
                plan in any_plan(),
                existing in proptest::collection::vec(any_net(8, 28), 0..200),
                near in proptest::collection::vec((0u32..0x0100_0000, 16u8..=24), 0..200),
            ) {
                // Crowd the planned VPC's neighbourhood so suggestions have to move.
                let mut existing = existing;
                let base = u32::from(plan.vpc.network());
                existing.extend(near.iter().map(|&(off, p)| {
                    Ipv4Net::new(Ipv4Addr::from(base.wrapping_add(off)), p).expect("prefix").trunc()
                }));
                if let Some(s) = suggest_free_plan(&plan, &existing, &[]) {
                    prop_assert_eq!(s.vpc.prefix_len(), plan.vpc.prefix_len());
                    prop_assert!(RFC1918.iter().any(|r| r.contains(&s.vpc)));
                    for e in &existing {
                        prop_assert!(!overlaps(&s.vpc, e), "{} overlaps {}", s.vpc, e);
                    }
                    let off = |n: Ipv4Net, v: Ipv4Net| u32::from(n.network()) - u32::from(v.network());
                    for ((_, ns), (_, os)) in s.subnets().iter().zip(plan.subnets()) {
                        prop_assert!(s.vpc.contains(ns));
                        prop_assert_eq!(ns.prefix_len(), os.prefix_len());
                        prop_assert_eq!(off(*ns, s.vpc), off(os, plan.vpc));
                    }
                }
            }

        }

        proptest! {
            // The brute-force oracle walks up to 65,536 candidates per case.
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn suggestion_is_the_nearest_free_block(
                plan in any_plan(),
                crowd in proptest::collection::vec((-0x0008_0000i64..0x0008_0000, 12u8..=24), 0..120),
            ) {
                // Move the plan into 10/8 and crowd blocks around it, then
                // compare with a brute-force scan of every aligned candidate.
                let base = (u32::from(plan.vpc.network()) & 0x00ff_ff00) | 0x0a00_0000;
                let vpc = Ipv4Net::new(Ipv4Addr::from(base), plan.vpc.prefix_len()).expect("p").trunc();
                let plan = plan.relocated(vpc).expect("same prefix");
                let target = u64::from(u32::from(plan.vpc.network()));
                let existing: Vec<Ipv4Net> = crowd
                    .iter()
                    .map(|&(off, p)| {
                        let a = (i64::try_from(target).expect("i64") + off).clamp(0x0a00_0000, 0x0aff_ffff);
                        let a = u32::try_from(a).expect("u32");
                        Ipv4Net::new(Ipv4Addr::from(a), p).expect("prefix").trunc()
                    })
                    .collect();
                let within = [net("10.0.0.0/8")];
                let s = suggest_free_plan(&plan, &existing, &within);
                let size = block_size(plan.vpc.prefix_len());
                let brute = (0x0a00_0000u64..0x0b00_0000)
                    .step_by(usize::try_from(size).expect("size"))
                    .filter(|&c| {
                        let c = u32::try_from(c).expect("u32");
                        let cand = Ipv4Net::new(Ipv4Addr::from(c), plan.vpc.prefix_len()).expect("p");
                        existing.iter().all(|e| !overlaps(&cand, e))
                    })
                    .map(|c| target.abs_diff(c))
                    .min();
                let got = s.map(|s| target.abs_diff(u64::from(u32::from(s.vpc.network()))));
                prop_assert_eq!(got, brute);
            }

            #[test]
            fn relocated_subnets_stay_inside(plan in any_plan(), to in any_net(16, 24)) {
                let to = Ipv4Net::new(to.network(), plan.vpc.prefix_len()).expect("p").trunc();
                let moved = plan.relocated(to).expect("same prefix");
                for (_, s) in moved.subnets() {
                    prop_assert!(moved.vpc.contains(&s));
                }
                // A valid layout stays valid wherever it goes (apart from range warnings).
                let before: Vec<_> = validate_plan(&plan, 1, 0).into_iter().filter(|f| f.code == FindingCode::CidrSubnetsOverlap || f.code == FindingCode::CidrSubnetOutsideVpc).collect();
                let after: Vec<_> = validate_plan(&moved, 1, 0).into_iter().filter(|f| f.code == FindingCode::CidrSubnetsOverlap || f.code == FindingCode::CidrSubnetOutsideVpc).collect();
                prop_assert_eq!(before.len(), after.len());
            }
        }
    }
}
