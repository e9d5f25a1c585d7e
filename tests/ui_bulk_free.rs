//! 임의문자발송 driven through egui_kittest on a real backend and a store
//! in a temporary file, with the dry-run gateway: pasted numbers are sorted
//! (a bad piece named with its line, a repeat with the line first met), a
//! text is written and checked, the confirmation counts the recipients,
//! and the batch runs in the background until every message is delivered.
//! A desk set up as an agent is refused, with the roles that may send named.
//! A picture dropped on the text makes every message an MMS: the preview
//! and the confirmation say so, and the batch stores the picture once.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::backend::Event;
use ringdesk::config::Settings;
use ringdesk::domain::BatchId;
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::sms_ui::{add_sender_number, send_enabled, shows};
use crate::support::DataDir;
use crate::ui::drop_file;
use crate::ui::{click, open_menu, settings_file, step_until, type_into_as, window};

/// The sender number 1588-1234, and the desk's `role`.
fn set_up(dir: &DataDir, role: ringdesk::domain::Role) {
    add_sender_number(dir);
    let path = settings_file(dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    settings.user.role = role;
    ringdesk::config::save(&path, &settings).unwrap();
}

fn type_multiline(harness: &mut Harness<'static, RingdeskApp>, label: &str, text: &str) {
    type_into_as(harness, Role::MultilineTextInput, label, text);
}

/// Opens 임의문자발송, pastes `numbers` and waits for them to be sorted
/// and for the sender numbers to arrive.
fn open_with_numbers(harness: &mut Harness<'static, RingdeskApp>, numbers: &str) {
    open_menu(harness, "고객관리(C)", "임의문자발송");
    step_until(harness, "the window", |h| {
        h.query_by_role_and_label(Role::Window, "임의문자발송")
            .is_some()
    });
    type_multiline(harness, "받는 번호", numbers);
    step_until(harness, "the sorted numbers", |h| {
        shows(h, "보낼 번호") && !shows(h, "보낼 번호 0개")
    });
    step_until(harness, "the sender numbers", |h| {
        !shows(h, "등록된 발신번호가 없습니다")
    });
}

#[test]
fn pasted_numbers_are_sorted_confirmed_and_sent_in_the_background() {
    let dir = DataDir::new();
    set_up(&dir, ringdesk::domain::Role::Manager);
    let mut harness = window(&dir);
    open_with_numbers(
        &mut harness,
        "010-1234-5678\n010-2222-3333, 12345\n010-1234-5678",
    );
    assert!(shows(&harness, "보낼 번호 2개"));
    assert!(shows(&harness, "제외된 항목 1개"));
    assert!(shows(&harness, "중복 1개"));
    // The bad piece is named with its line; the repeat with the line first met.
    assert!(shows(&harness, "2번째 줄: 12345 — "));
    assert!(shows(
        &harness,
        "3번째 줄: 010-1234-5678 (1번째 줄과 같은 번호)"
    ));
    assert!(!send_enabled(&harness), "an empty text cannot go");

    // A customer's name cannot be filled in for a bare number.
    type_multiline(&mut harness, "내용", "#{이름}님");
    assert!(shows(&harness, "고객에게 보낼 때만 채울 수 있습니다"));
    assert!(!send_enabled(&harness));
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "내용")
        .focus();
    harness.run_steps(2);
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run_steps(2);
    type_multiline(&mut harness, "내용", "안녕하세요, 링데스크입니다.");
    assert!(shows(&harness, "27 / 90바이트 · SMS (단문)"));
    // The preview shows what the first numbers will receive.
    assert!(shows(&harness, "미리보기 (처음 2명)"));
    assert!(
        harness
            .query_all_by_label("안녕하세요, 링데스크입니다.")
            .count()
            >= 2
    );
    assert!(send_enabled(&harness));

    // The gateway's credit, as a provider reports it in the status bar.
    let ctx = harness.ctx.clone();
    harness.state_mut().receive(
        Event::SmsGateway {
            name: "dry-run".to_owned(),
            balance: Some(1_000),
            problem: None,
        },
        &ctx,
    );
    harness.run_ok();

    // The confirmation counts the recipients; Cancel goes back to the text.
    click(&mut harness, "보내기");
    assert!(shows(&harness, "받는 사람: 2명"));
    assert!(shows(&harness, "종류: SMS (단문)"));
    assert!(shows(&harness, "예상 사용량: 문자 2건"));
    assert!(shows(&harness, "잔액: 1,000건 → 보낸 뒤 998건"));
    assert!(shows(&harness, "보내는 때: 지금 바로"));
    click(&mut harness, "취소");
    assert!(!shows(&harness, "받는 사람: 2명"));
    click(&mut harness, "보내기");
    click(&mut harness, "확인");
    step_until(&mut harness, "the batch handed to the background", |h| {
        shows(h, "발송 1번을 백그라운드로 넘겼습니다")
    });
    assert!(harness.query_by_label("문자발송결과 열기").is_some());

    let store = Store::open(&dir.database()).unwrap();
    let batch = store.batch(BatchId(1)).unwrap();
    assert_eq!(batch.title, "임의문자발송 2건");
    assert_eq!(batch.body_template, "안녕하세요, 링데스크입니다.");
    step_until(&mut harness, "both messages delivered", |_| {
        store
            .batch_summary(BatchId(1))
            .unwrap()
            .totals
            .messages
            .delivered
            == 2
    });
}

#[test]
fn a_dropped_picture_sends_every_number_an_mms_with_the_picture_stored_once() {
    let dir = DataDir::new();
    set_up(&dir, ringdesk::domain::Role::Manager);
    let mut harness = window(&dir);
    open_with_numbers(&mut harness, "010-1234-5678\n010-2222-3333");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "사진 첨부")
            .is_some()
    );
    type_multiline(&mut harness, "내용", "5월 행사 안내입니다.");
    assert!(shows(&harness, "바이트 · SMS (단문)"));

    let tiny = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.jpg");
    drop_file(&mut harness, &tiny);
    step_until(&mut harness, "the attached picture", |h| {
        shows(h, "tiny.jpg (1 KB)")
    });
    // The counter and each previewed number say MMS.
    assert!(
        harness.query_all_by_label_contains("MMS (그림)").count() >= 3,
        "the counter and both previews"
    );
    assert!(send_enabled(&harness), "dry-run carries pictures");

    click(&mut harness, "보내기");
    assert!(shows(&harness, "받는 사람: 2명"));
    assert!(shows(&harness, "종류: MMS (그림)"));
    assert!(shows(&harness, "예상 사용량: MMS(사진) 2건"));
    click(&mut harness, "확인");
    step_until(&mut harness, "the batch handed to the background", |h| {
        shows(h, "발송 1번을 백그라운드로 넘겼습니다")
    });

    let store = Store::open(&dir.database()).unwrap();
    let image = store
        .batch(BatchId(1))
        .unwrap()
        .image
        .expect("the batch keeps its picture");
    assert_eq!(
        store.picture(image.id).unwrap().bytes(),
        std::fs::read(&tiny).unwrap()
    );
    step_until(&mut harness, "both messages delivered", |_| {
        store
            .batch_summary(BatchId(1))
            .unwrap()
            .totals
            .messages
            .delivered
            == 2
    });
    let messages = store
        .messages_of_batch(BatchId(1), ringdesk::store::Page::first(10))
        .unwrap();
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .all(|message| message.kind == ringdesk::domain::MessageKind::Mms
                && message.image == Some(image)),
        "{messages:?}"
    );
}

#[test]
fn an_agent_cannot_open_the_bulk_sends_and_says_the_role_that_may() {
    // The backend refuses an agent's bulk send whatever the window shows
    // (`backend::batch_commands`); the menu greys the entries out first.
    let dir = DataDir::new();
    set_up(&dir, ringdesk::domain::Role::Agent);
    let mut harness = window(&dir);
    click(&mut harness, "고객관리(C)");
    for entry in ["대량문자발송", "임의문자발송", "엑셀문자발송"] {
        let item = harness.get_by_role_and_label(Role::Button, entry);
        assert!(item.accesskit_node().is_disabled(), "{entry}");
    }
    let single = harness.get_by_role_and_label(Role::Button, "고객목록");
    assert!(!single.accesskit_node().is_disabled());
}
