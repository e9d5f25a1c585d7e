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
use crate::domain::{Action, CallFilter, LogOwner, MessageFilter, NotAllowed};

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

    /// `filter` narrowed to the user's own calls when they may not see
    /// everyone's.
    pub(super) fn visible_calls(&self, filter: CallFilter) -> CallFilter {
        CallFilter {
            owner: self.log_owner().or(filter.owner.clone()),
            ..filter
        }
    }

    /// `filter` narrowed to the messages the user sent (and those
    /// received) when they may not see everyone's.
    pub(super) fn visible_messages(&self, filter: MessageFilter) -> MessageFilter {
        MessageFilter {
            owner: self.log_owner().or(filter.owner.clone()),
            ..filter
        }
    }

    /// The signed-in user's own share of the logs, or `None` when they may
    /// see all (or nobody signed in: the desk's logs are all its own).
    fn log_owner(&self) -> Option<LogOwner> {
        LogOwner::of(self.session.as_ref()?, &self.settings.pbx.extension)
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
        Command::EmptyRecycleBin => Action::EmptyRecycleBin,
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
    use crate::domain::{
        CallRecord, Direction, FieldId, FieldKind, NewFieldDef, NewUser, PhoneNumber, Region, Role,
        SenderNumberId, SourceId, SourceName, StatusId, StatusName, Timestamp,
    };
    use crate::store::Store;

    /// One command for each action the window's backend checks here, with
    /// the action it takes.
    fn guarded(dir: &std::path::Path) -> Vec<(Command, Action)> {
        let mut pbx = Settings::default();
        pbx.pbx.host = "pbx.example.com".to_owned();
        vec![
            (
                Command::CreateField(NewFieldDef::new("grade", "등급", FieldKind::Text).unwrap()),
                Action::EditFields,
            ),
            (Command::DeleteField(FieldId(1)), Action::EditFields),
            (
                Command::CreateStatus(StatusName::new("보류").unwrap()),
                Action::EditStatuses,
            ),
            (Command::DeleteStatus(StatusId(1)), Action::EditStatuses),
            (
                Command::CreateSource(SourceName::new("지인소개").unwrap()),
                Action::EditSources,
            ),
            (
                Command::RenameSource {
                    id: SourceId(1),
                    name: SourceName::new("소개").unwrap(),
                },
                Action::EditSources,
            ),
            (
                Command::MoveSource {
                    id: SourceId(1),
                    position: 0,
                },
                Action::EditSources,
            ),
            (Command::DeleteSource(SourceId(1)), Action::EditSources),
            (
                Command::AddSender {
                    request: QueryId(3),
                    number: "1588-1234".to_owned(),
                    label: String::new(),
                },
                Action::EditSenders,
            ),
            (
                Command::DeleteSender(SenderNumberId(1)),
                Action::EditSenders,
            ),
            (Command::EmptyRecycleBin, Action::EmptyRecycleBin),
            (
                Command::LoadAudit {
                    request: QueryId(4),
                    filter: Box::default(),
                    offset: 0,
                    limit: 10,
                },
                Action::ReadAudit,
            ),
            (
                Command::ExportCustomers {
                    request: QueryId(5),
                    filter: Box::default(),
                    path: dir.join("customers.csv"),
                },
                Action::Export,
            ),
            (
                Command::ExportTable {
                    request: QueryId(6),
                    path: dir.join("calls.csv"),
                    header: vec!["number".to_owned()],
                    rows: Vec::new(),
                },
                Action::Export,
            ),
            (
                Command::SaveImportMapping {
                    request: QueryId(7),
                    name: "거래처".to_owned(),
                    columns: Vec::new(),
                },
                Action::ImportCustomers,
            ),
            (
                Command::SaveSettings(Box::new(pbx)),
                Action::ChangeDeskSettings,
            ),
        ]
    }

    /// A backend signed in as an agent, manager or admin with extension
    /// 1001, on a store `prepare` has filled.
    fn signed_in(role: Role, dir: &std::path::Path, prepare: impl FnOnce(&mut Store)) -> Backend {
        let mut store = Store::open_in_memory().unwrap();
        prepare(&mut store);
        let id = store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김상담".to_owned(),
                role,
                extension: Some("1001".to_owned()),
            })
            .unwrap();
        let user = store.user(id).unwrap();
        let mut settings = Settings::default();
        settings.pbx.extension = "1001".to_owned();
        Backend::spawn_signed_in(
            store,
            settings,
            dir.join("settings.toml"),
            std::sync::Arc::new(|| {}),
            user,
        )
        .unwrap()
    }

    /// Every event up to the customer count asked for after `commands`.
    fn answers(backend: &Backend, commands: Vec<Command>) -> Vec<Event> {
        for command in commands {
            backend.send(command).unwrap();
        }
        backend.send(Command::CountCustomers).unwrap();
        let mut events = Vec::new();
        crate::backend::test_support::wait_for(backend, |event| {
            if matches!(event, Event::CustomerCount(_)) {
                return Some(());
            }
            events.push(event);
            None
        });
        events
    }

    #[test]
    fn each_role_is_refused_each_action_above_it_and_nothing_is_done() {
        for role in [Role::Agent, Role::Manager, Role::Admin] {
            let dir = tempfile::tempdir().unwrap();
            let backend = signed_in(role, dir.path(), |_| {});
            let commands = guarded(dir.path());
            let expected: Vec<(QueryId, Role)> = commands
                .iter()
                .filter(|(_, action)| !role.includes(action.needs()))
                .map(|(command, action)| (request(command), action.needs()))
                .collect();
            let events = answers(&backend, commands.into_iter().map(|(c, _)| c).collect());
            let refused: Vec<(QueryId, Role)> = events
                .iter()
                .filter_map(|event| match event {
                    Event::NotAllowed { request, needs } => Some((*request, *needs)),
                    _ => None,
                })
                .collect();
            assert_eq!(refused, expected, "{role}");
            if role == Role::Agent {
                // Neither file was written, nothing reached the settings.
                assert!(!dir.path().join("customers.csv").exists());
                assert!(!dir.path().join("settings.toml").exists());
            }
        }
    }

    #[test]
    fn anyone_may_change_their_own_settings_but_only_admins_the_desks() {
        let settings = Settings::default();
        let mut mine = settings.clone();
        mine.ui.language = crate::config::Language::Ja;
        mine.pbx.extension = "1002".to_owned();
        mine.user.last_login = "kim".to_owned();
        assert_eq!(
            action(&Command::SaveSettings(Box::new(mine.clone())), &settings),
            None
        );
        mine.sms.rate_per_sec = 5;
        assert_eq!(
            action(&Command::SaveSettings(Box::new(mine)), &settings),
            Some(Action::ChangeDeskSettings)
        );
    }

    #[test]
    fn an_agent_sees_only_their_own_calls_and_a_manager_everyones() {
        let call = |extension: &str, at: i64| CallRecord {
            direction: Direction::In,
            pbx_call_id: format!("1700000000.{at}"),
            number: PhoneNumber::parse("010-1234-5678", Region::KOREA).unwrap(),
            customer_id: None,
            user_id: None,
            extension: extension.to_owned(),
            line: String::new(),
            started_at: Timestamp(1_700_000_000_000 + at),
            answered_at: None,
            ended_at: None,
            outcome: None,
            cause: None,
            cause_text: String::new(),
        };
        for (role, seen) in [(Role::Agent, 1), (Role::Manager, 2)] {
            let dir = tempfile::tempdir().unwrap();
            let backend = signed_in(role, dir.path(), |store| {
                store.record_call(&call("1001", 1)).unwrap();
                store.record_call(&call("1002", 2)).unwrap();
            });
            backend
                .send(Command::ListCalls {
                    request: QueryId(1),
                    filter: CallFilter::period(Timestamp(0), Timestamp(i64::MAX)),
                    offset: 0,
                    limit: 10,
                })
                .unwrap();
            let (total, calls) =
                crate::backend::test_support::wait_for(&backend, |event| match event {
                    Event::CallPage { total, calls, .. } => Some((total, calls)),
                    _ => None,
                });
            assert_eq!(total, seen, "{role}");
            assert_eq!(calls.len(), usize::try_from(seen).unwrap(), "{role}");
            assert!(calls.iter().any(|call| call.extension == "1001"), "{role}");
        }
    }
}
