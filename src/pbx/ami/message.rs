//! One AMI message: the ordered `Key: Value` pairs of a frame.
//!
//! Keys repeat (`ChanVariable`, `Output`), so a message is a list, not a map.
//! All keys and values of a frame live in one string with spans into it:
//! two allocations a frame instead of two a line, which is what lets the
//! codec keep up with a busy PBX. The decoder keeps the frame's text as it
//! came (separators and all) and points into it, so a decoded frame is one
//! copy; two messages are equal when their pairs are, however they are held.

use std::fmt;
use std::ops::Range;

/// One AMI frame as ordered key/value pairs.
#[derive(Clone, Default)]
pub struct Message {
    text: String,
    pairs: Vec<(Range<u32>, Range<u32>)>,
}

impl Message {
    /// An empty message; add pairs with [`Message::push`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A message from pairs, in order.
    #[must_use]
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut message = Self::new();
        for (key, value) in pairs {
            message.push(key, value);
        }
        message
    }

    /// A message over `text` with `pairs` as spans into it (the decoder's
    /// fast path: the frame's bytes as they came, one copy).
    pub(super) fn from_spans(text: String, pairs: Vec<(Range<u32>, Range<u32>)>) -> Self {
        Self { text, pairs }
    }

    /// Appends one pair.
    pub fn push(&mut self, key: &str, value: &str) {
        let key = self.append(key);
        let value = self.append(value);
        self.pairs.push((key, value));
    }

    fn append(&mut self, part: &str) -> Range<u32> {
        // A frame is capped far below 4 GiB by the decoder; saturate rather
        // than wrap for hand-built messages.
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(part);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        start..end
    }

    fn slice(&self, span: &Range<u32>) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    /// The pairs in the order they arrived.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(key, value)| (self.slice(key), self.slice(value)))
    }

    /// How many pairs the message holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True for a message without pairs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The first value of `key` (keys compare without regard to ASCII case).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    }

    /// Every value of `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs()
            .filter(move |(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    }

    /// The value of `key`, or "" when it is missing.
    #[must_use]
    pub fn value(&self, key: &str) -> &str {
        self.get(key).unwrap_or_default()
    }

    /// The event name, for an event.
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        self.first_is("Event")
    }

    /// The response kind (`Success`, `Error`, `Follows`, `Goodbye`), for a response.
    #[must_use]
    pub fn response(&self) -> Option<&str> {
        self.first_is("Response")
    }

    /// The action name, for an action (what a client sends).
    #[must_use]
    pub fn action(&self) -> Option<&str> {
        self.first_is("Action")
    }

    /// The id that ties a response (and a list's events) to its action.
    #[must_use]
    pub fn action_id(&self) -> Option<&str> {
        self.get("ActionID")
    }

    /// The value of the first pair when its key is `key`: events, responses
    /// and actions name themselves first.
    fn first_is(&self, key: &str) -> Option<&str> {
        self.pairs()
            .next()
            .filter(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    }

    /// The message as AMI bytes: `Key: Value` lines and an empty line, CRLF.
    /// Carriage returns and line feeds inside a value become spaces: a caller
    /// name must never be able to start a new line of an action.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.text.len() + self.pairs.len() * 4 + 2);
        for (key, value) in self.pairs() {
            push_clean(&mut bytes, key);
            bytes.extend_from_slice(b": ");
            push_clean(&mut bytes, value);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"\r\n");
        bytes
    }
}

fn push_clean(bytes: &mut Vec<u8>, text: &str) {
    bytes.extend(text.bytes().map(|byte| {
        if byte == b'\r' || byte == b'\n' {
            b' '
        } else {
            byte
        }
    }));
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.pairs.len() == other.pairs.len() && self.pairs().eq(other.pairs())
    }
}

impl Eq for Message {}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.pairs()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_keep_their_order() {
        let message = Message::from_pairs([
            ("Response", "Follows"),
            ("Output", "one"),
            ("Output", "two"),
        ]);
        assert_eq!(message.response(), Some("Follows"));
        assert_eq!(
            message.get_all("output").collect::<Vec<_>>(),
            ["one", "two"]
        );
        assert_eq!(message.event(), None);
    }

    #[test]
    fn values_cannot_start_a_new_line() {
        let message =
            Message::from_pairs([("Action", "Originate"), ("CallerID", "a\r\nAction: Logoff")]);
        assert_eq!(
            message.to_bytes(),
            b"Action: Originate\r\nCallerID: a  Action: Logoff\r\n\r\n"
        );
    }
}
