//! Users and sign-in in the window: the first admin on a fresh store, the
//! sign-in with the desk's last login, wrong passwords and the lock, the
//! password change and 사용자 관리.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::config::Settings;
use ringdesk::domain::{NewUser, Password, Role as UserRole, Timestamp};
use ringdesk::store::{Page, Store};
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{click, open_menu, settings_file, signed_out_window, step_until, type_into};

fn type_password(harness: &mut Harness<'_, RingdeskApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::PasswordInput, label)
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::PasswordInput, label)
        .type_text(text);
    harness.run_steps(2);
}

fn shows(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    harness.query_by_label_contains(text).is_some()
}

/// A user `login` with `password` and `role`, and this desk's last login.
fn add_user(dir: &DataDir, login: &str, password: &str, role: UserRole) {
    let mut store = Store::open(&dir.database()).unwrap();
    store
        .create_user_with_password(
            &NewUser {
                login: login.to_owned(),
                display_name: "김상담".to_owned(),
                role,
                extension: Some("1001".to_owned()),
            },
            &Password::new(password, 8).unwrap(),
        )
        .unwrap();
    let path = settings_file(dir);
    let mut settings = Settings::load_or_create(&path).unwrap();
    login.clone_into(&mut settings.user.last_login);
    ringdesk::config::save(&path, &settings).unwrap();
}

/// The window on `dir`, signed in with `password` as the login it remembers.
fn signed_in_with(dir: &DataDir, password: &str) -> Harness<'static, RingdeskApp> {
    let mut harness = signed_out_window(dir);
    step_until(&mut harness, "the sign-in form", |h| {
        shows(h, "ringdesk 로그인")
    });
    type_password(&mut harness, "비밀번호", password);
    click(&mut harness, "로그인");
    step_until(&mut harness, "the main view", |h| {
        h.query_by_label("파일(F)").is_some()
    });
    harness
}

fn signs_in(dir: &DataDir, login: &str, password: &str) -> bool {
    let mut store = Store::open(&dir.database()).unwrap();
    store.sign_in(login, password, Timestamp::now()).is_ok()
}

#[test]
fn a_fresh_store_asks_for_the_first_admin_before_the_main_view() {
    let dir = DataDir::new();
    let mut harness = signed_out_window(&dir);
    step_until(&mut harness, "the first-run form", |h| {
        shows(h, "처음 사용 설정")
    });
    assert!(harness.query_by_label("파일(F)").is_none());
    type_into(&mut harness, "아이디", "boss");
    type_into(&mut harness, "이름", "박관리");
    type_password(&mut harness, "비밀번호", "password1");
    type_password(&mut harness, "비밀번호 확인", "password2");
    type_into(&mut harness, "내선번호", "1001");
    click(&mut harness, "관리자 만들기");
    step_until(&mut harness, "the mismatch", |h| {
        shows(h, "비밀번호 확인: 두 번 입력한 값이 다릅니다.")
    });
    // Nothing was created; the passwords are typed again.
    assert!(
        Store::open(&dir.database())
            .unwrap()
            .users(Page::first(10))
            .unwrap()
            .is_empty()
    );
    type_password(&mut harness, "비밀번호", "short");
    type_password(&mut harness, "비밀번호 확인", "short");
    click(&mut harness, "관리자 만들기");
    step_until(&mut harness, "the short password", |h| {
        shows(h, "비밀번호: 5자입니다. 최소 8자 이상이어야 합니다.")
    });
    type_password(&mut harness, "비밀번호", "password1");
    type_password(&mut harness, "비밀번호 확인", "password1");
    click(&mut harness, "관리자 만들기");
    step_until(&mut harness, "the main view", |h| {
        h.query_by_label("파일(F)").is_some()
    });
    let user = harness.state().signed_in().unwrap().clone();
    assert_eq!(user.login, "boss");
    assert_eq!(user.display_name, "박관리");
    assert_eq!(user.role, UserRole::Admin);
    assert_eq!(user.extension.as_deref(), Some("1001"));
    assert!(signs_in(&dir, "boss", "password1"));
    let settings = Settings::load_or_create(&settings_file(&dir)).unwrap();
    assert_eq!(settings.user.last_login, "boss");
}

#[test]
fn sign_in_remembers_the_login_says_a_wrong_password_and_shows_the_lock() {
    let dir = DataDir::new();
    add_user(&dir, "kim", "password1", UserRole::Agent);
    let mut harness = signed_out_window(&dir);
    step_until(&mut harness, "the sign-in form", |h| {
        shows(h, "ringdesk 로그인")
    });
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "아이디")
            .value()
            .as_deref(),
        Some("kim")
    );
    type_password(&mut harness, "비밀번호", "wrong-one");
    click(&mut harness, "로그인");
    step_until(&mut harness, "the wrong password", |h| {
        shows(h, "아이디 또는 비밀번호가 틀렸습니다.")
    });
    assert!(harness.query_by_label("파일(F)").is_none());
    for _ in 0..3 {
        type_password(&mut harness, "비밀번호", "wrong-one");
        click(&mut harness, "로그인");
        step_until(&mut harness, "the answer", |h| !shows(h, "확인하는 중"));
    }
    step_until(&mut harness, "the last try's warning", |h| {
        shows(h, "1번 더 틀리면 계정이 잠깁니다.")
    });
    type_password(&mut harness, "비밀번호", "wrong-one");
    click(&mut harness, "로그인");
    step_until(&mut harness, "the lock", |h| shows(h, "계정이 잠겼습니다"));
    // Locked: the right password is refused too, saying so.
    type_password(&mut harness, "비밀번호", "password1");
    click(&mut harness, "로그인");
    step_until(&mut harness, "still locked", |h| {
        shows(h, "계정이 잠겼습니다") && !shows(h, "확인하는 중")
    });
    assert!(harness.query_by_label("파일(F)").is_none());
}

#[test]
fn the_signed_in_user_changes_their_password_giving_the_old_one() {
    let dir = DataDir::new();
    add_user(&dir, "kim", "password1", UserRole::Agent);
    let mut harness = signed_in_with(&dir, "password1");
    assert_eq!(harness.state().signed_in().unwrap().role, UserRole::Agent);

    // An agent's 사용자 관리 is greyed out.
    click(&mut harness, "파일(F)");
    assert!(
        harness
            .get_by_role_and_label(Role::Button, "사용자 관리")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut harness, "비밀번호변경");
    type_password(&mut harness, "현재 비밀번호", "password0");
    type_password(&mut harness, "새 비밀번호", "password2");
    type_password(&mut harness, "비밀번호 확인", "password2");
    click(&mut harness, "변경");
    step_until(&mut harness, "the wrong old password", |h| {
        shows(h, "아이디 또는 비밀번호가 틀렸습니다.")
    });
    assert!(signs_in(&dir, "kim", "password1"));
    type_password(&mut harness, "현재 비밀번호", "password1");
    type_password(&mut harness, "새 비밀번호", "password2");
    type_password(&mut harness, "비밀번호 확인", "password2");
    click(&mut harness, "변경");
    step_until(&mut harness, "the change", |h| {
        shows(h, "비밀번호를 바꿨습니다.")
    });
    assert!(signs_in(&dir, "kim", "password2"));
    assert!(!signs_in(&dir, "kim", "password1"));
}

#[test]
fn an_admin_adds_a_user_resets_a_password_and_disables_them() {
    let dir = DataDir::new();
    add_user(&dir, "boss", "password1", UserRole::Admin);
    let mut harness = signed_in_with(&dir, "password1");
    open_menu(&mut harness, "파일(F)", "사용자 관리");
    step_until(&mut harness, "the user list", |h| {
        h.query_by_label("boss").is_some()
    });
    type_into(&mut harness, "아이디", "lee");
    type_into(&mut harness, "이름", "이상담");
    type_into(&mut harness, "내선번호", "1002");
    type_password(&mut harness, "비밀번호", "password3");
    type_password(&mut harness, "비밀번호 확인", "password3");
    click(&mut harness, "사용자 추가");
    step_until(&mut harness, "the new user", |h| {
        h.query_by_label("lee").is_some() && shows(h, "저장했습니다.")
    });
    assert!(signs_in(&dir, "lee", "password3"));

    click(&mut harness, "lee");
    type_password(&mut harness, "새 비밀번호", "password4");
    // The reset's confirmation is the first of two (the new user's is below).
    harness
        .get_all_by_role_and_label(Role::PasswordInput, "비밀번호 확인")
        .next()
        .unwrap()
        .focus();
    harness.run_steps(2);
    harness
        .get_all_by_role_and_label(Role::PasswordInput, "비밀번호 확인")
        .next()
        .unwrap()
        .type_text("password4");
    harness.run_steps(2);
    click(&mut harness, "비밀번호 초기화");
    step_until(&mut harness, "the reset", |_| {
        signs_in(&dir, "lee", "password4")
    });
    // lee becomes a manager: the first 권한 is the selected user's.
    harness
        .get_all_by_role_and_label(Role::ComboBox, "권한")
        .next()
        .unwrap()
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "매니저")
        .click();
    harness.run();
    click(&mut harness, "정보 저장");
    step_until(&mut harness, "lee a manager", |_| {
        Store::open(&dir.database())
            .unwrap()
            .user_by_login("lee")
            .unwrap()
            .is_some_and(|lee| lee.role == UserRole::Manager)
    });
    click(&mut harness, "사용 중지하기");
    step_until(&mut harness, "lee disabled", |h| {
        h.query_by_label("다시 사용하기").is_some()
    });
    assert!(!signs_in(&dir, "lee", "password4"));
}

#[test]
fn signing_out_closes_the_users_windows_and_the_next_user_signs_in() {
    let dir = DataDir::new();
    add_user(&dir, "kim", "password1", UserRole::Agent);
    add_user(&dir, "boss", "password2", UserRole::Admin);
    let mut harness = signed_in_with(&dir, "password2");
    // The status bar says who works at the desk.
    assert!(shows(&harness, "김상담 (관리자)"));
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "the customer list", |h| {
        h.query_all_by_label("고객목록").count() > 0
    });
    open_menu(&mut harness, "파일(F)", "로그아웃");
    step_until(&mut harness, "the sign-in form again", |h| {
        shows(h, "ringdesk 로그인")
    });
    assert!(harness.query_by_label("파일(F)").is_none());
    assert!(harness.state().signed_in().is_none());

    // The form remembers boss; kim types over it.
    harness
        .get_by_role_and_label(Role::TextInput, "아이디")
        .focus();
    harness.run();
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "아이디")
        .type_text("kim");
    type_password(&mut harness, "비밀번호", "password1");
    click(&mut harness, "로그인");
    step_until(&mut harness, "kim's main view", |h| {
        h.query_by_label("파일(F)").is_some()
    });
    assert_eq!(harness.state().signed_in().unwrap().login, "kim");
    assert!(shows(&harness, "김상담 (상담원)"));
    // The admin's customer list did not stay open for the agent.
    assert!(harness.query_by_label("고객목록").is_none());
    let store = Store::open(&dir.database()).unwrap();
    let signed_out = store
        .audit_entries(
            &ringdesk::domain::AuditFilter {
                action: Some(ringdesk::domain::AuditAction::SignOut),
                ..Default::default()
            },
            Page::first(10),
        )
        .unwrap();
    assert_eq!(signed_out.len(), 1);
    assert_eq!(signed_out[0].target, "boss");
}
