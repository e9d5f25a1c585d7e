//! Logging: a daily-rotated file in the data folder's `logs/` plus stderr.
//! `RUST_LOG`, when set, overrides the level from the settings.
//!
//! Customers' phone numbers appear whole only in debug and trace lines; at
//! info, warn and error every number-shaped run is masked (010-****-5678,
//! [`mask_phone_numbers`]) as the line is written, whoever wrote it — an
//! error from a gateway or the store quoting a number included. Message
//! bodies are never logged above debug.

use std::io::Write;
use std::path::Path;

use tracing::{Level, Metadata};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, InitError, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::writer::MakeWriterExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::LogSettings;
use crate::domain::privacy::mask_phone_numbers;

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
                .with_writer(Masking(file)),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(Masking(std::io::stderr.with_max_level(stderr_level))),
        );
    // A second init (tests running commands in one process) keeps the first.
    subscriber.try_init().ok();
    Ok(guard)
}

/// A writer maker whose writers mask phone numbers in lines of info level
/// and above.
struct Masking<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter::new(self.0.make_writer(), true)
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        MaskingWriter::new(self.0.make_writer_for(meta), *meta.level() <= Level::INFO)
    }
}

/// Holds one event's text and writes it masked when the event is done
/// (dropped): a number is never split between two writes.
struct MaskingWriter<W: Write> {
    inner: W,
    held: Option<Vec<u8>>,
}

impl<W: Write> MaskingWriter<W> {
    fn new(inner: W, mask: bool) -> Self {
        Self {
            inner,
            held: mask.then(Vec::new),
        }
    }
}

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut self.held {
            Some(held) => {
                held.extend_from_slice(bytes);
                Ok(bytes.len())
            }
            None => self.inner.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(held) = self.held.as_mut().filter(|held| !held.is_empty()) {
            let text = String::from_utf8_lossy(held);
            self.inner.write_all(mask_phone_numbers(&text).as_bytes())?;
            held.clear();
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingWriter<W> {
    fn drop(&mut self) {
        // Nowhere to report a failed log write to.
        self.flush().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn numbers_are_whole_at_debug_and_masked_above() {
        let out = Shared::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(Masking(move || writer.clone()))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!("calling 010-1234-5678");
            tracing::info!("calling 010-2345-6789");
            tracing::warn!(number = "+821098765432", "refused");
            tracing::error!("looking up caller 0212345678: locked");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("calling 010-1234-5678"), "{text}");
        assert!(text.contains("calling 010-****-6789"), "{text}");
        assert!(text.contains("+821*****5432"), "{text}");
        assert!(text.contains("caller 021***5678"), "{text}");
        for whole in ["2345-6789", "1098765432", "0212345678"] {
            assert!(!text.contains(whole), "{whole} in {text}");
        }
    }
}
