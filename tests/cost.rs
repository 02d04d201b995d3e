//! The cost estimate: the pricing model against a table checked by hand, the template's billed
//! resources, prices from the Price List Query API of the emulator (cold, cached, paginated,
//! from the nearest endpoint), the bundled fallback when `pricing:GetProducts` is denied, a
//! SageMaker instance type's hourly price, and `studio-tui cost` as a script runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use studio_tui::aws::stacks::PlannedChange;
use studio_tui::core::cost::catalog::SageMakerUse;
use studio_tui::core::cost::{
    self, Footprint, PriceKey, PriceSource, Prices, bundled, pricing_api_region,
};
use studio_tui::ops::cost::{
    estimate, instance_hourly, instance_hourly_for, region_prices, resource_changes,
    review_cost_with,
};

/// The emulator's settings (deny, page limit) and request log are shared by this binary's
/// tests: they run one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// The us-east-1 prices as AWS publishes them (pricing pages of Network Firewall, VPC, KMS,
/// CloudWatch): the bundled table must hold exactly these, and the estimate must add them up
/// as below, by hand.
#[test]
fn the_estimate_for_us_east_1_adds_up_by_hand() {
    let p = bundled::prices("us-east-1").unwrap();
    let by_hand = [
        (PriceKey::FirewallEndpointHour, 0.395),
        (PriceKey::FirewallGb, 0.065),
        (PriceKey::NatGatewayHour, 0.045),
        (PriceKey::NatGatewayGb, 0.045),
        (PriceKey::PublicIpv4Hour, 0.005),
        (PriceKey::InterfaceEndpointHour, 0.01),
        (PriceKey::InterfaceEndpointGb, 0.01),
        (PriceKey::KmsKeyMonth, 1.0),
        (PriceKey::LogDeliveryGb, 0.5),
        (PriceKey::LogStorageGbMonth, 0.03),
        (PriceKey::InternetEgressGb, 0.09),
    ];
    for (k, usd) in by_hand {
        assert!(close(p.get(k).unwrap().usd, usd), "{k:?}");
    }
    let e = cost::estimate(&Footprint::STUDIO_ENVIRONMENT, &p);
    let item = |id: &str| e.items.iter().find(|i| i.id == id).unwrap().clone();
    // 0.395 × 730 = 288.35
    assert!(close(item("firewall_endpoint").monthly, 288.35));
    // 0.045 × 730 = 32.85, waived against the firewall endpoint's hours.
    let nat = item("nat_gateway");
    assert!(
        close(nat.list_monthly, 32.85) && close(nat.monthly, 0.0),
        "{nat:?}"
    );
    assert!(nat.waived.as_deref().unwrap().contains("public IPv4"));
    // The address is still billed: 0.005 × 730 = 3.65.
    assert!(close(item("public_ipv4").monthly, 3.65));
    // 12 endpoints × 1 zone × 730 h × 0.01 = 87.60
    let endpoints = item("interface_endpoints");
    assert!(close(endpoints.monthly, 87.60), "{endpoints:?}");
    assert!(
        endpoints.label.contains("12 × 1 zone"),
        "{}",
        endpoints.label
    );
    // 3 keys × 1.00
    assert!(close(item("kms_keys").monthly, 3.0));
    // "roughly 380 USD a month in us-east-1 before traffic and logs"
    assert!(close(e.monthly, 382.60), "{}", e.monthly);
    assert!(e.missing.is_empty());
    // Traffic and logs are rates, not totals.
    let rate = |id: &str| e.rates.iter().find(|r| r.id == id).unwrap().clone();
    assert!(close(rate("firewall_traffic").usd, 0.065));
    assert!(rate("nat_traffic").note.unwrap().contains("waiver"));
    assert!(
        rate("internet_egress")
            .note
            .unwrap()
            .contains("August 2026")
    );
    assert!(rate("log_storage").note.unwrap().contains("90 days"));
    assert!(e.sources.iter().all(PriceSource::is_bundled));
}

/// A price neither source had is named, never counted as free.
#[test]
fn a_missing_price_is_named_not_free() {
    let mut p = bundled::prices("us-east-1").unwrap();
    p.prices.remove(&PriceKey::FirewallEndpointHour);
    let e = cost::estimate(&Footprint::STUDIO_ENVIRONMENT, &p);
    assert!(e.missing.contains(&PriceKey::FirewallEndpointHour));
    assert!(!e.items.iter().any(|i| i.id == "firewall_endpoint"));
    // Without a firewall the NAT gateway is billed in full.
    let no_firewall = Footprint {
        firewall_endpoints: 0,
        ..Footprint::STUDIO_ENVIRONMENT
    };
    let e = cost::estimate(&no_firewall, &bundled::prices("us-east-1").unwrap());
    let nat = e.items.iter().find(|i| i.id == "nat_gateway").unwrap();
    assert!(close(nat.monthly, 32.85) && nat.waived.is_none());
}

/// `Footprint::STUDIO_ENVIRONMENT` is the template's billed resources, counted in it.
#[test]
fn the_footprint_is_the_templates() {
    let yaml = include_str!("../assets/cloudformation/studio-environment.yaml");
    let doc: Value = serde_json::from_str(&studio_tui::template::to_json(yaml).unwrap()).unwrap();
    let resources = doc["Resources"].as_object().unwrap();
    let of = |t: &str| {
        resources
            .values()
            .filter(|r| r["Type"] == t)
            .cloned()
            .collect::<Vec<Value>>()
    };
    let fp = Footprint::STUDIO_ENVIRONMENT;
    let firewalls = of("AWS::NetworkFirewall::Firewall");
    let mappings: usize = firewalls
        .iter()
        .map(|f| f["Properties"]["SubnetMappings"].as_array().unwrap().len())
        .sum();
    assert_eq!(mappings, fp.firewall_endpoints as usize);
    assert_eq!(of("AWS::EC2::NatGateway").len(), fp.nat_gateways as usize);
    assert_eq!(of("AWS::EC2::EIP").len(), fp.public_ipv4 as usize);
    let interface: Vec<Value> = of("AWS::EC2::VPCEndpoint")
        .into_iter()
        .filter(|e| e["Properties"]["VpcEndpointType"] == "Interface")
        .collect();
    assert_eq!(interface.len(), fp.interface_endpoints as usize);
    for e in &interface {
        let zones = e["Properties"]["SubnetIds"].as_array().unwrap().len();
        assert_eq!(zones, fp.endpoint_zones as usize, "{e}");
    }
    assert_eq!(of("AWS::KMS::Key").len(), fp.kms_keys as usize);
    let logs = of("AWS::Logs::LogGroup");
    assert_eq!(logs.len(), fp.log_groups as usize);
    assert_eq!(
        logs[0]["Properties"]["RetentionInDays"],
        json!(fp.log_retention_days)
    );
}

fn get_products_since(mark: usize, api_region: &str) -> usize {
    common::emulator()
        .requests_since(mark, api_region)
        .iter()
        .filter(|r| r["service"] == "pricing" && r["action"] == "GetProducts")
        .count()
}

/// Cold: one GetProducts per service code (five), every page counted; warm: none, the cache
/// answers; the cache says it is the API's and when it was asked.
#[tokio::test]
async fn prices_come_from_the_api_then_from_the_cache() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    let (counting, counter) = session.counting();
    let mark = emu.log_mark();
    let cold = estimate(
        &counting,
        Some(cache.path()),
        &Footprint::STUDIO_ENVIRONMENT,
    )
    .await
    .unwrap();
    assert_eq!(cold.fallback, None);
    assert_eq!(cold.api_calls, 5);
    assert_eq!(counter.load(Ordering::Relaxed), 5);
    assert_eq!(get_products_since(mark, "us-east-1"), 5);
    assert!(
        close(cold.estimate.monthly, 382.60),
        "{}",
        cold.estimate.monthly
    );
    let live = cold
        .estimate
        .items
        .iter()
        .all(|i| matches!(i.source, PriceSource::Api { cached: false, .. }));
    assert!(live, "{:?}", cold.estimate.items);
    // Data transfer out is not one of the service codes asked: the bundled rate, saying so.
    let egress = cold
        .estimate
        .rates
        .iter()
        .find(|r| r.id == "internet_egress")
        .unwrap();
    assert!(egress.source.is_bundled());
    let file = studio_tui::ops::cost::cache_file(cache.path(), &session);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"region\": \"us-east-1\""), "{text}");
    assert!(!text.contains("testing"), "no credentials in the cache");

    counter.store(0, Ordering::Relaxed);
    let warm = estimate(
        &counting,
        Some(cache.path()),
        &Footprint::STUDIO_ENVIRONMENT,
    )
    .await
    .unwrap();
    assert_eq!(warm.api_calls, 0);
    assert_eq!(counter.load(Ordering::Relaxed), 0);
    assert_eq!(warm.estimate.monthly, cold.estimate.monthly);
    assert!(warm.estimate.sources[0].label().ends_with("(cached)"));

    // Pages: the API may return fewer products than MaxResults; every page is read.
    let _limit = emu.settings(json!({"pricing_page_limit": 1}));
    let other = tempfile::tempdir().unwrap();
    let paged = region_prices(&session, Some(other.path())).await.unwrap();
    assert_eq!(paged.fallback, None);
    // Firewall 3, NAT 3, VPC 4, KMS 2, CloudWatch 2 products in us-east-1: one a page.
    assert_eq!(paged.api_calls, 14);
    assert!(paged.prices.missing().is_empty());
}

/// A region without an endpoint of its own asks the nearest one for its prices.
#[tokio::test]
async fn eu_west_1_is_priced_through_frankfurt() {
    let _serial = SERIAL.lock().await;
    assert_eq!(pricing_api_region("eu-west-1"), Some("eu-central-1"));
    let emu = common::emulator();
    let session = emu.session("eu-west-1").await;
    let mark = emu.log_mark();
    let cache = tempfile::tempdir().unwrap();
    let priced = region_prices(&session, Some(cache.path())).await.unwrap();
    assert_eq!(priced.fallback, None);
    assert_eq!(get_products_since(mark, "eu-central-1"), 5);
    assert_eq!(get_products_since(mark, "eu-west-1"), 0);
    let nat = priced.prices.get(PriceKey::NatGatewayHour).unwrap();
    assert!(close(nat.usd, 0.048), "{nat:?}");
    assert_eq!(priced.prices.region, "eu-west-1");
}

/// `pricing:GetProducts` denied: the bundled table, and the output says so with its date.
#[tokio::test]
async fn denied_get_products_falls_back_to_the_bundled_table() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let _deny = emu.settings(json!({"deny": ["pricing:GetProducts"]}));
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    let report = estimate(&session, Some(cache.path()), &Footprint::STUDIO_ENVIRONMENT)
        .await
        .unwrap();
    let why = report.fallback.clone().unwrap();
    assert!(why.contains("pricing:GetProducts is denied"), "{why}");
    assert!(report.estimate.sources.iter().all(PriceSource::is_bundled));
    assert!(close(report.estimate.monthly, 382.60));
    assert!(
        !studio_tui::ops::cost::cache_file(cache.path(), &session).exists(),
        "bundled prices are never cached as the API's"
    );

    let home = tempfile::tempdir().unwrap();
    let out = common::binary(home.path(), "us-east-1")
        .args(["--plain", "cost"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let date = bundled::date().unwrap();
    assert!(
        text.contains(&format!("bundled prices of {date} (us-east-1)")),
        "{text}"
    );
    assert!(text.contains("pricing:GetProducts is denied"), "{text}");
    assert!(text.contains("$382.60"), "{text}");
}

/// `studio-tui cost --json` under --read-only: GetProducts only reads.
#[tokio::test]
async fn the_cost_command_prints_json_under_read_only() {
    let _serial = SERIAL.lock().await;
    let home = tempfile::tempdir().unwrap();
    let out = common::binary(home.path(), "us-east-1")
        .args(["--read-only", "--json", "cost", "--project-name", "nothere"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["region"], "us-east-1");
    assert_eq!(doc["project"], "nothere");
    assert_eq!(doc["deployed"], false);
    assert_eq!(doc["monthly_usd"], json!(382.6));
    assert_eq!(doc["bundled"], true, "data transfer out is always bundled");
    assert_eq!(doc["fallback"], Value::Null);
    assert_eq!(doc["get_products_calls"], 5);
    assert_eq!(doc["items"].as_array().unwrap().len(), 5);
    assert_eq!(doc["rates"].as_array().unwrap().len(), 6);
    assert!(
        doc["sources"][0]
            .as_str()
            .unwrap()
            .starts_with("AWS Price List API, ")
    );
    // --read-only writes no file: no price cache either.
    let cached = walk(home.path())
        .into_iter()
        .any(|p| p.components().any(|c| c.as_os_str() == "prices"));
    assert!(!cached, "a price cache was written under --read-only");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// The hourly price of a SageMaker instance type (issue 26's instance-type choice).
#[tokio::test]
async fn an_instance_types_hourly_price() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    // The region's prices first: the instance price is cached with them.
    region_prices(&session, Some(cache.path())).await.unwrap();
    let p = instance_hourly(&session, Some(cache.path()), "ml.t3.medium")
        .await
        .unwrap();
    assert!(close(p.usd, 0.05));
    assert!(matches!(p.source, PriceSource::Api { cached: false, .. }));
    let (counting, counter) = session.counting();
    let again = instance_hourly(&counting, Some(cache.path()), "ml.t3.medium")
        .await
        .unwrap();
    assert_eq!(counter.load(Ordering::Relaxed), 0, "cached");
    assert!(matches!(
        again.source,
        PriceSource::Api { cached: true, .. }
    ));
    // Not in the API's answer: the bundled table, which says so.
    let large = instance_hourly(&session, Some(cache.path()), "ml.t3.large")
        .await
        .unwrap();
    assert!(large.source.is_bundled() && close(large.usd, 0.1));
    let e = instance_hourly(&session, Some(cache.path()), "ml.nothing.large")
        .await
        .unwrap_err();
    assert!(e.message().contains("ml.nothing.large"), "{}", e.message());
}

/// A notebook instance, an endpoint and a training job are priced by their own products; a
/// use the price list does not give for a type is unknown, never a Studio app's price.
#[tokio::test]
async fn each_use_of_an_instance_type_has_its_own_hourly_price() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    region_prices(&session, Some(cache.path())).await.unwrap();
    let price = |usage, t: &'static str| {
        let session = session.clone();
        let dir = cache.path().to_path_buf();
        async move { instance_hourly_for(&session, Some(&dir), usage, t).await }
    };
    let hosting = price(SageMakerUse::Hosting, "ml.m5.large").await.unwrap();
    assert!(close(hosting.usd, 0.115));
    let training = price(SageMakerUse::Training, "ml.m5.large").await.unwrap();
    assert!(close(training.usd, 0.115));
    let notebook = price(SageMakerUse::NotebookInstance, "ml.t3.medium")
        .await
        .unwrap();
    assert!(close(notebook.usd, 0.05));
    // Cached under its own key: the Studio price of the type is not taken for it.
    let (counting, counter) = session.counting();
    let again = instance_hourly_for(
        &counting,
        Some(cache.path()),
        SageMakerUse::Hosting,
        "ml.m5.large",
    )
    .await
    .unwrap();
    assert!(matches!(
        again.source,
        PriceSource::Api { cached: true, .. }
    ));
    assert_eq!(counter.load(Ordering::Relaxed), 0, "cached");
    // ml.t3.large has a bundled Studio price, but no training price anywhere.
    let e = price(SageMakerUse::Training, "ml.t3.large")
        .await
        .unwrap_err();
    assert!(e.message().contains("training job"), "{}", e.message());
}

/// Prices from another table fill only what is missing.
#[test]
fn filling_keeps_what_the_api_gave() {
    let mut api = Prices {
        region: "us-east-1".into(),
        ..Prices::default()
    };
    api.prices.insert(
        PriceKey::KmsKeyMonth,
        cost::Price {
            usd: 2.0,
            source: PriceSource::Api {
                date: "2026-12-07".into(),
                cached: false,
            },
        },
    );
    let filled = api.filled_from(&bundled::prices("us-east-1").unwrap());
    assert!(close(filled.get(PriceKey::KmsKeyMonth).unwrap().usd, 2.0));
    assert!(filled.missing().is_empty());
    assert!(!filled.sources()[0].is_bundled(), "the API's source first");
}

fn planned(action: &str, logical_id: &str, resource_type: &str) -> PlannedChange {
    PlannedChange {
        action: action.into(),
        logical_id: logical_id.into(),
        physical_id: None,
        resource_type: resource_type.into(),
        replacement: (action == "Modify").then(|| "True".to_string()),
        scope: vec!["Properties".into()],
        drift: None,
    }
}

fn update_cost(changes: &[PlannedChange]) -> studio_tui::ops::cost::ReviewCost {
    let priced = studio_tui::ops::cost::Priced {
        prices: bundled::prices("us-east-1").unwrap(),
        fallback: None,
        api_calls: 0,
    };
    review_cost_with(
        priced,
        false,
        &resource_changes(changes),
        &Footprint::STUDIO_ENVIRONMENT,
    )
}

/// An update's change in monthly cost is counted from its billed resource changes.
#[test]
fn an_update_that_adds_a_kms_key_costs_a_dollar_more() {
    let c = update_cost(&[
        planned("Add", "NewKey", "AWS::KMS::Key"),
        planned("Modify", "StudioDomain", "AWS::SageMaker::Domain"),
    ]);
    assert!(close(c.change.delta().unwrap(), 1.0), "{:?}", c.change);
    assert!(
        c.line().contains("+$1.00 a month ($381.60 → $382.60)"),
        "{}",
        c.line()
    );
    // An interface endpoint of the template: 730 h × $0.01 in its one zone; the S3 gateway
    // endpoint is free.
    let c = update_cost(&[planned(
        "Add",
        "SageMakerApiEndpoint",
        "AWS::EC2::VPCEndpoint",
    )]);
    assert!(close(c.change.delta().unwrap(), 7.30), "{:?}", c.change);
    let c = update_cost(&[planned("Add", "S3VPCEndpoint", "AWS::EC2::VPCEndpoint")]);
    assert!(
        c.line().contains("no change in monthly cost"),
        "{}",
        c.line()
    );
}

/// Modifications only (a billed resource replaced by another of its kind included): no change.
#[test]
fn an_update_of_modifications_only_is_no_change() {
    let c = update_cost(&[
        planned("Modify", "StudioDomain", "AWS::SageMaker::Domain"),
        planned("Modify", "StudioKey", "AWS::KMS::Key"),
        planned("Modify", "Firewall", "AWS::NetworkFirewall::Firewall"),
    ]);
    assert_eq!(c.change.delta(), Some(0.0));
    assert!(
        c.line().contains("no change in monthly cost ($382.60)"),
        "{}",
        c.line()
    );
}

/// A change that cannot be counted is not passed off as no change.
#[test]
fn an_update_that_cannot_be_counted_is_not_estimated() {
    for change in [
        // An endpoint the template no longer holds: its type is not known.
        planned("Remove", "OldEndpoint", "AWS::EC2::VPCEndpoint"),
        planned("Dynamic", "StudioKey", "AWS::KMS::Key"),
    ] {
        let c = update_cost(std::slice::from_ref(&change));
        assert_eq!(c.change.delta(), None, "{change:?}");
        assert!(
            c.line()
                .contains("change in monthly cost not estimated ($382.60 a month after it)"),
            "{}",
            c.line()
        );
        assert!(!c.line().contains("no change"), "{}", c.line());
    }
}

/// eu-west-1 with `pricing:GetProducts` denied: the bundled table's us-east-1 prices stand in,
/// and the total, the review's line and the JSON say so rather than passing them off as
/// eu-west-1's.
#[tokio::test]
async fn another_regions_bundled_prices_say_whose_they_are() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let _deny = emu.settings(json!({"deny": ["pricing:GetProducts"]}));
    let session = emu.session("eu-west-1").await;
    let cache = tempfile::tempdir().unwrap();
    let said = "us-east-1's bundled prices, not eu-west-1's";
    let review = studio_tui::ops::cost::review_cost(
        &session,
        Some(cache.path()),
        true,
        &[],
        &Footprint::STUDIO_ENVIRONMENT,
    )
    .await
    .unwrap();
    assert!(review.line().contains(said), "{}", review.line());

    let home = tempfile::tempdir().unwrap();
    let out = common::binary(home.path(), "eu-west-1")
        .args(["--plain", "cost"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(total.contains(said), "{total}");

    let out = common::binary(home.path(), "eu-west-1")
        .args(["--json", "cost"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["region"], "eu-west-1");
    assert_eq!(doc["stand_in"], said);
}

/// GovCloud and China: no estimate and why, never us-east-1's US dollar figures.
#[tokio::test]
async fn govcloud_and_china_get_no_estimate() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    for region in ["us-gov-west-1", "cn-north-1"] {
        let session = emu.session(region).await;
        let (counting, counter) = session.counting();
        let cache = tempfile::tempdir().unwrap();
        let e = region_prices(&counting, Some(cache.path()))
            .await
            .unwrap_err();
        assert!(e.message().contains("no cost estimate"), "{}", e.message());
        assert!(e.is_refusal(), "{e:?}");
        let e = instance_hourly(&counting, Some(cache.path()), "ml.t3.medium")
            .await
            .unwrap_err();
        assert!(e.message().contains(region), "{}", e.message());
        assert_eq!(counter.load(Ordering::Relaxed), 0, "nothing asked");

        let home = tempfile::tempdir().unwrap();
        let out = common::binary(home.path(), region)
            .args(["--plain", "cost"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(all.contains("no cost estimate"), "{all}");
        assert!(
            !all.contains("$382.60") && !all.contains("bundled prices"),
            "{all}"
        );
    }
    let out = common::binary(tempfile::tempdir().unwrap().path(), "cn-north-1")
        .args(["--json", "cost"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CNY"), "{text}");
    assert!(!text.contains("monthly_usd"), "{text}");
}

/// A cache whose date is not YYYY-MM-DD (here with an escape sequence) is no cache: the prices
/// are asked again, and the date printed is today's, never the file's.
#[tokio::test]
async fn a_cache_with_a_hostile_date_is_not_read() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    region_prices(&session, Some(cache.path())).await.unwrap();
    let file = studio_tui::ops::cost::cache_file(cache.path(), &session);
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    doc["date"] = json!("2026-12-07\u{1b}]0;pwned\u{7}");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    assert!(!cost::is_iso_date(doc["date"].as_str().unwrap()));
    let (counting, counter) = session.counting();
    let again = region_prices(&counting, Some(cache.path())).await.unwrap();
    assert_eq!(counter.load(Ordering::Relaxed), 5, "asked again");
    for s in again.prices.sources() {
        assert!(!s.label().contains('\u{1b}'), "{}", s.label());
        assert!(!s.label().ends_with("(cached)"), "{}", s.label());
    }
    assert!(cost::is_iso_date("2026-12-07"));

    // A price's own date, the file's being sound.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(cost::is_iso_date(doc["date"].as_str().unwrap()));
    doc["prices"]["prices"]["kms_key_month"]["source"]["date"] = json!("\u{1b}[2J2026");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    counter.store(0, Ordering::Relaxed);
    let again = region_prices(&counting, Some(cache.path())).await.unwrap();
    assert_eq!(counter.load(Ordering::Relaxed), 5, "asked again");
    let kms = again.prices.get(PriceKey::KmsKeyMonth).unwrap();
    assert!(
        !kms.source.label().contains('\u{1b}'),
        "{}",
        kms.source.label()
    );
}

/// A Price List Query API that does not answer keeps no review waiting: after
/// `REVIEW_DEADLINE` the review's cost line is the bundled table's, and says why.
#[tokio::test]
async fn a_review_does_not_wait_for_a_price_list_that_does_not_answer() {
    let _serial = SERIAL.lock().await;
    let emu = common::emulator();
    let _stall = emu.settings(json!({"stall": {"us-east-1": ["GetProducts"]}}));
    let session = emu.session("us-east-1").await;
    let cache = tempfile::tempdir().unwrap();
    let review = studio_tui::ops::cost::review_cost(
        &session,
        Some(cache.path()),
        true,
        &[],
        &Footprint::STUDIO_ENVIRONMENT,
    )
    .await
    .unwrap();
    let why = review.report.fallback.clone().unwrap();
    assert_eq!(
        why,
        format!(
            "the AWS Price List Query API did not answer within {} s",
            studio_tui::ops::cost::REVIEW_DEADLINE.as_secs()
        )
    );
    assert!(
        review
            .report
            .estimate
            .sources
            .iter()
            .all(PriceSource::is_bundled)
    );
    assert!(
        review
            .line()
            .contains("bundled because the AWS Price List Query API did not answer")
    );
    assert!(!studio_tui::ops::cost::cache_file(cache.path(), &session).exists());
}
