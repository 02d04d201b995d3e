//! Drawing the topology: the diagram of boxes and lines (wide terminals), the boxes, rows and
//! lines both views are made of, the status marks and styles, and the details panel.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::TopologyState;
use crate::core::topology::{EdgeKind, EndpointKind, Node, NodeKind, Path, Status, Topology};
use crate::ui::theme::Theme;

impl TopologyState {
    pub(super) fn render_diagram(&self, f: &mut Frame, area: Rect, c: &Ctx) {
        let [diagram, status] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        f.render_widget(
            Paragraph::new(crate::ui::widgets::fit_line(
                self.status_line(c.t, c.theme),
                status.width as usize,
            )),
            status,
        );
        let a = diagram;
        let gap = 3u16;
        let left_w = 22u16;
        let right_w = if a.width >= 130 { 36 } else { 28 };
        let mw = a.width.saturating_sub(left_w + right_w + 2 * gap);
        let (lx, mx) = (a.x, a.x + left_w + gap);
        let rx = mx + mw + gap;
        let y0 = a.y;
        let bottom = a.y + a.height;
        let rect = |x: u16, y: u16, w: u16, h: u16| {
            let h = h.min(bottom.saturating_sub(y));
            Rect::new(x, y, w, h)
        };
        let t = c.t;
        let egress = Some(Path::Egress);
        let s3 = Some(Path::S3);
        let is_on = |path: Option<Path>| path.is_some() && self.path.path() == path;

        // Left column: Internet, IGW, stack summary.
        c.node_box(f, rect(lx, y0, left_w, 3), "internet", &[]);
        c.vline(f, lx + left_w / 2, y0 + 3, 1, is_on(egress));
        c.node_box(f, rect(lx, y0 + 4, left_w, 3), "igw", &[]);
        c.hline(f, lx + left_w, y0 + 5, gap, is_on(egress), true);
        let counts = t.counts();
        let mut summary: Vec<Line> = vec![
            Line::raw(t.stack_status.clone().unwrap_or_else(|| "no stack".into())),
            Line::raw(""),
        ];
        for (word, n) in &counts {
            summary.push(Line::raw(format!("{n:>3} {word}")));
        }
        summary.push(Line::raw(""));
        summary.push(Line::styled(
            format!("refresh #{}", self.refreshes),
            c.theme.dim(),
        ));
        f.render_widget(
            Paragraph::new(summary)
                .block(Block::bordered().title(Line::styled(" Stack ", c.theme.title()))),
            rect(lx, y0 + 8, left_w, 11),
        );

        // Middle column: VPC line, then firewall, NAT and Studio subnets.
        if let Some(vpc) = t.node("vpc") {
            let cidr = vpc
                .details
                .iter()
                .find(|(k, _)| k == "CIDR")
                .map(|(_, v)| format!(" {v}"))
                .unwrap_or_default();
            let line = c.item_line(vpc, &format!("VPC {}{cidr}", vpc.label));
            f.render_widget(Paragraph::new(line), rect(mx, y0 + 1, mw, 1));
        }
        let detail = |id: &str, key: &str| {
            t.node(id)
                .and_then(|n| n.details.iter().find(|(k, _)| k == key))
                .map(|(_, v)| v.clone())
        };
        let fw_lines = vec![
            Row::Node("firewall", "Network Firewall "),
            Row::Text(format!(
                "  endpoint {}",
                detail("firewall", "endpoint").unwrap_or_else(|| "-".into())
            )),
            Row::Text(format!(
                "  allows {}",
                detail("firewall", "allowed domains").unwrap_or_else(|| "-".into())
            )),
        ];
        c.node_box(f, rect(mx, y0 + 3, mw, 5), "subnet:firewall", &fw_lines);
        c.vline(f, mx + mw / 2, y0 + 8, 1, is_on(egress));
        let nat_lines = vec![
            Row::Node("nat", "NAT gateway "),
            Row::Text(format!(
                "  private {}",
                detail("nat", "private IP").unwrap_or_else(|| "-".into())
            )),
        ];
        c.node_box(f, rect(mx, y0 + 9, mw, 4), "subnet:nat", &nat_lines);
        c.vline(f, mx + mw / 2, y0 + 13, 1, is_on(egress));
        let studio = rect(mx, y0 + 14, mw, bottom.saturating_sub(y0 + 14));
        c.node_box(f, studio, "subnet:studio", &[]);
        let inner = Block::bordered().inner(studio);
        let [dom_area, ep_area] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(inner);
        // Domain, its users and their apps.
        let mut dom_rows: Vec<Row> = vec![Row::Node("domain", "Domain ")];
        let contains = |from: &str| -> Vec<String> {
            t.edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Contains && e.from == from)
                .map(|e| e.to.clone())
                .collect()
        };
        let mut owned: Vec<String> = Vec::new();
        for u in contains("domain") {
            owned.push(u.clone());
            for a in contains(&u) {
                owned.push(a);
            }
        }
        for id in &owned {
            let indent = if id.starts_with("app:") { "    " } else { "  " };
            dom_rows.push(Row::Owned(id.clone(), indent.to_string()));
        }
        c.rows(f, dom_area, &dom_rows);
        // Interface endpoints.
        let eps: Vec<Row> = t
            .nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.kind,
                    NodeKind::VpcEndpoint {
                        kind: EndpointKind::Interface,
                        ..
                    }
                )
            })
            .map(|n| Row::Owned(n.id.clone(), String::new()))
            .collect();
        let ep_title = Row::Text(format!("{} interface endpoints", eps.len()));
        let mut ep_rows = vec![ep_title];
        ep_rows.extend(eps);
        c.rows(f, ep_area, &ep_rows);

        // Right column: route tables and security groups; keys; S3 endpoint and buckets.
        let net_rows = [
            "rt:igw",
            "rt:firewall",
            "rt:nat",
            "rt:studio",
            "sg:studio",
            "sg:endpoints",
        ]
        .iter()
        .map(|id| Row::Owned(id.to_string(), String::new()))
        .collect::<Vec<_>>();
        c.group_box(
            f,
            rect(rx, y0, right_w, 8),
            " Routes & security groups ",
            &net_rows,
        );
        let kms_rows = vec![
            Row::Owned("kms:S3KmsKey".into(), String::new()),
            Row::Owned("kms:StudioKmsKey".into(), String::new()),
        ];
        c.group_box(f, rect(rx, y0 + 8, right_w, 4), " KMS keys ", &kms_rows);
        c.hline(f, mx + mw, y0 + 15, gap, is_on(s3), false);
        c.node_box(f, rect(rx, y0 + 14, right_w, 3), "vpce:S3VPCEndpoint", &[]);
        c.vline(f, rx + right_w / 2, y0 + 17, 1, is_on(s3));
        let bucket_rows = vec![
            Row::Owned("bucket:data".into(), String::new()),
            Row::Owned("bucket:models".into(), String::new()),
        ];
        c.group_box(f, rect(rx, y0 + 18, right_w, 4), " Buckets ", &bucket_rows);
    }
}

/// A row inside a box: a node (by id, with a prefix before its label), or plain text.
pub(super) enum Row {
    Node(&'static str, &'static str),
    Owned(String, String),
    Text(String),
}

pub(super) struct Ctx<'a> {
    pub(super) t: &'a Topology,
    pub(super) theme: &'a Theme,
    pub(super) selected: Option<&'a str>,
    pub(super) on_path: &'a BTreeSet<String>,
}

impl Ctx<'_> {
    pub(super) fn is_selected(&self, id: &str) -> bool {
        self.selected == Some(id)
    }

    /// "› ✓ label [creating]" for a node inside a box.
    pub(super) fn item_line(&self, n: &Node, text: &str) -> Line<'static> {
        let sel = self.is_selected(&n.id);
        let on = self.on_path.contains(&n.id);
        let mut style = item_style(on, self.theme);
        if sel {
            style = self.theme.selected();
        }
        let mut spans = vec![
            Span::styled(if sel { "›" } else { " " }, self.theme.key()),
            Span::styled(
                marker(n.status, self.theme),
                status_style(n.status, self.theme),
            ),
            Span::styled(crate::core::shown::shown(text).into_owned(), style),
        ];
        if n.status != Status::Ready {
            spans.push(Span::styled(
                format!(" [{}]", n.status.word()),
                status_style(n.status, self.theme),
            ));
        }
        Line::from(spans)
    }

    pub(super) fn row_line(&self, r: &Row) -> Option<Line<'static>> {
        match r {
            Row::Text(s) => Some(Line::styled(format!("  {s}"), self.theme.dim())),
            Row::Node(id, prefix) => {
                let n = self.t.node(id)?;
                Some(self.item_line(n, &format!("{prefix}{}", n.label)))
            }
            Row::Owned(id, prefix) => {
                let n = self.t.node(id)?;
                Some(self.item_line(n, &format!("{prefix}{}", n.label)))
            }
        }
    }

    pub(super) fn row_id<'r>(&self, r: &'r Row) -> Option<&'r str> {
        match r {
            Row::Node(id, _) => Some(*id),
            Row::Owned(id, _) => Some(id.as_str()),
            Row::Text(_) => None,
        }
    }

    /// Rows into an area, scrolled so the selected row stays visible, "+N more" when cut.
    pub(super) fn rows(&self, f: &mut Frame, area: Rect, rows: &[Row]) {
        let cap = area.height as usize;
        if cap == 0 {
            return;
        }
        let sel = rows
            .iter()
            .position(|r| self.row_id(r).is_some_and(|id| self.is_selected(id)));
        let (start, room) = if rows.len() <= cap {
            (0, cap)
        } else {
            let room = cap.saturating_sub(1).max(1);
            let start = match sel {
                Some(s) if s >= room => s + 1 - room,
                _ => 0,
            };
            (start, room)
        };
        let mut lines: Vec<Line> = rows
            .iter()
            .skip(start)
            .take(room)
            .filter_map(|r| self.row_line(r))
            .collect();
        let hidden = rows.len().saturating_sub(start + room) + start;
        if hidden > 0 {
            lines.push(Line::styled(
                format!("  +{hidden} more (Tab to reach)"),
                self.theme.dim(),
            ));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    /// A box standing for one node: its title carries the node; `rows` go inside.
    pub(super) fn node_box(&self, f: &mut Frame, area: Rect, id: &str, rows: &[Row]) {
        let Some(n) = self.t.node(id) else { return };
        if area.height < 2 {
            return;
        }
        let sel = self.is_selected(id);
        let on = self.on_path.contains(id);
        let title = match &n.kind {
            NodeKind::Subnet { .. } => n.label.clone(),
            NodeKind::VpcEndpoint { .. } => "S3 gateway endpoint".into(),
            NodeKind::InternetGateway => "IGW".into(),
            k => k.name().to_string(),
        };
        let title_style = if sel {
            self.theme.selected()
        } else {
            status_style(n.status, self.theme).add_modifier(Modifier::BOLD)
        };
        let block = Block::bordered()
            .border_type(if on {
                BorderType::Thick
            } else {
                BorderType::Plain
            })
            .border_style(border_style(n.status, on, self.theme))
            .title(Line::from(vec![
                Span::raw(if sel { "›" } else { " " }),
                Span::styled(format!("{title} [{}]", n.status.word()), title_style),
                Span::raw(" "),
            ]));
        let inner = block.inner(area);
        f.render_widget(block, area);
        if rows.is_empty() {
            // A one-node box shows its label inside (ids, addresses).
            let body = match &n.kind {
                NodeKind::Internet => "0.0.0.0/0".to_string(),
                NodeKind::VpcEndpoint { .. } => n
                    .details
                    .iter()
                    .find(|(k, _)| k == "endpoint id")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| "not created yet".into()),
                NodeKind::Subnet { .. } => return,
                _ => n.label.clone(),
            };
            f.render_widget(
                Paragraph::new(Line::styled(format!(" {body}"), self.theme.dim())),
                inner,
            );
        } else {
            self.rows(f, inner, rows);
        }
    }

    /// A box grouping several nodes (no node of its own).
    pub(super) fn group_box(&self, f: &mut Frame, area: Rect, title: &str, rows: &[Row]) {
        if area.height < 2 {
            return;
        }
        let on = rows
            .iter()
            .filter_map(|r| self.row_id(r))
            .any(|id| self.on_path.contains(id));
        let block = Block::bordered()
            .border_type(if on {
                BorderType::Thick
            } else {
                BorderType::Plain
            })
            .border_style(if on {
                self.path_style()
            } else {
                self.theme.dim()
            })
            .title(Line::styled(title.to_string(), self.theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        self.rows(f, inner, rows);
    }

    pub(super) fn path_style(&self) -> Style {
        if self.theme.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// A vertical connector of `len` rows.
    pub(super) fn vline(&self, f: &mut Frame, x: u16, y: u16, len: u16, on: bool) {
        let area = f.area();
        let style = if on {
            self.path_style()
        } else {
            self.theme.dim()
        };
        for dy in 0..len {
            let (cx, cy) = (x, y + dy);
            if cx < area.right() && cy < area.bottom() {
                f.buffer_mut()[(cx, cy)]
                    .set_symbol(if on { "┃" } else { "│" })
                    .set_style(style);
            }
        }
    }

    /// A horizontal connector of `len` columns; the arrow points left or right.
    pub(super) fn hline(&self, f: &mut Frame, x: u16, y: u16, len: u16, on: bool, left: bool) {
        let area = f.area();
        let style = if on {
            self.path_style()
        } else {
            self.theme.dim()
        };
        for dx in 0..len {
            let (cx, cy) = (x + dx, y);
            if cx >= area.right() || cy >= area.bottom() {
                continue;
            }
            let sym = match (dx, left) {
                (0, true) => "◄",
                (d, false) if d + 1 == len => "►",
                _ if on => "━",
                _ => "─",
            };
            f.buffer_mut()[(cx, cy)].set_symbol(sym).set_style(style);
        }
    }
}

pub(super) fn item_style(on_path: bool, theme: &Theme) -> Style {
    if on_path {
        if theme.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    } else {
        theme.text()
    }
}

/// A status marker: a coloured dot, or (NO_COLOR) a distinct symbol.
pub fn marker(s: Status, theme: &Theme) -> &'static str {
    if theme.color {
        match s {
            Status::Missing => "○ ",
            _ => "● ",
        }
    } else {
        match s {
            Status::Ready => "✓ ",
            Status::Creating => "… ",
            Status::Failed => "✗ ",
            Status::Missing => "· ",
            Status::Deleting => "↓ ",
        }
    }
}

pub fn status_style(s: Status, theme: &Theme) -> Style {
    match s {
        Status::Ready => theme.ok(),
        Status::Creating => theme.warn(),
        Status::Failed => theme.error(),
        Status::Missing => theme.dim(),
        Status::Deleting => {
            if theme.color {
                Style::new().fg(Color::Magenta)
            } else {
                Style::new()
            }
        }
    }
}

fn border_style(s: Status, on_path: bool, theme: &Theme) -> Style {
    let base = match s {
        Status::Ready => theme.text(),
        _ => status_style(s, theme),
    };
    if on_path {
        base.add_modifier(Modifier::BOLD)
    } else {
        base
    }
}

/// The details panel of one node: kind, status, details, and its edges.
pub(super) fn render_details(f: &mut Frame, area: Rect, t: &Topology, n: &Node, theme: &Theme) {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<18}", "kind"), theme.dim()),
            Span::raw(n.kind.name()),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<18}", "status"), theme.dim()),
            Span::styled(n.status.word(), status_style(n.status, theme)),
        ]),
    ];
    if let NodeKind::VpcEndpoint { service, kind } = &n.kind {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<18}", "endpoint"), theme.dim()),
            Span::raw(format!("{service} ({kind:?})")),
        ]));
    }
    for (k, v) in &n.details {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:<18}"), theme.dim()),
            Span::raw(crate::core::shown::shown(v).into_owned()),
        ]));
    }
    let rels: Vec<String> = t
        .edges
        .iter()
        .filter(|e| e.from == n.id || e.to == n.id)
        .filter_map(|e| {
            let (other, dir) = if e.from == n.id {
                (&e.to, "→")
            } else {
                (&e.from, "←")
            };
            let o = t.node(other)?;
            let kind = match e.kind {
                EdgeKind::Traffic => "traffic",
                EdgeKind::Contains => "contains",
                EdgeKind::Uses => "uses",
            };
            Some(format!(
                "{dir} {kind}: {} {}",
                o.kind.name(),
                crate::core::shown::shown(&o.label)
            ))
        })
        .collect();
    if !rels.is_empty() {
        lines.push(Line::raw(""));
        for r in rels {
            lines.push(Line::styled(r, theme.dim()));
        }
    }
    let width = area.width.saturating_sub(4).min(84);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = crate::ui::widgets::clear_centered(f, area, width, height);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Line::styled(
                    format!(" {} ", crate::core::shown::shown(&n.label)),
                    theme.title(),
                ))
                .title_bottom(Line::styled(" Enter or Esc to close ", theme.dim())),
        ),
        popup,
    );
}
