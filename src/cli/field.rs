//! `ringdesk field add | list`: user-defined customer fields.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::{FieldKind, NewFieldDef};

/// The `field` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Define a new field.
    Add {
        /// Key used on the command line and in SMS templates, e.g. 인지경로.
        key: String,
        /// Label shown in lists and cards (default: the key).
        #[arg(long)]
        label: Option<String>,
        /// text, number, date, `yes_no`, choice, email or phone.
        #[arg(long, default_value = "text")]
        kind: String,
        /// An allowed value of a choice field. Repeatable.
        #[arg(long = "choice", value_name = "VALUE")]
        choices: Vec<String>,
        /// Every customer must have a value.
        #[arg(long)]
        required: bool,
        /// Show on the incoming-call pop-up.
        #[arg(long)]
        popup: bool,
    },
    /// List the fields in display order.
    List {
        /// One JSON object per field.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `field` subcommand.
///
/// # Errors
/// A malformed or taken key, an unknown kind, or a choice field without choices.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    match command {
        Command::Add {
            key,
            label,
            kind,
            choices,
            required,
            popup,
        } => {
            let kind: FieldKind = kind
                .parse()
                .map_err(|problem| crate::domain::Invalid::new("kind", problem))?;
            let mut def = NewFieldDef::new(&key, label.as_deref().unwrap_or(&key), kind)?
                .with_choices(&choices)?;
            def.required = required;
            def.show_in_popup = popup;
            let id = store.create_field(&def)?;
            writeln!(out, "{id}")?;
        }
        Command::List { json } => {
            for def in store.field_defs()? {
                if json {
                    json_line(out, &def)?;
                } else {
                    let choices = if def.choices.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", def.choices.join(", "))
                    };
                    writeln!(out, "{}  {}  {}{choices}", def.key, def.label, def.kind)?;
                }
            }
        }
    }
    Ok(())
}
