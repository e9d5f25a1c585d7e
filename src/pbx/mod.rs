//! The phone system: a feed of call events from the PBX (Asterisk's Manager
//! Interface first), the tracker that turns them into this agent's calls, and
//! click-to-call.
//!
//! | module | responsible for |
//! |---|---|
//! | [`channel`] | what any PBX reports about a channel, in ringdesk's words |
//! | [`feed`] | the [`feed::PbxFeed`] trait every PBX implements, its events and requests |
//! | [`ami`] | Asterisk: the wire format, the client, AMI events as channel events |

pub mod ami;
pub mod channel;
pub mod feed;

pub use channel::{ActiveChannel, ChannelEvent, ChannelInfo, ChannelState, DialStatus, Party};
pub use feed::{
    FeedEvent, FeedRequest, LinkState, OriginateOutcome, OriginateRequest, PbxFeed, RequestId,
};
