//! The Price List Query API as data: which GetProducts queries give the estimate's prices
//! (service code and TERM_MATCH filters), and how a product of its `PriceList` (a JSON
//! document: `product.attributes`, `terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD`) is
//! read into a [`PriceKey`]. Usage types carry a region prefix (`USE1-NatGateway-Hours`), so
//! they are matched by their ending.

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

/// Which price a product of `service_code` is, if it is one the estimate needs.
pub fn classify(service_code: &str, product: &Value) -> Option<PriceKey> {
    let usage = attr(product, "usagetype");
    let ends = |s: &str| usage.ends_with(s);
    match service_code {
        "AWSNetworkFirewall" if usage.contains("Advanced") => None,
        "AWSNetworkFirewall" if ends("-Endpoint-Hour") || usage == "Endpoint-Hour" => {
            Some(PriceKey::FirewallEndpointHour)
        }
        "AWSNetworkFirewall" if ends("Traffic-GB-Processed") => Some(PriceKey::FirewallGb),
        "AmazonEC2" if usage.contains("RegionalNatGateway") => None,
        "AmazonEC2" if ends("NatGateway-Hours") => Some(PriceKey::NatGatewayHour),
        "AmazonEC2" if ends("NatGateway-Bytes") => Some(PriceKey::NatGatewayGb),
        "AmazonVPC" if ends("VpcEndpoint-Hours") => Some(PriceKey::InterfaceEndpointHour),
        "AmazonVPC" if ends("VpcEndpoint-Bytes") => Some(PriceKey::InterfaceEndpointGb),
        "AmazonVPC" if ends("PublicIPv4:InUseAddress") => Some(PriceKey::PublicIpv4Hour),
        "awskms" if ends("KMS-Keys") => Some(PriceKey::KmsKeyMonth),
        "AmazonCloudWatch" if ends("VendedLog-Bytes") => Some(PriceKey::LogDeliveryGb),
        "AmazonCloudWatch" if ends("TimedStorage-ByteHrs") => Some(PriceKey::LogStorageGbMonth),
        _ => None,
    }
}

/// Read the products GetProducts returned for `service_code` (each a JSON string of the
/// `PriceList`) into `prices`: the first product for each key wins (a later duplicate is
/// ignored); a string that is not JSON is skipped and counted in the returned number.
pub fn read_products(
    service_code: &str,
    price_list: &[String],
    source: &super::PriceSource,
    prices: &mut Prices,
) -> usize {
    let mut unreadable = 0;
    for text in price_list {
        let Ok(product) = serde_json::from_str::<Value>(text) else {
            unreadable += 1;
            continue;
        };
        let Some(key) = classify(service_code, &product) else {
            continue;
        };
        let Some((usd, _unit)) = on_demand_usd(&product) else {
            unreadable += 1;
            continue;
        };
        prices.prices.entry(key).or_insert(super::Price {
            usd,
            source: source.clone(),
        });
    }
    unreadable
}

/// A SageMaker instance's hourly price from the products of [`sagemaker_query`]: the Studio
/// (JupyterLab / Code Editor) notebook price, else a notebook instance's, per hour.
pub fn sagemaker_hourly(price_list: &[String], instance_type: &str) -> Option<f64> {
    let products: Vec<Value> = price_list
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .filter(|p| attr(p, "instanceName") == instance_type)
        .collect();
    let hourly = |want: &str| {
        products
            .iter()
            .filter(|p| attr(p, "usagetype").contains(want))
            .filter_map(on_demand_usd)
            .find(|(_, unit)| unit.starts_with("Hr"))
            .map(|(usd, _)| usd)
    };
    hourly("Studio").or_else(|| hourly("Notebk"))
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
        assert_eq!(read_products("AmazonEC2", &list, &src, &mut p), 1);
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
}
