//! The caller pop-up end to end: the window with its real backend, whose
//! PBX thread logs in over TCP to the test AMI server
//! (tests/support/ami_server.rs) and follows the recorded Asterisk calls
//! into the pop-up, the status bar and the call log of a real database file.
//!
//! The pop-up is an immediate viewport; under egui_kittest viewports are
//! embedded as windows, so it is found by its title like any other window.

use std::time::{Duration, Instant};

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::config::{PopupMoment, Settings};
use ringdesk::domain::note::NoteBody;
use ringdesk::domain::{
    Call, CallRecord, CustomerDraft, CustomerId, Direction, FieldKind, NewFieldDef, Outcome,
    PhoneDraft, PhoneNumber, Region, Timestamp,
};
use ringdesk::store::{Page, Store};
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::support::ami_server::{BackgroundServer, OriginateScript, Pace, ServerConfig, Step};
use crate::ui::{click, settings_file, step_until, type_into, window};

/// The call in `inbound_answered`: 01012345678 rings extension 1001.
const CALL: &str = "1795432197.0";
const TITLE: &str = "전화 왔습니다";

/// Points the settings file in `dir` at `server` as extension 1001.
pub(crate) fn set_up(
    dir: &DataDir,
    server: &BackgroundServer,
    secret: &str,
    change: impl FnOnce(&mut Settings),
) {
    let path = settings_file(dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    let pbx = &mut settings.pbx;
    "127.0.0.1".clone_into(&mut pbx.host);
    pbx.port = server.port();
    "crm".clone_into(&mut pbx.user);
    secret.clone_into(&mut pbx.secret);
    "1001".clone_into(&mut pbx.extension);
    change(&mut settings);
    ringdesk::config::save(&path, &settings).unwrap();
}

pub(crate) type Window = Harness<'static, RingdeskApp>;

/// The pop-up's window, when one is open.
fn popup<'h>(harness: &'h Harness<'_, RingdeskApp>) -> Option<egui_kittest::Node<'h>> {
    harness.query_by_role_and_label(Role::Window, TITLE)
}

/// True when the pop-up shows a text containing `text`.
fn popup_shows(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    popup(harness).is_some_and(|popup| popup.query_by_label_contains(text).is_some())
}

fn wait_for_popup(harness: &mut Window, what: &str, text: &str) {
    step_until(harness, what, |h| popup_shows(h, text));
}

pub(crate) fn connected(harness: &mut Window) {
    step_until(harness, "the PBX link", |h| {
        h.query_by_label("PBX: 연결됨 · Asterisk 22.10.1").is_some()
    });
}

fn customer(store: &mut Store, name: &str, company: &str, number: &str) -> CustomerId {
    let draft = CustomerDraft {
        name: name.to_owned(),
        company: company.to_owned(),
        phones: vec![PhoneDraft {
            label: String::new(),
            number: number.to_owned(),
        }],
        ..CustomerDraft::default()
    };
    store
        .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
        .unwrap()
}

/// 홍길동 in group VIP, with 등급 (a field shown on the pop-up) 골드, a
/// call last week with a memo, and a note.
fn known_caller(dir: &DataDir) -> CustomerId {
    let mut store = Store::open(&dir.database()).unwrap();
    store
        .create_field(&NewFieldDef {
            show_in_popup: true,
            ..NewFieldDef::new("grade", "등급", FieldKind::Text).unwrap()
        })
        .unwrap();
    let draft = CustomerDraft {
        name: "홍길동".to_owned(),
        company: "한빛소프트".to_owned(),
        phones: vec![PhoneDraft {
            label: "휴대폰".to_owned(),
            number: "010-1234-5678".to_owned(),
        }],
        groups: vec!["VIP".to_owned()],
        fields: vec![("grade".to_owned(), "골드".to_owned())],
        ..CustomerDraft::default()
    };
    let fields = store.field_defs().unwrap();
    let id = store
        .create_customer(&draft.check(Region::KOREA, &fields).unwrap())
        .unwrap();
    let week_ago = Timestamp::now().as_millis() - 7 * 24 * 3_600_000;
    let earlier = store
        .record_call(&CallRecord {
            direction: Direction::In,
            pbx_call_id: "1794800000.3".to_owned(),
            number: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            customer_id: Some(id),
            user_id: None,
            extension: "1001".to_owned(),
            line: "0301234567".to_owned(),
            started_at: Timestamp(week_ago),
            answered_at: Some(Timestamp(week_ago + 4_000)),
            ended_at: Some(Timestamp(week_ago + 90_000)),
            outcome: Some(Outcome::Answered),
            cause: Some(16),
            cause_text: "Normal Clearing".to_owned(),
        })
        .unwrap();
    store
        .set_call_memo(earlier, "견적서 다시 보내 달라고 함")
        .unwrap();
    store
        .add_note(id, None, &NoteBody::new("오전 통화 선호").unwrap())
        .unwrap();
    id
}

/// The pop-up's call memo box.
fn memo_box<'h>(harness: &'h Harness<'_, RingdeskApp>) -> egui_kittest::Node<'h> {
    popup(harness)
        .unwrap()
        .get_by_role_and_label(Role::MultilineTextInput, "통화 메모")
}

/// The call log's rows for the recorded call.
fn logged(dir: &DataDir) -> Vec<Call> {
    let store = Store::open(&dir.database()).unwrap();
    store
        .calls_where(
            &ringdesk::domain::CallFilter::period(Timestamp(0), Timestamp(i64::MAX)),
            Page::first(100),
        )
        .unwrap()
        .into_iter()
        .filter(|call| call.pbx_call_id.as_deref() == Some(CALL))
        .collect()
}

#[test]
fn a_known_callers_card_pops_up_follows_the_call_and_takes_a_memo() {
    let dir = DataDir::new();
    let id = known_caller(&dir);
    // The recorded call at twice its speed: about 1.5 s ringing, 1 s talking.
    let pbx = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Recorded(2))]);
    set_up(&dir, &pbx, "crm-secret", |_| {});
    let mut harness = window(&dir);

    // The version is the one CoreSettings gave, not the greeting's protocol version.
    connected(&mut harness);
    assert!(harness.query_by_label_contains("11.0.0").is_none());

    wait_for_popup(&mut harness, "the pop-up while ringing", "전화 오는 중");
    for shown in [
        "010-1234-5678",
        "홍길동",
        "한빛소프트",
        "VIP",
        "등급",
        "골드",
        "견적서 다시 보내 달라고 함",
        "오전 통화 선호",
    ] {
        assert!(popup_shows(&harness, shown), "the pop-up lacks {shown}");
    }
    wait_for_popup(&mut harness, "the answered call", "통화 중 0");
    wait_for_popup(&mut harness, "the ended call", "통화 끝 · 받음");

    memo_box(&harness).focus();
    harness.run_steps(2);
    memo_box(&harness).type_text("주문 확인, 내일 배송");
    harness.run_steps(2);
    popup(&harness)
        .unwrap()
        .get_by_role_and_label(Role::Button, "메모 저장")
        .click();
    wait_for_popup(&mut harness, "the saved memo", "저장됨");
    step_until(&mut harness, "the memo in the call log", |_| {
        Store::open(&dir.database())
            .unwrap()
            .calls_of_customer(id, Page::first(10))
            .unwrap()
            .iter()
            .any(|call| call.memo == "주문 확인, 내일 배송")
    });

    let calls = logged(&dir);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(call.customer_id, Some(id));
    assert_eq!(call.memo, "주문 확인, 내일 배송");
    assert_eq!(call.outcome, Some(Outcome::Answered));
    assert!(
        call.answered_at.is_some() && call.ended_at.is_some(),
        "{call:?}"
    );
    assert_eq!(call.extension, "1001");

    // 문자 writes to the caller; the composer fetches the customer's card.
    popup(&harness)
        .unwrap()
        .get_by_role_and_label(Role::Button, "문자")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the composer for the caller", |h| {
        h.query_by_role_and_label(Role::Window, "문자보내기 — 홍길동")
            .is_some()
    });
}

#[test]
fn an_unknown_caller_can_be_registered_from_the_pop_up() {
    let dir = DataDir::new();
    let pbx = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Immediate)]);
    set_up(&dir, &pbx, "crm-secret", |_| {});
    let mut harness = window(&dir);
    wait_for_popup(&mut harness, "the pop-up", "등록되지 않은 번호입니다.");
    assert!(popup_shows(&harness, "010-1234-5678"));

    popup(&harness)
        .unwrap()
        .get_by_role_and_label(Role::Button, "신규고객저장")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the registration form", |h| {
        h.query_by_label("고객등록").is_some()
    });
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "번호 1")
            .value()
            .as_deref(),
        Some("010-1234-5678")
    );
}

#[test]
fn a_shared_number_asks_which_customer_is_calling() {
    let dir = DataDir::new();
    {
        let mut store = Store::open(&dir.database()).unwrap();
        customer(&mut store, "박지훈", "한빛상사", "010-1234-5678");
        customer(&mut store, "박서윤", "가람물산", "01012345678");
    }
    let pbx = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Immediate)]);
    set_up(&dir, &pbx, "crm-secret", |_| {});
    let mut harness = window(&dir);
    wait_for_popup(
        &mut harness,
        "the pick list",
        "이 번호를 쓰는 고객이 2명입니다. 누구인가요?",
    );
    assert!(popup_shows(&harness, "박지훈 · 한빛상사"));

    popup(&harness)
        .unwrap()
        .get_by_role_and_label(Role::Button, "박서윤 · 가람물산")
        .click();
    harness.run_ok();
    let popup = popup(&harness).unwrap();
    assert!(popup.query_by_label("박서윤").is_some());
    assert!(popup.query_by_label("가람물산").is_some());
    assert!(popup.query_by_label_contains("박지훈").is_none());
    assert!(popup.query_by_label("다른 고객 고르기").is_some());
}

#[test]
fn with_pop_on_answer_nothing_pops_while_the_phone_rings() {
    let dir = DataDir::new();
    known_caller(&dir);
    let pbx = BackgroundServer::playing(vec![Step::Replay("inbound_answered", Pace::Recorded(2))]);
    set_up(&dir, &pbx, "crm-secret", |settings| {
        settings.pbx.pop_on = PopupMoment::Answer;
    });
    let mut harness = window(&dir);

    // Today's calls list the call once its ringing has reached the window.
    step_until(&mut harness, "the ringing call in today's calls", |h| {
        h.query_by_label("홍길동").is_some()
    });
    // The window hears of the answer only after the log has it: while the
    // log still says ringing, the window has seen nothing but ringing.
    let ringing = logged(&dir);
    assert!(
        ringing[0].answered_at.is_none(),
        "answered before the window saw it ring; too slow to tell: {ringing:?}"
    );
    assert!(popup(&harness).is_none(), "popped up while ringing");

    wait_for_popup(&mut harness, "the pop-up on answer", "통화 중 0");
    assert!(popup_shows(&harness, "홍길동"));
}

#[test]
fn a_refused_login_waits_for_the_reconnect_button() {
    let dir = DataDir::new();
    let pbx = BackgroundServer::playing(Vec::new());
    set_up(&dir, &pbx, "wrong-secret", |_| {});
    let mut harness = window(&dir);
    step_until(&mut harness, "the refused login", |h| {
        h.query_by_label("PBX: 로그인 실패 (Authentication failed)")
            .is_some()
    });
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "다시 연결")
            .is_some()
    );

    // The first retry after a broken link comes within a second (backoff
    // 0.5–1 s); after a refused login none comes at all.
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(pbx.connections(), 1);

    click(&mut harness, "다시 연결");
    step_until(&mut harness, "the second login", |_| {
        pbx.action_names(1).iter().any(|action| action == "Login")
    });
    step_until(&mut harness, "the second refusal", |h| {
        h.query_by_label("PBX: 로그인 실패 (Authentication failed)")
            .is_some()
    });
    assert_eq!(pbx.connections(), 2);
}

/// Selects the customer through the search box and clicks 전화 on the card;
/// returns the `Originate` the PBX received.
fn dial_from_card(harness: &mut Window, pbx: &BackgroundServer) -> ringdesk::pbx::ami::Message {
    connected(harness);
    type_into(harness, "검색", "한빛");
    step_until(harness, "the search result", |h| {
        h.query_by_label("검색 결과 1건").is_some()
    });
    click(harness, "한빛상사");
    step_until(harness, "the card's call button", |h| {
        h.query_by_role_and_label(Role::Button, "전화").is_some()
    });
    // In the search result and on the card, next to its button.
    assert_eq!(harness.query_all_by_label("02-1234-5678").count(), 2);
    click(harness, "전화");
    step_until(harness, "the Originate", |_| {
        pbx.action_names(0)
            .iter()
            .any(|action| action == "Originate")
    });
    pbx.actions(0)
        .into_iter()
        .find(|action| action.action() == Some("Originate"))
        .unwrap()
}

#[test]
fn the_cards_call_button_rings_my_phone_then_the_customer() {
    let dir = DataDir::new();
    customer(
        &mut Store::open(&dir.database()).unwrap(),
        "한빛상사",
        "",
        "02-1234-5678",
    );
    let pbx = BackgroundServer::start(ServerConfig {
        channels: Vec::new(),
        originate: OriginateScript::Fixture("outbound_click_to_call"),
        ..ServerConfig::default()
    });
    set_up(&dir, &pbx, "crm-secret", |_| {});
    let mut harness = window(&dir);
    let originate = dial_from_card(&mut harness, &pbx);
    assert_eq!(originate.get("Channel"), Some("PJSIP/1001"));
    assert_eq!(originate.get("Exten"), Some("0212345678"));
    step_until(&mut harness, "the dialling notice", |h| {
        h.query_by_label("02-1234-5678: 내 전화기를 울리는 중입니다. 받으면 고객에게 연결됩니다.")
            .is_some()
    });
    // A call the agent makes pops nothing up.
    assert!(popup(&harness).is_none());
}

#[test]
fn a_call_button_click_my_phone_does_not_answer_says_so() {
    let dir = DataDir::new();
    customer(
        &mut Store::open(&dir.database()).unwrap(),
        "한빛상사",
        "",
        "02-1234-5678",
    );
    let pbx = BackgroundServer::start(ServerConfig {
        channels: Vec::new(),
        originate: OriginateScript::Fixture("outbound_click_to_call_busy"),
        ..ServerConfig::default()
    });
    set_up(&dir, &pbx, "crm-secret", |settings| {
        "9".clone_into(&mut settings.pbx.outbound_prefix);
    });
    let mut harness = window(&dir);
    let originate = dial_from_card(&mut harness, &pbx);
    assert_eq!(originate.get("Channel"), Some("PJSIP/1001"));
    // The outbound prefix goes before the national digits.
    assert_eq!(originate.get("Exten"), Some("90212345678"));
    step_until(&mut harness, "the failure", |h| {
        h.query_by_label_contains("02-1234-5678에 걸지 못했습니다: 내 전화기가 받지 않았습니다.")
            .is_some()
    });
}

#[test]
fn every_recorded_inbound_call_pops_up_once_and_ends_as_it_did() {
    for (fixture, extension, ended) in [
        ("inbound_busy", "1001", "통화 끝 · 통화 중"),
        ("inbound_missed", "1001", "통화 끝 · 부재중"),
        ("inbound_noanswer", "1001", "통화 끝 · 응답 없음"),
        ("inbound_queue_ringall", "1001", "통화 끝 · 받음"),
        (
            "inbound_queue_ringall",
            "1002",
            "통화 끝 · 다른 자리에서 받음",
        ),
    ] {
        let dir = DataDir::new();
        known_caller(&dir);
        let pbx = BackgroundServer::playing(vec![Step::Replay(fixture, Pace::Immediate)]);
        set_up(&dir, &pbx, "crm-secret", |settings| {
            extension.clone_into(&mut settings.pbx.extension);
        });
        let mut harness = window(&dir);
        wait_for_popup(&mut harness, fixture, ended);
        assert!(popup_shows(&harness, "홍길동"), "{fixture} for {extension}");
        assert_eq!(
            harness
                .query_all_by_role_and_label(Role::Window, TITLE)
                .count(),
            1,
            "{fixture} for {extension}: one call, one pop-up"
        );
    }
}
