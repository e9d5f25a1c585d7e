//! Kannel gateway throughput against a real Kannel (the test rig in
//! `tests/support/kannel.rs`: bearerbox, smsbox, fakesmsc on loopback):
//! `RINGDESK_BENCH_MESSAGES` Korean messages (10,000 by default) through
//! the [`Kannel`] gateway with 8 in flight, side by side with a plain
//! reqwest client sending the same sendsms GETs (same text, coding,
//! `dlr-mask` and `dlr-url`) over kept-alive connections, also 8 in flight.
//!
//! Each round is timed twice: until Kannel has accepted every message (the
//! client's own speed; the target is the gateway at ≥ 90 % of the plain
//! client) and until the fake SMS centre has got them all and every
//! delivery report is back (what Kannel itself manages). Each client's
//! messages go in [`CHUNKS`] rounds, alternated plain, gateway, gateway,
//! plain, plain, gateway…, so neither client always meets a Kannel that has
//! done more work (its delivery-report table and store grow) nor takes the
//! brunt of a burst of other work on the machine; the rates are each
//! client's messages over its rounds' total time, with the slowest and
//! fastest round.
//!
//! `cargo bench --bench kannel` measures; `cargo test --bench kannel` (a
//! debug build, 200 messages unless `RINGDESK_BENCH_MESSAGES` says
//! otherwise) runs the same code as a smoke test.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

#[path = "../tests/support/kannel.rs"]
mod kannel_rig;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kannel_rig::KannelRig;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use ringdesk::domain::MessageKind;
use ringdesk::sms::gateway::listener::DLR_MASK;
use ringdesk::sms::gateway::{DeliveryOutcome, GatewayReport, Kannel, Outgoing, SmsGateway};
use tokio::sync::mpsc;

/// Messages in flight at once, for both clients.
const IN_FLIGHT: usize = 8;
/// Rounds per client; short rounds, alternated, so a burst of other work
/// on the machine falls on both clients alike.
const CHUNKS: usize = 10;
const WAIT: Duration = Duration::from_mins(5);

fn main() {
    let full = !cfg!(debug_assertions);
    let messages: usize = std::env::var("RINGDESK_BENCH_MESSAGES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(if full { 10_000 } else { 200 });
    println!(
        "ringdesk Kannel benchmark ({} build): {messages} Korean messages per client in {CHUNKS} rounds each, alternated, {IN_FLIGHT} in flight",
        if full { "release" } else { "debug smoke" }
    );
    // The plain client gets the same crypto the gateway uses.
    tokio_rustls::rustls::crypto::ring::default_provider()
        .install_default()
        .ok();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let rig = KannelRig::start();
    runtime.block_on(async {
        let (sender, mut reports) = mpsc::channel(1024);
        let gateway = Arc::new(Kannel::open(&rig.settings(), sender).unwrap());
        let delivered = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&delivered);
        tokio::spawn(async move {
            while let Some(report) = reports.recv().await {
                if matches!(
                    report,
                    GatewayReport::Delivery {
                        outcome: DeliveryOutcome::Delivered,
                        ..
                    }
                ) {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        let plain = reqwest::Client::builder().no_proxy().build().unwrap();
        let dlr_port = gateway.listener_port();

        let chunk = messages.div_ceil(CHUNKS);
        let mut through_plain = Totals::default();
        let mut through_gateway = Totals::default();
        let mut sent = 0;
        for round in 0..CHUNKS * 2 {
            let start = Instant::now();
            let prefix = format!("r{round}-");
            // ABBA: plain first in even pairs, the gateway first in odd ones.
            let plain_turn = (round % 2 == 0) == (round / 2 % 2 == 0);
            if plain_turn {
                let (plain, url) = (plain.clone(), rig.sendsms_url());
                run(chunk, &prefix, move |message| {
                    let (plain, url) = (plain.clone(), url.clone());
                    async move { send_plain(&plain, &url, dlr_port, &message).await }
                })
                .await;
            } else {
                let gateway = Arc::clone(&gateway);
                run(chunk, &prefix, move |message| {
                    let gateway = Arc::clone(&gateway);
                    async move {
                        gateway.send(&message).await.unwrap();
                    }
                })
                .await;
            }
            let accepted = start.elapsed();
            sent += chunk;
            let rig = &rig;
            tokio::task::block_in_place(|| rig.wait_received(sent, WAIT));
            while delivered.load(Ordering::Relaxed) < sent {
                assert!(start.elapsed() < WAIT, "delivery reports missing");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let totals = if plain_turn {
                &mut through_plain
            } else {
                &mut through_gateway
            };
            totals.add(chunk, accepted, start.elapsed());
        }
        through_plain.print("plain reqwest client");
        through_gateway.print("ringdesk Kannel");
        println!(
            "  gateway / plain: {:.0} % accepted, {:.0} % delivered+reported (target ≥ 90 %)",
            through_gateway.accepted_rate() / through_plain.accepted_rate() * 100.0,
            through_gateway.delivered_rate() / through_plain.delivered_rate() * 100.0
        );
        let received = rig.received_count();
        assert_eq!(received, sent, "every message reached the SMS centre once");
    });
}

/// Sends `count` messages through `send`, [`IN_FLIGHT`] at once: each
/// worker takes the next message as soon as its last one is answered.
async fn run<F, Fut>(count: usize, prefix: &str, send: F)
where
    F: Fn(Outgoing) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let send = Arc::new(send);
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (send, next, prefix) = (Arc::clone(&send), Arc::clone(&next), prefix.to_owned());
        workers.spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    break;
                }
                send(message(&prefix, index)).await;
            }
        });
    }
    workers.join_all().await;
}

fn message(prefix: &str, index: usize) -> Outgoing {
    Outgoing {
        uid: format!("{prefix}{index}"),
        to: "+821012345678".to_owned(),
        from: "+8215881234".to_owned(),
        kind: MessageKind::Sms,
        subject: String::new(),
        body: format!("안녕하세요 고객님, 주문 {index}번이 오늘 발송됩니다"),
        picture: None,
    }
}

/// The same GET the gateway sends, by hand.
async fn send_plain(client: &reqwest::Client, url: &str, dlr_port: u16, message: &Outgoing) {
    let dlr_url = format!(
        "http://127.0.0.1:{dlr_port}/dlr?uid={}&type=%d&status=%A&id=%I",
        utf8_percent_encode(&message.uid, NON_ALPHANUMERIC)
    );
    let answer = client
        .get(url)
        .query(&[
            ("username", kannel_rig::USERNAME),
            ("password", kannel_rig::PASSWORD),
            ("from", &message.from),
            ("to", &message.to),
            ("text", &message.body),
            ("charset", "UTF-8"),
            ("dlr-mask", &DLR_MASK.to_string()),
            ("dlr-url", &dlr_url),
            ("coding", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    answer.text().await.unwrap();
}

/// One client's rounds added up.
#[derive(Debug, Default)]
struct Totals {
    messages: usize,
    accepted: Duration,
    delivered: Duration,
    /// The slowest and fastest round, accepted messages/s.
    spread: Option<(f64, f64)>,
}

impl Totals {
    fn add(&mut self, messages: usize, accepted: Duration, delivered: Duration) {
        self.messages += messages;
        self.accepted += accepted;
        self.delivered += delivered;
        let rate = messages as f64 / accepted.as_secs_f64();
        self.spread = Some(self.spread.map_or((rate, rate), |(slowest, fastest)| {
            (slowest.min(rate), fastest.max(rate))
        }));
    }

    fn accepted_rate(&self) -> f64 {
        self.messages as f64 / self.accepted.as_secs_f64()
    }

    fn delivered_rate(&self) -> f64 {
        self.messages as f64 / self.delivered.as_secs_f64()
    }

    fn print(&self, name: &str) {
        let (slowest, fastest) = self.spread.unwrap_or_default();
        println!(
            "  {name:<21} {:>6} messages  {:>6.0} accepted/s (rounds {slowest:.0}–{fastest:.0})  {:>6.0} delivered+reported/s",
            self.messages,
            self.accepted_rate(),
            self.delivered_rate()
        );
    }
}
