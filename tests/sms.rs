//! The outbox on a real database file: a message left half-sent by a
//! ringdesk that stopped, found again when it starts, settled by the crash
//! policy — and `ringdesk sms send` doing the same on its way.

use std::sync::Arc;
use std::time::Duration;

use ringdesk::config::Settings;
use ringdesk::domain::{
    MessageId, MessageKind, MessageState, NewMessage, NewSenderNumber, PhoneNumber, Region,
};
use ringdesk::sms::gateway::{
    Accepted, BoxFuture, DryRun, GatewayError, GatewayReport, Outgoing, SentMessage, SmsGateway,
};
use ringdesk::sms::outbox::policy::UNKNOWN_OUTCOME;
use ringdesk::sms::outbox::{Control, Outbox};
use ringdesk::store::Store;
use tokio::sync::mpsc;

use crate::support::DataDir;

/// Queues a message in the data folder's database and leaves it in
/// `sending`, handed over `minutes_ago`: what a crash mid-send leaves.
fn half_sent(dir: &DataDir, minutes_ago: i64) -> MessageId {
    let mut store = Store::open(&dir.database()).unwrap();
    if store.sender_numbers().unwrap().is_empty() {
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
    }
    let id = store
        .enqueue_message(&NewMessage {
            batch_id: None,
            customer_id: None,
            user_id: None,
            to: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            from_key: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "방문 예정입니다".to_owned(),
            advertising: false,
            image: None,
        })
        .unwrap();
    store.start_sending(id).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.database()).unwrap();
    conn.execute(
        "UPDATE messages SET attempted_at_ms = attempted_at_ms - ?1 WHERE id = ?2",
        [minutes_ago * 60_000, id.0],
    )
    .unwrap();
    id
}

/// A gateway that reports deliveries but does not recognise repeats, and
/// counts what it is given.
struct Counting {
    sent: std::sync::Mutex<Vec<String>>,
    followed: std::sync::Mutex<Vec<SentMessage>>,
}

impl SmsGateway for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Accepted, GatewayError>> {
        self.sent.lock().unwrap().push(message.uid.clone());
        Box::pin(async { Ok(Accepted::default()) })
    }

    fn follow(&self, sent: Vec<SentMessage>) {
        self.followed.lock().unwrap().extend(sent);
    }

    fn reports_delivery(&self) -> bool {
        true
    }

    fn deduplicates(&self) -> bool {
        false
    }
}

/// Starts a worker on the folder's database with `gateway`, runs it for a
/// moment and stops it.
async fn restart(
    dir: &DataDir,
    gateway: Arc<dyn SmsGateway>,
    reports: mpsc::Receiver<GatewayReport>,
) {
    let store = Store::open(&dir.database()).unwrap();
    let mut outbox = Outbox::new(store, gateway, reports, &Settings::default());
    let mut news = |_| {};
    outbox.reconcile(&mut news).unwrap();
    let (control, control_receiver) = mpsc::channel(1);
    let stop = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        control.send(Control::Stop).await.unwrap();
    };
    let (ran, ()) = tokio::join!(outbox.run(control_receiver, &mut news), stop);
    ran.unwrap();
}

fn message_state(dir: &DataDir, id: MessageId) -> (MessageState, Option<String>) {
    let message = Store::open(&dir.database()).unwrap().message(id).unwrap();
    (message.state, message.error)
}

#[tokio::test]
async fn a_half_sent_message_is_not_sent_again_by_a_gateway_that_cannot_tell() {
    let dir = DataDir::new();
    // Handed over 15 minutes ago: its report would have come.
    let old = half_sent(&dir, 15);
    // Handed over 5 minutes ago: its report may still come.
    let recent = half_sent(&dir, 5);
    let gateway = Arc::new(Counting {
        sent: std::sync::Mutex::new(Vec::new()),
        followed: std::sync::Mutex::new(Vec::new()),
    });
    let (_reports, receiver) = mpsc::channel(4);
    restart(&dir, gateway.clone(), receiver).await;

    assert_eq!(
        message_state(&dir, old),
        (MessageState::Failed, Some(UNKNOWN_OUTCOME.to_owned()))
    );
    assert_eq!(message_state(&dir, recent), (MessageState::Sending, None));
    assert!(gateway.sent.lock().unwrap().is_empty(), "never sent twice");
    // The one still waiting is followed up with the gateway.
    let recent_uid = Store::open(&dir.database())
        .unwrap()
        .message(recent)
        .unwrap()
        .uid;
    let followed: Vec<String> = gateway
        .followed
        .lock()
        .unwrap()
        .iter()
        .map(|sent| sent.uid.clone())
        .collect();
    assert_eq!(followed, [recent_uid]);
}

#[tokio::test]
async fn a_half_sent_message_goes_again_to_a_gateway_that_drops_repeats() {
    let dir = DataDir::new();
    let id = half_sent(&dir, 15);
    let (reports, receiver) = mpsc::channel(4);
    restart(&dir, Arc::new(DryRun::new(reports)), receiver).await;
    let message = Store::open(&dir.database()).unwrap().message(id).unwrap();
    assert_eq!(message.state, MessageState::Delivered);
    assert_eq!(message.attempts, 2);
}

#[test]
fn sms_send_settles_what_a_crash_left_and_sends_its_own() {
    let dir = DataDir::new();
    let left = half_sent(&dir, 15);
    let sent = dir.run(&[
        "sms",
        "send",
        "--to",
        "010-9999-0000",
        "--text",
        "안내",
        "--json",
    ]);
    assert_eq!(sent.code(), 0, "{}", sent.stderr());
    assert_eq!(sent.json_lines()[0]["state"], "delivered");
    // The dry-run gateway recognises repeats: the crashed one went again
    // (its report may come after this command stopped listening).
    let (state, _) = message_state(&dir, left);
    assert!(
        matches!(state, MessageState::Sent | MessageState::Delivered),
        "{state}"
    );
}
