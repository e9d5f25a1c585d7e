//! A customer with everything an export writes out: the card's fields with
//! names instead of ids (status, assignee, groups, tags), the numbers as
//! displayed, the user-defined values and the notes with their authors.
//!
//! The names a million customers share (labels, statuses, users, groups,
//! tags) are shared `Arc<str>`s rather than a copy each, and a
//! [`CustomerSource`] lends one record at a time, so an export can reuse
//! the same records' buffers from one chunk to the next.

use std::sync::Arc;

use super::field::FieldValue;
use super::ids::{CustomerId, FieldId};
use super::time::Timestamp;

/// One of the customer's numbers as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPhone {
    /// Label (휴대폰, 회사, 집…); may be empty.
    pub label: Arc<str>,
    /// Formatted for display (010-1234-5678), or as typed when it did not
    /// validate.
    pub display: String,
}

/// A note on the customer (상담기록).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordNote {
    /// When it was written.
    pub at: Timestamp,
    /// Its author's display name, if known.
    pub author: Option<Arc<str>>,
    /// Its text.
    pub body: String,
}

/// A whole customer as an export writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRecord {
    /// Row id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// E-mail, if any.
    pub email: Option<String>,
    /// Postal address.
    pub address: String,
    /// ISO 3166 code of the customer's country, if set.
    pub country: Option<String>,
    /// The status's name, if set.
    pub status: Option<Arc<str>>,
    /// How the customer found the company (인지경로).
    pub source: String,
    /// The assignee's display name, if set.
    pub assignee: Option<Arc<str>>,
    /// The customer memo.
    pub memo: String,
    /// Numbers in the card's order.
    pub phones: Vec<RecordPhone>,
    /// Names of the (live) groups the customer is in, in the group panel's order.
    pub groups: Vec<Arc<str>>,
    /// Tag names, by name.
    pub tags: Vec<Arc<str>>,
    /// The user-defined values the customer has, by field id.
    pub fields: Vec<(FieldId, FieldValue)>,
    /// Live notes, newest first.
    pub notes: Vec<RecordNote>,
    /// When the customer refused advertising, if they did.
    pub ad_opt_out_at: Option<Timestamp>,
    /// Agreed to advertising at night.
    pub ad_night_consent: bool,
    /// When the customer agreed to advertising, if recorded.
    pub ad_consent_at: Option<Timestamp>,
    /// How they agreed, if recorded.
    pub ad_consent_channel: Option<crate::domain::ConsentChannel>,
    /// Registered.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// In the recycle bin since, if deleted.
    pub deleted_at: Option<Timestamp>,
}

impl CustomerRecord {
    /// A record with nothing in it, to be filled.
    #[must_use]
    pub fn blank() -> Self {
        Self {
            id: CustomerId(0),
            name: String::new(),
            company: String::new(),
            email: None,
            address: String::new(),
            country: None,
            status: None,
            source: String::new(),
            assignee: None,
            memo: String::new(),
            phones: Vec::new(),
            groups: Vec::new(),
            tags: Vec::new(),
            fields: Vec::new(),
            notes: Vec::new(),
            ad_opt_out_at: None,
            ad_night_consent: false,
            ad_consent_at: None,
            ad_consent_channel: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            deleted_at: None,
        }
    }
}

/// Customers one at a time, each lent until the next is asked for (the
/// store reads them a chunk at a time into the same records).
pub trait CustomerSource {
    /// Why a customer could not be read.
    type Error: std::fmt::Display;

    /// The next customer; `None` after the last.
    fn next_customer(&mut self) -> Option<Result<&CustomerRecord, Self::Error>>;
}

/// A [`CustomerSource`] over records already made (tests, small lists).
pub struct Listed<I> {
    records: I,
    current: Option<CustomerRecord>,
}

impl<I> Listed<I> {
    /// Lends the records `records` yields, in order.
    pub fn new(records: I) -> Self {
        Self {
            records,
            current: None,
        }
    }
}

impl<I, E> CustomerSource for Listed<I>
where
    I: Iterator<Item = Result<CustomerRecord, E>>,
    E: std::fmt::Display,
{
    type Error = E;

    fn next_customer(&mut self) -> Option<Result<&CustomerRecord, E>> {
        match self.records.next()? {
            Ok(record) => Some(Ok(self.current.insert(record))),
            Err(error) => Some(Err(error)),
        }
    }
}
