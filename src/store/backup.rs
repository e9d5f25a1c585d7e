//! Whole-database copies: a backup made with `SQLite`'s online backup API
//! while the window keeps working, and a restore that checks a backup
//! before anything is changed.
//!
//! A backup copies every page in one step, inside one read transaction:
//! in WAL mode that neither waits for nor blocks the window's writes, and
//! the copy is the database as it was at one moment. It is written to
//! `<file>.part` and renamed into place when complete, as a single file
//! (rollback journal mode), so it can be copied or mailed as it is.
//!
//! A restore copies the chosen file to a scratch file beside the database,
//! checks that one (a `SQLite` database, a ringdesk customer book, not from a
//! newer ringdesk, not damaged), brings its schema up to date, keeps the
//! current database under the name the caller gives, and only then copies
//! the scratch file's pages into the live database, again through the
//! backup API: other connections (a running window) see the restored book
//! at their next read instead of holding on to a file that was swapped
//! under them. The chosen file itself is only read.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::error::{Error, Result};
use super::{Store, latest_version};

/// How often a backup step that found the database locked is tried again,
/// a tenth of a second apart.
const BUSY_TRIES: u32 = 100;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Live customers in the restored book.
    pub customers: u64,
    /// The backup's schema version before it was brought up to date.
    pub from_version: i64,
    /// Where the database as it was before is kept; `None` when there was
    /// none.
    pub kept: Option<PathBuf>,
}

impl Store {
    /// Writes a consistent copy of the whole database to `path` (replaced
    /// once the copy is complete), while other connections keep reading
    /// and writing.
    ///
    /// # Errors
    /// [`Error::File`] when `path` cannot be written, [`Error::Sql`] when
    /// the copy fails; no file is left under `path`'s `.part` name then.
    pub fn back_up_to(&self, path: &Path) -> Result<()> {
        let part = sibling(path, ".part");
        remove_database_files(&part);
        let copied = (|| -> Result<()> {
            let mut copy = Connection::open(&part).map_err(|source| Error::Open {
                path: part.clone(),
                source,
            })?;
            copy_pages(&self.conn, &mut copy)?;
            // One self-contained file, not a WAL database that needs its
            // -wal and -shm beside it.
            copy.pragma_update(None, "journal_mode", "DELETE")?;
            copy.close().map_err(|(_, error)| error)?;
            std::fs::File::open(&part)
                .and_then(|file| file.sync_all())
                .and_then(|()| std::fs::rename(&part, path))
                .map_err(|source| Error::File {
                    action: "write the backup",
                    path: path.to_owned(),
                    source,
                })
        })();
        if copied.is_err() {
            remove_database_files(&part);
        }
        copied?;
        tracing::info!(path = %path.display(), "database backed up");
        Ok(())
    }

    /// Replaces the database at `live` with the backup at `from`: see the
    /// module doc. The database as it was is first copied to `keep_as`
    /// (when there is one).
    ///
    /// # Errors
    /// [`Error::NotAStore`] for a file that is not a ringdesk customer
    /// database, [`Error::TooNew`] for one a newer ringdesk wrote: nothing
    /// is changed then. Otherwise [`Error::File`], [`Error::Open`] or a
    /// database failure; the live database is then as it was unless the
    /// final copy into it failed part-way, which `SQLite` rolls back.
    pub fn restore(live: &Path, from: &Path, keep_as: &Path) -> Result<Restored> {
        let scratch = sibling(live, ".restore-part");
        remove_database_files(&scratch);
        let restored = (|| -> Result<Restored> {
            std::fs::copy(from, &scratch).map_err(|source| Error::File {
                action: "read the backup",
                path: from.to_owned(),
                source,
            })?;
            let from_version = check_backup(&scratch, from)?;
            // Brings the schema up to date on the scratch copy.
            let customers = Self::open(&scratch)?.count_customers()?;
            let kept = if live.exists() {
                Self::open(live)?.back_up_to(keep_as)?;
                Some(keep_as.to_owned())
            } else {
                None
            };
            let mut store = Self::open(live)?;
            let source = Connection::open_with_flags(&scratch, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|source| Error::Open {
                    path: scratch.clone(),
                    source,
                })?;
            copy_pages(&source, &mut store.conn)?;
            Ok(Restored {
                customers,
                from_version,
                kept,
            })
        })();
        remove_database_files(&scratch);
        let restored = restored?;
        tracing::info!(
            from = %from.display(),
            customers = restored.customers,
            "database restored"
        );
        Ok(restored)
    }
}

/// Checks that `path` (a copy of `named`, which messages name) is a
/// ringdesk customer database this ringdesk can open, and returns its
/// schema version.
fn check_backup(path: &Path, named: &Path) -> Result<i64> {
    let not_a_store = |reason: String| Error::NotAStore {
        path: named.to_owned(),
        reason,
    };
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|source| {
            Error::Open {
                path: named.to_owned(),
                source,
            }
        })?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|error| match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                not_a_store("it is not a SQLite database".to_owned())
            }
            _ => Error::Open {
                path: named.to_owned(),
                source: error,
            },
        })?;
    let has_customers: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'customers'",
        [],
        |row| row.get(0),
    )?;
    if version < 1 || !has_customers {
        return Err(not_a_store(
            "it is a SQLite database but holds no ringdesk customer book".to_owned(),
        ));
    }
    let known = latest_version();
    if version > known {
        return Err(Error::TooNew {
            path: named.to_owned(),
            found: version,
            known,
        });
    }
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems != ["ok"] {
        return Err(not_a_store(format!(
            "it is damaged ({})",
            problems.first().map_or("", String::as_str)
        )));
    }
    Ok(version)
}

/// Copies every page of `from` into `to` in one step (one read
/// transaction on `from`, one write transaction on `to`), waiting while
/// `to` is locked by another connection's write.
fn copy_pages(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let mut tries = 0;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if tries < BUSY_TRIES => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => {
                return Err(Error::Sql(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked by another program".to_owned()),
                )));
            }
        }
    }
}

/// `path` with `suffix` added to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map_or_else(OsString::new, OsString::from);
    name.push(suffix);
    path.with_file_name(name)
}

/// Removes a scratch database and the journal files `SQLite` may have left
/// beside it; any that are not there are fine.
fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        std::fs::remove_file(sibling(path, suffix)).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::MIGRATIONS;
    use crate::store::test_support::add;

    fn names(store: &Store) -> Vec<String> {
        let mut names: Vec<String> = store
            .conn
            .prepare("SELECT name FROM customers WHERE deleted_at_ms IS NULL ORDER BY name")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        names.sort();
        names
    }

    #[test]
    fn a_backup_is_one_file_with_what_was_committed_while_another_write_is_open() {
        let folder = tempfile::tempdir().unwrap();
        let live = folder.path().join("ringdesk.sqlite3");
        let mut store = Store::open(&live).unwrap();
        add(&mut store, "홍길동", &["010-1234-5678"]);
        // Another connection is in the middle of a write.
        let writer = Connection::open(&live).unwrap();
        writer.execute_batch("BEGIN IMMEDIATE").unwrap();
        writer
            .execute(
                "INSERT INTO customers (name, created_at_ms, updated_at_ms) VALUES ('미완료', 1, 1)",
                [],
            )
            .unwrap();
        let copy = folder.path().join("copy.sqlite3");
        store.back_up_to(&copy).unwrap();
        writer.execute_batch("ROLLBACK").unwrap();

        for suffix in ["-wal", "-shm", ".part"] {
            assert!(!sibling(&copy, suffix).exists(), "{suffix}");
        }
        let plain = Connection::open(&copy).unwrap();
        let mode: String = plain
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        drop(plain);
        assert_eq!(names(&Store::open(&copy).unwrap()), ["홍길동"]);
    }

    #[test]
    fn an_older_backup_is_brought_up_to_date_and_the_old_book_kept() {
        let folder = tempfile::tempdir().unwrap();
        let old = folder.path().join("old.sqlite3");
        {
            let mut conn = Connection::open(&old).unwrap();
            MIGRATIONS.to_version(&mut conn, 1).unwrap();
            conn.execute(
                "INSERT INTO customers (name, created_at_ms, updated_at_ms) VALUES ('옛고객', 1, 1)",
                [],
            )
            .unwrap();
        }
        let live = folder.path().join("ringdesk.sqlite3");
        let mut store = Store::open(&live).unwrap();
        add(&mut store, "지금고객", &["010-1234-5678"]);
        let keep = folder.path().join("ringdesk.sqlite3.before-restore-1");

        let restored = Store::restore(&live, &old, &keep).unwrap();
        assert_eq!(
            restored,
            Restored {
                customers: 1,
                from_version: 1,
                kept: Some(keep.clone()),
            }
        );
        // The open store reads the restored book.
        assert_eq!(names(&store), ["옛고객"]);
        assert_eq!(store.schema_version().unwrap(), latest_version());
        assert_eq!(names(&Store::open(&keep).unwrap()), ["지금고객"]);
        // The backup itself is left as it was.
        let conn = Connection::open(&old).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, 1);
        assert!(!sibling(&live, ".restore-part").exists());
    }

    #[test]
    fn files_that_are_no_ringdesk_book_are_refused_before_anything_changes() {
        let folder = tempfile::tempdir().unwrap();
        let live = folder.path().join("ringdesk.sqlite3");
        let mut store = Store::open(&live).unwrap();
        add(&mut store, "홍길동", &["010-1234-5678"]);
        let keep = folder.path().join("kept");

        let text = folder.path().join("고객.csv");
        std::fs::write(&text, "이름,휴대폰\n홍길동,010-1234-5678\n".repeat(100)).unwrap();
        let empty = folder.path().join("empty.sqlite3");
        Connection::open(&empty)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let newer = folder.path().join("newer.sqlite3");
        store.back_up_to(&newer).unwrap();
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", 999)
            .unwrap();

        let refused = |from: &Path| Store::restore(&live, from, &keep).unwrap_err();
        let error = refused(&text);
        assert!(matches!(error, Error::NotAStore { .. }), "{error}");
        assert!(error.to_string().contains("고객.csv"), "{error}");
        assert!(
            error.to_string().contains("not a SQLite database"),
            "{error}"
        );
        let error = refused(&empty);
        assert!(matches!(error, Error::NotAStore { .. }), "{error}");
        let error = refused(&newer);
        assert!(matches!(error, Error::TooNew { found: 999, .. }), "{error}");
        assert!(error.to_string().contains("newer.sqlite3"), "{error}");
        assert!(!keep.exists());
        assert!(!sibling(&live, ".restore-part").exists());
        assert_eq!(names(&store), ["홍길동"]);
    }
}
