//! What a PBX reports about its channels, in terms that are not Asterisk's
//! alone: a FreeSWITCH or vendor feed maps its own events to these, and the
//! tracker and the window never see the PBX's wire format.
//!
//! A call is several channels (the caller's leg, each phone it rings, queue
//! members' local legs) that share a `linked_id`.

/// A channel's state (Asterisk's `ChannelState` numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChannelState {
    /// Not yet in use or hung up (0).
    #[default]
    Down,
    /// Reserved, off hook or dialling (1–3, 8).
    Dialing,
    /// An incoming leg ringing at the PBX (4).
    Ring,
    /// A phone ringing (5).
    Ringing,
    /// Answered (6).
    Up,
    /// Busy (7).
    Busy,
    /// Anything else (9 pre-ring, or a number unknown to ringdesk).
    Other,
}

impl ChannelState {
    /// From Asterisk's `ChannelState` number.
    #[must_use]
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::Down,
            1..=3 | 8 => Self::Dialing,
            4 => Self::Ring,
            5 => Self::Ringing,
            6 => Self::Up,
            7 => Self::Busy,
            _ => Self::Other,
        }
    }
}

/// A number and a name as the PBX shows them; empty when unknown (the feed
/// turns Asterisk's literal `<unknown>` into "").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// The number, as given (may carry a trunk prefix, may be "anonymous").
    pub number: String,
    /// The display name.
    pub name: String,
}

/// One channel as an event describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelInfo {
    /// The channel's name, e.g. `PJSIP/1001-00000001` or `Local/1001@agents-00000000;2`.
    pub channel: String,
    /// This channel's id.
    pub unique_id: String,
    /// The id shared by every channel of one call.
    pub linked_id: String,
    /// Its state.
    pub state: ChannelState,
    /// The caller ID on this channel.
    pub caller: Party,
    /// The party on the other end of this channel.
    pub connected: Party,
    /// The dialplan extension (the DID on an incoming trunk leg).
    pub exten: String,
    /// The dialplan context.
    pub context: String,
}

/// How a dial attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialStatus {
    /// Picked up.
    Answer,
    /// The callee was busy.
    Busy,
    /// Nobody picked up before the timeout.
    NoAnswer,
    /// The caller gave up, or another phone answered (ring groups, queues).
    Cancel,
    /// No route, all circuits busy.
    Congestion,
    /// The device is not reachable.
    Unavailable,
    /// Anything else, as the PBX named it.
    Other(String),
}

impl DialStatus {
    /// From Asterisk's `DialStatus` value.
    #[must_use]
    pub fn from_name(name: &str) -> Self {
        match name {
            "ANSWER" => Self::Answer,
            "BUSY" => Self::Busy,
            "NOANSWER" => Self::NoAnswer,
            "CANCEL" => Self::Cancel,
            "CONGESTION" => Self::Congestion,
            "CHANUNAVAIL" => Self::Unavailable,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A channel that exists when the feed (re)connects, from the PBX's list of
/// channels (Asterisk `CoreShowChannels`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveChannel {
    /// The channel.
    pub info: ChannelInfo,
    /// The bridge it is in, empty when none.
    pub bridge: String,
    /// How long it has existed, in seconds.
    pub seconds: u64,
}

/// Something that happened to a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelEvent {
    /// A channel was created.
    Created(ChannelInfo),
    /// A channel changed state (ringing, up, busy).
    StateChanged(ChannelInfo),
    /// A channel's caller or connected party changed.
    PartyChanged(ChannelInfo),
    /// `caller` started dialling `dest`. `caller` is missing when the PBX
    /// itself dials (click-to-call's first leg).
    DialBegin {
        /// The dialling channel.
        caller: Option<ChannelInfo>,
        /// The dialled channel.
        dest: ChannelInfo,
        /// What was dialled, e.g. `1001` or `PJSIP/1001`.
        dial_string: String,
    },
    /// A dial attempt ended.
    DialEnd {
        /// The dialling channel, when there is one.
        caller: Option<ChannelInfo>,
        /// The dialled channel.
        dest: ChannelInfo,
        /// How it ended.
        status: DialStatus,
    },
    /// A channel joined a bridge (two parties talking).
    BridgeEnter {
        /// The channel.
        channel: ChannelInfo,
        /// The bridge's id.
        bridge: String,
    },
    /// A channel left a bridge.
    BridgeLeave {
        /// The channel.
        channel: ChannelInfo,
        /// The bridge's id.
        bridge: String,
    },
    /// A channel hung up.
    HungUp {
        /// The channel.
        channel: ChannelInfo,
        /// Q.850 cause code (16 normal, 17 busy, 26 answered elsewhere…).
        cause: u16,
        /// The PBX's text for it.
        cause_text: String,
    },
    /// A queue rang one of its members.
    AgentCalled {
        /// The caller's channel.
        caller: ChannelInfo,
        /// The member's channel (for Asterisk, often a `Local/…;1` leg).
        member: ChannelInfo,
        /// The queue's name.
        queue: String,
        /// The member's interface, e.g. `Local/1001@agents` or `PJSIP/1001`.
        interface: String,
    },
    /// A queue member answered.
    AgentConnected {
        /// The caller's channel.
        caller: ChannelInfo,
        /// The member's channel.
        member: ChannelInfo,
        /// The queue's name.
        queue: String,
        /// The member's interface.
        interface: String,
    },
    /// The caller gave up while waiting in a queue.
    QueueAbandoned {
        /// The caller's channel.
        caller: ChannelInfo,
        /// The queue's name.
        queue: String,
    },
}
