//! 대량문자발송 driven through egui_kittest on a real backend and store:
//! customers gathered from a group, from every group and by the customer
//! list's filter, each once; the recipients counted with those left out by
//! reason (opted out, landline only, a number someone before them has), the
//! opted-out one leaving when 광고 is ticked, a row removed.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::domain::{CustomerDraft, PhoneDraft, Region};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{click, open_menu, step_until, type_into, window};

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
        .get_by_role_and_label(Role::CheckBox, "광고 문자 (광고 규칙 적용)")
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
