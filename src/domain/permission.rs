//! What each role may do: the one table the window's backend and the command
//! line both check before they act, so a refusal reads the same from both.
//!
//! Agents see and edit customers, call and send single messages. Managers
//! also send to many at once, import, export and back up the book and see
//! everyone's calls and messages. Admins also shape the book (user-defined
//! fields, statuses, sources), manage users and sender numbers, read the
//! audit log, change the desk's settings (PBX, SMS gateway…), restore the
//! book from a backup and empty the recycle bin.

use super::Role;

/// An action some roles may not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Bulk SMS to a group, a search or an Excel sheet.
    SendBulk,
    /// Import customers from a file.
    ImportCustomers,
    /// Write customers, a log or a send's results to a file.
    Export,
    /// Write a backup of the whole book.
    Backup,
    /// Replace the whole book with a backup.
    RestoreBackup,
    /// See other users' calls and messages in the logs.
    SeeEveryonesLogs,
    /// Define, change or retire user-defined fields.
    EditFields,
    /// Add, rename, order or delete statuses.
    EditStatuses,
    /// Add, rename, order or delete customer sources (인지경로).
    EditSources,
    /// Register sender numbers (발신번호) or switch them off.
    EditSenders,
    /// Add users, reset their passwords, switch them off.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// Change settings the whole desk shares: the PBX, the SMS gateway,
    /// backups, the recycle bin's purge, the default country…
    ChangeDeskSettings,
    /// Remove customers from the recycle bin for good.
    EmptyRecycleBin,
}

impl Action {
    /// Every action, for tests and help texts.
    pub const ALL: [Self; 14] = [
        Self::SendBulk,
        Self::ImportCustomers,
        Self::Export,
        Self::Backup,
        Self::RestoreBackup,
        Self::SeeEveryonesLogs,
        Self::EditFields,
        Self::EditStatuses,
        Self::EditSources,
        Self::EditSenders,
        Self::ManageUsers,
        Self::ReadAudit,
        Self::ChangeDeskSettings,
        Self::EmptyRecycleBin,
    ];

    /// The least role that may take this action.
    #[must_use]
    pub const fn needs(self) -> Role {
        match self {
            Self::SendBulk
            | Self::ImportCustomers
            | Self::Export
            | Self::Backup
            | Self::SeeEveryonesLogs => Role::Manager,
            Self::EditFields
            | Self::EditStatuses
            | Self::EditSources
            | Self::EditSenders
            | Self::ManageUsers
            | Self::ReadAudit
            | Self::RestoreBackup
            | Self::ChangeDeskSettings
            | Self::EmptyRecycleBin => Role::Admin,
        }
    }

    /// What the action is, in words for a refusal.
    #[must_use]
    pub const fn describe(self) -> &'static str {
        match self {
            Self::SendBulk => "bulk sending",
            Self::ImportCustomers => "importing customers",
            Self::Export => "exporting",
            Self::Backup => "backing up the book",
            Self::RestoreBackup => "restoring the book from a backup",
            Self::SeeEveryonesLogs => "seeing everyone's calls and messages",
            Self::EditFields => "editing user-defined fields",
            Self::EditStatuses => "editing statuses",
            Self::EditSources => "editing sources",
            Self::EditSenders => "editing sender numbers",
            Self::ManageUsers => "managing users",
            Self::ReadAudit => "reading the audit log",
            Self::ChangeDeskSettings => "changing the desk's settings",
            Self::EmptyRecycleBin => "emptying the recycle bin",
        }
    }
}

/// An action refused for the role that asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} needs the {} role; this user is {}", .action.describe(), .action.needs(), .role)]
pub struct NotAllowed {
    /// What was asked.
    pub action: Action,
    /// Who asked.
    pub role: Role,
}

impl NotAllowed {
    /// The least role that may.
    #[must_use]
    pub const fn needs(self) -> Role {
        self.action.needs()
    }
}

impl Role {
    /// Agent < manager < admin.
    const fn rank(self) -> u8 {
        match self {
            Self::Agent => 0,
            Self::Manager => 1,
            Self::Admin => 2,
        }
    }

    /// Whether this role may do everything `other` may.
    #[must_use]
    pub const fn includes(self, other: Self) -> bool {
        self.rank() >= other.rank()
    }

    /// Whether this role may take `action`.
    ///
    /// # Errors
    /// [`NotAllowed`], naming the role it needs, when it may not.
    pub const fn may(self, action: Action) -> Result<(), NotAllowed> {
        if self.includes(action.needs()) {
            Ok(())
        } else {
            Err(NotAllowed { action, role: self })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_what_its_rank_allows() {
        for action in Action::ALL {
            assert!(Role::Admin.may(action).is_ok(), "{action:?}");
            let manager = Role::Manager.may(action);
            assert_eq!(
                manager.is_ok(),
                action.needs() == Role::Manager,
                "{action:?}"
            );
            let refused = Role::Agent.may(action).unwrap_err();
            assert_eq!(refused.needs(), action.needs());
        }
    }

    #[test]
    fn a_refusal_names_the_action_and_the_role_it_needs() {
        let refused = Role::Agent.may(Action::SendBulk).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "bulk sending needs the manager role; this user is agent"
        );
        let refused = Role::Manager.may(Action::ChangeDeskSettings).unwrap_err();
        assert!(refused.to_string().contains("needs the admin role"));
    }
}
