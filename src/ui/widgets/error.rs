//! The one way a failure is shown: `✘` and what went wrong, then `Fix:` and what to do about it.
//! Every screen draws an [`ops::Error`] through [`ErrorView`], so the wording, the marks and the
//! styles are the same everywhere and a fix the error carries is never dropped.

use ratatui::text::{Line, Span};

use crate::core::shown::shown;
use crate::ops;
use crate::ui::theme::Theme;

/// An error as lines of text, for a paragraph that may add its own lines around them.
#[derive(Debug, Clone, Copy)]
pub struct ErrorView<'a> {
    error: &'a ops::Error,
    headline: bool,
    spaced: bool,
    /// Words before the message ("stopped": `✘ stopped: message`).
    label: Option<&'a str>,
}

impl<'a> ErrorView<'a> {
    /// `✘ message`, then `Fix: …` when the error knows one.
    pub fn new(error: &'a ops::Error) -> ErrorView<'a> {
        ErrorView {
            error,
            headline: false,
            spaced: false,
            label: None,
        }
    }

    /// Say what failed before the message: `✘ stopped: message`.
    pub fn labelled(mut self, label: &'a str) -> ErrorView<'a> {
        self.label = Some(label);
        self
    }

    /// The message, escaped: it often quotes AWS or the user ([`crate::core::shown`]).
    fn message(&self) -> String {
        let message = shown(self.error.message());
        match self.label {
            Some(label) => format!("{label}: {message}"),
            None => message.into_owned(),
        }
    }

    /// `✘ message` alone, for a status row whose panel shows the whole error (its fix included).
    pub fn summary(&self, theme: &Theme) -> Span<'static> {
        Span::styled(format!("✘ {}", self.message()), theme.error())
    }

    /// The message and its fix as one plain sentence (`message Fix: …`), for a notice that is
    /// not itself the failure (a refusal shown as a warning).
    pub fn sentence(&self) -> String {
        let mut text = self.message();
        if let Some(fix) = &self.error.fix() {
            text.push_str(&format!(" Fix: {}", shown(fix)));
        }
        text
    }

    /// Lead with a short headline of the kind of failure ("Access denied"), then the message:
    /// for panels where the error is the whole content.
    pub fn with_headline(mut self) -> ErrorView<'a> {
        self.headline = true;
        self
    }

    /// A blank line between the parts (a roomy panel with nothing else in it).
    pub fn spaced(mut self) -> ErrorView<'a> {
        self.spaced = true;
        self
    }

    pub fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let e = self.error;
        let mut lines = Vec::new();
        if self.headline {
            lines.push(Line::from(vec![
                Span::styled("✘ ", theme.error()),
                Span::styled(headline(e), theme.error()),
            ]));
            if self.spaced {
                lines.push(Line::raw(""));
            }
            lines.push(Line::raw(self.message()));
        } else {
            lines.push(Line::styled(format!("✘ {}", self.message()), theme.error()));
        }
        if let Some(fix) = &e.fix() {
            if self.spaced {
                lines.push(Line::raw(""));
            }
            lines.push(Line::from(vec![
                Span::styled("Fix: ", theme.key()),
                Span::raw(shown(fix).into_owned()),
            ]));
        }
        lines
    }
}

/// What kind of failure this is, in a few words a person can act on.
pub fn headline(e: &ops::Error) -> String {
    e.headline()
}

#[cfg(test)]
mod tests {
    use super::ErrorView;
    use crate::aws::{AwsError, ErrorKind};
    use crate::ops::Error;
    use crate::ui::theme::Theme;

    fn text(view: ErrorView) -> Vec<String> {
        view.lines(&Theme { color: false })
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn every_form_keeps_the_message_and_the_fix() {
        let e = AwsError::new(
            ErrorKind::AccessDenied,
            "sts:GetCallerIdentity",
            "not allowed",
        )
        .with_fix("ask for sts:GetCallerIdentity");
        let e = Error::from(e);
        assert_eq!(
            text(ErrorView::new(&e)),
            ["✘ not allowed", "Fix: ask for sts:GetCallerIdentity"]
        );
        assert_eq!(
            text(ErrorView::new(&e).with_headline()),
            [
                "✘ Access denied",
                "not allowed",
                "Fix: ask for sts:GetCallerIdentity"
            ]
        );
        assert_eq!(
            text(ErrorView::new(&e).with_headline().spaced()),
            [
                "✘ Access denied",
                "",
                "not allowed",
                "",
                "Fix: ask for sts:GetCallerIdentity"
            ]
        );
        let no_fix = Error::failed("op", "broke");
        assert_eq!(text(ErrorView::new(&no_fix)), ["✘ broke"]);
        assert_eq!(
            text(ErrorView::new(&e).labelled("stopped")),
            [
                "✘ stopped: not allowed",
                "Fix: ask for sts:GetCallerIdentity"
            ]
        );
        let theme = Theme { color: false };
        assert_eq!(ErrorView::new(&e).summary(&theme).content, "✘ not allowed");
        assert_eq!(
            ErrorView::new(&e).sentence(),
            "not allowed Fix: ask for sts:GetCallerIdentity"
        );
        assert_eq!(ErrorView::new(&no_fix).sentence(), "broke");
    }
}
