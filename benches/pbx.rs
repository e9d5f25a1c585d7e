//! PBX link benchmarks, on one core, from the recorded Asterisk transcripts
//! in `tests/data/ami/`:
//!
//! * codec: frames per second decoding the transcripts' bytes end to end
//!   (repeated to `RINGDESK_BENCH_AMI_MB`, 512 MB by default), fed in 64 KiB
//!   reads as a socket delivers them;
//! * other agents' traffic: the full path a frame takes (decode →
//!   `channel_event` → `Tracker::handle`) on a stream of calls between a
//!   trunk and other agents' phones, made from the real transcripts with
//!   renamed channels and ids (`RINGDESK_BENCH_AMI_CALLS`, 4,000 by
//!   default; 3,000 calls up at once, 1,000 frames a second of PBX time),
//!   as time per frame and as the share of one core the link takes at
//!   1,000 events a second.
//!
//! `cargo bench --bench pbx` measures; `cargo test --bench pbx` (a debug
//! build) runs the same code on small sizes as a smoke test.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use ringdesk::domain::Timestamp;
use ringdesk::pbx::Tracker;
use ringdesk::pbx::ami::{Decoder, Frame, Message, channel_event};

const BANNER: &[u8] = b"Asterisk Call Manager/11.0.0\r\n";
const READ_BYTES: usize = 64 * 1024;
const ROUNDS: usize = 5;
/// Other agents' calls up at once while the stream runs.
const CONCURRENT_CALLS: usize = 3_000;
/// The transcripts with a call in them.
const CALLS: [&str; 7] = [
    "inbound_answered",
    "inbound_missed",
    "inbound_busy",
    "inbound_noanswer",
    "inbound_queue_ringall",
    "outbound_click_to_call",
    "outbound_click_to_call_busy",
];

fn main() {
    let full = !cfg!(debug_assertions);
    let megabytes = size("RINGDESK_BENCH_AMI_MB", if full { 512 } else { 2 });
    let calls = size("RINGDESK_BENCH_AMI_CALLS", if full { 4_000 } else { 60 });
    println!(
        "ringdesk PBX benchmark ({} build, one core, {ROUNDS} rounds, median)",
        if full { "release" } else { "debug smoke" }
    );
    codec(megabytes);
    foreign_traffic(calls);
}

fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/ami")
            .join(format!("{name}.txt")),
    )
    .unwrap()
}

/// A transcript without its banner line, which only opens a connection.
fn without_banner(bytes: &[u8]) -> &[u8] {
    let line_end = bytes.iter().position(|byte| *byte == b'\n').unwrap();
    &bytes[line_end + 1..]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Feeds `stream` in socket-sized reads and hands each message to `each`.
fn decode(stream: &[u8], mut each: impl FnMut(Message)) -> usize {
    let mut decoder = Decoder::default();
    let mut frames = 0;
    for read in stream.chunks(READ_BYTES) {
        decoder.feed(read);
        while let Some(frame) = decoder.next_frame() {
            frames += 1;
            if let Frame::Message(message) = frame {
                each(message);
            }
        }
    }
    frames
}

fn codec(megabytes: usize) {
    let mut body = Vec::new();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ami")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "txt") {
            let bytes = std::fs::read(&path).unwrap();
            body.extend_from_slice(without_banner(&bytes));
        }
    }
    // One stream of at least `megabytes`, decoded in rounds.
    let repeats = (megabytes * 1_000_000).div_ceil(body.len()).max(ROUNDS);
    let per_round = repeats.div_ceil(ROUNDS);
    let mut stream = BANNER.to_vec();
    for _ in 0..per_round {
        stream.extend_from_slice(&body);
    }
    let mut frames = 0;
    let times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            frames = decode(&stream, |message| {
                black_box(message);
            });
            started.elapsed()
        })
        .collect();
    let time = median(times);
    println!(
        "  codec: {:.0} MB of recorded AMI traffic ({} transcripts' bytes ×{per_round}, ×{ROUNDS} rounds), {frames} frames a round, {:.0} bytes a frame",
        (stream.len() * ROUNDS) as f64 / 1e6,
        CALLS.len() + 4,
        stream.len() as f64 / frames as f64,
    );
    println!(
        "    decode                         {:>8.2} M frames/s   {:>6.0} MB/s   {:>6.3} µs/frame",
        frames as f64 / time.as_secs_f64() / 1e6,
        stream.len() as f64 / time.as_secs_f64() / 1e6,
        time.as_secs_f64() * 1e6 / frames as f64,
    );
}

/// The events of one recorded call with its extensions, channels and ids
/// renamed for call `n`: the agents are 2000 and up, never 1001.
fn renamed_call(templates: &[Vec<String>], n: usize) -> Vec<String> {
    let template = &templates[n % templates.len()];
    let first = 2000 + (n % 400) * 2;
    let id_prefix = format!("9{:06}", n % 1_000_000);
    template
        .iter()
        .map(|frame| {
            frame
                .replace("1001", &first.to_string())
                .replace("1002", &(first + 1).to_string())
                .replace("1795432", &id_prefix)
        })
        .collect()
}

/// `calls` other agents' calls as one AMI byte stream, `CONCURRENT_CALLS`
/// of them interleaved frame by frame as a busy PBX sends them.
fn foreign_stream(calls: usize) -> Vec<u8> {
    let templates: Vec<Vec<String>> = CALLS
        .iter()
        .map(|name| {
            let bytes = fixture(name);
            let text = String::from_utf8(without_banner(&bytes).to_vec()).unwrap();
            text.split("\r\n\r\n")
                .filter(|frame| frame.starts_with("Event: ") && !frame.contains("FullyBooted"))
                .map(|frame| format!("{frame}\r\n\r\n"))
                .collect()
        })
        .collect();
    let mut stream = BANNER.to_vec();
    let mut next = 0;
    let mut live: Vec<std::vec::IntoIter<String>> = Vec::new();
    loop {
        while live.len() < CONCURRENT_CALLS && next < calls {
            live.push(renamed_call(&templates, next).into_iter());
            next += 1;
        }
        if live.is_empty() {
            break;
        }
        live.retain_mut(|call| match call.next() {
            Some(frame) => {
                stream.extend_from_slice(frame.as_bytes());
                true
            }
            None => false,
        });
    }
    stream
}

fn foreign_traffic(calls: usize) {
    let stream = foreign_stream(calls);
    let mut frames: usize = 0;
    let mut events = Vec::new();
    decode(&stream, |message| {
        frames += 1;
        events.extend(channel_event(&message));
    });
    println!(
        "  other agents' traffic: {calls} calls (up to {CONCURRENT_CALLS} at once), {frames} frames, {} channel events, {:.0} MB",
        events.len(),
        stream.len() as f64 / 1e6
    );
    let per_frame = |time: Duration| time.as_secs_f64() * 1e6 / frames as f64;

    let decode_only = median(
        (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                decode(&stream, |message| {
                    black_box(message);
                });
                started.elapsed()
            })
            .collect(),
    );
    let mapped = median(
        (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                decode(&stream, |message| {
                    black_box(channel_event(&message));
                });
                started.elapsed()
            })
            .collect(),
    );
    let mut held = 0;
    let whole_path = median(
        (0..ROUNDS)
            .map(|_| {
                let mut tracker = Tracker::new("1001");
                let mut i: i64 = 0;
                let started = Instant::now();
                decode(&stream, |message| {
                    i += 1;
                    if let Some(event) = channel_event(&message) {
                        // 1,000 frames a second of PBX time.
                        let updates = tracker.handle(Timestamp(i), &event);
                        assert!(updates.is_empty(), "{updates:?}");
                    }
                });
                let time = started.elapsed();
                held = tracker.calls_held();
                time
            })
            .collect(),
    );
    let tracker_alone = median(
        (0..ROUNDS)
            .map(|_| {
                let mut tracker = Tracker::new("1001");
                let started = Instant::now();
                for (i, event) in events.iter().enumerate() {
                    black_box(
                        tracker.handle(Timestamp(i64::try_from(i).unwrap()), black_box(event)),
                    );
                }
                started.elapsed()
            })
            .collect(),
    );
    let full_path = per_frame(whole_path);
    println!(
        "    decode                         {:>8.3} µs/frame",
        per_frame(decode_only)
    );
    println!(
        "    decode + channel_event         {:>8.3} µs/frame",
        per_frame(mapped)
    );
    println!(
        "    decode + channel_event + track {full_path:>8.3} µs/frame   {:>6.3} % of one core at 1,000 events/s",
        full_path * 1_000.0 / 1e6 * 100.0
    );
    println!(
        "    Tracker::handle alone          {:>8.3} µs/channel event",
        tracker_alone.as_secs_f64() * 1e6 / events.len() as f64
    );
    println!("    calls held after the stream    {held:>8}");
}
