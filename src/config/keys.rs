//! Settings by dotted key (`phone.default_region`), for `ringdesk config`.
//!
//! `set` edits the file in place with `toml_edit`, so comments and layout
//! the person wrote survive, and checks the result before writing it.

use std::path::Path;

use toml_edit::DocumentMut;

use super::{Error, Settings, write_file};

/// Every setting as `(key, value)`, values as TOML text.
#[must_use]
pub fn list(settings: &Settings) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if let Ok(toml::Value::Table(tables)) = toml::Value::try_from(settings) {
        for (section, table) in &tables {
            if let toml::Value::Table(table) = table {
                for (key, value) in table {
                    pairs.push((format!("{section}.{key}"), value.to_string()));
                }
            }
        }
    }
    pairs
}

/// The value of one setting; strings without their quotes.
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
    let Some((section, name)) = key.split_once('.') else {
        return Err(unknown(&current, key));
    };
    let Some((_, default)) = list(&Settings::default())
        .into_iter()
        .find(|(known, _)| known == key)
    else {
        return Err(unknown(&current, key));
    };
    let new_value: toml_edit::Value = if default.starts_with('"') {
        value.into()
    } else {
        value
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::InvalidValue {
                key: key.to_owned(),
                reason: format!("'{value}' is not a whole number"),
            })?
            .into()
    };
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    let mut document: DocumentMut =
        text.parse()
            .map_err(|error: toml_edit::TomlError| Error::Parse {
                path: path.to_owned(),
                message: error.to_string(),
            })?;
    let table = document
        .entry(section)
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| Error::Parse {
            path: path.to_owned(),
            message: format!("[{section}] is not a table"),
        })?;
    match table.get_mut(name).and_then(|item| item.as_value_mut()) {
        // Keep the comment that decorates the old value.
        Some(old) => {
            let decor = old.decor().clone();
            *old = new_value;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(name, toml_edit::value(new_value));
        }
    }
    let edited = document.to_string();
    let settings = Settings::from_toml(&edited).map_err(|reason| Error::InvalidValue {
        key: key.to_owned(),
        reason,
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
}
