//! 저장된 보기 and 내보내기…, driven through egui_kittest on a real
//! backend: the list's filter, columns and order saved under a name come
//! back when the view is picked, survive a restart, and add their customers
//! in 대량문자발송; the customers the list shows are exported to a real xlsx
//! file, read back with calamine.

use calamine::Reader as _;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{
    add_customers, click, filter_list, open_list_of_three, open_menu, step_until, three_customers,
    type_into, window,
};

fn pick(harness: &mut Harness<'_, RingdeskApp>, combo: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    harness.run_ok();
    harness.get_by_label(option).click();
    harness.run_ok();
}

#[test]
fn a_saved_view_brings_its_filter_back_and_adds_its_customers_to_a_bulk_send() {
    let dir = DataDir::new();
    three_customers(&dir);
    {
        let mut harness = window(&dir);
        open_list_of_three(&mut harness);
        filter_list(&mut harness, "민준");

        click(&mut harness, "보기 저장…");
        type_into(&mut harness, "보기 이름", "민준 고객");
        click(&mut harness, "모두와 공유");
        click(&mut harness, "저장");
        click(&mut harness, "필터 지우기");
        step_until(&mut harness, "everyone again", |h| {
            h.query_by_label("3명").is_some()
        });

        pick(&mut harness, "저장된 보기", "민준 고객 (공유)");
        step_until(&mut harness, "the view's customers", |h| {
            h.query_by_label("1명").is_some()
        });
        assert!(harness.query_by_label("김민준").is_some());
        assert!(harness.query_by_label("홍길동").is_none());
    }

    // After a restart the view is still there, for 대량문자발송 too.
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "대량문자발송");
    step_until(&mut harness, "the saved views", |h| {
        h.query_by_role_and_label(Role::ComboBox, "저장된 보기")
            .is_some()
    });
    pick(&mut harness, "저장된 보기", "민준 고객");
    click(&mut harness, "저장된 보기로 추가");
    step_until(&mut harness, "the view's customer added", |h| {
        h.query_by_label("1명에게 발송").is_some()
    });
    assert!(harness.query_by_label("김민준").is_some());
}

#[test]
fn the_list_exports_the_customers_it_shows() {
    let dir = DataDir::new();
    three_customers(&dir);
    let mut harness = window(&dir);
    open_list_of_three(&mut harness);
    filter_list(&mut harness, "김민");
    let file = dir.path().join("고객목록.xlsx");
    harness
        .state_mut()
        .customer_list()
        .unwrap()
        .export_to(file.clone());
    step_until(&mut harness, "the export written", |h| {
        h.query_by_label_contains("저장했습니다").is_some()
    });
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 2, "a header and the one customer shown");
    assert_eq!(sheet.get((1, 0)).unwrap().to_string(), "김민준");
}

#[test]
fn an_agents_export_is_refused_by_the_backend_naming_the_role() {
    let dir = DataDir::new();
    add_customers(&dir, &[("홍길동", "010-1234-5678", "한빛상사")]);
    let path = crate::ui::settings_file(&dir);
    let mut settings = ringdesk::config::Settings::load_or_create(&path).unwrap();
    settings.user.role = ringdesk::domain::Role::Agent;
    ringdesk::config::save(&path, &settings).unwrap();
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "everyone", |h| {
        h.query_by_label("1명").is_some()
    });
    let file = dir.path().join("고객목록.xlsx");
    harness
        .state_mut()
        .customer_list()
        .unwrap()
        .export_to(file.clone());
    // In the list's export line and in the status bar.
    step_until(&mut harness, "the refusal", |h| {
        h.query_all_by_label_contains("매니저 권한이 필요합니다.")
            .count()
            == 2
    });
    assert!(!file.exists());
}
