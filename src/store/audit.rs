//! The audit log: entries written in the same transaction as what they
//! record, read back newest first through a filter. The schema's triggers
//! refuse to change or remove an entry (`sql/0013_audit.sql`).

use std::sync::OnceLock;

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use super::error::Result;
use super::{Page, Store, now_ms};
use crate::domain::{Actor, AuditAction, AuditEntry, AuditFilter, Timestamp, UserId};

/// The computer this ringdesk runs on, as the audit log names it.
fn machine() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| gethostname::gethostname().to_string_lossy().into_owned())
}

/// Writes one entry as done by `actor` now, on `conn` (inside the caller's
/// transaction when it has one).
pub(super) fn record(
    conn: &Connection,
    actor: Option<&Actor>,
    action: AuditAction,
    target: &str,
    detail: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at_ms, actor, actor_id, machine, action, target, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        now_ms(),
        actor.map_or("", |actor| actor.name.as_str()),
        actor.and_then(|actor| actor.id).map(|id| id.0),
        machine(),
        action.as_str(),
        target,
        detail,
    ])?;
    Ok(())
}

/// "3 customers: #1, #2, #3": the ids an entry is about, the first twenty.
pub(super) fn customer_ids(ids: impl ExactSizeIterator<Item = i64>) -> String {
    let count = ids.len();
    let mut listed: Vec<String> = ids.take(20).map(|id| format!("#{id}")).collect();
    if count > listed.len() {
        listed.push("…".to_owned());
    }
    format!("{count}: {}", listed.join(", "))
}

impl Store {
    /// Records `action` on `target` by the store's actor (see
    /// [`Store::set_actor`]), for what happens outside the store: an
    /// export, a settings change, a sign-in.
    ///
    /// # Errors
    /// On a database failure.
    pub fn record_audit(&self, action: AuditAction, target: &str, detail: &str) -> Result<()> {
        record(&self.conn, self.actor.as_ref(), action, target, detail)
    }

    /// The audit entries `filter` lets through, newest first, one page.
    ///
    /// # Errors
    /// On a database failure.
    pub fn audit_entries(&self, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>> {
        let mut conditions: Vec<&str> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        if let Some(action) = filter.action {
            conditions.push("action = ?");
            params.push(Value::Text(action.as_str().to_owned()));
        }
        let actor = filter.actor.trim();
        if !actor.is_empty() {
            conditions.push("instr(lower(actor), lower(?)) > 0");
            params.push(Value::Text(actor.to_owned()));
        }
        if let Some(since) = filter.since {
            conditions.push("at_ms >= ?");
            params.push(Value::Integer(since.0));
        }
        if let Some(until) = filter.until {
            conditions.push("at_ms < ?");
            params.push(Value::Integer(until.0));
        }
        let text = filter.text.trim();
        if !text.is_empty() {
            conditions
                .push("(instr(lower(target), lower(?)) > 0 OR instr(lower(detail), lower(?)) > 0)");
            params.push(Value::Text(text.to_owned()));
            params.push(Value::Text(text.to_owned()));
        }
        let filtered = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT id, at_ms, actor, actor_id, machine, action, target, detail FROM audit_log{filtered}
             ORDER BY id DESC LIMIT {} OFFSET {}",
            page.limit, page.offset
        );
        Ok(self
            .conn
            .prepare(&sql)?
            .query_map(rusqlite::params_from_iter(params), entry_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let name: String = row.get(5)?;
    let action = AuditAction::parse(&name).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            format!("'{name}' is not an audit action").into(),
        )
    })?;
    Ok(AuditEntry {
        id: row.get(0)?,
        at: Timestamp(row.get(1)?),
        actor: row.get(2)?,
        actor_id: row.get::<_, Option<i64>>(3)?.map(UserId),
        machine: row.get(4)?,
        action,
        target: row.get(6)?,
        detail: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::CustomerId;
    use crate::store::batch_recipients::tests::{batch, recipient, with_sender};
    use crate::store::test_support::{add, customer};

    fn actions(store: &Store, filter: &AuditFilter) -> Vec<(AuditAction, String)> {
        store
            .audit_entries(filter, Page::first(100))
            .unwrap()
            .into_iter()
            .map(|entry| (entry.action, entry.target))
            .collect()
    }

    #[test]
    fn what_matters_is_recorded_with_who_and_where_newest_first() {
        let mut store = with_sender();
        store.set_actor_named("관리자").unwrap();
        let hong = add(&mut store, "홍길동", &["010-1234-5678"]);
        let kim = add(&mut store, "김영희", &["010-2222-3333"]);
        let lee = add(&mut store, "이순신", &[]);
        store.delete_customer(hong).unwrap();
        store.restore_customer(hong).unwrap();
        store
            .delete_customers(&[kim, lee, CustomerId(999)])
            .unwrap();
        store.empty_recycle_bin().unwrap();
        store
            .import_customers(
                "고객.xlsx",
                &[customer("박지성", &[])],
                &[],
                &mut crate::store::ImportWatch::quiet(),
            )
            .unwrap();
        store.undo_last_import().unwrap();
        let park = add(&mut store, "박지성", &[]);
        let record = store.merge_customers(hong, park, &BTreeMap::new()).unwrap();
        store.undo_merge(Some(record.id)).unwrap();
        store
            .create_batch_send(&batch(), &[recipient("010-1111-2222", &[])])
            .unwrap();
        store
            .record_audit(AuditAction::Export, "/tmp/고객.csv", "2 customers")
            .unwrap();

        let all = actions(&store, &AuditFilter::default());
        let expected = [
            (AuditAction::Export, "/tmp/고객.csv".to_owned()),
            (AuditAction::BulkSend, "batch #1 5월 방문 감사".to_owned()),
            (
                AuditAction::MergeUndone,
                format!("#{} ← #{}", hong.0, park.0),
            ),
            (AuditAction::Merge, format!("#{} ← #{}", hong.0, park.0)),
            (AuditAction::ImportUndone, "고객.xlsx".to_owned()),
            (AuditAction::Import, "고객.xlsx".to_owned()),
            (AuditAction::Purge, format!("2: #{}, #{}", kim.0, lee.0)),
            (AuditAction::Delete, format!("2: #{}, #{}", kim.0, lee.0)),
            (AuditAction::Restore, format!("1: #{}", hong.0)),
            (AuditAction::Delete, format!("1: #{}", hong.0)),
        ];
        assert_eq!(all, expected);
        let entry = &store
            .audit_entries(&AuditFilter::default(), Page::first(1))
            .unwrap()[0];
        assert_eq!(entry.actor, "관리자");
        assert_eq!(entry.machine, machine());
        assert!(!entry.machine.is_empty());

        let deletes = AuditFilter {
            action: Some(AuditAction::Delete),
            ..AuditFilter::default()
        };
        assert_eq!(actions(&store, &deletes).len(), 2);
        let by_text = AuditFilter {
            text: "XLSX".to_owned(),
            ..AuditFilter::default()
        };
        assert_eq!(actions(&store, &by_text).len(), 2);
        let by_someone_else = AuditFilter {
            actor: "김".to_owned(),
            ..AuditFilter::default()
        };
        assert!(actions(&store, &by_someone_else).is_empty());
        let later = AuditFilter {
            since: Some(Timestamp(now_ms() + 60_000)),
            ..AuditFilter::default()
        };
        assert!(actions(&store, &later).is_empty());
    }

    #[test]
    fn entries_cannot_be_changed_or_removed() {
        let store = crate::store::test_support::store();
        store
            .record_audit(AuditAction::Settings, "settings.toml", "pbx.host")
            .unwrap();
        for sql in [
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
        ] {
            let error = store.conn_for_tests().execute(sql, []).unwrap_err();
            assert!(
                error.to_string().contains("audit log entries cannot be"),
                "{error}"
            );
        }
        assert_eq!(
            actions(&store, &AuditFilter::default()),
            [(AuditAction::Settings, "settings.toml".to_owned())]
        );
    }
}
