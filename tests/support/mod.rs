//! Shared helpers: a temporary data folder and a way to run the binary in
//! it; a test AMI server ([`ami_server`]); a real Kannel ([`kannel`]); a
//! test SMS provider ([`sms_provider`]).

pub mod ami_server;
pub mod kannel;
pub mod sms_provider;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary data folder, removed when dropped.
pub struct DataDir {
    dir: tempfile::TempDir,
}

impl DataDir {
    /// A new empty data folder.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The database file ringdesk keeps in it.
    pub fn database(&self) -> PathBuf {
        self.path().join("ringdesk.sqlite3")
    }

    /// Runs `ringdesk --data-dir DIR ARGS…`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.ringdesk(args, None).output().unwrap())
    }

    /// Runs `ringdesk --data-dir DIR ARGS…` as user `login` (its password
    /// in `RINGDESK_PASSWORD`).
    pub fn run_as(&self, login: &str, password: &str, args: &[&str]) -> Run {
        Run(self
            .ringdesk(args, Some((login, password)))
            .output()
            .unwrap())
    }

    /// Runs `ringdesk --data-dir DIR ARGS…` with `input` on standard input,
    /// as user `who` (login, password) when given.
    pub fn run_with_input_as(&self, who: Option<(&str, &str)>, args: &[&str], input: &str) -> Run {
        use std::io::Write as _;
        let mut child = self
            .ringdesk(args, who)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A command that fails before reading closes its end early.
        child.stdin.take().unwrap().write_all(input.as_bytes()).ok();
        Run(child.wait_with_output().unwrap())
    }

    /// The binary on this folder, as `who` (login, password) when given,
    /// untouched by the environment the tests run in.
    fn ringdesk(&self, args: &[&str], who: Option<(&str, &str)>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ringdesk"));
        command
            .arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env_remove("RINGDESK_DATA_DIR")
            .env_remove("RUST_LOG")
            .env_remove("RINGDESK_USER")
            .env_remove("RINGDESK_PASSWORD")
            .env("RINGDESK_SECRETS", "file");
        if let Some((login, password)) = who {
            command
                .env("RINGDESK_USER", login)
                .env("RINGDESK_PASSWORD", password);
        }
        command
    }
}

/// What a run of the binary did.
pub struct Run(pub Output);

impl Run {
    /// Exit code.
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }

    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).unwrap()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).unwrap()
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(self.code(), 0, "stderr: {}", self.stderr());
        self.stdout()
    }

    /// Each stdout line parsed as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.ok()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}
