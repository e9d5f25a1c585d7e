//! Settings by dotted key (`phone.default_region`, and for nested tables
//! `sms.kannel.sendsms_url`), for `ringdesk config`.
//!
//! `set` edits the file in place with `toml_edit`, so comments and layout
//! the person wrote survive, and checks the result before writing it.
//! Secrets ([`super::secrets::SECRET_KEYS`]) go to the credential store
//! instead, and are listed and read back masked.

use std::path::Path;

use toml_edit::DocumentMut;

use super::secrets::{self, is_secret};
use super::{Error, Settings, write_file};

/// What a secret that is set shows instead of its value.
const MASK: &str = "\"********\"";

/// Every setting as `(key, value)`, values as TOML text; secrets masked.
#[must_use]
pub fn list(settings: &Settings) -> Vec<(String, String)> {
    values(settings)
        .into_iter()
        .map(|(key, value)| {
            if is_secret(&key) && value != "\"\"" {
                (key, MASK.to_owned())
            } else {
                (key, value)
            }
        })
        .collect()
}

/// The keys whose values differ between `old` and `new` (a secret by its
/// key only), for the audit log.
#[must_use]
pub fn changed_keys(old: &Settings, new: &Settings) -> Vec<String> {
    let before = values(old);
    values(new)
        .into_iter()
        .filter(|pair| !before.contains(pair))
        .map(|(key, _)| key)
        .collect()
}

/// The settings each user keeps for themselves: their language, list
/// columns, extension and when the caller's card pops. Anyone may change
/// their own; the rest are the desk's and need an admin.
pub const PERSONAL_KEYS: [&str; 4] = [
    "ui.language",
    "ui.list_columns",
    "pbx.extension",
    "pbx.pop_on",
];

/// Kept by the desk for whoever signs in next, changed by any sign-in.
const SIGN_IN_KEYS: [&str; 1] = ["user.last_login"];

/// The keys that differ between `old` and `new` and belong to the whole
/// desk, not to one user ([`PERSONAL_KEYS`]): changing them needs
/// [`crate::domain::Action::ChangeDeskSettings`].
#[must_use]
pub fn desk_changes(old: &Settings, new: &Settings) -> Vec<String> {
    changed_keys(old, new)
        .into_iter()
        .filter(|key| is_desk_key(key))
        .collect()
}

/// Whether `key` is the whole desk's (an admin's to change), not one
/// user's own or the sign-in's.
#[must_use]
pub fn is_desk_key(key: &str) -> bool {
    !PERSONAL_KEYS.contains(&key) && !SIGN_IN_KEYS.contains(&key)
}

/// Every setting as `(key, value)`, values as TOML text, secrets too.
pub(super) fn values(settings: &Settings) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Ok(toml::Value::Table(tables)) = toml::Value::try_from(settings) {
        for (section, table) in &tables {
            if let toml::Value::Table(table) = table {
                flatten(section, table, &mut pairs);
            }
        }
    }
    pairs
}

/// Adds every value under `table` as `prefix.key`, going into nested
/// tables (`[sms.kannel]` gives `sms.kannel.username`).
fn flatten(prefix: &str, table: &toml::Table, pairs: &mut Vec<(String, String)>) {
    for (key, value) in table {
        let dotted = format!("{prefix}.{key}");
        match value {
            toml::Value::Table(inner) => flatten(&dotted, inner, pairs),
            value => pairs.push((dotted, value.to_string())),
        }
    }
}

/// The value of one setting; strings without their quotes, secrets masked.
///
/// # Errors
/// [`Error::UnknownKey`] when no setting has this key.
pub fn get(settings: &Settings, key: &str) -> Result<String, Error> {
    list(settings)
        .into_iter()
        .find(|(known, _)| known == key)
        .map(|(_, value)| unquote(&value))
        .ok_or_else(|| unknown(settings, key))
}

/// Sets one setting in the file at `path` and returns the new settings.
/// The value is read as the setting's type (`50` as a number for
/// `search.page_size`); the file is only written when the result is valid.
///
/// # Errors
/// [`Error::UnknownKey`], [`Error::InvalidValue`], or the file's errors.
pub fn set(path: &Path, key: &str, value: &str) -> Result<Settings, Error> {
    let current = Settings::load_or_create(path)?;
    let Some((_, default)) = list(&Settings::default())
        .into_iter()
        .find(|(known, _)| known == key)
    else {
        return Err(unknown(&current, key));
    };
    if is_secret(key) {
        secrets::keep(path, key, value)?;
        return Settings::load_or_create(path);
    }
    let new_value = typed_like(&default, key, value)?;
    let mut saved = write_values(path, &[(key.to_owned(), new_value)])?;
    let mut current = current;
    secrets::carry(&mut current, &mut saved);
    Ok(saved)
}

/// `settings` with `key` set to `value`, read as [`set`] reads it, without
/// touching a file: for a user's own settings, kept with the user.
///
/// # Errors
/// [`Error::UnknownKey`] or [`Error::InvalidValue`].
pub fn with_value(settings: &Settings, key: &str, value: &str) -> Result<Settings, Error> {
    let Some((_, default)) = list(&Settings::default())
        .into_iter()
        .find(|(known, _)| known == key)
    else {
        return Err(unknown(settings, key));
    };
    let new_value = typed_like(&default, key, value)?;
    let invalid = |reason: String| Error::InvalidValue {
        key: key.to_owned(),
        reason,
    };
    let mut table = toml::Table::try_from(settings).map_err(|error| invalid(error.to_string()))?;
    let parsed: toml::Table =
        toml::from_str(&format!("v = {new_value}")).map_err(|error| invalid(error.to_string()))?;
    let (tables, name) = key.rsplit_once('.').ok_or_else(|| unknown(settings, key))?;
    let mut at = &mut table;
    for part in tables.split('.') {
        at = at
            .get_mut(part)
            .and_then(toml::Value::as_table_mut)
            .ok_or_else(|| unknown(settings, key))?;
    }
    at.insert(name.to_owned(), parsed["v"].clone());
    let text = toml::to_string(&table).map_err(|error| invalid(error.to_string()))?;
    Settings::from_toml(&text).map_err(invalid)
}

/// Writes every value of `settings` into the file at `path`, keeping the
/// comments and layout around them, and returns what was written.
///
/// # Errors
/// [`Error::InvalidValue`] when `settings` break a rule, or the file's errors.
pub fn save(path: &Path, settings: &Settings) -> Result<Settings, Error> {
    let pairs: Vec<(String, toml_edit::Value)> = values(settings)
        .into_iter()
        .filter(|(key, _)| !is_secret(key))
        .filter_map(|(key, text)| Some((key, text.parse::<toml_edit::Value>().ok()?)))
        .collect();
    let mut saved = write_values(path, &pairs)?;
    secrets::keep_all(path, settings, &mut saved)?;
    Ok(saved)
}

/// Reads `value` as the type of the setting whose default is `default`
/// (TOML text): a string, a whole number, true/false, or a list of strings
/// given comma separated.
fn typed_like(default: &str, key: &str, value: &str) -> Result<toml_edit::Value, Error> {
    let invalid = |reason: String| Error::InvalidValue {
        key: key.to_owned(),
        reason,
    };
    if default.starts_with('"') {
        Ok(value.into())
    } else if default == "true" || default == "false" {
        match value.trim() {
            "true" | "yes" | "on" => Ok(true.into()),
            "false" | "no" | "off" => Ok(false.into()),
            other => Err(invalid(format!("'{other}' is not true or false"))),
        }
    } else if default.starts_with('[') {
        let items: toml_edit::Array = value
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .collect();
        Ok(items.into())
    } else {
        value
            .trim()
            .parse::<i64>()
            .map(Into::into)
            .map_err(|_| invalid(format!("'{value}' is not a whole number")))
    }
}

/// Sets each dotted key to its value in the file, checks the result as a
/// whole, and only then writes it.
pub(super) fn write_values(
    path: &Path,
    pairs: &[(String, toml_edit::Value)],
) -> Result<Settings, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            super::DEFAULT_SETTINGS.to_owned()
        }
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut document: DocumentMut =
        text.parse()
            .map_err(|error: toml_edit::TomlError| Error::Parse {
                path: path.to_owned(),
                message: error.to_string(),
            })?;
    for (key, new_value) in pairs {
        let Some((tables, name)) = key.rsplit_once('.') else {
            continue;
        };
        let mut table = document.as_table_mut();
        let mut walked = String::new();
        for part in tables.split('.') {
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(part);
            table = table
                .entry(part)
                .or_insert_with(toml_edit::table)
                .as_table_mut()
                .ok_or_else(|| Error::Parse {
                    path: path.to_owned(),
                    message: format!("[{walked}] is not a table"),
                })?;
        }
        match table.get_mut(name).and_then(|item| item.as_value_mut()) {
            // Keep the comment that decorates the old value.
            Some(old) => {
                let decor = old.decor().clone();
                *old = new_value.clone();
                *old.decor_mut() = decor;
            }
            None => {
                table.insert(name, toml_edit::value(new_value.clone()));
            }
        }
    }
    let edited = document.to_string();
    let settings = Settings::from_toml(&edited).map_err(|reason| {
        let key = pairs
            .first()
            .map_or_else(String::new, |(key, _)| key.clone());
        Error::InvalidValue {
            key: if pairs.len() == 1 {
                key
            } else {
                "settings".to_owned()
            },
            reason,
        }
    })?;
    write_file(path, &edited)?;
    Ok(settings)
}

fn unknown(settings: &Settings, key: &str) -> Error {
    Error::UnknownKey {
        key: key.to_owned(),
        known: list(settings)
            .into_iter()
            .map(|(key, _)| key)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn unquote(value: &str) -> String {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SETTINGS;

    #[test]
    fn lists_and_gets_by_dotted_key() {
        let settings = Settings::default();
        assert!(
            list(&settings).contains(&("phone.default_region".to_owned(), "\"KR\"".to_owned()))
        );
        assert_eq!(get(&settings, "search.page_size").unwrap(), "50");
        assert_eq!(get(&settings, "phone.default_region").unwrap(), "KR");
        assert!(matches!(
            get(&settings, "phone.nope"),
            Err(Error::UnknownKey { .. })
        ));
    }

    #[test]
    fn set_checks_the_value_and_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, DEFAULT_SETTINGS).unwrap();

        let settings = set(&path, "phone.default_region", "JP").unwrap();
        assert_eq!(settings.phone.default_region.code(), "JP");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("default_region = \"JP\""), "{text}");
        assert!(
            text.contains("# The country whose national formats"),
            "{text}"
        );

        assert!(matches!(
            set(&path, "phone.default_region", "Korea"),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            set(&path, "search.page_size", "many"),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            set(&path, "search.page_size", "0"),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            set(&path, "search.size", "5"),
            Err(Error::UnknownKey { .. })
        ));
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("default_region = \"JP\"")
        );
    }

    #[test]
    fn save_writes_every_value_and_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, DEFAULT_SETTINGS).unwrap();
        let mut settings = Settings::default();
        settings.ui.language = crate::config::Language::Ja;
        settings.pbx.port = 5039;
        settings.pbx.tls = true;
        settings.ui.list_columns = vec!["name".to_owned(), "field:color".to_owned()];
        settings.pbx.secret = "s3cr3t".to_owned();
        settings.secrets_kept = crate::config::SecretsPlace::File(dir.path().join("secrets.toml"));

        assert_eq!(save(&path, &settings).unwrap(), settings);
        assert_eq!(Settings::load_or_create(&path).unwrap(), settings);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# Language of the window"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");

        settings.pbx.port = 0;
        assert!(matches!(
            save(&path, &settings),
            Err(Error::InvalidValue { .. })
        ));
        assert_eq!(Settings::load_or_create(&path).unwrap().pbx.port, 5039);
    }

    #[test]
    fn secrets_are_kept_out_of_the_file_and_shown_masked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(
            &path,
            format!("{DEFAULT_SETTINGS}\n").replace("secret = \"\"", "secret = \"old-one\""),
        )
        .unwrap();
        // A secret found in the file moves out of it when the file is read.
        let settings = Settings::load_or_create(&path).unwrap();
        assert_eq!(settings.pbx.secret, "old-one");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("old-one"), "{text}");
        assert!(text.contains("# "), "comments stay: {text}");

        let settings = set(&path, "sms.kannel.password", "kpw-1").unwrap();
        assert_eq!(settings.sms.kannel.password, "kpw-1");
        assert_eq!(settings.pbx.secret, "old-one");
        let settings = set(&path, "pbx.port", "5039").unwrap();
        assert_eq!(settings.sms.kannel.password, "kpw-1");
        assert_eq!(get(&settings, "sms.kannel.password").unwrap(), "********");
        assert_eq!(get(&settings, "sms.http.auth_value").unwrap(), "");
        assert!(
            list(&settings)
                .iter()
                .all(|(_, value)| !value.contains("kpw-1") && !value.contains("old-one"))
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("kpw-1"), "{text}");
        assert_eq!(
            Settings::load_or_create(&path).unwrap().sms.kannel.password,
            "kpw-1"
        );
        let settings = set(&path, "sms.kannel.password", "").unwrap();
        assert_eq!(settings.sms.kannel.password, "");
    }

    #[test]
    fn set_reads_flags_and_lists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let settings = set(&path, "pbx.tls", "yes").unwrap();
        assert!(settings.pbx.tls);
        let settings = set(&path, "ui.list_columns", "name, phone,company").unwrap();
        assert_eq!(settings.ui.list_columns, ["name", "phone", "company"]);
        assert!(matches!(
            set(&path, "pbx.tls", "maybe"),
            Err(Error::InvalidValue { .. })
        ));
    }

    #[test]
    fn the_pbx_keys_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let settings = set(&path, "pbx.extension", "1001").unwrap();
        assert_eq!(settings.pbx.extension, "1001");
        let settings = set(&path, "pbx.pop_on", "answer").unwrap();
        assert_eq!(settings.pbx.pop_on, crate::config::PopupMoment::Answer);
        let settings = set(&path, "pbx.user", "crm").unwrap();
        assert_eq!(settings.pbx.user, "crm");
        for (key, value) in [
            ("pbx.extension", "PJSIP/1001"),
            ("pbx.pop_on", "later"),
            ("pbx.outbound_prefix", "9#"),
        ] {
            assert!(
                matches!(set(&path, key, value), Err(Error::InvalidValue { .. })),
                "{key} = {value}"
            );
        }
    }

    #[test]
    fn nested_kannel_keys_are_listed_read_and_written_with_comments() {
        let settings = Settings::default();
        assert_eq!(
            get(&settings, "sms.kannel.sendsms_url").unwrap(),
            "http://127.0.0.1:13013/cgi-bin/sendsms"
        );
        assert_eq!(get(&settings, "sms.kannel.dlr_port").unwrap(), "13080");
        assert!(
            list(&settings)
                .iter()
                .all(|(key, _)| key != "sms.kannel" && !key.starts_with("sms.gateway_url"))
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, DEFAULT_SETTINGS).unwrap();
        let settings = set(&path, "sms.kannel.username", "ringdesk").unwrap();
        assert_eq!(settings.sms.kannel.username, "ringdesk");
        let settings = set(&path, "sms.kannel.dlr_port", "13090").unwrap();
        assert_eq!(settings.sms.kannel.dlr_port, 13090);
        let settings = set(&path, "sms.gateway", "kannel").unwrap();
        assert_eq!(settings.sms.gateway, crate::config::GatewayKind::Kannel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("[sms.kannel]"), "{text}");
        assert!(text.contains("username = \"ringdesk\""), "{text}");
        assert!(text.contains("# smsbox's sendsms address"), "{text}");
        assert!(text.contains("dlr_port = 13090"), "{text}");
        for (key, value) in [
            ("sms.kannel.sendsms_url", "127.0.0.1:13013/cgi-bin/sendsms"),
            ("sms.kannel.sendsms_url", ""),
            ("sms.kannel.dlr_port", "70000"),
            ("sms.kannel.nope", "1"),
        ] {
            assert!(set(&path, key, value).is_err(), "{key} = {value}");
        }

        // A file written before [sms.kannel] existed gets the table added.
        let old = dir.path().join("old.toml");
        std::fs::write(&old, "[sms]\n# Mine.\nrate_per_sec = 5\n").unwrap();
        let settings = set(&old, "sms.kannel.password", "secret").unwrap();
        assert_eq!(settings.sms.kannel.password, "secret");
        assert_eq!(settings.sms.rate_per_sec, 5);
        let text = std::fs::read_to_string(&old).unwrap();
        assert!(text.contains("# Mine."), "{text}");

        let mut edited = Settings::load_or_create(&path).unwrap();
        edited.sms.kannel.sendsms_url = "https://sms.example.com/cgi-bin/sendsms".to_owned();
        assert_eq!(save(&path, &edited).unwrap(), edited);
        assert_eq!(Settings::load_or_create(&path).unwrap(), edited);
    }

    #[test]
    fn nested_keys_are_listed_set_and_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        std::fs::write(&path, DEFAULT_SETTINGS).unwrap();
        let defaults = Settings::default();
        assert_eq!(
            get(&defaults, "sms.http.auth_header").unwrap(),
            "Authorization"
        );
        assert!(!list(&defaults).iter().any(|(key, _)| key == "sms.http"));

        let settings = set(&path, "sms.http.send_url", "https://api.example.co.kr/send").unwrap();
        assert_eq!(settings.sms.http.send_url, "https://api.example.co.kr/send");
        let settings = set(&path, "sms.http.delivered_values", "4100, 6600").unwrap();
        assert_eq!(settings.sms.http.delivered_values, ["4100", "6600"]);
        let settings = set(&path, "sms.gateway", "http").unwrap();
        assert_eq!(settings.sms.gateway, crate::config::GatewayKind::Http);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("send_url = \"https://api.example.co.kr/send\""),
            "{text}"
        );
        assert!(text.contains("# Where messages are posted."), "{text}");
        let error = set(&path, "sms.http.send_url", "http://api.example.co.kr/send")
            .unwrap_err()
            .to_string();
        assert!(error.contains("sms.http.send_url"), "{error}");

        // A file without the table gets one.
        let bare = dir.path().join("bare.toml");
        std::fs::write(&bare, "[phone]\ndefault_region = \"KR\"\n").unwrap();
        let settings = set(&bare, "sms.http.auth_header", "X-API-KEY").unwrap();
        assert_eq!(settings.sms.http.auth_header, "X-API-KEY");
        let mut changed = settings.clone();
        changed.sms.http.id_field = "data.msgId".to_owned();
        assert_eq!(save(&bare, &changed).unwrap(), changed);
        assert_eq!(Settings::load_or_create(&bare).unwrap(), changed);
    }

    #[test]
    fn the_sms_keys_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        let defaults = Settings::load_or_create(&path).unwrap();
        assert_eq!(
            (defaults.sms.sms_max_bytes, defaults.sms.lms_max_bytes),
            (90, 2000)
        );
        let settings = set(&path, "sms.sms_max_bytes", "80").unwrap();
        assert_eq!(settings.sms.sms_max_bytes, 80);
        let settings = set(&path, "sms.lms_max_bytes", "1000").unwrap();
        assert_eq!(settings.sms.lms_max_bytes, 1000);
        let settings = set(&path, "sms.sender_name", "링데스크").unwrap();
        assert_eq!(settings.sms.sender_name, "링데스크");
        let settings = set(&path, "sms.optout_number", "080-123-4567").unwrap();
        assert_eq!(settings.sms.optout_number, "080-123-4567");
        let settings = set(&path, "sms.optout_number", "").unwrap();
        assert_eq!(settings.sms.optout_number, "");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("sms_max_bytes = 80"), "{text}");
        assert!(text.contains("# The free opt-out number"), "{text}");

        for (key, value) in [
            ("sms.sms_max_bytes", "19"),
            ("sms.sms_max_bytes", "141"),
            ("sms.sms_max_bytes", "many"),
            // Not more than the SMS limit (80 by now).
            ("sms.lms_max_bytes", "80"),
            ("sms.lms_max_bytes", "4001"),
            ("sms.optout_number", "수신거부"),
            ("sms.optout_number", "080-12"),
        ] {
            assert!(
                matches!(set(&path, key, value), Err(Error::InvalidValue { .. })),
                "{key} = {value}"
            );
        }
        let error = set(&path, "sms.lms_max_bytes", "50")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("must be more than sms.sms_max_bytes (80) and at most 4000"),
            "{error}"
        );
        // Nothing refused was written.
        let settings = Settings::load_or_create(&path).unwrap();
        assert_eq!(
            (settings.sms.sms_max_bytes, settings.sms.lms_max_bytes),
            (80, 1000)
        );
    }
}
