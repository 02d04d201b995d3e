//! The buckets `AllowedBuckets` admits on purpose through the S3 endpoint: S3's naming rules for
//! each, and what admitting them means (each is a place a notebook can copy the fenced data to).

use std::collections::BTreeSet;

use super::{FieldError, ParamsDraft, show_char};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

/// The most buckets [`ParamsDraft::allowed_buckets`] may admit: the Studio role's policy that
/// names them (two ARNs each) must stay within IAM's 6,144 characters for a managed policy.
pub const MAX_ALLOWED_BUCKETS: usize = 20;

/// The bucket the SageMaker Python SDK uses for jobs by default in `region` of `account`
/// (`sagemaker.Session().default_bucket()`).
pub fn sagemaker_default_bucket(region: &str, account: &str) -> String {
    format!("sagemaker-{region}-{account}")
}

/// Checks a bucket name against S3's general purpose bucket naming rules (S3 user guide,
/// "General purpose bucket naming rules"): 3-63 characters of lowercase letters, digits, dots
/// and hyphens, starting and ending with a letter or digit, no two adjacent dots, not formatted
/// as an IP address, and none of the prefixes and suffixes S3 reserves.
pub fn validate_bucket_name(name: &str) -> Result<(), FieldError> {
    const RESERVED_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const RESERVED_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
            continue;
        }
        let err = if c.is_ascii_uppercase() {
            FieldError::new(
                FindingCode::BucketNameUppercase,
                format!(
                    "`{name}` has an uppercase {} at position {}; bucket names are lowercase",
                    show_char(c),
                    i + 1
                ),
                format!("use `{}`", name.to_ascii_lowercase()),
            )
        } else {
            FieldError::new(
                FindingCode::BucketNameBadChar,
                format!(
                    "`{name}` has {} at position {}; bucket names allow only lowercase letters, digits, dots and hyphens",
                    show_char(c),
                    i + 1
                ),
                if c.is_whitespace() || c == ',' {
                    "put one bucket per entry".into()
                } else if c == '/' || c == ':' {
                    "give the bucket's name only, not an ARN, URL or key".into()
                } else {
                    "remove it".into()
                },
            )
        };
        return Err(err.at(i));
    }
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Err(FieldError::new(
            FindingCode::BucketNameLength,
            format!("`{name}` is {len} characters; bucket names have 3 to 63"),
            "check the name in the S3 console or with `aws s3 ls`".into(),
        ));
    }
    let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !name.starts_with(edge) || !name.ends_with(edge) {
        return Err(FieldError::new(
            FindingCode::BucketNameBadEdge,
            format!(
                "`{name}` starts or ends with a dot or hyphen; bucket names begin and end with a letter or digit"
            ),
            format!("use `{}`", name.trim_matches(['.', '-'])),
        ));
    }
    if let Some(i) = name.find("..") {
        return Err(FieldError::new(
            FindingCode::BucketNameAdjacentDots,
            format!(
                "`{name}` has two adjacent dots at position {}; bucket names never do",
                i + 1
            ),
            "remove the extra dot".into(),
        )
        .at(i));
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 4 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(FieldError::new(
            FindingCode::BucketNameIpAddress,
            format!("`{name}` is formatted as an IP address, which bucket names never are"),
            "give the bucket's name".into(),
        ));
    }
    let reserved = RESERVED_PREFIXES
        .iter()
        .find(|p| name.starts_with(*p))
        .map(|p| format!("starts with `{p}`"))
        .or_else(|| {
            RESERVED_SUFFIXES
                .iter()
                .find(|sfx| name.ends_with(*sfx))
                .map(|sfx| format!("ends with `{sfx}`"))
        });
    if let Some(what) = reserved {
        return Err(FieldError::new(
            FindingCode::BucketNameReserved,
            format!(
                "`{name}` {what}, which S3 reserves (access point aliases, directory and table buckets, demo names)"
            ),
            "give the name of a general purpose bucket".into(),
        ));
    }
    Ok(())
}

checked_text!(
    /// A bucket name that passed [`validate_bucket_name`].
    BucketName
);

impl BucketName {
    /// The name, when [`validate_bucket_name`] accepts it.
    pub fn parse(text: &str) -> Result<BucketName, FieldError> {
        validate_bucket_name(text).map(|()| BucketName(text.to_owned()))
    }
}

/// The findings about the admitted buckets: each name checked, repeats and the project's own
/// buckets warned about, at most [`MAX_ALLOWED_BUCKETS`], and the ones admitted said with their
/// trade-off (an Info for preflight; the form shows only errors and warnings). Returns the
/// names that parse, in order (all of them when no finding is an error).
pub(super) fn check(params: &ParamsDraft, out: &mut Vec<Finding>) -> Vec<BucketName> {
    let field = Some(Field::AllowedBuckets);
    if params.allowed_buckets.len() > MAX_ALLOWED_BUCKETS {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::BucketNameLength,
            format!(
                "{} buckets admitted; the Studio role's policy for them holds {MAX_ALLOWED_BUCKETS} \
                 (IAM limits a managed policy to 6,144 characters)",
                params.allowed_buckets.len()
            ),
            "admit only the buckets notebooks need",
            field,
        ));
    }
    let own = [
        format!("{}-data", params.project_name),
        format!("{}-models", params.project_name),
    ];
    let mut seen = BTreeSet::new();
    let mut admitted = Vec::new();
    let mut names = Vec::new();
    for name in &params.allowed_buckets {
        match BucketName::parse(name) {
            Err(e) => out.push(e.to_finding(Field::AllowedBuckets)),
            Ok(parsed) => {
                if !seen.insert(name.as_str()) || own.contains(name) {
                    out.push(Finding::new(
                        Severity::Warning,
                        FindingCode::BucketDuplicate,
                        format!("`{name}` is admitted already"),
                        "remove the repeated entry (the project's own buckets are always admitted)",
                        field,
                    ));
                } else {
                    admitted.push(name.as_str());
                }
                names.push(parsed);
            }
        }
    }
    if !admitted.is_empty() {
        out.push(Finding::new(
            Severity::Info,
            FindingCode::BucketAdmitted,
            format!(
                "{} bucket(s) admitted on purpose through the S3 endpoint ({}): notebooks may \
                 read and write them, so each is a place they can copy the fenced data to",
                admitted.len(),
                admitted.join(", ")
            ),
            "keep only buckets you control (--allowed-buckets, or the form's Allowed buckets)",
            field,
        ));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<(), FieldError>) -> FieldError {
        r.expect_err("expected an error")
    }

    #[test]
    fn bucket_names_follow_s3s_general_purpose_rules() {
        for ok in [
            "abc",
            "sagemaker-us-east-1-123456789012",
            "my.team.bucket",
            "a-b",
            "1bucket9",
            &"a".repeat(63),
            "192.168.5.4a",
        ] {
            assert_eq!(validate_bucket_name(ok), Ok(()), "{ok}");
        }
        let code = |n: &str| err(validate_bucket_name(n)).code;
        assert_eq!(code("ab"), FindingCode::BucketNameLength);
        assert_eq!(code(""), FindingCode::BucketNameLength);
        assert_eq!(code(&"a".repeat(64)), FindingCode::BucketNameLength);
        let e = err(validate_bucket_name("Team-Share"));
        assert_eq!(e.code, FindingCode::BucketNameUppercase);
        assert_eq!((e.fix.as_str(), e.position), ("use `team-share`", Some(0)));
        assert_eq!(code("team_share"), FindingCode::BucketNameBadChar);
        assert_eq!(
            err(validate_bucket_name("arn:aws:s3:::b")).fix,
            "give the bucket's name only, not an ARN, URL or key"
        );
        assert_eq!(
            err(validate_bucket_name("a b")).fix,
            "put one bucket per entry"
        );
        for edge in ["-abc", "abc-", ".abc", "abc."] {
            assert_eq!(code(edge), FindingCode::BucketNameBadEdge, "{edge}");
        }
        assert_eq!(code("a..b"), FindingCode::BucketNameAdjacentDots);
        assert_eq!(code("192.168.5.4"), FindingCode::BucketNameIpAddress);
        for reserved in [
            "xn--bucket",
            "sthree-bucket",
            "sthree-configurator-x",
            "amzn-s3-demo-bucket",
            "bucket-s3alias",
            "bucket--ol-s3",
            "bucket.mrap",
            "bucket--x-s3",
            "bucket--table-s3",
        ] {
            assert_eq!(
                code(reserved),
                FindingCode::BucketNameReserved,
                "{reserved}"
            );
        }
        assert_eq!(
            sagemaker_default_bucket("eu-west-1", "111122223333"),
            "sagemaker-eu-west-1-111122223333"
        );
        validate_bucket_name(&sagemaker_default_bucket("us-gov-west-1", "111122223333"))
            .expect("the SageMaker default bucket is a valid name");
    }

    #[test]
    fn allowed_bucket_findings() {
        let mut p = ParamsDraft::default();
        p.set(
            Field::AllowedBuckets,
            "team-share, Bad_Name, team-share, sagemaker-studio-vpc-data",
        );
        let f = p.validate(1);
        let of = |code| f.iter().filter(|x| x.code == code).count();
        assert_eq!(of(FindingCode::BucketNameUppercase), 1);
        assert_eq!(of(FindingCode::BucketDuplicate), 2, "{f:?}");
        let info = f
            .iter()
            .find(|x| x.code == FindingCode::BucketAdmitted)
            .expect("the admitted buckets are said");
        assert_eq!(info.severity, Severity::Info);
        assert!(info.message.starts_with("1 bucket(s) admitted on purpose"));
        assert!(info.message.contains("(team-share)"));
        assert!(info.message.contains("copy the fenced data"));
        assert!(
            p.field_errors(1)[&Field::AllowedBuckets].contains("Bad_Name"),
            "{:?}",
            p.field_errors(1)
        );
        let many = ParamsDraft {
            allowed_buckets: (0..=MAX_ALLOWED_BUCKETS)
                .map(|i| format!("bucket-{i}"))
                .collect(),
            ..ParamsDraft::default()
        };
        assert!(
            many.validate(1)
                .iter()
                .any(|x| x.is_error() && x.message.contains("6,144"))
        );
        // A file saved before the field existed reads as no admitted bucket.
        let old: ParamsDraft =
            serde_json::from_str(r#"{"project_name":"demo-one"}"#).expect("parse");
        assert!(old.allowed_buckets.is_empty());
    }
}
