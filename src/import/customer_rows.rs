//! A customer sheet's rows sorted into customers to import and rows that
//! cannot be, each with its row number and reason, and the valid rows that
//! repeat an earlier one.
//!
//! The rules a person expects from an import of their old book:
//! * every cell is trimmed (the full-width space U+3000 too); a row of blank
//!   cells is no data; rows above the header are none either;
//! * a name is required (`name_missing`);
//! * at least one number must be real, read for the file's country or
//!   through its own code, after Excel's lost leading 0 is put back: none
//!   typed is `phone_missing`, none real `phone_invalid`; a second number
//!   that is not real is kept as typed and flagged, the row stays valid;
//! * an e-mail, when there is one, must be one (`email_invalid`);
//! * the memo holds at most 8,000 bytes of UTF-8 (`memo_too_long`);
//! * a valid row one of whose real numbers an earlier valid row has is a
//!   duplicate of the first row that had it; one whose e-mail an earlier
//!   row has is only noted (a family or an office shares an address).
//!
//! Pure: the caller passes the sheet as read, which row is the header and
//! the country numbers are read for.

use std::collections::HashMap;

use super::customer_columns::{ColumnRole, roles_of};
use super::lost_zero::with_lost_zero;
use super::{Cell, Row, Sheet};
use crate::domain::consent;
use crate::domain::customer::MEMO_MAX_BYTES;
use crate::domain::{
    ConsentChannel, CustomerDraft, Email, LabeledPhone, PhoneDraft, PhoneNumber, Region, Timestamp,
};

/// Why a row is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// No name.
    NameMissing,
    /// No number typed.
    PhoneMissing,
    /// Numbers typed, none of them real.
    PhoneInvalid,
    /// An e-mail that is not one.
    EmailInvalid,
    /// A memo over 8,000 bytes.
    MemoTooLong,
}

impl Reason {
    /// The word reports and scripts use.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::NameMissing => "name_missing",
            Self::PhoneMissing => "phone_missing",
            Self::PhoneInvalid => "phone_invalid",
            Self::EmailInvalid => "email_invalid",
            Self::MemoTooLong => "memo_too_long",
        }
    }
}

/// Where a row is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The data record, from 1 (header and blank rows not counted).
    pub record: usize,
    /// The row number the spreadsheet shows, or the line a text record
    /// starts on.
    pub row: usize,
}

/// A row that is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Where it is.
    pub at: Place,
    /// Why.
    pub reason: Reason,
    /// The column at fault.
    pub column: String,
    /// What it holds (a memo's size rather than its text).
    pub value: String,
}

/// A row to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRow {
    /// Where it is.
    pub at: Place,
    /// The customer as the row gives it, numbers first the mobile ones.
    pub draft: CustomerDraft,
    /// The canonical keys of its real numbers.
    pub keys: Vec<String>,
    /// Its e-mail in lower case, if any.
    pub email: Option<String>,
    /// Numbers typed that are not real, kept as typed.
    pub flagged: Vec<String>,
    /// The draft's numbers as read while sorting, when every one of them
    /// is real: writing the row then need not read them again.
    pub numbers: Option<Vec<LabeledPhone>>,
    /// The earlier valid row with one of its numbers: a duplicate.
    pub duplicate_of: Option<Place>,
    /// The earlier valid row with its e-mail. Not a duplicate (people share
    /// an office or family address), but worth a look.
    pub email_of: Option<Place>,
}

/// The sheet sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerRows {
    /// Each column's header and role.
    pub columns: Vec<(String, ColumnRole)>,
    /// Data rows under the header.
    pub data_rows: usize,
    /// Rows to import, in order (duplicates among them, marked).
    pub valid: Vec<ValidRow>,
    /// Rows that cannot be, in order.
    pub rejected: Vec<Rejected>,
}

impl CustomerRows {
    /// The valid rows that repeat an earlier one.
    #[must_use]
    pub fn duplicates(&self) -> usize {
        self.valid
            .iter()
            .filter(|row| row.duplicate_of.is_some())
            .count()
    }

    /// Rejected rows by reason.
    #[must_use]
    pub fn rejected_by_reason(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for rejected in &self.rejected {
            *counts.entry(rejected.reason.code()).or_default() += 1;
        }
        counts
    }
}

/// Sorts the rows of `sheet` under `header_row` (its row number); numbers
/// without a country code are read for `region`.
#[must_use]
pub fn sort_customer_rows(sheet: &Sheet, header_row: usize, region: Region) -> CustomerRows {
    sort_customer_rows_as(sheet, header_row, region, &[])
}

/// As [`sort_customer_rows`], but column `i` takes the role `chosen[i]`
/// when that is given (the window lets a person correct what a header was
/// read as).
#[must_use]
pub fn sort_customer_rows_as(
    sheet: &Sheet,
    header_row: usize,
    region: Region,
    chosen: &[Option<ColumnRole>],
) -> CustomerRows {
    let headers: Vec<String> = sheet
        .rows
        .iter()
        .find(|row| row.number == header_row)
        .map(|row| row.cells.iter().map(Cell::text).collect())
        .unwrap_or_default();
    let mut roles = roles_of(&headers);
    for (role, chosen) in roles.iter_mut().zip(chosen) {
        if let Some(chosen) = chosen {
            role.clone_from(chosen);
        }
    }
    let mut out = CustomerRows {
        columns: headers.iter().cloned().zip(roles.iter().cloned()).collect(),
        ..CustomerRows::default()
    };
    let mut first_with: HashMap<String, Place> = HashMap::new();
    let mut first_email: HashMap<String, Place> = HashMap::new();
    let data = sheet
        .rows
        .iter()
        .filter(|row| row.number > header_row && !row.is_blank());
    for (index, row) in data.enumerate() {
        let at = Place {
            record: index + 1,
            row: row.number,
        };
        out.data_rows += 1;
        match sort_row(row, &out.columns, region) {
            Err((reason, column, value)) => out.rejected.push(Rejected {
                at,
                reason,
                column,
                value,
            }),
            Ok(sorted) => {
                let Sorted {
                    draft,
                    keys,
                    flagged,
                    numbers,
                } = sorted;
                let email = (!draft.email.is_empty()).then(|| draft.email.to_lowercase());
                let mut valid = ValidRow {
                    at,
                    draft,
                    keys,
                    email,
                    numbers: flagged.is_empty().then_some(numbers),
                    flagged,
                    duplicate_of: None,
                    email_of: None,
                };
                valid.duplicate_of = valid
                    .keys
                    .iter()
                    .find_map(|key| first_with.get(key))
                    .copied();
                for key in &valid.keys {
                    first_with.entry(key.clone()).or_insert(at);
                }
                if let Some(email) = &valid.email {
                    valid.email_of = first_email.get(email).copied();
                    first_email.entry(email.clone()).or_insert(at);
                }
                out.valid.push(valid);
            }
        }
    }
    out
}

/// What a row's consent columns said.
#[derive(Default)]
struct ConsentCells {
    /// The consent column's yes or no.
    said: Option<bool>,
    /// The day the consent column itself gave.
    cell_date: Option<String>,
    /// The day the consent date column gave.
    date: Option<String>,
}

impl ConsentCells {
    /// Reads one consent cell into `draft` or into what is kept for `finish`.
    fn read(&mut self, role: &ColumnRole, text: &str, draft: &mut CustomerDraft) {
        match role {
            ColumnRole::AdConsent => {
                // A date says yes and when.
                if let Some(at) = consent::parse_date(text) {
                    self.said = Some(true);
                    self.cell_date = Some(consent::format_date(at));
                } else {
                    self.said = consent::parse_yes_no(text);
                }
            }
            ColumnRole::AdConsentDate => {
                self.date = consent::parse_date(text).map(consent::format_date);
            }
            ColumnRole::AdConsentChannel => {
                draft.ad_consent_channel = ConsentChannel::parse(text);
            }
            ColumnRole::NightConsent => {
                draft.ad_night_consent = consent::parse_yes_no(text) == Some(true);
            }
            ColumnRole::AdOptOut => {
                draft.ad_opt_out = consent::parse_opt_out(text);
            }
            _ => {}
        }
    }

    /// Consent is recorded when the consent column says yes (its date: the
    /// date column's, the cell's own, or the import's day), or when the date
    /// column has a day and no consent column says no. A channel without
    /// consent is dropped.
    fn finish(self, draft: &mut CustomerDraft) {
        draft.ad_consent_date = match self.said {
            Some(false) => String::new(),
            Some(true) => self
                .date
                .or(self.cell_date)
                .unwrap_or_else(|| consent::format_date(Timestamp::now())),
            None => self.date.unwrap_or_default(),
        };
        if draft.ad_consent_date.is_empty() {
            draft.ad_consent_channel = None;
        }
    }
}

/// Why a row cannot be a customer, the column at fault and what it holds.
type Fault = (Reason, String, String);

/// A row read as a customer.
struct Sorted {
    draft: CustomerDraft,
    /// Its real numbers' keys.
    keys: Vec<String>,
    /// Its numbers that are not real, as typed.
    flagged: Vec<String>,
    /// Its real numbers, as read.
    numbers: Vec<LabeledPhone>,
}

/// A row read as a customer, or why it cannot be one.
fn sort_row(row: &Row, columns: &[(String, ColumnRole)], region: Region) -> Result<Sorted, Fault> {
    let mut draft = CustomerDraft::default();
    let mut name_column = String::new();
    let mut email_column = String::new();
    let mut memo_column = String::new();
    let mut consent_cells = ConsentCells::default();
    // Mobile numbers first, then the rest, each in column order.
    let mut typed: Vec<(bool, String, String)> = Vec::new();
    for (index, (header, role)) in columns.iter().enumerate() {
        let text = row.cells.get(index).map_or_else(String::new, Cell::text);
        let split = |text: &str| -> Vec<String> {
            text.split([',', ';'])
                .map(str::trim)
                .filter(|piece| !piece.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match role {
            ColumnRole::Name => {
                draft.name = text;
                name_column.clone_from(header);
            }
            ColumnRole::Phone { label, mobile } => {
                if !text.is_empty() {
                    typed.push((*mobile, label.clone(), text));
                }
            }
            ColumnRole::Email => {
                draft.email = text;
                email_column.clone_from(header);
            }
            ColumnRole::Company => draft.company = text,
            ColumnRole::Address => draft.address = text,
            ColumnRole::Group => draft.groups.extend(split(&text)),
            ColumnRole::Tag => draft.tags.extend(split(&text)),
            ColumnRole::Memo => {
                // Kept as written inside; only its ends are trimmed.
                draft.memo = text;
                memo_column.clone_from(header);
            }
            ColumnRole::Source => draft.source = text,
            ColumnRole::Country => {
                if text.parse::<Region>().is_ok() {
                    draft.country = text;
                }
            }
            ColumnRole::AdConsent
            | ColumnRole::AdConsentDate
            | ColumnRole::AdConsentChannel
            | ColumnRole::NightConsent
            | ColumnRole::AdOptOut => consent_cells.read(role, &text, &mut draft),
            ColumnRole::Skip => {}
            ColumnRole::Field(key) => {
                if !text.is_empty() {
                    draft.fields.push((key.clone(), text));
                }
            }
        }
    }
    consent_cells.finish(&mut draft);
    if draft.name.is_empty() {
        return Err((Reason::NameMissing, name_column, draft.name));
    }
    if draft.memo.len() > MEMO_MAX_BYTES {
        let size = format!("{} bytes (UTF-8)", draft.memo.len());
        return Err((Reason::MemoTooLong, memo_column, size));
    }
    if !draft.email.is_empty() && Email::parse(&draft.email).is_err() {
        return Err((Reason::EmailInvalid, email_column, draft.email));
    }
    let region = draft.country.parse::<Region>().unwrap_or(region);
    typed.sort_by_key(|(mobile, _, _)| !*mobile);
    let mut sorted = Sorted {
        draft,
        keys: Vec::new(),
        flagged: Vec::new(),
        numbers: Vec::new(),
    };
    for (_, label, text) in &typed {
        sorted.add_number(label, text, region);
    }
    if sorted.keys.is_empty() {
        return match typed.first() {
            None => Err((Reason::PhoneMissing, phone_columns(columns), String::new())),
            Some((_, label, text)) => Err((Reason::PhoneInvalid, label.clone(), text.clone())),
        };
    }
    Ok(sorted)
}

impl Sorted {
    /// Reads one number typed in a column headed `label`.
    fn add_number(&mut self, label: &str, text: &str, region: Region) {
        match PhoneNumber::parse(&with_lost_zero(text, region), region) {
            Ok(number) if number.is_verified() => {
                if !self.keys.iter().any(|key| key == number.key()) {
                    self.keys.push(number.key().to_owned());
                    self.draft.phones.push(PhoneDraft {
                        label: label.to_owned(),
                        number: number.raw().to_owned(),
                    });
                    self.numbers.push(LabeledPhone {
                        label: label.trim().to_owned(),
                        number,
                    });
                }
            }
            // Kept as typed on the card, flagged as not verified.
            Ok(_) => {
                self.flagged.push(text.to_owned());
                self.draft.phones.push(PhoneDraft {
                    label: label.to_owned(),
                    number: text.to_owned(),
                });
            }
            // Not a number at all: nothing the card can keep as one.
            Err(_) => self.flagged.push(text.to_owned()),
        }
    }
}

/// The phone columns' headers, for a row with no number in any of them.
fn phone_columns(columns: &[(String, ColumnRole)]) -> String {
    columns
        .iter()
        .filter(|(_, role)| matches!(role, ColumnRole::Phone { .. }))
        .map(|(header, _)| header.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
