//! The transcripts recorded from a real Asterisk (`tests/data/ami/`),
//! decoded, for the unit tests of the mapping and the tracker.

use super::codec::{Decoder, Frame};
use super::events::channel_event;
use super::message::Message;
use crate::pbx::ChannelEvent;

/// The messages of the transcript `name`.
pub(crate) fn recorded(name: &str) -> Vec<Message> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ami")
        .join(format!("{name}.txt"));
    let mut decoder = Decoder::default();
    decoder.feed(&std::fs::read(path).unwrap());
    std::iter::from_fn(|| decoder.next_frame())
        .filter_map(|frame| match frame {
            Frame::Message(message) => Some(message),
            _ => None,
        })
        .collect()
}

/// The channel events of the transcript `name`.
pub(crate) fn recorded_events(name: &str) -> Vec<ChannelEvent> {
    recorded(name).iter().filter_map(channel_event).collect()
}
