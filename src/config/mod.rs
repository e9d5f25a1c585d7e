//! Settings and data folders.
//!
//! Settings live in a TOML file written with commented defaults on first run
//! (`assets/settings.toml`). A file that cannot be read is reported with its
//! path and line and never replaced: the person who edited it decides.

mod dirs;
mod keys;
mod personal;
mod secrets;
mod sms_http;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use dirs::DataDirs;
pub use keys::{
    PERSONAL_KEYS, changed_keys, desk_changes, get, is_desk_key, list, save, set, with_value,
};
pub use personal::{Personal, Split, split};
pub use secrets::{SECRET_KEYS, SecretsPlace, is_secret};
pub use sms_http::{HttpProviderSettings, NumberFormat};

use crate::domain::{PhoneNumber, Region, Role};

/// The settings file written on first run.
pub const DEFAULT_SETTINGS: &str = include_str!("../../assets/settings.toml");

/// A settings problem, naming the file or key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The system names no home folder, so there is nowhere to keep data.
    #[error("no home folder is known for this user; start ringdesk with --data-dir DIR")]
    NoHome,
    /// A folder could not be created.
    #[error("cannot create the folder {}: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The settings file could not be read or written.
    #[error("cannot {action} the settings file {}: {source}", path.display())]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The settings file is not valid; it was left as it is.
    #[error("the settings file {} is not valid (it was left unchanged; fix or delete it): {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML reader says, with line and column.
        message: String,
    },
    /// A key that no setting has.
    #[error("unknown setting '{key}'; the settings are: {known}")]
    UnknownKey {
        /// The key asked for.
        key: String,
        /// Every key, comma separated.
        known: String,
    },
    /// A value a setting does not take.
    #[error("{key}: {reason}")]
    InvalidValue {
        /// The key.
        key: String,
        /// Why the value is refused.
        reason: String,
    },
    /// A secret could not be read or kept; the message never holds its value.
    #[error("cannot keep the secret {key} in {place}: {reason}")]
    Secret {
        /// The secret's key (`pbx.secret`).
        key: String,
        /// The credential store or the file.
        place: String,
        /// Why.
        reason: String,
    },
}

/// Every setting, with defaults for those the file leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[derive(Default)]
pub struct Settings {
    /// Phone numbers.
    pub phone: PhoneSettings,
    /// Customer search.
    pub search: SearchSettings,
    /// The window.
    pub ui: UiSettings,
    /// The person at this desk.
    pub user: UserSettings,
    /// The phone system's event feed.
    pub pbx: PbxSettings,
    /// The SMS gateway.
    pub sms: SmsSettings,
    /// Logging.
    pub log: LogSettings,
    /// The customer book.
    pub customers: CustomerSettings,
    /// Daily backups.
    pub backup: BackupSettings,
    /// Where the secrets among these settings are kept (see
    /// [`SECRET_KEYS`]); not a setting itself.
    #[serde(skip)]
    pub secrets_kept: SecretsPlace,
}

/// `[phone]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhoneSettings {
    /// Country assumed for numbers without a country code.
    pub default_region: Region,
}

impl Default for PhoneSettings {
    fn default() -> Self {
        Self {
            default_region: Region::KOREA,
        }
    }
}

/// `[search]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Customers per page of results (1–500).
    pub page_size: u32,
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self { page_size: 50 }
    }
}

/// The window's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// 한국어
    #[default]
    Ko,
    /// 日本語
    Ja,
    /// English
    En,
}

/// `[ui]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiSettings {
    /// Language of the window.
    pub language: Language,
    /// The customer list's columns in order: built-in column names, or
    /// `field:KEY` for a user-defined field.
    pub list_columns: Vec<String>,
}

impl Default for UiSettings {
    fn default() -> Self {
        Self {
            language: Language::Ko,
            list_columns: ["name", "phone", "company", "status", "assignee", "updated"]
                .map(str::to_owned)
                .to_vec(),
        }
    }
}

/// `[user]`: who sits at this desk, until sign-in knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserSettings {
    /// Name shown on notes and in logs.
    pub name: String,
    /// What the person at this desk may do on the command line: only
    /// managers and admins send bulk and Excel messages. In the window the
    /// signed-in user's role decides.
    pub role: Role,
    /// The login last signed in at this desk, filled in on the sign-in window.
    pub last_login: String,
    /// Fewest characters in a new password.
    pub password_min_chars: u32,
}

impl Default for UserSettings {
    fn default() -> Self {
        Self {
            name: String::new(),
            // A desk set up by hand is set up by whoever runs it.
            role: Role::Admin,
            last_login: String::new(),
            password_min_chars: 8,
        }
    }
}

impl UserSettings {
    /// [`Self::password_min_chars`] as a length.
    #[must_use]
    pub fn password_min(&self) -> usize {
        usize::try_from(self.password_min_chars).unwrap_or(usize::MAX)
    }
}

/// When the caller's card pops up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PopupMoment {
    /// While the phone rings.
    #[default]
    Ring,
    /// When the agent answers.
    Answer,
}

/// `[pbx]`: the Asterisk Manager Interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PbxSettings {
    /// Host name or address of the PBX; empty when none is used.
    pub host: String,
    /// AMI port (5038 plain, 5039 TLS by custom).
    pub port: u16,
    /// AMI user (manager.conf).
    pub user: String,
    /// AMI secret.
    pub secret: String,
    /// Connect with TLS.
    pub tls: bool,
    /// The desk phone's extension (내선번호): its calls pop up, and
    /// click-to-call rings it first.
    pub extension: String,
    /// Digits dialled before an outside number (e.g. 9).
    pub outbound_prefix: String,
    /// When the caller's card pops up.
    pub pop_on: PopupMoment,
}

impl Default for PbxSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 5038,
            user: String::new(),
            secret: String::new(),
            tls: false,
            extension: String::new(),
            outbound_prefix: String::new(),
            pop_on: PopupMoment::Ring,
        }
    }
}

/// `[sms]`: the gateway messages are sent through, and what the composer
/// checks before it lets one go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsSettings {
    /// Which gateway messages leave through.
    pub gateway: GatewayKind,
    /// Most messages handed to the gateway a second (1–1000).
    pub rate_per_sec: u32,
    /// Most EUC-KR bytes in an SMS (단문) before it becomes an LMS (20–140;
    /// 90 with most providers, 80 with some).
    pub sms_max_bytes: u32,
    /// Most EUC-KR bytes in an LMS or MMS (장문) (more than `sms_max_bytes`,
    /// at most 4,000; 2,000 with most providers, 1,000 with some).
    pub lms_max_bytes: u32,
    /// The sender's name every advertisement must give (the company or shop); may be empty.
    pub sender_name: String,
    /// The free opt-out number advertisements end with (080-…); may be empty.
    pub optout_number: String,
    /// `[sms.kannel]`: the Kannel gateway.
    pub kannel: KannelSettings,
    /// `[sms.http]`: the provider's REST API when `gateway` is `http`.
    pub http: HttpProviderSettings,
}

impl Default for SmsSettings {
    fn default() -> Self {
        Self {
            gateway: GatewayKind::DryRun,
            rate_per_sec: 20,
            sms_max_bytes: 90,
            lms_max_bytes: 2000,
            sender_name: String::new(),
            optout_number: String::new(),
            kannel: KannelSettings::default(),
            http: HttpProviderSettings::default(),
        }
    }
}

/// `[sms.kannel]`: Kannel's smsbox, which ringdesk sends through, and the
/// local listener Kannel calls back with delivery reports and inbound messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KannelSettings {
    /// smsbox's sendsms address (`sendsms-port` in kannel.conf).
    pub sendsms_url: String,
    /// The `sendsms-user` group's `username`.
    pub username: String,
    /// The `sendsms-user` group's `password`.
    pub password: String,
    /// The port on 127.0.0.1 where ringdesk listens for Kannel's delivery
    /// reports and inbound messages (the sms-service `get-url`); 0 takes any
    /// free port.
    pub dlr_port: u16,
}

impl Default for KannelSettings {
    fn default() -> Self {
        Self {
            sendsms_url: "http://127.0.0.1:13013/cgi-bin/sendsms".to_owned(),
            username: String::new(),
            password: String::new(),
            dlr_port: 13080,
        }
    }
}

/// The kinds of SMS gateway (`sms.gateway`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayKind {
    /// Store and "deliver" without sending: for training.
    #[default]
    DryRun,
    /// Kannel's smsbox (`[sms.kannel]`).
    Kannel,
    /// A provider's HTTPS JSON API (`[sms.http]`).
    Http,
}

/// How much is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Failures only.
    Error,
    /// Recovered problems too.
    Warn,
    /// Rare events worth telling.
    #[default]
    Info,
    /// Each operation.
    Debug,
    /// Everything, each AMI packet.
    Trace,
}

impl LogLevel {
    /// The `tracing` filter directive.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

/// `[log]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// Level when `RUST_LOG` is not set.
    pub level: LogLevel,
    /// Daily files kept (1–3650).
    pub keep_days: u32,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: LogLevel::Info,
            keep_days: 14,
        }
    }
}

/// `[customers]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerSettings {
    /// Days a deleted customer stays in the recycle bin before it is
    /// removed for good (0: until the bin is emptied by hand).
    pub purge_after_days: u32,
    /// Free-mail domains (naver.com, gmail.com …): e-mail there marks no
    /// business contact. Empty: the built-in list
    /// (`assets/free_mail_domains.txt`); otherwise it replaces that list.
    pub free_mail_domains: Vec<String>,
}

impl Default for CustomerSettings {
    fn default() -> Self {
        Self {
            purge_after_days: 30,
            free_mail_domains: Vec::new(),
        }
    }
}

/// `[backup]`: the window's daily backups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    /// Daily backups kept, the oldest removed beyond them (0: none made).
    pub keep: u32,
    /// Their folder; relative to the data folder unless absolute.
    pub dir: String,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            keep: 7,
            dir: "backups".to_owned(),
        }
    }
}

impl CustomerSettings {
    /// The free-mail list in force: the configured one, or the built-in.
    #[must_use]
    pub fn free_mail(&self) -> crate::domain::FreeMailDomains {
        crate::domain::FreeMailDomains::configured(&self.free_mail_domains)
    }
}

impl BackupSettings {
    /// The folder daily backups go to for the data folder `data`.
    #[must_use]
    pub fn folder(&self, data: &Path) -> PathBuf {
        data.join(self.dir.trim())
    }
}

impl Settings {
    /// Reads the settings file at `path`, first writing the defaults there if
    /// there is none.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Parse`] naming the file (and line).
    pub fn load_or_create(path: &Path) -> Result<Self, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                write_file(path, DEFAULT_SETTINGS)?;
                DEFAULT_SETTINGS.to_owned()
            }
            Err(source) => {
                return Err(Error::Io {
                    action: "read",
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let settings = Self::from_toml(&text).map_err(|message| Error::Parse {
            path: path.to_owned(),
            message,
        })?;
        secrets::settle(path, settings)
    }

    /// Reads and checks settings from TOML text.
    ///
    /// # Errors
    /// What is wrong, with line and column where TOML knows them.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let settings: Self = toml::from_str(text).map_err(|error| one_line(text, &error))?;
        settings
            .check()
            .map_err(|(key, reason)| format!("{key}: {reason}"))?;
        Ok(settings)
    }

    /// Range checks serde cannot express; returns the key and reason.
    fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=500).contains(&self.search.page_size) {
            return Err(("search.page_size", "must be between 1 and 500".to_owned()));
        }
        if self.pbx.port == 0 {
            return Err(("pbx.port", "must be between 1 and 65535".to_owned()));
        }
        if self
            .pbx
            .extension
            .chars()
            .any(|c| c.is_whitespace() || "/;,@".contains(c))
        {
            return Err((
                "pbx.extension",
                "is the phone's own number or name, e.g. 1001, without spaces or /;,@".to_owned(),
            ));
        }
        if !self.pbx.outbound_prefix.chars().all(|c| c.is_ascii_digit()) {
            return Err(("pbx.outbound_prefix", "may hold digits only".to_owned()));
        }
        let url = &self.sms.kannel.sendsms_url;
        let unused = url.is_empty() && self.sms.gateway != GatewayKind::Kannel;
        if !(unused || url.starts_with("http://") || url.starts_with("https://")) {
            return Err((
                "sms.kannel.sendsms_url",
                "must start with http:// or https:// (e.g. http://127.0.0.1:13013/cgi-bin/sendsms)"
                    .to_owned(),
            ));
        }
        self.check_sms()?;
        if let Some(column) = self.ui.list_columns.iter().find(|c| c.trim().is_empty()) {
            return Err(("ui.list_columns", format!("'{column}' is not a column")));
        }
        if !(1..=128).contains(&self.user.password_min_chars) {
            return Err((
                "user.password_min_chars",
                "must be between 1 and 128".to_owned(),
            ));
        }
        if self.backup.keep > 3650 {
            return Err(("backup.keep", "must be between 0 and 3650".to_owned()));
        }
        if self.backup.dir.trim().is_empty() {
            return Err((
                "backup.dir",
                "must name a folder (the default is backups, inside the data folder)".to_owned(),
            ));
        }
        if !(1..=3650).contains(&self.log.keep_days) {
            return Err(("log.keep_days", "must be between 1 and 3650".to_owned()));
        }
        Ok(())
    }
}

impl Settings {
    /// The `[sms]` checks: limits a carrier could honour, and an opt-out
    /// number that is a number.
    fn check_sms(&self) -> Result<(), (&'static str, String)> {
        if !(1..=1000).contains(&self.sms.rate_per_sec) {
            return Err(("sms.rate_per_sec", "must be between 1 and 1000".to_owned()));
        }
        // One SMS carries 140 bytes of payload; below 20 not even a greeting fits.
        if !(20..=140).contains(&self.sms.sms_max_bytes) {
            return Err(("sms.sms_max_bytes", "must be between 20 and 140".to_owned()));
        }
        if self.sms.lms_max_bytes <= self.sms.sms_max_bytes || self.sms.lms_max_bytes > 4000 {
            return Err((
                "sms.lms_max_bytes",
                format!(
                    "must be more than sms.sms_max_bytes ({}) and at most 4000",
                    self.sms.sms_max_bytes
                ),
            ));
        }
        self.sms.http.check(self.sms.gateway == GatewayKind::Http)?;
        let optout = self.sms.optout_number.trim();
        if !optout.is_empty() {
            let verified = PhoneNumber::parse(optout, self.phone.default_region)
                .is_ok_and(|number| number.is_verified());
            if !verified {
                return Err((
                    "sms.optout_number",
                    format!("'{optout}' is not a valid phone number (like 080-123-4567)"),
                ));
            }
        }
        Ok(())
    }
}

impl FromStr for Settings {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::from_toml(text)
    }
}

/// "line 10, column 18: <what is wrong>" — TOML's own message spans several
/// lines with a drawing of the spot, which does not fit a one-line error.
fn one_line(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim();
    let Some(span) = error.span() else {
        return message.to_owned();
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    format!("line {line}, column {column}: {message}")
}

/// Writes `text` to `path` through a temporary file, so a crash never leaves half a file.
fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    let io_error = |source| Error::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let temporary = path.with_extension("toml.new");
    std::fs::write(&temporary, text).map_err(io_error)?;
    std::fs::rename(&temporary, path).map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_gives_the_default_settings() {
        assert_eq!(
            Settings::from_toml(DEFAULT_SETTINGS),
            Ok(Settings::default())
        );
    }

    #[test]
    fn a_bad_file_is_reported_with_its_line() {
        let error = Settings::from_toml("[phone]\ndefault_region = \"XX\"\n").unwrap_err();
        assert!(error.contains("line 2"), "{error}");
        let error = Settings::from_toml("[phone]\ndefault_regoin = \"KR\"\n").unwrap_err();
        assert!(error.contains("default_regoin"), "{error}");
        let error = Settings::from_toml("[search]\npage_size = 0\n").unwrap_err();
        assert!(error.contains("search.page_size"), "{error}");
    }

    #[test]
    fn daily_backups_have_a_bounded_count_and_a_folder() {
        let error = Settings::from_toml("[backup]\nkeep = 4000\n").unwrap_err();
        assert!(error.contains("backup.keep"), "{error}");
        let error = Settings::from_toml("[backup]\ndir = \" \"\n").unwrap_err();
        assert!(error.contains("backup.dir"), "{error}");
        let off = Settings::from_toml("[backup]\nkeep = 0\n").unwrap();
        assert_eq!(off.backup.keep, 0);
        let data = Path::new("/data/ringdesk");
        assert_eq!(
            Settings::default().backup.folder(data),
            Path::new("/data/ringdesk/backups")
        );
        let elsewhere = BackupSettings {
            keep: 7,
            dir: "/mnt/nas/ringdesk".to_owned(),
        };
        assert_eq!(elsewhere.folder(data), Path::new("/mnt/nas/ringdesk"));
    }

    #[test]
    fn first_run_writes_the_defaults_and_a_broken_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.toml");
        assert_eq!(
            Settings::load_or_create(&path).unwrap(),
            Settings {
                secrets_kept: SecretsPlace::File(dir.path().join("secrets.toml")),
                ..Settings::default()
            }
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), DEFAULT_SETTINGS);

        std::fs::write(&path, "[phone\n").unwrap();
        let error = Settings::load_or_create(&path).unwrap_err().to_string();
        assert!(
            error.contains("settings.toml") && error.contains("line 1"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[phone\n");
    }
}
