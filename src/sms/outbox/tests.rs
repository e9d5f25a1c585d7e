//! The worker against a scripted gateway on an in-memory store, with
//! tokio's clock paused so that retry waits and grace periods pass at once.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;
use crate::domain::MessageState::{Delivered, Queued, Sending, Sent};
use crate::domain::{MessageKind, NewMessage, NewSenderNumber};
use crate::sms::gateway::{Accepted, BoxFuture, DryRun, GatewayError, Inbound};

/// A gateway that answers from a script and records what it was given.
struct Scripted {
    /// Answers in order; once used up, every message is taken.
    answers: Mutex<VecDeque<Result<Accepted, GatewayError>>>,
    /// What was handed over, and when (tokio's clock).
    sent: Mutex<Vec<(Outgoing, Instant)>>,
    followed: Mutex<Vec<SentMessage>>,
    reports: mpsc::Sender<GatewayReport>,
    /// Report each taken message delivered this long after the answer;
    /// a negative-like "before" is [`Self::report_first`].
    report_after: Option<Duration>,
    /// Report delivery, then wait a second, then answer.
    report_first: bool,
    deduplicates: bool,
    reports_delivery: bool,
}

impl Scripted {
    fn new(reports: mpsc::Sender<GatewayReport>) -> Self {
        Self {
            answers: Mutex::new(VecDeque::new()),
            sent: Mutex::new(Vec::new()),
            followed: Mutex::new(Vec::new()),
            reports,
            report_after: None,
            report_first: false,
            deduplicates: false,
            reports_delivery: false,
        }
    }

    fn answers(self, answers: Vec<Result<Accepted, GatewayError>>) -> Self {
        *self.answers.lock().unwrap() = answers.into();
        self
    }

    fn sent(&self) -> Vec<(Outgoing, Instant)> {
        self.sent.lock().unwrap().clone()
    }
}

impl SmsGateway for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>> {
        Box::pin(async move {
            self.sent
                .lock()
                .unwrap()
                .push((message.clone(), Instant::now()));
            let answer = self
                .answers
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(Accepted {
                    gateway_ref: Some(format!("ref-{}", message.uid)),
                }));
            let delivered = GatewayReport::Delivery {
                uid: message.uid.clone(),
                gateway_ref: None,
                outcome: DeliveryOutcome::Delivered,
            };
            if self.report_first && answer.is_ok() {
                self.reports.send(delivered.clone()).await.unwrap();
                tokio::time::sleep(Duration::from_secs(1)).await;
            } else if let (Some(after), Ok(_)) = (self.report_after, &answer) {
                let reports = self.reports.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    reports.send(delivered).await.ok();
                });
            }
            answer
        })
    }

    fn follow(&self, sent: Vec<SentMessage>) {
        self.followed.lock().unwrap().extend(sent);
    }

    fn reports_delivery(&self) -> bool {
        self.reports_delivery
    }

    fn deduplicates(&self) -> bool {
        self.deduplicates
    }
}

fn settings(rate_per_sec: u32) -> Settings {
    let mut settings = Settings::default();
    settings.sms.rate_per_sec = rate_per_sec;
    settings
}

fn store_with(messages: usize) -> (Store, Vec<MessageId>) {
    let mut store = Store::open_in_memory().unwrap();
    store
        .create_sender_number(&NewSenderNumber {
            number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
            label: String::new(),
        })
        .unwrap();
    let ids = (0..messages)
        .map(|index| {
            store
                .enqueue_message(&NewMessage {
                    batch_id: None,
                    customer_id: None,
                    user_id: None,
                    to: PhoneNumber::parse(&format!("010-2000-{index:04}"), Region::KOREA).unwrap(),
                    from_key: "+8215881234".to_owned(),
                    kind: MessageKind::Sms,
                    subject: String::new(),
                    body: format!("안내 {index}"),
                    advertising: false,
                    image: None,
                })
                .unwrap()
        })
        .collect();
    (store, ids)
}

/// Runs `outbox` until every message of `ids` is in a state `done` accepts,
/// and returns the states each went through, in order.
async fn run_until(
    outbox: &mut Outbox,
    ids: &[MessageId],
    done: impl Fn(MessageState) -> bool,
) -> HashMap<MessageId, Vec<MessageState>> {
    let (control, control_receiver) = mpsc::channel(4);
    let mut history: HashMap<MessageId, Vec<MessageState>> = HashMap::new();
    let mut news = |news: News| {
        if let News::Changed(message) = news {
            history.entry(message.id).or_default().push(message.state);
            let finished = ids.iter().all(|id| {
                history
                    .get(id)
                    .and_then(|states| states.last())
                    .is_some_and(|state| done(*state))
            });
            if finished {
                control.try_send(Control::Stop).ok();
            }
        }
    };
    outbox.reconcile(&mut news).unwrap();
    tokio::time::timeout(
        Duration::from_hours(24),
        outbox.run(control_receiver, &mut news),
    )
    .await
    .expect("the messages did not settle")
    .unwrap();
    history
}

/// Runs `outbox` for `duration` of tokio's clock and returns the news.
async fn run_for(outbox: &mut Outbox, duration: Duration) -> Vec<News> {
    let (control, control_receiver) = mpsc::channel(4);
    let mut seen = Vec::new();
    let mut news = |news: News| seen.push(news);
    outbox.reconcile(&mut news).unwrap();
    let stop = async {
        tokio::time::sleep(duration).await;
        control.send(Control::Stop).await.unwrap();
    };
    let (ran, ()) = tokio::join!(outbox.run(control_receiver, &mut news), stop);
    ran.unwrap();
    seen
}

fn states_of(news: &[News], id: MessageId) -> Vec<MessageState> {
    news.iter()
        .filter_map(|news| match news {
            News::Changed(message) if message.id == id => Some(message.state),
            _ => None,
        })
        .collect()
}

fn outbox(
    store: Store,
    gateway: Arc<dyn SmsGateway>,
    receiver: mpsc::Receiver<GatewayReport>,
) -> Outbox {
    Outbox::new(store, gateway, receiver, &settings(20))
}

#[tokio::test(start_paused = true)]
async fn passing_failures_are_retried_with_growing_waits() {
    let (reports, receiver) = mpsc::channel(16);
    let gateway = Arc::new(Scripted::new(reports).answers(vec![
        Err(GatewayError::Transient("connection refused".to_owned())),
        Err(GatewayError::Transient("HTTP 503".to_owned())),
    ]));
    let (store, ids) = store_with(1);
    let mut outbox = outbox(store, gateway.clone(), receiver);
    let history = run_until(&mut outbox, &ids, |state| state == MessageState::Sent).await;
    assert_eq!(
        history[&ids[0]],
        [Sending, Queued, Sending, Queued, Sending, Sent]
    );
    let message = outbox.store().message(ids[0]).unwrap();
    assert_eq!(message.attempts, 3);
    assert_eq!(message.error, None);
    let times: Vec<Instant> = gateway.sent().iter().map(|(_, at)| *at).collect();
    assert!(times[1] - times[0] >= Duration::from_secs(10));
    assert!(times[2] - times[1] >= Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn a_message_that_keeps_failing_gives_up_with_the_last_reason() {
    let (reports, receiver) = mpsc::channel(16);
    let answers = (0..10)
        .map(|n| Err(GatewayError::Transient(format!("timeout {n}"))))
        .collect();
    let gateway = Arc::new(Scripted::new(reports).answers(answers));
    let (store, ids) = store_with(1);
    let mut outbox = outbox(store, gateway.clone(), receiver);
    run_until(&mut outbox, &ids, |state| state == MessageState::Failed).await;
    let message = outbox.store().message(ids[0]).unwrap();
    assert_eq!(message.attempts, policy::MAX_ATTEMPTS);
    assert_eq!(
        message.error.as_deref(),
        Some("gave up after 6 attempts: timeout 5")
    );
    assert_eq!(gateway.sent().len(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_refusal_fails_at_once_with_the_gateways_reason() {
    let (reports, receiver) = mpsc::channel(16);
    let gateway = Arc::new(
        Scripted::new(reports).answers(vec![Err(GatewayError::Refused(
            "unregistered sender number".to_owned(),
        ))]),
    );
    let (store, ids) = store_with(1);
    let mut outbox = outbox(store, gateway.clone(), receiver);
    run_until(&mut outbox, &ids, MessageState::is_final).await;
    let message = outbox.store().message(ids[0]).unwrap();
    assert_eq!(message.state, MessageState::Failed);
    assert_eq!(message.error.as_deref(), Some("unregistered sender number"));
    assert_eq!(gateway.sent().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_late_report_follows_the_answer() {
    let (reports, receiver) = mpsc::channel(16);
    let mut gateway = Scripted::new(reports);
    gateway.reports_delivery = true;
    gateway.report_after = Some(Duration::from_secs(30));
    let gateway = Arc::new(gateway);
    let (store, ids) = store_with(2);
    let mut outbox = outbox(store, gateway, receiver);
    let history = run_until(&mut outbox, &ids, MessageState::is_final).await;
    for id in &ids {
        assert_eq!(history[id], [Sending, Sent, Delivered]);
        let message = outbox.store().message(*id).unwrap();
        assert_eq!(message.gateway_ref, Some(format!("ref-{}", message.uid)));
    }
}

#[tokio::test(start_paused = true)]
async fn a_report_may_beat_the_answer() {
    let (reports, receiver) = mpsc::channel(16);
    let mut gateway = Scripted::new(reports);
    gateway.reports_delivery = true;
    gateway.report_first = true;
    let (store, ids) = store_with(1);
    let mut outbox = outbox(store, Arc::new(gateway), receiver);
    // Past the answer, which comes a second after the report.
    let news = run_for(&mut outbox, Duration::from_secs(5)).await;
    // Delivered twice: the answer adds the gateway's id, not a state.
    assert_eq!(states_of(&news, ids[0]), [Sending, Delivered, Delivered]);
    let message = outbox.store().message(ids[0]).unwrap();
    assert_eq!(message.state, MessageState::Delivered);
    // The answer's gateway id is kept all the same.
    assert_eq!(message.gateway_ref, Some(format!("ref-{}", message.uid)));
}

#[tokio::test(start_paused = true)]
async fn the_rate_spaces_hand_overs() {
    let (reports, receiver) = mpsc::channel(16);
    let gateway = Arc::new(Scripted::new(reports));
    let (store, ids) = store_with(6);
    let mut outbox = Outbox::new(store, gateway.clone(), receiver, &settings(2));
    run_until(&mut outbox, &ids, |state| state == MessageState::Sent).await;
    let times: Vec<Instant> = gateway.sent().iter().map(|(_, at)| *at).collect();
    assert_eq!(times.len(), 6);
    // Two at once (a second's worth), then one every half second.
    assert_eq!(times[1], times[0]);
    assert!(
        times[5] - times[0] >= Duration::from_secs(2),
        "{:?}",
        times[5] - times[0]
    );
    let mut outgoing: Vec<String> = gateway
        .sent()
        .iter()
        .map(|(sent, _)| sent.body.clone())
        .collect();
    outgoing.dedup();
    assert_eq!(outgoing.len(), 6, "each message once");
}

/// A message left in `sending` by a ringdesk that stopped five minutes ago.
fn half_sent() -> (Store, MessageId) {
    let (mut store, ids) = store_with(1);
    store.start_sending(ids[0]).unwrap();
    store
        .conn_for_tests()
        .execute(
            "UPDATE messages SET attempted_at_ms = attempted_at_ms - 300000",
            [],
        )
        .unwrap();
    (store, ids[0])
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_a_deduplicating_gateway_gets_the_message_again() {
    let (reports, receiver) = mpsc::channel(16);
    let mut gateway = Scripted::new(reports);
    gateway.deduplicates = true;
    let gateway = Arc::new(gateway);
    let (store, id) = half_sent();
    let mut outbox = outbox(store, gateway.clone(), receiver);
    let history = run_until(&mut outbox, &[id], |state| state == MessageState::Sent).await;
    assert_eq!(history[&id], [Queued, Sending, Sent]);
    assert_eq!(gateway.sent().len(), 1);
    assert_eq!(outbox.store().message(id).unwrap().attempts, 2);
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_a_message_waits_for_its_report_and_is_never_sent_twice() {
    // The report comes within the grace period: delivered.
    let (reports, receiver) = mpsc::channel(16);
    let mut gateway = Scripted::new(reports.clone());
    gateway.reports_delivery = true;
    let gateway = Arc::new(gateway);
    let (store, id) = half_sent();
    let uid = store.message(id).unwrap().uid;
    let mut outbox = outbox(store, gateway.clone(), receiver);
    let late = async {
        tokio::time::sleep(Duration::from_mins(1)).await;
        reports
            .send(GatewayReport::Delivery {
                uid: uid.clone(),
                gateway_ref: Some("kannel-9".to_owned()),
                outcome: DeliveryOutcome::Delivered,
            })
            .await
            .unwrap();
    };
    let ids = [id];
    let (history, ()) = tokio::join!(run_until(&mut outbox, &ids, MessageState::is_final), late);
    assert_eq!(history[&id], [MessageState::Delivered]);
    assert!(gateway.sent().is_empty());
    // The gateway was asked after it.
    assert_eq!(gateway.followed.lock().unwrap()[0].uid, uid);
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_a_message_without_a_report_fails_with_a_warning() {
    let (reports, receiver) = mpsc::channel(16);
    let mut gateway = Scripted::new(reports);
    gateway.reports_delivery = true;
    let gateway = Arc::new(gateway);
    let (store, id) = half_sent();
    let mut outbox = outbox(store, gateway.clone(), receiver);
    let started = Instant::now();
    run_until(&mut outbox, &[id], MessageState::is_final).await;
    // Ten minutes after its hand-over, five of which passed before the start.
    assert!(Instant::now() - started >= Duration::from_secs(299));
    let message = outbox.store().message(id).unwrap();
    assert_eq!(message.state, MessageState::Failed);
    assert_eq!(message.error.as_deref(), Some(policy::UNKNOWN_OUTCOME));
    assert!(gateway.sent().is_empty(), "never sent twice");
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_a_gateway_without_reports_fails_the_message_at_once() {
    let (reports, receiver) = mpsc::channel(16);
    let gateway = Arc::new(Scripted::new(reports));
    let (store, id) = half_sent();
    let mut outbox = outbox(store, gateway.clone(), receiver);
    let history = run_until(&mut outbox, &[id], MessageState::is_final).await;
    assert_eq!(history[&id], [MessageState::Failed]);
    assert!(gateway.sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn inbound_messages_are_stored_once() {
    let (reports, receiver) = mpsc::channel(16);
    let gateway = Arc::new(Scripted::new(reports.clone()));
    let (store, _) = store_with(0);
    let mut outbox = outbox(store, gateway, receiver);
    let inbound = GatewayReport::Inbound(Inbound {
        from: "01012345678".to_owned(),
        to: "15881234".to_owned(),
        body: "수신거부".to_owned(),
        gateway_ref: Some("mo-7".to_owned()),
        received_at: Timestamp(1_700_000_000_000),
    });
    reports.send(inbound.clone()).await.unwrap();
    reports.send(inbound).await.unwrap();
    let news = run_for(&mut outbox, Duration::from_secs(1)).await;
    let stored: Vec<&ReceivedMessage> = news
        .iter()
        .filter_map(|news| match news {
            News::Received(message) => Some(message),
            News::Changed(_) => None,
        })
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].from_key, "+821012345678");
    assert_eq!(stored[0].body, "수신거부");
}

#[tokio::test]
async fn the_dry_run_gateway_delivers_everything() {
    let (reports, receiver) = mpsc::channel(16);
    let (store, ids) = store_with(3);
    let mut outbox = outbox(store, Arc::new(DryRun::new(reports)), receiver);
    let history = run_until(&mut outbox, &ids, MessageState::is_final).await;
    for id in &ids {
        assert_eq!(
            history[id].last(),
            Some(&MessageState::Delivered),
            "{:?}",
            history[id]
        );
    }
}
