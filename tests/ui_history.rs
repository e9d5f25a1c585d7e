//! The card's 이력 tab: a change saved in the form shows in the customer's
//! timeline with the call already logged and the message they sent in, and
//! deleting their group is there too.

use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{Direction, Outcome};

use crate::support::DataDir;
use crate::ui::{add_call, add_customers, click, step_until, type_into, window};

#[test]
fn an_edit_shows_in_the_cards_history_tab() {
    let dir = DataDir::new();
    let ids = add_customers(&dir, &[("홍길동", "010-1111-2222", "")]);
    add_call(
        &dir,
        600,
        Direction::In,
        "010-1111-2222",
        Some(ids[0]),
        Outcome::Answered,
    );
    {
        let mut store = ringdesk::store::Store::open(&dir.database()).unwrap();
        store
            .record_received(&ringdesk::domain::NewReceived {
                from: ringdesk::domain::PhoneNumber::parse(
                    "010-1111-2222",
                    ringdesk::domain::Region::KOREA,
                )
                .unwrap(),
                to: "1588-1234".to_owned(),
                body: "견적서 잘 받았습니다".to_owned(),
                gateway_ref: None,
                received_at: ringdesk::domain::Timestamp::now(),
            })
            .unwrap();
        let group = store.create_group("골드", None).unwrap();
        store.add_to_group(group, &ids).unwrap();
        store.delete_group(group).unwrap();
    }
    let mut harness = window(&dir);
    step_until(&mut harness, "the book", |h| {
        h.query_by_label("고객 1명").is_some()
    });
    type_into(&mut harness, "검색", "홍길동");
    step_until(&mut harness, "the search result", |h| {
        h.query_by_label("검색 결과 1건").is_some()
    });
    harness.get_all_by_label("홍길동").next().unwrap().click();
    step_until(&mut harness, "the card", |h| {
        h.query_by_label("수정").is_some()
    });
    click(&mut harness, "수정");
    step_until(&mut harness, "the customer's form", |h| {
        h.query_by_label_contains("고객정보 — 홍길동").is_some()
    });

    type_into(&mut harness, "회사", "링데스크");
    click(&mut harness, "저장");
    step_until(&mut harness, "the saved customer", |h| {
        h.query_by_label("저장했습니다.").is_some()
    });
    click(&mut harness, "이력");
    step_until(&mut harness, "the change in the history", |h| {
        h.query_by_label("회사: (없음) → 링데스크").is_some()
    });
    // The call and the registration are there too, older.
    assert!(harness.query_by_label("고객 등록").is_some());
    assert!(
        harness
            .query_by_label_contains("통화 (수신, 55초)")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("문자 수신 (010-1111-2222): 견적서 잘 받았습니다")
            .is_some()
    );
    assert!(harness.query_by_label("수신문자").is_some());
    // The group deleted as a whole.
    assert!(harness.query_by_label("그룹 제외: 골드").is_some());
}
