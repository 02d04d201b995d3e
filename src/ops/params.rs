//! Where the parameters come from: seed defaults < preflight suggestion < saved answers <
//! config file < command-line flags. One function, used by every command and the wizard.
//!
//! A stack that exists keeps what it was deployed with: [`over_deployed`] puts the deployed
//! value of every parameter this run does not set (by a flag or the config file) over the
//! saved answers and the defaults, so a machine without saved answers (or with stale ones, after
//! a `firewall allow` or a colleague's deploy) never resets the allow list, the admitted buckets
//! or the network of a stack it merely updates.

use std::collections::BTreeMap;
use std::path::Path;

use crate::core::field::Field;
use crate::core::finding::Finding;
use crate::core::params::{Parameters, ParamsDraft};

/// The `--config FILE` document (TOML):
///
/// ```toml
/// users = ["alice", "bob"]
///
/// [parameters]
/// project_name = "team-a-studio"
/// vpc_cidr = "10.20.0.0/16"
/// firewall_subnet_cidr = "10.20.1.0/24"
/// nat_subnet_cidr = "10.20.2.0/24"
/// studio_subnet_cidr = "10.20.3.0/24"
/// allowed_domains = ["iam.amazonaws.com", ".pypi.org", ".pythonhosted.org"]
/// allowed_buckets = ["sagemaker-eu-west-1-111122223333"]
/// availability_zone = "eu-west-1a"
/// instance_types = ["ml.t3.medium", "ml.m5.large"]   # default: all
/// idle_timeout = 90          # minutes, or "off"
/// ```
/// Every key is optional; unknown keys are an error (a typo must not fall back to a default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    pub overrides: Vec<(Field, String)>,
    pub users: Option<Vec<String>>,
}

/// A config file that cannot be used, with the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("the config file {path} is not valid TOML: {reason}")]
    Syntax { path: String, reason: String },
    #[error("the config file {path} has an unknown key '{key}'; valid keys are: {valid}")]
    UnknownKey {
        path: String,
        key: String,
        valid: String,
    },
    #[error("in the config file {path}, '{key}' must be {expected}")]
    WrongType {
        path: String,
        key: String,
        expected: &'static str,
    },
}

/// Parse the config file text. Values are not validated here (that is `ParamsDraft::validate`'s
/// job, with the same messages as everywhere else).
pub fn parse_config(path: &str, text: &str) -> Result<ConfigFile, ConfigError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ConfigError::Syntax {
        path: path.into(),
        reason: e.message().to_string(),
    })?;
    let mut out = ConfigFile::default();
    for (k, v) in &table {
        match k.as_str() {
            "parameters" => {
                let Some(params) = v.as_table() else {
                    return Err(ConfigError::WrongType {
                        path: path.into(),
                        key: k.clone(),
                        expected: "a table ([parameters])",
                    });
                };
                for (pk, pv) in params {
                    let Some(field) = Field::ALL.into_iter().find(|f| f.key() == pk) else {
                        return Err(ConfigError::UnknownKey {
                            path: path.into(),
                            key: format!("parameters.{pk}"),
                            valid: Field::ALL.map(|f| f.key()).join(", "),
                        });
                    };
                    let text = match (field, pv) {
                        (
                            Field::AllowedDomains | Field::AllowedBuckets | Field::InstanceTypes,
                            toml::Value::Array(items),
                        ) => items
                            .iter()
                            .map(|i| i.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| ConfigError::WrongType {
                                path: path.into(),
                                key: format!("parameters.{pk}"),
                                expected: "a list of strings",
                            })?
                            .join(","),
                        (Field::IdleTimeout, toml::Value::Integer(m)) => m.to_string(),
                        (_, toml::Value::String(s)) => s.clone(),
                        _ => {
                            return Err(ConfigError::WrongType {
                                path: path.into(),
                                key: format!("parameters.{pk}"),
                                expected: if field == Field::IdleTimeout {
                                    "a number of minutes or \"off\""
                                } else {
                                    "a string"
                                },
                            });
                        }
                    };
                    out.overrides.push((field, text));
                }
            }
            "users" => {
                let users = v
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|i| i.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| ConfigError::WrongType {
                        path: path.into(),
                        key: "users".into(),
                        expected: "a list of strings",
                    })?;
                out.users = Some(users);
            }
            other => {
                return Err(ConfigError::UnknownKey {
                    path: path.into(),
                    key: other.into(),
                    valid: "parameters, users".into(),
                });
            }
        }
    }
    Ok(out)
}

/// Read and parse `--config FILE`.
pub fn read_config(path: &Path) -> Result<ConfigFile, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    parse_config(&shown, &text)
}

/// The one validation path of every front-end (the form, the flags, `--config`, `--guided`,
/// `template`): the core's rules ([`ParamsDraft::parse`], `users` sizing the Studio subnet),
/// then the template's own constraints on the values it would be sent. Err: the error findings.
pub fn validated(draft: &ParamsDraft, users: u32) -> Result<Parameters, Vec<Finding>> {
    let params = draft.parse(users)?;
    template_refusals(&params).map(|()| params)
}

/// The template's own constraints (AllowedPattern, lengths) on these parameters: a value it
/// would refuse never reaches AWS.
pub fn template_refusals(params: &Parameters) -> Result<(), Vec<Finding>> {
    let refused: Vec<Finding> = crate::template::embedded()
        .check_parameters(&params.to_cfn_parameters())
        .into_iter()
        .filter(Finding::is_error)
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}

/// Layer the sources, lowest first.
pub fn resolve(
    saved: Option<&ParamsDraft>,
    config: Option<&ConfigFile>,
    flags: &[(Field, String)],
) -> ParamsDraft {
    let mut p = saved.cloned().unwrap_or_default();
    for (field, text) in config
        .map(|c| c.overrides.as_slice())
        .unwrap_or_default()
        .iter()
        .chain(flags)
    {
        p.set(*field, text);
    }
    p
}

/// Every source of answers for a project in a region, layered: the seed defaults < the answers
/// saved for the project (the one the flags name, else the config file's, else the last one
/// used in the region) < the config file < the flags. Also the users: the config file's, else
/// the saved ones. Not validated.
pub fn resolve_answers(
    store: Option<&crate::state::Store>,
    region: &str,
    config: Option<&ConfigFile>,
    flags: &[(Field, String)],
) -> (ParamsDraft, Vec<String>) {
    let named = |list: &[(Field, String)]| {
        list.iter()
            .find(|(f, _)| *f == Field::ProjectName)
            .map(|(_, v)| v.trim().to_string())
    };
    let project = named(flags).or_else(|| config.and_then(|c| named(&c.overrides)));
    let saved = store.and_then(|s| s.saved_answers(region, project.as_deref()));
    let parameters = resolve(saved.map(|a| &a.parameters), config, flags);
    let users = config
        .and_then(|c| c.users.clone())
        .or_else(|| saved.map(|a| a.users.clone()))
        .unwrap_or_default();
    (parameters, users)
}

/// The fields this run sets on purpose: the flags and the config file's parameters.
pub fn explicit_fields(config: Option<&ConfigFile>, flags: &[(Field, String)]) -> Vec<Field> {
    config
        .map(|c| c.overrides.as_slice())
        .unwrap_or_default()
        .iter()
        .chain(flags)
        .map(|(f, _)| *f)
        .collect()
}

/// `resolved` with the deployed value (CloudFormation's parameters of the stack) of every field
/// not in `explicit`. A parameter the stack does not have (one a newer template added) keeps
/// its resolved value, which for a field the user never set is the default the old template
/// behaved as. The project name is the stack's name and stays as resolved.
pub fn over_deployed(
    resolved: &ParamsDraft,
    deployed: &BTreeMap<String, String>,
    explicit: &[Field],
) -> ParamsDraft {
    let mut p = resolved.clone();
    for (name, value) in deployed {
        if let Some(field) = Field::from_cfn_name(name)
            && field != Field::ProjectName
            && !explicit.contains(&field)
        {
            p.set(field, value);
        }
    }
    p
}

/// [`over_deployed`] with the parameters of the project's stack as it exists now
/// (DescribeStacks); `resolved` unchanged when there is no stack to keep (none, deleted, or
/// the empty one a CREATE change set leaves in REVIEW_IN_PROGRESS).
pub async fn with_deployed(
    session: &crate::aws::Session,
    resolved: ParamsDraft,
    explicit: &[Field],
) -> Result<ParamsDraft, crate::ops::Error> {
    Ok(with_deployed_basis(session, resolved, explicit).await?.0)
}

/// [`with_deployed`], and the deployed parameters it read (None without a stack to keep): the
/// basis a plan checks the stack against before it creates a change set ([`undone`]).
pub async fn with_deployed_basis(
    session: &crate::aws::Session,
    resolved: ParamsDraft,
    explicit: &[Field],
) -> Result<(ParamsDraft, Option<BTreeMap<String, String>>), crate::ops::Error> {
    Ok(
        match session.describe_stack(&resolved.project_name).await? {
            Some(stack) if runs_its_parameters(&stack.status) => (
                over_deployed(&resolved, &stack.parameters, explicit),
                Some(stack.parameters),
            ),
            _ => (resolved, None),
        },
    )
}

/// A stack parameter someone changed after this run read the stack's values, which the plan
/// would set back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// The template's name of the parameter.
    pub name: String,
    /// Its value when this run read the stack (the value planned again).
    pub read: String,
    /// Its value on the stack now.
    pub now: String,
}

/// The parameters `planned` would set back: each one whose deployed value changed between
/// `read` (the stack's parameters this run started from) and `now` (the stack right before the
/// change set), and that is planned with the value read: nobody chose it in this run, it is the
/// old deployed value, and planning it would silently undo the newer change. A value changed in
/// this run (a flag, the config file, an edit in the form) is what the user asks for and is not
/// reported.
pub fn undone(
    read: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
    planned: &[(&str, String)],
) -> Vec<Undone> {
    planned
        .iter()
        .filter_map(|(name, value)| {
            let was = read.get(*name)?;
            let is = now.get(*name)?;
            // CloudFormation trims the members of a CommaDelimitedList ("each member string is
            // space trimmed"), so "a, b" set by hand and studio-tui's "a,b" are one value.
            let (was_n, is_n, value_n) = (members(was), members(is), members(value));
            (was_n != is_n && value_n == was_n).then(|| Undone {
                name: name.to_string(),
                read: was.clone(),
                now: is.clone(),
            })
        })
        .collect()
}

/// A parameter value as CloudFormation reads it: comma-separated members, each trimmed.
fn members(value: &str) -> Vec<&str> {
    value.split(',').map(str::trim).collect()
}

/// Does a stack in `status` hold deployed values to keep? Not a deleted one, nor the empty
/// stack a CREATE change set leaves in REVIEW_IN_PROGRESS (nothing ran with its values).
fn runs_its_parameters(status: &crate::core::status::StackStatus) -> bool {
    use crate::core::status::StackStatus;
    !matches!(
        status,
        StackStatus::ReviewInProgress | StackStatus::DeleteComplete
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undone_compares_list_members_as_cloudformation_trims_them() {
        let map = |v: &str| BTreeMap::from([("AllowedDomains".to_string(), v.to_string())]);
        // Set by hand with spaces, planned without: the same value, nothing moved.
        assert!(
            undone(
                &map("a, b"),
                &map("a, b"),
                &[("AllowedDomains", "a,b".into())]
            )
            .is_empty()
        );
        // Moved (a colleague added c), and the plan carries the old members: reported.
        let moved = undone(
            &map("a, b"),
            &map("a,b,c"),
            &[("AllowedDomains", "a,b".into())],
        );
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].now, "a,b,c");
        // Only the spacing differs between the two reads: nothing moved.
        assert!(
            undone(
                &map("a,b"),
                &map("a, b"),
                &[("AllowedDomains", "a,b".into())]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_deployed_stack_keeps_every_value_this_run_does_not_set() {
        let saved = ParamsDraft {
            vpc_cidr: "10.9.0.0/16".into(),
            allowed_domains: vec!["iam.amazonaws.com".into()],
            allowed_buckets: vec!["saved-share".into()],
            ..ParamsDraft::default()
        };
        let deployed: BTreeMap<String, String> = [
            ("ProjectName", "sagemaker-studio-vpc"),
            ("VpcCIDR", "10.20.0.0/16"),
            ("AllowedDomains", "iam.amazonaws.com,.github.com"),
            ("AvailabilityZone", ""),
            ("NoLongerInTheTemplate", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let config = parse_config("c.toml", "[parameters]\nvpc_cidr = \"10.30.0.0/16\"\n").unwrap();
        let flags = vec![(Field::FirewallSubnetCidr, "10.30.1.0/24".to_string())];
        let explicit = explicit_fields(Some(&config), &flags);
        assert_eq!(explicit, [Field::VpcCidr, Field::FirewallSubnetCidr]);
        let p = over_deployed(
            &resolve(Some(&saved), Some(&config), &flags),
            &deployed,
            &explicit,
        );
        assert_eq!(
            p.vpc_cidr, "10.30.0.0/16",
            "the config file sets it on purpose"
        );
        assert_eq!(p.firewall_subnet_cidr, "10.30.1.0/24", "so does the flag");
        assert_eq!(
            p.allowed_domains,
            ["iam.amazonaws.com", ".github.com"],
            "the deployed list beats the saved one"
        );
        assert_eq!(
            p.allowed_buckets,
            ["saved-share"],
            "a parameter the stack lacks keeps the resolved value"
        );
        assert_eq!(p.availability_zone, None);
        // Nothing set this run: every deployed value, the defaults elsewhere.
        let fresh = over_deployed(&ParamsDraft::default(), &deployed, &[]);
        assert_eq!(fresh.vpc_cidr, "10.20.0.0/16");
        assert!(fresh.allowed_buckets.is_empty());
        assert_eq!(fresh.nat_subnet_cidr, "10.2.2.0/24");
    }

    #[test]
    fn a_value_changed_on_the_stack_since_it_was_read_is_not_set_back() {
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let read = map(&[("A", "1"), ("B", "x"), ("C", "c"), ("D", "d")]);
        let now = map(&[("A", "2"), ("B", "y"), ("C", "c"), ("E", "e")]);
        let planned: Vec<(&str, String)> = vec![
            ("A", "1".into()), // the old value again: would undo the change to 2
            ("B", "z".into()), // changed in this run on purpose
            ("C", "c".into()), // nobody changed it
            ("D", "d".into()), // gone from the stack: nothing to undo
            ("E", "e".into()), // not read: nothing to compare with
        ];
        assert_eq!(
            undone(&read, &now, &planned),
            [Undone {
                name: "A".into(),
                read: "1".into(),
                now: "2".into()
            }]
        );
        assert_eq!(undone(&read, &read, &planned), []);
        assert_eq!(undone(&read, &now, &[("B", "x".into())]).len(), 1);
        assert_eq!(undone(&read, &now, &[("B", "y".into())]), []);
    }

    #[test]
    fn only_a_stack_that_ran_keeps_its_values() {
        for (status, keeps) in [
            ("CREATE_COMPLETE", true),
            ("UPDATE_ROLLBACK_COMPLETE", true),
            ("ROLLBACK_COMPLETE", true),
            ("REVIEW_IN_PROGRESS", false),
            ("DELETE_COMPLETE", false),
        ] {
            assert_eq!(runs_its_parameters(&status.into()), keeps, "{status}");
        }
    }

    #[test]
    fn layers_in_order() {
        let saved = ParamsDraft {
            project_name: "saved-name".into(),
            vpc_cidr: "10.9.0.0/16".into(),
            ..ParamsDraft::default()
        };
        let config = parse_config(
            "c.toml",
            "users = [\"alice\"]\n[parameters]\nvpc_cidr = \"10.8.0.0/16\"\nallowed_domains = [\".amazonaws.com\", \".pypi.org\"]\n",
        )
        .unwrap();
        assert_eq!(config.users, Some(vec!["alice".to_string()]));
        let flags = vec![(Field::VpcCidr, "10.7.0.0/16".to_string())];
        let p = resolve(Some(&saved), Some(&config), &flags);
        assert_eq!(p.project_name, "saved-name"); // from saved answers
        assert_eq!(p.vpc_cidr, "10.7.0.0/16"); // flag beats config beats saved
        assert_eq!(p.allowed_domains, vec![".amazonaws.com", ".pypi.org"]);
        assert_eq!(p.nat_subnet_cidr, "10.2.2.0/24"); // seed default
    }

    #[test]
    fn the_readme_config_example_is_valid() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("```toml\n")
            .expect("a toml block in the README")
            + 8;
        let end = start + readme[start..].find("```").unwrap();
        let config = parse_config("README.md", &readme[start..end]).unwrap();
        assert_eq!(
            config.users,
            Some(vec!["alice".to_string(), "bob".to_string()])
        );
        let p = resolve(None, Some(&config), &[]);
        assert_eq!(p.project_name, "team-a-studio");
        assert!(
            p.validate(2).iter().all(|f| !f.is_error()),
            "{:?}",
            p.validate(2)
        );
    }

    #[test]
    fn config_errors_are_specific() {
        let e = parse_config("c.toml", "[parameters]\nvpc_cdr = \"x\"\n").unwrap_err();
        assert!(
            e.to_string().contains("unknown key 'parameters.vpc_cdr'"),
            "{e}"
        );
        assert!(e.to_string().contains("vpc_cidr"), "{e}");
        let e = parse_config("c.toml", "[parameters\n").unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { .. }));
        let e = parse_config("c.toml", "users = \"alice\"\n").unwrap_err();
        assert!(e.to_string().contains("a list of strings"));
        let e = parse_config("c.toml", "[parameters]\nvpc_cidr = 10\n").unwrap_err();
        assert!(e.to_string().contains("must be a string"));
        let e = parse_config("c.toml", "[parameters]\nidle_timeout = [90]\n").unwrap_err();
        assert!(
            e.to_string().contains("a number of minutes or \"off\""),
            "{e}"
        );
    }

    #[test]
    fn the_idle_timeout_is_minutes_or_off_in_the_config_file() {
        for (text, want) in [
            ("idle_timeout = 90", "90"),
            ("idle_timeout = \"off\"", "off"),
        ] {
            let c = parse_config("c.toml", &format!("[parameters]\n{text}\n")).unwrap();
            assert_eq!(c.overrides, [(Field::IdleTimeout, want.to_string())]);
            assert_eq!(resolve(None, Some(&c), &[]).idle_timeout, want);
        }
    }
}
