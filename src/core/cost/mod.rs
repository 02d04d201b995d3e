//! What the environment costs: the billed resources of the template (a [`Footprint`]), the
//! prices of one region ([`Prices`], from the AWS Price List Query API or the bundled table),
//! and the monthly [`Estimate`] itemised per billed resource, with the per-GB rates of the
//! traffic paths shown as rates and the NAT-behind-firewall waiver applied. Pure: the prices
//! come in, nothing is fetched here.

pub mod bundled;
pub mod catalog;
pub mod runrate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Hours in a month, as AWS's pricing pages and calculator count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// How long prices read from the API are used before they are asked again: AWS changes prices
/// rarely and announces them ahead, so a week old table is still the month's price.
pub const CACHE_MAX_AGE_MS: i64 = 7 * 24 * 3600 * 1000;

/// Are prices fetched at `fetched_ms` still good at `now_ms`? (A clock set back makes them
/// stale, never fresh forever.)
pub fn cache_is_fresh(fetched_ms: i64, now_ms: i64) -> bool {
    let age = now_ms - fetched_ms;
    (0..CACHE_MAX_AGE_MS).contains(&age)
}

/// Is `s` a date written YYYY-MM-DD (ASCII digits and two dashes, nothing else)?
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The regions the Price List Query API answers in (its three endpoints).
pub const PRICING_API_REGIONS: [&str; 3] = ["us-east-1", "eu-central-1", "ap-south-1"];

/// Why `region` gets no estimate: the AWS GovCloud (US) and China partitions have prices of
/// their own (China's in CNY) and a Price List Query API of their own, which studio-tui does not
/// ask; the bundled table holds commercial US dollar prices only. None for a commercial region.
pub fn not_priced(region: &str) -> Option<String> {
    if region.starts_with("us-gov-") {
        Some(format!(
            "no cost estimate in {region}: AWS GovCloud (US) prices differ from the commercial \
             regions' and studio-tui does not support the Price List Query API in that \
             partition; see the AWS GovCloud (US) pricing pages"
        ))
    } else if region.starts_with("cn-") {
        Some(format!(
            "no cost estimate in {region}: the China regions are priced in CNY and differ from \
             the commercial regions, and studio-tui does not support the Price List Query API \
             in that partition; see the Amazon Web Services China pricing pages"
        ))
    } else {
        None
    }
}

/// The Price List Query API endpoint to ask for `region`'s prices: the nearest of its three
/// (any of them returns every commercial region's prices; the region is a filter of the
/// query). None for the GovCloud and China partitions ([`not_priced`]).
pub fn pricing_api_region(region: &str) -> Option<&'static str> {
    if not_priced(region).is_some() {
        return None;
    }
    let area = region.split('-').next().unwrap_or_default();
    Some(match area {
        "eu" | "me" | "af" | "il" => "eu-central-1",
        "ap" => "ap-south-1",
        _ => "us-east-1",
    })
}

/// One price the estimate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceKey {
    /// AWS Network Firewall, per firewall endpoint-hour.
    FirewallEndpointHour,
    /// AWS Network Firewall, per GB processed.
    FirewallGb,
    /// NAT gateway (zonal), per NAT gateway-hour.
    NatGatewayHour,
    /// NAT gateway (zonal), per GB processed.
    NatGatewayGb,
    /// An in-use public IPv4 address, per hour.
    PublicIpv4Hour,
    /// An interface VPC endpoint, per endpoint-hour in one zone.
    InterfaceEndpointHour,
    /// An interface VPC endpoint, per GB processed.
    InterfaceEndpointGb,
    /// A customer managed KMS key, per month.
    KmsKeyMonth,
    /// CloudWatch Logs vended log delivery, per GB.
    LogDeliveryGb,
    /// CloudWatch Logs storage, per GB-month.
    LogStorageGbMonth,
    /// Data transfer out to the internet, per GB (first tier).
    InternetEgressGb,
}

impl PriceKey {
    pub const ALL: [PriceKey; 11] = [
        PriceKey::FirewallEndpointHour,
        PriceKey::FirewallGb,
        PriceKey::NatGatewayHour,
        PriceKey::NatGatewayGb,
        PriceKey::PublicIpv4Hour,
        PriceKey::InterfaceEndpointHour,
        PriceKey::InterfaceEndpointGb,
        PriceKey::KmsKeyMonth,
        PriceKey::LogDeliveryGb,
        PriceKey::LogStorageGbMonth,
        PriceKey::InternetEgressGb,
    ];
}

/// Where a price came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriceSource {
    /// The Price List Query API, asked on `date` (YYYY-MM-DD); `cached` when read back from
    /// the cache instead of asked now.
    Api { date: String, cached: bool },
    /// The table bundled with studio-tui, checked by hand on `date`; `region` is the region
    /// whose prices it holds (us-east-1's when the asked region has none).
    Bundled { date: String, region: String },
}

impl PriceSource {
    /// How the output names it: "AWS Price List API, 2026-12-07 (cached)", or
    /// "bundled prices of 2026-12-01" (never passed off as live).
    pub fn label(&self) -> String {
        match self {
            PriceSource::Api { date, cached } => format!(
                "AWS Price List API, {date}{}",
                if *cached { " (cached)" } else { "" }
            ),
            PriceSource::Bundled { date, region } => {
                format!("bundled prices of {date} ({region})")
            }
        }
    }

    pub fn is_bundled(&self) -> bool {
        matches!(self, PriceSource::Bundled { .. })
    }
}

/// One price with its own source: the API may lack one (then the bundled one is used, and
/// says so).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub usd: f64,
    pub source: PriceSource,
}

impl Price {
    /// The price as a form row shows it for `region`: API prices as they are, bundled ones with
    /// "bundled prices of <date>", and whose region they are when not `region`'s.
    pub fn for_row(&self, region: &str) -> RowPrice {
        let note = match &self.source {
            PriceSource::Api { .. } => None,
            PriceSource::Bundled { date, region: r } if r == region => {
                Some(format!("bundled prices of {date}"))
            }
            PriceSource::Bundled { date, region: r } => {
                Some(format!("bundled prices of {date}, {r}'s"))
            }
        };
        RowPrice {
            usd: self.usd,
            note,
        }
    }
}

/// An hourly price on a form row, with where it comes from when it is not the live API's.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPrice {
    pub usd: f64,
    /// "bundled prices of 2026-12-01" (and "us-east-1's" when another region's); None for the
    /// Price List API's.
    pub note: Option<String>,
}

/// The prices of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Prices {
    pub region: String,
    pub prices: BTreeMap<PriceKey, Price>,
}

impl Prices {
    pub fn get(&self, key: PriceKey) -> Option<&Price> {
        self.prices.get(&key)
    }

    /// Fill every price this table lacks from `fallback` (the bundled table).
    pub fn filled_from(mut self, fallback: &Prices) -> Prices {
        for (k, p) in &fallback.prices {
            self.prices.entry(*k).or_insert_with(|| p.clone());
        }
        self
    }

    /// The keys the estimate needs that this table lacks.
    pub fn missing(&self) -> Vec<PriceKey> {
        PriceKey::ALL
            .into_iter()
            .filter(|k| !self.prices.contains_key(k))
            .collect()
    }

    /// The distinct sources of these prices, most trusted first.
    pub fn sources(&self) -> Vec<PriceSource> {
        let mut out: Vec<PriceSource> = Vec::new();
        for p in self.prices.values() {
            if !out.contains(&p.source) {
                out.push(p.source.clone());
            }
        }
        out.sort_by_key(PriceSource::is_bundled);
        out
    }
}

/// The billed resources of the environment's template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Footprint {
    /// Network Firewall endpoints (one per subnet mapping).
    pub firewall_endpoints: u32,
    /// Zonal NAT gateways.
    pub nat_gateways: u32,
    /// Public IPv4 addresses (the NAT gateway's Elastic IP).
    pub public_ipv4: u32,
    /// Interface VPC endpoints (the S3 gateway endpoint is free and not counted).
    pub interface_endpoints: u32,
    /// The zones each interface endpoint has a network interface in.
    pub endpoint_zones: u32,
    /// Customer managed KMS keys.
    pub kms_keys: u32,
    /// Log groups (the firewall's alert log), kept for `log_retention_days`.
    pub log_groups: u32,
    pub log_retention_days: u32,
}

impl Footprint {
    /// `studio-environment.yaml` as it is: one firewall endpoint, one NAT gateway with its
    /// Elastic IP, twelve interface endpoints in the Studio subnet's one zone, three KMS keys
    /// and the alert log group kept 90 days (tests/cost.rs counts them in the template).
    pub const STUDIO_ENVIRONMENT: Footprint = Footprint {
        firewall_endpoints: 1,
        nat_gateways: 1,
        public_ipv4: 1,
        interface_endpoints: 12,
        endpoint_zones: 1,
        kms_keys: 3,
        log_groups: 1,
        log_retention_days: 90,
    };
}

/// One billed resource of the estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    /// A stable name for scripts: "firewall_endpoint", "nat_gateway", ...
    pub id: &'static str,
    pub label: String,
    /// What is counted: "1 endpoint × 730 h".
    pub quantity: String,
    pub unit_price: f64,
    /// "per endpoint-hour", "per key-month".
    pub unit: &'static str,
    /// What it costs a month before the waiver.
    pub list_monthly: f64,
    /// What it costs a month (0 when waived).
    pub monthly: f64,
    /// Why it costs less than its list price.
    pub waived: Option<String>,
    pub source: PriceSource,
}

/// A per-GB rate of a traffic path, shown as a rate: the traffic is not guessed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    pub id: &'static str,
    pub label: String,
    pub usd: f64,
    pub unit: &'static str,
    pub note: Option<String>,
    pub source: PriceSource,
}

/// The monthly cost of the environment in one region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub region: String,
    pub items: Vec<LineItem>,
    pub rates: Vec<Rate>,
    /// The sum of the items, in US dollars a month, before traffic, logs and storage.
    pub monthly: f64,
    /// Where the prices came from (the output names each).
    pub sources: Vec<PriceSource>,
    /// Prices neither the API nor the bundled table had: their items are left out, and named.
    pub missing: Vec<PriceKey>,
}

impl Estimate {
    /// "us-east-1's bundled prices, not eu-west-1's" when a price comes from the bundled
    /// table of another region than the estimate's (the table's stand-in for a region it does
    /// not hold).
    pub fn stand_in(&self) -> Option<String> {
        self.sources.iter().find_map(|s| match s {
            PriceSource::Bundled { region, .. } if *region != self.region => {
                Some(format!("{region}'s bundled prices, not {}'s", self.region))
            }
            _ => None,
        })
    }
}

/// The NAT-behind-firewall waiver as the output words it.
pub const WAIVER: &str = "NAT gateway hours and GB processed are not billed one-to-one against \
    firewall endpoint hours and GB in the same region and path (zonal NAT gateways; the public \
    IPv4 address is still billed)";

/// Data transfer out through the firewall, as the output words it.
pub const EGRESS_NOTE: &str = "the first 100 GB a month, over all of the account's services and \
    regions, are free; since August 2026 data transfer out through the firewall is billed under \
    Network Firewall";

/// The estimate for `footprint` with `prices`. A price the table lacks leaves its item out
/// and is listed in `missing` (never counted as free).
pub fn estimate(footprint: &Footprint, prices: &Prices) -> Estimate {
    let mut items = Vec::new();
    let mut missing = Vec::new();
    let hourly = |id, label: String, count: u32, what: &str, key, unit, waived_hours: u32| {
        prices.get(key).map(|p| {
            let list = f64::from(count) * HOURS_PER_MONTH * p.usd;
            let billed = f64::from(count.saturating_sub(waived_hours)) * HOURS_PER_MONTH * p.usd;
            LineItem {
                id,
                label,
                quantity: format!("{count} {what} × {HOURS_PER_MONTH:.0} h"),
                unit_price: p.usd,
                unit,
                list_monthly: list,
                monthly: billed,
                waived: (waived_hours > 0 && count > 0).then(|| WAIVER.to_string()),
                source: p.source.clone(),
            }
        })
    };
    let fp = footprint;
    let wanted = [
        (
            PriceKey::FirewallEndpointHour,
            hourly(
                "firewall_endpoint",
                "Network Firewall endpoint".to_string(),
                fp.firewall_endpoints,
                plural(fp.firewall_endpoints, "endpoint", "endpoints"),
                PriceKey::FirewallEndpointHour,
                "per endpoint-hour",
                0,
            ),
        ),
        (
            PriceKey::NatGatewayHour,
            hourly(
                "nat_gateway",
                "NAT gateway".to_string(),
                fp.nat_gateways,
                plural(fp.nat_gateways, "gateway", "gateways"),
                PriceKey::NatGatewayHour,
                "per gateway-hour",
                fp.nat_gateways.min(fp.firewall_endpoints),
            ),
        ),
        (
            PriceKey::PublicIpv4Hour,
            hourly(
                "public_ipv4",
                "Public IPv4 address (NAT gateway)".to_string(),
                fp.public_ipv4,
                plural(fp.public_ipv4, "address", "addresses"),
                PriceKey::PublicIpv4Hour,
                "per address-hour",
                0,
            ),
        ),
        (
            PriceKey::InterfaceEndpointHour,
            hourly(
                "interface_endpoints",
                format!(
                    "Interface endpoints ({} × {} {})",
                    fp.interface_endpoints,
                    fp.endpoint_zones,
                    plural(fp.endpoint_zones, "zone", "zones")
                ),
                fp.interface_endpoints * fp.endpoint_zones,
                "endpoint-zones",
                PriceKey::InterfaceEndpointHour,
                "per endpoint-hour per zone",
                0,
            ),
        ),
    ];
    for (key, item) in wanted {
        match item {
            Some(i) => items.push(i),
            None => missing.push(key),
        }
    }
    match prices.get(PriceKey::KmsKeyMonth) {
        Some(p) => items.push(LineItem {
            id: "kms_keys",
            label: "KMS keys (S3, Studio, logs)".to_string(),
            quantity: format!("{} keys", fp.kms_keys),
            unit_price: p.usd,
            unit: "per key-month",
            list_monthly: f64::from(fp.kms_keys) * p.usd,
            monthly: f64::from(fp.kms_keys) * p.usd,
            waived: None,
            source: p.source.clone(),
        }),
        None => missing.push(PriceKey::KmsKeyMonth),
    }
    let (rates, rate_missing) = rates(fp, prices);
    missing.extend(rate_missing);
    let monthly = items.iter().map(|i| i.monthly).sum();
    Estimate {
        region: prices.region.clone(),
        items,
        rates,
        monthly,
        sources: prices.sources(),
        missing,
    }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The per-GB rates of the traffic paths and the logs.
fn rates(fp: &Footprint, prices: &Prices) -> (Vec<Rate>, Vec<PriceKey>) {
    let retention = format!("the alert log is kept {} days", fp.log_retention_days);
    let rows: [(PriceKey, &'static str, &str, &'static str, Option<String>); 6] = [
        (
            PriceKey::FirewallGb,
            "firewall_traffic",
            "Traffic through the firewall",
            "per GB processed",
            None,
        ),
        (
            PriceKey::NatGatewayGb,
            "nat_traffic",
            "Traffic through the NAT gateway",
            "per GB processed",
            (fp.firewall_endpoints > 0).then(|| {
                "not billed for the GB the firewall also processes (the waiver)".to_string()
            }),
        ),
        (
            PriceKey::InterfaceEndpointGb,
            "endpoint_traffic",
            "Traffic through the interface endpoints",
            "per GB processed",
            None,
        ),
        (
            PriceKey::InternetEgressGb,
            "internet_egress",
            "Data transfer out to the internet",
            "per GB (first tier)",
            Some(EGRESS_NOTE.to_string()),
        ),
        (
            PriceKey::LogDeliveryGb,
            "log_delivery",
            "Firewall alert log delivered",
            "per GB",
            None,
        ),
        (
            PriceKey::LogStorageGbMonth,
            "log_storage",
            "Firewall alert log stored",
            "per GB-month",
            Some(retention),
        ),
    ];
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (key, id, label, unit, note) in rows {
        match prices.get(key) {
            Some(p) => out.push(Rate {
                id,
                label: label.to_string(),
                usd: p.usd,
                unit,
                note,
                source: p.source.clone(),
            }),
            None => missing.push(key),
        }
    }
    (out, missing)
}

/// One resource change of a change set, as the cost sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// Add, Modify, Remove, Import, Dynamic.
    pub action: String,
    pub resource_type: String,
    /// For `AWS::EC2::VPCEndpoint`: an interface endpoint (billed) or a gateway one (free);
    /// None when its type is not known.
    pub interface_endpoint: Option<bool>,
}

/// The firewall endpoints one `AWS::NetworkFirewall::Firewall` of the template has (one
/// subnet mapping).
pub const ENDPOINTS_PER_FIREWALL: u32 = 1;

/// The footprint before a change set that leaves `after`: its billed Adds taken away and its
/// billed Removes put back. A Modify, with or without replacement, keeps the count (one
/// resource replaces another). None when a change of a billed resource cannot be counted: an
/// Import or Dynamic change, an endpoint of unknown type, or more added than `after` holds.
pub fn footprint_before(after: &Footprint, changes: &[ResourceChange]) -> Option<Footprint> {
    let mut fp = *after;
    for c in changes {
        let field = match c.resource_type.as_str() {
            "AWS::EC2::NatGateway" => &mut fp.nat_gateways,
            "AWS::EC2::EIP" => &mut fp.public_ipv4,
            "AWS::NetworkFirewall::Firewall" => &mut fp.firewall_endpoints,
            "AWS::KMS::Key" => &mut fp.kms_keys,
            "AWS::EC2::VPCEndpoint" => match c.interface_endpoint {
                Some(true) => &mut fp.interface_endpoints,
                Some(false) => continue,
                None if c.action == "Modify" => continue,
                None => return None,
            },
            _ => continue,
        };
        let per = if c.resource_type == "AWS::NetworkFirewall::Firewall" {
            ENDPOINTS_PER_FIREWALL
        } else {
            1
        };
        *field = match c.action.as_str() {
            "Add" => field.checked_sub(per)?,
            "Remove" => field.checked_add(per)?,
            "Modify" => *field,
            _ => return None,
        };
    }
    Some(fp)
}

/// What the environment cost before a deploy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "usd", rename_all = "snake_case")]
pub enum Before {
    /// A first create: nothing billed yet.
    Nothing,
    /// The deployed stack's estimate.
    Usd(f64),
    /// The change set's changes could not be counted: no change is claimed.
    Unknown,
}

/// The change in monthly cost a deploy makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostChange {
    pub before: Before,
    pub after: f64,
}

impl CostChange {
    /// The change for `footprint` (the template's) with `prices`: from nothing for a first
    /// create, else from the footprint before `changes`.
    pub fn of(
        footprint: &Footprint,
        prices: &Prices,
        create: bool,
        changes: &[ResourceChange],
    ) -> CostChange {
        let after = estimate(footprint, prices).monthly;
        let before = if create {
            Before::Nothing
        } else {
            match footprint_before(footprint, changes) {
                Some(b) => Before::Usd(estimate(&b, prices).monthly),
                None => Before::Unknown,
            }
        };
        CostChange { before, after }
    }

    /// The change in US dollars a month, or None when it is not known.
    pub fn delta(&self) -> Option<f64> {
        match self.before {
            Before::Nothing => Some(self.after),
            Before::Usd(b) => Some(self.after - b),
            Before::Unknown => None,
        }
    }

    /// "+$375.30 a month (new environment)", "no change in monthly cost ($375.30)",
    /// "+$12.00 a month ($375.30 → $387.30)", or "change in monthly cost not estimated
    /// ($375.30 a month after it)".
    pub fn line(&self) -> String {
        match self.before {
            Before::Nothing => format!("{} a month (new environment)", signed_usd(self.after)),
            Before::Usd(b) if (self.after - b).abs() < 0.005 => {
                format!("no change in monthly cost ({})", usd(self.after))
            }
            Before::Usd(b) => format!(
                "{} a month ({} → {})",
                signed_usd(self.after - b),
                usd(b),
                usd(self.after)
            ),
            Before::Unknown => format!(
                "change in monthly cost not estimated ({} a month after it)",
                usd(self.after)
            ),
        }
    }
}

/// "$375.30" (two decimals; "$1,234.50" with a thousands separator).
pub fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (neg, cents) = (cents < 0, cents.unsigned_abs());
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{}${grouped}.{:02}",
        if neg { "-" } else { "" },
        cents % 100
    )
}

/// A rate with enough digits: "$0.065", "$0.0050", "$0.7364".
pub fn rate_usd(v: f64) -> String {
    let s = format!("{v:.4}");
    let trimmed = s.trim_end_matches('0');
    let decimals = trimmed.split('.').nth(1).map_or(0, str::len).max(3);
    format!("${v:.decimals$}")
}

fn signed_usd(v: f64) -> String {
    if v < 0.0 {
        format!("-{}", usd(-v))
    } else {
        format!("+{}", usd(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_price_names_bundled_prices_and_another_regions_table() {
        let bundled = |region: &str| Price {
            usd: 0.1,
            source: PriceSource::Bundled {
                date: "2026-12-01".into(),
                region: region.into(),
            },
        };
        let note = |p: Price, asked: &str| p.for_row(asked).note;
        assert_eq!(
            note(bundled("eu-west-1"), "eu-west-1").as_deref(),
            Some("bundled prices of 2026-12-01")
        );
        assert_eq!(
            note(bundled("us-east-1"), "eu-west-1").as_deref(),
            Some("bundled prices of 2026-12-01, us-east-1's")
        );
        let api = Price {
            usd: 0.1,
            source: PriceSource::Api {
                date: "2026-12-07".into(),
                cached: false,
            },
        };
        assert_eq!(note(api, "eu-west-1"), None);
    }

    #[test]
    fn money_is_written_with_cents_and_separators() {
        assert_eq!(usd(375.3), "$375.30");
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(-2.0), "-$2.00");
        assert_eq!(rate_usd(0.065), "$0.065");
        assert_eq!(rate_usd(0.7364), "$0.7364");
        assert_eq!(rate_usd(0.5), "$0.500");
    }

    #[test]
    fn a_cache_is_fresh_for_a_week() {
        let day = 24 * 3600 * 1000;
        assert!(cache_is_fresh(0, 6 * day));
        assert!(!cache_is_fresh(0, 7 * day));
        assert!(!cache_is_fresh(10 * day, day), "a clock set back");
    }

    #[test]
    fn the_api_endpoint_is_the_nearest_of_three() {
        assert_eq!(pricing_api_region("us-west-2"), Some("us-east-1"));
        assert_eq!(pricing_api_region("eu-west-1"), Some("eu-central-1"));
        assert_eq!(pricing_api_region("ap-southeast-2"), Some("ap-south-1"));
        assert_eq!(pricing_api_region("sa-east-1"), Some("us-east-1"));
        for r in ["us-west-2", "eu-west-1", "ap-south-1", "me-south-1"] {
            assert!(PRICING_API_REGIONS.contains(&pricing_api_region(r).unwrap()));
        }
    }

    #[test]
    fn govcloud_and_china_are_not_priced() {
        for r in [
            "us-gov-west-1",
            "us-gov-east-1",
            "cn-north-1",
            "cn-northwest-1",
        ] {
            assert_eq!(pricing_api_region(r), None, "{r}");
            assert!(not_priced(r).unwrap().contains(r));
        }
        assert!(not_priced("cn-north-1").unwrap().contains("CNY"));
        assert!(not_priced("us-east-1").is_none());
    }

    #[test]
    fn a_change_is_worded_by_its_sign() {
        let new = CostChange {
            before: Before::Nothing,
            after: 375.3,
        };
        assert_eq!(new.line(), "+$375.30 a month (new environment)");
        let same = CostChange {
            before: Before::Usd(375.3),
            after: 375.3,
        };
        assert_eq!(same.line(), "no change in monthly cost ($375.30)");
        let less = CostChange {
            before: Before::Usd(400.0),
            after: 375.3,
        };
        assert_eq!(less.line(), "-$24.70 a month ($400.00 → $375.30)");
        assert!((less.delta().unwrap() + 24.7).abs() < 1e-9);
        let unknown = CostChange {
            before: Before::Unknown,
            after: 375.3,
        };
        assert_eq!(unknown.delta(), None);
        assert!(!unknown.line().contains("no change"), "{}", unknown.line());
    }
}
