//! Asterisk's Manager Interface (AMI): text frames of `Key: Value` lines
//! over TCP (5038, or TLS), and its events in ringdesk's PBX-neutral words.
//!
//! | module | responsible for |
//! |---|---|
//! | [`codec`] | bytes to frames and messages to bytes, no I/O |
//! | [`message`] | one frame's ordered pairs |
//! | [`events`] | AMI events as PBX-neutral channel events |
//! | [`client`] | the live session: connect, log in, keep alive, reconnect, click-to-call |
//! | [`feed`] | the client and the events together as a [`crate::pbx::PbxFeed`] |
//! | [`settings`] | where the PBX is, the account, the timings |
//! | [`login`] | the login actions (MD5 challenge or plain secret) |
//! | [`originate`] | the `Originate` action and what its answers mean |
//! | [`backoff`] | reconnect delays |
//! | [`transport`] | TCP or TLS to the PBX |
//! | [`error`] | why a link ended |

pub mod backoff;
pub mod client;
pub mod codec;
pub mod error;
pub mod events;
pub mod feed;
pub mod login;
pub mod message;
pub mod originate;
#[cfg(test)]
pub(crate) mod recorded;
pub mod settings;
pub mod transport;

pub use client::{ClientEvent, run};
pub use codec::{Decoder, Frame};
pub use error::LinkError;
pub use events::{active_channel, channel_event};
pub use message::Message;
pub use settings::{AmiSettings, DEFAULT_EVENTS_MASK, DEFAULT_PORT, DEFAULT_WANTED_EVENTS};
