//! Emptying a versioned bucket so that it always ends: every object version and delete marker
//! is deleted with its version id, the literal `null` included, and a pass that finds again what
//! the previous pass deleted stops instead of looping.
//!
//! S3 user guide, "Deleting objects from versioning-suspended buckets": a DELETE without a
//! version id "can only remove an object whose version ID is null" and "inserts a delete marker"
//! (with a null version id) in its place; in a versioning-enabled bucket it only adds a delete
//! marker ("Deleting object versions from a versioning-enabled bucket"). Without the version id
//! an emptying loop replaces one entry with another at every pass and never ends.

use std::collections::HashSet;

/// One entry of a ListObjectVersions page: an object version or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Listed {
    pub key: String,
    /// As S3 listed it; `null` for what was written while versioning was off or suspended.
    pub version_id: String,
}

impl Listed {
    /// A listed entry; an entry listed without a version id is the null version.
    pub fn new(key: &str, version_id: Option<&str>) -> Self {
        Listed {
            key: key.to_string(),
            version_id: version_id
                .filter(|v| !v.is_empty())
                .unwrap_or("null")
                .to_string(),
        }
    }
}

/// The first entry of `page` that the previous pass already deleted: S3 kept it, so another
/// pass would not make progress either. None: the pass may go on.
pub fn listed_again<'a>(previous: &[Listed], page: &'a [Listed]) -> Option<&'a Listed> {
    let deleted: HashSet<&Listed> = previous.iter().collect();
    page.iter().find(|l| deleted.contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_null_version_is_named_null() {
        assert_eq!(Listed::new("a", Some("null")).version_id, "null");
        assert_eq!(Listed::new("a", None).version_id, "null");
        assert_eq!(Listed::new("a", Some("")).version_id, "null");
        assert_eq!(
            Listed::new("a", Some("3HL4kqtJlcpXroDTDmJ")),
            Listed {
                key: "a".into(),
                version_id: "3HL4kqtJlcpXroDTDmJ".into()
            }
        );
    }

    #[test]
    fn a_pass_that_lists_what_it_deleted_stops() {
        let first = vec![Listed::new("a", Some("null")), Listed::new("b", Some("v1"))];
        let progress = vec![Listed::new("c", Some("v2"))];
        assert_eq!(listed_again(&first, &progress), None);
        assert_eq!(listed_again(&[], &first), None);
        // the same key with another version id (a new marker) is not the same entry
        assert_eq!(listed_again(&first, &[Listed::new("b", Some("v9"))]), None);
        let stuck = vec![Listed::new("c", Some("v2")), Listed::new("a", Some("null"))];
        assert_eq!(
            listed_again(&first, &stuck),
            Some(&Listed::new("a", Some("null")))
        );
    }
}
