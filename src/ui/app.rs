//! The wizard's state machine. `update` takes an [`Action`] and returns whether the screen
//! changed plus the background [`Effect`]s to start; `render` draws the current state. Nothing
//! here awaits or touches the network, so the whole app can be driven headless in tests.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use super::action::{Action, Effect};
use super::screens::session::{self, SessionState};
use super::theme::Theme;
use super::widgets::{self, HeaderInfo, KeyHint};
use crate::aws::SessionOptions;

/// The wizard's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Profile, region and identity.
    Session,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Session => "1 · Account and region",
        }
    }
}

#[derive(Debug)]
pub struct App {
    pub theme: Theme,
    pub step: Step,
    pub session: SessionState,
    pub help_open: bool,
    read_only: bool,
    sandbox: bool,
    tick: usize,
    quit: bool,
    exit_code: i32,
    options: SessionOptions,
}

impl App {
    pub fn new(profiles: Vec<String>, options: SessionOptions, sandbox: bool, theme: Theme) -> App {
        App {
            theme,
            step: Step::Session,
            session: SessionState::new(
                profiles,
                options.profile.as_deref(),
                options.region.as_deref(),
            ),
            help_open: false,
            read_only: options.read_only,
            sandbox,
            tick: 0,
            quit: false,
            exit_code: crate::exit::OK,
            options,
        }
    }

    /// Effects to run when the app starts: connect with what the command line gave.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.session.connect_effect(self.options.region.is_some())]
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }

    /// Only animate (and so only redraw on a timer) while something is loading.
    pub fn is_animating(&self) -> bool {
        self.session.identity.is_loading()
    }

    /// Keys of the current screen, for the footer and the help overlay.
    pub fn keys(&self) -> &'static [KeyHint] {
        match self.step {
            Step::Session => session::KEYS,
        }
    }

    pub fn header(&self) -> HeaderInfo {
        let (account, region) = match (&self.session.identity, &self.session.session) {
            (super::screens::Loadable::Loaded(id), Some(s)) => {
                (Some(id.account.clone()), Some(s.region.clone()))
            }
            _ => (None, self.session.active_region.clone()),
        };
        HeaderInfo {
            account,
            region,
            profile: self
                .session
                .session
                .as_ref()
                .map(|s| s.profile_label())
                .or_else(|| self.options.profile.clone())
                .unwrap_or_else(|| "default".into()),
            read_only: self.read_only,
            sandbox: self.sandbox,
            step_title: self.step.title().to_string(),
        }
    }

    /// Apply one action. Returns (redraw needed, effects to start).
    pub fn update(&mut self, action: Action) -> (bool, Vec<Effect>) {
        match action {
            Action::Tick => {
                self.tick = self.tick.wrapping_add(1);
                (true, Vec::new())
            }
            Action::Resize => (true, Vec::new()),
            Action::Terminate => {
                self.quit = true;
                (false, Vec::new())
            }
            Action::Connected(result) => {
                self.session.on_connected(*result);
                (true, Vec::new())
            }
            Action::Key(key) => self.on_key(key),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> (bool, Vec<Effect>) {
        if key.kind == KeyEventKind::Release {
            return (false, Vec::new());
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return (false, Vec::new());
        }
        if self.help_open {
            // Any of these closes the overlay; other keys are ignored while it is open.
            if matches!(
                key.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
            ) {
                self.help_open = false;
                return (true, Vec::new());
            }
            return (false, Vec::new());
        }
        match key.code {
            KeyCode::Char('?') => {
                self.help_open = true;
                return (true, Vec::new());
            }
            KeyCode::Char('q') | KeyCode::Esc => {
                self.quit = true;
                return (false, Vec::new());
            }
            _ => {}
        }
        let handled = match self.step {
            Step::Session => self.session.on_key(key),
        };
        match handled {
            Some(effects) => (true, effects),
            None => (false, Vec::new()),
        }
    }

    pub fn render(&self, f: &mut Frame) {
        let area = f.area();
        let header = self.header();
        let header_h = widgets::header_height(&header, area.width);
        let footer_h = if area.width < 70 { 2 } else { 1 };
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(header_h),
            Constraint::Fill(1),
            Constraint::Length(footer_h),
        ])
        .areas(area);
        widgets::render_header(f, head, &header, &self.theme);
        match self.step {
            Step::Session => self.session.render(f, body, &self.theme, self.tick),
        }
        widgets::render_footer(f, foot, self.keys(), &self.theme);
        if self.help_open {
            widgets::render_help(f, body, self.step.title(), self.keys(), &self.theme);
        }
    }
}
