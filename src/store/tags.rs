//! Tags: free labels on customers, created the first time they are used.

use rusqlite::{OptionalExtension as _, Transaction};
use serde::Serialize;

use super::Store;
use super::error::{Error, Result};
use crate::domain::TagId;

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
                "SELECT t.id, t.name,
                     (SELECT count(*) FROM customer_tags ct JOIN customers c ON c.id = ct.customer_id
                      WHERE ct.tag_id = t.id AND c.deleted_at_ms IS NULL)
                 FROM tags t ORDER BY t.name",
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

    /// Removes a tag from every customer and deletes it.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such tag.
    pub fn delete_tag(&mut self, id: TagId) -> Result<()> {
        if self
            .conn
            .execute("DELETE FROM tags WHERE id = ?1", [id.0])?
            == 0
        {
            return Err(Error::NotFound {
                what: "tag",
                id: id.0,
            });
        }
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
    use crate::store::test_support::{customer, store};

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
