//! The few Suricata rule shapes studio-tui's template uses in a `RulesString`, read well enough
//! to say whether a flow from the VPC to the outside matches: `action proto src sport -> dst
//! dport (options)` with the actions pass, drop, reject and alert; the protocols ip, tcp, udp,
//! icmp, tls and http; sources `$HOME_NET` or `any`, destinations `$EXTERNAL_NET` or `any`, any
//! or one port; and the options msg, sid, rev, flow (to_server, established), ip_proto (with
//! `!`), classtype, metadata and priority. Anything else is returned as unrecognised, with the
//! rule's text, so the evaluation answers Unknown instead of guessing.

use serde::Serialize;

use super::{Flow, Protocol};

/// A stateful rule's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Pass,
    Drop,
    Reject,
    Alert,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        match text.to_ascii_lowercase().as_str() {
            "pass" => Some(Action::Pass),
            "drop" => Some(Action::Drop),
            "reject" => Some(Action::Reject),
            "alert" => Some(Action::Alert),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Drop => "drop",
            Action::Reject => "reject",
            Action::Alert => "alert",
        }
    }
}

/// The protocol field of a rule header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleProto {
    Ip,
    Tcp,
    Udp,
    Icmp,
    Tls,
    Http,
}

/// An IP protocol named by `ip_proto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IpProto {
    Tcp,
    Udp,
    Icmp,
}

/// One rule studio-tui can evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    proto: RuleProto,
    /// Destination port; None = any.
    dport: Option<u16>,
    /// (negated, protocol) conditions, all of which must hold.
    ip_proto: Vec<(bool, IpProto)>,
    pub sid: Option<u64>,
    pub msg: Option<String>,
    /// The rule as written.
    pub text: String,
}

/// A line of a rules string: a rule studio-tui reads, or one it does not (with its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Rule(Rule),
    Unrecognised { text: String, why: String },
}

/// The rules of a `RulesString`, in order; blank lines and `#` comments are skipped.
pub fn parse_rules(rules: &str) -> Vec<Line> {
    rules
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match parse_rule(l) {
            Ok(r) => Line::Rule(r),
            Err(why) => Line::Unrecognised {
                text: l.to_string(),
                why,
            },
        })
        .collect()
}

fn parse_rule(line: &str) -> Result<Rule, String> {
    let (header, options) = line
        .split_once('(')
        .ok_or_else(|| "no option list".to_string())?;
    let options = options
        .trim_end()
        .strip_suffix(')')
        .ok_or_else(|| "the option list is not closed".to_string())?;
    let parts: Vec<&str> = header.split_whitespace().collect();
    let [action, proto, src, _sport, dir, dst, dport] = parts[..] else {
        return Err("the header is not `action proto src port -> dst port`".into());
    };
    let action = Action::parse(action).ok_or_else(|| format!("action {action}"))?;
    let proto = match proto.to_ascii_lowercase().as_str() {
        "ip" => RuleProto::Ip,
        "tcp" => RuleProto::Tcp,
        "udp" => RuleProto::Udp,
        "icmp" => RuleProto::Icmp,
        "tls" => RuleProto::Tls,
        "http" => RuleProto::Http,
        other => return Err(format!("protocol {other}")),
    };
    if !matches!(src, "$HOME_NET" | "any") {
        return Err(format!("source {src}"));
    }
    if dir != "->" {
        return Err(format!("direction {dir}"));
    }
    if !matches!(dst, "$EXTERNAL_NET" | "any") {
        return Err(format!("destination {dst}"));
    }
    let dport = match dport {
        "any" => None,
        p => Some(
            p.parse::<u16>()
                .map_err(|_| format!("destination port {p}"))?,
        ),
    };
    let mut rule = Rule {
        action,
        proto,
        dport,
        ip_proto: Vec::new(),
        sid: None,
        msg: None,
        text: line.to_string(),
    };
    for opt in split_options(options) {
        let (key, value) = match opt.split_once(':') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (opt.trim(), ""),
        };
        match key {
            "msg" => rule.msg = Some(value.trim_matches('"').to_string()),
            "sid" => rule.sid = Some(value.parse().map_err(|_| format!("sid {value}"))?),
            "rev" | "classtype" | "metadata" | "priority" => {}
            "flow" => {
                for f in value.split(',').map(str::trim) {
                    if !matches!(f, "to_server" | "established" | "from_client") {
                        return Err(format!("flow:{f}"));
                    }
                }
            }
            "ip_proto" => {
                let (neg, name) = match value.strip_prefix('!') {
                    Some(n) => (true, n.trim()),
                    None => (false, value),
                };
                let p = match name.to_ascii_uppercase().as_str() {
                    "TCP" | "6" => IpProto::Tcp,
                    "UDP" | "17" => IpProto::Udp,
                    "ICMP" | "1" => IpProto::Icmp,
                    other => return Err(format!("ip_proto:{other}")),
                };
                rule.ip_proto.push((neg, p));
            }
            other => return Err(format!("option {other}")),
        }
    }
    Ok(rule)
}

/// `a:1; msg:"x; y"; b` → the options, `;` inside quotes kept.
fn split_options(options: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in options.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

impl Rule {
    /// Does this rule match a flow from the VPC (`$HOME_NET`) to the outside?
    /// App-layer protocols are detected by content: TLS and HTTP only for flows that speak them
    /// (ssh on port 443 is TCP, not TLS).
    pub fn matches(&self, flow: &Flow) -> bool {
        let ip = match flow.protocol {
            Protocol::Tls | Protocol::Http | Protocol::Tcp => IpProto::Tcp,
            Protocol::Udp => IpProto::Udp,
            Protocol::Icmp => IpProto::Icmp,
        };
        let proto_ok = match self.proto {
            RuleProto::Ip => true,
            RuleProto::Tcp => ip == IpProto::Tcp,
            RuleProto::Udp => ip == IpProto::Udp,
            RuleProto::Icmp => ip == IpProto::Icmp,
            RuleProto::Tls => flow.protocol == Protocol::Tls,
            RuleProto::Http => flow.protocol == Protocol::Http,
        };
        let port_ok = match self.dport {
            None => true,
            Some(p) => flow.port == Some(p),
        };
        let ip_proto_ok = self.ip_proto.iter().all(|(neg, p)| (*p == ip) != *neg);
        proto_ok && port_ok && ip_proto_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSING: &str = r#"
# closing rules
alert udp $HOME_NET any -> $EXTERNAL_NET any (msg:"udp to the outside; dropped"; flow:to_server; sid:9100001; rev:1;)
drop udp $HOME_NET any -> $EXTERNAL_NET any (msg:"udp"; flow:to_server; sid:9100002; rev:1;)
alert ip $HOME_NET any -> $EXTERNAL_NET any (msg:"other"; ip_proto:!TCP; ip_proto:!UDP; ip_proto:!ICMP; sid:9100005;)
pass tcp $HOME_NET any -> $EXTERNAL_NET 22 (msg:"x"; content:"SSH"; sid:1;)
"#;

    #[test]
    fn the_template_shapes_are_read_and_others_are_quoted() {
        let lines = parse_rules(CLOSING);
        assert_eq!(lines.len(), 4);
        let Line::Rule(r) = &lines[0] else {
            panic!("{lines:?}")
        };
        assert_eq!((r.action, r.sid), (Action::Alert, Some(9100001)));
        assert_eq!(r.msg.as_deref(), Some("udp to the outside; dropped"));
        let udp = Flow::parse("8.8.8.8:53", Some("udp")).unwrap();
        let tls = Flow::parse("pypi.org", None).unwrap();
        assert!(r.matches(&udp) && !r.matches(&tls));
        let Line::Rule(other) = &lines[2] else {
            panic!()
        };
        for f in [&udp, &tls, &Flow::parse("1.1.1.1", Some("icmp")).unwrap()] {
            assert!(!other.matches(f), "{f:?}");
        }
        match &lines[3] {
            Line::Unrecognised { text, why } => {
                assert!(text.starts_with("pass tcp"));
                assert_eq!(why, "option content");
            }
            l => panic!("{l:?}"),
        }
        assert!(matches!(
            &parse_rules("drop tcp 10.0.0.0/8 any -> any any (sid:1;)")[0],
            Line::Unrecognised { .. }
        ));
    }
}
