//! SMS composer: time to count a message and check it against the
//! advertising rules, what the composer does on every keystroke, printing
//! p50/p99 over repeated runs (target: at most 0.1 ms for a 2,000-byte
//! message). Then 대량문자발송's recipient list: sorting 100,000 gathered
//! customers out (`Gathered::sort_out`), which the window does again whenever 광고 is
//! ticked or a row removed (target: well under a 16 ms frame).
//!
//! `cargo bench --bench sms` measures; `cargo test --bench sms` (a debug
//! build) runs the same code for a few rounds as a smoke test.

#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use ringdesk::domain::{Candidate, CandidateNumber, CustomerId, MessageKind};
use ringdesk::sms::recipient_list::{Gathered, LeftOutReason};
use ringdesk::sms::{AdRules, Count, Destination, Limits, MessageText, check_ad, fix_ad};

fn main() {
    let full = !cfg!(debug_assertions);
    let (rounds, calls) = if full { (200, 100) } else { (5, 2) };
    let rules = AdRules {
        sender_name: "링데스크".to_owned(),
        sender_contact: "02-2299-7123".to_owned(),
        optout_number: "080-123-4567".to_owned(),
    };
    let advert = fix_ad(&korean_text(1930), &rules);
    let cases = [
        ("2,000-byte Korean advert", advert, Destination::Korea),
        (
            "2,000-byte Korean, emoji",
            format!("{}😀", korean_text(1998)),
            Destination::Korea,
        ),
        (
            "Korean text abroad (UCS-2)",
            korean_text(2000),
            Destination::Abroad { calling_code: 81 },
        ),
    ];
    println!(
        "ringdesk SMS composer ({} build): measure + check_ad per keystroke, {rounds} rounds of {calls}",
        if full { "release" } else { "debug smoke" }
    );
    for (name, body, destination) in &cases {
        let text = MessageText {
            body,
            subject: "",
            image: None,
            destination: *destination,
        };
        let measure = text.measure(Limits::default());
        let size = match measure.count {
            Count::Bytes { body, .. } => {
                assert_eq!(measure.kind, MessageKind::Lms, "{name}: {measure:?}");
                assert!((1950..=2000).contains(&body), "{name}: {body} bytes");
                format!("{body:>5} EUC-KR bytes")
            }
            Count::Segments(segments) => format!("{:>5} UCS-2 units ", segments.units),
        };
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..calls {
                    let text = black_box(text);
                    black_box(text.measure(Limits::default()));
                    black_box(check_ad(text.body, &rules));
                }
                started.elapsed() / calls
            })
            .collect();
        times.sort();
        println!(
            "  {name:<28} {size}  p50 {:>7.2} µs   p99 {:>7.2} µs",
            times[rounds / 2].as_secs_f64() * 1e6,
            times[rounds * 99 / 100].as_secs_f64() * 1e6
        );
    }
    recipient_list(if full { 50 } else { 2 });
}

/// 100,000 gathered candidates sorted out again, as the window does on
/// every tick of 광고, as a text and as an advertisement.
fn recipient_list(rounds: usize) {
    let mut gathered = Gathered::new();
    gathered.add(candidates(100_000));
    println!(
        "대량문자발송 recipient list: Gathered::sort_out on 100,000 candidates, {rounds} rounds"
    );
    for advertising in [false, true] {
        let list = gathered.sort_out(advertising);
        // 1 in 50 opted out, 1 in 40 landline only, 1 in 100 without a
        // real number, 1 in 25 sharing a number.
        assert_eq!(
            list.count(LeftOutReason::OptedOut),
            if advertising { 2_000 } else { 0 }
        );
        assert!(list.count(LeftOutReason::Duplicate) > 3_000);
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                black_box(black_box(&gathered).sort_out(advertising));
                started.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "  {:<28} {:>6} recipients  p50 {:>7.2} ms   p99 {:>7.2} ms",
            if advertising {
                "advertisement"
            } else {
                "plain text"
            },
            list.recipients.len(),
            times[rounds / 2].as_secs_f64() * 1e3,
            times[(rounds * 99 / 100).min(rounds - 1)].as_secs_f64() * 1e3
        );
    }
}

/// `count` customers with a Korean name and one or two numbers, some opted
/// out, some with a landline only, some without a real number, some with a
/// number a customer before them has.
fn candidates(count: usize) -> Vec<Candidate> {
    let number = |n: usize, mobile: bool, verified: bool| {
        let (display, key) = if mobile {
            (
                format!("010-{:04}-{:04}", n / 10_000, n % 10_000),
                format!("+8210{n:08}"),
            )
        } else {
            (
                format!("02-{:03}-{:04}", n / 10_000 % 1000, n % 10_000),
                format!("+822{:07}", n % 10_000_000),
            )
        };
        CandidateNumber {
            label: String::new(),
            display,
            key: key.into(),
            mobile,
            verified,
        }
    };
    (0..count)
        .map(|index| {
            let numbers = if index % 40 == 1 {
                vec![number(index, false, true)]
            } else if index % 100 == 3 {
                vec![number(index, true, false)]
            } else if index % 25 == 5 {
                vec![number(index - 1, true, true)]
            } else {
                vec![
                    number(index + 7_000_000, false, true),
                    number(index, true, true),
                ]
            };
            Candidate {
                customer_id: CustomerId(i64::try_from(index).unwrap() + 1),
                name: format!("고객{index:06}"),
                ad_opted_out: index % 50 == 7,
                numbers,
            }
        })
        .collect()
}

/// Korean prose with spaces, digits and punctuation, about `bytes` EUC-KR
/// bytes long (Hangul 2 bytes, the rest 1).
fn korean_text(bytes: usize) -> String {
    const WORDS: [&str; 12] = [
        "안녕하세요",
        "고객님",
        "겨울",
        "할인",
        "행사를",
        "안내해",
        "드립니다.",
        "전",
        "품목",
        "20%",
        "12월",
        "31일까지",
    ];
    let mut text = String::new();
    let mut counted = 0;
    for word in WORDS.iter().cycle() {
        let width: usize = word
            .chars()
            .map(|ch| if ch.is_ascii() { 1 } else { 2 })
            .sum();
        if counted + width + 1 > bytes {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
            counted += 1;
        }
        text.push_str(word);
        counted += width;
    }
    while counted < bytes {
        text.push('.');
        counted += 1;
    }
    text
}
