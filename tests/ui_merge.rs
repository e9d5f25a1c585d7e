//! 중복 고객 찾기 and 고객 병합 through egui_kittest on a real backend: the
//! finder lists a set with its reason, two ticked customers open the
//! side-by-side merge, a field taken from B is merged and the book counts
//! one customer; 병합 취소 brings back two.

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{CustomerDraft, PhoneDraft, Region};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{click, open_menu, step_until, window};

fn shown(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn add(dir: &DataDir, name: &str, company: &str, email: &str, numbers: &[&str]) {
    let mut store = Store::open(&dir.database()).unwrap();
    let draft = CustomerDraft {
        name: name.to_owned(),
        company: company.to_owned(),
        email: email.to_owned(),
        phones: numbers
            .iter()
            .map(|number| PhoneDraft {
                label: "휴대폰".to_owned(),
                number: (*number).to_owned(),
            })
            .collect(),
        ..CustomerDraft::default()
    };
    store
        .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
        .unwrap();
}

#[test]
fn two_duplicates_merge_with_a_field_from_b_and_the_merge_undoes() {
    let dir = DataDir::new();
    add(
        &dir,
        "김민준",
        "한빛상사",
        "mj.kim@hanbit.co.kr",
        &["010-1234-5678"],
    );
    add(
        &dir,
        "김민준",
        "한빛상사",
        "minjun@naver.com",
        &["010-1234-5678", "02-555-0101"],
    );
    add(&dir, "이서연", "", "", &["010-9876-5432"]);
    let mut harness = window(&dir);
    step_until(&mut harness, "the book", |h| shown(h, "고객 3명"));

    open_menu(&mut harness, "고객관리(C)", "중복 고객 찾기…");
    step_until(&mut harness, "the sets", |h| shown(h, "중복 묶음 1개"));
    assert!(shown(&harness, "같은 번호 010-1234-5678"));
    assert!(shown(&harness, "같은 회사의 같은 이름"));
    assert!(!shown(&harness, "이서연"));
    click(&mut harness, "김민준 #1");
    click(&mut harness, "김민준 #2");
    click(&mut harness, "병합…");
    step_until(&mut harness, "the side-by-side merge", |h| {
        shown(h, "A: 김민준 (#1) — 남김")
    });
    assert!(shown(&harness, "B: 김민준 (#2) — 휴지통으로"));
    // What stays anyway: both numbers, once each (B's row in the finder has them too).
    assert_eq!(
        harness
            .query_all_by_label("010-1234-5678, 02-555-0101")
            .count(),
        2
    );
    // The e-mail from B.
    harness
        .get_by_role_and_label(Role::RadioButton, "minjun@naver.com")
        .click();
    harness.run_ok();
    click(&mut harness, "병합");
    click(&mut harness, "병합하기");
    step_until(&mut harness, "the merge", |h| shown(h, "병합했습니다."));
    step_until(&mut harness, "one customer", |h| shown(h, "고객 2명"));
    let store = Store::open(&dir.database()).unwrap();
    let kept = store.customer(ringdesk::domain::CustomerId(1)).unwrap();
    assert_eq!(kept.email.as_deref(), Some("minjun@naver.com"));
    assert_eq!(kept.phones.len(), 2);
    step_until(&mut harness, "no sets left", |h| {
        shown(h, "중복으로 보이는 고객이 없습니다.")
    });

    // Esc closes the merge window in front; undone from the finder, both
    // customers are back.
    harness.key_press(egui::Key::Escape);
    harness.run_ok();
    assert!(!shown(&harness, "병합했습니다."));
    click(&mut harness, "병합 취소");
    step_until(&mut harness, "two again", |h| shown(h, "고객 3명"));
    step_until(&mut harness, "the set again", |h| shown(h, "중복 묶음 1개"));
    let kept = store.customer(ringdesk::domain::CustomerId(1)).unwrap();
    assert_eq!(kept.email.as_deref(), Some("mj.kim@hanbit.co.kr"));
    assert_eq!(kept.phones.len(), 1);
}

#[test]
fn the_recycle_bin_says_which_customer_a_merged_one_went_into_and_who_deleted_whom() {
    let dir = DataDir::new();
    add(&dir, "김민준", "한빛상사", "", &["010-1234-5678"]);
    add(&dir, "김민준", "", "", &["010-1234-5678"]);
    add(&dir, "이서연", "", "", &["010-9876-5432"]);
    {
        let mut store = Store::open(&dir.database()).unwrap();
        store
            .merge_customers(
                ringdesk::domain::CustomerId(1),
                ringdesk::domain::CustomerId(2),
                &std::collections::BTreeMap::new(),
            )
            .unwrap();
        store.set_actor_named("박상담").unwrap();
        store
            .delete_customer(ringdesk::domain::CustomerId(3))
            .unwrap();
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "the live customer", |h| shown(h, "1명"));
    assert!(!shown(&harness, "병합됨"));
    assert!(!shown(&harness, "삭제한 사람"));
    click(&mut harness, "휴지통 보기");
    step_until(&mut harness, "the recycle bin", |h| {
        shown(h, "김민준 — #1 김민준에 병합됨")
    });
    // A customer deleted by hand is only in the bin, with who deleted it.
    assert!(shown(&harness, "이서연"));
    assert!(!shown(&harness, "이서연 —"));
    assert!(shown(&harness, "삭제일시"));
    assert!(shown(&harness, "삭제한 사람"));
    assert!(shown(&harness, "박상담"));
}

#[test]
fn the_recycle_bin_gives_customers_back_and_an_admin_empties_it() {
    let dir = DataDir::new();
    add(&dir, "김민준", "", "", &["010-1234-5678"]);
    add(&dir, "이서연", "", "", &["010-9876-5432"]);
    add(&dir, "박지훈", "", "", &["010-5555-4444"]);
    {
        let mut store = Store::open(&dir.database()).unwrap();
        for id in [2, 3] {
            store
                .delete_customer(ringdesk::domain::CustomerId(id))
                .unwrap();
        }
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "the live customer", |h| shown(h, "1명"));
    click(&mut harness, "휴지통 보기");
    step_until(&mut harness, "the recycle bin", |h| shown(h, "이서연"));
    click(&mut harness, "이서연");
    step_until(&mut harness, "one selected", |h| shown(h, "1명 선택"));
    click(&mut harness, "되살리기");
    step_until(&mut harness, "only 박지훈 left in the bin", |h| {
        !shown(h, "이서연") && shown(h, "박지훈")
    });
    click(&mut harness, "휴지통 비우기");
    step_until(&mut harness, "the question", |h| {
        shown(
            h,
            "휴지통의 고객 1명을 영구히 지울까요? 되돌릴 수 없습니다.",
        )
    });
    harness
        .get_all_by_label("휴지통 비우기")
        .last()
        .unwrap()
        .click();
    harness.run_ok();
    step_until(&mut harness, "an empty bin", |h| !shown(h, "박지훈"));
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 2);
    assert!(
        store
            .customer(ringdesk::domain::CustomerId(2))
            .unwrap()
            .deleted_at
            .is_none()
    );
    assert!(store.customer(ringdesk::domain::CustomerId(3)).is_err());
}
