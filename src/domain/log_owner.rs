//! Whose calls and messages a log shows to a user who may not see
//! everyone's ([`super::Action::SeeEveryonesLogs`]): the calls that rang at
//! their extension or that they made, and the messages they sent.
//!
//! Received messages come to the desk's shared number, not to anyone, so
//! every user sees them.

use super::ids::UserId;

/// A user's own share of the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOwner {
    /// The user, when signed in (calls and messages they are named on).
    pub user: Option<UserId>,
    /// Their extension; empty when they have none.
    pub extension: String,
}
