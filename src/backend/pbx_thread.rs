//! The thread that follows the phone: it keeps the PBX feed running (and
//! restarts it when its settings change), hands the feed's events to the
//! [`CallDesk`], and passes click-to-call and reconnect requests to the feed.
//!
//! It has its own connection to the database so that a pop-up never waits
//! behind a long list query on the store thread; its writes are one-row
//! transactions that `SQLite` serialises with the store thread's.

use std::path::PathBuf;
use std::thread::JoinHandle;

use tokio::sync::mpsc;

use super::call_desk::CallDesk;
use super::event::Event;
use super::store_thread::EventSender;
use crate::config::{PbxSettings, Settings};
use crate::domain::PhoneNumber;
use crate::pbx::ami::feed::AmiFeed;
use crate::pbx::originate::dial_string;
use crate::pbx::{
    FeedEvent, FeedRequest, LinkState, OriginateOutcome, OriginateRequest, PbxFeed as _, RequestId,
};
use crate::store::Store;

/// Feed events that may wait for the desk. The feed drops channel events
/// beyond this and catches up from a fresh list of channels (see
/// `pbx::ami::client`); the desk handles an event in well under a millisecond.
const FEED_QUEUE: usize = 4096;
/// Requests waiting for the feed: an agent clicks a few times at most.
const REQUEST_QUEUE: usize = 16;

/// What the rest of the backend asks of the PBX thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum PbxControl {
    /// The settings changed; the feed restarts when the PBX's did.
    Settings(Box<Settings>),
    /// Click-to-call.
    Dial {
        /// The customer's number.
        number: PhoneNumber,
        /// Shown on the agent's phone while it rings.
        caller_name: String,
    },
    /// Connect again now.
    Reconnect,
}

/// Starts the thread; it stops when the returned sender is dropped.
pub(super) fn spawn(
    store_path: PathBuf,
    settings: Settings,
    events: EventSender,
) -> std::io::Result<(mpsc::Sender<PbxControl>, JoinHandle<()>)> {
    let (control, control_receiver) = mpsc::channel(REQUEST_QUEUE);
    let thread = super::runtime_thread::spawn("pbx", move || async move {
        run(&store_path, settings, control_receiver, &events).await;
    })?;
    Ok((control, thread))
}

/// A running feed.
struct Link {
    requests: mpsc::Sender<FeedRequest>,
    events: mpsc::Receiver<FeedEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Link {
    /// The AMI feed for `settings`, or None when no PBX is set up.
    fn start(settings: &PbxSettings) -> Option<Self> {
        if settings.host.trim().is_empty() {
            return None;
        }
        let (requests, request_receiver) = mpsc::channel(REQUEST_QUEUE);
        let (event_sender, events) = mpsc::channel(FEED_QUEUE);
        let feed = Box::new(AmiFeed::new(settings));
        let task = tokio::spawn(feed.run(event_sender, request_receiver));
        Some(Self {
            requests,
            events,
            task,
        })
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(
    store_path: &std::path::Path,
    mut settings: Settings,
    mut control: mpsc::Receiver<PbxControl>,
    events: &EventSender,
) {
    let mut desk = match Store::open(store_path) {
        Ok(store) => CallDesk::new(store, &settings),
        Err(error) => {
            tracing::error!("the PBX thread could not open the database: {error:#}");
            events.send(Event::Failed {
                action: "open the call log",
                message: error.to_string(),
            });
            return;
        }
    };
    desk.warm_up();
    let mut next_request: RequestId = 0;
    loop {
        let mut link = Link::start(&settings.pbx);
        if link.is_none() {
            events.send(Event::PbxLink(LinkState::Off));
        }
        loop {
            let feed_event = async {
                match link.as_mut() {
                    Some(link) => link.events.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some(event) = feed_event => {
                    let mut window_open = true;
                    desk.handle(event, &mut |event| window_open &= events.send(event));
                    if !window_open {
                        return;
                    }
                }
                request = control.recv() => match request {
                    None => return,
                    Some(PbxControl::Settings(new)) => {
                        let restart = pbx_changed(&settings.pbx, &new.pbx);
                        desk.set_settings(&new);
                        settings = *new;
                        if restart {
                            break;
                        }
                    }
                    Some(PbxControl::Dial { number, caller_name }) => {
                        next_request += 1;
                        let shown = number.display().to_owned();
                        let dialled = dial_string(
                            &number,
                            &settings.pbx.outbound_prefix,
                            settings.phone.default_region,
                        );
                        let Ok(dialled) = dialled else {
                            events.send(Event::Dialled {
                                number: shown,
                                outcome: OriginateOutcome::NumberInvalid,
                            });
                            continue;
                        };
                        let Some(link) = link.as_ref() else {
                            events.send(CallDesk::not_connected(shown));
                            continue;
                        };
                        desk.dialling(next_request, shown.clone());
                        let caller_name = if caller_name.is_empty() {
                            desk.caller_name(&number)
                        } else {
                            caller_name
                        };
                        let request = FeedRequest::Originate(OriginateRequest {
                            id: next_request,
                            extension: settings.pbx.extension.clone(),
                            number: dialled,
                            caller_id_name: caller_name,
                        });
                        if link.requests.send(request).await.is_err() {
                            events.send(CallDesk::not_connected(shown));
                        }
                    }
                    Some(PbxControl::Reconnect) => match link.as_ref() {
                        Some(link) => {
                            link.requests.send(FeedRequest::Reconnect).await.ok();
                        }
                        None => {
                            events.send(Event::PbxLink(LinkState::Off));
                        }
                    },
                },
            }
        }
    }
}

/// Whether the feed must reconnect: the extension, the pop-up moment and
/// the outbound prefix apply without dropping the link.
fn pbx_changed(old: &PbxSettings, new: &PbxSettings) -> bool {
    old.host != new.host
        || old.port != new.port
        || old.user != new.user
        || old.secret != new.secret
        || old.tls != new.tls
}
