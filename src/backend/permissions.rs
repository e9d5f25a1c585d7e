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
        Command::CreateSource(_)
        | Command::RenameSource { .. }
        | Command::MoveSource { .. }
        | Command::DeleteSource(_) => Action::EditSources,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Backend;
    use crate::domain::{NewUser, Role, SourceName};
    use crate::store::Store;

    /// A backend with `login` signed in as `role`.
    fn signed_in(role: Role, dir: &std::path::Path) -> Backend {
        let mut store = Store::open_in_memory().unwrap();
        let id = store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김상담".to_owned(),
                role,
                extension: None,
            })
            .unwrap();
        let kim = store.user(id).unwrap();
        Backend::spawn_signed_in(
            store,
            Settings::default(),
            dir.join("settings.toml"),
            std::sync::Arc::new(|| {}),
            kim,
        )
        .unwrap()
    }

    #[test]
    fn only_an_admin_edits_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        for role in [Role::Agent, Role::Manager] {
            let backend = signed_in(role, dir.path());
            backend
                .send(Command::CreateSource(SourceName::new("지인소개").unwrap()))
                .unwrap();
            let needs = super::super::test_support::wait_for(&backend, |event| match event {
                Event::NotAllowed { needs, .. } => Some(needs),
                Event::Lookups(lookups) => {
                    assert!(
                        lookups.sources.iter().all(|s| s.name != "지인소개"),
                        "{role}"
                    );
                    None
                }
                _ => None,
            });
            assert_eq!(needs, Role::Admin, "{role}");
        }
        let backend = signed_in(Role::Admin, dir.path());
        backend
            .send(Command::CreateSource(SourceName::new("지인소개").unwrap()))
            .unwrap();
        let sources = super::super::test_support::wait_for(&backend, |event| match event {
            Event::Lookups(lookups) if lookups.sources.iter().any(|s| s.name == "지인소개") => {
                Some(lookups.sources)
            }
            Event::NotAllowed { .. } => panic!("the admin was refused"),
            _ => None,
        });
        assert_eq!(sources.last().map(|s| s.name.as_str()), Some("지인소개"));
    }

    #[test]
    fn every_source_command_is_an_admins() {
        let settings = Settings::default();
        let name = || SourceName::new("x").unwrap();
        let id = crate::domain::SourceId(1);
        for command in [
            Command::CreateSource(name()),
            Command::RenameSource { id, name: name() },
            Command::MoveSource { id, position: 0 },
            Command::DeleteSource(id),
        ] {
            assert_eq!(action(&command, &settings), Some(Action::EditSources));
        }
    }
}
