//! The AMI wire format, without I/O: bytes in, [`Frame`]s out.
//!
//! A frame is `Key: Value` lines ended by an empty line. TCP splits and
//! joins frames at any byte, so the decoder buffers until a frame is whole.
//! It accepts CRLF and bare LF, skips stray blank lines, reads the one-line
//! banner (`Asterisk Call Manager/11.0.0`) that opens a connection, and the
//! old `Response: Follows` form whose raw command output may hold blank
//! lines up to `--END COMMAND--`. Text that is not UTF-8 (caller names from
//! Korean trunks arrive in EUC-KR) is decoded as CP949, then Shift_JIS,
//! never dropped. A frame that grows past the size limit is skipped up to
//! its end and reported, so a broken peer cannot make the buffer grow forever.

use std::ops::Range;

use memchr::{memchr_iter, memmem};

use super::message::Message;

/// Frames larger than this are dropped: the biggest real frames (a
/// `CoreShowChannel` with many variables) are a few KiB.
pub const DEFAULT_MAX_FRAME: usize = 64 * 1024;

const BANNER: &[u8] = b"Asterisk Call Manager/";
const END_COMMAND: &[u8] = b"--END COMMAND--";
const FOLLOWS: &[u8] = b"Response: Follows";

/// What the decoder hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The greeting line, e.g. `Asterisk Call Manager/11.0.0`.
    Banner(String),
    /// A whole message.
    Message(Message),
    /// A frame over the size limit was dropped; this many bytes were skipped.
    Oversized(usize),
}

/// Turns a byte stream into frames.
#[derive(Debug)]
pub struct Decoder {
    buffer: Vec<u8>,
    /// Where the next frame starts in `buffer`.
    start: usize,
    /// How far from `start` has been searched for a frame end already.
    searched: usize,
    max_frame: usize,
    /// At the beginning of the stream, where the banner may be.
    at_stream_start: bool,
    /// Dropping an oversized frame up to its end.
    skipping: bool,
    skipped: usize,
    /// The empty line that ends a frame, as Asterisk sends it (CRLF)…
    crlf_blank: memmem::Finder<'static>,
    /// …and with bare line feeds.
    lf_blank: memmem::Finder<'static>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME)
    }
}

impl Decoder {
    /// A decoder that drops frames over `max_frame` bytes.
    #[must_use]
    pub fn new(max_frame: usize) -> Self {
        Self {
            buffer: Vec::with_capacity(8 * 1024),
            start: 0,
            searched: 0,
            max_frame,
            at_stream_start: true,
            skipping: false,
            skipped: 0,
            crlf_blank: memmem::Finder::new(b"\n\r\n"),
            lf_blank: memmem::Finder::new(b"\n\n"),
        }
    }

    /// Adds bytes as they came off the socket.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buffer.len() {
            self.buffer.clear();
            self.start = 0;
        } else if self.start > self.buffer.capacity() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// Bytes held that do not yet make a frame.
    #[must_use]
    pub fn pending(&self) -> usize {
        self.buffer.len() - self.start
    }

    /// The next whole frame, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if self.skipping {
                let Some(end) = self.frame_end() else {
                    self.drop_all_but_tail();
                    return None;
                };
                self.skipped += end - self.start;
                self.consume(end);
                self.skipping = false;
                return Some(Frame::Oversized(std::mem::take(&mut self.skipped)));
            }
            self.skip_blank_lines();
            if self.at_stream_start {
                let rest = &self.buffer[self.start..];
                let Some(line_end) = memchr::memchr(b'\n', rest) else {
                    if self.pending() <= self.max_frame {
                        return None;
                    }
                    self.at_stream_start = false;
                    continue;
                };
                self.at_stream_start = false;
                if rest.starts_with(BANNER) {
                    let banner = decode(trim_cr(&rest[..line_end])).into_owned();
                    self.consume(self.start + line_end + 1);
                    return Some(Frame::Banner(banner));
                }
            }
            if let Some(end) = self.frame_end() {
                let message = parse(&self.buffer[self.start..end]);
                self.consume(end);
                if message.is_empty() {
                    continue;
                }
                return Some(Frame::Message(message));
            }
            if self.pending() > self.max_frame {
                self.skipped = 0;
                self.drop_all_but_tail();
                self.skipping = true;
                continue;
            }
            return None;
        }
    }

    /// Drops what is buffered of an oversized frame but its last bytes, where
    /// the frame's end may have begun.
    fn drop_all_but_tail(&mut self) {
        let keep = 3.min(self.pending());
        self.skipped += self.pending() - keep;
        self.consume(self.buffer.len() - keep);
    }

    fn consume(&mut self, end: usize) {
        self.start = end;
        self.searched = 0;
    }

    fn skip_blank_lines(&mut self) {
        loop {
            let rest = &self.buffer[self.start..];
            if rest.starts_with(b"\n") {
                self.start += 1;
            } else if rest.starts_with(b"\r\n") {
                self.start += 2;
            } else {
                return;
            }
        }
    }

    /// The index just past the empty line that ends the frame at `start`.
    fn frame_end(&mut self) -> Option<usize> {
        let rest = &self.buffer[self.start..];
        if rest.starts_with(FOLLOWS) {
            return self.legacy_frame_end();
        }
        // Two vectorised searches beat looking at every line end: the CRLF
        // form first, then bare LF only as far as that (a frame could mix
        // both, the first empty line wins).
        let from = self.searched;
        let window = &rest[from..];
        let crlf = self.crlf_blank.find(window);
        let lf_window = crlf.map_or(window, |at| &window[..=at]);
        let end = match (self.lf_blank.find(lf_window), crlf) {
            (Some(at), _) => at + 2,
            (None, Some(at)) => at + 3,
            (None, None) => {
                // An end may start in the last two bytes and finish later.
                self.searched = rest.len().saturating_sub(2);
                return None;
            }
        };
        Some(self.start + from + end)
    }

    /// [`Decoder::frame_end`] for a `Response: Follows` frame, whose old form
    /// may hold empty lines before `--END COMMAND--`.
    fn legacy_frame_end(&mut self) -> Option<usize> {
        let rest = &self.buffer[self.start..];
        let from = self.searched;
        for newline in memchr_iter(b'\n', &rest[from..]).map(|at| at + from) {
            let after = &rest[newline + 1..];
            let blank = if after.starts_with(b"\n") {
                Some(1)
            } else if after.starts_with(b"\r\n") {
                Some(2)
            } else if after.is_empty() || after == b"\r" {
                // The next line may yet be empty: look again from here.
                self.searched = newline;
                return None;
            } else {
                None
            };
            let Some(blank) = blank else { continue };
            if !legacy_output_ended(&rest[..newline]) {
                continue;
            }
            return Some(self.start + newline + 1 + blank);
        }
        self.searched = rest.len();
        None
    }
}

/// In the old `Response: Follows` form, raw output lines (without a colon)
/// run to `--END COMMAND--` and may include empty lines; the new form has
/// `Output:` pairs and ends at the first empty line like any frame.
fn legacy_output_ended(frame: &[u8]) -> bool {
    let mut raw_output = false;
    for line in frame.split(|byte| *byte == b'\n').map(trim_cr).skip(1) {
        if line == END_COMMAND {
            return true;
        }
        if !line.contains(&b':') {
            raw_output = true;
        }
    }
    !raw_output
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One frame's lines as pairs. A line without a colon (raw command output)
/// is kept as an `Output` pair so nothing is lost; `--END COMMAND--` is not.
fn parse(frame: &[u8]) -> Message {
    std::str::from_utf8(frame)
        .ok()
        .and_then(parse_utf8)
        .unwrap_or_else(|| parse_pieces(frame))
}

/// The fast path for a frame that is UTF-8 and all `Key: Value` lines (every
/// event and response but old command output): one validation, one copy,
/// spans into it. `None` sends the frame down the general path.
fn parse_utf8(text: &str) -> Option<Message> {
    let bytes = text.as_bytes();
    u32::try_from(bytes.len()).ok()?;
    let span = |range: Range<usize>| -> Range<u32> {
        // In range: the whole text's length fits in a u32 (checked above).
        u32::try_from(range.start).unwrap_or(u32::MAX)..u32::try_from(range.end).unwrap_or(u32::MAX)
    };
    // Lines run about 16 bytes; a few more pairs than that cost one realloc.
    let mut pairs = Vec::with_capacity(bytes.len() / 16 + 2);
    let mut line_start = 0;
    let mut colon = None;
    // One pass over the frame for both the line ends and each line's first
    // colon: per-line searches would pay their setup 20 times a frame.
    for at in memchr::memchr2_iter(b':', b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if bytes.get(at) == Some(&b':') {
            colon = colon.or(Some(at));
            continue;
        }
        let start = line_start;
        line_start = at + 1;
        let line = trim_cr(&bytes[start..at]);
        let colon = colon.take();
        if line.is_empty() {
            continue;
        }
        let colon = colon?;
        let value = if bytes.get(colon + 1) == Some(&b' ') && colon + 1 < start + line.len() {
            colon + 2
        } else {
            colon + 1
        };
        pairs.push((span(start..colon), span(value..start + line.len())));
    }
    Some(Message::from_spans(text.to_owned(), pairs))
}

/// The general path: each piece decoded on its own (CP949, Shift_JIS), raw
/// output lines kept as `Output`.
fn parse_pieces(frame: &[u8]) -> Message {
    let mut message = Message::new();
    for line in frame.split(|byte| *byte == b'\n').map(trim_cr) {
        if line.is_empty() || line == END_COMMAND {
            continue;
        }
        match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                let value = value.strip_prefix(b" ").unwrap_or(value);
                message.push(&decode(&line[..colon]), &decode(value));
            }
            None => message.push("Output", &decode(line)),
        }
    }
    message
}

/// Text as UTF-8 when it is; otherwise as CP949 (EUC-KR's superset, what
/// Korean trunks send), then Shift_JIS; otherwise with replacement marks
/// rather than failing.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.into();
    }
    for encoding in [encoding_rs::EUC_KR, encoding_rs::SHIFT_JIS] {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            return text.into_owned().into();
        }
    }
    String::from_utf8_lossy(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(decoder: &mut Decoder) -> Vec<Frame> {
        std::iter::from_fn(|| decoder.next_frame()).collect()
    }

    fn messages(bytes: &[u8]) -> Vec<Message> {
        let mut decoder = Decoder::default();
        decoder.feed(bytes);
        all(&mut decoder)
            .into_iter()
            .filter_map(|frame| match frame {
                Frame::Message(message) => Some(message),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn banner_then_frames_with_crlf_or_lf() {
        let mut decoder = Decoder::default();
        decoder.feed(
            b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: 1\r\n\r\n\
              \n\r\nEvent: FullyBooted\nStatus: Fully Booted\n\n",
        );
        let frames = all(&mut decoder);
        assert_eq!(
            frames[0],
            Frame::Banner("Asterisk Call Manager/11.0.0".to_owned())
        );
        let Frame::Message(first) = &frames[1] else {
            panic!("{frames:?}")
        };
        assert_eq!(first.response(), Some("Success"));
        assert_eq!(first.action_id(), Some("1"));
        let Frame::Message(second) = &frames[2] else {
            panic!("{frames:?}")
        };
        assert_eq!(second.event(), Some("FullyBooted"));
        assert_eq!(frames.len(), 3);
        assert_eq!(decoder.pending(), 0);
    }

    #[test]
    fn a_frame_split_at_every_byte_comes_out_whole() {
        let bytes = b"Response: Success\r\nPing: Pong\r\n\r\nEvent: Hangup\r\nCause: 16\r\n\r\n";
        let mut decoder = Decoder::default();
        let mut frames = Vec::new();
        for byte in bytes {
            decoder.feed(std::slice::from_ref(byte));
            frames.extend(all(&mut decoder));
        }
        assert_eq!(frames.len(), 2, "{frames:?}");
    }

    #[test]
    fn empty_values_and_colons_in_values_are_kept() {
        let message = &messages(b"Event: Newexten\r\nAccountCode: \r\nAppData: a:b: c\r\n\r\n")[0];
        assert_eq!(message.get("AccountCode"), Some(""));
        assert_eq!(message.get("AppData"), Some("a:b: c"));
    }

    #[test]
    fn command_output_new_and_legacy_forms() {
        let new = &messages(
            b"Response: Follows\r\nActionID: c\r\nOutput: line one\r\nOutput: line two\r\n\r\n",
        )[0];
        assert_eq!(
            new.get_all("Output").collect::<Vec<_>>(),
            ["line one", "line two"]
        );
        let legacy = messages(
            b"Response: Follows\r\nPrivilege: Command\r\nActionID: c\r\nChannel  Location\r\n\r\nsecond block\r\n--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n",
        );
        assert_eq!(legacy.len(), 2, "{legacy:?}");
        assert_eq!(
            legacy[0].get_all("Output").collect::<Vec<_>>(),
            ["Channel  Location", "second block"]
        );
        assert_eq!(legacy[1].event(), Some("Next"));
    }

    #[test]
    fn euc_kr_caller_names_are_decoded() {
        let (name, _, _) = encoding_rs::EUC_KR.encode("홍길동");
        let mut bytes = b"Event: Newchannel\r\nCallerIDName: ".to_vec();
        bytes.extend_from_slice(&name);
        bytes.extend_from_slice(b"\r\n\r\n");
        assert_eq!(messages(&bytes)[0].get("CallerIDName"), Some("홍길동"));
    }

    #[test]
    fn an_oversized_frame_is_dropped_and_the_next_one_read() {
        let mut decoder = Decoder::new(64);
        decoder.feed(b"Event: Big\r\n");
        for _ in 0..10 {
            decoder.feed(b"Variable: xxxxxxxxxxxxxxxxxxxx\r\n");
            while decoder.next_frame().is_some() {}
            assert!(decoder.pending() <= 64 + 32);
        }
        decoder.feed(b"\r\nEvent: Small\r\n\r\n");
        let frames = all(&mut decoder);
        assert!(
            matches!(frames.as_slice(), [Frame::Oversized(_), Frame::Message(m)] if m.event() == Some("Small")),
            "{frames:?}"
        );
    }

    #[test]
    fn every_fixture_decodes_the_same_however_it_is_split() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ami");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "txt") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let whole = {
                let mut decoder = Decoder::default();
                decoder.feed(&bytes);
                all(&mut decoder)
            };
            assert!(matches!(whole.first(), Some(Frame::Banner(_))), "{path:?}");
            assert!(whole.len() >= 2, "{path:?}");
            assert!(
                !whole
                    .iter()
                    .any(|frame| matches!(frame, Frame::Oversized(_)))
            );
            let mut decoder = Decoder::default();
            let mut pieces = Vec::new();
            for chunk in bytes.chunks(7) {
                decoder.feed(chunk);
                pieces.extend(all(&mut decoder));
            }
            assert_eq!(pieces, whole, "{path:?}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_and_stay_bounded(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..40)
        ) {
            let mut decoder = Decoder::new(512);
            for chunk in &chunks {
                decoder.feed(chunk);
                while decoder.next_frame().is_some() {}
                prop_assert!(decoder.pending() <= 512 + 200);
            }
        }

        #[test]
        fn messages_survive_encoding_and_any_split(
            pairs in proptest::collection::vec(("[A-Za-z][A-Za-z0-9]{0,12}", "[^\r\n]{0,30}"), 1..12),
            split in 1usize..64,
        ) {
            let message = Message::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let bytes = message.to_bytes();
            let mut decoder = Decoder { at_stream_start: false, ..Decoder::default() };
            let mut out = Vec::new();
            for chunk in bytes.chunks(split) {
                decoder.feed(chunk);
                out.extend(all(&mut decoder));
            }
            let expected = pairs;
            let Some(Frame::Message(decoded)) = out.first() else {
                return Err(TestCaseError::fail(format!("{out:?}")));
            };
            let got: Vec<(String, String)> = decoded.pairs().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            prop_assert_eq!(got.len(), expected.len());
            for ((gk, gv), (ek, ev)) in got.iter().zip(&expected) {
                prop_assert_eq!(gk, ek);
                prop_assert_eq!(gv.as_str(), ev.as_str());
            }
        }
    }
}
