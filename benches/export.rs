//! Export, backup and duplicate-finder benchmarks on the generated customer book (1,000,000
//! customers by default, the one `benches/store.rs` builds and keeps in
//! `target/bench-data/`):
//!
//! * export to CSV (UTF-8 with a BOM) of every customer, as `ringdesk
//!   export` writes it: phone labels counted, every column, the notes;
//!   target ≤ 10 s for 1,000,000;
//! * the same through a search for a common surname fragment (김);
//! * backup of the whole database with `SQLite`'s online backup;
//! * the duplicate finder (중복 고객 찾기) over the whole book: target ≤ 10 s
//!   for 1,000,000.
//!
//! `cargo bench --bench export` runs it in full; `RINGDESK_BENCH_CUSTOMERS=N`
//! changes the size (CI runs a smoke test with a small N).
//! `RINGDESK_BENCH_REBUILD=1` remakes the book.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ringdesk::cli::demo_data;
use ringdesk::domain::search::SearchQuery;
use ringdesk::domain::{CustomerFilter, CustomerId, CustomerSource as _, Region};
use ringdesk::export::TableFormat;
use ringdesk::export::customers::{CustomerSheet, SheetOptions, write_customers};
use ringdesk::store::{Page, Store};

fn main() {
    let customers: u64 = std::env::var("RINGDESK_BENCH_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("store-{customers}.sqlite3"));
    println!("ringdesk export benchmark: {customers} customers");
    let rebuild = std::env::var_os("RINGDESK_BENCH_REBUILD").is_some();
    if rebuild || !complete(&path, customers) {
        remove_database(&path);
        let mut store = Store::open(&path).unwrap();
        let report = demo_data::fill(&mut store, customers, 1, Region::KOREA, |_| {}).unwrap();
        println!(
            "  (built the book in {:.1} s)",
            report.elapsed.as_secs_f64()
        );
    } else {
        println!(
            "  (reusing {}; RINGDESK_BENCH_REBUILD=1 remakes it)",
            path.display()
        );
    }
    let store = Store::open(&path).unwrap();
    let out = tempfile::tempdir().unwrap();

    phases(&store, customers);

    let file = out.path().join("고객.csv");
    let cpu = cpu_seconds();
    let (rows, elapsed) = export(&store, &file, None);
    assert_eq!(rows, customers);
    line(
        "export every customer to CSV (UTF-8)",
        rows,
        elapsed,
        std::fs::metadata(&file).unwrap().len(),
    );
    if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
        println!(
            "  {:<46} {:>7.2} s  (load average {})",
            "of which CPU time",
            after - before,
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .split_whitespace()
                .next()
                .unwrap_or("?")
        );
    }

    let query = SearchQuery::parse("김", Region::KOREA);
    let started = Instant::now();
    let hits: Vec<CustomerId> = store
        .search_customers(
            &query,
            Page {
                offset: 0,
                limit: u32::MAX - 1,
            },
        )
        .unwrap()
        .hits
        .iter()
        .map(|hit| hit.id)
        .collect();
    let searched = started.elapsed();
    let (rows, elapsed) = export(&store, &file, Some(&hits));
    assert_eq!(rows, hits.len() as u64);
    line(
        "export a search (김) to CSV, search included",
        rows,
        searched + elapsed,
        std::fs::metadata(&file).unwrap().len(),
    );

    let started = Instant::now();
    let sets = store.duplicate_sets().unwrap();
    let elapsed = started.elapsed();
    println!(
        "  {:<46} {:>7.2} s  ({} sets of {} customers)",
        "duplicate finder, every set",
        elapsed.as_secs_f64(),
        sets.len(),
        sets.iter().map(|set| set.customers.len()).sum::<usize>()
    );

    let backup = out.path().join("backup.sqlite3");
    let started = Instant::now();
    store.back_up_to(&backup).unwrap();
    let elapsed = started.elapsed();
    line(
        "backup (online backup API)",
        customers,
        elapsed,
        std::fs::metadata(&backup).unwrap().len(),
    );
}

/// Times the two parts of an export apart: counting the phone labels and
/// reading every customer whole.
fn phases(store: &Store, customers: u64) {
    let started = Instant::now();
    let labels = store
        .phone_labels_where(&CustomerFilter::default(), None)
        .unwrap();
    println!(
        "  {:<46} {:>7.2} s  ({} labels)",
        "of which: phone labels counted",
        started.elapsed().as_secs_f64(),
        labels.len()
    );
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut records = store
        .customer_records(&CustomerFilter::default(), None)
        .unwrap();
    let mut read = 0;
    while let Some(record) = records.next_customer() {
        record.unwrap();
        read += 1;
    }
    drop(records);
    println!(
        "  {:<46} {:>7.2} s  (CPU {:.2} s)",
        "of which: customers read whole",
        started.elapsed().as_secs_f64(),
        cpu.zip(cpu_seconds())
            .map_or(f64::NAN, |(before, after)| after - before)
    );
    assert_eq!(read, customers);
}

/// Exports the customers (among `only`, when given) to `file` as the
/// command line does; returns the rows written and the time taken.
fn export(store: &Store, file: &Path, only: Option<&[CustomerId]>) -> (u64, Duration) {
    let started = Instant::now();
    let filter = CustomerFilter::default();
    let labels: Vec<(String, u32)> = store
        .phone_labels_where(&filter, only)
        .unwrap()
        .into_iter()
        .map(|label| (label.label, label.most))
        .collect();
    let sheet = CustomerSheet::new(
        &labels,
        &store.field_defs().unwrap(),
        SheetOptions::default(),
        jiff::tz::TimeZone::system(),
    );
    let mut records = store.customer_records(&filter, only).unwrap();
    let rows = write_customers(file, TableFormat::CsvUtf8, &sheet, &mut records).unwrap();
    (rows, started.elapsed())
}

fn line(label: &str, rows: u64, elapsed: Duration, bytes: u64) {
    println!(
        "  {label:<46} {:>7.2} s  {:>9.0} rows/s  {:>7.1} MB",
        elapsed.as_secs_f64(),
        rows as f64 / elapsed.as_secs_f64(),
        bytes as f64 / 1_048_576.0
    );
}

/// The CPU time this process has used, all threads, where the system
/// tells (Linux): on a machine shared with other work the wall-clock
/// figures above stretch, this does much less.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux ringdesk runs on.
    Some(ticks / 100.0)
}

fn complete(path: &Path, customers: u64) -> bool {
    path.exists()
        && Store::open(path)
            .and_then(|store| store.count_customers())
            .is_ok_and(|count| count == customers)
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        std::fs::remove_file(file).ok();
    }
}
