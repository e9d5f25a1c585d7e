//! The message log (문자 전송 내역): sent and received messages in one list,
//! newest first, filtered by [`MessageFilter`] and paged.
//!
//! The two tables are read apart, each off its own time index, and merged
//! by time in one query that yields only (direction, id); the page's rows
//! are then read by id. A page is short (a screenful), so those lookups cost
//! less than carrying every column of both tables through the merge.

use rusqlite::types::Value;

use super::error::Result;
use super::messages::{MESSAGE_SELECT, message_from_row};
use super::received::{RECEIVED_SELECT, received_from_row};
use super::{Page, Store};
use crate::domain::{LoggedMessage, MessageFilter};

impl Store {
    /// A page of the messages `filter` lets through, newest first.
    ///
    /// # Errors
    /// On a database failure.
    pub fn message_log(&self, filter: &MessageFilter, page: Page) -> Result<Vec<LoggedMessage>> {
        let mut values = Vec::new();
        let mut parts = Vec::new();
        if let Some(sent) = sent_sql(filter, &mut values) {
            parts.push(format!(
                "SELECT 0 AS received, m.id AS id, m.created_at_ms AS at FROM messages m WHERE {sent}"
            ));
        }
        if let Some(received) = received_sql(filter, &mut values) {
            parts.push(format!(
                "SELECT 1 AS received, r.id AS id, r.received_at_ms AS at
                 FROM received_messages r WHERE {received}"
            ));
        }
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        values.push(Value::from(page.limit));
        let limit = values.len();
        values.push(Value::from(page.offset));
        let offset = values.len();
        let sql = format!(
            "SELECT received, id FROM ({}) ORDER BY at DESC, received DESC, id DESC
             LIMIT ?{limit} OFFSET ?{offset}",
            parts.join(" UNION ALL ")
        );
        let keys: Vec<(bool, i64)> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(values), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut sent = self
            .conn
            .prepare_cached(&format!("{MESSAGE_SELECT} WHERE id = ?1"))?;
        let mut received = self
            .conn
            .prepare_cached(&format!("{RECEIVED_SELECT} WHERE r.id = ?1"))?;
        let mut rows = Vec::with_capacity(keys.len());
        for (is_received, id) in keys {
            rows.push(if is_received {
                LoggedMessage::Received(received.query_row([id], received_from_row)?)
            } else {
                LoggedMessage::Sent(sent.query_row([id], message_from_row)?)
            });
        }
        Ok(rows)
    }

    /// How many messages `filter` lets through (the log's total).
    ///
    /// # Errors
    /// On a database failure.
    pub fn count_message_log(&self, filter: &MessageFilter) -> Result<u64> {
        let mut values = Vec::new();
        let sent = sent_sql(filter, &mut values).map_or_else(
            || "0".to_owned(),
            |sent| format!("(SELECT count(*) FROM messages m WHERE {sent})"),
        );
        let received = received_sql(filter, &mut values).map_or_else(
            || "0".to_owned(),
            |received| format!("(SELECT count(*) FROM received_messages r WHERE {received})"),
        );
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {sent} + {received}"))?
            .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?)
    }
}

/// The digits of a stored number as typed, the usual separators taken out,
/// so `010-1234-5678` is found by `0101234`.
fn raw_digits(column: &str) -> String {
    format!(
        "replace(replace(replace(replace(replace(replace(
            {column}, '-', ''), ' ', ''), '(', ''), ')', ''), '.', ''), '+', '')"
    )
}

/// Pushes `value` and returns its `?n`.
fn bind(values: &mut Vec<Value>, value: Value) -> String {
    values.push(value);
    format!("?{}", values.len())
}

/// The conditions on `messages m`, or None when no sent message can match.
fn sent_sql(filter: &MessageFilter, values: &mut Vec<Value>) -> Option<String> {
    if !filter.lists_sent() {
        return None;
    }
    let mut conditions = vec![format!(
        "m.created_at_ms >= {} AND m.created_at_ms < {}",
        bind(values, Value::from(filter.from.as_millis())),
        bind(values, Value::from(filter.to.as_millis()))
    )];
    if let Some(number) = &filter.number {
        let digits = bind(values, Value::from(number.digits().to_owned()));
        conditions.push(format!(
            "(instr(m.to_key, {digits}) > 0 OR instr({}, {digits}) > 0)",
            raw_digits("m.to_raw")
        ));
    }
    if let Some(customer) = filter.customer {
        conditions.push(format!(
            "m.customer_id = {}",
            bind(values, Value::from(customer.0))
        ));
    }
    if !filter.states.is_empty() {
        let states: Vec<String> = filter
            .states
            .iter()
            .map(|state| bind(values, Value::from(state.as_str().to_owned())))
            .collect();
        conditions.push(format!("m.state IN ({})", states.join(", ")));
    }
    if let Some(kind) = filter.kind {
        conditions.push(format!(
            "m.kind = {}",
            bind(values, Value::from(kind.as_str().to_owned()))
        ));
    }
    if let Some(batch) = filter.batch {
        conditions.push(format!(
            "m.batch_id = {}",
            bind(values, Value::from(batch.0))
        ));
    }
    if let Some(owner) = &filter.owner {
        conditions.push(format!(
            "m.user_id = {}",
            bind(values, Value::from(owner.user.0))
        ));
    }
    Some(conditions.join(" AND "))
}

/// The conditions on `received_messages r`, or None when no received
/// message can match.
fn received_sql(filter: &MessageFilter, values: &mut Vec<Value>) -> Option<String> {
    if !filter.lists_received() {
        return None;
    }
    let mut conditions = vec![format!(
        "r.received_at_ms >= {} AND r.received_at_ms < {}",
        bind(values, Value::from(filter.from.as_millis())),
        bind(values, Value::from(filter.to.as_millis()))
    )];
    if let Some(number) = &filter.number {
        let digits = bind(values, Value::from(number.digits().to_owned()));
        conditions.push(format!(
            "(instr(r.from_key, {digits}) > 0 OR instr({}, {digits}) > 0)",
            raw_digits("r.from_raw")
        ));
    }
    if let Some(customer) = filter.customer {
        conditions.push(format!(
            "r.customer_id = {}",
            bind(values, Value::from(customer.0))
        ));
    }
    Some(conditions.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        MessageDirection, MessageKind, MessageState, NewMessage, NewReceived, NewSenderNumber,
        NumberFragment, PhoneNumber, Region, Timestamp,
    };
    use crate::store::test_support::{add, store};

    fn ids(rows: &[LoggedMessage]) -> Vec<(MessageDirection, i64)> {
        rows.iter()
            .map(|row| match row {
                LoggedMessage::Sent(message) => (MessageDirection::Sent, message.id.0),
                LoggedMessage::Received(message) => (MessageDirection::Received, message.id.0),
            })
            .collect()
    }

    #[test]
    fn sent_and_received_are_merged_newest_first_and_filtered() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let to = |number: &str, customer_id| NewMessage {
            batch_id: None,
            customer_id,
            user_id: None,
            to: PhoneNumber::parse(number, Region::KOREA).unwrap(),
            from_key: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "안내".to_owned(),
            advertising: false,
            image: None,
        };
        let first = store
            .enqueue_message(&to("010-1234-5678", Some(customer)))
            .unwrap();
        let second = store.enqueue_message(&to("010-9999-0000", None)).unwrap();
        store.start_sending(second).unwrap();
        store.fail_message(second, "refused").unwrap();
        // Received after both were queued (queued "now", received in the future).
        let reply = store
            .record_received(&NewReceived {
                from: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
                to: "1588-1234".to_owned(),
                body: "네".to_owned(),
                gateway_ref: Some("mo-1".to_owned()),
                received_at: Timestamp(Timestamp::now().as_millis() + 60_000),
            })
            .unwrap()
            .unwrap();

        let all = MessageFilter::period(Timestamp(0), Timestamp(i64::MAX));
        let log = store.message_log(&all, Page::first(10)).unwrap();
        assert_eq!(
            ids(&log),
            [
                (MessageDirection::Received, reply.id.0),
                (MessageDirection::Sent, second.0),
                (MessageDirection::Sent, first.0)
            ]
        );
        assert_eq!(store.count_message_log(&all).unwrap(), 3);
        let page = store
            .message_log(
                &all,
                Page {
                    offset: 1,
                    limit: 1,
                },
            )
            .unwrap();
        assert_eq!(ids(&page), [(MessageDirection::Sent, second.0)]);

        let check = |filter: &MessageFilter, expected: &[(MessageDirection, i64)]| {
            let rows = store.message_log(filter, Page::first(10)).unwrap();
            assert_eq!(ids(&rows), expected, "{filter:?}");
            assert_eq!(
                store.count_message_log(filter).unwrap(),
                expected.len() as u64
            );
        };
        let mut by_customer = all.clone();
        by_customer.customer = Some(customer);
        check(
            &by_customer,
            &[
                (MessageDirection::Received, reply.id.0),
                (MessageDirection::Sent, first.0),
            ],
        );
        let mut by_number = all.clone();
        by_number.number = NumberFragment::parse("9999").unwrap();
        check(&by_number, &[(MessageDirection::Sent, second.0)]);
        let mut failed = all.clone();
        failed.states = vec![MessageState::Failed];
        check(&failed, &[(MessageDirection::Sent, second.0)]);
        let mut received = all.clone();
        received.direction = Some(MessageDirection::Received);
        check(&received, &[(MessageDirection::Received, reply.id.0)]);
        let mut nothing = received.clone();
        nothing.kind = Some(MessageKind::Sms);
        check(&nothing, &[]);
        let mut earlier = all.clone();
        earlier.to = Timestamp(1);
        check(&earlier, &[]);
    }

    #[test]
    fn each_side_reads_its_time_index() {
        let store = store();
        let filter = MessageFilter::period(Timestamp(0), Timestamp(1000));
        let mut values = Vec::new();
        let sent = sent_sql(&filter, &mut values).unwrap();
        let received = received_sql(&filter, &mut values).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT m.id FROM messages m WHERE {sent}
                 UNION ALL SELECT r.id FROM received_messages r WHERE {received}"
            ))
            .unwrap()
            .query_map(rusqlite::params_from_iter(values), |row| {
                row.get::<_, String>(3)
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains("messages_created"), "{plan}");
        assert!(plan.contains("received_messages_at"), "{plan}");
    }
    #[test]
    fn an_agents_own_log_is_what_they_sent_and_what_came_in() {
        let mut store = store();
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap();
        let kim = store
            .create_user(&crate::domain::NewUser {
                login: "kim".to_owned(),
                display_name: "김상담".to_owned(),
                role: crate::domain::Role::Agent,
                extension: None,
            })
            .unwrap();
        let sent_by = |user_id| NewMessage {
            batch_id: None,
            customer_id: None,
            user_id,
            to: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            from_key: "+8215881234".to_owned(),
            kind: MessageKind::Sms,
            subject: String::new(),
            body: "안내".to_owned(),
            advertising: false,
            image: None,
        };
        let theirs = store.enqueue_message(&sent_by(Some(kim))).unwrap();
        store.enqueue_message(&sent_by(None)).unwrap();
        let reply = store
            .record_received(&NewReceived {
                from: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
                to: "1588-1234".to_owned(),
                body: "네".to_owned(),
                gateway_ref: None,
                received_at: Timestamp(Timestamp::now().as_millis() + 60_000),
            })
            .unwrap()
            .unwrap();
        let mut own = MessageFilter::period(Timestamp(0), Timestamp(i64::MAX));
        own.owner = Some(crate::domain::LogOwner {
            user: kim,
            extension: String::new(),
        });
        let log = store.message_log(&own, Page::first(10)).unwrap();
        assert_eq!(
            ids(&log),
            [
                (MessageDirection::Received, reply.id.0),
                (MessageDirection::Sent, theirs.0)
            ]
        );
        assert_eq!(store.count_message_log(&own).unwrap(), 2);
    }
}
