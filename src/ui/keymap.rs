//! Keys, typed. A screen's table is a list of [`Binding`]s: each row is what its footer and help
//! overlay show (a [`KeyHint`]) and the keys it names, each bound to the command it gives the
//! screen (or left to the app: help, quit, topology, which every screen shares). A key event is
//! looked up in that table as a [`Key`], never by parsing a label; [`parse`] reads a label back
//! into keys only so the tests can hold every table's words against its keys.

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

/// Whether the words of these hints name this key (modifiers as pressed; Shift alone is part
/// of the key): the tests hold what acts against what the help says.
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
    pub const UP: Key = Key::new(KeyCode::Up);
    pub const DOWN: Key = Key::new(KeyCode::Down);
    pub const LEFT: Key = Key::new(KeyCode::Left);
    pub const RIGHT: Key = Key::new(KeyCode::Right);
    pub const TAB: Key = Key::new(KeyCode::Tab);
    pub const BACKTAB: Key = Key::new(KeyCode::BackTab);
    pub const ENTER: Key = Key::new(KeyCode::Enter);
    pub const ESC: Key = Key::new(KeyCode::Esc);
    pub const HOME: Key = Key::new(KeyCode::Home);
    pub const END: Key = Key::new(KeyCode::End);
    pub const PAGE_UP: Key = Key::new(KeyCode::PageUp);
    pub const PAGE_DOWN: Key = Key::new(KeyCode::PageDown);
    pub const BACKSPACE: Key = Key::new(KeyCode::Backspace);
    pub const DELETE: Key = Key::new(KeyCode::Delete);
    pub const F1: Key = Key::new(KeyCode::F(1));
    pub const F2: Key = Key::new(KeyCode::F(2));
    pub const F3: Key = Key::new(KeyCode::F(3));

    /// A key pressed without Ctrl.
    pub const fn new(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    /// A character typed without Ctrl.
    pub const fn ch(c: char) -> Key {
        Key::new(KeyCode::Char(c))
    }

    /// Ctrl with a letter (Ctrl-C, Ctrl-S).
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

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

    /// A character typed without Ctrl: text, in an input.
    pub fn is_text(&self) -> bool {
        !self.ctrl && matches!(self.code, KeyCode::Char(_))
    }
}

/// One row of a key table: what the footer and the help overlay show, and the keys it names,
/// each with the command it gives the screen (`C`, the screen's own command type) or left to
/// the app (`shared`: help, quit, topology, which every screen has).
#[derive(Debug, Clone, Copy)]
pub struct Binding<C: 'static> {
    pub hint: KeyHint,
    pub keys: &'static [(Key, C)],
    pub shared: &'static [Key],
}

impl<C> Binding<C> {
    /// A row shown in the footer and the help: `label` names `keys`, which do `action`.
    pub const fn new(label: &'static str, action: &'static str, keys: &'static [(Key, C)]) -> Self {
        Binding {
            hint: KeyHint::new(label, action),
            keys,
            shared: &[],
        }
    }

    /// A row for keys every screen shares (the app takes them: help, quit, topology), said in
    /// this table's words.
    pub const fn shared(label: &'static str, action: &'static str, keys: &'static [Key]) -> Self {
        Binding {
            hint: KeyHint::new(label, action),
            keys: &[],
            shared: keys,
        }
    }

    /// Shown in the help overlay only, not in the footer.
    pub const fn help_only(self) -> Self {
        Binding {
            hint: KeyHint {
                footer: false,
                ..self.hint
            },
            ..self
        }
    }

    /// Every key the row names, bound or shared.
    pub fn all_keys(&self) -> impl Iterator<Item = Key> + '_ {
        self.keys
            .iter()
            .map(|(k, _)| *k)
            .chain(self.shared.iter().copied())
    }
}

/// The command a table binds `key` to (the first row that binds it).
pub fn command<C: Copy>(table: &[Binding<C>], key: Key) -> Option<C> {
    table
        .iter()
        .flat_map(|b| b.keys)
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
}

/// Whether a table names `key`, bound to a command or shared.
pub fn names<C>(table: &[Binding<C>], key: Key) -> bool {
    table.iter().any(|b| b.all_keys().any(|k| k == key))
}

/// The table as the footer and the help overlay show it.
pub fn hints<C>(table: &[Binding<C>]) -> Vec<KeyHint> {
    table.iter().map(|b| b.hint).collect()
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
    fn a_table_gives_the_command_its_row_binds() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Cmd {
            Retry,
            Review,
        }
        const TABLE: &[Binding<Cmd>] = &[
            Binding::new("R", "delete & retry", &[(Key::ch('R'), Cmd::Retry)]),
            Binding::new(
                "F2/Ctrl-S",
                "review",
                &[(Key::F2, Cmd::Review), (Key::ctrl('s'), Cmd::Review)],
            ),
            Binding::shared("q", "quit", &[Key::ch('q')]).help_only(),
        ];
        let ev = |code, modifiers| Key::of(&KeyEvent::new(code, modifiers));
        // Shift is part of the character; Ctrl is not the letter.
        assert_eq!(
            command(TABLE, ev(KeyCode::Char('R'), KeyModifiers::SHIFT)),
            Some(Cmd::Retry)
        );
        assert_eq!(
            command(TABLE, ev(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            Some(Cmd::Review)
        );
        assert_eq!(command(TABLE, Key::ch('s')), None);
        assert_eq!(command(TABLE, Key::ch('r')), None);
        // A shared key is named, and gives the screen no command.
        assert!(names(TABLE, Key::ch('q')) && command(TABLE, Key::ch('q')).is_none());
        assert!(!hints(TABLE)[2].footer && hints(TABLE)[1].footer);
        // Each row's words name exactly its keys.
        for row in TABLE {
            let words: Vec<Key> = parse(row.hint.key)
                .expect("parses")
                .iter()
                .map(Key::of)
                .collect();
            assert_eq!(
                words,
                row.all_keys().collect::<Vec<_>>(),
                "{}",
                row.hint.key
            );
        }
    }
}
