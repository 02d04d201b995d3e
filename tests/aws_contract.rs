//! The AWS contract (`docs/aws-contract.md`) is kept mechanically: every AWS operation that
//! `src/aws` calls through an SDK client has a row, every row quotes the documented behaviour
//! relied on with its page, and every test a row names exists.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The SDK client accessors of `Session` and the service prefix of their operations.
const CLIENTS: [(&str, &str); 11] = [
    ("sts", "sts"),
    ("cloudformation", "cloudformation"),
    ("ec2", "ec2"),
    ("sagemaker", "sagemaker"),
    ("logs", "logs"),
    ("kms", "kms"),
    ("s3", "s3"),
    ("networkfirewall", "network-firewall"),
    ("nfw", "network-firewall"),
    ("pricing", "pricing"),
    // EFS's IAM actions are prefixed elasticfilesystem:, not efs:
    ("efs", "elasticfilesystem"),
];

/// Methods of an SDK client that are not AWS operations.
const NOT_OPERATIONS: [&str; 2] = ["clone", "config"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `snake_case` → `PascalCase`, as the SDK derives its method names from operation names.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Every `service:Operation` that `text` (Rust source) calls on an SDK client: `self.s3()
/// .put_object(` or, through a variable named after the client, `s3.put_object(`.
fn operations_in(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(
        r"(?:^|[^A-Za-z0-9_])(sts|cloudformation|ec2|sagemaker|logs|kms|s3|networkfirewall|nfw|pricing|efs)(?:\(\))?\s*\.\s*([a-z][a-z0-9_]*)\(",
    )
    .unwrap();
    let services: BTreeMap<&str, &str> = CLIENTS.into_iter().collect();
    re.captures_iter(text)
        .filter(|c| !NOT_OPERATIONS.contains(&&c[2]))
        .map(|c| format!("{}:{}", services[&c[1]], pascal(&c[2])))
        .collect()
}

/// The operations src/aws calls (its test modules and the tests' fixtures door excluded).
fn called() -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("src/aws")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".rs") || name == "fixtures.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let program = text.split("#[cfg(test)]").next().unwrap_or_default();
        for op in operations_in(program) {
            out.entry(op).or_default().insert(format!("src/aws/{name}"));
        }
    }
    out
}

/// One row of the contract table.
#[derive(Debug)]
struct Row {
    operation: String,
    quote: String,
    page: String,
    tests: Vec<String>,
}

fn rows(text: &str) -> Vec<Row> {
    let op = regex::Regex::new(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$").unwrap();
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let name = cells.first()?.trim_matches('`');
            op.is_match(name).then(|| Row {
                operation: name.to_string(),
                quote: cells.get(1).copied().unwrap_or_default().to_string(),
                page: cells.get(2).copied().unwrap_or_default().to_string(),
                tests: cells
                    .get(3)
                    .copied()
                    .unwrap_or_default()
                    .split(", ")
                    .map(|t| t.trim_matches('`').to_string())
                    .filter(|t| !t.is_empty())
                    .collect(),
            })
        })
        .collect()
}

fn contract() -> Vec<Row> {
    rows(&std::fs::read_to_string(root().join("docs/aws-contract.md")).unwrap())
}

/// Does `path::name` name a test that exists (a Rust `fn name(` or a pytest `def name(`)?
fn test_exists(reference: &str) -> Result<(), String> {
    let (path, name) = reference
        .split_once("::")
        .ok_or_else(|| format!("{reference}: expected path::test_name"))?;
    let text = std::fs::read_to_string(root().join(path))
        .map_err(|e| format!("{reference}: {path}: {e}"))?;
    let rust = format!("fn {name}(");
    let python = format!("def {name}(");
    if text.contains(&rust) || text.contains(&python) {
        Ok(())
    } else {
        Err(format!("{reference}: no test {name} in {path}"))
    }
}

#[test]
fn every_operation_src_aws_calls_has_a_contract_row() {
    let listed: BTreeSet<String> = contract().into_iter().map(|r| r.operation).collect();
    let missing: Vec<String> = called()
        .into_iter()
        .filter(|(op, _)| !listed.contains(op))
        .map(|(op, files)| {
            format!(
                "{op} (called in {})",
                files.into_iter().collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/aws-contract.md has no row for: {missing:#?}\nAdd a row: the documented behaviour \
         relied on (quoted), the page, and the sandbox test that shows it."
    );
}

#[test]
fn every_row_quotes_its_page_and_names_tests_that_exist() {
    let rows = contract();
    assert!(
        rows.len() > 40,
        "the table was not read: {} rows",
        rows.len()
    );
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for r in &rows {
        if !seen.insert(r.operation.clone()) {
            problems.push(format!("{}: listed twice", r.operation));
        }
        if !(r.quote.starts_with('"') && r.quote.ends_with('"') && r.quote.len() > 10) {
            problems.push(format!("{}: no quoted behaviour", r.operation));
        }
        if !r.page.starts_with("https://docs.aws.amazon.com/") {
            problems.push(format!(
                "{}: the page is not an AWS documentation page",
                r.operation
            ));
        }
        if r.tests.is_empty() {
            problems.push(format!("{}: no sandbox test", r.operation));
        }
        for t in &r.tests {
            if let Err(e) = test_exists(t) {
                problems.push(format!("{}: {e}", r.operation));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checker_reads_calls_rows_and_tests() {
    let src = "let out = self\n    .sagemaker()\n    .list_domains()\n    .send();\n\
               let s3 = self.s3();\n s3.put_object().bucket(b);\n ec2.clone();\n\
               aws_sdk_s3::Client::from_conf(c); self.s3_override.clone();";
    assert_eq!(
        operations_in(src),
        ["s3:PutObject", "sagemaker:ListDomains"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    let table = "| Operation | Relied on | Page | Test |\n|---|---|---|---|\n\
                 | `s3:PutObject` | \"quoted behaviour here\" | https://docs.aws.amazon.com/x | \
                 `tests/aws_contract.rs::the_checker_reads_calls_rows_and_tests` |\n\
                 | not a row |";
    let parsed = rows(table);
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].operation, "s3:PutObject");
    assert!(test_exists(&parsed[0].tests[0]).is_ok());
    assert!(test_exists("tests/aws_contract.rs::no_such_test").is_err());
    assert!(test_exists("tests/nope.rs::x").is_err());
}
