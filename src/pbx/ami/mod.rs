//! Asterisk's Manager Interface (AMI): text frames of `Key: Value` lines
//! over TCP (5038, or TLS), and its events in ringdesk's PBX-neutral words.

pub mod codec;
pub mod events;
pub mod message;

pub use codec::{Decoder, Frame};
pub use events::{active_channel, channel_event};
pub use message::Message;
