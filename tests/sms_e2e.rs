//! End to end: messages queued in a real database file go out through the
//! outbox worker ([`Outbox`]) and a real gateway — a real Kannel
//! ([`crate::support::kannel`]) or the test SMS provider
//! ([`crate::support::sms_provider`]) — and what comes back (delivery
//! reports, customers' messages) lands in the same file.
//!
//! The worker runs with shortened waits ([`Timing`]) because a real gateway's
//! clock cannot be paused; the decisions are ringdesk's own. No test waits
//! a fixed time for a result: each runs the worker until the messages it
//! watches are final, and polls the rig for what it waits on. (The batch
//! test pauses half a second at the end, so that a repeat from Kannel's
//! store would have time to show.)

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk::config::{HttpProviderSettings, Settings};
use ringdesk::domain::{
    CustomerDraft, LoggedMessage, Message, MessageFilter, MessageId, MessageKind, MessageState,
    NewMessage, NewSenderNumber, PhoneDraft, PhoneNumber, Region, Timestamp,
};
use ringdesk::sms::gateway::http::PollTiming;
use ringdesk::sms::gateway::{GatewayReport, HttpProvider, Kannel, Outgoing, SmsGateway};
use ringdesk::sms::outbox::policy::Timing;
use ringdesk::sms::outbox::{Control, News, Outbox};
use ringdesk::store::{Page, Store};
use tokio::sync::mpsc;

use crate::support::DataDir;
use crate::support::kannel::{KannelRig, PASSWORD};
use crate::support::sms_provider::{API_KEY, Answer, KEY_HEADER, SmsProvider, State};

/// The company's registered sender number.
const COMPANY: &str = "1588-1234";
/// How long any one test may wait for its messages to settle.
const WAIT: Duration = Duration::from_mins(2);

/// Waits short enough for a test, long enough for a real Kannel: the
/// retries together (14.4 s) outlast bearerbox stopping and starting again
/// (3–5 s here) with room to spare on a loaded machine; a message only
/// meets the long last wait when Kannel stays away longer than 4.4 s.
const QUICK: Timing = Timing {
    retry_delays: [
        Duration::from_millis(100),
        Duration::from_millis(300),
        Duration::from_secs(1),
        Duration::from_secs(3),
        Duration::from_secs(10),
    ],
    answer_timeout: Duration::from_secs(5),
    report_grace: Duration::from_secs(2),
    unanswered_grace: Duration::from_secs(2),
};

/// Provider results asked for within milliseconds.
const FAST_POLL: PollTiming = PollTiming {
    first: Duration::from_millis(20),
    longest: Duration::from_millis(80),
    give_up: Duration::from_secs(30),
};

/// The database file in `dir`, with the company's sender number registered.
fn open_store(dir: &DataDir) -> Store {
    let mut store = Store::open(&dir.database()).unwrap();
    store
        .create_sender_number(&NewSenderNumber {
            number: PhoneNumber::parse(COMPANY, Region::KOREA).unwrap(),
            label: "대표번호".to_owned(),
        })
        .unwrap();
    store
}

fn company_key() -> String {
    PhoneNumber::parse(COMPANY, Region::KOREA)
        .unwrap()
        .key()
        .to_owned()
}

/// Queues an SMS to `to` (as typed in Korea).
fn enqueue(store: &mut Store, to: &str, body: &str) -> MessageId {
    store
        .enqueue_message(&NewMessage {
            batch_id: None,
            customer_id: None,
            user_id: None,
            to: PhoneNumber::parse(to, Region::KOREA).unwrap(),
            from_key: company_key(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: body.to_owned(),
            advertising: false,
            image: None,
        })
        .unwrap()
}

/// The message as a gateway is given it.
fn outgoing(message: &Message) -> Outgoing {
    Outgoing {
        uid: message.uid.clone(),
        to: message.to_key.clone(),
        from: message.from_key.clone(),
        kind: message.kind,
        subject: message.subject.clone(),
        body: message.body.clone(),
        picture: None,
    }
}

/// A worker on `store` (fast enough for 200 messages in a few seconds).
fn worker(
    store: Store,
    gateway: Arc<dyn SmsGateway>,
    reports: mpsc::Receiver<GatewayReport>,
    timing: Timing,
) -> Outbox {
    let mut settings = Settings::default();
    settings.sms.rate_per_sec = 100;
    Outbox::new(store, gateway, reports, &settings).with_timing(timing)
}

/// Runs `outbox` (crash policy first, then sending) alongside `meanwhile`
/// until `done` says so of the news so far; returns every piece of news
/// and what `meanwhile` gave. Panics after [`WAIT`].
async fn run_until<T>(
    outbox: &mut Outbox,
    mut done: impl FnMut(&News) -> bool,
    meanwhile: impl Future<Output = T>,
) -> (Vec<News>, T) {
    let (control, control_receiver) = mpsc::channel(4);
    let mut seen = Vec::new();
    let mut news = |news: News| {
        if done(&news) {
            control.try_send(Control::Stop).ok();
        }
        seen.push(news);
    };
    outbox.reconcile(&mut news).unwrap();
    let run = async {
        tokio::time::timeout(WAIT, outbox.run(control_receiver, &mut news))
            .await
            .map(Result::unwrap)
    };
    let (ran, meanwhile) = tokio::join!(run, meanwhile);
    assert!(ran.is_ok(), "the messages did not settle within {WAIT:?}");
    (seen, meanwhile)
}

/// A running Kannel, a store with `count` messages queued to
/// 010-3000-0000… whose texts are `text` with `{}` replaced by the index,
/// and a worker on it with `timing`.
fn batch_through_kannel(
    count: usize,
    text: &str,
    timing: Timing,
) -> (KannelRig, DataDir, Vec<MessageId>, Outbox) {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let ids: Vec<MessageId> = (0..count)
        .map(|index| {
            enqueue(
                &mut store,
                &format!("010-3000-{index:04}"),
                &text.replace("{}", &index.to_string()),
            )
        })
        .collect();
    let (sender, reports) = mpsc::channel(256);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    let outbox = worker(store, Arc::new(kannel), reports, timing);
    (rig, dir, ids, outbox)
}

/// How often the fake SMS centre got each text.
fn texts_received(rig: &KannelRig) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for received in rig.received() {
        *counts.entry(received.text).or_default() += 1;
    }
    counts
}

/// A `done` for [`run_until`]: every message of `ids` is delivered or failed.
fn all_final(ids: &[MessageId]) -> impl FnMut(&News) -> bool + use<> {
    let mut open: HashSet<MessageId> = ids.iter().copied().collect();
    move |news| {
        if let News::Changed(message) = news
            && message.state.is_final()
        {
            open.remove(&message.id);
        }
        open.is_empty()
    }
}

/// The states `id` went through, in order.
fn history(news: &[News], id: MessageId) -> Vec<MessageState> {
    news.iter()
        .filter_map(|news| match news {
            News::Changed(message) if message.id == id => Some(message.state),
            _ => None,
        })
        .collect()
}

/// Polls `condition` every 5 ms; panics after [`WAIT`].
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !condition() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn korean_text_goes_through_kannel_intact_and_ends_delivered() {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let text = "홍길동 고객님, 내일 오후 3시 방문 예약이 확정되었습니다. 링데스크 드림";
    let id = enqueue(&mut store, "010-1234-5678", text);
    let (sender, reports) = mpsc::channel(64);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    let mut outbox = worker(store, Arc::new(kannel), reports, QUICK);

    let (news, ()) = run_until(&mut outbox, all_final(&[id]), async {}).await;

    let received = rig.wait_received(1, WAIT);
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].text, text);
    assert_eq!(received[0].coding, "ucs-2");
    assert_eq!(
        (received[0].from.as_str(), received[0].to.as_str()),
        ("+8215881234", "+821012345678")
    );
    // What the window would read: a second connection to the same file.
    let message = Store::open(&dir.database()).unwrap().message(id).unwrap();
    assert_eq!(message.state, MessageState::Delivered, "{message:?}");
    assert_eq!(message.attempts, 1);
    assert_eq!(message.error, None);
    let delivered_at = message.delivered_at.expect("a delivery time");
    assert!(delivered_at >= message.created_at, "{message:?}");
    assert!(delivered_at <= Timestamp::now());
    // The report may beat the answer to the send; either way it ends delivered.
    assert_eq!(history(&news, id).last(), Some(&MessageState::Delivered));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_korean_message_lands_in_the_log_under_that_customer() {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let draft = CustomerDraft {
        name: "김민지".to_owned(),
        phones: vec![PhoneDraft {
            label: "휴대폰".to_owned(),
            number: "010-9999-8888".to_owned(),
        }],
        ..CustomerDraft::default()
    };
    let customer = store
        .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    let (sender, reports) = mpsc::channel(64);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    let mut outbox = worker(store, Arc::new(kannel), reports, QUICK);

    let text = "네, 내일 오후 3시에 방문할게요. 주차 가능한가요?";
    let inject = async {
        let rig = &rig;
        tokio::task::block_in_place(|| rig.inject_mo("+821099998888", "+8215881234", text));
    };
    let (news, ()) = run_until(
        &mut outbox,
        |news| matches!(news, News::Received(_)),
        inject,
    )
    .await;
    assert_eq!(news.len(), 1, "{news:?}");

    let store = Store::open(&dir.database()).unwrap();
    let everything = MessageFilter::period(Timestamp(0), Timestamp(i64::MAX));
    let log = store.message_log(&everything, Page::first(10)).unwrap();
    let [LoggedMessage::Received(received)] = log.as_slice() else {
        panic!("one received message expected: {log:?}");
    };
    assert_eq!(received.body, text);
    assert_eq!(received.customer_id, Some(customer));
    assert_eq!(received.customer_name.as_deref(), Some("김민지"));
    assert_eq!(received.from_key, "+821099998888");
    assert_eq!(received.to_raw, "+8215881234");
    // The customer's own log shows it too.
    let theirs = MessageFilter {
        customer: Some(customer),
        ..everything
    };
    assert_eq!(store.count_message_log(&theirs).unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kannel_stopped_mid_batch_loses_nothing_and_sends_nothing_twice() {
    const MESSAGES: usize = 200;
    let (mut rig, dir, ids, mut outbox) =
        batch_through_kannel(MESSAGES, "배치 #{} 예약 안내", QUICK);

    // The worker goes on handing messages over while Kannel is away.
    let restart = async move {
        eventually("the first messages reach the SMS centre", || {
            rig.received_count() >= 40
        })
        .await;
        let stopped_after = rig.received_count();
        let (rig, away) = tokio::task::spawn_blocking(move || {
            let away = Instant::now();
            rig.stop_kannel();
            rig.start_kannel();
            (rig, away.elapsed())
        })
        .await
        .unwrap();
        (rig, stopped_after, away)
    };
    let (news, (rig, stopped_after, away)) = run_until(&mut outbox, all_final(&ids), restart).await;
    assert!(stopped_after < MESSAGES, "Kannel was stopped mid-batch");

    let store = Store::open(&dir.database()).unwrap();
    let mut retried = 0;
    for id in &ids {
        let message = store.message(*id).unwrap();
        // Kannel away longer than the retries last fails messages, rightly.
        assert_eq!(
            message.state,
            MessageState::Delivered,
            "{message:?}: {:?}; Kannel was away {away:?}",
            history(&news, *id)
        );
        assert!(message.delivered_at.is_some());
        if message.attempts > 1 {
            retried += 1;
        }
    }
    assert!(retried > 0, "some messages met Kannel stopped");
    // Why they were retried is in the log; the sendsms password is not.
    for news in &news {
        if let News::Changed(message) = news
            && let Some(error) = &message.error
        {
            assert!(!error.contains(PASSWORD), "{error}");
        }
    }
    // Give a repeat from Kannel's store time to show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = texts_received(&rig);
    for index in 0..MESSAGES {
        let text = format!("배치 #{index} 예약 안내");
        assert_eq!(counts.get(&text), Some(&1), "{text}");
    }
    assert_eq!(counts.len(), MESSAGES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kannel_killed_mid_batch_sends_nothing_twice() {
    const MESSAGES: usize = 200;
    // Kannel killed and started again is back within seconds; the reports
    // of what it had taken must come before an unanswered message goes
    // again. On a busy machine the rig may have to start Kannel up to three
    // times (see `start_kannel`), which outlasts QUICK's 14.4 s of retries:
    // the last wait here is long enough for that.
    const AFTER_A_KILL: Timing = Timing {
        unanswered_grace: Duration::from_secs(10),
        retry_delays: [
            Duration::from_millis(100),
            Duration::from_millis(300),
            Duration::from_secs(1),
            Duration::from_secs(3),
            Duration::from_secs(45),
        ],
        ..QUICK
    };
    let (mut rig, dir, ids, mut outbox) =
        batch_through_kannel(MESSAGES, "강제 종료 #{} 안내", AFTER_A_KILL);

    let crash = async move {
        eventually("the first messages reach the SMS centre", || {
            rig.received_count() >= 40
        })
        .await;
        let killed_after = rig.received_count();
        let rig = tokio::task::spawn_blocking(move || {
            rig.kill_kannel();
            rig.start_kannel();
            rig
        })
        .await
        .unwrap();
        (rig, killed_after)
    };
    // Done when every message is taken: a message Kannel delivered before
    // it was killed may never get its report (its report store was in
    // memory), so it rightly stays "sent".
    let mut open: HashSet<MessageId> = ids.iter().copied().collect();
    let taken = move |news: &News| {
        if let News::Changed(message) = news
            && matches!(
                message.state,
                MessageState::Sent | MessageState::Delivered | MessageState::Failed
            )
        {
            open.remove(&message.id);
        }
        open.is_empty()
    };
    let (news, (rig, killed_after)) = run_until(&mut outbox, taken, crash).await;
    assert!(killed_after < MESSAGES, "Kannel was killed mid-batch");

    let store = Store::open(&dir.database()).unwrap();
    let mut unanswered = 0;
    for id in &ids {
        let message = store.message(*id).unwrap();
        assert!(
            matches!(message.state, MessageState::Sent | MessageState::Delivered),
            "{message:?}: {:?}",
            history(&news, *id)
        );
        if history(&news, *id).contains(&MessageState::Queued) {
            unanswered += 1;
        }
    }
    assert!(unanswered > 0, "some messages met Kannel killed");
    // Some were cut off mid-exchange: the case this is about.
    let cut_off = news.iter().any(|news| {
        matches!(news, News::Changed(message) if message
            .error
            .as_deref()
            .is_some_and(|error| error.contains("unless the gateway reports it first")))
    });
    assert!(cut_off, "no exchange was cut off by the kill");
    rig.wait_received(MESSAGES, WAIT);
    // Give a repeat time to show.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts = texts_received(&rig);
    let twice: Vec<_> = counts.iter().filter(|(_, count)| **count > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(counts.len(), MESSAGES, "every message arrived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_kannel_credentials_fail_the_message_once_in_kannels_words() {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let id = enqueue(&mut store, "010-1234-5678", "안녕하세요");
    let (sender, reports) = mpsc::channel(64);
    let mut settings = rig.settings();
    settings.password = "not-the-password".to_owned();
    let kannel = Kannel::open(&settings, sender).unwrap();
    let mut outbox = worker(store, Arc::new(kannel), reports, QUICK);

    let (news, ()) = run_until(&mut outbox, all_final(&[id]), async {}).await;

    assert_eq!(
        history(&news, id),
        [MessageState::Sending, MessageState::Failed]
    );
    let message = Store::open(&dir.database()).unwrap().message(id).unwrap();
    assert_eq!(message.state, MessageState::Failed);
    assert_eq!(
        message.error.as_deref(),
        Some("Authorization failed for sendsms")
    );
    assert_eq!(message.attempts, 1);
    assert_eq!(rig.received_count(), 0);
}

/// The test provider's API as ringdesk is told it.
fn provider_settings(provider: &SmsProvider) -> HttpProviderSettings {
    HttpProviderSettings {
        send_url: provider.url("/send"),
        auth_header: KEY_HEADER.to_owned(),
        auth_value: API_KEY.to_owned(),
        to_field: "receiver".to_owned(),
        from_field: "sender".to_owned(),
        text_field: "msg".to_owned(),
        reference_field: "client_ref".to_owned(),
        id_field: "result.msgId".to_owned(),
        error_field: "errorMessage".to_owned(),
        status_url: provider.url("/result/{ref}"),
        status_field: "status".to_owned(),
        reason_field: "reason".to_owned(),
        delivered_values: vec!["DELIVERED".to_owned()],
        failed_values: vec!["FAILED".to_owned()],
        timeout_secs: 2,
        ..HttpProviderSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_failures_retries_and_refusals_end_where_they_should() {
    let provider = SmsProvider::start().await;
    // The provider answers the send, then its result query says 결번.
    provider.script_results("01011110001", vec![State::Pending, State::Failed("결번")]);
    provider.script_send("01011110002", vec![Answer::Bare(503)]);
    provider.script_send(
        "01011110003",
        vec![Answer::Refuse(400, "발신번호가 등록되지 않았습니다")],
    );
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let unknown = enqueue(&mut store, "010-1111-0001", "결번 안내 테스트");
    let busy = enqueue(&mut store, "010-1111-0002", "잠시 후 다시");
    let refused = enqueue(&mut store, "010-1111-0003", "거절될 메시지");
    let ids = [unknown, busy, refused];
    let (sender, reports) = mpsc::channel(64);
    let gateway =
        HttpProvider::with_timing(&provider_settings(&provider), sender, FAST_POLL).unwrap();
    let mut outbox = worker(store, Arc::new(gateway), reports, QUICK);

    let (news, ()) = run_until(&mut outbox, all_final(&ids), async {}).await;

    let store = Store::open(&dir.database()).unwrap();
    let message = store.message(unknown).unwrap();
    assert_eq!(
        (message.state, message.error.as_deref(), message.attempts),
        (MessageState::Failed, Some("결번"), 1),
        "{:?}",
        history(&news, unknown)
    );
    let message = store.message(busy).unwrap();
    assert_eq!(
        (message.state, message.attempts),
        (MessageState::Delivered, 2),
        "{message:?}"
    );
    assert_eq!(
        history(&news, busy),
        [
            MessageState::Sending,
            MessageState::Queued,
            MessageState::Sending,
            MessageState::Sent,
            MessageState::Delivered
        ]
    );
    assert!(message.delivered_at.is_some());
    let message = store.message(refused).unwrap();
    assert_eq!(
        (message.state, message.error.as_deref(), message.attempts),
        (
            MessageState::Failed,
            Some("발신번호가 등록되지 않았습니다"),
            1
        ),
    );
    let sends_to = |number: &str| {
        provider
            .requests_to("/send")
            .iter()
            .filter(|request| {
                request
                    .json
                    .as_ref()
                    .is_some_and(|json| json["receiver"] == number)
            })
            .count()
    };
    assert_eq!(
        (
            sends_to("01011110001"),
            sends_to("01011110002"),
            sends_to("01011110003")
        ),
        (1, 2, 1)
    );
}

/// A message a worker marked `sending` (committed) before it stopped.
fn left_sending(store: &mut Store, to: &str, body: &str) -> MessageId {
    let id = enqueue(store, to, body);
    store.start_sending(id).unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_a_deduplicating_provider_gets_the_message_once_more() {
    let provider = SmsProvider::start().await;
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    let id = left_sending(&mut store, "010-2222-0001", "재전송 확인");
    let uid = store.message(id).unwrap().uid;
    drop(store);

    let (sender, reports) = mpsc::channel(64);
    let gateway =
        HttpProvider::with_timing(&provider_settings(&provider), sender, FAST_POLL).unwrap();
    assert!(gateway.deduplicates());
    let timing = Timing {
        answer_timeout: Duration::from_millis(300),
        ..QUICK
    };
    let store = Store::open(&dir.database()).unwrap();
    let mut outbox = worker(store, Arc::new(gateway), reports, timing);

    let (news, ()) = run_until(&mut outbox, all_final(&[id]), async {}).await;

    assert_eq!(
        history(&news, id),
        [
            MessageState::Queued,
            MessageState::Sending,
            MessageState::Sent,
            MessageState::Delivered
        ]
    );
    let message = Store::open(&dir.database()).unwrap().message(id).unwrap();
    assert_eq!(
        (message.state, message.attempts),
        (MessageState::Delivered, 2)
    );
    let sends = provider.requests_to("/send");
    assert_eq!(sends.len(), 1, "handed over once more, once");
    assert_eq!(sends[0].json.as_ref().unwrap()["client_ref"], uid.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_crash_kannel_is_never_given_a_message_twice() {
    let rig = KannelRig::start();
    let dir = DataDir::new();
    let mut store = open_store(&dir);
    // One reached Kannel before ringdesk stopped, one did not.
    let reached = left_sending(&mut store, "010-4000-0001", "전달된 메시지");
    let lost = left_sending(&mut store, "010-4000-0002", "전달 여부 모름");
    let (sender, reports) = mpsc::channel(64);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    kannel
        .send(&outgoing(&store.message(reached).unwrap()))
        .await
        .unwrap();
    drop(store);

    let timing = Timing {
        answer_timeout: Duration::from_millis(300),
        report_grace: Duration::from_secs(1),
        ..QUICK
    };
    let store = Store::open(&dir.database()).unwrap();
    let mut outbox = worker(store, Arc::new(kannel), reports, timing);

    let (news, ()) = run_until(&mut outbox, all_final(&[reached, lost]), async {}).await;

    let store = Store::open(&dir.database()).unwrap();
    let message = store.message(reached).unwrap();
    assert_eq!(message.state, MessageState::Delivered, "{message:?}");
    assert_eq!(message.attempts, 1);
    // Kannel reports it taken by the SMS centre and delivered, in either
    // order; it is never handed over again.
    // Kannel reports it taken by the SMS centre and delivered, in either
    // order, while it waits to go again; it is never handed over again.
    let reached_history = history(&news, reached);
    assert_eq!(reached_history.last(), Some(&MessageState::Delivered));
    assert!(
        !reached_history.contains(&MessageState::Sending),
        "{reached_history:?}"
    );
    // Kannel never reported the other: it never took it, so it goes again.
    let message = store.message(lost).unwrap();
    assert_eq!(
        (message.state, message.attempts),
        (MessageState::Delivered, 2),
        "{message:?}"
    );
    let mut received: Vec<String> = rig.received().into_iter().map(|r| r.text).collect();
    received.sort();
    assert_eq!(received, ["전달 여부 모름", "전달된 메시지"]);
}
