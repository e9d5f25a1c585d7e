//! Merging two customers who are one person, and taking a merge back.
//!
//! A merge folds `other` into `keep` in one transaction: for every built-in
//! and user-defined field the two differ in, the kept card takes the value
//! chosen (by default its own, or other's where its own is empty); it gets
//! every number of other's it lacks (compared by canonical key), every
//! group and tag; other's notes, calls and messages (sent and received) move
//! to it; other goes to the recycle bin, recorded as merged into keep.
//!
//! The `customer_merges` row keeps the kept card as it was (its row, numbers
//! and field values, column by column), the groups and tags added and the
//! ids of the rows moved, so [`Store::undo_merge`] puts both back exactly.
//! An undo is refused once either customer changed after the merge (their
//! `updated_at_ms` moved, or other left the bin): putting the old card back
//! then would throw that change away.

use std::collections::{BTreeMap, HashSet};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{OptionalExtension as _, Transaction, params, params_from_iter};
use serde_json::{Map, Value as JsonValue};

use super::error::{Error, Result, found};
use super::{Store, audit, history, now_ms, search};
use crate::domain::history::{Change, ChangeKind};
use crate::domain::{AuditAction, Customer, CustomerId, MergedInto, Timestamp};

/// Which customer's value a field takes in a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The customer who stays.
    Keep,
    /// The customer merged into it.
    Other,
}

/// The built-in fields a merge compares: key, column, and whether a value
/// of 0 counts as empty (the default then takes the other's value).
const BUILT_IN: &[(&str, &str)] = &[
    ("name", "name"),
    ("company", "company"),
    ("email", "email"),
    ("address", "address"),
    ("country", "country"),
    ("status", "status_id"),
    ("source", "source"),
    ("assignee", "assignee_id"),
    ("memo", "memo"),
    ("ad_opt_out", "ad_opt_out_at_ms"),
    ("ad_night_consent", "ad_night_consent"),
];

/// A field two customers differ in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldConflict {
    /// The built-in key (`name`, `email`, `status`…) or the user-defined
    /// field's key; what `--take KEY=other` names.
    pub key: String,
    /// The user-defined field's label; `None` for a built-in field (the
    /// window names those in its own language).
    pub label: Option<String>,
    /// The kept customer's value as shown (empty when it has none).
    pub keep: String,
    /// The other customer's value as shown.
    pub other: String,
    /// Whose value wins unless chosen otherwise.
    pub default: Side,
}

/// What merging two customers would do.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MergePlan {
    /// The customer who stays, as it is now.
    pub keep: Customer,
    /// The customer merged into it, as it is now.
    pub other: Customer,
    /// Every field they differ in, built-in fields first.
    pub conflicts: Vec<FieldConflict>,
    /// The numbers the kept customer has afterwards (as shown).
    pub phones: Vec<String>,
    /// Its groups afterwards.
    pub groups: Vec<String>,
    /// Its tags afterwards.
    pub tags: Vec<String>,
    /// Its notes afterwards.
    pub notes: u64,
    /// Its calls afterwards.
    pub calls: u64,
    /// Its messages (sent and received) afterwards.
    pub messages: u64,
}

/// A merge as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MergeRecord {
    /// Its number (`ringdesk merge --undo ID`).
    pub id: i64,
    /// The customer who stayed.
    pub keep: CustomerId,
    /// The customer merged into it (in the recycle bin).
    pub other: CustomerId,
    /// When.
    pub at: Timestamp,
    /// The fields that took the other customer's value.
    pub taken: Vec<String>,
}

/// The rows a merge added to the kept customer or moved to it.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Moved {
    groups: Vec<i64>,
    tags: Vec<i64>,
    notes: Vec<i64>,
    calls: Vec<i64>,
    messages: Vec<i64>,
    received: Vec<i64>,
}

/// The tables whose rows move from other to keep, with their `Moved` slot.
const MOVED_TABLES: [&str; 4] = ["notes", "calls", "messages", "received_messages"];

impl Moved {
    fn ids_mut(&mut self, table: &str) -> &mut Vec<i64> {
        match table {
            "notes" => &mut self.notes,
            "calls" => &mut self.calls,
            "messages" => &mut self.messages,
            _ => &mut self.received,
        }
    }
}

impl Store {
    /// What merging `other` into `keep` would do, with every field they
    /// differ in and its default.
    ///
    /// # Errors
    /// As [`Store::merge_customers`] refuses; otherwise on a database failure.
    pub fn merge_plan(&self, keep: CustomerId, other: CustomerId) -> Result<MergePlan> {
        let tx = self.conn.unchecked_transaction()?;
        let plan = plan_in(self, &tx, keep, other)?;
        tx.finish()?;
        Ok(plan)
    }

    /// Merges `other` into `keep` in one transaction (see the module doc);
    /// `choices` names the fields (by [`FieldConflict::key`]) and whose
    /// value each takes, the rest take their default.
    ///
    /// # Errors
    /// [`Error::MergeRefused`] when both are one customer, either is in the
    /// recycle bin, or a choice names no field; [`Error::NotFound`] for an
    /// unknown customer. Nothing changes then.
    pub fn merge_customers(
        &mut self,
        keep: CustomerId,
        other: CustomerId,
        choices: &BTreeMap<String, Side>,
    ) -> Result<MergeRecord> {
        let plan = self.merge_plan(keep, other)?;
        let defs = self.field_defs()?;
        for key in choices.keys() {
            let known = BUILT_IN.iter().any(|(name, _)| name == key)
                || defs.iter().any(|def| def.key == *key);
            if !known {
                return Err(Error::MergeRefused(format!(
                    "there is no field '{key}' (built-in: {}, or a user-defined field's key)",
                    BUILT_IN
                        .iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let actor = self.actor().cloned();
        let tx = self.conn.transaction()?;
        let keep_before = card_json(&tx, keep)?;
        let other_updated: i64 = tx.query_row(
            "SELECT updated_at_ms FROM customers WHERE id = ?1",
            [other.0],
            |row| row.get(0),
        )?;
        let now = now_ms();
        let taken = apply_choices(&tx, &plan, choices, &defs)?;
        add_numbers(&tx, keep, other)?;
        let moved = move_rows(&tx, keep, other)?;
        tx.execute(
            "UPDATE customers SET updated_at_ms = ?2 WHERE id = ?1",
            [keep.0, now],
        )?;
        tx.execute(
            "UPDATE customers SET deleted_at_ms = ?2, updated_at_ms = ?2 WHERE id = ?1",
            [other.0, now],
        )?;
        search::reindex(&tx, keep)?;
        tx.execute(
            "INSERT INTO customer_merges (keep_id, other_id, at_ms, keep_before_json,
                 other_before_json, moved_json, choices_json, keep_after_updated_ms,
                 other_after_updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3, ?3)",
            params![
                keep.0,
                other.0,
                now,
                keep_before.to_string(),
                serde_json::json!({ "updated_at_ms": other_updated }).to_string(),
                serde_json::to_string(&moved).unwrap_or_default(),
                serde_json::to_string(&taken).unwrap_or_default(),
            ],
        )?;
        let id = tx.last_insert_rowid();
        history::record(
            &tx,
            keep,
            actor.as_ref(),
            &Change::merged(other, &plan.other.name),
        )?;
        history::record(&tx, other, actor.as_ref(), &Change::of(ChangeKind::Deleted))?;
        audit::record(
            &tx,
            actor.as_ref(),
            AuditAction::Merge,
            &format!("#{} ← #{}", keep.0, other.0),
            &format!("merge #{id}"),
        )?;
        tx.commit()?;
        Ok(MergeRecord {
            id,
            keep,
            other,
            at: Timestamp(now),
            taken,
        })
    }

    /// The last merge not undone, if any.
    ///
    /// # Errors
    /// On a database failure.
    pub fn last_merge(&self) -> Result<Option<MergeRecord>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(id) FROM customer_merges WHERE undone_at_ms IS NULL",
                [],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        id.map(|id| self.merge(id)).transpose()
    }

    /// Merge `id` as recorded.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such merge.
    pub fn merge(&self, id: i64) -> Result<MergeRecord> {
        found(
            self.conn.query_row(
                "SELECT keep_id, other_id, at_ms, choices_json FROM customer_merges WHERE id = ?1",
                [id],
                |row| {
                    let choices: String = row.get(3)?;
                    let taken = serde_json::from_str(&choices).unwrap_or_default();
                    Ok(MergeRecord {
                        id,
                        keep: CustomerId(row.get(0)?),
                        other: CustomerId(row.get(1)?),
                        at: Timestamp(row.get(2)?),
                        taken,
                    })
                },
            ),
            "merge",
            id,
        )
    }

    /// The customer `id` was merged into, while that merge is not undone.
    ///
    /// # Errors
    /// On a database failure.
    pub fn merged_into(&self, id: CustomerId) -> Result<Option<CustomerId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT keep_id FROM customer_merges WHERE other_id = ?1 AND undone_at_ms IS NULL
                 ORDER BY id DESC LIMIT 1",
                [id.0],
                |row| row.get(0).map(CustomerId),
            )
            .optional()?)
    }

    /// The customer `id` was merged into, with their name now, while that
    /// merge is not undone: what the recycle bin says of a merged customer.
    ///
    /// # Errors
    /// On a database failure.
    pub fn merged_into_customer(&self, id: CustomerId) -> Result<Option<MergedInto>> {
        let Some(kept) = self.merged_into(id)? else {
            return Ok(None);
        };
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM customers WHERE id = ?1",
                [kept.0],
                |row| row.get(0),
            )
            .optional()?;
        Ok(Some(MergedInto {
            id: kept,
            name: name.unwrap_or_default(),
        }))
    }

    /// Takes merge `id` back (the last merge not undone when `None`): the
    /// kept card as it was, the other customer out of the recycle bin, the
    /// moved notes, calls and messages back with it. One transaction.
    ///
    /// # Errors
    /// [`Error::MergeRefused`] when there is no merge to undo, it is undone
    /// already, or either customer changed since; nothing changes then.
    pub fn undo_merge(&mut self, id: Option<i64>) -> Result<MergeRecord> {
        let record = match id {
            Some(id) => self.merge(id)?,
            None => self
                .last_merge()?
                .ok_or_else(|| Error::MergeRefused("there is no merge left to undo".to_owned()))?,
        };
        let actor = self.actor().cloned();
        let tx = self.conn.transaction()?;
        let (before, other_before, moved, keep_after, other_after, undone): (
            String,
            String,
            String,
            i64,
            i64,
            Option<i64>,
        ) = tx.query_row(
            "SELECT keep_before_json, other_before_json, moved_json, keep_after_updated_ms,
                    other_after_updated_ms, undone_at_ms
             FROM customer_merges WHERE id = ?1",
            [record.id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            },
        )?;
        if undone.is_some() {
            return Err(Error::MergeRefused(format!(
                "merge {} is undone already",
                record.id
            )));
        }
        unchanged_since(&tx, &record, keep_after, other_after)?;
        let corrupt = |error: serde_json::Error| Error::Corrupt {
            what: format!("merge {}'s record: {error}", record.id),
        };
        let before: JsonValue = serde_json::from_str(&before).map_err(corrupt)?;
        let other_before: JsonValue = serde_json::from_str(&other_before).map_err(corrupt)?;
        let moved: Moved = serde_json::from_str(&moved).map_err(corrupt)?;
        restore_card(&tx, record.keep, &before)?;
        move_back(&tx, &record, &moved)?;
        tx.execute(
            "UPDATE customers SET deleted_at_ms = NULL, updated_at_ms = ?2 WHERE id = ?1",
            params![record.other.0, other_before["updated_at_ms"].as_i64()],
        )?;
        search::reindex(&tx, record.keep)?;
        tx.execute(
            "UPDATE customer_merges SET undone_at_ms = ?2 WHERE id = ?1",
            [record.id, now_ms()],
        )?;
        let other_name: String = tx.query_row(
            "SELECT name FROM customers WHERE id = ?1",
            [record.other.0],
            |row| row.get(0),
        )?;
        history::record(
            &tx,
            record.keep,
            actor.as_ref(),
            &Change::unmerged(record.other, &other_name),
        )?;
        history::record(
            &tx,
            record.other,
            actor.as_ref(),
            &Change::of(ChangeKind::Restored),
        )?;
        audit::record(
            &tx,
            actor.as_ref(),
            AuditAction::MergeUndone,
            &format!("#{} ← #{}", record.keep.0, record.other.0),
            &format!("merge #{}", record.id),
        )?;
        tx.commit()?;
        Ok(record)
    }
}

/// Gives `keep` the value of `other` in each conflicting field `choices`
/// (or the default) gives to the other side; returns those fields' keys.
fn apply_choices(
    tx: &Transaction<'_>,
    plan: &MergePlan,
    choices: &BTreeMap<String, Side>,
    defs: &[crate::domain::FieldDef],
) -> Result<Vec<String>> {
    let (keep, other) = (plan.keep.id, plan.other.id);
    let mut taken = Vec::new();
    for conflict in &plan.conflicts {
        let side = choices
            .get(&conflict.key)
            .copied()
            .unwrap_or(conflict.default);
        if side == Side::Keep {
            continue;
        }
        taken.push(conflict.key.clone());
        if let Some((_, column)) = BUILT_IN.iter().find(|(name, _)| *name == conflict.key) {
            tx.execute(
                &format!(
                    "UPDATE customers SET {column} = (SELECT {column} FROM customers
                         WHERE id = ?2) WHERE id = ?1"
                ),
                [keep.0, other.0],
            )?;
        } else if let Some(def) = defs.iter().find(|def| def.key == conflict.key) {
            tx.execute(
                "DELETE FROM field_values WHERE customer_id = ?1 AND field_id = ?2",
                [keep.0, def.id.0],
            )?;
            tx.execute(
                "INSERT INTO field_values (customer_id, field_id, value)
                     SELECT ?1, field_id, value FROM field_values
                     WHERE customer_id = ?2 AND field_id = ?3",
                [keep.0, other.0, def.id.0],
            )?;
        }
    }
    Ok(taken)
}

/// Adds other's groups and tags to `keep` and moves its notes, calls and
/// messages there; returns what was added and moved.
fn move_rows(tx: &Transaction<'_>, keep: CustomerId, other: CustomerId) -> Result<Moved> {
    let mut moved = Moved {
        groups: ids_of(
            tx,
            "SELECT group_id FROM group_members WHERE customer_id = ?2
                 AND group_id NOT IN (SELECT group_id FROM group_members WHERE customer_id = ?1)",
            keep,
            other,
        )?,
        tags: ids_of(
            tx,
            "SELECT tag_id FROM customer_tags WHERE customer_id = ?2
                 AND tag_id NOT IN (SELECT tag_id FROM customer_tags WHERE customer_id = ?1)",
            keep,
            other,
        )?,
        ..Moved::default()
    };
    for group in &moved.groups {
        tx.execute(
            "INSERT INTO group_members (group_id, customer_id) VALUES (?1, ?2)",
            [*group, keep.0],
        )?;
    }
    for tag in &moved.tags {
        tx.execute(
            "INSERT INTO customer_tags (customer_id, tag_id) VALUES (?1, ?2)",
            [keep.0, *tag],
        )?;
    }
    for table in MOVED_TABLES {
        let ids: Vec<i64> = tx
            .prepare(&format!(
                "SELECT id FROM {table} WHERE customer_id = ?1 ORDER BY id"
            ))?
            .query_map([other.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute(
            &format!("UPDATE {table} SET customer_id = ?1 WHERE customer_id = ?2"),
            [keep.0, other.0],
        )?;
        *moved.ids_mut(table) = ids;
    }
    Ok(moved)
}

/// Refuses the undo of `record` when either customer changed after it.
fn unchanged_since(
    tx: &Transaction<'_>,
    record: &MergeRecord,
    keep_after: i64,
    other_after: i64,
) -> Result<()> {
    let state = |id: CustomerId| -> Result<Option<(i64, Option<i64>)>> {
        Ok(tx
            .query_row(
                "SELECT updated_at_ms, deleted_at_ms FROM customers WHERE id = ?1",
                [id.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    };
    match state(record.keep)? {
        Some((updated, None)) if updated == keep_after => {}
        Some((_, Some(_))) => {
            return Err(changed_since(record, record.keep, "is in the recycle bin"));
        }
        Some(_) => return Err(changed_since(record, record.keep, "was changed")),
        None => return Err(changed_since(record, record.keep, "was deleted for good")),
    }
    match state(record.other)? {
        Some((updated, Some(_))) if updated == other_after => {}
        Some((_, None)) => {
            return Err(changed_since(
                record,
                record.other,
                "was taken out of the recycle bin",
            ));
        }
        Some(_) => return Err(changed_since(record, record.other, "was changed")),
        None => {
            return Err(changed_since(
                record,
                record.other,
                "was removed from the recycle bin",
            ));
        }
    }
    Ok(())
}

/// Takes the added groups and tags off the kept customer and moves the
/// moved rows back to the other.
fn move_back(tx: &Transaction<'_>, record: &MergeRecord, moved: &Moved) -> Result<()> {
    for group in &moved.groups {
        tx.execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND customer_id = ?2",
            [*group, record.keep.0],
        )?;
    }
    for tag in &moved.tags {
        tx.execute(
            "DELETE FROM customer_tags WHERE customer_id = ?1 AND tag_id = ?2",
            [record.keep.0, *tag],
        )?;
    }
    for table in MOVED_TABLES {
        let ids = match table {
            "notes" => &moved.notes,
            "calls" => &moved.calls,
            "messages" => &moved.messages,
            _ => &moved.received,
        };
        let mut back = tx.prepare(&format!(
            "UPDATE {table} SET customer_id = ?1 WHERE id = ?2 AND customer_id = ?3"
        ))?;
        for id in ids {
            back.execute([record.other.0, *id, record.keep.0])?;
        }
    }
    Ok(())
}

fn changed_since(record: &MergeRecord, customer: CustomerId, what: &str) -> Error {
    Error::MergeRefused(format!(
        "merge {} cannot be undone: customer {customer} {what} after the merge; change the cards by hand instead",
        record.id
    ))
}

/// The plan of merging `other` into `keep`, read inside `tx`.
fn plan_in(
    store: &Store,
    tx: &Transaction<'_>,
    keep: CustomerId,
    other: CustomerId,
) -> Result<MergePlan> {
    if keep == other {
        return Err(Error::MergeRefused(format!(
            "customer {keep} cannot be merged with itself"
        )));
    }
    let keep_card = store.customer(keep)?;
    let other_card = store.customer(other)?;
    for card in [&keep_card, &other_card] {
        if card.deleted_at.is_some() {
            return Err(Error::MergeRefused(format!(
                "customer {} ({}) is in the recycle bin; restore it first",
                card.id, card.name
            )));
        }
    }
    let mut conflicts = built_in_conflicts(store, tx, keep, other)?;
    for def in store.field_defs()? {
        let value_of = |card: &Customer| {
            card.fields
                .iter()
                .find(|field| field.key == def.key)
                .map(|field| field.value.to_string())
                .unwrap_or_default()
        };
        let (mine, theirs) = (value_of(&keep_card), value_of(&other_card));
        if mine == theirs {
            continue;
        }
        conflicts.push(FieldConflict {
            key: def.key.clone(),
            label: Some(def.label.clone()),
            default: if mine.is_empty() {
                Side::Other
            } else {
                Side::Keep
            },
            keep: mine,
            other: theirs,
        });
    }
    let mut keys = HashSet::new();
    let mut phones = Vec::new();
    for phone in keep_card.phones.iter().chain(&other_card.phones) {
        if keys.insert(phone.key.clone()) {
            phones.push(phone.display.clone());
        }
    }
    let union = |mine: &[String], theirs: &[String]| {
        let mut all = mine.to_vec();
        for name in theirs {
            if !all.contains(name) {
                all.push(name.clone());
            }
        }
        all
    };
    let count = |table: &str| -> Result<u64> {
        Ok(tx.query_row(
            &format!("SELECT count(*) FROM {table} WHERE customer_id IN (?1, ?2)"),
            [keep.0, other.0],
            |row| row.get(0),
        )?)
    };
    Ok(MergePlan {
        groups: union(&keep_card.groups, &other_card.groups),
        tags: union(&keep_card.tags, &other_card.tags),
        phones,
        notes: tx.query_row(
            "SELECT count(*) FROM notes WHERE customer_id IN (?1, ?2) AND deleted_at_ms IS NULL",
            [keep.0, other.0],
            |row| row.get(0),
        )?,
        calls: count("calls")?,
        messages: count("messages")? + count("received_messages")?,
        conflicts,
        keep: keep_card,
        other: other_card,
    })
}

/// The built-in fields `keep` and `other` differ in.
fn built_in_conflicts(
    store: &Store,
    tx: &Transaction<'_>,
    keep: CustomerId,
    other: CustomerId,
) -> Result<Vec<FieldConflict>> {
    let mut conflicts = Vec::new();
    let keep_row = row_json(tx, "SELECT * FROM customers WHERE id = ?1", keep)?;
    let other_row = row_json(tx, "SELECT * FROM customers WHERE id = ?1", other)?;
    for (key, column) in BUILT_IN {
        let (Some(mine), Some(theirs)) = (keep_row.get(*column), other_row.get(*column)) else {
            continue;
        };
        if same(mine, theirs) {
            continue;
        }
        let shown = |value: &JsonValue| shown_built_in(store, key, value);
        let default = if *key == "ad_night_consent" || !empty(mine) {
            // Night-time consent is never taken from another card unless chosen.
            Side::Keep
        } else {
            Side::Other
        };
        conflicts.push(FieldConflict {
            key: (*key).to_owned(),
            label: None,
            keep: shown(mine)?,
            other: shown(theirs)?,
            default,
        });
    }
    Ok(conflicts)
}

/// Two stored values as equal (text compared as it is).
fn same(a: &JsonValue, b: &JsonValue) -> bool {
    (empty(a) && empty(b)) || a == b
}

/// No value: NULL, empty text (or blanks).
fn empty(value: &JsonValue) -> bool {
    match value {
        JsonValue::Null => true,
        JsonValue::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// A built-in field's stored value as shown: names for ids, the date of an
/// opt-out, ✔ for a consent.
fn shown_built_in(store: &Store, key: &str, value: &JsonValue) -> Result<String> {
    Ok(match (key, value) {
        (_, JsonValue::Null) => String::new(),
        ("status", JsonValue::Number(id)) => store
            .statuses()?
            .into_iter()
            .find(|status| Some(status.id.0) == id.as_i64())
            .map(|status| status.name)
            .unwrap_or_default(),
        ("assignee", JsonValue::Number(id)) => match id.as_i64() {
            Some(id) => store
                .user(crate::domain::UserId(id))
                .map_or_else(|_| id.to_string(), |user| user.display_name),
            None => String::new(),
        },
        ("ad_opt_out", JsonValue::Number(ms)) => {
            let date = Timestamp(ms.as_i64().unwrap_or_default()).to_rfc3339();
            format!("✔ {}", date.get(..10).unwrap_or(&date))
        }
        ("ad_night_consent", JsonValue::Number(yes)) => {
            if yes.as_i64() == Some(1) {
                "✔".to_owned()
            } else {
                String::new()
            }
        }
        (_, JsonValue::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    })
}

/// Appends to `keep` the numbers of `other` whose canonical key it lacks.
fn add_numbers(tx: &Transaction<'_>, keep: CustomerId, other: CustomerId) -> Result<()> {
    let mut keys: HashSet<String> = tx
        .prepare("SELECT phone_key FROM customer_phones WHERE customer_id = ?1")?
        .query_map([keep.0], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut position: i64 = tx.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM customer_phones WHERE customer_id = ?1",
        [keep.0],
        |row| row.get(0),
    )?;
    let theirs: Vec<(i64, String)> = tx
        .prepare(
            "SELECT position, phone_key FROM customer_phones WHERE customer_id = ?1
             ORDER BY position",
        )?
        .query_map([other.0], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (their_position, key) in theirs {
        if !keys.insert(key) {
            continue;
        }
        tx.execute(
            "INSERT INTO customer_phones
                 (customer_id, position, label, raw, display, phone_key, digits, verified, mobile)
             SELECT ?1, ?2, label, raw, display, phone_key, digits, verified, mobile
             FROM customer_phones WHERE customer_id = ?3 AND position = ?4",
            [keep.0, position, other.0, their_position],
        )?;
        position += 1;
    }
    Ok(())
}

/// The ids a query with `?1` = keep and `?2` = other gives.
fn ids_of(
    tx: &Transaction<'_>,
    sql: &str,
    keep: CustomerId,
    other: CustomerId,
) -> Result<Vec<i64>> {
    Ok(tx
        .prepare(sql)?
        .query_map([keep.0, other.0], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A stored value as JSON, keeping its type (a blob as an array of bytes).
fn to_json(value: ValueRef<'_>) -> JsonValue {
    match value {
        ValueRef::Null => JsonValue::Null,
        ValueRef::Integer(n) => JsonValue::from(n),
        ValueRef::Real(x) => JsonValue::from(x),
        ValueRef::Text(text) => JsonValue::from(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(bytes) => JsonValue::from(bytes.to_vec()),
    }
}

/// [`to_json`] back.
fn from_json(value: &JsonValue) -> SqlValue {
    match value {
        JsonValue::Null => SqlValue::Null,
        JsonValue::Bool(yes) => SqlValue::Integer(i64::from(*yes)),
        JsonValue::Number(n) => n.as_i64().map_or_else(
            || SqlValue::Real(n.as_f64().unwrap_or_default()),
            SqlValue::Integer,
        ),
        JsonValue::String(text) => SqlValue::Text(text.clone()),
        JsonValue::Array(bytes) => SqlValue::Blob(
            bytes
                .iter()
                .map(|byte| u8::try_from(byte.as_u64().unwrap_or_default()).unwrap_or_default())
                .collect(),
        ),
        JsonValue::Object(_) => SqlValue::Text(value.to_string()),
    }
}

/// Every row `sql` gives for `id`, each as an object of column → value.
fn rows_json(
    tx: &Transaction<'_>,
    sql: &str,
    id: CustomerId,
) -> Result<Vec<Map<String, JsonValue>>> {
    let mut statement = tx.prepare(sql)?;
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query([id.0])?;
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        let mut object = Map::new();
        for (index, name) in names.iter().enumerate() {
            object.insert(name.clone(), to_json(row.get_ref(index)?));
        }
        all.push(object);
    }
    Ok(all)
}

/// The one row `sql` gives for `id`.
fn row_json(tx: &Transaction<'_>, sql: &str, id: CustomerId) -> Result<Map<String, JsonValue>> {
    rows_json(tx, sql, id)?.pop().ok_or(Error::NotFound {
        what: "customer",
        id: id.0,
    })
}

/// A customer's card as stored: its row, numbers and field values, every
/// column, so a restore needs no parsing and loses nothing.
fn card_json(tx: &Transaction<'_>, id: CustomerId) -> Result<JsonValue> {
    let customer = row_json(tx, "SELECT * FROM customers WHERE id = ?1", id)?;
    let phones = rows_json(
        tx,
        "SELECT * FROM customer_phones WHERE customer_id = ?1 ORDER BY position",
        id,
    )?;
    let fields = rows_json(tx, "SELECT * FROM field_values WHERE customer_id = ?1", id)?;
    Ok(serde_json::json!({ "customer": customer, "phones": phones, "fields": fields }))
}

/// Puts back a card [`card_json`] took.
fn restore_card(tx: &Transaction<'_>, id: CustomerId, card: &JsonValue) -> Result<()> {
    let corrupt = || Error::Corrupt {
        what: format!("the merge record of customer {id}"),
    };
    let customer = card["customer"].as_object().ok_or_else(corrupt)?;
    let columns: Vec<(&String, &JsonValue)> =
        customer.iter().filter(|(name, _)| *name != "id").collect();
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(index, (name, _))| format!("\"{name}\" = ?{}", index + 2))
        .collect();
    let mut values = vec![SqlValue::Integer(id.0)];
    values.extend(columns.iter().map(|(_, value)| from_json(value)));
    tx.execute(
        &format!("UPDATE customers SET {} WHERE id = ?1", sets.join(", ")),
        params_from_iter(values),
    )?;
    for (table, key) in [("customer_phones", "phones"), ("field_values", "fields")] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE customer_id = ?1"),
            [id.0],
        )?;
        for row in card[key].as_array().ok_or_else(corrupt)? {
            let row = row.as_object().ok_or_else(corrupt)?;
            let names: Vec<String> = row.keys().map(|name| format!("\"{name}\"")).collect();
            let marks: Vec<String> = (1..=row.len()).map(|index| format!("?{index}")).collect();
            tx.execute(
                &format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    marks.join(", ")
                ),
                params_from_iter(row.values().map(from_json)),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::domain::search::SearchQuery;
    use crate::domain::{CustomerDraft, FieldKind, NewFieldDef, PhoneDraft, Region};
    use crate::store::Page;
    use crate::store::test_support::store;

    fn draft(name: &str, company: &str, email: &str, numbers: &[&str]) -> CustomerDraft {
        CustomerDraft {
            name: name.into(),
            company: company.into(),
            email: email.into(),
            phones: numbers
                .iter()
                .map(|number| PhoneDraft {
                    label: "휴대폰".into(),
                    number: (*number).into(),
                })
                .collect(),
            ..CustomerDraft::default()
        }
    }

    fn create(store: &mut Store, draft: &CustomerDraft) -> CustomerId {
        let defs = store.field_defs().unwrap();
        store
            .create_customer(&draft.check(Region::KOREA, &defs).unwrap())
            .unwrap()
    }

    /// Two customers who are one person, with a note, a call and a message each.
    fn pair(store: &mut Store) -> (CustomerId, CustomerId) {
        if store.field_defs().unwrap().is_empty() {
            store
                .create_field(&NewFieldDef::new("grade", "등급", FieldKind::Text).unwrap())
                .unwrap();
        }
        let keep = create(
            store,
            &CustomerDraft {
                address: "서울 강남구 테헤란로 1".into(),
                groups: vec!["VIP".into()],
                tags: vec!["재구매".into()],
                fields: vec![("grade".into(), "A".into())],
                ..draft(
                    "김민준",
                    "한빛상사",
                    "mj.kim@hanbit.co.kr",
                    &["010-1234-5678"],
                )
            },
        );
        let other = create(
            store,
            &CustomerDraft {
                memo: "오후 통화 선호".into(),
                groups: vec!["부산지점".into()],
                tags: vec!["재구매".into(), "견적".into()],
                fields: vec![("grade".into(), "B".into())],
                ..draft(
                    "김민준",
                    "(주)한빛상사",
                    "minjun@naver.com",
                    &["010-1234-5678", "02-555-0101"],
                )
            },
        );
        for (id, text) in [(keep, "첫 상담"), (other, "두 번째 상담")] {
            store
                .add_note(id, None, &crate::domain::note::NoteBody::new(text).unwrap())
                .unwrap();
            store
                .conn
                .execute(
                    "INSERT INTO calls (direction, number_raw, phone_key, customer_id, started_at_ms)
                     VALUES ('in', '010-1234-5678', '+821012345678', ?1, 1)",
                    [id.0],
                )
                .unwrap();
            store
                .conn
                .execute(
                    "INSERT INTO messages (customer_id, to_raw, to_key, from_key, kind, body,
                         created_at_ms, updated_at_ms)
                     VALUES (?1, '010-1234-5678', '+821012345678', '', 'sms', '안내', 1, 1)",
                    [id.0],
                )
                .unwrap();
        }
        store
            .conn
            .execute(
                "INSERT INTO received_messages (from_raw, from_key, body, customer_id,
                     received_at_ms, stored_at_ms)
                 VALUES ('010-1234-5678', '+821012345678', '네', ?1, ?1, 1)",
                [other.0],
            )
            .unwrap();
        (keep, other)
    }

    /// Everything about the store's customers, their rows and their search
    /// entries, as one text to compare before and after.
    fn everything(store: &Store) -> String {
        let mut all = String::new();
        for sql in [
            "SELECT * FROM customers ORDER BY id",
            "SELECT * FROM customer_phones ORDER BY customer_id, position",
            "SELECT * FROM group_members ORDER BY customer_id, group_id",
            "SELECT * FROM customer_tags ORDER BY customer_id, tag_id",
            "SELECT * FROM field_values ORDER BY customer_id, field_id",
            "SELECT id, customer_id FROM notes ORDER BY id",
            "SELECT id, customer_id FROM calls ORDER BY id",
            "SELECT id, customer_id FROM messages ORDER BY id",
            "SELECT id, customer_id FROM received_messages ORDER BY id",
            "SELECT rowid, name, company, email, memo FROM customer_fts ORDER BY rowid",
            "SELECT rowid, tokens FROM customer_tokens ORDER BY rowid",
        ] {
            let mut statement = store.conn.prepare(sql).unwrap();
            let columns = statement.column_count();
            let mut rows = statement.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                for index in 0..columns {
                    write!(all, "{:?}|", row.get_ref(index).unwrap()).unwrap();
                }
                all.push('\n');
            }
            all.push_str("--\n");
        }
        all
    }

    #[test]
    fn the_plan_lists_the_conflicts_with_their_defaults_and_keeps_everything() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        let plan = store.merge_plan(keep, other).unwrap();
        let conflicts: Vec<(&str, &str, &str, Side)> = plan
            .conflicts
            .iter()
            .map(|c| (c.key.as_str(), c.keep.as_str(), c.other.as_str(), c.default))
            .collect();
        assert_eq!(
            conflicts,
            vec![
                ("company", "한빛상사", "(주)한빛상사", Side::Keep),
                (
                    "email",
                    "mj.kim@hanbit.co.kr",
                    "minjun@naver.com",
                    Side::Keep
                ),
                ("address", "서울 강남구 테헤란로 1", "", Side::Keep),
                ("memo", "", "오후 통화 선호", Side::Other),
                ("grade", "A", "B", Side::Keep),
            ]
        );
        assert_eq!(plan.conflicts[4].label.as_deref(), Some("등급"));
        assert_eq!(plan.phones, vec!["010-1234-5678", "02-555-0101"]);
        assert_eq!(plan.groups, vec!["VIP", "부산지점"]);
        assert_eq!(plan.tags, vec!["재구매", "견적"]);
        assert_eq!((plan.notes, plan.calls, plan.messages), (2, 2, 3));
    }

    #[test]
    fn a_merge_keeps_everything_and_honours_the_choices() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        let choices = BTreeMap::from([
            ("email".to_owned(), Side::Other),
            ("grade".to_owned(), Side::Other),
            ("memo".to_owned(), Side::Keep),
        ]);
        let record = store.merge_customers(keep, other, &choices).unwrap();
        assert_eq!((record.keep, record.other), (keep, other));
        assert_eq!(record.taken, vec!["email", "grade"]);

        let card = store.customer(keep).unwrap();
        assert_eq!(card.email.as_deref(), Some("minjun@naver.com"));
        assert_eq!(card.company, "한빛상사");
        assert_eq!(card.address, "서울 강남구 테헤란로 1");
        assert_eq!(card.memo, "");
        assert_eq!(card.fields[0].value.to_string(), "B");
        let numbers: Vec<&str> = card.phones.iter().map(|p| p.display.as_str()).collect();
        assert_eq!(numbers, vec!["010-1234-5678", "02-555-0101"]);
        assert_eq!(card.groups.len(), 2);
        assert_eq!(card.tags.len(), 2);
        assert_eq!(store.notes(keep).unwrap().len(), 2);
        assert_eq!(
            store
                .calls_of_customer(keep, Page::first(10))
                .unwrap()
                .len(),
            2
        );
        for (table, count) in [("messages", 2), ("received_messages", 1)] {
            let found: i64 = store
                .conn
                .query_row(
                    &format!("SELECT count(*) FROM {table} WHERE customer_id = ?1"),
                    [keep.0],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(found, count, "{table}");
        }

        assert!(store.customer(other).unwrap().deleted_at.is_some());
        assert_eq!(store.merged_into(other).unwrap(), Some(keep));
        assert_eq!(
            store.merged_into_customer(other).unwrap(),
            Some(MergedInto {
                id: keep,
                name: card.name.clone()
            })
        );
        assert_eq!(store.merged_into_customer(keep).unwrap(), None);
        assert_eq!(store.count_customers().unwrap(), 1);
        // The kept card is found by the number and e-mail it took.
        let found = store
            .search_customers(&SearchQuery::parse("0255", Region::KOREA), Page::first(10))
            .unwrap();
        assert_eq!(
            found.hits.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![keep]
        );
    }

    #[test]
    fn undo_puts_both_back_exactly() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        let before = everything(&store);
        let choices = BTreeMap::from([
            ("name".to_owned(), Side::Other),
            ("grade".to_owned(), Side::Other),
        ]);
        let merged = store.merge_customers(keep, other, &choices).unwrap();
        assert_ne!(everything(&store), before);
        assert_eq!(store.last_merge().unwrap(), Some(merged.clone()));

        let undone = store.undo_merge(None).unwrap();
        assert_eq!(undone.id, merged.id);
        assert_eq!(everything(&store), before);
        assert_eq!(store.merged_into(other).unwrap(), None);
        assert_eq!(store.last_merge().unwrap(), None);
        assert!(matches!(
            store.undo_merge(None),
            Err(Error::MergeRefused(_))
        ));
        assert!(matches!(
            store.undo_merge(Some(merged.id)),
            Err(Error::MergeRefused(_))
        ));
    }

    #[test]
    fn the_merge_and_its_undo_are_in_both_customers_history() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        store
            .merge_customers(keep, other, &BTreeMap::new())
            .unwrap();
        store.undo_merge(None).unwrap();
        let kinds = |id| -> Vec<ChangeKind> {
            store
                .customer_history(id, Page::first(10))
                .unwrap()
                .into_iter()
                .map(|entry| entry.change.kind)
                .filter(|kind| *kind != ChangeKind::Created)
                .collect()
        };
        let mut kept = kinds(keep);
        kept.sort_by_key(|kind| kind.as_str());
        assert_eq!(kept, [ChangeKind::Merged, ChangeKind::Unmerged]);
        let mut merged = kinds(other);
        merged.sort_by_key(|kind| kind.as_str());
        assert_eq!(merged, [ChangeKind::Deleted, ChangeKind::Restored]);
    }

    #[test]
    fn refusals_change_nothing() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        let third = create(&mut store, &draft("박서연", "", "", &["010-9999-0000"]));
        store.delete_customer(third).unwrap();
        let before = everything(&store);
        let none = BTreeMap::new();
        for (a, b) in [(keep, keep), (keep, third), (third, other)] {
            let error = store.merge_customers(a, b, &none).unwrap_err();
            assert!(matches!(error, Error::MergeRefused(_)), "{error}");
        }
        let unknown = BTreeMap::from([("shoe_size".to_owned(), Side::Other)]);
        let error = store.merge_customers(keep, other, &unknown).unwrap_err();
        assert!(error.to_string().contains("shoe_size"), "{error}");
        assert!(matches!(
            store.merge_customers(keep, CustomerId(999), &none),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.undo_merge(None),
            Err(Error::MergeRefused(_))
        ));
        assert_eq!(everything(&store), before);
    }

    #[test]
    fn undo_is_refused_once_either_customer_changed() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        let merged = store
            .merge_customers(keep, other, &BTreeMap::new())
            .unwrap();
        // The kept card edited after the merge.
        store
            .conn
            .execute(
                "UPDATE customers SET updated_at_ms = updated_at_ms + 1 WHERE id = ?1",
                [keep.0],
            )
            .unwrap();
        let changed = everything(&store);
        let error = store.undo_merge(Some(merged.id)).unwrap_err();
        assert!(error.to_string().contains("was changed"), "{error}");
        assert_eq!(everything(&store), changed);

        // The other taken out of the bin by hand.
        let (keep, other) = pair(&mut store);
        store
            .merge_customers(keep, other, &BTreeMap::new())
            .unwrap();
        store.restore_customer(other).unwrap();
        let error = store.undo_merge(None).unwrap_err();
        assert!(error.to_string().contains("recycle bin"), "{error}");
    }

    #[test]
    fn taking_an_empty_value_clears_it_and_a_purged_other_cannot_come_back() {
        let mut store = store();
        let (keep, other) = pair(&mut store);
        // B has no address: taking B's clears A's.
        let choices = BTreeMap::from([("address".to_owned(), Side::Other)]);
        store.merge_customers(keep, other, &choices).unwrap();
        assert_eq!(store.customer(keep).unwrap().address, "");
        assert_eq!(store.customer(keep).unwrap().memo, "오후 통화 선호");

        store.empty_recycle_bin().unwrap();
        let error = store.undo_merge(None).unwrap_err();
        assert!(
            error.to_string().contains("removed from the recycle bin"),
            "{error}"
        );
        // What moved stays with the kept customer.
        assert_eq!(store.notes(keep).unwrap().len(), 2);
    }
}
