//! Users: create, read by id or login, list, change, switch on and off, delete.
//!
//! A login is unique regardless of upper or lower case (the column is
//! `COLLATE NOCASE`, which folds ASCII letters only). A deleted user keeps
//! its row and its login, since calls, notes and messages point at it; the
//! login is unique among live users only, so it can be given out again.
//! Passwords and sign-in are in `sign_in.rs`; nothing here reads or
//! returns a password hash.

use rusqlite::{OptionalExtension as _, Row, params};

use super::columns::{one_changed, parsed};
use super::error::{Result, found, unique};
use super::{Page, Store, now_ms};
use crate::domain::{
    AuditAction, Invalid, NewUser, Problem, Role, Timestamp, User, UserId, UserUpdate,
};

impl Store {
    /// Creates a user, enabled and without a password.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`NewUser::check`],
    /// [`super::Error::Taken`] when the login is in use (in any case).
    pub fn create_user(&mut self, user: &NewUser) -> Result<UserId> {
        self.insert_user(user, None)
    }

    /// Creates a user with the Argon2id hash `password_hash`, in one statement.
    pub(super) fn insert_user(
        &mut self,
        user: &NewUser,
        password_hash: Option<&str>,
    ) -> Result<UserId> {
        let user = user.check()?;
        // The user and its audit entry are written together or not at all.
        let tx = self.conn.transaction()?;
        unique(
            tx.execute(
                "INSERT INTO users (login, display_name, role, extension, password_hash,
                                    created_at_ms, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![
                    user.login,
                    user.display_name,
                    user.role.as_str(),
                    user.extension,
                    password_hash,
                    now_ms(),
                ],
            ),
            "user",
            &user.login,
        )?;
        let id = UserId(tx.last_insert_rowid());
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::User,
            &user.login,
            &format!("added as {}", user.role.as_str()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// One user who is not deleted.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such user, or it is deleted.
    pub fn user(&self, id: UserId) -> Result<User> {
        found(
            self.conn
                .prepare_cached(&format!(
                    "{USER_SELECT} WHERE id = ?1 AND deleted_at_ms IS NULL"
                ))?
                .query_row([id.0], user_from_row),
            "user",
            id.0,
        )
    }

    /// The user who is not deleted and signs in as `login` (trimmed, any case).
    /// Disabled users are returned too: whether they may sign in is the caller's call.
    ///
    /// # Errors
    /// On a database failure.
    pub fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{USER_SELECT} WHERE login = ?1 AND deleted_at_ms IS NULL"
            ))?
            .query_row([login.trim()], user_from_row)
            .optional()?)
    }

    /// A page of the users who are not deleted, by login.
    ///
    /// # Errors
    /// On a database failure.
    pub fn users(&self, page: Page) -> Result<Vec<User>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{USER_SELECT} WHERE deleted_at_ms IS NULL ORDER BY login, id LIMIT ?1 OFFSET ?2"
            ))?
            .query_map([page.limit, page.offset], user_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Changes a user's display name, role and extension.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`UserUpdate::check`],
    /// [`super::Error::NotFound`] when there is no such user, or it is deleted.
    pub fn update_user(&mut self, id: UserId, update: &UserUpdate) -> Result<()> {
        let update = update.check()?;
        let before = self.user(id)?;
        if before.enabled
            && before.role == Role::Admin
            && update.role != Role::Admin
            && self.other_admins(id)? == 0
        {
            return Err(Invalid::new(
                "role",
                Problem::Malformed {
                    value: update.role.as_str().to_owned(),
                    reason: "the last admin who can sign in must stay an admin".to_owned(),
                },
            )
            .into());
        }
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET display_name = ?2, role = ?3, extension = ?4, updated_at_ms = ?5
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![
                id.0,
                update.display_name,
                update.role.as_str(),
                update.extension,
                now_ms(),
            ],
        )?;
        one_changed(changed, "user", id.0)?;
        let detail = if before.role == update.role {
            "details changed".to_owned()
        } else {
            format!("role {} → {}", before.role.as_str(), update.role.as_str())
        };
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::User,
            &before.login,
            &detail,
        )?;
        Ok(tx.commit()?)
    }

    /// Switches a user's account on or off (a disabled user keeps everything
    /// but cannot sign in).
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such user, or it is deleted;
    /// [`super::Error::Invalid`] (field `login`) for the last enabled admin
    /// with a password, without whom nobody could manage users.
    pub fn set_user_enabled(&mut self, id: UserId, enabled: bool) -> Result<()> {
        let user = self.user(id)?;
        if !enabled && user.enabled && user.role == Role::Admin && self.other_admins(id)? == 0 {
            return Err(Invalid::new(
                "login",
                Problem::Malformed {
                    value: user.login,
                    reason: "the last admin who can sign in cannot be disabled".to_owned(),
                },
            )
            .into());
        }
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET enabled = ?2, updated_at_ms = ?3
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, enabled, now_ms()],
        )?;
        one_changed(changed, "user", id.0)?;
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::User,
            &user.login,
            if enabled { "enabled" } else { "disabled" },
        )?;
        Ok(tx.commit()?)
    }

    /// Deletes a user: it leaves lists and cannot be found by login, which is
    /// free again. Logs that name the user keep pointing at the row.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such user, or it is already deleted.
    pub fn delete_user(&mut self, id: UserId) -> Result<()> {
        let login = self.user(id)?.login;
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET deleted_at_ms = ?2, updated_at_ms = ?2
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, now_ms()],
        )?;
        one_changed(changed, "user", id.0)?;
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::User,
            &login,
            "deleted",
        )?;
        Ok(tx.commit()?)
    }
}

const USER_SELECT: &str = "SELECT id, login, display_name, role, extension, enabled,
        created_at_ms, updated_at_ms
    FROM users";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId(row.get(0)?),
        login: row.get(1)?,
        display_name: row.get(2)?,
        role: parsed(row, 3)?,
        extension: row.get(4)?,
        enabled: row.get(5)?,
        created_at: Timestamp(row.get(6)?),
        updated_at: Timestamp(row.get(7)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Error;
    use crate::store::test_support::store;

    fn new_user(login: &str, display_name: &str) -> NewUser {
        NewUser {
            login: login.to_owned(),
            display_name: display_name.to_owned(),
            role: Role::Agent,
            extension: Some("1001".to_owned()),
        }
    }

    fn invalid_field<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::Invalid(invalid)) => invalid.field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_created_user_reads_back_by_id_and_by_login_in_any_case() {
        let mut store = store();
        let id = store
            .create_user(&new_user(" Kim.Minsu ", " 김민수 "))
            .unwrap();
        let user = store.user(id).unwrap();
        assert_eq!(user.login, "Kim.Minsu");
        assert_eq!(user.display_name, "김민수");
        assert_eq!(user.role, Role::Agent);
        assert_eq!(user.extension.as_deref(), Some("1001"));
        assert!(user.enabled);
        assert_eq!(user.created_at, user.updated_at);
        assert_eq!(store.user_by_login("kim.minsu ").unwrap(), Some(user));
        assert_eq!(store.user_by_login("lee").unwrap(), None);
        let password: Option<String> = store
            .conn
            .query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                [id.0],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(password, None);
    }

    #[test]
    fn a_login_is_taken_regardless_of_case() {
        let mut store = store();
        store.create_user(&new_user("kim", "김민수")).unwrap();
        assert!(matches!(
            store.create_user(&new_user("KIM", "김민준")),
            Err(Error::Taken { what: "user", .. })
        ));
    }

    #[test]
    fn bad_input_is_refused_naming_the_field() {
        let mut store = store();
        assert_eq!(
            invalid_field(store.create_user(&new_user("kim minsu", "김민수"))),
            "login"
        );
        assert_eq!(
            invalid_field(store.create_user(&new_user("kim", ""))),
            "display_name"
        );
        let mut user = new_user("kim", "김민수");
        user.extension = Some("내선".to_owned());
        match store.create_user(&user) {
            Err(Error::Invalid(invalid)) => {
                assert_eq!(invalid.field, "extension");
                assert!(matches!(invalid.problem, Problem::Malformed { .. }));
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(store.users(Page::first(10)).unwrap().is_empty());
    }

    #[test]
    fn users_are_listed_by_login_in_pages_without_the_deleted() {
        let mut store = store();
        for login in ["choi", "ahn", "baek", "jung"] {
            store.create_user(&new_user(login, login)).unwrap();
        }
        let jung = store.user_by_login("jung").unwrap().unwrap().id;
        store.delete_user(jung).unwrap();
        let logins = |page| {
            store
                .users(page)
                .unwrap()
                .into_iter()
                .map(|user| user.login)
                .collect::<Vec<_>>()
        };
        assert_eq!(logins(Page::first(10)), ["ahn", "baek", "choi"]);
        assert_eq!(logins(Page::first(2)), ["ahn", "baek"]);
        assert_eq!(
            logins(Page {
                offset: 2,
                limit: 2
            }),
            ["choi"]
        );
    }

    #[test]
    fn update_changes_name_role_and_extension() {
        let mut store = store();
        let id = store.create_user(&new_user("kim", "김민수")).unwrap();
        let changes = UserUpdate {
            display_name: "김민수 팀장".to_owned(),
            role: Role::Manager,
            extension: None,
        };
        store.update_user(id, &changes).unwrap();
        let user = store.user(id).unwrap();
        assert_eq!(user.display_name, "김민수 팀장");
        assert_eq!(user.role, Role::Manager);
        assert_eq!(user.extension, None);
        assert_eq!(user.login, "kim");

        let bad = UserUpdate {
            extension: Some("1".to_owned()),
            ..changes.clone()
        };
        assert_eq!(invalid_field(store.update_user(id, &bad)), "extension");
        assert!(matches!(
            store.update_user(UserId(99), &changes),
            Err(Error::NotFound {
                what: "user",
                id: 99
            })
        ));
    }

    #[test]
    fn a_user_can_be_switched_off_and_on() {
        let mut store = store();
        let id = store.create_user(&new_user("kim", "김민수")).unwrap();
        store.set_user_enabled(id, false).unwrap();
        assert!(!store.user(id).unwrap().enabled);
        store.set_user_enabled(id, true).unwrap();
        assert!(store.user(id).unwrap().enabled);
        assert!(matches!(
            store.set_user_enabled(UserId(99), false),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn a_deleted_user_is_gone_and_frees_its_login() {
        let mut store = store();
        let id = store.create_user(&new_user("kim", "김민수")).unwrap();
        store.delete_user(id).unwrap();
        assert!(matches!(store.user(id), Err(Error::NotFound { .. })));
        assert_eq!(store.user_by_login("kim").unwrap(), None);
        assert!(matches!(store.delete_user(id), Err(Error::NotFound { .. })));
        assert!(matches!(
            store.set_user_enabled(id, true),
            Err(Error::NotFound { .. })
        ));
        let again = store.create_user(&new_user("kim", "김민준")).unwrap();
        assert_ne!(again, id);
        assert_eq!(store.user_by_login("kim").unwrap().unwrap().id, again);
    }
}
