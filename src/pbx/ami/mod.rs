//! Asterisk's Manager Interface (AMI): text frames of `Key: Value` lines
//! over TCP (5038, or TLS).

pub mod codec;
pub mod message;

pub use codec::{Decoder, Frame};
pub use message::Message;
