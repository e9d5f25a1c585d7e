//! Registered sender numbers (발신번호): register, read, list, relabel,
//! switch on and off, delete.
//!
//! A number is registered once, by its canonical key. Deleting one is for
//! good; templates and batches that preferred it are left without one
//! (`ON DELETE SET NULL`), while sent messages keep its key as text.

use rusqlite::{OptionalExtension as _, Row, params};

use super::columns::one_changed;
use super::error::{Result, found, unique};
use super::{Store, now_ms};
use crate::domain::sender::check_sender_label;
use crate::domain::{NewSenderNumber, SenderNumber, SenderNumberId, Timestamp};

impl Store {
    /// Registers a sender number, enabled.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a number that did not validate or a too
    /// long label, [`super::Error::Taken`] when the number is registered already.
    pub fn create_sender_number(&mut self, sender: &NewSenderNumber) -> Result<SenderNumberId> {
        let sender = sender.check()?;
        unique(
            self.conn.execute(
                "INSERT INTO sender_numbers (phone_key, raw, label, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    sender.number.key(),
                    sender.number.raw(),
                    sender.label,
                    now_ms()
                ],
            ),
            "sender number",
            sender.number.display(),
        )?;
        Ok(SenderNumberId(self.conn.last_insert_rowid()))
    }

    /// One sender number.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such sender number.
    pub fn sender_number(&self, id: SenderNumberId) -> Result<SenderNumber> {
        found(
            self.conn
                .prepare_cached(&format!("{SENDER_SELECT} WHERE id = ?1"))?
                .query_row([id.0], sender_from_row),
            "sender number",
            id.0,
        )
    }

    /// Every sender number, enabled or not, in the order registered.
    ///
    /// # Errors
    /// On a database failure.
    pub fn sender_numbers(&self) -> Result<Vec<SenderNumber>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SENDER_SELECT} ORDER BY id"))?
            .query_map([], sender_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The sender number registered under `key` (see
    /// [`crate::domain::PhoneNumber::key`]), enabled or not, if any.
    ///
    /// # Errors
    /// On a database failure.
    pub fn sender_by_key(&self, key: &str) -> Result<Option<SenderNumber>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SENDER_SELECT} WHERE phone_key = ?1"))?
            .query_row([key], sender_from_row)
            .optional()?)
    }

    /// Replaces a sender number's label (trimmed; may be empty).
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a too long label, [`super::Error::NotFound`]
    /// when there is no such sender number.
    pub fn set_sender_label(&mut self, id: SenderNumberId, label: &str) -> Result<()> {
        let label = check_sender_label(label)?;
        let changed = self.conn.execute(
            "UPDATE sender_numbers SET label = ?2 WHERE id = ?1",
            params![id.0, label],
        )?;
        one_changed(changed, "sender number", id.0)
    }

    /// Allows or stops sending from a number without unregistering it.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such sender number.
    pub fn set_sender_enabled(&mut self, id: SenderNumberId, enabled: bool) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE sender_numbers SET enabled = ?2 WHERE id = ?1",
            params![id.0, enabled],
        )?;
        one_changed(changed, "sender number", id.0)
    }

    /// Unregisters a number for good.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such sender number.
    pub fn delete_sender_number(&mut self, id: SenderNumberId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM sender_numbers WHERE id = ?1", [id.0])?;
        one_changed(changed, "sender number", id.0)
    }
}

const SENDER_SELECT: &str =
    "SELECT id, phone_key, raw, label, enabled, created_at_ms FROM sender_numbers";

fn sender_from_row(row: &Row<'_>) -> rusqlite::Result<SenderNumber> {
    Ok(SenderNumber {
        id: SenderNumberId(row.get(0)?),
        key: row.get(1)?,
        raw: row.get(2)?,
        label: row.get(3)?,
        enabled: row.get(4)?,
        created_at: Timestamp(row.get(5)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PhoneNumber, Region};
    use crate::store::Error;
    use crate::store::test_support::store;

    fn sender(number: &str, label: &str) -> NewSenderNumber {
        NewSenderNumber {
            number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            label: label.to_owned(),
        }
    }

    #[test]
    fn a_registered_number_reads_back_by_id_and_key() {
        let mut store = store();
        let id = store
            .create_sender_number(&sender("1588-1234", " 대표번호 "))
            .unwrap();
        let read = store.sender_number(id).unwrap();
        assert_eq!(read.key, "+8215881234");
        assert_eq!(read.raw, "1588-1234");
        assert_eq!(read.label, "대표번호");
        assert!(read.enabled);
        assert_eq!(store.sender_by_key("+8215881234").unwrap(), Some(read));
        assert_eq!(store.sender_by_key("+8215880000").unwrap(), None);
        assert!(matches!(
            store.sender_number(SenderNumberId(99)),
            Err(Error::NotFound {
                what: "sender number",
                id: 99
            })
        ));
    }

    #[test]
    fn a_number_is_registered_once_in_any_format() {
        let mut store = store();
        store
            .create_sender_number(&sender("02-2299-7123", ""))
            .unwrap();
        assert!(matches!(
            store.create_sender_number(&sender("+82 2 2299 7123", "본사")),
            Err(Error::Taken {
                what: "sender number",
                ..
            })
        ));
    }

    #[test]
    fn unverified_numbers_and_long_labels_are_refused() {
        let mut store = store();
        assert!(matches!(
            store.create_sender_number(&sender("1001", "내선")),
            Err(Error::Invalid(invalid)) if invalid.field == "number"
        ));
        assert!(matches!(
            store.create_sender_number(&sender("1588-1234", &"가".repeat(51))),
            Err(Error::Invalid(invalid)) if invalid.field == "label"
        ));
        assert!(store.sender_numbers().unwrap().is_empty());
    }

    #[test]
    fn numbers_are_listed_relabelled_and_switched() {
        let mut store = store();
        let first = store
            .create_sender_number(&sender("1588-1234", "대표"))
            .unwrap();
        let second = store
            .create_sender_number(&sender("02-2299-7123", "본사"))
            .unwrap();
        store.set_sender_enabled(first, false).unwrap();
        store.set_sender_label(second, " 본사 영업팀 ").unwrap();
        let list = store.sender_numbers().unwrap();
        assert_eq!(
            list.iter()
                .map(|s| (s.id, s.label.as_str(), s.enabled))
                .collect::<Vec<_>>(),
            [(first, "대표", false), (second, "본사 영업팀", true)]
        );
        assert!(matches!(
            store.set_sender_label(second, &"가".repeat(51)),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            store.set_sender_enabled(SenderNumberId(99), true),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.set_sender_label(SenderNumberId(99), "x"),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn deleting_unregisters_for_good() {
        let mut store = store();
        let id = store
            .create_sender_number(&sender("1588-1234", ""))
            .unwrap();
        store.delete_sender_number(id).unwrap();
        assert_eq!(store.sender_by_key("+8215881234").unwrap(), None);
        assert!(matches!(
            store.delete_sender_number(id),
            Err(Error::NotFound { .. })
        ));
        // The number can be registered again.
        store
            .create_sender_number(&sender("1588-1234", ""))
            .unwrap();
    }
}
