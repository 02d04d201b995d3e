//! A deployed firewall policy and its rule groups (the JSON shapes of Network Firewall's
//! DescribeFirewallPolicy `FirewallPolicy` and DescribeRuleGroup `RuleGroup`), and the
//! documented evaluation of one flow against them:
//!
//! 1. the stateless engine: with no stateless rule group, the stateless default actions
//!    (`aws:pass`, `aws:drop`, or `aws:forward_to_sfe` to the stateful engine);
//! 2. the stateful engine, `STRICT_ORDER`: rule groups by priority, lowest first, each group's
//!    rules in the order written; `pass`, `drop` and `reject` end the evaluation, `alert` logs
//!    and goes on. `DEFAULT_ACTION_ORDER`: every matching rule, then pass before drop before
//!    reject before alert;
//! 3. a domain list: an explicit name matches only itself, `.example.com` matches example.com
//!    and every subdomain; an ALLOWLIST generates a pass for the listed names and a drop of the
//!    other flows of each target type ("not matching any TLS allowlisted FQDNs"), so TLS without
//!    SNI is dropped;
//! 4. the stateful default actions (strict order only) for a flow no rule decided.

use serde::{Deserialize, Serialize};

use super::suricata::{self, Action, Line};
use super::{Flow, Protocol, Verdict};

/// `FirewallPolicy` as DescribeFirewallPolicy answers it (only what the evaluation reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FirewallPolicy {
    #[serde(default)]
    pub stateless_default_actions: Vec<String>,
    #[serde(default)]
    pub stateless_fragment_default_actions: Vec<String>,
    #[serde(default)]
    pub stateless_rule_group_references: Vec<StatelessRuleGroupReference>,
    #[serde(default)]
    pub stateful_rule_group_references: Vec<StatefulRuleGroupReference>,
    #[serde(default)]
    pub stateful_default_actions: Vec<String>,
    #[serde(default)]
    pub stateful_engine_options: Option<StatefulEngineOptions>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatelessRuleGroupReference {
    pub resource_arn: String,
    #[serde(default)]
    pub priority: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatefulRuleGroupReference {
    pub resource_arn: String,
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub r#override: Option<StatefulRuleGroupOverride>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatefulRuleGroupOverride {
    #[serde(default)]
    pub action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatefulEngineOptions {
    #[serde(default)]
    pub rule_order: Option<String>,
    #[serde(default)]
    pub stream_exception_policy: Option<String>,
}

/// `RuleGroup` as DescribeRuleGroup answers it (only what the evaluation reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleGroup {
    #[serde(default)]
    pub rules_source: RulesSource,
    #[serde(default)]
    pub stateful_rule_options: Option<StatefulRuleOptions>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RulesSource {
    #[serde(default)]
    pub rules_source_list: Option<RulesSourceList>,
    #[serde(default)]
    pub rules_string: Option<String>,
    /// StatefulRules / StatelessRulesAndCustomActions: present means "not read by studio-tui".
    #[serde(default)]
    pub stateful_rules: Option<serde_json::Value>,
    #[serde(default)]
    pub stateless_rules_and_custom_actions: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RulesSourceList {
    pub generated_rules_type: String,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub target_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatefulRuleOptions {
    #[serde(default)]
    pub rule_order: Option<String>,
}

/// A rule group of the policy, with the name it is shown by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRuleGroup {
    pub arn: String,
    pub name: String,
    pub group: RuleGroup,
}

/// The deployed firewall: its policy and the rule groups the policy references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedFirewall {
    pub firewall_name: String,
    pub policy_name: String,
    pub policy: FirewallPolicy,
    pub rule_groups: Vec<NamedRuleGroup>,
}

/// What decided the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecidedBy {
    /// The stateless engine's default action (no stateless rule groups).
    StatelessDefault { actions: Vec<String> },
    /// A rule of a stateful rule group (for a domain list, the rule Network Firewall generates).
    Rule {
        group: String,
        priority: Option<i32>,
        action: Action,
        rule: String,
        sid: Option<u64>,
    },
    /// No rule decided: the policy's stateful default actions.
    StatefulDefault { actions: Vec<String> },
    /// No rule matched and the policy has no drop default: the flow passes.
    NoRuleMatched { rule_order: String },
    /// A rule or setting studio-tui does not evaluate, quoted.
    Unrecognised {
        group: String,
        rule: String,
        why: String,
    },
}

/// One alert record the flow leaves in the alert log (`alert.action`, signature, sid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertLog {
    /// "blocked" for a drop or reject, "allowed" for an alert rule.
    pub action: &'static str,
    pub signature: String,
    pub sid: Option<u64>,
}

/// The firewall's decision on one flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub decided_by: DecidedBy,
    /// The alert records it leaves, in order (empty: nothing is logged).
    pub alerts: Vec<AlertLog>,
}

/// The signature of the drop Network Firewall generates after an allow list's passes.
pub fn allowlist_drop_signature(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Http => "not matching any HTTP allowlisted FQDNs",
        _ => "not matching any TLS allowlisted FQDNs",
    }
}

/// A domain-list entry against a name: `.example.com` matches example.com and every
/// subdomain, any other entry only itself (case-insensitive, a trailing dot ignored).
pub fn domain_entry_matches(entry: &str, name: &str) -> bool {
    let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match entry.strip_prefix('.') {
        Some(base) => name == base || name.strip_suffix(base).is_some_and(|h| h.ends_with('.')),
        None => name == entry,
    }
}

const STRICT: &str = "STRICT_ORDER";
const ACTION_ORDER: &str = "DEFAULT_ACTION_ORDER";

/// One step of a rule group for a flow: a rule that matches (action, text, sid, signature),
/// or a rule studio-tui cannot read.
enum Step {
    Match {
        action: Action,
        rule: String,
        sid: Option<u64>,
        signature: String,
    },
    Unrecognised {
        rule: String,
        why: String,
    },
}

/// The domain list's generated rules that match the flow (at most one: a pass, or the drop of
/// what matches no target).
fn domain_list_steps(list: &RulesSourceList, flow: &Flow) -> Vec<Step> {
    let (wanted, value) = match flow.protocol {
        Protocol::Tls => ("TLS_SNI", flow.sni().map(str::to_string)),
        Protocol::Http => ("HTTP_HOST", flow.http_host()),
        _ => return Vec::new(),
    };
    if !list.target_types.iter().any(|t| t == wanted) {
        return Vec::new();
    }
    let hit: Option<&str> = value.as_deref().and_then(|v| {
        list.targets
            .iter()
            .find(|t| domain_entry_matches(t, v))
            .map(String::as_str)
    });
    let field = if wanted == "TLS_SNI" {
        "TLS SNI"
    } else {
        "HTTP Host"
    };
    let matched = |action: Action, t: &str| Step::Match {
        action,
        rule: format!(
            "{} {field} matching {t} (generated from the domain list)",
            action.as_str()
        ),
        sid: None,
        signature: format!("matching {t}"),
    };
    match (list.generated_rules_type.as_str(), hit) {
        ("ALLOWLIST", Some(t)) => vec![matched(Action::Pass, t)],
        ("ALLOWLIST", None) => {
            let sig = allowlist_drop_signature(flow.protocol);
            vec![Step::Match {
                action: Action::Drop,
                rule: format!("drop {field} {sig} (generated from the domain list)"),
                sid: None,
                signature: sig.to_string(),
            }]
        }
        ("DENYLIST", Some(t)) => vec![matched(Action::Drop, t)],
        ("REJECTLIST", Some(t)) => vec![matched(Action::Reject, t)],
        ("ALERTLIST", Some(t)) => vec![matched(Action::Alert, t)],
        ("DENYLIST" | "REJECTLIST" | "ALERTLIST", None) => Vec::new(),
        (other, _) => vec![Step::Unrecognised {
            rule: format!("GeneratedRulesType {other}"),
            why: "a domain-list type studio-tui does not know".into(),
        }],
    }
}

fn group_steps(group: &RuleGroup, flow: &Flow) -> Vec<Step> {
    let src = &group.rules_source;
    if let Some(list) = &src.rules_source_list {
        return domain_list_steps(list, flow);
    }
    if let Some(rules) = &src.rules_string {
        return suricata::parse_rules(rules)
            .into_iter()
            .filter_map(|l| match l {
                Line::Rule(r) if r.matches(flow) => Some(Step::Match {
                    action: r.action,
                    signature: r.msg.clone().unwrap_or_else(|| r.text.clone()),
                    sid: r.sid,
                    rule: r.text,
                }),
                Line::Rule(_) => None,
                Line::Unrecognised { text, why } => Some(Step::Unrecognised { rule: text, why }),
            })
            .collect();
    }
    vec![Step::Unrecognised {
        rule: if src.stateful_rules.is_some() {
            "StatefulRules".into()
        } else {
            "a rule group without RulesSourceList or RulesString".into()
        },
        why: "only domain lists and Suricata rule strings are evaluated".into(),
    }]
}

fn unknown(group: &str, rule: &str, why: &str) -> Decision {
    Decision {
        verdict: Verdict::Unknown,
        decided_by: DecidedBy::Unrecognised {
            group: group.to_string(),
            rule: rule.to_string(),
            why: why.to_string(),
        },
        alerts: Vec::new(),
    }
}

fn log_of(action: Action, signature: &str, sid: Option<u64>) -> AlertLog {
    AlertLog {
        action: if action == Action::Alert {
            "allowed"
        } else {
            "blocked"
        },
        signature: signature.to_string(),
        sid,
    }
}

impl DeployedFirewall {
    /// The rule group a reference names, if it was read.
    fn group(&self, arn: &str) -> Option<&NamedRuleGroup> {
        self.rule_groups.iter().find(|g| g.arn == arn)
    }

    /// The documented evaluation of `flow` (from the VPC to the outside).
    pub fn evaluate(&self, flow: &Flow) -> Decision {
        let p = &self.policy;
        if let Some(r) = p.stateless_rule_group_references.first() {
            return unknown(
                &self.policy_name,
                &format!("stateless rule group {}", r.resource_arn),
                "stateless rule groups are not evaluated",
            );
        }
        let stateless = &p.stateless_default_actions;
        let standard: Vec<&str> = stateless
            .iter()
            .map(String::as_str)
            .filter(|a| matches!(*a, "aws:pass" | "aws:drop" | "aws:forward_to_sfe"))
            .collect();
        match standard.as_slice() {
            ["aws:forward_to_sfe"] => {}
            [one @ ("aws:pass" | "aws:drop")] => {
                return Decision {
                    verdict: if *one == "aws:pass" {
                        Verdict::Reaches
                    } else {
                        Verdict::Dropped
                    },
                    decided_by: DecidedBy::StatelessDefault {
                        actions: stateless.clone(),
                    },
                    alerts: Vec::new(),
                };
            }
            _ => {
                return unknown(
                    &self.policy_name,
                    &format!("StatelessDefaultActions {}", stateless.join(",")),
                    "expected one of aws:pass, aws:drop, aws:forward_to_sfe",
                );
            }
        }
        let order = p
            .stateful_engine_options
            .as_ref()
            .and_then(|o| o.rule_order.clone())
            .unwrap_or_else(|| ACTION_ORDER.to_string());
        let mut refs: Vec<&StatefulRuleGroupReference> =
            p.stateful_rule_group_references.iter().collect();
        refs.sort_by_key(|r| r.priority.unwrap_or(i32::MAX));
        match order.as_str() {
            STRICT => self.strict(flow, &refs),
            ACTION_ORDER => self.action_order(flow, &refs),
            other => unknown(
                &self.policy_name,
                &format!("StatefulEngineOptions.RuleOrder {other}"),
                "an evaluation order studio-tui does not know",
            ),
        }
    }

    /// The steps of one referenced group, with the reference's DROP_TO_ALERT override applied.
    fn steps_of<'a>(
        &'a self,
        r: &StatefulRuleGroupReference,
        flow: &Flow,
    ) -> Result<(&'a NamedRuleGroup, Vec<Step>), Decision> {
        let Some(g) = self.group(&r.resource_arn) else {
            return Err(unknown(
                &self.policy_name,
                &format!("rule group {}", r.resource_arn),
                "the rule group was not read",
            ));
        };
        let drop_to_alert = match r.r#override.as_ref().and_then(|o| o.action.as_deref()) {
            None => false,
            Some("DROP_TO_ALERT") => true,
            Some(other) => {
                return Err(unknown(
                    &g.name,
                    &format!("Override.Action {other}"),
                    "an override studio-tui does not know",
                ));
            }
        };
        let mut steps = group_steps(&g.group, flow);
        if drop_to_alert {
            for s in &mut steps {
                if let Step::Match { action, .. } = s
                    && *action == Action::Drop
                {
                    *action = Action::Alert;
                }
            }
        }
        Ok((g, steps))
    }

    fn strict(&self, flow: &Flow, refs: &[&StatefulRuleGroupReference]) -> Decision {
        let mut alerts = Vec::new();
        for r in refs {
            let (g, steps) = match self.steps_of(r, flow) {
                Ok(x) => x,
                Err(d) => return d,
            };
            let group_order = g
                .group
                .stateful_rule_options
                .as_ref()
                .and_then(|o| o.rule_order.as_deref())
                .unwrap_or(ACTION_ORDER);
            if group_order != STRICT {
                return unknown(
                    &g.name,
                    &format!("StatefulRuleOptions.RuleOrder {group_order}"),
                    "the rule group's order differs from the policy's STRICT_ORDER, which \
                     Network Firewall does not accept",
                );
            }
            for s in steps {
                match s {
                    Step::Unrecognised { rule, why } => return unknown(&g.name, &rule, &why),
                    Step::Match {
                        action,
                        rule,
                        sid,
                        signature,
                    } => {
                        if action != Action::Pass {
                            alerts.push(log_of(action, &signature, sid));
                        }
                        if action == Action::Alert {
                            continue;
                        }
                        return Decision {
                            verdict: if action == Action::Pass {
                                Verdict::Reaches
                            } else {
                                Verdict::Dropped
                            },
                            decided_by: DecidedBy::Rule {
                                group: g.name.clone(),
                                priority: r.priority,
                                action,
                                rule,
                                sid,
                            },
                            alerts,
                        };
                    }
                }
            }
        }
        self.stateful_default(alerts)
    }

    fn stateful_default(&self, mut alerts: Vec<AlertLog>) -> Decision {
        let actions = &self.policy.stateful_default_actions;
        let mut drop = false;
        let mut alert = Vec::new();
        for a in actions {
            match a.as_str() {
                "aws:drop_strict"
                | "aws:drop_established"
                | "aws:drop_established_app_layer_to_server" => drop = true,
                "aws:alert_strict"
                | "aws:alert_established"
                | "aws:alert_established_app_layer_to_server" => alert.push(a),
                other => {
                    return unknown(
                        &self.policy_name,
                        &format!("StatefulDefaultActions {other}"),
                        "a default action studio-tui does not know",
                    );
                }
            }
        }
        alerts.extend(alert.into_iter().map(|a| AlertLog {
            action: if drop { "blocked" } else { "allowed" },
            signature: format!("{a} action"),
            sid: None,
        }));
        let decided_by = if actions.is_empty() {
            DecidedBy::NoRuleMatched {
                rule_order: STRICT.into(),
            }
        } else {
            DecidedBy::StatefulDefault {
                actions: actions.clone(),
            }
        };
        Decision {
            verdict: if drop {
                Verdict::Dropped
            } else {
                Verdict::Reaches
            },
            decided_by,
            alerts,
        }
    }

    fn action_order(&self, flow: &Flow, refs: &[&StatefulRuleGroupReference]) -> Decision {
        let mut matched = Vec::new();
        for r in refs {
            let (g, steps) = match self.steps_of(r, flow) {
                Ok(x) => x,
                Err(d) => return d,
            };
            for s in steps {
                match s {
                    Step::Unrecognised { rule, why } => return unknown(&g.name, &rule, &why),
                    Step::Match {
                        action,
                        rule,
                        sid,
                        signature,
                    } => matched.push((g, r.priority, action, rule, sid, signature)),
                }
            }
        }
        for wanted in [Action::Pass, Action::Drop, Action::Reject, Action::Alert] {
            if let Some((g, priority, action, rule, sid, signature)) =
                matched.iter().find(|m| m.2 == wanted)
            {
                let alerts = if *action == Action::Pass {
                    Vec::new()
                } else {
                    vec![log_of(*action, signature, *sid)]
                };
                return Decision {
                    verdict: if matches!(action, Action::Pass | Action::Alert) {
                        Verdict::Reaches
                    } else {
                        Verdict::Dropped
                    },
                    decided_by: DecidedBy::Rule {
                        group: g.name.clone(),
                        priority: *priority,
                        action: *action,
                        rule: rule.clone(),
                        sid: *sid,
                    },
                    alerts,
                };
            }
        }
        Decision {
            verdict: Verdict::Reaches,
            decided_by: DecidedBy::NoRuleMatched {
                rule_order: ACTION_ORDER.into(),
            },
            alerts: Vec::new(),
        }
    }
}

impl DecidedBy {
    /// One line saying what decided, from the policy's own text.
    pub fn describe(&self) -> String {
        match self {
            DecidedBy::StatelessDefault { actions } => {
                format!("the stateless default action {}", actions.join(", "))
            }
            DecidedBy::Rule {
                group,
                priority,
                rule,
                ..
            } => match priority {
                Some(p) => format!("rule group {group} (priority {p}): {rule}"),
                None => format!("rule group {group}: {rule}"),
            },
            DecidedBy::StatefulDefault { actions } => format!(
                "no rule matched; the policy's stateful default actions {}",
                actions.join(", ")
            ),
            DecidedBy::NoRuleMatched { rule_order } => format!(
                "no rule matched and the policy ({rule_order}) has no drop default action, so \
                 the flow passes"
            ),
            DecidedBy::Unrecognised { group, rule, why } => {
                format!("{group}: `{rule}` ({why}); the verdict is not guessed")
            }
        }
    }
}
