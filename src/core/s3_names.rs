//! Which Amazon S3 host names an allow-list entry admits through the firewall. A leaf of
//! `core`: the parameter rules (`params`) and the egress views (`egress`) both ask it.

/// Where an allow-list entry lets Amazon S3 through the firewall. Only S3 in the stack's own
/// region goes through the S3 gateway endpoint (its route is the region's S3 prefix list) and so
/// through the endpoint policy; S3 in any other region, the global and accelerated endpoints all
/// leave through the NAT gateway and the firewall, where an entry that matches them lets a
/// notebook copy the fenced data to any bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Reach {
    /// S3 in every region (e.g. `.amazonaws.com`).
    AllRegions,
    /// S3 endpoints of one region (e.g. `s3.eu-west-1.amazonaws.com`).
    Region(String),
    /// An S3 name tied to no region's gateway endpoint (`s3-accelerate`, the legacy global name).
    Global,
}

/// A region name as S3 host names carry it: `us-east-1`, `eu-central-2`, `us-gov-west-1` (a
/// two-letter first part, so the dash form `s3-website-us-east-1` is not read as the region
/// `website-us-east-1`).
fn is_region_label(label: &str) -> bool {
    label.split('-').next().is_some_and(|p| p.len() == 2)
        && crate::regions::looks_like_region(label)
}

/// The region an S3 host's labels (left of `amazonaws.com`) name: the label after the `s3…`
/// one (`s3.eu-west-1`, `s3.dualstack.eu-west-1`, `s3-accesspoint.eu-west-1`) or the legacy
/// dash form (`s3-eu-west-1`, `s3-website-eu-west-1`).
fn s3_region(labels: &[&str]) -> S3Reach {
    if let Some(r) = labels.iter().find(|l| is_region_label(l)) {
        return S3Reach::Region((*r).to_string());
    }
    for l in labels.iter().filter(|l| l.starts_with("s3")) {
        for (i, _) in l.match_indices('-') {
            if is_region_label(&l[i + 1..]) {
                return S3Reach::Region(l[i + 1..].to_string());
            }
        }
    }
    S3Reach::Global
}

/// What `entry` (an allow-list entry, `.` prefix = the domain and its subdomains) admits of S3.
pub fn s3_reach(entry: &str) -> Option<S3Reach> {
    let e = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    let (wildcard, base) = match e.strip_prefix('.') {
        Some(b) => (true, b),
        None => (false, e.as_str()),
    };
    const AWS: &str = "amazonaws.com";
    if wildcard && (base == AWS || AWS.ends_with(&format!(".{base}"))) {
        return Some(S3Reach::AllRegions);
    }
    let rest = base.strip_suffix(AWS)?.strip_suffix('.')?;
    let labels: Vec<&str> = rest.split('.').collect();
    if labels.iter().any(|l| l.starts_with("s3")) {
        return Some(s3_region(&labels));
    }
    // `.eu-west-1.amazonaws.com` or `.dualstack.eu-west-1.amazonaws.com` also match
    // `s3.eu-west-1.amazonaws.com` / `s3.dualstack.eu-west-1.amazonaws.com`.
    match labels.as_slice() {
        [r] | ["dualstack", r] if wildcard && is_region_label(r) => {
            Some(S3Reach::Region((*r).to_string()))
        }
        _ => None,
    }
}

/// Why `entry` carries S3 traffic around the gateway endpoint of `region` (`None`: the region
/// is not known, so any S3 name counts), as a sentence naming an S3 host it admits.
pub fn s3_bypass(entry: &str, region: Option<&str>) -> Option<String> {
    let example = match s3_reach(entry)? {
        S3Reach::AllRegions => {
            let other = if region == Some("eu-west-1") {
                "us-west-2"
            } else {
                "eu-west-1"
            };
            format!("S3 in every region, e.g. s3.{other}.amazonaws.com")
        }
        S3Reach::Region(r) if Some(r.as_str()) == region => return None,
        S3Reach::Region(r) => format!("S3 in {r} (s3.{r}.amazonaws.com)"),
        S3Reach::Global => "S3 endpoints outside any region's gateway endpoint \
                            (s3.amazonaws.com, s3-accelerate.amazonaws.com)"
            .to_string(),
    };
    Some(format!(
        "`{entry}` admits {example} through the firewall: only S3 in the stack's own region \
         goes through the S3 gateway endpoint and its policy, so a notebook could copy the \
         fenced data to a bucket there"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_that_admit_s3_outside_the_gateway_endpoint() {
        use S3Reach::*;
        let r = |s: &str| s3_reach(s);
        assert_eq!(r(".amazonaws.com"), Some(AllRegions));
        assert_eq!(r(".com"), Some(AllRegions));
        assert_eq!(r("iam.amazonaws.com"), None);
        assert_eq!(r(".pypi.org"), None);
        assert_eq!(r(".sagemaker.us-east-1.amazonaws.com"), None);
        assert_eq!(r("sts.eu-west-1.amazonaws.com"), None);
        assert_eq!(r(".s3.amazonaws.com"), Some(Global));
        assert_eq!(r("s3.amazonaws.com"), Some(Global));
        assert_eq!(r("bucket.s3-accelerate.amazonaws.com"), Some(Global));
        assert_eq!(
            r(".s3.eu-west-1.amazonaws.com"),
            Some(Region("eu-west-1".into()))
        );
        assert_eq!(
            r("s3.dualstack.eu-west-1.amazonaws.com"),
            Some(Region("eu-west-1".into()))
        );
        assert_eq!(
            r("x.s3-eu-west-1.amazonaws.com"),
            Some(Region("eu-west-1".into()))
        );
        assert_eq!(
            r("s3-website-us-gov-west-1.amazonaws.com"),
            Some(Region("us-gov-west-1".into()))
        );
        assert_eq!(
            r(".eu-west-1.amazonaws.com"),
            Some(Region("eu-west-1".into()))
        );
        assert_eq!(
            r(".dualstack.eu-west-1.amazonaws.com"),
            Some(Region("eu-west-1".into()))
        );
        // an exact regional name that is not S3
        assert_eq!(r("eu-west-1.amazonaws.com"), None);

        assert!(
            s3_bypass(".amazonaws.com", Some("us-east-1"))
                .unwrap()
                .contains("every region")
        );
        assert!(s3_bypass(".amazonaws.com", None).is_some());
        assert_eq!(
            s3_bypass("s3.us-east-1.amazonaws.com", Some("us-east-1")),
            None
        );
        assert!(
            s3_bypass("s3.us-east-1.amazonaws.com", Some("eu-west-1"))
                .unwrap()
                .contains("S3 in us-east-1")
        );
        assert!(s3_bypass("s3.us-east-1.amazonaws.com", None).is_some());
        assert_eq!(s3_bypass("iam.amazonaws.com", None), None);
    }
}
