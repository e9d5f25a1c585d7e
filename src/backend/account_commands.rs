//! Sign-in and users for the window: the first admin, signing in, changing
//! one's password, and the admins' 사용자 관리 (add, reset a password,
//! switch off and on).
//!
//! Argon2id runs here, on the store's thread, never on the window's. The
//! signed-in user becomes the store's actor (the "who" of history) and the
//! role the backend acts with; user management is refused here, not only
//! hidden, for anyone who is not an admin.

use super::event::AccountProblem;
use super::store_thread::{EventSender, Service};
use super::{Command, Event, QueryId};
use crate::config;
use crate::domain::{
    Action, Actor, AuditAction, Invalid, NewUser, Password, Problem, Role, Secret, Timestamp, User,
    UserId,
};
use crate::store::{self, Page};

/// Most users 사용자 관리 lists.
const USERS_LISTED: u32 = 10_000;

impl Service {
    /// The role the backend acts with: the signed-in user's, or the
    /// desk's setting when nobody signs in (the command line's backend).
    pub(super) fn role(&self) -> Role {
        self.session
            .as_ref()
            .map_or(self.settings.user.role, |user| user.role)
    }

    /// Changes are recorded as the signed-in user's, or without a session
    /// as the desk's user (`user.name`).
    pub(super) fn take_actor(&mut self) {
        if let Some(user) = &self.session {
            self.store.set_actor(Some(Actor {
                id: Some(user.id),
                name: user.display_name.clone(),
            }));
            return;
        }
        if let Err(error) = self.store.set_actor_named(&self.settings.user.name) {
            tracing::warn!(
                "cannot look up the desk's user; changes are recorded without one: {error}"
            );
            self.store.set_actor(None);
        }
    }

    /// Answers the sign-in and user commands; `None` when the answer was
    /// already sent.
    pub(super) fn account(&mut self, command: Command, events: &EventSender) -> Option<Event> {
        Some(match command {
            Command::LoadSignIn => match self.store.needs_first_admin() {
                Ok(first_run) => Event::SignInState { first_run },
                Err(error) => super::store_thread::failed("open sign-in", &error),
            },
            Command::SignIn {
                request,
                login,
                password,
            } => {
                let signed_in = self.store.sign_in(&login, &password.0, Timestamp::now());
                self.signed_in(request, signed_in, events)
            }
            Command::CreateFirstAdmin {
                request,
                user,
                password,
                again,
            } => self.first_admin(request, user, &password, &again, events),
            Command::ChangePassword {
                request,
                old,
                new,
                again,
            } => self.change_password(request, &old, &new, &again),
            Command::SignOut => {
                if let Some(user) = self.session.take() {
                    tracing::info!(user = %user.id.0, "signed out");
                    if let Err(error) =
                        self.store
                            .record_audit(AuditAction::SignOut, &user.login, "")
                    {
                        tracing::warn!("the sign-out could not be recorded: {error}");
                    }
                }
                let desk = self.desk_settings.clone();
                self.use_settings(desk.clone());
                events.send(Event::SettingsSaved(Box::new(desk)));
                Event::SignInState { first_run: false }
            }
            Command::LoadUsers => match self.admin() {
                Ok(()) => self.users(),
                Err(problem) => Event::AccountRefused {
                    request: QueryId::default(),
                    problem,
                },
            },
            Command::AddUser {
                request,
                user,
                password,
                again,
            } => {
                let done = self.admin().and_then(|()| {
                    let password = self.new_password(&password, &again)?;
                    self.store
                        .create_user_with_password(&user, &password)
                        .map(|_| ())
                        .map_err(problem)
                });
                self.user_changed(request, done, events)
            }
            Command::ResetPassword {
                request,
                id,
                password,
                again,
            } => {
                let done = self.admin().and_then(|()| {
                    let password = self.new_password(&password, &again)?;
                    self.store.set_password(id, &password).map_err(problem)
                });
                self.user_changed(request, done, events)
            }
            Command::UpdateUser {
                request,
                id,
                update,
            } => {
                let done = self.admin().and_then(|()| {
                    self.store.update_user(id, &update).map_err(problem)?;
                    // Who is signed in keeps their session's name and role
                    // up to date.
                    if self.session.as_ref().is_some_and(|user| user.id == id) {
                        self.session = Some(self.store.user(id).map_err(problem)?);
                        self.take_actor();
                    }
                    Ok(())
                });
                self.user_changed(request, done, events)
            }
            Command::SetUserEnabled {
                request,
                id,
                enabled,
            } => {
                let done = self.admin().and_then(|()| self.switch_user(id, enabled));
                self.user_changed(request, done, events)
            }
            _ => return None,
        })
    }

    /// After a sign-in: the user, then the settings they work with.
    fn signed_in(
        &mut self,
        request: QueryId,
        signed_in: store::Result<User>,
        events: &EventSender,
    ) -> Event {
        match signed_in {
            Ok(user) => {
                tracing::info!(user = %user.id.0, "signed in");
                self.session = Some(user.clone());
                self.remember_login(&user.login);
                events.send(Event::SignedIn(user.clone()));
                self.take_settings_of(&user)
            }
            Err(error) => {
                tracing::info!("sign-in refused: {error}");
                Event::AccountRefused {
                    request,
                    problem: problem(error),
                }
            }
        }
    }

    /// Keeps `login` as this desk's last one, for the next sign-in.
    fn remember_login(&mut self, login: &str) {
        if self.desk_settings.user.last_login == login {
            return;
        }
        let mut settings = self.desk_settings.clone();
        login.clone_into(&mut settings.user.last_login);
        match config::save(&self.settings_file, &settings) {
            Ok(saved) => self.desk_settings = saved,
            Err(error) => tracing::warn!("cannot remember the login: {error}"),
        }
    }

    fn first_admin(
        &mut self,
        request: QueryId,
        user: NewUser,
        password: &Secret,
        again: &Secret,
        events: &EventSender,
    ) -> Event {
        let created = (|| {
            if !self.store.needs_first_admin().map_err(problem)? {
                return Err(AccountProblem::AlreadySetUp);
            }
            let user = NewUser {
                role: Role::Admin,
                ..user
            }
            .check()
            .map_err(AccountProblem::Invalid)?;
            let password = self.new_password(password, again)?;
            let id = self
                .store
                .create_user_with_password(&user, &password)
                .map_err(problem)?;
            self.store.user(id).map_err(problem)
        })();
        match created {
            Ok(user) => self.signed_in(request, Ok(user), events),
            Err(problem) => Event::AccountRefused { request, problem },
        }
    }

    fn change_password(
        &mut self,
        request: QueryId,
        old: &Secret,
        new: &Secret,
        again: &Secret,
    ) -> Event {
        let changed = (|| {
            let id = self
                .session
                .as_ref()
                .map(|user| user.id)
                .ok_or(AccountProblem::NotSignedIn)?;
            let new = self.new_password(new, again)?;
            self.store
                .change_password(id, &old.0, &new, Timestamp::now())
                .map_err(problem)
        })();
        match changed {
            Ok(()) => Event::AccountDone { request },
            Err(problem) => Event::AccountRefused { request, problem },
        }
    }

    /// A new password typed twice, checked against the settings' minimum.
    fn new_password(&self, password: &Secret, again: &Secret) -> Result<Password, AccountProblem> {
        let checked = Password::new(&password.0, self.settings.user.password_min())
            .map_err(AccountProblem::Invalid)?;
        if password.0 != again.0 {
            return Err(AccountProblem::Invalid(Invalid::new(
                "again",
                Problem::Mismatch,
            )));
        }
        Ok(checked)
    }

    fn admin(&self) -> Result<(), AccountProblem> {
        match &self.session {
            None => Err(AccountProblem::NotSignedIn),
            Some(user) => {
                user.role
                    .may(Action::ManageUsers)
                    .map_err(|refused| AccountProblem::NotAllowed {
                        needs: refused.needs(),
                    })
            }
        }
    }

    fn switch_user(&mut self, id: UserId, enabled: bool) -> Result<(), AccountProblem> {
        if !enabled && self.session.as_ref().is_some_and(|user| user.id == id) {
            return Err(AccountProblem::NotYourself);
        }
        self.store.set_user_enabled(id, enabled).map_err(problem)
    }

    fn users(&self) -> Event {
        match self.store.users(Page::first(USERS_LISTED)) {
            Ok(users) => Event::Users(users),
            Err(error) => super::store_thread::failed("list users", &error),
        }
    }

    fn user_changed(
        &self,
        request: QueryId,
        done: Result<(), AccountProblem>,
        events: &EventSender,
    ) -> Event {
        match done {
            Ok(()) => {
                events.send(self.users());
                // The assignee lists name the users too.
                events.send(self.lookups());
                Event::AccountDone { request }
            }
            Err(problem) => Event::AccountRefused { request, problem },
        }
    }
}

/// A store failure as the window shows it.
fn problem(error: store::Error) -> AccountProblem {
    match error {
        store::Error::Invalid(invalid) => AccountProblem::Invalid(invalid),
        store::Error::Taken { name, .. } => AccountProblem::Taken(name),
        store::Error::SignIn(refusal) => AccountProblem::SignIn(refusal),
        other => {
            tracing::error!("account change failed: {other:#}");
            AccountProblem::Failed(other.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::backend::Backend;
    use crate::domain::SignInRefusal;

    fn answer(backend: &Backend, command: Command) -> Event {
        backend.send(command).unwrap();
        loop {
            match backend.wait_event(Duration::from_secs(10)) {
                Some(Event::Users(_) | Event::Lookups(_) | Event::SettingsSaved(_)) => {}
                Some(event) => return event,
                None => panic!("no answer"),
            }
        }
    }

    fn secret(text: &str) -> Secret {
        Secret::from(text)
    }

    fn user(login: &str, role: Role) -> NewUser {
        NewUser {
            login: login.to_owned(),
            display_name: login.to_owned(),
            role,
            extension: None,
        }
    }

    #[test]
    fn the_first_admin_signs_in_and_then_manages_users() {
        let backend = crate::backend::test_support::spawn(
            crate::store::Store::open_in_memory().unwrap(),
            crate::config::Settings::default(),
        );
        assert_eq!(
            answer(&backend, Command::LoadSignIn),
            Event::SignInState { first_run: true }
        );
        let refused = answer(
            &backend,
            Command::CreateFirstAdmin {
                request: QueryId(1),
                user: user("boss", Role::Agent),
                password: secret("password1"),
                again: secret("password2"),
            },
        );
        assert!(
            matches!(
                &refused,
                Event::AccountRefused { problem: AccountProblem::Invalid(invalid), .. }
                    if invalid.field == "again"
            ),
            "{refused:?}"
        );
        let Event::SignedIn(boss) = answer(
            &backend,
            Command::CreateFirstAdmin {
                request: QueryId(2),
                user: user("boss", Role::Agent),
                password: secret("password1"),
                again: secret("password1"),
            },
        ) else {
            panic!("not signed in");
        };
        assert_eq!(boss.role, Role::Admin);
        assert!(matches!(
            answer(
                &backend,
                Command::CreateFirstAdmin {
                    request: QueryId(3),
                    user: user("other", Role::Admin),
                    password: secret("password1"),
                    again: secret("password1"),
                },
            ),
            Event::AccountRefused {
                problem: AccountProblem::AlreadySetUp,
                ..
            }
        ));
    }

    #[test]
    fn only_admins_manage_users_and_a_password_change_asks_the_old_one() {
        let backend = crate::backend::test_support::spawn(
            crate::store::Store::open_in_memory().unwrap(),
            crate::config::Settings::default(),
        );
        let Event::SignedIn(boss) = answer(
            &backend,
            Command::CreateFirstAdmin {
                request: QueryId(2),
                user: user("boss", Role::Admin),
                password: secret("password1"),
                again: secret("password1"),
            },
        ) else {
            panic!("not signed in");
        };
        assert_eq!(
            answer(
                &backend,
                Command::AddUser {
                    request: QueryId(4),
                    user: user("kim", Role::Agent),
                    password: secret("password1"),
                    again: secret("password1"),
                },
            ),
            Event::AccountDone {
                request: QueryId(4)
            }
        );
        assert!(matches!(
            answer(
                &backend,
                Command::SetUserEnabled {
                    request: QueryId(5),
                    id: boss.id,
                    enabled: false,
                },
            ),
            Event::AccountRefused {
                problem: AccountProblem::NotYourself,
                ..
            }
        ));
        // An agent signed in may not manage users.
        let Event::SignedIn(kim) = answer(
            &backend,
            Command::SignIn {
                request: QueryId(6),
                login: "kim".to_owned(),
                password: secret("password1"),
            },
        ) else {
            panic!("kim not signed in");
        };
        assert_eq!(kim.role, Role::Agent);
        assert_eq!(
            answer(
                &backend,
                Command::ResetPassword {
                    request: QueryId(7),
                    id: boss.id,
                    password: secret("password9"),
                    again: secret("password9"),
                },
            ),
            Event::AccountRefused {
                request: QueryId(7),
                problem: AccountProblem::NotAllowed { needs: Role::Admin }
            }
        );
        // The agent changes their own password, which asks for the old one.
        assert_eq!(
            answer(
                &backend,
                Command::ChangePassword {
                    request: QueryId(8),
                    old: secret("password0"),
                    new: secret("password2"),
                    again: secret("password2"),
                },
            ),
            Event::AccountRefused {
                request: QueryId(8),
                problem: AccountProblem::SignIn(SignInRefusal::WrongPassword { left: 4 })
            }
        );
        assert_eq!(
            answer(
                &backend,
                Command::ChangePassword {
                    request: QueryId(9),
                    old: secret("password1"),
                    new: secret("password2"),
                    again: secret("password2"),
                },
            ),
            Event::AccountDone {
                request: QueryId(9)
            }
        );
    }

    #[test]
    fn an_agents_export_is_refused_with_the_role_it_needs() {
        let dir = tempfile::tempdir().unwrap();
        for (role, refused) in [
            (Role::Agent, true),
            (Role::Manager, false),
            (Role::Admin, false),
        ] {
            let mut store = crate::store::Store::open_in_memory().unwrap();
            let id = store.create_user(&user("kim", role)).unwrap();
            let kim = store.user(id).unwrap();
            let backend = Backend::spawn_signed_in(
                store,
                crate::config::Settings::default(),
                dir.path().join("settings.toml"),
                std::sync::Arc::new(|| {}),
                kim,
            )
            .unwrap();
            backend
                .send(Command::ExportCustomers {
                    request: QueryId(1),
                    filter: Box::default(),
                    path: dir.path().join("customers.csv"),
                })
                .unwrap();
            let answer = crate::backend::test_support::wait_for(&backend, |event| match event {
                Event::NotAllowed { request, needs } => Some(Some((request, needs))),
                Event::Exported { .. } => Some(None),
                _ => None,
            });
            if refused {
                assert_eq!(answer, Some((QueryId(1), Role::Manager)), "{role}");
            } else {
                assert_eq!(answer, None, "{role}");
            }
        }
    }
}
