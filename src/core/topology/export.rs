//! The graph as text: an indented tree, JSON, a Mermaid flowchart and a Graphviz digraph.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Edge, EdgeKind, Path, Status, Topology};

impl Topology {
    /// An indented tree, for terminals and documentation.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{} ({})\n",
            self.project,
            self.stack_status.as_deref().unwrap_or("no stack")
        );
        for (depth, n) in self.tree() {
            let _ = writeln!(s, "{}{}", "  ".repeat(depth + 1), Topology::line(n));
        }
        let _ = writeln!(s, "Egress path: {}", self.path_text(Path::Egress));
        let _ = writeln!(s, "S3 path: {}", self.path_text(Path::S3));
        s
    }

    pub(super) fn path_text(&self, path: Path) -> String {
        let edges = self.path_edges(path);
        let mut hops: Vec<String> = Vec::new();
        for e in &edges {
            if !hops.contains(&e.from) && !edges.iter().any(|x| x.to == e.from) {
                hops.push(e.from.clone());
            }
        }
        let mut frontier = hops.clone();
        while let Some(cur) = frontier.pop() {
            let next: Vec<&Edge> = edges.iter().copied().filter(|e| e.from == cur).collect();
            if next.len() > 1 {
                let names: Vec<String> = next.iter().map(|e| e.to.clone()).collect();
                hops.push(format!("{{{}}}", names.join(", ")));
                break;
            }
            if let Some(e) = next.first() {
                hops.push(e.to.clone());
                frontier.push(e.to.clone());
            }
        }
        hops.join(" → ")
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A Mermaid flowchart (left to right): the traffic paths as thick arrows, containment as
    /// plain lines, use as dotted arrows; classes by status.
    pub fn to_mermaid(&self) -> String {
        let ids = self.short_ids();
        let mut s = String::from("flowchart LR\n");
        for n in &self.nodes {
            let _ = writeln!(
                s,
                "    {}[\"{}<br/>{} [{}]\"]:::{}",
                ids[&n.id],
                n.kind.name(),
                escape_mermaid(&n.label),
                n.status.word(),
                n.status.word().to_ascii_lowercase()
            );
        }
        for e in &self.edges {
            let arrow = match e.kind {
                EdgeKind::Traffic if !e.paths.is_empty() => "==>",
                EdgeKind::Traffic => "-->",
                EdgeKind::Contains => "---",
                EdgeKind::Uses => "-.->",
            };
            let label = path_label(e);
            match label {
                Some(l) => {
                    let _ = writeln!(s, "    {} {arrow}|{l}| {}", ids[&e.from], ids[&e.to]);
                }
                None => {
                    let _ = writeln!(s, "    {} {arrow} {}", ids[&e.from], ids[&e.to]);
                }
            }
        }
        s.push_str("    classDef ready fill:#d4edda,stroke:#2e7d32\n");
        s.push_str("    classDef creating fill:#fff3cd,stroke:#f9a825\n");
        s.push_str("    classDef failed fill:#f8d7da,stroke:#c62828\n");
        s.push_str("    classDef missing fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray: 4\n");
        s.push_str("    classDef deleting fill:#e0e0e0,stroke:#616161\n");
        s
    }

    /// A Graphviz digraph.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph topology {\n    rankdir=LR;\n    node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
        );
        let _ = writeln!(
            s,
            "    label=\"{} ({})\";",
            escape_dot(&self.project),
            escape_dot(self.stack_status.as_deref().unwrap_or("no stack"))
        );
        for n in &self.nodes {
            let fill = match n.status {
                Status::Ready => "#d4edda",
                Status::Creating => "#fff3cd",
                Status::Failed => "#f8d7da",
                Status::Missing => "#eeeeee",
                Status::Deleting => "#e0e0e0",
            };
            let _ = writeln!(
                s,
                "    \"{}\" [label=\"{}\\n{} [{}]\", fillcolor=\"{fill}\"];",
                escape_dot(&n.id),
                n.kind.name(),
                escape_dot(&n.label),
                n.status.word()
            );
        }
        for e in &self.edges {
            let style = match e.kind {
                EdgeKind::Traffic if !e.paths.is_empty() => "penwidth=2.5",
                EdgeKind::Traffic => "penwidth=1",
                EdgeKind::Contains => "arrowhead=none, color=\"#888888\"",
                EdgeKind::Uses => "style=dashed",
            };
            let label = path_label(e)
                .map(|l| format!(", label=\"{l}\""))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    \"{}\" -> \"{}\" [{style}{label}];",
                escape_dot(&e.from),
                escape_dot(&e.to)
            );
        }
        s.push_str("}\n");
        s
    }

    /// Mermaid-safe node ids: n0, n1, ...
    pub(super) fn short_ids(&self) -> BTreeMap<String, String> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), format!("n{i}")))
            .chain(
                // Edges to nodes that are not there (never by construction) still render.
                self.edges
                    .iter()
                    .flat_map(|e| [e.from.clone(), e.to.clone()])
                    .map(|id| (id.clone(), format!("x_{}", sanitize(&id)))),
            )
            .fold(BTreeMap::new(), |mut m, (k, v)| {
                m.entry(k).or_insert(v);
                m
            })
    }
}

fn path_label(e: &Edge) -> Option<String> {
    if e.paths.is_empty() {
        return None;
    }
    Some(
        e.paths
            .iter()
            .map(|p| match p {
                Path::Egress => "egress",
                Path::S3 => "s3",
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn escape_mermaid(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn escape_dot(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
