//! The SMS문구 and 발신번호 windows, driven through egui_kittest on a real
//! backend and store: typing a text shows its EUC-KR byte count and kind,
//! an unknown placeholder is named while it is typed, texts are reordered
//! (buttons and dragging) and deleted; sender numbers are registered, and a bad one is refused
//! with the field named.

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{NewSenderNumber, NewTemplate, PhoneNumber, Region};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{add_customers, click, open_menu, step_until, type_into, window};

fn template_titles(dir: &DataDir) -> Vec<String> {
    Store::open(&dir.database())
        .unwrap()
        .templates()
        .unwrap()
        .into_iter()
        .map(|template| template.title)
        .collect()
}

/// Replaces what a single-line field holds.
fn retype(harness: &mut Harness<'_, RingdeskApp>, label: &str, text: &str) {
    replace_in(harness, Role::TextInput, label, text);
}

fn replace_in(harness: &mut Harness<'_, RingdeskApp>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).focus();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(2);
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run_steps(2);
}

/// Types at the end of the template's text.
fn type_body(harness: &mut Harness<'_, RingdeskApp>, text: &str) {
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "문구 내용")
        .focus();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "문구 내용")
        .type_text(text);
    harness.run_steps(2);
}

/// Drags the widget labelled `from` onto the one labelled `to`, as a mouse would.
fn drag(harness: &mut Harness<'_, RingdeskApp>, from: &str, to: &str) {
    let from = harness.get_by_label(from).rect().center();
    let to = harness.get_by_label(to).rect().center();
    harness.hover_at(from);
    harness.run_steps(2);
    harness.drag_at(from);
    harness.run_steps(2);
    for part in [0.2, 0.4, 0.6, 0.8, 1.0] {
        harness.hover_at(from.lerp(to, part));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    harness.run_steps(2);
}

fn new_template(harness: &mut Harness<'_, RingdeskApp>, title: &str, body: &str) {
    click(harness, "새 문구");
    type_into(harness, "문구 제목", title);
    type_body(harness, body);
}

#[test]
fn a_template_is_counted_checked_saved_reordered_and_deleted() {
    let dir = DataDir::new();
    add_customers(&dir, &[("홍길동", "010-1234-5678", "")]);
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "SMS문구");
    assert!(
        harness
            .query_by_label_contains("저장된 문구가 없습니다")
            .is_some()
    );

    // #{ 2, 이름 4, } 1, 님 2, space 1, 안녕하세요 10: 20 EUC-KR bytes.
    new_template(&mut harness, "방문 안내", "#{이름}님 안녕하세요");
    assert!(
        harness
            .query_by_label("20 / 90바이트 · SMS (단문)")
            .is_some()
    );
    // Exactly at the SMS limit it is still an SMS; one byte more makes an LMS.
    type_body(&mut harness, &"a".repeat(70));
    assert!(
        harness
            .query_by_label("90 / 90바이트 · SMS (단문)")
            .is_some()
    );
    type_body(&mut harness, "b");
    assert!(
        harness
            .query_by_label("91 / 2000바이트 · LMS (장문)")
            .is_some()
    );

    // An unknown placeholder is named while typing, and Save refuses it.
    type_body(&mut harness, "#{등급}");
    assert!(
        harness
            .query_by_label("알 수 없는 자리표시자: #{등급}")
            .is_some()
    );
    click(&mut harness, "저장");
    assert!(
        harness
            .query_by_label_contains("알 수 없는 자리표시자가 있어 저장하지 않았습니다")
            .is_some()
    );
    assert!(template_titles(&dir).is_empty());

    // Back to a short text; the preview fills it in for a customer found by search.
    replace_in(
        &mut harness,
        Role::MultilineTextInput,
        "문구 내용",
        "#{이름}님, 내일 방문드립니다.",
    );
    assert!(
        harness
            .query_by_label_contains("알 수 없는 자리표시자")
            .is_none()
    );
    type_into(&mut harness, "미리보기 고객", "길동");
    step_until(&mut harness, "a customer to preview with", |h| {
        h.query_by_label("홍길동 (010-1234-5678)").is_some()
    });
    click(&mut harness, "홍길동 (010-1234-5678)");
    step_until(&mut harness, "the filled-in text", |h| {
        h.query_by_label("홍길동님, 내일 방문드립니다.").is_some()
    });

    click(&mut harness, "저장");
    step_until(&mut harness, "the saved template in the list", |h| {
        h.query_by_label("저장했습니다.").is_some() && h.query_by_label("방문 안내").is_some()
    });
    new_template(&mut harness, "결제 안내", "결제가 완료되었습니다.");
    click(&mut harness, "저장");
    step_until(&mut harness, "the second template", |h| {
        h.query_by_label("결제 안내").is_some()
    });
    assert_eq!(template_titles(&dir), ["방문 안내", "결제 안내"]);

    // The first row's ▼ moves it below the second.
    harness.get_all_by_label("▼").next().unwrap().click();
    harness.run_ok();
    step_until(&mut harness, "the new order", |_| {
        template_titles(&dir) == ["결제 안내", "방문 안내"]
    });

    // Dragged by its number onto the first row, it goes back to the top.
    drag(&mut harness, "2", "결제 안내");
    step_until(&mut harness, "the order after dragging", |_| {
        template_titles(&dir) == ["방문 안내", "결제 안내"]
    });

    // Deleting asks first.
    click(&mut harness, "방문 안내");
    click(&mut harness, "삭제");
    assert!(
        harness
            .query_by_label("'방문 안내' 문구를 지울까요?")
            .is_some()
    );
    click(&mut harness, "예");
    step_until(&mut harness, "the template gone", |h| {
        h.query_by_label("방문 안내").is_none()
    });
    assert_eq!(template_titles(&dir), ["결제 안내"]);
}

#[test]
fn sender_numbers_are_registered_and_bad_ones_refused_with_the_field_named() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "발신번호");
    assert!(
        harness
            .query_by_label_contains("등록된 발신번호가 없습니다")
            .is_some()
    );

    type_into(&mut harness, "번호", "1001");
    click(&mut harness, "등록");
    step_until(&mut harness, "the refusal", |h| {
        h.query_by_label_contains("번호: '1001'는 발신번호로 등록할 수 없습니다")
            .is_some()
    });
    retype(&mut harness, "번호", "12");
    click(&mut harness, "등록");
    step_until(&mut harness, "the refusal", |h| {
        h.query_by_label_contains("번호: 전화번호로 읽을 수 없습니다")
            .is_some()
    });

    retype(&mut harness, "번호", "0222997123");
    type_into(&mut harness, "설명", "본사");
    click(&mut harness, "등록");
    // Shown as people write it, whatever was typed.
    step_until(&mut harness, "the registered number", |h| {
        h.query_by_label("02-2299-7123").is_some()
    });
    assert!(harness.query_by_label("본사").is_some());
    let senders = Store::open(&dir.database())
        .unwrap()
        .sender_numbers()
        .unwrap();
    assert_eq!(senders.len(), 1);
    assert_eq!(senders[0].key, "+82222997123");

    // The same number in another format is said to be registered already.
    type_into(&mut harness, "번호", "+82 2 2299 7123");
    click(&mut harness, "등록");
    assert!(
        harness
            .query_by_label_contains("이미 등록된 번호입니다")
            .is_some()
    );

    // Switched off, then relabelled.
    harness
        .get_by_role_and_label(Role::CheckBox, "사용")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the number switched off", |_| {
        !Store::open(&dir.database())
            .unwrap()
            .sender_numbers()
            .unwrap()[0]
            .enabled
    });
    click(&mut harness, "설명 바꾸기");
    retype(&mut harness, "02-2299-7123 설명", "대표번호");
    click(&mut harness, "적용");
    step_until(&mut harness, "the new label", |h| {
        h.query_by_label("대표번호").is_some()
    });
}

#[test]
fn deleting_a_sender_number_says_which_templates_lose_it() {
    let dir = DataDir::new();
    {
        let mut store = Store::open(&dir.database()).unwrap();
        let sender = store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: "대표".to_owned(),
            })
            .unwrap();
        store
            .create_template(&NewTemplate {
                title: "결제 안내".to_owned(),
                subject: String::new(),
                body: "결제가 완료되었습니다.".to_owned(),
                sender_number_id: Some(sender),
                advertising: false,
            })
            .unwrap();
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "발신번호");
    step_until(&mut harness, "the registered number", |h| {
        h.query_by_label("1588-1234").is_some()
    });
    click(&mut harness, "삭제");
    step_until(&mut harness, "the question", |h| {
        h.query_by_label("이 번호를 쓰는 SMS문구 1개(결제 안내)는 발신번호 없이 남습니다.")
            .is_some()
    });
    click(&mut harness, "예");
    step_until(&mut harness, "the number gone", |h| {
        h.query_by_label("1588-1234").is_none()
    });
    let store = Store::open(&dir.database()).unwrap();
    assert!(store.sender_numbers().unwrap().is_empty());
    assert_eq!(store.templates().unwrap()[0].sender_number_id, None);
}

#[test]
fn leaving_a_changed_template_asks_first() {
    let dir = DataDir::new();
    Store::open(&dir.database())
        .unwrap()
        .create_template(&NewTemplate {
            title: "결제 안내".to_owned(),
            subject: String::new(),
            body: "결제가 완료되었습니다.".to_owned(),
            sender_number_id: None,
            advertising: false,
        })
        .unwrap();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "SMS문구");
    step_until(&mut harness, "the saved template", |h| {
        h.query_by_label("결제 안내").is_some()
    });
    click(&mut harness, "결제 안내");
    // Opened and left unchanged: nothing to ask.
    click(&mut harness, "새 문구");
    assert!(
        harness
            .query_by_label_contains("저장하지 않은 변경")
            .is_none()
    );
    assert_eq!(harness.query_all_by_label("새 문구").count(), 2);

    click(&mut harness, "결제 안내");
    type_body(&mut harness, " 감사합니다.");
    click(&mut harness, "새 문구");
    assert!(
        harness
            .query_by_label_contains("저장하지 않은 변경")
            .is_some()
    );
    click(&mut harness, "아니요");
    assert!(harness.query_by_label("문구 고치기").is_some());
    // Closing asks too; yes closes without saving.
    click(&mut harness, "닫기");
    assert!(
        harness
            .query_by_label_contains("저장하지 않은 변경")
            .is_some()
    );
    click(&mut harness, "예");
    assert!(harness.query_by_label("문구 고치기").is_none());
    assert_eq!(
        Store::open(&dir.database()).unwrap().templates().unwrap()[0].body,
        "결제가 완료되었습니다."
    );
}
