//! The Price List Query API as data: which GetProducts queries give the estimate's prices
//! (service code and TERM_MATCH filters), and how a product of its `PriceList` (a JSON
//! document: `product.attributes`, `terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD`) is
//! read into a [`PriceKey`]. A usage type is the billing code of one region and one meter:
//! `USE1-NatGateway-Hours`, or `NatGateway-Hours` for some us-east-1 products. It is matched
//! whole, the optional region prefix (one word of capitals and digits) excepted, so a
//! neighbour that only ends the same way (`USE1-Advanced-Inspection-Endpoint-Hour`,
//! `USE1-RegionalNatGateway-Hours`) is never read as the product the estimate wants. Two
//! products that both match one price with different prices make that price unknown: the
//! estimate then takes it from the bundled table and says so, instead of picking one.

use serde_json::Value;

use super::{PriceKey, Prices};

/// One GetProducts query: a service code and its filters, each `(field, value)` a TERM_MATCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub service_code: &'static str,
    pub filters: Vec<(&'static str, String)>,
}

/// The queries for `region`'s prices: one per service, filtered by `regionCode` (and for EC2,
/// whose products are many, by the NAT gateway's product family).
pub fn queries(region: &str) -> Vec<Query> {
    let r = || ("regionCode", region.to_string());
    vec![
        Query {
            service_code: "AWSNetworkFirewall",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonEC2",
            filters: vec![r(), ("productFamily", "NAT Gateway".to_string())],
        },
        Query {
            service_code: "AmazonVPC",
            filters: vec![r()],
        },
        Query {
            service_code: "awskms",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonCloudWatch",
            filters: vec![r()],
        },
    ]
}

/// The query for a SageMaker instance type's hourly prices in `region`.
pub fn sagemaker_query(region: &str, instance_type: &str) -> Query {
    Query {
        service_code: "AmazonSageMaker",
        filters: vec![
            ("regionCode", region.to_string()),
            ("instanceName", instance_type.to_string()),
        ],
    }
}

/// A product's attribute.
fn attr<'a>(product: &'a Value, name: &str) -> &'a str {
    product["product"]["attributes"][name]
        .as_str()
        .unwrap_or_default()
}

/// The on-demand price of a product's first tier (the dimension whose range begins at 0), in
/// US dollars, with its unit.
pub fn on_demand_usd(product: &Value) -> Option<(f64, String)> {
    let terms = product["terms"]["OnDemand"].as_object()?;
    let mut best: Option<(f64, String)> = None;
    for term in terms.values() {
        for dim in term["priceDimensions"].as_object()?.values() {
            let begin = dim["beginRange"].as_str().unwrap_or("0");
            let usd = dim["pricePerUnit"]["USD"].as_str()?.parse::<f64>().ok()?;
            let unit = dim["unit"].as_str().unwrap_or_default().to_string();
            if begin.parse::<f64>().ok() == Some(0.0) {
                return Some((usd, unit));
            }
            best.get_or_insert((usd, unit));
        }
    }
    best
}

/// Whether `usage` is the meter `meter`, with or without one region prefix: a billing code
/// (`USE1-`, `EU-`, `APN2-`: one word of capital letters and digits) or, as AWS KMS writes
/// its usage types, the region's name (`us-east-1-KMS-Keys`).
pub fn is_meter(usage: &str, meter: &str) -> bool {
    if usage == meter {
        return true;
    }
    usage.strip_suffix(meter).is_some_and(|head| {
        head.strip_suffix('-')
            .is_some_and(|prefix| is_billing_code(prefix) || is_region_name(prefix))
    })
}

/// `USE1`, `EU`, `APN2`, `UGW1`.
fn is_billing_code(prefix: &str) -> bool {
    (2..=5).contains(&prefix.len())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `us-east-1`, `ap-southeast-5`, `us-gov-west-1`: words of small letters, the last one a
/// number.
fn is_region_name(prefix: &str) -> bool {
    let words: Vec<&str> = prefix.split('-').collect();
    let Some((number, names)) = words.split_last() else {
        return false;
    };
    names.len() >= 2
        && names
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

/// The meters of the estimate: (service code, usage type without its region prefix, price).
const METERS: &[(&str, &str, PriceKey)] = &[
    (
        "AWSNetworkFirewall",
        "Endpoint-Hour",
        PriceKey::FirewallEndpointHour,
    ),
    (
        "AWSNetworkFirewall",
        "Traffic-GB-Processed",
        PriceKey::FirewallGb,
    ),
    ("AmazonEC2", "NatGateway-Hours", PriceKey::NatGatewayHour),
    ("AmazonEC2", "NatGateway-Bytes", PriceKey::NatGatewayGb),
    (
        "AmazonVPC",
        "VpcEndpoint-Hours",
        PriceKey::InterfaceEndpointHour,
    ),
    (
        "AmazonVPC",
        "VpcEndpoint-Bytes",
        PriceKey::InterfaceEndpointGb,
    ),
    (
        "AmazonVPC",
        "PublicIPv4:InUseAddress",
        PriceKey::PublicIpv4Hour,
    ),
    ("awskms", "KMS-Keys", PriceKey::KmsKeyMonth),
    (
        "AmazonCloudWatch",
        "VendedLog-Bytes",
        PriceKey::LogDeliveryGb,
    ),
    (
        "AmazonCloudWatch",
        "TimedStorage-ByteHrs",
        PriceKey::LogStorageGbMonth,
    ),
];

/// Which price a product of `service_code` is, if it is one the estimate needs.
pub fn classify(service_code: &str, product: &Value) -> Option<PriceKey> {
    let usage = attr(product, "usagetype");
    METERS
        .iter()
        .find(|(service, meter, _)| *service == service_code && is_meter(usage, meter))
        .map(|(_, _, key)| *key)
}

/// Read the products GetProducts returned for `service_code` (each a JSON string of the
/// `PriceList`) into `prices`. A price two products give differently is left out (and
/// returned in [`Read::ambiguous`]); a string that is not JSON, or a product of the estimate
/// without a readable on-demand price, is counted in [`Read::unreadable`].
pub fn read_products(
    service_code: &str,
    price_list: &[String],
    source: &super::PriceSource,
    prices: &mut Prices,
) -> Read {
    let mut read = Read::default();
    let mut found: std::collections::BTreeMap<PriceKey, f64> = std::collections::BTreeMap::new();
    for text in price_list {
        let Ok(product) = serde_json::from_str::<Value>(text) else {
            read.unreadable += 1;
            continue;
        };
        let Some(key) = classify(service_code, &product) else {
            continue;
        };
        let Some((usd, _unit)) = on_demand_usd(&product) else {
            read.unreadable += 1;
            continue;
        };
        match found.get(&key) {
            Some(seen) if *seen != usd => {
                if !read.ambiguous.contains(&key) {
                    read.ambiguous.push(key);
                }
            }
            Some(_) => {}
            None => {
                found.insert(key, usd);
            }
        }
    }
    for (key, usd) in found {
        if read.ambiguous.contains(&key) {
            continue;
        }
        prices.prices.insert(
            key,
            super::Price {
                usd,
                source: source.clone(),
            },
        );
    }
    read
}

/// What [`read_products`] could not use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Read {
    /// Strings that were not JSON, and products of the estimate with no on-demand price.
    pub unreadable: usize,
    /// Prices that two products gave differently: left out, never guessed.
    pub ambiguous: Vec<PriceKey>,
}

/// What a SageMaker instance runs for: each use is priced by its own products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SageMakerUse {
    /// A Studio JupyterLab or Code Editor space's app.
    StudioApp,
    /// A notebook instance.
    NotebookInstance,
    /// A real-time inference endpoint's instance.
    Hosting,
    /// A training job's instance.
    Training,
    /// A processing job's instance.
    Processing,
}

impl SageMakerUse {
    /// The use's `platoinstancetype` values in the price list (spelled as AWS spells them).
    fn plato(self) -> &'static [&'static str] {
        match self {
            SageMakerUse::StudioApp => &["Studio-JupyterLab", "studio-codeeditor"],
            SageMakerUse::NotebookInstance => &["Notebook"],
            SageMakerUse::Hosting => &["Hosting"],
            SageMakerUse::Training => &["Training"],
            SageMakerUse::Processing => &["Processing"],
        }
    }

    /// The use's meter for `instance_type` without its region prefix, for a listing whose
    /// products lack `platoinstancetype`; None where the meter is not known.
    fn meter(self, instance_type: &str) -> Option<String> {
        match self {
            SageMakerUse::StudioApp => Some(format!("Studio:JupyterLab-{instance_type}")),
            SageMakerUse::NotebookInstance => Some(format!("Notebk:{instance_type}")),
            SageMakerUse::Hosting => Some(format!("Host:{instance_type}")),
            SageMakerUse::Training => Some(format!("Train:{instance_type}")),
            SageMakerUse::Processing => None,
        }
    }

    /// How the output names the use.
    pub fn label(self) -> &'static str {
        match self {
            SageMakerUse::StudioApp => "Studio app",
            SageMakerUse::NotebookInstance => "notebook instance",
            SageMakerUse::Hosting => "endpoint",
            SageMakerUse::Training => "training job",
            SageMakerUse::Processing => "processing job",
        }
    }

    /// The key of its price in the cache: a Studio app's is the instance type alone (as
    /// caches written before the other uses were priced hold it).
    pub fn cache_key(self, instance_type: &str) -> String {
        match self {
            SageMakerUse::StudioApp => instance_type.to_string(),
            other => format!("{}:{instance_type}", other.plato()[0]),
        }
    }
}

/// A SageMaker instance's hourly price for a Studio app (JupyterLab, Code Editor): see
/// [`sagemaker_hourly_for`].
pub fn sagemaker_hourly(price_list: &[String], instance_type: &str) -> Option<f64> {
    sagemaker_hourly_for(price_list, instance_type, SageMakerUse::StudioApp)
}

/// A SageMaker instance's hourly price for `usage` from the products of [`sagemaker_query`]:
/// the products whose `platoinstancetype` is the use's (or, for a listing without that
/// attribute, whose usage type is the use's meter: `<prefix>-Studio:JupyterLab-<type>`,
/// `<prefix>-Notebk:<type>`…), priced per hour. Other uses of the type are other products
/// and never read. None when no product matches or matching products disagree.
pub fn sagemaker_hourly_for(
    price_list: &[String],
    instance_type: &str,
    usage: SageMakerUse,
) -> Option<f64> {
    let products: Vec<Value> = price_list
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .filter(|p| attr(p, "instanceName") == instance_type)
        .collect();
    let meter = usage.meter(instance_type);
    let is_use = |p: &Value| {
        let plato = attr(p, "platoinstancetype");
        if plato.is_empty() {
            meter
                .as_deref()
                .is_some_and(|m| is_meter(attr(p, "usagetype"), m))
        } else {
            usage.plato().iter().any(|u| u.eq_ignore_ascii_case(plato))
        }
    };
    let mut hourly = products
        .iter()
        .filter(|p| is_use(p))
        .filter_map(on_demand_usd)
        .filter(|(_, unit)| unit.starts_with("Hr"))
        .map(|(usd, _)| usd);
    let first = hourly.next()?;
    hourly.all(|usd| usd == first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cost::PriceSource;

    fn product(service: &str, usage: &str, unit: &str, usd: &str) -> String {
        serde_json::json!({
            "product": {"productFamily": "x", "sku": "SKU1",
                "attributes": {"usagetype": usage, "regionCode": "us-east-1", "servicecode": service}},
            "serviceCode": service,
            "terms": {"OnDemand": {"SKU1.JRTCKXETXF": {"priceDimensions": {
                "SKU1.JRTCKXETXF.6YS6EN2CT7": {"unit": unit, "beginRange": "0", "endRange": "Inf",
                    "pricePerUnit": {"USD": usd}}}}}},
            "publicationDate": "2026-11-30T00:00:00Z"
        })
        .to_string()
    }

    #[test]
    fn products_are_read_by_the_ending_of_their_usage_type() {
        let src = PriceSource::Api {
            date: "2026-12-07".into(),
            cached: false,
        };
        let mut p = Prices {
            region: "us-east-1".into(),
            ..Prices::default()
        };
        let list = vec![
            product(
                "AmazonEC2",
                "USE1-RegionalNatGateway-Hours",
                "Hrs",
                "0.0900000000",
            ),
            product("AmazonEC2", "USE1-NatGateway-Hours", "Hrs", "0.0450000000"),
            product("AmazonEC2", "USE1-NatGateway-Bytes", "GB", "0.0450000000"),
            "not json".to_string(),
        ];
        assert_eq!(
            read_products("AmazonEC2", &list, &src, &mut p).unreadable,
            1
        );
        assert_eq!(p.get(PriceKey::NatGatewayHour).unwrap().usd, 0.045);
        assert_eq!(p.get(PriceKey::NatGatewayGb).unwrap().usd, 0.045);
        let nfw = vec![
            product(
                "AWSNetworkFirewall",
                "USE1-Advanced-Inspection-Endpoint-Hour",
                "hour",
                "0.5",
            ),
            product("AWSNetworkFirewall", "USE1-Endpoint-Hour", "hour", "0.395"),
        ];
        read_products("AWSNetworkFirewall", &nfw, &src, &mut p);
        assert_eq!(p.get(PriceKey::FirewallEndpointHour).unwrap().usd, 0.395);
    }

    #[test]
    fn the_queries_filter_by_region_code() {
        let q = queries("eu-west-1");
        assert_eq!(q.len(), 5);
        assert!(
            q.iter()
                .all(|q| q.filters[0] == ("regionCode", "eu-west-1".into()))
        );
    }

    fn sagemaker(usage: &str, plato: Option<&str>, instance: &str, usd: &str) -> String {
        let mut v: Value =
            serde_json::from_str(&product("AmazonSageMaker", usage, "Hrs", usd)).unwrap();
        let attrs = &mut v["product"]["attributes"];
        attrs["instanceName"] = instance.into();
        if let Some(p) = plato {
            attrs["platoinstancetype"] = p.into();
        }
        v.to_string()
    }

    #[test]
    fn a_meter_is_matched_whole_with_at_most_one_region_prefix() {
        assert!(is_meter("USE1-NatGateway-Hours", "NatGateway-Hours"));
        assert!(is_meter("NatGateway-Hours", "NatGateway-Hours"));
        assert!(is_meter("EU-NatGateway-Hours", "NatGateway-Hours"));
        assert!(is_meter("APN2-Endpoint-Hour", "Endpoint-Hour"));
        assert!(!is_meter(
            "USE1-RegionalNatGateway-Hours",
            "NatGateway-Hours"
        ));
        assert!(!is_meter(
            "USE1-Advanced-Inspection-Endpoint-Hour",
            "Endpoint-Hour"
        ));
        assert!(!is_meter(
            "USE1-Advanced-Traffic-GB-Processed",
            "Traffic-GB-Processed"
        ));
        assert!(!is_meter("use1-NatGateway-Hours", "NatGateway-Hours"));
        assert!(!is_meter("X-NatGateway-Hours", "NatGateway-Hours"));
        assert!(!is_meter("ABCDEF-NatGateway-Hours", "NatGateway-Hours"));
        assert!(!is_meter("USE1NatGateway-Hours", "NatGateway-Hours"));
        assert!(!is_meter("USE1-NatGateway-Hours-Extra", "NatGateway-Hours"));
        assert!(!is_meter("-NatGateway-Hours", "NatGateway-Hours"));
        // AWS KMS names its usage types with the region's name.
        assert!(is_meter("us-east-1-KMS-Keys", "KMS-Keys"));
        assert!(is_meter("ap-southeast-1-KMS-Keys", "KMS-Keys"));
        assert!(is_meter("us-gov-west-1-KMS-Keys", "KMS-Keys"));
        assert!(!is_meter("us-east-1-KMS-Requests", "KMS-Keys"));
        assert!(!is_meter("us-east-KMS-Keys", "KMS-Keys"));
        assert!(!is_meter("east-1-KMS-Keys", "KMS-Keys"));
        assert!(!is_meter("us-East-1-KMS-Keys", "KMS-Keys"));
        assert!(!is_meter("us--1-KMS-Keys", "KMS-Keys"));
        assert!(!is_meter("us-east-1x-KMS-Keys", "KMS-Keys"));
    }

    #[test]
    fn a_neighbour_listed_first_is_not_read_as_the_product() {
        let src = PriceSource::Api {
            date: "2026-12-07".into(),
            cached: false,
        };
        let mut p = Prices {
            region: "us-east-1".into(),
            ..Prices::default()
        };
        let nfw = vec![
            product(
                "AWSNetworkFirewall",
                "USE1-Advanced-Traffic-GB-Processed",
                "GB",
                "0.9",
            ),
            product(
                "AWSNetworkFirewall",
                "USE1-Traffic-GB-Processed",
                "GB",
                "0.065",
            ),
        ];
        let read = read_products("AWSNetworkFirewall", &nfw, &src, &mut p);
        assert_eq!(read, Read::default());
        assert_eq!(p.get(PriceKey::FirewallGb).unwrap().usd, 0.065);
        let vpc = vec![
            product("AmazonVPC", "USE1-PublicIPv4:IdleAddress", "Hrs", "0.5"),
            product("AmazonVPC", "USE1-PublicIPv4:InUseAddress", "Hrs", "0.005"),
        ];
        read_products("AmazonVPC", &vpc, &src, &mut p);
        assert_eq!(p.get(PriceKey::PublicIpv4Hour).unwrap().usd, 0.005);
    }

    #[test]
    fn two_products_that_disagree_leave_the_price_unknown() {
        let src = PriceSource::Api {
            date: "2026-12-07".into(),
            cached: false,
        };
        let mut p = Prices {
            region: "us-east-1".into(),
            ..Prices::default()
        };
        let list = vec![
            product("AmazonEC2", "USE1-NatGateway-Hours", "Hrs", "0.045"),
            product("AmazonEC2", "NatGateway-Hours", "Hrs", "0.090"),
            product("AmazonEC2", "USE1-NatGateway-Bytes", "GB", "0.045"),
            product("AmazonEC2", "NatGateway-Bytes", "GB", "0.045"),
        ];
        let read = read_products("AmazonEC2", &list, &src, &mut p);
        assert_eq!(read.ambiguous, vec![PriceKey::NatGatewayHour]);
        assert!(p.get(PriceKey::NatGatewayHour).is_none());
        assert_eq!(p.get(PriceKey::NatGatewayGb).unwrap().usd, 0.045);
        assert_eq!(
            classify("AmazonVPC", &serde_json::from_str(&list[0]).unwrap()),
            None
        );
    }

    #[test]
    fn a_studio_app_is_priced_from_its_own_product_only() {
        let list = vec![
            sagemaker(
                "USE1-Notebk:ml.t3.medium",
                Some("Notebook"),
                "ml.t3.medium",
                "0.0582",
            ),
            sagemaker(
                "USE1-Host:ml.t3.medium",
                Some("Hosting"),
                "ml.t3.medium",
                "0.07",
            ),
            sagemaker(
                "USE1-Studio:JupyterLab-ml.t3.medium",
                Some("Studio-JupyterLab"),
                "ml.t3.medium",
                "0.05",
            ),
            sagemaker(
                "USE1-Studio:CodeEditor-ml.t3.medium",
                Some("studio-codeeditor"),
                "ml.t3.medium",
                "0.05",
            ),
            sagemaker(
                "USE1-Studio:JupyterLab-ml.m5.large",
                Some("Studio-JupyterLab"),
                "ml.m5.large",
                "0.115",
            ),
        ];
        assert_eq!(sagemaker_hourly(&list, "ml.t3.medium"), Some(0.05));
        assert_eq!(sagemaker_hourly(&list, "ml.m5.large"), Some(0.115));
        assert_eq!(sagemaker_hourly(&list[..2], "ml.t3.medium"), None);
        assert_eq!(sagemaker_hourly(&list, "ml.c5.large"), None);
        let without_plato = vec![
            sagemaker("USE1-Notebk:ml.t3.medium", None, "ml.t3.medium", "0.0582"),
            sagemaker(
                "USE1-Studio:JupyterLab-ml.t3.medium",
                None,
                "ml.t3.medium",
                "0.05",
            ),
        ];
        assert_eq!(sagemaker_hourly(&without_plato, "ml.t3.medium"), Some(0.05));
        let disagree = vec![
            sagemaker(
                "USE1-Studio:JupyterLab-ml.t3.medium",
                Some("Studio-JupyterLab"),
                "ml.t3.medium",
                "0.05",
            ),
            sagemaker(
                "USE1-Studio:CodeEditor-ml.t3.medium",
                Some("studio-codeeditor"),
                "ml.t3.medium",
                "0.06",
            ),
        ];
        assert_eq!(sagemaker_hourly(&disagree, "ml.t3.medium"), None);
    }

    #[test]
    fn each_use_of_an_instance_type_is_its_own_price() {
        let list = vec![
            sagemaker(
                "USE1-Notebk:ml.m5.large",
                Some("Notebook"),
                "ml.m5.large",
                "0.1150",
            ),
            sagemaker(
                "USE1-Host:ml.m5.large",
                Some("Hosting"),
                "ml.m5.large",
                "0.1150",
            ),
            sagemaker(
                "USE1-Train:ml.m5.large",
                Some("Training"),
                "ml.m5.large",
                "0.1150",
            ),
            sagemaker(
                "USE1-Studio:JupyterLab-ml.m5.large",
                Some("Studio-JupyterLab"),
                "ml.m5.large",
                "0.1150",
            ),
            sagemaker(
                "USE1-Notebk:ml.t3.medium",
                Some("Notebook"),
                "ml.t3.medium",
                "0.0582",
            ),
            sagemaker(
                "USE1-Host:ml.t3.medium",
                Some("Hosting"),
                "ml.t3.medium",
                "0.07",
            ),
        ];
        let t3 = |u| sagemaker_hourly_for(&list, "ml.t3.medium", u);
        assert_eq!(t3(SageMakerUse::NotebookInstance), Some(0.0582));
        assert_eq!(t3(SageMakerUse::Hosting), Some(0.07));
        assert_eq!(t3(SageMakerUse::Training), None);
        assert_eq!(t3(SageMakerUse::StudioApp), None);
        assert_eq!(
            sagemaker_hourly_for(&list, "ml.m5.large", SageMakerUse::Training),
            Some(0.115)
        );
        let old = vec![
            sagemaker("USE1-Train:ml.c5.xlarge", None, "ml.c5.xlarge", "0.204"),
            sagemaker("USE1-Processing:ml.c5.xlarge", None, "ml.c5.xlarge", "0.9"),
        ];
        assert_eq!(
            sagemaker_hourly_for(&old, "ml.c5.xlarge", SageMakerUse::Training),
            Some(0.204)
        );
        assert_eq!(
            sagemaker_hourly_for(&old, "ml.c5.xlarge", SageMakerUse::Processing),
            None
        );
        assert_eq!(
            SageMakerUse::StudioApp.cache_key("ml.t3.medium"),
            "ml.t3.medium"
        );
        assert_eq!(
            SageMakerUse::NotebookInstance.cache_key("ml.t3.medium"),
            "Notebook:ml.t3.medium"
        );
    }
}
