//! The manual pages and shell completions that release archives ship (`release/`, listed in
//! `dist-workspace.toml`) are checked in, so that every target's archive carries the same files
//! without running the binary of another platform. This test fails when they no longer match
//! what the clap definition generates; `UPDATE_RELEASE_ASSETS=1 cargo test --test
//! release_assets` rewrites them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const UPDATE: &str = "UPDATE_RELEASE_ASSETS";

fn release_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("release")
}

fn studio_tui() -> Command {
    let mut cmd = Command::cargo_bin("studio-tui").unwrap();
    cmd.env_remove("STUDIO_TUI_HOME");
    cmd
}

/// Every file of `dir` (not recursive) by name, with its text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Compare the generated files with the checked-in ones (or replace them when updating).
fn check(what: &str, dir: &Path, generated: BTreeMap<String, String>) {
    assert!(!generated.is_empty(), "no {what} were generated");
    if std::env::var_os(UPDATE).is_some() {
        if dir.exists() {
            std::fs::remove_dir_all(dir).unwrap();
        }
        std::fs::create_dir_all(dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let checked_in = files(dir);
    let stale: Vec<&String> = generated
        .keys()
        .chain(checked_in.keys())
        .filter(|name| generated.get(*name) != checked_in.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "the {what} in {} are stale ({stale:?} differ, are missing or are extra): run \
         `{UPDATE}=1 cargo test --test release_assets` and commit the result",
        dir.display()
    );
}

#[test]
fn man_pages_match_the_cli() {
    let out = tempfile::tempdir().unwrap();
    studio_tui()
        .args(["man", out.path().to_str().unwrap()])
        .assert()
        .success();
    let generated = files(out.path());
    for page in [
        "studio-tui.1",
        "studio-tui-deploy.1",
        "studio-tui-firewall-blocked.1",
    ] {
        assert!(
            generated.contains_key(page),
            "{page} missing from {:?}",
            generated.keys()
        );
    }
    // The page printed without DIR is the top-level one written with it.
    let printed = studio_tui().arg("man").assert().success();
    let printed = String::from_utf8(printed.get_output().stdout.clone()).unwrap();
    assert_eq!(printed, generated["studio-tui.1"]);
    assert!(
        printed.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "not roff: {printed:.80}"
    );
    assert!(printed.contains(".SH SUBCOMMANDS") && printed.contains("studio\\-tui\\-deploy(1)"));
    check("manual pages", &release_dir().join("man"), generated);
}

#[test]
fn completions_match_the_cli() {
    let generated = [
        ("bash", "studio-tui.bash"),
        ("zsh", "_studio-tui"),
        ("fish", "studio-tui.fish"),
    ]
    .into_iter()
    .map(|(shell, file)| {
        let out = studio_tui().args(["completions", shell]).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(text.contains("studio-tui"), "{shell}: {text:.80}");
        (file.to_string(), text)
    })
    .collect();
    check(
        "shell completions",
        &release_dir().join("completions"),
        generated,
    );
}

#[test]
fn the_release_configuration_ships_the_checked_in_assets() {
    let config =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("dist-workspace.toml"))
            .unwrap();
    for path in ["release/man", "release/completions", "release/INSTALL.md"] {
        assert!(
            config.contains(&format!("\"{path}\"")),
            "dist-workspace.toml does not include {path} in the archives"
        );
        assert!(
            release_dir().parent().unwrap().join(path).exists(),
            "{path} missing"
        );
    }
}

/// The README's install lines name the repository that Cargo.toml declares (cargo-binstall and
/// dist build their download URLs from it), so moving the repository is a one-place change
/// that this test makes complete.
#[test]
fn readme_install_lines_use_the_manifest_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let repository = manifest
        .lines()
        .find_map(|l| l.strip_prefix("repository = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("Cargo.toml has a repository");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let urls: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("cargo ") || l.starts_with("curl "))
        .filter(|l| l.contains("https://github.com/"))
        .collect();
    assert!(urls.len() >= 3, "install lines missing from the README");
    for line in urls {
        assert!(
            line.contains(repository),
            "{line:?} does not use {repository}"
        );
    }
}
