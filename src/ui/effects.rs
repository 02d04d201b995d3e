//! Runs the app's requests as tokio tasks. Every request goes through [`run`]: its progress
//! messages and its one result reach the app as [`Action::Reply`] with the request's id, and
//! the result is sent only after the last progress message (the forwarder is drained first), so
//! a screen never sees progress after the outcome it belongs to.

use std::future::Future;

use tokio::sync::mpsc;

use super::action::{Action, Effect, Reply, RequestId};
use super::request::Request;
use crate::aws::{self, Session, SessionOptions};
use crate::ops;
use crate::ops::deploy;
use crate::ops::up;
use crate::state::SharedStore;

/// The progress channels of one request. Each channel's messages reach the app in order, as
/// replies with the request's id; a request may open several (a deploy that also creates the
/// Studio domain reports `DeployMsg` and `StudioMsg`).
pub struct Progress {
    id: RequestId,
    tx: mpsc::UnboundedSender<Action>,
    forwarders: Vec<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// A sender for one kind of progress message, `wrap`ped into a reply.
    pub fn channel<M: Send + 'static>(&mut self, wrap: fn(M) -> Reply) -> mpsc::UnboundedSender<M> {
        let (mtx, mut mrx) = mpsc::unbounded_channel::<M>();
        let (id, tx) = (self.id, self.tx.clone());
        self.forwarders.push(tokio::spawn(async move {
            while let Some(m) = mrx.recv().await {
                if tx.send(Action::Reply(id, wrap(m))).is_err() {
                    break;
                }
            }
        }));
        mtx
    }
}

/// Run a request on a task. `work` opens the progress channels it needs and returns the work;
/// when the work is done, every progress message it sent is delivered before its result.
pub fn run<F, Fut>(
    tx: &mpsc::UnboundedSender<Action>,
    id: RequestId,
    work: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnOnce(&mut Progress) -> Fut,
    Fut: Future<Output = Reply> + Send + 'static,
{
    let mut progress = Progress {
        id,
        tx: tx.clone(),
        forwarders: Vec::new(),
    };
    let work = work(&mut progress);
    let tx = tx.clone();
    tokio::spawn(async move {
        let result = work.await;
        // The work and its senders are gone: each forwarder ends after its last message.
        for forwarder in progress.forwarders {
            let _ = forwarder.await;
        }
        let _ = tx.send(Action::Reply(id, result));
    })
}

/// Execute or reattach through `ops::up::run`: a first create builds the Studio half
/// alongside the stack (its result is [`Reply::Overlapped`]), anything else ends as before.
async fn up_reply(
    session: Option<Session>,
    store: &SharedStore,
    start: up::Start,
    studio: &up::StudioPlan,
    dtx: &mpsc::UnboundedSender<crate::ops::deploy::DeployMsg>,
    stx: &crate::ops::studio::Progress,
) -> Reply {
    let Some(s) = session else {
        return Reply::DeployEnded(Box::new(Err(no_session())));
    };
    match up::run(&s, store, start, studio, dtx, stx).await {
        Ok(up::Run::Stack(outcome)) => Reply::DeployEnded(Box::new(Ok(*outcome))),
        Ok(up::Run::Overlapped(ov)) => Reply::Overlapped(ov),
        Err(e) => Reply::DeployEnded(Box::new(Err(e))),
    }
}

/// A request made before the session step connected: nothing is sent.
fn no_session() -> ops::Error {
    ops::Error::refused("not connected to AWS yet")
        .with_fix("pick a profile and region on the session step (Esc back to it), then Enter")
}

/// Start one request. Its result always comes back, even without a session (as an error), so
/// no screen waits forever.
// One arm per effect kind, each a few lines: splitting the dispatch would only scatter it.
#[allow(clippy::too_many_lines)]
pub fn spawn(
    request: Request,
    base: &SessionOptions,
    session: Option<Session>,
    store: &SharedStore,
    tx: &mpsc::UnboundedSender<Action>,
) -> tokio::task::JoinHandle<()> {
    let store = store.clone();
    let id = request.id;
    match request.effect {
        Effect::Connect { profile, region } => {
            let mut opts = base.clone();
            if profile.is_some() {
                opts.profile = profile;
            }
            if region.is_some() {
                opts.region = region;
            }
            run(tx, id, move |_| async move {
                let result = async {
                    let session = aws::connect(&opts).await?;
                    let identity = session.identity().await?;
                    Ok((session, identity))
                }
                .await;
                Reply::Connected(Box::new(result))
            })
        }
        Effect::LookupStack(name) => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => s.describe_stack(&name).await.map_err(ops::Error::from),
                None => Err(no_session()),
            };
            Reply::StackFound(Box::new(result))
        }),
        Effect::RepairFences { project } => run(tx, id, move |_| async move {
            let repaired = match &session {
                Some(s) => crate::ops::fence::restore_open_fences(s, &store, &project).await,
                None => Vec::new(),
            };
            Reply::FencesRepaired(repaired)
        }),
        Effect::Plan {
            params,
            users,
            basis,
        } => run(tx, id, move |p| {
            let dtx = p.channel(Reply::Deploy);
            async move {
                let result = async {
                    let s = session.ok_or_else(no_session)?;
                    // Answers are saved first: nothing typed is lost if planning fails.
                    if let Ok(mut st) = store.lock()
                        && let Err(e) = st.save_answers(&s.region, &params.draft(), &users)
                    {
                        tracing::warn!("cannot save answers: {e}");
                    }
                    // The deploy policy as a user who decides each step runs it.
                    deploy::ask(&s, &store, &params, basis.as_ref(), &dtx).await
                }
                .await;
                Reply::Planned(Box::new(result))
            }
        }),
        Effect::Cancel(review) => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => deploy::cancel(s, &store, &review).await,
                None => Err(no_session()),
            };
            Reply::Cancelled(Box::new(result))
        }),
        Effect::Execute { review, studio } => run(tx, id, move |p| {
            let (dtx, stx) = (p.channel(Reply::Deploy), p.channel(Reply::Studio));
            let start = up::Start::Execute(Box::new(review));
            async move { up_reply(session, &store, start, &studio, &dtx, &stx).await }
        }),
        Effect::Recover { stack, recovery } => run(tx, id, move |p| {
            let dtx = p.channel(Reply::Deploy);
            async move {
                let result = match &session {
                    Some(s) => deploy::recover(s, &store, &stack, recovery, &dtx).await,
                    None => Err(no_session()),
                };
                Reply::DeployEnded(Box::new(result))
            }
        }),
        Effect::Reattach { stack, studio } => run(tx, id, move |p| {
            let (dtx, stx) = (p.channel(Reply::Deploy), p.channel(Reply::Studio));
            let start = up::Start::Reattach(Box::new(stack));
            async move { up_reply(session, &store, start, &studio, &dtx, &stx).await }
        }),
        Effect::SetUpStudio {
            project,
            users,
            guardrails,
        } => run(tx, id, move |p| {
            let ptx = p.channel(Reply::Studio);
            async move {
                let result = async {
                    let s = session.ok_or_else(no_session)?;
                    let set_up = crate::ops::studio::set_up_project(
                        &s,
                        Some(&store),
                        &project,
                        &guardrails,
                        &users,
                        &ptx,
                    );
                    match set_up.await? {
                        Some(_) => Ok(()),
                        None => Err(ops::Error::missing(
                            "cloudformation:DescribeStacks",
                            format!("there is no stack {project} in {}", s.region),
                        )
                        .with_fix("deploy the environment first (n from the session step)")),
                    }
                }
                .await;
                Reply::StudioDone(Box::new(result))
            }
        }),
        Effect::RunPreflight(input) => run(tx, id, move |p| {
            let ptx = p.channel(Reply::Preflight);
            async move {
                match session {
                    Some(s) => Reply::PreflightDone(Box::new(
                        crate::ops::preflight::run(&s, *input, ptx).await,
                    )),
                    None => Reply::Connected(Box::new(Err(no_session()))),
                }
            }
        }),
        Effect::LoadBlocked { project, since_ms } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::egress::blocked(s, &project, since_ms).await,
                None => Err(no_session()),
            };
            Reply::BlockedLoaded(Box::new(result))
        }),
        Effect::CheckFlow { project, flow } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::egress::check(s, &project, &flow).await,
                None => Err(no_session()),
            };
            Reply::FlowChecked(Box::new(result))
        }),
        Effect::DetectDrift { project } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => {
                    crate::ops::drift::detect(s, &project, crate::ops::drift::Wait::DEFAULT).await
                }
                None => Err(no_session()),
            };
            Reply::DriftChecked(Box::new(result))
        }),
        Effect::PlanTeardown {
            project,
            stack_name,
        } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::destroy::plan(s, &project, &stack_name).await,
                None => Err(no_session()),
            };
            Reply::TeardownPlanned(Box::new(result))
        }),
        Effect::Teardown {
            project,
            stack_name,
            choice,
        } => run(tx, id, move |p| {
            let ptx = p.channel(Reply::Teardown);
            async move {
                let result = match &session {
                    Some(s) => {
                        let safety = crate::ops::destroy::Safety::new(
                            Some(&store),
                            &s.region,
                            &project,
                            crate::ops::fence::Interrupt::never(),
                        );
                        crate::ops::destroy::destroy(
                            s,
                            &project,
                            &stack_name,
                            choice,
                            &safety,
                            &ptx,
                        )
                        .await
                    }
                    None => Err(no_session()),
                };
                if let (Ok(report), Some(s)) = (&result, &session)
                    && report.stack_deleted
                    && let Ok(mut st) = store.lock()
                {
                    let _ = st.forget_run(&s.region, &project);
                }
                Reply::TeardownDone(Box::new(result))
            }
        }),
        Effect::RefreshTopology { project } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::topology::refresh(s, &project).await,
                None => Err(no_session()),
            };
            Reply::Topology(Box::new(result))
        }),
        Effect::PriceInstanceTypes(types) => run(tx, id, move |_| async move {
            let cache = store.lock().ok().map(|s| s.paths.cache_dir.clone());
            let mut prices = Vec::new();
            for t in types {
                let price = match &session {
                    Some(s) => crate::ops::cost::instance_hourly(s, cache.as_deref(), &t)
                        .await
                        .ok()
                        .map(|p| p.for_row(&s.region)),
                    None => None,
                };
                prices.push((t, price));
            }
            Reply::InstancePrices(prices)
        }),
        Effect::EstimateCost { create, changes } => run(tx, id, move |_| async move {
            let cache = store.lock().ok().map(|s| s.paths.cache_dir.clone());
            let result = match &session {
                Some(s) => {
                    crate::ops::cost::review_cost(
                        s,
                        cache.as_deref(),
                        create,
                        &changes,
                        &crate::core::cost::Footprint::STUDIO_ENVIRONMENT,
                    )
                    .await
                }
                None => Err(no_session()),
            };
            Reply::Costed(Box::new(result))
        }),
        Effect::ScanLeftovers { stack, domain_arn } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::leftovers::for_stack(s, &stack, domain_arn.as_deref()).await,
                None => Err(no_session()),
            };
            Reply::LeftoversScanned(Box::new(result))
        }),
        Effect::LoadCostNow { domain_id } => run(tx, id, move |_| async move {
            let cache = store.lock().ok().map(|s| s.paths.cache_dir.clone());
            let result = match &session {
                Some(s) => {
                    crate::ops::apps::cost_now(s, cache.as_deref(), domain_id.as_deref()).await
                }
                None => crate::ops::apps::CostNow {
                    monthly: Err(no_session()),
                    apps: None,
                },
            };
            Reply::CostNow(Box::new(result))
        }),
        Effect::PriceApps { domain_id } => run(tx, id, move |_| async move {
            let cache = store.lock().ok().map(|s| s.paths.cache_dir.clone());
            let result = match &session {
                Some(s) => crate::ops::apps::apps_now(s, cache.as_deref(), &domain_id).await,
                None => Err(no_session()),
            };
            Reply::AppsPriced(Box::new(result))
        }),
        Effect::LoadUsers { project } => run(tx, id, move |_| async move {
            let result = async {
                let s = session.ok_or_else(no_session)?;
                crate::ops::studio::domain_with_users(&s, &project)
                    .await?
                    .ok_or_else(|| {
                        ops::Error::missing(
                            "sagemaker:ListDomains",
                            format!("there is no Studio domain named {project} here yet"),
                        )
                    })
            }
            .await;
            Reply::UsersLoaded(Box::new(result))
        }),
        Effect::AddUsers { domain_id, names } => run(tx, id, move |p| {
            let ptx = p.channel(Reply::Studio);
            async move {
                let result = match &session {
                    Some(s) => {
                        let specs = names
                            .into_iter()
                            .map(crate::ops::studio::UserSpec::named)
                            .collect();
                        crate::ops::studio::create_users(s, &domain_id, specs, &ptx).await
                    }
                    None => Err(no_session()),
                };
                Reply::UsersDone(Box::new(result))
            }
        }),
        Effect::RemoveUsers { domain_id, names } => run(tx, id, move |p| {
            let ptx = p.channel(Reply::Studio);
            async move {
                let result = match &session {
                    Some(s) => crate::ops::studio::remove_users(s, &domain_id, &names, &ptx).await,
                    None => Err(no_session()),
                };
                Reply::UsersDone(Box::new(result))
            }
        }),
        Effect::SignInUrl { domain_id, user } => run(tx, id, move |_| async move {
            let result = match &session {
                Some(s) => crate::ops::studio::presigned_url(s, &domain_id, &user, None).await,
                None => Err(no_session()),
            };
            Reply::SignInUrl(Box::new(result))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::deploy::DeployMsg;
    use crate::ops::studio::StudioMsg;

    fn store() -> SharedStore {
        let dir = std::env::temp_dir().join(format!("studio-tui-effects-{}", std::process::id()));
        let paths = crate::config::Paths::under(&dir);
        std::sync::Arc::new(std::sync::Mutex::new(
            crate::state::Store::load(&paths).expect("store"),
        ))
    }

    #[tokio::test]
    async fn every_progress_message_arrives_before_the_result_and_echoes_the_id() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let id = RequestId(7);
        // Two streams, as a deploy that also sets Studio up would report.
        run(&tx, id, |p| {
            let dtx = p.channel(Reply::Deploy);
            let stx = p.channel(Reply::Studio);
            async move {
                for i in 0..200 {
                    let _ = dtx.send(DeployMsg::Phase {
                        text: format!("phase {i}"),
                    });
                    let _ = stx.send(StudioMsg::Step {
                        text: format!("step {i}"),
                    });
                    if i % 17 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
                Reply::DeployEnded(Box::new(Err(no_session())))
            }
        })
        .await
        .expect("task");
        drop(tx);
        let mut seen = Vec::new();
        while let Some(Action::Reply(got, reply)) = rx.recv().await {
            assert_eq!(got, id);
            seen.push(reply);
        }
        assert_eq!(seen.len(), 401);
        let last = seen.pop().expect("result");
        assert!(last.is_final(), "{last:?}");
        let (mut phases, mut steps) = (Vec::new(), Vec::new());
        for r in &seen {
            match r {
                Reply::Deploy(DeployMsg::Phase { text }) => phases.push(text.clone()),
                Reply::Studio(StudioMsg::Step { text }) => steps.push(text.clone()),
                other => panic!("progress expected, got {other:?}"),
            }
        }
        // Each stream in the order it was sent.
        assert_eq!(
            phases,
            (0..200).map(|i| format!("phase {i}")).collect::<Vec<_>>()
        );
        assert_eq!(
            steps,
            (0..200).map(|i| format!("step {i}")).collect::<Vec<_>>()
        );
    }

    /// Every kind of effect answers, with its id, exactly once and last, even without a
    /// session; and its result is a reply its request accepts.
    #[tokio::test]
    async fn every_effect_kind_ends_with_one_result_echoing_its_id() {
        use crate::ui::request::Requests;
        let store = store();
        // Connecting is tried for real: against a closed local port it fails fast.
        let options = SessionOptions {
            profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            fake_credentials: true,
            read_only: false,
        };
        for (n, effect) in crate::ui::request::tests::one_of_each()
            .into_iter()
            .enumerate()
        {
            let (tx, mut rx) = mpsc::unbounded_channel();
            let mut requests = Requests::default();
            let request = requests.issue(crate::ui::app::Step::Session, effect.clone());
            let id = request.id;
            spawn(request, &options, None, &store, &tx)
                .await
                .expect("task");
            drop(tx);
            let mut replies = Vec::new();
            while let Some(Action::Reply(got, reply)) = rx.recv().await {
                assert_eq!(got, id, "{effect:?}");
                replies.push(reply);
            }
            let last = replies
                .pop()
                .unwrap_or_else(|| panic!("{n}: no result for {effect:?}"));
            assert!(last.is_final(), "{effect:?}: {last:?}");
            assert!(replies.iter().all(|r| !r.is_final()), "{effect:?}");
            assert!(
                requests.accept(id, &last).is_some(),
                "{effect:?} answered with {last:?}, which its request does not accept"
            );
        }
    }
}
