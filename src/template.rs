//! The environment's CloudFormation template, embedded in the binary, and what studio-tui reads
//! from it: parameter names and constraints (checked offline before anything is sent), resource
//! types (for progress and ETA), output names, and a JSON rendering.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_yaml_ng::Value;

use crate::core::cidr::{Finding, Severity};

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
    pub outputs: Vec<String>,
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
    }
    for (k, _) in get("Outputs").into_iter().flatten() {
        t.outputs.push(scalar(k).unwrap_or_default());
    }
    Ok(t)
}

/// The embedded template, parsed once.
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
                    "TEMPLATE_UNKNOWN_PARAMETER",
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
                    "TEMPLATE_CONSTRAINT",
                    format!("parameter {name} = '{value}' {why}"),
                    spec.constraint_description
                        .clone()
                        .map(|c| format!("{name} {c}"))
                        .unwrap_or_else(|| format!("give {name} a value the template accepts")),
                    crate::core::params::Field::from_cfn_name(name),
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
    use crate::core::params::{PARAMETER_NAMES, Parameters};

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
        let sent: Vec<&str> = Parameters::default()
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
        for (name, value) in Parameters::default().to_cfn_parameters() {
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
            t.check_parameters(&Parameters::default().to_cfn_parameters())
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
                "TEMPLATE_CONSTRAINT",
                "TEMPLATE_CONSTRAINT",
                "TEMPLATE_CONSTRAINT",
                "TEMPLATE_UNKNOWN_PARAMETER"
            ]
        );
        assert!(bad[2].message.contains("https://x"), "{}", bad[2].message);
        assert!(bad[3].fix.contains("VpcCIDR"));
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
