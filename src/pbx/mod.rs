//! The phone system: a feed of call events from the PBX (Asterisk's Manager
//! Interface first), the tracker that turns them into this agent's calls, and
//! click-to-call.
//!
//! | module | responsible for |
//! |---|---|
//! | [`caller_number`] | the other party's number as the PBX gives it, made usable |
//! | [`channel`] | what any PBX reports about a channel, in ringdesk's words |
//! | [`feed`] | the [`feed::PbxFeed`] trait every PBX implements, its events and requests |
//! | [`endpoint`] | which phone or trunk a channel belongs to, from its name |
//! | [`tracker`] | this agent's calls (ringing, answered, ended) from the channel events |
//! | [`originate`] | what click-to-call dials |
//! | [`ami`] | Asterisk: the wire format, the client, AMI events as channel events |

pub mod ami;
pub mod caller_number;
pub mod channel;
pub mod endpoint;
pub mod feed;
pub mod originate;
pub mod tracker;

pub use channel::{ActiveChannel, ChannelEvent, ChannelInfo, ChannelState, DialStatus, Party};
pub use feed::{
    FeedEvent, FeedRequest, LinkState, OriginateOutcome, OriginateRequest, PbxFeed, RequestId,
};
pub use tracker::{CallChange, CallUpdate, TrackedCall, Tracker};
