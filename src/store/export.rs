//! Customers read for an export: every customer a [`CustomerFilter`] lets
//! through (optionally only some ids, a search's hits), whole, in id order,
//! a chunk at a time.
//!
//! A million customers never sit in memory at once: [`CustomerRecords`]
//! holds one chunk. Each chunk is read with one query on `customers` (the
//! filter, `id > last`, `LIMIT`) and one range query per table around it
//! (numbers, groups, tags, values, notes) over the chunk's id range, all in
//! customer-id order, and merged. The ranges of successive chunks do not
//! overlap, so an export reads each table at most once, however sparse the
//! filter.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rusqlite::types::{Value, ValueRef};

use super::Store;
use super::customer_list::{Query, Shape};
use super::error::Result;
use crate::domain::{
    CustomerFilter, CustomerId, CustomerRecord, CustomerSource, FieldId, FieldValue, RecordNote,
    RecordPhone, Timestamp,
};

/// Customers read per chunk.
const CHUNK: usize = 2000;

/// How much of the database file an export reads through a memory map.
const EXPORT_MMAP_BYTES: i64 = 1 << 30;

/// How many numbers under one label the customers of an export have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneLabel {
    /// The label; empty for numbers without one.
    pub label: String,
    /// The most numbers one customer has under it.
    pub most: u32,
    /// How many numbers carry it.
    pub numbers: u64,
}

impl Store {
    /// The labels of the numbers of the customers `filter` lets through
    /// (among `only`, when given), most used first, each with the most
    /// numbers one customer has under it: the phone columns an export
    /// needs before its first row.
    ///
    /// The numbers are counted here, walked in customer order: asking
    /// `SQLite` to group them by customer and label sorts them all. For the
    /// whole live book (no filter) the walk reads the numbers table alone
    /// and skips the few customers in the recycle bin.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] naming a condition that does not fit its
    /// field; otherwise on a database failure.
    pub fn phone_labels_where(
        &self,
        filter: &CustomerFilter,
        only: Option<&[CustomerId]>,
    ) -> Result<Vec<PhoneLabel>> {
        if *filter == CustomerFilter::default() && only.is_none() {
            let binned: HashSet<i64> = self
                .conn
                .prepare("SELECT id FROM customers WHERE deleted_at_ms IS NOT NULL")?
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut statement = self.conn.prepare(
                "SELECT customer_id, label FROM customer_phones ORDER BY customer_id, position",
            )?;
            return count_labels(statement.query([])?, |customer| !binned.contains(&customer));
        }
        let defs = self.field_defs()?;
        let mut query = Query::filtered(filter, &defs, Shape::Page)?;
        let mut where_sql = query.where_sql();
        if let Some(ids) = only {
            let ids = query.param(ids_json(ids.iter().map(|id| id.0)));
            where_sql.push_str(" AND c.id IN (SELECT value FROM json_each(");
            where_sql.push_str(&ids);
            where_sql.push_str("))");
        }
        let mut statement = self.conn.prepare(&format!(
            "SELECT p.customer_id, p.label
             FROM customers c CROSS JOIN customer_phones p ON p.customer_id = c.id
             WHERE {where_sql} ORDER BY c.id, p.position"
        ))?;
        count_labels(
            statement.query(rusqlite::params_from_iter(query.params.iter()))?,
            |_| true,
        )
    }

    /// Every customer `filter` lets through (only those among `only`, when
    /// given), whole, in id order, read a chunk at a time as the iterator
    /// is walked.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] naming a condition that does not fit its
    /// field; the iterator yields database failures as they happen.
    pub fn customer_records(
        &self,
        filter: &CustomerFilter,
        only: Option<&[CustomerId]>,
    ) -> Result<CustomerRecords<'_>> {
        // Read through a memory map while the export lasts: a million
        // customers are hundreds of megabytes of pages, and copying each
        // out of the system's cache costs more than the reading.
        self.conn
            .pragma_update(None, "mmap_size", EXPORT_MMAP_BYTES)?;
        let defs = self.field_defs()?;
        let query = Query::filtered(filter, &defs, Shape::Page)?;
        let kinds = defs.iter().map(|def| (def.id, def.kind.as_str())).collect();
        let only = only.map(|ids| {
            let mut ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        });
        let names = |sql: &str| -> Result<HashMap<i64, Arc<str>>> {
            Ok(self
                .conn
                .prepare(sql)?
                .query_map([], |row| {
                    Ok((row.get(0)?, Arc::from(row.get::<_, String>(1)?)))
                })?
                .collect::<rusqlite::Result<_>>()?)
        };
        // Live groups in the group panel's order.
        let groups: Vec<(i64, Arc<str>)> = self
            .conn
            .prepare("SELECT id, name FROM customer_groups WHERE deleted_at_ms IS NULL ORDER BY position, name")?
            .query_map([], |row| {
                Ok((row.get(0)?, Arc::from(row.get::<_, String>(1)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(CustomerRecords {
            store: self,
            query,
            kinds,
            statuses: names("SELECT id, name FROM customer_statuses")?,
            users: names("SELECT id, display_name FROM users")?,
            group_rank: groups
                .iter()
                .enumerate()
                .map(|(rank, (_, name))| (name.clone(), rank))
                .rev()
                .collect(),
            groups: groups.into_iter().collect(),
            tags: names("SELECT id, name FROM tags")?,
            labels: Vec::new(),
            spare: Spare::default(),
            only,
            after: i64::MIN,
            next_only: 0,
            chunk: Vec::new(),
            len: 0,
            at: 0,
            done: false,
        })
    }
}

/// The customers of an export, a chunk at a time; see
/// [`Store::customer_records`].
pub struct CustomerRecords<'s> {
    store: &'s Store,
    query: Query,
    kinds: Vec<(FieldId, &'static str)>,
    /// Status and user names by id, few enough to hold: looked up here
    /// rather than by a sub-query per customer.
    statuses: HashMap<i64, Arc<str>>,
    users: HashMap<i64, Arc<str>>,
    /// Live groups and tags by id, and where each group name comes in the
    /// group panel (the first group of that name).
    groups: HashMap<i64, Arc<str>>,
    group_rank: HashMap<Arc<str>, usize>,
    tags: HashMap<i64, Arc<str>>,
    /// The phone labels met so far, each shared by every number that has it.
    labels: Vec<Arc<str>>,
    spare: Spare,
    /// The ids asked for, sorted, when only some are.
    only: Option<Vec<i64>>,
    /// The last id read.
    after: i64,
    /// Where in `only` the next chunk starts.
    next_only: usize,
    /// The current chunk: its first `len` records; each chunk is read into
    /// the same records, reusing their texts' memory.
    chunk: Vec<CustomerRecord>,
    len: usize,
    /// The next record of the chunk to lend.
    at: usize,
    done: bool,
}

impl CustomerSource for CustomerRecords<'_> {
    type Error = super::Error;

    fn next_customer(&mut self) -> Option<Result<&CustomerRecord>> {
        if self.at == self.len {
            if self.done {
                return None;
            }
            match self.read_chunk() {
                Ok(len) => {
                    self.len = len;
                    self.at = 0;
                    self.done = len == 0;
                }
                Err(error) => {
                    self.done = true;
                    self.len = 0;
                    self.at = 0;
                    return Some(Err(error));
                }
            }
        }
        let record = self.chunk.get(self.at).filter(|_| self.at < self.len)?;
        self.at += 1;
        Some(Ok(record))
    }
}

impl Iterator for CustomerRecords<'_> {
    type Item = Result<CustomerRecord>;

    /// Each customer as a record of its own (a copy of the lent one).
    fn next(&mut self) -> Option<Self::Item> {
        self.next_customer()
            .map(Result::<&CustomerRecord, _>::cloned)
    }
}

impl Drop for CustomerRecords<'_> {
    fn drop(&mut self) {
        // The window's connection goes back to reading as it did.
        self.store.conn.pragma_update(None, "mmap_size", 0).ok();
    }
}

impl CustomerRecords<'_> {
    /// Reads the next chunk of customers with everything around them into
    /// `chunk` and returns how many there are; 0 at the end.
    fn read_chunk(&mut self) -> Result<usize> {
        loop {
            let mut params = self.query.params.clone();
            let mut bind = |value: Value| {
                params.push(value);
                format!("?{}", params.len())
            };
            let range = match &self.only {
                Some(only) => {
                    let rest = only.get(self.next_only..).unwrap_or_default();
                    if rest.is_empty() {
                        return Ok(0);
                    }
                    let ids = rest.get(..CHUNK).unwrap_or(rest);
                    self.next_only += ids.len();
                    let json = bind(Value::Text(ids_json(ids.iter().copied())));
                    format!("c.id IN (SELECT value FROM json_each({json}))")
                }
                None => format!("c.id > {}", bind(Value::Integer(self.after))),
            };
            let sql = format!(
                "SELECT c.id, c.name, c.company, c.email, c.address, c.country, c.status_id,
                        c.source, c.assignee_id, c.memo, c.ad_opt_out_at_ms, c.ad_night_consent,
                        c.created_at_ms, c.updated_at_ms, c.deleted_at_ms, c.ad_consent_at_ms,
                        c.ad_consent_channel
                 FROM customers c WHERE {} AND {range} ORDER BY c.id LIMIT {CHUNK}",
                self.query.where_sql()
            );
            let mut statement = self.store.conn.prepare_cached(&sql)?;
            let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
            let mut len = 0;
            while let Some(row) = rows.next()? {
                if len == self.chunk.len() {
                    self.chunk.push(CustomerRecord::blank());
                }
                if let Some(record) = self.chunk.get_mut(len) {
                    fill_record(record, row, &self.statuses, &self.users, &mut self.spare)?;
                }
                len += 1;
            }
            let (Some(first), Some(last)) = (
                self.chunk.first().filter(|_| len > 0),
                self.chunk.get(len.wrapping_sub(1)),
            ) else {
                if self.only.is_some() {
                    // None of this chunk of ids passed the filter; the
                    // next chunk's may.
                    continue;
                }
                return Ok(0);
            };
            let (first, last) = (first.id.0, last.id.0);
            self.after = last;
            let mut chunk = std::mem::take(&mut self.chunk);
            let added = self.add_parts(chunk.get_mut(..len).unwrap_or_default(), first, last);
            self.chunk = chunk;
            added?;
            return Ok(len);
        }
    }

    /// Puts each record's notes newest first, its groups in the group
    /// panel's order and its tags by name, as the card shows them.
    fn put_in_card_order(&self, records: &mut [CustomerRecord]) {
        for record in records.iter_mut() {
            // Newest first.
            record.notes.reverse();
            if record.groups.len() > 1 {
                record
                    .groups
                    .sort_by_key(|name| self.group_rank.get(name).copied().unwrap_or(usize::MAX));
            }
            if record.tags.len() > 1 {
                record
                    .tags
                    .sort_by_cached_key(|name| name.to_ascii_lowercase());
            }
        }
    }

    /// Fills in the numbers of `records`, whose ids run from `first` to
    /// `last`, each label shared.
    fn add_phones(&mut self, records: &mut [CustomerRecord], first: i64, last: i64) -> Result<()> {
        let conn = &self.store.conn;
        let labels = &mut self.labels;
        let spare = &mut self.spare;
        merge(
            records,
            conn.prepare_cached(
                "SELECT customer_id, label, display FROM customer_phones
                 WHERE customer_id BETWEEN ?1 AND ?2 ORDER BY customer_id, position",
            )?
            .query([first, last])?,
            |record, row| {
                let text = row.get_ref(1)?.as_str()?;
                let label = if let Some(known) = labels.iter().find(|known| &***known == text) {
                    Arc::clone(known)
                } else {
                    let label: Arc<str> = Arc::from(text);
                    labels.push(Arc::clone(&label));
                    label
                };
                let mut phone = spare.phones.pop().unwrap_or_else(|| RecordPhone {
                    label: Arc::clone(&label),
                    display: String::new(),
                });
                phone.label = label;
                set_text(&mut phone.display, row.get_ref(2)?)?;
                record.phones.push(phone);
                Ok(())
            },
        )
    }

    /// Fills in the numbers, groups, tags, values and notes of `records`,
    /// whose ids run from `first` to `last`.
    fn add_parts(&mut self, records: &mut [CustomerRecord], first: i64, last: i64) -> Result<()> {
        let conn = &self.store.conn;
        self.add_phones(records, first, last)?;
        let spare = &mut self.spare;
        // Groups, tags and notes are read in their index's order and put in
        // the card's order here: sorting them in SQL sorts every chunk.
        merge(
            records,
            conn.prepare_cached(
                "SELECT customer_id, group_id FROM group_members
                 WHERE customer_id BETWEEN ?1 AND ?2 ORDER BY customer_id",
            )?
            .query([first, last])?,
            |record, row| {
                if let Some(name) = self.groups.get(&row.get::<_, i64>(1)?) {
                    record.groups.push(Arc::clone(name));
                }
                Ok(())
            },
        )?;
        merge(
            records,
            conn.prepare_cached(
                "SELECT customer_id, tag_id FROM customer_tags
                 WHERE customer_id BETWEEN ?1 AND ?2 ORDER BY customer_id, tag_id",
            )?
            .query([first, last])?,
            |record, row| {
                if let Some(name) = self.tags.get(&row.get::<_, i64>(1)?) {
                    record.tags.push(Arc::clone(name));
                }
                Ok(())
            },
        )?;
        let kinds = &self.kinds;
        let users = &self.users;
        merge(
            records,
            conn.prepare_cached(
                "SELECT customer_id, field_id, value FROM field_values
                 WHERE customer_id BETWEEN ?1 AND ?2 ORDER BY customer_id, field_id",
            )?
            .query([first, last])?,
            |record, row| {
                let field = FieldId(row.get(1)?);
                // A deleted field's values are not the customer's any more.
                if let Some((_, kind)) = kinds.iter().find(|(id, _)| *id == field) {
                    let mut value = spare
                        .fields
                        .pop()
                        .unwrap_or((field, FieldValue::Integer(0)));
                    value.0 = field;
                    set_value(&mut value.1, kind, row.get_ref(2)?);
                    record.fields.push(value);
                }
                Ok(())
            },
        )?;
        merge(
            records,
            conn.prepare_cached(
                "SELECT customer_id, created_at_ms, author_id, body FROM notes
                 WHERE customer_id BETWEEN ?1 AND ?2 AND deleted_at_ms IS NULL
                 ORDER BY customer_id, created_at_ms, id",
            )?
            .query([first, last])?,
            |record, row| {
                let mut note = spare.notes.pop().unwrap_or_else(|| RecordNote {
                    at: Timestamp(0),
                    author: None,
                    body: String::new(),
                });
                note.at = Timestamp(row.get(1)?);
                note.author = row
                    .get::<_, Option<i64>>(2)?
                    .and_then(|id| users.get(&id))
                    .cloned();
                set_text(&mut note.body, row.get_ref(3)?)?;
                record.notes.push(note);
                Ok(())
            },
        )?;
        self.put_in_card_order(records);
        Ok(())
    }
}

/// Counts the labels of `rows` (customer id, label; in customer order)
/// of the customers `wanted` lets through: see [`Store::phone_labels_where`].
fn count_labels(
    mut rows: rusqlite::Rows<'_>,
    wanted: impl Fn(i64) -> bool,
) -> Result<Vec<PhoneLabel>> {
    let mut labels: Vec<PhoneLabel> = Vec::new();
    // The current customer's count under each label, by index in `labels`.
    let mut current: Option<i64> = None;
    let mut counts: Vec<u32> = Vec::new();
    while let Some(row) = rows.next()? {
        let customer: i64 = row.get(0)?;
        if current != Some(customer) {
            current = Some(customer);
            counts.fill(0);
        }
        if !wanted(customer) {
            continue;
        }
        let label = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let index = if let Some(index) = labels.iter().position(|known| known.label == label) {
            index
        } else {
            labels.push(PhoneLabel {
                label: label.to_owned(),
                most: 0,
                numbers: 0,
            });
            counts.push(0);
            labels.len() - 1
        };
        if let (Some(known), Some(count)) = (labels.get_mut(index), counts.get_mut(index)) {
            *count += 1;
            known.most = known.most.max(*count);
            known.numbers += 1;
        }
    }
    labels.sort_by(|a, b| {
        b.numbers
            .cmp(&a.numbers)
            .then_with(|| a.label.cmp(&b.label))
    });
    Ok(labels)
}

/// Walks `rows` (ordered by the customer id in their first column) beside
/// `records` (ordered by id), handing each row to its customer's record;
/// rows of customers not in `records` (between them, but left out by the
/// filter) are skipped.
fn merge(
    records: &mut [CustomerRecord],
    mut rows: rusqlite::Rows<'_>,
    mut add: impl FnMut(&mut CustomerRecord, &rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut at = 0;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        while records.get(at).is_some_and(|record| record.id.0 < id) {
            at += 1;
        }
        match records.get_mut(at) {
            Some(record) if record.id.0 == id => add(record, row)?,
            Some(_) => {}
            None => break,
        }
    }
    Ok(())
}

/// Fills `record` with the customer in `row` (the chunk query's columns),
/// reusing its texts' memory; its numbers, values and notes go to `spare`
/// for the next customers to reuse, its groups and tags are emptied.
fn fill_record(
    record: &mut CustomerRecord,
    row: &rusqlite::Row<'_>,
    statuses: &HashMap<i64, Arc<str>>,
    users: &HashMap<i64, Arc<str>>,
    spare: &mut Spare,
) -> rusqlite::Result<()> {
    let name_of = |names: &HashMap<i64, Arc<str>>, id: Option<i64>| {
        id.and_then(|id| names.get(&id)).map(Arc::clone)
    };
    record.id = CustomerId(row.get(0)?);
    set_text(&mut record.name, row.get_ref(1)?)?;
    set_text(&mut record.company, row.get_ref(2)?)?;
    set_optional(&mut record.email, row.get_ref(3)?)?;
    set_text(&mut record.address, row.get_ref(4)?)?;
    set_optional(&mut record.country, row.get_ref(5)?)?;
    record.status = name_of(statuses, row.get(6)?);
    set_text(&mut record.source, row.get_ref(7)?)?;
    record.assignee = name_of(users, row.get(8)?);
    set_text(&mut record.memo, row.get_ref(9)?)?;
    record.ad_opt_out_at = row.get::<_, Option<i64>>(10)?.map(Timestamp);
    record.ad_night_consent = row.get(11)?;
    record.created_at = Timestamp(row.get(12)?);
    record.updated_at = Timestamp(row.get(13)?);
    record.deleted_at = row.get::<_, Option<i64>>(14)?.map(Timestamp);
    record.ad_consent_at = row.get::<_, Option<i64>>(15)?.map(Timestamp);
    record.ad_consent_channel = match row.get_ref(16)? {
        rusqlite::types::ValueRef::Text(code) => std::str::from_utf8(code)
            .ok()
            .and_then(crate::domain::ConsentChannel::parse),
        _ => None,
    };
    // Their texts are written over by the next customers that have some.
    spare.phones.append(&mut record.phones);
    spare.fields.append(&mut record.fields);
    spare.notes.append(&mut record.notes);
    record.groups.clear();
    record.tags.clear();
    Ok(())
}

/// Numbers, values and notes of earlier customers, whose texts' memory is
/// reused for the next ones.
#[derive(Default)]
struct Spare {
    phones: Vec<RecordPhone>,
    fields: Vec<(FieldId, FieldValue)>,
    notes: Vec<RecordNote>,
}

/// Puts `value` (text, or NULL for none) into `text` in place.
fn set_text(text: &mut String, value: ValueRef<'_>) -> rusqlite::Result<()> {
    text.clear();
    if value != ValueRef::Null {
        text.push_str(value.as_str()?);
    }
    Ok(())
}

/// Puts `value` into `text`, in place when it already holds a text; NULL
/// is `None`.
fn set_optional(text: &mut Option<String>, value: ValueRef<'_>) -> rusqlite::Result<()> {
    if value == ValueRef::Null {
        *text = None;
    } else if let Some(text) = text {
        set_text(text, value)?;
    } else {
        *text = Some(value.as_str()?.to_owned());
    }
    Ok(())
}

/// Puts the stored `value` of a field of `kind` into `slot`, reusing the
/// text it held where it can; read as the card reads it.
fn set_value(slot: &mut FieldValue, kind: &str, value: ValueRef<'_>) {
    let text = |slot: &mut FieldValue, bytes: &[u8], date: bool| {
        let text = String::from_utf8_lossy(bytes);
        match slot {
            FieldValue::Date(held) if date => {
                held.clear();
                held.push_str(&text);
            }
            FieldValue::Text(held) if !date => {
                held.clear();
                held.push_str(&text);
            }
            _ if date => *slot = FieldValue::Date(text.into_owned()),
            _ => *slot = FieldValue::Text(text.into_owned()),
        }
    };
    match (kind, value) {
        ("yes_no", ValueRef::Integer(n)) => *slot = FieldValue::YesNo(n != 0),
        ("date", ValueRef::Text(bytes)) => text(slot, bytes, true),
        (_, ValueRef::Integer(n)) => *slot = FieldValue::Integer(n),
        (_, ValueRef::Real(x)) => *slot = FieldValue::Decimal(x),
        (_, ValueRef::Text(bytes) | ValueRef::Blob(bytes)) => text(slot, bytes, false),
        (_, ValueRef::Null) => text(slot, b"", false),
    }
}

/// Ids as a JSON array, one parameter however many.
fn ids_json(ids: impl Iterator<Item = i64>) -> String {
    let mut json = String::from("[");
    for (index, id) in ids.enumerate() {
        if index > 0 {
            json.push(',');
        }
        json.push_str(&id.to_string());
    }
    json.push(']');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::note::NoteBody;
    use crate::domain::{
        CustomerDraft, FieldKind, FieldValue, NewFieldDef, NewUser, PhoneDraft, Region, Role,
        StatusName,
    };
    use crate::store::test_support::store;

    fn phone(label: &str, number: &str) -> PhoneDraft {
        PhoneDraft {
            label: label.to_owned(),
            number: number.to_owned(),
        }
    }

    /// A book of three customers with everything, one in the recycle bin.
    fn book() -> (Store, Vec<CustomerId>) {
        let mut store = store();
        store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
            .unwrap();
        let status = store
            .create_status(&StatusName::new("상담중").unwrap())
            .unwrap();
        let user = store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김상담".to_owned(),
                role: Role::Agent,
                extension: None,
            })
            .unwrap();
        let defs = store.field_defs().unwrap();
        let drafts = [
            CustomerDraft {
                name: "홍길동".to_owned(),
                phones: vec![
                    phone("휴대폰", "010-1234-5678"),
                    phone("집", "02-2299-7123"),
                    phone("휴대폰", "010-9999-0000"),
                ],
                groups: vec!["VIP".to_owned()],
                tags: vec!["골드".to_owned(), "가망".to_owned()],
                fields: vec![("visits".to_owned(), "3".to_owned())],
                status_id: Some(status),
                assignee_id: Some(user),
                ad_opt_out: true,
                ..CustomerDraft::default()
            },
            CustomerDraft {
                name: "山田太郎".to_owned(),
                country: "JP".to_owned(),
                phones: vec![phone("携帯", "090-1234-5678")],
                ..CustomerDraft::default()
            },
            CustomerDraft {
                name: "김삭제".to_owned(),
                phones: vec![phone("", "010-5555-6666")],
                groups: vec!["VIP".to_owned()],
                ..CustomerDraft::default()
            },
        ];
        let ids: Vec<CustomerId> = drafts
            .iter()
            .map(|draft| {
                store
                    .create_customer(&draft.check(Region::KOREA, &defs).unwrap())
                    .unwrap()
            })
            .collect();
        store
            .add_notes(&[
                (ids[0], Some(user), NoteBody::new("첫 통화").unwrap()),
                (ids[0], None, NoteBody::new("견적서 발송").unwrap()),
            ])
            .unwrap();
        store.delete_customer(ids[2]).unwrap();
        (store, ids)
    }

    fn all(
        store: &Store,
        filter: &CustomerFilter,
        only: Option<&[CustomerId]>,
    ) -> Vec<CustomerRecord> {
        store
            .customer_records(filter, only)
            .unwrap()
            .collect::<Result<_>>()
            .unwrap()
    }

    #[test]
    fn every_live_customer_is_read_whole() {
        let (store, ids) = book();
        let records = all(&store, &CustomerFilter::default(), None);
        assert_eq!(
            records.iter().map(|r| r.id).collect::<Vec<_>>(),
            [ids[0], ids[1]]
        );
        let hong = &records[0];
        assert_eq!(
            hong.phones
                .iter()
                .map(|p| (&*p.label, p.display.as_str()))
                .collect::<Vec<_>>(),
            [
                ("휴대폰", "010-1234-5678"),
                ("집", "02-2299-7123"),
                ("휴대폰", "010-9999-0000")
            ]
        );
        assert_eq!(hong.groups, ["VIP".into()]);
        assert_eq!(hong.tags, ["가망".into(), "골드".into()]);
        assert_eq!(hong.status.as_deref(), Some("상담중"));
        assert_eq!(hong.assignee.as_deref(), Some("김상담"));
        assert!(hong.ad_opt_out_at.is_some());
        let visits = store.field_defs().unwrap()[0].id;
        assert_eq!(hong.fields, [(visits, FieldValue::Integer(3))]);
        // Added in one go: same time, so the later id is the newer.
        assert_eq!(
            hong.notes
                .iter()
                .map(|n| (n.body.as_str(), n.author.as_deref()))
                .collect::<Vec<_>>(),
            [("견적서 발송", None), ("첫 통화", Some("김상담"))]
        );
        assert_eq!(records[1].country.as_deref(), Some("JP"));
        assert!(records[1].notes.is_empty() && records[1].groups.is_empty());
    }

    #[test]
    fn the_filter_and_the_ids_decide_who_is_read() {
        let (store, ids) = book();
        let bin = CustomerFilter {
            in_recycle_bin: true,
            ..CustomerFilter::default()
        };
        let records = all(&store, &bin, None);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "김삭제");
        assert!(records[0].deleted_at.is_some());
        assert_eq!(records[0].groups, ["VIP".into()]);

        let group = store.groups().unwrap()[0].id;
        let vip = CustomerFilter {
            group: Some(group),
            ..CustomerFilter::default()
        };
        let records = all(&store, &vip, None);
        assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[0]]);

        let only = [ids[2], ids[1]];
        let records = all(&store, &CustomerFilter::default(), Some(&only));
        assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), [ids[1]]);
        assert!(all(&store, &vip, Some(&[ids[1]])).is_empty());
    }

    #[test]
    fn phone_labels_are_counted_with_their_most_numbers_per_customer() {
        let (store, ids) = book();
        let label = |label: &str, most, numbers| PhoneLabel {
            label: label.to_owned(),
            most,
            numbers,
        };
        let live = store
            .phone_labels_where(&CustomerFilter::default(), None)
            .unwrap();
        assert_eq!(
            live,
            [
                label("휴대폰", 2, 2),
                label("携帯", 1, 1),
                label("집", 1, 1),
            ]
        );
        let bin = CustomerFilter {
            in_recycle_bin: true,
            ..CustomerFilter::default()
        };
        assert_eq!(
            store.phone_labels_where(&bin, None).unwrap(),
            [label("", 1, 1)]
        );
        let only = store
            .phone_labels_where(&CustomerFilter::default(), Some(&[ids[1]]))
            .unwrap();
        assert_eq!(only, [label("携帯", 1, 1)]);
    }

    #[test]
    fn chunks_follow_one_another_without_gaps() {
        let mut store = store();
        let customers: Vec<_> = (0..CHUNK * 2 + 7)
            .map(|index| {
                // Records are reused from chunk to chunk: what one customer
                // has, the next may not.
                CustomerDraft {
                    name: format!("고객{index}"),
                    email: if index % 2 == 0 {
                        format!("c{index}@example.com")
                    } else {
                        String::new()
                    },
                    memo: "메모".repeat(index % 3),
                    phones: (0..index % 3)
                        .map(|n| phone("", &format!("010-{:04}-{:04}", 1000 + n, index % 10_000)))
                        .collect(),
                    ..CustomerDraft::default()
                }
                .check(Region::KOREA, &[])
                .unwrap()
            })
            .collect();
        let ids = store.insert_customers(&customers).unwrap();
        // Every third one in the bin: chunks of live ones skip over them.
        let binned: Vec<CustomerId> = ids.iter().copied().step_by(3).collect();
        store.delete_customers(&binned).unwrap();
        let whole = |record: &CustomerRecord| {
            let index: usize = record.name.trim_start_matches("고객").parse().unwrap();
            assert_eq!(record.id, ids[index]);
            assert_eq!(
                record.email.is_some(),
                index.is_multiple_of(2),
                "{record:?}"
            );
            assert_eq!(record.memo, "메모".repeat(index % 3));
            assert_eq!(record.phones.len(), index % 3);
        };
        let records = all(&store, &CustomerFilter::default(), None);
        assert_eq!(records.len(), ids.len() - binned.len());
        assert!(records.windows(2).all(|pair| pair[0].id < pair[1].id));
        records.iter().for_each(whole);
        let only: Vec<CustomerId> = ids.iter().rev().copied().collect();
        let records = all(&store, &CustomerFilter::default(), Some(&only));
        assert_eq!(records.len(), ids.len() - binned.len());
        records.iter().for_each(whole);
    }
}
