//! Caller pop-up latency on a generated customer book (1,000,000 customers
//! by default, shared with `benches/store.rs` in `target/bench-data/`):
//! from the bytes of the PBX event that makes this agent's phone ring to
//! the pop-up's data (matched customer, fields, last call, latest note)
//! ready for the window — decode, channel event, tracker, caller lookup
//! and card, as the PBX thread runs them.
//!
//! Each call replays the real frames of `tests/data/ami/inbound_answered.txt`
//! with the caller's number replaced by a random customer's and the call's
//! ids made unique. `RINGDESK_BENCH_CUSTOMERS=N` changes the book's size,
//! `RINGDESK_BENCH_CALLS=N` the number of calls (2,000 by default).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    missing_docs
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::{RngExt as _, SeedableRng as _};
use ringdesk::backend::{CallDesk, Event};
use ringdesk::cli::demo_data;
use ringdesk::config::Settings;
use ringdesk::domain::{CustomerId, Region, Timestamp};
use ringdesk::pbx::FeedEvent;
use ringdesk::pbx::ami::events::channel_event;
use ringdesk::pbx::ami::{Decoder, Frame};
use ringdesk::store::Store;

/// The caller's number and the call's id in the recorded transcript.
const RECORDED_NUMBER: &str = "01012345678";
const RECORDED_ID: &str = "1795432197";

fn main() {
    let customers: u64 = env_number("RINGDESK_BENCH_CUSTOMERS", 1_000_000);
    let calls = env_number("RINGDESK_BENCH_CALLS", 2_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("store-{customers}.sqlite3"));
    println!("ringdesk pop-up benchmark: {customers} customers, {calls} calls");
    let numbers = {
        let mut store = Store::open(&path).unwrap();
        let have = store.count_customers().unwrap();
        if have < customers {
            demo_data::fill(&mut store, customers - have, 1, Region::KOREA, |_| {}).unwrap();
        }
        let mut random = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        (0..calls)
            .map(|_| {
                loop {
                    let id = CustomerId(random.random_range(1..=customers as i64));
                    if let Ok(customer) = store.customer(id)
                        && let Some(phone) = customer.phones.first()
                        && phone.verified
                        && phone.key.starts_with("+82")
                    {
                        // As a Korean trunk sends it: national digits.
                        break format!("0{}", &phone.key[3..]);
                    }
                }
            })
            .collect::<Vec<_>>()
    };
    let transcript = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ami/inbound_answered.txt"),
    )
    .unwrap();
    let mut settings = Settings::default();
    "1001".clone_into(&mut settings.pbx.extension);
    let mut desk = CallDesk::new(Store::open(&path).unwrap(), &settings);
    desk.warm_up();
    // Ids unique to this run: the call log keeps every call by its id.
    let run = Timestamp::now().as_millis() / 1000;

    let mut to_card = Vec::with_capacity(calls as usize);
    let mut whole_call = Vec::with_capacity(calls as usize);
    for (index, number) in numbers.iter().enumerate() {
        let bytes = transcript
            .replace(RECORDED_NUMBER, number)
            .replace(RECORDED_ID, &format!("{run}{index:06}"));
        let mut decoder = Decoder::default();
        let call_started = Instant::now();
        let mut popped = false;
        for chunk in bytes.as_bytes().chunks(1400) {
            let arrived = Instant::now();
            decoder.feed(chunk);
            while let Some(frame) = decoder.next_frame() {
                let Frame::Message(message) = frame else {
                    continue;
                };
                let Some(event) = channel_event(&message) else {
                    continue;
                };
                let event = FeedEvent::Channel {
                    at: Timestamp::now(),
                    event,
                };
                desk.handle(event, &mut |event| {
                    if !popped
                        && matches!(&event, Event::CallRinging(popup) if !popup.matches.is_empty())
                    {
                        popped = true;
                        to_card.push(arrived.elapsed());
                    }
                });
            }
        }
        assert!(
            popped,
            "call {index} to {number} did not pop up its customer"
        );
        whole_call.push(call_started.elapsed());
    }
    report("event received → pop-up data ready", to_card);
    report("a whole recorded call (~90 frames, logged)", whole_call);
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    println!(
        "  {label:<44} p50 {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms",
        at(50).as_secs_f64() * 1000.0,
        at(99).as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
}
