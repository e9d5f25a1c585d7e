//! Checks that a row an input refers to exists, so a wrong id comes back as
//! "no user with id 7" rather than the database's bare "FOREIGN KEY constraint failed".

use rusqlite::Connection;

use super::error::{Result, found};
use crate::domain::{CustomerId, SenderNumberId, UserId};

/// [`super::Error::NotFound`] unless `customer` exists (live or in the recycle bin).
pub(super) fn customer(conn: &Connection, customer: CustomerId) -> Result<()> {
    exists(
        conn,
        "SELECT 1 FROM customers WHERE id = ?1",
        "customer",
        customer.0,
    )
}

/// [`super::Error::NotFound`] unless `user` exists.
pub(super) fn user(conn: &Connection, user: UserId) -> Result<()> {
    exists(conn, "SELECT 1 FROM users WHERE id = ?1", "user", user.0)
}

/// [`super::Error::NotFound`] unless `sender` exists.
pub(super) fn sender_number(conn: &Connection, sender: SenderNumberId) -> Result<()> {
    exists(
        conn,
        "SELECT 1 FROM sender_numbers WHERE id = ?1",
        "sender number",
        sender.0,
    )
}

fn exists(conn: &Connection, sql: &str, what: &'static str, id: i64) -> Result<()> {
    found(
        conn.prepare_cached(sql)?.query_row([id], |_| Ok(())),
        what,
        id,
    )
}
