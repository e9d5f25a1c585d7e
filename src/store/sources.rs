//! Customer sources (인지경로): create, list in their order, rename, move,
//! delete, and the entries an import brings.
//!
//! Customers keep their source as text; the list is what forms and filters
//! offer. Renaming an entry renames it, in the same transaction, on every
//! customer that has it (ignoring the case of ASCII letters, as the list
//! does), each with a line in the customer's history. Deleting an entry
//! only takes it off the list: its customers keep their value.

use rusqlite::{Connection, Row, params};

use super::columns::one_changed;
use super::error::{Result, found, unique};
use super::history::Recorder;
use super::{Store, now_ms, ordering};
use crate::domain::{Change, CustomerId, Source, SourceId, SourceName};

impl Store {
    /// Adds a source at the end of the list.
    ///
    /// # Errors
    /// [`super::Error::Taken`] when a source has this name (in any ASCII case).
    pub fn create_source(&mut self, name: &SourceName) -> Result<SourceId> {
        unique(
            self.conn.execute(
                "INSERT INTO sources (name, position)
                 VALUES (?1, (SELECT coalesce(max(position) + 1, 0) FROM sources))",
                [name.as_str()],
            ),
            "source",
            name.as_str(),
        )?;
        Ok(SourceId(self.conn.last_insert_rowid()))
    }

    /// One source.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such source.
    pub fn source(&self, id: SourceId) -> Result<Source> {
        found(
            self.conn
                .prepare_cached(&format!("{SOURCE_SELECT} WHERE id = ?1"))?
                .query_row([id.0], source_from_row),
            "source",
            id.0,
        )
    }

    /// Every source in list order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn sources(&self) -> Result<Vec<Source>> {
        sources_in(&self.conn)
    }

    /// Renames a source and, in the same transaction, the source of every
    /// customer that has it (recorded in their history). Returns how many
    /// customers were renamed.
    ///
    /// # Errors
    /// [`super::Error::Taken`] when another source has this name,
    /// [`super::Error::NotFound`] when there is no such source.
    pub fn rename_source(&mut self, id: SourceId, name: &SourceName) -> Result<usize> {
        let old = self.source(id)?.name;
        let tx = self.conn.transaction()?;
        let changed = unique(
            tx.execute(
                "UPDATE sources SET name = ?2 WHERE id = ?1",
                params![id.0, name.as_str()],
            ),
            "source",
            name.as_str(),
        )?;
        one_changed(changed, "source", id.0)?;
        let customers: Vec<(CustomerId, String)> = tx
            .prepare(
                "SELECT id, source FROM customers
                 WHERE source = ?1 COLLATE NOCASE AND source <> '' AND source <> ?2",
            )?
            .query_map(params![old, name.as_str()], |row| {
                Ok((CustomerId(row.get(0)?), row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        {
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            let mut rename =
                tx.prepare("UPDATE customers SET source = ?2, updated_at_ms = ?3 WHERE id = ?1")?;
            let now = now_ms();
            for (customer, was) in &customers {
                rename.execute(params![customer.0, name.as_str(), now])?;
                history.record(*customer, &Change::field("source", "", was, name.as_str()))?;
            }
        }
        tx.commit()?;
        Ok(customers.len())
    }

    /// Moves a source to `position` in the list (0 is the top; past the end
    /// means the end) and renumbers the others, in one transaction.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such source.
    pub fn move_source(&mut self, id: SourceId, position: u32) -> Result<()> {
        let tx = self.conn.transaction()?;
        ordering::move_to(
            &tx,
            "SELECT id FROM sources ORDER BY position, id",
            "UPDATE sources SET position = ?2 WHERE id = ?1 AND position <> ?2",
            "source",
            id.0,
            position,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Takes a source off the list; customers that have it keep it.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such source.
    pub fn delete_source(&mut self, id: SourceId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM sources WHERE id = ?1", [id.0])?;
        one_changed(changed, "source", id.0)
    }

    /// How many customers, live or in the recycle bin, have source `name`
    /// (ignoring ASCII case), for the question before it is deleted or renamed.
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_with_source(&self, name: &str) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM customers WHERE source = ?1 COLLATE NOCASE AND source <> ''",
            [name],
            |row| row.get(0),
        )?)
    }
}

/// Every source in list order, inside whatever transaction `conn` is in.
pub(super) fn sources_in(conn: &Connection) -> Result<Vec<Source>> {
    Ok(conn
        .prepare_cached(&format!("{SOURCE_SELECT} ORDER BY position, id"))?
        .query_map([], source_from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Adds to the end of the list, in `names`' order, each of `names` the list
/// does not have yet (in any ASCII case): import `import`'s new sources,
/// written in its transaction so a cancelled import adds none. Returns how
/// many were added.
pub(super) fn add_missing(conn: &Connection, names: &[&str], import: i64) -> Result<usize> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO sources (name, position, import_id)
         VALUES (?1, (SELECT coalesce(max(position) + 1, 0) FROM sources), ?2)",
    )?;
    let mut added = 0;
    for name in names {
        let name = name.trim();
        if !name.is_empty() {
            added += insert.execute(params![name, import])?;
        }
    }
    Ok(added)
}

/// Takes off the list the sources import `import` added that no customer
/// has any more: undoing the import takes them back with its customers.
pub(super) fn remove_unused_of_import(conn: &Connection, import: i64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM sources WHERE import_id = ?1
         AND NOT EXISTS (SELECT 1 FROM customers c
                         WHERE c.source = sources.name COLLATE NOCASE AND c.source <> '')",
        [import],
    )?)
}

const SOURCE_SELECT: &str = "SELECT id, name, position FROM sources";

fn source_from_row(row: &Row<'_>) -> rusqlite::Result<Source> {
    Ok(Source {
        id: SourceId(row.get(0)?),
        name: row.get(1)?,
        position: row.get(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerDraft, Region};
    use crate::store::migrations::MIGRATIONS;
    use crate::store::test_support::store;
    use crate::store::{Error, Page};

    const DEFAULTS: [&str; 6] = ["전화", "방문", "페이스북", "Zalo", "랜딩페이지", "가져오기"];

    fn name(text: &str) -> SourceName {
        SourceName::new(text).unwrap()
    }

    fn names(store: &Store) -> Vec<String> {
        store
            .sources()
            .unwrap()
            .into_iter()
            .map(|source| source.name)
            .collect()
    }

    fn with_source(store: &mut Store, who: &str, source: &str) -> CustomerId {
        let customer = CustomerDraft {
            name: who.to_owned(),
            source: source.to_owned(),
            ..CustomerDraft::default()
        }
        .check(Region::KOREA, &[])
        .unwrap();
        store.create_customer(&customer).unwrap()
    }

    #[test]
    fn a_new_book_offers_the_default_sources() {
        let store = store();
        assert_eq!(names(&store), DEFAULTS);
        let positions: Vec<i64> = store
            .sources()
            .unwrap()
            .iter()
            .map(|s| s.position)
            .collect();
        assert_eq!(positions, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn sources_typed_before_the_list_join_it_in_the_order_first_used() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        MIGRATIONS.to_version(&mut conn, 13).unwrap();
        conn.execute_batch(
            "INSERT INTO customers (name, source, created_at_ms, updated_at_ms) VALUES
                 ('a', '지인소개', 1, 1), ('b', '', 1, 1), ('c', '블로그', 1, 1),
                 ('d', '지인소개', 1, 1), ('e', '전화', 1, 1), ('f', 'FACEBOOK', 1, 1),
                 ('g', '  ', 1, 1), ('h', 'facebook', 1, 1);",
        )
        .unwrap();
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let list: Vec<(String, i64)> = conn
            .prepare("SELECT name, position FROM sources ORDER BY position, id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let list: Vec<(&str, i64)> = list.iter().map(|(n, p)| (n.as_str(), *p)).collect();
        assert_eq!(
            list,
            [
                ("전화", 0),
                ("방문", 1),
                ("페이스북", 2),
                ("Zalo", 3),
                ("랜딩페이지", 4),
                ("가져오기", 5),
                ("지인소개", 6),
                ("블로그", 7),
                ("FACEBOOK", 8),
            ]
        );
    }

    #[test]
    fn sources_are_added_at_the_end_once_in_any_case() {
        let mut store = store();
        let id = store.create_source(&name(" 지인소개 ")).unwrap();
        assert_eq!(names(&store).last().map(String::as_str), Some("지인소개"));
        assert_eq!(store.source(id).unwrap().position, 6);
        assert!(matches!(
            store.create_source(&name("zalo")),
            Err(Error::Taken { what: "source", .. })
        ));
        assert!(matches!(
            store.source(SourceId(99)),
            Err(Error::NotFound {
                what: "source",
                id: 99
            })
        ));
    }

    #[test]
    fn renaming_renames_the_source_of_its_customers_with_history() {
        let mut store = store();
        store.set_actor_named("관리자").unwrap();
        let facebook = store.create_source(&name("Facebook")).unwrap();
        let a = with_source(&mut store, "홍길동", "Facebook");
        let b = with_source(&mut store, "김민준", "facebook");
        let c = with_source(&mut store, "이서연", "방문");
        store.delete_customer(b).unwrap();

        assert_eq!(store.count_with_source("FACEBOOK").unwrap(), 2);
        assert_eq!(store.rename_source(facebook, &name("페북")).unwrap(), 2);
        assert!(names(&store).contains(&"페북".to_owned()));
        assert_eq!(store.customer(a).unwrap().source, "페북");
        assert_eq!(store.customer(b).unwrap().source, "페북");
        assert_eq!(store.customer(c).unwrap().source, "방문");
        let last = store
            .customer_history(a, Page::first(10))
            .unwrap()
            .into_iter()
            .find(|entry| entry.change.field == "source")
            .unwrap();
        assert_eq!(last.user_name.as_deref(), Some("관리자"));
        assert_eq!(
            (last.change.old.as_str(), last.change.new.as_str()),
            ("Facebook", "페북")
        );
        assert!(
            store
                .customer_history(c, Page::first(10))
                .unwrap()
                .iter()
                .all(|entry| entry.change.field != "source")
        );

        assert!(matches!(
            store.rename_source(facebook, &name("전화")),
            Err(Error::Taken { .. })
        ));
        // Refused: nobody was renamed.
        assert_eq!(store.customer(a).unwrap().source, "페북");
        assert!(matches!(
            store.rename_source(SourceId(99), &name("x")),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn moving_renumbers_the_list() {
        let mut store = store();
        let ids: Vec<SourceId> = store.sources().unwrap().iter().map(|s| s.id).collect();
        store.move_source(ids[5], 0).unwrap();
        assert_eq!(
            names(&store),
            ["가져오기", "전화", "방문", "페이스북", "Zalo", "랜딩페이지"]
        );
        store.move_source(ids[5], 99).unwrap();
        assert_eq!(names(&store), DEFAULTS);
        assert!(matches!(
            store.move_source(SourceId(99), 0),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn deleting_a_source_keeps_it_on_its_customers() {
        let mut store = store();
        let walk_in = store.sources().unwrap()[1].id;
        let customer = with_source(&mut store, "홍길동", "방문");
        store.delete_source(walk_in).unwrap();
        assert!(!names(&store).contains(&"방문".to_owned()));
        assert_eq!(store.customer(customer).unwrap().source, "방문");
        assert!(matches!(
            store.delete_source(walk_in),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn an_import_adds_only_the_sources_the_list_lacks_and_its_undo_takes_them_off() {
        let mut store = store();
        let added = add_missing(
            &store.conn,
            &["블로그", "ZALO", " ", "블로그", "지인소개"],
            7,
        )
        .unwrap();
        assert_eq!(added, 2);
        assert_eq!(
            names(&store)[6..],
            ["블로그".to_owned(), "지인소개".to_owned()]
        );
        // A customer kept has 블로그; nobody has 지인소개; an admin's own stays.
        with_source(&mut store, "홍길동", "블로그");
        store.create_source(&name("카카오")).unwrap();
        assert_eq!(remove_unused_of_import(&store.conn, 7).unwrap(), 1);
        assert_eq!(
            names(&store)[6..],
            ["블로그".to_owned(), "카카오".to_owned()]
        );
    }
}
