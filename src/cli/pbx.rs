//! `ringdesk pbx watch`: follows the PBX with the saved (or given) settings
//! and prints one line per change of this agent's calls — how admins check
//! a PBX setup, and how tests drive the feed without a window. The calls
//! are logged as the window would log them.
//!
//! `ringdesk dial LINK` is what `tel:` / `callto:` links run: it hands the
//! number to the window (see [`crate::instance`]); `ringdesk dial --now
//! NUMBER` is click-to-call from the command line, without the window.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

use super::{Context, Error, json_line};
use crate::backend::{CallChange, CallDesk, Event, TrackedCall};
use crate::config::Settings;
use crate::domain::dial_link::number_in_link;
use crate::domain::{CustomerSummary, Direction, Invalid, Outcome, PhoneNumber, Problem};
use crate::instance::{self, Request};
use crate::pbx::ami::feed::AmiFeed;
use crate::pbx::originate::dial_string;
use crate::pbx::{
    FeedEvent, FeedRequest, LinkState, OriginateOutcome, OriginateRequest, PbxFeed as _,
};

/// How long `dial` waits for the PBX link before giving up.
const CONNECT_WAIT: Duration = Duration::from_secs(15);
/// How long `dial` waits for the agent's phone to answer (the Originate
/// timeout is 30 s) before giving up.
const ORIGINATE_WAIT: Duration = Duration::from_secs(45);

/// `ringdesk pbx …`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Connect and print one line per change of this agent's calls until stopped.
    Watch(WatchArgs),
}

/// The PBX settings a run may override.
#[derive(Debug, Default, clap::Args)]
pub struct Link {
    /// The PBX's host (pbx.host).
    #[arg(long)]
    pub host: Option<String>,
    /// The AMI port (pbx.port).
    #[arg(long)]
    pub port: Option<u16>,
    /// The AMI user (pbx.user); `--user` is who runs the command.
    #[arg(long)]
    pub ami_user: Option<String>,
    /// The AMI secret (pbx.secret).
    #[arg(long)]
    pub secret: Option<String>,
    /// This desk's extension (pbx.extension).
    #[arg(long)]
    pub extension: Option<String>,
}

impl Link {
    /// Whether any setting is overridden.
    fn any(&self) -> bool {
        self.host.is_some()
            || self.port.is_some()
            || self.ami_user.is_some()
            || self.secret.is_some()
            || self.extension.is_some()
    }

    /// `settings` with these overrides, checked.
    fn apply(&self, settings: &Settings) -> Result<Settings, Error> {
        let mut settings = settings.clone();
        let pbx = &mut settings.pbx;
        if let Some(host) = &self.host {
            pbx.host.clone_from(host);
        }
        if let Some(port) = self.port {
            pbx.port = port;
        }
        if let Some(user) = &self.ami_user {
            pbx.user.clone_from(user);
        }
        if let Some(secret) = &self.secret {
            pbx.secret.clone_from(secret);
        }
        if let Some(extension) = &self.extension {
            pbx.extension.clone_from(extension);
        }
        if pbx.host.trim().is_empty() {
            return Err(Error::Pbx(
                "no PBX is set up: give --host or set pbx.host".to_owned(),
            ));
        }
        if pbx.extension.trim().is_empty() {
            return Err(Error::Pbx(
                "no extension is set up: give --extension or set pbx.extension".to_owned(),
            ));
        }
        Ok(settings)
    }
}

/// Arguments of `pbx watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// Overrides of the saved PBX settings.
    #[command(flatten)]
    pub link: Link,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Exit after the first call that ends.
    #[arg(long)]
    pub once: bool,
}

/// Arguments of `dial`.
#[derive(Debug, clap::Args)]
pub struct DialArgs {
    /// The number or link to call: `tel:+82-10-1234-5678`, `callto:…`
    /// (percent-encoded too, as browsers pass them) or a plain number.
    /// Without one (a menu start of the desktop entry `ringdesk dial %u`)
    /// the window opens or comes to the front.
    pub number: Option<String>,
    /// Ring this desk's phone at once, without the window (the PBX flags
    /// imply it). Without it the running window (or a new one) opens
    /// 전화걸기 on the number.
    #[arg(long)]
    pub now: bool,
    /// Overrides of the saved PBX settings.
    #[command(flatten)]
    pub link: Link,
}

impl DialArgs {
    /// Whether to ring at once here rather than in the window.
    #[must_use]
    pub fn headless(&self) -> bool {
        self.now || self.link.any()
    }
}

/// One printed call change.
#[derive(Debug, Serialize)]
struct Printed<'a> {
    change: &'static str,
    linked_id: &'a str,
    direction: Direction,
    number: &'a str,
    line: &'a str,
    customer_id: Option<i64>,
    customer_name: Option<&'a str>,
    outcome: Option<Outcome>,
    cause: Option<u16>,
}

/// Runs `pbx …`.
///
/// # Errors
/// [`Error::Pbx`] for missing settings and a refused login; store errors.
pub fn run(context: &Context, command: &Command, out: &mut impl Write) -> Result<(), Error> {
    match command {
        Command::Watch(args) => watch(context, args, out),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// A running AMI feed with its two channel ends.
fn start(settings: &Settings) -> (mpsc::Receiver<FeedEvent>, mpsc::Sender<FeedRequest>) {
    let (events, receiver) = mpsc::channel(4096);
    let (requests, request_receiver) = mpsc::channel(4);
    tokio::spawn(Box::new(AmiFeed::new(&settings.pbx)).run(events, request_receiver));
    (receiver, requests)
}

fn watch(context: &Context, args: &WatchArgs, out: &mut impl Write) -> Result<(), Error> {
    let settings = args.link.apply(&context.settings)?;
    let mut desk = CallDesk::new(context.store()?, &settings);
    desk.warm_up();
    runtime()?.block_on(async {
        let (mut feed, _requests) = start(&settings);
        while let Some(event) = feed.recv().await {
            for event in desk.events(event) {
                match event {
                    Event::PbxLink(LinkState::LoginFailed { reason }) => {
                        return Err(Error::Pbx(format!("login failed: {reason}")));
                    }
                    Event::PbxLink(state) => link_note(&state),
                    Event::CallChanged {
                        change,
                        call,
                        customer,
                        ..
                    } => {
                        print_change(out, args.json, change, &call, customer.as_ref())?;
                        if args.once && change == CallChange::Ended {
                            return Ok(());
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    })
}

/// The link's state on stderr: stdout holds call changes only.
fn link_note(state: &LinkState) {
    match state {
        LinkState::Off => {}
        LinkState::Connecting => eprintln!("connecting…"),
        LinkState::Connected { pbx_version } => eprintln!("connected to Asterisk {pbx_version}"),
        LinkState::LoginFailed { reason } => eprintln!("login failed: {reason}"),
        LinkState::Retrying { in_secs, reason } => {
            eprintln!("disconnected ({reason}); retrying in {in_secs} s");
        }
    }
}

fn print_change(
    out: &mut impl Write,
    json: bool,
    change: CallChange,
    call: &TrackedCall,
    customer: Option<&CustomerSummary>,
) -> Result<(), Error> {
    let line = Printed {
        change: match change {
            CallChange::Ringing => "ringing",
            CallChange::Answered => "answered",
            CallChange::Ended => "ended",
        },
        linked_id: &call.linked_id,
        direction: call.direction,
        number: &call.number,
        line: &call.line,
        customer_id: customer.map(|customer| customer.id.0),
        customer_name: customer.map(|customer| customer.name.as_str()),
        outcome: call.outcome,
        cause: call.cause,
    };
    if json {
        return json_line(out, &line);
    }
    let who = customer.map_or_else(
        || "-".to_owned(),
        |customer| format!("#{} {}", customer.id.0, customer.name),
    );
    let number = if line.number.is_empty() {
        "-"
    } else {
        line.number
    };
    let outcome = line.outcome.map_or("", |outcome| outcome.as_str());
    writeln!(
        out,
        "{:<8} {:<8} {number:<16} {who}  {outcome}  [{}]",
        line.change,
        line.direction.as_str(),
        line.linked_id
    )?;
    Ok(())
}

/// What became of `dial LINK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InWindow {
    /// The running window took it.
    Handed,
    /// No window runs on this data folder: open one, with 전화걸기 on this
    /// number when one was given.
    Open(Option<String>),
}

/// Runs `dial LINK` for a `tel:` / `callto:` link: hands the number to the
/// window running on this data folder, or says to open one.
///
/// # Errors
/// [`Error::Invalid`] naming `number` for a link without a number in it;
/// [`Error::Window`] when a window listens but does not take it.
pub fn dial_in_window(
    context: &Context,
    args: &DialArgs,
    out: &mut impl Write,
) -> Result<InWindow, Error> {
    let Some(link) = &args.number else {
        let handed = instance::hand_over(&context.dirs, &Request::Show).map_err(|error| {
            Error::Window(format!("the running window did not answer: {error}"))
        })?;
        return Ok(if handed {
            InWindow::Handed
        } else {
            InWindow::Open(None)
        });
    };
    let text = number_in_link(link).map_err(|error| Invalid::new("number", error.into()))?;
    let number = PhoneNumber::parse(&text, context.settings.phone.default_region)
        .map_err(|error| Invalid::new("number", Problem::Phone(error)))?;
    let handed =
        instance::hand_over(&context.dirs, &Request::Dial(text.clone())).map_err(|error| {
            Error::Window(format!(
                "the running window did not take the number: {error}"
            ))
        })?;
    if handed {
        writeln!(out, "handed {} to the running window", number.display())?;
        Ok(InWindow::Handed)
    } else {
        Ok(InWindow::Open(Some(text)))
    }
}

/// Runs `dial --now NUMBER`: rings this desk's phone, then the number.
///
/// # Errors
/// [`Error::Invalid`] for a number that is none; [`Error::Pbx`] when the
/// PBX cannot be reached, refuses the login or the call fails.
pub fn dial(context: &Context, args: &DialArgs, out: &mut impl Write) -> Result<(), Error> {
    let settings = args.link.apply(&context.settings)?;
    let region = settings.phone.default_region;
    let link = args
        .number
        .as_deref()
        .ok_or_else(|| Invalid::new("number", Problem::Empty))?;
    let text = number_in_link(link).map_err(|error| Invalid::new("number", error.into()))?;
    let number = PhoneNumber::parse(&text, region)
        .map_err(|error| Invalid::new("number", Problem::Phone(error)))?;
    let dialled = dial_string(&number, &settings.pbx.outbound_prefix, region)
        .map_err(|error| Error::Pbx(error.to_string()))?;
    let caller_name = context
        .store()?
        .customers_with_number(&number)?
        .first()
        .map(|customer| customer.name.clone())
        .unwrap_or_default();
    let outcome = runtime()?.block_on(async {
        let (mut feed, requests) = start(&settings);
        let connected = tokio::time::timeout(CONNECT_WAIT, async {
            while let Some(event) = feed.recv().await {
                match event {
                    FeedEvent::Link(LinkState::Connected { .. }) => return Ok(()),
                    FeedEvent::Link(LinkState::LoginFailed { reason }) => {
                        return Err(Error::Pbx(format!("login failed: {reason}")));
                    }
                    FeedEvent::Link(state) => link_note(&state),
                    _ => {}
                }
            }
            Err(Error::Pbx("the PBX feed stopped".to_owned()))
        })
        .await
        .map_err(|_| Error::Pbx(format!("cannot reach the PBX at {}", settings.pbx.host)))?;
        connected?;
        let request = OriginateRequest {
            id: 1,
            extension: settings.pbx.extension.clone(),
            number: dialled,
            caller_id_name: caller_name,
        };
        if requests
            .send(FeedRequest::Originate(request))
            .await
            .is_err()
        {
            return Ok::<_, Error>(OriginateOutcome::NotConnected);
        }
        let answered = tokio::time::timeout(ORIGINATE_WAIT, async {
            while let Some(event) = feed.recv().await {
                if let FeedEvent::Originated { outcome, .. } = event {
                    return outcome;
                }
            }
            OriginateOutcome::NotConnected
        })
        .await;
        Ok(answered.unwrap_or(OriginateOutcome::AgentDidNotAnswer))
    })?;
    match outcome {
        OriginateOutcome::Dialling => {
            writeln!(out, "dialling {}", number.display())?;
            Ok(())
        }
        other => Err(Error::Pbx(originate_text(&other))),
    }
}

/// A failed click-to-call in words.
fn originate_text(outcome: &OriginateOutcome) -> String {
    match outcome {
        OriginateOutcome::Dialling => "dialling".to_owned(),
        OriginateOutcome::NotConnected => "not connected to the PBX".to_owned(),
        OriginateOutcome::NotPermitted(reason) => {
            format!("the PBX does not allow this user to place calls: {reason}")
        }
        OriginateOutcome::AgentDidNotAnswer => "your phone did not answer".to_owned(),
        OriginateOutcome::NumberInvalid => "the PBX cannot dial this number".to_owned(),
        OriginateOutcome::Failed(reason) => format!("the call failed: {reason}"),
    }
}
