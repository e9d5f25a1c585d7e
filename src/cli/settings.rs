//! `ringdesk config list | get KEY | set KEY VALUE`. Signed in, a user's own
//! settings (`config::PERSONAL_KEYS`) are read and set as theirs.

use std::io::Write;

use super::{Context, Error};
use crate::config::{self, Settings};

/// The `config` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print every setting as `key = value`.
    List,
    /// Print one setting's value.
    Get {
        /// Dotted key, e.g. `phone.default_region`.
        key: String,
    },
    /// Change one setting; the value is checked before the file is written.
    Set {
        /// Dotted key, e.g. `phone.default_region`.
        key: String,
        /// The new value, e.g. JP.
        value: String,
    },
}

/// Runs a `config` subcommand.
///
/// # Errors
/// An unknown key or a value the setting does not take.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    match command {
        Command::List => {
            for (key, value) in config::list(&context.settings) {
                writeln!(out, "{key} = {value}")?;
            }
        }
        Command::Get { key } => writeln!(out, "{}", config::get(&context.settings, &key)?)?,
        Command::Set { key, value } => {
            if let Some(user) = &context.user
                && config::PERSONAL_KEYS.contains(&key.as_str())
            {
                return set_own(context, user, &key, &value, out);
            }
            let file = context.dirs.settings_file();
            let settings = config::set(&file, &key, &value)?;
            if !config::changed_keys(&context.settings, &settings).is_empty() {
                context.store()?.record_audit(
                    crate::domain::AuditAction::Settings,
                    &file.display().to_string(),
                    &key,
                )?;
            }
            writeln!(out, "{key} = {}", config::get(&settings, &key)?)?;
        }
    }
    Ok(())
}

/// Sets one of the signed-in user's own settings, kept with them rather
/// than in the file (whose value stays the desk's default).
fn set_own(
    context: &Context,
    user: &crate::domain::User,
    key: &str,
    value: &str,
    out: &mut impl Write,
) -> Result<(), Error> {
    let mut store = context.store()?;
    let new = config::with_value(&context.settings, key, value)?;
    let desk = Settings::load_or_create(&context.dirs.settings_file())?;
    let personal = store.personal_settings(user.id)?;
    let split = config::split(&desk, &context.settings, &personal, &new)?;
    if !split.personal_keys.is_empty() {
        store.set_personal_settings(
            user.id,
            &split.personal,
            split.extension.as_deref(),
            &split.personal_keys,
        )?;
    }
    writeln!(
        out,
        "{key} = {} (for {})",
        config::get(&new, key)?,
        user.login
    )?;
    Ok(())
}
