//! The project's bucket fence: a bucket policy whose Deny statements hold for every request that
//! does not come through the project's network (`aws:SourceVpce`, `aws:SourceVpc`,
//! `aws:SourceIp` conditions). It denies the operator on a laptop too, so a teardown that has
//! to read or empty a fenced bucket first admits exactly one caller through it, and then puts
//! the original policy back.
//!
//! How the opening works: each network-conditioned Deny statement gets one more condition key,
//! `StringNotEquals aws:userid = <the caller's user id>`. IAM evaluates the keys of a Condition
//! block as a logical AND, so the statement still denies everyone outside the network except
//! that one caller (the same user id STS GetCallerIdentity answers: `AIDA…` for a user,
//! `AROA…:session` for a role session). Statements without a network condition (for example
//! "deny insecure transport") are left as they are.

use serde_json::{Map, Value};

/// Condition keys that make a Deny statement a network fence.
const NETWORK_KEYS: [&str; 3] = ["aws:sourcevpce", "aws:sourcevpc", "aws:sourceip"];

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

/// The policy with `user_id` admitted through every network fence statement, and how many
/// statements were changed. An error when the text is not a JSON policy document.
pub fn admit_caller(policy: &str, user_id: &str) -> Result<(String, usize), String> {
    let mut doc: Value =
        serde_json::from_str(policy).map_err(|e| format!("the bucket policy is not JSON: {e}"))?;
    let mut changed = 0;
    for st in statements(&mut doc) {
        if !is_network_deny(st) {
            continue;
        }
        let Some(Value::Object(ops)) = st.get_mut("Condition") else {
            continue;
        };
        let block = ops
            .entry("StringNotEquals")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(keys) = block else {
            return Err("the bucket policy has a malformed StringNotEquals condition".into());
        };
        match keys.get_mut("aws:userid") {
            None => {
                keys.insert("aws:userid".into(), Value::String(user_id.into()));
            }
            Some(Value::String(s)) if s == user_id => {}
            Some(Value::String(s)) => {
                let old = std::mem::take(s);
                keys.insert(
                    "aws:userid".into(),
                    Value::Array(vec![Value::String(old), Value::String(user_id.into())]),
                );
            }
            Some(Value::Array(list)) => {
                if !list.iter().any(|v| v.as_str() == Some(user_id)) {
                    list.push(Value::String(user_id.into()));
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

    #[test]
    fn only_network_fences_admit_the_caller() {
        assert!(is_fenced(FENCE));
        let (text, n) = admit_caller(FENCE, "AIDAEXAMPLE").unwrap();
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
    fn admitting_twice_changes_nothing_more_and_lists_keep_others() {
        let (once, _) = admit_caller(FENCE, "AIDA1").unwrap();
        let (twice, _) = admit_caller(&once, "AIDA1").unwrap();
        assert_eq!(once, twice);
        let (other, _) = admit_caller(&once, "AROA2:me").unwrap();
        let doc: Value = serde_json::from_str(&other).unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:userid"],
            serde_json::json!(["AIDA1", "AROA2:me"])
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
        let open = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#;
        assert!(!is_fenced(open));
        assert_eq!(admit_caller(open, "x").unwrap().1, 0);
        assert!(!is_fenced("not json"));
        assert!(admit_caller("not json", "x").is_err());
        let ip = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
            "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        assert!(is_fenced(ip));
        let (t, n) = admit_caller(ip, "AIDA1").unwrap();
        assert_eq!(n, 1);
        assert!(
            t.contains(r#""StringNotEquals":{"aws:userid":"AIDA1"}"#),
            "{t}"
        );
    }
}
