//! Store benchmarks on a generated customer book (1,000,000 customers by
//! default), printing p50/p99:
//!
//! * demo-data: generating and writing the whole book;
//! * bulk insert: checked customers into an empty store, numbers and search index included;
//! * open: opening (and migrating) the existing store;
//! * caller lookup by number, in three formats;
//! * search, first page of 50: Korean name fragments and the last four digits;
//! * customer list: the first page by name with no filter, a page half-way
//!   down, a count by status, and a first page filtered on a user-defined field.
//!
//! `cargo bench --bench store` runs it in full. `RINGDESK_BENCH_CUSTOMERS=N`
//! changes the size (CI runs a smoke test with a small N). The book is kept
//! in `target/bench-data/` and reused; `RINGDESK_BENCH_REBUILD=1` remakes it.

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    clippy::type_complexity,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::{RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use ringdesk::cli::demo_data;
use ringdesk::demo::Generator;
use ringdesk::domain::search::SearchQuery;
use ringdesk::domain::{
    Condition, Customer, CustomerFilter, CustomerId, CustomerSort, FilterField, NewCustomer,
    Operator, PhoneNumber, Region, StatusId, StatusName,
};
use ringdesk::store::{Page, Store};

const SAMPLES: usize = 2000;

fn main() {
    let customers: u64 = std::env::var("RINGDESK_BENCH_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("store-{customers}.sqlite3"));
    println!("ringdesk store benchmark: {customers} customers, {SAMPLES} samples per query kind");

    let rebuild = std::env::var_os("RINGDESK_BENCH_REBUILD").is_some();
    if rebuild || !complete(&path, customers) {
        remove_database(&path);
        let mut store = Store::open(&path).unwrap();
        let report = demo_data::fill(&mut store, customers, 1, Region::KOREA, |_| {}).unwrap();
        row(
            "demo-data (generate + check + write)",
            "total",
            report.elapsed,
            None,
        );
        println!(
            "  {:<44} {:>10.0} customers/s (inside Store::insert_customers)",
            "bulk insert while filling",
            report.customers as f64 / report.insert_time.as_secs_f64()
        );
    } else {
        println!(
            "  (reusing {}; RINGDESK_BENCH_REBUILD=1 remakes it)",
            path.display()
        );
    }

    // Opening first: the bulk insert below writes and deletes a large file,
    // and the disk's write-back would land in the open times.
    open_times(&path);
    bulk_insert(&dir, customers.min(100_000));

    let store = Store::open(&path).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let samples: Vec<CustomerId> = (0..SAMPLES)
        .map(|_| CustomerId(rng.random_range(1..=i64::try_from(customers).unwrap())))
        .collect();
    let cards: Vec<_> = samples
        .iter()
        .map(|id| store.customer(*id).unwrap())
        .collect();

    let korean: Vec<_> = cards
        .iter()
        .filter(|card| card.name.chars().all(|c| ('가'..='힣').contains(&c)))
        .collect();
    lookups(&store, &korean);

    let fragments: [(&str, fn(&str) -> String); 3] = [
        ("search given name (2 chars, 민준)", |name| {
            name.chars().skip(1).collect()
        }),
        ("search surname + 1 (2 chars, 김민)", |name| {
            name.chars().take(2).collect()
        }),
        ("search full name (3 chars, 김민준)", str::to_owned),
    ];
    for (label, fragment) in fragments {
        let times = korean
            .iter()
            .map(|card| search_time(&store, &fragment(&card.name), card.id))
            .collect();
        report(label, times);
    }
    let times = cards
        .iter()
        .map(|card| {
            let digits: String = card.phones[0]
                .display
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            search_time(&store, &digits[digits.len() - 4..], card.id)
        })
        .collect();
    report("search last four digits (5678)", times);

    drop(store);
    let status = ensure_status_on_every_tenth(&path);
    let store = Store::open(&path).unwrap();
    customer_list(&store, customers, status);
}

/// The demo book sets no statuses; gives "상담중" to every tenth customer
/// (once), so a status filter has a realistic share to count.
fn ensure_status_on_every_tenth(path: &Path) -> StatusId {
    let mut store = Store::open(path).unwrap();
    let name = StatusName::new("상담중").unwrap();
    let status = match store
        .statuses()
        .unwrap()
        .into_iter()
        .find(|s| s.name == name.as_str())
    {
        Some(status) => status.id,
        None => store.create_status(&name).unwrap(),
    };
    drop(store);
    // A bench set-up step, not an operation ringdesk offers.
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "UPDATE customers SET status_id = ?1 WHERE id % 10 = 0 AND status_id IS NULL",
        [status.0],
    )
    .unwrap();
    status
}

fn customer_list(store: &Store, customers: u64, status: StatusId) {
    let all = CustomerFilter::default();
    let by_name = CustomerSort::default();
    let fields: Vec<_> = store
        .field_defs()
        .unwrap()
        .into_iter()
        .filter(|def| def.show_in_list)
        .map(|def| def.id)
        .collect();
    let page = |filter: &CustomerFilter, offset: u32| {
        let started = Instant::now();
        let rows = store
            .list_customers_where(filter, &by_name, &fields, Page { offset, limit: 50 })
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(rows.len(), 50);
        elapsed
    };
    let timed = |samples: usize, run: &dyn Fn() -> Duration| {
        run();
        (0..samples).map(|_| run()).collect::<Vec<_>>()
    };
    report(
        "list first page by name, no filter",
        timed(200, &|| page(&all, 0)),
    );
    let middle = u32::try_from(customers / 2).unwrap().min(500_000);
    report(
        &format!("list page at offset {middle} by name"),
        timed(20, &|| page(&all, middle)),
    );
    let with_status = CustomerFilter {
        status: Some(status),
        ..CustomerFilter::default()
    };
    report(
        "count with a status filter (1 in 10)",
        timed(20, &|| {
            let started = Instant::now();
            let count = store.count_customers_where(&with_status).unwrap();
            let elapsed = started.elapsed();
            assert!(count > 0);
            elapsed
        }),
    );
    let visits = store
        .field_defs()
        .unwrap()
        .into_iter()
        .find(|def| def.key == "방문횟수")
        .unwrap();
    let regulars = CustomerFilter {
        conditions: vec![Condition {
            field: FilterField::Custom(visits.id),
            op: Operator::Greater,
            value: "45".into(),
        }],
        ..CustomerFilter::default()
    };
    report(
        "list first page, 방문횟수 > 45 (1 in 12)",
        timed(200, &|| page(&regulars, 0)),
    );
}

fn lookups(store: &Store, korean: &[&Customer]) {
    // One untimed pass so every format is measured against a warm cache.
    for card in korean {
        let number = PhoneNumber::parse(&card.phones[0].key, Region::KOREA).unwrap();
        std::hint::black_box(store.customers_with_number(&number).unwrap());
    }
    for (label, format) in [
        ("lookup 010-1234-5678", 0),
        ("lookup 01012345678", 1),
        ("lookup +821012345678", 2),
    ] {
        let times = korean
            .iter()
            .map(|card| {
                let phone = &card.phones[0];
                let typed = match format {
                    0 => phone.display.clone(),
                    1 => phone.display.chars().filter(char::is_ascii_digit).collect(),
                    _ => phone.key.clone(),
                };
                let started = Instant::now();
                let number = PhoneNumber::parse(&typed, Region::KOREA).unwrap();
                let found = store.customers_with_number(&number).unwrap();
                let elapsed = started.elapsed();
                assert!(found.iter().any(|hit| hit.id == card.id), "{typed}");
                elapsed
            })
            .collect();
        report(label, times);
    }
}

fn search_time(store: &Store, text: &str, _expected: CustomerId) -> Duration {
    let started = Instant::now();
    let query = SearchQuery::parse(text, Region::KOREA);
    let page = store.search_customers(&query, Page::first(50)).unwrap();
    let elapsed = started.elapsed();
    assert!(!page.hits.is_empty(), "{text}");
    elapsed
}

/// Inserts `count` checked customers into an empty store, in chunks of 10,000.
fn bulk_insert(dir: &Path, count: u64) {
    let path = dir.join("bulk-insert.sqlite3");
    remove_database(&path);
    let mut store = Store::open(&path).unwrap();
    let mut generator = Generator::new(99);
    let customers: Vec<NewCustomer> = (0..count)
        .map(|_| {
            let mut draft = generator.customer().draft;
            // No user-defined fields exist in this store.
            draft.fields.clear();
            draft.check(Region::KOREA, &[]).unwrap()
        })
        .collect();
    let started = Instant::now();
    for chunk in customers.chunks(10_000) {
        store.insert_customers(chunk).unwrap();
    }
    let elapsed = started.elapsed();
    println!(
        "  {:<44} {:>10.0} customers/s ({count} into an empty store)",
        "bulk insert",
        count as f64 / elapsed.as_secs_f64()
    );
    drop(store);
    remove_database(&path);
}

fn open_times(path: &Path) {
    let times = (0..50)
        .map(|_| {
            let started = Instant::now();
            let store = Store::open(path).unwrap();
            let elapsed = started.elapsed();
            drop(store);
            elapsed
        })
        .collect();
    report("open existing store (+ migration check)", times);
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

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let p50 = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    row(label, "p50", p50, Some(p99));
}

fn row(label: &str, what: &str, first: Duration, p99: Option<Duration>) {
    match p99 {
        Some(p99) => println!(
            "  {label:<44} {what} {:>9.3} ms   p99 {:>9.3} ms",
            first.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0
        ),
        None => println!("  {label:<44} {what} {:>9.1} s", first.as_secs_f64()),
    }
}
