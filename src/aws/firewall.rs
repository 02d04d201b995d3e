//! AWS Network Firewall as deployed (its own API, not the template): DescribeFirewall for the
//! policy ARN, DescribeFirewallPolicy, and DescribeRuleGroup for each stateful reference, read
//! into `core::firewall::policy`'s model; and the VPC's endpoints with their services' private
//! DNS names (DescribeVpcEndpoints, DescribeVpcEndpointServices), for the route before the
//! firewall. Read calls only: allowed under `--read-only`.

use aws_sdk_ec2::types::Filter;

use super::{AwsError, Session};
use crate::core::firewall::path::{InterfaceEndpoint, S3Gateway, endpoint_policy_buckets};
use crate::core::firewall::policy::{
    DeployedFirewall, FirewallPolicy, NamedRuleGroup, RuleGroup, RulesSource, RulesSourceList,
    StatefulEngineOptions, StatefulRuleGroupOverride, StatefulRuleGroupReference,
    StatefulRuleOptions, StatelessRuleGroupReference,
};

/// The VPC's endpoints as the route check needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VpcEndpoints {
    pub interface: Vec<InterfaceEndpoint>,
    pub s3_gateway: Option<S3Gateway>,
}

fn policy_of(p: &aws_sdk_networkfirewall::types::FirewallPolicy) -> FirewallPolicy {
    FirewallPolicy {
        stateless_default_actions: p.stateless_default_actions().to_vec(),
        stateless_fragment_default_actions: p.stateless_fragment_default_actions().to_vec(),
        stateless_rule_group_references: p
            .stateless_rule_group_references()
            .iter()
            .map(|r| StatelessRuleGroupReference {
                resource_arn: r.resource_arn().to_string(),
                priority: Some(r.priority()),
            })
            .collect(),
        stateful_rule_group_references: p
            .stateful_rule_group_references()
            .iter()
            .map(|r| StatefulRuleGroupReference {
                resource_arn: r.resource_arn().to_string(),
                priority: r.priority(),
                r#override: r.r#override().map(|o| StatefulRuleGroupOverride {
                    action: o.action().map(|a| a.as_str().to_string()),
                }),
            })
            .collect(),
        stateful_default_actions: p.stateful_default_actions().to_vec(),
        stateful_engine_options: p.stateful_engine_options().map(|o| StatefulEngineOptions {
            rule_order: o.rule_order().map(|r| r.as_str().to_string()),
            stream_exception_policy: o.stream_exception_policy().map(|s| s.as_str().to_string()),
        }),
    }
}

fn rule_group_of(g: &aws_sdk_networkfirewall::types::RuleGroup) -> RuleGroup {
    let src = g.rules_source();
    RuleGroup {
        rules_source: RulesSource {
            rules_source_list: src
                .and_then(|s| s.rules_source_list())
                .map(|l| RulesSourceList {
                    generated_rules_type: l.generated_rules_type().as_str().to_string(),
                    targets: l.targets().to_vec(),
                    target_types: l
                        .target_types()
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect(),
                }),
            rules_string: src.and_then(|s| s.rules_string()).map(str::to_string),
            stateful_rules: src
                .filter(|s| !s.stateful_rules().is_empty())
                .map(|s| serde_json::json!(s.stateful_rules().len())),
            stateless_rules_and_custom_actions: src
                .and_then(|s| s.stateless_rules_and_custom_actions())
                .map(|_| serde_json::Value::Bool(true)),
        },
        stateful_rule_options: g.stateful_rule_options().map(|o| StatefulRuleOptions {
            rule_order: o.rule_order().map(|r| r.as_str().to_string()),
        }),
    }
}

impl Session {
    fn networkfirewall(&self) -> aws_sdk_networkfirewall::Client {
        let conf = aws_sdk_networkfirewall::config::Builder::from(&self.sdk)
            .interceptor(self.guard())
            .retry_classifier(super::readonly::DroppedConnectionIsTransient)
            .build();
        aws_sdk_networkfirewall::Client::from_conf(conf)
    }

    /// The firewall `firewall_arn`, its policy and every stateful rule group the policy
    /// references (read concurrently).
    pub async fn deployed_firewall(
        &self,
        firewall_arn: &str,
    ) -> Result<DeployedFirewall, AwsError> {
        let nfw = self.networkfirewall();
        let fw = nfw
            .describe_firewall()
            .firewall_arn(firewall_arn)
            .send()
            .await
            .map_err(|e| self.sdk_err("network-firewall:DescribeFirewall", e))?;
        let (firewall_name, policy_arn) = fw
            .firewall()
            .map(|f| {
                (
                    f.firewall_name().unwrap_or_default().to_string(),
                    f.firewall_policy_arn().to_string(),
                )
            })
            .unwrap_or_default();
        if policy_arn.is_empty() {
            return Err(AwsError::new(
                super::ErrorKind::NotFound,
                "network-firewall:DescribeFirewall",
                format!(
                    "the firewall {firewall_arn} has no firewall policy in Network Firewall's answer"
                ),
            ));
        }
        let pol = nfw
            .describe_firewall_policy()
            .firewall_policy_arn(&policy_arn)
            .send()
            .await
            .map_err(|e| self.sdk_err("network-firewall:DescribeFirewallPolicy", e))?;
        let policy = pol.firewall_policy().map(policy_of).unwrap_or_default();
        let policy_name = pol
            .firewall_policy_response()
            .map(|r| r.firewall_policy_name().to_string())
            .unwrap_or_default();
        let reads = policy.stateful_rule_group_references.iter().map(|r| {
            let nfw = nfw.clone();
            async move {
                nfw.describe_rule_group()
                    .rule_group_arn(&r.resource_arn)
                    .send()
                    .await
                    .map(|out| NamedRuleGroup {
                        arn: r.resource_arn.clone(),
                        name: out
                            .rule_group_response()
                            .map(|x| x.rule_group_name().to_string())
                            .unwrap_or_else(|| r.resource_arn.clone()),
                        group: out.rule_group().map(rule_group_of).unwrap_or_default(),
                    })
                    .map_err(|e| self.sdk_err("network-firewall:DescribeRuleGroup", e))
            }
        });
        let rule_groups = futures::future::try_join_all(reads).await?;
        Ok(DeployedFirewall {
            firewall_name,
            policy_name,
            policy,
            rule_groups,
        })
    }

    /// The VPC's interface endpoints (with their services' private DNS names) and its S3
    /// gateway endpoint (with the buckets its policy admits). Endpoints not `available` are
    /// left out: they answer nothing yet.
    pub async fn vpc_endpoints(&self, vpc_id: &str) -> Result<VpcEndpoints, AwsError> {
        let ec2 = self.ec2();
        let items: Vec<_> = ec2
            .describe_vpc_endpoints()
            .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.sdk_err("ec2:DescribeVpcEndpoints", e))?;
        let mut out = VpcEndpoints::default();
        let mut services = Vec::new();
        for e in &items {
            let state = e.state().map(|s| s.as_str().to_ascii_lowercase());
            if state.as_deref().is_some_and(|s| s != "available") {
                continue;
            }
            let id = e.vpc_endpoint_id().unwrap_or_default().to_string();
            let service = e.service_name().unwrap_or_default().to_string();
            match e.vpc_endpoint_type().map(|t| t.as_str()) {
                Some("Interface") => {
                    services.push(service.clone());
                    out.interface.push(InterfaceEndpoint {
                        id,
                        service_name: service,
                        private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
                        private_dns_names: Vec::new(),
                    });
                }
                Some("Gateway") if service.ends_with(".s3") => {
                    let (buckets, any_bucket) = endpoint_policy_buckets(e.policy_document());
                    out.s3_gateway = Some(S3Gateway {
                        id,
                        buckets,
                        any_bucket,
                    });
                }
                _ => {}
            }
        }
        if services.is_empty() {
            return Ok(out);
        }
        // A filter, not ServiceNames: a name the region does not offer fails ServiceNames for
        // the whole call (InvalidServiceName), a filter just leaves it out.
        let mut token = None;
        loop {
            let page = ec2
                .describe_vpc_endpoint_services()
                .filters(
                    Filter::builder()
                        .name("service-name")
                        .set_values(Some(services.clone()))
                        .build(),
                )
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.sdk_err("ec2:DescribeVpcEndpointServices", e))?;
            for d in page.service_details() {
                let name = d.service_name().unwrap_or_default();
                let mut dns: Vec<String> = d
                    .private_dns_names()
                    .iter()
                    .filter_map(|p| p.private_dns_name().map(str::to_string))
                    .collect();
                if let Some(one) = d.private_dns_name()
                    && !dns.iter().any(|x| x == one)
                {
                    dns.push(one.to_string());
                }
                for e in out.interface.iter_mut().filter(|e| e.service_name == name) {
                    for n in &dns {
                        if !e.private_dns_names.contains(n) {
                            e.private_dns_names.push(n.clone());
                        }
                    }
                }
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }
}
