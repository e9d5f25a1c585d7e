//! `ringdesk sms bulk` and `ringdesk sms resume`: a bulk send from the
//! command line — to a customer group or a search's customers
//! (대량문자발송), to numbers listed in a file (임의문자발송) or to the rows
//! of a spreadsheet (엑셀문자발송) — and sending on after a crash.
//!
//! The recipients are worked out first (`bulk_plan`); `--dry-run` stops
//! there. Otherwise both run the window's own backend in this process,
//! without the link to the PBX ([`Backend::spawn_for_sending`]): the batch
//! is stored before its first message is queued, sent by the batch and SMS
//! threads, and refused for a desk that is not a manager's or an admin's,
//! exactly as in the window. A process killed mid-batch leaves the batch
//! running in the store; `sms resume` (or the window) goes on where it
//! stopped.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::bulk_plan::{ExcelSource, LeftOutRow, Plan, Reason, Source, plan};
use super::{Context, Error, json_line};
use crate::backend::{Backend, BatchProblem, Command, Event, QueryId};
use crate::domain::{
    BatchKind, BatchState, BatchSummary, Invalid, NewBatch, Problem, TemplateId, Timestamp,
};
use crate::sms::Field;
use crate::sms::compose::{DraftProblem, Issue};
use crate::sms::picture_file::read_picture;
use crate::store::Store;

/// Arguments of `sms bulk`.
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools, reason = "command-line switches")]
#[command(group(clap::ArgGroup::new("source").required(true).args(["group", "search", "view", "numbers", "excel"])))]
pub struct BulkArgs {
    /// The members of a customer group, by its name or `parent/child` path
    /// (대량문자발송).
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// The customers the search box finds for TEXT: name, company, e-mail,
    /// memo or digits of a number (대량문자발송).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// The customers a saved view of the customer list shows (저장된 보기),
    /// by its name: this desk's user's own views and the shared ones.
    #[arg(long, value_name = "NAME")]
    pub view: Option<String>,
    /// A text file of numbers: one per line, or separated by commas,
    /// semicolons, tabs or spaces (임의문자발송).
    #[arg(long, value_name = "FILE")]
    pub numbers: Option<PathBuf>,
    /// A spreadsheet (.xlsx .xlsm .xls .ods) or .csv/.txt file: one message
    /// per row, `#{column}` in the text filled from the row (엑셀문자발송).
    #[arg(long, value_name = "FILE")]
    pub excel: Option<PathBuf>,
    /// The column holding the numbers: its header name, letter (C) or
    /// number (3); found by its name (휴대폰, 전화, phone…) or its contents
    /// when left out.
    #[arg(long, value_name = "COL", requires = "excel")]
    pub phone_column: Option<String>,
    /// Which sheet of the workbook; the first when left out.
    #[arg(long, value_name = "NAME", requires = "excel")]
    pub sheet: Option<String>,
    /// The row holding the column names; found when left out (title rows
    /// above it are skipped).
    #[arg(long, value_name = "N", requires = "excel", value_parser = clap::value_parser!(u32).range(1..))]
    pub header_row: Option<u32>,
    /// The text; `#{이름}` and the other customer placeholders, or
    /// `#{column}` of the sheet, are filled for each recipient.
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
    /// A JPEG picture (at most 300 KB): every message goes as an MMS; the
    /// gateway must carry pictures.
    #[arg(long, value_name = "FILE.jpg")]
    pub image: Option<PathBuf>,
    /// An advertisement (광고): the advertising rules apply to every
    /// recipient, and none goes between 21:00 and 08:00.
    #[arg(long)]
    pub ad: bool,
    /// What the results list calls it.
    #[arg(long)]
    pub title: Option<String>,
    /// Send later (예약발송), local time `YYYY-MM-DD HH:MM`.
    #[arg(long, value_name = "TIME", alias = "at")]
    pub schedule: Option<String>,
    /// Print the counts and the first texts; store and send nothing.
    #[arg(long)]
    pub dry_run: bool,
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

/// `sms bulk`.
pub(super) fn bulk(context: &Context, args: &BulkArgs, out: &mut impl Write) -> Result<(), Error> {
    let store = context.store()?;
    let batch = new_batch(&store, args)?;
    let excel;
    let source = if let Some(name) = &args.group {
        Source::Group(name)
    } else if let Some(text) = &args.search {
        Source::Search(text)
    } else if let Some(name) = &args.view {
        Source::View(name)
    } else if let Some(path) = &args.numbers {
        Source::Numbers(path)
    } else if let Some(path) = &args.excel {
        excel = ExcelSource {
            path,
            sheet: args.sheet.as_deref(),
            header_row: args.header_row.map(|row| row as usize),
            phone_column: args.phone_column.as_deref(),
        };
        Source::Excel(&excel)
    } else {
        return Err(Error::Sms(
            "give --group, --search, --view, --numbers or --excel".to_owned(),
        ));
    };
    let plan = plan(&store, &context.settings, source, &batch)?;
    if args.dry_run {
        return print_plan(&plan, args.json, out);
    }
    for left in plan.left_out.iter().take(20) {
        eprintln!("left out: {}", left_out_line(plan.kind, left));
    }
    if plan.left_out.len() > 20 {
        eprintln!("left out: … and {} more", plan.left_out.len() - 20);
    }
    if plan.recipients.is_empty() {
        print_plan(&plan, args.json, out)?;
        return Err(Error::Sms(format!(
            "nothing to send: every one of the {} rows was left out",
            plan.rows
        )));
    }
    let batch = NewBatch {
        kind: plan.kind,
        ..batch
    };
    let backend = backend(context, store)?;
    backend
        .send(Command::StartBatch {
            request: QueryId(1),
            batch: Box::new(batch),
            recipients: plan.recipients.clone(),
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
    // A scheduled send goes at its time, from the window or `sms resume`.
    let later = summary
        .batch
        .scheduled_at
        .is_some_and(|at| at > Timestamp::now());
    if !args.no_wait && !later {
        while !handed_over(&summary) {
            match next_event(&backend, deadline) {
                Ok(Event::BatchProgress(progress)) if progress.batch.id == id => {
                    summary = *progress;
                }
                Ok(_) => {}
                Err(error) => {
                    print_summary(&plan, &summary, args.json, out)?;
                    return Err(error);
                }
            }
        }
    }
    print_summary(&plan, &summary, args.json, out)
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
        context.user.clone(),
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
fn new_batch(store: &Store, args: &BulkArgs) -> Result<NewBatch, Error> {
    let mut batch = NewBatch {
        kind: BatchKind::Free,
        title: args.title.clone().unwrap_or_default(),
        created_by: None,
        sender_number_id: None,
        subject: args.subject.clone().unwrap_or_default(),
        body_template: args.text.clone().unwrap_or_default(),
        advertising: args.ad,
        scheduled_at: args.schedule.as_deref().map(scheduled_at).transpose()?,
        image: args
            .image
            .as_deref()
            .map(|path| {
                read_picture(path).map_err(|error| {
                    Error::SmsRefused(vec![DraftProblem::new(
                        Field::Image,
                        Issue::PictureFile(error),
                    )])
                })
            })
            .transpose()?,
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
    Ok(batch)
}

/// `YYYY-MM-DD HH:MM` in local time.
fn scheduled_at(text: &str) -> Result<Timestamp, Error> {
    let bad = |reason: String| {
        Error::Invalid(Invalid::new(
            "--schedule",
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

/// One line for a row left out.
fn left_out_line(kind: BatchKind, left: &LeftOutRow) -> String {
    let row = match (&left.name, left.customer) {
        (Some(name), Some(id)) => format!("customer {} {name}", id.0),
        _ if kind == BatchKind::Free => format!("line {}", left.row),
        _ => format!("row {}", left.row),
    };
    if left.value.is_empty() || left.message.contains(&left.value) {
        format!("{row}: {} ({})", left.message, left.reason.code())
    } else {
        format!(
            "{row}: {}: {} ({})",
            left.value,
            left.message,
            left.reason.code()
        )
    }
}

/// What a dry run shows: the counts, every row left out and the first texts.
fn print_plan(plan: &Plan, json: bool, out: &mut impl Write) -> Result<(), Error> {
    if json {
        let mut summary = plan.summary();
        summary["dry_run"] = true.into();
        return json_line(out, &summary);
    }
    writeln!(
        out,
        "{} rows: {} to send ({}), {} left out — {} invalid, {} not mobile, {} opted out, \
         {} with an empty column, {} text refused, {} repeats",
        plan.rows,
        plan.recipients.len(),
        plan.by_kind
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect::<Vec<_>>()
            .join(", "),
        plan.left_out.len(),
        plan.count(&Reason::PhoneInvalid) + plan.count(&Reason::PhoneMissing),
        plan.count(&Reason::NotMobile),
        plan.count(&Reason::OptedOut),
        plan.count(&Reason::VariableEmpty),
        plan.count(&Reason::Text),
        plan.count(&Reason::Duplicate),
    )?;
    for left in &plan.left_out {
        writeln!(out, "left out: {}", left_out_line(plan.kind, left))?;
    }
    for preview in &plan.previews {
        writeln!(
            out,
            "--- row {} to {} ({})",
            preview.row, preview.to, preview.kind
        )?;
        if !preview.subject.is_empty() {
            writeln!(out, "[{}]", preview.subject)?;
        }
        writeln!(out, "{}", preview.text)?;
    }
    Ok(())
}

/// The outcome of a send: the plan's counts with the batch's totals.
fn print_summary(
    plan: &Plan,
    summary: &BatchSummary,
    json: bool,
    out: &mut impl Write,
) -> Result<(), Error> {
    let totals = &summary.totals;
    if json {
        let mut outcome = plan.summary();
        outcome["dry_run"] = false.into();
        outcome["batch"] = summary.batch.id.0.into();
        outcome["state"] = serde_json::to_value(summary.batch.state).unwrap_or_default();
        outcome["pending"] = totals.pending.into();
        outcome["skipped"] = totals.skipped.into();
        outcome["messages"] = serde_json::to_value(totals.messages).unwrap_or_default();
        return json_line(out, &outcome);
    }
    writeln!(
        out,
        "bulk send {}: {} — {} recipients ({} left out before sending), {} pending, \
         {} skipped, {} sent, {} delivered, {} failed",
        summary.batch.id.0,
        summary.batch.state,
        totals.recipients,
        plan.left_out.len(),
        totals.pending,
        totals.skipped,
        totals.messages.sent,
        totals.messages.delivered,
        totals.messages.failed,
    )?;
    Ok(())
}
