//! Asterisk as a [`PbxFeed`]: the AMI client's messages turned into
//! channel events, in the order they arrived.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

use super::client::{self, ClientEvent};
use super::events::{active_channel, channel_event};
use super::settings::AmiSettings;
use crate::config::PbxSettings;
use crate::pbx::{FeedEvent, FeedRequest, PbxFeed};

/// Messages the client may hold for the mapping below; it is quick, so
/// this only smooths bursts.
const CLIENT_QUEUE: usize = 1024;

/// The Asterisk Manager Interface feed.
#[derive(Debug, Clone)]
pub struct AmiFeed {
    settings: AmiSettings,
}

impl AmiFeed {
    /// A feed for the PBX in `settings`.
    #[must_use]
    pub fn new(settings: &PbxSettings) -> Self {
        let mut ami = AmiSettings::new(
            settings.host.trim(),
            settings.port,
            &settings.user,
            &settings.secret,
        );
        ami.tls = settings.tls;
        Self { settings: ami }
    }

    /// A feed with every client setting given (tests, `pbx watch`).
    #[must_use]
    pub fn with_settings(settings: AmiSettings) -> Self {
        Self { settings }
    }
}

impl PbxFeed for AmiFeed {
    fn run(
        self: Box<Self>,
        events: mpsc::Sender<FeedEvent>,
        requests: mpsc::Receiver<FeedRequest>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move {
            let (client_events, mut messages) = mpsc::channel(CLIENT_QUEUE);
            let client = tokio::spawn(client::run(self.settings, client_events, requests));
            while let Some(message) = messages.recv().await {
                let Some(event) = feed_event(message) else {
                    continue;
                };
                if events.send(event).await.is_err() {
                    break;
                }
            }
            client.abort();
        })
    }
}

fn feed_event(event: ClientEvent) -> Option<FeedEvent> {
    Some(match event {
        ClientEvent::Link(state) => FeedEvent::Link(state),
        ClientEvent::Message { at, message } => FeedEvent::Channel {
            at,
            event: channel_event(&message)?,
        },
        ClientEvent::Snapshot { at, channels } => FeedEvent::Snapshot {
            at,
            channels: channels.iter().filter_map(active_channel).collect(),
        },
        ClientEvent::Originated { id, outcome } => FeedEvent::Originated { id, outcome },
    })
}
