//! The secrets among the settings — the AMI secret and the SMS gateways'
//! password and key — kept out of the settings file.
//!
//! They live in the operating system's credential store (Windows Credential
//! Manager, the macOS Keychain, the Secret Service on Linux) through the
//! `keyring` crate. Where there is none (a Linux desk without a keyring
//! daemon, a server over SSH) they live in `secrets.toml` beside the
//! settings file, readable by this user only; the preferences say which.
//! `RINGDESK_SECRETS=file` chooses the file on any system.
//!
//! The settings file keeps these keys empty. A secret found in it (an older
//! file, or one edited by hand) is moved into the store when it is read.
//! Errors name the key and the place, never the value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Error, Settings};

/// The dotted keys of the settings that are secrets.
pub const SECRET_KEYS: [&str; 3] = ["pbx.secret", "sms.kannel.password", "sms.http.auth_value"];

/// The service name entries carry in the system's credential store.
const SERVICE: &str = "ringdesk";

/// The file secrets go to where the system has no credential store.
const FILE_NAME: &str = "secrets.toml";

/// Where this desk's secrets are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SecretsPlace {
    /// Settings made in memory, never read from a file: nowhere yet.
    #[default]
    Nowhere,
    /// The operating system's credential store.
    System,
    /// A file readable only by this user, since the system has no store.
    File(PathBuf),
}

/// True when `key` names a secret.
#[must_use]
pub fn is_secret(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

/// The setting `key` (one of [`SECRET_KEYS`]) in `settings`.
fn slot<'a>(settings: &'a mut Settings, key: &str) -> Option<&'a mut String> {
    match key {
        "pbx.secret" => Some(&mut settings.pbx.secret),
        "sms.kannel.password" => Some(&mut settings.sms.kannel.password),
        "sms.http.auth_value" => Some(&mut settings.sms.http.auth_value),
        _ => None,
    }
}

/// Fills the secrets of `settings`, read from the file at `path`, from the
/// store; a secret the file itself still holds is moved into the store and
/// emptied in the file.
pub(super) fn settle(path: &Path, mut settings: Settings) -> Result<Settings, Error> {
    let vault = Vault::for_settings(path);
    let mut moved = Vec::new();
    for key in SECRET_KEYS {
        let Some(value) = slot(&mut settings, key) else {
            continue;
        };
        if value.is_empty() {
            if let Some(kept) = vault.get(key)? {
                *value = kept;
            }
        } else {
            vault.set(key, value)?;
            moved.push((key.to_owned(), toml_edit::Value::from("")));
        }
    }
    if !moved.is_empty() {
        tracing::info!(
            "moved {} out of the settings file into {}",
            moved
                .iter()
                .map(|(key, _)| key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            vault.describe()
        );
        super::keys::write_values(path, &moved)?;
    }
    settings.secrets_kept = vault.place();
    Ok(settings)
}

/// Keeps `value` as the secret `key` of the desk whose settings file is `path`.
pub(super) fn keep(path: &Path, key: &str, value: &str) -> Result<(), Error> {
    Vault::for_settings(path).set(key, value)
}

/// Keeps every secret of `settings` for the desk whose settings file is
/// `path`, and copies them (and where they are) into `saved`, the settings
/// as read back from the file.
pub(super) fn keep_all(
    path: &Path,
    settings: &Settings,
    saved: &mut Settings,
) -> Result<(), Error> {
    let vault = Vault::for_settings(path);
    let mut settings = settings.clone();
    for key in SECRET_KEYS {
        if let Some(value) = slot(&mut settings, key) {
            vault.set(key, value)?;
        }
    }
    settings.secrets_kept = vault.place();
    carry(&mut settings, saved);
    Ok(())
}

/// Copies the secrets of `from`, and where they are kept, into `to`.
pub(super) fn carry(from: &mut Settings, to: &mut Settings) {
    for key in SECRET_KEYS {
        if let (Some(value), Some(target)) = (slot(from, key), slot(to, key)) {
            target.clone_from(value);
        }
    }
    to.secrets_kept = from.secrets_kept.clone();
}

/// One desk's secrets: the system's store or the private file.
struct Vault {
    /// The settings file, which names the desk in the system's store.
    settings_file: PathBuf,
    place: Place,
}

enum Place {
    System,
    File(PathBuf),
}

impl Vault {
    fn for_settings(path: &Path) -> Self {
        let file = path.with_file_name(FILE_NAME);
        // Unit tests never touch the credential store of the person running them.
        let forced_file =
            cfg!(test) || std::env::var("RINGDESK_SECRETS").is_ok_and(|choice| choice == "file");
        let place = if !forced_file && system_store_works() {
            Place::System
        } else {
            Place::File(file)
        };
        Self {
            settings_file: path.to_owned(),
            place,
        }
    }

    fn place(&self) -> SecretsPlace {
        match &self.place {
            Place::System => SecretsPlace::System,
            Place::File(file) => SecretsPlace::File(file.clone()),
        }
    }

    fn describe(&self) -> String {
        match &self.place {
            Place::System => "the system's credential store".to_owned(),
            Place::File(file) => file.display().to_string(),
        }
    }

    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match &self.place {
            Place::System => match self.entry(key)?.get_password() {
                Ok(value) => Ok(Some(value)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(error) => Err(self.failed(key, &error.to_string())),
            },
            Place::File(file) => Ok(read_file(file)
                .map_err(|error| self.failed(key, &error.to_string()))?
                .remove(key)),
        }
    }

    /// Keeps `value`; an empty value removes the secret.
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        match &self.place {
            Place::System => {
                let entry = self.entry(key)?;
                let done = if value.is_empty() {
                    match entry.delete_credential() {
                        Err(keyring::Error::NoEntry) => Ok(()),
                        other => other,
                    }
                } else {
                    entry.set_password(value)
                };
                done.map_err(|error| self.failed(key, &error.to_string()))
            }
            Place::File(file) => {
                let mut secrets =
                    read_file(file).map_err(|error| self.failed(key, &error.to_string()))?;
                if value.is_empty() {
                    if secrets.remove(key).is_none() && !file.exists() {
                        return Ok(());
                    }
                } else {
                    secrets.insert(key.to_owned(), value.to_owned());
                }
                write_private(file, &secrets).map_err(|error| self.failed(key, &error.to_string()))
            }
        }
    }

    /// The entry of `key` for this desk: two data folders on one account
    /// keep their own secrets.
    fn entry(&self, key: &str) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(SERVICE, &format!("{key}@{}", self.settings_file.display()))
            .map_err(|error| self.failed(key, &error.to_string()))
    }

    fn failed(&self, key: &str, reason: &str) -> Error {
        Error::Secret {
            key: key.to_owned(),
            place: self.describe(),
            reason: reason.to_owned(),
        }
    }
}

/// Whether the system's credential store answers, asked once per run: a
/// desk without one (no Secret Service on the session bus) fails at once.
fn system_store_works() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let answer = keyring::Entry::new(SERVICE, "store check")
            .and_then(|entry| entry.get_password().map(drop));
        match answer {
            Ok(()) | Err(keyring::Error::NoEntry) => true,
            Err(error) => {
                tracing::info!(
                    "no credential store answers ({error}); secrets go to a file only this user can read"
                );
                false
            }
        }
    })
}

fn read_file(file: &Path) -> std::io::Result<BTreeMap<String, String>> {
    match std::fs::read_to_string(file) {
        Ok(text) => toml::from_str(&text).map_err(|error| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, error.message().to_owned())
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(error),
    }
}

/// Writes the secrets through a temporary file created readable and
/// writable by this user alone, so they are never readable by others, not
/// even for a moment.
fn write_private(file: &Path, secrets: &BTreeMap<String, String>) -> std::io::Result<()> {
    use std::io::Write as _;
    let text = toml::to_string(secrets)
        .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))?;
    let temporary = file.with_extension("toml.new");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut out = options.open(&temporary)?;
    out.write_all(
        b"# ringdesk's secrets for this desk: this system has no credential store.\n\
          # Readable by this user only; never copy it into a backup or a message.\n",
    )?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(&temporary, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk() -> (tempfile::TempDir, PathBuf) {
        // SAFETY of the test: every test here chooses the file store.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        (dir, path)
    }

    fn file_vault(path: &Path) -> Vault {
        Vault {
            settings_file: path.to_owned(),
            place: Place::File(path.with_file_name(FILE_NAME)),
        }
    }

    #[test]
    fn a_secret_kept_in_the_file_reads_back_and_empty_removes_it() {
        let (_dir, path) = desk();
        let vault = file_vault(&path);
        assert_eq!(vault.get("pbx.secret").unwrap(), None);
        vault.set("pbx.secret", "s3cr3t").unwrap();
        vault.set("sms.kannel.password", "kpw").unwrap();
        assert_eq!(vault.get("pbx.secret").unwrap().as_deref(), Some("s3cr3t"));
        vault.set("pbx.secret", "").unwrap();
        assert_eq!(vault.get("pbx.secret").unwrap(), None);
        assert_eq!(
            vault.get("sms.kannel.password").unwrap().as_deref(),
            Some("kpw")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, path) = desk();
        file_vault(&path).set("pbx.secret", "s3cr3t").unwrap();
        let mode = std::fs::metadata(path.with_file_name(FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_broken_file_is_an_error_naming_the_key_and_not_the_value() {
        let (_dir, path) = desk();
        std::fs::write(path.with_file_name(FILE_NAME), "not = [toml").unwrap();
        let error = file_vault(&path).set("pbx.secret", "s3cr3t").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("pbx.secret"), "{text}");
        assert!(text.contains(FILE_NAME), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn every_secret_key_is_a_setting() {
        let mut settings = Settings::default();
        for key in SECRET_KEYS {
            assert!(slot(&mut settings, key).is_some(), "{key}");
            assert!(
                super::super::keys::values(&Settings::default())
                    .iter()
                    .any(|(known, _)| known == key),
                "{key}"
            );
        }
    }
}
