//! Secrets (issue: secrets kept safe): the AMI secret and the SMS gateways'
//! password and key go to the credential store — here, as on any desk
//! without one, the private `secrets.toml` — and nowhere else: not the
//! settings file, the logs (even at trace level), an export, a backup or
//! any command's output. A user's password is kept nowhere at all, only
//! its hash.

use crate::support::DataDir;
use crate::support::ami_server::{BackgroundServer, Pace, Step};

const PBX_SECRET: &str = "crm-secret";
const KANNEL_PASSWORD: &str = "kannel-pw-7Q2";
const HTTP_KEY: &str = "Bearer key-9XW4";
const PASSWORD: &str = "sesame-R1ngdesk";

/// Every file under `dir`, recursively.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn secrets_are_used_but_never_written_anywhere_but_their_store() {
    let dir = DataDir::new();
    let server = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Immediate)]);
    let mut outputs = Vec::new();
    for (key, value) in [
        ("log.level", "trace"),
        ("pbx.host", "127.0.0.1"),
        ("pbx.port", &server.port().to_string()),
        ("pbx.user", "crm"),
        ("pbx.extension", "1001"),
        ("pbx.secret", PBX_SECRET),
        ("sms.kannel.password", KANNEL_PASSWORD),
        ("sms.http.auth_value", HTTP_KEY),
    ] {
        outputs.push(dir.run(&["config", "set", key, value]).0);
    }
    let list = dir.run(&["config", "list"]);
    assert!(
        list.stdout().contains("pbx.secret = \"********\""),
        "{}",
        list.stdout()
    );
    outputs.push(list.0);
    assert_eq!(
        dir.run(&["config", "get", "sms.http.auth_value"])
            .ok()
            .trim(),
        "********"
    );

    // The AMI login takes its secret from the store: the watch sees the call.
    let watch = dir.run(&["pbx", "watch", "--once", "--json"]);
    assert_eq!(watch.json_lines().len(), 3, "{}", watch.stderr());
    outputs.push(watch.0);

    dir.run(&[
        "customer",
        "add",
        "--name",
        "홍길동",
        "--phone",
        "010-1234-5678",
    ])
    .ok();
    let export = dir.path().join("export.csv");
    let backup = dir.path().join("backup.sqlite3");
    outputs.push(
        dir.run(&["export", "--format", "csv", export.to_str().unwrap()])
            .0,
    );
    outputs.push(dir.run(&["backup", backup.to_str().unwrap()]).0);
    assert!(export.exists() && backup.exists());

    let store = dir.path().join("secrets.toml");
    let kept = std::fs::read_to_string(&store).unwrap();
    for secret in [PBX_SECRET, KANNEL_PASSWORD, HTTP_KEY] {
        assert!(kept.contains(secret), "{secret} is in {}", store.display());
        for output in &outputs {
            assert!(
                !holds(&output.stdout, secret),
                "{secret} in a command's output"
            );
            assert!(
                !holds(&output.stderr, secret),
                "{secret} in a command's errors"
            );
        }
        for file in files(dir.path()).into_iter().filter(|file| *file != store) {
            let bytes = std::fs::read(&file).unwrap();
            assert!(!holds(&bytes, secret), "{secret} is in {}", file.display());
        }
    }
    let logs = files(dir.path())
        .into_iter()
        .filter(|file| file.to_string_lossy().contains("log"))
        .count();
    assert!(logs > 0, "the runs wrote a log to look through");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&store).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

#[test]
fn a_users_password_is_kept_nowhere_only_its_hash() {
    let dir = DataDir::new();
    let mut outputs = Vec::new();
    // A user is made, signs in once wrongly, then works.
    outputs.push(
        dir.run_with_input_as(
            None,
            &[
                "user",
                "add",
                "--login",
                "kim",
                "--role",
                "admin",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
        .0,
    );
    outputs.push(dir.run_as("kim", "wrong-password", &["search", "홍길동"]).0);
    outputs.push(dir.run_as("kim", PASSWORD, &["search", "홍길동"]).0);
    outputs.push(dir.run_as("kim", PASSWORD, &["audit"]).0);
    for file in files(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !holds(&bytes, PASSWORD),
            "the password is in {}",
            file.display()
        );
    }
    for output in &outputs {
        assert!(!holds(&output.stdout, PASSWORD) && !holds(&output.stderr, PASSWORD));
    }

    let database = std::fs::read(dir.database()).unwrap();
    assert!(holds(&database, "$argon2id$"), "the hash is kept");
}
