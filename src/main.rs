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
use ringdesk::{logging, ui};

fn main() -> ExitCode {
    ui::mark_start();
    let args = Cli::parse();
    let context = match Context::new(args.data_dir.as_deref()) {
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
        Some(command) => {
            let mut out = std::io::stdout().lock();
            match cli::run(&context, command, &mut out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::debug!("command failed: {error:#}");
                    eprintln!("ringdesk: {error}");
                    ExitCode::from(error.exit_code())
                }
            }
        }
        None => match open_window(&context) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!("{error:#}");
                eprintln!("ringdesk: {error:#}");
                ExitCode::from(2)
            }
        },
    }
}

fn open_window(context: &Context) -> anyhow::Result<()> {
    // Migrations run here, before the window opens.
    let store = context.store().context("opening the customer database")?;
    tracing::info!(database = %store.path().display(), "opening the window");
    ui::run(
        store,
        context.settings.clone(),
        context.dirs.settings_file(),
    )
    .map_err(|error| anyhow::anyhow!("cannot open the window: {error}"))
}
