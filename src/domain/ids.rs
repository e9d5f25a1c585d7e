//! Typed row ids, so a group id can never be passed where a customer id is meant.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! row_id {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

row_id!(
    /// A customer (row of `customers`).
    CustomerId,
    /// A customer group.
    GroupId,
    /// A tag.
    TagId,
    /// A user-defined field definition.
    FieldId,
    /// A note on a customer.
    NoteId,
    /// A ringdesk user (agent, manager, admin).
    UserId,
    /// A customer status (신규, 상담중…).
    StatusId,
    /// A customer source (인지경로: 전화, 방문…).
    SourceId,
    /// An entry of the call log.
    CallId,
    /// An entry of the message log / outbox.
    MessageId,
    /// A saved SMS text.
    TemplateId,
    /// A registered sender number.
    SenderNumberId,
    /// A bulk send.
    BatchId,
    /// A message a customer sent in (received, MO).
    ReceivedId,
    /// A stored MMS picture, shared by every message that carries it.
    ImageId,
    /// A saved view of the customer list.
    SavedViewId,
);
