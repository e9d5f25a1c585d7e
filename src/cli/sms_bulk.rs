//! `ringdesk sms bulk` and `ringdesk sms resume`: a bulk send from the
//! command line, to numbers listed in a file (임의문자발송) or to the rows of
//! a spreadsheet (엑셀문자발송), and sending on after a crash.
//!
//! Both run the window's own backend in this process, without the link to
//! the PBX ([`Backend::spawn_for_sending`]): the batch is stored before its
//! first message is queued, sent by the batch and SMS threads, and refused
//! for a desk that is not a manager's or an admin's, exactly as in the
//! window. A process killed mid-batch leaves the batch running in the
//! store; `sms resume` (or the window) goes on where it stopped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Context, Error, json_line};
use crate::backend::{Backend, BatchProblem, Command, Event, QueryId};
use crate::domain::{
    BatchKind, BatchState, BatchSummary, Invalid, NewBatch, NewRecipient, Problem, TemplateId,
    Timestamp,
};
use crate::import::{ReadOptions, Sheet, read};
use crate::sms::free_numbers;
use crate::sms::sheet_targets::{SheetMapping, sort_rows};
use crate::sms::template::placeholders;
use crate::store::Store;

/// Headers a phone column is recognised by, in the languages of the desk.
const PHONE_HEADERS: [&str; 9] = [
    "휴대폰",
    "핸드폰",
    "전화",
    "연락처",
    "phone",
    "mobile",
    "tel",
    "電話",
    "携帯",
];

/// Arguments of `sms bulk`.
#[derive(Debug, clap::Args)]
pub struct BulkArgs {
    /// A text file of numbers: one per line, or separated by commas,
    /// semicolons, tabs or spaces (임의문자발송).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "sheet",
        conflicts_with = "sheet"
    )]
    pub numbers: Option<PathBuf>,
    /// A spreadsheet (.xlsx .xlsm .xls .ods) or .csv/.txt file: one message
    /// per row, `#{column}` in the text filled from the row (엑셀문자발송).
    #[arg(long, value_name = "FILE")]
    pub sheet: Option<PathBuf>,
    /// Which sheet of the workbook; the first when left out.
    #[arg(long, value_name = "NAME", requires = "sheet")]
    pub sheet_name: Option<String>,
    /// The row holding the column names.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "sheet")]
    pub header_row: usize,
    /// The column holding the numbers, by its name; found by its name
    /// (휴대폰, 전화, phone…) when left out.
    #[arg(long, value_name = "NAME", requires = "sheet")]
    pub phone_column: Option<String>,
    /// The text; `#{column}` names a column of the sheet.
    #[arg(
        long,
        required_unless_present = "template",
        conflicts_with = "template"
    )]
    pub text: Option<String>,
    /// Send a saved text (its id from `sms template list`).
    #[arg(long, value_name = "ID")]
    pub template: Option<i64>,
    /// The registered sender number; may be left out when exactly one is
    /// registered and switched on.
    #[arg(long = "from", value_name = "SENDER")]
    pub from: Option<String>,
    /// The subject, for a long message (LMS).
    #[arg(long)]
    pub subject: Option<String>,
    /// An advertisement (광고): the advertising rules apply to every
    /// recipient, and none goes between 21:00 and 08:00.
    #[arg(long)]
    pub ad: bool,
    /// What the results list calls it.
    #[arg(long)]
    pub title: Option<String>,
    /// Send later (예약발송), local time `YYYY-MM-DD HH:MM`.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Store the batch and return; the window (or `sms resume`) sends it.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for every message to be handed over.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `sms resume`.
#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// How long to send before giving up.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,
}

/// The recipients a file gave, and the rows or pieces it left out.
struct Recipients {
    kind: BatchKind,
    list: Vec<NewRecipient>,
    left_out: Vec<String>,
}

/// `sms bulk`.
pub(super) fn bulk(context: &Context, args: &BulkArgs, out: &mut impl Write) -> Result<(), Error> {
    let store = context.store()?;
    let (batch, text) = new_batch(&store, args)?;
    let recipients = recipients(context, args, &text)?;
    for line in recipients.left_out.iter().take(20) {
        eprintln!("left out: {line}");
    }
    if recipients.left_out.len() > 20 {
        eprintln!("left out: … and {} more", recipients.left_out.len() - 20);
    }
    let batch = NewBatch {
        kind: recipients.kind,
        ..batch
    };
    let backend = backend(context, store)?;
    backend
        .send(Command::StartBatch {
            request: QueryId(1),
            batch: Box::new(batch),
            recipients: recipients.list,
        })
        .map_err(|error| Error::Sms(error.to_string()))?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let id = loop {
        match next_event(&backend, deadline)? {
            Event::BatchStarted { id, .. } => break id,
            Event::BatchRefused { problem, .. } => {
                return Err(match problem {
                    BatchProblem::Invalid(invalid) => Error::Invalid(invalid),
                    problem @ BatchProblem::NotAllowed { .. } => Error::Sms(problem.to_string()),
                });
            }
            Event::Failed { action, message } => {
                return Err(Error::Sms(format!("{action}: {message}")));
            }
            _ => {}
        }
    };
    let mut summary = context.store()?.batch_summary(id)?;
    if !args.no_wait {
        while !handed_over(&summary) {
            match next_event(&backend, deadline) {
                Ok(Event::BatchProgress(progress)) if progress.batch.id == id => {
                    summary = *progress;
                }
                Ok(_) => {}
                Err(error) => {
                    print_summary(&summary, recipients.left_out.len(), args.json, out)?;
                    return Err(error);
                }
            }
        }
    }
    print_summary(&summary, recipients.left_out.len(), args.json, out)
}

/// `sms resume`: sends what a stopped ringdesk left — running and due
/// bulk sends and the outbox — until nothing is left to hand over.
pub(super) fn resume(
    context: &Context,
    args: &ResumeArgs,
    out: &mut impl Write,
) -> Result<(), Error> {
    let store = context.store()?;
    let backend = backend(context, store)?;
    let look = context.store()?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    loop {
        let due = look.batches_due(Timestamp::now())?;
        let waiting = look.outbox_backlog()?
            + u32::try_from(look.messages_sending()?.len()).unwrap_or(u32::MAX);
        if due.is_empty() && waiting == 0 {
            break;
        }
        if Instant::now() >= deadline {
            writeln!(
                out,
                "{} bulk sends running, {waiting} messages waiting",
                due.len()
            )?;
            return Err(Error::Sms(format!(
                "still sending after {} s; the rest goes out the next time ringdesk runs",
                args.timeout
            )));
        }
        // Events are drained so the channel does not grow; the store says
        // what is left.
        while backend.try_event().is_some() {}
        std::thread::sleep(Duration::from_millis(200));
    }
    writeln!(out, "nothing left to send")?;
    Ok(())
}

fn backend(context: &Context, store: Store) -> Result<Backend, Error> {
    Backend::spawn_for_sending(
        store,
        context.settings.clone(),
        context.dirs.settings_file(),
        Arc::new(|| {}),
    )
    .map_err(|error| Error::Sms(format!("cannot start sending: {error}")))
}

fn next_event(backend: &Backend, deadline: Instant) -> Result<Event, Error> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::Sms(
                "the bulk send is still going; it goes on the next time ringdesk runs \
                 (or with `ringdesk sms resume`)"
                    .to_owned(),
            ));
        }
        if let Some(event) = backend.wait_event(left.min(Duration::from_millis(500))) {
            return Ok(event);
        }
    }
}

/// Every recipient of the batch is settled or handed over (delivery
/// reports may follow).
fn handed_over(summary: &BatchSummary) -> bool {
    let messages = &summary.totals.messages;
    matches!(
        summary.batch.state,
        BatchState::Done | BatchState::Cancelled
    ) && messages.queued == 0
        && messages.sending == 0
}

/// The batch `args` describe, and its text (a template's when one is named).
fn new_batch(store: &Store, args: &BulkArgs) -> Result<(NewBatch, String), Error> {
    let mut batch = NewBatch {
        kind: BatchKind::Free,
        title: args.title.clone().unwrap_or_default(),
        created_by: None,
        sender_number_id: None,
        subject: args.subject.clone().unwrap_or_default(),
        body_template: args.text.clone().unwrap_or_default(),
        advertising: args.ad,
        scheduled_at: args.at.as_deref().map(scheduled_at).transpose()?,
        image: None,
    };
    if let Some(id) = args.template {
        let saved = store.template(TemplateId(id))?;
        batch.body_template = saved.body;
        batch.advertising |= saved.advertising;
        if args.subject.is_none() {
            batch.subject = saved.subject;
        }
        batch.sender_number_id = saved.sender_number_id;
    }
    if let Some(from) = &args.from {
        let senders = store.sender_numbers()?;
        let sender = senders
            .iter()
            .find(|sender| sender.raw == *from || sender.key == *from)
            .ok_or_else(|| {
                Invalid::new(
                    "--from",
                    Problem::Malformed {
                        value: from.clone(),
                        reason: "it is not a registered sender number (see `sms sender list`)"
                            .to_owned(),
                    },
                )
            })?;
        batch.sender_number_id = Some(sender.id);
    }
    let text = batch.body_template.clone();
    Ok((batch, text))
}

/// `YYYY-MM-DD HH:MM` in local time.
fn scheduled_at(text: &str) -> Result<Timestamp, Error> {
    let bad = |reason: String| {
        Error::Invalid(Invalid::new(
            "--at",
            Problem::Malformed {
                value: text.to_owned(),
                reason,
            },
        ))
    };
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", text.trim())
        .map_err(|_| bad("write the local time as YYYY-MM-DD HH:MM".to_owned()))?;
    let zoned = civil
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|error| bad(error.to_string()))?;
    Ok(Timestamp(zoned.timestamp().as_millisecond()))
}

fn recipients(context: &Context, args: &BulkArgs, text: &str) -> Result<Recipients, Error> {
    let region = context.settings.phone.default_region;
    if let Some(path) = &args.numbers {
        let typed = std::fs::read_to_string(path)
            .map_err(|error| Error::Sms(format!("{}: cannot be read: {error}", path.display())))?;
        let sorted = free_numbers::parse(&typed, region);
        let mut left_out: Vec<String> = sorted
            .rejected
            .iter()
            .map(|rejected| {
                format!(
                    "line {}: {}: {}",
                    rejected.line, rejected.text, rejected.issue
                )
            })
            .collect();
        left_out.extend(sorted.duplicates.iter().map(|duplicate| {
            format!(
                "line {}: {} repeats line {}",
                duplicate.line, duplicate.text, duplicate.first_line
            )
        }));
        return Ok(Recipients {
            kind: BatchKind::Free,
            list: sorted.numbers.iter().map(NewRecipient::to).collect(),
            left_out,
        });
    }
    let Some(path) = &args.sheet else {
        return Err(Error::Sms("give --numbers FILE or --sheet FILE".to_owned()));
    };
    let sheet = sheet(path, args.sheet_name.as_deref())?;
    let mapping = mapping(&sheet, args, text)?;
    let sorted = sort_rows(&sheet, &mapping, region);
    let mut left_out: Vec<String> = sorted
        .rejected
        .iter()
        .map(|rejected| {
            format!(
                "row {}: {}: {}",
                rejected.row, rejected.phone, rejected.reason
            )
        })
        .collect();
    left_out.extend(sorted.duplicates.iter().map(|duplicate| {
        format!(
            "row {}: {} repeats row {}",
            duplicate.row, duplicate.phone, duplicate.first_row
        )
    }));
    let list = sorted
        .targets
        .into_iter()
        .map(|target| NewRecipient {
            source_row: u32::try_from(target.row).ok(),
            values: target.values,
            ..NewRecipient::to(&target.to)
        })
        .collect();
    Ok(Recipients {
        kind: BatchKind::Excel,
        list,
        left_out,
    })
}

fn sheet(path: &Path, name: Option<&str>) -> Result<Sheet, Error> {
    let workbook =
        read(path, ReadOptions::default()).map_err(|error| Error::Sms(error.to_string()))?;
    let names: Vec<String> = workbook
        .sheets
        .iter()
        .map(|sheet| sheet.name.clone())
        .collect();
    let found = match name {
        Some(name) => workbook.sheets.into_iter().find(|sheet| sheet.name == name),
        None => workbook.sheets.into_iter().next(),
    };
    found.ok_or_else(|| {
        Error::Invalid(Invalid::new(
            "--sheet-name",
            Problem::Malformed {
                value: name.unwrap_or_default().to_owned(),
                reason: format!("{} has the sheets {}", path.display(), names.join(", ")),
            },
        ))
    })
}

/// The phone column by name (or found by its header), and the columns the
/// text uses.
fn mapping(sheet: &Sheet, args: &BulkArgs, text: &str) -> Result<SheetMapping, Error> {
    let header: Vec<String> = sheet
        .rows
        .iter()
        .find(|row| row.number == args.header_row)
        .map(|row| {
            row.cells
                .iter()
                .map(|cell| cell.text().trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let wanted = |name: &str| {
        if let Some(column) = &args.phone_column {
            name == column.trim()
        } else {
            let name = name.to_lowercase();
            PHONE_HEADERS.iter().any(|word| name.contains(word))
        }
    };
    let phone_column = header.iter().position(|name| wanted(name)).ok_or_else(|| {
        Error::Invalid(Invalid::new(
            "--phone-column",
            Problem::Malformed {
                value: args.phone_column.clone().unwrap_or_default(),
                reason: format!(
                    "row {} has no such column; its columns are: {}",
                    args.header_row,
                    header.join(", ")
                ),
            },
        ))
    })?;
    let used = placeholders(text)
        .into_iter()
        .map(|placeholder| placeholder.name)
        .filter(|name| header.contains(name))
        .collect();
    Ok(SheetMapping {
        header_row: args.header_row,
        phone_column,
        used,
    })
}

fn print_summary(
    summary: &BatchSummary,
    left_out: usize,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Error> {
    let totals = &summary.totals;
    if json {
        return json_line(
            out,
            &serde_json::json!({
                "batch": summary.batch.id,
                "state": summary.batch.state,
                "recipients": totals.recipients,
                "left_out_before": left_out,
                "pending": totals.pending,
                "skipped": totals.skipped,
                "messages": totals.messages,
            }),
        );
    }
    writeln!(
        out,
        "bulk send {}: {} — {} recipients ({} left out before sending), {} pending, \
         {} skipped, {} sent, {} delivered, {} failed",
        summary.batch.id.0,
        summary.batch.state,
        totals.recipients,
        left_out,
        totals.pending,
        totals.skipped,
        totals.messages.sent,
        totals.messages.delivered,
        totals.messages.failed,
    )?;
    Ok(())
}
