//! Bearer values taken out of log records before they reach the log file. At `-vvv` (or with
//! `STUDIO_TUI_LOG=trace`) the AWS SDK logs signed requests and whole responses: a presigned
//! Studio sign-in URL (anyone who has it can open Studio until it expires), the session token,
//! the access key id and the request signatures. Whatever the level, these are replaced by
//! `<redacted>`; the rest of the record (which call, which status, how long) is kept.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// What replaces a bearer value.
pub const REDACTED: &str = "<redacted>";

/// The patterns, compiled once: (pattern, replacement).
fn rules() -> &'static [(Regex, &'static str)] {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        [
            // A presigned sign-in URL, whole: `"AuthorizedUrl":"https://…"` and the field as
            // the SDK's Debug prints it (`authorized_url: Some("https://…")`).
            (
                r#"(?i)(authorized_?url\W{1,12})(https?://[^\s"'\\)]+)"#,
                "${1}<redacted>",
            ),
            // Query parameters that are credentials (presigned URLs, SigV4 query signing).
            (
                r"(?i)([?&](?:authtoken|x-amz-signature|x-amz-credential|x-amz-security-token|token)=)[^&\s\x22'\\]+",
                "${1}<redacted>",
            ),
            // SigV4 Authorization header parts.
            (r"(Credential=)[^,\s\x22'\\]+", "${1}<redacted>"),
            (r"(Signature=)[0-9a-fA-F]+", "${1}<redacted>"),
            // Session tokens and secret keys, as headers, JSON/XML fields or Debug fields.
            (
                r#"(?i)(x-amz-security-token|session_?token|secret_?access_?key)(["']?\s*(?:[:=]|=>)\s*(?:Some\()?["']?)[^\s"',)<]+"#,
                "${1}${2}<redacted>",
            ),
            (
                r"(?i)(<(?:SessionToken|SecretAccessKey)>)[^<]+",
                "${1}<redacted>",
            ),
            // Access key ids of real credentials (long-term AKIA…, temporary ASIA…).
            (r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", "<redacted access key id>"),
        ]
        .into_iter()
        .filter_map(|(p, r)| Regex::new(p).ok().map(|re| (re, r)))
        .collect()
    })
}

/// `record` with every bearer value replaced.
pub fn redact(record: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(record);
    for (re, with) in rules() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *with).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        assert_eq!(rules().len(), 7);
    }

    #[test]
    fn sign_in_urls_tokens_and_keys_are_redacted() {
        let url = "https://d-abc.studio.us-east-1.sagemaker.aws/auth?token=eyJhbGciOi.secret";
        let body = format!(r#"response body: {{"AuthorizedUrl":"{url}"}}"#);
        let out = redact(&body);
        assert!(!out.contains("eyJhbGciOi"), "{out}");
        assert!(out.contains(r#""AuthorizedUrl":"<redacted>""#), "{out}");
        let dbg = format!(r#"CreatePresignedDomainUrlOutput {{ authorized_url: Some("{url}") }}"#);
        assert!(!redact(&dbg).contains("secret"), "{}", redact(&dbg));
        let bare = format!("opening {url}&x=1");
        assert!(!redact(&bare).contains("eyJ"), "{}", redact(&bare));

        let auth = "authorization: AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20261207/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";
        let out = redact(auth);
        assert!(
            !out.contains("AKIAABCDEFGHIJKLMNOP") && !out.contains("0123abcd"),
            "{out}"
        );
        assert!(
            out.contains("SignedHeaders=host"),
            "the rest is kept: {out}"
        );

        for token in [
            "x-amz-security-token: FwoGZXIvYXdzEJr",
            r#""SessionToken": "FwoGZXIvYXdzEJr""#,
            "session_token: Some(\"FwoGZXIvYXdzEJr\")",
            "<SessionToken>FwoGZXIvYXdzEJr</SessionToken>",
            "secret_access_key=FwoGZXIvYXdzEJr",
        ] {
            let out = redact(token);
            assert!(!out.contains("FwoGZXIvYXdzEJr"), "{token} -> {out}");
            assert!(out.contains(REDACTED), "{out}");
        }
        assert_eq!(
            redact("key ASIAABCDEFGHIJKLMNOP used"),
            "key <redacted access key id> used"
        );
        let plain = "DescribeStacks status=200 took 12ms";
        assert!(matches!(redact(plain), Cow::Borrowed(_)));
    }
}
