//! Customers: create (one or a batch), read the whole card, update, assign
//! and move to the recycle bin many at once, take them back out, empty the
//! bin, and list in pages.
//!
//! A customer's search entries (`customer_fts`, `customer_tokens`) and numbers
//! are written in the same transaction as the customer, so search and caller
//! lookup never see half a customer.

use std::collections::HashMap;

use rusqlite::{OptionalExtension as _, Row, Statement, Transaction, params};

use super::columns::one_changed;
use super::error::{Result, found};
use super::history::{self, Recorder};
use super::imports::{ImportPhase, ImportWatch};
use super::{Page, Store, audit, bulk, now_ms, phones, search, search_build};
use crate::domain::AuditAction;
use crate::domain::{
    Change, ChangeKind, ConsentChannel, Customer, CustomerField, CustomerId, CustomerSummary,
    Email, FieldValue, GroupId, NewCustomer, Region, StatusId, TagId, Timestamp, UserId,
};

/// The order of [`Store::list_customers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerOrder {
    /// Newest first.
    #[default]
    Newest,
    /// By name (가나다 / Unicode order).
    Name,
    /// Most recently changed first.
    RecentlyUpdated,
}

/// Ids of groups and tags looked up by name during one transaction, so a
/// batch of thousands does not ask for "VIP" thousands of times.
#[derive(Default)]
struct NameIds {
    groups: HashMap<String, GroupId>,
    tags: HashMap<String, TagId>,
}

impl Store {
    /// Saves a new customer with its numbers, groups, tags and field values.
    ///
    /// # Errors
    /// On a database failure; nothing is written then.
    pub fn create_customer(&mut self, customer: &NewCustomer) -> Result<CustomerId> {
        let tx = self.conn.transaction()?;
        let id = Writer::new(&tx)?.insert(customer, now_ms())?;
        history::record(
            &tx,
            id,
            self.actor.as_ref(),
            &Change::of(ChangeKind::Created),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves many customers in one transaction: all or none. The fast path
    /// for imports and demo data.
    ///
    /// # Errors
    /// On a database failure; nothing is written then.
    pub fn insert_customers(&mut self, customers: &[NewCustomer]) -> Result<Vec<CustomerId>> {
        self.without_reference_checks(|store| {
            let loading = store.loading.is_some();
            let search = store.loading.as_mut().map(|load| &mut load.search);
            let tx = store.conn.transaction()?;
            // Demo data and loads record no history: one row per customer
            // would cost a million rows for nothing anyone changed.
            let ids = write_customers(
                &tx,
                customers,
                &[],
                loading,
                search,
                None,
                &mut ImportWatch::quiet(),
            )?;
            tx.commit()?;
            Ok(ids)
        })
    }

    /// The whole card of one customer, also when it is in the recycle bin.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such customer.
    pub fn customer(&self, id: CustomerId) -> Result<Customer> {
        let mut customer = found(
            self.conn
                .prepare_cached(
                    "SELECT c.id, c.name, c.company, c.email, c.address, c.country, s.name,
                            c.source, c.assignee_id, c.memo, c.created_at_ms, c.updated_at_ms,
                            c.deleted_at_ms, c.ad_opt_out_at_ms, c.ad_night_consent,
                            c.ad_consent_at_ms, c.ad_consent_channel
                     FROM customers c LEFT JOIN customer_statuses s ON s.id = c.status_id
                     WHERE c.id = ?1",
                )?
                .query_row([id.0], customer_from_row),
            "customer",
            id.0,
        )?;
        customer.phones = phones::of_customer(&self.conn, id)?;
        customer.groups = self.names_of(
            "SELECT g.name FROM group_members m JOIN customer_groups g ON g.id = m.group_id
             WHERE m.customer_id = ?1 AND g.deleted_at_ms IS NULL ORDER BY g.position, g.name",
            id,
        )?;
        customer.tags = self.names_of(
            "SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
             WHERE ct.customer_id = ?1 ORDER BY t.name",
            id,
        )?;
        customer.fields = self
            .conn
            .prepare_cached(
                "SELECT d.key, d.label, d.kind, v.value FROM field_values v
                 JOIN field_defs d ON d.id = v.field_id
                 WHERE v.customer_id = ?1 AND d.deleted_at_ms IS NULL
                 ORDER BY d.position, d.id",
            )?
            .query_map([id.0], |row| {
                Ok(CustomerField {
                    key: row.get(0)?,
                    label: row.get(1)?,
                    value: field_value_from_sql(&row.get::<_, String>(2)?, row.get_ref(3)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(customer)
    }

    fn names_of(&self, sql: &str, id: CustomerId) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_map([id.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces everything editable about a customer with `customer`.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no live customer `id`.
    pub fn update_customer(&mut self, id: CustomerId, customer: &NewCustomer) -> Result<()> {
        let tx = self.conn.transaction()?;
        let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
        update_in(&tx, id, customer, Some(&mut history))?;
        drop(history);
        tx.commit()?;
        Ok(())
    }

    /// Moves a customer to the recycle bin: it leaves lists, search and caller
    /// lookup, and can be restored until the bin is emptied.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no live customer `id`.
    pub fn delete_customer(&mut self, id: CustomerId) -> Result<()> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE customers SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, now_ms()],
        )?;
        one_changed(changed, "customer", id.0)?;
        history::record(
            &tx,
            id,
            self.actor.as_ref(),
            &Change::of(ChangeKind::Deleted),
        )?;
        audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::Delete,
            &audit::customer_ids([id.0].into_iter()),
            "",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Gives every customer in `ids` to `assignee` (`None` leaves them
    /// unassigned), in one transaction; each `updated_at` moves to now.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when the assignee is not a live user or an
    /// id is not a live customer; nothing is written then.
    pub fn assign_customers(&mut self, assignee: Option<UserId>, ids: &[CustomerId]) -> Result<()> {
        let new_name = match assignee {
            Some(user) => self.user(user)?.display_name,
            None => String::new(),
        };
        let tx = self.conn.transaction()?;
        {
            let mut assign = tx.prepare_cached(
                "UPDATE customers SET assignee_id = ?2, updated_at_ms = ?3
                 WHERE id = ?1 AND deleted_at_ms IS NULL",
            )?;
            // The assignee before, and whether it changes at all.
            let mut before = tx.prepare_cached(
                "SELECT c.assignee_id IS ?2, coalesce(u.display_name, '') FROM customers c
                 LEFT JOIN users u ON u.id = c.assignee_id WHERE c.id = ?1",
            )?;
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            let now = now_ms();
            let new_id = assignee.map(|user| user.0);
            for id in ids {
                let unchanged_and_old: Option<(bool, String)> = before
                    .query_row(params![id.0, new_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?;
                let changed = assign.execute(params![id.0, new_id, now])?;
                one_changed(changed, "customer", id.0)?;
                if let Some((false, old_name)) = unchanged_and_old {
                    history.record(
                        *id,
                        &Change::values(ChangeKind::Assignee, &old_name, &new_name),
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts every customer in `ids` in `status` (`None`: no status), in
    /// one transaction, each change kept in the customer's history; each
    /// `updated_at` moves to now.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when the status does not exist or an id
    /// is not a live customer; nothing is written then.
    pub fn set_customers_status(
        &mut self,
        status: Option<StatusId>,
        ids: &[CustomerId],
    ) -> Result<()> {
        let new_name = match status {
            Some(status) => self.status(status)?.name,
            None => String::new(),
        };
        let tx = self.conn.transaction()?;
        {
            let mut set = tx.prepare_cached(
                "UPDATE customers SET status_id = ?2, updated_at_ms = ?3
                 WHERE id = ?1 AND deleted_at_ms IS NULL",
            )?;
            // The status before, and whether it changes at all.
            let mut before = tx.prepare_cached(
                "SELECT c.status_id IS ?2, coalesce(s.name, '') FROM customers c
                 LEFT JOIN customer_statuses s ON s.id = c.status_id WHERE c.id = ?1",
            )?;
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            let now = now_ms();
            let new_id = status.map(|status| status.0);
            for id in ids {
                let unchanged_and_old: Option<(bool, String)> = before
                    .query_row(params![id.0, new_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?;
                let changed = set.execute(params![id.0, new_id, now])?;
                one_changed(changed, "customer", id.0)?;
                if let Some((false, old_name)) = unchanged_and_old {
                    history.record(
                        *id,
                        &Change::values(ChangeKind::Status, &old_name, &new_name),
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Moves every live customer in `ids` to the recycle bin in one
    /// transaction, as [`Store::delete_customer`] does one: they leave
    /// lists, search and caller lookup (whose queries pass over binned
    /// customers, so the search entries stay for a restore). Each
    /// `updated_at` moves to now. Ids already in the bin or unknown are
    /// passed over; returns how many moved.
    ///
    /// # Errors
    /// On a database failure; nothing is moved then.
    pub fn delete_customers(&mut self, ids: &[CustomerId]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut moved = Vec::new();
        {
            let mut delete = tx.prepare_cached(
                "UPDATE customers SET deleted_at_ms = ?2, updated_at_ms = ?2
                 WHERE id = ?1 AND deleted_at_ms IS NULL",
            )?;
            let mut history = Recorder::new(&tx, self.actor.as_ref(), None)?;
            let deleted = Change::of(ChangeKind::Deleted);
            let now = now_ms();
            for id in ids {
                let changed = delete.execute(params![id.0, now])?;
                if changed > 0 {
                    history.record(*id, &deleted)?;
                    moved.push(id.0);
                }
            }
        }
        if !moved.is_empty() {
            audit::record(
                &tx,
                self.actor.as_ref(),
                AuditAction::Delete,
                &audit::customer_ids(moved.iter().copied()),
                "",
            )?;
        }
        tx.commit()?;
        Ok(moved.len())
    }

    /// Takes a customer back out of the recycle bin.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when `id` is not in the recycle bin.
    pub fn restore_customer(&mut self, id: CustomerId) -> Result<()> {
        let restored = self.restore_customers(&[id])?;
        one_changed(restored, "customer in the recycle bin", id.0)
    }

    /// Takes the customers of `ids` that are in the recycle bin back out,
    /// in one transaction; returns how many were there.
    ///
    /// # Errors
    /// On a database failure; nothing is restored then.
    pub fn restore_customers(&mut self, ids: &[CustomerId]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut restored = Vec::new();
        {
            let mut restore = tx.prepare_cached(
                "UPDATE customers SET deleted_at_ms = NULL
                 WHERE id = ?1 AND deleted_at_ms IS NOT NULL",
            )?;
            for id in ids {
                if restore.execute([id.0])? == 1 {
                    history::record(
                        &tx,
                        *id,
                        self.actor.as_ref(),
                        &Change::of(ChangeKind::Restored),
                    )?;
                    restored.push(id.0);
                }
            }
        }
        if !restored.is_empty() {
            audit::record(
                &tx,
                self.actor.as_ref(),
                AuditAction::Restore,
                &audit::customer_ids(restored.iter().copied()),
                "",
            )?;
        }
        tx.commit()?;
        Ok(restored.len())
    }

    /// Deletes for good every customer in the recycle bin; returns how many.
    ///
    /// # Errors
    /// On a database failure; nothing is deleted then.
    pub fn empty_recycle_bin(&mut self) -> Result<usize> {
        self.purge_binned_before(Timestamp(i64::MAX))
    }

    /// Removes for good the customers moved to the recycle bin before
    /// `before`; returns how many.
    ///
    /// # Errors
    /// On a database failure; nothing is removed then.
    pub fn purge_binned_before(&mut self, before: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let binned: Vec<i64> = tx
            .prepare("SELECT id FROM customers WHERE deleted_at_ms < ?1")?
            .query_map([before.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &binned {
            search::remove(&tx, CustomerId(*id))?;
            tx.execute("DELETE FROM customers WHERE id = ?1", [id])?;
        }
        if !binned.is_empty() {
            let detail = if before.0 == i64::MAX {
                "recycle bin emptied".to_owned()
            } else {
                format!("binned before {}", before.0)
            };
            audit::record(
                &tx,
                self.actor.as_ref(),
                AuditAction::Purge,
                &audit::customer_ids(binned.iter().copied()),
                &detail,
            )?;
        }
        tx.commit()?;
        Ok(binned.len())
    }

    /// One page of live customers in `order`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn list_customers(&self, order: CustomerOrder, page: Page) -> Result<Vec<CustomerSummary>> {
        let order_by = match order {
            CustomerOrder::Newest => "c.id DESC",
            CustomerOrder::Name => "c.name, c.id",
            CustomerOrder::RecentlyUpdated => "c.updated_at_ms DESC, c.id DESC",
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM customers c WHERE c.deleted_at_ms IS NULL
             ORDER BY {order_by} LIMIT ?1 OFFSET ?2"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map([page.limit, page.offset], summary_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Live customers (not in the recycle bin).
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_customers(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            // All rows less the binned ones (a small partial index): no
            // row is read to look at its deleted_at_ms.
            "SELECT (SELECT count(*) FROM customers)
                  - (SELECT count(*) FROM customers WHERE deleted_at_ms IS NOT NULL)",
            [],
            |row| row.get(0),
        )?)
    }

    /// The names of the customers among `ids` that exist (binned ones
    /// too: the message log names whoever a message went to), in no
    /// particular order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_names(&self, ids: &[CustomerId]) -> Result<Vec<(CustomerId, String)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, name FROM customers WHERE id = ?1")?;
        let mut names = Vec::with_capacity(ids.len());
        for id in ids {
            // One primary-key lookup each: a page names at most a screenful.
            let name: Option<String> = statement.query_row([id.0], |row| row.get(1)).optional()?;
            if let Some(name) = name {
                names.push((*id, name));
            }
        }
        Ok(names)
    }
}

/// The columns [`summary_from_row`] reads, for a query over `customers c`.
pub(super) const SUMMARY_COLUMNS: &str = "c.id, c.name, c.company,
    (SELECT p.display FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.position LIMIT 1),
    c.updated_at_ms";

pub(super) fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<CustomerSummary> {
    Ok(CustomerSummary {
        id: CustomerId(row.get(0)?),
        name: row.get(1)?,
        company: row.get(2)?,
        phone: row.get(3)?,
        updated_at: Timestamp(row.get(4)?),
    })
}

fn customer_from_row(row: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: CustomerId(row.get(0)?),
        name: row.get(1)?,
        company: row.get(2)?,
        email: row.get(3)?,
        address: row.get(4)?,
        country: row.get(5)?,
        status: row.get(6)?,
        source: row.get(7)?,
        assignee_id: row.get::<_, Option<i64>>(8)?.map(UserId),
        memo: row.get(9)?,
        phones: Vec::new(),
        groups: Vec::new(),
        tags: Vec::new(),
        fields: Vec::new(),
        created_at: Timestamp(row.get(10)?),
        updated_at: Timestamp(row.get(11)?),
        deleted_at: row.get::<_, Option<i64>>(12)?.map(Timestamp),
        ad_opt_out_at: row.get::<_, Option<i64>>(13)?.map(Timestamp),
        ad_night_consent: row.get(14)?,
        ad_consent_at: row.get::<_, Option<i64>>(15)?.map(Timestamp),
        ad_consent_channel: row
            .get::<_, Option<String>>(16)?
            .as_deref()
            .and_then(ConsentChannel::parse),
    })
}

/// `NotFound` unless `id` is a live customer.
fn live(tx: &Transaction<'_>, id: CustomerId) -> Result<()> {
    found(
        tx.prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND deleted_at_ms IS NULL")?
            .query_row([id.0], |_| Ok(())),
        "customer",
        id.0,
    )
}

/// The statements that write customers, prepared once per transaction: a
/// batch of 10,000 customers would otherwise look each one up in the
/// statement cache (hashing its SQL) tens of thousands of times.
struct Writer<'tx> {
    tx: &'tx Transaction<'tx>,
    customer: Statement<'tx>,
    phone: Statement<'tx>,
    member: Statement<'tx>,
    tag: Statement<'tx>,
    value: Statement<'tx>,
    index: search::IndexWriter<'tx>,
    names: NameIds,
}

impl<'tx> Writer<'tx> {
    fn new(tx: &'tx Transaction<'tx>) -> Result<Self> {
        Ok(Self {
            tx,
            customer: tx.prepare(
                "INSERT INTO customers (name, company, email, address, country, status_id, source,
                     assignee_id, memo, created_at_ms, updated_at_ms, ad_opt_out_at_ms,
                     ad_night_consent, ad_consent_at_ms, ad_consent_channel)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10,
                     CASE WHEN ?12 THEN ?10 END, ?13, ?14, ?15)",
            )?,
            phone: tx.prepare(phones::INSERT)?,
            member: tx.prepare(
                "INSERT OR IGNORE INTO group_members (group_id, customer_id) VALUES (?1, ?2)",
            )?,
            tag: tx.prepare(
                "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)",
            )?,
            value: tx.prepare(
                "INSERT INTO field_values (customer_id, field_id, value) VALUES (?1, ?2, ?3)",
            )?,
            index: search::IndexWriter::new(tx)?,
            names: NameIds::default(),
        })
    }

    fn insert(&mut self, customer: &NewCustomer, now: i64) -> Result<CustomerId> {
        let id = self.insert_row(customer, now)?;
        self.insert_parts(id, customer)?;
        Ok(id)
    }

    /// The customer's own row.
    fn insert_row(&mut self, customer: &NewCustomer, now: i64) -> Result<CustomerId> {
        bind_columns(&mut self.customer, customer, now)?;
        self.customer.raw_execute()?;
        Ok(CustomerId(self.tx.last_insert_rowid()))
    }

    /// Numbers, groups, tags, field values and search entries of customer `id`.
    fn insert_parts(&mut self, id: CustomerId, customer: &NewCustomer) -> Result<()> {
        self.insert_parts_unindexed(id, customer)?;
        self.index.add(id, customer)
    }

    /// Numbers, groups, tags and field values of customer `id`: all but the
    /// search entries.
    fn insert_parts_unindexed(&mut self, id: CustomerId, customer: &NewCustomer) -> Result<()> {
        phones::insert(&mut self.phone, id, &customer.phones)?;
        for name in &customer.groups {
            let group = if let Some(group) = self.names.groups.get(name) {
                *group
            } else {
                let group = super::groups::ensure_top_level(self.tx, name)?;
                self.names.groups.insert(name.clone(), group);
                group
            };
            self.member.execute([group.0, id.0])?;
        }
        for name in &customer.tags {
            let tag = if let Some(tag) = self.names.tags.get(name) {
                *tag
            } else {
                let tag = super::tags::ensure(self.tx, name)?;
                self.names.tags.insert(name.clone(), tag);
                tag
            };
            self.tag.execute([id.0, tag.0])?;
        }
        for (field, field_value) in &customer.fields {
            self.value
                .execute(params![id.0, field.0, field_value_to_sql(field_value)])?;
        }
        Ok(())
    }
}

/// Binds a customer's own columns to ?1…?9 and `now` to ?10, in the order
/// the INSERT and the UPDATE both list them, and the advertising consent to
/// ?12 and ?13 and its date and channel to ?14 and ?15 (?11 is the
/// UPDATE's id). An opt-out keeps the time it was
/// first recorded, which is what a complaint asks for.
fn bind_columns(statement: &mut Statement<'_>, customer: &NewCustomer, now: i64) -> Result<()> {
    statement.raw_bind_parameter(1, &customer.name)?;
    statement.raw_bind_parameter(2, &customer.company)?;
    statement.raw_bind_parameter(3, customer.email.as_ref().map(Email::as_str))?;
    statement.raw_bind_parameter(4, &customer.address)?;
    statement.raw_bind_parameter(5, customer.country.as_ref().map(Region::code))?;
    statement.raw_bind_parameter(6, customer.status_id.map(|status| status.0))?;
    statement.raw_bind_parameter(7, &customer.source)?;
    statement.raw_bind_parameter(8, customer.assignee_id.map(|user| user.0))?;
    statement.raw_bind_parameter(9, &customer.memo)?;
    statement.raw_bind_parameter(10, now)?;
    statement.raw_bind_parameter(12, customer.ad_opt_out)?;
    statement.raw_bind_parameter(13, customer.ad_night_consent)?;
    statement.raw_bind_parameter(14, customer.ad_consent_at.map(Timestamp::as_millis))?;
    statement.raw_bind_parameter(15, customer.ad_consent_channel.map(ConsentChannel::as_str))?;
    Ok(())
}

pub(super) fn field_value_to_sql(value: &FieldValue) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match value {
        FieldValue::Text(text) | FieldValue::Date(text) => Value::Text(text.clone()),
        FieldValue::Integer(n) => Value::Integer(*n),
        FieldValue::Decimal(x) => Value::Real(*x),
        FieldValue::YesNo(yes) => Value::Integer(i64::from(*yes)),
    }
}

/// Reads a stored value back by its field's kind.
pub(super) fn field_value_from_sql(kind: &str, value: rusqlite::types::ValueRef<'_>) -> FieldValue {
    use rusqlite::types::ValueRef;
    match (kind, value) {
        ("yes_no", ValueRef::Integer(n)) => FieldValue::YesNo(n != 0),
        ("date", ValueRef::Text(text)) => FieldValue::Date(String::from_utf8_lossy(text).into()),
        (_, ValueRef::Integer(n)) => FieldValue::Integer(n),
        (_, ValueRef::Real(x)) => FieldValue::Decimal(x),
        (_, ValueRef::Text(text) | ValueRef::Blob(text)) => {
            FieldValue::Text(String::from_utf8_lossy(text).into())
        }
        (_, ValueRef::Null) => FieldValue::Text(String::new()),
    }
}

/// Adds `new` customers and replaces `updated` ones inside `tx`; `loading`
/// when a new file's load builds the indexes once, at its end. With
/// `search`, the search entries of `new` go to that build rather than into
/// the book (see [`search_build`]). Checks the
/// statuses and assignees named once, so callers may switch the
/// per-row foreign-key checks off ([`Store::without_reference_checks`]). With
/// `history`, each updated customer's changes are recorded and each new one
/// gets one [`ChangeKind::Imported`] entry.
pub(super) fn write_customers(
    tx: &rusqlite::Transaction<'_>,
    new: &[NewCustomer],
    updated: &[(CustomerId, NewCustomer)],
    loading: bool,
    mut search: Option<&mut search_build::SearchBuild>,
    mut history: Option<&mut Recorder<'_>>,
    watch: &mut ImportWatch<'_>,
) -> Result<Vec<CustomerId>> {
    bulk::check_references(
        tx,
        new.iter()
            .chain(updated.iter().map(|(_, customer)| customer)),
    )?;
    let total = (updated.len() + new.len()) as u64;
    let mut done = 0;
    for (id, customer) in updated {
        update_in(tx, *id, customer, history.as_deref_mut())?;
        done += 1;
        watch.every(ImportPhase::Writing, done, total)?;
    }
    let now = now_ms();
    let set_aside = if loading || new.is_empty() {
        None
    } else {
        bulk::SetAside::if_it_pays(tx, new.len())?
    };
    let mut ids = Vec::with_capacity(new.len());
    {
        let mut writer = Writer::new(tx)?;
        // The build's thread indexes each slice while the next one is written.
        for slice in new.chunks(search_build::BATCH) {
            let from = ids.len();
            for customer in slice {
                let id = writer.insert_row(customer, now)?;
                writer.insert_parts_unindexed(id, customer)?;
                if search.is_none() {
                    writer.index.add_tokens(id, customer)?;
                }
                ids.push(id);
                done += 1;
                watch.every(ImportPhase::Writing, done, total)?;
            }
            if let Some(search) = search.as_deref_mut() {
                search.add(&ids[from..], slice)?;
            }
        }
    }
    watch.step(ImportPhase::Writing, total, total)?;
    watch.step(ImportPhase::Indexing, 0, 1)?;
    if search.is_some() {
        // Written by the build.
    } else if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
        // The text index reads the rows just written in one statement,
        // rather than taking the same strings bound once more per customer.
        search::add_text_of_range(tx, *first, *last)?;
    }
    if let Some(set_aside) = set_aside {
        set_aside.restore(tx)?;
    }
    if let (Some(history), Some(first), Some(last)) = (history, ids.first(), ids.last()) {
        history.record_range(tx, *first, *last, &Change::of(ChangeKind::Imported))?;
    }
    Ok(ids)
}

/// Replaces everything editable about customer `id` inside `tx`, recording
/// one history entry per changed field with `history`.
pub(super) fn update_in(
    tx: &rusqlite::Transaction<'_>,
    id: CustomerId,
    customer: &NewCustomer,
    history: Option<&mut Recorder<'_>>,
) -> Result<()> {
    live(tx, id)?;
    let before = if history.is_some() {
        Some(history::card_text(tx, id)?)
    } else {
        None
    };
    search::remove(tx, id)?;
    {
        let mut update = tx.prepare_cached(
            "UPDATE customers SET name = ?1, company = ?2, email = ?3, address = ?4, country = ?5,
                     status_id = ?6, source = ?7, assignee_id = ?8, memo = ?9, updated_at_ms = ?10,
                     ad_opt_out_at_ms = CASE WHEN ?12 THEN coalesce(ad_opt_out_at_ms, ?10) END,
                     ad_night_consent = ?13, ad_consent_at_ms = ?14, ad_consent_channel = ?15
                 WHERE id = ?11",
        )?;
        bind_columns(&mut update, customer, now_ms())?;
        update.raw_bind_parameter(11, id.0)?;
        update.raw_execute()?;
    }
    for table in [
        "customer_phones",
        "group_members",
        "customer_tags",
        "field_values",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE customer_id = ?1"),
            [id.0],
        )?;
    }
    Writer::new(tx)?.insert_parts(id, customer)?;
    if let (Some(history), Some(before)) = (history, before) {
        let after = history::card_text(tx, id)?;
        for change in crate::domain::history::diff(&before, &after) {
            history.record(id, &change)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerDraft, FieldKind, NewFieldDef, PhoneDraft, Region};
    use crate::store::Error;
    use crate::store::test_support::{add, customer, store};

    #[test]
    fn names_are_found_for_the_customers_that_exist() {
        let mut store = store();
        let hong = add(&mut store, "홍길동", &["010-1234-5678"]);
        let kim = add(&mut store, "김영희", &[]);
        let mut names = store.customer_names(&[hong, CustomerId(999), kim]).unwrap();
        names.sort();
        assert_eq!(
            names,
            vec![(hong, "홍길동".to_owned()), (kim, "김영희".to_owned())]
        );
    }

    #[test]
    fn a_created_customer_reads_back_whole() {
        let mut store = store();
        let field = store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
            .unwrap();
        let draft = CustomerDraft {
            name: "홍길동".into(),
            company: "한빛소프트".into(),
            email: "gd.hong@naver.com".into(),
            memo: "오전 통화 선호\n점심시간 피할 것".into(),
            phones: vec![
                PhoneDraft {
                    label: "휴대폰".into(),
                    number: "010-1234-5678".into(),
                },
                PhoneDraft {
                    label: "회사".into(),
                    number: "02-2299-7123".into(),
                },
            ],
            groups: vec!["VIP".into()],
            tags: vec!["재구매".into()],
            fields: vec![("visits".into(), "3".into())],
            ..CustomerDraft::default()
        };
        let checked = draft
            .check(Region::KOREA, &store.field_defs().unwrap())
            .unwrap();
        let id = store.create_customer(&checked).unwrap();

        let card = store.customer(id).unwrap();
        assert_eq!(card.name, "홍길동");
        assert_eq!(card.email.as_deref(), Some("gd.hong@naver.com"));
        assert_eq!(card.memo, "오전 통화 선호\n점심시간 피할 것");
        let keys: Vec<&str> = card.phones.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["+821012345678", "+82222997123"]);
        assert_eq!(card.phones[0].label, "휴대폰");
        assert_eq!(card.groups, ["VIP"]);
        assert_eq!(card.tags, ["재구매"]);
        assert_eq!(card.fields[0].value, FieldValue::Integer(3));
        assert_eq!(store.field_def(field).unwrap().label, "방문횟수");
        assert!(card.deleted_at.is_none());
    }

    #[test]
    fn update_replaces_the_card() {
        let mut store = store();
        let id = add(&mut store, "김민준", &["010-1111-2222"]);
        store
            .update_customer(id, &customer("김민준", &["010-3333-4444"]))
            .unwrap();
        let card = store.customer(id).unwrap();
        assert_eq!(card.phones.len(), 1);
        assert_eq!(card.phones[0].key, "+821033334444");
        let old = crate::domain::PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap();
        assert!(store.customers_with_number(&old).unwrap().is_empty());
        assert!(matches!(
            store.update_customer(CustomerId(99), &customer("x", &[])),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn the_recycle_bin_hides_restores_and_empties() {
        let mut store = store();
        let id = add(&mut store, "이서연", &["010-5555-6666"]);
        let number = crate::domain::PhoneNumber::parse("01055556666", Region::KOREA).unwrap();
        store.delete_customer(id).unwrap();
        assert_eq!(store.count_customers().unwrap(), 0);
        assert!(store.customers_with_number(&number).unwrap().is_empty());
        assert!(store.customer(id).unwrap().deleted_at.is_some());
        assert!(store.delete_customer(id).is_err());

        store.restore_customer(id).unwrap();
        assert_eq!(store.customers_with_number(&number).unwrap().len(), 1);

        store.delete_customer(id).unwrap();
        assert_eq!(store.empty_recycle_bin().unwrap(), 1);
        assert!(matches!(store.customer(id), Err(Error::NotFound { .. })));
    }

    #[test]
    fn assign_customers_sets_and_clears_the_assignee() {
        let mut store = store();
        let agent = store
            .create_user(&crate::domain::NewUser {
                login: "minji".into(),
                display_name: "김민지".into(),
                role: crate::domain::Role::Agent,
                extension: Some("201".into()),
            })
            .unwrap();
        let kim = add(&mut store, "김민준", &[]);
        let lee = add(&mut store, "이서연", &[]);
        let before = store.customer(kim).unwrap().updated_at;
        std::thread::sleep(std::time::Duration::from_millis(2));
        store.assign_customers(Some(agent), &[kim, lee]).unwrap();
        assert_eq!(store.customer(lee).unwrap().assignee_id, Some(agent));
        assert!(store.customer(kim).unwrap().updated_at > before);

        store.assign_customers(None, &[lee]).unwrap();
        assert_eq!(store.customer(lee).unwrap().assignee_id, None);
        assert_eq!(store.customer(kim).unwrap().assignee_id, Some(agent));

        assert!(matches!(
            store.assign_customers(Some(UserId(99)), &[kim]),
            Err(Error::NotFound { what: "user", .. })
        ));
        // One binned customer and nothing is written.
        store.delete_customer(kim).unwrap();
        assert!(matches!(
            store.assign_customers(None, &[lee, kim]),
            Err(Error::NotFound {
                what: "customer",
                ..
            })
        ));
        assert_eq!(store.customer(kim).unwrap().assignee_id, Some(agent));
    }

    #[test]
    fn delete_customers_bins_the_live_ones_and_counts_them() {
        let mut store = store();
        let kim = add(&mut store, "김민준", &["010-1111-2222"]);
        let lee = add(&mut store, "이서연", &[]);
        let park = add(&mut store, "박지훈", &[]);
        store.delete_customer(park).unwrap();
        assert_eq!(
            store
                .delete_customers(&[kim, lee, park, CustomerId(99), kim])
                .unwrap(),
            2
        );
        assert_eq!(store.count_customers().unwrap(), 0);
        let card = store.customer(kim).unwrap();
        assert_eq!(card.deleted_at, Some(card.updated_at));
        let number = crate::domain::PhoneNumber::parse("01011112222", Region::KOREA).unwrap();
        assert!(store.customers_with_number(&number).unwrap().is_empty());
        let query = crate::domain::search::SearchQuery::parse("김민준", Region::KOREA);
        assert!(
            store
                .search_customers(&query, Page::first(10))
                .unwrap()
                .hits
                .is_empty()
        );
        // Restored, it is found again.
        store.restore_customer(kim).unwrap();
        assert_eq!(
            store
                .search_customers(&query, Page::first(10))
                .unwrap()
                .hits
                .len(),
            1
        );
        assert_eq!(store.customers_with_number(&number).unwrap().len(), 1);
    }

    #[test]
    fn lists_in_pages_and_orders() {
        let mut store = store();
        let batch: Vec<NewCustomer> = ["다", "가", "나"]
            .iter()
            .map(|name| customer(name, &[]))
            .collect();
        let ids = store.insert_customers(&batch).unwrap();
        assert_eq!(ids.len(), 3);
        let names = |order, page| {
            store
                .list_customers(order, page)
                .unwrap()
                .into_iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(CustomerOrder::Name, Page::first(10)),
            ["가", "나", "다"]
        );
        assert_eq!(names(CustomerOrder::Newest, Page::first(2)), ["나", "가"]);
        assert_eq!(
            names(
                CustomerOrder::Newest,
                Page {
                    offset: 2,
                    limit: 2
                }
            ),
            ["다"]
        );
        assert_eq!(store.count_customers().unwrap(), 3);
    }

    #[test]
    fn a_large_batch_is_found_as_customers_added_one_by_one_are() {
        let mut generator = crate::demo::Generator::new(5);
        let batch: Vec<NewCustomer> = (0..2_500)
            .map(|_| {
                let mut draft = generator.customer().draft;
                draft.fields.clear();
                draft.check(Region::KOREA, &[]).unwrap()
            })
            .collect();
        let mut bulk = store();
        bulk.insert_customers(&batch).unwrap();
        let mut single = store();
        for customer in &batch {
            single.create_customer(customer).unwrap();
        }
        let display = batch[7].phones[0].number.display().to_owned();
        let last_four = &display[display.len() - 4..];
        for text in [
            "김",
            "민준",
            "이서",
            "상사",
            last_four,
            &display,
            "gmail",
            "株式会社",
            "山田",
        ] {
            let query = crate::domain::search::SearchQuery::parse(text, Region::KOREA);
            // Ids and names: the two stores were written at different times.
            let found = |store: &Store| -> Vec<(CustomerId, String)> {
                let page = store.search_customers(&query, Page::first(200)).unwrap();
                page.hits
                    .into_iter()
                    .map(|hit| (hit.id, hit.name))
                    .collect()
            };
            assert!(!found(&bulk).is_empty(), "{text}");
            assert_eq!(found(&bulk), found(&single), "{text}");
        }
        let number = &batch[1_234].phones[0].number;
        let owners = |store: &Store| -> Vec<CustomerId> {
            let hits = store.customers_with_number(number).unwrap();
            hits.into_iter().map(|hit| hit.id).collect()
        };
        assert_eq!(owners(&bulk), owners(&single));
        let indexes = |store: &Store| -> Vec<String> {
            store
                .conn
                .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
                .unwrap()
                .query_map([], |row| row.get::<_, Option<String>>(0))
                .unwrap()
                .map(|sql| sql.unwrap().unwrap_or_default())
                .collect()
        };
        assert_eq!(indexes(&bulk), indexes(&single));
    }

    #[test]
    fn two_customers_may_share_a_number() {
        let mut store = store();
        add(&mut store, "박지훈", &["02-2299-7123"]);
        add(&mut store, "박서윤", &["02 2299 7123"]);
        let number = crate::domain::PhoneNumber::parse("+82-2-2299-7123", Region::KOREA).unwrap();
        let found = store.customers_with_number(&number).unwrap();
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn advertising_consent_is_kept_with_the_time_of_the_opt_out() {
        let mut store = crate::store::test_support::store();
        let mut new = crate::store::test_support::customer("김광고", &["010-5555-6666"]);
        new.ad_opt_out = true;
        let id = store.create_customer(&new).unwrap();
        let opted_out = store.customer(id).unwrap().ad_opt_out_at;
        assert!(opted_out.is_some());
        assert!(!store.customer(id).unwrap().ad_night_consent);

        // Saved again still opted out: the first time stays.
        new.ad_night_consent = true;
        std::thread::sleep(std::time::Duration::from_millis(2));
        store.update_customer(id, &new).unwrap();
        let customer = store.customer(id).unwrap();
        assert_eq!(customer.ad_opt_out_at, opted_out);
        assert!(customer.ad_night_consent);

        new.ad_opt_out = false;
        store.update_customer(id, &new).unwrap();
        assert_eq!(store.customer(id).unwrap().ad_opt_out_at, None);
    }
}
