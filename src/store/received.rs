//! Messages customers send in (MO): stored once each, matched to the
//! customer whose number sent them.
//!
//! A gateway may call back twice for one message (a retried HTTP callback);
//! the unique indexes of `received_messages` keep the second out, by the
//! gateway's id when it gives one and by sender, time and text otherwise.

use rusqlite::{Row, params};

use super::error::{Result, found};
use super::{Store, now_ms};
use crate::domain::{CustomerId, NewReceived, ReceivedId, ReceivedMessage, Timestamp};

impl Store {
    /// Stores a received message, matched to the customer whose number sent
    /// it when exactly one live customer has that number. Returns it, or
    /// None when it was stored before (a repeated callback).
    ///
    /// # Errors
    /// On a database failure.
    pub fn record_received(&mut self, received: &NewReceived) -> Result<Option<ReceivedMessage>> {
        let customers = if received.from.is_withheld() {
            Vec::new()
        } else {
            self.customers_with_number(&received.from)?
        };
        let customer = match customers.as_slice() {
            [one] => Some(one.id),
            _ => None,
        };
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT INTO received_messages (from_raw, from_key, to_raw, body, customer_id,
                     gateway_ref, received_at_ms, stored_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                received.from.raw(),
                received.from.key(),
                received.to,
                received.body,
                customer.map(|customer| customer.0),
                received.gateway_ref,
                received.received_at.as_millis(),
                now_ms(),
            ])?;
        if inserted == 0 {
            return Ok(None);
        }
        let id = ReceivedId(self.conn.last_insert_rowid());
        self.received(id).map(Some)
    }

    /// One received message.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such message.
    pub fn received(&self, id: ReceivedId) -> Result<ReceivedMessage> {
        found(
            self.conn
                .prepare_cached(&format!("{RECEIVED_SELECT} WHERE r.id = ?1"))?
                .query_row([id.0], received_from_row),
            "received message",
            id.0,
        )
    }
}

pub(super) const RECEIVED_SELECT: &str = "SELECT r.id, r.from_raw, r.from_key, r.to_raw, r.body,
        r.customer_id, c.name, r.gateway_ref, r.received_at_ms
    FROM received_messages r
    LEFT JOIN customers c ON c.id = r.customer_id AND c.deleted_at_ms IS NULL";

pub(super) fn received_from_row(row: &Row<'_>) -> rusqlite::Result<ReceivedMessage> {
    Ok(ReceivedMessage {
        id: ReceivedId(row.get(0)?),
        from_raw: row.get(1)?,
        from_key: row.get(2)?,
        to_raw: row.get(3)?,
        body: row.get(4)?,
        customer_id: row.get::<_, Option<i64>>(5)?.map(CustomerId),
        customer_name: row.get(6)?,
        gateway_ref: row.get(7)?,
        received_at: Timestamp(row.get(8)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PhoneNumber, Region};
    use crate::store::test_support::{add, store};

    fn received(from: &str, body: &str, gateway_ref: Option<&str>) -> NewReceived {
        NewReceived {
            from: PhoneNumber::parse(from, Region::KOREA).unwrap(),
            to: "1588-1234".to_owned(),
            body: body.to_owned(),
            gateway_ref: gateway_ref.map(str::to_owned),
            received_at: Timestamp(1_700_000_000_000),
        }
    }

    #[test]
    fn a_reply_is_matched_to_its_customer_and_stored_once() {
        let mut store = store();
        let customer = add(&mut store, "홍길동", &["010-1234-5678"]);
        let stored = store
            .record_received(&received(
                "+82 10 1234 5678",
                "네 확인했습니다",
                Some("mo-1"),
            ))
            .unwrap()
            .unwrap();
        assert_eq!(stored.customer_id, Some(customer));
        assert_eq!(stored.customer_name.as_deref(), Some("홍길동"));
        assert_eq!(stored.from_key, "+821012345678");
        assert_eq!(
            store
                .record_received(&received("010-1234-5678", "네 확인했습니다", Some("mo-1")))
                .unwrap(),
            None
        );
        // Without a gateway id, the same sender, time and text is a repeat.
        assert!(
            store
                .record_received(&received("010-9999-0000", "문의", None))
                .unwrap()
                .is_some()
        );
        assert_eq!(
            store
                .record_received(&received("010-9999-0000", "문의", None))
                .unwrap(),
            None
        );
    }

    #[test]
    fn a_shared_or_unknown_number_matches_nobody() {
        let mut store = store();
        add(&mut store, "김민준", &["010-5555-6666"]);
        add(&mut store, "김서연", &["010-5555-6666"]);
        let shared = store
            .record_received(&received("010-5555-6666", "가족", Some("a")))
            .unwrap()
            .unwrap();
        assert_eq!(shared.customer_id, None);
        let stranger = store
            .record_received(&received("010-7777-8888", "누구", Some("b")))
            .unwrap()
            .unwrap();
        assert_eq!(stranger.customer_id, None);
    }
}
