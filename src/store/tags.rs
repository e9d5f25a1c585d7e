//! Tags: free labels on customers, created the first time they are used,
//! and given to many customers at once from the customer list.

use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use super::columns::one_changed;
use super::error::{Error, Result};
use super::history::Recorder;
use super::{Store, now_ms};
use crate::domain::{Change, ChangeKind, CustomerId, Invalid, Problem, TagId};

/// A tag with the number of live customers carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Row id.
    pub id: TagId,
    /// Name.
    pub name: String,
    /// Live customers with this tag.
    pub customers: u64,
}

impl Store {
    /// Every tag with its count, by name.
    ///
    /// # Errors
    /// On a database failure.
    pub fn tags(&self) -> Result<Vec<Tag>> {
        Ok(self
            .conn
            .prepare_cached(
                // Counted as the groups are (see Store::groups).
                "SELECT t.id, t.name, coalesce(a.n, 0) - coalesce(d.n, 0)
                 FROM tags t
                 LEFT JOIN (SELECT tag_id, count(*) AS n FROM customer_tags GROUP BY tag_id) a
                     ON a.tag_id = t.id
                 LEFT JOIN (SELECT ct.tag_id, count(*) AS n
                            FROM customers c CROSS JOIN customer_tags ct ON ct.customer_id = c.id
                            WHERE c.deleted_at_ms IS NOT NULL GROUP BY ct.tag_id) d
                     ON d.tag_id = t.id
                 ORDER BY t.name",
            )?
            .query_map([], |row| {
                Ok(Tag {
                    id: TagId(row.get(0)?),
                    name: row.get(1)?,
                    customers: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Gives the tag `tag_name` (created if there is none, matched without
    /// regard to ASCII case) to every customer in `ids`, in one transaction;
    /// each customer's `updated_at` moves to now. Customers that already
    /// have the tag keep it once.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty name, [`Error::NotFound`] for an id
    /// that is not a live customer; nothing is written then.
    pub fn tag_customers(&mut self, tag_name: &str, ids: &[CustomerId]) -> Result<TagId> {
        let name = tag_name.trim();
        if name.is_empty() {
            return Err(Invalid::new("tag", Problem::Empty).into());
        }
        let tx = self.conn.transaction()?;
        let tag = ensure(&tx, name)?;
        let now = now_ms();
        {
            let mut touch = tx.prepare_cached(
                "UPDATE customers SET updated_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
            )?;
            let mut add = tx.prepare_cached(
                "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)",
            )?;
            let stored: String =
                tx.query_row("SELECT name FROM tags WHERE id = ?1", [tag.0], |row| {
                    row.get(0)
                })?;
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            let change = Change::values(ChangeKind::TagAdded, "", &stored);
            for id in ids {
                one_changed(touch.execute(params![id.0, now])?, "customer", id.0)?;
                if add.execute([id.0, tag.0])? > 0 {
                    history.record(*id, &change)?;
                }
            }
        }
        tx.commit()?;
        Ok(tag)
    }

    /// Removes a tag from every customer and deletes it, in one transaction
    /// that records the tag's removal in each customer's history.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such tag.
    pub fn delete_tag(&mut self, id: TagId) -> Result<()> {
        let tx = self.conn.transaction()?;
        let name: Option<String> = tx
            .query_row("SELECT name FROM tags WHERE id = ?1", [id.0], |row| {
                row.get(0)
            })
            .optional()?;
        let Some(name) = name else {
            return Err(Error::NotFound {
                what: "tag",
                id: id.0,
            });
        };
        // Each customer's history tells the tag went, as untagging them
        // one by one would.
        Recorder::new(&tx, self.actor.as_ref(), None)?.record_selected(
            &tx,
            "SELECT customer_id AS id FROM customer_tags WHERE tag_id = ?1",
            id.0,
            &Change::values(ChangeKind::TagRemoved, &name, ""),
        )?;
        tx.execute("DELETE FROM tags WHERE id = ?1", [id.0])?;
        tx.commit()?;
        Ok(())
    }
}

/// The tag called `name` (case-insensitively), created if there is none.
pub(super) fn ensure(tx: &Transaction<'_>, name: &str) -> Result<TagId> {
    let existing = tx
        .prepare_cached("SELECT id FROM tags WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(TagId(id));
    }
    tx.prepare_cached("INSERT INTO tags (name) VALUES (?1)")?
        .execute([name])?;
    Ok(TagId(tx.last_insert_rowid()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::{add, customer, store};

    #[test]
    fn tag_customers_creates_the_tag_once_and_touches_each_customer() {
        let mut store = store();
        let kim = add(&mut store, "김민준", &[]);
        let lee = add(&mut store, "이서연", &[]);
        let park = add(&mut store, "박지훈", &[]);
        let before = store.customer(kim).unwrap().updated_at;
        std::thread::sleep(std::time::Duration::from_millis(2));

        let vip = store.tag_customers(" VIP ", &[kim, lee]).unwrap();
        assert_eq!(store.tag_customers("vip", &[lee, kim]).unwrap(), vip);
        let tags = store.tags().unwrap();
        assert_eq!(tags.len(), 1);
        assert_eq!((tags[0].name.as_str(), tags[0].customers), ("VIP", 2));
        assert_eq!(store.customer(lee).unwrap().tags, ["VIP"]);
        assert!(store.customer(kim).unwrap().updated_at > before);
        assert!(store.customer(park).unwrap().tags.is_empty());

        // One id that is not a live customer and nothing is written.
        store.delete_customer(park).unwrap();
        assert!(matches!(
            store.tag_customers("재구매", &[kim, park]),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.tag_customers("재구매", &[CustomerId(99)]),
            Err(Error::NotFound { .. })
        ));
        assert_eq!(store.customer(kim).unwrap().tags, ["VIP"]);
        assert_eq!(store.tags().unwrap().len(), 1);
        assert!(matches!(
            store.tag_customers("  ", &[kim]),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn tags_are_created_on_use_counted_and_deleted() {
        let mut store = store();
        let mut tagged = customer("김민준", &[]);
        tagged.tags = vec!["재구매".into(), "VIP".into()];
        let id = store.create_customer(&tagged).unwrap();
        let mut again = customer("이서연", &[]);
        again.tags = vec!["vip".into()];
        store.create_customer(&again).unwrap();

        let tags = store.tags().unwrap();
        assert_eq!(tags.len(), 2);
        let vip = tags.iter().find(|tag| tag.name == "VIP").unwrap();
        assert_eq!(vip.customers, 2);
        store.delete_tag(vip.id).unwrap();
        assert_eq!(store.customer(id).unwrap().tags, ["재구매"]);
        assert!(matches!(
            store.delete_tag(vip.id),
            Err(Error::NotFound { .. })
        ));
    }
}
