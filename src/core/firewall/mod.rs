//! "Would this flow from a Studio app reach its destination, and why": AWS Network Firewall's
//! documented evaluation as pure logic. [`path`] follows the route first (names served by the
//! VPC's interface endpoints, S3 through the gateway endpoint, the VPC's resolver and link-local
//! services never cross the firewall); [`policy`] evaluates what does cross it against the
//! deployed policy and rule groups: stateless default actions, stateful rule groups in strict
//! priority order (or action order), the domain-list matching rules, the Suricata rule shapes of
//! [`suricata`], then the stateful default actions. A rule studio-tui cannot read makes the
//! verdict Unknown, with the rule quoted, never a guess.

pub mod check;
pub mod path;
pub mod policy;
pub mod suricata;
#[cfg(test)]
mod table;

use std::net::Ipv4Addr;

use serde::Serialize;

/// The protocol of a flow, as `firewall check --protocol` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TLS over TCP (HTTPS): matched on the ClientHello's SNI.
    Tls,
    /// Plain HTTP over TCP: matched on the Host header.
    Http,
    /// TCP that is neither TLS nor HTTP (ssh, a tunnel, nc).
    Tcp,
    Udp,
    Icmp,
}

impl Protocol {
    pub const NAMES: [&'static str; 5] = ["tls", "http", "tcp", "udp", "icmp"];

    pub fn parse(text: &str) -> Result<Protocol, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tls" | "https" => Ok(Protocol::Tls),
            "http" => Ok(Protocol::Http),
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            "icmp" => Ok(Protocol::Icmp),
            _ => Err(format!(
                "the protocol must be one of {}",
                Protocol::NAMES.join(", ")
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tls => "tls",
            Protocol::Http => "http",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }

    /// The port a flow of this protocol uses when none is given (ICMP has none).
    pub fn default_port(self) -> Option<u16> {
        match self {
            Protocol::Http => Some(80),
            Protocol::Icmp => None,
            _ => Some(443),
        }
    }

    /// TLS and HTTP are the protocols a domain list inspects.
    pub fn is_web(self) -> bool {
        matches!(self, Protocol::Tls | Protocol::Http)
    }
}

/// A validated destination: a lowercase DNS name or an IPv4 address. Only this type's text is
/// ever echoed back or put into a suggested command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Host {
    Name(String),
    Ip(Ipv4Addr),
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl Host {
    /// A host name (letters, digits, hyphens, dots; labels of 1 to 63 characters, at most 253
    /// in all; one trailing dot allowed) or an IPv4 address. The error never repeats the input,
    /// which may hold anything.
    pub fn parse(text: &str) -> Result<Host, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("the host is empty; give a name such as pypi.org".into());
        }
        if let Ok(ip) = t.parse::<Ipv4Addr>() {
            return Ok(Host::Ip(ip));
        }
        if t.contains("://") || t.contains('/') {
            return Err(
                "give a host name, not a URL (no scheme or path): e.g. github.com or github.com:443"
                    .into(),
            );
        }
        if let Some(pos) = t
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        {
            return Err(format!(
                "character {} of the host is not allowed in a host name (letters, digits, \
                 hyphens and dots only; IPv6 addresses are not supported)",
                pos + 1
            ));
        }
        let name = t.strip_suffix('.').unwrap_or(t).to_ascii_lowercase();
        if name.len() > 253 {
            return Err("the host name is longer than 253 characters".into());
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(
                    "the host name has an empty label (two dots in a row, or a leading \
                            dot: check names only, not allow-list entries)"
                        .into(),
                );
            }
            if label.len() > 63 {
                return Err("a label of the host name is longer than 63 characters".into());
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err("a label of the host name starts or ends with a hyphen".into());
            }
        }
        if name
            .split('.')
            .all(|l| l.chars().all(|c| c.is_ascii_digit()))
        {
            return Err("the host looks like an IPv4 address but is not a valid one".into());
        }
        Ok(Host::Name(name))
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Host::Name(n) => Some(n),
            Host::Ip(_) => None,
        }
    }
}

/// One flow to check: from a Studio app in the VPC to `host`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub host: Host,
    /// None for ICMP.
    pub port: Option<u16>,
    pub protocol: Protocol,
}

impl Flow {
    /// Parse `HOST[:PORT]` and a protocol name (default tls). Ports: 1 to 65535, default 443
    /// (80 for http); ICMP takes no port.
    pub fn parse(target: &str, protocol: Option<&str>) -> Result<Flow, String> {
        let protocol = match protocol {
            Some(p) => Protocol::parse(p)?,
            None => Protocol::Tls,
        };
        if target.contains("://") || target.contains('/') {
            return Err(
                "give a host name, not a URL (no scheme or path): e.g. github.com or github.com:443"
                    .into(),
            );
        }
        let (host_text, port_text) = match target.trim().rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => {
                return Err(
                    "IPv6 addresses are not supported; give a host name or an IPv4 address".into(),
                );
            }
            None => (target, None),
        };
        let host = Host::parse(host_text)?;
        let port = match (port_text, protocol) {
            (Some(_), Protocol::Icmp) => {
                return Err("ICMP has no ports; give the host alone with --protocol icmp".into());
            }
            (Some(p), _) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err("the port must be a number from 1 to 65535".into()),
            },
            (None, _) => protocol.default_port(),
        };
        Ok(Flow {
            host,
            port,
            protocol,
        })
    }

    /// A TLS ClientHello carries SNI only for a host name (RFC 6066: "Literal IPv4 and IPv6
    /// addresses are not permitted in HostName"), so TLS to an address has no SNI.
    pub fn sni(&self) -> Option<&str> {
        match self.protocol {
            Protocol::Tls => self.host.name(),
            _ => None,
        }
    }

    /// The HTTP Host header: the name, or the address as written.
    pub fn http_host(&self) -> Option<String> {
        match self.protocol {
            Protocol::Http => Some(self.host.to_string()),
            _ => None,
        }
    }

    /// `host:port` (or the host alone for ICMP), from validated values only.
    pub fn target(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.to_string(),
        }
    }
}

/// Does the flow get through?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Reaches,
    Dropped,
    /// A rule or setting studio-tui does not read decides it; the reason quotes it.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_protocols_and_ports_are_parsed_and_bad_input_is_refused_without_echo() {
        let f = Flow::parse("PyPI.org.", None).unwrap();
        assert_eq!(f.host, Host::Name("pypi.org".into()));
        assert_eq!((f.port, f.protocol), (Some(443), Protocol::Tls));
        let f = Flow::parse("example.com", Some("http")).unwrap();
        assert_eq!(f.port, Some(80));
        let f = Flow::parse("8.8.8.8:53", Some("UDP")).unwrap();
        assert_eq!(f.host, Host::Ip(Ipv4Addr::new(8, 8, 8, 8)));
        assert_eq!(f.target(), "8.8.8.8:53");
        assert_eq!(Flow::parse("1.1.1.1", Some("icmp")).unwrap().port, None);
        assert_eq!(f.sni(), None);
        assert_eq!(Flow::parse("a.org", None).unwrap().sni(), Some("a.org"));
        assert_eq!(Flow::parse("1.2.3.4", None).unwrap().sni(), None);
        let url = Flow::parse("https://github.com/x", None).unwrap_err();
        assert!(url.contains("not a URL"), "{url}");
        for (bad, proto) in [
            ("https://github.com/x", None),
            ("git\u{1b}[31mhub.com", None),
            ("github.com:0", None),
            ("github.com:70000", None),
            ("github.com:ssh", None),
            ("github.com", Some("sctp")),
            ("1.1.1.1:7", Some("icmp")),
            ("fe80::1", None),
            ("a..b", None),
            ("-a.com", None),
            ("999.1.1.1", None),
            ("", None),
        ] {
            let e = Flow::parse(bad, proto).unwrap_err();
            assert!(bad.is_empty() || !e.contains(bad), "{e}");
            assert!(!e.contains('\u{1b}'), "{e}");
        }
    }
}
