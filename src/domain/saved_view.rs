//! Saved views of the customer list: a filter, the columns shown and the
//! order, kept under a name for the person who saved it or for everyone at
//! the company, picked again from the list and used as bulk-SMS recipients.

use serde::{Deserialize, Serialize};

use super::customer_filter::{CustomerFilter, CustomerSort, DateField, DateFilter, DatePreset};
use super::ids::SavedViewId;
use super::input;
use super::invalid::Invalid;
use super::time::Timestamp;

/// Most characters in a view's name.
pub const VIEW_NAME_MAX_CHARS: usize = 60;

/// A checked view name: trimmed, non-empty, at most [`VIEW_NAME_MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewName(String);

impl ViewName {
    /// Trims and checks a view name.
    ///
    /// # Errors
    /// Empty or too long (field `name`).
    pub fn new(text: &str) -> Result<Self, Invalid> {
        input::required("name", text, VIEW_NAME_MAX_CHARS).map(Self)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a view holds besides its name: what the list shows and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewLayout {
    /// Which customers.
    pub filter: CustomerFilter,
    /// The list's columns in their order, as the settings name them.
    pub columns: Vec<String>,
    /// The order.
    pub sort: CustomerSort,
    /// A date range named by a preset (today, the last 7 days…): it moves
    /// with the calendar, where `filter.date` holds the days it meant when
    /// the view was saved.
    pub date_preset: Option<(DateField, DatePreset)>,
}

impl ViewLayout {
    /// The view's filter as of `now`: a preset date range is worked out
    /// again for today.
    #[must_use]
    pub fn filter_now(&self, now: Timestamp, utc_offset_secs: i32) -> CustomerFilter {
        let mut filter = self.filter.clone();
        if let Some((on, preset)) = self.date_preset
            && let Ok(date) = DateFilter::preset(on, preset, now, utc_offset_secs)
        {
            filter.date = Some(date);
        }
        filter
    }
}

/// A view to save. Saving under a name the owner already uses replaces
/// that view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSavedView {
    /// Its name.
    pub name: ViewName,
    /// Who saved it (the desk's user name; empty when none is set).
    pub owner: String,
    /// Everyone sees it, not only its owner.
    pub shared: bool,
    /// What it shows.
    pub layout: ViewLayout,
}

/// A view as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedView {
    /// Row id.
    pub id: SavedViewId,
    /// Its name.
    pub name: String,
    /// Who saved it.
    pub owner: String,
    /// Everyone sees it.
    pub shared: bool,
    /// What it shows.
    pub layout: ViewLayout,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(ViewName::new(" VIP 서울 ").unwrap().as_str(), "VIP 서울");
        assert_eq!(ViewName::new(" ").unwrap_err().field, "name");
        assert!(ViewName::new(&"가".repeat(61)).is_err());
    }

    #[test]
    fn a_preset_date_range_moves_with_the_calendar() {
        let day = 86_400_000;
        let layout = ViewLayout {
            date_preset: Some((DateField::Created, DatePreset::Today)),
            ..ViewLayout::default()
        };
        let monday = layout.filter_now(Timestamp(20_000 * day + 1000), 0);
        let tuesday = layout.filter_now(Timestamp(20_001 * day + 1000), 0);
        assert_eq!(monday.date.unwrap().from, Timestamp(20_000 * day));
        assert_eq!(tuesday.date.unwrap().from, Timestamp(20_001 * day));
        assert_eq!(ViewLayout::default().filter_now(Timestamp(0), 0).date, None);
    }
}
