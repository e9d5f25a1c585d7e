//! Messages customers send in (MO, 수신 문자): what the gateway hands over,
//! and the row the received log keeps.
//!
//! The customer is matched once, by the sender's number, when the message
//! arrives; a number that several customers share, or none, leaves it
//! unmatched rather than guessing.

use serde::Serialize;

use super::ids::{CustomerId, ReceivedId};
use super::phone::PhoneNumber;
use super::time::Timestamp;

/// A message as the gateway handed it over, to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceived {
    /// The sender's number, parsed (withheld-style when it does not parse).
    pub from: PhoneNumber,
    /// The company number it was sent to, as the gateway gave it.
    pub to: String,
    /// The text.
    pub body: String,
    /// The gateway's id for it, when it gives one: a repeat with the same
    /// id is stored once.
    pub gateway_ref: Option<String>,
    /// When the gateway received it.
    pub received_at: Timestamp,
}

/// A received message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedMessage {
    /// Row id.
    pub id: ReceivedId,
    /// The sender's number as the gateway gave it.
    pub from_raw: String,
    /// Its canonical key.
    pub from_key: String,
    /// The company number it was sent to.
    pub to_raw: String,
    /// The text.
    pub body: String,
    /// The customer the number belonged to when it arrived, when exactly one did.
    pub customer_id: Option<CustomerId>,
    /// That customer's name, unless they are in the recycle bin.
    pub customer_name: Option<String>,
    /// The gateway's id for it.
    pub gateway_ref: Option<String>,
    /// When the gateway received it.
    pub received_at: Timestamp,
}
