//! A customer's numbers and the caller lookup: canonical key → customers.

use rusqlite::{Connection, OptionalExtension as _, Statement, params};

use super::error::Result;
use super::{Store, customers};
use crate::domain::{CustomerId, CustomerPhone, CustomerSummary, LabeledPhone, PhoneNumber};

impl Store {
    /// The live customers one of whose numbers is `number`, newest first.
    /// Several customers may share a number (a family, a company switchboard).
    ///
    /// One indexed query: the caller ID's canonical key, and its national
    /// digits for numbers that were stored unverified.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customers_with_number(&self, number: &PhoneNumber) -> Result<Vec<CustomerSummary>> {
        let keys: Vec<&str> = number.lookup_keys().collect();
        let placeholders = vec!["?"; keys.len()].join(", ");
        let sql = format!(
            "SELECT {} FROM customers c
             WHERE c.deleted_at_ms IS NULL
               AND c.id IN (SELECT customer_id FROM customer_phones WHERE phone_key IN ({placeholders}))
             ORDER BY c.id DESC",
            customers::SUMMARY_COLUMNS
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                rusqlite::params_from_iter(keys.iter()),
                customers::summary_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Whether a live customer with `number` opted out of advertising: an
    /// opt-out recorded on any card holds for the number, whoever else
    /// shares it and however it was typed.
    ///
    /// # Errors
    /// On a database failure.
    pub fn number_opted_out(&self, number: &PhoneNumber) -> Result<bool> {
        let keys: Vec<&str> = number.lookup_keys().collect();
        let placeholders = vec!["?"; keys.len()].join(", ");
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM customers c
                 WHERE c.deleted_at_ms IS NULL AND c.ad_opt_out_at_ms IS NOT NULL
                   AND c.id IN (SELECT customer_id FROM customer_phones
                                WHERE phone_key IN ({placeholders})))"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(keys.iter()), |row| row.get(0))?)
    }
}

/// Inserts one number; see [`insert`].
pub(super) const INSERT: &str = "INSERT INTO customer_phones
    (customer_id, position, label, raw, display, phone_key, digits, verified, mobile)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Writes a customer's numbers with `statement` prepared from [`INSERT`].
pub(super) fn insert(
    statement: &mut Statement<'_>,
    id: CustomerId,
    phones: &[LabeledPhone],
) -> Result<()> {
    for (position, phone) in phones.iter().enumerate() {
        let number = &phone.number;
        statement.execute(params![
            id.0,
            position,
            phone.label,
            number.raw(),
            number.display(),
            number.key(),
            number.digits(),
            number.is_verified(),
            number.is_mobile(),
        ])?;
    }
    Ok(())
}

pub(super) fn of_customer(conn: &Connection, id: CustomerId) -> Result<Vec<CustomerPhone>> {
    Ok(conn
        .prepare_cached(
            "SELECT label, raw, display, phone_key, verified, mobile FROM customer_phones
             WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id.0], |row| {
            Ok(CustomerPhone {
                label: row.get(0)?,
                raw: row.get(1)?,
                display: row.get(2)?,
                key: row.get(3)?,
                verified: row.get(4)?,
                mobile: row.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The live customer that already has one of the canonical `keys`.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_with_key(&self, keys: &[String]) -> Result<Option<CustomerId>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT p.customer_id FROM customer_phones p
             JOIN customers c ON c.id = p.customer_id AND c.deleted_at_ms IS NULL
             WHERE p.phone_key = ?1 LIMIT 1",
        )?;
        for key in keys {
            if let Some(id) = statement.query_row([key], |row| row.get(0)).optional()? {
                return Ok(Some(CustomerId(id)));
            }
        }
        Ok(None)
    }

    /// Whether any customer, live or in the recycle bin, has a number.
    ///
    /// # Errors
    /// On a database failure.
    pub fn has_numbers(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM customer_phones)", [], |row| {
                row.get(0)
            })?)
    }

    /// Every live customer's e-mail in lower case, with the customer: one
    /// pass over the book, for an import to find its repeats in.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customer_emails(&self) -> Result<std::collections::HashMap<String, CustomerId>> {
        let mut statement = self.conn.prepare(
            "SELECT lower(email), id FROM customers
             WHERE email <> '' AND deleted_at_ms IS NULL ORDER BY id",
        )?;
        let mut emails = std::collections::HashMap::new();
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            emails.entry(row.get(0)?).or_insert(CustomerId(row.get(1)?));
        }
        Ok(emails)
    }
}

impl Store {
    /// The live customers whose e-mail is `email`, in any case.
    ///
    /// # Errors
    /// On a database failure.
    pub fn customers_with_email(&self, email: &str) -> Result<Vec<(CustomerId, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name FROM customers
                 WHERE deleted_at_ms IS NULL AND email <> '' AND lower(email) = lower(?1)
                 ORDER BY id",
            )?
            .query_map([email.trim()], |row| {
                Ok((CustomerId(row.get(0)?), row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}
