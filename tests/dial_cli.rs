//! `ringdesk dial LINK` between two real processes: a first ringdesk
//! listens on a temporary data folder as the window does (the hidden
//! `listen`), a second `ringdesk dial tel:…` hands it the number and exits
//! 0. Needs no display.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::support::DataDir;

/// A first ringdesk listening on `dir`, stopped when dropped.
struct FirstStart {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
}

impl FirstStart {
    fn listen(dir: &DataDir) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ringdesk"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("listen")
            .env_remove("RINGDESK_DATA_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("listening on "), "{first}");
        Self { child, lines }
    }

    fn next(&mut self) -> String {
        self.lines.next().unwrap().unwrap()
    }
}

impl Drop for FirstStart {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[test]
fn a_second_start_hands_the_link_to_the_first_and_exits() {
    let dir = DataDir::new();
    let mut first = FirstStart::listen(&dir);
    let cases = [
        ("tel:+82-10-1234-5678", "+82-10-1234-5678", "010-1234-5678"),
        (
            "tel:%2B82-10-1234-5678",
            "+82-10-1234-5678",
            "010-1234-5678",
        ),
        (
            "callto://+82-2-2299-7123/",
            "+82-2-2299-7123",
            "02-2299-7123",
        ),
        ("tel:010-1234-5678;ext=7", "010-1234-5678", "010-1234-5678"),
        ("01012345678", "01012345678", "010-1234-5678"),
    ];
    for (link, handed, shown) in cases {
        let run = dir.run(&["dial", link]);
        assert_eq!(
            run.ok(),
            format!("handed {shown} to the running window\n"),
            "{link}"
        );
        assert_eq!(first.next(), format!("dial {handed}"), "{link}");
    }
    // A plain second start, or the desktop entry's `dial %u` started from
    // the menu (no link), brings the first to the front.
    dir.run(&[]).ok();
    assert_eq!(first.next(), "show");
    dir.run(&["dial"]).ok();
    assert_eq!(first.next(), "show");
    let run = dir.run(&["dial", "tel:"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("number: 'tel:' has no phone number in it"),
        "{}",
        run.stderr()
    );
    let run = dir.run(&["dial", "mailto:kim@example.com"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("number: 'mailto:kim@example.com' is a mailto: link")
    );
    // The refused ones reached nobody: the next line is the next hand-over.
    dir.run(&["dial", "tel:1588-1234"]).ok();
    assert_eq!(first.next(), "dial 1588-1234");
}

#[test]
fn with_no_window_running_dial_opens_one() {
    let dir = DataDir::new();
    // Without a display the window cannot open, which shows it was tried.
    let run = Command::new(env!("CARGO_BIN_EXE_ringdesk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["dial", "tel:+82-10-1234-5678"])
        .env_remove("RINGDESK_DATA_DIR")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("cannot open the window"), "{stderr}");
}
