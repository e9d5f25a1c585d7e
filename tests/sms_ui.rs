//! The SMS windows end to end: the composer opened from a customer's card
//! on a real store, checked while typing and sent through the real
//! backend; the message log listing what was sent and resending a failed
//! message.
//!
//! The outbox worker that hands messages to the gateway runs on its own
//! thread, which this part of ringdesk does not start; the test plays it:
//! it moves the queued message through the store's own outbox steps and
//! hands the window the `MessageChanged` event the worker would send.

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::backend::Event;
use ringdesk::config::Settings;
use ringdesk::domain::{
    CustomerDraft, Direction, MessageKind, NewMessage, NewSenderNumber, Outcome, PhoneDraft,
    PhoneNumber, Region,
};
use ringdesk::store::{CustomerOrder, Page, Store};
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{add_call, click, drop_file, settings_file, step_until, type_into, window};

const COMPOSER: &str = "문자보내기 — 홍길동";

/// 홍길동 (010-1234-5678, agreed to advertising at night so the test
/// passes at any hour), the sender number 1588-1234 and the advertising
/// details in the settings.
fn set_up(dir: &DataDir) {
    let mut store = Store::open(&dir.database()).unwrap();
    let draft = CustomerDraft {
        name: "홍길동".to_owned(),
        phones: vec![PhoneDraft {
            label: "휴대폰".to_owned(),
            number: "010-1234-5678".to_owned(),
        }],
        ad_night_consent: true,
        ..CustomerDraft::default()
    };
    store
        .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
    drop(store);
    add_sender_number(dir);
    let path = settings_file(dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    "링데스크".clone_into(&mut settings.sms.sender_name);
    "080-123-4567".clone_into(&mut settings.sms.optout_number);
    ringdesk::config::save(&path, &settings).unwrap();
}

/// Registers the sender number 1588-1234 (대표번호).
pub(crate) fn add_sender_number(dir: &DataDir) {
    Store::open(&dir.database())
        .unwrap()
        .create_sender_number(&NewSenderNumber {
            number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
            label: "대표번호".to_owned(),
        })
        .unwrap();
}

pub(crate) fn shows(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    harness.query_by_label_contains(text).is_some()
}

pub(crate) fn send_enabled(harness: &Harness<'_, RingdeskApp>) -> bool {
    !harness
        .get_by_role_and_label(Role::Button, "보내기")
        .accesskit_node()
        .is_disabled()
}

/// Types at the end of the composer's body.
fn type_body(harness: &mut Harness<'static, RingdeskApp>, text: &str) {
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "내용")
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "내용")
        .type_text(text);
    harness.run_steps(2);
}

/// Shows 홍길동's card and opens the composer from its 문자 button.
fn open_composer(harness: &mut Harness<'static, RingdeskApp>) {
    type_into(harness, "검색", "길동");
    step_until(harness, "the search result", |h| {
        h.query_all_by_label("010-1234-5678").next().is_some()
    });
    harness
        .query_all_by_label("010-1234-5678")
        .next()
        .unwrap()
        .click();
    harness.run_ok();
    step_until(harness, "the card", |h| {
        h.query_all_by_label("휴대폰").next().is_some()
    });
    harness
        .query_all_by_label("문자")
        .next()
        .expect("the card's 문자 button")
        .click();
    step_until(harness, "the composer", |h| {
        h.query_by_role_and_label(Role::Window, COMPOSER).is_some()
    });
    step_until(harness, "the sender numbers", |h| {
        !shows(h, "등록된 발신번호가 없습니다")
    });
}

#[test]
fn a_message_is_checked_while_typed_sent_and_followed_to_delivery() {
    let dir = DataDir::new();
    set_up(&dir);
    let mut harness = window(&dir);
    open_composer(&mut harness);
    assert!(!send_enabled(&harness), "an empty message cannot go");

    type_body(&mut harness, "안녕하세요");
    assert!(shows(&harness, "10 / 90바이트 · SMS (단문)"));
    assert!(harness.query_by_label("LMS 제목").is_none());
    assert!(send_enabled(&harness));

    // Past 90 bytes it becomes an LMS, which may carry a subject.
    type_body(
        &mut harness,
        " 내일 오후 세 시에 방문 상담이 예정되어 있습니다. 준비물은 신분증과 통장 사본입니다.",
    );
    assert!(shows(&harness, "94 / 2000바이트 · LMS (장문)"));
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "LMS 제목")
            .is_some()
    );

    // EUC-KR has no emoji: it is pointed at and the message cannot go.
    // No font here has emoji; the window draws a box for them, as egui
    // does unless a test asks it to fail on a missing glyph.
    harness
        .ctx
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    type_body(&mut harness, "😀");
    assert!(
        shows(&harness, "😀 U+1F600 (55번째 글자)"),
        "the emoji is named with its place and code point"
    );
    assert!(!send_enabled(&harness));
    harness.key_press(egui::Key::Backspace);
    harness.run_steps(2);
    assert!(!shows(&harness, "U+1F600"));
    assert!(send_enabled(&harness));

    // An advertisement needs its mark, the sender and the opt-out line.
    click(&mut harness, "광고 문자");
    assert!(
        shows(&harness, "맨 앞이 정확히 \"(광고)\"로 시작해야"),
        "the missing mark is reported"
    );
    assert!(shows(&harness, "무료수신거부 080-123-4567\" 줄로 끝나야"));
    assert!(!send_enabled(&harness));
    click(&mut harness, "광고 규칙대로 고치기");
    assert!(send_enabled(&harness), "the fix satisfies the rules");
    assert!(!shows(&harness, "(광고)\"로 시작해야"));

    // Ctrl+Enter sends, as the button would.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    // The outbox worker hands it to the dry-run gateway, which reports it
    // delivered; the composer follows it there.
    step_until(&mut harness, "the delivery shown", |h| {
        shows(h, "상태: 전달됨")
    });
    {
        let store = Store::open(&dir.database()).unwrap();
        let message = store.messages(Page::first(10)).unwrap().remove(0);
        assert!(
            message
                .body
                .starts_with("(광고)링데스크 1588-1234\n안녕하세요")
        );
        assert!(message.body.ends_with("무료수신거부 080-123-4567"));
        assert_eq!(message.kind, MessageKind::Lms);
        assert_eq!(message.state, ringdesk::domain::MessageState::Delivered);
    }
    // The card's recent messages follow too.
    step_until(&mut harness, "the card's message", |h| {
        h.query_all_by_label("전달됨").count() >= 2
    });

    click(&mut harness, "새 문자");
    assert!(
        harness
            .query_by_role_and_label(Role::MultilineTextInput, "내용")
            .is_some()
    );

    // A text marked (광고) cannot slip out as an ordinary message: the
    // composer says so in Korean and offers to send it as advertising.
    type_body(&mut harness, "[광고] 봄맞이 할인");
    assert!(shows(&harness, "내용이 광고 표시로 시작합니다"));
    assert!(!send_enabled(&harness));
    click(&mut harness, "광고 문자로 보내기");
    assert!(!shows(&harness, "내용이 광고 표시로 시작합니다"));
    assert!(shows(&harness, "무료수신거부 080-123-4567\" 줄로 끝나야"));
    click(&mut harness, "광고 규칙대로 고치기");
    assert!(send_enabled(&harness));

    // Every problem is said in the window's language.
    harness
        .get_by_role_and_label(Role::TextInput, "받는 번호")
        .focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "받는 번호")
        .type_text("02-2299-7000");
    harness.run_steps(2);
    assert!(
        shows(&harness, "휴대전화 번호가 아닙니다"),
        "a landline is refused in Korean"
    );
    assert!(!send_enabled(&harness));
    // Esc closes the composer, the window in front.
    harness.key_press(egui::Key::Escape);
    harness.run_ok();
    assert!(
        harness
            .query_by_role_and_label(Role::Window, COMPOSER)
            .is_none()
    );
}

#[test]
fn the_message_log_lists_messages_and_resends_a_failed_one() {
    let dir = DataDir::new();
    set_up(&dir);
    {
        let mut store = Store::open(&dir.database()).unwrap();
        let hong = store
            .list_customers(CustomerOrder::Name, Page::first(1))
            .unwrap()
            .remove(0)
            .id;
        let id = store
            .enqueue_message(&NewMessage {
                batch_id: None,
                customer_id: Some(hong),
                user_id: None,
                to: PhoneNumber::parse("010-9876-5432", Region::KOREA).unwrap(),
                from_key: "+8215881234".to_owned(),
                kind: MessageKind::Sms,
                subject: String::new(),
                body: "주문하신 상품이 발송되었습니다.".to_owned(),
                advertising: false,
                image: None,
            })
            .unwrap();
        store.fail_message(id, "수신 거부된 번호").unwrap();
    }
    let mut harness = window(&dir);
    click(&mut harness, "고객관리(C)");
    harness
        .get_by_role_and_label(Role::Button, "문자목록")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the failed message", |h| {
        shows(h, "주문하신 상품이 발송되었습니다.") && shows(h, "수신 거부된 번호")
    });
    assert!(shows(&harness, "문자 1건"));
    assert!(
        shows(&harness, "홍길동"),
        "the customer it went to is named"
    );

    click(&mut harness, "재전송");
    step_until(&mut harness, "the copy queued", |h| {
        shows(h, "다시 보내도록 대기열에 넣었습니다.") && shows(h, "문자 2건")
    });
    let store = Store::open(&dir.database()).unwrap();
    let messages = store.messages(Page::first(10)).unwrap();
    assert_eq!(messages.len(), 2, "the failed one stays, a copy is queued");

    // 문자발송결과 lists bulk sends; its 문자별 상태 합계 counts every
    // message of the period per state.
    click(&mut harness, "고객관리(C)");
    harness
        .get_by_role_and_label(Role::Button, "문자발송결과")
        .click();
    harness.run_ok();
    click(&mut harness, "문자별 상태 합계");
    // The copy goes through the dry-run gateway meanwhile.
    step_until(&mut harness, "the totals", |h| {
        shows(h, "실패 1") && (shows(h, "대기 1") || shows(h, "전달됨 1"))
    });
}

#[test]
fn the_call_log_writes_to_a_caller_and_the_status_bar_shows_the_gateway() {
    let dir = DataDir::new();
    set_up(&dir);
    let id = {
        let store = Store::open(&dir.database()).unwrap();
        store
            .list_customers(CustomerOrder::Name, Page::first(1))
            .unwrap()
            .remove(0)
            .id
    };
    add_call(
        &dir,
        1,
        Direction::In,
        "010-1234-5678",
        Some(id),
        Outcome::Answered,
    );
    let mut harness = window(&dir);
    assert!(shows(&harness, "문자: dry-run"));
    click(&mut harness, "고객관리(C)");
    harness
        .get_by_role_and_label(Role::Button, "전화목록")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the call", |h| {
        h.query_all_by_label("문자").next().is_some()
    });
    harness.query_all_by_label("문자").next().unwrap().click();
    harness.run_ok();
    // Only the customer's id is in the log; the composer asks for the card.
    step_until(&mut harness, "the composer written to the customer", |h| {
        h.query_by_role_and_label(Role::Window, COMPOSER).is_some()
    });
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "받는 번호")
            .accesskit_node()
            .value()
            .as_deref(),
        Some("010-1234-5678")
    );

    let ctx = harness.ctx.clone();
    harness.state_mut().receive(
        Event::SmsGateway {
            name: "Kannel".to_owned(),
            balance: Some(12_345),
            problem: Some("credit is running low".to_owned()),
        },
        &ctx,
    );
    harness.run_ok();
    assert!(shows(&harness, "문자: Kannel"));
    assert!(shows(&harness, "잔여 12,345건"));
    assert!(shows(&harness, "credit is running low"));
}

#[test]
fn a_picture_dropped_on_the_composer_goes_as_an_mms_and_is_marked_in_the_log() {
    let dir = DataDir::new();
    set_up(&dir);
    let mut harness = window(&dir);
    open_composer(&mut harness);
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "사진 첨부")
            .is_some()
    );
    type_body(&mut harness, "매장 약도입니다.");
    assert!(shows(&harness, "SMS (단문)"));

    // A file that is no JPEG is refused, naming it; nothing is attached.
    let png = dir.path().join("logo.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n").unwrap();
    drop_file(&mut harness, &png);
    step_until(&mut harness, "the refusal", |h| {
        shows(h, "logo.png: JPEG 사진만 보낼 수 있습니다")
    });
    assert!(shows(&harness, "SMS (단문)"));

    // The backend reads the JPEG; the window shows its name and size, and
    // the counter says MMS.
    let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg");
    drop_file(&mut harness, &tiny);
    step_until(&mut harness, "the attached picture", |h| {
        shows(h, "tiny.jpg (1 KB)")
    });
    assert!(!shows(&harness, "logo.png"), "the old refusal is gone");
    assert!(shows(&harness, "MMS (그림)"));
    assert!(send_enabled(&harness), "dry-run carries pictures");

    // Removing it gives the SMS back; dropping it again attaches it again.
    click(&mut harness, "× 빼기");
    assert!(shows(&harness, "SMS (단문)"));
    drop_file(&mut harness, &tiny);
    step_until(&mut harness, "the picture again", |h| {
        shows(h, "MMS (그림)")
    });

    click(&mut harness, "보내기");
    step_until(&mut harness, "the delivery shown", |h| {
        shows(h, "상태: 전달됨")
    });
    {
        let store = Store::open(&dir.database()).unwrap();
        let message = store.messages(Page::first(10)).unwrap().remove(0);
        assert_eq!(message.kind, MessageKind::Mms);
        assert_eq!(message.state, ringdesk::domain::MessageState::Delivered);
        let image = message.image.expect("the message carries its picture");
        assert_eq!(
            store.picture(image.id).unwrap().bytes(),
            std::fs::read(&tiny).unwrap(),
            "the picture arrived intact"
        );
    }
    click(&mut harness, "새 문자");
    assert!(
        !shows(&harness, "tiny.jpg"),
        "a new message starts without it"
    );

    // The message log marks the MMS.
    click(&mut harness, "고객관리(C)");
    harness
        .get_by_role_and_label(Role::Button, "문자목록")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the MMS in the log", |h| {
        shows(h, "[사진] 매장 약도입니다.")
    });
}

#[test]
fn a_provider_without_a_picture_field_keeps_a_picture_from_going_and_says_what_to_set() {
    let dir = DataDir::new();
    set_up(&dir);
    let path = settings_file(&dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    settings.sms.gateway = ringdesk::config::GatewayKind::Http;
    "http://127.0.0.1:9/send".clone_into(&mut settings.sms.http.send_url);
    ringdesk::config::save(&path, &settings).unwrap();
    let mut harness = window(&dir);
    open_composer(&mut harness);
    type_body(&mut harness, "매장 약도입니다.");
    let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg");
    drop_file(&mut harness, &tiny);
    step_until(&mut harness, "the attached picture", |h| {
        shows(h, "tiny.jpg (1 KB)")
    });
    assert!(shows(
        &harness,
        "사진 필드(sms.http.image_field)를 정하거나"
    ));
    assert!(!send_enabled(&harness));
}
