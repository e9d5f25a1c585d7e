//! A stand-in Asterisk for demos and screenshots: serves the AMI on
//! 127.0.0.1 and, a second after ringdesk logs in, plays a call recorded
//! from a real Asterisk (`tests/data/ami/inbound_answered.txt`): the phone
//! rings for three seconds, is answered, and the call stays up for ten
//! minutes before it ends.
//!
//! ```sh
//! cargo run --example ami_replay -- 15038 01098765432   # port, caller (default 01012345678)
//! ringdesk config set pbx.host 127.0.0.1
//! ringdesk config set pbx.port 15038
//! ringdesk config set pbx.user crm
//! ringdesk config set pbx.secret crm-secret
//! ringdesk config set pbx.extension 1001
//! ```
//!
//! Every login hears the call again; click-to-call is answered with the
//! recorded click-to-call.

#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    clippy::unwrap_used,
    missing_docs
)]

#[path = "../tests/support/ami_server.rs"]
#[allow(dead_code, unreachable_pub)]
mod ami_server;

use std::time::Duration;

use ami_server::{AmiServer, ServerConfig, Step, after_login, fixture_bytes};

/// The recorded caller and call id.
const RECORDED_CALLER: &str = "01012345678";
const RECORDED_ID: &str = "1795432197";

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|port| port.parse().ok())
        .unwrap_or(15038);
    let caller = args.next().unwrap_or_else(|| RECORDED_CALLER.to_owned());
    let recorded = fixture_bytes("inbound_answered");
    let text = String::from_utf8_lossy(&recorded[after_login(&recorded)..])
        .replace(RECORDED_CALLER, &caller)
        .replace("Outside Caller", "")
        // A call id of its own, so the call log keeps each demo call.
        .replace(
            RECORDED_ID,
            &format!("{}", std::process::id() + 1_000_000_000),
        );
    // Ringing until the phone is answered (the second channel enters the bridge).
    let ringing_end = frame_end_after(&text, "Event: DialBegin", 1);
    let answered_end = frame_end_after(&text, "Event: BridgeEnter", 2);
    let script = vec![
        Step::Wait(Duration::from_secs(1)),
        Step::Send(text.as_bytes()[..ringing_end].to_vec()),
        Step::Wait(Duration::from_secs(3)),
        Step::Send(text.as_bytes()[ringing_end..answered_end].to_vec()),
        Step::Wait(Duration::from_mins(10)),
        Step::Send(text.as_bytes()[answered_end..].to_vec()),
    ];
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let server = AmiServer::start_on(
            port,
            ServerConfig {
                channels: Vec::new(),
                scripts: vec![script; 100],
                ..ServerConfig::default()
            },
        )
        .await;
        println!(
            "a call from {caller} to extension 1001 on each login at 127.0.0.1:{} (user crm, secret crm-secret)",
            server.port()
        );
        std::future::pending::<()>().await;
    });
}

/// Where the frame holding the `nth` occurrence of `marker` ends.
fn frame_end_after(text: &str, marker: &str, nth: usize) -> usize {
    let start = text
        .match_indices(marker)
        .nth(nth - 1)
        .map(|(at, _)| at)
        .expect("the recording holds the marker");
    text[start..]
        .find("\r\n\r\n")
        .map(|end| start + end + 4)
        .expect("the frame ends")
}
