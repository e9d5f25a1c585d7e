//! `ringdesk demo-data`: fills the store with generated customers.
//!
//! Generating and checking runs on its own thread while this one writes, so
//! both cores work; chunks of customers go in one transaction each.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::demo::{self, Generator};
use crate::domain::note::NoteBody;
use crate::domain::{
    CallRecord, CustomerId, Direction, FieldDef, Invalid, NewCustomer, Outcome, PhoneNumber,
    Region, StatusId, StatusName, Timestamp, UserId,
};
use crate::store::{self, Store};

/// Customers written per transaction.
const CHUNK: usize = 10_000;
/// A written chunk: its customers and its notes with their customers' ids.
type Spent = (
    Vec<NewCustomer>,
    Vec<(CustomerId, Option<UserId>, NoteBody)>,
);
/// The statuses demo customers are spread over.
const STATUSES: [&str; 4] = ["신규", "상담중", "계약", "보류"];
/// Calls made and taken so far today, so the main window has a day to show.
const CALLS_TODAY: usize = 24;

/// What a fill did and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FillReport {
    /// Customers written.
    pub customers: u64,
    /// Notes written.
    pub notes: u64,
    /// Wall time of the whole fill.
    pub elapsed: Duration,
    /// Time spent inside `Store::insert_customers` (numbers and search index included).
    pub insert_time: Duration,
}

/// Why a fill stopped.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// The store refused a write.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// A generated customer broke a rule (a bug in the generator).
    #[error("generated customer is invalid: {0}")]
    Invalid(#[from] Invalid),
    /// The store was created by someone else while a new one was filled.
    #[error("{} was created while the demo data was written; run demo-data again to add to it", .0.display())]
    Appeared(PathBuf),
    /// The filled store could not be moved into place.
    #[error("cannot move the demo data into place: {0}")]
    Move(std::io::Error),
}

/// A chunk of checked customers and, beside them in the same order, their
/// notes: the customers go to the store as they are, with no copy.
#[derive(Default)]
struct Chunk {
    customers: Vec<NewCustomer>,
    notes: Vec<Vec<NoteBody>>,
}

/// Adds `count` customers generated from `seed`; `progress` hears the running total.
///
/// # Errors
/// When the store fails; customers of chunks already written stay.
pub fn fill(
    store: &mut Store,
    count: u64,
    seed: u64,
    region: Region,
    mut progress: impl FnMut(u64),
) -> Result<FillReport, FillError> {
    let started = Instant::now();
    let defs = ensure_fields(store)?;
    let statuses = ensure_statuses(store)?;
    let (sender, receiver) = mpsc::sync_channel::<Result<Chunk, Invalid>>(2);
    // Written chunks go back to be freed there: a million customers' strings
    // cost this thread, the one that writes, some two seconds to free.
    let (spent, spent_receiver) = mpsc::channel::<Spent>();
    let producer = thread::spawn(move || {
        generate(
            count,
            seed,
            region,
            &defs,
            &statuses,
            &sender,
            &spent_receiver,
        );
    });
    let mut callers: Vec<CustomerId> = Vec::new();
    let mut report = FillReport {
        customers: 0,
        notes: 0,
        elapsed: Duration::ZERO,
        insert_time: Duration::ZERO,
    };
    for chunk in receiver {
        let chunk = chunk?;
        let insert_started = Instant::now();
        let ids = store.insert_customers(&chunk.customers)?;
        report.insert_time += insert_started.elapsed();
        if callers.len() < CALLS_TODAY {
            callers.extend(ids.iter().take(CALLS_TODAY - callers.len()));
        }
        let notes: Vec<_> = ids
            .iter()
            .zip(chunk.notes)
            .flat_map(|(id, notes)| notes.into_iter().map(move |note| (*id, None, note)))
            .collect();
        store.add_notes(&notes)?;
        report.customers += ids.len() as u64;
        report.notes += notes.len() as u64;
        progress(report.customers);
        // Once the producer is done, what comes back is freed here.
        spent.send((chunk.customers, notes)).ok();
    }
    // The producer has finished once the channel closes; a panic there is a bug.
    producer.join().ok();
    add_calls_today(store, &callers, region)?;
    report.elapsed = started.elapsed();
    Ok(report)
}

fn generate(
    count: u64,
    seed: u64,
    region: Region,
    defs: &[FieldDef],
    statuses: &[StatusId],
    sender: &mpsc::SyncSender<Result<Chunk, Invalid>>,
    spent: &mpsc::Receiver<Spent>,
) {
    let mut generator = Generator::new(seed);
    let mut left = count;
    let mut made: usize = 0;
    while left > 0 {
        spent.try_iter().for_each(drop);
        let size = left.min(CHUNK as u64);
        let chunk: Result<Chunk, Invalid> = (0..size).try_fold(Chunk::default(), |mut chunk, _| {
            let mut customer = generator.customer();
            made += 1;
            // Most customers are new; some are talking, a few signed.
            customer.draft.status_id = statuses.get((made * 7) % 11 % statuses.len()).copied();
            let notes = customer
                .notes
                .iter()
                .map(|note| NoteBody::new(note))
                .collect::<Result<Vec<_>, _>>()?;
            chunk.customers.push(customer.draft.check(region, defs)?);
            chunk.notes.push(notes);
            Ok(chunk)
        });
        let failed = chunk.is_err();
        if sender.send(chunk).is_err() || failed {
            return;
        }
        left -= size;
    }
}

/// The demo's statuses, created where missing, in their order.
fn ensure_statuses(store: &mut Store) -> Result<Vec<StatusId>, FillError> {
    let existing = store.statuses()?;
    let mut ids = Vec::with_capacity(STATUSES.len());
    for name in STATUSES {
        match existing.iter().find(|status| status.name == name) {
            Some(status) => ids.push(status.id),
            None => ids.push(store.create_status(&StatusName::new(name)?)?),
        }
    }
    Ok(ids)
}

/// Calls of the last hours of today with `callers`, in and out by turns.
fn add_calls_today(
    store: &mut Store,
    callers: &[CustomerId],
    region: Region,
) -> Result<(), FillError> {
    let (midnight, _) = crate::backend::local_time::today();
    let now = Timestamp::now();
    for (index, id) in callers.iter().enumerate() {
        let minutes_ago = i64::try_from(index).unwrap_or(0) * 17 + 3;
        let started_at = Timestamp(now.0 - minutes_ago * 60_000);
        if started_at < midnight {
            break;
        }
        let customer = store.customer(*id)?;
        let Some(phone) = customer.phones.first() else {
            continue;
        };
        let Ok(number) = PhoneNumber::parse(&phone.display, region) else {
            continue;
        };
        let direction = if index % 3 == 1 {
            Direction::Out
        } else {
            Direction::In
        };
        // Mostly answered, with the misses and busy lines a desk really has.
        let (outcome, cause) = match index % 7 {
            2 if direction == Direction::In => (Outcome::Missed, 127),
            5 => (Outcome::Busy, 17),
            _ => (Outcome::Answered, 16),
        };
        let answered_at = (outcome == Outcome::Answered).then(|| Timestamp(started_at.0 + 6_000));
        let talk_ms = i64::try_from(index % 5).unwrap_or(0) * 47_000 + 35_000;
        store.record_call(&CallRecord {
            direction,
            pbx_call_id: format!("demo-{}-{index}", started_at.0),
            number,
            customer_id: Some(*id),
            user_id: None,
            extension: "201".to_owned(),
            line: if index % 2 == 0 {
                "02-6000-1000"
            } else {
                "1588-0000"
            }
            .to_owned(),
            started_at,
            answered_at,
            ended_at: Some(Timestamp(
                answered_at
                    .map_or(started_at.0 + 20_000, |at| at.0 + talk_ms)
                    .min(now.0),
            )),
            outcome: Some(outcome),
            cause: Some(cause),
            cause_text: String::new(),
        })?;
    }
    Ok(())
}

/// The demo's user-defined fields, created where missing.
fn ensure_fields(store: &mut Store) -> Result<Vec<FieldDef>, FillError> {
    let existing = store.field_defs()?;
    for def in demo::field_defs()? {
        if existing.iter().all(|known| known.key != def.key) {
            store.create_field(&def)?;
        }
    }
    Ok(store.field_defs()?)
}

/// Fills a store that does not exist yet: written to a scratch file beside
/// `database` with [`Store::create_for_load`] (no journal, indexes built at
/// the end) and moved into place only when complete, so a failure or a
/// crash leaves no store at all rather than half of one.
fn fill_new(
    database: &Path,
    args: &Args,
    region: Region,
    progress: impl FnMut(u64),
) -> Result<FillReport, super::Error> {
    let mut scratch = database.as_os_str().to_owned();
    scratch.push(".loading");
    let scratch = PathBuf::from(scratch);
    // Left by a run that died: never a store anyone opened.
    std::fs::remove_file(&scratch).ok();
    let filled = (|| {
        let started = Instant::now();
        let mut store = Store::create_for_load(&scratch)?;
        let mut report = fill(&mut store, args.customers, args.seed, region, progress)?;
        store.finish_load()?;
        report.elapsed = started.elapsed();
        Ok::<_, super::Error>(report)
    })();
    let moved = filled.and_then(|report| {
        // A link cannot replace a store that appeared meanwhile (the window
        // opened on this folder); a rename would.
        match std::fs::hard_link(&scratch, database) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(FillError::Appeared(database.to_owned()).into());
            }
            // A file system without links: the check above is the guard.
            Err(_) if !database.exists() => {
                std::fs::rename(&scratch, database).map_err(FillError::Move)?;
            }
            Err(error) => return Err(FillError::Move(error).into()),
        }
        Ok(report)
    });
    std::fs::remove_file(&scratch).ok();
    moved
}

/// Arguments of `demo-data`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many customers to add.
    #[arg(long)]
    pub customers: u64,
    /// Seed: the same seed gives the same customers.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Adds the generated customers and prints what was written.
///
/// # Errors
/// On a store failure.
pub fn run(
    context: &super::Context,
    args: &Args,
    out: &mut impl std::io::Write,
) -> Result<(), super::Error> {
    use std::io::IsTerminal as _;

    let show_progress = std::io::stderr().is_terminal();
    let progress = |done| {
        if show_progress {
            eprint!("\r{done} / {}", args.customers);
        }
    };
    let region = context.settings.phone.default_region;
    let database = context.dirs.database();
    let new_book = !database.exists();
    let report = if new_book {
        fill_new(&database, args, region, progress)?
    } else {
        let mut store = context.store()?;
        fill(&mut store, args.customers, args.seed, region, progress)?
    };
    if show_progress {
        eprintln!();
    }
    tracing::info!(customers = report.customers, notes = report.notes, elapsed = ?report.elapsed, "demo data added");
    writeln!(
        out,
        "added {} customers and {} notes in {:.1} s{}",
        report.customers,
        report.notes,
        report.elapsed.as_secs_f64(),
        if new_book {
            " (a new book, loaded whole)"
        } else {
            ""
        }
    )?;
    Ok(())
}
