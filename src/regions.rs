//! AWS regions studio-tui knows, for the region picker and for catching typos early.
//!
//! The SDK has no public list of regions, and a mistyped region only fails later with a DNS
//! error, so studio-tui keeps this list and suggests the closest name for an unknown one. The
//! list is not a gate: AWS opens regions faster than it is updated, so a well-formed region it
//! does not know is used with a warning ([`unlisted_warning`]); only a name that cannot be a
//! region at all is refused.

/// Commercial regions where both SageMaker Studio and AWS Network Firewall are offered
/// (checked against the AWS regional services list; keep sorted).
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

/// Is this a region name studio-tui knows?
pub fn is_known(region: &str) -> bool {
    REGIONS.binary_search(&region).is_ok()
}

/// Does it at least look like a region name (`xx-name-N`, also `eusc-de-east-1`)? Anything else
/// is refused before any call: it cannot be a region (and would only fail later as a DNS error).
pub fn looks_like_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[0].len() >= 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The known region closest to `region` by edit distance, if any is reasonably close.
pub fn closest(region: &str) -> Option<&'static str> {
    REGIONS
        .iter()
        .map(|r| (edit_distance(region, r), *r))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

/// The warning for a region this list does not know, with the closest known name when it may be a
/// typo; None for a listed region. Shown by every front-end; the region is still used.
pub fn unlisted_warning(region: &str) -> Option<String> {
    if is_known(region) {
        return None;
    }
    let typo = closest(region)
        .map(|near| format!("; if that is a typo, did you mean --region {near}?"))
        .unwrap_or_default();
    Some(format!(
        "region {region} is not in studio-tui's list of regions known to offer both SageMaker \
         Studio and AWS Network Firewall (the list may be older than the region){typo}"
    ))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_for_binary_search() {
        let mut sorted = REGIONS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, REGIONS);
    }

    #[test]
    fn typos_get_a_suggestion() {
        assert!(is_known("eu-west-1"));
        assert!(!is_known("us-est-1"));
        assert_eq!(closest("us-est-1"), Some("us-east-1"));
        assert_eq!(closest("eu-wset-1"), Some("eu-west-1"));
        assert_eq!(closest("mars-north-9"), None);
    }

    #[test]
    fn unlisted_regions_get_a_warning_not_a_refusal() {
        assert_eq!(unlisted_warning("eu-west-1"), None);
        let w = unlisted_warning("ap-southeast-7").unwrap();
        assert!(
            w.contains("ap-southeast-7") && w.contains("not in studio-tui's list"),
            "{w}"
        );
        let w = unlisted_warning("eu-wset-1").unwrap();
        assert!(w.contains("did you mean --region eu-west-1?"), "{w}");
        let w = unlisted_warning("mars-north-9").unwrap();
        assert!(!w.contains("did you mean"), "{w}");
    }

    #[test]
    fn region_shape() {
        assert!(looks_like_region("eusc-de-east-1"));
        assert!(looks_like_region("ap-southeast-7"));
        assert!(looks_like_region("us-east-1"));
        assert!(looks_like_region("us-gov-west-1"));
        assert!(!looks_like_region("useast1"));
        assert!(!looks_like_region("us-east-"));
        assert!(!looks_like_region("US-EAST-1"));
    }
}
