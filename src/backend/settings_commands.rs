//! The settings the backend works with, and saving them.
//!
//! Without a session (the command line's backend) they are the settings
//! file's. Once someone signs in they are the desk's (the file's) with the
//! user's own ([`config::PERSONAL_KEYS`]: language, list columns, pop-up
//! moment, extension) over them; a save then writes the user's own keys to
//! their row and the rest to the file, whose personal keys stay the desk's
//! defaults for users who have set nothing.

use super::Event;
use super::backup_thread::BackupControl;
use super::batch_thread::BatchControl;
use super::pbx_thread::PbxControl;
use super::sms_thread::SmsControl;
use super::store_thread::{Service, failed};
use crate::config::{self, Personal, Settings};
use crate::domain::{AuditAction, User};
use crate::store::Store;

/// The settings `user` works with on the desk's `desk`. Settings that
/// cannot be read are logged and the desk's used: a sign-in never fails
/// for a preference.
pub(super) fn settings_of(store: &Store, desk: &Settings, user: &User) -> Settings {
    let personal = store.personal_settings(user.id).unwrap_or_else(|error| {
        tracing::warn!(
            "the desk's settings are used for user #{}: {error}",
            user.id.0
        );
        Personal::default()
    });
    personal.over(desk, user.extension.as_deref())
}

impl Service {
    /// Takes on the signed-in `user`'s settings and tells the window.
    pub(super) fn take_settings_of(&mut self, user: &User) -> Event {
        let settings = settings_of(&self.store, &self.desk_settings, user);
        self.use_settings(settings.clone());
        Event::SettingsSaved(Box::new(settings))
    }

    /// Saves `new`, the settings as the preferences edited them: the
    /// user's own keys to the signed-in user, the rest to the file.
    pub(super) fn save_settings(&mut self, new: &Settings) -> Event {
        let saved = match self.session.clone() {
            None => self.save_desk(new).map(|()| self.desk_settings.clone()),
            Some(user) => self.save_mine(&user, new),
        };
        match saved {
            Ok(settings) => {
                self.use_settings(settings.clone());
                Event::SettingsSaved(Box::new(settings))
            }
            Err(event) => event,
        }
    }

    /// Writes `desk` to the settings file, recording the keys that changed.
    fn save_desk(&mut self, desk: &Settings) -> Result<(), Event> {
        let saved = config::save(&self.settings_file, desk).map_err(|error| {
            tracing::error!("saving settings failed: {error}");
            Event::Failed {
                action: "save settings",
                message: error.to_string(),
            }
        })?;
        let changed = config::changed_keys(&self.desk_settings, &saved);
        if !changed.is_empty()
            && let Err(error) = self.store.record_audit(
                AuditAction::Settings,
                &self.settings_file.display().to_string(),
                &changed.join(", "),
            )
        {
            tracing::warn!("the settings change could not be recorded: {error}");
        }
        self.desk_settings = saved;
        Ok(())
    }

    /// Saves `new` for the signed-in `user`; the settings they now work with.
    fn save_mine(&mut self, user: &User, new: &Settings) -> Result<Settings, Event> {
        let refused = |error: config::Error| Event::Failed {
            action: "save settings",
            message: error.to_string(),
        };
        let personal = self
            .store
            .personal_settings(user.id)
            .map_err(|error| failed("save settings", &error))?;
        let split =
            config::split(&self.desk_settings, &self.settings, &personal, new).map_err(refused)?;
        // Checked before the file is written, so a bad extension saves nothing.
        if let Some(extension) = &split.extension {
            crate::domain::user::extension(extension).map_err(|invalid| {
                refused(config::Error::InvalidValue {
                    key: "pbx.extension".to_owned(),
                    reason: invalid.to_string(),
                })
            })?;
        }
        if !config::changed_keys(&self.desk_settings, &split.desk).is_empty() {
            self.save_desk(&split.desk)?;
        }
        if !split.personal_keys.is_empty() {
            self.store
                .set_personal_settings(
                    user.id,
                    &split.personal,
                    split.extension.as_deref(),
                    &split.personal_keys,
                )
                .map_err(|error| failed("save settings", &error))?;
        }
        let user = self
            .store
            .user(user.id)
            .map_err(|error| failed("save settings", &error))?;
        let settings = split
            .personal
            .over(&self.desk_settings, user.extension.as_deref());
        self.session = Some(user);
        Ok(settings)
    }

    /// Works with `settings` from now on, and so do the PBX, SMS, bulk-send
    /// and backup threads.
    pub(super) fn use_settings(&mut self, settings: Settings) {
        self.settings = settings;
        self.take_actor();
        let settings = &self.settings;
        if let Some(pbx) = &self.pbx
            && pbx
                .try_send(PbxControl::Settings(Box::new(settings.clone())))
                .is_err()
        {
            tracing::warn!("the PBX thread did not take the new settings");
        }
        if let Some(sms) = &self.sms {
            // A full queue means the thread is behind on wakes and
            // settings; the settings file is read again at start.
            if sms
                .try_send(SmsControl::Settings(Box::new(settings.clone())))
                .is_err()
            {
                tracing::warn!("the SMS thread did not take the new settings");
            }
        }
        if let Some(batches) = &self.batches {
            batches
                .send(BatchControl::Settings(Box::new(settings.clone())))
                .ok();
        }
        if let Some(backups) = &self.backups {
            backups
                .send(BackupControl::Settings(settings.backup.clone()))
                .ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::backend::test_support::wait_for;
    use crate::backend::{Backend, Command, QueryId};
    use crate::config::{Language, PopupMoment};
    use crate::domain::{NewUser, Password, Role, Secret};

    /// The desk's settings: extension 1000, Korean, pop on ringing.
    fn desk(file: &Path) -> Settings {
        let mut desk = Settings::default();
        "1000".clone_into(&mut desk.pbx.extension);
        config::save(file, &desk).unwrap()
    }

    fn add(store: &mut Store, login: &str, role: Role, extension: Option<&str>) -> User {
        let id = store
            .create_user_with_password(
                &NewUser {
                    login: login.to_owned(),
                    display_name: login.to_owned(),
                    role,
                    extension: extension.map(str::to_owned),
                },
                &Password::new("password1", 8).unwrap(),
            )
            .unwrap();
        store.user(id).unwrap()
    }

    /// Signs in as `login`: the settings the backend then works with.
    fn sign_in(backend: &Backend, login: &str) -> Settings {
        backend
            .send(Command::SignIn {
                request: QueryId(1),
                login: login.to_owned(),
                password: Secret::from("password1"),
            })
            .unwrap();
        let user = wait_for(backend, |event| match event {
            Event::SignedIn(user) => Some(user),
            Event::AccountRefused { problem, .. } => panic!("{login}: {problem:?}"),
            _ => None,
        });
        assert_eq!(user.login, login);
        wait_for(backend, |event| match event {
            Event::SettingsSaved(settings) => Some(*settings),
            _ => None,
        })
    }

    fn save(backend: &Backend, settings: Settings) -> Settings {
        backend
            .send(Command::SaveSettings(Box::new(settings)))
            .unwrap();
        wait_for(backend, |event| match event {
            Event::SettingsSaved(settings) => Some(*settings),
            Event::Failed { message, .. } => panic!("{message}"),
            Event::NotAllowed { needs, .. } => panic!("needs {needs}"),
            _ => None,
        })
    }

    /// The personal keys' values, to compare settings by.
    fn own(settings: &Settings) -> (Language, Vec<String>, PopupMoment, String) {
        (
            settings.ui.language,
            settings.ui.list_columns.clone(),
            settings.pbx.pop_on,
            settings.pbx.extension.clone(),
        )
    }

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn each_user_signs_in_to_their_own_settings_and_saves_only_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.toml");
        let desk = desk(&file);
        let mut store = Store::open_in_memory().unwrap();
        let kim = add(&mut store, "kim", Role::Agent, Some("1001"));
        add(&mut store, "lee", Role::Agent, Some("1002"));
        add(&mut store, "park", Role::Agent, None);
        add(&mut store, "boss", Role::Admin, None);
        let kims = Personal {
            language: Some(Language::Ja),
            list_columns: Some(columns(&["name", "phone"])),
            pop_on: Some(PopupMoment::Answer),
        };
        store
            .set_personal_settings(kim.id, &kims, None, &["ui.language"])
            .unwrap();
        let backend = Backend::spawn(store, desk.clone(), file.clone(), Arc::new(|| {})).unwrap();

        let as_kim = sign_in(&backend, "kim");
        assert_eq!(
            own(&as_kim),
            (
                Language::Ja,
                columns(&["name", "phone"]),
                PopupMoment::Answer,
                "1001".to_owned()
            )
        );
        // Lee has set nothing but has an extension of their own.
        let as_lee = sign_in(&backend, "lee");
        assert_eq!(
            own(&as_lee),
            (
                Language::Ko,
                desk.ui.list_columns.clone(),
                PopupMoment::Ring,
                "1002".to_owned()
            )
        );

        // Lee, an agent, changes all four of their own.
        let mut lees = as_lee.clone();
        lees.ui.language = Language::En;
        lees.ui.list_columns = columns(&["name", "email"]);
        lees.pbx.pop_on = PopupMoment::Answer;
        "1003".clone_into(&mut lees.pbx.extension);
        let saved = save(&backend, lees);
        assert_eq!(
            own(&saved),
            (
                Language::En,
                columns(&["name", "email"]),
                PopupMoment::Answer,
                "1003".to_owned()
            )
        );
        let in_file = Settings::load_or_create(&file).unwrap();
        assert_eq!(own(&in_file), own(&desk), "the file's personal keys stay");

        // Kim's are as they were; lee's come back at the next sign-in.
        assert_eq!(own(&sign_in(&backend, "kim")), own(&as_kim));
        assert_eq!(own(&sign_in(&backend, "lee")), own(&saved));
        // Park has set nothing and has no extension: all the desk's.
        assert_eq!(own(&sign_in(&backend, "park")), own(&desk));

        // An admin's save parts: the PBX host to the file, the language to them.
        let mut boss = sign_in(&backend, "boss");
        "pbx.example".clone_into(&mut boss.pbx.host);
        boss.ui.language = Language::Ja;
        let saved = save(&backend, boss);
        assert_eq!(saved.ui.language, Language::Ja);
        assert_eq!(saved.pbx.host, "pbx.example");
        let in_file = Settings::load_or_create(&file).unwrap();
        assert_eq!(in_file.pbx.host, "pbx.example");
        assert_eq!(own(&in_file), own(&desk));
        // Others see the desk's new host with their own language.
        let as_lee = sign_in(&backend, "lee");
        assert_eq!(as_lee.pbx.host, "pbx.example");
        assert_eq!(as_lee.ui.language, Language::En);
    }

    #[test]
    fn a_bad_extension_saves_nothing_and_without_a_session_the_file_takes_all() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.toml");
        let desk = desk(&file);
        let mut store = Store::open_in_memory().unwrap();
        add(&mut store, "kim", Role::Agent, Some("1001"));
        let backend = Backend::spawn(store, desk.clone(), file.clone(), Arc::new(|| {})).unwrap();

        // The command line's backend: nobody signed in, the file takes all.
        let mut everything = desk.clone();
        everything.ui.language = Language::En;
        "1005".clone_into(&mut everything.pbx.extension);
        assert_eq!(save(&backend, everything.clone()).ui.language, Language::En);
        let in_file = Settings::load_or_create(&file).unwrap();
        assert_eq!(own(&in_file), own(&everything));

        let mut kims = sign_in(&backend, "kim");
        assert_eq!(kims.ui.language, Language::En, "the desk's new language");
        "내선".clone_into(&mut kims.pbx.extension);
        kims.ui.language = Language::Ja;
        backend.send(Command::SaveSettings(Box::new(kims))).unwrap();
        let message = wait_for(&backend, |event| match event {
            Event::Failed { message, .. } => Some(message),
            Event::SettingsSaved(_) => panic!("saved"),
            _ => None,
        });
        assert!(message.contains("pbx.extension"), "{message}");
        let again = sign_in(&backend, "kim");
        assert_eq!(own(&again).0, Language::En);
        assert_eq!(again.pbx.extension, "1001");
    }
}
