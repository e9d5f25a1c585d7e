//! Phone number parsing: time per `PhoneNumber::parse` for the forms agents,
//! spreadsheets and PBXs produce, printing p50/p99 over repeated runs.
//! `cargo bench --bench phone`.

#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use ringdesk::domain::{PhoneNumber, Region};

const ROUNDS: usize = 200;
const CALLS_PER_ROUND: u32 = 100;

fn main() {
    let inputs = [
        "010-1234-5678",
        "01012345678",
        "+82 10 1234 5678",
        "1012345678",
        "02-2299-7123",
        "031-123-4567",
        "1588-1234",
        "0082-10-1234-5678",
        "+81 90-1234-5678",
        "010-3932",
    ];
    println!("ringdesk phone parsing: time per parse, {ROUNDS} rounds of {CALLS_PER_ROUND}");
    for (input, region) in inputs
        .iter()
        .map(|input| (*input, Region::KOREA))
        .chain([("090-1234-5678", Region::JAPAN)])
    {
        // The first parses compile libphonenumber's patterns.
        for _ in 0..100 {
            std::hint::black_box(PhoneNumber::parse(input, region).unwrap());
        }
        let mut times: Vec<Duration> = (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..CALLS_PER_ROUND {
                    std::hint::black_box(
                        PhoneNumber::parse(std::hint::black_box(input), region).unwrap(),
                    );
                }
                started.elapsed() / CALLS_PER_ROUND
            })
            .collect();
        times.sort();
        println!(
            "  {input:<20} {region}  p50 {:>8.2} µs   p99 {:>8.2} µs",
            times[ROUNDS / 2].as_secs_f64() * 1e6,
            times[ROUNDS * 99 / 100].as_secs_f64() * 1e6
        );
    }
}
