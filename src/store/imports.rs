//! Customer imports as units that can be taken back: each import is
//! recorded with the customers it created and, for each customer it filled
//! in, how that customer was before. Undoing the last import removes the
//! customers it created and puts back the ones it changed, in one
//! transaction.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::OptionalExtension as _;

use super::customers::{update_in, write_customers};
use super::error::{Error, Result};
use super::history::Recorder;
use super::search_build::{self, SearchBuild};
use super::{Store, audit, now_ms, search, sources};
use crate::domain::{
    AuditAction, CustomerDraft, CustomerId, FieldId, NewCustomer, PhoneDraft, Region, Timestamp,
};

/// Rows between two looks at an import's cancel flag and progress.
const STEP_ROWS: u64 = 512;
/// `SQLite` virtual-machine steps between two looks at the cancel flag
/// while one statement (the text index, history) runs over every row.
const STEP_OPS: i32 = 100_000;

/// A stage of an import, for its progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportPhase {
    /// The rows checked against the book and turned into customers.
    Preparing,
    /// The customers written.
    Writing,
    /// The search index and history brought up to date.
    Indexing,
}

/// Watches an import: told how far it got, and asked whether to stop. A
/// cancel is seen between rows and, while one long statement runs, by
/// `SQLite`'s progress handler; the import's transaction is then rolled
/// back.
pub struct ImportWatch<'a> {
    cancel: Arc<AtomicBool>,
    report: Box<dyn FnMut(ImportPhase, u64, u64) + 'a>,
}

impl<'a> ImportWatch<'a> {
    /// Reports to `report` (phase, done, total) and stops once `cancel` is set.
    pub fn new(cancel: Arc<AtomicBool>, report: impl FnMut(ImportPhase, u64, u64) + 'a) -> Self {
        Self {
            cancel,
            report: Box::new(report),
        }
    }

    /// Reports nothing and is never cancelled.
    #[must_use]
    pub fn quiet() -> ImportWatch<'static> {
        ImportWatch::new(Arc::new(AtomicBool::new(false)), |_, _, _| {})
    }

    /// Whether the import was asked to stop.
    #[must_use]
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Reports `done` of `total` in `phase`.
    ///
    /// # Errors
    /// [`Error::Cancelled`] once the import was asked to stop.
    pub fn step(&mut self, phase: ImportPhase, done: u64, total: u64) -> Result<()> {
        if self.cancelled() {
            return Err(Error::Cancelled);
        }
        (self.report)(phase, done, total);
        Ok(())
    }

    /// As [`Self::step`], every 512 rows.
    ///
    /// # Errors
    /// As [`Self::step`].
    pub fn every(&mut self, phase: ImportPhase, done: u64, total: u64) -> Result<()> {
        if done.is_multiple_of(STEP_ROWS) {
            self.step(phase, done, total)
        } else {
            Ok(())
        }
    }
}

/// An import as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRecord {
    /// Its number.
    pub id: i64,
    /// The file it read.
    pub file: String,
    /// Customers it created.
    pub created: u64,
    /// Customers it filled in.
    pub updated: u64,
    /// When it ran.
    pub at: Timestamp,
}

/// What undoing an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Undone {
    /// The import taken back.
    pub import: ImportRecord,
    /// Customers removed (those it created).
    pub removed: u64,
    /// Customers put back as they were (those it filled in).
    pub restored: u64,
}

impl Store {
    /// Adds `new` customers and replaces `updated` ones read from `file`, in
    /// one transaction, recording it as an import that can be undone.
    ///
    /// `watch` hears how far it got and may stop it (then the transaction
    /// is rolled back).
    ///
    /// # Errors
    /// [`Error::NotFound`] when an updated customer is not live,
    /// [`Error::Cancelled`] when `watch` stopped it; otherwise on a
    /// database failure. Nothing is written then.
    pub fn import_customers(
        &mut self,
        file: &str,
        new: &[NewCustomer],
        updated: &[(CustomerId, NewCustomer)],
        watch: &mut ImportWatch<'_>,
    ) -> Result<Vec<CustomerId>> {
        let cancel = Arc::clone(&watch.cancel);
        self.conn
            .progress_handler(STEP_OPS, Some(move || cancel.load(Ordering::Relaxed)))?;
        let result =
            self.without_reference_checks(|store| store.import_in_one(file, new, updated, watch));
        self.conn.progress_handler(0, None::<fn() -> bool>)?;
        match result {
            // SQLite says "interrupted" when the handler stopped a statement.
            Err(_) if watch.cancelled() => Err(Error::Cancelled),
            other => other,
        }
    }

    fn import_in_one(
        &mut self,
        file: &str,
        new: &[NewCustomer],
        updated: &[(CustomerId, NewCustomer)],
        watch: &mut ImportWatch<'_>,
    ) -> Result<Vec<CustomerId>> {
        let befores = updated
            .iter()
            .map(|(id, _)| self.as_it_is(*id))
            .collect::<Result<Vec<String>>>()?;
        let tx = self.conn.transaction()?;
        // The import's row first, so history can name it; the count of
        // customers created is known only after they are.
        tx.execute(
            "INSERT INTO imports (file, created, updated, at_ms) VALUES (?1, 0, ?2, ?3)",
            rusqlite::params![file, updated.len(), now_ms()],
        )?;
        let import = tx.last_insert_rowid();
        // A source the list lacks joins it, so the form and the filter offer
        // every source the file brought (an import respells the ones the
        // list has, in any case, before it gets here).
        let brought: Vec<&str> = new
            .iter()
            .chain(updated.iter().map(|(_, customer)| customer))
            .map(|customer| customer.source.as_str())
            .collect();
        sources::add_missing(&tx, &brought, import)?;
        // A first large import into a book (none of whose customers has a
        // search entry yet) has its search index written on another core,
        // as a new book's load has (see `search_build`).
        let mut build = if self.loading.is_none()
            && updated.is_empty()
            && new.len() >= search_build::MIN_IMPORT
            && self.path != Path::new(":memory:")
            && search_build::index_is_empty(&tx)?
        {
            Some(SearchBuild::start(&self.path)?)
        } else {
            None
        };
        let ids = if let Some(load) = self.loading.as_mut() {
            write_customers(&tx, new, updated, true, Some(&mut load.search), None, watch)?
        } else {
            let mut history = Recorder::new(&tx, self.actor.as_ref(), Some(import))?;
            write_customers(
                &tx,
                new,
                updated,
                false,
                build.as_mut(),
                Some(&mut history),
                watch,
            )?
        };
        let copied = build.is_some();
        if let Some(build) = build.take() {
            build.copy_into(&tx)?;
        }
        tx.execute(
            "UPDATE imports SET created = ?2 WHERE id = ?1",
            rusqlite::params![import, ids.len()],
        )?;
        // The customers created have the ids first..=last: one statement
        // records them all, where one per customer cost a million steps.
        if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
            tx.execute(
                "INSERT INTO import_changes (import_id, customer_id, before_json)
                 SELECT ?1, id, NULL FROM customers WHERE id BETWEEN ?2 AND ?3",
                rusqlite::params![import, first.0, last.0],
            )?;
        }
        {
            let mut change = tx.prepare(
                "INSERT INTO import_changes (import_id, customer_id, before_json)
                 VALUES (?1, ?2, ?3)",
            )?;
            for ((id, _), before) in updated.iter().zip(&befores) {
                change.execute(rusqlite::params![import, id.0, before])?;
            }
        }
        audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::Import,
            file,
            &format!(
                "import #{import}: {} created, {} updated",
                ids.len(),
                updated.len()
            ),
        )?;
        // The last chance to stop: after the commit the import is whole.
        watch.step(ImportPhase::Indexing, 1, 1)?;
        tx.commit()?;
        if copied {
            // FTS5 in this connection may still hold the empty index.
            self.reconnect()?;
        }
        Ok(ids)
    }

    /// Removes fields made for an import that did not go through, so the
    /// book is as it was; a field that holds a value is kept.
    ///
    /// # Errors
    /// On a database failure.
    pub fn drop_unused_fields(&mut self, ids: &[FieldId]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.execute(
                "DELETE FROM field_defs WHERE id = ?1
                 AND NOT EXISTS (SELECT 1 FROM field_values WHERE field_id = ?1)",
                [id.0],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The last import not undone, if any.
    ///
    /// # Errors
    /// On a database failure.
    pub fn last_import(&self) -> Result<Option<ImportRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, file, created, updated, at_ms FROM imports
                 WHERE undone_at_ms IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |row| {
                    Ok(ImportRecord {
                        id: row.get(0)?,
                        file: row.get(1)?,
                        created: row.get(2)?,
                        updated: row.get(3)?,
                        at: Timestamp(row.get(4)?),
                    })
                },
            )
            .optional()?)
    }

    /// Takes back the last import not undone: the customers it created are
    /// removed, those it filled in put back as they were. One transaction.
    ///
    /// # Errors
    /// [`Error::NothingToUndo`] when there is no import to undo; otherwise on a
    /// database failure, and nothing changes then.
    pub fn undo_last_import(&mut self) -> Result<Undone> {
        let import = self.last_import()?.ok_or(Error::NothingToUndo)?;
        let defs = self.field_defs()?;
        let changes: Vec<(i64, Option<String>)> = self
            .conn
            .prepare("SELECT customer_id, before_json FROM import_changes WHERE import_id = ?1")?
            .query_map([import.id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // Every customer put back is checked before anything changes.
        let mut restore: Vec<(CustomerId, NewCustomer)> = Vec::new();
        let mut remove: Vec<CustomerId> = Vec::new();
        for (id, before) in changes {
            match before {
                None => remove.push(CustomerId(id)),
                Some(json) => {
                    let draft: CustomerDraft =
                        serde_json::from_str(&json).map_err(|error| Error::Corrupt {
                            what: format!(
                                "import {}'s record of customer {id}: {error}",
                                import.id
                            ),
                        })?;
                    let customer = draft.check(Region::KOREA, &defs).map_err(Error::Invalid)?;
                    restore.push((CustomerId(id), customer));
                }
            }
        }
        let tx = self.conn.transaction()?;
        for id in &remove {
            search::remove(&tx, *id)?;
            tx.execute("DELETE FROM customers WHERE id = ?1", [id.0])?;
        }
        {
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            for (id, customer) in &restore {
                update_in(&tx, *id, customer, Some(&mut history))?;
            }
        }
        tx.execute(
            "UPDATE imports SET undone_at_ms = ?1 WHERE id = ?2",
            [now_ms(), import.id],
        )?;
        sources::remove_unused_of_import(&tx, import.id)?;
        audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::ImportUndone,
            &import.file,
            &format!(
                "import #{}: {} removed, {} put back",
                import.id,
                remove.len(),
                restore.len()
            ),
        )?;
        tx.commit()?;
        Ok(Undone {
            import,
            removed: remove.len() as u64,
            restored: restore.len() as u64,
        })
    }

    /// Customer `id` as a draft that reads back the same wherever it is
    /// checked: each verified number in international form.
    fn as_it_is(&self, id: CustomerId) -> Result<String> {
        let customer = self.customer(id)?;
        let status_id = match &customer.status {
            Some(name) => self
                .statuses()?
                .into_iter()
                .find(|status| status.name == *name)
                .map(|status| status.id),
            None => None,
        };
        let mut draft = customer.to_draft(status_id);
        draft.phones = customer
            .phones
            .iter()
            .map(|phone| PhoneDraft {
                label: phone.label.clone(),
                number: if phone.verified {
                    phone.key.clone()
                } else {
                    phone.raw.clone()
                },
            })
            .collect();
        Ok(serde_json::to_string(&draft).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{add, customer, names_found, store};

    fn many(count: usize) -> Vec<NewCustomer> {
        (0..count)
            .map(|i| {
                customer(
                    &format!("고객{i}"),
                    &[&format!("010-7{:03}-{:04}", i / 10_000, i % 10_000)],
                )
            })
            .collect()
    }

    /// An import cancelled when `stop` says so, counting what was reported.
    fn cancelled_at(stop: impl Fn(ImportPhase, u64) -> bool) {
        let mut store = store();
        let kept = add(&mut store, "기존 고객", &["010-1234-5678"]);
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let mut seen = Vec::new();
        let mut watch = ImportWatch::new(Arc::clone(&cancel), |phase, done, total| {
            seen.push((phase, done, total));
            if stop(phase, done) {
                flag.store(true, Ordering::Relaxed);
            }
        });
        let updated = vec![(kept, customer("바뀐 이름", &["010-1234-5678"]))];
        let result = store.import_customers("big.csv", &many(3000), &updated, &mut watch);
        drop(watch);
        assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
        assert!(
            seen.contains(&(ImportPhase::Writing, 512, 3001)),
            "{seen:?}"
        );
        // The store is as before: one customer, unchanged, and no import.
        assert_eq!(store.count_customers().unwrap(), 1);
        assert_eq!(store.customer(kept).unwrap().name, "기존 고객");
        assert_eq!(store.last_import().unwrap(), None);
        // It still takes an import.
        let ids = store
            .import_customers("again.csv", &many(10), &[], &mut ImportWatch::quiet())
            .unwrap();
        assert_eq!(ids.len(), 10);
    }

    #[test]
    fn a_first_large_import_has_its_index_built_beside_and_the_book_searches_and_takes_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.sqlite3");
        let mut store = Store::open(&path).unwrap();
        // A search first, so the connection has read the empty index.
        assert!(names_found(&store, "고객").is_empty());
        let count = search_build::MIN_IMPORT;
        let ids = store
            .import_customers("first.csv", &many(count), &[], &mut ImportWatch::quiet())
            .unwrap();
        assert_eq!(ids.len(), count);
        assert!(!dir.path().join("book.sqlite3.search").exists());
        assert_eq!(names_found(&store, "고객12345"), vec!["고객12345"]);
        assert_eq!(names_found(&store, "7001-2345"), vec!["고객12345"]);
        // The book goes on as any other: a new customer is found, the index
        // is whole, and the import undoes.
        let later = add(&mut store, "나중고객", &["010-5555-4444"]);
        assert_eq!(names_found(&store, "나중고객"), vec!["나중고객"]);
        for table in ["customer_fts", "customer_tokens"] {
            store
                .conn
                .execute(
                    &format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"),
                    [],
                )
                .unwrap();
        }
        store.undo_last_import().unwrap();
        assert!(names_found(&store, "고객12345").is_empty());
        assert_eq!(store.customer(later).unwrap().name, "나중고객");
        // A second large import goes into a book that has entries: in place.
        store
            .import_customers("second.csv", &many(count), &[], &mut ImportWatch::quiet())
            .unwrap();
        assert_eq!(names_found(&store, "고객12345"), vec!["고객12345"]);
    }

    #[test]
    fn a_first_large_import_cancelled_leaves_no_index_beside_the_book() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let mut watch = ImportWatch::new(Arc::clone(&cancel), |phase, done, _| {
            if phase == ImportPhase::Writing && done >= 15_000 {
                flag.store(true, Ordering::Relaxed);
            }
        });
        let result =
            store.import_customers("big.csv", &many(search_build::MIN_IMPORT), &[], &mut watch);
        drop(watch);
        assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
        assert!(!dir.path().join("book.sqlite3.search").exists());
        assert_eq!(store.count_customers().unwrap(), 0);
        assert!(search_build::index_is_empty(&store.conn).unwrap());
    }

    #[test]
    fn an_import_cancelled_while_writing_leaves_the_store_as_it_was() {
        cancelled_at(|phase, done| phase == ImportPhase::Writing && done >= 1024);
    }

    #[test]
    fn an_import_cancelled_while_indexing_is_stopped_inside_sqlite_and_rolled_back() {
        // Set as the index starts: only SQLite's progress handler sees it
        // before the commit.
        cancelled_at(|phase, _| phase == ImportPhase::Indexing);
    }

    #[test]
    fn an_import_reports_each_phase_up_to_its_total() {
        let mut store = store();
        let mut seen = Vec::new();
        let mut watch = ImportWatch::new(Arc::new(AtomicBool::new(false)), |phase, done, total| {
            seen.push((phase, done, total));
        });
        store
            .import_customers("a.csv", &many(1100), &[], &mut watch)
            .unwrap();
        drop(watch);
        assert_eq!(
            seen,
            vec![
                (ImportPhase::Writing, 512, 1100),
                (ImportPhase::Writing, 1024, 1100),
                (ImportPhase::Writing, 1100, 1100),
                (ImportPhase::Indexing, 0, 1),
                (ImportPhase::Indexing, 1, 1),
            ]
        );
        assert_eq!(store.count_customers().unwrap(), 1100);
    }

    #[test]
    fn fields_made_for_an_import_that_failed_are_dropped_unless_they_hold_a_value() {
        use crate::domain::{FieldKind, NewFieldDef};
        let mut store = store();
        let unused = store
            .create_field(&NewFieldDef::new("unused", "빈 필드", FieldKind::Text).unwrap())
            .unwrap();
        store.drop_unused_fields(&[unused]).unwrap();
        assert!(store.field_defs().unwrap().is_empty());
    }
}
