//! A bulk send of 10,000 messages from a sheet through the real Kannel of
//! the SMS tests ([`crate::support::kannel`]), its ringdesk process killed
//! (SIGKILL, not asked to stop) at a random point and started again with
//! `ringdesk sms resume`: every message reaches the SMS centre exactly
//! once, counted at fakesmsc.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::{RngExt as _, SeedableRng as _};

use crate::support::DataDir;
use crate::support::kannel::KannelRig;

const MESSAGES: usize = 10_000;

/// `ringdesk --data-dir DIR ARGS…` started in the background.
fn start(dir: &DataDir, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ringdesk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(args)
        .env_remove("RINGDESK_DATA_DIR")
        .env("RUST_LOG", "ringdesk=warn")
        .env("RINGDESK_SECRETS", "file")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Whether `done` came true within `timeout`.
fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// How many times each text arrived.
fn counts(rig: &KannelRig) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for received in rig.received() {
        *counts.entry(received.text).or_default() += 1;
    }
    counts
}

#[test]
fn a_bulk_send_killed_mid_way_and_resumed_delivers_every_message_exactly_once() {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    dir.run(&["sms", "sender", "add", "1588-1234"]).ok();
    let kannel = rig.settings();
    for (key, value) in [
        ("sms.gateway", "kannel".to_owned()),
        ("sms.rate_per_sec", "1000".to_owned()),
        ("sms.kannel.sendsms_url", kannel.sendsms_url),
        ("sms.kannel.username", kannel.username),
        ("sms.kannel.password", kannel.password),
        ("sms.kannel.dlr_port", kannel.dlr_port.to_string()),
    ] {
        dir.run(&["config", "set", key, &value]).ok();
    }
    let mut sheet = String::from("휴대폰,번호\n");
    for n in 0..MESSAGES {
        writeln!(sheet, "010-{:04}-{:04},{n}", 3000 + n / 10_000, n % 10_000).unwrap();
    }
    let sheet_path = dir.path().join("recipients.csv");
    std::fs::write(&sheet_path, sheet).unwrap();

    let mut random = rand_chacha::ChaCha8Rng::seed_from_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let kill_at = random.random_range(500..MESSAGES - 500);
    let mut sending = start(
        &dir,
        &[
            "sms",
            "bulk",
            "--excel",
            sheet_path.to_str().unwrap(),
            "--text",
            "대량 발송 #{번호}번 안내",
        ],
    );
    assert!(
        wait_until(Duration::from_mins(2), || rig.received_count() >= kill_at),
        "{kill_at} messages did not reach the SMS centre"
    );
    sending.kill().unwrap();
    sending.wait().unwrap();
    let at_kill = rig.received_count();
    assert!(at_kill < MESSAGES, "the batch ended before the kill");

    let mut resumed = start(&dir, &["sms", "resume", "--timeout", "600"]);
    let all_in = wait_until(Duration::from_mins(10), || counts(&rig).len() >= MESSAGES);
    assert!(
        all_in,
        "killed after {at_kill}; {} of {MESSAGES} arrived",
        counts(&rig).len()
    );
    // Give a repeat time to show.
    std::thread::sleep(Duration::from_secs(2));
    resumed.kill().ok();
    resumed.wait().ok();

    let counts = counts(&rig);
    let twice: Vec<_> = counts.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.is_empty(),
        "killed after {at_kill} of {MESSAGES}; sent more than once: {twice:?}"
    );
    for n in 0..MESSAGES {
        let text = format!("대량 발송 {n}번 안내");
        assert_eq!(
            counts.get(&text),
            Some(&1),
            "{text} (killed after {at_kill})"
        );
    }
}
