//! The answer `firewall check` gives: the route, the firewall's decision when the flow crosses
//! it, the verdict, and the fix, built only from validated values.

use serde::Serialize;

use super::path::Route;
use super::policy::{DecidedBy, Decision};
use super::{Flow, Host, Verdict};

/// What to do about the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fix {
    /// The flow gets through, or nothing studio-tui can change decides it.
    Nothing,
    /// Add the host to the allow list (a reviewed change set).
    Allow { command: String },
    /// A non-web protocol: the firewall drops it on purpose and no allow-list entry changes it.
    BlockedByDesign,
    /// TLS or HTTP to an address: the allow list matches names only.
    UseHostName,
    /// Allowing it would defeat the design; the reason says why.
    KeepBlocked { why: String },
}

impl Fix {
    /// The fix in one line for the plain output.
    pub fn text(&self) -> String {
        match self {
            Fix::Nothing => "nothing to do".into(),
            Fix::Allow { command } => {
                format!("{command} (adds it to AllowedDomains through the change-set review)")
            }
            Fix::BlockedByDesign => "nothing to do: only TLS and HTTP to listed names leave the \
                 VPC; other protocols stay blocked by design"
                .into(),
            Fix::UseHostName => "connect by host name: the allow list matches TLS SNI and HTTP \
                 Host names, never addresses"
                .into(),
            Fix::KeepBlocked { why } => why.clone(),
        }
    }
}

/// The whole answer for one flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub flow: Flow,
    pub verdict: Verdict,
    pub route: Route,
    /// The firewall's decision, when the flow crosses it.
    pub decision: Option<Decision>,
    /// One sentence: why.
    pub because: String,
    pub alert_logged: bool,
    pub fix: Fix,
    pub warnings: Vec<String>,
}

const S3_FENCE_WARNING: &str = "an allow-list entry that admits S3 outside the region's gateway \
    endpoint lets a notebook copy data to any bucket there, around the endpoint policy and the \
    bucket fence";

/// The verdict of a route that does not cross the firewall.
fn off_firewall_verdict(route: &Route, flow: &Flow) -> Verdict {
    match route {
        Route::Local { .. } => Verdict::Reaches,
        Route::InterfaceEndpoint { .. } => {
            if flow.port == Some(443) && flow.protocol != super::Protocol::Udp {
                Verdict::Reaches
            } else {
                Verdict::Unknown
            }
        }
        Route::S3Gateway { admitted, .. } => match admitted {
            Some(false) => Verdict::Dropped,
            _ => Verdict::Reaches,
        },
        Route::Firewall { .. } => Verdict::Unknown,
    }
}

/// Combine the route and (for a route through the firewall) the firewall's decision.
pub fn answer(flow: &Flow, route: Route, decision: Option<Decision>) -> Answer {
    let mut warnings = Vec::new();
    let s3_region = match &route {
        Route::Firewall { s3_region } => s3_region.clone(),
        _ => None,
    };
    let Some(decision) = decision.filter(|_| route.crosses_firewall()) else {
        let verdict = off_firewall_verdict(&route, flow);
        let fix = match (&route, verdict) {
            (Route::S3Gateway { .. }, Verdict::Dropped) => Fix::KeepBlocked {
                why: "the S3 endpoint policy admits the project's buckets only; admit another \
                      bucket on purpose in the template, never through the allow list"
                    .into(),
            },
            _ => Fix::Nothing,
        };
        return Answer {
            flow: flow.clone(),
            verdict,
            because: route.describe(flow),
            route,
            decision: None,
            alert_logged: false,
            fix,
            warnings,
        };
    };
    if s3_region.is_some() && decision.verdict == Verdict::Reaches {
        warnings.push(format!(
            "this flow reaches S3 in another region: {S3_FENCE_WARNING}"
        ));
    }
    let fix = match decision.verdict {
        Verdict::Reaches | Verdict::Unknown => Fix::Nothing,
        Verdict::Dropped => fix_for_drop(flow, &decision, s3_region.as_deref()),
    };
    Answer {
        flow: flow.clone(),
        verdict: decision.verdict,
        because: format!(
            "{}; {}",
            route.describe(flow),
            decision.decided_by.describe()
        ),
        route,
        alert_logged: !decision.alerts.is_empty(),
        decision: Some(decision),
        fix,
        warnings,
    }
}

fn fix_for_drop(flow: &Flow, decision: &Decision, s3_region: Option<&str>) -> Fix {
    if !flow.protocol.is_web() {
        return Fix::BlockedByDesign;
    }
    if let DecidedBy::StatelessDefault { .. } = decision.decided_by {
        return Fix::KeepBlocked {
            why: "the policy's stateless default action drops everything before any rule; \
                  check the firewall policy"
                .into(),
        };
    }
    match (&flow.host, s3_region) {
        (Host::Ip(_), _) => Fix::UseHostName,
        (Host::Name(_), Some(r)) => Fix::KeepBlocked {
            why: format!(
                "S3 in {r} stays blocked on purpose: {S3_FENCE_WARNING}; copy through a bucket \
                 in this region instead"
            ),
        },
        (Host::Name(n), None) => Fix::Allow {
            command: format!("studio-tui firewall allow {n}"),
        },
    }
}

/// Text that came from AWS or from a rule (names, rule strings), shown through the one
/// sanitizer every printer uses (control characters, ESC, C1 and bidi controls escaped).
fn clean(text: &str) -> String {
    crate::core::shown::shown(text).into_owned()
}

impl Answer {
    /// The answer line by line, as `firewall check` prints it and the wizard draws it.
    pub fn lines(&self) -> Vec<String> {
        let verdict = match self.verdict {
            Verdict::Reaches => "REACHES",
            Verdict::Dropped => "DROPPED",
            Verdict::Unknown => "UNKNOWN",
        };
        let mut out = vec![format!(
            "{} {}: {verdict}",
            self.flow.target(),
            self.flow.protocol.as_str()
        )];
        out.push(format!(
            "  route: {}",
            clean(&self.route.describe(&self.flow))
        ));
        if let Some(d) = &self.decision {
            out.push(format!("  decided by: {}", clean(&d.decided_by.describe())));
            out.push(format!(
                "  alert logged: {}",
                if d.alerts.is_empty() { "no" } else { "yes" }
            ));
        }
        out.push(format!("  fix: {}", clean(&self.fix.text())));
        for w in &self.warnings {
            out.push(format!("  warning: {}", clean(w)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_text_from_aws_is_escaped_in_the_lines() {
        let flow = Flow::parse("github.com", None).unwrap();
        let decision = Decision {
            verdict: Verdict::Dropped,
            decided_by: DecidedBy::Rule {
                group: "g\u{1b}[2J".into(),
                priority: Some(1),
                action: super::super::suricata::Action::Drop,
                rule: "drop tls \u{7}".into(),
                sid: None,
            },
            alerts: Vec::new(),
        };
        let a = answer(&flow, Route::Firewall { s3_region: None }, Some(decision));
        let text = a.lines().join("\n");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        assert!(text.contains("\\u001b[2J"), "{text}");
        assert!(text.starts_with("github.com:443 tls: DROPPED"), "{text}");
        assert!(
            text.contains("fix: studio-tui firewall allow github.com"),
            "{text}"
        );
    }
}
