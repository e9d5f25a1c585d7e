//! A customer import as one unit, for the command line and the window: the
//! sheet and header of a file read, its rows sorted
//! ([`super::customer_rows`]), each valid row's fate against the book
//! (new, a repeat of an earlier row, a repeat of a customer), and the
//! customers written in one transaction ([`Store::import_customers`]):
//! all or nothing, and recorded so the last import can be undone
//! ([`Store::undo_last_import`]). Headers nothing knows become user-defined text fields.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::customer_columns::ColumnRole;
use super::customer_rows::{CustomerRows, Place, ValidRow, sort_customer_rows_as};
use super::header::guess_header_row;
use super::{Sheet, Workbook};
use crate::domain::{
    CustomerDraft, CustomerId, FieldId, FieldKind, Invalid, NewCustomer, NewFieldDef, Region,
    source,
};
use crate::export::{ExportError, Table, TableFormat, write_table};
use crate::store::{self, ImportMapping, ImportPhase, ImportWatch, Store};

/// What to do with a valid row whose number is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDuplicate {
    /// Leave it out.
    #[default]
    Skip,
    /// Fill in what the existing customer lacks (numbers, groups, tags,
    /// empty fields).
    Update,
    /// Import it as a customer of its own anyway.
    Create,
}

/// A valid row's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// A new customer.
    New,
    /// It repeats an earlier row of the file.
    RepeatsRow(Place),
    /// It repeats a customer in the book.
    RepeatsCustomer(CustomerId),
}

/// Why an import cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The store.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// A field the file brings cannot be made, or a row cannot be written.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The named sheet is not in the workbook.
    #[error("there is no sheet {sheet}; the workbook has {}", .names.join(", "))]
    NoSheet {
        /// As asked for.
        sheet: String,
        /// The sheets there are.
        names: Vec<String>,
    },
    /// The workbook has no sheet at all.
    #[error("the workbook has no sheet")]
    Empty,
    /// The header has no column of a role every customer needs.
    #[error("no column of row {header_row} holds {what}; its columns are: {}", .columns.join(", "))]
    NoColumn {
        /// The header row.
        header_row: usize,
        /// What is missing, in words.
        what: &'static str,
        /// The phone number is what is missing (else the name).
        phone: bool,
        /// The header's names.
        columns: Vec<String>,
    },
    /// The report could not be written.
    #[error(transparent)]
    Report(#[from] ExportError),
}

/// A file's customers sorted, before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The sheet read.
    pub sheet: String,
    /// Its header row.
    pub header_row: usize,
    /// The country numbers were read for.
    pub region: Region,
    /// The rows sorted.
    pub rows: CustomerRows,
}

/// The sheet named `sheet` (else the first that reads as customers, else
/// the first) with its header row (`header_row`, else found), its rows
/// sorted for `region` (else guessed from the file, else `default_region`).
///
/// # Errors
/// [`ImportError::NoSheet`], [`ImportError::Empty`], or
/// [`ImportError::NoColumn`] for a header without a name or a phone column.
pub fn prepare(
    workbook: &Workbook,
    sheet: Option<&str>,
    header_row: Option<usize>,
    region: Option<Region>,
    default_region: Region,
) -> Result<Prepared, ImportError> {
    prepare_as(workbook, sheet, header_row, region, default_region, &[])
}

/// As [`prepare`], but column `i` of the header takes the role `roles[i]`
/// when that is given, over what its header reads as.
///
/// # Errors
/// As [`prepare`].
pub fn prepare_as(
    workbook: &Workbook,
    sheet: Option<&str>,
    header_row: Option<usize>,
    region: Option<Region>,
    default_region: Region,
    roles: &[Option<ColumnRole>],
) -> Result<Prepared, ImportError> {
    let (chosen, header_row) = locate(workbook, sheet, header_row)?;
    let region =
        region.unwrap_or_else(|| guess_region(workbook, chosen, header_row, default_region));
    let rows = sort_customer_rows_as(chosen, header_row, region, roles);
    let has = |wanted: fn(&ColumnRole) -> bool| rows.columns.iter().any(|(_, role)| wanted(role));
    let missing = if rows.data_rows == 0 {
        None
    } else if !has(|role| *role == ColumnRole::Name) {
        Some("a name (이름, 氏名, Name…)")
    } else if !has(|role| matches!(role, ColumnRole::Phone { .. })) {
        Some("a phone number (휴대폰, 전화번호, 電話番号, Phone…)")
    } else {
        None
    };
    if let Some(what) = missing {
        return Err(ImportError::NoColumn {
            header_row,
            what,
            phone: has(|role| *role == ColumnRole::Name),
            columns: rows
                .columns
                .iter()
                .map(|(header, _)| header.clone())
                .collect(),
        });
    }
    Ok(Prepared {
        sheet: chosen.name.clone(),
        header_row,
        region,
        rows,
    })
}

/// The sheet named `sheet` (else the first that reads as customers, else
/// the first) and its header row (`header_row`, else found).
fn locate<'w>(
    workbook: &'w Workbook,
    sheet: Option<&str>,
    header_row: Option<usize>,
) -> Result<(&'w Sheet, usize), ImportError> {
    let header_of = |sheet: &Sheet| header_row.or_else(|| guess_header_row(sheet)).unwrap_or(1);
    let chosen = match sheet {
        Some(name) => workbook
            .sheets
            .iter()
            .find(|sheet| sheet.name == name)
            .ok_or_else(|| ImportError::NoSheet {
                sheet: name.to_owned(),
                names: workbook.sheets.iter().map(|s| s.name.clone()).collect(),
            })?,
        // The first sheet that reads as customers (a notes sheet beside
        // them does not), else the first.
        None => workbook
            .sheets
            .iter()
            .find(|sheet| {
                let roles = header_roles(sheet, header_of(sheet));
                roles.contains(&ColumnRole::Name)
                    && roles
                        .iter()
                        .any(|role| matches!(role, ColumnRole::Phone { .. }))
            })
            .or_else(|| workbook.sheets.first())
            .ok_or(ImportError::Empty)?,
    };
    let header_row = header_of(chosen);
    Ok((chosen, header_row))
}

/// The header of the sheet and row [`prepare`] would read, as written.
///
/// # Errors
/// [`ImportError::NoSheet`] or [`ImportError::Empty`].
pub fn headers(
    workbook: &Workbook,
    sheet: Option<&str>,
    header_row: Option<usize>,
) -> Result<Vec<String>, ImportError> {
    let (chosen, header_row) = locate(workbook, sheet, header_row)?;
    Ok(header_texts(chosen, header_row))
}

/// Whether `headers` are `mapping`'s: the same headers (spaces around
/// them aside, blank ones left out), in any order.
#[must_use]
pub fn mapping_fits(headers: &[String], mapping: &ImportMapping) -> bool {
    let set = |headers: &mut dyn Iterator<Item = &String>| -> std::collections::BTreeSet<String> {
        headers
            .map(|header| header.trim().to_owned())
            .filter(|header| !header.is_empty())
            .collect()
    };
    let file = set(&mut headers.iter());
    !file.is_empty() && file == set(&mut mapping.columns.iter().map(|(header, _)| header))
}

/// Column `i`'s role as `mapping` gives its header (None: as the header
/// reads, for a header the mapping lacks).
#[must_use]
pub fn roles_from(headers: &[String], mapping: &ImportMapping) -> Vec<Option<ColumnRole>> {
    headers
        .iter()
        .map(|header| {
            mapping
                .columns
                .iter()
                .find(|(saved, _)| saved.trim() == header.trim())
                .and_then(|(_, code)| ColumnRole::from_code(code, header))
        })
        .collect()
}

/// `chosen` roles over `mapped` ones, column by column.
#[must_use]
pub fn overlay(
    mapped: Vec<Option<ColumnRole>>,
    chosen: &[Option<ColumnRole>],
) -> Vec<Option<ColumnRole>> {
    let mut roles = mapped;
    if roles.len() < chosen.len() {
        roles.resize(chosen.len(), None);
    }
    for (role, picked) in roles.iter_mut().zip(chosen) {
        if picked.is_some() {
            role.clone_from(picked);
        }
    }
    roles
}

/// The roles of `sheet`'s header row.
fn header_roles(sheet: &Sheet, header_row: usize) -> Vec<ColumnRole> {
    super::customer_columns::roles_of(&header_texts(sheet, header_row))
}

/// The texts of `sheet`'s header row.
fn header_texts(sheet: &Sheet, header_row: usize) -> Vec<String> {
    sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .map(|row| row.cells.iter().map(super::Cell::text).collect())
        .unwrap_or_default()
}

/// Japan for a Shift_JIS file or Japanese headers, else `default`.
fn guess_region(workbook: &Workbook, sheet: &Sheet, header_row: usize, default: Region) -> Region {
    let japanese_headers = sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .is_some_and(|row| {
            row.cells.iter().any(|cell| {
                let text = cell.text();
                text.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}'))
                    || ["氏名", "電話", "住所", "会社"]
                        .iter()
                        .any(|word| text.contains(word))
            })
        });
    if workbook.encoding == Some(encoding_rs::SHIFT_JIS) || japanese_headers {
        Region::JAPAN
    } else {
        default
    }
}

/// Each valid row's fate: new, or repeating an earlier row or a customer.
///
/// # Errors
/// On a database failure.
pub fn fates(store: &Store, rows: &CustomerRows) -> Result<Vec<Fate>, ImportError> {
    fates_watched(store, rows, false, &mut ImportWatch::quiet())
}

/// As [`fates`], reported to `watch` as [`ImportPhase::Preparing`]; with
/// `then_write` as its first half (the second, in [`write()`], is turning
/// the rows into customers).
///
/// # Errors
/// On a database failure, or [`store::Error::Cancelled`].
pub fn fates_watched(
    store: &Store,
    rows: &CustomerRows,
    then_write: bool,
    watch: &mut ImportWatch<'_>,
) -> Result<Vec<Fate>, ImportError> {
    let total = if then_write { 2 } else { 1 } * rows.valid.len() as u64;
    // A book without numbers (a new one, above all) has none to repeat:
    // a million lookups that cannot find anything are left out.
    let book_has_numbers = store.has_numbers()?;
    rows.valid
        .iter()
        .zip(1..)
        .map(|(row, done)| {
            watch.every(ImportPhase::Preparing, done, total)?;
            if let Some(first) = row.duplicate_of {
                return Ok(Fate::RepeatsRow(first));
            }
            if !book_has_numbers {
                return Ok(Fate::New);
            }
            Ok(store
                .customer_with_key(&row.keys)?
                .map_or(Fate::New, Fate::RepeatsCustomer))
        })
        .collect()
}

/// Writes the rows: the fields the file brings first, then every customer
/// in one transaction. Returns how many were imported and updated.
/// `watch` hears how far it got and may stop it.
///
/// # Errors
/// On a database failure, a row the store refuses, or
/// [`store::Error::Cancelled`]; nothing is written then (fields made for
/// the file are removed again).
pub fn write(
    store: &mut Store,
    file: &str,
    rows: &CustomerRows,
    fates: &[Fate],
    policy: OnDuplicate,
    region: Region,
    watch: &mut ImportWatch<'_>,
) -> Result<(usize, usize), ImportError> {
    let mut made = Vec::new();
    let result = field_keys(store, rows, &mut made)
        .and_then(|keys| write_with(store, file, rows, fates, policy, region, &keys, watch));
    if result.is_err() && !made.is_empty() {
        store.drop_unused_fields(&made)?;
    }
    result
}

#[expect(clippy::too_many_arguments, reason = "write's own, passed on")]
fn write_with(
    store: &mut Store,
    file: &str,
    rows: &CustomerRows,
    fates: &[Fate],
    policy: OnDuplicate,
    region: Region,
    keys: &HashMap<String, String>,
    watch: &mut ImportWatch<'_>,
) -> Result<(usize, usize), ImportError> {
    let defs = store.field_defs()?;
    let sources = store.sources()?;
    let check = |mut draft: CustomerDraft| -> Result<NewCustomer, ImportError> {
        // "facebook" in the file is the list's "Facebook"; a source the list
        // lacks is kept as written and joins the list with the import.
        if let Some(source) = source::listed(&sources, &draft.source) {
            draft.source.clone_from(&source.name);
        }
        for (key, _) in &mut draft.fields {
            if let Some(stored) = keys.get(key.as_str()) {
                key.clone_from(stored);
            }
        }
        Ok(draft.check(region, &defs)?)
    };
    // The numbers were read when the rows were sorted; reading them again
    // was a third of the time it took to write a row.
    let check_row = |row: &ValidRow| -> Result<NewCustomer, ImportError> {
        let Some(numbers) = &row.numbers else {
            return check(row.draft.clone());
        };
        let mut draft = row.draft.clone();
        draft.phones.clear();
        let mut customer = check(draft)?;
        customer.phones.clone_from(numbers);
        Ok(customer)
    };
    let mut new = Vec::new();
    let mut updated: BTreeMap<CustomerId, NewCustomer> = BTreeMap::new();
    let half = rows.valid.len() as u64;
    for ((row, fate), done) in rows.valid.iter().zip(fates).zip(1..) {
        watch.every(ImportPhase::Preparing, half + done, 2 * half)?;
        match (fate, policy) {
            (Fate::New, _) | (_, OnDuplicate::Create) => new.push(check_row(row)?),
            (Fate::RepeatsCustomer(id), OnDuplicate::Update) => {
                let existing = match updated.remove(id) {
                    Some(customer) => customer,
                    None => check(stored_draft(store, *id)?)?,
                };
                let filled = fill_in(existing, check_row(row)?);
                updated.insert(*id, filled);
            }
            (Fate::RepeatsRow(_) | Fate::RepeatsCustomer(_), _) => {}
        }
    }
    watch.step(ImportPhase::Preparing, 2 * half, 2 * half)?;
    let updated: Vec<(CustomerId, NewCustomer)> = updated.into_iter().collect();
    let ids = store.import_customers(file, &new, &updated, watch)?;
    Ok((ids.len(), updated.len()))
}

/// The stored key of each user-defined field the file brings, by header;
/// a header no field has yet becomes a text field (added to `made`).
fn field_keys(
    store: &mut Store,
    rows: &CustomerRows,
    made: &mut Vec<FieldId>,
) -> Result<HashMap<String, String>, ImportError> {
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
            made.push(store.create_field(&NewFieldDef::new(&key, header, FieldKind::Text)?)?);
            key
        };
        keys.insert(name.clone(), key);
    }
    Ok(keys)
}

/// Customer `id` as a draft, to check again once filled in.
fn stored_draft(store: &Store, id: CustomerId) -> Result<CustomerDraft, ImportError> {
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
    // Consent the customer lacks is taken from the file; an opt-out in the
    // file is kept (a refusal is never undone by an import).
    if existing.ad_consent_at.is_none() {
        existing.ad_consent_at = row.ad_consent_at;
        existing.ad_consent_channel = row.ad_consent_channel;
    }
    existing.ad_opt_out |= row.ad_opt_out;
    existing.ad_night_consent |= row.ad_night_consent;
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
///
/// # Errors
/// When the file cannot be written.
pub fn write_report(path: &Path, rows: &CustomerRows, fates: &[Fate]) -> Result<(), ImportError> {
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
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::import::{ReadOptions, read};

    #[test]
    fn numbers_read_while_sorting_are_the_numbers_a_check_reads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
        let mut rows_seen = 0;
        for file in [
            "customers.xlsx",
            "customers.xls",
            "customers.ods",
            "customers_cp949.csv",
            "customers_sjis.csv",
            "customers_utf8_bom.csv",
        ] {
            let workbook = read(&dir.join(file), ReadOptions::default()).unwrap();
            let prepared = prepare(&workbook, None, None, None, Region::KOREA).unwrap();
            for row in &prepared.rows.valid {
                let Some(numbers) = &row.numbers else {
                    assert!(!row.flagged.is_empty(), "{file} {:?}", row.at);
                    continue;
                };
                // The numbers are in question here, not the user-defined
                // fields (which this book lacks).
                let mut draft = row.draft.clone();
                draft.fields.clear();
                let checked = draft.check(prepared.region, &[]).unwrap();
                assert_eq!(&checked.phones, numbers, "{file} {:?}", row.at);
                rows_seen += 1;
            }
        }
        assert!(rows_seen > 100, "{rows_seen}");
    }

    #[test]
    fn fields_made_for_a_cancelled_import_are_removed_with_it() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import/customers.xlsx");
        let workbook = read(&path, ReadOptions::default()).unwrap();
        let prepared = prepare(&workbook, None, None, None, Region::KOREA).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let fates = fates(&store, &prepared.rows).unwrap();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let mut watch = ImportWatch::new(cancel, move |phase, _, _| {
            if phase == ImportPhase::Writing {
                flag.store(true, Ordering::Relaxed);
            }
        });
        let result = write(
            &mut store,
            "customers.xlsx",
            &prepared.rows,
            &fates,
            OnDuplicate::Skip,
            prepared.region,
            &mut watch,
        );
        assert!(
            matches!(result, Err(ImportError::Store(store::Error::Cancelled))),
            "{result:?}"
        );
        assert_eq!(store.count_customers().unwrap(), 0);
        assert!(store.field_defs().unwrap().is_empty());
    }

    #[test]
    fn a_files_sources_take_the_lists_spelling_and_new_ones_join_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.csv");
        std::fs::write(
            &path,
            "이름,휴대폰,인지경로\n홍길동,010-1111-2222,zalo\n김민준,010-2222-3333, 블로그\n\
             이서연,010-3333-4444,\n박지훈,010-4444-5555,블로그\n",
        )
        .unwrap();
        let workbook = read(&path, ReadOptions::default()).unwrap();
        let prepared = prepare(&workbook, None, None, None, Region::KOREA).unwrap();
        let mut store = Store::open_in_memory().unwrap();
        let fates = fates(&store, &prepared.rows).unwrap();
        let mut watch = ImportWatch::new(Arc::new(AtomicBool::new(false)), |_, _, _| {});
        let (created, _) = write(
            &mut store,
            "sources.csv",
            &prepared.rows,
            &fates,
            OnDuplicate::Skip,
            prepared.region,
            &mut watch,
        )
        .unwrap();
        assert_eq!(created, 4);
        let mut sources: Vec<String> = (1..=4)
            .map(|id| {
                let customer = store.customer(CustomerId(id)).unwrap();
                format!("{} {}", customer.name, customer.source)
            })
            .collect();
        sources.sort();
        assert_eq!(
            sources,
            ["김민준 블로그", "박지훈 블로그", "이서연 ", "홍길동 Zalo"]
        );
        let list: Vec<String> = store
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(list.iter().filter(|name| *name == "블로그").count(), 1);
        assert_eq!(list.last().map(String::as_str), Some("블로그"));
        assert_eq!(list.len(), 7);

        // Undone, the import takes the source it brought off the list again.
        store.undo_last_import().unwrap();
        let list: Vec<String> = store
            .sources()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(list.len(), 6);
        assert!(!list.contains(&"블로그".to_owned()));
    }
}
