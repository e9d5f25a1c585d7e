//! A customer's history (`customer_history`) and the card's timeline.
//!
//! Every change to a customer is recorded in the transaction that makes it,
//! so history never tells of a change that was rolled back, nor misses one
//! that was kept. The store writes with the actor set by
//! [`Store::set_actor`]; other store code records its own changes (a merge)
//! with [`record`] or a [`Recorder`] inside its transaction.
//!
//! Bulk paths stay cheap: one prepared statement per transaction, one row
//! per customer an import creates, none for demo data or a new file's load.

use rusqlite::{Connection, OptionalExtension as _, Row, Statement, params};

use super::customers::field_value_from_sql;
use super::error::{Result, found};
use super::{Page, Store, now_ms};
use crate::domain::note::Note;
use crate::domain::{
    Actor, CallId, CardText, Change, ChangeKind, CustomerId, HistoryEntry, MessageId, NoteId,
    ReceivedId, TimelineItem, TimelinePage, Timestamp, UserId,
};

const INSERT: &str = "INSERT INTO customer_history
    (customer_id, at_ms, user_id, user_name, kind, field, label, old_text, new_text, import_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// Writes history rows inside one transaction with one prepared statement,
/// all with the same time, actor and import.
pub(crate) struct Recorder<'conn> {
    insert: Statement<'conn>,
    at_ms: i64,
    user_id: Option<i64>,
    user_name: Option<String>,
    import_id: Option<i64>,
}

impl<'conn> Recorder<'conn> {
    /// A recorder for changes made now by `actor`, as part of import
    /// `import_id` if given.
    pub(crate) fn new(
        conn: &'conn Connection,
        actor: Option<&Actor>,
        import_id: Option<i64>,
    ) -> Result<Self> {
        Ok(Self {
            insert: conn.prepare(INSERT)?,
            at_ms: now_ms(),
            user_id: actor.and_then(|actor| actor.id).map(|id| id.0),
            user_name: actor.map(|actor| actor.name.clone()),
            import_id,
        })
    }

    /// Records `change` once for every customer with an id from `first` to
    /// `last`: one statement for a batch just inserted (ids given out in a
    /// row), run inside `SQLite` rather than bound once per customer.
    pub(crate) fn record_range(
        &self,
        conn: &Connection,
        first: CustomerId,
        last: CustomerId,
        change: &Change,
    ) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO customer_history
                 (customer_id, at_ms, user_id, user_name, kind, field, label, old_text, new_text,
                  import_id)
             SELECT id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 FROM customers
             WHERE id BETWEEN ?1 AND ?2",
        )?
        .execute(params![
            first.0,
            last.0,
            self.at_ms,
            self.user_id,
            self.user_name,
            change.kind.as_str(),
            change.field,
            change.label,
            change.old,
            change.new,
            self.import_id,
        ])?;
        Ok(())
    }

    /// Records `change` once for every customer `customers_sql` selects (a
    /// query of one column named `id` whose only parameter, `?1`, is
    /// `param`): one statement for all the members of a group or a tag.
    /// Returns how many were recorded.
    pub(crate) fn record_selected(
        &self,
        conn: &Connection,
        customers_sql: &str,
        param: i64,
        change: &Change,
    ) -> Result<usize> {
        Ok(conn
            .prepare(&format!(
                "INSERT INTO customer_history
                     (customer_id, at_ms, user_id, user_name, kind, field, label, old_text,
                      new_text, import_id)
                 SELECT picked.id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
                 FROM ({customers_sql}) AS picked"
            ))?
            .execute(params![
                param,
                self.at_ms,
                self.user_id,
                self.user_name,
                change.kind.as_str(),
                change.field,
                change.label,
                change.old,
                change.new,
                self.import_id,
            ])?)
    }

    /// Records `change` of `customer`.
    pub(crate) fn record(&mut self, customer: CustomerId, change: &Change) -> Result<()> {
        self.insert.execute(params![
            customer.0,
            self.at_ms,
            self.user_id,
            self.user_name,
            change.kind.as_str(),
            change.field,
            change.label,
            change.old,
            change.new,
            self.import_id,
        ])?;
        Ok(())
    }
}

/// Records one `change` of `customer` by `actor` inside the transaction
/// `conn` belongs to: the door for store code elsewhere (a merge records
/// `Change::merged` on the customer kept). Pass `Store`'s actor
/// ([`Store::actor`]).
///
/// # Errors
/// On a database failure, such as a customer that does not exist.
pub(crate) fn record(
    conn: &Connection,
    customer: CustomerId,
    actor: Option<&Actor>,
    change: &Change,
) -> Result<()> {
    conn.prepare_cached(INSERT)?.execute(params![
        customer.0,
        now_ms(),
        actor.and_then(|actor| actor.id).map(|id| id.0),
        actor.map(|actor| actor.name.as_str()),
        change.kind.as_str(),
        change.field,
        change.label,
        change.old,
        change.new,
        None::<i64>,
    ])?;
    Ok(())
}

/// Customer `id`'s card as history compares it, read inside whatever
/// transaction `conn` is in.
pub(super) fn card_text(conn: &Connection, id: CustomerId) -> Result<CardText> {
    let (built_in, status, assignee) = found(
        conn.prepare_cached(
            "SELECT c.name, c.company, coalesce(c.email, ''), c.address, coalesce(c.country, ''),
                    c.source, c.memo, c.ad_opt_out_at_ms IS NOT NULL, c.ad_night_consent,
                    coalesce(s.name, ''), coalesce(u.display_name, '')
             FROM customers c
             LEFT JOIN customer_statuses s ON s.id = c.status_id
             LEFT JOIN users u ON u.id = c.assignee_id
             WHERE c.id = ?1",
        )?
        .query_row([id.0], |row| {
            let mut built_in = Vec::with_capacity(9);
            for index in 0..7 {
                built_in.push(row.get::<_, String>(index)?);
            }
            for index in 7..9 {
                built_in.push(yes_no(row.get(index)?).to_owned());
            }
            Ok((built_in, row.get(9)?, row.get(10)?))
        }),
        "customer",
        id.0,
    )?;
    let phones = conn
        .prepare_cached(
            "SELECT label, display FROM customer_phones WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id.0], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let fields = conn
        .prepare_cached(
            "SELECT d.key, d.label, d.kind, v.value FROM field_values v
             JOIN field_defs d ON d.id = v.field_id
             WHERE v.customer_id = ?1 AND d.deleted_at_ms IS NULL
             ORDER BY d.position, d.id",
        )?
        .query_map([id.0], |row| {
            let value = field_value_from_sql(&row.get::<_, String>(2)?, row.get_ref(3)?);
            Ok((row.get(0)?, row.get(1)?, value.to_string()))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let names = |sql: &str| -> Result<Vec<String>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([id.0], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    };
    Ok(CardText {
        built_in,
        status,
        assignee,
        phones,
        fields,
        groups: names(
            "SELECT g.name FROM group_members m JOIN customer_groups g ON g.id = m.group_id
             WHERE m.customer_id = ?1 AND g.deleted_at_ms IS NULL ORDER BY g.position, g.name",
        )?,
        tags: names(
            "SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
             WHERE ct.customer_id = ?1 ORDER BY t.name",
        )?,
    })
}

/// How history writes a yes/no field.
fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// Where a timeline row comes from, as the timeline query names it.
const SOURCES: [&str; 5] = ["call", "message", "note", "change", "received"];

impl Store {
    /// Sets who the changes this store writes from now on are recorded as
    /// made by (`None`: nobody known, the command line without a user).
    pub fn set_actor(&mut self, actor: Option<Actor>) {
        self.actor = actor;
    }

    /// Sets the actor from the desk's configured user name (`user.name`):
    /// the book's user with that login or display name when there is one,
    /// otherwise the name alone. An empty name sets none.
    ///
    /// # Errors
    /// On a database failure.
    pub fn set_actor_named(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            self.actor = None;
            return Ok(());
        }
        let user: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, display_name FROM users
                 WHERE deleted_at_ms IS NULL AND (login = ?1 OR display_name = ?1)
                 ORDER BY login = ?1 DESC, id LIMIT 1",
                [name],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        self.actor = Some(match user {
            Some((id, display_name)) => Actor {
                id: Some(UserId(id)),
                name: display_name,
            },
            None => Actor {
                id: None,
                name: name.to_owned(),
            },
        });
        Ok(())
    }

    /// Who changes are recorded as made by.
    #[must_use]
    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// Records one `change` of customer `id` by the current actor, in its
    /// own transaction. Store code that changes a customer records inside
    /// its own transaction with `store::history::record` instead.
    ///
    /// # Errors
    /// On a database failure, such as a customer that does not exist.
    pub fn record_history(&mut self, id: CustomerId, change: &Change) -> Result<()> {
        let tx = self.conn.transaction()?;
        record(&tx, id, self.actor.as_ref(), change)?;
        tx.commit()?;
        Ok(())
    }

    /// A page of customer `id`'s recorded changes, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_history(&self, id: CustomerId, page: Page) -> Result<Vec<HistoryEntry>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{ENTRY_SELECT} WHERE customer_id = ?1 ORDER BY at_ms DESC, id LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(params![id.0, page.limit, page.offset], entry_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A page of customer `id`'s timeline: calls, messages sent and
    /// received, notes and changes to the card in one list, newest first. Changes made at the
    /// same moment (one save) keep the order they were recorded in.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_timeline(&self, id: CustomerId, page: Page) -> Result<TimelinePage> {
        let rows: Vec<(String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT source, id FROM (
                     SELECT 'call' AS source, id, started_at_ms AS at_ms, 0 AS rank
                     FROM calls WHERE customer_id = ?1
                     UNION ALL
                     SELECT 'message', id, created_at_ms, 1 FROM messages WHERE customer_id = ?1
                     UNION ALL
                     SELECT 'received', id, received_at_ms, 1 FROM received_messages
                     WHERE customer_id = ?1
                     UNION ALL
                     SELECT 'note', id, created_at_ms, 2 FROM notes
                     WHERE customer_id = ?1 AND deleted_at_ms IS NULL
                     UNION ALL
                     SELECT 'change', id, at_ms, 3 FROM customer_history WHERE customer_id = ?1)
                 ORDER BY at_ms DESC, rank, CASE WHEN rank = 3 THEN id ELSE -id END
                 LIMIT ?2 OFFSET ?3",
            )?
            .query_map(
                params![id.0, page.limit.saturating_add(1), page.offset],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let has_more = rows.len() > page.limit as usize;
        let mut items = Vec::with_capacity(rows.len());
        for (source, row_id) in rows.into_iter().take(page.limit as usize) {
            items.push(match SOURCES.iter().position(|known| *known == source) {
                Some(0) => TimelineItem::Call(self.call(CallId(row_id))?),
                Some(1) => TimelineItem::Message(self.message(MessageId(row_id))?),
                Some(2) => TimelineItem::Note(self.note(NoteId(row_id))?),
                Some(4) => TimelineItem::Received(self.received(ReceivedId(row_id))?),
                _ => TimelineItem::Change(self.history_entry(row_id)?),
            });
        }
        Ok(TimelinePage {
            offset: page.offset,
            items,
            has_more,
        })
    }

    fn history_entry(&self, id: i64) -> Result<HistoryEntry> {
        found(
            self.conn
                .prepare_cached(&format!("{ENTRY_SELECT} WHERE id = ?1"))?
                .query_row([id], entry_from_row),
            "history entry",
            id,
        )
    }

    fn note(&self, id: NoteId) -> Result<Note> {
        found(
            self.conn
                .prepare_cached(
                    "SELECT id, customer_id, author_id, body, created_at_ms, updated_at_ms
                     FROM notes WHERE id = ?1",
                )?
                .query_row([id.0], |row| {
                    Ok(Note {
                        id: NoteId(row.get(0)?),
                        customer_id: CustomerId(row.get(1)?),
                        author_id: row.get::<_, Option<i64>>(2)?.map(UserId),
                        body: row.get(3)?,
                        created_at: Timestamp(row.get(4)?),
                        updated_at: Timestamp(row.get(5)?),
                    })
                }),
            "note",
            id.0,
        )
    }
}

const ENTRY_SELECT: &str = "SELECT id, customer_id, at_ms, user_id, user_name, kind, field, label,
        old_text, new_text, import_id FROM customer_history";

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let kind: String = row.get(5)?;
    Ok(HistoryEntry {
        id: row.get(0)?,
        customer_id: CustomerId(row.get(1)?),
        at: Timestamp(row.get(2)?),
        user_id: row.get::<_, Option<i64>>(3)?.map(UserId),
        user_name: row.get(4)?,
        change: Change {
            // A kind written by a newer build reads as a field change.
            kind: ChangeKind::parse(&kind).unwrap_or(ChangeKind::Field),
            field: row.get(6)?,
            label: row.get(7)?,
            old: row.get(8)?,
            new: row.get(9)?,
        },
        import_id: row.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::note::NoteBody;
    use crate::domain::{
        CallRecord, CustomerDraft, Direction, FieldKind, MessageKind, NewFieldDef, NewMessage,
        NewUser, Outcome, PhoneDraft, PhoneNumber, Region, Role, StatusName,
    };
    use crate::store::test_support::{add, customer, store};

    fn changes(store: &Store, id: CustomerId) -> Vec<String> {
        let mut entries = store.customer_history(id, Page::first(100)).unwrap();
        // Oldest first, in the order recorded, reads best in a test.
        entries.sort_by_key(|entry| (entry.at, entry.id));
        entries
            .into_iter()
            .map(|entry| {
                let change = entry.change;
                let who = entry.user_name.unwrap_or_else(|| "-".into());
                let label = if change.label.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", change.label)
                };
                let import = entry
                    .import_id
                    .map_or(String::new(), |id| format!(" #{id}"));
                let values = if change.old.is_empty() && change.new.is_empty() {
                    String::new()
                } else {
                    format!(" {} -> {}", change.old, change.new)
                };
                format!(
                    "{who} {} {}{label}{values}{import}",
                    change.kind.as_str(),
                    change.field,
                )
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
            })
            .collect()
    }

    fn user(store: &mut Store, login: &str, name: &str) -> UserId {
        store
            .create_user(&NewUser {
                login: login.into(),
                display_name: name.into(),
                role: Role::Agent,
                extension: None,
            })
            .unwrap()
    }

    fn tick() {
        std::thread::sleep(Duration::from_millis(3));
    }

    #[test]
    fn an_edit_records_one_entry_per_changed_field_with_who() {
        let mut store = store();
        store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
            .unwrap();
        let kim = user(&mut store, "kim", "김상담");
        let lee = user(&mut store, "lee", "이영업");
        let status = store
            .create_status(&StatusName::new("상담중").unwrap())
            .unwrap();
        store.set_actor_named("kim").unwrap();
        assert_eq!(
            store.actor(),
            Some(&Actor {
                id: Some(kim),
                name: "김상담".into()
            })
        );
        let mut draft = CustomerDraft {
            name: "홍길동".into(),
            phones: vec![PhoneDraft {
                label: "휴대폰".into(),
                number: "010-1111-2222".into(),
            }],
            groups: vec!["VIP".into()],
            assignee_id: Some(kim),
            ..CustomerDraft::default()
        };
        let defs = store.field_defs().unwrap();
        let id = store
            .create_customer(&draft.check(Region::KOREA, &defs).unwrap())
            .unwrap();
        // Saved unchanged: nothing recorded.
        store
            .update_customer(id, &draft.check(Region::KOREA, &defs).unwrap())
            .unwrap();
        draft.phones[0].number = "010-3333-4444".into();
        draft.email = "hong@example.com".into();
        draft.groups = vec!["신규".into()];
        draft.tags = vec!["재구매".into()];
        draft.assignee_id = Some(lee);
        draft.status_id = Some(status);
        draft.fields = vec![("visits".into(), "3".into())];
        draft.ad_opt_out = true;
        store.set_actor(None);
        store
            .update_customer(id, &draft.check(Region::KOREA, &defs).unwrap())
            .unwrap();
        assert_eq!(
            changes(&store, id),
            [
                "김상담 created",
                "- field email -> hong@example.com",
                "- field ad_opt_out no -> yes",
                "- status -> 상담중",
                "- assignee 김상담 -> 이영업",
                "- field phone[휴대폰] 010-1111-2222 -> 010-3333-4444",
                "- field field:visits[방문횟수] -> 3",
                "- group_added -> 신규",
                "- group_removed VIP ->",
                "- tag_added -> 재구매",
            ]
        );
        let first = &store.customer_history(id, Page::first(100)).unwrap()[0];
        assert_eq!(first.user_id, None);
    }

    #[test]
    fn a_refused_update_records_nothing() {
        let mut store = store();
        let id = add(&mut store, "김민준", &[]);
        store.delete_customer(id).unwrap();
        assert!(
            store
                .update_customer(id, &customer("김민준2", &[]))
                .is_err()
        );
        assert_eq!(changes(&store, id), ["- created", "- deleted"]);
    }

    #[test]
    fn bulk_changes_are_recorded_per_customer() {
        let mut store = store();
        let agent = user(&mut store, "minji", "김민지");
        store.set_actor_named("관리자").unwrap();
        let a = add(&mut store, "김민준", &[]);
        let b = add(&mut store, "이서연", &[]);
        store.assign_customers(Some(agent), &[a, b]).unwrap();
        // Unchanged: not recorded again.
        store.assign_customers(Some(agent), &[a]).unwrap();
        let group = store.create_group("VIP", None).unwrap();
        store.add_to_group(group, &[a, b]).unwrap();
        store.add_to_group(group, &[a]).unwrap();
        store.remove_from_group(group, &[b]).unwrap();
        store.tag_customers("재구매", &[a]).unwrap();
        store.delete_customers(&[a, b]).unwrap();
        store.restore_customer(a).unwrap();
        assert_eq!(
            changes(&store, a),
            [
                "관리자 created",
                "관리자 assignee -> 김민지",
                "관리자 group_added -> VIP",
                "관리자 tag_added -> 재구매",
                "관리자 deleted",
                "관리자 restored",
            ]
        );
        assert_eq!(
            changes(&store, b),
            [
                "관리자 created",
                "관리자 assignee -> 김민지",
                "관리자 group_added -> VIP",
                "관리자 group_removed VIP ->",
                "관리자 deleted",
            ]
        );
    }

    #[test]
    fn deleting_a_tag_or_a_group_is_recorded_on_each_member() {
        let mut store = store();
        store.set_actor_named("관리자").unwrap();
        let a = add(&mut store, "김민준", &[]);
        let b = add(&mut store, "이서연", &[]);
        let c = add(&mut store, "박지훈", &[]);
        let vip = store.tag_customers("VIP", &[a, b]).unwrap();
        let gold = store.create_group("골드", None).unwrap();
        store.add_to_group(gold, &[a, c]).unwrap();
        store.set_actor_named("이영업").unwrap();

        store.delete_tag(vip).unwrap();
        store.delete_group(gold).unwrap();
        assert_eq!(
            changes(&store, a),
            [
                "관리자 created",
                "관리자 tag_added -> VIP",
                "관리자 group_added -> 골드",
                "이영업 tag_removed VIP ->",
                "이영업 group_removed 골드 ->",
            ]
        );
        assert_eq!(
            changes(&store, b),
            [
                "관리자 created",
                "관리자 tag_added -> VIP",
                "이영업 tag_removed VIP ->",
            ]
        );
        assert_eq!(
            changes(&store, c),
            [
                "관리자 created",
                "관리자 group_added -> 골드",
                "이영업 group_removed 골드 ->",
            ]
        );
        // Nothing to delete: nothing recorded.
        assert!(store.delete_tag(vip).is_err());
        assert!(store.delete_group(gold).is_err());
        assert_eq!(changes(&store, b).len(), 3);
    }

    #[test]
    fn a_bulk_status_change_is_recorded_where_the_status_moves() {
        let mut store = store();
        store.set_actor_named("관리자").unwrap();
        let talking = store
            .create_status(&crate::domain::StatusName::new("상담중").unwrap())
            .unwrap();
        let a = add(&mut store, "김민준", &[]);
        let b = add(&mut store, "이서연", &[]);
        store.set_customers_status(Some(talking), &[a]).unwrap();
        store.set_customers_status(Some(talking), &[a, b]).unwrap();
        store.set_customers_status(None, &[b]).unwrap();
        assert_eq!(store.customer(a).unwrap().status.as_deref(), Some("상담중"));
        assert_eq!(store.customer(b).unwrap().status, None);
        assert_eq!(
            changes(&store, a),
            ["관리자 created", "관리자 status -> 상담중"]
        );
        assert_eq!(
            changes(&store, b),
            [
                "관리자 created",
                "관리자 status -> 상담중",
                "관리자 status 상담중 ->",
            ]
        );
        // A status that does not exist changes nobody.
        assert!(
            store
                .set_customers_status(Some(crate::domain::StatusId(999)), &[a])
                .is_err()
        );
        assert_eq!(store.customer(a).unwrap().status.as_deref(), Some("상담중"));
    }

    #[test]
    fn imports_record_created_once_and_updates_with_the_import() {
        let mut store = store();
        let old = add(&mut store, "박지훈", &["010-5555-6666"]);
        let changed = CustomerDraft {
            name: "박지훈".into(),
            company: "한빛소프트".into(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: "010-5555-6666".into(),
            }],
            ..CustomerDraft::default()
        };
        let new = vec![customer("최유나", &[]), customer("정하늘", &[])];
        let updated = vec![(old, changed.check(Region::KOREA, &[]).unwrap())];
        let ids = store
            .import_customers(
                "a.csv",
                &new,
                &updated,
                &mut crate::store::ImportWatch::quiet(),
            )
            .unwrap();
        let import = store.last_import().unwrap().unwrap();
        assert_eq!((import.created, import.updated), (2, 1));
        let id = import.id;
        assert_eq!(changes(&store, ids[0]), [format!("- imported #{id}")]);
        assert_eq!(
            changes(&store, old),
            [
                "- created".to_owned(),
                format!("- field company -> 한빛소프트 #{id}")
            ]
        );
        // Undone: the created ones go with their history, the change back is recorded.
        store.undo_last_import().unwrap();
        assert!(changes(&store, ids[0]).is_empty());
        assert_eq!(changes(&store, old).len(), 3);
        assert!(
            changes(&store, old)[2].ends_with("company 한빛소프트 ->"),
            "{:?}",
            changes(&store, old)
        );
    }

    #[test]
    fn demo_data_records_no_history() {
        let mut store = store();
        let ids = store.insert_customers(&[customer("가", &[])]).unwrap();
        assert!(changes(&store, ids[0]).is_empty());
    }

    #[test]
    fn the_timeline_merges_calls_messages_replies_notes_and_changes_newest_first() {
        let mut store = store();
        let id = add(&mut store, "홍길동", &["010-1111-2222"]);
        store
            .create_sender_number(&crate::domain::NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        tick();
        let started = Timestamp::now().0;
        store
            .record_call(&CallRecord {
                direction: Direction::In,
                pbx_call_id: "1700000000.1".into(),
                number: PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap(),
                customer_id: Some(id),
                user_id: None,
                extension: "1001".into(),
                line: String::new(),
                started_at: Timestamp(started),
                answered_at: Some(Timestamp(started + 1_000)),
                ended_at: Some(Timestamp(started + 134_000)),
                outcome: Some(Outcome::Answered),
                cause: Some(16),
                cause_text: String::new(),
            })
            .unwrap();
        tick();
        store
            .enqueue_message(&NewMessage {
                batch_id: None,
                customer_id: Some(id),
                user_id: None,
                to: PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap(),
                from_key: "+8215881234".into(),
                kind: MessageKind::Sms,
                subject: String::new(),
                body: "견적서 보내드렸습니다".into(),
                advertising: false,
                image: None,
            })
            .unwrap();
        tick();
        // The customer's reply, matched by its number.
        let reply = store
            .record_received(&crate::domain::NewReceived {
                from: PhoneNumber::parse("010-1111-2222", Region::KOREA).unwrap(),
                to: "1588-1234".into(),
                body: "네 확인했습니다".into(),
                gateway_ref: None,
                received_at: Timestamp::now(),
            })
            .unwrap()
            .unwrap();
        assert_eq!(reply.customer_id, Some(id));
        tick();
        store
            .add_note(id, None, &NoteBody::new("재연락 필요").unwrap())
            .unwrap();
        tick();
        store
            .update_customer(id, &customer("홍길동", &["010-3333-4444"]))
            .unwrap();
        let kinds = |page: &TimelinePage| -> Vec<&'static str> {
            page.items
                .iter()
                .map(|item| match item {
                    TimelineItem::Call(_) => "call",
                    TimelineItem::Message(_) => "message",
                    TimelineItem::Received(_) => "received",
                    TimelineItem::Note(_) => "note",
                    TimelineItem::Change(entry) => entry.change.kind.as_str(),
                })
                .collect()
        };
        let all = store.customer_timeline(id, Page::first(10)).unwrap();
        assert_eq!(
            kinds(&all),
            ["field", "note", "received", "message", "call", "created"]
        );
        assert!(matches!(&all.items[2], TimelineItem::Received(got) if *got == reply));
        assert!(!all.has_more);
        assert!(all.items.windows(2).all(|two| two[0].at() >= two[1].at()));
        let first = store.customer_timeline(id, Page::first(2)).unwrap();
        assert_eq!(kinds(&first), ["field", "note"]);
        assert!(first.has_more);
        let rest = store
            .customer_timeline(
                id,
                Page {
                    offset: 2,
                    limit: 10,
                },
            )
            .unwrap();
        assert_eq!(kinds(&rest), ["received", "message", "call", "created"]);
        assert_eq!(rest.offset, 2);
    }

    #[test]
    fn other_store_code_records_inside_its_transaction() {
        let mut store = store();
        let kept = add(&mut store, "김민준", &[]);
        store.set_actor_named("admin").unwrap();
        {
            let tx = store.conn.transaction().unwrap();
            record(
                &tx,
                kept,
                None,
                &Change::merged(CustomerId(9), "김민준(중복)"),
            )
            .unwrap();
            // Rolled back: never happened.
        }
        assert_eq!(changes(&store, kept).len(), 1);
        store
            .record_history(kept, &Change::merged(CustomerId(9), "김민준(중복)"))
            .unwrap();
        assert_eq!(changes(&store, kept)[1], "admin merged [김민준(중복)] 9 ->");
        assert!(
            store
                .record_history(CustomerId(99), &Change::of(ChangeKind::Created))
                .is_err()
        );
    }
}
