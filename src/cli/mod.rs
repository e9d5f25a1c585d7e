//! The command line: `ringdesk` opens the window; subcommands run headless
//! jobs for scripts and tests. Output is plain text, or with `--json` one
//! JSON object per line. Every failure is one line on stderr and a non-zero
//! exit: 1 when something asked for does not exist, 2 for bad input or a
//! failure.

pub mod audit;
pub mod b2b;
pub mod backup;
mod bulk_plan;
pub mod customer;
pub mod demo_data;
pub mod duplicates;
pub mod export;
pub mod field;
mod group_name;
pub mod import;
pub mod lookup;
pub mod merge;
pub mod pbx;
pub mod search;
pub mod settings;
pub mod sign_in;
pub mod sms;
pub mod sms_bulk;
pub mod user;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{self, DataDirs, Settings};
use crate::domain::{Actor, Invalid, LogOwner, Role, User};
use crate::store::{self, Store};

/// ringdesk: the desktop companion for a call-centre agent's phone.
#[derive(Debug, Parser)]
#[command(name = "ringdesk", version, about, long_about = None)]
pub struct Cli {
    /// Keep the database, settings and logs in DIR instead of the per-user folders.
    #[arg(long, global = true, env = "RINGDESK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Run the command as this user (once anyone can sign in); the
    /// password comes from `RINGDESK_PASSWORD` or a prompt.
    #[arg(long, global = true, env = "RINGDESK_USER", value_name = "LOGIN")]
    pub user: Option<String>,
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill the store with realistic generated customers.
    DemoData(demo_data::Args),
    /// Print the customers a phone number belongs to (exit 1 when none).
    Lookup(lookup::Args),
    /// Search customers by name, company, e-mail, memo or digits of a number.
    Search(search::Args),
    /// Import customers from a spreadsheet or CSV file, as one unit.
    Import(import::Args),
    /// Sets of customers who look like one person (same number, e-mail, or
    /// name at the same company).
    Duplicates(duplicates::Args),
    /// Merge customer OTHER into KEEP (every number, note, call, message,
    /// group and tag kept; OTHER to the recycle bin), or undo a merge.
    Merge(merge::Args),
    /// Business contacts: company e-mail domains (free mail left out) with a
    /// company name and how many customers have each.
    B2b(b2b::Args),
    /// The audit log, newest first: sign-ins, bulk sends, exports, imports,
    /// deletes, merges, settings and role changes.
    Audit(audit::Args),
    /// Add, show, delete or restore a customer.
    #[command(subcommand)]
    Customer(customer::Command),
    /// Define and list user-defined customer fields.
    #[command(subcommand)]
    Field(field::Command),
    /// Read and change settings by dotted key (e.g. `phone.default_region`).
    #[command(subcommand)]
    Config(settings::Command),
    /// Follow the PBX: `pbx watch` prints this desk's calls as they change.
    #[command(subcommand)]
    Pbx(pbx::Command),
    /// Open 전화걸기 on a number or `tel:` / `callto:` link in the running
    /// window (or a new one); with `--now`, ring this desk's phone, then
    /// the number, without the window.
    Dial(pbx::DialArgs),
    /// Listen as the window does for other starts of ringdesk and print
    /// what each hands over (`dial NUMBER`, `show`): for tests and scripts.
    #[command(hide = true)]
    Listen(ListenArgs),
    /// Sender numbers and saved texts for SMS.
    #[command(subcommand)]
    Sms(sms::Command),
    /// Write customers to an xlsx or CSV file, with every column and the notes.
    Export(export::Args),
    /// Copy the whole database to FILE, also while ringdesk is running.
    Backup(backup::BackupArgs),
    /// Replace the database with a backup (the current one is kept beside it).
    Restore(backup::RestoreArgs),
    /// Add, list, disable and enable the users who sign in; set passwords.
    #[command(subcommand)]
    User(user::Command),
}

/// Arguments of the hidden `listen`.
#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Exit after the first hand-over.
    #[arg(long)]
    pub once: bool,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Settings or data folders.
    #[error(transparent)]
    Config(#[from] config::Error),
    /// The store.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Bad input, naming the field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Something asked for does not exist (exit 1).
    #[error("{0}")]
    NotFound(String),
    /// Writing the output failed (e.g. a closed pipe).
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// Demo data generation failed.
    #[error(transparent)]
    Fill(#[from] demo_data::FillError),
    /// A file to import could not be read or written.
    #[error("{0}")]
    Import(String),
    /// The PBX could not be used ("login failed: …").
    #[error("{0}")]
    Pbx(String),
    /// A message was not queued; every problem with the option it is about.
    #[error("not sent: {}", sms::refusal(.0))]
    SmsRefused(Vec<crate::sms::compose::DraftProblem>),
    /// A message failed, or did not settle in time, or the gateway could not start.
    #[error("{0}")]
    Sms(String),
    /// The running window could not be reached or did not answer.
    #[error("{0}")]
    Window(String),
    /// The role the command runs with may not do this.
    #[error(transparent)]
    NotAllowed(#[from] crate::domain::NotAllowed),
    /// Nobody, or not this user, could be signed in.
    #[error("{0}")]
    SignIn(String),
    /// Input that could not be read (a password prompt without a terminal).
    #[error("{0}")]
    Input(String),
    /// An export could not be written.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}

impl Error {
    /// The process exit code for this failure.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::NotFound(_) | Self::Store(store::Error::NotFound { .. }) => 1,
            _ => 2,
        }
    }
}

/// What every command needs: folders, settings and (when opened) the store.
pub struct Context {
    /// The folders.
    pub dirs: DataDirs,
    /// The settings.
    pub settings: Settings,
    /// Who runs the command, once anyone can sign in
    /// ([`sign_in::authorize`]).
    pub user: Option<User>,
}

impl Context {
    /// Resolves the folders, creates them and reads (or first writes) the settings.
    ///
    /// # Errors
    /// When a folder cannot be made or the settings file is not valid.
    pub fn new(data_dir: Option<&std::path::Path>) -> Result<Self, config::Error> {
        let dirs = DataDirs::resolve(data_dir)?;
        dirs.create()?;
        let settings = Settings::load_or_create(&dirs.settings_file())?;
        Ok(Self {
            dirs,
            settings,
            user: None,
        })
    }

    /// The role the command runs with: the signed-in user's, or the
    /// desk's `user.role` before anyone can sign in.
    #[must_use]
    pub fn role(&self) -> Role {
        self.user
            .as_ref()
            .map_or(self.settings.user.role, |user| user.role)
    }

    /// The signed-in user's own share of the logs, or `None` when they may
    /// see everyone's (or nobody signed in: the desk's logs are all its own).
    #[must_use]
    pub fn log_owner(&self) -> Option<LogOwner> {
        // Signed in, the settings carry the user's own extension.
        LogOwner::of(self.user.as_ref()?, &self.settings.pbx.extension)
    }

    /// Opens the customer database.
    ///
    /// # Errors
    /// When it cannot be opened or was written by a newer ringdesk.
    pub fn store(&self) -> Result<Store, store::Error> {
        let mut store = Store::open(&self.dirs.database())?;
        // Changes made here are recorded as the signed-in user's, before
        // anyone can sign in as the configured user's, or nobody's.
        match &self.user {
            Some(user) => store.set_actor(Some(Actor {
                id: Some(user.id),
                name: user.display_name.clone(),
            })),
            None => store.set_actor_named(&self.settings.user.name)?,
        }
        Ok(store)
    }
}

/// Runs a headless command, writing its output to `out`.
///
/// # Errors
/// See [`Error`]; [`Error::exit_code`] gives the exit code.
pub fn run(context: &Context, command: Command, out: &mut impl Write) -> Result<(), Error> {
    match command {
        Command::DemoData(args) => demo_data::run(context, &args, out),
        Command::Lookup(args) => lookup::run(context, &args, out),
        Command::Search(args) => search::run(context, &args, out),
        Command::Import(args) => import::run(context, &args, out),
        Command::Duplicates(args) => duplicates::run(context, &args, out),
        Command::Merge(args) => merge::run(context, &args, out),
        Command::B2b(args) => b2b::run(context, &args, out),
        Command::Audit(args) => audit::run(context, &args, out),
        Command::Customer(command) => customer::run(context, command, out),
        Command::Field(command) => field::run(context, command, out),
        Command::Config(command) => settings::run(context, command, out),
        Command::Pbx(command) => pbx::run(context, &command, out),
        Command::Dial(args) => {
            if args.headless() {
                pbx::dial(context, &args, out)
            } else {
                // Without a window to open, the number is refused here;
                // the program's `main` opens one instead.
                match pbx::dial_in_window(context, &args, out)? {
                    pbx::InWindow::Handed => Ok(()),
                    pbx::InWindow::Open(_) => Err(Error::Window(
                        "no ringdesk window is running on this data folder".to_owned(),
                    )),
                }
            }
        }
        Command::Listen(args) => listen(context, &args, out),
        Command::Sms(command) => sms::run(context, command, out),
        Command::Export(args) => export::run(context, &args, out),
        Command::Backup(args) => backup::backup(context, &args, out),
        Command::Restore(args) => backup::restore(context, &args, out),
        Command::User(command) => user::run(context, command, out),
    }
}

/// Runs the hidden `listen`: one line per hand-over, flushed at once.
fn listen(context: &Context, args: &ListenArgs, out: &mut impl Write) -> Result<(), Error> {
    let received = crate::instance::Listener::bind(&context.dirs)
        .and_then(crate::instance::Listener::serve_channel)
        .map_err(|error| {
            Error::Window(format!(
                "cannot listen on {}: {error}",
                context.dirs.link_socket().display()
            ))
        })?;
    writeln!(out, "listening on {}", context.dirs.link_socket().display())?;
    out.flush()?;
    for request in received {
        match request {
            crate::instance::Request::Show => writeln!(out, "show")?,
            crate::instance::Request::Dial(number) => writeln!(out, "dial {number}")?,
        }
        out.flush()?;
        if args.once {
            break;
        }
    }
    Ok(())
}

/// Writes `value` as one line of JSON.
pub(crate) fn json_line(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}
