//! The HTTP provider gateway against a test provider on a real loopback
//! socket ([`crate::support::sms_provider`]): what arrives there (field
//! names, key header, Korean text), how its answers map (taken, refused
//! with its words, transient), the credit, and delivery results polled
//! until final — also for messages handed over after a restart.

use std::time::Duration;

use ringdesk::config::{GatewayKind, HttpProviderSettings, SmsSettings};
use ringdesk::domain::{MessageKind, Picture};
use ringdesk::sms::gateway::http::PollTiming;
use ringdesk::sms::gateway::{
    self, Accepted, Balance, DeliveryOutcome, GatewayError, GatewayReport, HttpProvider, Outgoing,
    SentMessage, SmsGateway as _,
};
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::support::sms_provider::{
    API_KEY, Answer, IMAGE_FIELD, KEY_HEADER, REF_FIELD, SmsProvider, State, TO_FIELD,
};

/// Results asked for within milliseconds, so a pending-then-delivered
/// message settles in well under a second.
const FAST: PollTiming = PollTiming {
    first: Duration::from_millis(20),
    longest: Duration::from_millis(80),
    give_up: Duration::from_secs(30),
};

/// The test provider's API as ringdesk is told it: every field renamed from
/// the defaults, so a default that leaks through shows.
fn settings(provider: &SmsProvider) -> HttpProviderSettings {
    HttpProviderSettings {
        send_url: provider.url("/send"),
        auth_header: KEY_HEADER.to_owned(),
        auth_value: API_KEY.to_owned(),
        to_field: TO_FIELD.to_owned(),
        from_field: "sender".to_owned(),
        text_field: "msg".to_owned(),
        subject_field: "title".to_owned(),
        kind_field: "msg_type".to_owned(),
        reference_field: REF_FIELD.to_owned(),
        id_field: "result.msgId".to_owned(),
        error_field: "errorMessage".to_owned(),
        balance_url: provider.url("/balance"),
        balance_field: "data.remaining".to_owned(),
        status_url: provider.url("/result/{ref}"),
        status_field: "status".to_owned(),
        reason_field: "reason".to_owned(),
        delivered_values: vec!["DELIVERED".to_owned()],
        failed_values: vec!["FAILED".to_owned()],
        timeout_secs: 1,
        ..HttpProviderSettings::default()
    }
}

fn message(uid: &str, to: &str) -> Outgoing {
    Outgoing {
        uid: uid.to_owned(),
        to: to.to_owned(),
        from: "+8215881234".to_owned(),
        kind: MessageKind::Lms,
        subject: "[링데스크] 안내".to_owned(),
        body: "홍길동 고객님, 주문하신 상품이 오늘 발송됩니다. 감사합니다! 😀".to_owned(),
        picture: None,
    }
}

async fn next_report(reports: &mut mpsc::Receiver<GatewayReport>) -> GatewayReport {
    timeout(Duration::from_secs(10), reports.recv())
        .await
        .expect("no report within 10 s")
        .expect("the report channel closed")
}

#[tokio::test]
async fn the_configured_fields_key_and_korean_text_arrive() {
    let provider = SmsProvider::start().await;
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();

    let accepted = gateway
        .send(&message("uid-1", "+821012345678"))
        .await
        .unwrap();
    assert_eq!(
        accepted,
        Accepted {
            gateway_ref: Some("P-1".to_owned())
        }
    );
    let sends = provider.requests_to("/send");
    assert_eq!(sends.len(), 1);
    let request = &sends[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.headers["x-api-key"], API_KEY);
    assert!(
        request.headers["content-type"].starts_with("application/json"),
        "{:?}",
        request.headers
    );
    assert_eq!(
        request.json,
        Some(json!({
            "receiver": "01012345678",
            "sender": "15881234",
            "msg": "홍길동 고객님, 주문하신 상품이 오늘 발송됩니다. 감사합니다! 😀",
            "title": "[링데스크] 안내",
            "msg_type": "LMS",
            "client_ref": "uid-1",
        }))
    );
    // Korean travels as UTF-8, not as \u escapes a provider might store literally.
    assert!(request.body.contains("홍길동 고객님"), "{}", request.body);
    assert!(gateway.deduplicates());
    assert!(gateway.reports_delivery());
}

#[tokio::test]
async fn a_picture_arrives_intact_in_the_configured_field() {
    let provider = SmsProvider::start().await;
    let tiny =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg"))
            .unwrap();
    let mms = Outgoing {
        kind: MessageKind::Mms,
        picture: Some(Picture::new(tiny.clone())),
        ..message("uid-mms", "+821012345678")
    };

    // Without a picture field the provider takes no pictures: the message
    // is refused before anything is posted, saying what to set.
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    assert!(!gateway.carries_pictures());
    let refused = gateway.send(&mms).await.unwrap_err();
    assert!(
        !refused.is_transient() && refused.reason().contains("sms.http.image_field"),
        "{refused}"
    );
    assert!(provider.requests_to("/send").is_empty());

    let mut with_field = settings(&provider);
    IMAGE_FIELD.clone_into(&mut with_field.image_field);
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&with_field, sender, FAST).unwrap();
    assert!(gateway.carries_pictures());
    let accepted = gateway.send(&mms).await.unwrap();
    let id = accepted.gateway_ref.unwrap();
    assert_eq!(
        provider.picture(&id),
        Some(tiny),
        "the JPEG arrived byte for byte"
    );
    let request = &provider.requests_to("/send")[0];
    let json = request.json.as_ref().unwrap();
    assert_eq!(json["msg_type"], "MMS");
    assert!(json[IMAGE_FIELD].is_string());
    // A text message carries no picture field.
    let sms = gateway
        .send(&message("uid-sms", "+821012345678"))
        .await
        .unwrap();
    assert_eq!(provider.picture(&sms.gateway_ref.unwrap()), None);
    assert!(
        provider.requests_to("/send")[1]
            .json
            .as_ref()
            .unwrap()
            .get(IMAGE_FIELD)
            .is_none()
    );
}

#[tokio::test]
async fn a_refusal_carries_the_providers_words() {
    let provider = SmsProvider::start().await;
    provider.script_send(
        "01000000000",
        vec![Answer::Refuse(400, "수신번호 형식이 올바르지 않습니다")],
    );
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    assert_eq!(
        gateway.send(&message("uid-2", "+821000000000")).await,
        Err(GatewayError::Refused(
            "수신번호 형식이 올바르지 않습니다".to_owned()
        ))
    );

    let mut wrong_key = settings(&provider);
    wrong_key.auth_value = "old-key".to_owned();
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&wrong_key, sender, FAST).unwrap();
    let error = gateway
        .send(&message("uid-3", "+821012345678"))
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    assert!(
        error.reason().starts_with("invalid api key") && error.reason().contains("HTTP 401"),
        "{error}"
    );

    // No key set: no empty key header either.
    let mut no_key = settings(&provider);
    no_key.auth_value = String::new();
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&no_key, sender, FAST).unwrap();
    let error = gateway
        .send(&message("uid-6", "+821012345678"))
        .await
        .unwrap_err();
    assert!(error.reason().starts_with("invalid api key"), "{error}");
    let last = provider.requests().pop().unwrap();
    assert!(
        !last.headers.contains_key("x-api-key"),
        "{:?}",
        last.headers
    );
}

#[tokio::test]
async fn busy_or_broken_is_transient_slow_is_unanswered_and_the_retry_goes_through() {
    let provider = SmsProvider::start().await;
    provider.script_send(
        "01022223333",
        vec![
            Answer::Bare(503),
            Answer::Refuse(429, "too many requests"),
            Answer::Slow(Duration::from_secs(3), Box::new(Answer::Accept)),
            Answer::Bare(500),
        ],
    );
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    let outgoing = message("uid-4", "+821022223333");

    let reasons: Vec<String> = {
        let mut reasons = Vec::new();
        for attempt in 0..4 {
            let error = gateway.send(&outgoing).await.unwrap_err();
            // Too slow: the provider read the message and may have taken it.
            if attempt == 2 {
                assert!(matches!(error, GatewayError::Unanswered(_)), "{error:?}");
            } else {
                assert!(error.is_transient(), "{error:?}");
            }
            reasons.push(error.reason().to_owned());
        }
        reasons
    };
    assert_eq!(reasons[0], "HTTP 503 Service Unavailable");
    assert_eq!(reasons[1], "HTTP 429: too many requests");
    assert!(
        reasons[2].starts_with("no answer from 127.0.0.1 within 1 s"),
        "{}",
        reasons[2]
    );
    assert_eq!(reasons[3], "HTTP 500 Internal Server Error");
    // The same message again, with the same reference, so the provider can
    // tell it from a new one.
    assert!(gateway.send(&outgoing).await.is_ok());
    let refs: Vec<_> = provider
        .requests_to("/send")
        .iter()
        .map(|request| request.json.as_ref().unwrap()[REF_FIELD].clone())
        .collect();
    assert_eq!(refs, vec![json!("uid-4"); 5]);
}

#[tokio::test]
async fn a_provider_that_is_not_there_is_transient() {
    // A port that was free a moment ago: nobody listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = HttpProviderSettings {
        send_url: format!("http://127.0.0.1:{port}/send"),
        ..HttpProviderSettings::default()
    };
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::new(&settings, sender).unwrap();
    let error = gateway
        .send(&message("uid-5", "+821012345678"))
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert!(
        error.reason().starts_with("cannot connect to 127.0.0.1"),
        "{error}"
    );
}

#[tokio::test]
async fn https_is_spoken_and_an_unknown_certificate_is_not_trusted() {
    let provider = SmsProvider::start_tls().await;
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    let error = gateway
        .send(&message("uid-tls", "+821012345678"))
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert!(
        error.reason().starts_with("cannot connect to localhost")
            && error.reason().contains("certificate"),
        "{error}"
    );
    // Nothing, the key included, went over the untrusted link.
    assert!(provider.requests().is_empty());
}

#[tokio::test]
async fn the_credit_is_read() {
    let provider = SmsProvider::start().await;
    provider.set_balance(12_345);
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    assert_eq!(
        gateway.balance().await,
        Ok(Some(Balance { messages: 12_345 }))
    );
    let balance_request = &provider.requests_to("/balance")[0];
    assert_eq!(balance_request.method, "GET");
    assert_eq!(balance_request.headers["x-api-key"], API_KEY);

    let without = HttpProviderSettings {
        balance_url: String::new(),
        ..settings(&provider)
    };
    let (sender, _reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&without, sender, FAST).unwrap();
    assert_eq!(gateway.balance().await, Ok(None));
}

#[tokio::test]
async fn results_are_polled_until_delivered_or_failed() {
    let provider = SmsProvider::start().await;
    provider.script_results(
        "01011112222",
        vec![State::Pending, State::Pending, State::Delivered],
    );
    provider.script_results("01099998888", vec![State::Pending, State::Failed("결번")]);
    let (sender, mut reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();

    let delivered = gateway
        .send(&message("uid-ok", "+821011112222"))
        .await
        .unwrap();
    let failed = gateway
        .send(&message("uid-gone", "+821099998888"))
        .await
        .unwrap();
    let mut got = vec![
        next_report(&mut reports).await,
        next_report(&mut reports).await,
    ];
    got.sort_by_key(|report| format!("{report:?}"));
    assert_eq!(
        got,
        vec![
            GatewayReport::Delivery {
                uid: "uid-gone".to_owned(),
                gateway_ref: failed.gateway_ref,
                outcome: DeliveryOutcome::Failed("결번".to_owned()),
            },
            GatewayReport::Delivery {
                uid: "uid-ok".to_owned(),
                gateway_ref: delivered.gateway_ref.clone(),
                outcome: DeliveryOutcome::Delivered,
            },
        ]
    );
    // Three asks about the delivered one (pending, pending, delivered), each
    // with the key; then nothing more is asked about either.
    let asked = provider.requests_to(&format!(
        "/result/{}",
        delivered.gateway_ref.as_deref().unwrap()
    ));
    assert_eq!(asked.len(), 3);
    assert!(
        asked
            .iter()
            .all(|request| request.headers["x-api-key"] == API_KEY)
    );
    let before = provider.requests_to("/result/").len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(provider.requests_to("/result/").len(), before);
}

#[tokio::test]
async fn a_message_still_pending_at_the_deadline_gets_no_report() {
    let provider = SmsProvider::start().await;
    provider.script_results("01033334444", vec![State::Pending]);
    let (sender, mut reports) = mpsc::channel(8);
    let timing = PollTiming {
        give_up: Duration::from_millis(200),
        ..FAST
    };
    let gateway = HttpProvider::with_timing(&settings(&provider), sender, timing).unwrap();
    gateway
        .send(&message("uid-slow", "+821033334444"))
        .await
        .unwrap();
    // Well past the deadline, even on a busy machine.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let asked = provider.requests_to("/result/").len();
    assert!(asked >= 2, "asked {asked} times");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        provider.requests_to("/result/").len(),
        asked,
        "still asking"
    );
    assert!(reports.try_recv().is_err());
}

#[tokio::test]
async fn messages_sent_before_a_restart_are_followed_and_dropping_stops_polling() {
    let provider = SmsProvider::start().await;
    provider.script_results("01055556666", vec![State::Pending]);
    provider.script_results("01077778888", vec![State::Pending]);
    let (sender, _lost_reports) = mpsc::channel(8);
    let before = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    let first = before
        .send(&message("uid-a", "+821055556666"))
        .await
        .unwrap();
    let second = before
        .send(&message("uid-b", "+821077778888"))
        .await
        .unwrap();
    // ringdesk stops while both are on their way: no more asking.
    drop(before);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = provider.requests_to("/result/").len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(provider.requests_to("/result/").len(), asked);

    provider.script_results("01055556666", vec![State::Delivered]);
    provider.script_results("01077778888", vec![State::Failed("unknown subscriber")]);
    let (sender, mut reports) = mpsc::channel(8);
    let after = HttpProvider::with_timing(&settings(&provider), sender, FAST).unwrap();
    after.follow(vec![
        SentMessage {
            uid: "uid-a".to_owned(),
            gateway_ref: first.gateway_ref.clone(),
        },
        SentMessage {
            uid: "uid-b".to_owned(),
            gateway_ref: second.gateway_ref.clone(),
        },
    ]);
    let mut got = vec![
        next_report(&mut reports).await,
        next_report(&mut reports).await,
    ];
    got.sort_by_key(|report| format!("{report:?}"));
    assert_eq!(
        got,
        vec![
            GatewayReport::Delivery {
                uid: "uid-a".to_owned(),
                gateway_ref: first.gateway_ref,
                outcome: DeliveryOutcome::Delivered,
            },
            GatewayReport::Delivery {
                uid: "uid-b".to_owned(),
                gateway_ref: second.gateway_ref,
                outcome: DeliveryOutcome::Failed("unknown subscriber".to_owned()),
            },
        ]
    );
}

#[tokio::test]
async fn results_can_be_asked_by_ringdesks_own_id() {
    let provider = SmsProvider::start().await;
    provider.script_results("01012121212", vec![State::Failed("결번")]);
    let by_uid = HttpProviderSettings {
        status_url: provider.url("/result-by-ref/{uid}"),
        // A provider that gives no id of its own.
        id_field: "result.none".to_owned(),
        ..settings(&provider)
    };
    let (sender, mut reports) = mpsc::channel(8);
    let gateway = HttpProvider::with_timing(&by_uid, sender, FAST).unwrap();
    let accepted = gateway
        .send(&message("uid-c", "+821012121212"))
        .await
        .unwrap();
    assert_eq!(accepted.gateway_ref, None);
    assert_eq!(
        next_report(&mut reports).await,
        GatewayReport::Delivery {
            uid: "uid-c".to_owned(),
            gateway_ref: None,
            outcome: DeliveryOutcome::Failed("결번".to_owned()),
        }
    );
    assert_eq!(provider.requests_to("/result-by-ref/uid-c").len(), 1);
}

#[tokio::test]
async fn open_builds_the_provider_the_settings_name() {
    let provider = SmsProvider::start().await;
    let mut http = settings(&provider);
    // Without a client reference a second try could send twice; without a
    // result address no report follows.
    http.reference_field = String::new();
    http.status_url = String::new();
    let sms = SmsSettings {
        gateway: GatewayKind::Http,
        http,
        ..SmsSettings::default()
    };
    let (sender, _reports) = mpsc::channel(8);
    let gateway = gateway::open(&sms, sender).await.unwrap();
    assert_eq!(gateway.name(), "HTTP");
    assert!(!gateway.deduplicates());
    assert!(!gateway.reports_delivery());
    assert!(
        gateway
            .send(&message("uid-d", "+821012345678"))
            .await
            .is_ok()
    );
    let request = &provider.requests_to("/send")[0];
    assert_eq!(request.json.as_ref().unwrap().get(REF_FIELD), None);
}
