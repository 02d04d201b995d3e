//! Emptying a versioned bucket so that it always ends: every object version and delete marker
//! is deleted with its version id, the literal `null` included, a round that finds again what
//! the previous round deleted stops instead of looping, and a bucket that something keeps
//! writing to stops after a bounded number of passes ([`Passes`]).
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

/// Does a DELETE_FAILED reason of an `AWS::S3::Bucket` say the bucket was not empty? S3's
/// answer, as CloudFormation quotes it: "The bucket you tried to delete is not empty (Service:
/// Amazon S3; Status Code: 409; Error Code: BucketNotEmpty; …)", or wrapped by the registry
/// handler ("Resource handler returned message: \"The bucket you tried to delete is not empty
/// (Service: S3, Status Code: 409, …)\"").
pub fn says_not_empty(reason: &str) -> bool {
    reason.contains("BucketNotEmpty") || reason.contains("you tried to delete is not empty")
}

/// Counts the passes of an emptying. Each round lists the bucket from its start (one page of up
/// to 1000 entries) and deletes what it lists. A listing that is not truncated saw the whole
/// bucket as it was then: once it is deleted, the bucket is empty unless something wrote to it
/// meanwhile. So a complete listing that still finds entries is one *pass*; a writer (an app
/// saving notebooks, a pipeline in the VPC) makes every pass find new ones, and the emptying
/// stops after `allowed` such passes instead of chasing it.
///
/// Truncated listings are a large bucket being worked through (every round deletes a full
/// page), but also what a writer that adds a page per round looks like: the listing never comes
/// back complete. So every listing counts as a round, and the emptying stops after
/// [`MAX_ROUNDS`] rounds whatever the listings said. A truncated listing with no entry makes no
/// progress (listing again from the start finds the same): it stops at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passes {
    allowed: u32,
    done: u32,
    rounds: u32,
}

/// The listings an emptying makes at most: 1000 entries a round, ten million object versions
/// and delete markers in one run (a run that stops there can be started again).
pub const MAX_ROUNDS: u32 = 10_000;

/// What to do after a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The bucket listed empty.
    Done,
    /// Delete what was listed, then list again.
    Delete,
    /// `allowed` complete passes found entries already and this one finds more: something is
    /// still writing; stop here.
    StillWritten,
    /// [`MAX_ROUNDS`] listings were made and the bucket still lists entries: stop here.
    TooManyRounds,
    /// S3 says more entries follow but listed none: another listing from the start would find
    /// the same, so stop here.
    NoProgress,
}

impl Passes {
    /// At most `allowed` passes that find entries (at least one), and [`MAX_ROUNDS`] listings.
    pub fn new(allowed: u32) -> Passes {
        Passes {
            allowed: allowed.max(1),
            done: 0,
            rounds: 0,
        }
    }

    /// After a listing of `entries` entries, `truncated` when more pages follow.
    pub fn after_listing(&mut self, entries: usize, truncated: bool) -> Next {
        if entries == 0 {
            return if truncated {
                Next::NoProgress
            } else {
                Next::Done
            };
        }
        if self.rounds >= MAX_ROUNDS {
            return Next::TooManyRounds;
        }
        self.rounds += 1;
        if !truncated {
            if self.done >= self.allowed {
                return Next::StillWritten;
            }
            self.done += 1;
        }
        Next::Delete
    }

    /// The complete passes that found entries so far.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// The listings that found entries to delete so far.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_that_was_not_empty_is_told_from_other_failures() {
        assert!(says_not_empty(
            "The bucket you tried to delete is not empty (Service: Amazon S3; Status Code: 409; \
             Error Code: BucketNotEmpty; Request ID: 13B5WKE8TCT9VS8K)"
        ));
        assert!(says_not_empty(
            "Resource handler returned message: \"The bucket you tried to delete is not empty \
             (Service: S3, Status Code: 409, Request ID: X)\" (RequestToken: t, HandlerErrorCode: \
             GeneralServiceException)"
        ));
        assert!(says_not_empty("Error Code: BucketNotEmpty"));
        assert!(!says_not_empty(
            "Access Denied (Service: S3, Status Code: 403)"
        ));
        assert!(!says_not_empty(""));
    }

    #[test]
    fn a_quiet_bucket_empties_in_one_pass() {
        let mut p = Passes::new(1);
        // a large bucket: full pages first, never counted
        for _ in 0..50 {
            assert_eq!(p.after_listing(1000, true), Next::Delete);
        }
        assert_eq!(p.done(), 0);
        assert_eq!(p.after_listing(17, false), Next::Delete);
        assert_eq!(p.done(), 1);
        assert_eq!(p.after_listing(0, false), Next::Done);
        assert_eq!(p.rounds(), 51);
    }

    #[test]
    fn a_listing_that_stays_truncated_is_bounded() {
        // A writer that adds a full page per round: every listing is truncated, none is a
        // complete pass, and the rounds end it.
        let mut p = Passes::new(3);
        for round in 1..=MAX_ROUNDS {
            assert_eq!(p.after_listing(1000, true), Next::Delete, "round {round}");
            assert_eq!(p.rounds(), round);
        }
        assert_eq!(p.after_listing(1000, true), Next::TooManyRounds);
        assert_eq!(p.after_listing(3, false), Next::TooManyRounds);
        assert_eq!(p.rounds(), MAX_ROUNDS);
        assert_eq!(p.done(), 0);
        // The bucket listed empty at the bound still ends well.
        assert_eq!(p.after_listing(0, false), Next::Done);
        // Complete passes count as rounds too.
        let mut q = Passes::new(u32::MAX);
        for _ in 0..MAX_ROUNDS {
            assert_eq!(q.after_listing(1, false), Next::Delete);
        }
        assert_eq!(q.after_listing(1, false), Next::TooManyRounds);
        assert_eq!(q.done(), MAX_ROUNDS);
    }

    #[test]
    fn a_truncated_listing_with_nothing_in_it_stops() {
        let mut p = Passes::new(3);
        assert_eq!(p.after_listing(0, true), Next::NoProgress);
        assert_eq!(p.rounds(), 0);
        assert_eq!(p.after_listing(1000, true), Next::Delete);
        assert_eq!(p.after_listing(0, true), Next::NoProgress);
    }

    #[test]
    fn a_writer_is_chased_a_bounded_number_of_passes() {
        let mut p = Passes::new(3);
        for n in 1..=3 {
            assert_eq!(p.after_listing(2, false), Next::Delete, "pass {n}");
            assert_eq!(p.done(), n);
        }
        assert_eq!(p.after_listing(1, false), Next::StillWritten);
        assert_eq!(p.done(), 3);
        // one pass at least, even when asked for none
        let mut none = Passes::new(0);
        assert_eq!(none.after_listing(1, false), Next::Delete);
        assert_eq!(none.after_listing(1, false), Next::StillWritten);
        // a truncated listing after the bound is still progress through a large bucket
        assert_eq!(none.after_listing(1000, true), Next::Delete);
    }

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
