//! `ringdesk sms …`: the registered sender numbers (발신번호) and the saved
//! texts (SMS문구) that messages are sent from.

use std::io::Write;

use super::{Context, Error, json_line};
use crate::domain::{Invalid, NewSenderNumber, NewTemplate, PhoneNumber, Problem};
use crate::sms::template;

/// `ringdesk sms …`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The numbers messages may be sent from.
    #[command(subcommand)]
    Sender(SenderCommand),
    /// Saved texts (SMS문구).
    #[command(subcommand)]
    Template(TemplateCommand),
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
