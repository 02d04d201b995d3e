//! The deploy screen's recap: the outputs or what failed (root cause first), and how the Studio
//! half built alongside a first create ended.

use ratatui::text::{Line, Span};

use super::{DeployState, stack_name_of};

use crate::ops;
use crate::ops::studio::{UserOutcome, UserResult};
use crate::ops::up::{Overlapped, StudioEnd};
use crate::ui::theme::Theme;
use crate::ui::widgets::ErrorView;

/// How the Studio half of a first create ended, as the deploy screen tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum StudioRecap {
    /// The domain is InService; each user's outcome.
    Ready {
        domain_id: String,
        users: Vec<UserOutcome>,
    },
    /// The domain failed or could not be created; the stack is kept.
    Failed { error: ops::Error },
    /// The stack failed and the domain started next to it was removed (`error`: what could
    /// not be); `stack_deleted`: the failed stack was then deleted, with this final status.
    Removed {
        domain_id: String,
        error: Option<ops::Error>,
        stack_deleted: Option<String>,
    },
    /// The stack failed before the domain was started.
    NotStarted,
}

impl StudioRecap {
    pub fn of(ov: &Overlapped) -> StudioRecap {
        match &ov.studio {
            StudioEnd::Ready(setup) => StudioRecap::Ready {
                domain_id: setup.domain.id.clone(),
                users: setup.users.clone(),
            },
            StudioEnd::Failed { error, .. } => StudioRecap::Failed {
                error: error.clone(),
            },
            StudioEnd::Removed { domain_id, error } => StudioRecap::Removed {
                domain_id: domain_id.clone(),
                error: error.clone(),
                stack_deleted: ov.deleted.as_ref().map(|d| d.status.to_string()),
            },
            StudioEnd::NotStarted => StudioRecap::NotStarted,
        }
    }
}

impl DeployState {
    pub(super) fn recap_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(e) = &self.error {
            lines.extend(ErrorView::new(e).lines(theme));
            return lines;
        }
        let Some(o) = &self.outcome else {
            return lines;
        };
        if o.ok {
            // What was built alongside first: at 80x24 the outputs may not all fit.
            lines.extend(self.studio_lines(theme));
            let w = o.outputs.keys().map(String::len).max().unwrap_or(0);
            for (k, v) in &o.outputs {
                lines.push(Line::from(vec![
                    Span::styled(format!("{k:<w$}  "), theme.key()),
                    Span::raw(v.clone()),
                ]));
            }
            if lines.is_empty() && self.operation != "delete" {
                lines.push(Line::styled("(the stack has no outputs)", theme.dim()));
            }
            if self.operation == "delete" {
                lines.push(Line::raw(
                    "The stack is deleted. r: deploy again with the same parameters.",
                ));
            }
            return lines;
        }
        for (i, e) in o.failures.iter().enumerate() {
            let tag = if i == 0 && o.root_cause.is_some() {
                "ROOT CAUSE "
            } else {
                ""
            };
            // The root cause first, then what happened to the Studio domain (removed, the
            // stack deleted), then the failures that followed.
            if i == 1 {
                lines.extend(self.studio_lines(theme));
            }
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{tag}{} ", e.logical_id),
                    if tag.is_empty() {
                        theme.text()
                    } else {
                        theme.error()
                    },
                ),
                Span::styled(format!("{} ", e.status), theme.warn()),
                Span::raw(
                    crate::core::shown::shown(e.reason.as_deref().unwrap_or_default()).into_owned(),
                ),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::raw(format!("The stack ended in {}.", o.status)));
        }
        let removed = matches!(
            &self.studio_end,
            Some(StudioRecap::Removed {
                stack_deleted: Some(_),
                ..
            })
        );
        if !removed && let Some(r) = crate::ops::deploy::Recovery::for_status(&o.status) {
            lines.push(Line::styled(
                r.explain(stack_name_of(&o.stack_id), &o.status),
                theme.dim(),
            ));
        }
        if o.failures.len() < 2 {
            lines.extend(self.studio_lines(theme));
        }
        lines
    }

    /// The Studio half's end in a few words for the status line (true: good news).
    pub(super) fn studio_status(&self) -> Option<(String, bool)> {
        Some(match self.studio_end.as_ref()? {
            StudioRecap::Ready { users, .. } => {
                let ok = users.iter().filter(|u| u.is_ok()).count();
                (
                    format!("· Studio ✔ InService, {ok}/{} users", users.len()),
                    ok == users.len(),
                )
            }
            StudioRecap::Failed { .. } => ("· Studio ✘ the domain failed".into(), false),
            StudioRecap::Removed { error: None, .. } => {
                ("· the Studio domain was removed".into(), false)
            }
            StudioRecap::Removed { .. } => (
                "· ✘ removing the Studio domain did not finish".into(),
                false,
            ),
            StudioRecap::NotStarted => return None,
        })
    }

    /// The Studio half's part of the recap: running, ready, failed, or removed after the
    /// stack failed.
    fn studio_lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if self.studio_pending {
            let domain = self
                .tracker
                .resource(crate::ops::up::DOMAIN_STEP)
                .map_or("waiting", |r| r.status.as_str())
                .to_string();
            lines.push(Line::from(vec![
                Span::styled("Studio domain  ", theme.key()),
                Span::raw(format!("{domain} (users follow once it is InService)")),
            ]));
            return lines;
        }
        match &self.studio_end {
            None | Some(StudioRecap::NotStarted) => {}
            Some(StudioRecap::Ready { domain_id, users }) => {
                lines.push(Line::from(vec![
                    Span::styled("Studio domain  ", theme.key()),
                    Span::styled(format!("✔ {domain_id} InService"), theme.ok()),
                ]));
                for u in users {
                    let (word, style) = match &u.result {
                        UserResult::Created => ("✔ created".to_string(), theme.ok()),
                        UserResult::AlreadyExists => ("✔ already exists".into(), theme.ok()),
                        UserResult::Removed => ("removed".into(), theme.dim()),
                        UserResult::NotFound => ("not found".into(), theme.dim()),
                        UserResult::Failed(e) => {
                            let summary = ErrorView::new(e).summary(theme);
                            (summary.content.into_owned(), summary.style)
                        }
                    };
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!("User {}  ", crate::core::shown::shown(&u.name)),
                            theme.key(),
                        ),
                        Span::styled(word, style),
                    ]));
                }
                lines.push(Line::styled(
                    "Built alongside the stack. n: the Studio step (sign-in, users).",
                    theme.dim(),
                ));
            }
            Some(StudioRecap::Failed { error }) => {
                lines.extend(ErrorView::new(error).lines(theme));
                lines.push(Line::styled(
                    "The stack is kept. n: the Studio step, where r creates only the domain again.",
                    theme.dim(),
                ));
            }
            Some(StudioRecap::Removed {
                domain_id,
                error,
                stack_deleted,
            }) => {
                lines.push(Line::raw(match error {
                    None => format!(
                        "The Studio domain {domain_id} started next to the stack was removed, \
                         with the security groups SageMaker left in the VPC."
                    ),
                    Some(_) => format!(
                        "Removing the Studio domain {domain_id} started next to the stack did \
                         not finish:"
                    ),
                }));
                if let Some(e) = error {
                    lines.extend(ErrorView::new(e).lines(theme));
                }
                if let Some(status) = stack_deleted {
                    lines.push(Line::styled(
                        format!(
                            "The rollback had stopped at what the domain left; the failed stack \
                             was then deleted ({status}). r: deploy again with the same parameters."
                        ),
                        theme.dim(),
                    ));
                }
            }
        }
        lines
    }
}
