//! Window benchmarks on a generated customer book (1,000,000 customers by
//! default), rendering frames headless with `egui_kittest` on the real app,
//! backend and store:
//!
//! * first frame: from starting the app to the first frame drawn, and to
//!   the customer count on screen;
//! * typing in the search box: CPU time of each frame, and the time from
//!   the last keystroke to its results on screen;
//! * scrolling the customer list: CPU time of each frame while the wheel
//!   turns through the list;
//! * resident memory after scrolling;
//! * a sheet loading in 엑셀문자발송: CPU time of each frame from handing
//!   the window a 100,000-row workbook until its sorted rows are on screen
//!   (the backend reads and sorts it meanwhile), and how long that takes;
//! * a bulk send running with 문자발송결과 open: CPU time of each frame for
//!   ten seconds while a 20,000-recipient batch's messages are queued and
//!   sent (dry-run gateway, `sms.rate_per_sec = 1000`) and the window's
//!   counts follow them;
//! * resident memory at the end.
//!
//! In debug builds (`cargo test --bench window`, the smoke run) the sheet
//! has 2,000 rows, the batch 1,000 recipients and its phase lasts 2 s.
//!
//! The batch is stored through a second connection only once scrolling is
//! over, so nothing is being sent during the earlier phases and their
//! figures stay comparable with earlier runs. The app's batch thread finds
//! a queued batch within its idle tick (up to 5 s), which the benchmark
//! waits out before measuring; afterwards the batch is cancelled and its
//! messages settle, so no run leaves work for the next one. The book keeps
//! each run's batch and its messages (no other bench reads messages).
//!
//! The book is shared with `benches/store.rs` (`target/bench-data/`);
//! `RINGDESK_BENCH_CUSTOMERS=N` changes the size. The sheet is generated
//! there once too (`sheet-N.xlsx`, the same as `benches/batch.rs` reads).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    missing_docs
)]

mod support {
    pub mod sheet;
}

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use ringdesk::backend::Backend;
use ringdesk::cli::demo_data;
use ringdesk::config::Settings;
use ringdesk::domain::{
    BatchId, BatchKind, BatchState, CustomerFilter, NewBatch, NewSenderNumber, PhoneNumber, Region,
    Timestamp,
};
use ringdesk::sms::recipient_list::sort_out;
use ringdesk::store::Store;
use ringdesk::ui::{RingdeskApp, StartInfo, fonts};

#[expect(clippy::too_many_lines, reason = "one benchmark run, step by step")]
fn main() {
    let customers: u64 = std::env::var("RINGDESK_BENCH_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("store-{customers}.sqlite3"));
    println!("ringdesk window benchmark: {customers} customers (headless frames)");
    {
        let mut store = Store::open(&path).unwrap();
        let have = store.count_customers().unwrap();
        if have < customers {
            demo_data::fill(&mut store, customers - have, 1, Region::KOREA, |_| {}).unwrap();
        }
    }
    let settings_dir = tempfile::tempdir().unwrap();
    let settings_file = settings_dir.path().join("settings.toml");
    let mut settings = Settings::load_or_create(&settings_file).unwrap();
    // The dry-run gateway sends the bulk phase's batch quickly.
    settings.sms.rate_per_sec = 1000;
    // A run stopped half-way may have left its batch running: the app
    // would go on sending it during the first phases.
    cancel_leftover_batches(&mut Store::open(&path).unwrap());
    let (sheet_rows, batch_size, send_for) = if cfg!(debug_assertions) {
        (2_000, 1_000, Duration::from_secs(2))
    } else {
        (100_000, 20_000, Duration::from_secs(10))
    };
    let sheet = support::sheet::sheet(&dir, sheet_rows);

    let started = Instant::now();
    let mut store = Store::open(&path).unwrap();
    store.set_cache_kib(ringdesk::ui::WINDOW_CACHE_KIB).unwrap();
    let database = store.path().to_owned();
    // The window's figures are the main view's: start signed in.
    let user = bench_user(&mut store);
    let backend = Backend::spawn_signed_in(
        store,
        settings.clone(),
        settings_file,
        Arc::new(|| {}),
        user.clone(),
    )
    .unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |creation| {
            fonts::install_cjk(&creation.egui_ctx, ringdesk::config::Language::Ko);
            RingdeskApp::new(StartInfo {
                backend,
                database,
                settings,
                signed_in: Some(user),
            })
        });
    harness.step();
    let first_frame = started.elapsed();
    wait_for(&mut harness, |h| {
        h.query_by_label("고객 수를 세는 중…").is_none()
    });
    let count_shown = started.elapsed();
    println!(
        "  {:<44} {:>9.1} ms",
        "first frame after start",
        ms(first_frame)
    );
    println!(
        "  {:<44} {:>9.1} ms",
        "customer count on screen after start",
        ms(count_shown)
    );

    // Typing: one character per frame, as a fast typist at 60 Hz; after the
    // last one, frames until its results are on screen.
    let mut frame_times = Vec::new();
    let mut latencies = Vec::new();
    for word in [
        "김민",
        "이서연",
        "박지",
        "최",
        "5678",
        "1234",
        "길동",
        "상사",
        "민준",
        "9012",
    ] {
        clear_search(&mut harness);
        for character in word.chars() {
            harness
                .get_by_role_and_label(Role::TextInput, "검색")
                .type_text(&character.to_string());
            let frame = Instant::now();
            harness.step();
            frame_times.push(frame.elapsed());
            std::thread::sleep(Duration::from_millis(16));
        }
        let typed = Instant::now();
        while harness.query_by_label_contains("검색 결과").is_none()
            && harness
                .query_by_label_contains("찾는 고객이 없습니다")
                .is_none()
        {
            let frame = Instant::now();
            harness.step();
            frame_times.push(frame.elapsed());
            assert!(
                typed.elapsed() < Duration::from_secs(10),
                "no results for {word}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        latencies.push(typed.elapsed());
        println!("    {word:<8} {:>9.2} ms", ms(typed.elapsed()));
    }
    percentiles("frame while typing in search (CPU)", &mut frame_times);
    percentiles(
        "search results on screen after the keystroke",
        &mut latencies,
    );

    // Scrolling the list: the wheel over the table, a frame per notch.
    clear_search(&mut harness);
    open_menu(&mut harness, "고객목록");
    // The list's total beside the status bar's count.
    wait_for(&mut harness, |h| {
        h.query_all_by_label_contains("명").nth(1).is_some()
    });
    harness.hover_at(egui::pos2(640.0, 450.0));
    let mut scroll_times = Vec::new();
    for notch in 0..600 {
        let delta = if notch % 200 < 150 { -400.0 } else { 1200.0 };
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, delta),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        let frame = Instant::now();
        harness.step();
        scroll_times.push(frame.elapsed());
        std::thread::sleep(Duration::from_millis(4));
    }
    percentiles("frame while scrolling the list (CPU)", &mut scroll_times);
    println!(
        "  {:<44} {:>9.0} MB",
        "resident memory after scrolling",
        resident_mb()
    );

    // A sheet loading: the window is given the file as its open dialog
    // would, and frames go on while the backend reads and sorts it.
    open_menu(&mut harness, "엑셀문자발송");
    let opened = Instant::now();
    harness
        .state_mut()
        .excel_sms()
        .expect("엑셀문자발송 is open")
        .open_file(sheet.clone());
    let mut sheet_times = Vec::new();
    let mut sheet_frames = Vec::new();
    loop {
        let frame = Instant::now();
        harness.step();
        sheet_times.push(frame.elapsed());
        sheet_frames.push((frame - opened, frame.elapsed()));
        let sorted = harness
            .state_mut()
            .excel_sms()
            .is_some_and(|window| window.sorted().is_some());
        if sorted && harness.query_by_label_contains("보낼 문자").is_some() {
            break;
        }
        assert!(
            opened.elapsed() < Duration::from_mins(5),
            "{} not sorted",
            sheet.display()
        );
        std::thread::sleep(Duration::from_millis(4));
    }
    let sheet_shown = opened.elapsed();
    let to_send = harness
        .state_mut()
        .excel_sms()
        .and_then(|window| window.sorted().map(|sorted| sorted.targets.len()))
        .unwrap_or_default();
    assert_eq!(to_send, sheet_rows, "every row of the sheet is to be sent");
    percentiles(
        &format!(
            "frame while a {}-row sheet loads (CPU)",
            thousands(sheet_rows)
        ),
        &mut sheet_times,
    );
    slowest(&mut sheet_frames);
    println!(
        "  {:<44} {:>9.1} ms",
        "sorted sheet on screen after opening it",
        ms(sheet_shown)
    );
    // Esc closes the window in front, and the sheet with it.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(
        harness.state_mut().excel_sms().is_none(),
        "엑셀문자발송 closed"
    );

    // A bulk send running: stored beside the app, as another agent's
    // window would, and followed in 문자발송결과.
    let mut second = Store::open(&path).unwrap();
    let (batch, batch_size) = store_batch(&mut second, batch_size);
    open_menu(&mut harness, "문자발송결과");
    let waited = Instant::now();
    wait_for(&mut harness, |_| {
        second.batch_summary(batch).unwrap().batch.state != BatchState::Queued
    });
    println!(
        "    the batch thread took it up after {:.1} s",
        waited.elapsed().as_secs_f64()
    );
    let sending = Instant::now();
    let mut send_times = Vec::new();
    let mut send_frames = Vec::new();
    while sending.elapsed() < send_for {
        let frame = Instant::now();
        harness.step();
        send_times.push(frame.elapsed());
        send_frames.push((frame - sending, frame.elapsed()));
        std::thread::sleep(Duration::from_millis(4));
    }
    let totals = second.batch_summary(batch).unwrap().totals;
    percentiles(
        &format!(
            "frame while a {}-recipient send runs (CPU)",
            thousands(batch_size)
        ),
        &mut send_times,
    );
    slowest(&mut send_frames);
    println!(
        "    in {:.0} s: {} of {} recipients done, {} messages sent",
        send_for.as_secs_f64(),
        totals.finished(),
        totals.recipients,
        totals.messages.sent + totals.messages.delivered
    );
    // A batch queued in full by now is done and cannot be cancelled; its
    // last messages are sent instead.
    second.cancel_batch(batch).ok();
    wait_for(&mut harness, |_| {
        let messages = second.batch_summary(batch).unwrap().totals.messages;
        messages.queued == 0 && messages.sending == 0
    });
    println!("  {:<44} {:>9.0} MB", "resident memory", resident_mb());
}

/// Stores a queued bulk send to the first `size` customers who can take a
/// text (fewer in a small book), from a registered sender number; returns
/// it and how many it goes to.
fn store_batch(store: &mut Store, size: usize) -> (BatchId, usize) {
    let sender = match store.sender_numbers().unwrap().first() {
        Some(sender) => sender.id,
        None => store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: "벤치마크".to_owned(),
            })
            .unwrap(),
    };
    let candidates = store.candidates_where(&CustomerFilter::default()).unwrap();
    let mut recipients = sort_out(&candidates, false).to_new_recipients(&candidates, Region::KOREA);
    recipients.truncate(size);
    let id = store
        .create_batch_send(
            &NewBatch {
                kind: BatchKind::Bulk,
                title: "window benchmark".to_owned(),
                created_by: None,
                sender_number_id: Some(sender),
                subject: String::new(),
                body_template: "#{이름}님 안내".to_owned(),
                advertising: false,
                scheduled_at: None,
                image: None,
            },
            &recipients,
        )
        .unwrap();
    (id, recipients.len())
}

/// `n` with a comma every three digits.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Cancels the batches an interrupted run left queued, running or with
/// messages still to go.
fn cancel_leftover_batches(store: &mut Store) {
    let mut left: Vec<BatchId> = store
        .batches_due(Timestamp::now())
        .unwrap()
        .into_iter()
        .map(|batch| batch.id)
        .collect();
    left.extend(store.batches_in_flight().unwrap());
    for batch in left {
        // One done already only has messages on their way; they go.
        store.cancel_batch(batch).ok();
    }
}

/// Opens `entry` of 고객관리(C).
fn open_menu(harness: &mut Harness<'_, RingdeskApp>, entry: &str) {
    harness.get_by_label("고객관리(C)").click();
    harness.run_steps(2);
    harness.get_by_label(entry).click();
    harness.run_steps(2);
}

fn clear_search(harness: &mut Harness<'_, RingdeskApp>) {
    harness
        .get_by_role_and_label(Role::TextInput, "검색")
        .focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.run_steps(2);
}

fn wait_for(
    harness: &mut Harness<'_, RingdeskApp>,
    done: impl Fn(&Harness<'_, RingdeskApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_mins(1);
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out");
        harness.step();
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentiles(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |percent: usize| samples[(samples.len() - 1) * percent / 100];
    println!(
        "  {:<44} p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms   ({} samples)",
        what,
        ms(at(50)),
        ms(at(95)),
        ms(at(100)),
        samples.len()
    );
}

/// The three slowest of `frames` (when each began, how long it took),
/// with when they began: which moment of a phase costs the most.
fn slowest(frames: &mut [(Duration, Duration)]) {
    frames.sort_by_key(|&(_, took)| std::cmp::Reverse(took));
    let listed: Vec<String> = frames
        .iter()
        .take(3)
        .map(|&(at, took)| format!("{:.1} ms at +{:.0} ms", ms(took), ms(at)))
        .collect();
    println!("    slowest frames: {}", listed.join(", "));
}

/// `VmRSS` of this process (Linux), in MB.
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The admin the benchmark's window is signed in as.
fn bench_user(store: &mut Store) -> ringdesk::domain::User {
    if let Some(user) = store.user_by_login("bench").unwrap() {
        return user;
    }
    let id = store
        .create_user(&ringdesk::domain::NewUser {
            login: "bench".to_owned(),
            display_name: "벤치".to_owned(),
            role: ringdesk::domain::Role::Admin,
            extension: None,
        })
        .unwrap();
    store.user(id).unwrap()
}
