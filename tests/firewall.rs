//! `studio-tui firewall blocked | allow | deny` on the sandbox with the real template: alert
//! records for several hosts give the right counts (read from the log group the stack created);
//! allow updates the stack and the firewall's rule group; read-only lists and refuses changes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::{Value, json};

const REGION: &str = "us-east-1";

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::binary(home, REGION).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The rule group's domain list, as the firewall has it (Network Firewall's JSON API on the
/// emulator).
fn rule_group_targets(project: &str) -> Vec<String> {
    let v = nfw(
        "DescribeRuleGroup",
        &json!({"RuleGroupName": format!("{project}-egress-allow-list"), "Type": "STATEFUL"}),
    );
    v.pointer("/RuleGroup/RulesSource/RulesSourceList/Targets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn blocked_domains_are_counted_and_allow_updates_the_rule_group() {
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("fw");
    let deploy = run(
        h,
        &["deploy", "--yes", "--plain", "--project-name", &project],
    );
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let rec = |host: &str, kind: &str, src: &str, ago: u64| json!({"host": host, "kind": kind, "src_ip": src, "time": now - ago});
    let written = emu.control_post(
        "/_studio/firewall-alerts",
        &json!({"stack": project, "records": [
            rec("github.com", "tls", "10.2.3.10", 300),
            rec("github.com", "tls", "10.2.3.11", 200),
            rec("github.com", "tls", "10.2.3.10", 100),
            rec("huggingface.co", "tls", "10.2.3.12", 150),
            rec("registry.npmjs.org", "http", "10.2.3.12", 50),
            // older than the window asked below
            rec("old.example.org", "tls", "10.2.3.9", 7200),
        ]}),
    );
    assert_eq!(written["written"], 6, "{written}");

    let out = run(
        h,
        &[
            "--json",
            "firewall",
            "blocked",
            "--since",
            "1h",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let domains = doc["domains"].as_array().unwrap();
    let counts: Vec<(String, u64)> = domains
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().unwrap().to_string(),
                d["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("github.com".to_string(), 3),
            ("huggingface.co".to_string(), 1),
            ("registry.npmjs.org".to_string(), 1)
        ]
    );
    assert_eq!(
        domains[0]["sources"],
        json!(["10.2.3.10", "10.2.3.11"]),
        "{doc}"
    );
    assert!(
        doc["log_group"]
            .as_str()
            .unwrap()
            .starts_with("/aws/vendedlogs/"),
        "found from the stack: {doc}"
    );
    let plain = run(
        h,
        &["--plain", "firewall", "blocked", "--project-name", &project],
    );
    let out = text(&plain.stdout);
    assert!(
        out.lines().next().unwrap_or("").starts_with("github.com"),
        "{out}"
    );

    // Read-only: the list works, changes are refused before any mutating call.
    let before = emu.log_mark();
    let ro = run(
        h,
        &[
            "--read-only",
            "--plain",
            "firewall",
            "blocked",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(ro.status.code(), Some(0), "{}", text(&ro.stderr));
    let ro = run(
        h,
        &[
            "--read-only",
            "--plain",
            "firewall",
            "allow",
            "github.com",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(ro.status.code(), Some(1));
    assert!(
        text(&ro.stderr).contains("read-only"),
        "{}",
        text(&ro.stderr)
    );
    assert_eq!(emu.mutating_since(before, REGION), Vec::<String>::new());

    // Bad input: a URL is refused with the host to use, nothing deployed.
    let bad = run(
        h,
        &[
            "--plain",
            "firewall",
            "allow",
            "https://github.com/org/repo",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("github.com"),
        "{}",
        text(&bad.stderr)
    );

    // allow: a change set on AllowedDomains, executed; the stack and the rule group have it.
    assert!(!rule_group_targets(&project).contains(&"github.com".to_string()));
    let allow = run(
        h,
        &[
            "--plain",
            "firewall",
            "allow",
            "github.com",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(allow.status.code(), Some(0), "{}", text(&allow.stderr));
    let session_params = run(h, &["--json", "status", "--project-name", &project]);
    let status: Value = serde_json::from_slice(&session_params.stdout).unwrap();
    let allowed = status["stack"]["parameters"]["AllowedDomains"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(allowed.split(',').any(|d| d == "github.com"), "{allowed}");
    assert!(
        rule_group_targets(&project).contains(&"github.com".to_string()),
        "{:?}",
        rule_group_targets(&project)
    );

    // deny: removed again; .amazonaws.com cannot be removed.
    let deny = run(
        h,
        &[
            "--plain",
            "firewall",
            "deny",
            "github.com",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(deny.status.code(), Some(0), "{}", text(&deny.stderr));
    assert!(!rule_group_targets(&project).contains(&"github.com".to_string()));
    // IAM stays reachable: its exact name cannot be removed.
    let keep = run(
        h,
        &[
            "--plain",
            "firewall",
            "deny",
            "iam.amazonaws.com",
            "--yes",
            "--project-name",
            &project,
        ],
    );
    assert_eq!(keep.status.code(), Some(2), "{}", text(&keep.stderr));
    assert!(
        text(&keep.stderr).contains("IAM has no VPC endpoint"),
        "{}",
        text(&keep.stderr)
    );
}

/// One Network Firewall JSON call on the emulator, in `REGION`.
fn nfw(target: &str, body: &Value) -> Value {
    nfw_in(REGION, target, body)
}

/// One Network Firewall JSON call on the emulator, in `region`.
fn nfw_in(region: &str, target: &str, body: &Value) -> Value {
    let url = common::emulator().endpoint.clone();
    let out = std::process::Command::new("curl")
        .args([
            "-sf",
            "-X",
            "POST",
            &url,
            "-H",
            &format!("X-Amz-Target: NetworkFirewall_20201112.{target}"),
            "-H",
            "Content-Type: application/x-amz-json-1.0",
            "-H",
            &format!("Authorization: AWS4-HMAC-SHA256 Credential=testing/20261130/{region}/network-firewall/aws4_request, SignedHeaders=host, Signature=x"),
            "-d",
            &body.to_string(),
        ])
        .output()
        .expect("curl");
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// CreateStack with the template studio-tui deployed before strict order (the query protocol,
/// as the AWS CLI would send it).
fn create_action_order_stack(region: &str, project: &str) {
    let url = common::emulator().endpoint.clone();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/studio-environment-action-order.yaml"
    );
    let out = std::process::Command::new("curl")
        .args([
            "-sf",
            "-X",
            "POST",
            &url,
            "-H",
            &format!("Authorization: AWS4-HMAC-SHA256 Credential=testing/20261130/{region}/cloudformation/aws4_request, SignedHeaders=host, Signature=x"),
            "--data-urlencode",
            "Action=CreateStack",
            "--data-urlencode",
            "Version=2010-05-15",
            "--data-urlencode",
            &format!("StackName={project}"),
            "--data-urlencode",
            &format!("TemplateBody@{fixture}"),
            "--data-urlencode",
            "Parameters.member.1.ParameterKey=ProjectName",
            "--data-urlencode",
            &format!("Parameters.member.1.ParameterValue={project}"),
            "--data-urlencode",
            "Parameters.member.2.ParameterKey=AllowedDomains",
            "--data-urlencode",
            "Parameters.member.2.ParameterValue=.amazonaws.com,.pypi.org",
            "--data-urlencode",
            "Capabilities.member.1=CAPABILITY_NAMED_IAM",
        ])
        .output()
        .expect("curl");
    assert!(out.status.success(), "CreateStack: {}", text(&out.stdout));
}

/// Issue 23: a stack of the template before strict order (default action order, no default
/// drop) is updated by `deploy` to the current one: the review shows the rule group and policy
/// REPLACED (an in-place rule-order change would fail at execution), says the stateful engine
/// may restart, and warns about the wide `.amazonaws.com`; afterwards the firewall runs a
/// strict-order policy that drops by default, and the stack kept its list.
#[test]
fn a_stack_of_the_action_order_template_migrates_to_strict_order() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("mig");
    // A region of its own: the other tests of this file count the requests of theirs.
    const MR: &str = "eu-central-1";
    let run =
        |h: &std::path::Path, args: &[&str]| common::binary(h, MR).args(args).output().unwrap();
    let nfw = |target: &str, body: &Value| nfw_in(MR, target, body);
    create_action_order_stack(MR, &project);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let st = run(h, &["--json", "status", "--project-name", &project]);
        let doc: Value = serde_json::from_slice(&st.stdout).unwrap_or(Value::Null);
        let status = doc["stack"]["status"].as_str().unwrap_or("").to_string();
        if status == "CREATE_COMPLETE" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline && !status.ends_with("FAILED"),
            "old template: {status} {}",
            text(&st.stderr)
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    let old_policy = nfw(
        "DescribeFirewall",
        &json!({"FirewallName": format!("{project}-firewall")}),
    )["Firewall"]["FirewallPolicyArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(old_policy.ends_with("-firewall-policy"), "{old_policy}");

    let up = run(
        h,
        &[
            "--plain",
            "deploy",
            "--yes",
            "--project-name",
            &project,
            "--allowed-domains",
            ".amazonaws.com,.pypi.org",
        ],
    );
    let err = text(&up.stderr);
    assert_eq!(up.status.code(), Some(0), "{err}");
    assert!(
        err.contains("DomainAllowListRuleGroup (REPLACEMENT)"),
        "{err}"
    );
    assert!(err.contains("FirewallPolicy (REPLACEMENT)"), "{err}");
    assert!(err.contains("EgressClosingRuleGroup"), "{err}");
    assert!(err.contains("may restart its stateful engine"), "{err}");

    let fw = nfw(
        "DescribeFirewall",
        &json!({"FirewallName": format!("{project}-firewall")}),
    );
    let policy_arn = fw["Firewall"]["FirewallPolicyArn"].as_str().unwrap();
    assert!(policy_arn.ends_with("-egress-policy"), "{fw}");
    let policy = nfw(
        "DescribeFirewallPolicy",
        &json!({"FirewallPolicyArn": policy_arn}),
    );
    assert_eq!(
        policy["FirewallPolicy"]["StatefulEngineOptions"]["RuleOrder"], "STRICT_ORDER",
        "{policy}"
    );
    assert_eq!(
        policy["FirewallPolicy"]["StatefulDefaultActions"],
        json!([
            "aws:drop_established_app_layer_to_server",
            "aws:alert_established_app_layer_to_server"
        ]),
        "{policy}"
    );
    let old = nfw(
        "DescribeFirewallPolicy",
        &json!({"FirewallPolicyArn": old_policy}),
    );
    assert_eq!(old, Value::Null, "the old policy is deleted: {old}");
    let targets = nfw(
        "DescribeRuleGroup",
        &json!({"RuleGroupName": format!("{project}-egress-allow-list"), "Type": "STATEFUL"}),
    );
    assert_eq!(
        targets["RuleGroup"]["RulesSource"]["RulesSourceList"]["Targets"],
        json!([".amazonaws.com", ".pypi.org"]),
        "the stack keeps its list"
    );
    // Preflight warns about the wide entry, with the reason and the exact names instead.
    let pre = run(
        h,
        &[
            "--plain",
            "preflight",
            "--project-name",
            &project,
            "--allowed-domains",
            ".amazonaws.com,.pypi.org",
        ],
    );
    let all = format!("{}{}", text(&pre.stdout), text(&pre.stderr));
    assert!(all.contains("DOMAIN_ADMITS_S3"), "{all}");
    assert!(all.contains("admits S3 in every region"), "{all}");
    assert!(
        all.contains("replace `.amazonaws.com` with iam.amazonaws.com"),
        "{all}"
    );
}

/// `firewall check` on its own region (so the request log shows only its own calls): exit 0
/// for a flow that reaches, 1 for one the deployed firewall drops, 2 for bad input with no AWS
/// call; `--json` is one object; `--read-only` works and calls nothing that changes anything.
#[test]
fn check_answers_from_the_deployed_firewall_with_exit_codes_json_and_read_only() {
    const R: &str = "us-west-2";
    let emu = common::emulator();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let project = common::unique_name("fwc");
    let check = |args: &[&str]| {
        let mut all = vec![
            "--json",
            "firewall",
            "check",
            "--project-name",
            project.as_str(),
        ];
        all.extend_from_slice(args);
        let out = common::binary(h, R).args(&all).output().unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), doc, text(&out.stderr))
    };

    // Bad input: exit 2, a clear message, and not one AWS request (not even the stack's).
    let before = emu.log_mark();
    for (target, proto) in [
        ("https://github.com/org/repo", None),
        ("github.com:99999", None),
        ("github.com", Some("sctp")),
        ("1.1.1.1:7", Some("icmp")),
        ("bad\u{1b}[31mhost", None),
    ] {
        let mut args = vec![target];
        if let Some(p) = proto {
            args.extend(["--protocol", p]);
        }
        let (code, doc, err) = check(&args);
        assert_eq!(code, Some(2), "{target}: {doc} {err}");
        assert_eq!(doc["ok"], false, "{doc}");
        let msg = doc["error"].to_string();
        assert!(!msg.contains('\u{1b}') && !msg.contains("\\u001b"), "{msg}");
    }
    assert_eq!(emu.actions_since(before, R), Vec::<String>::new());

    let deploy = common::binary(h, R)
        .args(["deploy", "--yes", "--plain", "--project-name", &project])
        .output()
        .unwrap();
    assert_eq!(deploy.status.code(), Some(0), "{}", text(&deploy.stderr));

    // An allowed name: the deployed allow list's generated pass.
    let (code, doc, err) = check(&["pypi.org"]);
    assert_eq!(code, Some(0), "{doc} {err}");
    let c = &doc["check"];
    assert_eq!(c["verdict"], "reaches", "{doc}");
    assert_eq!(c["route"]["kind"], "firewall");
    assert_eq!(c["decision"]["decided_by"]["kind"], "rule", "{doc}");
    assert_eq!(c["decision"]["decided_by"]["action"], "pass");
    assert_eq!(c["fix"]["kind"], "nothing");

    // An unlisted name: dropped by the generated drop, logged, and the fix is a command built
    // from the validated host.
    let (code, doc, _) = check(&["GitHub.com.:443"]);
    assert_eq!(code, Some(1), "{doc}");
    let c = &doc["check"];
    assert_eq!(c["verdict"], "dropped");
    assert_eq!(c["alert_logged"], true);
    assert_eq!(c["fix"]["command"], "studio-tui firewall allow github.com");
    assert!(
        c["decision"]["decided_by"]["rule"]
            .as_str()
            .unwrap()
            .contains("not matching any TLS allowlisted FQDNs"),
        "{doc}"
    );

    // The route first: the SageMaker API answers through its interface endpoint (private DNS
    // names from DescribeVpcEndpointServices), a project bucket through the S3 gateway
    // endpoint, the VPC resolver never leaves the VPC.
    let (code, doc, _) = check(&[&format!("api.sagemaker.{R}.amazonaws.com")]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["check"]["route"]["kind"], "interface_endpoint", "{doc}");
    assert!(doc["check"]["decision"].is_null());
    let (code, doc, _) = check(&[&format!("{project}-data.s3.{R}.amazonaws.com")]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["check"]["route"]["kind"], "s3_gateway", "{doc}");
    assert_eq!(doc["check"]["route"]["admitted"], true, "{doc}");
    let (code, doc, _) = check(&["someone-else.s3.us-west-2.amazonaws.com"]);
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(doc["check"]["route"]["admitted"], false, "{doc}");
    let (code, doc, _) = check(&["10.2.0.2:53", "--protocol", "udp"]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["check"]["route"]["kind"], "local");

    // TLS to an address has no SNI: dropped, and the fix says to use the name.
    let (code, doc, _) = check(&["140.82.112.3"]);
    assert_eq!(code, Some(1), "{doc}");
    assert_eq!(doc["check"]["fix"]["kind"], "use_host_name");

    // Plain output names the verdict and the deciding rule.
    let plain = common::binary(h, R)
        .args([
            "--plain",
            "firewall",
            "check",
            "github.com",
            "--project-name",
            &project,
        ])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(1));
    let out = text(&plain.stdout);
    assert!(out.starts_with("github.com:443 tls: DROPPED"), "{out}");
    assert!(
        out.contains("fix: studio-tui firewall allow github.com"),
        "{out}"
    );

    // Read-only: the same answers, and only read calls.
    let before = emu.log_mark();
    let ro = common::binary(h, R)
        .args([
            "--read-only",
            "--json",
            "firewall",
            "check",
            "github.com",
            "--project-name",
            &project,
        ])
        .output()
        .unwrap();
    assert_eq!(ro.status.code(), Some(1), "{}", text(&ro.stderr));
    let doc: Value = serde_json::from_slice(&ro.stdout).unwrap();
    assert_eq!(doc["check"]["verdict"], "dropped");
    let actions = emu.actions_since(before, R);
    assert!(
        actions.contains(&"DescribeFirewallPolicy".to_string())
            && actions.contains(&"DescribeRuleGroup".to_string()),
        "{actions:?}"
    );
    assert_eq!(emu.mutating_since(before, R), Vec::<String>::new());

    // `firewall blocked` and `firewall check` never disagree: the sandbox decides each posted
    // flow with the deployed rules, so exactly the names check says are dropped are listed.
    let flows = [
        ("pypi.org", "tls"),
        ("files.pythonhosted.org", "tls"),
        ("github.com", "tls"),
        ("registry.npmjs.org", "http"),
    ];
    let records: Vec<Value> = flows
        .iter()
        .map(|(host, kind)| json!({"host": host, "kind": kind}))
        .collect();
    let posted = emu.control_post(
        "/_studio/firewall-alerts",
        &json!({"stack": project, "region": R, "records": records}),
    );
    let blocked = common::binary(h, R)
        .args([
            "--json",
            "firewall",
            "blocked",
            "--since",
            "1h",
            "--project-name",
            &project,
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&blocked.stdout).unwrap();
    let listed: Vec<&str> = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    for (host, kind) in flows {
        let (code, answer, _) = check(&[host, "--protocol", kind]);
        let dropped = answer["check"]["verdict"] == "dropped";
        assert_eq!(code, Some(if dropped { 1 } else { 0 }), "{answer}");
        assert_eq!(
            listed.contains(&host),
            dropped,
            "{host} {kind}: check says {}, blocked lists {listed:?} ({posted})",
            answer["check"]["verdict"]
        );
    }
    assert!(listed.contains(&"github.com") && !listed.contains(&"pypi.org"));
}
