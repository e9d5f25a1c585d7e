//! The search index of a new book's load or a first import, written on a
//! thread of its own.
//!
//! When a new book is loaded ([`Store::create_for_load`]), or a large
//! import goes into a book with no search entries yet, the search entries
//! of its customers (`customer_fts`, `customer_tokens`) are about a third
//! of the work of the thread that writes. `SQLite` lets one file have one
//! writer, so a second connection writes them into a scratch file beside
//! the book, on another core, while the first writes the rows. At the end
//! the scratch index is copied into the book, in the transaction that
//! writes the rows. FTS5 keeps the whole of an index in ordinary tables
//! (`customer_fts_data`, `_idx`, `_docsize`, `_config`), so an index built
//! elsewhere from the same definition moves by copying their rows, with
//! nothing tokenized again; this only works into an empty index, which is
//! why only new books and first imports take this way.
//!
//! The scratch file is made by the same migrations as the book, so its
//! index tables are defined exactly as the book's. FTS5 caches what it read
//! of an index in the connection; a connection whose index was replaced
//! under it must be opened again before it searches or writes (see
//! `Store::reconnect`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OpenFlags, Transaction};

use super::error::{Error, Result};
use super::{Store, search};
use crate::domain::{CustomerId, NewCustomer};

/// Customers whose entries go to the build at a time.
pub(super) const BATCH: usize = 10_000;

/// The smallest import worth a build: below it, making the scratch file
/// costs more than the second core saves.
pub(super) const MIN_IMPORT: usize = 20_000;

/// Batches of entries queued for the thread that writes them: enough to
/// keep it busy, few enough that a slow index holds back the rows.
const QUEUED: usize = 4;

/// The search index a load's or a first import's customers need, being
/// written elsewhere.
pub(super) struct SearchBuild {
    sender: Option<mpsc::SyncSender<Entries>>,
    writer: Option<thread::JoinHandle<Result<()>>>,
    /// Set when the build is given up: the writer stops without committing.
    abandoned: Arc<AtomicBool>,
    scratch: PathBuf,
}

/// The text each customer of a batch is found by, in one string: for
/// customer `i`, `ends[i]` are where its name, company, e-mail, memo and
/// tokens end (each starts where the one before it ends).
#[derive(Default)]
struct Entries {
    ids: Vec<i64>,
    text: String,
    ends: Vec<[usize; 5]>,
}

impl SearchBuild {
    /// Starts the thread that writes the index into a new file beside
    /// `book`.
    ///
    /// # Errors
    /// When the scratch file cannot be made.
    pub(super) fn start(book: &Path) -> Result<Self> {
        let mut scratch = book.as_os_str().to_owned();
        scratch.push(".search");
        let scratch = PathBuf::from(scratch);
        remove(&scratch);
        let store = Store::open(&scratch)?;
        store.conn.pragma_update(None, "journal_mode", "OFF")?;
        store.conn.pragma_update(None, "synchronous", "OFF")?;
        store.set_cache_kib(128 * 1024)?;
        let (sender, receiver) = mpsc::sync_channel(QUEUED);
        let abandoned = Arc::new(AtomicBool::new(false));
        let given_up = Arc::clone(&abandoned);
        let writer = thread::Builder::new()
            .name("search index".into())
            .spawn(move || write(store.conn, &receiver, &given_up))
            .map_err(|error| Error::SearchBuild(error.to_string()))?;
        Ok(Self {
            sender: Some(sender),
            writer: Some(writer),
            abandoned,
            scratch,
        })
    }

    /// Queues the entries of `customers`, just written with `ids`.
    ///
    /// # Errors
    /// When the index could not be written (the writer's own error).
    pub(super) fn add(&mut self, ids: &[CustomerId], customers: &[NewCustomer]) -> Result<()> {
        let mut entries = Entries {
            ids: ids.iter().map(|id| id.0).collect(),
            ends: Vec::with_capacity(customers.len()),
            ..Entries::default()
        };
        let mut tokens = String::new();
        for customer in customers {
            search::write_tokens(customer, &mut tokens);
            let email = customer.email.as_ref().map_or("", |email| email.as_str());
            let mut ends = [0; 5];
            let fields = [
                customer.name.as_str(),
                &customer.company,
                email,
                &customer.memo,
                &tokens,
            ];
            for (end, field) in ends.iter_mut().zip(fields) {
                entries.text.push_str(field);
                *end = entries.text.len();
            }
            entries.ends.push(ends);
        }
        let sent = self
            .sender
            .as_ref()
            .is_some_and(|sender| sender.send(entries).is_ok());
        if sent {
            return Ok(());
        }
        // The writer stopped: its error says why.
        self.finish().and_then(|()| {
            Err(Error::SearchBuild(
                "the search index writer stopped early".into(),
            ))
        })
    }

    /// Waits for the index to be written and copies it into the book
    /// inside `tx`, in place of the book's empty index; the scratch file is
    /// removed either way.
    ///
    /// # Errors
    /// When the index could not be written or copied, or the book's index
    /// is not empty.
    pub(super) fn copy_into(mut self, tx: &Transaction<'_>) -> Result<()> {
        let copied = self.finish().and_then(|()| copy(tx, &self.scratch));
        remove(&self.scratch);
        copied
    }

    /// Ends the writer and returns what it said.
    fn finish(&mut self) -> Result<()> {
        self.sender = None;
        match self.writer.take().map(thread::JoinHandle::join) {
            Some(Ok(written)) => written,
            Some(Err(_)) => Err(Error::SearchBuild(
                "the search index writer panicked".into(),
            )),
            None => Err(Error::SearchBuild(
                "the search index writer has stopped".into(),
            )),
        }
    }
}

impl Drop for SearchBuild {
    fn drop(&mut self) {
        self.abandoned.store(true, Ordering::Relaxed);
        self.sender = None;
        if let Some(writer) = self.writer.take() {
            writer.join().ok();
        }
        remove(&self.scratch);
    }
}

/// The writer: every batch in one transaction, so FTS5 writes its entries
/// in as few sorted runs as its buffer allows.
fn write(
    mut conn: Connection,
    receiver: &mpsc::Receiver<Entries>,
    abandoned: &AtomicBool,
) -> Result<()> {
    let tx = conn.transaction()?;
    {
        let mut text = tx.prepare(
            "INSERT INTO customer_fts (rowid, name, company, email, memo)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut tokens =
            tx.prepare("INSERT INTO customer_tokens (rowid, tokens) VALUES (?1, ?2)")?;
        for entries in receiver {
            if abandoned.load(Ordering::Relaxed) {
                return Ok(());
            }
            let mut start = 0;
            for (id, ends) in entries.ids.iter().zip(&entries.ends) {
                let mut fields = [""; 5];
                for (field, end) in fields.iter_mut().zip(ends) {
                    *field = &entries.text[start..*end];
                    start = *end;
                }
                let [name, company, email, memo, line] = fields;
                text.execute(rusqlite::params![id, name, company, email, memo])?;
                tokens.execute(rusqlite::params![id, line])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// True when the book's search index holds no entry, so a build may
/// replace it.
///
/// # Errors
/// On a database failure.
pub(super) fn index_is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM customer_fts_docsize)
            AND NOT EXISTS (SELECT 1 FROM customer_tokens_docsize)",
        [],
        |row| row.get(0),
    )?)
}

/// Replaces the book's index tables with the scratch file's, row by row
/// through a connection of its own: attached instead, the scratch file
/// would join every transaction the book begins.
fn copy(tx: &Transaction<'_>, scratch: &Path) -> Result<()> {
    if !index_is_empty(tx)? {
        // Entries the book got some other way would be lost.
        return Err(Error::SearchBuild(
            "the book's search index was written while it was being built".into(),
        ));
    }
    let built = Connection::open_with_flags(
        scratch,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let tables: Vec<String> = built
        .prepare(
            "SELECT name FROM sqlite_master
             WHERE type = 'table'
               AND (name LIKE 'customer\\_fts\\_%' ESCAPE '\\'
                    OR name LIKE 'customer\\_tokens\\_%' ESCAPE '\\')",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in &tables {
        let mut read = built.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let columns = read.column_count();
        let placeholders = vec!["?"; columns].join(", ");
        tx.execute(&format!("DELETE FROM main.\"{table}\""), [])?;
        let mut insert = tx.prepare(&format!(
            "INSERT INTO main.\"{table}\" VALUES ({placeholders})"
        ))?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            for column in 0..columns {
                let value = ToSqlOutput::Borrowed(row.get_ref(column)?);
                insert.raw_bind_parameter(column + 1, value)?;
            }
            insert.raw_execute()?;
        }
    }
    Ok(())
}

/// Removes the scratch file, which holds nothing anyone reads.
fn remove(scratch: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = scratch.as_os_str().to_owned();
        file.push(suffix);
        std::fs::remove_file(file).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::Generator;
    use crate::domain::Region;
    use crate::domain::search::SearchQuery;
    use crate::store::Page;
    use crate::store::test_support::store;

    fn customers(count: usize) -> Vec<NewCustomer> {
        let mut generator = Generator::new(5);
        (0..count)
            .map(|_| {
                let mut draft = generator.customer().draft;
                draft.fields.clear();
                draft.check(Region::KOREA, &[]).unwrap()
            })
            .collect()
    }

    fn found(store: &Store, text: &str) -> Vec<CustomerId> {
        let query = SearchQuery::parse(text, Region::KOREA);
        store
            .search_customers(&query, Page::first(500))
            .unwrap()
            .hits
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    }

    #[test]
    fn a_loaded_book_finds_what_a_book_written_row_by_row_finds() {
        let customers = customers(3_000);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loaded.sqlite3");
        let mut loading = Store::create_for_load(&path).unwrap();
        for chunk in customers.chunks(1_000) {
            loading.insert_customers(chunk).unwrap();
        }
        loading.finish_load().unwrap();
        let scratch = dir.path().join("loaded.sqlite3.search");
        assert!(!scratch.exists(), "the scratch index is removed");
        let loaded = Store::open(&path).unwrap();
        let mut written = store();
        written.insert_customers(&customers).unwrap();

        let first = &customers[0];
        let digits = first.phones[0].number.digits();
        let queries = [
            "김",
            "민준",
            "이서",
            first.name.as_str(),
            &first.company,
            &digits[digits.len() - 4..],
            digits,
            "naver",
            "山田",
        ];
        for text in queries {
            let expected = found(&written, text);
            assert!(!expected.is_empty(), "{text}");
            assert_eq!(found(&loaded, text), expected, "{text}");
        }
        for table in ["customer_fts", "customer_tokens"] {
            loaded
                .conn
                .execute(
                    &format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"),
                    [],
                )
                .unwrap();
        }
    }

    #[test]
    fn a_load_given_up_leaves_no_scratch_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("given-up.sqlite3");
        let mut loading = Store::create_for_load(&path).unwrap();
        loading.insert_customers(&customers(10)).unwrap();
        drop(loading);
        assert!(!dir.path().join("given-up.sqlite3.search").exists());
    }
}
