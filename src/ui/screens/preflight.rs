//! The preflight step: a live checklist (spinner, pass/warn/fail, duration each), the findings
//! with their fixes, a CIDR map of the planned ranges against the existing ones, and `s` to
//! take the suggested free range into the parameters.

use std::time::Duration;

use ipnet::Ipv4Net;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Ctx, DrawCtx, Go, Loadable, Outcome, Screen, Step};
use crate::core::cidr::{ExistingBlock, NetworkPlan};
use crate::core::finding::{Finding, FindingCode, Severity};
use crate::core::params::ParamsDraft;
use crate::ops::preflight::{CheckId, CheckStatus, PreflightMsg, PreflightReport};
use crate::ui::action::Reply;
use crate::ui::keymap::{Binding, Key};
use crate::ui::theme::Theme;
use crate::ui::widgets::spinner;

/// What the preflight step's keys ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Next,
    /// Take the suggested free range into the parameters.
    UseSuggestion,
    RunAgain,
    Back,
    ScrollUp,
    ScrollDown,
}

pub const KEYS: &[Binding<Cmd>] = &[
    Binding::new("n", "next: parameters", &[(Key::ch('n'), Cmd::Next)]),
    Binding::new(
        "s",
        "use suggested range",
        &[(Key::ch('s'), Cmd::UseSuggestion)],
    ),
    Binding::new("r", "run again", &[(Key::ch('r'), Cmd::RunAgain)]),
    Binding::new("b", "back", &[(Key::ch('b'), Cmd::Back)]),
    Binding::shared("?", "help", &[Key::ch('?')]),
    Binding::shared("q", "quit", &[Key::ch('q')]),
    Binding::new("Enter", "next: parameters", &[(Key::ENTER, Cmd::Next)]).help_only(),
    Binding::new("Backspace", "back", &[(Key::BACKSPACE, Cmd::Back)]).help_only(),
    Binding::new(
        "↑↓ / j k",
        "scroll the findings",
        &[
            (Key::UP, Cmd::ScrollUp),
            (Key::DOWN, Cmd::ScrollDown),
            (Key::ch('j'), Cmd::ScrollDown),
            (Key::ch('k'), Cmd::ScrollUp),
        ],
    )
    .help_only(),
    Binding::shared("Esc", "close help, or quit", &[Key::ESC]).help_only(),
    Binding::shared("Ctrl-C", "quit", &[Key::ctrl('c')]).help_only(),
];

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub id: CheckId,
    pub state: RowState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    Waiting,
    Running,
    Done {
        status: CheckStatus,
        duration: Duration,
    },
    /// The run ended without this check (bad credentials, invalid project name).
    Skipped,
}

/// What the preflight step remembers.
#[derive(Debug)]
pub struct PreflightState {
    pub rows: Vec<CheckRow>,
    pub report: Loadable<Box<PreflightReport>, String>,
    /// Findings as they arrive, before the report.
    pub live_findings: Vec<Finding>,
    /// Set after `s`: what was applied.
    pub notice: Option<String>,
    pub scroll: u16,
}

impl Default for PreflightState {
    fn default() -> Self {
        PreflightState {
            rows: Vec::new(),
            report: Loadable::Idle,
            live_findings: Vec::new(),
            notice: None,
            scroll: 0,
        }
    }
}

impl PreflightState {
    /// Reset for a new run and list the checks it will make.
    pub fn start(&mut self, all_regions: bool) {
        let ids = [
            CheckId::Parameters,
            CheckId::Identity,
            CheckId::Stack,
            CheckId::Region,
            CheckId::Network,
            CheckId::AllRegions,
            CheckId::Buckets,
            CheckId::Names,
            CheckId::Domain,
            CheckId::Quotas,
            CheckId::Zone,
        ];
        self.rows = ids
            .into_iter()
            .filter(|id| all_regions || *id != CheckId::AllRegions)
            .map(|id| CheckRow {
                id,
                state: RowState::Waiting,
            })
            .collect();
        self.report = Loadable::Loading;
        self.live_findings.clear();
        self.notice = None;
        self.scroll = 0;
    }

    pub fn is_running(&self) -> bool {
        self.report.is_loading()
    }

    fn row(&mut self, id: CheckId) -> &mut CheckRow {
        if let Some(i) = self.rows.iter().position(|r| r.id == id) {
            return &mut self.rows[i];
        }
        self.rows.push(CheckRow {
            id,
            state: RowState::Waiting,
        });
        self.rows.sort_by_key(|r| r.id);
        let i = self.rows.iter().position(|r| r.id == id).unwrap_or(0);
        &mut self.rows[i]
    }

    pub fn on_msg(&mut self, msg: PreflightMsg) {
        match msg {
            PreflightMsg::CheckStarted { id, .. } => self.row(id).state = RowState::Running,
            PreflightMsg::CheckFinished {
                id,
                status,
                findings,
                duration,
            } => {
                self.row(id).state = RowState::Done { status, duration };
                self.live_findings.extend(findings);
                self.live_findings.sort_by_key(|f| f.severity);
            }
        }
    }

    pub fn on_done(&mut self, report: PreflightReport) {
        for row in &mut self.rows {
            if let Some(c) = report.checks.iter().find(|c| c.id == row.id) {
                row.state = RowState::Done {
                    status: c.status,
                    duration: c.duration,
                };
            } else if !matches!(row.state, RowState::Done { .. }) {
                row.state = RowState::Skipped;
            }
        }
        self.live_findings = report.findings.clone();
        self.report = Loadable::Loaded(Box::new(report));
    }

    /// The suggestion of a finished run, if any.
    pub fn suggestion(&self) -> Option<NetworkPlan> {
        match &self.report {
            Loadable::Loaded(r) => r.suggestion,
            _ => None,
        }
    }

    pub fn render(
        &self,
        f: &mut Frame,
        area: Rect,
        parameters: &ParamsDraft,
        theme: &Theme,
        tick: usize,
    ) {
        // On a short terminal the checklist takes at most half of what the map leaves (failed
        // checks first, the rest counted on a marker line); the findings get the other half.
        let checklist_h =
            (self.rows.len() as u16 + 2).min((area.height.saturating_sub(6) / 2).max(4));
        let [top, map, bottom] = Layout::vertical([
            Constraint::Length(checklist_h),
            Constraint::Length(6),
            Constraint::Fill(1),
        ])
        .areas(area);
        self.render_checklist(f, top, theme, tick);
        self.render_map(f, map, parameters, theme);
        self.render_findings(f, bottom, parameters, theme);
    }

    fn render_checklist(&self, f: &mut Frame, area: Rect, theme: &Theme, tick: usize) {
        let title = match &self.report {
            Loadable::Loaded(r) if r.ok() => {
                Line::styled(" Preflight: ready to deploy ", theme.ok())
            }
            Loadable::Loaded(_) => Line::styled(" Preflight: blocked ", theme.error()),
            _ => Line::styled(" Preflight ", theme.title()),
        };
        let width = area.width.saturating_sub(14) as usize;
        // When not every check fits, the ones that did not pass come first.
        let room = area.height.saturating_sub(2) as usize;
        let mut rows: Vec<&CheckRow> = self.rows.iter().collect();
        if rows.len() > room {
            rows.sort_by_key(|r| {
                matches!(
                    r.state,
                    RowState::Done {
                        status: CheckStatus::Pass,
                        ..
                    }
                )
            });
        }
        // What does not fit is counted on a last line, never dropped silently.
        let hidden = rows.len().saturating_sub(room);
        let shown = if hidden > 0 {
            room.saturating_sub(1)
        } else {
            rows.len()
        };
        let hidden_rows: Vec<&CheckRow> = rows.iter().skip(shown).copied().collect();
        let mut lines: Vec<Line> = rows
            .into_iter()
            .take(shown)
            .map(|row| {
                let (mark, style, time) = match &row.state {
                    RowState::Waiting => ("·", theme.dim(), String::new()),
                    RowState::Running => (spinner(tick), theme.title(), "…".to_string()),
                    RowState::Done { status, duration } => {
                        let (m, s) = match status {
                            CheckStatus::Pass => ("✔", theme.ok()),
                            CheckStatus::Warn => ("!", theme.warn()),
                            CheckStatus::Fail => ("✘", theme.error()),
                        };
                        (m, s, format!("{} ms", duration.as_millis()))
                    }
                    RowState::Skipped => ("-", theme.dim(), "skipped".to_string()),
                };
                let title: String = row.id.title().chars().take(width).collect();
                Line::from(vec![
                    Span::styled(format!(" {mark} "), style),
                    Span::raw(format!("{title:<width$}")),
                    Span::styled(format!("{time:>9}"), theme.dim()),
                ])
            })
            .collect();
        if !hidden_rows.is_empty() {
            let passed = hidden_rows
                .iter()
                .filter(|r| {
                    matches!(
                        r.state,
                        RowState::Done {
                            status: CheckStatus::Pass,
                            ..
                        }
                    )
                })
                .count();
            lines.push(Line::styled(
                format!(" ⋯ {} more check(s) ({passed} passed)", hidden_rows.len()),
                theme.dim(),
            ));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(title)),
            area,
        );
    }

    fn render_map(&self, f: &mut Frame, area: Rect, parameters: &ParamsDraft, theme: &Theme) {
        let block = Block::bordered().title(Line::styled(" CIDR map ", theme.title()));
        let inner_w = area.width.saturating_sub(2) as usize;
        let Ok(plan) = parameters.network_plan() else {
            f.render_widget(
                Paragraph::new("The CIDRs do not parse: see the findings.").block(block),
                area,
            );
            return;
        };
        let (existing, region): (&[ExistingBlock], &str) = match &self.report {
            Loadable::Loaded(r) => (r.existing.as_slice(), r.region.as_str()),
            _ => (&[], ""),
        };
        let suggestion = self.suggestion();
        let map = cidr_map(&plan, existing, region, suggestion.as_ref(), inner_w);
        let mut lines = vec![
            Line::from(
                map.bar
                    .iter()
                    .map(|c| cell_span(*c, theme))
                    .collect::<Vec<_>>(),
            ),
            Line::from(vec![
                Span::styled(map.left.clone(), theme.dim()),
                Span::raw(" ".repeat(inner_w.saturating_sub(map.left.len() + map.right.len()))),
                Span::styled(map.right.clone(), theme.dim()),
            ]),
            Line::from(
                map.subnets
                    .iter()
                    .map(|c| cell_span(*c, theme))
                    .collect::<Vec<_>>(),
            ),
        ];
        lines.push(Line::styled(
            truncate(
                &format!(
                    "P planned {}  E in use  X overlap  S suggested  · free   F/N/S subnets in {}",
                    plan.vpc, map.zoom
                ),
                inner_w,
            ),
            theme.dim(),
        ));
        f.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn render_findings(&self, f: &mut Frame, area: Rect, parameters: &ParamsDraft, theme: &Theme) {
        let block = Block::bordered().title(Line::styled(" Findings ", theme.title()));
        let mut lines: Vec<Line> = Vec::new();
        if let Some(n) = &self.notice {
            lines.push(Line::styled(format!("✔ {n}"), theme.ok()));
        }
        if let Some(s) = self.suggestion() {
            lines.push(Line::from(vec![
                Span::styled("Suggested free range: ", theme.key()),
                Span::raw(format!(
                    "{} (firewall {}, NAT {}, Studio {}) — press s to use it",
                    s.vpc, s.firewall_subnet, s.nat_subnet, s.studio_subnet
                )),
            ]));
        }
        let shown: Vec<&Finding> = self
            .live_findings
            .iter()
            .filter(|f| f.severity != Severity::Info || f.code == FindingCode::CidrFreeRange)
            .collect();
        if shown.is_empty() && matches!(self.report, Loadable::Loaded(_)) {
            lines.push(Line::styled("No errors or warnings.", theme.ok()));
        }
        for finding in shown {
            let (mark, style) = match finding.severity {
                Severity::Error => ("✘", theme.error()),
                Severity::Warning => ("!", theme.warn()),
                Severity::Info => ("i", theme.dim()),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} {} ", finding.code), style),
                Span::raw(finding.message.clone()),
            ]));
            lines.push(Line::from(vec![
                Span::styled("  fix: ", theme.dim()),
                Span::raw(finding.fix.clone()),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "Parameters: {} · VPC {} · firewall {} · NAT {} · Studio {}",
                parameters.project_name,
                parameters.vpc_cidr,
                parameters.firewall_subnet_cidr,
                parameters.nat_subnet_cidr,
                parameters.studio_subnet_cidr
            ),
            theme.dim(),
        ));
        // Rows the wrapped text needs: more than fit gets a scroll marker in the title.
        let inner = area.width.saturating_sub(2).max(1) as usize;
        let needed: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
        let room = area.height.saturating_sub(2) as usize;
        let block = if needed > room {
            let below = needed.saturating_sub(room + self.scroll as usize);
            block.title_bottom(Line::styled(
                if below > 0 {
                    format!(" ↓ {below} more line(s): j/k or ↑↓ to scroll ")
                } else {
                    " ↑ j/k or ↑↓ to scroll back ".to_string()
                },
                theme.dim(),
            ))
        } else {
            block
        };
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            area,
        );
    }
}

impl Screen for PreflightState {
    const STEP: Step = Step::Preflight;
    const TITLE: &'static str = "2 · Preflight";
    type Cmd = Cmd;

    fn keys(&self) -> &'static [Binding<Cmd>] {
        KEYS
    }

    /// `s` takes the suggestion into the parameters; `r` and the moves to another step go to
    /// the app, which starts a run with them.
    fn on_cmd(&mut self, cmd: Cmd, ctx: &mut Ctx) -> Outcome {
        match cmd {
            Cmd::UseSuggestion => {
                if let Some(plan) = self.suggestion() {
                    crate::ops::preflight::apply_plan(ctx.parameters, &plan);
                    self.notice = Some(format!(
                        "Parameters now use {} (subnets {}, {}, {}); press r to check again",
                        plan.vpc, plan.firewall_subnet, plan.nat_subnet, plan.studio_subnet
                    ));
                }
                Outcome::Consumed
            }
            Cmd::RunAgain if !self.is_running() => Outcome::GoTo(Go::Recheck),
            Cmd::RunAgain => Outcome::Ignored,
            Cmd::Next => Outcome::GoTo(Go::Next),
            Cmd::Back => Outcome::GoTo(Go::Back),
            Cmd::ScrollDown => {
                self.scroll = self.scroll.saturating_add(1);
                Outcome::Consumed
            }
            Cmd::ScrollUp => {
                self.scroll = self.scroll.saturating_sub(1);
                Outcome::Consumed
            }
        }
    }

    fn busy(&self) -> bool {
        self.is_running()
    }

    fn on_reply(&mut self, reply: Reply, ctx: &mut Ctx) -> Outcome {
        match reply {
            Reply::Preflight(msg) => self.on_msg(msg),
            Reply::PreflightDone(report) => {
                // The zone preflight picked for a new stack is the zone deployed (explicitly).
                report.adopt_zone(ctx.parameters);
                self.on_done(*report);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn draw(&self, f: &mut Frame, area: Rect, ctx: &DrawCtx) {
        self.render(f, area, ctx.parameters, ctx.theme, ctx.tick);
    }
}

fn truncate(s: &str, w: usize) -> String {
    s.chars().take(w).collect()
}

/// One cell of a CIDR map bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Free,
    Planned,
    Existing,
    /// An existing block of another region.
    ExistingElsewhere,
    Overlap,
    Suggested,
    Subnet(char),
}

fn cell_span(c: Cell, theme: &Theme) -> Span<'static> {
    let (s, style): (&str, Style) = match c {
        Cell::Free => ("·", theme.dim()),
        Cell::Planned => ("P", theme.title()),
        Cell::Existing => ("E", theme.warn()),
        Cell::ExistingElsewhere => ("e", theme.dim()),
        Cell::Overlap => ("X", theme.error()),
        Cell::Suggested => ("S", theme.ok()),
        Cell::Subnet('F') => ("F", theme.key()),
        Cell::Subnet('N') => ("N", theme.key()),
        Cell::Subnet(_) => ("S", theme.key()),
    };
    Span::styled(s, style)
}

/// A drawn CIDR map: the address window around the plan, and a zoom on the subnets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CidrMap {
    pub window: Ipv4Net,
    pub bar: Vec<Cell>,
    pub left: String,
    pub right: String,
    pub zoom: Ipv4Net,
    pub subnets: Vec<Cell>,
}

fn bounds(n: &Ipv4Net) -> (u64, u64) {
    (
        u64::from(u32::from(n.network())),
        u64::from(u32::from(n.broadcast())),
    )
}

/// The smallest aligned block of at most `min_prefix` containing every block given.
fn enclosing(blocks: &[Ipv4Net], min_prefix: u8) -> Ipv4Net {
    let mut prefix = min_prefix;
    loop {
        let base = Ipv4Net::new(blocks[0].network(), prefix)
            .map(|n| n.trunc())
            .unwrap_or(blocks[0]);
        if prefix == 0 || blocks.iter().all(|b| base.contains(b)) {
            return base;
        }
        prefix -= 1;
    }
}

/// Cells of a bar of `width` over `window`: each cell takes the most important thing in it.
fn paint(window: &Ipv4Net, width: usize, layers: &[(Ipv4Net, Cell)]) -> Vec<Cell> {
    let (lo, hi) = bounds(window);
    let span = hi - lo + 1;
    let width = width.max(1) as u64;
    (0..width)
        .map(|i| {
            let c0 = lo + span * i / width;
            let c1 = (lo + span * (i + 1) / width).max(c0 + 1) - 1;
            let mut cell = Cell::Free;
            for (net, kind) in layers {
                let (b0, b1) = bounds(net);
                if b0 <= c1 && c0 <= b1 {
                    cell = match (cell, *kind) {
                        (Cell::Planned, Cell::Existing) | (Cell::Existing, Cell::Planned) => {
                            Cell::Overlap
                        }
                        (Cell::Overlap, _) => Cell::Overlap,
                        (Cell::Free | Cell::ExistingElsewhere, k) => k,
                        (c, Cell::ExistingElsewhere) => c,
                        (_, k) => k,
                    };
                }
            }
            cell
        })
        .collect()
}

/// Lay out the map of `plan` against `existing` (same region `E`, others `e`) and the
/// suggestion, `width` cells wide.
pub fn cidr_map(
    plan: &NetworkPlan,
    existing: &[ExistingBlock],
    region: &str,
    suggestion: Option<&NetworkPlan>,
    width: usize,
) -> CidrMap {
    let vpc = plan.vpc.trunc();
    let mut span = vec![vpc];
    if let Some(s) = suggestion {
        span.push(s.vpc.trunc());
    }
    let window = enclosing(&span, vpc.prefix_len().saturating_sub(3));
    let mut layers: Vec<(Ipv4Net, Cell)> = existing
        .iter()
        .filter(|b| {
            let (a0, a1) = bounds(&b.cidr);
            let (w0, w1) = bounds(&window);
            a0 <= w1 && w0 <= a1
        })
        .map(|b| {
            (
                b.cidr,
                if region.is_empty() || b.region == region {
                    Cell::Existing
                } else {
                    Cell::ExistingElsewhere
                },
            )
        })
        .collect();
    layers.push((vpc, Cell::Planned));
    if let Some(s) = suggestion {
        layers.push((s.vpc, Cell::Suggested));
    }
    // Existing first, then the plan on top (overlaps become X), then the suggestion.
    layers.sort_by_key(|(_, c)| match c {
        Cell::ExistingElsewhere => 0,
        Cell::Existing => 1,
        Cell::Planned => 2,
        _ => 3,
    });
    let bar = paint(&window, width, &layers);
    let subnets: Vec<Ipv4Net> = plan.subnets().iter().map(|(_, n)| n.trunc()).collect();
    let zoom = if subnets.iter().all(|s| vpc.contains(s)) {
        let mut z = enclosing(
            &subnets,
            subnets.iter().map(|s| s.prefix_len()).min().unwrap_or(28),
        );
        if !vpc.contains(&z) {
            z = vpc;
        }
        z
    } else {
        vpc
    };
    let sub_layers = [
        (plan.firewall_subnet.trunc(), Cell::Subnet('F')),
        (plan.nat_subnet.trunc(), Cell::Subnet('N')),
        (plan.studio_subnet.trunc(), Cell::Subnet('S')),
    ];
    let subnets = paint(&zoom, width, &sub_layers);
    CidrMap {
        left: window.network().to_string(),
        right: format!("{} ({window})", window.broadcast()),
        window,
        bar,
        zoom,
        subnets,
    }
}
