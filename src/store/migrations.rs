//! The schema's history: numbered files in `sql/`, embedded in the binary and
//! applied in order, one transaction each, tracked by `PRAGMA user_version`.
//! Shipped files are never edited; a change is a new file.

use std::sync::LazyLock;

use rusqlite_migration::{M, Migrations};

/// The migration files, oldest first.
const FILES: &[&str] = &[
    include_str!("../../sql/0001_init.sql"),
    include_str!("../../sql/0002_calls.sql"),
    include_str!("../../sql/0003_sms.sql"),
    include_str!("../../sql/0004_mms.sql"),
    include_str!("../../sql/0005_batch_recipients.sql"),
    include_str!("../../sql/0006_batch_image.sql"),
    include_str!("../../sql/0007_imports.sql"),
    include_str!("../../sql/0008_history.sql"),
    include_str!("../../sql/0009_merges.sql"),
    include_str!("../../sql/0010_business_and_consent.sql"),
    include_str!("../../sql/0011_saved_views.sql"),
    include_str!("../../sql/0012_import_mappings.sql"),
    include_str!("../../sql/0013_audit.sql"),
    include_str!("../../sql/0014_sources.sql"),
];

/// Every migration, oldest first.
pub static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(FILES.iter().map(|sql| M::up(sql)).collect()));

/// The schema version this build brings a database to.
#[must_use]
pub fn latest_version() -> i64 {
    i64::try_from(FILES.len()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    #[test]
    fn calls_logged_before_0002_are_kept_with_their_ids() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        MIGRATIONS.to_version(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO customers (id, name, created_at_ms, updated_at_ms) VALUES (3, '홍길동', 1, 1);
             INSERT INTO calls (id, direction, pbx_call_id, number_raw, phone_key, customer_id,
                                extension, line, started_at_ms, answered_at_ms, ended_at_ms,
                                outcome, memo)
             VALUES (7, 'in', '1700000000.42', '010-1234-5678', '+821012345678', 3,
                     '1001', '02-2299-7000', 1000, 2000, 9000, 'answered', '견적 문의'),
                    (9, 'out', NULL, '1588-0000', '15880000', NULL, '', '', 5000, NULL, NULL,
                     NULL, '');",
        )
        .unwrap();

        MIGRATIONS.to_latest(&mut conn).unwrap();
        // Each row as one line of text: id, direction, outcome, customer,
        // times, cause, cause text, memo.
        let rows: Vec<String> = conn
            .prepare(
                "SELECT printf('%d %s %s %s %s-%s-%s %s [%s] %s', id, direction,
                        coalesce(outcome, '-'), coalesce(customer_id, '-'), started_at_ms,
                        coalesce(answered_at_ms, '-'), coalesce(ended_at_ms, '-'),
                        coalesce(cause, '-'), cause_text, memo)
                 FROM calls ORDER BY id",
            )
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                "7 in answered 3 1000-2000-9000 - [] 견적 문의",
                "9 out - - 5000---- - [] ",
            ]
        );
        // The new values are allowed, the unique index is back.
        conn.execute(
            "UPDATE calls SET direction = 'internal', outcome = 'answered_elsewhere' WHERE id = 9",
            [],
        )
        .unwrap();
        assert!(
            conn.execute(
                "INSERT INTO calls (direction, pbx_call_id, number_raw, phone_key, extension,
                                    started_at_ms)
                 VALUES ('in', '1700000000.42', '010', '010', '1001', 1)",
                [],
            )
            .is_err()
        );
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'calls' AND type = 'index' ORDER BY name")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            indexes,
            [
                "calls_customer",
                "calls_pbx_call",
                "calls_phone",
                "calls_started",
                "calls_user"
            ]
        );
    }

    #[test]
    fn messages_queued_before_0003_get_their_own_uid() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        MIGRATIONS.to_version(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (to_raw, to_key, from_key, kind, body, created_at_ms, updated_at_ms)
             VALUES ('010-1', '0101', '15881234', 'sms', 'a', 1, 1),
                    ('010-2', '0102', '15881234', 'sms', 'b', 2, 2);",
        )
        .unwrap();
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let uids: Vec<String> = conn
            .prepare("SELECT uid FROM messages ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(uids.len(), 2);
        assert!(uids.iter().all(|uid| uid.len() == 32), "{uids:?}");
        assert_ne!(uids[0], uids[1]);
    }

    #[test]
    fn messages_before_0004_carry_no_picture_and_a_picture_is_kept_once() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        MIGRATIONS.to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (to_raw, to_key, from_key, kind, body, created_at_ms,
                                   updated_at_ms, uid)
             VALUES ('010-1', '0101', '15881234', 'sms', 'a', 1, 1, 'u1');",
        )
        .unwrap();
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let image: Option<i64> = conn
            .query_row("SELECT image_id FROM messages", [], |row| row.get(0))
            .unwrap();
        assert_eq!(image, None);
        let insert = "INSERT INTO message_images (sha256, size_bytes, created_at_ms, bytes)
                      VALUES (zeroblob(32), 3, 1, x'FFD8FF')";
        conn.execute(insert, []).unwrap();
        assert!(conn.execute(insert, []).is_err(), "one row per picture");
        // A message names only a stored picture.
        assert!(
            conn.execute("UPDATE messages SET image_id = 99", [])
                .is_err()
        );
        conn.execute("UPDATE messages SET image_id = 1", [])
            .unwrap();
    }

    #[test]
    fn batches_before_0006_carry_no_picture_and_name_only_a_stored_one() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        MIGRATIONS.to_version(&mut conn, 5).unwrap();
        conn.execute_batch(
            "INSERT INTO batches (kind, body_template, created_at_ms, updated_at_ms)
             VALUES ('bulk', '안내', 1, 1);",
        )
        .unwrap();
        MIGRATIONS.to_latest(&mut conn).unwrap();
        let image: Option<i64> = conn
            .query_row("SELECT image_id FROM batches", [], |row| row.get(0))
            .unwrap();
        assert_eq!(image, None);
        assert!(
            conn.execute("UPDATE batches SET image_id = 99", [])
                .is_err()
        );
        conn.execute(
            "INSERT INTO message_images (sha256, size_bytes, created_at_ms, bytes)
             VALUES (zeroblob(32), 3, 1, x'FFD8FF')",
            [],
        )
        .unwrap();
        conn.execute("UPDATE batches SET image_id = 1", []).unwrap();
    }
}
