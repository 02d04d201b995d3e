//! The layer rule of README "Architecture", checked on the source instead of hoped for.
//!
//! Every `src/**/*.rs` file is read with its comments, string literals and `#[cfg(test)]` items
//! removed, and the names it uses are held against its layer:
//!
//! - `core/` is pure: no `tokio`, no AWS SDK crate, and nothing of the crate outside `core`;
//!   its modules do not import each other in a cycle.
//! - `aws/` is the only layer that names `aws_sdk_*` / `aws_smithy_*` (and `aws_config`,
//!   `aws_types`, `aws_runtime`), and it knows nothing of `ops`, `ui`, `commands` or `plain`.
//! - `ops/` names no SDK crate and no front-end (`ui`, `commands`, `plain`).
//! - The front-ends (`ui/`, `commands/`, `plain.rs`) are siblings: none reaches into the
//!   ratatui wizard's modules, and the wizard uses neither of the others.
//! - Outside `aws/`, nothing calls a session's SDK clients (`session.ec2()`, `.s3()`, ...),
//!   its test-only door to them (`.fixtures()`) or reads its `SdkConfig`: the clients are the
//!   AWS layer's own. The compiler enforces most of it (the accessors and the `sdk` field are
//!   private to `aws`); the check stays because `cargo test` builds the crate with the
//!   `test-util` feature, where `Session::fixtures()` exists and a call to it from the
//!   program's code would compile. Integration tests use that door to arrange their fixtures.
//! - Only `aws/` makes an `AwsError` (what an AWS call answered); studio-tui's own refusals
//!   and failures are `ops::Error` variants.
//!
//! A name that breaks the rule fails the test with the file, line and rule.
//!
//! Inside the layers, no files import each other in a circle, in any folder (a file is a part of
//! its folder's `mod.rs`, which may hold what the folder's files share and hand their names on).
//!
//! And no module is over 800 lines outside its tests: a longer one is split by role.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Files that still break a rule, with the name they use. They belong to work in progress
/// elsewhere and are to be emptied, not extended: an entry that is no longer needed fails the
/// test too, so the list can only shrink. Empty: every file keeps to its layer.
const ALLOWED: &[(&str, &str)] = &[];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Core,
    Aws,
    Ops,
    Ui,
    Commands,
    Plain,
    /// config, state, sandbox, template, cli, main, ...: shared plumbing.
    Other,
}

fn layer_of(rel: &str) -> Layer {
    let rest = rel.trim_start_matches("src/");
    match rest.split('/').next().unwrap_or_default() {
        "core" => Layer::Core,
        "aws" => Layer::Aws,
        "ops" => Layer::Ops,
        "ui" => Layer::Ui,
        "commands" => Layer::Commands,
        "plain.rs" | "plain" => Layer::Plain,
        _ => Layer::Other,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and char literals blanked (newlines kept, so line numbers
/// stay right).
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &[u8]| {
        for &c in s {
            out.push(if c == b'\n' { '\n' } else { ' ' });
        }
    };
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
            blank(&mut out, &b[i..end]);
            i = end;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, &b[i..j]);
            i = j;
        } else if c == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c as char);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = src[j + 1..]
                .find(&close)
                .map_or(b.len(), |n| j + 1 + n + close.len());
            blank(&mut out, &b[i..end]);
            i = end;
        } else if c == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            blank(&mut out, &b[i..end]);
            i = end;
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a) left as it is.
            let lit_end = if b.get(i + 1) == Some(&b'\\') {
                src[i + 2..].find('\'').map(|n| i + 2 + n + 1)
            } else {
                let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 2 + ch_len)
            };
            match lit_end {
                Some(end) => {
                    blank(&mut out, &b[i..end]);
                    i = end;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = src[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Blank every item marked `#[cfg(test)]` (a `mod tests { .. }`, a `use`, a helper): test code
/// may reach across layers to arrange its fixtures.
fn drop_test_items(src: &str) -> String {
    let mut out: Vec<u8> = src.as_bytes().to_vec();
    for (at, end) in test_items(src) {
        for c in &mut out[at..end] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte ranges of the items marked `#[cfg(test)]` in a stripped source (see [`strip`]):
/// from the attribute to the item's closing brace or semicolon.
fn test_items(src: &str) -> Vec<(usize, usize)> {
    const MARK: &str = "#[cfg(test)]";
    let b = src.as_bytes();
    let mut items = Vec::new();
    let mut from = 0;
    while let Some(at) = src[from..].find(MARK).map(|n| from + n) {
        let mut j = at + MARK.len();
        let mut depth = 0i32;
        let mut opened = false;
        while j < b.len() {
            match b[j] {
                b'{' | b'(' | b'[' => {
                    if b[j] == b'{' && depth == 0 {
                        opened = true;
                    }
                    depth += 1;
                }
                b'}' | b')' | b']' => depth -= 1,
                b';' if depth == 0 => break,
                _ => {}
            }
            j += 1;
            if opened && depth == 0 {
                break;
            }
        }
        let end = (j + 1).min(b.len());
        items.push((at, end));
        from = end;
    }
    items
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every whole-word occurrence of an identifier starting with `prefix` (or equal to it), with
/// its line number.
fn words_with_prefix(text: &str, prefix: &str) -> Vec<(usize, String)> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix).map(|n| from + n) {
        from = at + prefix.len();
        if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b'.') {
            continue;
        }
        let mut end = at + prefix.len();
        while end < b.len() && is_ident(b[end]) {
            end += 1;
        }
        let line = text[..at].matches('\n').count() + 1;
        found.push((line, text[at..end].to_string()));
        from = end;
    }
    found
}

/// The top-level modules of the crate a file names through `crate::x` or `crate::{x, y}`.
fn crate_modules(text: &str) -> Vec<(usize, String)> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("crate::").map(|n| from + n) {
        from = at + "crate::".len();
        if at > 0 && is_ident(b[at - 1]) {
            continue;
        }
        let line = text[..at].matches('\n').count() + 1;
        let rest = &text[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // crate::{a, b::{c, d}, e}: the names at depth one.
            let mut depth = 1;
            let mut name = String::new();
            let mut at_start = true;
            for ch in group.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        if !name.is_empty() {
                            found.push((line, std::mem::take(&mut name)));
                        }
                        at_start = true;
                    }
                    c if depth == 1 && at_start && (c.is_alphanumeric() || c == '_') => {
                        name.push(c);
                    }
                    _ if depth == 1 && at_start && !name.is_empty() => {
                        found.push((line, std::mem::take(&mut name)));
                        at_start = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.push((line, name));
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((line, name));
        }
    }
    found
}

/// Method calls `.name()` on anything: the SDK client accessors of `aws::Session`, and its
/// test-only door to them (`fixtures()`, built with the `test-util` feature that `cargo test`
/// turns on: a call in the program's code would compile there and break only a normal build).
fn client_calls(text: &str) -> Vec<(usize, String)> {
    const CLIENTS: [&str; 8] = [
        "fixtures",
        "sts",
        "cloudformation",
        "ec2",
        "sagemaker",
        "logs",
        "kms",
        "s3",
    ];
    let mut found = Vec::new();
    for name in CLIENTS {
        let call = format!(".{name}()");
        let mut from = 0;
        while let Some(at) = text[from..].find(&call).map(|n| from + n) {
            from = at + call.len();
            found.push((text[..at].matches('\n').count() + 1, call.clone()));
        }
    }
    let mut from = 0;
    while let Some(at) = text[from..].find(".sdk").map(|n| from + n) {
        from = at + 4;
        if text.as_bytes().get(from).copied().is_some_and(is_ident) {
            continue;
        }
        found.push((text[..at].matches('\n').count() + 1, ".sdk".into()));
    }
    found
}

const SDK_PREFIXES: [&str; 5] = [
    "aws_sdk_",
    "aws_smithy_",
    "aws_config",
    "aws_types",
    "aws_runtime",
];

/// One broken rule: (file, line, name, rule).
type Breach = (String, usize, String, &'static str);

/// Check one file's (stripped, test-free) text against its layer.
fn breaches(rel: &str, text: &str) -> Vec<Breach> {
    let layer = layer_of(rel);
    let mut out = Vec::new();
    let mut add = |line: usize, name: &str, rule: &'static str| {
        out.push((rel.to_string(), line, name.to_string(), rule));
    };
    if layer != Layer::Aws {
        for prefix in SDK_PREFIXES {
            for (line, name) in words_with_prefix(text, prefix) {
                add(line, &name, "only aws/ names the AWS SDK crates");
            }
        }
        for (line, call) in client_calls(text) {
            add(
                line,
                &call,
                "only aws/ uses a session's SDK clients and SdkConfig",
            );
        }
    }
    let crate_refs = crate_modules(text);
    let forbidden: &[&str] = match layer {
        Layer::Core => &[
            "aws", "ops", "ui", "commands", "plain", "config", "state", "sandbox", "cli",
        ],
        Layer::Aws => &["ops", "ui", "commands", "plain"],
        Layer::Ops => &["ui", "commands", "plain"],
        // The front-ends are siblings: the line output and the commands do not reach into
        // the ratatui wizard, nor it into them.
        Layer::Plain => &["ui", "commands"],
        Layer::Commands => &["ui"],
        Layer::Ui => &["commands", "plain"],
        Layer::Other => &[],
    };
    for (line, module) in &crate_refs {
        if forbidden.contains(&module.as_str()) {
            add(
                *line,
                &format!("crate::{module}"),
                match layer {
                    Layer::Core => "core/ uses nothing of the crate above it",
                    Layer::Aws => "aws/ knows nothing of ops/ or the front-ends",
                    Layer::Ops => "ops/ knows nothing of the front-ends",
                    _ => "one front-end does not reach into another",
                },
            );
        }
    }
    if layer == Layer::Core {
        for (line, name) in words_with_prefix(text, "tokio") {
            if name == "tokio" {
                add(line, &name, "core/ is synchronous: no tokio");
            }
        }
    }
    // An AwsError is what an AWS call answered; what studio-tui decides itself (a refusal, a
    // missing thing, a failure no call reported) is an `ops::Error` variant of its own.
    if layer != Layer::Aws {
        for (i, l) in text.lines().enumerate() {
            if l.contains("AwsError::new(") {
                add(
                    i + 1,
                    "AwsError::new",
                    "only aws/ makes an AwsError; say studio-tui's own failures with ops::Error",
                );
            }
        }
    }
    out
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .expect("under the manifest dir")
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&p).expect("read source");
            (rel, drop_test_items(&strip(&text)))
        })
        .collect()
}

#[test]
fn every_file_keeps_to_its_layer() {
    let mut found = Vec::new();
    for (rel, text) in sources() {
        found.extend(breaches(&rel, &text));
    }
    let mut used_allowances = BTreeSet::new();
    let mut report = Vec::new();
    for (file, line, name, rule) in &found {
        if let Some(a) = ALLOWED
            .iter()
            .find(|(f, n)| f == file && (name.starts_with(n) || name == n))
        {
            used_allowances.insert(*a);
            continue;
        }
        report.push(format!("{file}:{line}: {name} ({rule})"));
    }
    let stale: Vec<_> = ALLOWED
        .iter()
        .filter(|a| !used_allowances.contains(*a))
        .map(|(f, n)| format!("{f}: {n}"))
        .collect();
    assert!(
        report.is_empty(),
        "{} name(s) cross a layer (README \"Architecture\"):\n{}",
        report.len(),
        report.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allow-list entries no longer needed (delete them from ALLOWED in tests/layers.rs):\n{}",
        stale.join("\n")
    );
}

/// `core/` modules import each other in one direction only, so each can be read (and moved
/// into a crate of its own) from the bottom up.
#[test]
fn core_modules_do_not_import_each_other_in_a_cycle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in sources() {
        let Some(module) = rel
            .strip_prefix("src/core/")
            .and_then(|m| m.strip_suffix(".rs"))
            .map(|m| m.split('/').next().unwrap_or(m).to_string())
        else {
            continue;
        };
        let deps = graph.entry(module.clone()).or_default();
        for pattern in ["crate::core::", "super::"] {
            let mut from = 0;
            while let Some(at) = text[from..].find(pattern).map(|n| from + n) {
                from = at + pattern.len();
                let name: String = text[from..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module && name != "super" && name != "mod" {
                    deps.insert(name);
                }
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(pos) = stack.iter().position(|s| s == m) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!("core/ modules import each other: {}", cycle.join(" -> "));
        }
    }
}

/// Folders whose files still import each other in a circle, each with why. They belong to work
/// in progress elsewhere and are to be emptied, not extended: an entry that no circle needs any
/// more fails the test too, so the list can only shrink. Empty: no folder has a circle.
const CIRCLES_ALLOWED: &[(&str, &str)] = &[];

/// A file's module path: `src/ui/screens/review.rs` is `ui::screens::review`, a `mod.rs` is its
/// folder's module and `lib.rs` the crate's root (`main.rs` is another crate, of its own).
fn module_of(rel: &str) -> Vec<String> {
    let path = rel.trim_start_matches("src/").trim_end_matches(".rs");
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    if matches!(segments.last().map(String::as_str), Some("mod" | "lib")) {
        segments.pop();
    }
    segments
}

/// The paths a `use` tree or a path expression names, read from just after its `prefix::`: one
/// list of segments for a plain path, one for each item of a `{ .. }` group (nested groups too;
/// `self` in a group is the group's own path).
fn path_tree(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut out = Vec::new();
            for item in group_items(group) {
                let item = item.trim();
                if item == "self" {
                    out.push(segments.clone());
                    continue;
                }
                for tail in path_tree(item) {
                    out.push([segments.clone(), tail].concat());
                }
            }
            return out;
        }
        let ident: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            break;
        }
        rest = &rest[ident.len()..];
        segments.push(ident);
        match rest.trim_start().strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    vec![segments]
}

/// The items of a `{ .. }` group (its text starts after the opening brace), split at the commas
/// outside nested groups, up to the closing brace.
fn group_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

/// Every place `word::` stands as the start of a path (not after `::`, `.` or inside another
/// name), with the text after it.
fn path_starts<'t>(text: &'t str, word: &str) -> Vec<&'t str> {
    let pattern = format!("{word}::");
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(&pattern).map(|n| from + n) {
        from = at + pattern.len();
        if at > 0 && (is_ident(b[at - 1]) || b[at - 1] == b':' || b[at - 1] == b'.') {
            continue;
        }
        found.push(&text[from..]);
    }
    found
}

/// The files of the crate that a file imports: each `crate::`, `super::`, `self::` path and each
/// path through a module the file declares (`mod x;` then `x::..`), resolved to the deepest
/// module of it that is a file. A file's own enclosing modules (its folder's `mod.rs`, the
/// crate's root) are not imports: the file is a part of them.
fn imports(rel: &str, text: &str, files: &BTreeMap<Vec<String>, String>) -> BTreeSet<String> {
    let own = module_of(rel);
    let mut paths: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for rest in path_starts(text, "crate") {
        paths.extend(path_tree(rest).into_iter().map(|p| (Vec::new(), p)));
    }
    for rest in path_starts(text, "self") {
        paths.extend(path_tree(rest).into_iter().map(|p| (own.clone(), p)));
    }
    // `super::super::x` climbs twice: path_tree reads the supers as segments, counted here.
    for rest in path_starts(text, "super") {
        for p in path_tree(rest) {
            let ups = 1 + p.iter().take_while(|s| *s == "super").count();
            let base = own[..own.len().saturating_sub(ups)].to_vec();
            paths.push((base, p.into_iter().skip(ups - 1).collect()));
        }
    }
    let declared = text.lines().filter_map(|l| {
        let l = l.trim_start();
        let l = l
            .strip_prefix("pub(crate) ")
            .or_else(|| l.strip_prefix("pub "))
            .unwrap_or(l);
        l.strip_prefix("mod ")?.strip_suffix(';').map(str::trim)
    });
    for child in declared {
        for rest in path_starts(text, child) {
            for p in path_tree(rest) {
                paths.push((own.clone(), [vec![child.to_string()], p].concat()));
            }
        }
    }
    let mut out = BTreeSet::new();
    for (base, segments) in paths {
        let full = [base, segments].concat();
        let module = (0..=full.len())
            .rev()
            .map(|k| full[..k].to_vec())
            .find(|m| files.contains_key(m));
        let Some(module) = module else { continue };
        let encloses = module.len() < own.len() && own.starts_with(&module);
        if module != own && !encloses {
            out.insert(files[&module].clone());
        }
    }
    out
}

/// The circles of an import graph: its strongly connected components of more than one file.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let at = self.stack.iter().rposition(|s| *s == v).unwrap_or(0);
                let component: Vec<String> = self.stack.drain(at..).map(str::to_string).collect();
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    for c in &mut walk.found {
        c.sort();
    }
    walk.found.sort();
    walk.found
}

/// The import graph of a set of sources (path, stripped text).
fn import_graph(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeMap<Vec<String>, String> = sources
        .iter()
        .filter(|(rel, _)| rel != "src/main.rs")
        .map(|(rel, _)| (module_of(rel), rel.clone()))
        .collect();
    sources
        .iter()
        .map(|(rel, text)| (rel.clone(), imports(rel, text, &files)))
        .collect()
}

/// No files import each other in a circle, in any folder: each can be read from the bottom up,
/// and what two files both need lives one floor below them. (A folder's `mod.rs` may hand on
/// the names of its files and hold what they share: a file is a part of its folder's module.)
#[test]
fn files_do_not_import_each_other_in_a_circle() {
    let graph = import_graph(&sources());
    let mut report = Vec::new();
    let mut used = BTreeSet::new();
    for circle in circles(&graph) {
        if let Some(allowed) = CIRCLES_ALLOWED
            .iter()
            .find(|(folder, _)| circle.iter().all(|f| f.starts_with(folder)))
        {
            used.insert(allowed.0);
            continue;
        }
        let ties: Vec<String> = circle
            .iter()
            .flat_map(|a| {
                graph[a]
                    .iter()
                    .filter(|b| circle.contains(b))
                    .map(move |b| format!("  {a} -> {b}"))
            })
            .collect();
        report.push(format!(
            "{} files: {}\n{}",
            circle.len(),
            circle.join(", "),
            ties.join("\n")
        ));
    }
    let stale: Vec<&str> = CIRCLES_ALLOWED
        .iter()
        .map(|(folder, _)| *folder)
        .filter(|folder| !used.contains(folder))
        .collect();
    assert!(
        report.is_empty(),
        "files import each other in a circle (move what both need one floor down):\n{}",
        report.join("\n")
    );
    assert!(
        stale.is_empty(),
        "no circle left in these folders (delete them from CIRCLES_ALLOWED in tests/layers.rs): {}",
        stale.join(", ")
    );
}

#[test]
fn the_circle_check_sees_what_it_should() {
    let graph = |files: &[(&str, &str)]| {
        let sources: Vec<(String, String)> = files
            .iter()
            .map(|(rel, src)| (rel.to_string(), drop_test_items(&strip(src))))
            .collect();
        import_graph(&sources)
    };
    // Two files that import each other, through a group, a nested group and an expression.
    let two = graph(&[
        ("src/lib.rs", "pub mod ui;"),
        ("src/ui/mod.rs", "pub mod a;\npub mod b;\n"),
        ("src/ui/a.rs", "use crate::ui::{b::{self, Slot}, theme};"),
        ("src/ui/b.rs", "fn f() { super::a::Effect::Go }"),
    ]);
    assert_eq!(
        circles(&two),
        [vec!["src/ui/a.rs".to_string(), "src/ui/b.rs".to_string()]]
    );
    // A folder's mod.rs hands on its files' names and holds what they share: no circle. A
    // comment, a string and a test module import nothing.
    let face = graph(&[
        ("src/lib.rs", "pub mod ops;"),
        (
            "src/ops/mod.rs",
            "mod plan;\npub use plan::plan;\npub struct Poll;",
        ),
        (
            "src/ops/plan.rs",
            "use super::Poll;\nuse crate::ops::Poll as P;",
        ),
        (
            "src/ops/quiet.rs",
            "// crate::ops::plan\nconst S: &str = \"super::plan\";\n\
             #[cfg(test)]\nmod tests { use crate::ops::plan; }\n",
        ),
    ]);
    assert!(circles(&face).is_empty(), "{face:?}");
    assert_eq!(
        face["src/ops/mod.rs"],
        BTreeSet::from(["src/ops/plan.rs".to_string()])
    );
    assert!(face["src/ops/quiet.rs"].is_empty());
    // Across folders, and up two floors with super::super.
    let far = graph(&[
        ("src/lib.rs", "pub mod ui;"),
        ("src/ui/mod.rs", "pub mod app;\npub mod screens;"),
        (
            "src/ui/app/mod.rs",
            "use crate::ui::screens::deploy::DeployState;",
        ),
        ("src/ui/screens/mod.rs", "pub mod deploy;"),
        (
            "src/ui/screens/deploy/mod.rs",
            "use super::super::app::Step;",
        ),
    ]);
    assert_eq!(circles(&far).len(), 1);
}

/// The most lines a module may have outside its `#[cfg(test)]` items (issue 16): past it, a
/// module holds more than one role and is to be split by role, not trimmed.
const MAX_MODULE_LINES: usize = 800;

/// Modules still over the limit, to be split by the work in progress on them, not extended: an
/// entry whose module is back under the limit fails the test too, so the list can only shrink.
/// (Empty: `ui/screens/deploy` was split into the screen and its recap.)
const LONG_ALLOWED: &[&str] = &[];

/// The lines of `src` outside its `#[cfg(test)]` items: blank and comment lines count (they
/// are the module's too), a line that lies within a test item does not.
fn module_lines(src: &str) -> usize {
    let items = test_items(&strip(src));
    let mut start = 0;
    let mut n = 0;
    for line in src.split_inclusive('\n') {
        // The line's text (a blank line: the whole line) lies within a test item.
        let text = line.trim();
        let from = if text.is_empty() {
            start
        } else {
            start + (line.len() - line.trim_start().len())
        };
        let to = from + text.len().max(1);
        if !items.iter().any(|&(a, b)| a <= from && to <= b) {
            n += 1;
        }
        start += line.len();
    }
    n
}

#[test]
fn no_module_is_over_the_line_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut over = Vec::new();
    let mut stale: Vec<&str> = LONG_ALLOWED.to_vec();
    for p in &files {
        let n = module_lines(&fs::read_to_string(p).expect("read source"));
        let rel = p
            .strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/");
        if n <= MAX_MODULE_LINES {
            continue;
        }
        if LONG_ALLOWED.contains(&rel.as_str()) {
            stale.retain(|a| *a != rel);
        } else {
            over.push(format!("{rel}: {n} lines"));
        }
    }
    assert!(
        over.is_empty(),
        "module(s) over {MAX_MODULE_LINES} lines outside their tests; split them by role:\n{}",
        over.join("\n")
    );
    assert!(
        stale.is_empty(),
        "back under {MAX_MODULE_LINES} lines (delete them from LONG_ALLOWED in tests/layers.rs):\n{}",
        stale.join("\n")
    );
}

#[test]
fn module_lines_leave_out_test_items_only() {
    let src = "//! Doc.\n\nfn a() {}\n#[cfg(test)]\nmod tests {\n    // c\n\n    #[test]\n    fn t() {}\n}\n\nfn b() {}\n";
    // Five lines of the module (doc, blank, a, blank, b); the seven of `mod tests`, its blank
    // and comment lines included, do not count.
    assert_eq!(module_lines(src), 5);
    assert_eq!(module_lines("fn a() {}\n// c\n\nfn b() {}\n"), 4);
    // An indented test item, and a test `use` ended by its semicolon.
    let nested = "mod m {\n    #[cfg(test)]\n    use x::y;\n    fn a() {}\n}\n";
    assert_eq!(module_lines(nested), 3);
}

/// The checker itself: each rule catches what it is for, and comments, strings and test
/// modules do not count.
#[test]
fn the_checker_sees_what_it_should() {
    let names = |rel: &str, src: &str| -> Vec<String> {
        breaches(rel, &drop_test_items(&strip(src)))
            .into_iter()
            .map(|(_, _, n, _)| n)
            .collect()
    };
    assert_eq!(
        names(
            "src/core/x.rs",
            "use tokio::sync::mpsc;\nuse crate::{core::cidr, ops::deploy};\n"
        ),
        ["crate::ops", "tokio"]
    );
    assert_eq!(
        names(
            "src/ops/x.rs",
            "fn f() { crate::ui::screens::session::headline(e); }"
        ),
        ["crate::ui"]
    );
    assert_eq!(
        names(
            "src/commands/x.rs",
            "let t = aws_smithy_types::DateTime::from_millis(0);"
        ),
        ["aws_smithy_types"]
    );
    assert_eq!(
        names(
            "src/ops/x.rs",
            "let c = session.ec2(); let s = &session.sdk;"
        ),
        [".ec2()", ".sdk"]
    );
    assert_eq!(
        names("src/ui/x.rs", "let c = session.fixtures().s3();"),
        [".fixtures()", ".s3()"]
    );
    assert_eq!(
        names("src/aws/x.rs", "use aws_sdk_ec2::Client;"),
        Vec::<String>::new()
    );
    // studio-tui's own failures are ops::Error variants, not AWS errors it did not get.
    let own = "return Err(AwsError::new(ErrorKind::Other, \"studio-tui\", \"stopped\"));";
    assert_eq!(names("src/ops/x.rs", own), ["AwsError::new"]);
    assert_eq!(names("src/ui/x.rs", own), ["AwsError::new"]);
    assert_eq!(names("src/aws/x.rs", own), Vec::<String>::new());
    assert_eq!(
        names(
            "src/plain.rs",
            "let h = crate::ui::screens::session::headline(e);"
        ),
        ["crate::ui"]
    );
    assert_eq!(
        names("src/aws/x.rs", "use crate::{core, ops::studio};"),
        ["crate::ops"]
    );
    // Not code: a comment, a string, a raw string, a test module.
    let quiet = "// aws_sdk_s3 in a comment\n/* crate::ui */\nconst F: &str = \"aws_config=info\";\n\
                 const R: &str = r#\"tokio \"quoted\" \"#;\nfn g<'a>(x: &'a str) -> char { 'x' }\n\
                 #[cfg(test)]\nmod tests { use tokio::time; use crate::ui::App; }\n";
    assert_eq!(names("src/core/x.rs", quiet), Vec::<String>::new());
}

/// A command is one file (issue 27): `src/commands/NAME.rs` takes what several commands share
/// from `commands/mod.rs` and never reaches into another command's file; `main.rs` only parses
/// and dispatches.
#[test]
fn a_command_is_one_file() {
    let sources = sources();
    let commands: BTreeSet<String> = sources
        .iter()
        .filter_map(|(rel, _)| rel.strip_prefix("src/commands/")?.strip_suffix(".rs"))
        .filter(|m| *m != "mod" && !m.contains('/'))
        .map(str::to_string)
        .collect();
    assert!(
        commands.len() >= 10,
        "the commands were not found: {commands:?}"
    );
    let mut reaches = Vec::new();
    for (rel, text) in &sources {
        let Some(me) = rel
            .strip_prefix("src/commands/")
            .and_then(|m| m.strip_suffix(".rs"))
        else {
            continue;
        };
        if me == "mod" {
            continue;
        }
        for prefix in ["super::", "crate::commands::"] {
            for (line, word) in words_with_prefix(text, prefix) {
                let name = &word[prefix.len()..];
                if commands.contains(name) && name != me {
                    reaches.push(format!("{rel}:{line}: {word}"));
                }
            }
        }
        // `super::{a, b}`: the names of the group.
        let mut from = 0;
        while let Some(at) = text[from..].find("super::{").map(|n| from + n) {
            from = at + "super::{".len();
            let group = &text[from..text[from..].find('}').map_or(text.len(), |n| from + n)];
            for name in group.split(',').map(str::trim) {
                if commands.contains(name) && name != me {
                    let line = text[..at].matches('\n').count() + 1;
                    reaches.push(format!("{rel}:{line}: super::{{{name}}}"));
                }
            }
        }
    }
    assert!(
        reaches.is_empty(),
        "a command reaches into another command's file (move what both need to \
         commands/mod.rs):\n{}",
        reaches.join("\n")
    );
    let main = sources
        .iter()
        .find(|(rel, _)| rel == "src/main.rs")
        .map(|(_, text)| module_lines(text))
        .expect("src/main.rs");
    assert!(
        main < 150,
        "src/main.rs has {main} lines: it parses and dispatches, the commands live in src/commands/"
    );
}

/// Parameters are named in one place (issue 27): the template's parameter names appear as
/// string literals only in `core/field.rs` (and in tests), so code reads a parameter through its
/// field (`Field::VpcCidr.cfn_name()`) and a renamed parameter is one edit.
#[test]
fn template_parameter_names_come_from_the_field() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = fs::read_to_string(root.join("assets/cloudformation/expected-parameters.txt"))
        .expect("expected-parameters.txt");
    let names: Vec<String> = names
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("\"{l}\""))
        .collect();
    assert!(names.len() >= 5, "no parameter names read: {names:?}");
    // A name that is also one of the stack's outputs (AvailabilityZone) may be read as one.
    let outputs = fs::read_to_string(root.join("assets/cloudformation/expected-outputs.txt"))
        .expect("expected-outputs.txt");
    let outputs: Vec<String> = outputs
        .lines()
        .map(|l| format!("\"{}\"", l.trim()))
        .collect();
    let names: Vec<String> = names.into_iter().filter(|n| !outputs.contains(n)).collect();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut literals = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("under the manifest dir")
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "src/core/field.rs" {
            continue;
        }
        let raw = fs::read_to_string(&path).expect("read source");
        // Test items and comments are blanked in `strip`'s output at the same byte offsets.
        let tests = test_items(&strip(&raw));
        for name in &names {
            for (at, _) in raw.match_indices(name.as_str()) {
                if tests.iter().any(|(s, e)| (*s..*e).contains(&at)) {
                    continue;
                }
                let line = raw[..at].matches('\n').count() + 1;
                literals.push(format!("{rel}:{line}: {name}"));
            }
        }
    }
    assert!(
        literals.is_empty(),
        "template parameter names written as literals (use the field's cfn_name()):\n{}",
        literals.join("\n")
    );
}
