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
//! * resident memory at the end.
//!
//! The book is shared with `benches/store.rs` (`target/bench-data/`);
//! `RINGDESK_BENCH_CUSTOMERS=N` changes the size.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    missing_docs
)]

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
use ringdesk::domain::Region;
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
    let settings = Settings::load_or_create(&settings_file).unwrap();

    let started = Instant::now();
    let store = Store::open(&path).unwrap();
    store.set_cache_kib(ringdesk::ui::WINDOW_CACHE_KIB).unwrap();
    let database = store.path().to_owned();
    let backend = Backend::spawn(store, settings.clone(), settings_file, Arc::new(|| {})).unwrap();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |creation| {
            fonts::install_cjk(&creation.egui_ctx, ringdesk::config::Language::Ko);
            RingdeskApp::new(StartInfo {
                backend,
                database,
                settings,
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
    harness.get_by_label("고객관리(C)").click();
    harness.run_steps(2);
    harness.get_by_label("고객목록").click();
    harness.run_steps(2);
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
    println!("  {:<44} {:>9.0} MB", "resident memory", resident_mb());
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
