//! `ringdesk config list | get KEY | set KEY VALUE`.

use std::io::Write;

use super::{Context, Error};
use crate::config;

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
