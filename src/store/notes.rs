//! Notes on customers: add (one or many), list a customer's, edit, delete.

use rusqlite::params;

use super::columns::one_changed;
use super::error::{Error, Result};
use super::{Store, now_ms};
use crate::domain::note::{Note, NoteBody};
use crate::domain::{CustomerId, NoteId, Timestamp, UserId};

impl Store {
    /// Adds a note to a customer.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such customer.
    pub fn add_note(
        &mut self,
        customer: CustomerId,
        author: Option<UserId>,
        body: &NoteBody,
    ) -> Result<NoteId> {
        let mut ids = self.add_notes(&[(customer, author, body.clone())])?;
        ids.pop().ok_or(Error::NotFound {
            what: "customer",
            id: customer.0,
        })
    }

    /// Adds many notes in one transaction: all or none.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a note on a customer that does not exist.
    pub fn add_notes(
        &mut self,
        notes: &[(CustomerId, Option<UserId>, NoteBody)],
    ) -> Result<Vec<NoteId>> {
        let tx = self.conn.transaction()?;
        let now = now_ms();
        let mut ids = Vec::with_capacity(notes.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO notes (customer_id, author_id, body, created_at_ms, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )?;
            for (customer, author, body) in notes {
                match insert.execute(params![customer.0, author.map(|a| a.0), body.as_str(), now]) {
                    Err(rusqlite::Error::SqliteFailure(error, _))
                        if error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                    {
                        return Err(Error::NotFound {
                            what: "customer",
                            id: customer.0,
                        });
                    }
                    other => other?,
                };
                ids.push(NoteId(tx.last_insert_rowid()));
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// A customer's live notes, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn notes(&self, customer: CustomerId) -> Result<Vec<Note>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, customer_id, author_id, body, created_at_ms, updated_at_ms FROM notes
                 WHERE customer_id = ?1 AND deleted_at_ms IS NULL
                 ORDER BY created_at_ms DESC, id DESC",
            )?
            .query_map([customer.0], |row| {
                Ok(Note {
                    id: NoteId(row.get(0)?),
                    customer_id: CustomerId(row.get(1)?),
                    author_id: row.get::<_, Option<i64>>(2)?.map(UserId),
                    body: row.get(3)?,
                    created_at: Timestamp(row.get(4)?),
                    updated_at: Timestamp(row.get(5)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces a note's text.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no live note `id`.
    pub fn update_note(&mut self, id: NoteId, body: &NoteBody) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE notes SET body = ?2, updated_at_ms = ?3 WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, body.as_str(), now_ms()],
        )?;
        one_changed(changed, "note", id.0)
    }

    /// Deletes a note (kept out of sight until the recycle bin is emptied).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no live note `id`.
    pub fn delete_note(&mut self, id: NoteId) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE notes SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, now_ms()],
        )?;
        one_changed(changed, "note", id.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{add, store};

    #[test]
    fn notes_are_added_listed_edited_and_deleted() {
        let mut store = store();
        let kim = add(&mut store, "김민준", &[]);
        let first = store
            .add_note(kim, None, &NoteBody::new("견적 요청").unwrap())
            .unwrap();
        let second = store
            .add_note(kim, None, &NoteBody::new(" 재연락 필요 ").unwrap())
            .unwrap();
        let bodies: Vec<String> = store
            .notes(kim)
            .unwrap()
            .into_iter()
            .map(|n| n.body)
            .collect();
        assert_eq!(bodies, ["재연락 필요", "견적 요청"]);

        store
            .update_note(first, &NoteBody::new("견적 발송함").unwrap())
            .unwrap();
        store.delete_note(second).unwrap();
        let notes = store.notes(kim).unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].body, "견적 발송함");
        assert!(matches!(
            store.delete_note(second),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.add_note(CustomerId(99), None, &NoteBody::new("x").unwrap()),
            Err(Error::NotFound { .. })
        ));
        assert!(NoteBody::new("  ").is_err());
    }

    #[test]
    fn a_batch_of_notes_is_all_or_nothing() {
        let mut store = store();
        let kim = add(&mut store, "김민준", &[]);
        let body = NoteBody::new("메모").unwrap();
        let batch = vec![(kim, None, body.clone()), (CustomerId(99), None, body)];
        assert!(store.add_notes(&batch).is_err());
        assert!(store.notes(kim).unwrap().is_empty());
    }
}
