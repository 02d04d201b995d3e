//! The keys a screen documents, read back as key events. The footer and the help overlay show a
//! screen's [`KeyHint`] table; [`parse`] turns each hint's label ("↑↓ / j k", "Shift-Tab",
//! "Ctrl-C") into the events it stands for, so the help can be completed with the keys every
//! screen shares, and tests can check that every documented key does something and every key
//! that does something is documented.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::widgets::KeyHint;

/// The key events a hint's label names. Words in parentheses are remarks ("Enter (last
/// field)"). A word that names no key is an error (a test reads every table).
pub fn parse(label: &str) -> Result<Vec<KeyEvent>, String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in label.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let none = |code| KeyEvent::new(code, KeyModifiers::NONE);
    // "/" alone is the key; elsewhere a slash separates alternatives ("c/Esc").
    if plain.trim() == "/" {
        return Ok(vec![none(KeyCode::Char('/'))]);
    }
    let mut out = Vec::new();
    for word in plain.split(|c: char| c.is_whitespace() || c == '/') {
        let keys: Vec<KeyEvent> = match word {
            "" => continue,
            "Tab" => vec![none(KeyCode::Tab)],
            "Shift-Tab" => vec![KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)],
            "Enter" => vec![none(KeyCode::Enter)],
            "Esc" => vec![none(KeyCode::Esc)],
            "Home" => vec![none(KeyCode::Home)],
            "End" => vec![none(KeyCode::End)],
            "PgUp" => vec![none(KeyCode::PageUp)],
            "PgDn" => vec![none(KeyCode::PageDown)],
            "Backspace" => vec![none(KeyCode::Backspace)],
            "Delete" => vec![none(KeyCode::Delete)],
            "space" => vec![none(KeyCode::Char(' '))],
            "Ctrl-C" => vec![KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)],
            "Ctrl-S" => vec![KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)],
            "F1" => vec![none(KeyCode::F(1))],
            "F2" => vec![none(KeyCode::F(2))],
            arrows if arrows.chars().all(|c| "↑↓←→".contains(c)) => arrows
                .chars()
                .map(|c| {
                    none(match c {
                        '↑' => KeyCode::Up,
                        '↓' => KeyCode::Down,
                        '←' => KeyCode::Left,
                        _ => KeyCode::Right,
                    })
                })
                .collect(),
            one if one.chars().count() == 1 => {
                vec![none(KeyCode::Char(one.chars().next().unwrap_or(' ')))]
            }
            other => return Err(format!("unknown key {other:?} in the key label {label:?}")),
        };
        out.extend(keys);
    }
    Ok(out)
}

/// Whether a table names this key (modifiers as pressed; Shift alone is part of the key).
pub fn documents(hints: &[KeyHint], key: &KeyEvent) -> bool {
    let strip = |k: &KeyEvent| (k.code, k.modifiers - KeyModifiers::SHIFT);
    hints
        .iter()
        .flat_map(|h| parse(h.key).unwrap_or_default())
        .any(|k| strip(&k) == strip(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_as_keys() {
        let codes = |l: &str| {
            parse(l)
                .expect("parses")
                .into_iter()
                .map(|k| k.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes("↑↓ / j k"),
            [
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Char('j'),
                KeyCode::Char('k')
            ]
        );
        assert_eq!(codes("Enter (last field)"), [KeyCode::Enter]);
        assert_eq!(codes("c/Esc"), [KeyCode::Char('c'), KeyCode::Esc]);
        assert_eq!(codes("/"), [KeyCode::Char('/')]);
        assert_eq!(codes("F2/Ctrl-S"), [KeyCode::F(2), KeyCode::Char('s')]);
        assert_eq!(
            parse("Ctrl-C").expect("parses")[0].modifiers,
            KeyModifiers::CONTROL
        );
        assert!(parse("Meta-X").is_err());
        assert!(documents(
            &[KeyHint::new("Shift-Tab / ← →", "previous / next")],
            &KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)
        ));
    }
}
