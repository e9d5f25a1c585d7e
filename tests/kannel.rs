//! The Kannel gateway against a real Kannel ([`crate::support::kannel`]):
//! what reaches the SMS centre, delivery reports and customers' messages
//! coming back, refusals, and Kannel going away and coming back.

use std::collections::BTreeSet;
use std::time::Duration;

use ringdesk::domain::MessageKind;
use ringdesk::sms::gateway::{
    DeliveryOutcome, GatewayError, GatewayReport, Kannel, Outgoing, SmsGateway as _,
};
use tokio::sync::mpsc;

use crate::support::kannel::KannelRig;

const CUSTOMER: &str = "+821012345678";
const COMPANY: &str = "+8215881234";
const WAIT: Duration = Duration::from_secs(20);

fn message(uid: &str, body: &str) -> Outgoing {
    Outgoing {
        uid: uid.to_owned(),
        to: CUSTOMER.to_owned(),
        from: COMPANY.to_owned(),
        kind: MessageKind::Sms,
        subject: String::new(),
        body: body.to_owned(),
        picture: None,
    }
}

/// The next report `wanted` accepts, skipping the others (pending reports).
async fn report_where(
    reports: &mut mpsc::Receiver<GatewayReport>,
    wanted: impl Fn(&GatewayReport) -> bool,
) -> GatewayReport {
    tokio::time::timeout(WAIT, async {
        loop {
            let report = reports.recv().await.expect("the listener stopped");
            if wanted(&report) {
                return report;
            }
        }
    })
    .await
    .expect("no such report from Kannel")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn korean_text_arrives_intact_and_is_reported_delivered() {
    let rig = KannelRig::start();
    let (sender, mut reports) = mpsc::channel(64);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    assert_eq!(kannel.listener_port(), rig.dlr_port());

    let korean = "안녕하세요 홍길동님, 링데스크입니다";
    kannel.send(&message("m-ko", korean)).await.unwrap();
    let received = rig.wait_received(1, WAIT);
    assert_eq!(received[0].text, korean, "{received:?}");
    assert_eq!(received[0].coding, "ucs-2");
    assert_eq!(
        (received[0].from.as_str(), received[0].to.as_str()),
        (COMPANY, CUSTOMER)
    );
    let report = report_where(&mut reports, |report| {
        !matches!(
            report,
            GatewayReport::Delivery {
                outcome: DeliveryOutcome::Pending,
                ..
            }
        )
    })
    .await;
    let GatewayReport::Delivery {
        uid,
        gateway_ref,
        outcome,
    } = report
    else {
        panic!("not a delivery report: {report:?}");
    };
    assert_eq!(
        (uid.as_str(), outcome),
        ("m-ko", DeliveryOutcome::Delivered)
    );
    assert!(gateway_ref.is_some());

    // Plain ASCII goes as GSM text, spaces and all.
    kannel
        .send(&message("m-en", "Your order  #12 ships today"))
        .await
        .unwrap();
    let received = rig.wait_received(2, WAIT);
    assert_eq!(received[1].coding, "text");
    assert_eq!(received[1].text, "Your order  #12 ships today");
    report_where(&mut reports, |report| {
        matches!(report, GatewayReport::Delivery { uid, outcome: DeliveryOutcome::Delivered, .. } if uid == "m-en")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_korean_message_arrives_as_inbound() {
    let rig = KannelRig::start();
    let (sender, mut reports) = mpsc::channel(64);
    let _kannel = Kannel::open(&rig.settings(), sender).unwrap();

    let text = "네, 내일  오후 3시에 방문할게요 ok";
    rig.inject_mo("+821099998888", COMPANY, text);
    let report = report_where(&mut reports, |report| {
        matches!(report, GatewayReport::Inbound(_))
    })
    .await;
    let GatewayReport::Inbound(inbound) = report else {
        unreachable!()
    };
    assert_eq!(inbound.from, "+821099998888");
    assert_eq!(inbound.to, COMPANY);
    assert_eq!(inbound.body, text);
    assert!(inbound.gateway_ref.is_some());
    // Nothing was sent back to the customer (max-messages = 0).
    assert_eq!(rig.received_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_refused_in_kannels_words() {
    let rig = KannelRig::start();
    let (sender, _reports) = mpsc::channel(64);
    let mut settings = rig.settings();
    settings.password = "wrong".to_owned();
    let kannel = Kannel::open(&settings, sender).unwrap();

    let error = kannel
        .send(&message("m-1", "안녕하세요"))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        GatewayError::Refused("Authorization failed for sendsms".to_owned())
    );
    assert!(!error.is_transient(), "a refusal is not tried again");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.received_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kannel_away_is_transient_and_its_stored_messages_go_out_once() {
    let mut rig = KannelRig::start();
    let (sender, mut reports) = mpsc::channel(256);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();
    // Reports are not the point here; keep the listener from waiting on them.
    tokio::spawn(async move { while reports.recv().await.is_some() {} });

    // No SMS centre: bearerbox keeps what it takes in its store.
    rig.stop_smsc();
    let mut sent = BTreeSet::new();
    for index in 0..5 {
        let body = format!("예약 안내 {index}");
        kannel
            .send(&message(&format!("m-{index}"), &body))
            .await
            .unwrap();
        sent.insert(body);
    }
    rig.stop_kannel();

    let error = kannel
        .send(&message("m-away", "보내지면 안 됨"))
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error:?}");

    rig.start_kannel();
    kannel
        .send(&message("m-back", "다시 연결됨"))
        .await
        .unwrap();
    sent.insert("다시 연결됨".to_owned());

    rig.wait_received(sent.len(), WAIT);
    // Give a second delivery of any of them time to show.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received = rig.received();
    assert_eq!(received.len(), sent.len(), "{received:?}");
    let texts: BTreeSet<String> = received.into_iter().map(|message| message.text).collect();
    assert_eq!(texts, sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_korean_message_arrives_in_parts_that_join_up() {
    let rig = KannelRig::start();
    let (sender, _reports) = mpsc::channel(64);
    let kannel = Kannel::open(&rig.settings(), sender).unwrap();

    let long = "가나다라마바사아자차".repeat(10);
    kannel.send(&message("m-lms", &long)).await.unwrap();
    let mut parts = rig.wait_received(2, WAIT);
    assert!(
        parts
            .iter()
            .all(|part| part.coding == "udh" && part.udh.len() == 6),
        "{parts:?}"
    );
    // The header's last byte is the part's number.
    parts.sort_by_key(|part| part.udh[5]);
    let joined: String = parts.iter().map(|part| part.text.as_str()).collect();
    assert_eq!(joined, long);
}
