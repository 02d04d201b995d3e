//! The full-screen wizard: terminal ownership, the event loop, and the screens.

pub mod action;
pub mod app;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

use crate::aws::{self, AwsError, Session, SessionOptions};
use crate::config::Paths;
use crate::ops::deploy::{self, Recovery, SharedStore};
use crate::state::Store;
use action::{Action, Effect};
use app::App;

/// Everything the wizard needs from the command line.
#[derive(Debug, Clone)]
pub struct UiContext {
    pub options: SessionOptions,
    pub sandbox: bool,
    pub profiles: Vec<String>,
    /// Saved answers and run state; loaded from the platform folders by [`run`] when None.
    pub store: Option<SharedStore>,
    /// `--config FILE`: its values override the saved answers in the parameter form.
    pub config: Option<crate::ops::params::ConfigFile>,
}

/// Run the wizard until the user leaves. Returns the process exit code.
pub async fn run(mut ctx: UiContext) -> anyhow::Result<i32> {
    if ctx.store.is_none() {
        let paths = Paths::discover()?;
        ctx.store = Some(Arc::new(Mutex::new(Store::load(&paths)?)));
    }
    let mut terminal = terminal::enter()?;
    let result = event_loop(&mut terminal, ctx).await;
    terminal::leave();
    result
}

async fn event_loop(terminal: &mut terminal::Tui, ctx: UiContext) -> anyhow::Result<i32> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let store = ctx
        .store
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no store"))?;
    let mut app = App::new(
        ctx.profiles.clone(),
        ctx.options.clone(),
        ctx.sandbox,
        theme::Theme::from_env(),
    )
    .with_store(store.clone())
    .with_config(ctx.config.clone());
    for effect in app.start() {
        spawn_effect(effect, &ctx.options, None, &store, tx.clone());
    }
    let mut events = crossterm::event::EventStream::new();
    let mut signals = terminal::Signals::new()?;
    let mut dirty = true;
    // The timer runs only while app.tick_interval() says so (spinner or a running deployment).
    let mut next_tick = tokio::time::Instant::now();
    loop {
        if dirty {
            terminal.draw(|f| app.render(f))?;
            dirty = false;
        }
        let interval = app.tick_interval();
        if let Some(d) = interval {
            let now = tokio::time::Instant::now();
            if next_tick > now + d || next_tick < now {
                next_tick = now + d;
            }
        }
        let timer = app.next_timer();
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(crossterm::event::Event::Key(k))) => Action::Key(k),
                Some(Ok(crossterm::event::Event::Resize(_, _))) => Action::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.into()),
                None => Action::Terminate,
            },
            Some(msg) = rx.recv() => msg,
            _ = signals.recv() => Action::Terminate,
            _ = tokio::time::sleep_until(next_tick), if interval.is_some() => {
                next_tick += interval.unwrap_or(Duration::from_secs(1));
                Action::Tick
            }
            _ = tokio::time::sleep_until(timer.unwrap_or_else(std::time::Instant::now).into()), if timer.is_some() => Action::RefreshDue,
        };
        let (changed, effects) = app.update(action);
        dirty |= changed;
        for effect in effects {
            spawn_effect(
                effect,
                &ctx.options,
                app.session.session.clone(),
                &store,
                tx.clone(),
            );
        }
        if app.should_quit() {
            return Ok(app.exit_code());
        }
    }
}

/// A channel whose messages reach the app as actions (`wrap`ped), in order. Awaiting the handle
/// after the sender is dropped makes the last message arrive before the result that follows it.
fn forward<M: Send + 'static>(
    tx: &mpsc::UnboundedSender<Action>,
    wrap: fn(M) -> Action,
) -> (mpsc::UnboundedSender<M>, tokio::task::JoinHandle<()>) {
    let (mtx, mut mrx) = mpsc::unbounded_channel::<M>();
    let tx = tx.clone();
    let handle = tokio::spawn(async move {
        while let Some(m) = mrx.recv().await {
            if tx.send(wrap(m)).is_err() {
                break;
            }
        }
    });
    (mtx, handle)
}

fn no_session() -> AwsError {
    AwsError::new(
        aws::ErrorKind::NoCredentials,
        "session",
        "not connected: pick a profile and region first",
    )
}

fn spawn_effect(
    effect: Effect,
    base: &SessionOptions,
    session: Option<Session>,
    store: &SharedStore,
    tx: mpsc::UnboundedSender<Action>,
) {
    let store = store.clone();
    match effect {
        Effect::RefreshTopology { project } => {
            let Some(session) = session else {
                return;
            };
            tokio::spawn(async move {
                let result = crate::ops::topology::refresh(&session, &project).await;
                let _ = tx.send(Action::Topology(Box::new(result)));
            });
        }
        Effect::Connect { profile, region } => {
            let mut opts = base.clone();
            if profile.is_some() {
                opts.profile = profile;
            }
            if region.is_some() {
                opts.region = region;
            }
            tokio::spawn(async move {
                let result = async {
                    let session = aws::connect(&opts).await?;
                    let identity = session.identity().await?;
                    Ok((session, identity))
                }
                .await;
                let _ = tx.send(Action::Connected(Box::new(result)));
            });
        }
        Effect::LookupStack(name) => {
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => s.describe_stack(&name).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::StackFound(Box::new(result)));
            });
        }
        Effect::Plan { params, users } => {
            let (dtx, _) = forward(&tx, Action::Deploy);
            tokio::spawn(async move {
                let result = async {
                    let s = session.ok_or_else(no_session)?;
                    // Answers are saved first: nothing typed is lost if planning fails.
                    if let Ok(mut st) = store.lock()
                        && let Err(e) = st.save_answers(&s.region, &params, &users)
                    {
                        tracing::warn!("cannot save answers: {e}");
                    }
                    deploy::plan(&s, &store, &params, &dtx).await
                }
                .await;
                let _ = tx.send(Action::Planned(Box::new(result)));
            });
        }
        Effect::Cancel(review) => {
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => deploy::cancel(s, &store, &review).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::Cancelled(Box::new(result)));
            });
        }
        Effect::Execute(review) => {
            let (dtx, _) = forward(&tx, Action::Deploy);
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => deploy::execute(s, &store, &review, &dtx).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::DeployEnded(Box::new(result)));
            });
        }
        Effect::Recover { stack, recovery } => {
            let (dtx, _) = forward(&tx, Action::Deploy);
            tokio::spawn(async move {
                let result = match (&session, recovery) {
                    (Some(s), Recovery::DeleteAndRetry) => {
                        deploy::delete_and_watch(s, &store, &stack, &dtx).await
                    }
                    (Some(s), Recovery::ContinueRollback) => {
                        deploy::continue_rollback(s, &store, &stack, &dtx).await
                    }
                    (None, _) => Err(no_session()),
                };
                let _ = tx.send(Action::DeployEnded(Box::new(result)));
            });
        }
        Effect::SetUpStudio { project, users } => {
            let (ptx, forwarded) = forward(&tx, Action::Studio);
            tokio::spawn(async move {
                let result = async {
                    let s = session.ok_or_else(no_session)?;
                    let stack = s.describe_stack(&project).await?.ok_or_else(|| {
                        AwsError::new(
                            aws::ErrorKind::NotFound,
                            "cloudformation:DescribeStacks",
                            format!("there is no stack {project} in {}", s.region),
                        )
                        .with_fix("deploy the environment first (n from the session step)")
                    })?;
                    crate::ops::studio::set_up(&s, Some(&store), &stack, &project, &users, &ptx)
                        .await
                        .map(|_| ())
                }
                .await;
                drop(ptx);
                let _ = forwarded.await;
                let _ = tx.send(Action::StudioDone(Box::new(result)));
            });
        }
        Effect::Reattach(stack) => {
            let (dtx, _) = forward(&tx, Action::Deploy);
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => deploy::reattach(s, &store, &stack, &dtx).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::DeployEnded(Box::new(result)));
            });
        }
        Effect::RunPreflight(input) => {
            tokio::spawn(async move {
                let Some(session) = session else {
                    let _ = tx.send(Action::Connected(Box::new(Err(no_session()))));
                    return;
                };
                let (ptx, forwarded) = forward(&tx, Action::Preflight);
                let report = crate::ops::preflight::run(&session, *input, ptx).await;
                let _ = forwarded.await;
                let _ = tx.send(Action::PreflightDone(Box::new(report)));
            });
        }
        Effect::LoadBlocked { project, since_ms } => {
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => crate::ops::egress::blocked(s, &project, since_ms).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::BlockedLoaded(Box::new(result)));
            });
        }
        Effect::DetectDrift { project } => {
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => {
                        crate::ops::drift::detect(s, &project, crate::ops::drift::Wait::DEFAULT)
                            .await
                    }
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::DriftChecked(Box::new(result)));
            });
        }
        Effect::PlanTeardown {
            project,
            stack_name,
        } => {
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => crate::ops::destroy::plan(s, &project, &stack_name).await,
                    None => Err(no_session()),
                };
                let _ = tx.send(Action::TeardownPlanned(Box::new(result)));
            });
        }
        Effect::Teardown {
            project,
            stack_name,
            choice,
        } => {
            let (ptx, forwarded) = forward(&tx, Action::Teardown);
            tokio::spawn(async move {
                let result = match &session {
                    Some(s) => {
                        crate::ops::destroy::destroy(s, &project, &stack_name, choice, &ptx).await
                    }
                    None => Err(no_session()),
                };
                if let (Ok(report), Some(s)) = (&result, &session)
                    && report.stack_deleted
                    && let Ok(mut st) = store.lock()
                {
                    let _ = st.forget_run(&s.region, &project);
                }
                drop(ptx);
                let _ = forwarded.await;
                let _ = tx.send(Action::TeardownDone(Box::new(result)));
            });
        }
        other => match session {
            Some(session) => studio_effect(other, session, tx),
            None => tracing::warn!(?other, "effect needs a session; not connected yet"),
        },
    }
}

/// Studio effects: run the operation, forward its progress, send the result.
fn studio_effect(effect: Effect, session: aws::Session, tx: mpsc::UnboundedSender<Action>) {
    use crate::ops::studio;
    let (ptx, forwarded) = forward(&tx, Action::Studio);
    tokio::spawn(async move {
        let action = match effect {
            Effect::LoadUsers { project } => {
                let result = async {
                    let domain =
                        studio::find_domain(&session, &project)
                            .await?
                            .ok_or_else(|| {
                                aws::AwsError::new(
                                    aws::ErrorKind::NotFound,
                                    "sagemaker:ListDomains",
                                    format!("there is no Studio domain named {project} here yet"),
                                )
                            })?;
                    let users = studio::list_users(&session, &domain.id).await?;
                    Ok((domain, users))
                }
                .await;
                Action::UsersLoaded(Box::new(result))
            }
            Effect::AddUsers { domain_id, names } => {
                let specs = names.into_iter().map(studio::UserSpec::named).collect();
                Action::UsersDone(Box::new(
                    studio::create_users(&session, &domain_id, specs, &ptx).await,
                ))
            }
            Effect::RemoveUsers { domain_id, names } => Action::UsersDone(Box::new(
                studio::remove_users(&session, &domain_id, &names, &ptx).await,
            )),
            Effect::SignInUrl { domain_id, user } => Action::SignInUrl(Box::new(
                studio::presigned_url(&session, &domain_id, &user, None).await,
            )),
            _ => return,
        };
        drop(ptx);
        let _ = forwarded.await;
        let _ = tx.send(action);
    });
}
