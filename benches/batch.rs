//! A bulk send to a whole customer book (100,000 customers by default),
//! step by step as the 대량문자발송 and 문자발송결과 windows drive it:
//! gather the recipients, sort them out (opt-outs, landlines, repeats),
//! store the batch, turn every recipient into a message chunk by chunk
//! (the batch thread's work; the outbox's sending is measured by
//! `benches/kannel.rs`), read its totals (what each progress report costs)
//! and export its results to xlsx.
//!
//! Then 엑셀문자발송's side: a 100,000-row xlsx read and sorted into
//! messages and rows left out (target: 3 s together).
//!
//! The book is generated once into `target/bench-data/` and copied for each
//! run, so every run starts from the same store. `RINGDESK_BENCH_CUSTOMERS=N`
//! changes its size. `cargo bench --bench batch` measures; `cargo test
//! --bench batch` (a debug build) runs the same steps as a smoke test.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::too_many_lines,
    missing_docs
)]

mod support {
    pub mod sheet;
}

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ringdesk::cli::demo_data;
use ringdesk::config::Settings;
use ringdesk::domain::{
    BatchKind, BatchState, CustomerFilter, NewBatch, NewSenderNumber, PhoneNumber, Region,
};
use ringdesk::export::{Table, TableFormat, write_table};
use ringdesk::import::{ReadOptions, read};
use ringdesk::sms::batch_runner::run_chunk;
use ringdesk::sms::recipient_list::Gathered;
use ringdesk::sms::sheet_targets::{SheetMapping, sort_rows};
use ringdesk::store::{Page, Store};

/// Recipients turned into messages at a time, as the batch thread does.
const CHUNK: u32 = 500;

fn main() {
    let customers: u64 = std::env::var("RINGDESK_BENCH_CUSTOMERS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let book = dir.join(format!("batch-book-{customers}.sqlite3"));
    {
        let mut store = Store::open(&book).unwrap();
        let have = store.count_customers().unwrap();
        if have < customers {
            println!("generating {} customers…", customers - have);
            demo_data::fill(&mut store, customers - have, 1, Region::KOREA, |_| {}).unwrap();
        }
    }
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("ringdesk.sqlite3");
    std::fs::copy(&book, &path).unwrap();
    let mut store = Store::open(&path).unwrap();
    store
        .create_sender_number(&NewSenderNumber {
            number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
            label: String::new(),
        })
        .unwrap();
    println!(
        "ringdesk bulk send ({} build): {customers} customers",
        if cfg!(debug_assertions) {
            "debug smoke"
        } else {
            "release"
        }
    );

    let started = Instant::now();
    let candidates = store.candidates_where(&CustomerFilter::default()).unwrap();
    report(
        "gather every customer with their numbers",
        started.elapsed(),
        candidates.len(),
    );

    // The window reads the customers once when they are added, then sorts
    // them out again on every tick of 광고 or removal.
    let started = Instant::now();
    let mut gathered = Gathered::new();
    gathered.add(candidates);
    report(
        "add them to the recipient list (once per 추가)",
        started.elapsed(),
        gathered.candidates().len(),
    );
    let rounds = 5;
    let mut sorts: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(gathered.sort_out(true));
            started.elapsed()
        })
        .collect();
    sorts.sort();
    let list = gathered.sort_out(true);
    report(
        "sort out the list (광고: opt-outs, landlines, repeats), median",
        sorts[rounds / 2],
        list.recipients.len(),
    );
    println!(
        "    left out: {} of {}",
        list.left_out.len(),
        gathered.candidates().len()
    );

    let recipients = list.to_new_recipients(gathered.candidates(), Region::KOREA);
    let started = Instant::now();
    let batch = store
        .create_batch_send(
            &NewBatch {
                kind: BatchKind::Bulk,
                title: "벤치마크".to_owned(),
                created_by: None,
                sender_number_id: None,
                subject: String::new(),
                body_template: "#{이름}님, 이번 달 점검 일정을 안내드립니다.".to_owned(),
                advertising: false,
                scheduled_at: None,
                image: None,
            },
            &recipients,
        )
        .unwrap();
    report(
        "store the batch with its recipients",
        started.elapsed(),
        recipients.len(),
    );

    store.set_batch_state(batch, BatchState::Running).unwrap();
    let settings = Settings::default();
    let noon = jiff::civil::time(12, 0, 0, 0);
    let started = Instant::now();
    let mut queued = 0;
    loop {
        let step = run_chunk(&mut store, &settings, batch, None, noon, CHUNK).unwrap();
        queued += step.queued;
        if step.pending == 0 {
            break;
        }
    }
    let elapsed = started.elapsed();
    report(
        "turn every recipient into a queued message",
        elapsed,
        queued as usize,
    );
    println!(
        "    {:.0} recipients/s (chunks of {CHUNK})",
        f64::from(queued) / elapsed.as_secs_f64()
    );

    let started = Instant::now();
    let summary = store.batch_summary(batch).unwrap();
    report(
        "read the batch's totals (each progress report)",
        started.elapsed(),
        summary.totals.messages.queued as usize,
    );

    let started = Instant::now();
    let rows = store
        .recipient_results(
            batch,
            Page {
                offset: 0,
                limit: u32::MAX,
            },
        )
        .unwrap();
    let header: Vec<String> = ["seq", "name", "number", "state"]
        .map(str::to_owned)
        .to_vec();
    let written = write_table(
        &work.path().join("results.xlsx"),
        TableFormat::Xlsx,
        &Table {
            sheet: "results",
            header: &header,
        },
        rows.into_iter().map(|row| {
            vec![
                row.recipient.seq.to_string(),
                row.customer_name.unwrap_or_default(),
                row.recipient.to_raw,
                row.state
                    .map(|state| state.as_str().to_owned())
                    .unwrap_or_default(),
            ]
        }),
    )
    .unwrap();
    report(
        "export the results to xlsx",
        started.elapsed(),
        usize::try_from(written).unwrap(),
    );

    sheet_side(&dir, usize::try_from(customers).unwrap());
}

/// Reads a generated sheet of `rows` rows as 엑셀문자발송 does and sorts it.
fn sheet_side(dir: &std::path::Path, rows: usize) {
    let path = support::sheet::sheet(dir, rows);
    let started = Instant::now();
    let workbook = read(&path, ReadOptions::default()).unwrap();
    let read_took = started.elapsed();
    report("read the xlsx", read_took, workbook.sheets[0].rows.len());
    let started = Instant::now();
    let sorted = sort_rows(
        &workbook.sheets[0],
        &SheetMapping {
            header_row: 1,
            phone_column: 1,
            used: vec!["이름".to_owned(), "금액".to_owned()],
        },
        Region::KOREA,
    );
    let sort_took = started.elapsed();
    report(
        "sort its rows (numbers checked, variables, repeats)",
        sort_took,
        sorted.targets.len(),
    );
    report(
        "read and sort together (target 3 s)",
        read_took + sort_took,
        rows,
    );
}

fn report(what: &str, took: Duration, rows: usize) {
    println!(
        "  {what:<62} {:>9.1} ms  ({rows} rows)",
        took.as_secs_f64() * 1000.0
    );
}
