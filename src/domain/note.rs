//! Timestamped notes on a customer (상담 이력), each with its author.

use serde::Serialize;

use super::ids::{CustomerId, NoteId, UserId};
use super::invalid::{Invalid, Problem};
use super::time::Timestamp;

/// Longest note kept, in UTF-8 bytes.
pub const NOTE_MAX_BYTES: usize = 8000;

/// A checked note body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteBody(String);

impl NoteBody {
    /// Trims and checks a note's text.
    ///
    /// # Errors
    /// Empty, or longer than [`NOTE_MAX_BYTES`].
    pub fn new(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::new("note", Problem::Empty));
        }
        if text.len() > NOTE_MAX_BYTES {
            return Err(Invalid::new(
                "note",
                Problem::TooLong {
                    bytes: text.len(),
                    max: NOTE_MAX_BYTES,
                },
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Row id.
    pub id: NoteId,
    /// The customer it is about.
    pub customer_id: CustomerId,
    /// Who wrote it, if known.
    pub author_id: Option<UserId>,
    /// The text.
    pub body: String,
    /// Written.
    pub created_at: Timestamp,
    /// Last edited.
    pub updated_at: Timestamp,
}
