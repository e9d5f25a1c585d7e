//! Passwords and sign-in: users created with a password, passwords set and
//! changed, and the sign-in check that counts wrong passwords and locks the
//! account (rules in `domain::password`).
//!
//! Hashing and verifying run Argon2id, which takes tens of milliseconds:
//! these are called from the backend's store thread or the command line,
//! never from the window's thread. The current time is a parameter so
//! tests can move the clock.

use rusqlite::{OptionalExtension as _, params};

use super::Store;
use super::error::{Error, Result, found};
use crate::domain::password::{self, FREE_ATTEMPTS};
use crate::domain::{
    Actor, Attempts, AuditAction, NewUser, Password, Role, SignInRefusal, Timestamp, User, UserId,
};

/// A user with what sign-in needs to know about them.
struct Credentials {
    user: User,
    password_hash: Option<String>,
    attempts: Attempts,
}

impl Store {
    /// Creates a user who signs in with `password`. The user's fields are
    /// checked before anything is hashed or written; nothing is created
    /// when one is refused.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a field that breaks its rule, [`Error::Taken`]
    /// when the login is in use, [`Error::Hash`] when hashing fails.
    pub fn create_user_with_password(
        &mut self,
        user: &NewUser,
        password: &Password,
    ) -> Result<UserId> {
        let user = user.check()?;
        if self.user_by_login(&user.login)?.is_some() {
            return Err(Error::Taken {
                what: "user",
                name: user.login,
            });
        }
        let hash = password::hash(password)?;
        self.insert_user(&user, Some(&hash))
    }

    /// Sets a user's password (an admin's reset, or a change after the old
    /// one was checked) and lifts any lock.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such user, [`Error::Hash`].
    pub fn set_password(&mut self, id: UserId, password: &Password) -> Result<()> {
        let login = self.user(id)?.login;
        let hash = password::hash(password)?;
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until_ms = NULL,
                              updated_at_ms = ?3
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, hash, super::now_ms()],
        )?;
        super::columns::one_changed(changed, "user", id.0)?;
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::User,
            &login,
            "password set",
        )?;
        Ok(tx.commit()?)
    }

    /// Signs in as `login` with `password` at `now`: the user when the
    /// password is theirs, the account is enabled and not locked. A wrong
    /// password is counted, and the fifth in a row locks the account
    /// (`domain::password::lock_after`); a right one clears the count.
    ///
    /// # Errors
    /// [`Error::SignIn`] with the reason (an unknown login reads as a wrong
    /// password), or a database failure.
    pub fn sign_in(&mut self, login: &str, password: &str, now: Timestamp) -> Result<User> {
        let result = if let Some(credentials) = self.credentials_by_login(login)? {
            self.check_password(credentials, password, now)
        } else {
            password::verify_nothing(password);
            Err(SignInRefusal::WrongPassword { left: 0 }.into())
        };
        match &result {
            Ok(user) => super::audit::record(
                &self.conn,
                Some(&Actor {
                    id: Some(user.id),
                    name: user.display_name.clone(),
                }),
                AuditAction::SignIn,
                &user.login,
                "",
            )?,
            Err(Error::SignIn(refusal)) => super::audit::record(
                &self.conn,
                None,
                AuditAction::SignInFailed,
                login.trim(),
                &refusal.to_string(),
            )?,
            Err(_) => {}
        }
        result
    }

    /// Changes user `id`'s password after checking `old` as a sign-in
    /// would (a wrong one counts towards the lock).
    ///
    /// # Errors
    /// [`Error::SignIn`] when `old` is refused, [`Error::NotFound`], [`Error::Hash`].
    pub fn change_password(
        &mut self,
        id: UserId,
        old: &str,
        new: &Password,
        now: Timestamp,
    ) -> Result<()> {
        let credentials = self.credentials(id)?;
        self.check_password(credentials, old, now)?;
        self.set_password(id, new)
    }

    /// Whether nobody can sign in yet: no live user has a password. The
    /// window then asks for the first admin.
    ///
    /// # Errors
    /// On a database failure.
    pub fn needs_first_admin(&self) -> Result<bool> {
        let with_password: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM users WHERE deleted_at_ms IS NULL AND password_hash IS NOT NULL",
            [],
            |row| row.get(0),
        )?;
        Ok(with_password == 0)
    }

    /// Live, enabled admins other than `except` who have a password.
    ///
    /// # Errors
    /// On a database failure.
    pub fn other_admins(&self, except: UserId) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM users
             WHERE deleted_at_ms IS NULL AND enabled = 1 AND role = ?1
               AND password_hash IS NOT NULL AND id <> ?2",
            params![Role::Admin.as_str(), except.0],
            |row| row.get(0),
        )?)
    }

    fn check_password(
        &mut self,
        credentials: Credentials,
        password: &str,
        now: Timestamp,
    ) -> Result<User> {
        let Credentials {
            user,
            password_hash,
            attempts,
        } = credentials;
        if let Some(until) = attempts.locked_at(now) {
            return Err(SignInRefusal::Locked { until }.into());
        }
        let Some(password_hash) = password_hash else {
            password::verify_nothing(password);
            return Err(SignInRefusal::NoPassword.into());
        };
        if !password::verify(password, &password_hash) {
            let after = attempts.after_failure(now);
            self.conn.execute(
                "UPDATE users SET failed_logins = ?2, locked_until_ms = ?3 WHERE id = ?1",
                params![user.id.0, after.failed, after.locked_until.map(|at| at.0)],
            )?;
            return Err(match after.locked_at(now) {
                Some(until) => SignInRefusal::Locked { until },
                None => SignInRefusal::WrongPassword {
                    left: FREE_ATTEMPTS.saturating_sub(after.failed),
                },
            }
            .into());
        }
        // Told only to whoever knows the password.
        if !user.enabled {
            return Err(SignInRefusal::Disabled.into());
        }
        if attempts != Attempts::default() {
            self.conn.execute(
                "UPDATE users SET failed_logins = 0, locked_until_ms = NULL WHERE id = ?1",
                [user.id.0],
            )?;
        }
        Ok(user)
    }

    fn credentials_by_login(&self, login: &str) -> Result<Option<Credentials>> {
        let Some(user) = self.user_by_login(login)? else {
            return Ok(None);
        };
        self.credentials(user.id).map(Some)
    }

    fn credentials(&self, id: UserId) -> Result<Credentials> {
        let user = self.user(id)?;
        let (password_hash, failed, locked_until) = found(
            self.conn
                .query_row(
                    "SELECT password_hash, failed_logins, locked_until_ms FROM users WHERE id = ?1",
                    [id.0],
                    |row| {
                        Ok((
                            row.get::<_, Option<String>>(0)?,
                            row.get::<_, u32>(1)?,
                            row.get::<_, Option<i64>>(2)?,
                        ))
                    },
                )
                .optional()?
                .ok_or(rusqlite::Error::QueryReturnedNoRows),
            "user",
            id.0,
        )?;
        Ok(Credentials {
            user,
            password_hash,
            attempts: Attempts {
                failed,
                locked_until: locked_until.map(Timestamp),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::password::DEFAULT_MIN_CHARS;
    use crate::store::test_support::store;

    fn admin(login: &str) -> NewUser {
        NewUser {
            login: login.to_owned(),
            display_name: "관리자".to_owned(),
            role: Role::Admin,
            extension: None,
        }
    }

    fn password(text: &str) -> Password {
        Password::new(text, DEFAULT_MIN_CHARS).unwrap()
    }

    fn refusal(result: Result<impl std::fmt::Debug>) -> SignInRefusal {
        match result {
            Err(Error::SignIn(refusal)) => refusal,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    const T0: Timestamp = Timestamp(1_800_000_000_000);

    #[test]
    fn a_user_with_a_password_signs_in_with_it_in_any_case_of_login() {
        let mut store = store();
        assert!(store.needs_first_admin().unwrap());
        let id = store
            .create_user_with_password(&admin("Kim"), &password("비밀번호1234"))
            .unwrap();
        assert!(!store.needs_first_admin().unwrap());
        let user = store.sign_in(" kim ", "비밀번호1234", T0).unwrap();
        assert_eq!(user.id, id);
        assert_eq!(user.role, Role::Admin);
        let stored: String = store
            .conn
            .query_row("SELECT password_hash FROM users", [], |row| row.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
    }

    #[test]
    fn a_taken_login_or_bad_field_creates_nothing() {
        let mut store = store();
        store
            .create_user_with_password(&admin("kim"), &password("password1"))
            .unwrap();
        assert!(matches!(
            store.create_user_with_password(&admin("KIM"), &password("password2")),
            Err(Error::Taken { what: "user", .. })
        ));
        assert!(matches!(
            store.create_user_with_password(&admin("lee park"), &password("password2")),
            Err(Error::Invalid(_))
        ));
        assert_eq!(store.users(crate::store::Page::first(10)).unwrap().len(), 1);
    }

    #[test]
    fn unknown_logins_and_wrong_passwords_read_the_same() {
        let mut store = store();
        store
            .create_user_with_password(&admin("kim"), &password("password1"))
            .unwrap();
        assert_eq!(
            refusal(store.sign_in("nobody", "password1", T0)),
            SignInRefusal::WrongPassword { left: 0 }
        );
        assert_eq!(
            refusal(store.sign_in("kim", "password2", T0)),
            SignInRefusal::WrongPassword { left: 4 }
        );
        assert_eq!(
            refusal(store.sign_in("kim", "password2", T0)).to_string(),
            "wrong login or password"
        );
    }

    #[test]
    fn five_wrong_passwords_lock_the_account_for_a_minute_then_longer() {
        let mut store = store();
        store
            .create_user_with_password(&admin("kim"), &password("password1"))
            .unwrap();
        for left in (1..=4).rev() {
            assert_eq!(
                refusal(store.sign_in("kim", "wrong-one", T0)),
                SignInRefusal::WrongPassword { left }
            );
        }
        let until = Timestamp(T0.0 + 60_000);
        assert_eq!(
            refusal(store.sign_in("kim", "wrong-one", T0)),
            SignInRefusal::Locked { until }
        );
        // Locked: even the right password is refused until the time.
        let almost = Timestamp(until.0 - 1);
        assert_eq!(
            refusal(store.sign_in("kim", "password1", almost)),
            SignInRefusal::Locked { until }
        );
        // After the lock, another wrong one locks for two minutes.
        assert_eq!(
            refusal(store.sign_in("kim", "wrong-one", until)),
            SignInRefusal::Locked {
                until: Timestamp(until.0 + 120_000)
            }
        );
        let later = Timestamp(until.0 + 120_000);
        store.sign_in("kim", "password1", later).unwrap();
        // A right password clears the count: four more wrong ones do not lock.
        for _ in 0..4 {
            assert!(matches!(
                refusal(store.sign_in("kim", "wrong-one", later)),
                SignInRefusal::WrongPassword { .. }
            ));
        }
    }

    #[test]
    fn a_disabled_user_cannot_sign_in_but_keeps_the_account() {
        let mut store = store();
        store
            .create_user_with_password(&admin("boss"), &password("password1"))
            .unwrap();
        let mut agent = admin("kim");
        agent.role = Role::Agent;
        let id = store
            .create_user_with_password(&agent, &password("password1"))
            .unwrap();
        store.set_user_enabled(id, false).unwrap();
        assert_eq!(
            refusal(store.sign_in("kim", "password1", T0)),
            SignInRefusal::Disabled
        );
        assert_eq!(store.user(id).unwrap().login, "kim");
        store.set_user_enabled(id, true).unwrap();
        store.sign_in("kim", "password1", T0).unwrap();
    }

    #[test]
    fn a_user_without_a_password_is_told_to_ask_for_one() {
        let mut store = store();
        let id = store.create_user(&admin("kim")).unwrap();
        assert!(store.needs_first_admin().unwrap());
        assert_eq!(
            refusal(store.sign_in("kim", "anything1", T0)),
            SignInRefusal::NoPassword
        );
        store.set_password(id, &password("password1")).unwrap();
        store.sign_in("kim", "password1", T0).unwrap();
    }

    #[test]
    fn a_change_needs_the_old_password_and_a_reset_lifts_the_lock() {
        let mut store = store();
        let id = store
            .create_user_with_password(&admin("kim"), &password("password1"))
            .unwrap();
        assert!(matches!(
            refusal(store.change_password(id, "password9", &password("password2"), T0)),
            SignInRefusal::WrongPassword { left: 4 }
        ));
        store
            .change_password(id, "password1", &password("password2"), T0)
            .unwrap();
        assert!(store.sign_in("kim", "password1", T0).is_err());
        for _ in 0..5 {
            store.sign_in("kim", "wrong-one", T0).ok();
        }
        assert!(matches!(
            refusal(store.sign_in("kim", "password2", T0)),
            SignInRefusal::Locked { .. }
        ));
        store.set_password(id, &password("password3")).unwrap();
        store.sign_in("kim", "password3", T0).unwrap();
    }

    #[test]
    fn the_last_admin_is_counted() {
        let mut store = store();
        let boss = store
            .create_user_with_password(&admin("boss"), &password("password1"))
            .unwrap();
        assert_eq!(store.other_admins(boss).unwrap(), 0);
        let second = store
            .create_user_with_password(&admin("second"), &password("password1"))
            .unwrap();
        assert_eq!(store.other_admins(boss).unwrap(), 1);
        store.set_user_enabled(second, false).unwrap();
        assert_eq!(store.other_admins(boss).unwrap(), 0);
    }
}
