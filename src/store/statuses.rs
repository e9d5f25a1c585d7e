//! Customer statuses: create, list in their order, rename, move, delete.
//!
//! Positions run 0, 1, 2… in list order; a new status goes to the end and
//! [`Store::move_status`] renumbers them all. Deleting a status is for good:
//! its customers are left without a status (`ON DELETE SET NULL`).

use rusqlite::{Row, params};

use super::Store;
use super::columns::one_changed;
use super::error::{Result, found, unique};
use super::ordering;
use crate::domain::{Status, StatusId, StatusName};

impl Store {
    /// Adds a status at the end of the list.
    ///
    /// # Errors
    /// [`super::Error::Taken`] when a status has this name.
    pub fn create_status(&mut self, name: &StatusName) -> Result<StatusId> {
        unique(
            self.conn.execute(
                "INSERT INTO customer_statuses (name, position)
                 VALUES (?1, (SELECT coalesce(max(position) + 1, 0) FROM customer_statuses))",
                [name.as_str()],
            ),
            "status",
            name.as_str(),
        )?;
        Ok(StatusId(self.conn.last_insert_rowid()))
    }

    /// One status.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such status.
    pub fn status(&self, id: StatusId) -> Result<Status> {
        found(
            self.conn
                .prepare_cached(&format!("{STATUS_SELECT} WHERE id = ?1"))?
                .query_row([id.0], status_from_row),
            "status",
            id.0,
        )
    }

    /// Every status in list order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn statuses(&self) -> Result<Vec<Status>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{STATUS_SELECT} ORDER BY position, id"))?
            .query_map([], status_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Renames a status; customers in it show the new name.
    ///
    /// # Errors
    /// [`super::Error::Taken`] when another status has this name, [`super::Error::NotFound`]
    /// when there is no such status.
    pub fn rename_status(&mut self, id: StatusId, name: &StatusName) -> Result<()> {
        let changed = unique(
            self.conn.execute(
                "UPDATE customer_statuses SET name = ?2 WHERE id = ?1",
                params![id.0, name.as_str()],
            ),
            "status",
            name.as_str(),
        )?;
        one_changed(changed, "status", id.0)
    }

    /// Moves a status to `position` in the list (0 is the top; past the end
    /// means the end) and renumbers the others, in one transaction.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such status.
    pub fn move_status(&mut self, id: StatusId, position: u32) -> Result<()> {
        let tx = self.conn.transaction()?;
        ordering::move_to(
            &tx,
            "SELECT id FROM customer_statuses ORDER BY position, id",
            "UPDATE customer_statuses SET position = ?2 WHERE id = ?1 AND position <> ?2",
            "status",
            id.0,
            position,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a status for good; customers in it are left without a status.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such status.
    pub fn delete_status(&mut self, id: StatusId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM customer_statuses WHERE id = ?1", [id.0])?;
        one_changed(changed, "status", id.0)
    }
}

const STATUS_SELECT: &str = "SELECT id, name, position FROM customer_statuses";

fn status_from_row(row: &Row<'_>) -> rusqlite::Result<Status> {
    Ok(Status {
        id: StatusId(row.get(0)?),
        name: row.get(1)?,
        position: row.get(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerDraft, Region};
    use crate::store::Error;
    use crate::store::test_support::store;

    fn name(text: &str) -> StatusName {
        StatusName::new(text).unwrap()
    }

    fn names(store: &Store) -> Vec<String> {
        store
            .statuses()
            .unwrap()
            .into_iter()
            .map(|status| status.name)
            .collect()
    }

    fn with_statuses(list: &[&str]) -> (Store, Vec<StatusId>) {
        let mut store = store();
        let ids = list
            .iter()
            .map(|text| store.create_status(&name(text)).unwrap())
            .collect();
        (store, ids)
    }

    #[test]
    fn statuses_are_added_at_the_end_and_read_back() {
        let (store, ids) = with_statuses(&["신규", "상담중", "계약"]);
        assert_eq!(names(&store), ["신규", "상담중", "계약"]);
        let positions: Vec<i64> = store
            .statuses()
            .unwrap()
            .iter()
            .map(|status| status.position)
            .collect();
        assert_eq!(positions, [0, 1, 2]);
        assert_eq!(
            store.status(ids[1]).unwrap(),
            Status {
                id: ids[1],
                name: "상담중".to_owned(),
                position: 1
            }
        );
        assert!(matches!(
            store.status(StatusId(99)),
            Err(Error::NotFound {
                what: "status",
                id: 99
            })
        ));
    }

    #[test]
    fn a_name_is_taken_once() {
        let (mut store, ids) = with_statuses(&["신규", "계약"]);
        assert!(matches!(
            store.create_status(&name(" 신규 ")),
            Err(Error::Taken { what: "status", .. })
        ));
        assert!(matches!(
            store.rename_status(ids[1], &name("신규")),
            Err(Error::Taken { .. })
        ));
        // An empty name never reaches the store.
        assert_eq!(StatusName::new(" ").unwrap_err().field, "name");
    }

    #[test]
    fn rename_changes_the_name_only() {
        let (mut store, ids) = with_statuses(&["신규", "계약"]);
        store.rename_status(ids[0], &name("신규 문의")).unwrap();
        assert_eq!(names(&store), ["신규 문의", "계약"]);
        assert!(matches!(
            store.rename_status(StatusId(99), &name("x")),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn moving_renumbers_the_list() {
        let (mut store, ids) = with_statuses(&["a", "b", "c", "d"]);
        store.move_status(ids[3], 0).unwrap();
        assert_eq!(names(&store), ["d", "a", "b", "c"]);
        store.move_status(ids[3], 2).unwrap();
        assert_eq!(names(&store), ["a", "b", "d", "c"]);
        store.move_status(ids[0], 99).unwrap();
        assert_eq!(names(&store), ["b", "d", "c", "a"]);
        let positions: Vec<i64> = store
            .statuses()
            .unwrap()
            .iter()
            .map(|status| status.position)
            .collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        assert!(matches!(
            store.move_status(StatusId(99), 0),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn deleting_a_status_leaves_its_customers_without_one() {
        let (mut store, ids) = with_statuses(&["신규", "계약"]);
        let customer = CustomerDraft {
            name: "홍길동".to_owned(),
            status_id: Some(ids[1]),
            ..CustomerDraft::default()
        }
        .check(Region::KOREA, &[])
        .unwrap();
        let customer = store.create_customer(&customer).unwrap();
        assert_eq!(
            store.customer(customer).unwrap().status.as_deref(),
            Some("계약")
        );

        store.delete_status(ids[1]).unwrap();
        assert_eq!(names(&store), ["신규"]);
        let status_id: Option<i64> = store
            .conn
            .query_row(
                "SELECT status_id FROM customers WHERE id = ?1",
                [customer.0],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(status_id, None);
        assert!(matches!(
            store.delete_status(ids[1]),
            Err(Error::NotFound { .. })
        ));
    }
}
