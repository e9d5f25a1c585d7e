//! The window, driven through egui_kittest with a real backend on a real
//! store: it finds widgets by the names AccessKit gives them, types and
//! checks what appears.

use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::backend::Backend;
use ringdesk::domain::{CustomerDraft, PhoneDraft, Region};
use ringdesk::store::Store;
use ringdesk::ui::{RingdeskApp, StartInfo, fonts};

use crate::support::DataDir;

fn harness(dir: &DataDir, customers: &[(&str, &str)]) -> Harness<'static, RingdeskApp> {
    let mut store = Store::open(&dir.database()).unwrap();
    for (name, number) in customers {
        let draft = CustomerDraft {
            name: (*name).to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: (*number).to_owned(),
            }],
            ..CustomerDraft::default()
        };
        store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
    }
    let database = store.path().to_owned();
    let backend = Backend::spawn(store, Region::KOREA, Arc::new(|| {})).unwrap();
    Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_eframe(move |creation| {
            // Without a CJK font every Hangul glyph is missing and egui panics.
            let face = fonts::find_cjk_font()
                .expect("no Korean font: apt-get install fonts-noto-cjk (scripts/test.sh does)");
            fonts::install(&creation.egui_ctx, face);
            RingdeskApp::new(StartInfo { backend, database })
        })
}

/// Runs frames until `done` holds, failing after a few seconds.
fn step_until(
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
}

#[test]
fn the_window_counts_customers_and_searches_as_you_type() {
    let dir = DataDir::new();
    let mut harness = harness(
        &dir,
        &[
            ("홍길동", "010-1234-5678"),
            ("김민준", "010-2222-3333"),
            ("이서연", "02-2299-7123"),
        ],
    );
    step_until(&mut harness, "the customer count", |h| {
        h.query_by_label("고객 3명").is_some()
    });

    harness
        .get_by_role_and_label(Role::TextInput, "검색")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "검색")
        .type_text("길동");
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
