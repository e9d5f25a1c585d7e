//! The call log: the PBX tracker writes each call through
//! [`Store::record_call`] as it learns about it (ringing, answered, ended),
//! and the agent annotates it with a memo.
//!
//! A call is keyed by the PBX's id and the extension, so a replayed or
//! re-synced event never makes a second row, and a logged call only gains
//! what it lacks. A call ends once: a later end, or an answer after the end,
//! changes nothing, so a replayed or late PBX event cannot rewrite the log.
//! Lists show the customer's name while the customer is not in the recycle bin.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension as _, Row, params};

use super::columns::{one_changed, parsed, parsed_or_null, time_or_null};
use super::error::{Result, found};
use super::references;
use super::{Page, Store};
use crate::domain::call::check_call_memo;
use crate::domain::{Call, CallFilter, CallId, CallRecord, CustomerId, Outcome, Timestamp, UserId};

impl Store {
    /// Writes the PBX tracker's picture of a call, keyed by its PBX id and
    /// extension, in one transaction:
    ///
    /// * a call not logged yet is inserted as it stands;
    /// * a logged call gets what it lacks: the customer and user when they
    ///   were unknown, the line when it was empty, the answer time when it
    ///   was not answered yet, and its end (time, outcome, cause) when it
    ///   has not ended yet. What it already has is kept: a call ends once,
    ///   and a replayed event changes nothing.
    ///
    /// Returns the call's id, new or as logged before.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a record that breaks a rule of
    /// [`CallRecord::check`], [`super::Error::NotFound`] for an unknown
    /// customer or user.
    pub fn record_call(&mut self, record: &CallRecord) -> Result<CallId> {
        let record = record.check()?;
        let tx = self.conn.transaction()?;
        if let Some(customer) = record.customer_id {
            references::customer(&tx, customer)?;
        }
        if let Some(user) = record.user_id {
            references::user(&tx, user)?;
        }
        let logged: Option<(i64, Option<i64>)> = tx
            .prepare_cached(
                "SELECT id, ended_at_ms FROM calls WHERE pbx_call_id = ?1 AND extension = ?2",
            )?
            .query_row(params![record.pbx_call_id, record.extension], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let customer = record.customer_id.map(|customer| customer.0);
        let user = record.user_id.map(|user| user.0);
        let answered = record.answered_at.map(Timestamp::as_millis);
        let ended = record.ended_at.map(Timestamp::as_millis);
        let outcome = record.outcome.map(Outcome::as_str);
        let id = match logged {
            None => {
                tx.prepare_cached(
                    "INSERT INTO calls (direction, pbx_call_id, number_raw, phone_key,
                         customer_id, user_id, extension, line, started_at_ms, answered_at_ms,
                         ended_at_ms, outcome, cause, cause_text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(params![
                    record.direction.as_str(),
                    record.pbx_call_id,
                    record.number.raw(),
                    record.number.key(),
                    customer,
                    user,
                    record.extension,
                    record.line,
                    record.started_at.as_millis(),
                    answered,
                    ended,
                    outcome,
                    record.cause,
                    record.cause_text,
                ])?;
                tx.last_insert_rowid()
            }
            Some((id, logged_end)) => {
                tx.prepare_cached(
                    "UPDATE calls SET customer_id = coalesce(customer_id, ?2),
                         user_id = coalesce(user_id, ?3),
                         line = CASE WHEN line = '' THEN ?4 ELSE line END
                     WHERE id = ?1",
                )?
                .execute(params![id, customer, user, record.line])?;
                // An ended call is history: a late or replayed answer or end
                // must not rewrite it.
                if logged_end.is_none() {
                    tx.prepare_cached(
                        "UPDATE calls SET answered_at_ms = coalesce(answered_at_ms, ?2),
                             ended_at_ms = ?3, outcome = ?4, cause = ?5, cause_text = ?6
                         WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        answered,
                        ended,
                        outcome,
                        ended.and(record.cause),
                        record.cause_text,
                    ])?;
                }
                id
            }
        };
        tx.commit()?;
        Ok(CallId(id))
    }

    /// One call.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such call.
    pub fn call(&self, id: CallId) -> Result<Call> {
        found(
            self.conn
                .prepare_cached(&format!("{CALL_SELECT} WHERE k.id = ?1"))?
                .query_row([id.0], call_from_row),
            "call",
            id.0,
        )
    }

    /// Replaces a call's memo (empty clears it).
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for a memo over
    /// [`crate::domain::call::CALL_MEMO_MAX_BYTES`], [`super::Error::NotFound`]
    /// when there is no such call.
    pub fn set_call_memo(&mut self, id: CallId, memo: &str) -> Result<()> {
        let memo = check_call_memo(memo)?;
        let changed = self.conn.execute(
            "UPDATE calls SET memo = ?2 WHERE id = ?1",
            params![id.0, memo],
        )?;
        one_changed(changed, "call", id.0)
    }

    /// A page of the calls that started from `from` up to (not including)
    /// `to`, newest first: today's calls are `calls_between(midnight, next midnight, …)`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn calls_between(&self, from: Timestamp, to: Timestamp, page: Page) -> Result<Vec<Call>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{CALL_SELECT} WHERE k.started_at_ms >= ?1 AND k.started_at_ms < ?2
                 ORDER BY k.started_at_ms DESC, k.id DESC LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(
                params![from.as_millis(), to.as_millis(), page.limit, page.offset],
                call_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A page of the calls `filter` lets through, newest first (the call
    /// log). The period is read off the `calls_started` index, so a day's
    /// calls cost the same in a log of ten years.
    ///
    /// # Errors
    /// On a database failure.
    pub fn calls_where(&self, filter: &CallFilter, page: Page) -> Result<Vec<Call>> {
        let (sql, values) = calls_where_sql(filter, page);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(values), call_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// How many calls `filter` lets through (the call log's total).
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_calls_where(&self, filter: &CallFilter) -> Result<u64> {
        let mut values = Vec::new();
        let sql = format!(
            "SELECT count(*) FROM calls k WHERE {}",
            filter_sql(filter, &mut values)
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?)
    }

    /// A page of a customer's calls, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn calls_of_customer(&self, customer: CustomerId, page: Page) -> Result<Vec<Call>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{CALL_SELECT} WHERE k.customer_id = ?1
                 ORDER BY k.started_at_ms DESC, k.id DESC LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(params![customer.0, page.limit, page.offset], call_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A customer's latest call (for the pop-up's "last contact"), if any.
    ///
    /// # Errors
    /// On a database failure.
    pub fn last_call_of_customer(&self, customer: CustomerId) -> Result<Option<Call>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{CALL_SELECT} WHERE k.customer_id = ?1
                 ORDER BY k.started_at_ms DESC, k.id DESC LIMIT 1"
            ))?
            .query_row([customer.0], call_from_row)
            .optional()?)
    }
}

const CALL_SELECT: &str = "SELECT k.id, k.direction, k.pbx_call_id, k.number_raw, k.phone_key,
        k.customer_id, c.name, k.user_id, k.extension, k.line, k.started_at_ms,
        k.answered_at_ms, k.ended_at_ms, k.outcome, k.memo, k.cause, k.cause_text
    FROM calls k LEFT JOIN customers c ON c.id = k.customer_id AND c.deleted_at_ms IS NULL";

/// The digits of the number as the PBX gave it: the separators a caller ID
/// is written with taken out, so `010-1234-5678` is found by `0101234`.
const RAW_DIGITS: &str = "replace(replace(replace(replace(replace(replace(
        k.number_raw, '-', ''), ' ', ''), '(', ''), ')', ''), '.', ''), '+', '')";

/// The page query of [`Store::calls_where`] and its bound values.
fn calls_where_sql(filter: &CallFilter, page: Page) -> (String, Vec<Value>) {
    let mut values = Vec::new();
    let conditions = filter_sql(filter, &mut values);
    values.push(Value::from(page.limit));
    let limit = values.len();
    values.push(Value::from(page.offset));
    let offset = values.len();
    (
        format!(
            "{CALL_SELECT} WHERE {conditions}
             ORDER BY k.started_at_ms DESC, k.id DESC LIMIT ?{limit} OFFSET ?{offset}"
        ),
        values,
    )
}

/// The WHERE conditions of `filter` on `calls k`, from fixed fragments;
/// every value is pushed onto `values` and only its `?n` is formatted in.
fn filter_sql(filter: &CallFilter, values: &mut Vec<Value>) -> String {
    let mut bind = |value: Value| {
        values.push(value);
        format!("?{}", values.len())
    };
    let mut conditions = vec![format!(
        "k.started_at_ms >= {} AND k.started_at_ms < {}",
        bind(Value::from(filter.from.as_millis())),
        bind(Value::from(filter.to.as_millis()))
    )];
    if let Some(direction) = filter.direction {
        conditions.push(format!(
            "k.direction = {}",
            bind(Value::from(direction.as_str().to_owned()))
        ));
    }
    if !filter.outcomes.is_empty() {
        let outcomes: Vec<String> = filter
            .outcomes
            .iter()
            .map(|outcome| bind(Value::from(outcome.as_str().to_owned())))
            .collect();
        conditions.push(format!("k.outcome IN ({})", outcomes.join(", ")));
    }
    if let Some(number) = &filter.number {
        let digits = bind(Value::from(number.digits().to_owned()));
        conditions.push(format!(
            "(instr(k.phone_key, {digits}) > 0 OR instr({RAW_DIGITS}, {digits}) > 0)"
        ));
    }
    if let Some(owner) = &filter.owner {
        let user = bind(Value::from(owner.user.0));
        let extension = bind(Value::from(owner.extension.clone()));
        // An empty extension matches nothing.
        conditions.push(format!(
            "(k.user_id = {user} OR (k.extension = {extension} AND k.extension <> ''))"
        ));
    }
    conditions.join(" AND ")
}

fn call_from_row(row: &Row<'_>) -> rusqlite::Result<Call> {
    Ok(Call {
        id: CallId(row.get(0)?),
        direction: parsed(row, 1)?,
        pbx_call_id: row.get(2)?,
        number_raw: row.get(3)?,
        phone_key: row.get(4)?,
        customer_id: row.get::<_, Option<i64>>(5)?.map(CustomerId),
        customer_name: row.get(6)?,
        user_id: row.get::<_, Option<i64>>(7)?.map(UserId),
        extension: row.get(8)?,
        line: row.get(9)?,
        started_at: Timestamp(row.get(10)?),
        answered_at: time_or_null(row, 11)?,
        ended_at: time_or_null(row, 12)?,
        outcome: parsed_or_null(row, 13)?,
        memo: row.get(14)?,
        cause: row.get(15)?,
        cause_text: row.get(16)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::call::CHANNEL_MAX_CHARS;
    use crate::domain::{Direction, NewUser, NumberFragment, PhoneNumber, Region, Role};
    use crate::store::Error;
    use crate::store::test_support::{add, store};

    const T0: i64 = 1_700_000_000_000;

    fn agent(store: &mut Store) -> UserId {
        store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김민수".to_owned(),
                role: Role::Agent,
                extension: Some("1001".to_owned()),
            })
            .unwrap()
    }

    fn ids(calls: &[Call]) -> Vec<CallId> {
        calls.iter().map(|call| call.id).collect()
    }

    #[test]
    fn a_recorded_call_reads_back_with_its_customer_name() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let user = agent(&mut store);
        let mut call = record(" 1700000000.42 ", " 010 1234 5678 ", T0);
        call.customer_id = Some(customer);
        call.user_id = Some(user);
        call.extension = " 1001 ".to_owned();
        call.line = " 02-2299-7000 ".to_owned();
        let id = store.record_call(&call).unwrap();

        let read = store.call(id).unwrap();
        assert_eq!(read.direction, Direction::In);
        assert_eq!(read.pbx_call_id.as_deref(), Some("1700000000.42"));
        assert_eq!(read.number_raw, "010 1234 5678");
        assert_eq!(read.phone_key, "+821012345678");
        assert_eq!(read.customer_id, Some(customer));
        assert_eq!(read.customer_name.as_deref(), Some("홍길동"));
        assert_eq!(read.user_id, Some(user));
        assert_eq!(read.extension, "1001");
        assert_eq!(read.line, "02-2299-7000");
        assert_eq!(read.started_at, Timestamp(T0));
        assert_eq!(
            (read.answered_at, read.ended_at, read.outcome),
            (None, None, None)
        );
        assert_eq!(read.memo, "");
        assert!(matches!(
            store.call(CallId(99)),
            Err(Error::NotFound {
                what: "call",
                id: 99
            })
        ));
    }

    #[test]
    fn a_pbx_call_is_logged_once_per_extension() {
        let mut store = store();
        let mut call = record("1700000000.42", "010-1234-5678", T0);
        let id = store.record_call(&call).unwrap();
        // Written again (a replay) it is the same entry, not a second one or an error.
        assert_eq!(store.record_call(&call).unwrap(), id);
        // The key is compared trimmed.
        call.pbx_call_id = " 1700000000.42 ".to_owned();
        call.extension = " 1001 ".to_owned();
        assert_eq!(store.record_call(&call).unwrap(), id);
        assert_eq!(count(&store), 1);
        // The same call ringing a second extension (a ring group) is a second entry.
        call.extension = "1002".to_owned();
        assert_ne!(store.record_call(&call).unwrap(), id);
        assert_eq!(count(&store), 2);
    }

    #[test]
    fn a_call_is_answered_and_ends_once() {
        let mut store = store();
        let mut call = record("1700000000.42", "010-1234-5678", T0);
        let id = store.record_call(&call).unwrap();
        call.answered_at = Some(Timestamp(T0 + 5_000));
        store.record_call(&call).unwrap();
        // A repeated report keeps the first time.
        call.answered_at = Some(Timestamp(T0 + 6_000));
        store.record_call(&call).unwrap();
        end(
            &mut call,
            T0 + 65_000,
            Outcome::Answered,
            16,
            "Normal Clearing",
        );
        assert_eq!(store.record_call(&call).unwrap(), id);
        let ended = store.call(id).unwrap();
        assert_eq!(ended.answered_at, Some(Timestamp(T0 + 5_000)));
        assert_eq!(ended.ended_at, Some(Timestamp(T0 + 65_000)));
        assert_eq!(ended.outcome, Some(Outcome::Answered));

        // Ending it again is kept out of the log: the same call, unchanged.
        let mut again = call.clone();
        end(
            &mut again,
            T0 + 70_000,
            Outcome::Failed,
            38,
            "Network out of order",
        );
        assert_eq!(store.record_call(&again).unwrap(), id);
        assert_eq!(store.call(id).unwrap(), ended);

        // A call first heard of when it has ended (the tracker came up
        // mid-call) is logged as it stands, not refused.
        let mut late = record("1700000000.43", "010-1234-5678", T0);
        late.answered_at = Some(Timestamp(T0 + 1_000));
        end(&mut late, T0 + 2_000, Outcome::Answered, 16, "");
        let late = store.record_call(&late).unwrap();
        let late = store.call(late).unwrap();
        assert_eq!(late.answered_at, Some(Timestamp(T0 + 1_000)));
        assert_eq!(late.ended_at, Some(Timestamp(T0 + 2_000)));
        assert_eq!(late.outcome, Some(Outcome::Answered));
        assert_eq!(count(&store), 2);
    }

    #[test]
    fn the_memo_is_replaced_and_limited() {
        let mut store = store();
        let id = store
            .record_call(&record("1700000000.42", "010-1234-5678", T0))
            .unwrap();
        store.set_call_memo(id, "견적서 재발송 요청").unwrap();
        assert_eq!(store.call(id).unwrap().memo, "견적서 재발송 요청");
        store.set_call_memo(id, "").unwrap();
        assert_eq!(store.call(id).unwrap().memo, "");
        assert!(matches!(
            store.set_call_memo(id, &"가".repeat(2667)),
            Err(Error::Invalid(invalid)) if invalid.field == "memo"
        ));
        assert!(matches!(
            store.set_call_memo(CallId(99), "x"),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn calls_between_is_half_open_newest_first_and_paged() {
        let mut store = store();
        let at = |store: &mut Store, pbx_call_id, ms| {
            store
                .record_call(&record(pbx_call_id, "010-1234-5678", ms))
                .unwrap()
        };
        let before = at(&mut store, "pbx.1", T0 - 1);
        let first = at(&mut store, "pbx.2", T0);
        let second = at(&mut store, "pbx.3", T0 + 1_000);
        let third = at(&mut store, "pbx.4", T0 + 1_000);
        let after = at(&mut store, "pbx.5", T0 + 2_000);
        let day = |page| {
            ids(&store
                .calls_between(Timestamp(T0), Timestamp(T0 + 2_000), page)
                .unwrap())
        };
        assert_eq!(day(Page::first(10)), [third, second, first]);
        assert_eq!(day(Page::first(1)), [third]);
        assert_eq!(
            day(Page {
                offset: 1,
                limit: 5
            }),
            [second, first]
        );
        assert!(!day(Page::first(10)).contains(&before));
        assert!(!day(Page::first(10)).contains(&after));
    }

    #[test]
    fn a_customers_calls_and_the_last_one() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let other = add(&mut store, "김철수", &["010-9999-8888"]);
        assert_eq!(store.last_call_of_customer(customer).unwrap(), None);
        let at = |store: &mut Store, pbx_call_id, number, customer, ms| {
            let mut call = record(pbx_call_id, number, ms);
            call.customer_id = Some(customer);
            store.record_call(&call).unwrap()
        };
        let old = at(&mut store, "pbx.1", "010-1234-5678", customer, T0);
        let new = at(&mut store, "pbx.2", "010-1234-5678", customer, T0 + 60_000);
        at(&mut store, "pbx.3", "010-9999-8888", other, T0 + 120_000);
        assert_eq!(
            ids(&store.calls_of_customer(customer, Page::first(10)).unwrap()),
            [new, old]
        );
        assert_eq!(
            ids(&store
                .calls_of_customer(
                    customer,
                    Page {
                        offset: 1,
                        limit: 1
                    }
                )
                .unwrap()),
            [old]
        );
        assert_eq!(
            store
                .last_call_of_customer(customer)
                .unwrap()
                .map(|call| call.id),
            Some(new)
        );

        // A customer in the recycle bin keeps its calls but no longer shows its name.
        store.delete_customer(customer).unwrap();
        let last = store.last_call_of_customer(customer).unwrap().unwrap();
        assert_eq!(last.customer_name, None);
    }

    fn record(pbx_call_id: &str, number: &str, started_ms: i64) -> CallRecord {
        CallRecord {
            direction: Direction::In,
            pbx_call_id: pbx_call_id.to_owned(),
            number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            customer_id: None,
            user_id: None,
            extension: "1001".to_owned(),
            line: String::new(),
            started_at: Timestamp(started_ms),
            answered_at: None,
            ended_at: None,
            outcome: None,
            cause: None,
            cause_text: String::new(),
        }
    }

    fn end(record: &mut CallRecord, at_ms: i64, outcome: Outcome, cause: u16, text: &str) {
        record.ended_at = Some(Timestamp(at_ms));
        record.outcome = Some(outcome);
        record.cause = Some(cause);
        text.clone_into(&mut record.cause_text);
    }

    fn count(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM calls", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_recorded_call_grows_as_the_tracker_learns_and_is_never_doubled() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let mut ringing = record("1700000000.42", "010-1234-5678", T0);
        let id = store.record_call(&ringing).unwrap();
        // The same snapshot again (a replay) is the same row, unchanged.
        assert_eq!(store.record_call(&ringing).unwrap(), id);
        let read = store.call(id).unwrap();
        assert_eq!(read.pbx_call_id.as_deref(), Some("1700000000.42"));
        assert_eq!(
            (read.answered_at, read.ended_at, read.outcome),
            (None, None, None)
        );

        // The customer is recognised late; the call is answered, then ends.
        ringing.customer_id = Some(customer);
        ringing.line = "02-2299-7000".to_owned();
        ringing.answered_at = Some(Timestamp(T0 + 5_000));
        assert_eq!(store.record_call(&ringing).unwrap(), id);
        let mut ended = ringing.clone();
        end(
            &mut ended,
            T0 + 65_000,
            Outcome::Answered,
            16,
            "Normal Clearing",
        );
        assert_eq!(store.record_call(&ended).unwrap(), id);
        let read = store.call(id).unwrap();
        assert_eq!(read.customer_name.as_deref(), Some("홍길동"));
        assert_eq!(read.line, "02-2299-7000");
        assert_eq!(read.answered_at, Some(Timestamp(T0 + 5_000)));
        assert_eq!(read.ended_at, Some(Timestamp(T0 + 65_000)));
        assert_eq!(read.outcome, Some(Outcome::Answered));
        assert_eq!(
            (read.cause, read.cause_text.as_str()),
            (Some(16), "Normal Clearing")
        );
        assert_eq!(read.duration(), Some(std::time::Duration::from_mins(1)));

        // Ended once: a second end, a late answer or an older snapshot change nothing.
        let mut again = ended.clone();
        end(
            &mut again,
            T0 + 90_000,
            Outcome::Failed,
            38,
            "Network out of order",
        );
        again.answered_at = Some(Timestamp(T0 + 7_000));
        store.record_call(&again).unwrap();
        store
            .record_call(&record("1700000000.42", "010-1234-5678", T0))
            .unwrap();
        assert_eq!(store.call(id).unwrap(), read);
        assert_eq!(count(&store), 1);

        // Another extension of a ring group is its own entry.
        let mut colleague = ended;
        colleague.extension = "1002".to_owned();
        end(
            &mut colleague,
            T0 + 65_000,
            Outcome::AnsweredElsewhere,
            26,
            "",
        );
        let other = store.record_call(&colleague).unwrap();
        assert_ne!(other, id);
        assert_eq!(count(&store), 2);
    }

    #[test]
    fn a_call_that_ends_unanswered_keeps_no_answer_time() {
        let mut store = store();
        let mut missed = record("1700000000.50", "010-1234-5678", T0);
        let id = store.record_call(&missed).unwrap();
        end(
            &mut missed,
            T0 + 20_000,
            Outcome::Missed,
            16,
            "Normal Clearing",
        );
        store.record_call(&missed).unwrap();
        let read = store.call(id).unwrap();
        assert!(read.is_missed());
        assert_eq!(read.outcome, Some(Outcome::Missed));
        assert_eq!(read.answered_at, None);
        assert_eq!(read.duration(), None);
        // An answer reported after the end does not make it answered.
        missed.answered_at = Some(Timestamp(T0 + 25_000));
        store.record_call(&missed).unwrap();
        assert_eq!(store.call(id).unwrap(), read);
    }

    #[test]
    fn unknown_references_and_bad_input_are_refused_whole() {
        let mut store = store();
        let mut unknown = record("1700000000.42", "010-1234-5678", T0);
        unknown.customer_id = Some(CustomerId(7));
        assert!(matches!(
            store.record_call(&unknown),
            Err(Error::NotFound {
                what: "customer",
                id: 7
            })
        ));
        let mut user = record("1700000000.42", "010-1234-5678", T0);
        user.user_id = Some(UserId(8));
        assert!(matches!(
            store.record_call(&user),
            Err(Error::NotFound {
                what: "user",
                id: 8
            })
        ));
        assert!(matches!(
            store.record_call(&record(" ", "010-1234-5678", T0)),
            Err(Error::Invalid(invalid)) if invalid.field == "pbx_call_id"
        ));
        let mut long = record("1700000000.42", "010-1234-5678", T0);
        long.extension = "1".repeat(CHANNEL_MAX_CHARS + 1);
        assert!(matches!(
            store.record_call(&long),
            Err(Error::Invalid(invalid)) if invalid.field == "extension"
        ));
        let mut endless = record("1700000000.42", "010-1234-5678", T0);
        endless.ended_at = Some(Timestamp(T0 + 1_000));
        assert!(matches!(
            store.record_call(&endless),
            Err(Error::Invalid(invalid)) if invalid.field == "outcome"
        ));
        assert_eq!(count(&store), 0);
        assert!(
            store
                .calls_between(Timestamp(0), Timestamp(i64::MAX), Page::first(10))
                .unwrap()
                .is_empty()
        );
    }

    /// In, missed at T0; out, answered at T0+1s; internal, answered at T0+2s;
    /// in, answered elsewhere at T0+3s; in, busy at T0+4s; in, ringing at T0+5s.
    fn a_log(store: &mut Store) -> Vec<CallId> {
        let calls = [
            (Direction::In, "010-1234-5678", Some(Outcome::Missed)),
            (Direction::Out, "02-2299-7123", Some(Outcome::Answered)),
            (Direction::Internal, "1002", Some(Outcome::Answered)),
            (
                Direction::In,
                "010-9999-5678",
                Some(Outcome::AnsweredElsewhere),
            ),
            (Direction::In, "+81 90-1234-5678", Some(Outcome::Busy)),
            (Direction::In, "010-5555-0000", None),
        ];
        calls
            .iter()
            .enumerate()
            .map(|(index, (direction, number, outcome))| {
                let at = T0 + i64::try_from(index).unwrap() * 1_000;
                let mut call = record(&format!("pbx.{index}"), number, at);
                call.direction = *direction;
                if let Some(outcome) = outcome {
                    end(&mut call, at + 500, *outcome, 16, "");
                }
                store.record_call(&call).unwrap()
            })
            .collect()
    }

    #[test]
    fn the_log_filters_by_period_direction_outcome_and_number() {
        let mut store = store();
        let log = a_log(&mut store);
        let all = CallFilter::period(Timestamp(T0), Timestamp(T0 + 10_000));
        let listed = |store: &Store, filter: &CallFilter| {
            let calls = store.calls_where(filter, Page::first(100)).unwrap();
            assert_eq!(store.count_calls_where(filter).unwrap(), calls.len() as u64);
            ids(&calls)
        };
        let newest_first: Vec<CallId> = log.iter().rev().copied().collect();
        assert_eq!(listed(&store, &all), newest_first);

        // Half-open period.
        let middle = CallFilter::period(Timestamp(T0 + 1_000), Timestamp(T0 + 3_000));
        assert_eq!(listed(&store, &middle), [log[2], log[1]]);

        let mut out = all.clone();
        out.direction = Some(Direction::Out);
        assert_eq!(listed(&store, &out), [log[1]]);
        let mut internal = all.clone();
        internal.direction = Some(Direction::Internal);
        assert_eq!(listed(&store, &internal), [log[2]]);

        assert_eq!(listed(&store, &all.clone().missed()), [log[4], log[0]]);
        let mut answered = all.clone();
        answered.outcomes = vec![Outcome::Answered];
        assert_eq!(listed(&store, &answered), [log[2], log[1]]);

        // Digits anywhere in the number, typed with or without dashes.
        let mut number = all.clone();
        number.number = NumberFragment::parse("5678").unwrap();
        assert_eq!(listed(&store, &number), [log[4], log[3], log[0]]);
        number.number = NumberFragment::parse("010-1234").unwrap();
        assert_eq!(listed(&store, &number), [log[0]]);
        number.number = NumberFragment::parse("2299").unwrap();
        assert_eq!(listed(&store, &number), [log[1]]);
        number.number = NumberFragment::parse("8190").unwrap();
        assert_eq!(listed(&store, &number), [log[4]]);

        // Everything at once, and paging.
        let mut narrow = all.clone().missed();
        narrow.number = NumberFragment::parse("1234").unwrap();
        assert_eq!(listed(&store, &narrow), [log[4], log[0]]);
        assert_eq!(
            ids(&store
                .calls_where(
                    &all,
                    Page {
                        offset: 2,
                        limit: 2
                    }
                )
                .unwrap()),
            [log[3], log[2]]
        );
    }

    #[test]
    fn the_log_reads_the_period_off_an_index() {
        let store = store();
        let mut filter = CallFilter::period(Timestamp(T0), Timestamp(T0 + 86_400_000)).missed();
        filter.number = NumberFragment::parse("5678").unwrap();
        let plan = |sql: &str, values: Vec<Value>| -> String {
            store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(values), |row| {
                    row.get::<_, String>(3)
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap()
                .join("\n")
        };
        let (sql, values) = calls_where_sql(&filter, Page::first(100));
        let page = plan(&sql, values);
        assert!(page.contains("USING INDEX calls_started"), "{page}");
        assert!(!page.contains("TEMP B-TREE"), "{page}");
        let mut values = Vec::new();
        let sql = format!(
            "SELECT count(*) FROM calls k WHERE {}",
            filter_sql(&filter, &mut values)
        );
        let count = plan(&sql, values);
        assert!(count.contains("USING INDEX calls_started"), "{count}");
    }
}
