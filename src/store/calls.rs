//! The call log: a call is written when it starts ringing, then marked
//! answered and ended as the PBX reports it, and annotated with a memo.
//!
//! A call ends once: ending it again, or answering it after it ended, is
//! refused, so a replayed or late PBX event cannot rewrite the log. Lists
//! show the customer's name while the customer is not in the recycle bin.

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use super::columns::{one_changed, parsed, parsed_or_null, time_or_null};
use super::error::{Result, found, unique};
use super::references;
use super::{Page, Store};
use crate::domain::call::check_call_memo;
use crate::domain::{
    Call, CallId, CustomerId, Invalid, NewCall, Outcome, Problem, Timestamp, UserId,
};

impl Store {
    /// Writes a call that has started ringing.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`NewCall::check`],
    /// [`super::Error::NotFound`] for an unknown customer or user,
    /// [`super::Error::Taken`] when the PBX id is already logged for this extension.
    pub fn create_call(&mut self, call: &NewCall) -> Result<CallId> {
        let call = call.check()?;
        let tx = self.conn.transaction()?;
        if let Some(customer) = call.customer_id {
            references::customer(&tx, customer)?;
        }
        if let Some(user) = call.user_id {
            references::user(&tx, user)?;
        }
        unique(
            tx.execute(
                "INSERT INTO calls (direction, pbx_call_id, number_raw, phone_key, customer_id,
                     user_id, extension, line, started_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    call.direction.as_str(),
                    call.pbx_call_id,
                    call.number.raw(),
                    call.number.key(),
                    call.customer_id.map(|customer| customer.0),
                    call.user_id.map(|user| user.0),
                    call.extension,
                    call.line,
                    call.started_at.as_millis(),
                ],
            ),
            "call",
            call.pbx_call_id.as_deref().unwrap_or_default(),
        )?;
        let id = CallId(tx.last_insert_rowid());
        tx.commit()?;
        Ok(id)
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

    /// Records that a call was picked up at `at`. A repeated report keeps the
    /// first time.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such call,
    /// [`super::Error::Invalid`] (field `answered_at`) when it has already ended.
    pub fn call_answered(&mut self, id: CallId, at: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        refuse_if_ended(&tx, id, "answered_at", at)?;
        tx.execute(
            "UPDATE calls SET answered_at_ms = coalesce(answered_at_ms, ?2) WHERE id = ?1",
            params![id.0, at.as_millis()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records that a call ended at `at` with `outcome`.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such call,
    /// [`super::Error::Invalid`] (field `ended_at`) when it has already ended.
    pub fn call_ended(&mut self, id: CallId, at: Timestamp, outcome: Outcome) -> Result<()> {
        let tx = self.conn.transaction()?;
        refuse_if_ended(&tx, id, "ended_at", at)?;
        tx.execute(
            "UPDATE calls SET ended_at_ms = ?2, outcome = ?3 WHERE id = ?1",
            params![id.0, at.as_millis(), outcome.as_str()],
        )?;
        tx.commit()?;
        Ok(())
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
        k.answered_at_ms, k.ended_at_ms, k.outcome, k.memo
    FROM calls k LEFT JOIN customers c ON c.id = k.customer_id AND c.deleted_at_ms IS NULL";

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
    })
}

/// `NotFound` for an unknown call; `Invalid` on `field` for one that has ended.
fn refuse_if_ended(conn: &Connection, id: CallId, field: &str, at: Timestamp) -> Result<()> {
    let ended: Option<i64> = found(
        conn.prepare_cached("SELECT ended_at_ms FROM calls WHERE id = ?1")?
            .query_row([id.0], |row| row.get(0)),
        "call",
        id.0,
    )?;
    match ended.map(Timestamp) {
        None => Ok(()),
        Some(ended) => Err(Invalid::new(
            field,
            Problem::Malformed {
                value: at.to_rfc3339(),
                reason: format!("call {id} already ended at {}", ended.to_rfc3339()),
            },
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Direction, NewUser, PhoneNumber, Region, Role};
    use crate::store::Error;
    use crate::store::test_support::{add, store};

    const T0: i64 = 1_700_000_000_000;

    fn new_call(number: &str, customer: Option<CustomerId>, started_ms: i64) -> NewCall {
        NewCall {
            direction: Direction::In,
            pbx_call_id: None,
            number: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            customer_id: customer,
            user_id: None,
            extension: "1001".to_owned(),
            line: "02-2299-7000".to_owned(),
            started_at: Timestamp(started_ms),
        }
    }

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
    fn a_created_call_reads_back_with_its_customer_name() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let user = agent(&mut store);
        let mut call = new_call(" 010 1234 5678 ", Some(customer), T0);
        call.user_id = Some(user);
        call.pbx_call_id = Some(" 1700000000.42 ".to_owned());
        let id = store.create_call(&call).unwrap();

        let read = store.call(id).unwrap();
        assert_eq!(read.direction, Direction::In);
        assert_eq!(read.pbx_call_id.as_deref(), Some("1700000000.42"));
        assert_eq!(read.number_raw, "010 1234 5678");
        assert_eq!(read.phone_key, "+821012345678");
        assert_eq!(read.customer_id, Some(customer));
        assert_eq!(read.customer_name.as_deref(), Some("홍길동"));
        assert_eq!(read.user_id, Some(user));
        assert_eq!(read.extension, "1001");
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
    fn unknown_references_and_bad_input_are_refused() {
        let mut store = store();
        let customer = new_call("010-1234-5678", Some(CustomerId(7)), T0);
        assert!(matches!(
            store.create_call(&customer),
            Err(Error::NotFound {
                what: "customer",
                id: 7
            })
        ));
        let mut user = new_call("010-1234-5678", None, T0);
        user.user_id = Some(UserId(8));
        assert!(matches!(
            store.create_call(&user),
            Err(Error::NotFound {
                what: "user",
                id: 8
            })
        ));
        let mut long = new_call("010-1234-5678", None, T0);
        long.extension = "1".repeat(81);
        assert!(matches!(
            store.create_call(&long),
            Err(Error::Invalid(invalid)) if invalid.field == "extension"
        ));
        assert!(
            store
                .calls_between(Timestamp(0), Timestamp(i64::MAX), Page::first(10))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_pbx_call_is_logged_once_per_extension() {
        let mut store = store();
        let mut call = new_call("010-1234-5678", None, T0);
        call.pbx_call_id = Some("1700000000.42".to_owned());
        store.create_call(&call).unwrap();
        assert!(matches!(
            store.create_call(&call),
            Err(Error::Taken { what: "call", .. })
        ));
        // The same call ringing a second extension (a ring group) is a second entry.
        call.extension = "1002".to_owned();
        store.create_call(&call).unwrap();
    }

    #[test]
    fn a_call_is_answered_and_ends_once() {
        let mut store = store();
        let id = store
            .create_call(&new_call("010-1234-5678", None, T0))
            .unwrap();
        store.call_answered(id, Timestamp(T0 + 5_000)).unwrap();
        // A repeated report keeps the first time.
        store.call_answered(id, Timestamp(T0 + 6_000)).unwrap();
        store
            .call_ended(id, Timestamp(T0 + 65_000), Outcome::Answered)
            .unwrap();
        let call = store.call(id).unwrap();
        assert_eq!(call.answered_at, Some(Timestamp(T0 + 5_000)));
        assert_eq!(call.ended_at, Some(Timestamp(T0 + 65_000)));
        assert_eq!(call.outcome, Some(Outcome::Answered));

        match store.call_ended(id, Timestamp(T0 + 70_000), Outcome::Failed) {
            Err(Error::Invalid(invalid)) => {
                assert_eq!(invalid.field, "ended_at");
                assert!(invalid.to_string().contains("already ended"), "{invalid}");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(matches!(
            store.call_answered(id, Timestamp(T0 + 70_000)),
            Err(Error::Invalid(invalid)) if invalid.field == "answered_at"
        ));
        assert_eq!(store.call(id).unwrap(), call);

        assert!(matches!(
            store.call_answered(CallId(99), Timestamp(T0)),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.call_ended(CallId(99), Timestamp(T0), Outcome::Missed),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn a_missed_call_ends_without_an_answer() {
        let mut store = store();
        let id = store
            .create_call(&new_call("010-1234-5678", None, T0))
            .unwrap();
        store
            .call_ended(id, Timestamp(T0 + 20_000), Outcome::Missed)
            .unwrap();
        let call = store.call(id).unwrap();
        assert_eq!(call.answered_at, None);
        assert_eq!(call.outcome, Some(Outcome::Missed));
    }

    #[test]
    fn the_memo_is_replaced_and_limited() {
        let mut store = store();
        let id = store
            .create_call(&new_call("010-1234-5678", None, T0))
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
        let at = |store: &mut Store, ms| {
            store
                .create_call(&new_call("010-1234-5678", None, ms))
                .unwrap()
        };
        let before = at(&mut store, T0 - 1);
        let first = at(&mut store, T0);
        let second = at(&mut store, T0 + 1_000);
        let third = at(&mut store, T0 + 1_000);
        let after = at(&mut store, T0 + 2_000);
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
        let old = store
            .create_call(&new_call("010-1234-5678", Some(customer), T0))
            .unwrap();
        let new = store
            .create_call(&new_call("010-1234-5678", Some(customer), T0 + 60_000))
            .unwrap();
        store
            .create_call(&new_call("010-9999-8888", Some(other), T0 + 120_000))
            .unwrap();
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
}
