//! Customer statuses (신규, 상담중, 계약…): the admin-edited list a customer's
//! status is picked from.

use serde::Serialize;

use super::ids::StatusId;
use super::input;
use super::invalid::Invalid;

/// Most characters in a status name.
pub const STATUS_NAME_MAX_CHARS: usize = 40;

/// A checked status name: trimmed, non-empty, at most [`STATUS_NAME_MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusName(String);

impl StatusName {
    /// Trims and checks a status name.
    ///
    /// # Errors
    /// Empty or too long (field `name`).
    pub fn new(text: &str) -> Result<Self, Invalid> {
        input::required("name", text, STATUS_NAME_MAX_CHARS).map(Self)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A status as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Row id.
    pub id: StatusId,
    /// Name, unique.
    pub name: String,
    /// Place in the list, from 0.
    pub position: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(StatusName::new(" 상담중 ").unwrap().as_str(), "상담중");
        assert_eq!(StatusName::new("  ").unwrap_err().field, "name");
        assert!(StatusName::new(&"가".repeat(41)).is_err());
    }
}
