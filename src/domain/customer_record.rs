//! A customer with everything an export writes out: the card's fields with
//! names instead of ids (status, assignee, groups, tags), the numbers as
//! displayed, the user-defined values and the notes with their authors.

use super::field::FieldValue;
use super::ids::{CustomerId, FieldId};
use super::time::Timestamp;

/// One of the customer's numbers as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPhone {
    /// Label (휴대폰, 회사, 집…); may be empty.
    pub label: String,
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
    pub author: Option<String>,
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
    pub status: Option<String>,
    /// How the customer found the company (인지경로).
    pub source: String,
    /// The assignee's display name, if set.
    pub assignee: Option<String>,
    /// The customer memo.
    pub memo: String,
    /// Numbers in the card's order.
    pub phones: Vec<RecordPhone>,
    /// Names of the (live) groups the customer is in, in the group panel's order.
    pub groups: Vec<String>,
    /// Tag names, by name.
    pub tags: Vec<String>,
    /// The user-defined values the customer has, by field id.
    pub fields: Vec<(FieldId, FieldValue)>,
    /// Live notes, newest first.
    pub notes: Vec<RecordNote>,
    /// When the customer refused advertising, if they did.
    pub ad_opt_out_at: Option<Timestamp>,
    /// Agreed to advertising at night.
    pub ad_night_consent: bool,
    /// Registered.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
    /// In the recycle bin since, if deleted.
    pub deleted_at: Option<Timestamp>,
}
