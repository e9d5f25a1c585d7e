//! Whose calls and messages a log shows to a user who may not see
//! everyone's ([`super::Action::SeeEveryonesLogs`]): the calls that rang at
//! their extension or that they made, and the messages they sent.
//!
//! Received messages come to the desk's shared number, not to anyone, so
//! every user sees them.

use super::ids::UserId;
use super::permission::Action;
use super::user::User;

/// A user's own share of the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOwner {
    /// The user (calls and messages they are named on).
    pub user: UserId,
    /// Their extension; empty when they have none.
    pub extension: String,
}

impl LogOwner {
    /// What `user`, working at `extension`, may see of the logs: their own
    /// share, or `None` when their role may see everyone's.
    #[must_use]
    pub fn of(user: &User, extension: &str) -> Option<Self> {
        user.role.may(Action::SeeEveryonesLogs).err()?;
        Some(Self {
            user: user.id,
            extension: extension.to_owned(),
        })
    }
}
