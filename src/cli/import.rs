//! `ringdesk import FILE`: customers from a spreadsheet or a CSV/text file
//! into the book, as one unit.
//!
//! The file is read ([`crate::import::read`]: the encoding and separator of
//! a text file detected unless given), the sheet and its header row found
//! (rows above it, such as a merged title, are not data), each column's
//! meaning read from its header ([`crate::import::customer_columns`]) and the
//! rows sorted ([`crate::import::customer_rows`]): every rejected row with its
//! row number and reason, every valid row that repeats an earlier one or a
//! customer already in the book. Headers nothing knows become user-defined
//! text fields. The customers then go in (and, with `--on-duplicate
//! update`, the existing ones they repeat are filled in) in one
//! transaction: all or nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::{Context, Error, json_line};
use crate::domain::{
    CustomerDraft, CustomerId, FieldKind, Invalid, NewCustomer, NewFieldDef, Problem, Region,
};
use crate::export::{Table, TableFormat, write_table};
use crate::import::customer_columns::ColumnRole;
use crate::import::customer_rows::{CustomerRows, Place, sort_customer_rows};
use crate::import::encoding::by_name as encoding_by_name;
use crate::import::{ReadOptions, Sheet, Workbook, read};
use crate::sms::sheet_columns::guess_header_row;
use crate::store::Store;

/// What to do with a valid row whose number or e-mail is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnDuplicate {
    /// Leave it out.
    Skip,
    /// Fill in what the existing customer lacks (numbers, groups, tags,
    /// empty fields).
    Update,
    /// Import it as a customer of its own anyway.
    Create,
}

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A spreadsheet (.xlsx .xlsm .xls .ods) or a .csv/.txt file.
    pub file: PathBuf,
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
    #[arg(long, value_enum, default_value_t = OnDuplicate::Skip)]
    pub on_duplicate: OnDuplicate,
    /// Save every rejected and repeated row, with its reason, to FILE
    /// (.xlsx or .csv).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Count and check only; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// A valid row's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// A new customer.
    New,
    /// It repeats an earlier row of the file.
    RepeatsRow(Place),
    /// It repeats a customer in the book.
    RepeatsCustomer(CustomerId),
}

/// `import`.
///
/// # Errors
/// A file that cannot be read, a sheet or header without a name or phone
/// column, bad options, or a store failure; nothing is imported then.
pub fn run(context: &Context, args: &Args, out: &mut impl Write) -> Result<(), Error> {
    let options = ReadOptions {
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
    };
    let workbook = read(&args.file, options).map_err(|error| Error::Import(error.to_string()))?;
    let (sheet, header_row) = pick_sheet(&workbook, args)?;
    let region = region(context, args, &workbook, sheet, header_row)?;
    let rows = sort_customer_rows(sheet, header_row, region);
    let has = |wanted: fn(&ColumnRole) -> bool| rows.columns.iter().any(|(_, role)| wanted(role));
    if rows.data_rows > 0 && !has(|role| *role == ColumnRole::Name) {
        return Err(no_column(&rows, header_row, "a name (이름, 氏名, Name…)"));
    }
    if rows.data_rows > 0 && !has(|role| matches!(role, ColumnRole::Phone { .. })) {
        return Err(no_column(
            &rows,
            header_row,
            "a phone number (휴대폰, 전화번호, 電話番号, Phone…)",
        ));
    }

    let mut store = context.store()?;
    let fates = fates(&store, &rows)?;
    // Read before the import adds its own.
    let known_emails = if rows.valid.iter().any(|row| row.email.is_some()) {
        store.customer_emails()?
    } else {
        HashMap::new()
    };
    if let Some(path) = &args.report {
        write_report(path, &rows, &fates)?;
    }
    let mut imported = 0;
    let mut updated = 0;
    if !args.dry_run && !rows.valid.is_empty() {
        (imported, updated) = write(&mut store, &rows, &fates, args.on_duplicate, region)?;
    }
    let duplicates = fates.iter().filter(|fate| **fate != Fate::New).count();
    if rows.data_rows == 0 {
        eprintln!(
            "{}: no rows to import under the header (row {header_row})",
            args.file.display()
        );
    }
    if args.json {
        return json_line(
            out,
            &summary(
                &rows,
                &fates,
                sheet,
                header_row,
                region,
                &workbook,
                args,
                imported,
                updated,
                &known_emails,
            ),
        );
    }
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
        if args.dry_run { " (dry run)" } else { "" },
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

/// The sheet to import and its header row.
fn pick_sheet<'a>(workbook: &'a Workbook, args: &Args) -> Result<(&'a Sheet, usize), Error> {
    let header_of = |sheet: &Sheet| {
        args.header_row
            .map(|row| row as usize)
            .or_else(|| guess_header_row(sheet))
            .unwrap_or(1)
    };
    let sheet = match &args.sheet {
        Some(name) => workbook
            .sheets
            .iter()
            .find(|sheet| sheet.name == *name)
            .ok_or_else(|| {
                let names: Vec<&str> = workbook.sheets.iter().map(|s| s.name.as_str()).collect();
                bad(
                    "--sheet",
                    name,
                    format!(
                        "{} has the sheets {}",
                        args.file.display(),
                        names.join(", ")
                    ),
                )
            })?,
        // The first sheet that reads as customers (a notes sheet beside
        // them does not), else the first.
        None => workbook
            .sheets
            .iter()
            .find(|sheet| {
                let rows = sort_customer_rows(
                    &Sheet {
                        name: String::new(),
                        rows: sheet
                            .rows
                            .iter()
                            .filter(|row| row.number <= header_of(sheet))
                            .cloned()
                            .collect(),
                    },
                    header_of(sheet),
                    Region::KOREA,
                );
                let has_name = rows.columns.iter().any(|(_, r)| *r == ColumnRole::Name);
                let has_phone = rows
                    .columns
                    .iter()
                    .any(|(_, r)| matches!(r, ColumnRole::Phone { .. }));
                has_name && has_phone
            })
            .or_else(|| workbook.sheets.first())
            .ok_or_else(|| Error::Import(format!("{}: no sheet", args.file.display())))?,
    };
    Ok((sheet, header_of(sheet)))
}

/// The country numbers are read for.
fn region(
    context: &Context,
    args: &Args,
    workbook: &Workbook,
    sheet: &Sheet,
    header_row: usize,
) -> Result<Region, Error> {
    if let Some(code) = &args.region {
        return code.parse().map_err(|reason: crate::domain::RegionError| {
            bad("--region", code, reason.to_string())
        });
    }
    let japanese_headers = sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .is_some_and(|row| {
            row.cells.iter().any(|cell| {
                cell.text()
                    .chars()
                    .any(|c| matches!(c, '\u{3040}'..='\u{30ff}'))
                    || ["氏名", "電話", "住所", "会社"]
                        .iter()
                        .any(|word| cell.text().contains(word))
            })
        });
    if workbook.encoding == Some(encoding_rs::SHIFT_JIS) || japanese_headers {
        return Ok(Region::JAPAN);
    }
    Ok(context.settings.phone.default_region)
}

/// The columns there are, for a header without a name or phone column.
fn no_column(rows: &CustomerRows, header_row: usize, what: &str) -> Error {
    let columns: Vec<&str> = rows.columns.iter().map(|(h, _)| h.as_str()).collect();
    bad(
        "--header-row",
        &header_row.to_string(),
        format!(
            "no column of row {header_row} holds {what}; its columns are: {}",
            columns.join(", ")
        ),
    )
}

/// Each valid row's fate: new, or repeating an earlier row or a customer.
fn fates(store: &Store, rows: &CustomerRows) -> Result<Vec<Fate>, Error> {
    rows.valid
        .iter()
        .map(|row| {
            if let Some(first) = row.duplicate_of {
                return Ok(Fate::RepeatsRow(first));
            }
            Ok(store
                .customer_with_key(&row.keys)?
                .map_or(Fate::New, Fate::RepeatsCustomer))
        })
        .collect()
}

/// Writes the rows: the fields the file brings first, then every customer
/// in one transaction. Returns how many were imported and updated.
fn write(
    store: &mut Store,
    rows: &CustomerRows,
    fates: &[Fate],
    policy: OnDuplicate,
    region: Region,
) -> Result<(usize, usize), Error> {
    let keys = field_keys(store, rows)?;
    let defs = store.field_defs()?;
    let check = |draft: &CustomerDraft| -> Result<NewCustomer, Error> {
        let mut draft = draft.clone();
        for (key, _) in &mut draft.fields {
            if let Some(stored) = keys.get(key.as_str()) {
                key.clone_from(stored);
            }
        }
        Ok(draft.check(region, &defs)?)
    };
    let mut new = Vec::new();
    let mut updated: BTreeMap<CustomerId, NewCustomer> = BTreeMap::new();
    for (row, fate) in rows.valid.iter().zip(fates) {
        match (fate, policy) {
            (Fate::New, _) | (_, OnDuplicate::Create) => new.push(check(&row.draft)?),
            (Fate::RepeatsCustomer(id), OnDuplicate::Update) => {
                let existing = match updated.remove(id) {
                    Some(customer) => customer,
                    None => check(&stored_draft(store, *id)?)?,
                };
                let filled = fill_in(existing, check(&row.draft)?);
                updated.insert(*id, filled);
            }
            (Fate::RepeatsRow(_) | Fate::RepeatsCustomer(_), _) => {}
        }
    }
    let updated: Vec<(CustomerId, NewCustomer)> = updated.into_iter().collect();
    let ids = store.import_customers(&new, &updated)?;
    Ok((ids.len(), updated.len()))
}

/// The stored key of each user-defined field the file brings, by header;
/// a header no field has yet becomes a text field.
fn field_keys(store: &mut Store, rows: &CustomerRows) -> Result<HashMap<String, String>, Error> {
    let defs = store.field_defs()?;
    let mut keys = HashMap::new();
    for (header, role) in &rows.columns {
        let ColumnRole::Field(name) = role else {
            continue;
        };
        let found = defs
            .iter()
            .find(|def| def.key == *name || def.label == *name)
            .map(|def| def.key.clone());
        let key = if let Some(key) = found {
            key
        } else {
            let key: String = name
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .take(40)
                .collect();
            store.create_field(&NewFieldDef::new(&key, header, FieldKind::Text)?)?;
            key
        };
        keys.insert(name.clone(), key);
    }
    Ok(keys)
}

/// Customer `id` as a draft, to check again once filled in.
fn stored_draft(store: &Store, id: CustomerId) -> Result<CustomerDraft, Error> {
    let customer = store.customer(id)?;
    let status_id = match &customer.status {
        Some(name) => store
            .statuses()?
            .into_iter()
            .find(|status| status.name == *name)
            .map(|status| status.id),
        None => None,
    };
    Ok(customer.to_draft(status_id))
}

/// `existing` with what it lacks taken from `row`: empty fields filled,
/// numbers, groups, tags and field values added.
fn fill_in(mut existing: NewCustomer, row: NewCustomer) -> NewCustomer {
    let fill = |have: &mut String, new: String| {
        if have.is_empty() {
            *have = new;
        }
    };
    fill(&mut existing.company, row.company);
    fill(&mut existing.address, row.address);
    fill(&mut existing.source, row.source);
    fill(&mut existing.memo, row.memo);
    if existing.email.is_none() {
        existing.email = row.email;
    }
    for phone in row.phones {
        if existing
            .phones
            .iter()
            .all(|have| have.number.key() != phone.number.key())
        {
            existing.phones.push(phone);
        }
    }
    for group in row.groups {
        if !existing.groups.contains(&group) {
            existing.groups.push(group);
        }
    }
    for tag in row.tags {
        if !existing.tags.contains(&tag) {
            existing.tags.push(tag);
        }
    }
    for (id, value) in row.fields {
        if existing.fields.iter().all(|(have, _)| *have != id) {
            existing.fields.push((id, value));
        }
    }
    existing
}

/// Every rejected and repeated row with its reason, in row order.
fn write_report(path: &std::path::Path, rows: &CustomerRows, fates: &[Fate]) -> Result<(), Error> {
    let format = TableFormat::from_path(path).unwrap_or(TableFormat::CsvUtf8);
    let header = ["record", "row", "reason", "column", "value", "same_as"].map(str::to_owned);
    let mut lines: Vec<(usize, Vec<String>)> = rows
        .rejected
        .iter()
        .map(|rejected| {
            (
                rejected.at.record,
                vec![
                    rejected.at.record.to_string(),
                    rejected.at.row.to_string(),
                    rejected.reason.code().to_owned(),
                    rejected.column.clone(),
                    rejected.value.clone(),
                    String::new(),
                ],
            )
        })
        .collect();
    for (row, fate) in rows.valid.iter().zip(fates) {
        let same_as = match fate {
            Fate::New => continue,
            Fate::RepeatsRow(first) => format!("row {}", first.row),
            Fate::RepeatsCustomer(id) => format!("customer {}", id.0),
        };
        lines.push((
            row.at.record,
            vec![
                row.at.record.to_string(),
                row.at.row.to_string(),
                "duplicate".to_owned(),
                String::new(),
                row.keys.first().cloned().unwrap_or_default(),
                same_as,
            ],
        ));
    }
    lines.sort_by_key(|(record, _)| *record);
    write_table(
        path,
        format,
        &Table {
            sheet: "import",
            header: &header,
        },
        lines.into_iter().map(|(_, line)| line),
    )
    .map_err(|error| Error::Import(error.to_string()))?;
    Ok(())
}

/// The `--json` summary.
#[allow(
    clippy::too_many_arguments,
    reason = "one summary of everything the run saw"
)]
fn summary(
    rows: &CustomerRows,
    fates: &[Fate],
    sheet: &Sheet,
    header_row: usize,
    region: Region,
    workbook: &Workbook,
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
        "file": args.file.display().to_string(),
        "sheet": sheet.name,
        "header_row": header_row,
        "encoding": workbook.encoding.map(encoding_rs::Encoding::name),
        "delimiter": workbook.delimiter.map(|d| char::from(d).to_string()),
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
        ColumnRole::Skip => "skip".to_owned(),
        ColumnRole::Field(name) => format!("field:{name}"),
    }
}
