//! 감사 기록 driven through egui_kittest on a real backend: what was done
//! shows with who did it, and the action filter narrows the list.

use eframe::egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::domain::AuditAction;
use ringdesk::store::Store;

use crate::support::DataDir;
use crate::ui::{add_customers, open_menu, step_until, window};

#[test]
fn the_audit_log_shows_what_was_done_and_filters_by_action() {
    let dir = DataDir::new();
    let ids = add_customers(&dir, &[("홍길동", "010-1234-5678", "한빛상사")]);
    {
        let mut store = Store::open(&dir.database()).unwrap();
        store.set_actor_named("관리자").unwrap();
        store.delete_customer(ids[0]).unwrap();
        store
            .record_audit(AuditAction::Export, "고객목록.xlsx", "1 customers")
            .unwrap();
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "감사 기록");
    step_until(&mut harness, "the entries listed", |h| {
        h.query_by_label("고객목록.xlsx").is_some()
    });
    assert!(harness.query_by_label("삭제").is_some());
    assert!(harness.query_all_by_label("관리자").count() >= 2);

    harness
        .get_by_role_and_label(Role::ComboBox, "작업")
        .click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::Button, "내보내기")
        .click();
    harness.run_ok();
    step_until(&mut harness, "only the export", |h| {
        h.query_by_label("1: #1").is_none()
    });
    assert!(harness.query_by_label("고객목록.xlsx").is_some());

    harness.key_press(eframe::egui::Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("고객목록.xlsx").is_none());
}

#[test]
fn an_agents_menu_greys_out_what_their_role_may_not_open() {
    // The backend refuses these whatever the window shows
    // (`backend::permissions`); the menu says so before anyone tries.
    let dir = DataDir::new();
    ringdesk::config::set(&crate::ui::settings_file(&dir), "user.role", "agent").unwrap();
    let mut harness = window(&dir);
    crate::ui::click(&mut harness, "파일(F)");
    for entry in ["감사 기록", "사용자 정의설정", "사용자 관리", "발신번호"] {
        let item = harness.get_by_role_and_label(Role::Button, entry);
        assert!(item.accesskit_node().is_disabled(), "{entry}");
    }
    for entry in ["비밀번호변경", "사용자 환경설정", "SMS문구"] {
        let item = harness.get_by_role_and_label(Role::Button, entry);
        assert!(!item.accesskit_node().is_disabled(), "{entry}");
    }
    // An agent's own settings are theirs; the desk's greyed out there.
    harness
        .get_by_role_and_label(Role::Button, "사용자 환경설정")
        .click();
    harness.run_ok();
    step_until(&mut harness, "the preferences", |h| {
        h.query_all_by_label("내 설정").count() > 0
    });
}
