//! Where studio-tui opens on an existing deployment: the stack, the network it built, the Studio
//! domain and its users, each one key away from its screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::egress::EgressState;
use super::teardown::TeardownState;
use super::users::UsersState;
use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};
use crate::aws::ErrorKind;
use crate::aws::stacks::StackInfo;
use crate::aws::studio::DomainInfo;
use crate::core::field::Field;
use crate::core::params::guardrails::DomainGuardrails;
use crate::core::status::DomainStatus;
use crate::core::topology::Topology;
use crate::ops;
use crate::ops::studio::UserView;
use crate::ui::action::{Effect, Reply};
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::{ErrorView, fit_line, spinner};

/// What the overview's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Users,
    /// Create the domain, or bring it up to date.
    SetUpStudio,
    Update,
    Egress,
    Drift,
    Teardown,
    Refresh,
    Back,
}

/// The rows every state of the overview has after its first.
macro_rules! overview_keys {
    ($($first:expr),*) => {
        &[
            $($first,)*
            Binding::shared("g", "topology", &[Key::ch('g')]),
            Binding::new("d", "update", &[(Key::ch('d'), Cmd::Update)]),
            Binding::new("f", "egress", &[(Key::ch('f'), Cmd::Egress)]),
            Binding::new("c", "drift", &[(Key::ch('c'), Cmd::Drift)]),
            Binding::new("x", "tear down", &[(Key::ch('x'), Cmd::Teardown)]),
            Binding::shared("?", "help", &[Key::ch('?')]),
            Binding::shared("q", "quit", &[Key::ch('q')]),
            Binding::new("r", "refresh", &[(Key::ch('r'), Cmd::Refresh)]).help_only(),
            Binding::new(
                "b",
                "back to account and region",
                &[(Key::ch('b'), Cmd::Back)],
            )
            .help_only(),
            Binding::shared("Esc", "close help, or quit", &[Key::ESC]).help_only(),
            Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
        ]
    };
}

const USERS: Binding<Cmd> = Binding::new("u", "users", &[(Key::ch('u'), Cmd::Users)]);

/// Keys while the domain is missing (or not known yet): `s` creates it.
pub const KEYS: &[Binding<Cmd>] = overview_keys!(Binding::new(
    "s",
    "set up Studio",
    &[(Key::ch('s'), Cmd::SetUpStudio)]
));

/// Keys once the domain exists: `u` opens its users.
pub const KEYS_WITH_DOMAIN: &[Binding<Cmd>] = overview_keys!(USERS);

/// Keys once the domain exists but lacks the shared-space defaults: `s` brings it up to date.
pub const KEYS_WITH_OUTDATED_DOMAIN: &[Binding<Cmd>] = overview_keys!(
    USERS,
    Binding::new(
        "s",
        "update the domain",
        &[(Key::ch('s'), Cmd::SetUpStudio)]
    )
);

/// The project at a glance.
#[derive(Debug)]
pub struct OverviewState {
    pub project: String,
    pub stack: StackInfo,
    /// The domain and its users; a NotFound error means "no domain yet".
    pub studio: Loadable<(DomainInfo, Vec<UserView>), ops::Error>,
    /// The last drift detection (Idle until `c`).
    pub drift: Loadable<crate::ops::drift::DriftReport, ops::Error>,
    pub read_only: bool,
    /// Bucket policies a stopped teardown had left open, and what was done about them.
    pub notes: Vec<String>,
    /// The settings the domain should have (the project's answers): a domain that differs is
    /// brought up to date with `s`.
    pub guardrails: DomainGuardrails,
    /// Billed resources around the stack that studio-tui did not create (scanned once the
    /// domain is known, whose own home volume is not one).
    pub leftovers: Loadable<Vec<ops::leftovers::Leftover>, ops::Error>,
    /// The cost row: the environment's monthly estimate and the apps' run rate (None while it
    /// is asked, after the domain is known).
    pub cost: Option<ops::apps::CostNow>,
}

impl OverviewState {
    /// Reload the domain and users, and the stack.
    pub fn refresh(&mut self) -> Vec<Effect> {
        self.studio = Loadable::Loading;
        self.cost = None;
        vec![
            Effect::LoadUsers {
                project: self.project.clone(),
            },
            Effect::LookupStack(self.stack.stack_id.clone()),
        ]
    }

    pub fn new(project: &str, stack: StackInfo, read_only: bool) -> OverviewState {
        OverviewState {
            project: project.to_string(),
            stack,
            studio: Loadable::Loading,
            drift: Loadable::Idle,
            read_only,
            notes: Vec::new(),
            guardrails: DomainGuardrails::default(),
            leftovers: Loadable::Idle,
            cost: None,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.studio.is_loading() || self.drift.is_loading()
    }

    /// The domain exists (and the users screen has something to show).
    pub fn has_domain(&self) -> bool {
        matches!(self.studio, Loadable::Loaded(_))
    }

    /// The domain exists without DefaultSpaceSettings, or with other guardrails than the
    /// project's: `s` brings it up to date (UpdateDomain).
    pub fn domain_outdated(&self) -> bool {
        matches!(&self.studio, Loadable::Loaded((d, _))
            if d.lacks_space_defaults()
                || !ops::studio::GuardrailDiff::of(d, &self.guardrails).is_empty())
    }

    /// The instance types shown in Studio and enforced by IAM, per-user audit, and what `s`
    /// would set when they differ from the project's.
    fn types_spans(&self, d: &DomainInfo, theme: &Theme) -> Vec<Span<'static>> {
        let (text, warn) = ops::studio::apps_row(d, &self.stack, &self.guardrails, self.read_only);
        vec![Span::styled(text, theme.warn_if(warn))]
    }

    /// The domain's idle shutdown, and what `s` would set when it differs from the project's.
    fn idle_spans(&self, d: &DomainInfo, theme: &Theme) -> Vec<Span<'static>> {
        let idle = d.idle.summary();
        let wanted = self.guardrails.idle;
        if d.idle.is(wanted) {
            return vec![
                Span::raw(idle),
                Span::styled("  · JupyterLab and Code Editor apps", theme.dim()),
            ];
        }
        let todo = if self.read_only {
            "; read-only: not updated"
        } else {
            ": press s to update the domain"
        };
        vec![Span::styled(
            format!("{idle}; the project's answers say {wanted}{todo}"),
            theme.warn(),
        )]
    }

    /// No domain yet: `s` creates it.
    pub fn domain_missing(&self) -> bool {
        matches!(&self.studio, Loadable::Failed(e) if e.kind() == ErrorKind::NotFound)
    }

    /// The leftovers row's text (`ui::widgets::leftovers`), None while scanning or when none.
    fn leftovers_spans(&self, theme: &Theme) -> Option<Vec<Span<'static>>> {
        let scan = match &self.leftovers {
            Loadable::Loaded(l) => Some(Ok(l.as_slice())),
            Loadable::Failed(e) => Some(Err(e)),
            Loadable::Idle | Loadable::Loading => None,
        };
        crate::ui::widgets::leftovers::leftovers_spans(scan, theme)
    }

    /// The drift row: not checked, checking, in sync or what drifted, with when.
    fn drift_spans(&self, theme: &Theme, tick: usize) -> Vec<Span<'static>> {
        match &self.drift {
            Loadable::Idle => vec![Span::styled(
                "not checked — press c to compare the stack with its template",
                theme.dim(),
            )],
            Loadable::Loading => vec![
                Span::styled(spinner(tick), theme.key()),
                Span::raw(" detecting drift…"),
            ],
            Loadable::Failed(e) => vec![Span::styled(
                crate::core::shown::shown(e.message()).into_owned(),
                theme.error(),
            )],
            Loadable::Loaded(r) => {
                let when = r
                    .checked_at
                    .as_deref()
                    .and_then(|t| t.get(11..16))
                    .map(|hm| format!(" · checked {hm} UTC"))
                    .unwrap_or_default();
                if r.in_sync() {
                    vec![
                        Span::styled("in sync with the template", theme.ok()),
                        Span::styled(when, theme.dim()),
                    ]
                } else if r.status == crate::ops::drift::DriftVerdict::DetectionFailed {
                    let ids: Vec<&str> = r
                        .unchecked
                        .iter()
                        .take(3)
                        .map(|u| u.logical_id.as_str())
                        .collect();
                    vec![
                        Span::styled(
                            format!(
                                "DETECTION_FAILED: {} not checked{}{}; {} drifted — not in sync, \
                                 press c to try again",
                                r.unchecked.len(),
                                if ids.is_empty() { "" } else { ": " },
                                ids.join(", "),
                                r.resources.len()
                            ),
                            theme.error(),
                        ),
                        Span::styled(when, theme.dim()),
                    ]
                } else {
                    let ids: Vec<&str> = r
                        .resources
                        .iter()
                        .take(3)
                        .map(|d| d.drift.logical_id.as_str())
                        .collect();
                    vec![
                        Span::styled(
                            format!(
                                "{} drifted ({} baseline): {}{}",
                                r.resources.len(),
                                r.baseline_count(),
                                ids.join(", "),
                                if r.resources.len() > 3 { ", …" } else { "" }
                            ),
                            theme.error(),
                        ),
                        Span::styled(when, theme.dim()),
                    ]
                }
            }
        }
    }

    /// "environment about $382.60 a month · apps now $0.05 an hour (1 running)", "…" while it
    /// is asked, a short reason for a half that could not be had, and which bundled prices
    /// were used when they were. Narrower than `width`, it says the same shorter ("env about
    /// $382.60/mo · apps now $0.05/h (1 running)"), then is cut with `…`.
    fn cost_line(&self, theme: &Theme, width: usize) -> Line<'static> {
        let Some(c) = &self.cost else {
            return Line::styled("environment …", theme.dim());
        };
        let short = |e: &ops::Error| crate::core::shown::shown_max(e.message(), 40).into_owned();
        let mut bundled: Vec<String> = Vec::new();
        let (env, env_short, env_style) = match &c.monthly {
            Ok(r) => {
                bundled.extend(
                    r.estimate
                        .sources
                        .iter()
                        .filter(|s| s.is_bundled())
                        .map(|s| s.label()),
                );
                let total = crate::core::cost::usd(r.estimate.monthly);
                (
                    format!("environment about {total} a month"),
                    format!("env about {total}/mo"),
                    theme.text(),
                )
            }
            Err(e) => (
                format!("environment: {}", short(e)),
                format!("env: {}", short(e)),
                theme.warn(),
            ),
        };
        let (apps, apps_short, apps_style) = match &c.apps {
            Some(Ok(a)) => {
                bundled.extend(
                    a.sources
                        .iter()
                        .filter(|s| s.is_bundled())
                        .map(|s| s.label()),
                );
                let at_least = if a.rate.is_lower_bound() {
                    "at least "
                } else {
                    ""
                };
                (
                    format!("apps now {} ({} running)", a.rate.phrase(), a.rate.running),
                    format!(
                        "apps now {at_least}{}/h ({} running)",
                        crate::core::cost::usd(a.rate.per_hour),
                        a.rate.running
                    ),
                    theme.text(),
                )
            }
            Some(Err(e)) => (
                format!("apps: {}", short(e)),
                format!("apps: {}", short(e)),
                theme.warn(),
            ),
            None => (
                "no domain, no apps".to_string(),
                "no apps".to_string(),
                theme.dim(),
            ),
        };
        bundled.dedup();
        let tail = bundled
            .first()
            .map(|b| format!(" · {b}"))
            .unwrap_or_default();
        let line = |env: String, apps: String, tail: String| {
            Line::from(vec![
                Span::styled(env, env_style),
                Span::styled(" · ", theme.dim()),
                Span::styled(apps, apps_style),
                Span::styled(tail, theme.dim()),
            ])
        };
        [
            line(env.clone(), apps.clone(), tail.clone()),
            line(env, apps, String::new()),
            line(env_short.clone(), apps_short.clone(), tail),
        ]
        .into_iter()
        .find(|l| l.width() <= width)
        .unwrap_or_else(|| line(env_short, apps_short, String::new()))
    }

    pub fn render(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        // Every line fits the boxes or ends with "…" (a row is never cut at the border).
        let width = usize::from(area.width.saturating_sub(2));
        let s = &self.stack;
        let out = |k: &str| s.output(k).unwrap_or("–").to_string();
        let param = |f: Field| f.in_stack(&s.parameters).cloned().unwrap_or_default();
        let status_style = if s.is_complete() {
            theme.ok()
        } else if s.is_in_progress() {
            theme.warn()
        } else {
            theme.error()
        };
        let row = |label: &str, value: Vec<Span<'static>>| {
            let mut spans = vec![Span::styled(format!("{label:<14}"), theme.dim())];
            spans.extend(value);
            Line::from(spans)
        };
        let mut lines = vec![
            row(
                "Stack",
                vec![
                    Span::styled(s.stack_name.clone(), theme.text()),
                    Span::raw("  "),
                    Span::styled(s.status.to_string(), status_style),
                    Span::styled(
                        s.last_updated_time
                            .as_ref()
                            .or(s.creation_time.as_ref())
                            .map(|t| format!("  since {}", short_time(t)))
                            .unwrap_or_default(),
                        theme.dim(),
                    ),
                ],
            ),
            row(
                "VPC",
                vec![Span::raw(format!(
                    "{}  {}  in {}",
                    out("VpcId"),
                    param(Field::VpcCidr),
                    out("AvailabilityZone")
                ))],
            ),
            row(
                "Subnets",
                vec![Span::raw(format!(
                    "firewall {}  NAT {}  Studio {}",
                    param(Field::FirewallSubnetCidr),
                    param(Field::NatSubnetCidr),
                    param(Field::StudioSubnetCidr)
                ))],
            ),
            row(
                "Firewall",
                vec![Span::raw(format!(
                    "endpoint {}  allows {}",
                    out("FirewallEndpointId"),
                    param(Field::AllowedDomains)
                ))],
            ),
        ];
        lines.extend(wide_allow_list_lines(s, theme));
        lines.extend([
            row(
                "Egress",
                vec![Span::raw(format!(
                    "NAT {} → firewall → {}",
                    out("NatGatewayId"),
                    out("InternetGatewayId")
                ))],
            ),
            row(
                "Buckets",
                vec![Span::raw(format!(
                    "{}  {}  (only through {})",
                    out("DataBucketName"),
                    out("ModelsBucketName"),
                    out("S3VPCEndpointId")
                ))],
            ),
        ]);
        lines.push(row("Drift", self.drift_spans(theme, tick)));
        lines.push(self.cost_line(theme, width));
        lines.extend(self.leftovers_spans(theme).map(|v| row("Leftovers", v)));
        if let Some(reason) = &s.status_reason
            && !s.is_complete()
        {
            lines.push(row(
                "Reason",
                vec![Span::styled(
                    crate::core::shown::shown(reason).into_owned(),
                    theme.error(),
                )],
            ));
        }
        for note in &self.notes {
            lines.push(row(
                "Bucket policy",
                vec![Span::styled(
                    crate::core::shown::shown(note).into_owned(),
                    theme.warn(),
                )],
            ));
        }
        let lines = fit_all(lines, width);
        let [top, bottom] = Layout::vertical([
            Constraint::Length(lines.len() as u16 + 2),
            Constraint::Fill(1),
        ])
        .areas(area);
        // One row per line (no wrapping) so the box is exactly as tall as its content.
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(Line::styled(
                format!(" Project {} ", self.project),
                theme.title(),
            ))),
            top,
        );

        let mut lines = Vec::new();
        match &self.studio {
            Loadable::Idle | Loadable::Loading => lines.push(Line::from(vec![
                Span::styled(spinner(tick), theme.key()),
                Span::raw(" Looking up the Studio domain…"),
            ])),
            Loadable::Loaded((d, users)) => {
                let style = match &d.status {
                    DomainStatus::InService => theme.ok(),
                    s if s.is_failed() => theme.error(),
                    _ => theme.warn(),
                };
                lines.push(row(
                    "Domain",
                    vec![
                        Span::raw(format!("{}  ", d.id)),
                        Span::styled(d.status.to_string(), style),
                        Span::styled("  IAM · VpcOnly", theme.dim()),
                    ],
                ));
                if let Some(reason) = &d.failure_reason {
                    lines.push(row(
                        "FailureReason",
                        vec![Span::styled(
                            crate::core::shown::shown(reason).into_owned(),
                            theme.error(),
                        )],
                    ));
                }
                if d.lacks_space_defaults() {
                    lines.push(row(
                        "Spaces",
                        vec![Span::styled(
                            if self.read_only {
                                "no default execution role or security group for shared spaces \
                                 (DefaultSpaceSettings); read-only: not updated"
                            } else {
                                "no default execution role or security group for shared spaces \
                                 (DefaultSpaceSettings): press s to update the domain"
                            },
                            theme.warn(),
                        )],
                    ));
                }
                lines.push(row("Idle stop", self.idle_spans(d, theme)));
                lines.push(row("Apps", self.types_spans(d, theme)));
                let apps: usize = users.iter().map(UserView::running_apps).sum();
                lines.push(row(
                    "Users",
                    vec![Span::raw(format!(
                        "{} profile(s), {apps} app(s) running — press u to manage them",
                        users.len()
                    ))],
                ));
                lines.extend(user_lines(users, theme));
            }
            Loadable::Failed(e) if e.kind() == ErrorKind::NotFound => {
                lines.push(Line::styled(
                    format!("No Studio domain named {} yet.", self.project),
                    theme.warn(),
                ));
                lines.push(Line::raw(if self.read_only {
                    "Read-only: creating it is disabled (restart without --read-only)."
                } else {
                    "Press s to create it (VpcOnly, IAM) on this stack's Studio subnet, with \
                     the saved users."
                }));
            }
            Loadable::Failed(e) => {
                lines.extend(ErrorView::new(e).lines(theme));
                lines.push(Line::styled("r tries again.", theme.dim()));
            }
        }
        // An error's lines wrap (at words: the whole message is worth reading); the rest is cut.
        if !matches!(&self.studio, Loadable::Failed(e) if e.kind() != ErrorKind::NotFound) {
            lines = fit_all(lines, width);
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(Line::styled(" SageMaker Studio ", theme.title()))),
            bottom,
        );
    }
}

impl Screen for OverviewState {
    const STEP: Step = Step::Overview;
    const TITLE: &'static str = "Overview";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        if self.domain_outdated() {
            KEYS_WITH_OUTDATED_DOMAIN
        } else if self.has_domain() {
            KEYS_WITH_DOMAIN
        } else {
            KEYS
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, _ctx: &mut Ctx) -> Outcome {
        match cmd {
            Cmd::Users if self.has_domain() => Outcome::GoTo(Go::Open(Box::new(UsersState::new(
                &self.project,
                self.read_only,
            )))),
            Cmd::SetUpStudio if self.domain_missing() || self.domain_outdated() => {
                if self.read_only {
                    Outcome::Ignored
                } else {
                    Outcome::GoTo(Go::SetUpStudio)
                }
            }
            // The update goes through the same preflight, form and review.
            Cmd::Update => Outcome::GoTo(Go::Update),
            Cmd::Refresh => Outcome::Effects(self.refresh()),
            Cmd::Drift if !self.drift.is_loading() => {
                self.drift = Loadable::Loading;
                Outcome::Effects(vec![Effect::DetectDrift {
                    project: self.project.clone(),
                }])
            }
            Cmd::Egress => Outcome::GoTo(Go::Open(Box::new(EgressState::new(
                &self.project,
                self.read_only,
                self.stack.clone(),
            )))),
            Cmd::Teardown => Outcome::GoTo(Go::Open(Box::new(TeardownState::new(
                &self.project,
                &self.stack.stack_name,
                self.read_only,
            )))),
            Cmd::Back => Outcome::GoTo(Go::Back),
            _ => Outcome::Ignored,
        }
    }

    fn busy(&self) -> bool {
        self.is_busy()
    }

    fn on_reply(&mut self, reply: Reply, ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::UsersLoaded(result) => {
                self.studio = match *result {
                    Ok(v) => Loadable::Loaded(v),
                    Err(e) => Loadable::Failed(e),
                };
                // The domain is known now: its own home volume is not a leftover, and its
                // apps are priced for the cost row.
                self.cost = None;
                let (domain_arn, domain_id) = match &self.studio {
                    Loadable::Loaded((d, _)) => (Some(d.arn.clone()), Some(d.id.clone())),
                    _ => (None, None),
                };
                return Outcome::Effects(vec![
                    Effect::ScanLeftovers {
                        stack: Box::new(self.stack.clone()),
                        domain_arn,
                    },
                    Effect::LoadCostNow { domain_id },
                ]);
            }
            Reply::LeftoversScanned(result) => {
                self.leftovers = match *result {
                    Ok(v) => Loadable::Loaded(v),
                    Err(e) => Loadable::Failed(e),
                };
            }
            Reply::CostNow(cost) => self.cost = Some(*cost),
            Reply::StackFound(result) => match *result {
                Ok(Some(stack)) => self.stack = stack,
                _ => return Outcome::Ignored,
            },
            Reply::DriftChecked(result) => {
                self.drift = match *result {
                    Ok(r) => Loadable::Loaded(r),
                    Err(e) => Loadable::Failed(e),
                };
                if let Some(t) = ctx.topology.as_deref_mut() {
                    mark_drift(t, &self.drift);
                }
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    /// Back from the users, the egress or the teardown: reload what they may have changed.
    fn on_return(&mut self) -> Vec<Effect> {
        self.refresh()
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.theme, ctx.tick);
    }
}

/// Mark the topology's nodes of the resources the last drift detection found drifted.
pub fn mark_drift(
    topology: &mut Topology,
    drift: &Loadable<crate::ops::drift::DriftReport, ops::Error>,
) {
    let Loadable::Loaded(report) = drift else {
        return;
    };
    let drifts: Vec<(String, Option<String>, String)> = report
        .resources
        .iter()
        .map(|r| {
            let first = r
                .drift
                .differences
                .first()
                .map(|p| format!(" {} expected {}, actual {}", p.path, p.expected, p.actual))
                .unwrap_or_default();
            (
                r.drift.logical_id.clone(),
                r.drift.physical_id.clone(),
                format!("{}{first}", r.drift.status),
            )
        })
        .collect();
    topology.mark_drift(&drifts);
}

/// A warning row for each entry of the deployed allow list that admits S3 of other regions
/// (the wide `.amazonaws.com` of earlier templates), with the command that narrows it.
fn wide_allow_list_lines(s: &StackInfo, theme: &Theme) -> Vec<Line<'static>> {
    let region = s.stack_id.split(':').nth(3).unwrap_or_default();
    let domains: Vec<String> = Field::AllowedDomains
        .in_stack(&s.parameters)
        .map(String::as_str)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    crate::ops::egress::wide_entries(&domains, region)
        .into_iter()
        .map(|wide| {
            let fix = match crate::core::params::validate_domain(&wide.entry) {
                Ok(()) => format!("; fix: studio-tui firewall deny {}", wide.entry),
                Err(_) => String::new(),
            };
            Line::from(vec![
                Span::raw(" ".repeat(14)),
                Span::styled(
                    format!(
                        "⚠ {} admits S3 of other regions{fix}",
                        crate::core::shown::shown(&wide.entry)
                    ),
                    theme.warn(),
                ),
            ])
        })
        .collect()
}

/// The first eight users, one line each, and how many more there are.
fn user_lines(users: &[UserView], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = users
        .iter()
        .take(8)
        .map(|u| {
            Line::from(vec![
                Span::raw(format!("  {:<24}", crate::core::shown::shown(&u.name))),
                Span::styled(format!("{:<12}", u.status), theme.dim()),
                Span::styled(
                    format!("{} app(s), {} space(s)", u.running_apps(), u.spaces.len()),
                    theme.dim(),
                ),
            ])
        })
        .collect();
    if users.len() > 8 {
        lines.push(Line::styled(
            format!("  … and {} more (u)", users.len() - 8),
            theme.dim(),
        ));
    }
    lines
}

/// Each line cut to `width` with `…` ([`fit_line`]).
fn fit_all(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines.into_iter().map(|l| fit_line(l, width)).collect()
}

/// "2026-11-26T09:00:00.123Z" → "2026-11-26 09:00 UTC".
fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm} UTC"),
        _ => t.to_string(),
    }
}
