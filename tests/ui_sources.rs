//! 인지경로 관리, driven through egui_kittest on a real backend: the
//! defaults are listed, a source added is kept, a renamed source is renamed
//! on its customers, and one taken off the list stays on its customers.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;
use ringdesk::domain::{CustomerDraft, Region};
use ringdesk::store::Store;

use crate::support::DataDir;
use crate::ui::{click, open_menu, step_until, window};

fn sources(dir: &DataDir) -> Vec<String> {
    Store::open(&dir.database())
        .unwrap()
        .sources()
        .unwrap()
        .into_iter()
        .map(|source| source.name)
        .collect()
}

/// Runs frames until the store in `dir` shows `done`.
fn until_stored(
    harness: &mut egui_kittest::Harness<'_, ringdesk::ui::RingdeskApp>,
    what: &str,
    done: impl Fn(&Store) -> bool,
    dir: &DataDir,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if done(&Store::open(&dir.database()).unwrap()) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sources_are_added_renamed_on_their_customers_and_taken_off_the_list() {
    let dir = DataDir::new();
    let hong = {
        let mut store = Store::open(&dir.database()).unwrap();
        let draft = CustomerDraft {
            name: "홍길동".to_owned(),
            source: "방문".to_owned(),
            ..CustomerDraft::default()
        };
        store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap()
    };
    let mut harness = window(&dir);
    open_menu(&mut harness, "파일(F)", "인지경로 관리");
    step_until(&mut harness, "the default sources", |h| {
        h.query_by_label("랜딩페이지").is_some()
    });

    harness.get_by_label("새 인지경로").focus();
    harness.run_steps(2);
    harness.get_by_label("새 인지경로").type_text("지인소개");
    harness.run_steps(2);
    click(&mut harness, "추가");
    step_until(&mut harness, "the new source listed", |h| {
        h.query_by_label("지인소개").is_some()
    });
    assert_eq!(sources(&dir).last().map(String::as_str), Some("지인소개"));

    click(&mut harness, "방문");
    harness.get_by_label("인지경로 이름").focus();
    harness.run_steps(2);
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    harness.get_by_label("인지경로 이름").type_text("매장 방문");
    harness.run_steps(2);
    click(&mut harness, "이름 바꾸기");
    until_stored(
        &mut harness,
        "the customer's source renamed",
        |store| store.customer(hong).unwrap().source == "매장 방문",
        &dir,
    );
    step_until(&mut harness, "the renamed source listed", |h| {
        h.query_by_label("매장 방문").is_some()
    });

    click(&mut harness, "목록에서 빼기");
    click(&mut harness, "예");
    until_stored(
        &mut harness,
        "the source off the list",
        |store| {
            store
                .sources()
                .unwrap()
                .iter()
                .all(|s| s.name != "매장 방문")
        },
        &dir,
    );
    let store = Store::open(&dir.database()).unwrap();
    assert_eq!(store.customer(hong).unwrap().source, "매장 방문");

    harness.key_press(eframe::egui::Key::Escape);
    harness.run_ok();
    assert!(harness.query_by_label("인지경로 관리").is_none());
}
