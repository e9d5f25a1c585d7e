//! What `ringdesk sms bulk` would send, worked out before anything is
//! stored: the recipients a group, a search, a file of numbers or a sheet
//! gives, every row left out with its row number and reason, the kind of
//! each personalised message, and the first texts as they will read.
//!
//! The same rules as the windows: customers are sorted out by
//! [`sort_out`] (opt-outs for advertising, landlines, bad numbers, repeats),
//! typed numbers by [`free_numbers::parse`], a sheet by [`sort_rows`] with
//! the header and phone column guessed as 엑셀문자발송 guesses them. Then
//! each recipient's text is filled and checked with the composer's own rules
//! ([`compose::check`]), as the batch thread will when its turn comes: a row
//! whose text cannot be sent (too long once filled in, say) is left out
//! here, and a text no recipient could be sent refuses the whole send.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use super::Error;
use super::group_name::group_named;
use crate::config::Settings;
use crate::domain::search::SearchQuery;
use crate::domain::{
    BatchKind, Candidate, CustomerId, FieldDef, Invalid, MessageKind, NewBatch, NewRecipient,
    Problem, Region, SenderNumber,
};
use crate::import::{ReadOptions, Sheet, read};
use crate::sms::compose::{self, Draft, DraftProblem, Issue};
use crate::sms::free_numbers;
use crate::sms::recipient_list::{LeftOutReason, sort_out};
use crate::sms::rules::AdProblem;
use crate::sms::sheet_columns::{
    column_names, data_rows, guess_header_row, guess_phone_column, used_variables,
};
use crate::sms::sheet_targets::{RowProblem, SheetMapping, sort_rows};
use crate::sms::{Field, template};
use crate::store::{Page, Store};

/// Personalised texts shown before sending.
const PREVIEWED: usize = 3;

/// Where the recipients come from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The members of a customer group, by its name (고객그룹).
    Group(&'a str),
    /// The customers the search box finds for a text (고객검색).
    Search(&'a str),
    /// The customers a saved view of the list shows, by its name.
    View(&'a str),
    /// A text file of numbers (임의문자발송).
    Numbers(&'a Path),
    /// A sheet, one message per row (엑셀문자발송).
    Excel(&'a ExcelSource<'a>),
}

/// A sheet and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct ExcelSource<'a> {
    /// The file.
    pub path: &'a Path,
    /// The sheet's name; the first sheet when `None`.
    pub sheet: Option<&'a str>,
    /// The header's row number; guessed when `None`.
    pub header_row: Option<usize>,
    /// The phone column by header name, letter (C) or number (3); guessed
    /// when `None`.
    pub phone_column: Option<&'a str>,
}

/// Why a row gets no message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Its phone cell is empty, or the customer has no number.
    PhoneMissing,
    /// Its number is not a real one.
    PhoneInvalid,
    /// A landline: it cannot take a text.
    NotMobile,
    /// The customer opted out of advertising, and the text is one.
    OptedOut,
    /// A column the text uses is empty in the row.
    VariableEmpty,
    /// Its personalised text cannot be sent.
    Text,
    /// An earlier row has the number.
    Duplicate,
}

impl Reason {
    /// The word scripts match on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::PhoneMissing => "phone_missing",
            Self::PhoneInvalid => "phone_invalid",
            Self::NotMobile => "not_mobile",
            Self::OptedOut => "opted_out",
            Self::VariableEmpty => "variable_empty",
            Self::Text => "text",
            Self::Duplicate => "duplicate",
        }
    }

    fn of_issue(issue: &Issue) -> Self {
        match issue {
            Issue::NoRecipient => Self::PhoneMissing,
            Issue::NotMobile { .. } => Self::NotMobile,
            _ => Self::PhoneInvalid,
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A row, line or customer that gets no message.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOutRow {
    /// The sheet's row number, the file's line, or the customer's place in
    /// the gathered list (from 1).
    pub row: usize,
    /// The customer, for a group or search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerId>,
    /// Their name, for a group or search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The number as written.
    pub value: String,
    /// Why, as a code.
    pub reason: Reason,
    /// Why, in words.
    pub message: String,
    /// For a repeat: the row that has the number first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_as_row: Option<usize>,
}

/// A personalised text as it will go.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// Where it came from (as in [`LeftOutRow::row`]).
    pub row: usize,
    /// The number it goes to.
    pub to: String,
    /// Its kind: SMS, LMS or MMS.
    pub kind: &'static str,
    /// The subject, filled in.
    pub subject: String,
    /// The text, filled in.
    pub text: String,
}

/// The whole of a bulk send before it is stored.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Which bulk window it stands for.
    pub kind: BatchKind,
    /// Rows read: customers gathered, numbers given, or the sheet's data rows.
    pub rows: usize,
    /// Who gets a message, in order.
    pub recipients: Vec<NewRecipient>,
    /// Who does not, in row order.
    pub left_out: Vec<LeftOutRow>,
    /// Messages by kind.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// The first texts.
    pub previews: Vec<Preview>,
}

impl Plan {
    /// Rows left out for `reason`.
    #[must_use]
    pub fn count(&self, reason: &Reason) -> usize {
        self.left_out
            .iter()
            .filter(|left| left.reason == *reason)
            .count()
    }

    /// The summary scripts read (`--json`), before anything is sent.
    #[must_use]
    pub fn summary(&self) -> serde_json::Value {
        let rejected: Vec<&LeftOutRow> = self
            .left_out
            .iter()
            .filter(|left| left.reason != Reason::Duplicate)
            .collect();
        let duplicates: Vec<&LeftOutRow> = self
            .left_out
            .iter()
            .filter(|left| left.reason == Reason::Duplicate)
            .collect();
        serde_json::json!({
            "rows": self.rows,
            "recipients": self.recipients.len(),
            "duplicates": duplicates.len(),
            "invalid": self.count(&Reason::PhoneInvalid) + self.count(&Reason::PhoneMissing),
            "not_mobile": self.count(&Reason::NotMobile),
            "opted_out": self.count(&Reason::OptedOut),
            "variable_empty": self.count(&Reason::VariableEmpty),
            "text_refused": self.count(&Reason::Text),
            "by_kind": self.by_kind,
            "rejected": rejected,
            "duplicate_rows": duplicates,
            "previews": self.previews,
        })
    }
}

/// Gathers `source`'s recipients for `batch` and checks each one's text.
///
/// # Errors
/// A file that cannot be read, a group or sheet that is not there, a phone
/// column that cannot be found, or a text that no recipient could be sent
/// ([`Error::SmsRefused`]): nothing is stored in any case.
pub fn plan(
    store: &Store,
    settings: &Settings,
    source: Source<'_>,
    batch: &NewBatch,
) -> Result<Plan, Error> {
    let region = settings.phone.default_region;
    let mut gathered = match source {
        Source::Group(name) => customers(region, &group_members(store, name)?, batch),
        Source::Search(text) => {
            let query = SearchQuery::parse(text, region);
            let hits = store.search_customers(
                &query,
                Page {
                    offset: 0,
                    limit: u32::MAX - 1,
                },
            )?;
            let ids: Vec<CustomerId> = hits.hits.iter().map(|hit| hit.id).collect();
            customers(region, &store.candidates_of(&ids)?, batch)
        }
        Source::View(name) => customers(region, &view_members(store, settings, name)?, batch),
        Source::Numbers(path) => numbers(path, region)?,
        Source::Excel(excel) => sheet_rows(excel, &batch.body_template, region)?,
    };
    if gathered.rows == 0 {
        let (option, value, reason) = match source {
            Source::Group(name) => ("--group", name.to_owned(), "the group has no customers"),
            Source::Search(text) => ("--search", text.to_owned(), "no customer matches it"),
            Source::View(name) => ("--view", name.to_owned(), "the view shows no customers"),
            Source::Numbers(path) => (
                "--numbers",
                path.display().to_string(),
                "the file holds no numbers",
            ),
            Source::Excel(excel) => (
                "--excel",
                excel.path.display().to_string(),
                "the sheet has no rows under its header",
            ),
        };
        return Err(Error::Invalid(Invalid::new(
            option,
            Problem::Malformed {
                value,
                reason: reason.to_owned(),
            },
        )));
    }
    check_texts(store, settings, batch, &mut gathered)?;
    Ok(gathered)
}

/// The customers the saved view called `name` shows today (as this desk's
/// user sees the views), the recycle bin aside.
fn view_members(store: &Store, settings: &Settings, name: &str) -> Result<Vec<Candidate>, Error> {
    let view = store
        .saved_view_named(&settings.user.name, name)
        .map_err(|error| match error {
            crate::store::Error::Invalid(mut invalid) => {
                "--view".clone_into(&mut invalid.field);
                Error::Invalid(invalid)
            }
            other => other.into(),
        })?;
    let mut filter = view.layout.filter_now(
        crate::domain::Timestamp::now(),
        crate::backend::local_time::utc_offset_seconds(),
    );
    filter.in_recycle_bin = false;
    Ok(store.candidates_where(&filter)?)
}

/// The members of the group called `name` (or `parent/child`).
fn group_members(store: &Store, name: &str) -> Result<Vec<Candidate>, Error> {
    let group = group_named(store, "--group", name)?;
    Ok(store.candidates_where(&crate::domain::CustomerFilter {
        group: Some(group),
        ..crate::domain::CustomerFilter::default()
    })?)
}

/// Customers sorted out as 대량문자발송 sorts them.
fn customers(region: Region, candidates: &[Candidate], batch: &NewBatch) -> Plan {
    let place: HashMap<CustomerId, usize> = candidates
        .iter()
        .enumerate()
        .rev()
        .map(|(index, candidate)| (candidate.customer_id, index + 1))
        .collect();
    let list = sort_out(candidates, batch.advertising);
    let row_of = |id: CustomerId| place.get(&id).copied().unwrap_or(0);
    let left_out = list
        .left_out
        .iter()
        .map(|left| {
            let (reason, message) = match left.reason {
                LeftOutReason::OptedOut => {
                    (Reason::OptedOut, "opted out of advertising".to_owned())
                }
                LeftOutReason::NoMobile => (Reason::NotMobile, "no mobile number".to_owned()),
                LeftOutReason::InvalidNumber if left.number(candidates).is_empty() => {
                    (Reason::PhoneMissing, "no phone number".to_owned())
                }
                LeftOutReason::InvalidNumber => {
                    (Reason::PhoneInvalid, "no valid phone number".to_owned())
                }
                LeftOutReason::Duplicate => (
                    Reason::Duplicate,
                    format!(
                        "{} is already in the list for {}",
                        left.number(candidates),
                        left.same_as(candidates).unwrap_or_default()
                    ),
                ),
            };
            LeftOutRow {
                row: row_of(left.customer_id),
                customer: Some(left.customer_id),
                name: Some(left.name(candidates).to_owned()),
                value: left.number(candidates).to_owned(),
                reason,
                message,
                same_as_row: None,
            }
        })
        .collect();
    let recipients = list.to_new_recipients(candidates, region);
    Plan {
        kind: BatchKind::Bulk,
        rows: place.len(),
        recipients,
        left_out,
        by_kind: BTreeMap::new(),
        previews: Vec::new(),
    }
}

/// Numbers from a text file, sorted out as 임의문자발송 sorts them.
fn numbers(path: &Path, region: Region) -> Result<Plan, Error> {
    let bytes = std::fs::read(path)
        .map_err(|error| Error::Sms(format!("{}: cannot be read: {error}", path.display())))?;
    let (typed, _) =
        crate::import::encoding::decode(&bytes, crate::import::encoding::detect(&bytes));
    let sorted = free_numbers::parse(&typed, region);
    let mut left_out: Vec<LeftOutRow> = sorted
        .rejected
        .iter()
        .map(|rejected| LeftOutRow {
            row: rejected.line,
            customer: None,
            name: None,
            value: rejected.text.clone(),
            reason: Reason::of_issue(&rejected.issue),
            message: rejected.issue.to_string(),
            same_as_row: None,
        })
        .collect();
    left_out.extend(sorted.duplicates.iter().map(|duplicate| LeftOutRow {
        row: duplicate.line,
        customer: None,
        name: None,
        value: duplicate.text.clone(),
        reason: Reason::Duplicate,
        message: format!("{} repeats line {}", duplicate.text, duplicate.first_line),
        same_as_row: Some(duplicate.first_line),
    }));
    left_out.sort_by_key(|left| left.row);
    Ok(Plan {
        kind: BatchKind::Free,
        rows: sorted.numbers.len() + sorted.rejected.len() + sorted.duplicates.len(),
        recipients: sorted.numbers.iter().map(NewRecipient::to).collect(),
        left_out,
        by_kind: BTreeMap::new(),
        previews: Vec::new(),
    })
}

/// A sheet's rows, sorted out as 엑셀문자발송 sorts them.
fn sheet_rows(excel: &ExcelSource<'_>, text: &str, region: Region) -> Result<Plan, Error> {
    let sheet = sheet(excel)?;
    let bad = |option: &'static str, value: String, reason: String| {
        Error::Invalid(Invalid::new(option, Problem::Malformed { value, reason }))
    };
    let header_row = match excel.header_row {
        Some(row) if sheet.rows.iter().any(|at| at.number == row) => row,
        Some(row) => {
            return Err(bad(
                "--header-row",
                row.to_string(),
                format!("sheet {} has nothing in that row", sheet.name),
            ));
        }
        None => guess_header_row(&sheet).ok_or_else(|| {
            bad(
                "--excel",
                excel.path.display().to_string(),
                format!("sheet {} is empty", sheet.name),
            )
        })?,
    };
    let columns = column_names(&sheet, header_row);
    let phone_column = match excel.phone_column {
        Some(named) => column_named(&columns, named).ok_or_else(|| {
            bad(
                "--phone-column",
                named.to_owned(),
                format!(
                    "row {header_row} has no such column; its columns are: {}",
                    columns.join(", ")
                ),
            )
        })?,
        None => guess_phone_column(&sheet, header_row).ok_or_else(|| {
            bad(
                "--phone-column",
                String::new(),
                format!(
                    "no column of row {header_row} names or holds phone numbers; name it \
                     (its columns are: {})",
                    columns.join(", ")
                ),
            )
        })?,
    };
    let mapping = SheetMapping {
        header_row,
        phone_column,
        used: used_variables(text, &columns),
    };
    let sorted = sort_rows(&sheet, &mapping, region);
    let mut left_out: Vec<LeftOutRow> = sorted
        .rejected
        .iter()
        .map(|rejected| LeftOutRow {
            row: rejected.row,
            customer: None,
            name: None,
            value: rejected.phone.clone(),
            reason: match &rejected.reason {
                RowProblem::NoNumber => Reason::PhoneMissing,
                RowProblem::Number(issue) => Reason::of_issue(issue),
                RowProblem::EmptyVariable(_) => Reason::VariableEmpty,
            },
            message: rejected.reason.to_string(),
            same_as_row: None,
        })
        .collect();
    left_out.extend(sorted.duplicates.iter().map(|duplicate| LeftOutRow {
        row: duplicate.row,
        customer: None,
        name: None,
        value: duplicate.phone.clone(),
        reason: Reason::Duplicate,
        message: format!("{} repeats row {}", duplicate.phone, duplicate.first_row),
        same_as_row: Some(duplicate.first_row),
    }));
    left_out.sort_by_key(|left| left.row);
    let recipients = sorted
        .targets
        .into_iter()
        .map(|target| NewRecipient {
            source_row: u32::try_from(target.row).ok(),
            values: target.values,
            ..NewRecipient::to(&target.to)
        })
        .collect();
    Ok(Plan {
        kind: BatchKind::Excel,
        rows: data_rows(&sheet, header_row).count(),
        recipients,
        left_out,
        by_kind: BTreeMap::new(),
        previews: Vec::new(),
    })
}

/// The sheet `excel` names, read.
fn sheet(excel: &ExcelSource<'_>) -> Result<Sheet, Error> {
    let workbook =
        read(excel.path, ReadOptions::default()).map_err(|error| Error::Sms(error.to_string()))?;
    let names: Vec<String> = workbook
        .sheets
        .iter()
        .map(|sheet| sheet.name.clone())
        .collect();
    let found = match excel.sheet {
        Some(name) => workbook.sheets.into_iter().find(|sheet| sheet.name == name),
        None => workbook.sheets.into_iter().next(),
    };
    let sheet = found.ok_or_else(|| {
        Error::Invalid(Invalid::new(
            "--sheet",
            Problem::Malformed {
                value: excel.sheet.unwrap_or_default().to_owned(),
                reason: format!(
                    "{} has the sheets {}",
                    excel.path.display(),
                    names.join(", ")
                ),
            },
        ))
    })?;
    if sheet.rows.iter().all(crate::import::Row::is_blank) {
        return Err(Error::Invalid(Invalid::new(
            "--excel",
            Problem::Malformed {
                value: excel.path.display().to_string(),
                reason: format!("sheet {} is empty", sheet.name),
            },
        )));
    }
    Ok(sheet)
}

/// The column `named`: a header name, else a column letter (C) or
/// number (3).
fn column_named(columns: &[String], named: &str) -> Option<usize> {
    let named = named.trim();
    if let Some(index) = columns.iter().position(|column| column.trim() == named) {
        return Some(index);
    }
    if let Ok(number) = named.parse::<usize>() {
        return (1..=columns.len()).contains(&number).then(|| number - 1);
    }
    if !named.is_empty() && named.len() <= 3 && named.chars().all(|c| c.is_ascii_alphabetic()) {
        let index = named.to_ascii_uppercase().bytes().fold(0, |index, letter| {
            index * 26 + usize::from(letter - b'A' + 1)
        }) - 1;
        return (index < columns.len()).then_some(index);
    }
    None
}

/// Fills and checks each recipient's text as the batch thread will, counts
/// the kinds and keeps the first texts; a recipient whose text cannot be
/// sent is left out, and a text none can be sent refuses the send.
fn check_texts(
    store: &Store,
    settings: &Settings,
    batch: &NewBatch,
    plan: &mut Plan,
) -> Result<(), Error> {
    let senders = store.sender_numbers()?;
    let fields = store.field_defs()?;
    let from = batch
        .sender_number_id
        .and_then(|id| senders.iter().find(|sender| sender.id == id))
        .map(|sender| sender.raw.clone())
        .unwrap_or_default();
    let texts = Checker {
        settings,
        senders: &senders,
        fields: &fields,
        from: &from,
        batch,
    };
    let personal = !template::placeholders(&batch.body_template).is_empty()
        || !template::placeholders(&batch.subject).is_empty();
    let mut kept = Vec::with_capacity(plan.recipients.len());
    let mut refused: Vec<LeftOutRow> = Vec::new();
    let mut first_problems: Option<Vec<DraftProblem>> = None;
    for (index, recipient) in std::mem::take(&mut plan.recipients).into_iter().enumerate() {
        let row = recipient.source_row.map_or(index + 1, |row| row as usize);
        // A customer's card is read only when the text asks for it: a
        // hundred thousand cards take seconds.
        let customer = match recipient.customer_id {
            Some(id) if personal => Some(store.customer(id)?),
            _ => None,
        };
        let checked = texts.check(&recipient, customer.as_ref());
        // The advertising night only delays a message; an opt-out on any
        // card with the number keeps it out, as the batch thread does.
        let mut problems: Vec<DraftProblem> = checked
            .problems
            .into_iter()
            .filter(|problem| !matches!(problem.issue, Issue::Ad(AdProblem::NightTime { .. })))
            .collect();
        if batch.advertising
            && problems.is_empty()
            && let Some(to) = &checked.to
            && store.number_opted_out(to)?
        {
            plan.left_out.push(LeftOutRow {
                row,
                customer: recipient.customer_id,
                name: customer.map(|customer| customer.name),
                value: recipient.to_raw,
                reason: Reason::OptedOut,
                message: "opted out of advertising".to_owned(),
                same_as_row: None,
            });
            continue;
        }
        if let Some(problem) = problems
            .iter()
            .find(|problem| matches!(problem.field, Field::From))
        {
            return Err(Error::SmsRefused(vec![problem.clone()]));
        }
        if !problems.is_empty() {
            let message = problems
                .iter()
                .map(|problem| problem.issue.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            if first_problems.is_none() {
                first_problems = Some(std::mem::take(&mut problems));
            }
            refused.push(LeftOutRow {
                row,
                customer: recipient.customer_id,
                name: customer.map(|customer| customer.name),
                value: recipient.to_raw,
                reason: Reason::Text,
                message,
                same_as_row: None,
            });
            continue;
        }
        *plan
            .by_kind
            .entry(kind_name(checked.measure.kind))
            .or_default() += 1;
        if plan.previews.len() < PREVIEWED {
            plan.previews.push(Preview {
                row,
                to: recipient.to_key.clone(),
                kind: kind_name(checked.measure.kind),
                subject: checked.subject,
                text: checked.text,
            });
        }
        kept.push(recipient);
    }
    if kept.is_empty()
        && let Some(problems) = first_problems
    {
        return Err(Error::SmsRefused(problems));
    }
    plan.recipients = kept;
    plan.left_out.extend(refused);
    plan.left_out.sort_by_key(|left| left.row);
    for kind in ["SMS", "LMS", "MMS"] {
        plan.by_kind.entry(kind).or_default();
    }
    Ok(())
}

/// What checking a recipient's text needs.
struct Checker<'a> {
    settings: &'a Settings,
    senders: &'a [SenderNumber],
    fields: &'a [FieldDef],
    from: &'a str,
    batch: &'a NewBatch,
}

impl Checker<'_> {
    /// The recipient's text checked as the batch thread will check it.
    fn check(
        &self,
        recipient: &NewRecipient,
        customer: Option<&crate::domain::Customer>,
    ) -> compose::Checked {
        let fill = |text: &str| template::fill_columns(text, &recipient.values);
        let draft = Draft {
            to: recipient.to_raw.clone(),
            customer: recipient.customer_id,
            from: self.from.to_owned(),
            text: fill(&self.batch.body_template),
            subject: fill(&self.batch.subject),
            advertising: self.batch.advertising,
            image: self.batch.image.clone(),
            template: None,
        };
        compose::check(
            &draft,
            &compose::Context {
                settings: &self.settings.sms,
                region: self.settings.phone.default_region,
                senders: self.senders,
                fields: self.fields,
                customer,
                local_time: crate::backend::local_time::now_time(),
            },
        )
    }
}

/// The kind as the summary names it.
fn kind_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Sms => "SMS",
        MessageKind::Lms => "LMS",
        MessageKind::Mms => "MMS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_named_by_header_letter_or_number() {
        let columns: Vec<String> = ["이름", "휴대폰", "쿠폰"].map(str::to_owned).to_vec();
        assert_eq!(column_named(&columns, "휴대폰"), Some(1));
        assert_eq!(column_named(&columns, " 쿠폰 "), Some(2));
        assert_eq!(column_named(&columns, "B"), Some(1));
        assert_eq!(column_named(&columns, "c"), Some(2));
        assert_eq!(column_named(&columns, "1"), Some(0));
        assert_eq!(column_named(&columns, "D"), None);
        assert_eq!(column_named(&columns, "4"), None);
        assert_eq!(column_named(&columns, "전화"), None);
    }
}
