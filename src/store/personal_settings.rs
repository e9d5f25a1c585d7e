//! Each user's own settings ([`Personal`]), kept as JSON in
//! `users.settings_json`, and their extension in `users.extension`.

use rusqlite::{OptionalExtension as _, params};

use super::error::{Error, Result, found};
use super::{Store, now_ms};
use crate::config::Personal;
use crate::domain::{AuditAction, UserId, user};

impl Store {
    /// User `id`'s own settings (all `None` for one who never set any).
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such live user,
    /// [`Error::Corrupt`] when what is stored does not read as settings.
    pub fn personal_settings(&self, id: UserId) -> Result<Personal> {
        let json: String = found(
            self.conn
                .prepare_cached(
                    "SELECT settings_json FROM users WHERE id = ?1 AND deleted_at_ms IS NULL",
                )?
                .query_row([id.0], |row| row.get(0))
                .optional()?
                .ok_or(rusqlite::Error::QueryReturnedNoRows),
            "user",
            id.0,
        )?;
        serde_json::from_str(&json).map_err(|error| Error::Corrupt {
            what: format!("the settings of user #{}: {error}", id.0),
        })
    }

    /// Stores user `id`'s own settings and, when `extension` is given, their
    /// extension as typed (empty for none), with an audit entry naming
    /// `keys` — in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] on field `extension` for one that is not 2 to 10
    /// digits, [`Error::NotFound`] when there is no such live user.
    pub fn set_personal_settings(
        &mut self,
        id: UserId,
        personal: &Personal,
        extension: Option<&str>,
        keys: &[&str],
    ) -> Result<()> {
        let extension = extension.map(user::extension).transpose()?;
        let json = serde_json::to_string(personal).map_err(|error| Error::Corrupt {
            what: format!("the settings of user #{}: {error}", id.0),
        })?;
        let login = self.user(id)?.login;
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET settings_json = ?2, updated_at_ms = ?3,
                              extension = CASE WHEN ?4 THEN ?5 ELSE extension END
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![
                id.0,
                json,
                now_ms(),
                extension.is_some(),
                extension.flatten()
            ],
        )?;
        super::columns::one_changed(changed, "user", id.0)?;
        super::audit::record(
            &tx,
            self.actor.as_ref(),
            AuditAction::Settings,
            &login,
            &format!("{login}'s own settings: {}", keys.join(", ")),
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Language, PopupMoment};
    use crate::domain::{AuditFilter, NewUser, Role};
    use crate::store::Page;
    use crate::store::test_support::store;

    fn kim(store: &mut Store) -> UserId {
        store
            .create_user(&NewUser {
                login: "kim".to_owned(),
                display_name: "김상담".to_owned(),
                role: Role::Agent,
                extension: Some("1001".to_owned()),
            })
            .unwrap()
    }

    #[test]
    fn a_new_user_has_none_and_what_is_set_reads_back() {
        let mut store = store();
        let id = kim(&mut store);
        assert_eq!(store.personal_settings(id).unwrap(), Personal::default());
        let personal = Personal {
            language: Some(Language::Ja),
            list_columns: Some(vec!["name".to_owned(), "phone".to_owned()]),
            pop_on: Some(PopupMoment::Answer),
        };
        store
            .set_personal_settings(id, &personal, Some(" 2002 "), &["ui.language"])
            .unwrap();
        assert_eq!(store.personal_settings(id).unwrap(), personal);
        assert_eq!(store.user(id).unwrap().extension.as_deref(), Some("2002"));
        // Without an extension the stored one stays; an empty one clears it.
        store
            .set_personal_settings(id, &Personal::default(), None, &["ui.language"])
            .unwrap();
        assert_eq!(store.user(id).unwrap().extension.as_deref(), Some("2002"));
        store
            .set_personal_settings(id, &Personal::default(), Some(""), &["pbx.extension"])
            .unwrap();
        assert_eq!(store.user(id).unwrap().extension, None);
        let entries = store
            .audit_entries(&AuditFilter::default(), Page::first(10))
            .unwrap();
        assert_eq!(entries[0].target, "kim");
        assert_eq!(entries[0].detail, "kim's own settings: pbx.extension");
    }

    #[test]
    fn a_bad_extension_changes_nothing() {
        let mut store = store();
        let id = kim(&mut store);
        let personal = Personal {
            language: Some(Language::En),
            ..Personal::default()
        };
        match store.set_personal_settings(id, &personal, Some("내선"), &["pbx.extension"]) {
            Err(Error::Invalid(invalid)) => assert_eq!(invalid.field, "extension"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert_eq!(store.personal_settings(id).unwrap(), Personal::default());
        assert!(matches!(
            store.personal_settings(UserId(99)),
            Err(Error::NotFound { .. })
        ));
    }
}
