//! 고객 상태 관리 and 상태 변경, driven through egui_kittest on a real
//! backend: a status added in the window is offered in the customer list,
//! where the selected customers are put in it at once.

use egui_kittest::kittest::Queryable as _;
use ringdesk::store::Store;

use crate::support::DataDir;
use crate::ui::{add_customers, click, open_menu, step_until, type_into, window};

#[test]
fn a_status_added_in_the_list_of_statuses_is_given_to_the_selected_customers() {
    let dir = DataDir::new();
    let ids = add_customers(
        &dir,
        &[
            ("홍길동", "010-1234-5678", "한빛상사"),
            ("김민준", "010-2222-3333", "한빛상사"),
        ],
    );
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "고객 상태 관리");
    type_into(&mut harness, "새 상태", "재상담 예정");
    click(&mut harness, "추가");
    step_until(&mut harness, "the new status listed", |h| {
        h.query_by_label("재상담 예정").is_some()
    });
    harness.key_press(eframe::egui::Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("재상담 예정").is_none());

    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "everyone", |h| {
        h.query_by_label("2명").is_some()
    });
    click(&mut harness, "홍길동");
    harness
        .get_by_label("김민준")
        .click_modifiers(eframe::egui::Modifiers::COMMAND);
    harness.run_ok();
    step_until(&mut harness, "two selected", |h| {
        h.query_by_label("2명 선택").is_some()
    });
    click(&mut harness, "상태 변경");
    harness.get_by_label("재상담 예정").click();
    harness.run_ok();

    let store = Store::open(&dir.database()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while ids
        .iter()
        .any(|id| store.customer(*id).unwrap().status.as_deref() != Some("재상담 예정"))
    {
        assert!(std::time::Instant::now() < deadline, "the statuses set");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
