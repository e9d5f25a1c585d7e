//! A loaded book's search index, written on a thread of its own.
//!
//! When a new book is loaded ([`Store::create_for_load`]), the search
//! entries of its customers (`customer_fts`, `customer_tokens`) are about
//! a third of the work of the thread that writes. `SQLite` lets one file
//! have one writer, so a second connection writes them into a scratch file
//! beside the book, on another core, while the first writes the rows. At
//! the end the scratch index is copied into the book. FTS5 keeps the whole
//! of an index in ordinary tables (`customer_fts_data`, `_idx`, `_docsize`,
//! `_config`), so an index built elsewhere from the same definition moves
//! by copying their rows, with nothing tokenized again.
//!
//! The scratch file is made by the same migrations as the book, so its
//! index tables are defined exactly as the book's.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use rusqlite::Connection;

use super::error::{Error, Result};
use super::{Store, search};
use crate::domain::{CustomerId, NewCustomer};

/// Batches of entries queued for the thread that writes them: enough to
/// keep it busy, few enough that a slow index holds back the rows.
const QUEUED: usize = 4;

/// The search index a load's customers need, being written elsewhere.
pub(super) struct SearchBuild {
    sender: Option<mpsc::SyncSender<Entries>>,
    writer: Option<thread::JoinHandle<Result<()>>>,
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
        let writer = thread::Builder::new()
            .name("search index".into())
            .spawn(move || write(store.conn, &receiver))
            .map_err(|error| Error::SearchBuild(error.to_string()))?;
        Ok(Self {
            sender: Some(sender),
            writer: Some(writer),
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
        if sent { Ok(()) } else { self.finish() }
    }

    /// Waits for the index to be written and copies it into `book` in one
    /// transaction, replacing the book's (empty) index; the scratch file
    /// is removed either way.
    ///
    /// # Errors
    /// When the index could not be written or copied; the book's index is
    /// as before then.
    pub(super) fn copy_into(mut self, book: &mut Connection) -> Result<()> {
        let copied = self.finish().and_then(|()| copy(book, &self.scratch));
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
        self.sender = None;
        if let Some(writer) = self.writer.take() {
            writer.join().ok();
        }
        remove(&self.scratch);
    }
}

/// The writer: every batch in one transaction, so FTS5 writes its entries
/// in as few sorted runs as its buffer allows.
fn write(mut conn: Connection, receiver: &mpsc::Receiver<Entries>) -> Result<()> {
    let tx = conn.transaction()?;
    {
        let mut text = tx.prepare(
            "INSERT INTO customer_fts (rowid, name, company, email, memo)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut tokens =
            tx.prepare("INSERT INTO customer_tokens (rowid, tokens) VALUES (?1, ?2)")?;
        for entries in receiver {
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

/// Replaces the book's index tables with the scratch file's.
fn copy(book: &mut Connection, scratch: &Path) -> Result<()> {
    book.execute(
        "ATTACH DATABASE ?1 AS built",
        [scratch.to_string_lossy().as_ref()],
    )?;
    let copied = (|| {
        let tx = book.transaction()?;
        let written: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM main.customer_fts_docsize)
                 OR EXISTS (SELECT 1 FROM main.customer_tokens_docsize)",
            [],
            |row| row.get(0),
        )?;
        if written {
            // Entries the book got some other way would be lost.
            return Err(Error::SearchBuild(
                "the book's search index was written during its load".into(),
            ));
        }
        let tables: Vec<String> = tx
            .prepare(
                "SELECT name FROM built.sqlite_master
                 WHERE type = 'table'
                   AND (name LIKE 'customer\\_fts\\_%' ESCAPE '\\'
                        OR name LIKE 'customer\\_tokens\\_%' ESCAPE '\\')",
            )?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for table in &tables {
            tx.execute(&format!("DELETE FROM main.\"{table}\""), [])?;
            tx.execute(
                &format!("INSERT INTO main.\"{table}\" SELECT * FROM built.\"{table}\""),
                [],
            )?;
        }
        tx.commit()?;
        Ok(())
    })();
    book.execute("DETACH DATABASE built", [])?;
    copied
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
