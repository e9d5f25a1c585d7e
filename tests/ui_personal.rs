//! Each user's own settings in the window (issue 8): signing in switches the
//! window to the user's language, and an agent changes their own language
//! (and sees their own extension) in 사용자 환경설정 while the desk's
//! settings stay greyed out and unchanged.

use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use ringdesk::config::{Language, Personal, Settings};
use ringdesk::domain::{NewUser, Password, Role as UserRole, UserId};
use ringdesk::store::Store;
use ringdesk::ui::RingdeskApp;

use crate::support::DataDir;
use crate::ui::{click, open_menu, settings_file, signed_out_window, step_until, type_into};

/// An agent `login` with extension `extension`, password `password1`, and
/// `language` as their own if given.
fn add_agent(dir: &DataDir, login: &str, extension: &str, language: Option<Language>) -> UserId {
    let mut store = Store::open(&dir.database()).unwrap();
    let id = store
        .create_user_with_password(
            &NewUser {
                login: login.to_owned(),
                display_name: login.to_owned(),
                role: UserRole::Agent,
                extension: Some(extension.to_owned()),
            },
            &Password::new("password1", 8).unwrap(),
        )
        .unwrap();
    if let Some(language) = language {
        let personal = Personal {
            language: Some(language),
            ..Personal::default()
        };
        store
            .set_personal_settings(id, &personal, None, &["ui.language"])
            .unwrap();
    }
    id
}

/// Signs in as `login` on the (Korean) sign-in form and waits for the menus.
fn sign_in(harness: &mut Harness<'_, RingdeskApp>, login: &str, file_menu: &str) {
    step_until(harness, "the sign-in form", |h| {
        h.query_by_label_contains("ringdesk 로그인").is_some()
    });
    type_into(harness, "아이디", login);
    harness
        .get_by_role_and_label(Role::PasswordInput, "비밀번호")
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::PasswordInput, "비밀번호")
        .type_text("password1");
    harness.run_steps(2);
    click(harness, "로그인");
    step_until(harness, "the main view", |h| {
        h.query_by_label(file_menu).is_some()
    });
}

#[test]
fn signing_in_as_a_user_who_reads_japanese_shows_the_window_in_japanese() {
    let dir = DataDir::new();
    add_agent(&dir, "tanaka", "1001", Some(Language::Ja));
    let mut harness = signed_out_window(&dir);
    sign_in(&mut harness, "tanaka", "ファイル(F)");
    assert_eq!(harness.state().texts().language(), Language::Ja);
    assert!(harness.query_by_label("파일(F)").is_none());
    // The desk's language is still Korean for everyone else.
    let desk = Settings::load_or_create(&settings_file(&dir)).unwrap();
    assert_eq!(desk.ui.language, Language::Ko);
}

#[test]
fn an_agent_changes_their_own_language_and_sees_their_own_extension() {
    let dir = DataDir::new();
    let kim = add_agent(&dir, "kim", "1001", None);
    let mut harness = signed_out_window(&dir);
    sign_in(&mut harness, "kim", "파일(F)");
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    assert!(harness.query_by_label("내 설정").is_some());
    assert_eq!(
        harness
            .get_by_role_and_label(Role::TextInput, "내선번호")
            .value()
            .as_deref(),
        Some("1001")
    );
    // The desk's settings are an admin's: shown, not editable.
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, "주소")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut harness, "English");
    click(&mut harness, "OK");
    step_until(&mut harness, "the saved language", |_| {
        Store::open(&dir.database())
            .unwrap()
            .personal_settings(kim)
            .unwrap()
            .language
            == Some(Language::En)
    });
    step_until(&mut harness, "the English menus", |h| {
        h.query_by_label("File (F)").is_some() && h.query_by_label("Preferences").is_none()
    });
    // Nothing was refused, and the desk keeps Korean.
    assert!(harness.query_by_label_contains("This needs the").is_none());
    let desk = Settings::load_or_create(&settings_file(&dir)).unwrap();
    assert_eq!(desk.ui.language, Language::Ko);
}
