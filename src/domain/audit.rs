//! The audit log's vocabulary: what is recorded (sign-ins, bulk sends,
//! exports, imports, deletes, merges, settings and role changes) and how a
//! search through it is narrowed.

use serde::Serialize;

use super::{Timestamp, UserId};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A user signed in.
    SignIn,
    /// A sign-in was refused (wrong password, locked or disabled user).
    SignInFailed,
    /// A user signed out of the window.
    SignOut,
    /// A bulk or Excel send was queued.
    BulkSend,
    /// Customers were exported to a file.
    Export,
    /// Customers were imported from a file.
    Import,
    /// The last import was undone.
    ImportUndone,
    /// Customers were moved to the recycle bin.
    Delete,
    /// Customers were taken back out of the recycle bin.
    Restore,
    /// The recycle bin was emptied, or its old customers purged.
    Purge,
    /// Two customers were merged.
    Merge,
    /// A merge was undone.
    MergeUndone,
    /// Settings were changed.
    Settings,
    /// A user was added, disabled, enabled or given another role or password.
    User,
    /// A backup was taken or restored.
    Backup,
}

impl AuditAction {
    /// Every action, in declaration order.
    pub const ALL: [Self; 15] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::BulkSend,
        Self::Export,
        Self::Import,
        Self::ImportUndone,
        Self::Delete,
        Self::Restore,
        Self::Purge,
        Self::Merge,
        Self::MergeUndone,
        Self::Settings,
        Self::User,
        Self::Backup,
    ];

    /// The name stored and typed (`bulk_send`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::BulkSend => "bulk_send",
            Self::Export => "export",
            Self::Import => "import",
            Self::ImportUndone => "import_undone",
            Self::Delete => "delete",
            Self::Restore => "restore",
            Self::Purge => "purge",
            Self::Merge => "merge",
            Self::MergeUndone => "merge_undone",
            Self::Settings => "settings",
            Self::User => "user",
            Self::Backup => "backup",
        }
    }

    /// The action named `name` ([`Self::as_str`]).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == name.trim())
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its number, in the order entries were written.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who, as named then ('' when nobody was signed in).
    pub actor: String,
    /// The user, when the name was one of the book's users.
    pub actor_id: Option<UserId>,
    /// The computer it was done from.
    pub machine: String,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to: a customer, a file, a batch, a setting, a user.
    pub target: String,
    /// More about it (counts, the fields changed).
    pub detail: String,
}

/// Which entries a search of the audit log returns; every part optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries whose actor contains this text (any case).
    pub actor: String,
    /// Only entries whose target or detail contains this text.
    pub text: String,
    /// Only entries at or after this time.
    pub since: Option<Timestamp>,
    /// Only entries before this time.
    pub until: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("launch"), None);
    }
}
