//! The picture of an MMS: a JPEG file's bytes, shared rather than copied.
//!
//! One picture may go to a hundred thousand recipients, and a draft is
//! cloned on every send and command; the bytes sit behind an `Arc`, so a
//! clone costs a reference count, never 300 KB. Whether the bytes are a JPEG
//! small enough for a carrier is the composer's check
//! ([`crate::sms::Attachment`]); the store keeps each distinct picture once
//! ([`MessageImage`] names the stored copy).

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::ids::ImageId;

/// A picture's bytes, as read from its file.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    bytes: Arc<[u8]>,
}

impl Picture {
    /// The picture made of `bytes` (taken over, not copied, when they are
    /// already shared).
    #[must_use]
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Self {
        Self {
            bytes: bytes.into(),
        }
    }

    /// The file's bytes.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file's size in bytes.
    #[must_use]
    pub fn size_bytes(&self) -> u64 {
        u64::try_from(self.bytes.len()).unwrap_or(u64::MAX)
    }

    /// Whether `other` is this very copy (not only equal bytes): the store
    /// hashes a picture shared by a whole batch once, not once a message.
    #[must_use]
    pub fn is_same_copy(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.bytes, &other.bytes)
    }
}

// Commands, events and messages are logged with `{:?}`: the size says what
// matters, 300,000 numbers would drown the log.
impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Picture({} bytes)", self.bytes.len())
    }
}

/// The stored picture a message carries, without its bytes: what the
/// message log shows (a marker and the size) for a whole page at the cost of
/// a number per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MessageImage {
    /// The stored picture (shared by every message that carries the same bytes).
    pub id: ImageId,
    /// Its size in bytes.
    pub size_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_bytes_and_debug_shows_only_the_size() {
        let picture = Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0]);
        let clone = picture.clone();
        assert!(picture.is_same_copy(&clone));
        assert!(!picture.is_same_copy(&Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0])));
        assert_eq!(picture, Picture::new(vec![0xFF, 0xD8, 0xFF, 0xE0]));
        assert_eq!(picture.size_bytes(), 4);
        assert_eq!(format!("{picture:?}"), "Picture(4 bytes)");
    }
}
