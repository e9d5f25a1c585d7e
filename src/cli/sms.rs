//! `ringdesk sms …`: sending a message, the message log, the registered
//! sender numbers (발신번호) and the saved texts (SMS문구).
//!
//! `sms send` checks a message with the composer's own rules
//! ([`crate::sms::compose`]), queues it, and runs the outbox worker in
//! this process with the configured gateway until the message is settled:
//! delivered or failed, or sent when the gateway gives no delivery reports.
//! A message still on its way when the wait ends stays in the outbox; the
//! window (or the next `sms send`) sends it on.

use std::io::Write;
use std::pin::pin;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{Context, Error, json_line};
use crate::backend::local_time;
use crate::domain::{
    Invalid, LoggedMessage, Message, MessageFilter, MessageId, MessageState, NewSenderNumber,
    NewTemplate, PhoneNumber, Problem, TemplateId, Timestamp,
};
use crate::sms::Field;
use crate::sms::compose::{Draft, DraftProblem, Issue};
use crate::sms::gateway;
use crate::sms::outbox::{Control, Outbox};
use crate::sms::picture_file::read_picture;
use crate::sms::queue::{Queued, queue_draft};
use crate::sms::template;
use crate::store::{Page, Store};

/// `ringdesk sms …`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Send one message and wait until it is delivered or failed.
    Send(SendArgs),
    /// Send one text to the numbers of a file or the rows of a sheet, as a
    /// bulk send that survives a crash (managers and admins only).
    Bulk(super::sms_bulk::BulkArgs),
    /// Send on what a stopped ringdesk left: running bulk sends and the
    /// outbox, until nothing is left to hand over.
    Resume(super::sms_bulk::ResumeArgs),
    /// The message log, sent and received, newest first.
    Log(LogArgs),
    /// The numbers messages may be sent from.
    #[command(subcommand)]
    Sender(SenderCommand),
    /// Saved texts (SMS문구).
    #[command(subcommand)]
    Template(TemplateCommand),
}

/// Arguments of `sms send`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The recipient's mobile number, in any format.
    #[arg(long)]
    pub to: String,
    /// The text; `#{이름}` and the like are filled in when the number
    /// belongs to exactly one customer.
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
    /// registered and switched on (or the template names one).
    #[arg(long = "from", value_name = "SENDER")]
    pub from: Option<String>,
    /// The subject, which makes it a long message (LMS).
    #[arg(long)]
    pub subject: Option<String>,
    /// An advertisement (광고): the advertising rules apply.
    #[arg(long)]
    pub ad: bool,
    /// A JPEG picture (at most 300 KB), which makes it an MMS; the gateway
    /// must carry pictures (dry-run, or http with `sms.http.image_field`).
    #[arg(long, value_name = "FILE.jpg")]
    pub image: Option<std::path::PathBuf>,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Queue the message and return without sending it.
    #[arg(long)]
    pub no_wait: bool,
    /// How long to wait for the message to settle.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

/// Arguments of `sms log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Only messages from this local date on (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Most messages to print.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// One JSON object per message, with `"direction": "sent"` or `"received"`.
    #[arg(long)]
    pub json: bool,
}

/// `ringdesk sms sender …`.
#[derive(Debug, clap::Subcommand)]
pub enum SenderCommand {
    /// Register a number messages may be sent from.
    Add {
        /// The number, in any format.
        number: String,
        /// What it is for (대표번호, 고객센터…).
        #[arg(long, default_value = "")]
        label: String,
        /// Print the sender as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the registered numbers.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

/// `ringdesk sms template …`.
#[derive(Debug, clap::Subcommand)]
pub enum TemplateCommand {
    /// Save a text; `#{이름}`, `#{회사}` or a user-defined field's label are
    /// filled in for each customer.
    Add {
        /// What the template list shows.
        #[arg(long)]
        title: String,
        /// The text.
        #[arg(long)]
        body: String,
        /// The subject, for a long message (LMS).
        #[arg(long, default_value = "")]
        subject: String,
        /// The registered sender number to send it from.
        #[arg(long = "from", value_name = "SENDER")]
        from: Option<String>,
        /// An advertisement (광고): the advertising rules apply when it is sent.
        #[arg(long)]
        ad: bool,
        /// Print the template as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the saved texts in their order.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

/// Runs `sms …`.
///
/// # Errors
/// [`Error::Invalid`] naming the field for bad input; store errors.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    match command {
        Command::Send(args) => send(context, &args, out),
        Command::Bulk(args) => super::sms_bulk::bulk(context, &args, out),
        Command::Resume(args) => super::sms_bulk::resume(context, &args, out),
        Command::Log(args) => log(context, &args, out),
        Command::Sender(command) => sender(context, command, out),
        Command::Template(command) => template_command(context, command, out),
    }
}

fn sender(context: &Context, command: SenderCommand, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    match command {
        SenderCommand::Add {
            number,
            label,
            json,
        } => {
            let number = PhoneNumber::parse(&number, context.settings.phone.default_region)
                .map_err(|error| Invalid::new("number", Problem::Phone(error)))?;
            let id = store.create_sender_number(&NewSenderNumber { number, label })?;
            let sender = store.sender_number(id)?;
            if json {
                json_line(out, &sender)?;
            } else {
                writeln!(out, "{}\t{}\t{}", sender.id.0, sender.raw, sender.label)?;
            }
        }
        SenderCommand::List { json } => {
            for sender in store.sender_numbers()? {
                if json {
                    json_line(out, &sender)?;
                } else {
                    let state = if sender.enabled { "" } else { "\t(disabled)" };
                    writeln!(
                        out,
                        "{}\t{}\t{}{state}",
                        sender.id.0, sender.raw, sender.label
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn template_command(
    context: &Context,
    command: TemplateCommand,
    out: &mut impl Write,
) -> Result<(), Error> {
    let mut store = context.store()?;
    match command {
        TemplateCommand::Add {
            title,
            body,
            subject,
            from,
            ad,
            json,
        } => {
            let fields = store.field_defs()?;
            if let Some(unknown) = template::unknown(&body, &fields).first() {
                let mut known: Vec<&str> =
                    template::BUILT_IN.iter().map(|(name, _)| *name).collect();
                known.extend(fields.iter().map(|field| field.label.as_str()));
                return Err(Invalid::new(
                    "body",
                    Problem::Malformed {
                        value: format!("#{{{}}}", unknown.name),
                        reason: format!(
                            "no such placeholder; these can be filled in: {}",
                            known.join(", ")
                        ),
                    },
                )
                .into());
            }
            let sender_number_id = match from {
                None => None,
                Some(from) => {
                    let number = PhoneNumber::parse(&from, context.settings.phone.default_region)
                        .map_err(|error| Invalid::new("from", Problem::Phone(error)))?;
                    let registered = store.sender_by_key(number.key())?.ok_or_else(|| {
                        Invalid::new(
                            "from",
                            Problem::Malformed {
                                value: from.clone(),
                                reason: "not a registered sender number; register it with \
                                         `ringdesk sms sender add`"
                                    .to_owned(),
                            },
                        )
                    })?;
                    Some(registered.id)
                }
            };
            let id = store.create_template(&NewTemplate {
                title,
                subject,
                body,
                sender_number_id,
                advertising: ad,
            })?;
            let saved = store.template(id)?;
            if json {
                json_line(out, &saved)?;
            } else {
                writeln!(out, "{}\t{}", saved.id.0, saved.title)?;
            }
        }
        TemplateCommand::List { json } => {
            for saved in store.templates()? {
                if json {
                    json_line(out, &saved)?;
                } else {
                    let ad = if saved.advertising { "(광고) " } else { "" };
                    writeln!(
                        out,
                        "{}\t{ad}{}\t{}",
                        saved.id.0,
                        saved.title,
                        saved.body.replace('\n', " ")
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The problems of a refused message on one line, each named by the option
/// it is about.
pub(super) fn refusal(problems: &[DraftProblem]) -> String {
    problems
        .iter()
        .map(|problem| {
            let option = match problem.field {
                Field::Body => "--text",
                Field::Subject => "--subject",
                Field::Image => "--image",
                Field::From => "--from",
                Field::To => "--to",
                Field::SendAt => "--ad (time of sending)",
            };
            format!("{option}: {}", problem.issue)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn send(context: &Context, args: &SendArgs, out: &mut impl Write) -> Result<(), Error> {
    let mut store = context.store()?;
    let draft = draft(&store, args)?;
    let queued = queue_draft(
        &mut store,
        &context.settings,
        &draft,
        None,
        local_time::now_time(),
    )?;
    let id = match queued {
        Queued::Queued(id) => id,
        Queued::Refused(problems) => return Err(Error::SmsRefused(problems)),
    };
    if args.no_wait {
        return print_outcome(&store.message(id)?, args.json, out);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Error::Sms(format!("cannot start sending: {error}")))?;
    let settled = runtime.block_on(send_now(
        context,
        &store,
        id,
        Duration::from_secs(args.timeout),
    ))?;
    let message = store.message(id)?;
    print_outcome(&message, args.json, out)?;
    match message.state {
        MessageState::Failed => Err(Error::Sms(format!(
            "message {id} failed: {}",
            message.error.as_deref().unwrap_or("no reason given")
        ))),
        _ if !settled => Err(Error::Sms(format!(
            "message {id} is still {} after {} s; it stays in the outbox and goes out \
             the next time ringdesk runs",
            message.state, args.timeout
        ))),
        _ => Ok(()),
    }
}

/// The draft `args` describe, a template's text, subject, sender and
/// advertising flag filled in where the options give none. A picture that
/// cannot be read or sent is refused here, naming the file.
fn draft(store: &Store, args: &SendArgs) -> Result<Draft, Error> {
    let image = match &args.image {
        None => None,
        Some(path) => Some(read_picture(path).map_err(|error| {
            Error::SmsRefused(vec![DraftProblem::new(
                Field::Image,
                Issue::PictureFile(error),
            )])
        })?),
    };
    let mut draft = Draft {
        to: args.to.clone(),
        from: args.from.clone().unwrap_or_default(),
        text: args.text.clone().unwrap_or_default(),
        subject: args.subject.clone().unwrap_or_default(),
        advertising: args.ad,
        image,
        ..Draft::default()
    };
    if let Some(id) = args.template {
        let saved = store.template(TemplateId(id))?;
        draft.template = Some(saved.id);
        draft.text = saved.body;
        draft.advertising |= saved.advertising;
        if args.subject.is_none() {
            draft.subject = saved.subject;
        }
        if let (None, Some(sender)) = (&args.from, saved.sender_number_id) {
            draft.from = store.sender_number(sender)?.raw;
        }
    }
    Ok(draft)
}

/// Runs the outbox worker until message `id` settles or `wait` passes;
/// true when it settled. Other queued messages go out too, at the rate.
async fn send_now(
    context: &Context,
    store: &Store,
    id: MessageId,
    wait: Duration,
) -> Result<bool, Error> {
    let (reports, report_receiver) = mpsc::channel(1024);
    let gateway = gateway::open(&context.settings.sms, reports)
        .await
        .map_err(|error| Error::Sms(format!("the SMS gateway could not start: {error}")))?;
    let reports_delivery = gateway.reports_delivery();
    let settled = |message: &Message| {
        message.state.is_final() || (message.state == MessageState::Sent && !reports_delivery)
    };
    let mut outbox = Outbox::new(
        context.store()?,
        gateway,
        report_receiver,
        &context.settings,
    );
    let mut news = |_| {};
    outbox.reconcile(&mut news)?;
    let (control, control_receiver) = mpsc::channel(4);
    let mut worker = pin!(outbox.run(control_receiver, &mut news));
    // The message's state is read on this command's own connection, so it
    // is seen settling also when the window's worker sends it.
    let mut look = tokio::time::interval(Duration::from_millis(100));
    let deadline = tokio::time::Instant::now() + wait;
    let mut done = false;
    loop {
        tokio::select! {
            result = &mut worker => {
                result?;
                return Ok(done);
            }
            _ = look.tick(), if !done => {
                if settled(&store.message(id)?) {
                    done = true;
                    // Stopping lets the answers of other messages in flight in.
                    control.send(Control::Stop).await.ok();
                }
            }
            () = tokio::time::sleep_until(deadline), if !done => {
                done = settled(&store.message(id)?);
                control.send(Control::Stop).await.ok();
                // Nothing more is handed over; the worker returns once the
                // answers in flight are in.
                let result = worker.as_mut().await;
                result?;
                return Ok(done);
            }
        }
    }
}

fn print_outcome(message: &Message, json: bool, out: &mut impl Write) -> Result<(), Error> {
    if json {
        json_line(
            out,
            &serde_json::json!({
                "id": message.id,
                "uid": message.uid,
                "state": message.state.as_str(),
                "error": message.error,
                "to": message.to_raw,
                "kind": message.kind.as_str(),
                "image": message.image,
                "attempts": message.attempts,
                "gateway_ref": message.gateway_ref,
            }),
        )
    } else {
        let error = message
            .error
            .as_deref()
            .map(|error| format!("\t{error}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}\t{}\t{}{error}",
            message.id, message.state, message.to_raw
        )?;
        Ok(())
    }
}

fn log(context: &Context, args: &LogArgs, out: &mut impl Write) -> Result<(), Error> {
    let store = context.store()?;
    let from = match &args.since {
        None => Timestamp(0),
        Some(date) => local_midnight("since", date)?,
    };
    let filter = MessageFilter {
        // An agent's log is their own, as in the window.
        owner: context.log_owner(),
        ..MessageFilter::period(from, Timestamp(i64::MAX))
    };
    for row in store.message_log(&filter, Page::first(args.limit))? {
        if args.json {
            json_line(out, &row)?;
            continue;
        }
        let (at, direction, state, number, body) = match &row {
            LoggedMessage::Sent(message) => (
                message.created_at,
                "sent",
                message.state.as_str(),
                message.to_raw.as_str(),
                message.body.as_str(),
            ),
            LoggedMessage::Received(message) => (
                message.received_at,
                "received",
                "-",
                message.from_raw.as_str(),
                message.body.as_str(),
            ),
        };
        writeln!(
            out,
            "{}\t{direction}\t{state}\t{number}\t{}",
            at.to_rfc3339(),
            body.replace('\n', " ")
        )?;
    }
    Ok(())
}

/// Local midnight at the start of `date` (YYYY-MM-DD), given as `field`.
pub(super) fn local_midnight(field: &'static str, date: &str) -> Result<Timestamp, Error> {
    let invalid = |reason: String| {
        Error::Invalid(Invalid::new(
            field,
            Problem::Malformed {
                value: date.to_owned(),
                reason,
            },
        ))
    };
    let day: jiff::civil::Date = date
        .trim()
        .parse()
        .map_err(|error: jiff::Error| invalid(format!("write the date as YYYY-MM-DD ({error})")))?;
    let zoned = day
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|error| invalid(error.to_string()))?;
    Ok(Timestamp(zoned.timestamp().as_millisecond()))
}
