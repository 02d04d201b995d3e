//! The project's bucket fence: a bucket policy whose Deny statements hold for every request that
//! does not come through the project's network (`aws:SourceVpce`, `aws:SourceVpc`,
//! `aws:SourceIp` conditions). It denies the operator on a laptop too, so a teardown that has
//! to read or empty a fenced bucket first opens the fence for the caller ([`Exemption`]), and
//! then puts the original policy back.
//!
//! How the opening works: each network-conditioned Deny statement gets one more condition key,
//! `aws:userid`, under a negated string operator. IAM evaluates the keys of a Condition block
//! as a logical AND, so the statement still denies everyone outside the network except the
//! exempted principal. Statements without a network condition (for example "deny insecure
//! transport") are left as they are.
//!
//! Whom it exempts, and why `aws:userid` rather than `aws:PrincipalArn`:
//!
//! - An assumed role's `aws:userid` is `role-id:caller-specified-role-name` (IAM user guide,
//!   "Policy variables", Principal key values). The session name changes at every credential
//!   refresh when the profile sets no `role_session_name` (the SDK picks one from the time), so
//!   exempting one session's user id makes a long emptying fail half-way with AccessDenied.
//!   The exemption is the whole role instead: `StringNotLike aws:userid "AROA…:*"`, the
//!   Knowledge Center's form ("How do I use wildcards with a Principal element and explicit
//!   deny in an Amazon S3 bucket policy?"). The AWS Security Blog now recommends
//!   `aws:PrincipalArn` for long-lived policies, but for a role the key holds the role's ARN
//!   *with its path* ("For IAM roles, the request context returns the ARN of the role"), and
//!   the assumed-role ARN that GetCallerIdentity answers drops the path
//!   (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`): building the ARN needs iam:GetRole,
//!   one more permission that an SSO permission set often lacks, for a policy that lives for
//!   minutes. The role id comes with GetCallerIdentity, needs no path, and is never reused by
//!   a later role of the same name (IAM user guide, "Unique IDs").
//! - An IAM user (`AIDA…`), the root user (the account id) and a federated user
//!   (`account:name`) keep their user id when their credentials are refreshed: that one user id
//!   is exempted, `StringNotEquals aws:userid`.
//!
//! studio-tui's template never puts `aws:userid` into its fence, so a network Deny statement
//! that carries it holds an exemption ([`holds_exemption`]): such a policy is never saved as
//! "the original".

use serde_json::{Map, Value};

/// Condition keys that make a Deny statement a network fence.
const NETWORK_KEYS: [&str; 3] = ["aws:sourcevpce", "aws:sourcevpc", "aws:sourceip"];

/// The negated string operators an exemption is written under.
const EXEMPTION_OPERATORS: [&str; 2] = ["StringNotEquals", "StringNotLike"];

fn statements(doc: &mut Value) -> Vec<&mut Map<String, Value>> {
    match doc.get_mut("Statement") {
        Some(Value::Array(list)) => list.iter_mut().filter_map(Value::as_object_mut).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => Vec::new(),
    }
}

fn is_network_deny(st: &Map<String, Value>) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some("Deny")
        && st
            .get("Condition")
            .and_then(Value::as_object)
            .is_some_and(|ops| {
                ops.values().filter_map(Value::as_object).any(|keys| {
                    keys.keys()
                        .any(|k| NETWORK_KEYS.contains(&k.to_ascii_lowercase().as_str()))
                })
            })
}

/// Does this policy fence data access by network (at least one such Deny statement)?
pub fn is_fenced(policy: &str) -> bool {
    let Ok(mut doc) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    statements(&mut doc).iter().any(|s| is_network_deny(s))
}

/// Does a network Deny statement of this policy carry an `aws:userid` exemption (studio-tui's
/// opening, left by a run that was stopped, or someone's hand edit)? Such a policy is not the
/// project's fence as deployed, so it is never saved as the original.
pub fn holds_exemption(policy: &str) -> bool {
    let Ok(mut doc) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    statements(&mut doc).iter().any(|st| {
        is_network_deny(st)
            && st
                .get("Condition")
                .and_then(Value::as_object)
                .is_some_and(|ops| {
                    ops.iter()
                        .filter(|(op, _)| EXEMPTION_OPERATORS.contains(&op.as_str()))
                        .filter_map(|(_, keys)| keys.as_object())
                        .any(|keys| keys.keys().any(|k| k.eq_ignore_ascii_case("aws:userid")))
                })
    })
}

/// Whom an opened fence admits besides the project's network.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exemption {
    /// Every session of one IAM role (`aws:userid` like `ROLE-ID:*`).
    Role {
        account: String,
        role_name: String,
        role_id: String,
    },
    /// One principal whose user id survives a credential refresh: an IAM user, the root user
    /// or a federated user (`aws:userid` equal to it).
    Principal { arn: String, user_id: String },
}

/// Characters of an IAM name (user, role, session): letters, digits and `+=,.@_-`.
fn iam_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

impl Exemption {
    /// The exemption for the caller that STS GetCallerIdentity describes (its `Arn` and
    /// `UserId`). An error for a shape studio-tui cannot exempt exactly (it then opens nothing).
    pub fn for_caller(arn: &str, user_id: &str) -> Result<Exemption, String> {
        let cannot = || {
            format!(
                "cannot tell which principal to admit through the fence from the caller {arn} \
                 (user id {user_id})"
            )
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_arn, _partition, service, _region, account, resource] = parts[..] else {
            return Err(cannot());
        };
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(cannot());
        }
        let principal = || Exemption::Principal {
            arn: arn.to_string(),
            user_id: user_id.to_string(),
        };
        match (service, resource.split_once('/')) {
            ("sts", Some(("assumed-role", rest))) => {
                let (role_name, session) = rest.split_once('/').ok_or_else(cannot)?;
                let (role_id, id_session) = user_id.split_once(':').ok_or_else(cannot)?;
                let ok = role_id.starts_with("AROA")
                    && role_id.chars().all(|c| c.is_ascii_alphanumeric())
                    && iam_name(role_name)
                    && id_session == session;
                if !ok {
                    return Err(cannot());
                }
                Ok(Exemption::Role {
                    account: account.to_string(),
                    role_name: role_name.to_string(),
                    role_id: role_id.to_string(),
                })
            }
            ("sts", Some(("federated-user", name)))
                if iam_name(name) && user_id == format!("{account}:{name}") =>
            {
                Ok(principal())
            }
            ("iam", Some(("user", _)))
                if user_id.starts_with("AIDA")
                    && user_id.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Ok(principal())
            }
            ("iam", None) if resource == "root" && user_id == account => Ok(principal()),
            _ => Err(cannot()),
        }
    }

    /// The condition operator and the `aws:userid` value this exemption adds.
    pub fn condition(&self) -> (&'static str, String) {
        match self {
            Exemption::Role { role_id, .. } => ("StringNotLike", format!("{role_id}:*")),
            Exemption::Principal { user_id, .. } => ("StringNotEquals", user_id.clone()),
        }
    }

    /// Whom it admits, for the plan: exactly, and for how long.
    pub fn admits(&self) -> String {
        match self {
            Exemption::Role {
                account,
                role_name,
                role_id,
            } => format!(
                "every session of the IAM role {role_name} in account {account} (aws:userid \
                 {role_id}:*), not only yours: everyone and everything that can assume that \
                 role (for example everyone on the same SSO permission set) can read and delete \
                 the bucket's objects from anywhere for the minutes of the emptying"
            ),
            Exemption::Principal { arn, user_id } => {
                format!("only {arn} (aws:userid {user_id}), for the minutes of the emptying")
            }
        }
    }
}

/// The policy with the exemption added to every network fence statement, and how many
/// statements were changed. An error when the text is not a JSON policy document.
pub fn open(policy: &str, exemption: &Exemption) -> Result<(String, usize), String> {
    let mut doc: Value =
        serde_json::from_str(policy).map_err(|e| format!("the bucket policy is not JSON: {e}"))?;
    let (operator, value) = exemption.condition();
    let mut changed = 0;
    for st in statements(&mut doc) {
        if !is_network_deny(st) {
            continue;
        }
        let Some(Value::Object(ops)) = st.get_mut("Condition") else {
            continue;
        };
        let block = ops
            .entry(operator)
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(keys) = block else {
            return Err(format!(
                "the bucket policy has a malformed {operator} condition"
            ));
        };
        match keys.get_mut("aws:userid") {
            None => {
                keys.insert("aws:userid".into(), Value::String(value.clone()));
            }
            Some(Value::String(s)) if *s == value => {}
            Some(Value::String(s)) => {
                let old = std::mem::take(s);
                keys.insert(
                    "aws:userid".into(),
                    Value::Array(vec![Value::String(old), Value::String(value.clone())]),
                );
            }
            Some(Value::Array(list)) => {
                if !list.iter().any(|v| v.as_str() == Some(value.as_str())) {
                    list.push(Value::String(value.clone()));
                }
            }
            Some(_) => return Err("the bucket policy has a malformed aws:userid condition".into()),
        }
        changed += 1;
    }
    let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    Ok((text, changed))
}

/// The statement ids and the VPC endpoints (`aws:SourceVpce` values) of the policy's network
/// fence statements, for saying how to edit a kept policy whose endpoint is gone. Only ids of
/// the documented shapes are returned (a Sid is ASCII letters and digits, an endpoint id is
/// `vpce-` and letters or digits): this is text from AWS, printed as a hint.
pub fn fence_endpoints(policy: &str) -> (Vec<String>, Vec<String>) {
    let Ok(mut doc) = serde_json::from_str::<Value>(policy) else {
        return (Vec::new(), Vec::new());
    };
    let mut sids = Vec::new();
    let mut endpoints = Vec::new();
    for st in statements(&mut doc) {
        if !is_network_deny(st) {
            continue;
        }
        if let Some(sid) = st.get("Sid").and_then(Value::as_str)
            && !sid.is_empty()
            && sid.chars().all(|c| c.is_ascii_alphanumeric())
        {
            sids.push(sid.to_string());
        }
        let blocks = st.get("Condition").and_then(Value::as_object);
        for keys in blocks
            .into_iter()
            .flat_map(|m| m.values().filter_map(Value::as_object))
        {
            for (k, v) in keys {
                if !k.eq_ignore_ascii_case("aws:SourceVpce") {
                    continue;
                }
                let values = match v {
                    Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                    Value::String(one) => vec![one.as_str()],
                    _ => Vec::new(),
                };
                for e in values {
                    let id = e.strip_prefix("vpce-").unwrap_or_default();
                    if !id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric())
                        && !endpoints.iter().any(|x| x == e)
                    {
                        endpoints.push(e.to_string());
                    }
                }
            }
        }
    }
    (sids, endpoints)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FENCE: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"DenyDataAccessOutsideVpcEndpoint","Effect":"Deny","Principal":"*",
         "Action":["s3:GetObject*","s3:ListBucket*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
         "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}},
        {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
         "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
         "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

    fn user() -> Exemption {
        Exemption::for_caller("arn:aws:iam::123456789012:user/ops/alice", "AIDAEXAMPLE").unwrap()
    }

    fn role() -> Exemption {
        Exemption::for_caller(
            "arn:aws:sts::123456789012:assumed-role/Admin/assume-role-from-profile-1700000000000",
            "AROAROLEID:assume-role-from-profile-1700000000000",
        )
        .unwrap()
    }

    #[test]
    fn only_network_fences_admit_the_caller() {
        assert!(is_fenced(FENCE));
        let (text, n) = open(FENCE, &user()).unwrap();
        assert_eq!(n, 1);
        let doc: Value = serde_json::from_str(&text).unwrap();
        let st = &doc["Statement"];
        assert_eq!(
            st[0]["Condition"]["StringNotEquals"],
            serde_json::json!({"aws:SourceVpce": "vpce-1", "aws:userid": "AIDAEXAMPLE"})
        );
        // the transport statement is untouched
        assert_eq!(
            st[1]["Condition"],
            serde_json::json!({"Bool": {"aws:SecureTransport": "false"}})
        );
        assert!(is_fenced(&text), "still a fence for everyone else");
    }

    #[test]
    fn an_assumed_role_is_admitted_with_every_session_of_the_role() {
        let (text, n) = open(FENCE, &role()).unwrap();
        assert_eq!(n, 1);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"],
            serde_json::json!({
                "StringNotEquals": {"aws:SourceVpce": "vpce-1"},
                "StringNotLike": {"aws:userid": "AROAROLEID:*"}
            })
        );
        assert_eq!(
            doc["Statement"][1]["Condition"],
            serde_json::json!({"Bool": {"aws:SecureTransport": "false"}})
        );
        let text = role().admits();
        assert!(
            text.contains("every session of the IAM role Admin in account 123456789012")
                && text.contains("AROAROLEID:*")
                && text.contains("SSO permission set")
                && text.contains("minutes"),
            "{text}"
        );
        let text = user().admits();
        assert!(
            text.starts_with(
                "only arn:aws:iam::123456789012:user/ops/alice (aws:userid AIDAEXAMPLE)"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_caller_decides_the_exemption() {
        assert_eq!(
            role(),
            Exemption::Role {
                account: "123456789012".into(),
                role_name: "Admin".into(),
                role_id: "AROAROLEID".into()
            }
        );
        assert_eq!(role().condition(), ("StringNotLike", "AROAROLEID:*".into()));
        assert_eq!(
            user().condition(),
            ("StringNotEquals", "AIDAEXAMPLE".into())
        );
        let sso = Exemption::for_caller(
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com",
            "AROASSO:alice@example.com",
        )
        .unwrap();
        assert!(
            matches!(sso, Exemption::Role { ref role_name, .. } if role_name == "AWSReservedSSO_Admin_0123abcd")
        );
        let root = Exemption::for_caller("arn:aws:iam::123456789012:root", "123456789012").unwrap();
        assert_eq!(root.condition(), ("StringNotEquals", "123456789012".into()));
        let fed = Exemption::for_caller(
            "arn:aws:sts::123456789012:federated-user/bob",
            "123456789012:bob",
        )
        .unwrap();
        assert_eq!(
            fed.condition(),
            ("StringNotEquals", "123456789012:bob".into())
        );
        assert!(Exemption::for_caller("arn:aws-cn:iam::123456789012:user/x", "AIDAX").is_ok());
        for (arn, id) in [
            // the session in the user id is not the ARN's
            (
                "arn:aws:sts::123456789012:assumed-role/Admin/s1",
                "AROAROLEID:s2",
            ),
            // not a role id
            (
                "arn:aws:sts::123456789012:assumed-role/Admin/s1",
                "AIDAROLEID:s1",
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/Admin/s1",
                "AROA*:s1",
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/Admin/s1",
                "AROAROLEID",
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/Admin",
                "AROAROLEID:s1",
            ),
            (
                "arn:aws:sts::123456789012:assumed-role/Ad*min/s1",
                "AROAROLEID:s1",
            ),
            (
                "arn:aws:sts::123456789012:assumed-role//s1",
                "AROAROLEID:s1",
            ),
            (
                "arn:aws:sts::12345678901:assumed-role/Admin/s1",
                "AROAROLEID:s1",
            ),
            (
                "arn:aws:sts::12345678901x:assumed-role/Admin/s1",
                "AROAROLEID:s1",
            ),
            ("arn:aws:iam::123456789012:user/alice", "AROAX:alice"),
            ("arn:aws:iam::123456789012:user/alice", "AIDA*"),
            ("arn:aws:iam::123456789012:root", "AIDAX"),
            ("arn:aws:iam::123456789012:role/Admin", "AROAX"),
            (
                "arn:aws:sts::123456789012:federated-user/bob",
                "123456789012:eve",
            ),
            (
                "arn:aws:sts::123456789012:federated-user/b*b",
                "123456789012:b*b",
            ),
            ("arn:aws:sts::123456789012:federated-user/", "123456789012:"),
            ("arn:aws:s3:::bucket", "x"),
            ("not an arn", "x"),
        ] {
            let e = Exemption::for_caller(arn, id).unwrap_err();
            assert!(e.contains(arn) && e.contains(id), "{arn} {id}: {e}");
        }
    }

    #[test]
    fn an_opened_policy_holds_the_exemption_and_the_original_does_not() {
        assert!(!holds_exemption(FENCE));
        for who in [user(), role()] {
            let (opened, _) = open(FENCE, &who).unwrap();
            assert!(holds_exemption(&opened), "{opened}");
        }
        // aws:userid outside a network fence, or under a positive operator, is not an exemption
        let other = r#"{"Statement":[
            {"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:userid":"AIDA1"}}},
            {"Effect":"Allow","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1","aws:userid":"AIDA1"}}},
            {"Effect":"Deny","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"},"StringLike":{"aws:userid":"AIDA1"}}}]}"#;
        assert!(!holds_exemption(other));
        let upper = r#"{"Statement":{"Effect":"Deny","Condition":{"StringNotLike":{"AWS:UserId":"AROA1:*"},"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#;
        assert!(holds_exemption(upper));
        let older = r#"{"Statement":[{"Effect":"Deny","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1","aws:userid":"AROA1:session"}}}]}"#;
        assert!(
            holds_exemption(older),
            "the exemption of an older studio-tui"
        );
        assert!(!holds_exemption("not json"));
    }

    #[test]
    fn admitting_twice_changes_nothing_more_and_lists_keep_others() {
        let (once, _) = open(FENCE, &user()).unwrap();
        let (twice, _) = open(&once, &user()).unwrap();
        assert_eq!(once, twice);
        let bob = Exemption::for_caller("arn:aws:iam::123456789012:user/bob", "AIDA2").unwrap();
        let (other, _) = open(&once, &bob).unwrap();
        let doc: Value = serde_json::from_str(&other).unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:userid"],
            serde_json::json!(["AIDAEXAMPLE", "AIDA2"])
        );
        let (third, _) = open(&other, &bob).unwrap();
        assert_eq!(
            third, other,
            "a value already in the list is not added again"
        );
        let carol = Exemption::for_caller("arn:aws:iam::123456789012:user/carol", "AIDA3").unwrap();
        let (more, _) = open(&other, &carol).unwrap();
        let doc: Value = serde_json::from_str(&more).unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:userid"],
            serde_json::json!(["AIDAEXAMPLE", "AIDA2", "AIDA3"])
        );
    }

    #[test]
    fn the_fences_statements_and_endpoints_are_named() {
        assert_eq!(
            fence_endpoints(FENCE),
            (
                vec!["DenyDataAccessOutsideVpcEndpoint".to_string()],
                vec!["vpce-1".to_string()]
            )
        );
        let many = r#"{"Statement":[
            {"Sid":"A1","Effect":"Deny","Condition":{"StringNotEquals":{"aws:sourcevpce":["vpce-0abc","vpce-0abc","vpce-z z","x"]}}},
            {"Sid":"bad sid!","Effect":"Deny","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0def"}}},
            {"Sid":"","Effect":"Deny","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
            {"Sid":"Ip","Effect":"Deny","Condition":{"StringNotEquals":{"aws:SourceVpce":7}}},
            {"Sid":"Allow","Effect":"Allow","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0fff"}}}]}"#;
        assert_eq!(
            fence_endpoints(many),
            (
                vec!["A1".to_string(), "Ip".to_string()],
                vec!["vpce-0abc".to_string(), "vpce-0def".to_string()]
            )
        );
        assert_eq!(fence_endpoints("not json"), (Vec::new(), Vec::new()));
        assert_eq!(
            fence_endpoints(
                r#"{"Statement":[{"Sid":"N","Effect":"Deny","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-"}}}]}"#
            ),
            (vec!["N".to_string()], Vec::new())
        );
    }

    #[test]
    fn unfenced_and_broken_policies() {
        let open_policy = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#;
        assert!(!is_fenced(open_policy));
        assert_eq!(open(open_policy, &user()).unwrap().1, 0);
        assert!(!is_fenced("not json"));
        assert!(open("not json", &user()).is_err());
        let ip = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
            "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        assert!(is_fenced(ip));
        let (t, n) = open(ip, &user()).unwrap();
        assert_eq!(n, 1);
        assert!(
            t.contains(r#""StringNotEquals":{"aws:userid":"AIDAEXAMPLE"}"#),
            "{t}"
        );
        let no_condition = r#"{"Statement":[{"Effect":"Deny","Condition":"x"}]}"#;
        assert_eq!(open(no_condition, &user()).unwrap().1, 0);
        let bad_block = r#"{"Statement":[{"Effect":"Deny","Condition":{"StringNotEquals":"x","NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        assert!(
            open(bad_block, &user())
                .unwrap_err()
                .contains("malformed StringNotEquals")
        );
        let bad_key = r#"{"Statement":[{"Effect":"Deny","Condition":{"StringNotEquals":{"aws:userid":7,"aws:SourceVpce":"vpce-1"}}}]}"#;
        assert!(
            open(bad_key, &user())
                .unwrap_err()
                .contains("malformed aws:userid")
        );
    }
}
