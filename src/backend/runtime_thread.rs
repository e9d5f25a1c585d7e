//! A background thread with its own single-threaded tokio runtime: how the
//! PBX and SMS services run, each apart from the store thread so that a
//! slow list query never holds up a pop-up or a message.

use std::future::Future;
use std::thread::JoinHandle;

/// Starts the thread `ringdesk-{name}` and runs the future `work` makes on
/// it until the future ends.
///
/// # Errors
/// When the operating system refuses a thread.
pub(super) fn spawn<W, F>(name: &str, work: W) -> std::io::Result<JoinHandle<()>>
where
    W: FnOnce() -> F + Send + 'static,
    F: Future<Output = ()>,
{
    let what = name.to_owned();
    std::thread::Builder::new()
        .name(format!("ringdesk-{name}"))
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(work()),
                Err(error) => tracing::error!("the {what} thread could not start: {error}"),
            }
        })
}
