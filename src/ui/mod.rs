//! The full-screen wizard: terminal ownership, the event loop, and the screens.

pub mod action;
pub mod app;
pub mod effects;
pub mod keymap;
pub mod request;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;

use crate::aws::SessionOptions;
use crate::config::Paths;
use crate::state::SharedStore;
use crate::state::Store;
use action::Action;
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
        ctx.store = Some(Arc::new(Mutex::new(Store::load_for(
            &paths,
            ctx.options.read_only,
        )?)));
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
    for request in app.start() {
        effects::spawn(request, &ctx.options, None, &store, &tx);
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
        let (changed, requests) = app.update(action);
        dirty |= changed;
        for request in requests {
            effects::spawn(
                request,
                &ctx.options,
                app.session.session.clone(),
                &store,
                &tx,
            );
        }
        if app.should_quit() {
            return Ok(app.exit_code());
        }
    }
}
