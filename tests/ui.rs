//! The window, driven through egui_kittest with a real backend on a real
//! store and settings file: it finds widgets by the names AccessKit gives
//! them, types, clicks and checks what the screen and the store then hold.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::backend::{Backend, local_time};
use ringdesk::config::Settings;
use ringdesk::domain::{
    CallRecord, CustomerDraft, CustomerId, Direction, NewUser, Outcome, PhoneDraft, PhoneNumber,
    Region, Timestamp, User,
};
use ringdesk::store::Store;
use ringdesk::ui::{RingdeskApp, StartInfo, fonts};

use crate::support::DataDir;

pub(crate) fn settings_file(dir: &DataDir) -> PathBuf {
    dir.path().join("settings.toml")
}

/// 홍길동 and 김민준 at 한빛상사, 이서연 at 가람물산.
pub(crate) fn three_customers(dir: &DataDir) -> Vec<CustomerId> {
    add_customers(
        dir,
        &[
            ("홍길동", "010-1234-5678", "한빛상사"),
            ("김민준", "010-2222-3333", "한빛상사"),
            ("이서연", "02-2299-7123", "가람물산"),
        ],
    )
}

/// Opens 고객목록 on [`three_customers`] and waits for all three.
pub(crate) fn open_list_of_three(harness: &mut Harness<'_, RingdeskApp>) {
    open_menu(harness, "고객관리(C)", "고객목록");
    // The count and the first page arrive separately.
    step_until(harness, "everyone", |h| {
        h.query_by_label("3명").is_some() && h.query_by_label("이서연").is_some()
    });
}

/// Narrows the open list with one 고급 필터 condition on `word`, down to
/// the one customer it names.
pub(crate) fn filter_list(harness: &mut Harness<'_, RingdeskApp>, word: &str) {
    click(harness, "고급 필터");
    click(harness, "조건 추가");
    type_into(harness, "값 1", word);
    step_until(harness, "the narrowed list", |h| {
        h.query_by_label("1명").is_some()
    });
}

pub(crate) fn add_customers(dir: &DataDir, customers: &[(&str, &str, &str)]) -> Vec<CustomerId> {
    let mut store = Store::open(&dir.database()).unwrap();
    let mut ids = Vec::new();
    for (name, number, company) in customers {
        let draft = CustomerDraft {
            name: (*name).to_owned(),
            company: (*company).to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: (*number).to_owned(),
            }],
            ..CustomerDraft::default()
        };
        ids.push(
            store
                .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
                .unwrap(),
        );
    }
    ids
}

/// Logs a call of today as the PBX tracker would: `minute` minutes after
/// local midnight, ended `outcome` a minute later.
pub(crate) fn add_call(
    dir: &DataDir,
    minute: i64,
    direction: Direction,
    number: &str,
    customer: Option<CustomerId>,
    outcome: Outcome,
) {
    let (midnight, _) = local_time::today();
    let started = midnight.as_millis() + minute * 60_000;
    let mut store = Store::open(&dir.database()).unwrap();
    store
        .record_call(&CallRecord {
            direction,
            pbx_call_id: format!("1700000000.{minute}"),
            number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            customer_id: customer,
            user_id: None,
            extension: "1001".to_owned(),
            line: "02-6000-1000".to_owned(),
            started_at: Timestamp(started),
            answered_at: (outcome == Outcome::Answered).then_some(Timestamp(started + 5_000)),
            ended_at: Some(Timestamp(started + 60_000)),
            outcome: Some(outcome),
            cause: Some(16),
            cause_text: "Normal Clearing".to_owned(),
        })
        .unwrap();
}

/// The user the window's tests sign in as: login `desk`, named after
/// `user.name` (or 상담원), with the role `user.role` gives (admin unless a
/// test sets it), created in the store when missing.
pub(crate) fn desk_user(store: &mut Store, settings: &Settings) -> User {
    if let Some(user) = store.user_by_login("desk").unwrap() {
        return user;
    }
    let name = settings.user.name.trim();
    let id = store
        .create_user(&NewUser {
            login: "desk".to_owned(),
            display_name: if name.is_empty() { "상담원" } else { name }.to_owned(),
            role: settings.user.role,
            extension: None,
        })
        .unwrap();
    store.user(id).unwrap()
}

/// The whole window on the store and settings file in `dir`, as `ringdesk`
/// starts it, already signed in as [`desk_user`].
pub(crate) fn window(dir: &DataDir) -> Harness<'static, RingdeskApp> {
    let (backend, settings, user) = signed_in_backend(dir);
    harness(dir, backend, settings, Some(user))
}

/// The backend on the store and settings file in `dir`, signed in as
/// [`desk_user`], with the settings the user works with (the file's with
/// their own over them) and the user.
pub(crate) fn signed_in_backend(dir: &DataDir) -> (Backend, Settings, User) {
    let mut store = Store::open(&dir.database()).unwrap();
    let desk = Settings::load_or_create(&settings_file(dir)).unwrap();
    let user = desk_user(&mut store, &desk);
    let settings = store
        .personal_settings(user.id)
        .unwrap()
        .over(&desk, user.extension.as_deref());
    let backend = Backend::spawn_signed_in(
        store,
        desk,
        settings_file(dir),
        Arc::new(|| {}),
        user.clone(),
    )
    .unwrap();
    (backend, settings, user)
}

/// The own settings of the user the window's tests sign in as.
pub(crate) fn desk_users_own(dir: &DataDir) -> ringdesk::config::Personal {
    let store = Store::open(&dir.database()).unwrap();
    let user = store.user_by_login("desk").unwrap().unwrap();
    store.personal_settings(user.id).unwrap()
}

/// The window on the store in `dir` as a fresh start shows it: the sign-in
/// (or first-run) form before the main view.
pub(crate) fn signed_out_window(dir: &DataDir) -> Harness<'static, RingdeskApp> {
    let store = Store::open(&dir.database()).unwrap();
    let settings = Settings::load_or_create(&settings_file(dir)).unwrap();
    let backend =
        Backend::spawn(store, settings.clone(), settings_file(dir), Arc::new(|| {})).unwrap();
    harness(dir, backend, settings, None)
}

fn harness(
    dir: &DataDir,
    backend: Backend,
    settings: Settings,
    signed_in: Option<User>,
) -> Harness<'static, RingdeskApp> {
    let database = dir.database();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |creation| {
            // Without a CJK font every Hangul glyph is missing and egui panics.
            let face = fonts::find_cjk_font()
                .expect("no Korean font: apt-get install fonts-noto-cjk (scripts/test.sh does)");
            fonts::install(&creation.egui_ctx, face);
            RingdeskApp::new(StartInfo {
                backend,
                database,
                settings,
                signed_in,
            })
        })
}

/// Runs frames until `done` holds, failing after a few seconds.
pub(crate) fn step_until(
    harness: &mut Harness<'_, RingdeskApp>,
    what: &str,
    done: impl Fn(&Harness<'_, RingdeskApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
}

pub(crate) fn type_into(harness: &mut Harness<'_, RingdeskApp>, label: &str, text: &str) {
    type_into_as(harness, Role::TextInput, label, text);
}

/// Types into the field of `role` labelled `label` (a multi-line box, say).
pub(crate) fn type_into_as(
    harness: &mut Harness<'_, RingdeskApp>,
    role: Role,
    label: &str,
    text: &str,
) {
    harness.get_by_role_and_label(role, label).focus();
    harness.run_steps(2);
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run_steps(2);
}

/// Clicks and lets the window settle (menus open, closed windows fade out).
pub(crate) fn click(harness: &mut Harness<'_, RingdeskApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run_ok();
}

pub(crate) fn open_menu(harness: &mut Harness<'_, RingdeskApp>, menu: &str, entry: &str) {
    click(harness, menu);
    harness.get_by_role_and_label(Role::Button, entry).click();
    harness.run_ok();
}

/// A file dropped on the window, as eframe hands one over; the window must
/// give the backend its path and never read it itself.
#[derive(Debug)]
struct DroppedFile(PathBuf);

impl egui::DroppedFile for DroppedFile {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        panic!("the window read a dropped file itself");
    }
}

/// Drops `path` on the window where the pointer is.
pub(crate) fn drop_file(harness: &mut Harness<'_, RingdeskApp>, path: &Path) {
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedFile(path.to_owned())));
    harness.run_steps(2);
}

/// Opens the 고객관리 window `entry` (unless a 파일 열기… is on screen
/// already) and drops `file` on it, as a file manager would.
pub(crate) fn drop_on_sheet_window(
    harness: &mut Harness<'_, RingdeskApp>,
    entry: &str,
    file: &Path,
) {
    if harness.query_by_label("파일 열기…").is_none() {
        open_menu(harness, "고객관리(C)", entry);
    }
    let over = harness.get_by_label("파일 열기…").rect().center();
    harness.hover_at(over);
    harness.run_steps(2);
    drop_file(harness, file);
}

/// A file of tests/data/import.
pub(crate) fn import_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/import")
        .join(name)
}

/// Whether a widget whose label contains `text` is on screen.
pub(crate) fn shown(harness: &Harness<'_, RingdeskApp>, text: &str) -> bool {
    harness.query_by_label_contains(text).is_some()
}

#[test]
fn the_window_counts_customers_and_searches_as_you_type() {
    let dir = DataDir::new();
    add_customers(
        &dir,
        &[
            ("홍길동", "010-1234-5678", ""),
            ("김민준", "010-2222-3333", ""),
            ("이서연", "02-2299-7123", ""),
        ],
    );
    let mut harness = window(&dir);
    step_until(&mut harness, "the customer count", |h| {
        h.query_by_label("고객 3명").is_some()
    });

    type_into(&mut harness, "검색", "길동");
    step_until(&mut harness, "the search result", |h| {
        h.query_by_label_contains("홍길동").is_some()
    });
    assert!(harness.query_by_label_contains("010-1234-5678").is_some());
    assert!(harness.query_by_label_contains("김민준").is_none());

    // Digits of a number find it too, and the old result goes away.
    harness
        .get_by_role_and_label(Role::TextInput, "검색")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "검색")
        .type_text("2299");
    step_until(&mut harness, "the number's customer", |h| {
        h.query_by_label_contains("이서연").is_some()
    });
    assert!(harness.query_by_label_contains("홍길동").is_none());
}

#[test]
fn the_form_warns_when_a_number_already_belongs_to_someone() {
    let dir = DataDir::new();
    add_customers(&dir, &[("홍길동", "010-1111-2222", "링데스크")]);
    let mut harness = window(&dir);
    step_until(&mut harness, "the book", |h| {
        h.query_by_label("고객 1명").is_some()
    });
    open_menu(&mut harness, "고객관리(C)", "고객등록");
    type_into(&mut harness, "이름", "김민준");
    type_into(&mut harness, "번호 1", "01011112222");
    step_until(&mut harness, "the warning", |h| {
        h.query_by_label("이미 홍길동 고객의 번호입니다.").is_some()
    });
    // A warning, not a refusal: a family shares a number.
    click(&mut harness, "저장");
    step_until(&mut harness, "the saved customer", |h| {
        h.query_by_label("저장했습니다.").is_some()
    });
    // Saved, it still shares the number with 홍길동 (not with itself).
    assert!(
        harness
            .query_by_label("이미 홍길동 고객의 번호입니다.")
            .is_some()
    );
}

#[test]
fn a_customer_registered_in_the_form_is_found_by_search() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    step_until(&mut harness, "an empty book", |h| {
        h.query_by_label("고객 0명").is_some()
    });
    open_menu(&mut harness, "고객관리(C)", "고객등록");

    // A wrong number is marked at the field and Save stays refused.
    type_into(&mut harness, "이름", "박지훈");
    type_into(&mut harness, "번호 1", "12");
    assert!(
        harness
            .query_by_label_contains("전화번호로 읽을 수 없습니다")
            .is_some()
    );
    harness.get_by_label("저장").click();
    harness.run_steps(3);
    assert_eq!(
        Store::open(&dir.database())
            .unwrap()
            .count_customers()
            .unwrap(),
        0
    );

    // Fixed, it saves; nothing typed was lost on the way.
    harness
        .get_by_role_and_label(Role::TextInput, "번호 1")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "번호 1")
        .type_text("010-5555-7777");
    harness.run_steps(2);
    type_into(&mut harness, "회사", "링데스크");
    click(&mut harness, "저장");
    step_until(&mut harness, "the saved customer", |h| {
        h.query_by_label("저장했습니다.").is_some()
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);
    step_until(&mut harness, "the new count", |h| {
        h.query_by_label("고객 1명").is_some()
    });

    click(&mut harness, "닫기");
    type_into(&mut harness, "검색", "5555");
    step_until(&mut harness, "the search result", |h| {
        h.query_by_label("검색 결과 1건").is_some()
    });
    assert!(harness.query_all_by_label("010-5555-7777").next().is_some());
}

#[test]
fn a_new_user_defined_field_shows_in_the_form_and_as_a_list_column() {
    let dir = DataDir::new();
    add_customers(&dir, &[("홍길동", "010-1234-5678", "")]);
    let mut harness = window(&dir);
    step_until(&mut harness, "the count", |h| {
        h.query_by_label("고객 1명").is_some()
    });

    open_menu(&mut harness, "파일(F)", "사용자 정의설정");
    click(&mut harness, "항목 추가");
    type_into(&mut harness, "표시 이름", "방문경로상세");
    type_into(&mut harness, "키", "visit_route");
    click(&mut harness, "적용");
    step_until(&mut harness, "the new field in the list", |h| {
        h.query_by_label_contains("방문경로상세").is_some()
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.field_defs().unwrap()[0].key, "visit_route");
    click(&mut harness, "닫기");
    assert!(harness.query_by_label("사용자 정의설정").is_none());

    // In the registration form, with its full label.
    open_menu(&mut harness, "고객관리(C)", "고객등록");
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "방문경로상세")
            .is_some()
    );

    // In the list's column chooser; chosen, its header shows five characters.
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    click(&mut harness, "열 선택");
    harness
        .get_by_role_and_label(Role::CheckBox, "방문경로상세")
        .click();
    harness.run_steps(2);
    step_until(&mut harness, "the column", |h| {
        h.query_by_label("방문경로상").is_some()
    });
}

#[test]
fn a_filter_narrows_the_list() {
    let dir = DataDir::new();
    three_customers(&dir);
    let mut harness = window(&dir);
    open_list_of_three(&mut harness);
    filter_list(&mut harness, "서연");
    assert!(harness.query_by_label("이서연").is_some());
    assert!(harness.query_by_label("홍길동").is_none());
}

#[test]
fn the_chosen_columns_survive_a_restart() {
    let dir = DataDir::new();
    add_customers(&dir, &[("홍길동", "010-1234-5678", "")]);
    {
        let mut harness = window(&dir);
        open_menu(&mut harness, "고객관리(C)", "고객목록");
        click(&mut harness, "열 선택");
        // Shown by default: 회사. Hide it and show 이메일.
        harness
            .get_by_role_and_label(Role::CheckBox, "회사")
            .click();
        harness.run_steps(2);
        harness
            .get_by_role_and_label(Role::CheckBox, "이메일")
            .click();
        harness.run_steps(2);
        let wanted = ["name", "phone", "status", "assignee", "updated", "email"];
        // They are the signed-in user's; the file keeps the desk's.
        step_until(&mut harness, "the user's columns", |_| {
            desk_users_own(&dir)
                .list_columns
                .is_some_and(|columns| columns == wanted)
        });
        let desk = Settings::load_or_create(&settings_file(&dir)).unwrap();
        assert_eq!(desk.ui.list_columns, Settings::default().ui.list_columns);
    }
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객목록");
    step_until(&mut harness, "the list", |h| {
        h.query_by_label("홍길동").is_some()
    });
    assert!(harness.query_by_label("이메일").is_some());
    assert!(harness.query_by_label("회사").is_none());
}

#[test]
fn switching_language_changes_the_menus_at_once() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    // The dialog's rows move as the labels change language: let it settle.
    click(&mut harness, "日本語");
    let file_ja = harness.state().texts().get("menu.file").to_owned();
    assert_ne!(file_ja, "파일(F)");
    assert!(harness.query_by_label(&file_ja).is_some());
    click(&mut harness, "English");
    assert!(harness.query_by_label("File (F)").is_some());
    click(&mut harness, "OK");
    step_until(&mut harness, "the saved language", |_| {
        desk_users_own(&dir).language == Some(ringdesk::config::Language::En)
    });
    assert!(harness.query_by_label("Customers (C)").is_some());
    // The language is the user's; the desk's stays Korean.
    let desk = Settings::load_or_create(&settings_file(&dir)).unwrap();
    assert_eq!(desk.ui.language, ringdesk::config::Language::Ko);
}

#[test]
fn the_kannel_gateway_is_chosen_and_set_up_in_preferences() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    assert!(harness.query_by_label_contains("문자: dry-run").is_some());
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    // The Kannel fields show once Kannel is chosen.
    assert!(harness.query_by_label("sendsms 사용자").is_none());
    click(&mut harness, "Kannel");
    type_into(&mut harness, "sendsms 사용자", "ringdesk");
    // A password field is its own role.
    harness
        .get_by_role_and_label(Role::PasswordInput, "sendsms 비밀번호")
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::PasswordInput, "sendsms 비밀번호")
        .type_text("s3cret");
    harness.run_steps(2);
    click(&mut harness, "확인");
    step_until(&mut harness, "the saved Kannel settings", |_| {
        Settings::load_or_create(&settings_file(&dir)).is_ok_and(|settings| {
            settings.sms.gateway == ringdesk::config::GatewayKind::Kannel
                && settings.sms.kannel.username == "ringdesk"
                && settings.sms.kannel.password == "s3cret"
        })
    });
    // The SMS thread opens the new gateway and says so.
    step_until(&mut harness, "Kannel in the status bar", |h| {
        h.query_by_label_contains("문자: Kannel").is_some()
    });
}

#[test]
fn later_features_open_a_window_saying_what_will_be_there() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "관리자 웹 바로가기");
    assert!(
        harness
            .query_by_label_contains("여기에 들어옵니다")
            .is_some()
    );
    click(&mut harness, "확인");
}

#[test]
fn groups_are_added_renamed_and_counted_in_the_tree() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "고객그룹");
    type_into(&mut harness, "새 그룹", "우수고객");
    click(&mut harness, "추가");
    step_until(&mut harness, "the new group", |h| {
        h.query_all_by_label("우수고객 (0)").count() == 2
    });
    // Picked in the manager, renamed; the tree on the left follows.
    harness
        .get_all_by_label("우수고객 (0)")
        .last()
        .unwrap()
        .click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::TextInput, "그룹 이름")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "그룹 이름")
        .type_text("VIP");
    harness.run_ok();
    click(&mut harness, "이름 바꾸기");
    step_until(&mut harness, "the renamed group", |h| {
        h.query_all_by_label("VIP (0)").count() == 2
    });
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.groups().unwrap()[0].name, "VIP");
}

#[test]
fn escape_closes_the_dialog_in_front_only() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "사용자 정의설정");
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    assert!(harness.query_by_label("사용자 환경설정").is_some());
    harness.key_press(egui::Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("사용자 환경설정").is_none());
    assert!(harness.query_by_label("항목 추가").is_some());
    harness.key_press(egui::Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("항목 추가").is_none());
}

#[test]
fn the_call_log_lists_todays_calls_and_filters_the_missed_ones() {
    let dir = DataDir::new();
    let ids = add_customers(&dir, &[("홍길동", "010-1234-5678", "")]);
    add_call(
        &dir,
        1,
        Direction::In,
        "010-1234-5678",
        Some(ids[0]),
        Outcome::Answered,
    );
    add_call(
        &dir,
        2,
        Direction::In,
        "010-9999-8888",
        None,
        Outcome::Missed,
    );
    add_call(
        &dir,
        3,
        Direction::Out,
        "02-2299-7123",
        None,
        Outcome::Answered,
    );
    let mut harness = window(&dir);
    open_menu(&mut harness, "고객관리(C)", "전화목록");
    step_until(&mut harness, "today's calls", |h| {
        h.query_by_label("3건").is_some()
    });
    // Each number shows in the main window's today's calls and in the log.
    let shown = |h: &Harness<'_, RingdeskApp>, label: &str| h.query_all_by_label(label).count();
    assert_eq!(shown(&harness, "010-9999-8888"), 2);
    assert_eq!(shown(&harness, "02-2299-7123"), 2);
    // Only the missed call has a call-back button.
    assert_eq!(harness.query_all_by_label("다시 걸기").count(), 1);

    harness
        .get_by_role_and_label(Role::ComboBox, "결과")
        .click();
    harness.run_ok();
    harness.get_by_label("부재중 (못 받은 전화)").click();
    harness.run_ok();
    step_until(&mut harness, "the missed call alone", |h| {
        h.query_by_label("1건").is_some()
    });
    assert_eq!(shown(&harness, "010-9999-8888"), 2);
    assert_eq!(shown(&harness, "02-2299-7123"), 1);
    assert_eq!(shown(&harness, "010-1234-5678"), 1);

    // Calling back dials that number; without a PBX the status bar says why not.
    click(&mut harness, "다시 걸기");
    step_until(&mut harness, "the call-back answer", |h| {
        h.query_by_label_contains("010-9999-8888에 걸 수 없습니다")
            .is_some()
    });

    // A memo on the call is saved in the store.
    harness.get_by_role_and_label(Role::Button, "메모").click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "메모")
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::MultilineTextInput, "메모")
        .type_text("내일 오전에 다시 연락");
    harness.run_steps(2);
    click(&mut harness, "저장");
    step_until(&mut harness, "the saved memo", |h| {
        h.query_by_label("내일 오전에 다시 연락").is_some()
    });
    let store = Store::open(&dir.database()).unwrap();
    let day = local_time::today();
    let missed = store
        .calls_where(
            &ringdesk::domain::CallFilter::period(day.0, day.1).missed(),
            ringdesk::store::Page::first(10),
        )
        .unwrap();
    assert_eq!(missed[0].memo, "내일 오전에 다시 연락");

    // Back to every call; a double-click on a known caller opens the customer
    // (in the main window's today's calls a double-click only selects).
    click(&mut harness, "필터 지우기");
    step_until(&mut harness, "every call again", |h| {
        h.query_by_label("3건").is_some()
    });
    // A simulated click takes three frames of a quarter second each; allow
    // a double-click that slow.
    harness
        .ctx
        .options_mut(|options| options.input_options.max_double_click_delay = 2.0);
    let names = harness.get_all_by_label("홍길동").count();
    for index in 0..names {
        let node = harness.get_all_by_label("홍길동").nth(index).unwrap();
        node.click();
        node.click();
        // Long enough apart that the next pair is a double-click of its own.
        harness.run_steps(12);
    }
    step_until(&mut harness, "the customer's form", |h| {
        h.query_by_label_contains("고객정보 — 홍길동").is_some()
    });
}

#[test]
fn the_http_provider_fields_show_when_the_gateway_is_http() {
    let dir = DataDir::new();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "발송 API 주소")
            .is_none()
    );
    click(&mut harness, "취소");

    let file = settings_file(&dir);
    ringdesk::config::set(&file, "sms.http.send_url", "https://api.example.co.kr/send").unwrap();
    ringdesk::config::set(&file, "sms.gateway", "http").unwrap();
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "사용자 환경설정");
    assert!(
        harness
            .query_by_role_and_label(Role::TextInput, "발송 API 주소")
            .is_some()
    );
    // The key is a password field: dots on screen.
    harness
        .get_by_role_and_label(Role::PasswordInput, "인증 값 (API 키)")
        .focus();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::PasswordInput, "인증 값 (API 키)")
        .type_text("Bearer abc123");
    harness.run_steps(2);
    click(&mut harness, "확인");
    step_until(&mut harness, "the saved API key", |_| {
        Settings::load_or_create(&settings_file(&dir))
            .is_ok_and(|settings| settings.sms.http.auth_value == "Bearer abc123")
    });
    let saved = Settings::load_or_create(&settings_file(&dir)).unwrap();
    assert_eq!(saved.sms.http.send_url, "https://api.example.co.kr/send");
}
