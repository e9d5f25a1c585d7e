//! Logging: a daily-rotated file in the data folder's `logs/` plus stderr.
//! `RUST_LOG`, when set, overrides the level from the settings.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, InitError, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogSettings;

/// Starts logging. Keep the returned guard alive: dropping it flushes the file.
/// `quiet_stderr` keeps stderr to warnings and errors (for headless commands
/// whose output scripts read), while the file still gets the full level.
///
/// # Errors
/// When the log folder cannot be written.
pub fn init(
    logs: &Path,
    settings: &LogSettings,
    quiet_stderr: bool,
) -> Result<WorkerGuard, InitError> {
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("ringdesk")
        .filename_suffix("log")
        .max_log_files(usize::try_from(settings.keep_days).unwrap_or(usize::MAX))
        .build(logs)?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(settings.level.as_str()));
    let stderr_level = if quiet_stderr && std::env::var_os("RUST_LOG").is_none() {
        tracing::Level::WARN
    } else {
        tracing::Level::TRACE
    };
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr.with_max_level(stderr_level)),
        );
    // A second init (tests running commands in one process) keeps the first.
    subscriber.try_init().ok();
    Ok(guard)
}
