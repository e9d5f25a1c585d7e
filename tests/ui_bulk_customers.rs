//! 대량문자발송 driven through egui_kittest on a real backend and store:
//! customers gathered from a group, from every group and by the customer
//! list's filter, each once; the recipients counted with those left out by
//! reason (opted out, landline only, a number someone before them has —
//! naming whom), the
//! opted-out one leaving when 광고 is ticked, a row removed; the text
//! previewed with each recipient's name and the batch stored for them.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::config::Settings;
use ringdesk::domain::{BatchId, BatchKind, CustomerDraft, PhoneDraft, Region, Role as DeskRole};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::sms_ui::{add_sender_number, send_enabled, shows};
use crate::support::DataDir;
use crate::ui::{click, open_menu, settings_file, step_until, type_into, type_into_as, window};

/// Five customers: two in VIP (one opted out of advertising), two in 일반
/// (one with a landline only, one sharing 김민준's mobile), one in no group.
fn customers(dir: &DataDir) {
    let mut store = Store::open(&dir.database()).unwrap();
    for (name, number, group, opted_out) in [
        ("홍길동", "010-1111-2222", Some("VIP"), true),
        ("김민준", "010-3333-4444", Some("VIP"), false),
        ("박서연", "02-555-1234", Some("일반"), false),
        ("이지은", "010-3333-4444", Some("일반"), false),
        ("최현우", "010-5555-6666", None, false),
    ] {
        let draft = CustomerDraft {
            name: name.to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: number.to_owned(),
            }],
            groups: group.map(str::to_owned).into_iter().collect(),
            ad_opt_out: opted_out,
            ..CustomerDraft::default()
        };
        store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
    }
}

fn open(harness: &mut Harness<'_, RingdeskApp>) {
    open_menu(harness, "고객관리(C)", "대량문자발송");
}

/// Picks one of the window's source tabs (the main window's group tree is
/// titled 고객그룹 too, as a plain label).
fn tab(harness: &mut Harness<'_, RingdeskApp>, name: &str) {
    harness
        .query_all_by_label(name)
        .find(|node| node.accesskit_node().role() != Role::Label)
        .unwrap()
        .click();
    harness.run_ok();
}

#[test]
fn recipients_are_gathered_sorted_out_and_removed() {
    let dir = DataDir::new();
    customers(&dir);
    let mut harness = window(&dir);
    open(&mut harness);

    // 고객그룹: VIP ticked.
    tab(&mut harness, "고객그룹");
    step_until(&mut harness, "the group tree", |h| {
        h.query_by_role_and_label(Role::CheckBox, "VIP (2)")
            .is_some()
    });
    harness
        .get_by_role_and_label(Role::CheckBox, "VIP (2)")
        .click();
    harness.run_ok();
    click(&mut harness, "추가");
    step_until(&mut harness, "VIP's two members", |h| {
        h.query_by_label("2명에게 발송").is_some()
    });
    assert!(harness.query_by_label("김민준").is_some());
    assert!(
        harness
            .query_by_label("2명을 추가했습니다. (이미 목록에 있던 0명은 빼고)")
            .is_some()
    );

    // 전체그룹: 일반's two join; VIP's are not added twice.
    tab(&mut harness, "전체그룹");
    click(&mut harness, "전체그룹 고객 추가");
    step_until(&mut harness, "everyone in a group", |h| {
        h.query_by_label("2명을 추가했습니다. (이미 목록에 있던 2명은 빼고)")
            .is_some()
    });
    // 박서연 has a landline only; 이지은 has 김민준's number.
    assert!(harness.query_by_label("2명에게 발송").is_some());
    assert!(harness.query_by_label("휴대폰 번호 없음 1명").is_some());
    assert!(harness.query_by_label("중복 번호 1명").is_some());
    assert!(harness.query_by_label("잘못된 번호 0명").is_some());
    assert!(harness.query_by_label("수신거부 0명").is_some());

    // An advertisement leaves the opted-out one out.
    harness
        .get_by_role_and_label(Role::CheckBox, "광고 문자")
        .click();
    harness.run_ok();
    assert!(harness.query_by_label("1명에게 발송").is_some());
    assert!(harness.query_by_label("수신거부 1명").is_some());
    click(&mut harness, "수신거부 1명");
    assert!(harness.query_by_label("발송 제외: 광고 수신거부").is_some());
    assert!(harness.query_by_label("광고 수신거부").is_some());
    click(&mut harness, "휴대폰 번호 없음 1명");
    assert!(
        harness
            .query_by_label("발송 제외: 휴대폰 번호 없음")
            .is_some()
    );
    assert!(harness.query_by_label("박서연").is_some());
    assert!(harness.query_by_label("02-555-1234").is_some());
    // A repeat names whom the number went to.
    click(&mut harness, "중복 번호 1명");
    assert!(harness.query_by_label("발송 제외: 중복 번호").is_some());
    assert!(
        harness
            .query_by_label("중복 — 김민준님과 같은 번호")
            .is_some()
    );

    // 김민준 removed: 이지은 has the number to herself now.
    click(&mut harness, "김민준");
    click(&mut harness, "삭제");
    assert!(harness.query_by_label("김민준").is_none());
    assert!(harness.query_by_label("1명에게 발송").is_some());
    assert!(harness.query_by_label("중복 번호 0명").is_some());
    assert!(harness.query_by_label("이지은").is_some());

    click(&mut harness, "모두 지우기");
    assert!(harness.query_by_label("0명에게 발송").is_some());
    assert!(harness.query_by_label("수신거부 0명").is_some());
}

#[test]
fn the_customer_lists_filter_adds_whom_it_shows() {
    let dir = DataDir::new();
    customers(&dir);
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "everyone", |h| {
        h.query_by_label("5명").is_some()
    });
    click(&mut harness, "고급 필터");
    click(&mut harness, "조건 추가");
    type_into(&mut harness, "값 1", "현우");
    step_until(&mut harness, "the narrowed list", |h| {
        h.query_by_label("1명").is_some()
    });

    open(&mut harness);
    click(&mut harness, "현재 목록 조건으로 추가");
    step_until(&mut harness, "the one the list shows", |h| {
        h.query_by_label("1명에게 발송").is_some()
    });

    // 고객검색's own filter: everyone; 최현우 is not added twice.
    click(&mut harness, "추가");
    step_until(&mut harness, "everyone", |h| {
        h.query_by_label("4명을 추가했습니다. (이미 목록에 있던 1명은 빼고)")
            .is_some()
    });
    assert!(harness.query_by_label("3명에게 발송").is_some());
}

#[test]
fn the_text_is_previewed_for_the_first_recipients_and_sent_to_all() {
    let dir = DataDir::new();
    customers(&dir);
    add_sender_number(&dir);
    let path = settings_file(&dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    settings.user.role = DeskRole::Manager;
    ringdesk::config::save(&path, &settings).unwrap();
    let mut harness = window(&dir);
    open(&mut harness);
    tab(&mut harness, "전체그룹");
    click(&mut harness, "전체그룹 고객 추가");
    step_until(&mut harness, "everyone in a group", |h| {
        h.query_by_label("2명에게 발송").is_some()
    });
    step_until(&mut harness, "the sender numbers", |h| {
        !shows(h, "등록된 발신번호가 없습니다")
    });

    // Each recipient's name, from their card, fills #{이름}.
    type_into_as(
        &mut harness,
        Role::MultilineTextInput,
        "내용",
        "#{이름}님, 내일 방문드립니다.",
    );
    step_until(&mut harness, "the previews", |h| {
        shows(h, "홍길동님, 내일 방문드립니다.") && shows(h, "김민준님, 내일 방문드립니다.")
    });
    assert!(send_enabled(&harness));

    click(&mut harness, "보내기");
    assert!(shows(&harness, "받는 사람: 2명"));
    click(&mut harness, "확인");
    step_until(&mut harness, "the batch handed to the background", |h| {
        shows(h, "발송 1번을 백그라운드로 넘겼습니다")
    });
    let store = Store::open(&dir.database()).unwrap();
    let batch = store.batch(BatchId(1)).unwrap();
    assert_eq!(batch.kind, BatchKind::Bulk);
    assert_eq!(batch.title, "대량문자발송 2명");
    assert_eq!(batch.body_template, "#{이름}님, 내일 방문드립니다.");
    assert_eq!(
        store.batch_summary(BatchId(1)).unwrap().totals.recipients,
        2
    );
}
