//! What makes a large batch of customers cheap to write: secondary indexes
//! set aside while it goes in and built again from the finished tables
//! before it commits, and the foreign keys checked once per batch rather
//! than once per row ([`Store::without_reference_checks`]).
//!
//! Each row a batch adds costs a random-position insert into every index on
//! its table (the name, company and phone-key indexes above all); building
//! an index afterwards is one sort of the whole table. When the batch is at
//! least as large as what the tables already hold, the sort is the cheaper
//! of the two. Dropping and creating happen inside the batch's transaction,
//! so another connection never sees the tables without their indexes, and a
//! failed batch rolls the indexes back with the rows.
//!
//! The definitions are read back from `sqlite_master`, so whatever a later
//! migration makes of these indexes is what is built again. Unique indexes
//! are never set aside: they are what refuses a duplicate.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension as _, Transaction};

use super::Store;
use super::error::{Error, Result};
use crate::domain::NewCustomer;

/// The tables a customer batch writes rows into, besides the search index.
const CUSTOMER_TABLES: [&str; 5] = [
    "customers",
    "customer_phones",
    "group_members",
    "customer_tags",
    "field_values",
];

/// Below this many customers a batch keeps the indexes: building them again
/// has a fixed cost per index that a small batch never earns back.
const MIN_BATCH: usize = 2_000;

/// The page cache while indexes are built, which sets the size of the
/// runs `SQLite` sorts them in (see [`SetAside::restore`]).
const SORT_RUN_KIB: i64 = 2_000;

/// How many worker threads `SQLite` may sort with: the machine's cores.
pub(super) fn sort_threads() -> i64 {
    std::thread::available_parallelism()
        .map_or(1, |cores| i64::try_from(cores.get()).unwrap_or(1))
        .min(8)
}

/// Indexes dropped for a batch, with the SQL that makes them again.
pub(super) struct SetAside {
    definitions: Vec<String>,
}

impl SetAside {
    /// Drops the non-unique secondary indexes of the customer tables when a
    /// batch of `batch` customers outweighs the customers already stored;
    /// `None` when maintaining them row by row is cheaper.
    pub(super) fn if_it_pays(tx: &Transaction<'_>, batch: usize) -> Result<Option<Self>> {
        if batch < MIN_BATCH {
            return Ok(None);
        }
        // The largest id bounds the rows stored (ids are never reused while
        // a row holds them) and costs one step down the table's B-tree,
        // where count(*) would read it all.
        let stored: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM customers", [], |row| {
                row.get(0)
            })?;
        if usize::try_from(stored).unwrap_or(usize::MAX) > batch {
            return Ok(None);
        }
        Self::all(tx).map(Some)
    }

    /// Drops the non-unique secondary indexes of the customer tables
    /// whatever their size.
    pub(super) fn all(tx: &Transaction<'_>) -> Result<Self> {
        let placeholders = vec!["?"; CUSTOMER_TABLES.len()].join(", ");
        let indexes: Vec<(String, String)> = tx
            .prepare(&format!(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({placeholders})
                   AND sql NOT LIKE 'CREATE UNIQUE%'
                 ORDER BY name"
            ))?
            .query_map(rusqlite::params_from_iter(CUSTOMER_TABLES), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            tx.execute(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")), [])?;
        }
        Ok(Self {
            definitions: indexes.into_iter().map(|(_, sql)| sql).collect(),
        })
    }

    /// Builds the dropped indexes again from the tables as they now are.
    ///
    /// `SQLite` sorts an index's entries in runs the size of the page cache;
    /// one run of a large cache is one long in-memory sort on one core,
    /// where runs of [`SORT_RUN_KIB`] are sorted by worker threads and
    /// merged. For the 1,000,000-customer demo book that takes the index
    /// builds from 12.1 to 6.2 s.
    pub(super) fn restore(self, tx: &Transaction<'_>) -> Result<()> {
        let cache: i64 = tx.pragma_query_value(None, "cache_size", |row| row.get(0))?;
        tx.pragma_update(None, "cache_size", -SORT_RUN_KIB)?;
        let built = self
            .definitions
            .iter()
            .try_for_each(|sql| tx.execute(sql, []).map(drop));
        tx.pragma_update(None, "cache_size", cache)?;
        Ok(built?)
    }
}

impl Store {
    /// Runs `write`, which writes customers in a transaction of its own,
    /// with `SQLite`'s foreign-key checks off.
    ///
    /// A batch's numbers, memberships, tags and field values refer to the
    /// customers it has just written and to groups, tags and fields it has
    /// just looked up; checking each reference again costs a B-tree probe
    /// per row, some fifteen for a customer with five field values, for
    /// nothing. What a batch refers to outside itself (statuses and
    /// assignees) is checked once per batch by [`check_references`]. The
    /// pragma does nothing inside a transaction, so this wraps one.
    pub(super) fn without_reference_checks<T>(
        &mut self,
        write: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let checking: bool = self
            .conn
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))?;
        if !checking {
            return write(self);
        }
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let written = write(self);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        written
    }
}

/// Refuses a batch that names a status or an assignee the book does not
/// have: the check the foreign keys would make, once per distinct value
/// rather than once per customer (see [`Store::without_reference_checks`]).
pub(super) fn check_references<'a>(
    tx: &Transaction<'_>,
    customers: impl Iterator<Item = &'a NewCustomer>,
) -> Result<()> {
    let mut statuses = BTreeSet::new();
    let mut assignees = BTreeSet::new();
    for customer in customers {
        statuses.extend(customer.status_id.map(|status| status.0));
        assignees.extend(customer.assignee_id.map(|user| user.0));
    }
    let tables = [
        ("status", "customer_statuses", statuses),
        ("user", "users", assignees),
    ];
    for (what, table, ids) in tables {
        let mut exists = tx.prepare(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?;
        for id in ids {
            if exists.query_row([id], |_| Ok(())).optional()?.is_none() {
                return Err(Error::NotFound { what, id });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::store;

    fn index_sql(store: &crate::store::Store) -> Vec<(String, String)> {
        store
            .conn_for_tests()
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |row| {
                Ok((
                    row.get(0)?,
                    row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn indexes_come_back_as_they_were() {
        let mut store = store();
        let before = index_sql(&store);
        {
            let conn = &mut store.conn;
            let tx = conn.transaction().unwrap();
            let set_aside = SetAside::if_it_pays(&tx, MIN_BATCH).unwrap().unwrap();
            assert!(!set_aside.definitions.is_empty());
            assert!(
                set_aside
                    .definitions
                    .iter()
                    .all(|sql| !sql.starts_with("CREATE UNIQUE"))
            );
            set_aside.restore(&tx).unwrap();
            tx.commit().unwrap();
        }
        assert_eq!(index_sql(&store), before);
    }

    #[test]
    fn a_loaded_file_opens_as_any_store_with_every_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("loaded.sqlite3");
        let mut loading = crate::store::Store::create_for_load(&path).unwrap();
        assert!(crate::store::Store::create_for_load(&path).is_err());
        loading
            .insert_customers(&[crate::store::test_support::customer(
                "홍길동",
                &["010-1234-5678"],
            )])
            .unwrap();
        loading.finish_load().unwrap();

        let loaded = crate::store::Store::open(&path).unwrap();
        assert_eq!(index_sql(&loaded), index_sql(&store()));
        let journal: String = loaded
            .conn_for_tests()
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
        let query = crate::domain::search::SearchQuery::parse("길동", crate::domain::Region::KOREA);
        let page = loaded
            .search_customers(&query, crate::store::Page::first(5))
            .unwrap();
        assert_eq!(page.hits.len(), 1);
    }

    #[test]
    fn a_batch_naming_a_status_or_user_the_book_lacks_writes_nothing() {
        let mut store = store();
        let mut with_status = crate::store::test_support::customer("홍길동", &["010-1234-5678"]);
        with_status.status_id = Some(crate::domain::StatusId(999));
        let fine = crate::store::test_support::customer("김민준", &["010-2222-3333"]);
        let refused = store.insert_customers(&[fine.clone(), with_status]);
        assert!(
            matches!(
                refused,
                Err(Error::NotFound {
                    what: "status",
                    id: 999
                })
            ),
            "{refused:?}"
        );
        let mut with_user = fine.clone();
        with_user.assignee_id = Some(crate::domain::UserId(77));
        let refused = store.insert_customers(&[with_user]);
        assert!(
            matches!(
                refused,
                Err(Error::NotFound {
                    what: "user",
                    id: 77
                })
            ),
            "{refused:?}"
        );
        assert_eq!(store.count_customers().unwrap(), 0);
        // The checks are back on for what follows.
        let on: bool = store
            .conn_for_tests()
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .unwrap();
        assert!(on);
        store.insert_customers(&[fine]).unwrap();
        assert_eq!(store.count_customers().unwrap(), 1);
    }

    #[test]
    fn small_batches_and_large_tables_keep_their_indexes() {
        let mut store = store();
        let conn = &mut store.conn;
        let tx = conn.transaction().unwrap();
        assert!(SetAside::if_it_pays(&tx, MIN_BATCH - 1).unwrap().is_none());
        tx.execute(
            "INSERT INTO customers (id, name, created_at_ms, updated_at_ms) VALUES (?1, 'x', 0, 0)",
            [i64::try_from(MIN_BATCH).unwrap() + 1],
        )
        .unwrap();
        assert!(SetAside::if_it_pays(&tx, MIN_BATCH).unwrap().is_none());
    }
}
