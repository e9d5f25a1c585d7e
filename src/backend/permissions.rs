//! Which window commands take an action some roles may not
//! ([`crate::domain::permission`]), checked before the command runs so a
//! refusal never depends on what the window showed or hid.
//!
//! Bulk sends and user management are refused by their own commands, whose
//! answers their windows already show; everything else refused answers
//! [`Event::NotAllowed`].

use super::store_thread::Service;
use super::{Command, Event, QueryId};
use crate::config::{self, Settings};
use crate::domain::{Action, NotAllowed};

impl Service {
    /// The refusal for `command` when the signed-in role may not run it.
    pub(super) fn refusal(&self, command: &Command) -> Option<Event> {
        let action = action(command, &self.settings)?;
        let NotAllowed { role, .. } = self.role().may(action).err()?;
        tracing::info!("{} refused for {role}", action.describe());
        Some(Event::NotAllowed {
            request: request(command),
            needs: action.needs(),
        })
    }
}

/// The action `command` takes that not every role may, if any; `settings`
/// are the ones in use, to tell a change of one's own language from a
/// change of the PBX.
pub(super) fn action(command: &Command, settings: &Settings) -> Option<Action> {
    Some(match command {
        Command::CreateField(_)
        | Command::UpdateField(_)
        | Command::ChangeFieldKind { .. }
        | Command::DeleteField(_) => Action::EditFields,
        Command::CreateStatus(_)
        | Command::RenameStatus { .. }
        | Command::MoveStatus { .. }
        | Command::DeleteStatus(_) => Action::EditStatuses,
        Command::AddSender { .. }
        | Command::SetSenderLabel { .. }
        | Command::SetSenderEnabled { .. }
        | Command::DeleteSender(_) => Action::EditSenders,
        Command::LoadAudit { .. } => Action::ReadAudit,
        Command::ExportCustomers { .. }
        | Command::ExportTable { .. }
        | Command::ExportBatch { .. } => Action::Export,
        Command::PrepareImport { .. }
        | Command::RunImport { .. }
        | Command::SaveImportMapping { .. } => Action::ImportCustomers,
        Command::SaveSettings(new) if !config::desk_changes(settings, new).is_empty() => {
            Action::ChangeDeskSettings
        }
        _ => return None,
    })
}

/// The request a refusal answers, so the window that asked shows it.
fn request(command: &Command) -> QueryId {
    match command {
        Command::LoadAudit { request, .. }
        | Command::ExportCustomers { request, .. }
        | Command::ExportTable { request, .. }
        | Command::ExportBatch { request, .. }
        | Command::PrepareImport { request, .. }
        | Command::RunImport { request, .. }
        | Command::SaveImportMapping { request, .. }
        | Command::AddSender { request, .. }
        | Command::SetSenderLabel { request, .. } => *request,
        _ => QueryId::default(),
    }
}
