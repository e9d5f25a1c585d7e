//! The thread that sends text messages: it opens the gateway the settings
//! name ([`crate::sms::gateway::open`]), runs the outbox worker
//! ([`crate::sms::outbox`]) on its own database connection and tokio
//! runtime, reads the gateway's credit every few minutes, and reopens the
//! gateway when the `[sms]` settings change.
//!
//! A settings change stops the worker gracefully: it hands nothing more
//! over and records the answers of the messages in flight before the
//! gateway is dropped, so a change of settings never leaves a message in
//! doubt. A database failure stops the worker; it starts again a few
//! seconds later and its crash policy settles what was in flight.

use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use super::event::Event;
use super::store_thread::EventSender;
use crate::config::Settings;
use crate::sms::gateway::{self, SmsGateway};
use crate::sms::outbox::{Control, News, Outbox};
use crate::store::Store;

/// Wakes and settings waiting for the thread; a wake is only a nudge, so
/// dropping one when the queue is full loses nothing.
const CONTROL_QUEUE: usize = 16;
/// Reports waiting for the worker: a bulk send's delivery reports arrive
/// in bursts.
const REPORT_QUEUE: usize = 1024;
/// How often a gateway that sells credit is asked how much is left.
const BALANCE_EVERY: Duration = Duration::from_mins(5);
/// The wait before the worker starts again after a database failure.
const RESTART_AFTER: Duration = Duration::from_secs(5);

/// What the rest of the backend asks of the SMS thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SmsControl {
    /// A message was queued: look at the outbox now rather than at the
    /// next tick.
    Wake,
    /// The settings changed; the gateway is reopened when the `[sms]` ones did.
    Settings(Box<Settings>),
}

/// Starts the thread; it stops when the returned sender is dropped.
pub(super) fn spawn(
    store_path: PathBuf,
    settings: Settings,
    events: EventSender,
) -> std::io::Result<(mpsc::Sender<SmsControl>, JoinHandle<()>)> {
    let (control, control_receiver) = mpsc::channel(CONTROL_QUEUE);
    let thread = super::runtime_thread::spawn("sms", move || async move {
        run(&store_path, settings, control_receiver, &events).await;
    })?;
    Ok((control, thread))
}

/// Why a worker ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Start again (new settings, or after a failure).
    Restart,
    /// The backend is shutting down.
    Exit,
}

async fn run(
    store_path: &Path,
    mut settings: Settings,
    mut control: mpsc::Receiver<SmsControl>,
    events: &EventSender,
) {
    loop {
        let next = match Store::open(store_path) {
            Ok(store) => serve(store, &mut settings, &mut control, events).await,
            Err(error) => {
                tracing::error!("the SMS thread could not open the database: {error:#}");
                events.send(Event::Failed {
                    action: "open the message log",
                    message: error.to_string(),
                });
                Next::Exit
            }
        };
        if next == Next::Exit {
            return;
        }
    }
}

/// Opens the gateway and runs the worker until the settings change, the
/// backend stops or the database fails.
async fn serve(
    store: Store,
    settings: &mut Settings,
    control: &mut mpsc::Receiver<SmsControl>,
    events: &EventSender,
) -> Next {
    let (reports, report_receiver) = mpsc::channel(REPORT_QUEUE);
    let gateway = match gateway::open(&settings.sms, reports).await {
        Ok(gateway) => gateway,
        Err(error) => {
            tracing::error!("the SMS gateway could not start: {error}");
            events.send(Event::SmsGateway {
                name: gateway_name(settings),
                balance: None,
                problem: Some(error.to_string()),
            });
            return wait_for_new_settings(settings, control).await;
        }
    };
    events.send(Event::SmsGateway {
        name: gateway.name().to_owned(),
        balance: None,
        problem: None,
    });
    let balance = tokio::spawn(poll_balance(Arc::clone(&gateway), events.clone()));
    let mut outbox = Outbox::new(store, gateway, report_receiver, settings);
    let mut news = |news: News| {
        events.send(match news {
            News::Changed(message) => Event::MessageChanged(Box::new(message)),
            News::Received(message) => Event::MessageReceived(Box::new(message)),
        });
    };
    if let Err(error) = outbox.reconcile(&mut news) {
        balance.abort();
        return failed(&error, control).await;
    }
    let (worker_control, worker_receiver) = mpsc::channel(CONTROL_QUEUE);
    let mut worker = pin!(outbox.run(worker_receiver, &mut news));
    let mut next = None;
    let result = loop {
        tokio::select! {
            result = &mut worker => break result,
            command = control.recv(), if next.is_none() => match command {
                Some(SmsControl::Wake) => {
                    worker_control.try_send(Control::Wake).ok();
                }
                Some(SmsControl::Settings(new)) => {
                    let restart = new.sms != settings.sms
                        || new.phone.default_region != settings.phone.default_region;
                    *settings = *new;
                    if restart {
                        tracing::info!("the SMS settings changed; reopening the gateway");
                        worker_control.send(Control::Stop).await.ok();
                        next = Some(Next::Restart);
                    }
                }
                None => {
                    worker_control.send(Control::Stop).await.ok();
                    next = Some(Next::Exit);
                }
            },
        }
    };
    balance.abort();
    match result {
        Ok(()) => next.unwrap_or(Next::Restart),
        Err(error) if next == Some(Next::Exit) => {
            tracing::error!("the outbox stopped: {error:#}");
            Next::Exit
        }
        Err(error) => failed(&error, control).await,
    }
}

/// After a database failure: tell the window, wait a moment, start again
/// (or stop, if the backend stops meanwhile).
async fn failed(error: &crate::store::Error, control: &mut mpsc::Receiver<SmsControl>) -> Next {
    tracing::error!("the outbox stopped: {error:#}; starting again shortly");
    let deadline = tokio::time::Instant::now() + RESTART_AFTER;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => return Next::Restart,
            command = control.recv() => if command.is_none() {
                return Next::Exit;
            },
        }
    }
}

/// With no gateway, waits for settings that may open one.
async fn wait_for_new_settings(
    settings: &mut Settings,
    control: &mut mpsc::Receiver<SmsControl>,
) -> Next {
    loop {
        match control.recv().await {
            None => return Next::Exit,
            Some(SmsControl::Wake) => {}
            Some(SmsControl::Settings(new)) => {
                let changed = new.sms != settings.sms;
                *settings = *new;
                if changed {
                    return Next::Restart;
                }
            }
        }
    }
}

/// Reads the credit now and every [`BALANCE_EVERY`]; stops for a gateway
/// that sells none, or when the window is gone.
async fn poll_balance(gateway: Arc<dyn SmsGateway>, events: EventSender) {
    let mut every = tokio::time::interval(BALANCE_EVERY);
    loop {
        every.tick().await;
        let (balance, problem) = match gateway.balance().await {
            Ok(None) => return,
            Ok(Some(balance)) => (Some(balance.messages), None),
            Err(error) => {
                tracing::warn!("the SMS credit could not be read: {error}");
                (None, Some(error.to_string()))
            }
        };
        let shown = events.send(Event::SmsGateway {
            name: gateway.name().to_owned(),
            balance,
            problem,
        });
        if !shown {
            return;
        }
    }
}

/// The gateway's name as the settings file writes it (`dry-run`), for a
/// gateway that did not open.
fn gateway_name(settings: &Settings) -> String {
    serde_json::to_value(settings.sms.gateway)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "SMS gateway".to_owned())
}
