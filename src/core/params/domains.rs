//! The firewall's allow list: what an entry may be (Network Firewall matches it against TLS SNI
//! and HTTP Host), how a typed list splits into entries, and the list's findings.

use std::collections::BTreeSet;

use super::{FieldError, ParamsDraft, show_char};
use crate::core::field::Field;
use crate::core::finding::{Finding, FindingCode, Severity};

/// Longest DNS name (RFC 1035).
pub const DOMAIN_MAX: usize = 253;
/// Longest DNS label.
pub const LABEL_MAX: usize = 63;

/// Splits what a person typed for the allowed domains or buckets (commas, spaces or
/// newlines) into entries, dropping empty ones.
pub fn parse_domain_list(input: &str) -> Vec<String> {
    input
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// True when firewall domain-list entry `entry` lets `host` through: a
/// leading dot matches the domain and every subdomain, anything else only
/// that exact host (AWS Network Firewall's semantics).
pub fn domain_matches(entry: &str, host: &str) -> bool {
    match entry.strip_prefix('.') {
        Some(base) => host == base || host.strip_suffix(base).is_some_and(|h| h.ends_with('.')),
        None => host == entry,
    }
}

/// The fix for an entry that admits S3 around the gateway endpoint: for `.amazonaws.com`, the
/// exact names a Studio user needs instead; otherwise the entry's removal.
pub fn wider_fix(entry: &str) -> String {
    if entry.trim_start_matches('.') == "amazonaws.com" {
        format!(
            "replace `{entry}` with iam.amazonaws.com (IAM has no VPC endpoint; every other AWS \
             service Studio uses has one in the VPC) and add other exact AWS names only as needed"
        )
    } else {
        format!("remove `{entry}`, or list the exact non-S3 names you need instead")
    }
}

/// The host part of something URL-like, for "did you mean" fixes.
fn host_of(input: &str) -> &str {
    let rest = input.split_once("://").map_or(input, |(_, r)| r);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    rest.split(':').next().unwrap_or(rest)
}

/// The firewall rule group's capacity (200, fixed at creation) holds this many domains matched on
/// both TLS SNI and HTTP Host.
pub const MAX_ALLOWED_DOMAINS: usize = 100;

const SUBDOMAIN_NOTE: &str = "(a leading dot, as in .example.com, also matches every subdomain)";

/// Checks one allowed-domain entry as Network Firewall will match it against
/// TLS SNI and HTTP Host: a lowercase host name, optionally with a leading
/// dot to include subdomains; no scheme, path, port or `*` wildcard.
pub fn validate_domain(entry: &str) -> Result<(), FieldError> {
    if entry.trim().is_empty() {
        return Err(FieldError::new(
            FindingCode::DomainEmpty,
            "the domain entry is empty".into(),
            format!("enter a host name like pypi.org {SUBDOMAIN_NOTE}"),
        ));
    }
    if let Some(i) = entry.find("://") {
        return Err(FieldError::new(
            FindingCode::DomainHasScheme,
            format!("`{entry}` is a URL; the firewall matches host names, not URLs"),
            format!("write just the host, `{}` {SUBDOMAIN_NOTE}", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find('/') {
        return Err(FieldError::new(
            FindingCode::DomainHasPath,
            format!(
                "`{entry}` has a path at position {}; TLS SNI carries only the host name, so paths cannot be filtered",
                i + 1
            ),
            format!("write just the host, `{}`", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find('*') {
        let fix = match entry.strip_prefix("*.") {
            Some(rest) if !rest.contains('*') => {
                format!("write `.{rest}`: a leading dot already matches {rest} and every subdomain")
            }
            _ => "list each host, or use a leading dot (.example.com) to match a domain and every subdomain"
                .to_owned(),
        };
        return Err(FieldError::new(
            FindingCode::DomainHasWildcard,
            format!(
                "`{entry}` has a `*` at position {}; wildcards are not supported",
                i + 1
            ),
            fix,
        )
        .at(entry[..i].chars().count()));
    }
    if let Some(i) = entry.find(':') {
        return Err(FieldError::new(
            FindingCode::DomainHasPort,
            format!(
                "`{entry}` has a port at position {}; domain rules match any port",
                i + 1
            ),
            format!("write just the host, `{}`", host_of(entry)),
        )
        .at(entry[..i].chars().count()));
    }
    for (i, c) in entry.chars().enumerate() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
            continue;
        }
        let err = if c.is_ascii_uppercase() {
            FieldError::new(
                FindingCode::DomainUppercase,
                format!(
                    "`{entry}` has an uppercase {} at position {}; write domains in lowercase",
                    show_char(c),
                    i + 1
                ),
                format!("use `{}`", entry.to_ascii_lowercase()),
            )
        } else {
            FieldError::new(
                FindingCode::DomainBadChar,
                format!(
                    "`{entry}` has {} at position {}; host names allow only lowercase letters, digits, hyphens and dots",
                    show_char(c),
                    i + 1
                ),
                if c.is_whitespace() || c == ',' {
                    "put one domain per entry".into()
                } else {
                    "remove it (internationalised names must be written in punycode, xn--...)"
                        .into()
                },
            )
        };
        return Err(err.at(i));
    }
    if entry.len() > 1 && entry.ends_with('.') {
        return Err(FieldError::new(
            FindingCode::DomainTrailingDot,
            format!("`{entry}` ends with a dot; TLS SNI and HTTP Host never do, so it would match nothing"),
            format!("use `{}`", entry.trim_end_matches('.')),
        )
        .at(entry.len() - 1));
    }
    let body = entry.strip_prefix('.').unwrap_or(entry);
    if body.len() > DOMAIN_MAX {
        return Err(FieldError::new(
            FindingCode::DomainTooLong,
            format!(
                "`{entry}` is {} characters; DNS names have at most {DOMAIN_MAX}",
                body.len()
            ),
            "check for a pasted mistake".into(),
        ));
    }
    let offset = entry.len() - body.len();
    let mut at = offset;
    let labels: Vec<&str> = body.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(FieldError::new(
                FindingCode::DomainEmptyLabel,
                format!(
                    "`{entry}` has an empty label (two dots in a row) at position {}",
                    at + 1
                ),
                "remove the extra dot; only one leading dot is allowed, to include subdomains"
                    .into(),
            )
            .at(at));
        }
        if label.len() > LABEL_MAX {
            return Err(FieldError::new(
                FindingCode::DomainLabelTooLong,
                format!(
                    "`{label}` in `{entry}` is {} characters; a DNS label has at most {LABEL_MAX}",
                    label.len()
                ),
                "check for a pasted mistake".into(),
            )
            .at(at));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(FieldError::new(
                FindingCode::DomainLabelHyphen,
                format!("`{label}` in `{entry}` starts or ends with a hyphen, which DNS forbids"),
                "remove the hyphen at the edge of the label".into(),
            )
            .at(at));
        }
        at += label.len() + 1;
    }
    if labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(FieldError::new(
            FindingCode::DomainIpAddress,
            format!(
                "`{entry}` is an IP address; domain rules match names in TLS SNI and HTTP Host, never addresses"
            ),
            "give the host name instead".into(),
        ));
    }
    if labels.len() < 2 {
        return Err(FieldError::new(
            FindingCode::DomainSingleLabel,
            format!(
                "`{entry}` is a single label; it would match a whole top-level domain or a name that never reaches the internet"
            ),
            format!("give a registered domain, e.g. `.example.{body}` or `.{body}.example`"),
        ));
    }
    Ok(())
}

checked_text!(
    /// An allow-list entry that passed [`validate_domain`].
    DomainEntry
);

impl DomainEntry {
    /// The entry, when [`validate_domain`] accepts it.
    pub fn parse(text: &str) -> Result<DomainEntry, FieldError> {
        validate_domain(text).map(|()| DomainEntry(text.to_owned()))
    }
}

/// The allow list's findings: empty, too long, an entry refused, repeated, covered by a wider
/// one, IAM missing, S3 admitted around the gateway endpoint. Returns the entries that parse,
/// in order (all of them when no finding is an error).
pub(super) fn check(params: &ParamsDraft, out: &mut Vec<Finding>) -> Vec<DomainEntry> {
    let field = Some(Field::AllowedDomains);
    if params.allowed_domains.is_empty() {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::DomainListEmpty,
            "the allow list is empty, so notebooks could reach nothing outside the VPC (not even IAM)",
            "add at least iam.amazonaws.com",
            field,
        ));
        return Vec::new();
    }
    if params.allowed_domains.len() > MAX_ALLOWED_DOMAINS {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::DomainListTooLong,
            format!(
                "{} allowed domains; the firewall rule group's capacity holds \
                 {MAX_ALLOWED_DOMAINS}",
                params.allowed_domains.len()
            ),
            "use leading-dot entries (.example.com covers every subdomain) or remove unused ones",
            field,
        ));
    }
    let mut seen = BTreeSet::new();
    let mut valid = Vec::new();
    let mut entries = Vec::new();
    for entry in &params.allowed_domains {
        match DomainEntry::parse(entry) {
            Err(e) => out.push(e.to_finding(Field::AllowedDomains)),
            Ok(parsed) => {
                if seen.insert(entry.as_str()) {
                    valid.push(entry.as_str());
                } else {
                    out.push(Finding::new(
                        Severity::Warning,
                        FindingCode::DomainDuplicate,
                        format!("`{entry}` is listed more than once"),
                        "remove the repeated entry",
                        field,
                    ));
                }
                entries.push(parsed);
            }
        }
    }
    for entry in &valid {
        let host = entry.trim_start_matches('.');
        if let Some(wider) = valid.iter().find(|other| {
            *other != entry && domain_matches(other, host) && other.len() < entry.len()
        }) {
            out.push(Finding::new(
                Severity::Info,
                FindingCode::DomainRedundant,
                format!("`{entry}` is already covered by `{wider}`"),
                format!("remove `{entry}` (harmless if kept)"),
                field,
            ));
        }
    }
    if !valid.iter().any(|e| domain_matches(e, "iam.amazonaws.com")) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::DomainAmazonawsMissing,
            "no entry allows iam.amazonaws.com, which has no VPC endpoint, so IAM calls from notebooks will time out",
            "add iam.amazonaws.com to the allowed domains",
            field,
        ));
    }
    for entry in &valid {
        if let Some(why) = crate::core::s3_names::s3_bypass(entry, None) {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::DomainAdmitsS3,
                why,
                wider_fix(entry),
                field,
            ));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<(), FieldError>) -> FieldError {
        r.expect_err("expected an error")
    }

    // ---- domains ----

    #[test]
    fn domains_accept_hosts_and_dot_prefixed_domains() {
        for ok in [
            ".amazonaws.com",
            "pypi.org",
            ".pythonhosted.org",
            "files.pythonhosted.org",
            "xn--bcher-kva.example",
            "a-b.c0m",
        ] {
            assert_eq!(validate_domain(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn domain_scheme_path_port_wildcard() {
        let e = err(validate_domain("https://github.com/org/repo"));
        assert_eq!(e.code, FindingCode::DomainHasScheme);
        assert_eq!(
            e.to_string(),
            "`https://github.com/org/repo` is a URL; the firewall matches host names, not URLs; write just the host, `github.com` (a leading dot, as in .example.com, also matches every subdomain)"
        );
        let e = err(validate_domain("github.com/org"));
        assert_eq!(e.code, FindingCode::DomainHasPath);
        assert!(e.message.contains("position 11"));
        assert_eq!(e.fix, "write just the host, `github.com`");
        let e = err(validate_domain("*.github.com"));
        assert_eq!(e.code, FindingCode::DomainHasWildcard);
        assert_eq!(
            e.fix,
            "write `.github.com`: a leading dot already matches github.com and every subdomain"
        );
        assert_eq!(
            err(validate_domain("git*.com")).code,
            FindingCode::DomainHasWildcard
        );
        let e = err(validate_domain("pypi.org:443"));
        assert_eq!(e.code, FindingCode::DomainHasPort);
        assert_eq!(e.fix, "write just the host, `pypi.org`");
    }

    #[test]
    fn domain_characters_and_labels() {
        let e = err(validate_domain("PyPI.org"));
        assert_eq!(e.code, FindingCode::DomainUppercase);
        assert_eq!(e.fix, "use `pypi.org`");
        let e = err(validate_domain("py_pi.org"));
        assert_eq!(e.code, FindingCode::DomainBadChar);
        assert!(e.message.contains("`_` at position 3"));
        assert_eq!(
            err(validate_domain("a.com b.com")).fix,
            "put one domain per entry"
        );
        assert_eq!(err(validate_domain("")).code, FindingCode::DomainEmpty);
        assert_eq!(
            err(validate_domain("pypi.org.")).code,
            FindingCode::DomainTrailingDot
        );
        let e = err(validate_domain("..pypi.org"));
        assert_eq!(e.code, FindingCode::DomainEmptyLabel);
        assert!(e.message.ends_with("position 2"));
        assert_eq!(
            err(validate_domain("a..b")).code,
            FindingCode::DomainEmptyLabel
        );
        assert_eq!(
            err(validate_domain("-a.com")).code,
            FindingCode::DomainLabelHyphen
        );
        assert_eq!(
            err(validate_domain(&format!("{}.com", "a".repeat(64)))).code,
            FindingCode::DomainLabelTooLong
        );
        let long = format!("{}com", "abcdefghi.".repeat(26));
        assert_eq!(err(validate_domain(&long)).code, FindingCode::DomainTooLong);
        assert_eq!(
            err(validate_domain("10.0.0.1")).code,
            FindingCode::DomainIpAddress
        );
        let e = err(validate_domain(".com"));
        assert_eq!(e.code, FindingCode::DomainSingleLabel);
        assert_eq!(
            err(validate_domain("localhost")).code,
            FindingCode::DomainSingleLabel
        );
        assert_eq!(
            err(validate_domain(".")).code,
            FindingCode::DomainEmptyLabel
        );
    }

    #[test]
    fn domain_matching_follows_network_firewall() {
        assert!(domain_matches(".example.com", "example.com"));
        assert!(domain_matches(".example.com", "a.b.example.com"));
        assert!(!domain_matches(".example.com", "badexample.com"));
        assert!(domain_matches("example.com", "example.com"));
        assert!(!domain_matches("example.com", "www.example.com"));
    }

    #[test]
    fn domain_list_findings() {
        let mut p = ParamsDraft::default();
        p.allowed_domains.clear();
        assert!(
            p.validate(1)
                .iter()
                .any(|f| f.code == FindingCode::DomainListEmpty && f.is_error())
        );
        p.allowed_domains = vec![
            ".pypi.org".into(),
            ".pypi.org".into(),
            "www.pypi.org".into(),
        ];
        let codes: Vec<_> = p.validate(1).iter().map(|f| f.code).collect();
        assert!(codes.contains(&FindingCode::DomainDuplicate));
        assert!(codes.contains(&FindingCode::DomainRedundant));
        assert!(codes.contains(&FindingCode::DomainAmazonawsMissing));
        p.allowed_domains = vec!["iam.amazonaws.com".into()];
        assert!(
            !p.validate(1)
                .iter()
                .any(|f| f.code == FindingCode::DomainAmazonawsMissing)
        );
        assert_eq!(
            parse_domain_list(" a.com,,b.com  c.com\n"),
            ["a.com", "b.com", "c.com"]
        );
    }
}
