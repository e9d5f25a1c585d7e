//! How long a message is, in the units the carrier bills, and which kind
//! that makes it.
//!
//! **To a Korean number** a message is counted in EUC-KR bytes, as Korean
//! carriers and gateways count it: ASCII 1 byte, Hangul and KS X 1001 hanja
//! and symbols 2 bytes. The kind follows from the count and the extras:
//!
//! * an attached JPEG makes an MMS (body up to the LMS limit);
//! * else a subject makes an LMS, because only an LMS carries one (clearing
//!   the subject gives the cheaper SMS back);
//! * else up to [`Limits::sms_max_bytes`] (90) is an SMS and up to
//!   [`Limits::lms_max_bytes`] (2,000) an LMS; longer is refused.
//!
//! The encoder is `encoding_rs::EUC_KR`, which is really windows-949
//! (CP949, "unified Hangul code"). So the 8,822 modern syllables that
//! KS X 1001 lacks (똠, 햏, 뷁…) are counted as CP949 writes them, 2 bytes,
//! and are *not* flagged: Korean SMS gateways take CP949 (MS949) text, and
//! refusing a customer's name for a strictness they do not apply would be
//! worse. What CP949 cannot carry at all (emoji,
//! hanja outside KS X 1001 such as 㐀 or 𠀀, most other scripts) is listed
//! with its character index so the composer can point at it; such a
//! character is counted as 2 bytes, what the Hangul or hanja that replaces
//! it will take, so the count does not jump while the agent fixes it.
//! Line breaks count as typed (`\n` is 1 byte).
//!
//! **Abroad** the same text goes as international SMS, counted in GSM 03.38
//! septets when every character is in the GSM-7 alphabet (the extension
//! table's `{}[]~^|\€` take 2) and in UTF-16 units (UCS-2) otherwise: 160
//! septets or 70 units fit one SMS; a longer text is split into parts of 153
//! or 67, because each part carries a 6-byte concatenation header. A part
//! never splits an escape pair or a surrogate pair, which the count honours.
//!
//! Counting a 2,000-byte message takes a few microseconds (`benches/sms.rs`),
//! so it can run on every keystroke.

use encoding_rs::{EUC_KR, EncoderResult};

use super::Field;
use crate::config::SmsSettings;
use crate::domain::{MessageKind, PhoneNumber};

/// Most EUC-KR bytes in an LMS/MMS subject (제목), as Korean gateways take it.
///
/// Templates store up to [`crate::domain::template::SUBJECT_MAX_CHARS`]
/// characters; this is the stricter limit checked when a message is composed.
pub const SUBJECT_MAX_BYTES: usize = 40;

/// Largest MMS picture, in bytes. Carriers say "300 KB"; read as 300,000
/// bytes, the stricter reading, so no picture the composer accepts is
/// refused by a gateway that means the decimal kilobyte.
pub const IMAGE_MAX_BYTES: u64 = 300_000;

/// Most parts an international message may be split into. Kannel's
/// `max-messages` defaults to 10, and a longer text costs more than an
/// agent would mean to spend on one message.
pub const ABROAD_MAX_SEGMENTS: usize = 10;

/// Korea's international calling code.
const KOREA: u16 = 82;

/// Every JPEG file starts with an SOI marker followed by another marker.
const JPEG_MAGIC: [u8; 3] = [0xFF, 0xD8, 0xFF];

/// The byte limits of SMS and LMS, from the preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most EUC-KR bytes in an SMS (단문); 90 with most providers, 80 with some.
    pub sms_max_bytes: usize,
    /// Most EUC-KR bytes in an LMS or MMS body (장문); 2,000 with most
    /// providers, 1,000 with some.
    pub lms_max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sms_max_bytes: 90,
            lms_max_bytes: 2000,
        }
    }
}

impl From<&SmsSettings> for Limits {
    fn from(settings: &SmsSettings) -> Self {
        Self {
            sms_max_bytes: usize::try_from(settings.sms_max_bytes).unwrap_or(usize::MAX),
            lms_max_bytes: usize::try_from(settings.lms_max_bytes).unwrap_or(usize::MAX),
        }
    }
}

/// Where a message goes, which decides how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// A Korean number: EUC-KR bytes, SMS/LMS/MMS.
    Korea,
    /// A number abroad: international SMS in GSM-7 or UCS-2 segments.
    Abroad {
        /// The country's calling code (81 for Japan).
        calling_code: u16,
    },
}

impl Destination {
    /// Where `number` is.
    #[must_use]
    pub fn of(number: &PhoneNumber) -> Self {
        Self::from_calling_code(number.country_code())
    }

    /// Where a number with this calling code is. An unverified number has
    /// none; it is taken as Korean, because the gateway is Korean and it
    /// dials such digits as a domestic number.
    #[must_use]
    pub fn from_calling_code(calling_code: Option<u16>) -> Self {
        match calling_code {
            None | Some(KOREA) => Self::Korea,
            Some(calling_code) => Self::Abroad { calling_code },
        }
    }
}

/// A picture that may go with an MMS: a JPEG of at most [`IMAGE_MAX_BYTES`].
/// Only the constructors make one, so holding one means it was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    size_bytes: u64,
}

impl Attachment {
    /// Checks a whole picture file's bytes.
    ///
    /// # Errors
    /// [`ImageProblem::NotJpeg`] or [`ImageProblem::TooLarge`].
    pub fn jpeg(bytes: &[u8]) -> Result<Self, ImageProblem> {
        Self::jpeg_head(u64::try_from(bytes.len()).unwrap_or(u64::MAX), bytes)
    }

    /// Checks a picture by its size and its first bytes (at least three), so
    /// a file far too large need not be read whole to be refused.
    ///
    /// # Errors
    /// [`ImageProblem::NotJpeg`] or [`ImageProblem::TooLarge`].
    pub fn jpeg_head(size_bytes: u64, head: &[u8]) -> Result<Self, ImageProblem> {
        if !head.starts_with(&JPEG_MAGIC) {
            return Err(ImageProblem::NotJpeg);
        }
        if size_bytes > IMAGE_MAX_BYTES {
            return Err(ImageProblem::TooLarge {
                bytes: size_bytes,
                max: IMAGE_MAX_BYTES,
            });
        }
        Ok(Self { size_bytes })
    }

    /// The file's size in bytes.
    #[must_use]
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
}

/// Why a picture cannot go with an MMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    /// Not a JPEG file (Korean carriers take JPEG only).
    #[error("only JPEG pictures can be sent; convert it to .jpg first")]
    NotJpeg,
    /// Larger than a carrier takes.
    #[error("the picture is {bytes} bytes; at most {max} bytes (300 KB) can be sent")]
    TooLarge {
        /// The file's size.
        bytes: u64,
        /// The limit.
        max: u64,
    },
}

/// A message as the composer holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageText<'a> {
    /// The text, as typed.
    pub body: &'a str,
    /// The subject; empty for none. Counted trimmed, as it is stored.
    pub subject: &'a str,
    /// The picture, for an MMS.
    pub image: Option<Attachment>,
    /// Where it goes.
    pub destination: Destination,
}

/// A character at a place in a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharAt {
    /// The character's index in the field, counted in `char`s (what
    /// egui's `CCursor` counts), from 0.
    pub index: usize,
    /// The character.
    pub ch: char,
}

/// The GSM-7 or UCS-2 alphabet of an international SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// GSM 03.38 default alphabet, 7-bit septets.
    Gsm7,
    /// UCS-2 (UTF-16 units), for anything else.
    Ucs2,
}

impl Alphabet {
    /// Units that fit a message sent as one SMS.
    #[must_use]
    pub fn single_units(self) -> usize {
        match self {
            Self::Gsm7 => 160,
            Self::Ucs2 => 70,
        }
    }

    /// Units that fit each part of a split message (the rest of the 140
    /// bytes carries the concatenation header).
    #[must_use]
    pub fn part_units(self) -> usize {
        match self {
            Self::Gsm7 => 153,
            Self::Ucs2 => 67,
        }
    }
}

/// How an international SMS is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    /// The alphabet it goes in.
    pub alphabet: Alphabet,
    /// Septets (GSM-7) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Characters typed.
    pub chars: usize,
    /// SMS it is sent as; 0 for an empty text.
    pub segments: usize,
}

impl Segments {
    /// Counts `text` as an international SMS.
    #[must_use]
    pub fn of(text: &str) -> Self {
        match split(text, Alphabet::Gsm7, gsm7_septets) {
            Some(segments) => segments,
            None => split(text, Alphabet::Ucs2, |ch| Some(ch.len_utf16())).unwrap_or(Self {
                alphabet: Alphabet::Ucs2,
                units: 0,
                chars: 0,
                segments: 0,
            }),
        }
    }

    /// Units still free before the message needs another part.
    #[must_use]
    pub fn units_left(&self) -> usize {
        if self.segments <= 1 {
            self.alphabet.single_units().saturating_sub(self.units)
        } else {
            // Approximate by whole parts: a pair that would straddle a
            // boundary can end a part one unit early.
            (self.segments * self.alphabet.part_units()).saturating_sub(self.units)
        }
    }
}

/// The counts the composer shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// To a Korean number: EUC-KR bytes.
    Bytes {
        /// Bytes in the body.
        body: usize,
        /// Bytes in the subject (trimmed).
        subject: usize,
        /// The body limit of the chosen kind.
        max: usize,
    },
    /// Abroad: SMS parts.
    Segments(Segments),
}

/// What the composer shows and checks while the agent types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// The kind the message goes as.
    pub kind: MessageKind,
    /// Its length.
    pub count: Count,
    /// What stops it from being sent; empty when it may be sent.
    pub problems: Vec<TextProblem>,
}

impl Measure {
    /// Whether the text may be sent as it is.
    #[must_use]
    pub fn is_sendable(&self) -> bool {
        self.problems.is_empty()
    }

    /// The characters that cannot be sent, with their field.
    pub fn unsupported(&self) -> impl Iterator<Item = (Field, CharAt)> + '_ {
        self.problems.iter().flat_map(|problem| match problem {
            TextProblem::Unsupported { field, chars } => {
                chars.iter().map(|at| (*field, *at)).collect::<Vec<_>>()
            }
            _ => Vec::new(),
        })
    }
}

/// Why a message cannot be sent as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// No text, or only spaces and line breaks.
    #[error("the message is empty")]
    EmptyBody,
    /// Longer than an LMS takes.
    #[error("the message is {bytes} bytes; at most {max} bytes can be sent")]
    BodyTooLong {
        /// Its EUC-KR bytes.
        bytes: usize,
        /// The LMS limit.
        max: usize,
    },
    /// A subject longer than a gateway takes.
    #[error("the subject is {bytes} bytes; at most {max} bytes can be sent")]
    SubjectTooLong {
        /// Its EUC-KR bytes.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Characters a Korean text message cannot carry.
    #[error("{field}: {} cannot be sent in a Korean text message (EUC-KR); replace or remove {}", list_chars(.chars), if .chars.len() == 1 { "it" } else { "them" })]
    Unsupported {
        /// The body or the subject.
        field: Field,
        /// Each such character and where it is.
        chars: Vec<CharAt>,
    },
    /// An international message longer than [`ABROAD_MAX_SEGMENTS`] parts.
    #[error("the message would go as {segments} SMS; at most {max} are sent abroad")]
    TooManySegments {
        /// Parts needed.
        segments: usize,
        /// The limit.
        max: usize,
    },
    /// A subject on an international SMS, which has nowhere to carry it.
    #[error("a message abroad goes as plain SMS, which has no subject; clear the subject")]
    SubjectAbroad,
    /// A picture on an international message; MMS goes to Korean numbers only.
    #[error("pictures (MMS) can only be sent to Korean numbers; remove the picture")]
    ImageAbroad,
}

impl TextProblem {
    /// The field to point at.
    #[must_use]
    pub fn field(&self) -> Field {
        match self {
            Self::EmptyBody | Self::BodyTooLong { .. } | Self::TooManySegments { .. } => {
                Field::Body
            }
            Self::SubjectTooLong { .. } | Self::SubjectAbroad => Field::Subject,
            Self::Unsupported { field, .. } => *field,
            Self::ImageAbroad => Field::Image,
        }
    }
}

/// "'😀' (at 4), '𠀀' (at 9)", the first five then "and N more".
fn list_chars(chars: &[CharAt]) -> String {
    const SHOWN: usize = 5;
    let mut text = chars
        .iter()
        .take(SHOWN)
        .map(|at| format!("'{}' (at {})", at.ch, at.index))
        .collect::<Vec<_>>()
        .join(", ");
    if chars.len() > SHOWN {
        text.push_str(" and ");
        text.push_str(&(chars.len() - SHOWN).to_string());
        text.push_str(" more");
    }
    text
}

impl MessageText<'_> {
    /// Counts the message, chooses its kind and lists what stops it from
    /// being sent.
    #[must_use]
    pub fn measure(&self, limits: Limits) -> Measure {
        match self.destination {
            Destination::Korea => self.measure_korean(limits),
            Destination::Abroad { .. } => self.measure_abroad(),
        }
    }

    fn measure_korean(&self, limits: Limits) -> Measure {
        let mut problems = Vec::new();
        let subject = self.subject.trim();
        let (body_bytes, body_unsupported) = euc_kr_bytes(self.body);
        let (subject_bytes, subject_unsupported) = euc_kr_bytes(subject);

        let kind = if self.image.is_some() {
            MessageKind::Mms
        } else if !subject.is_empty() || body_bytes > limits.sms_max_bytes {
            MessageKind::Lms
        } else {
            MessageKind::Sms
        };
        let max = match kind {
            MessageKind::Sms => limits.sms_max_bytes,
            MessageKind::Lms | MessageKind::Mms => limits.lms_max_bytes,
        };

        if self.body.trim().is_empty() {
            problems.push(TextProblem::EmptyBody);
        } else if body_bytes > max {
            problems.push(TextProblem::BodyTooLong {
                bytes: body_bytes,
                max,
            });
        }
        if !body_unsupported.is_empty() {
            problems.push(TextProblem::Unsupported {
                field: Field::Body,
                chars: body_unsupported,
            });
        }
        if subject_bytes > SUBJECT_MAX_BYTES {
            problems.push(TextProblem::SubjectTooLong {
                bytes: subject_bytes,
                max: SUBJECT_MAX_BYTES,
            });
        }
        if !subject_unsupported.is_empty() {
            problems.push(TextProblem::Unsupported {
                field: Field::Subject,
                chars: subject_unsupported,
            });
        }
        Measure {
            kind,
            count: Count::Bytes {
                body: body_bytes,
                subject: subject_bytes,
                max,
            },
            problems,
        }
    }

    fn measure_abroad(&self) -> Measure {
        let mut problems = Vec::new();
        let segments = Segments::of(self.body);
        if self.body.trim().is_empty() {
            problems.push(TextProblem::EmptyBody);
        } else if segments.segments > ABROAD_MAX_SEGMENTS {
            problems.push(TextProblem::TooManySegments {
                segments: segments.segments,
                max: ABROAD_MAX_SEGMENTS,
            });
        }
        if !self.subject.trim().is_empty() {
            problems.push(TextProblem::SubjectAbroad);
        }
        if self.image.is_some() {
            problems.push(TextProblem::ImageAbroad);
        }
        Measure {
            kind: MessageKind::Sms,
            count: Count::Segments(segments),
            problems,
        }
    }
}

/// `text`'s length in EUC-KR (CP949) bytes and the characters it cannot
/// carry, each counted as 2 bytes (see the module documentation).
#[must_use]
pub fn euc_kr_bytes(text: &str) -> (usize, Vec<CharAt>) {
    let mut encoder = EUC_KR.new_encoder();
    let mut bytes = 0;
    let mut unsupported = Vec::new();
    for (index, ch) in text.chars().enumerate() {
        bytes += match ch {
            ch if ch.is_ascii() => 1,
            // Every modern syllable has a 2-byte CP949 code (KS X 1001's
            // 2,350 plus UHC's 8,822); skipping the encoder's table lookup for
            // them keeps a 2,000-byte message well under the 0.1 ms budget.
            HANGUL_SYLLABLES_FIRST..=HANGUL_SYLLABLES_LAST => 2,
            ch => {
                if let Some(width) = euc_kr_char_bytes(&mut encoder, ch) {
                    width
                } else {
                    unsupported.push(CharAt { index, ch });
                    2
                }
            }
        };
    }
    (bytes, unsupported)
}

/// The first and last Hangul syllables, 가 and 힣.
const HANGUL_SYLLABLES_FIRST: char = '\u{AC00}';
const HANGUL_SYLLABLES_LAST: char = '\u{D7A3}';

/// Bytes `ch` takes in CP949, `None` when it has no code there.
fn euc_kr_char_bytes(encoder: &mut encoding_rs::Encoder, ch: char) -> Option<usize> {
    let mut utf8 = [0_u8; 4];
    // No CP949 code is longer than 2 bytes; room for 4 leaves no doubt.
    let mut output = [0_u8; 4];
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(ch.encode_utf8(&mut utf8), &mut output, true);
    match result {
        EncoderResult::InputEmpty => Some(written),
        EncoderResult::OutputFull | EncoderResult::Unmappable(_) => None,
    }
}

/// The GSM 03.38 basic table besides ASCII letters and digits, one septet each.
const GSM7_BASIC: &str = " !\"#$%&'()*+,-./:;<=>?@_\n\r\
    £¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";
/// The GSM 03.38 extension table: an escape septet and the character's own.
const GSM7_EXTENSION: &str = "\u{0C}^{}\\[~]|€";

/// A character's septets in the GSM 03.38 default alphabet: 1 in the basic
/// table, 2 in the extension table, `None` when it has none.
fn gsm7_septets(ch: char) -> Option<usize> {
    if ch.is_ascii_alphanumeric() || GSM7_BASIC.contains(ch) {
        Some(1)
    } else if GSM7_EXTENSION.contains(ch) {
        Some(2)
    } else {
        None
    }
}

/// Counts `text` in `alphabet`, whose units per character `units` gives;
/// `None` when a character has no place in it. Parts are filled greedily
/// and a character never straddles two, as the 3GPP TS 23.040
/// concatenation rules require for escape and surrogate pairs.
fn split(
    text: &str,
    alphabet: Alphabet,
    units: impl Fn(char) -> Option<usize>,
) -> Option<Segments> {
    let part = alphabet.part_units();
    let mut total = 0;
    let mut chars = 0;
    let mut parts = 1;
    let mut in_part = 0;
    for ch in text.chars() {
        let width = units(ch)?;
        total += width;
        chars += 1;
        if in_part + width > part {
            parts += 1;
            in_part = 0;
        }
        in_part += width;
    }
    let segments = match total {
        0 => 0,
        total if total <= alphabet.single_units() => 1,
        _ => parts,
    };
    Some(Segments {
        alphabet,
        units: total,
        chars,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::domain::Region;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    fn korean(body: &str) -> Measure {
        MessageText {
            body,
            subject: "",
            image: None,
            destination: Destination::Korea,
        }
        .measure(Limits::default())
    }

    fn abroad(body: &str) -> Measure {
        MessageText {
            body,
            subject: "",
            image: None,
            destination: Destination::Abroad { calling_code: 81 },
        }
        .measure(Limits::default())
    }

    fn body_bytes(measure: &Measure) -> usize {
        match measure.count {
            Count::Bytes { body, .. } => body,
            Count::Segments(_) => panic!("counted as abroad: {measure:?}"),
        }
    }

    fn segments(measure: &Measure) -> Segments {
        match measure.count {
            Count::Segments(segments) => segments,
            Count::Bytes { .. } => panic!("counted as Korean: {measure:?}"),
        }
    }

    #[rstest]
    #[case::ascii("Hello, world!", 13)]
    #[case::hangul("안녕하세요", 10)]
    #[case::mixed("내일 10시 방문 OK?", 18)]
    #[case::ks_x_1001_hanja("韓國", 4)]
    #[case::symbols("※★℃", 6)]
    #[case::cp949_extended_hangul("똠햏뷁", 6)]
    #[case::line_breaks("가\n나\r\n", 7)]
    #[case::empty("", 0)]
    fn counts_euc_kr_bytes(#[case] text: &str, #[case] bytes: usize) {
        assert_eq!(euc_kr_bytes(text), (bytes, Vec::new()));
    }

    #[test]
    fn what_euc_kr_cannot_carry_is_pointed_at_by_char_index() {
        let (bytes, chars) = euc_kr_bytes("a😀b𠀀c㐀");
        assert_eq!(
            chars,
            [
                CharAt {
                    index: 1, ch: '😀'
                },
                CharAt {
                    index: 3, ch: '𠀀'
                },
                CharAt {
                    index: 5, ch: '㐀'
                },
            ]
        );
        // Each counted as the 2 bytes of the Hangul that will replace it.
        assert_eq!(bytes, 3 + 3 * 2);
    }

    #[test]
    fn every_hangul_syllable_takes_two_bytes_as_the_encoder_says() {
        let mut encoder = EUC_KR.new_encoder();
        for ch in HANGUL_SYLLABLES_FIRST..=HANGUL_SYLLABLES_LAST {
            assert_eq!(euc_kr_char_bytes(&mut encoder, ch), Some(2), "{ch}");
        }
        assert_eq!(euc_kr_char_bytes(&mut encoder, 'ㄱ'), Some(2));
        assert_eq!(euc_kr_char_bytes(&mut encoder, '😀'), None);
    }

    #[test]
    fn positions_stay_right_in_a_long_text() {
        let text = format!("{}😀{}🙏", "가".repeat(600), "a".repeat(10));
        let (bytes, chars) = euc_kr_bytes(&text);
        assert_eq!(bytes, 1200 + 2 + 10 + 2);
        assert_eq!(
            chars,
            [
                CharAt {
                    index: 600,
                    ch: '😀'
                },
                CharAt {
                    index: 611,
                    ch: '🙏'
                },
            ]
        );
    }

    #[test]
    fn unsupported_characters_block_sending_in_body_and_subject() {
        let measure = MessageText {
            body: "감사합니다😀",
            subject: "안내🎉",
            image: None,
            destination: Destination::Korea,
        }
        .measure(Limits::default());
        assert!(!measure.is_sendable());
        assert_eq!(
            measure.unsupported().collect::<Vec<_>>(),
            [
                (
                    Field::Body,
                    CharAt {
                        index: 5, ch: '😀'
                    }
                ),
                (
                    Field::Subject,
                    CharAt {
                        index: 2, ch: '🎉'
                    }
                ),
            ]
        );
        assert_eq!(
            measure.problems[0].to_string(),
            "body: '😀' (at 5) cannot be sent in a Korean text message (EUC-KR); replace or remove it"
        );
        assert_eq!(measure.problems[0].field(), Field::Body);
        assert_eq!(measure.problems[1].field(), Field::Subject);
    }

    #[test]
    fn a_long_list_of_unsupported_characters_is_shortened() {
        let measure = korean(&"😀".repeat(7));
        assert_eq!(
            measure.problems[0].to_string(),
            "body: '😀' (at 0), '😀' (at 1), '😀' (at 2), '😀' (at 3), '😀' (at 4) and 2 more \
             cannot be sent in a Korean text message (EUC-KR); replace or remove them"
        );
    }

    #[rstest]
    #[case::sms_limit(&"가".repeat(45), MessageKind::Sms, 90)]
    #[case::one_byte_over(&format!("{}a", "가".repeat(45)), MessageKind::Lms, 91)]
    #[case::ascii_sms_limit(&"a".repeat(90), MessageKind::Sms, 90)]
    #[case::lms_limit(&"가".repeat(1000), MessageKind::Lms, 2000)]
    fn the_byte_count_chooses_the_kind(
        #[case] body: &str,
        #[case] kind: MessageKind,
        #[case] bytes: usize,
    ) {
        let measure = korean(body);
        assert_eq!(measure.kind, kind);
        assert_eq!(body_bytes(&measure), bytes);
        assert!(measure.is_sendable(), "{:?}", measure.problems);
    }

    #[test]
    fn past_the_lms_limit_is_refused_naming_the_body() {
        let measure = korean(&format!("{}a", "가".repeat(1000)));
        assert_eq!(measure.kind, MessageKind::Lms);
        assert_eq!(
            measure.problems,
            [TextProblem::BodyTooLong {
                bytes: 2001,
                max: 2000
            }]
        );
        assert_eq!(measure.problems[0].field().as_str(), "body");
        assert_eq!(
            measure.problems[0].to_string(),
            "the message is 2001 bytes; at most 2000 bytes can be sent"
        );
    }

    #[test]
    fn limits_come_from_the_preferences() {
        let crm_mini = Limits {
            sms_max_bytes: 80,
            lms_max_bytes: 1000,
        };
        let text = |body: &'static str| MessageText {
            body,
            subject: "",
            image: None,
            destination: Destination::Korea,
        };
        let forty = "가".repeat(40);
        assert_eq!(
            MessageText {
                body: &forty,
                ..text("")
            }
            .measure(crm_mini)
            .kind,
            MessageKind::Sms
        );
        let forty_one = "가".repeat(41);
        let measure = MessageText {
            body: &forty_one,
            ..text("")
        }
        .measure(crm_mini);
        assert_eq!(measure.kind, MessageKind::Lms);
        assert!(measure.is_sendable());
        let long = "가".repeat(501);
        assert_eq!(
            MessageText {
                body: &long,
                ..text("")
            }
            .measure(crm_mini)
            .problems,
            [TextProblem::BodyTooLong {
                bytes: 1002,
                max: 1000
            }]
        );
        let mut settings = SmsSettings::default();
        assert_eq!(Limits::from(&settings), Limits::default());
        settings.sms_max_bytes = 80;
        settings.lms_max_bytes = 1000;
        assert_eq!(Limits::from(&settings), crm_mini);
    }

    #[rstest]
    #[case::empty("")]
    #[case::spaces("  ")]
    #[case::line_breaks("\n\r\n")]
    fn an_empty_body_is_refused(#[case] body: &str) {
        assert_eq!(korean(body).problems, [TextProblem::EmptyBody]);
        assert_eq!(abroad(body).problems, [TextProblem::EmptyBody]);
        assert_eq!(TextProblem::EmptyBody.field(), Field::Body);
    }

    #[test]
    fn a_subject_makes_an_lms_and_has_its_own_limit() {
        let with_subject = |subject: &str| {
            MessageText {
                body: "안녕하세요",
                subject,
                image: None,
                destination: Destination::Korea,
            }
            .measure(Limits::default())
        };
        let measure = with_subject(" 방문 안내 ");
        assert_eq!(measure.kind, MessageKind::Lms);
        assert_eq!(
            measure.count,
            Count::Bytes {
                body: 10,
                subject: 9,
                max: 2000
            }
        );
        // Only spaces is no subject.
        assert_eq!(with_subject("  ").kind, MessageKind::Sms);

        let forty = "가나다라마바사아자차카타파하가나다라마바";
        assert_eq!(forty.chars().count(), 20);
        assert!(with_subject(forty).is_sendable());
        let measure = with_subject("가나다라마바사아자차카타파하가나다라마바!");
        assert_eq!(
            measure.problems,
            [TextProblem::SubjectTooLong { bytes: 41, max: 40 }]
        );
        assert_eq!(measure.problems[0].field(), Field::Subject);
        assert!(with_subject(&"a".repeat(40)).is_sendable());
    }

    #[test]
    fn a_jpeg_makes_an_mms() {
        let image = Attachment::jpeg(JPEG).unwrap();
        assert_eq!(image.size_bytes(), 10);
        let measure = MessageText {
            body: "사진 보내드립니다",
            subject: "",
            image: Some(image),
            destination: Destination::Korea,
        }
        .measure(Limits::default());
        assert_eq!(measure.kind, MessageKind::Mms);
        assert!(measure.is_sendable());
        assert_eq!(
            measure.count,
            Count::Bytes {
                body: 17,
                subject: 0,
                max: 2000
            }
        );
        let long = "가".repeat(1001);
        let measure = MessageText {
            body: &long,
            subject: "",
            image: Some(image),
            destination: Destination::Korea,
        }
        .measure(Limits::default());
        assert_eq!(
            measure.problems,
            [TextProblem::BodyTooLong {
                bytes: 2002,
                max: 2000
            }]
        );
    }

    #[test]
    fn only_a_jpeg_of_at_most_300_kb_is_attached() {
        assert_eq!(Attachment::jpeg(PNG), Err(ImageProblem::NotJpeg));
        assert_eq!(Attachment::jpeg(b"GIF89a"), Err(ImageProblem::NotJpeg));
        assert_eq!(Attachment::jpeg(&[0xFF, 0xD8]), Err(ImageProblem::NotJpeg));
        assert_eq!(Attachment::jpeg(&[]), Err(ImageProblem::NotJpeg));

        let mut big = vec![0_u8; 300_000];
        big[..3].copy_from_slice(&JPEG_MAGIC);
        assert_eq!(Attachment::jpeg(&big).unwrap().size_bytes(), 300_000);
        big.push(0);
        assert_eq!(
            Attachment::jpeg(&big),
            Err(ImageProblem::TooLarge {
                bytes: 300_001,
                max: 300_000
            })
        );
        // A large file is refused by its size and head alone.
        assert_eq!(
            Attachment::jpeg_head(5_000_000, JPEG),
            Err(ImageProblem::TooLarge {
                bytes: 5_000_000,
                max: 300_000
            })
        );
        assert_eq!(
            Attachment::jpeg_head(5_000_000, PNG),
            Err(ImageProblem::NotJpeg)
        );
        assert_eq!(
            ImageProblem::TooLarge {
                bytes: 300_001,
                max: 300_000
            }
            .to_string(),
            "the picture is 300001 bytes; at most 300000 bytes (300 KB) can be sent"
        );
    }

    #[test]
    fn the_destination_follows_the_country_code() {
        let number = |text: &str| PhoneNumber::parse(text, Region::KOREA).unwrap();
        assert_eq!(
            Destination::of(&number("010-1234-5678")),
            Destination::Korea
        );
        assert_eq!(
            Destination::of(&number("+82 2-2299-7123")),
            Destination::Korea
        );
        assert_eq!(
            Destination::of(&number("+81 90-1234-5678")),
            Destination::Abroad { calling_code: 81 }
        );
        // Unverified: dialled as a domestic number by the Korean gateway.
        assert_eq!(Destination::of(&number("1001")), Destination::Korea);
        assert_eq!(Destination::from_calling_code(None), Destination::Korea);
    }

    #[rstest]
    #[case::gsm_single(&"a".repeat(160), Alphabet::Gsm7, 160, 1)]
    #[case::gsm_one_over(&"a".repeat(161), Alphabet::Gsm7, 161, 2)]
    #[case::gsm_two_parts(&"a".repeat(306), Alphabet::Gsm7, 306, 2)]
    #[case::gsm_three_parts(&"a".repeat(307), Alphabet::Gsm7, 307, 3)]
    #[case::gsm_basic_latin("Hé, £5 @ Åse's: ¿Qué?", Alphabet::Gsm7, 21, 1)]
    #[case::gsm_extension("{}[]~^|€\\", Alphabet::Gsm7, 18, 1)]
    #[case::gsm_extension_limit(&"{".repeat(80), Alphabet::Gsm7, 160, 1)]
    #[case::gsm_extension_over(&format!("{}a", "€".repeat(80)), Alphabet::Gsm7, 161, 2)]
    // An escape pair never straddles two parts: 152 + (2) + 152 needs three.
    #[case::gsm_escape_not_split(&format!("{}€{}", "a".repeat(152), "a".repeat(152)), Alphabet::Gsm7, 306, 3)]
    #[case::ucs2_single(&"가".repeat(70), Alphabet::Ucs2, 70, 1)]
    #[case::ucs2_one_over(&"가".repeat(71), Alphabet::Ucs2, 71, 2)]
    #[case::ucs2_two_parts(&"가".repeat(134), Alphabet::Ucs2, 134, 2)]
    #[case::ucs2_three_parts(&"가".repeat(135), Alphabet::Ucs2, 135, 3)]
    #[case::japanese("こんにちは、田中です。", Alphabet::Ucs2, 11, 1)]
    #[case::backtick_is_not_gsm("`a`", Alphabet::Ucs2, 3, 1)]
    #[case::emoji_is_two_units(&format!("{}😀", "가".repeat(69)), Alphabet::Ucs2, 71, 2)]
    // A surrogate pair never straddles two parts: 66 + (2) + 66 needs three.
    #[case::ucs2_pair_not_split(&format!("{}😀{}", "가".repeat(66), "가".repeat(66)), Alphabet::Ucs2, 134, 3)]
    fn abroad_counts_segments(
        #[case] body: &str,
        #[case] alphabet: Alphabet,
        #[case] units: usize,
        #[case] parts: usize,
    ) {
        let measure = abroad(body);
        assert_eq!(measure.kind, MessageKind::Sms);
        let counted = segments(&measure);
        assert_eq!(
            (counted.alphabet, counted.units, counted.segments),
            (alphabet, units, parts)
        );
        assert_eq!(counted.chars, body.chars().count());
        assert!(measure.is_sendable(), "{:?}", measure.problems);
    }

    #[test]
    fn the_gsm7_tables_are_complete() {
        // 128 basic code points: 62 letters and digits, the escape, and these.
        assert_eq!(GSM7_BASIC.chars().count(), 128 - 62 - 1);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
        assert!(
            GSM7_BASIC
                .chars()
                .all(|ch| gsm7_septets(ch) == Some(1) && !GSM7_EXTENSION.contains(ch))
        );
        assert_eq!(gsm7_septets('\t'), None);
        assert_eq!(gsm7_septets('ç'), None);
    }

    #[test]
    fn units_left_tell_how_much_more_fits() {
        assert_eq!(Segments::of("hello").units_left(), 155);
        assert_eq!(Segments::of(&"a".repeat(161)).units_left(), 306 - 161);
        assert_eq!(Segments::of("안녕").units_left(), 68);
        assert_eq!(Segments::of("").segments, 0);
    }

    #[test]
    fn abroad_refuses_what_international_sms_cannot_carry() {
        let measure = MessageText {
            body: "안녕하세요😀",
            subject: "안내",
            image: Some(Attachment::jpeg(JPEG).unwrap()),
            destination: Destination::Abroad { calling_code: 81 },
        }
        .measure(Limits::default());
        // UCS-2 carries emoji; a subject and a picture it cannot.
        assert_eq!(
            measure.problems,
            [TextProblem::SubjectAbroad, TextProblem::ImageAbroad]
        );
        assert_eq!(measure.problems[0].field(), Field::Subject);
        assert_eq!(measure.problems[1].field(), Field::Image);

        let ten = "a".repeat(153 * 10);
        assert!(abroad(&ten).is_sendable());
        let eleven = "a".repeat(153 * 10 + 1);
        assert_eq!(
            abroad(&eleven).problems,
            [TextProblem::TooManySegments {
                segments: 11,
                max: 10
            }]
        );
    }
}
