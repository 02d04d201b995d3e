//! Keys, read through the tables the screens document them in. A screen's [`KeyHint`] table is
//! its footer and its help overlay; [`parse`] turns each hint's label ("↑↓ / j k", "Shift-Tab",
//! "Ctrl-C") into the events it stands for, and [`read`] uses the same tables to turn a key
//! event into the [`Command`] the screen is given: a key its table does not name never reaches
//! it, so a key cannot be handled but undocumented (and tests/ui_keys.rs checks that every
//! documented key does something in some state of its screen).

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
            "F3" => vec![none(KeyCode::F(3))],
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

/// A key as the tables name it: its code, and whether Ctrl was held (Shift is part of the
/// character: `R` is `R`, Shift-Tab is `BackTab`; Alt is not told apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn of(event: &KeyEvent) -> Key {
        Key {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        }
    }

    /// This character, typed without Ctrl.
    pub fn is_char(&self, c: char) -> bool {
        !self.ctrl && self.code == KeyCode::Char(c)
    }
}

/// A key press as the screen showing is given it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// A key the screen's table names: it does what the table says.
    Key(Key),
    /// A key pressed while an input or an overlay has the focus (the form, a name being typed,
    /// the filter, the sign-in URL): letters are text there, and every key goes to it.
    Text(Key),
}

impl Command {
    /// The key pressed.
    pub fn key(&self) -> Key {
        match self {
            Command::Key(k) | Command::Text(k) => *k,
        }
    }
}

/// The command a key event is for a screen documented by `table` (`captured`: an input or an
/// overlay of it has the focus); None when the table does not name the key: it does nothing
/// there.
pub fn read(table: &[KeyHint], event: &KeyEvent, captured: bool) -> Option<Command> {
    let key = Key::of(event);
    if captured {
        return Some(Command::Text(key));
    }
    let named = table
        .iter()
        .flat_map(|h| parse(h.key).unwrap_or_default())
        .any(|k| Key::of(&k) == key);
    named.then_some(Command::Key(key))
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

    #[test]
    fn only_the_keys_a_table_names_become_commands() {
        let table = [
            KeyHint::new("R", "delete & retry"),
            KeyHint::new("F2/Ctrl-S", "review"),
        ];
        let ev = |code, modifiers| KeyEvent::new(code, modifiers);
        // Shift is part of the character; Ctrl is not the letter.
        assert_eq!(
            read(&table, &ev(KeyCode::Char('R'), KeyModifiers::SHIFT), false),
            Some(Command::Key(Key {
                code: KeyCode::Char('R'),
                ctrl: false
            }))
        );
        assert_eq!(
            read(
                &table,
                &ev(KeyCode::Char('s'), KeyModifiers::CONTROL),
                false
            )
            .map(|c| c.key().ctrl),
            Some(true)
        );
        assert_eq!(
            read(&table, &ev(KeyCode::Char('s'), KeyModifiers::NONE), false),
            None
        );
        assert_eq!(
            read(&table, &ev(KeyCode::Char('r'), KeyModifiers::NONE), false),
            None
        );
        // In an input every key is text.
        assert!(matches!(
            read(&table, &ev(KeyCode::Char('x'), KeyModifiers::NONE), true),
            Some(Command::Text(k)) if k.is_char('x')
        ));
    }
}
