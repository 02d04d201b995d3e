//! The overview's one row about leftovers that keep billing (`ops::leftovers`): "N billing
//! (notebook instance nb, …)" while any exist, why they could not be read when the scan
//! failed, nothing otherwise (and nothing while the scan runs).

use ratatui::text::Span;

use crate::ops;
use crate::ops::leftovers::Leftover;
use crate::ui::theme::Theme;

/// The row's text for the scan's result (None while it runs), or None when there is nothing
/// to say.
pub fn leftovers_spans(
    scan: Option<Result<&[Leftover], &ops::Error>>,
    theme: &Theme,
) -> Option<Vec<Span<'static>>> {
    match scan? {
        Ok(l) => {
            let line = ops::leftovers::summary(l)?;
            let text = line
                .strip_prefix("leftovers: ")
                .unwrap_or(&line)
                .to_string();
            Some(vec![
                Span::styled(text, theme.warn()),
                Span::styled(" · `studio-tui status` shows how to remove", theme.dim()),
            ])
        }
        Err(e) => Some(vec![Span::styled(
            format!(
                "could not be read: {}",
                crate::core::shown::shown(e.message())
            ),
            theme.dim(),
        )]),
    }
}
