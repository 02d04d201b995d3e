//! The full-screen wizard: terminal ownership, the event loop, and the screens.

pub mod action;
pub mod app;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

use crate::aws::{self, SessionOptions};
use action::{Action, Effect};
use app::App;

/// Everything the wizard needs from the command line.
#[derive(Debug, Clone)]
pub struct UiContext {
    pub options: SessionOptions,
    pub sandbox: bool,
    pub profiles: Vec<String>,
}

/// Run the wizard until the user leaves. Returns the process exit code.
pub async fn run(ctx: UiContext) -> anyhow::Result<i32> {
    let mut terminal = terminal::enter()?;
    let result = event_loop(&mut terminal, ctx).await;
    terminal::leave();
    result
}

async fn event_loop(terminal: &mut terminal::Tui, ctx: UiContext) -> anyhow::Result<i32> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let mut app = App::new(
        ctx.profiles.clone(),
        ctx.options.clone(),
        ctx.sandbox,
        theme::Theme::from_env(),
    );
    for effect in app.start() {
        spawn_effect(effect, &ctx.options, tx.clone());
    }
    let mut events = crossterm::event::EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = terminal::Signals::new()?;
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| app.render(f))?;
            dirty = false;
        }
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
            _ = ticker.tick(), if app.is_animating() => Action::Tick,
        };
        let (changed, effects) = app.update(action);
        dirty |= changed;
        for effect in effects {
            spawn_effect(effect, &ctx.options, tx.clone());
        }
        if app.should_quit() {
            return Ok(app.exit_code());
        }
    }
}

fn spawn_effect(effect: Effect, base: &SessionOptions, tx: mpsc::UnboundedSender<Action>) {
    match effect {
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
    }
}
