//! `ringdesk backup FILE` and `ringdesk restore FILE`: the whole customer
//! database copied while ringdesk may be running, and put back after the
//! file has been checked (see [`crate::store::Store::back_up_to`] and
//! [`crate::store::Store::restore`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Context, Error, json_line};
use crate::domain::AuditAction;
use crate::domain::{Invalid, Problem};
use crate::store::Store;

/// Arguments of `backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write (replaced once the copy is complete).
    pub file: PathBuf,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A backup made by `ringdesk backup` (or a daily one from the backups folder).
    pub file: PathBuf,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct BackedUp<'a> {
    file: &'a Path,
    customers: u64,
    bytes: u64,
}

#[derive(Debug, Serialize)]
struct RestoredJson<'a> {
    file: &'a Path,
    customers: u64,
    from_version: i64,
    kept: Option<&'a Path>,
}

/// Copies the database to `args.file`.
///
/// # Errors
/// When `args.file` is the database itself, or on a store or file failure.
pub fn backup(context: &Context, args: &BackupArgs, out: &mut impl Write) -> Result<(), Error> {
    let database = context.dirs.database();
    if same_file(&args.file, &database) {
        return Err(Error::Invalid(Invalid::new(
            "FILE",
            Problem::Malformed {
                value: args.file.display().to_string(),
                reason: "is the customer database itself; name another file".to_owned(),
            },
        )));
    }
    let store = context.store()?;
    let customers = store.count_customers()?;
    store.back_up_to(&args.file)?;
    store.record_audit(
        AuditAction::Backup,
        &args.file.display().to_string(),
        &format!("backup of {customers} customers"),
    )?;
    let bytes = std::fs::metadata(&args.file).map_or(0, |meta| meta.len());
    if args.json {
        json_line(
            out,
            &BackedUp {
                file: &args.file,
                customers,
                bytes,
            },
        )
    } else {
        writeln!(
            out,
            "backed up {customers} customers ({:.1} MB) to {}",
            mebibytes(bytes),
            args.file.display()
        )?;
        Ok(())
    }
}

/// Replaces the database with the backup `args.file`.
///
/// # Errors
/// A file that is not a ringdesk backup or is from a newer ringdesk
/// (nothing changed then), or a store or file failure.
pub fn restore(context: &Context, args: &RestoreArgs, out: &mut impl Write) -> Result<(), Error> {
    let database = context.dirs.database();
    if same_file(&args.file, &database) {
        return Err(Error::Invalid(Invalid::new(
            "FILE",
            Problem::Malformed {
                value: args.file.display().to_string(),
                reason: "is the customer database itself; name a backup".to_owned(),
            },
        )));
    }
    let keep_as = kept_name(&database);
    let restored = Store::restore(&database, &args.file, &keep_as)?;
    context.store()?.record_audit(
        AuditAction::Backup,
        &args.file.display().to_string(),
        &format!("restored {} customers", restored.customers),
    )?;
    if args.json {
        return json_line(
            out,
            &RestoredJson {
                file: &args.file,
                customers: restored.customers,
                from_version: restored.from_version,
                kept: restored.kept.as_deref(),
            },
        );
    }
    writeln!(
        out,
        "restored {} customers from {}",
        restored.customers,
        args.file.display()
    )?;
    if let Some(kept) = &restored.kept {
        writeln!(out, "the database as it was is kept as {}", kept.display())?;
    }
    writeln!(
        out,
        "a ringdesk window that is open shows the restored customers once it is restarted"
    )?;
    Ok(())
}

/// `ringdesk.sqlite3.before-restore-20260301-101500` beside the database,
/// with `-2`, `-3`… if a restore in the same second took that name.
fn kept_name(database: &Path) -> PathBuf {
    let stamp = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    let name = database
        .file_name()
        .map_or_else(|| "ringdesk.sqlite3".into(), |name| name.to_string_lossy());
    let first = database.with_file_name(format!("{name}.before-restore-{stamp}"));
    if !first.exists() {
        return first;
    }
    (2..1000)
        .map(|n| database.with_file_name(format!("{name}.before-restore-{stamp}-{n}")))
        .find(|path| !path.exists())
        .unwrap_or(first)
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[allow(clippy::cast_precision_loss)]
fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
