//! `ringdesk import FILE`: customers from a spreadsheet or a CSV/text file
//! into the book, as one unit.
//!
//! The file is read ([`mod@crate::import::read`]: the encoding and separator of
//! a text file detected unless given), the sheet and its header row found
//! (rows above it, such as a merged title, are not data), each column's
//! meaning read from its header ([`crate::import::customer_columns`]) and the
//! rows sorted ([`crate::import::customer_rows`]): every rejected row with its
//! row number and reason, every valid row that repeats an earlier one or a
//! customer already in the book. Headers nothing knows become user-defined
//! text fields. The customers then go in (and, with `--on-duplicate
//! update`, the existing ones they repeat are filled in) in one
//! transaction: all or nothing.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::{Context, Error, json_line};
use crate::domain::{CustomerId, Invalid, Problem, Region};
use crate::import::customer_columns::ColumnRole;
use crate::import::customer_import::{
    Fate, ImportError, OnDuplicate, Prepared, fates, headers, prepare_as, roles_from, write,
    write_report,
};
use crate::import::customer_rows::CustomerRows;
use crate::import::encoding::by_name as encoding_by_name;
use crate::import::{ReadOptions, Workbook, read};
use crate::store::ImportWatch;

/// What to do with a valid row whose number is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DuplicatePolicy {
    /// Leave it out.
    Skip,
    /// Fill in what the existing customer lacks (numbers, groups, tags,
    /// empty fields).
    Update,
    /// Import it as a customer of its own anyway.
    Create,
}

impl From<DuplicatePolicy> for OnDuplicate {
    fn from(policy: DuplicatePolicy) -> Self {
        match policy {
            DuplicatePolicy::Skip => Self::Skip,
            DuplicatePolicy::Update => Self::Update,
            DuplicatePolicy::Create => Self::Create,
        }
    }
}

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A spreadsheet (.xlsx .xlsm .xls .ods) or a .csv/.txt file.
    #[arg(required_unless_present = "undo")]
    pub file: Option<PathBuf>,
    /// Take back the last import: remove the customers it created and put
    /// back those it filled in as they were.
    #[arg(long, conflicts_with_all = ["file", "dry_run", "report", "mapping"])]
    pub undo: bool,
    /// Which sheet; the first with a name and a phone column when left out.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The row holding the column names; found when left out (title rows
    /// above it are skipped).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// A text file's encoding: `utf-8`, `cp949` (`euc-kr`), `shift_jis`,
    /// `utf-16le`, `utf-16be`; detected when left out.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// A text file's separator: , ; tab |; detected when left out.
    #[arg(long, value_name = "D")]
    pub delimiter: Option<String>,
    /// The country numbers without a country code are read for (KR, JP…);
    /// Japan for a Shift_JIS file or Japanese headers, else the settings'.
    #[arg(long, value_name = "CC")]
    pub region: Option<String>,
    /// A valid row whose number or e-mail an earlier row or an existing
    /// customer has.
    #[arg(long, value_enum, default_value_t = DuplicatePolicy::Skip)]
    pub on_duplicate: DuplicatePolicy,
    /// Save every rejected and repeated row, with its reason, to FILE
    /// (.xlsx or .csv).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Read the columns with the import mapping saved under NAME (in the
    /// window's 매핑 저장…): each column whose header the mapping has takes
    /// its role; the others are read from their headers.
    #[arg(long, value_name = "NAME")]
    pub mapping: Option<String>,
    /// Count and check only; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `import`.
///
/// # Errors
/// A file that cannot be read, a sheet or header without a name or phone
/// column, bad options, or a store failure; nothing is imported then.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let Some(path) = &args.file else {
        return undo(context, args.json, out);
    };
    let workbook =
        read(path, read_options(args)?).map_err(|error| Error::Import(error.to_string()))?;
    let region = args
        .region
        .as_deref()
        .map(|code| {
            code.parse::<Region>()
                .map_err(|reason| bad("--region", code, reason.to_string()))
        })
        .transpose()?;
    let mut store = context.store()?;
    let sheet = args.sheet.as_deref();
    let header_row = args.header_row.map(|row| row as usize);
    let roles = match &args.mapping {
        Some(name) => mapped_roles(&store, &workbook, args, name)?,
        None => Vec::new(),
    };
    let prepared = prepare_as(
        &workbook,
        sheet,
        header_row,
        region,
        context.settings.phone.default_region,
        &roles,
    )
    .map_err(|error| imported_error(error, args))?;
    // The cells are in the rows now; a million of them need not stay
    // twice while the rows are written.
    let read_as = ReadAs {
        encoding: workbook.encoding,
        delimiter: workbook.delimiter,
    };
    drop(workbook);
    let Prepared {
        sheet,
        header_row,
        region,
        rows,
    } = &prepared;
    let (header_row, region) = (*header_row, *region);
    let fates = fates(&store, rows).map_err(|error| imported_error(error, args))?;
    // Read before the import adds its own.
    let known_emails = if rows.valid.iter().any(|row| row.email.is_some()) {
        store.customer_emails()?
    } else {
        HashMap::new()
    };
    if let Some(path) = &args.report {
        write_report(path, rows, &fates).map_err(|error| imported_error(error, args))?;
    }
    let mut imported = 0;
    let mut updated = 0;
    if !args.dry_run && !rows.valid.is_empty() {
        let file = path.display().to_string();
        (imported, updated) = write(
            &mut store,
            &file,
            rows,
            &fates,
            args.on_duplicate.into(),
            region,
            &mut ImportWatch::quiet(),
        )
        .map_err(|error| imported_error(error, args))?;
    }
    let duplicates = fates.iter().filter(|fate| **fate != Fate::New).count();
    if rows.data_rows == 0 {
        eprintln!(
            "{}: no rows to import under the header (row {header_row})",
            path.display()
        );
    }
    if args.json {
        let mut summary = summary(
            rows,
            &fates,
            sheet,
            header_row,
            region,
            read_as,
            args,
            imported,
            updated,
            &known_emails,
        );
        summary["mapping"] = json!(args.mapping);
        return json_line(out, &summary);
    }
    print_counts(rows, duplicates, imported, updated, args.dry_run, out)
}

/// How a text file was read, for the summary.
#[derive(Clone, Copy)]
struct ReadAs {
    encoding: Option<&'static encoding_rs::Encoding>,
    delimiter: Option<u8>,
}

/// The counts and every rejected row, for a person.
fn print_counts(
    rows: &CustomerRows,
    duplicates: usize,
    imported: usize,
    updated: usize,
    dry_run: bool,
    out: &mut impl Write,
) -> Result<(), Error> {
    writeln!(
        out,
        "{} rows: {} valid, {} rejected ({}), {} duplicates; {} imported, {} updated{}",
        rows.data_rows,
        rows.valid.len(),
        rows.rejected.len(),
        rows.rejected_by_reason()
            .iter()
            .map(|(reason, count)| format!("{reason} {count}"))
            .collect::<Vec<_>>()
            .join(", "),
        duplicates,
        imported,
        updated,
        if dry_run { " (dry run)" } else { "" },
    )?;
    for rejected in &rows.rejected {
        writeln!(
            out,
            "row {}: {} — {}: {}",
            rejected.at.row,
            rejected.reason.code(),
            rejected.column,
            rejected.value
        )?;
    }
    Ok(())
}

/// Each column's role as the saved mapping `name` gives its header.
fn mapped_roles(
    store: &crate::store::Store,
    workbook: &Workbook,
    args: &Args,
    name: &str,
) -> Result<Vec<Option<ColumnRole>>, Error> {
    let Some(mapping) = store.import_mapping(name)? else {
        let saved: Vec<String> = store
            .import_mappings()?
            .into_iter()
            .map(|mapping| mapping.name)
            .collect();
        let reason = if saved.is_empty() {
            "no mapping is saved (save one in 고객 가져오기 with 매핑 저장…)".to_owned()
        } else {
            format!("no mapping of that name; saved: {}", saved.join(", "))
        };
        return Err(bad("--mapping", name, reason));
    };
    let headers = headers(
        workbook,
        args.sheet.as_deref(),
        args.header_row.map(|row| row as usize),
    )
    .map_err(|error| imported_error(error, args))?;
    let roles = roles_from(&headers, &mapping);
    if roles.iter().all(Option::is_none) {
        return Err(bad(
            "--mapping",
            name,
            format!(
                "none of its columns is in the file, whose header is: {}",
                headers.join(", ")
            ),
        ));
    }
    Ok(roles)
}

/// `import --undo`.
fn undo(context: &Context, json: bool, out: &mut impl Write) -> Result<(), Error> {
    let undone = match context.store()?.undo_last_import() {
        Ok(undone) => undone,
        Err(crate::store::Error::NothingToUndo) => {
            return Err(Error::NotFound(
                "there is no import left to undo".to_owned(),
            ));
        }
        Err(error) => return Err(error.into()),
    };
    if json {
        return json_line(out, &undone);
    }
    writeln!(
        out,
        "import {} of {} undone: {} customers removed, {} put back as they were",
        undone.import.id, undone.import.file, undone.removed, undone.restored
    )?;
    Ok(())
}

/// The encoding and separator the options name.
fn read_options(args: &Args) -> Result<ReadOptions, Error> {
    Ok(ReadOptions {
        encoding: args
            .encoding
            .as_deref()
            .map(|name| {
                encoding_by_name(name).ok_or_else(|| {
                    bad(
                        "--encoding",
                        name,
                        "use utf-8, cp949, euc-kr, shift_jis, utf-16le or utf-16be",
                    )
                })
            })
            .transpose()?,
        delimiter: args.delimiter.as_deref().map(delimiter).transpose()?,
    })
}

/// An import failure as the command line says it: a store failure as
/// itself, the rest naming the option or file at fault.
fn imported_error(error: ImportError, args: &Args) -> Error {
    match error {
        ImportError::Store(error) => Error::Store(error),
        ImportError::Invalid(invalid) => Error::Invalid(invalid),
        error @ ImportError::NoSheet { .. } => bad(
            "--sheet",
            args.sheet.as_deref().unwrap_or_default(),
            error.to_string(),
        ),
        error @ ImportError::NoColumn { header_row, .. } => {
            bad("--header-row", &header_row.to_string(), error.to_string())
        }
        error @ (ImportError::Empty | ImportError::Report(_)) => {
            let file = args
                .file
                .as_deref()
                .unwrap_or_else(|| std::path::Path::new(""));
            Error::Import(format!("{}: {error}", file.display()))
        }
    }
}

fn bad(option: &'static str, value: &str, reason: impl Into<String>) -> Error {
    Error::Invalid(Invalid::new(
        option,
        Problem::Malformed {
            value: value.to_owned(),
            reason: reason.into(),
        },
    ))
}

/// `--delimiter` as a byte.
fn delimiter(text: &str) -> Result<u8, Error> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(bad("--delimiter", text, "use , ; tab or |")),
    }
}

/// The `--json` summary.
#[allow(
    clippy::too_many_arguments,
    reason = "one summary of everything the run saw"
)]
fn summary(
    rows: &CustomerRows,
    fates: &[Fate],
    sheet: &str,
    header_row: usize,
    region: Region,
    read_as: ReadAs,
    args: &Args,
    imported: usize,
    updated: usize,
    known_emails: &HashMap<String, CustomerId>,
) -> serde_json::Value {
    let duplicates: Vec<serde_json::Value> = rows
        .valid
        .iter()
        .zip(fates)
        .filter_map(|(row, fate)| {
            let mut entry = json!({ "record": row.at.record, "row": row.at.row });
            match fate {
                Fate::New => return None,
                Fate::RepeatsRow(first) => {
                    entry["same_as_record"] = first.record.into();
                    entry["same_as_row"] = first.row.into();
                }
                Fate::RepeatsCustomer(id) => entry["same_as_customer"] = id.0.into(),
            }
            Some(entry)
        })
        .collect();
    let rejected: Vec<serde_json::Value> = rows
        .rejected
        .iter()
        .map(|rejected| {
            json!({
                "record": rejected.at.record,
                "row": rejected.at.row,
                "reason": rejected.reason.code(),
                "column": rejected.column,
                "value": rejected.value,
            })
        })
        .collect();
    let emails = email_notes(rows, known_emails);
    let columns: Vec<serde_json::Value> = rows
        .columns
        .iter()
        .map(|(header, role)| json!([header, role_name(role)]))
        .collect();
    json!({
        "file": args.file.as_deref().map(|file| file.display().to_string()),
        "sheet": sheet,
        "header_row": header_row,
        "encoding": read_as.encoding.map(encoding_rs::Encoding::name),
        "delimiter": read_as.delimiter.map(|d| char::from(d).to_string()),
        "region": region.to_string(),
        "columns": columns,
        "rows": rows.data_rows,
        "valid": rows.valid.len(),
        "rejected": rows.rejected.len(),
        "rejected_by_reason": rows.rejected_by_reason(),
        "duplicates": duplicates.len(),
        "imported": imported,
        "updated": updated,
        "dry_run": args.dry_run,
        "rejected_rows": rejected,
        "duplicate_rows": duplicates,
        "email_repeats": emails,
    })
}

/// Valid rows whose e-mail an earlier row or a customer in the book has:
/// imported all the same, listed for a look.
fn email_notes(rows: &CustomerRows, known: &HashMap<String, CustomerId>) -> Vec<serde_json::Value> {
    rows.valid
        .iter()
        .filter_map(|row| {
            let email = row.email.as_ref()?;
            let mut entry = json!({ "record": row.at.record, "row": row.at.row, "email": email });
            if let Some(first) = row.email_of {
                entry["same_as_row"] = first.row.into();
            } else if let Some(id) = known.get(email) {
                entry["same_as_customer"] = id.0.into();
            } else {
                return None;
            }
            Some(entry)
        })
        .collect()
}

/// A column's role as the summary names it.
fn role_name(role: &ColumnRole) -> String {
    match role {
        ColumnRole::Name => "name".to_owned(),
        ColumnRole::Phone { mobile: true, .. } => "mobile".to_owned(),
        ColumnRole::Phone { mobile: false, .. } => "phone".to_owned(),
        ColumnRole::Email => "email".to_owned(),
        ColumnRole::Company => "company".to_owned(),
        ColumnRole::Address => "address".to_owned(),
        ColumnRole::Group => "group".to_owned(),
        ColumnRole::Tag => "tag".to_owned(),
        ColumnRole::Memo => "memo".to_owned(),
        ColumnRole::Source => "source".to_owned(),
        ColumnRole::Country => "country".to_owned(),
        ColumnRole::AdConsent => "ad_consent".to_owned(),
        ColumnRole::AdConsentDate => "ad_consent_date".to_owned(),
        ColumnRole::AdConsentChannel => "ad_consent_channel".to_owned(),
        ColumnRole::NightConsent => "night_consent".to_owned(),
        ColumnRole::AdOptOut => "ad_opt_out".to_owned(),
        ColumnRole::Skip => "skip".to_owned(),
        ColumnRole::Field(name) => format!("field:{name}"),
    }
}
