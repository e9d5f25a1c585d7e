//! Customer imports as units that can be taken back: each import is
//! recorded with the customers it created and, for each customer it filled
//! in, how that customer was before. Undoing the last import removes the
//! customers it created and puts back the ones it changed, in one
//! transaction.

use rusqlite::OptionalExtension as _;

use super::customers::{update_in, write_customers};
use super::error::{Error, Result};
use super::history::Recorder;
use super::{Store, audit, now_ms, search};
use crate::domain::{
    AuditAction, CustomerDraft, CustomerId, NewCustomer, PhoneDraft, Region, Timestamp,
};

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
    /// # Errors
    /// [`Error::NotFound`] when an updated customer is not live; otherwise on
    /// a database failure. Nothing is written then.
    pub fn import_customers(
        &mut self,
        file: &str,
        new: &[NewCustomer],
        updated: &[(CustomerId, NewCustomer)],
    ) -> Result<Vec<CustomerId>> {
        let befores = updated
            .iter()
            .map(|(id, _)| self.as_it_is(*id))
            .collect::<Result<Vec<String>>>()?;
        let loading = self.loading.is_some();
        let tx = self.conn.transaction()?;
        // The import's row first, so history can name it; the count of
        // customers created is known only after they are.
        tx.execute(
            "INSERT INTO imports (file, created, updated, at_ms) VALUES (?1, 0, ?2, ?3)",
            rusqlite::params![file, updated.len(), now_ms()],
        )?;
        let import = tx.last_insert_rowid();
        let ids = if loading {
            write_customers(&tx, new, updated, loading, None)?
        } else {
            let mut history = Recorder::new(&tx, self.actor.as_ref(), Some(import))?;
            write_customers(&tx, new, updated, loading, Some(&mut history))?
        };
        tx.execute(
            "UPDATE imports SET created = ?2 WHERE id = ?1",
            rusqlite::params![import, ids.len()],
        )?;
        {
            let mut change = tx.prepare(
                "INSERT INTO import_changes (import_id, customer_id, before_json)
                 VALUES (?1, ?2, ?3)",
            )?;
            for id in &ids {
                change.execute(rusqlite::params![import, id.0, None::<String>])?;
            }
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
        tx.commit()?;
        Ok(ids)
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
