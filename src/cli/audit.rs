//! `ringdesk audit`: the audit log, newest first — sign-ins, bulk sends,
//! exports, imports, deletes, merges, settings and role changes, with who,
//! when and from which machine. Read-only: no command changes an entry.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::{AuditAction, AuditFilter, Invalid, Problem};
use crate::store::Page;

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this action: `sign_in`, `sign_in_failed`, `sign_out`, `bulk_send`, `export`,
    /// `import`, `import_undone`, `delete`, `restore`, `purge`, `merge`,
    /// `merge_undone`, `settings`, `user`, `backup`.
    #[arg(long)]
    pub action: Option<String>,
    /// Only entries by a user whose name contains this.
    #[arg(long, default_value = "")]
    pub by: String,
    /// Only entries whose target or detail contains this (a file, `#123`).
    #[arg(long, default_value = "")]
    pub text: String,
    /// Only entries from this local date on (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only entries before this local date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Most entries to print.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Print one JSON object per entry.
    #[arg(long)]
    pub json: bool,
}

/// Prints the entries `args` pick, newest first.
///
/// # Errors
/// An unknown action or a date that is none; a store failure.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let action = match &args.action {
        None => None,
        Some(name) => Some(AuditAction::parse(name).ok_or_else(|| {
            Error::Invalid(Invalid::new(
                "action",
                Problem::Malformed {
                    value: name.clone(),
                    reason: format!(
                        "is no audit action; one of {}",
                        AuditAction::ALL.map(AuditAction::as_str).join(", ")
                    ),
                },
            ))
        })?),
    };
    let day = |field, date: &Option<String>| {
        date.as_deref()
            .map(|date| super::sms::local_midnight(field, date))
            .transpose()
    };
    let filter = AuditFilter {
        action,
        actor: args.by.clone(),
        text: args.text.clone(),
        since: day("since", &args.since)?,
        until: day("until", &args.until)?,
    };
    let store = context.store()?;
    for entry in store.audit_entries(&filter, Page::first(args.limit))? {
        if args.json {
            json_line(out, &entry)?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                entry.at.to_rfc3339(),
                entry.actor,
                entry.machine,
                entry.action.as_str(),
                entry.target,
                entry.detail
            )?;
        }
    }
    Ok(())
}
