//! End-to-end tests of the wizard in a pseudo-terminal: the real binary runs on the slave side
//! of a pty (portable-pty), everything it writes is parsed by a terminal emulator (vt100), and
//! the tests type keys and read the emulated screen the way a person would.
//!
//! Every wait is bounded: a step that does not show its text within [`WAIT`] fails with the
//! screen as it was. The first-time path runs against this binary's emulator (pace 0) with the
//! CIDR-conflict fixture seeded in the test's own region; the Ctrl-C and resize tests need a
//! deployment that is still running, so they use a second emulator started at a pace where a
//! deploy takes minutes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, SlavePty, native_pty_system};
use serde_json::json;
use studio_tui::sandbox::{Emulator, EmulatorOptions};

/// How long one step may take to show what it should.
const WAIT: Duration = Duration::from_secs(60);

/// Keys as a terminal sends them (xterm).
const ENTER: &[u8] = b"\r";
const UP: &[u8] = b"\x1b[A";
const F2: &[u8] = b"\x1bOQ";
const CTRL_C: &[u8] = b"\x03";
const BACKSPACE: &[u8] = b"\x7f";

/// What the reader thread has seen so far.
struct Output {
    parser: vt100::Parser,
    /// Every byte the program wrote, in order.
    raw: Vec<u8>,
    /// The master side reached end of file (the slave side is closed).
    eof: bool,
}

/// The program running in a pseudo-terminal, with an emulated screen of its output.
struct Term {
    master: Box<dyn MasterPty + Send>,
    /// Kept open so the pty's settings can still be read after the program exits.
    _slave: Box<dyn SlavePty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    out: Arc<(Mutex<Output>, Condvar)>,
    _home: tempfile::TempDir,
}

impl Term {
    /// Start studio-tui (no command: the wizard) against `endpoint`, in a `cols` x `rows`
    /// terminal, with a clean environment like `common::binary`.
    fn start(endpoint: &str, region: &str, cols: u16, rows: u16) -> Term {
        let home = tempfile::tempdir().expect("temp home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_studio-tui"));
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", home.path());
        cmd.env("STUDIO_TUI_HOME", home.path().join("st"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd.env("AWS_CONFIG_FILE", home.path().join("aws-config"));
        cmd.env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        );
        cmd.env("AWS_ACCESS_KEY_ID", "testing");
        cmd.env("AWS_SECRET_ACCESS_KEY", "testing");
        cmd.env("AWS_ENDPOINT_URL", endpoint);
        cmd.args(["--region", region]);
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn studio-tui");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let out = Arc::new((
            Mutex::new(Output {
                parser: vt100::Parser::new(nz(rows), nz(cols), 0),
                raw: Vec::new(),
                eof: false,
            }),
            Condvar::new(),
        ));
        let shared = out.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, cvar) = &*shared;
                let mut o = lock.lock().unwrap();
                if n == 0 {
                    o.eof = true;
                    cvar.notify_all();
                    return;
                }
                o.parser.process(&buf[..n]);
                o.raw.extend_from_slice(&buf[..n]);
                cvar.notify_all();
            }
        });
        Term {
            master: pair.master,
            _slave: pair.slave,
            writer,
            child,
            out,
            _home: home,
        }
    }

    fn send(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// The emulated screen, one string per row (trailing spaces trimmed).
    fn lines(&self) -> Vec<String> {
        let o = self.out.0.lock().unwrap();
        let screen = o.parser.screen();
        let cols = screen.size().1.get();
        screen
            .rows(0, cols)
            .map(|r| r.trim_end().to_string())
            .collect()
    }

    fn dump(&self) -> String {
        let lines = self.lines();
        let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let mut s = format!("+{}+\n", "-".repeat(width));
        for l in lines {
            s.push_str(&format!("|{l:<width$}|\n"));
        }
        s
    }

    /// Wait until `ok` holds for a whole frame on the screen; panic with the screen after
    /// [`WAIT`].
    fn wait_until(&self, what: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        let (lock, cvar) = &*self.out;
        let mut o = lock.lock().unwrap();
        loop {
            // Only whole frames are judged: a frame reaches the pty in several reads.
            if frame_complete(&o.raw) {
                let screen = o.parser.screen();
                let cols = screen.size().1.get();
                let lines: Vec<String> = screen
                    .rows(0, cols)
                    .map(|r| r.trim_end().to_string())
                    .collect();
                if ok(&lines) {
                    return lines;
                }
            }
            let now = Instant::now();
            if now >= deadline || o.eof {
                drop(o);
                panic!(
                    "waited {}s for {what}; the screen:\n{}",
                    WAIT.as_secs(),
                    self.dump()
                );
            }
            o = cvar.wait_timeout(o, deadline - now).unwrap().0;
        }
    }

    /// Wait until the screen shows every one of `texts`.
    fn wait_for(&self, texts: &[&str]) -> Vec<String> {
        self.wait_until(&format!("{texts:?}"), |lines| {
            let all = lines.join("\n");
            texts.iter().all(|t| all.contains(t))
        })
    }

    /// Tell the program the window changed (the kernel sends SIGWINCH) and size the emulated
    /// screen the same way.
    fn resize(&mut self, cols: u16, rows: u16) {
        let (lock, _) = &*self.out;
        lock.lock()
            .unwrap()
            .parser
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// Wait (bounded) for the program to exit; its exit code.
    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "studio-tui did not exit within {}s; the screen:\n{}",
                WAIT.as_secs(),
                self.dump()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pty's local modes (ICANON, ECHO, ...), as the program left them.
    #[allow(
        unsafe_code,
        reason = "tcgetattr has no safe wrapper in the test's dependencies"
    )]
    fn local_modes(&self) -> libc::tcflag_t {
        let fd = self.master.as_raw_fd().expect("pty master fd");
        let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: fd is the open master of this pty; tcgetattr fills the struct on success.
        let rc = unsafe { libc::tcgetattr(fd, t.as_mut_ptr()) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        // SAFETY: initialised by the successful tcgetattr above.
        unsafe { t.assume_init() }.c_lflag
    }

    /// Every byte the program wrote so far.
    fn raw(&self) -> Vec<u8> {
        self.out.0.lock().unwrap().raw.clone()
    }

    /// Wait until the raw output contains `bytes` (after the program exits, its last writes may
    /// still be in the pty's buffer).
    fn wait_for_bytes(&self, bytes: &[u8]) {
        let deadline = Instant::now() + WAIT;
        let (lock, cvar) = &*self.out;
        let mut o = lock.lock().unwrap();
        while find_last(&o.raw, bytes).is_none() {
            let now = Instant::now();
            if now >= deadline || o.eof {
                drop(o);
                panic!(
                    "the program never wrote {:?}; the screen:\n{}",
                    String::from_utf8_lossy(bytes),
                    self.dump()
                );
            }
            o = cvar.wait_timeout(o, deadline - now).unwrap().0;
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // A test that failed half-way leaves no wizard behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The output ends with the end of a frame: ratatui writes the frame's changes, then hides the
/// cursor (`ESC[?25l`) or shows it and moves it to where the form's input is
/// (`ESC[?25h ESC[row;colH`), then flushes.
fn frame_complete(raw: &[u8]) -> bool {
    if raw.ends_with(b"\x1b[?25l") {
        return true;
    }
    let Some(i) = find_last(raw, b"\x1b[?25h") else {
        return false;
    };
    let rest = &raw[i + 6..];
    rest.len() > 3
        && rest.starts_with(b"\x1b[")
        && rest.ends_with(b"H")
        && rest[2..rest.len() - 1]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b';')
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has at least one row and column")
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The header is row 0, on one row: it starts with the program's name and the step's title and
/// the row under it is not a continuation of it; the footer (key hints) is the last row.
fn assert_frame(lines: &[String], step: &str) {
    let dump = lines.join("\n");
    assert!(
        lines[0].starts_with(" studio-tui │ ") && lines[0].contains(step),
        "header row {:?} lacks {step:?}\n{dump}",
        lines[0]
    );
    assert!(
        !lines[1].contains("region") && !lines[1].contains("studio-tui"),
        "the header wrapped onto row 1\n{dump}"
    );
    // The footer's last hints are help or quit: when not every hint fits, the footer drops
    // others (with a `…`), never these.
    let last = lines.last().expect("rows").trim_end();
    assert!(
        last.ends_with(" help") || last.ends_with(" quit"),
        "the footer row {last:?} does not end with help or quit\n{dump}"
    );
}

/// After the program exits the terminal is as it found it: out of the alternate screen, the
/// cursor shown (the last of each pair of escape sequences it wrote), and the pty back in
/// cooked mode (canonical input, echo).
fn assert_restored(t: &Term) {
    t.wait_for_bytes(b"\x1b[?1049l");
    t.wait_for_bytes(b"\x1b[?25h");
    let raw = t.raw();
    let last = |seq: &[u8]| find_last(&raw, seq);
    assert!(
        last(b"\x1b[?1049l") > last(b"\x1b[?1049h"),
        "the alternate screen was entered again after it was left"
    );
    assert!(
        last(b"\x1b[?25h") > last(b"\x1b[?25l"),
        "the cursor was hidden again after it was shown"
    );
    {
        let o = t.out.0.lock().unwrap();
        assert!(
            !o.parser.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!o.parser.screen().hide_cursor(), "the cursor is hidden");
    }
    let modes = t.local_modes();
    assert!(
        modes & libc::ICANON != 0 && modes & libc::ECHO != 0,
        "the pty is left in raw mode (c_lflag {modes:#o})"
    );
}

/// A second emulator, at a pace where a deploy takes minutes, for the tests that act while a
/// deployment runs. No test waits for it to finish.
fn paced_emulator() -> &'static str {
    static EMU: OnceLock<(String, Mutex<Emulator>)> = OnceLock::new();
    &EMU.get_or_init(|| {
        let opts = EmulatorOptions {
            port: 0,
            pace: 0.5,
            log_file: Some(common::cache_dir().join("emulator-pty-paced.log")),
            ..EmulatorOptions::default()
        };
        let mut progress = |line: &str| eprintln!("[paced emulator] {line}");
        let emu = Emulator::start(&common::cache_dir(), &opts, &mut progress)
            .unwrap_or_else(|e| panic!("cannot start the paced emulator: {e}"));
        (emu.endpoint.clone(), Mutex::new(emu))
    })
    .0
}

/// The rows of the review's change list: the type column starts at the same place in each.
fn assert_review_columns_aligned(lines: &[String]) {
    let starts: Vec<usize> = lines
        .iter()
        .filter(|l| l.starts_with("│ + "))
        .filter_map(|l| l.find("AWS::").map(|b| l[..b].chars().count()))
        .collect();
    assert!(starts.len() > 3, "no change rows\n{}", lines.join("\n"));
    assert!(
        starts.iter().all(|s| *s == starts[0]),
        "type column out of line: {starts:?}\n{}",
        lines.join("\n")
    );
}

/// On the form (project name focused): replace the project name with one of this test's own.
/// Buckets and IAM roles are named after the project and are global to the account, so two
/// tests deploying the default name would collide, whatever their regions.
fn name_the_project(t: &mut Term) -> String {
    let project = common::unique_name("e2e");
    t.send(&BACKSPACE.repeat(60));
    t.send(project.as_bytes());
    t.wait_until("the project name typed", |l| {
        l.iter()
            .any(|r| r.contains("› Project name") && r.contains(&project) && r.contains('✔'))
    });
    project
}

/// Account → preflight with a conflict → `s` → form → review → deploy → Studio → users →
/// topology, in a `cols` x `rows` terminal. The tests of this binary share the emulator: each
/// seeds the conflict in its own `region` and deploys a project of its own name.
fn first_time_path(cols: u16, rows: u16, region: &str) {
    let emu = common::emulator();
    emu.control_post(
        "/_studio/seed",
        &json!({"fixture": true, "regions": [region]}),
    );
    let mut t = Term::start(&emu.endpoint, region, cols, rows);

    // 1. Account and region: the identity the emulator answers.
    let s = t.wait_for(&[
        "1 · Account and region",
        "123456789012",
        "press n for preflight",
    ]);
    assert_frame(&s, "1 · Account and region");

    // 2. Preflight finds the fixture's VPC on the default range and suggests a free one.
    t.send(b"n");
    let s = t.wait_for(&[
        "Preflight: blocked",
        "✘ CIDR conflicts in the region",
        "CIDR_CONFLICT_EXACT 10.2.0.0/16",
        "legacy-analytics",
        "Suggested free range: 10.1.0.0/16",
        "P planned 10.2.0.0/16",
    ]);
    assert_frame(&s, "2 · Preflight");

    // `s` takes the suggestion: the map plans it.
    t.send(b"s");
    let s = t.wait_for(&["Parameters now use 10.1.0.0/16", "P planned 10.1.0.0/16"]);
    assert_frame(&s, "2 · Preflight");

    // 3. The form is prefilled with the suggestion; the last row takes a Studio user.
    t.send(b"n");
    let s = t.wait_for(&["3 · Parameters", "VPC CIDR", "10.1.0.0/16", "10.1.3.0/24"]);
    assert!(!s.join("\n").contains("10.2.0.0/16"), "{}", t.dump());
    let project = name_the_project(&mut t);
    t.send(UP);
    t.send(b"alice");
    let s = t.wait_until("alice on the focused users row", |l| {
        l.iter()
            .any(|r| r.contains("› Studio users") && r.contains("alice"))
    });
    assert!(s.last().unwrap().contains("F1 help"), "{}", t.dump());

    // 4. F2: the change set, counted, with its columns in line.
    t.send(F2);
    let s = t.wait_for(&[
        "4 · Review the changes",
        &format!("CREATE stack {project}"),
        "to add",
        "AWS::EC2::VPC",
    ]);
    assert_frame(&s, "4 · Review the changes");
    assert_review_columns_aligned(&s);

    // 5. Enter executes; the deploy view follows the stack and the Studio domain and user
    // built alongside it (a first create) to the end.
    t.send(ENTER);
    let s = t.wait_for(&[
        "5 · Deploy",
        "✔ CREATE_COMPLETE",
        "Studio ✔ InService, 1/1 users",
        "Outputs",
        "Events (",
    ]);
    assert_frame(&s, "5 · Deploy");

    // 6. n: the Studio step as it ended (built during the deploy, not run again).
    t.send(b"n");
    let s = t.wait_for(&[
        "6 · Studio domain and users",
        "Studio is ready",
        "✔ alice",
        "1/1 ready",
    ]);
    assert_frame(&s, "6 · Studio domain and users");

    // u: the users screen lists alice from SageMaker.
    t.send(b"u");
    let s = t.wait_for(&[&format!("Domain {project} (d-"), "› alice", "InService"]);
    assert_frame(&s, "Users");

    // g: the topology of what was deployed, on the suggested range (a tree at 80x24, the
    // diagram from 100x30).
    t.send(b"g");
    let s = t.wait_for(&[
        "Network Firewall",
        &format!("{project}-firewall"),
        "Studio subnet 10.1.3.0/24",
    ]);
    assert_frame(&s, "Topology");

    // Nothing runs: q quits at once, with exit code 0.
    t.send(b"q");
    assert_eq!(t.wait_exit(), 0, "{}", t.dump());
    assert_restored(&t);
}

#[test]
fn first_time_path_80x24() {
    first_time_path(80, 24, "us-east-1");
}

#[test]
fn first_time_path_120x40() {
    first_time_path(120, 40, "us-west-2");
}

/// Through preflight (nothing in the way), the form and the review to a running deployment on
/// the paced emulator.
fn start_a_deploy(region: &str, cols: u16, rows: u16) -> Term {
    let mut t = Term::start(paced_emulator(), region, cols, rows);
    t.wait_for(&["1 · Account and region", "press n for preflight"]);
    t.send(b"n");
    t.wait_for(&["Preflight: ready to deploy"]);
    t.send(b"n");
    t.wait_for(&["3 · Parameters", "VPC CIDR"]);
    let project = name_the_project(&mut t);
    t.send(F2);
    t.wait_for(&["4 · Review the changes", &format!("CREATE stack {project}")]);
    t.send(ENTER);
    t.wait_for(&["5 · Deploy", "CREATE_IN_PROGRESS"]);
    t
}

#[test]
fn ctrl_c_during_the_deploy_asks_and_y_restores_the_terminal() {
    let mut t = start_a_deploy("us-east-1", 80, 24);
    let modes = t.local_modes();
    assert_eq!(
        modes & (libc::ICANON | libc::ECHO),
        0,
        "the wizard runs in raw mode (c_lflag {modes:#o})"
    );

    // Ctrl-C asks first: the deployment would go on without us.
    t.send(CTRL_C);
    let s = t.wait_for(&["The deployment keeps running in AWS", "Quit? y/n", "y quit"]);
    assert_frame(&s, "5 · Deploy");
    // n stays, and the question goes.
    t.send(b"n");
    t.wait_until("the question closed", |l| {
        !l.join("\n").contains("Quit? y/n")
    });
    assert!(
        t.child.try_wait().expect("status").is_none(),
        "n must not quit"
    );

    t.send(CTRL_C);
    t.wait_for(&["Quit? y/n"]);
    t.send(b"y");
    assert_eq!(t.wait_exit(), 0, "{}", t.dump());
    assert_restored(&t);
}

#[test]
fn a_resize_mid_deploy_redraws_at_the_new_size() {
    let mut t = start_a_deploy("us-west-2", 80, 24);

    // Larger: the header gets its labels back and the footer moves to the new last row.
    t.resize(120, 40);
    let s = t.wait_until("a 120x40 frame", |l| {
        l[0].contains("account 123456789012  region us-west-2") && l[39].ends_with(" quit")
    });
    assert_frame(&s, "5 · Deploy");
    assert!(s.join("\n").contains("CREATE_IN_PROGRESS"), "{}", t.dump());

    // Smaller again: one header row in 80 columns, the footer on row 24.
    t.resize(80, 24);
    let s = t.wait_until("an 80x24 frame", |l| {
        l[0].contains("123456789012 · us-west-2") && l[23].ends_with(" quit")
    });
    assert_frame(&s, "5 · Deploy");

    t.send(CTRL_C);
    t.wait_for(&["Quit? y/n"]);
    t.send(b"y");
    assert_eq!(t.wait_exit(), 0, "{}", t.dump());
}
