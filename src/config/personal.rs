//! Each user's own settings ([`super::PERSONAL_KEYS`]): language, list
//! columns and when the caller's card pops, kept with the user (as JSON in
//! the store), and the extension, which is the user's own `extension`.
//!
//! What a user has not set is the desk's: the settings file's values are
//! the defaults for everyone who signs in at this desk. [`Personal::over`]
//! lays a user's values over the desk's; [`split`] parts a save from the
//! preferences into what goes to the file and what goes to the user.

use serde::{Deserialize, Serialize};

use super::{Error, Language, PopupMoment, Settings};

/// One user's settings; `None` is "the desk's".
///
/// Unknown keys are ignored when read, so a store written by a newer
/// ringdesk still signs in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Personal {
    /// `ui.language`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// `ui.list_columns`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_columns: Option<Vec<String>>,
    /// `pbx.pop_on`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pop_on: Option<PopupMoment>,
}

impl Personal {
    /// The settings a user works with: the desk's, with this user's values
    /// and `extension` (the user's own; `None` keeps the desk's) over them.
    #[must_use]
    pub fn over(&self, desk: &Settings, extension: Option<&str>) -> Settings {
        let mut mine = desk.clone();
        if let Some(language) = self.language {
            mine.ui.language = language;
        }
        if let Some(columns) = &self.list_columns {
            mine.ui.list_columns.clone_from(columns);
        }
        if let Some(pop_on) = self.pop_on {
            mine.pbx.pop_on = pop_on;
        }
        if let Some(extension) = extension {
            extension.clone_into(&mut mine.pbx.extension);
        }
        mine
    }
}

/// A save from the preferences of a signed-in user, parted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// What the settings file gets: the new values, but the personal keys
    /// as the file had them (they stay the desk's defaults).
    pub desk: Settings,
    /// The user's settings after the save.
    pub personal: Personal,
    /// The user's new extension as typed, when it changed.
    pub extension: Option<String>,
    /// The personal keys that changed, for the audit log.
    pub personal_keys: Vec<&'static str>,
}

/// Parts `new` (the user's settings as edited) given the file's settings
/// `desk`, the settings the user had `before` and their stored `personal`
/// ones. A personal key is stored for the user only when it changed, so a
/// user who never touched a setting keeps following the desk's.
///
/// # Errors
/// [`Error::InvalidValue`] when `new` breaks a rule, naming the key.
pub fn split(
    desk: &Settings,
    before: &Settings,
    personal: &Personal,
    new: &Settings,
) -> Result<Split, Error> {
    new.check().map_err(|(key, reason)| Error::InvalidValue {
        key: key.to_owned(),
        reason,
    })?;
    let mut mine = personal.clone();
    let mut keys = Vec::new();
    if new.ui.language != before.ui.language {
        mine.language = Some(new.ui.language);
        keys.push("ui.language");
    }
    if new.ui.list_columns != before.ui.list_columns {
        mine.list_columns = Some(new.ui.list_columns.clone());
        keys.push("ui.list_columns");
    }
    if new.pbx.pop_on != before.pbx.pop_on {
        mine.pop_on = Some(new.pbx.pop_on);
        keys.push("pbx.pop_on");
    }
    let extension = (new.pbx.extension != before.pbx.extension).then(|| {
        keys.push("pbx.extension");
        new.pbx.extension.clone()
    });
    let mut file = new.clone();
    file.ui.language = desk.ui.language;
    file.ui.list_columns.clone_from(&desk.ui.list_columns);
    file.pbx.pop_on = desk.pbx.pop_on;
    file.pbx.extension.clone_from(&desk.pbx.extension);
    Ok(Split {
        desk: file,
        personal: mine,
        extension,
        personal_keys: keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PERSONAL_KEYS;

    fn desk() -> Settings {
        let mut desk = Settings::default();
        "1000".clone_into(&mut desk.pbx.extension);
        "pbx.example".clone_into(&mut desk.pbx.host);
        desk
    }

    #[test]
    fn nothing_set_is_the_desks_and_set_values_lie_over_it() {
        let desk = desk();
        assert_eq!(Personal::default().over(&desk, None), desk);
        let personal = Personal {
            language: Some(Language::Ja),
            list_columns: Some(vec!["name".to_owned()]),
            pop_on: Some(PopupMoment::Answer),
        };
        let mine = personal.over(&desk, Some("2002"));
        assert_eq!(mine.ui.language, Language::Ja);
        assert_eq!(mine.ui.list_columns, ["name"]);
        assert_eq!(mine.pbx.pop_on, PopupMoment::Answer);
        assert_eq!(mine.pbx.extension, "2002");
        // Only the personal keys differ from the desk's.
        let changed = crate::config::changed_keys(&desk, &mine);
        assert!(
            changed
                .iter()
                .all(|key| PERSONAL_KEYS.contains(&key.as_str()))
        );
        assert_eq!(changed.len(), 4);
    }

    #[test]
    fn a_save_keeps_the_files_personal_keys_and_stores_only_what_changed() {
        let desk = desk();
        let before = Personal::default().over(&desk, Some("2002"));
        let mut new = before.clone();
        new.ui.language = Language::En;
        "9".clone_into(&mut new.pbx.outbound_prefix);
        let split = split(&desk, &before, &Personal::default(), &new).unwrap();
        assert_eq!(split.personal_keys, ["ui.language"]);
        assert_eq!(
            split.personal,
            Personal {
                language: Some(Language::En),
                ..Personal::default()
            }
        );
        assert_eq!(split.extension, None);
        assert_eq!(split.desk.ui.language, Language::Ko);
        assert_eq!(split.desk.pbx.extension, "1000");
        assert_eq!(split.desk.pbx.outbound_prefix, "9");
    }

    #[test]
    fn a_changed_extension_is_handed_back_and_bad_values_are_refused() {
        let desk = desk();
        let mut new = desk.clone();
        "3003".clone_into(&mut new.pbx.extension);
        let split_off = split(&desk, &desk, &Personal::default(), &new).unwrap();
        assert_eq!(split_off.extension.as_deref(), Some("3003"));
        assert_eq!(split_off.personal_keys, ["pbx.extension"]);
        new.ui.list_columns = vec![" ".to_owned()];
        let error = split(&desk, &desk, &Personal::default(), &new).unwrap_err();
        assert!(error.to_string().contains("ui.list_columns"), "{error}");
    }

    #[test]
    fn it_reads_back_from_json_and_ignores_keys_it_does_not_know() {
        let personal: Personal =
            serde_json::from_str(r#"{"language":"ja","pop_on":"answer","later":1}"#).unwrap();
        assert_eq!(personal.language, Some(Language::Ja));
        assert_eq!(personal.pop_on, Some(PopupMoment::Answer));
        assert_eq!(personal.list_columns, None);
        assert_eq!(serde_json::to_string(&Personal::default()).unwrap(), "{}");
    }
}
