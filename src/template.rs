//! The environment's CloudFormation template, embedded in the binary, and what studio-tui reads
//! from it: parameter names and constraints (checked offline before anything is sent), resource
//! types (for progress and ETA), output names, and a JSON rendering.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_yaml_ng::Value;

use crate::core::finding::{Finding, FindingCode, Severity};

/// The template as shipped (`assets/cloudformation/studio-environment.yaml`).
pub const TEMPLATE_YAML: &str = include_str!("../assets/cloudformation/studio-environment.yaml");

/// CloudFormation's limit for an inline TemplateBody; larger templates go through S3.
pub const INLINE_LIMIT: usize = 51_200;

/// One parameter's declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: String,
    pub kind: String,
    pub default: Option<String>,
    pub description: Option<String>,
    pub allowed_pattern: Option<String>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub allowed_values: Vec<String>,
    pub constraint_description: Option<String>,
}

/// What studio-tui needs from the template.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub description: String,
    /// In template order.
    pub parameters: Vec<ParamSpec>,
    /// (logical id, resource type), in template order.
    pub resources: Vec<(String, String)>,
    /// Logical ids of the resources with a `Condition` (created only when it holds, e.g.
    /// AdmittedBucketsPolicy when AllowedBuckets is not empty).
    pub conditional: Vec<String>,
    pub outputs: Vec<String>,
    /// The VPC endpoints' service names as written (`com.amazonaws.${AWS::Region}.sts`) with
    /// their endpoint type (`Interface` / `Gateway`).
    pub endpoint_services: Vec<(String, String)>,
    /// The VPC endpoints' logical ids with their endpoint type (`Interface` / `Gateway`).
    pub endpoint_types: Vec<(String, String)>,
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parse a template (YAML with CloudFormation's short-form tags).
pub fn parse(text: &str) -> Result<Template, String> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let get = |k: &str| doc.get(k).and_then(Value::as_mapping);
    let mut t = Template {
        description: doc.get("Description").and_then(scalar).unwrap_or_default(),
        ..Template::default()
    };
    for (k, v) in get("Parameters").into_iter().flatten() {
        let name = scalar(k).unwrap_or_default();
        let field = |f: &str| v.get(f).and_then(scalar);
        t.parameters.push(ParamSpec {
            kind: field("Type").unwrap_or_default(),
            default: field("Default"),
            description: field("Description"),
            allowed_pattern: field("AllowedPattern"),
            min_length: field("MinLength").and_then(|s| s.parse().ok()),
            max_length: field("MaxLength").and_then(|s| s.parse().ok()),
            allowed_values: v
                .get("AllowedValues")
                .and_then(Value::as_sequence)
                .map(|s| s.iter().filter_map(scalar).collect())
                .unwrap_or_default(),
            constraint_description: field("ConstraintDescription"),
            name,
        });
    }
    for (k, v) in get("Resources").into_iter().flatten() {
        t.resources.push((
            scalar(k).unwrap_or_default(),
            v.get("Type").and_then(scalar).unwrap_or_default(),
        ));
        if v.get("Condition").is_some() {
            t.conditional.push(scalar(k).unwrap_or_default());
        }
    }
    for (k, _) in get("Outputs").into_iter().flatten() {
        t.outputs.push(scalar(k).unwrap_or_default());
    }
    for (k, v) in get("Resources").into_iter().flatten() {
        if v.get("Type").and_then(scalar).as_deref() != Some("AWS::EC2::VPCEndpoint") {
            continue;
        }
        let props = v.get("Properties");
        let name = props
            .and_then(|p| p.get("ServiceName"))
            .and_then(|n| match n {
                Value::Tagged(t) => scalar(&t.value),
                other => scalar(other),
            });
        let kind = props
            .and_then(|p| p.get("VpcEndpointType"))
            .and_then(scalar)
            .unwrap_or_else(|| "Gateway".to_string());
        t.endpoint_types
            .push((scalar(k).unwrap_or_default(), kind.clone()));
        if let Some(name) = name {
            t.endpoint_services.push((name, kind));
        }
    }
    Ok(t)
}

/// The embedded template, parsed once.
#[allow(
    clippy::panic,
    reason = "the template is compiled in and parsed by the tests; failing here is a build defect"
)]
pub fn embedded() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| match parse(TEMPLATE_YAML) {
        Ok(t) => t,
        // The embedded template is checked by the tests; an unparsable one is a build defect.
        Err(e) => panic!("the embedded template does not parse: {e}"),
    })
}

impl Template {
    pub fn parameter(&self, name: &str) -> Option<&ParamSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The endpoint services the stack creates in `region`: (exact name, endpoint type).
    pub fn endpoint_services_in(&self, region: &str) -> Vec<(String, String)> {
        self.endpoint_services
            .iter()
            .map(|(n, k)| (n.replace("${AWS::Region}", region), k.clone()))
            .collect()
    }

    /// Resource type of a logical id.
    pub fn resource_type(&self, logical_id: &str) -> Option<&str> {
        self.resources
            .iter()
            .find(|(id, _)| id == logical_id)
            .map(|(_, t)| t.as_str())
    }

    /// Check parameter values offline, as CloudFormation would: unknown names, AllowedPattern
    /// (whole value; per element for list types), lengths and allowed values. Codes:
    /// `TEMPLATE_UNKNOWN_PARAMETER`, `TEMPLATE_CONSTRAINT`.
    pub fn check_parameters(&self, values: &[(&str, String)]) -> Vec<Finding> {
        let mut out = Vec::new();
        for (name, value) in values {
            let Some(spec) = self.parameter(name) else {
                out.push(Finding::new(
                    Severity::Error,
                    FindingCode::TemplateUnknownParameter,
                    format!("parameter {name} does not exist in the template"),
                    format!(
                        "use one of: {}",
                        self.parameters
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None,
                ));
                continue;
            };
            let items: Vec<&str> =
                if spec.kind.starts_with("CommaDelimitedList") || spec.kind.starts_with("List<") {
                    value.split(',').map(str::trim).collect()
                } else {
                    vec![value.as_str()]
                };
            let why = self.violation(spec, value, &items);
            if let Some(why) = why {
                out.push(Finding::new(
                    Severity::Error,
                    FindingCode::TemplateConstraint,
                    format!("parameter {name} = '{value}' {why}"),
                    spec.constraint_description
                        .clone()
                        .map(|c| format!("{name} {c}"))
                        .unwrap_or_else(|| format!("give {name} a value the template accepts")),
                    crate::core::field::Field::from_cfn_name(name),
                ));
            }
        }
        out
    }

    fn violation(&self, spec: &ParamSpec, whole: &str, items: &[&str]) -> Option<String> {
        let len = whole.chars().count();
        if let Some(min) = spec.min_length
            && len < min
        {
            return Some(format!("is shorter than {min} characters"));
        }
        if let Some(max) = spec.max_length
            && len > max
        {
            return Some(format!("is longer than {max} characters"));
        }
        if !spec.allowed_values.is_empty() && !spec.allowed_values.iter().any(|v| v == whole) {
            return Some(format!("is not one of {}", spec.allowed_values.join(", ")));
        }
        if let Some(pattern) = &spec.allowed_pattern {
            // CloudFormation matches the whole value.
            let anchored = format!(
                "^(?:{})$",
                pattern.trim_start_matches('^').trim_end_matches('$')
            );
            match regex::Regex::new(&anchored) {
                Ok(re) => {
                    if let Some(bad) = items.iter().find(|i| !re.is_match(i)) {
                        return Some(if items.len() > 1 {
                            format!("has an element '{bad}' that does not match {pattern}")
                        } else {
                            format!("does not match {pattern}")
                        });
                    }
                }
                Err(e) => return Some(format!("cannot be checked: bad AllowedPattern ({e})")),
            }
        }
        None
    }
}

/// The template as JSON, short-form tags (`!Ref`, `!Sub`, `!GetAtt A.B`, ...) expanded to
/// their long forms, pretty-printed.
pub fn to_json(text: &str) -> Result<String, String> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let json = yaml_to_json(&doc)?;
    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
}

fn yaml_to_json(v: &Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(f) = n.as_f64() {
                J::from(f)
            } else {
                J::String(n.to_string())
            }
        }
        Value::String(s) => J::String(s.clone()),
        Value::Sequence(s) => J::Array(s.iter().map(yaml_to_json).collect::<Result<_, _>>()?),
        Value::Mapping(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let key = scalar(k).ok_or_else(|| format!("non-scalar key {k:?}"))?;
                out.insert(key, yaml_to_json(v)?);
            }
            J::Object(out)
        }
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = yaml_to_json(&tagged.value)?;
            let (key, value) = match name {
                "Ref" => ("Ref".to_string(), inner),
                "GetAtt" => {
                    let v = match inner {
                        J::String(s) => match s.split_once('.') {
                            Some((a, b)) => J::Array(vec![J::from(a), J::from(b)]),
                            None => J::String(s),
                        },
                        other => other,
                    };
                    ("Fn::GetAtt".to_string(), v)
                }
                "Condition" => ("Condition".to_string(), inner),
                other => (format!("Fn::{other}"), inner),
            };
            let mut m = serde_json::Map::new();
            m.insert(key, value);
            J::Object(m)
        }
    })
}

/// All parameters' defaults, as the template declares them.
pub fn defaults() -> BTreeMap<String, String> {
    embedded()
        .parameters
        .iter()
        .filter_map(|p| Some((p.name.clone(), p.default.clone()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::field::PARAMETER_NAMES;
    use crate::core::params::ParamsDraft;

    #[test]
    fn the_tool_sends_exactly_the_templates_parameter_names() {
        // Upstream's Makefile once sent a misspelt name and the default was silently used.
        let t = embedded();
        let in_template: Vec<&str> = t.parameters.iter().map(|p| p.name.as_str()).collect();
        let mut a = in_template.clone();
        let mut b = PARAMETER_NAMES.to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        let sent: Vec<&str> = ParamsDraft::default()
            .parse(0)
            .unwrap()
            .to_cfn_parameters()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        for n in sent {
            assert!(t.parameter(n).is_some(), "{n} is not in the template");
        }
        let listed: Vec<String> = include_str!("../assets/cloudformation/expected-parameters.txt")
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(
            listed,
            in_template
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn seed_defaults_match_the_tools_defaults() {
        let d = defaults();
        for (name, value) in ParamsDraft::default().parse(0).unwrap().to_cfn_parameters() {
            if name == "AvailabilityZone" {
                assert_eq!(d.get(name).map(String::as_str), Some(""));
                continue;
            }
            assert_eq!(d.get(name), Some(&value), "default of {name}");
        }
    }

    #[test]
    fn outputs_are_the_ones_the_tool_reads() {
        let listed: Vec<&str> = include_str!("../assets/cloudformation/expected-outputs.txt")
            .lines()
            .collect();
        assert_eq!(embedded().outputs, listed);
        for needed in [
            "VpcId",
            "SageMakerStudioSubnetId",
            "SageMakerSecurityGroupId",
            "ExecutionRoleArn",
            "StudioKmsKeyArn",
            "FirewallEndpointId",
            "DataBucketName",
            "ModelsBucketName",
        ] {
            assert!(listed.contains(&needed), "{needed}");
        }
    }

    #[test]
    fn fits_inline() {
        assert!(
            TEMPLATE_YAML.len() < INLINE_LIMIT,
            "{}",
            TEMPLATE_YAML.len()
        );
    }

    #[test]
    fn offline_check_catches_what_cloudformation_would() {
        let t = embedded();
        assert!(
            t.check_parameters(&ParamsDraft::default().parse(0).unwrap().to_cfn_parameters())
                .is_empty()
        );
        let bad = t.check_parameters(&[
            ("ProjectName", "Bad_Name".into()),
            ("VpcCIDR", "10.2.0.0/8".into()),
            ("AllowedDomains", ".amazonaws.com,https://x".into()),
            ("VpcCidr", "10.2.0.0/16".into()),
        ]);
        let codes: Vec<_> = bad.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            vec![
                FindingCode::TemplateConstraint,
                FindingCode::TemplateConstraint,
                FindingCode::TemplateConstraint,
                FindingCode::TemplateUnknownParameter
            ]
        );
        assert!(bad[2].message.contains("https://x"), "{}", bad[2].message);
        assert!(bad[3].fix.contains("VpcCIDR"));
    }

    fn template_json() -> serde_json::Value {
        serde_json::from_str(&to_json(TEMPLATE_YAML).unwrap()).unwrap()
    }

    fn text(v: &serde_json::Value) -> String {
        v.to_string()
    }

    /// The firewall's alert log group is under /aws/vendedlogs/ (CloudWatch Logs resource-policy
    /// size limit) and encrypted with a key that admits CloudWatch Logs for that group only.
    #[test]
    fn the_alert_log_group_is_vended_and_encrypted_with_a_key_only_it_may_use() {
        let v = template_json();
        let group = &v["Resources"]["FirewallAlertLogGroup"]["Properties"];
        let name = text(&group["LogGroupName"]);
        assert!(
            name.contains("\"/aws/vendedlogs/${ProjectName}/network-firewall/alert\""),
            "{name}"
        );
        assert!(text(&group["KmsKeyId"]).contains("LogsKmsKey"), "{group}");

        let key = &v["Resources"]["LogsKmsKey"];
        assert_eq!(key["Type"], "AWS::KMS::Key");
        assert_eq!(key["Properties"]["EnableKeyRotation"], true);
        let statements = key["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .unwrap();
        let logs: Vec<_> = statements
            .iter()
            .filter(|st| text(&st["Principal"]).contains("logs.${AWS::Region}.amazonaws.com"))
            .collect();
        assert_eq!(logs.len(), 1, "one statement for CloudWatch Logs");
        let arn = text(&logs[0]["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]);
        assert!(
            arn.contains(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:\
                 /aws/vendedlogs/${ProjectName}/network-firewall/alert\""
            ),
            "the condition names exactly the alert log group: {arn}"
        );
        // no other statement names a service principal
        for st in statements {
            if !logs.iter().any(|l| std::ptr::eq(*l, st)) {
                assert!(st["Principal"]["Service"].is_null(), "{st}");
            }
        }
    }

    /// Every write or permission-management action of the execution policy is scoped by
    /// resource or condition; the statements left on "*" are the listed ones, each justified by
    /// a comment in the YAML.
    #[test]
    fn execution_policy_scopes_writes_and_justifies_each_star() {
        let v = template_json();
        let statements =
            v["Resources"]["ExecutionPolicy"]["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap();
        let actions = |st: &serde_json::Value| -> Vec<String> {
            match &st["Action"] {
                serde_json::Value::String(a) => vec![a.clone()],
                serde_json::Value::Array(a) => {
                    a.iter().map(|x| x.as_str().unwrap().to_string()).collect()
                }
                other => panic!("{other}"),
            }
        };
        let is_read = |a: &str| {
            let verb = a.split(':').nth(1).unwrap_or_default();
            [
                "Describe",
                "List",
                "Get",
                "Search",
                "BatchGet",
                "BatchCheck",
            ]
            .iter()
            .any(|p| verb.starts_with(p))
        };
        // A statement under a condition (`!If [Cond, statement, !Ref AWS::NoValue]`) is read as
        // its statement.
        let statements: Vec<&serde_json::Value> = statements
            .iter()
            .map(|st| st.get("Fn::If").map_or(st, |branches| &branches[1]))
            .collect();
        let mut star_sids = Vec::new();
        for st in statements.iter().copied() {
            let sid = st["Sid"].as_str().unwrap();
            if st["Resource"] != "*" || st["Effect"] == "Deny" {
                if st["Resource"] == "*" {
                    star_sids.push(sid);
                }
                continue;
            }
            star_sids.push(sid);
            let writes: Vec<String> = actions(st).into_iter().filter(|a| !is_read(a)).collect();
            let no_resource_type = [
                "cloudwatch:PutMetricData",
                "ecr:GetAuthorizationToken",
                "ec2:DeleteNetworkInterfacePermission",
            ];
            for w in &writes {
                assert!(
                    no_resource_type.contains(&w.as_str()),
                    "{sid}: {w} on \"*\" although AWS supports scoping it"
                );
                if w == "cloudwatch:PutMetricData" {
                    assert!(
                        text(&st["Condition"]).contains("cloudwatch:namespace"),
                        "{sid}: PutMetricData without a namespace condition"
                    );
                }
            }
        }
        assert_eq!(
            star_sids,
            vec![
                "SageMakerMetrics",
                "CloudWatchMetricsRead",
                "EcrAuthorization",
                "SageMakerReadOnly",
                "DenyJobsOutsideVpc",
                "VpcNetworkReadAndPermissionCleanup",
            ]
        );
        // The network interfaces of VPC jobs are created and deleted in the stack's VPC only.
        let eni = statements
            .iter()
            .copied()
            .find(|st| st["Sid"] == "VpcNetworkInterfaces")
            .unwrap();
        assert!(actions(eni).contains(&"ec2:CreateNetworkInterface".to_string()));
        assert!(text(&eni["Condition"]["ArnEquals"]["ec2:Vpc"]).contains("vpc/${VPC}"));
        // Each "*" of the policy is preceded by a comment saying why.
        let policy = TEMPLATE_YAML
            .split("  ExecutionPolicy:")
            .nth(1)
            .unwrap()
            .split("\nOutputs:")
            .next()
            .unwrap();
        let lines: Vec<&str> = policy.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == "Resource: \"*\"" {
                let mut start = lines[..i]
                    .iter()
                    .rposition(|l| l.trim_start().starts_with("- Sid:"))
                    .unwrap();
                // Under `- !If` / `- Condition`: the comment is above the `!If`.
                if lines[start - 2].trim() == "- !If" {
                    start -= 2;
                }
                assert!(
                    lines[start - 1].trim_start().starts_with('#'),
                    "no justification comment before {}",
                    lines[start].trim()
                );
            }
        }
    }

    /// The instance-type Deny is its own managed policy on the execution role (only with a list),
    /// the document `InstanceTypes::deny_policy` sizes: the offline 6,144-character check
    /// measures what the stack creates.
    #[test]
    fn the_instance_type_deny_is_its_own_policy_the_size_check_measures() {
        use crate::core::params::instance_types::{DENIED_ACTIONS, parse_instance_types};
        let v = template_json();
        let policy = &v["Resources"]["InstanceTypesPolicy"];
        assert_eq!(policy["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(policy["Condition"], "LimitsInstanceTypes");
        assert_eq!(
            policy["Properties"]["Roles"],
            serde_json::json!([{"Ref": "ExecutionRole"}])
        );
        let mut doc = policy["Properties"]["PolicyDocument"].clone();
        let list = &doc["Statement"][0]["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:InstanceTypes"];
        assert!(text(list).contains("system,${T}"), "{list}");
        assert_eq!(
            doc["Statement"][0]["Action"],
            serde_json::json!(DENIED_ACTIONS)
        );
        let types = parse_instance_types(&["ml.t3.medium".to_owned()]).unwrap();
        doc["Statement"][0]["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:InstanceTypes"] =
            serde_json::json!(["system", "ml.t3.medium"]);
        assert_eq!(Some(doc), types.deny_policy());
        // No Deny left in ExecutionPolicy, which the list would push past 6,144 characters.
        let exec = text(&v["Resources"]["ExecutionPolicy"]);
        assert!(!exec.contains("sagemaker:InstanceTypes"), "{exec}");
    }

    /// Issue 23: strict order with a default drop that is logged, explicit closing rules for
    /// UDP, ICMP and other protocols after the allow list, and names that force a replacement
    /// of the rule group and policy deployed in the default action order.
    #[test]
    fn the_firewall_drops_and_logs_everything_the_allow_list_does_not_pass() {
        let v = template_json();
        let r = &v["Resources"];
        let policy = &r["FirewallPolicy"]["Properties"];
        let body = &policy["FirewallPolicy"];
        assert_eq!(body["StatefulEngineOptions"]["RuleOrder"], "STRICT_ORDER");
        assert_eq!(
            body["StatefulDefaultActions"],
            serde_json::json!([
                "aws:drop_established_app_layer_to_server",
                "aws:alert_established_app_layer_to_server"
            ])
        );
        assert_eq!(
            body["StatelessDefaultActions"],
            serde_json::json!(["aws:forward_to_sfe"])
        );
        let refs = body["StatefulRuleGroupReferences"].as_array().unwrap();
        let order: Vec<(String, u64)> = refs
            .iter()
            .map(|x| (text(&x["ResourceArn"]), x["Priority"].as_u64().unwrap()))
            .collect();
        assert_eq!(
            order,
            [
                (r#"{"Ref":"DomainAllowListRuleGroup"}"#.to_string(), 100),
                (r#"{"Ref":"EgressClosingRuleGroup"}"#.to_string(), 200)
            ]
        );
        for group in ["DomainAllowListRuleGroup", "EgressClosingRuleGroup"] {
            let g = &r[group]["Properties"];
            assert_eq!(g["Type"], "STATEFUL", "{group}");
            assert_eq!(
                g["RuleGroup"]["StatefulRuleOptions"]["RuleOrder"], "STRICT_ORDER",
                "{group}: a policy's rule groups must have its rule order"
            );
            assert_eq!(
                text(&g["RuleGroup"]["RuleVariables"]["IPSets"]["HOME_NET"]["Definition"]),
                r#"[{"Ref":"VpcCIDR"}]"#
            );
        }
        let rules =
            r["EgressClosingRuleGroup"]["Properties"]["RuleGroup"]["RulesSource"]["RulesString"]
                .as_str()
                .unwrap();
        // One drop per protocol and no alert rule: a drop writes its own alert record
        // (StatefulRule API reference), an alert rule next to it would log every flow twice.
        let lines: Vec<&str> = rules.lines().collect();
        assert_eq!(lines.len(), 3, "{rules}");
        for (line, proto) in lines.iter().zip(["udp", "icmp", "ip"]) {
            assert!(
                line.starts_with(&format!("drop {proto} $HOME_NET any -> $EXTERNAL_NET any")),
                "{line}"
            );
        }
        assert!(
            lines[2].contains("ip_proto:!6; ip_proto:!17; ip_proto:!1;"),
            "{}",
            lines[2]
        );
        // New names: the rule group and policy of the action-order template are replaced.
        assert_eq!(
            text(&r["DomainAllowListRuleGroup"]["Properties"]["RuleGroupName"]),
            r#"{"Fn::Sub":"${ProjectName}-egress-allow-list"}"#
        );
        assert_eq!(
            text(&policy["FirewallPolicyName"]),
            r#"{"Fn::Sub":"${ProjectName}-egress-policy"}"#
        );
        // The allow list reaches IAM, not S3 in other regions.
        let domains = embedded().parameter("AllowedDomains").unwrap();
        assert_eq!(
            domains.default.as_deref(),
            Some("iam.amazonaws.com,.pypi.org,.pythonhosted.org")
        );
    }

    /// Issue 23, point 5: AllowedBuckets (empty by default) reaches the S3 endpoint's policy and
    /// the Studio role, each bucket as NAME and NAME/*; an empty list admits nothing and keeps
    /// the policy valid (an empty CommaDelimitedList is [""], hence the joined-text condition).
    #[test]
    fn buckets_admitted_on_purpose_reach_the_endpoint_policy_and_the_role() {
        let t = embedded();
        let spec = t.parameter("AllowedBuckets").unwrap();
        assert_eq!(spec.kind, "CommaDelimitedList");
        assert_eq!(spec.default.as_deref(), Some(""));
        for ok in ["", "team-share", "a.b-c,sagemaker-us-east-1-123456789012"] {
            assert!(
                t.check_parameters(&[("AllowedBuckets", ok.into())])
                    .is_empty(),
                "{ok}"
            );
        }
        for bad in ["Bad_Name", "ab", "team-share,-x", &"a".repeat(64)] {
            assert_eq!(
                t.check_parameters(&[("AllowedBuckets", bad.into())]).len(),
                1,
                "{bad}"
            );
        }
        let v = template_json();
        assert_eq!(
            text(&v["Conditions"]["AdmitsBuckets"]),
            r#"{"Fn::Not":[{"Fn::Equals":[{"Fn::Join":["",{"Ref":"AllowedBuckets"}]},""]}]}"#
        );
        let statements =
            &v["Resources"]["S3VPCEndpoint"]["Properties"]["PolicyDocument"]["Statement"];
        let buckets = &statements[0];
        assert_eq!(buckets["Sid"], "ProjectAndAdmittedBuckets");
        let resource = text(&buckets["Resource"]);
        assert!(resource.starts_with(r#"{"Fn::Split":[",",{"Fn::Sub":["${DataBucket.Arn},${ModelsBucket.Arn},${DataBucket.Arn}/*,${ModelsBucket.Arn}/*${A}""#), "{resource}");
        assert!(
            resource.contains(r#"{"Fn::If":["AdmitsBuckets","#),
            "{resource}"
        );
        let role = &v["Resources"]["AdmittedBucketsPolicy"];
        assert_eq!(role["Condition"], "AdmitsBuckets");
        assert_eq!(
            text(&role["Properties"]["Roles"]),
            r#"[{"Ref":"ExecutionRole"}]"#
        );
        let granted = &role["Properties"]["PolicyDocument"]["Statement"][0];
        let actions = |s: &serde_json::Value| {
            let mut a: Vec<String> = s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            a.sort();
            a
        };
        assert_eq!(
            actions(granted),
            actions(buckets),
            "the role may do what the endpoint admits"
        );
        // Each admitted NAME becomes arn:<partition>:s3:::NAME and arn:<partition>:s3:::NAME/*,
        // for every partition (Fn::Join's delimiter cannot hold ${AWS::Partition}).
        for r in [resource, text(&granted["Resource"])] {
            for partition in ["aws", "aws-cn", "aws-us-gov"] {
                assert!(
                    r.contains(&format!(
                        r#"{{"Fn::Join":[",arn:{partition}:s3:::",{{"Ref":"AllowedBuckets"}}]}}"#
                    )),
                    "{partition}: {r}"
                );
                assert!(
                    r.contains(&format!(
                        r#"{{"Fn::Join":["/*,arn:{partition}:s3:::",{{"Ref":"AllowedBuckets"}}]}}"#
                    )),
                    "{partition}: {r}"
                );
            }
            assert!(
                r.contains("arn:${AWS::Partition}:s3:::${B},arn:${AWS::Partition}:s3:::${O}/*"),
                "{r}"
            );
        }
        // ECR's layer bucket stays admitted, read-only, with the user guide's reason beside it.
        assert_eq!(statements[1]["Sid"], "EcrImageLayers");
        assert_eq!(statements[1]["Action"], "s3:GetObject");
        assert!(
            text(&statements[1]["Resource"])
                .contains("prod-${AWS::Region}-starport-layer-bucket/*")
        );
        assert!(
            TEMPLATE_YAML.contains(
                "\"Amazon ECR uses Amazon S3 to\n          # store Docker image layers\""
            )
        );
        // "a,,b" is refused by a rule, not turned into an empty ARN.
        assert!(
            text(&v["Rules"]["AllowedBucketsHaveNoEmptyEntry"]).contains("Fn::EachMemberEquals")
        );
        // The partitions written out above are the only ones the template accepts: in another
        // one (aws-iso, aws-iso-b, aws-eusc…) the arn:aws fallback would be wrong, so a rule
        // refuses it before anything is created.
        let known = &v["Rules"]["KnownPartition"]["Assertions"][0];
        assert_eq!(
            known["Assert"],
            serde_json::json!({"Fn::Contains": [["aws", "aws-cn", "aws-us-gov"], {"Ref": "AWS::Partition"}]})
        );
        assert!(text(&known["AssertDescription"]).contains("aws-us-gov partitions only"));
    }

    #[test]
    fn every_endpoint_service_of_the_stack_is_listed_with_its_type() {
        let services = embedded().endpoint_services_in("eu-west-1");
        assert_eq!(services.len(), 13, "{services:?}");
        assert!(services.contains(&("com.amazonaws.eu-west-1.s3".into(), "Gateway".into())));
        assert!(services.contains(&(
            "aws.sagemaker.eu-west-1.notebook".into(),
            "Interface".into()
        )));
        assert!(services.contains(&("com.amazonaws.eu-west-1.sts".into(), "Interface".into())));
        assert!(
            services.iter().all(|(n, _)| !n.contains("${")),
            "{services:?}"
        );
    }

    #[test]
    fn json_expands_short_forms() {
        let json = to_json(TEMPLATE_YAML).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["Outputs"]["VpcId"]["Value"],
            serde_json::json!({"Ref": "VPC"})
        );
        assert!(!json.contains("!Ref") && !json.contains("!Sub"));
        assert!(json.contains("\"Fn::GetAtt\""));
        // every resource keeps its type
        assert_eq!(
            v["Resources"].as_object().unwrap().len(),
            embedded().resources.len()
        );
    }
}
