//! The ringdesk program: parses the command line, sets up folders, settings
//! and logging, then opens the window or runs a headless command.

// Release builds on Windows have no console window; failures go to the log.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use ringdesk::cli::{self, Cli, Context};
use ringdesk::{instance, logging, ui};

fn main() -> ExitCode {
    ui::mark_start();
    let args = Cli::parse();
    let mut context = match Context::new(args.data_dir.as_deref()) {
        Ok(context) => context,
        Err(error) => {
            eprintln!("ringdesk: {error}");
            return ExitCode::from(2);
        }
    };
    let headless = args.command.is_some();
    let _log_guard = match logging::init(context.dirs.logs(), &context.settings.log, headless) {
        Ok(guard) => guard,
        Err(error) => {
            eprintln!(
                "ringdesk: cannot write logs to {}: {error}",
                context.dirs.logs().display()
            );
            return ExitCode::from(2);
        }
    };
    match args.command {
        // A tel: link: the running window takes the number, or a new one
        // opens with 전화걸기.
        Some(cli::Command::Dial(dial)) if !dial.headless() => {
            let mut out = std::io::stdout().lock();
            match cli::pbx::dial_in_window(&context, &dial, &mut out) {
                Ok(cli::pbx::InWindow::Handed) => ExitCode::SUCCESS,
                Ok(cli::pbx::InWindow::Open(link)) => finish(open_window(&context, link)),
                Err(error) => {
                    eprintln!("ringdesk: {error}");
                    ExitCode::from(error.exit_code())
                }
            }
        }
        Some(command) => {
            let mut out = std::io::stdout().lock();
            let ran = cli::sign_in::authorize(&mut context, &command, args.user.as_deref())
                .and_then(|()| cli::run(&context, command, &mut out));
            match ran {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::debug!("command failed: {error:#}");
                    eprintln!("ringdesk: {error}");
                    ExitCode::from(error.exit_code())
                }
            }
        }
        None => match instance::hand_over(&context.dirs, &instance::Request::Show) {
            Ok(true) => {
                tracing::info!(
                    "ringdesk is already open on this data folder: brought it to the front"
                );
                ExitCode::SUCCESS
            }
            Ok(false) => finish(open_window(&context, None)),
            Err(error) => {
                tracing::warn!("a window listens but did not answer ({error}); opening another");
                finish(open_window(&context, None))
            }
        },
    }
}

/// The exit code of a window that has closed.
fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("ringdesk: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Opens the window (with 전화걸기 on `dial`), listening for later starts.
fn open_window(context: &Context, dial: Option<String>) -> anyhow::Result<()> {
    // Migrations run here, before the window opens.
    let store = context.store().context("opening the customer database")?;
    tracing::info!(database = %store.path().display(), "opening the window");
    let links = match instance::Listener::bind(&context.dirs) {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!("later starts cannot hand over to this window: {error}");
            None
        }
    };
    ui::run(
        store,
        context.settings.clone(),
        context.dirs.settings_file(),
        ui::Launch { links, dial },
    )
    .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))
}
