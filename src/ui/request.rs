//! Requests and their replies. Every [`Effect`] the app starts gets a [`RequestId`]; the loop
//! echoes it on every progress message and on the result ([`Action::Reply`]), and the app
//! applies a reply only while its request still matters: a newer request of the same kind from
//! the same screen supersedes it, and leaving a screen drops what it was waiting for.
//!
//! [`Action::Reply`]: crate::ui::action::Action::Reply

use crate::ui::action::{Effect, Reply, RequestId, Slot};

/// An effect to start, with the id its replies must carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: RequestId,
    pub effect: Effect,
}

/// Effects compare with their request's effect, so a test can say what was asked for without
/// spelling out ids.
impl PartialEq<Effect> for Request {
    fn eq(&self, other: &Effect) -> bool {
        &self.effect == other
    }
}

/// A request still waiting for its result, made on behalf of an `O` (the app's screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending<O> {
    pub id: RequestId,
    pub slot: Slot,
    /// The screen that was showing when the request was made (the one that wants the reply).
    pub owner: O,
}

/// The requests whose replies the app still wants, each owned by an `O`.
#[derive(Debug)]
pub struct Requests<O> {
    next: u64,
    pending: Vec<Pending<O>>,
}

impl<O> Default for Requests<O> {
    fn default() -> Self {
        Requests {
            next: 0,
            pending: Vec::new(),
        }
    }
}

impl<O: Copy + PartialEq + std::fmt::Debug> Requests<O> {
    /// Give `effect` an id on behalf of `owner`, superseding the older request of its kind.
    pub fn issue(&mut self, owner: O, effect: Effect) -> Request {
        self.next += 1;
        let id = RequestId(self.next);
        let slot = effect.slot();
        if slot.supersedes() {
            self.pending
                .retain(|p| !(p.slot == slot && p.owner == owner));
        }
        self.pending.push(Pending { id, slot, owner });
        Request { id, effect }
    }

    /// The request a reply answers, if it still matters and the reply fits it; a final reply
    /// (a result, not progress) ends the request.
    pub fn accept(&mut self, id: RequestId, reply: &Reply) -> Option<Pending<O>> {
        let at = self.pending.iter().position(|p| p.id == id)?;
        let pending = self.pending[at];
        if !reply.slots().contains(&pending.slot) {
            tracing::warn!(
                ?pending,
                "a reply of another kind than its request; dropped"
            );
            return None;
        }
        if reply.is_final() {
            self.pending.remove(at);
        }
        Some(pending)
    }

    /// Forget what the screens not in `keep` were waiting for (they were left).
    pub fn drop_unless_owned_by(&mut self, keep: &[O]) {
        self.pending.retain(|p| keep.contains(&p.owner));
    }

    /// Forget every request of this kind (what they would update was replaced).
    pub fn cancel(&mut self, slot: Slot) {
        self.pending.retain(|p| p.slot != slot);
    }

    /// The newest request still waiting among these kinds (tests answer it).
    pub fn newest(&self, slots: &[Slot]) -> Option<RequestId> {
        self.pending
            .iter()
            .rev()
            .find(|p| slots.contains(&p.slot))
            .map(|p| p.id)
    }

    pub fn pending(&self) -> &[Pending<O>] {
        &self.pending
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::aws::stacks::{ChangeSetInfo, ChangeSetKind, StackInfo};
    use crate::core::params::ParamsDraft;
    use crate::ops::deploy::{Recovery, Review};
    use crate::ui::app::Step;

    fn stack() -> StackInfo {
        StackInfo {
            stack_name: "p".into(),
            stack_id: "arn:aws:cloudformation:eu-west-1:1:stack/p/1".into(),
            status: "ROLLBACK_FAILED".into(),
            status_reason: None,
            outputs: Default::default(),
            parameters: Default::default(),
            creation_time: None,
            last_updated_time: None,
        }
    }

    fn review() -> Review {
        Review {
            stack_name: "p".into(),
            kind: ChangeSetKind::Create,
            change_set: ChangeSetInfo {
                change_set_id: "cs".into(),
                stack_id: "arn:aws:cloudformation:eu-west-1:1:stack/p/1".into(),
                status: "CREATE_COMPLETE".into(),
                status_reason: None,
                execution_status: Some("AVAILABLE".into()),
                changes: vec![],
            },
            token: "t".into(),
            validation: vec![],
            validation_unread: None,
        }
    }

    /// One effect of every kind (the match makes a new kind fail to compile until listed).
    pub(crate) fn one_of_each() -> Vec<Effect> {
        let review = review();
        let all = vec![
            Effect::Connect {
                profile: None,
                region: Some("eu-west-1".into()),
            },
            Effect::LookupStack("p".into()),
            Effect::Plan {
                params: ParamsDraft::default().parse(0).unwrap(),
                users: vec![],
                basis: None,
            },
            Effect::Execute {
                review: review.clone(),
                studio: plan(),
            },
            Effect::Cancel(review),
            Effect::Recover {
                stack: stack(),
                recovery: Recovery::ContinueRollback,
            },
            Effect::Reattach {
                stack: stack(),
                studio: plan(),
            },
            Effect::RunPreflight(Box::new(crate::ops::preflight::PreflightInput {
                parameters: ParamsDraft::default(),
                users: 1,
                all_regions: false,
            })),
            Effect::SetUpStudio {
                project: "p".into(),
                users: vec![],
                guardrails: Default::default(),
            },
            Effect::LoadUsers {
                project: "p".into(),
            },
            Effect::AddUsers {
                domain_id: "d".into(),
                names: vec!["a".into()],
            },
            Effect::RemoveUsers {
                domain_id: "d".into(),
                names: vec!["a".into()],
            },
            Effect::SignInUrl {
                domain_id: "d".into(),
                user: "a".into(),
            },
            Effect::PlanTeardown {
                project: "p".into(),
                stack_name: "p".into(),
            },
            Effect::Teardown {
                project: "p".into(),
                stack_name: "p".into(),
                choice: crate::ops::destroy::BucketChoice::Unspecified,
            },
            Effect::LoadBlocked {
                project: "p".into(),
                since_ms: 0,
            },
            Effect::CheckFlow {
                project: "p".into(),
                flow: crate::core::firewall::Flow::parse("pypi.org", None).unwrap(),
            },
            Effect::DetectDrift {
                project: "p".into(),
            },
            Effect::RefreshTopology {
                project: "p".into(),
            },
            Effect::RepairFences {
                project: "p".into(),
            },
            Effect::EstimateCost {
                create: true,
                changes: Vec::new(),
            },
            Effect::ScanLeftovers {
                stack: Box::new(crate::aws::stacks::StackInfo {
                    stack_id: "s".into(),
                    stack_name: "p".into(),
                    status: "CREATE_COMPLETE".to_string().into(),
                    status_reason: None,
                    outputs: Default::default(),
                    parameters: Default::default(),
                    creation_time: None,
                    last_updated_time: None,
                }),
                domain_arn: None,
            },
            Effect::PriceInstanceTypes(vec!["ml.t3.medium".into()]),
            Effect::LoadCostNow { domain_id: None },
            Effect::PriceApps {
                domain_id: "d".into(),
            },
        ];
        for e in &all {
            // Exhaustive: a new effect kind must be added to the list above.
            match e {
                Effect::Connect { .. }
                | Effect::LookupStack(_)
                | Effect::Plan { .. }
                | Effect::Execute { .. }
                | Effect::Cancel(_)
                | Effect::Recover { .. }
                | Effect::Reattach { .. }
                | Effect::RunPreflight(_)
                | Effect::SetUpStudio { .. }
                | Effect::LoadUsers { .. }
                | Effect::AddUsers { .. }
                | Effect::RemoveUsers { .. }
                | Effect::SignInUrl { .. }
                | Effect::PlanTeardown { .. }
                | Effect::Teardown { .. }
                | Effect::LoadBlocked { .. }
                | Effect::CheckFlow { .. }
                | Effect::DetectDrift { .. }
                | Effect::RefreshTopology { .. }
                | Effect::RepairFences { .. }
                | Effect::EstimateCost { .. }
                | Effect::ScanLeftovers { .. }
                | Effect::PriceInstanceTypes(_)
                | Effect::LoadCostNow { .. }
                | Effect::PriceApps { .. } => {}
            }
        }
        all
    }

    fn plan() -> crate::ops::up::StudioPlan {
        crate::ops::up::StudioPlan {
            project: "p".into(),
            users: vec!["a".into()],
            guardrails: Default::default(),
        }
    }

    fn failed() -> Box<Result<(), crate::ops::Error>> {
        Box::new(Err(crate::ops::Error::failed("op", "x")))
    }

    #[test]
    fn a_newer_request_of_the_same_kind_supersedes_the_older() {
        let mut r = Requests::default();
        let load = Effect::LookupStack("p".into());
        let old = r.issue(Step::Overview, load.clone()).id;
        let new = r.issue(Step::Overview, load.clone()).id;
        assert_ne!(old, new);
        let reply = || Reply::StackFound(Box::new(Ok(None)));
        assert_eq!(
            r.accept(old, &reply()),
            None,
            "the superseded reply is dropped"
        );
        assert!(r.accept(new, &reply()).is_some());
        assert_eq!(r.accept(new, &reply()), None, "a result ends its request");
        // Another screen's request of the same kind is not superseded.
        let a = r.issue(Step::Overview, load.clone()).id;
        let b = r.issue(Step::Session, load).id;
        assert!(r.accept(a, &reply()).is_some());
        assert!(r.accept(b, &reply()).is_some());
    }

    #[test]
    fn user_changes_run_side_by_side_and_progress_does_not_end_a_request() {
        let mut r = Requests::default();
        let add = r
            .issue(
                Step::Users,
                Effect::AddUsers {
                    domain_id: "d".into(),
                    names: vec!["a".into()],
                },
            )
            .id;
        let remove = r
            .issue(
                Step::Users,
                Effect::RemoveUsers {
                    domain_id: "d".into(),
                    names: vec!["b".into()],
                },
            )
            .id;
        let progress = Reply::Studio(crate::ops::studio::StudioMsg::Step { text: "x".into() });
        assert!(r.accept(add, &progress).is_some());
        assert!(r.accept(add, &progress).is_some());
        assert!(
            r.accept(add, &Reply::UsersDone(Box::new(Ok(vec![]))))
                .is_some()
        );
        assert!(
            r.accept(remove, &Reply::UsersDone(Box::new(Ok(vec![]))))
                .is_some()
        );
    }

    #[test]
    fn leaving_a_screen_drops_its_requests_and_a_mismatched_reply_is_refused() {
        let mut r = Requests::default();
        let studio = r
            .issue(
                Step::Domain,
                Effect::SetUpStudio {
                    project: "p".into(),
                    users: vec![],
                    guardrails: Default::default(),
                },
            )
            .id;
        let users = r
            .issue(
                Step::Users,
                Effect::LoadUsers {
                    project: "p".into(),
                },
            )
            .id;
        // A result of another kind than asked for is not taken for it.
        assert_eq!(r.accept(studio, &Reply::Cancelled(failed())), None);
        r.drop_unless_owned_by(&[Step::Users]);
        assert_eq!(r.accept(studio, &Reply::StudioDone(failed())), None);
        assert!(r.newest(&[Slot::LoadUsers]) == Some(users));
    }
}
