//! Customer sources (인지경로: 전화, 방문, 페이스북…): the admin-edited list a
//! customer's source is picked from.
//!
//! A customer keeps its source as text, so a source taken off the list
//! leaves its customers' value as it was; the list is what forms and filters
//! offer, and renaming an entry renames it on every customer that has it.

use serde::Serialize;

use super::ids::SourceId;
use super::input;
use super::invalid::Invalid;

/// Most characters in a source name.
pub const SOURCE_NAME_MAX_CHARS: usize = 40;

/// A checked source name: trimmed, non-empty, at most [`SOURCE_NAME_MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName(String);

impl SourceName {
    /// Trims and checks a source name.
    ///
    /// # Errors
    /// Empty or too long (field `name`).
    pub fn new(text: &str) -> Result<Self, Invalid> {
        input::required("name", text, SOURCE_NAME_MAX_CHARS).map(Self)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A source as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Row id.
    pub id: SourceId,
    /// Name, unique regardless of the case of ASCII letters.
    pub name: String,
    /// Place in the list, from 0.
    pub position: i64,
}

/// The list's spelling of `text` when the list has it, ignoring the case of
/// ASCII letters and the spaces around it ("facebook " finds "Facebook").
#[must_use]
pub fn listed<'a>(sources: &'a [Source], text: &str) -> Option<&'a Source> {
    let text = text.trim();
    sources
        .iter()
        .find(|source| source.name.eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(SourceName::new(" 방문 ").unwrap().as_str(), "방문");
        assert_eq!(SourceName::new("  ").unwrap_err().field, "name");
        assert!(SourceName::new(&"가".repeat(41)).is_err());
    }

    #[test]
    fn the_list_is_read_without_ascii_case() {
        let sources = [Source {
            id: SourceId(1),
            name: "Facebook".to_owned(),
            position: 0,
        }];
        assert_eq!(listed(&sources, " facebook").unwrap().id, SourceId(1));
        assert!(listed(&sources, "Zalo").is_none());
    }
}
