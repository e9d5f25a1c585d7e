//! The seam between a PBX and the rest of ringdesk.
//!
//! A [`PbxFeed`] runs as one task: it keeps its link to the PBX, reports the
//! link's state and every channel event in the order they arrived, and
//! carries out requests (click-to-call). Asterisk's AMI is the first feed;
//! FreeSWITCH's event socket or a vendor PBX implement the same trait, and
//! the tracker and the window do not change.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::mpsc;

use super::channel::{ActiveChannel, ChannelEvent};
use crate::domain::Timestamp;

/// Ties an [`OriginateOutcome`] to its [`OriginateRequest`].
pub type RequestId = u64;

/// The state of the link to the PBX, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// No PBX is set up (no host in the settings).
    Off,
    /// Connecting or logging in.
    Connecting,
    /// Logged in and receiving events.
    Connected {
        /// The PBX's own version, e.g. `22.10.1`.
        pbx_version: String,
    },
    /// The PBX refused the user or secret; the feed waits for new settings
    /// or a manual reconnect instead of retrying.
    LoginFailed {
        /// The PBX's words.
        reason: String,
    },
    /// The link broke or could not be made; the next attempt is in `in_secs`.
    Retrying {
        /// Seconds until the next attempt.
        in_secs: u64,
        /// What went wrong.
        reason: String,
    },
}

/// Ring the agent's phone, then dial a number from it (click-to-call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginateRequest {
    /// Ties the outcome to this request.
    pub id: RequestId,
    /// The agent's extension, rung first.
    pub extension: String,
    /// The digits dialled once the agent answers, outbound prefix included.
    pub number: String,
    /// Shown on the agent's phone while it rings (the customer's name).
    pub caller_id_name: String,
}

/// How a click-to-call attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginateOutcome {
    /// The agent answered and the number is being dialled.
    Dialling,
    /// There is no link to the PBX.
    NotConnected,
    /// The PBX user may not originate calls (manager.conf `originate` right).
    NotPermitted(String),
    /// The agent's phone did not answer (or was busy or unreachable).
    AgentDidNotAnswer,
    /// The PBX could not dial the number.
    NumberInvalid,
    /// Anything else, in the PBX's words.
    Failed(String),
}

/// What a feed reports, in order.
#[expect(
    clippy::large_enum_variant,
    reason = "channel events are nearly all of them; boxing would allocate for each"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// The link changed state.
    Link(LinkState),
    /// A channel event, stamped when it arrived.
    Channel {
        /// When it arrived.
        at: Timestamp,
        /// What happened.
        event: ChannelEvent,
    },
    /// Every channel the PBX had when the feed (re)connected or caught up
    /// after falling behind: calls that ended meanwhile are absent.
    Snapshot {
        /// When the list was complete.
        at: Timestamp,
        /// The channels.
        channels: Vec<ActiveChannel>,
    },
    /// A click-to-call request ended.
    Originated {
        /// The request.
        id: RequestId,
        /// How it went.
        outcome: OriginateOutcome,
    },
}

/// What the rest of ringdesk asks of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedRequest {
    /// Click-to-call; answered by [`FeedEvent::Originated`].
    Originate(OriginateRequest),
    /// Drop the link and connect again now (after a login failure, or by hand).
    Reconnect,
}

/// A PBX's event feed.
pub trait PbxFeed: Send + 'static {
    /// Runs until `requests` closes or `events` is dropped: keeps the link
    /// up, sends what happens to `events` and carries out `requests`.
    fn run(
        self: Box<Self>,
        events: mpsc::Sender<FeedEvent>,
        requests: mpsc::Receiver<FeedRequest>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}
