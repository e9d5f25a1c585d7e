//! The customer book on disk: one `SQLite` file owned by one [`Store`].
//!
//! All SQL lives in this folder, one file per aggregate. Every write is one
//! transaction; inputs arrive already checked by `domain` (types such as
//! `NewCustomer` can only be made by its checks), so the store enforces
//! only what needs the data: existence, uniqueness, references.

mod audit;
mod backup;
mod batch_recipients;
mod batch_results;
mod batches;
mod bulk;
mod business;
mod calls;
mod columns;
mod customer_list;
mod customers;
mod duplicates;
mod error;
mod export;
mod fields;
mod groups;
pub(crate) mod history;
mod images;
mod import_mappings;
mod imports;
mod merges;
mod message_log;
mod messages;
mod migrations;
mod notes;
mod ordering;
mod outbox;
mod personal_settings;
mod phones;
mod received;
mod references;
mod saved_views;
mod search;
mod search_build;
mod senders;
mod sign_in;
mod sources;
mod statuses;
mod tags;
mod templates;
#[cfg(test)]
mod test_support;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use backup::Restored;
pub use customers::CustomerOrder;
pub use duplicates::{DuplicateReason, DuplicateSet};
pub use error::{Error, Result};
pub use export::{CustomerRecords, PhoneLabel};
pub use groups::Group;
pub use import_mappings::ImportMapping;
pub use imports::{ImportPhase, ImportRecord, ImportWatch, Undone};
pub use merges::{FieldConflict, MergePlan, MergeRecord, Side};
pub use migrations::latest_version;
pub use outbox::Handover;
pub use search::SearchPage;
pub use tags::Tag;

/// A page of a list: at most `limit` rows, starting after the first `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u32,
    /// Most rows to return.
    pub limit: u32,
}

impl Page {
    /// The first `limit` rows.
    #[must_use]
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }
}

/// The open customer database. Owns its connection: one store per thread
/// that writes (`SQLite` allows one writer at a time anyway).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The indexes left out and the search index written elsewhere while
    /// a new file is loaded ([`Store::create_for_load`]).
    loading: Option<Load>,
    /// Who the changes written are recorded as made by ([`Store::set_actor`]).
    actor: Option<crate::domain::Actor>,
}

/// What a load does differently until [`Store::finish_load`].
struct Load {
    set_aside: bulk::SetAside,
    search: search_build::SearchBuild,
}

/// How long a write waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// # Errors
    /// [`Error::Open`] when the file cannot be opened, [`Error::TooNew`] when a
    /// newer ringdesk wrote it, [`Error::Migrate`] when an update step fails.
    pub fn open(path: &Path) -> Result<Self> {
        let open_error = |source| Error::Open {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_error)?;
        Self::set_up(conn, path.to_owned())
    }

    /// A fresh database in memory, for tests and dry runs.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_in_memory() -> Result<Self> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        Self::set_up(conn, path)
    }

    fn set_up(mut conn: Connection, path: PathBuf) -> Result<Self> {
        let pragmas = || -> rusqlite::Result<()> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // Phone keys and name pieces are inserted in random order; a
            // larger page cache keeps those index inserts off the disk.
            conn.pragma_update(None, "cache_size", -65_536)?;
            // Large sorts (an index built again after a batch, see
            // `bulk::SetAside`) run as runs sorted by worker threads and
            // merged through temporary files. Kept in memory instead, such
            // runs take SQLite 2.4 times as long and get no worker threads.
            conn.pragma_update(None, "temp_store", "FILE")?;
            conn.pragma_update(None, "threads", bulk::sort_threads())?;
            conn.busy_timeout(BUSY_TIMEOUT)
        };
        pragmas().map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        // Every transaction here writes. Begun deferred, one that reads
        // first and then writes fails at once with "database is locked" when
        // another connection (the SMS or batch thread) wrote in between: a
        // snapshot cannot be upgraded, and the busy timeout does not apply.
        // Begun immediate, it waits for the lock instead.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|source| Error::Open {
                path: path.clone(),
                source,
            })?;
        let known = latest_version();
        if found > known {
            return Err(Error::TooNew { path, found, known });
        }
        if found < known {
            tracing::info!(from = found, to = known, "updating the database schema");
        }
        migrations::MIGRATIONS.to_latest(&mut conn)?;
        Ok(Self {
            conn,
            path,
            loading: None,
            actor: None,
        })
    }

    /// Creates the database at `path`, which must not exist yet, for one
    /// large load that nobody reads until [`Store::finish_load`] is done:
    /// no rollback journal, no syncs, and the secondary indexes of the
    /// customer tables left out until the end. A crash or error leaves a
    /// file that is not a usable store, so `path` should be a scratch file
    /// that is moved into place only after [`Store::finish_load`].
    ///
    /// # Errors
    /// As [`Store::open`]; [`Error::Open`] when `path` exists.
    pub fn create_for_load(path: &Path) -> Result<Self> {
        if path.exists() {
            return Err(Error::Open {
                path: path.to_owned(),
                source: rusqlite::Error::InvalidPath(path.to_owned()),
            });
        }
        let mut store = Self::open(path)?;
        store.conn.pragma_update(None, "journal_mode", "OFF")?;
        store.conn.pragma_update(None, "synchronous", "OFF")?;
        // Everything a load writes refers to rows it wrote itself (see
        // `Store::without_reference_checks`).
        store.conn.pragma_update(None, "foreign_keys", "OFF")?;
        // The tables of a million customers with their indexes left out.
        store.set_cache_kib(512 * 1024)?;
        let tx = store.conn.transaction()?;
        let set_aside = bulk::SetAside::all(&tx)?;
        tx.commit()?;
        store.loading = Some(Load {
            set_aside,
            search: search_build::SearchBuild::start(path)?,
        });
        Ok(store)
    }

    /// Ends a load begun with [`Store::create_for_load`]: builds the indexes
    /// left out, takes in the search index written beside it, and makes the
    /// file an ordinary store (write-ahead log, the usual page cache) that
    /// [`Store::open`] opens as any other.
    ///
    /// # Errors
    /// On a database failure, or when the search index could not be written.
    pub fn finish_load(mut self) -> Result<()> {
        if let Some(load) = self.loading.take() {
            let tx = self.conn.transaction()?;
            load.set_aside.restore(&tx)?;
            load.search.copy_into(&tx)?;
            tx.commit()?;
        }
        self.conn.execute_batch("PRAGMA optimize")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// Opens the connection again, with the page cache it had: FTS5 keeps
    /// what it read of the search index in the connection, and an index
    /// copied in whole ([`search_build`]) must not meet that.
    ///
    /// # Errors
    /// As [`Store::open`].
    fn reconnect(&mut self) -> Result<()> {
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |row| row.get(0))?;
        let fresh = Self::open(&self.path)?;
        fresh.conn.pragma_update(None, "cache_size", cache)?;
        self.conn = fresh.conn;
        Ok(())
    }

    /// The database file (`:memory:` for an in-memory store).
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets the page cache to at most `kib` KiB. Opening sets 64 MiB for
    /// bulk inserts; the window, which mostly reads, keeps less to stay
    /// within its memory budget.
    ///
    /// # Errors
    /// On a database failure.
    pub fn set_cache_kib(&self, kib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -i64::from(kib))?;
        Ok(())
    }

    /// The schema version of the open database.
    ///
    /// # Errors
    /// When `SQLite` cannot be asked.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }
}

/// Milliseconds now, for the `*_at_ms` columns.
fn now_ms() -> i64 {
    crate::domain::Timestamp::now().as_millis()
}

#[cfg(test)]
impl Store {
    /// The connection, for tests elsewhere in the crate that set up states
    /// no store function makes (a message left half-sent by a crash).
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }
}
