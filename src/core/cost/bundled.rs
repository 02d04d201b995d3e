//! The price table bundled with studio-tui (`assets/prices/bundled.json`): the honest fallback
//! when the Price List Query API cannot be reached or `pricing:GetProducts` is denied. It
//! carries its date, and every price read from it says "bundled prices of <date>".

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Price, PriceKey, PriceSource, Prices};

/// The file, as built into the binary.
pub const BUNDLED_JSON: &str = include_str!("../../../assets/prices/bundled.json");

/// The region whose prices stand in for a region the table does not hold.
pub const BUNDLED_DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Deserialize)]
struct File {
    date: String,
    regions: BTreeMap<String, Region>,
}

#[derive(Debug, Deserialize)]
struct Region {
    firewall_endpoint_hour: f64,
    firewall_gb: f64,
    nat_gateway_hour: f64,
    nat_gateway_gb: f64,
    public_ipv4_hour: f64,
    interface_endpoint_hour: f64,
    interface_endpoint_gb: f64,
    kms_key_month: f64,
    log_delivery_gb: f64,
    log_storage_gb_month: f64,
    internet_egress_gb: f64,
    sagemaker_instance_hour: BTreeMap<String, f64>,
}

fn file() -> Result<File, String> {
    serde_json::from_str(BUNDLED_JSON).map_err(|e| format!("bundled price table: {e}"))
}

/// The table's date (YYYY-MM-DD).
pub fn date() -> Result<String, String> {
    Ok(file()?.date)
}

/// The bundled prices for `region`: its own when the table holds them, else us-east-1's (the
/// source says which region they are).
pub fn prices(region: &str) -> Result<Prices, String> {
    let f = file()?;
    let (held, r) = match f.regions.get(region) {
        Some(r) => (region, r),
        None => (
            BUNDLED_DEFAULT_REGION,
            f.regions
                .get(BUNDLED_DEFAULT_REGION)
                .ok_or("bundled price table has no us-east-1")?,
        ),
    };
    let source = PriceSource::Bundled {
        date: f.date.clone(),
        region: held.to_string(),
    };
    let pairs = [
        (PriceKey::FirewallEndpointHour, r.firewall_endpoint_hour),
        (PriceKey::FirewallGb, r.firewall_gb),
        (PriceKey::NatGatewayHour, r.nat_gateway_hour),
        (PriceKey::NatGatewayGb, r.nat_gateway_gb),
        (PriceKey::PublicIpv4Hour, r.public_ipv4_hour),
        (PriceKey::InterfaceEndpointHour, r.interface_endpoint_hour),
        (PriceKey::InterfaceEndpointGb, r.interface_endpoint_gb),
        (PriceKey::KmsKeyMonth, r.kms_key_month),
        (PriceKey::LogDeliveryGb, r.log_delivery_gb),
        (PriceKey::LogStorageGbMonth, r.log_storage_gb_month),
        (PriceKey::InternetEgressGb, r.internet_egress_gb),
    ];
    Ok(Prices {
        region: region.to_string(),
        prices: pairs
            .into_iter()
            .map(|(k, usd)| {
                (
                    k,
                    Price {
                        usd,
                        source: source.clone(),
                    },
                )
            })
            .collect(),
    })
}

/// A SageMaker instance type's bundled price per hour in `region` (us-east-1's when the table
/// has no such region), or None when the table does not list the type.
pub fn sagemaker_instance_hour(region: &str, instance_type: &str) -> Option<Price> {
    let f = file().ok()?;
    let (held, r) = match f.regions.get(region) {
        Some(r) => (region, r),
        None => (
            BUNDLED_DEFAULT_REGION,
            f.regions.get(BUNDLED_DEFAULT_REGION)?,
        ),
    };
    r.sagemaker_instance_hour
        .get(instance_type)
        .map(|usd| Price {
            usd: *usd,
            source: PriceSource::Bundled {
                date: f.date.clone(),
                region: held.to_string(),
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_holds_every_price() {
        let p = prices("us-east-1").unwrap();
        assert!(p.missing().is_empty(), "{:?}", p.missing());
        let d = date().unwrap();
        assert_eq!(d.len(), 10, "{d}");
        assert!(matches!(
            p.get(PriceKey::FirewallEndpointHour).unwrap().source,
            PriceSource::Bundled { ref region, .. } if region == "us-east-1"
        ));
    }

    #[test]
    fn another_region_says_whose_prices_stand_in() {
        let p = prices("eu-west-1").unwrap();
        assert_eq!(p.region, "eu-west-1");
        let src = &p.get(PriceKey::NatGatewayHour).unwrap().source;
        assert!(src.label().contains("(us-east-1)"), "{}", src.label());
        assert!(src.label().starts_with("bundled prices of "));
    }

    #[test]
    fn sagemaker_instance_prices_are_listed_per_type() {
        let p = sagemaker_instance_hour("us-east-1", "ml.t3.medium").unwrap();
        assert!((p.usd - 0.05).abs() < 1e-9);
        assert!(sagemaker_instance_hour("us-east-1", "ml.nonsense").is_none());
    }
}
