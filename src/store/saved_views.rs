//! Saved views of the customer list (see [`crate::domain::saved_view`]):
//! saved under a name per owner, listed for whoever asks (their own and the
//! shared ones), deleted.

use rusqlite::{OptionalExtension as _, params};

use super::columns::one_changed;
use super::error::{Error, Result};
use super::{Store, now_ms};
use crate::domain::{Invalid, NewSavedView, Problem, SavedView, SavedViewId, ViewLayout};

const VIEW_SELECT: &str = "SELECT id, name, owner, shared, layout_json FROM saved_views";

impl Store {
    /// Saves `view`; a view its owner already has under that name is
    /// replaced (keeping its id).
    ///
    /// # Errors
    /// On a database failure.
    pub fn save_view(&mut self, view: &NewSavedView) -> Result<SavedViewId> {
        let layout = layout_json(&view.layout);
        let now = now_ms();
        let id = self.conn.query_row(
            "INSERT INTO saved_views (name, owner, shared, layout_json, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (owner, name) DO UPDATE SET
                 shared = excluded.shared, layout_json = excluded.layout_json,
                 updated_at_ms = excluded.updated_at_ms
             RETURNING id",
            params![view.name.as_str(), view.owner, view.shared, layout, now],
            |row| row.get(0),
        )?;
        Ok(SavedViewId(id))
    }

    /// The views `owner` sees: their own and everyone's shared ones, by
    /// name.
    ///
    /// # Errors
    /// On a database failure, or a view whose layout cannot be read.
    pub fn saved_views(&self, owner: &str) -> Result<Vec<SavedView>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{VIEW_SELECT} WHERE owner = ?1 OR shared = 1 ORDER BY name, owner = ?1 DESC, id"
            ))?
            .query_map([owner], view_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The view called `name` that `owner` sees: their own first, else a
    /// shared one.
    ///
    /// # Errors
    /// [`Error::Invalid`] (field `view`) when `owner` sees none called so.
    pub fn saved_view_named(&self, owner: &str, name: &str) -> Result<SavedView> {
        self.conn
            .prepare_cached(&format!(
                "{VIEW_SELECT} WHERE name = ?2 AND (owner = ?1 OR shared = 1)
                 ORDER BY owner = ?1 DESC, id LIMIT 1"
            ))?
            .query_row(params![owner, name.trim()], view_from_row)
            .optional()?
            .ok_or_else(|| {
                let known = self
                    .saved_views(owner)
                    .map(|views| {
                        views
                            .iter()
                            .map(|view| view.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                Error::Invalid(Invalid::new(
                    "view",
                    Problem::Malformed {
                        value: name.to_owned(),
                        reason: if known.is_empty() {
                            "no view is saved".to_owned()
                        } else {
                            format!("no view is called so; the views are: {known}")
                        },
                    },
                ))
            })
    }

    /// Deletes a view.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no such view.
    pub fn delete_view(&mut self, id: SavedViewId) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM saved_views WHERE id = ?1", [id.0])?;
        one_changed(changed, "saved view", id.0)
    }
}

fn layout_json(layout: &ViewLayout) -> String {
    // Plain data with string keys: serialising it cannot fail.
    serde_json::to_string(layout).unwrap_or_default()
}

fn view_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SavedView> {
    let layout: String = row.get(4)?;
    Ok(SavedView {
        id: SavedViewId(row.get(0)?),
        name: row.get(1)?,
        owner: row.get(2)?,
        shared: row.get(3)?,
        layout: serde_json::from_str(&layout).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerFilter, CustomerSort, GroupId, SortColumn, ViewName};
    use crate::store::test_support::store;

    fn view(name: &str, owner: &str, shared: bool, group: i64) -> NewSavedView {
        NewSavedView {
            name: ViewName::new(name).unwrap(),
            owner: owner.to_owned(),
            shared,
            layout: ViewLayout {
                filter: CustomerFilter {
                    group: Some(GroupId(group)),
                    ..CustomerFilter::default()
                },
                columns: vec!["name".to_owned(), "phone".to_owned()],
                sort: CustomerSort {
                    column: SortColumn::Created,
                    descending: true,
                },
                date_preset: None,
            },
        }
    }

    #[test]
    fn a_view_reads_back_whole_and_is_replaced_under_its_name() {
        let mut store = store();
        let id = store.save_view(&view("VIP", "김상담", false, 1)).unwrap();
        let again = store.save_view(&view("VIP", "김상담", true, 2)).unwrap();
        assert_eq!(id, again);
        let views = store.saved_views("김상담").unwrap();
        assert_eq!(views.len(), 1);
        assert!(views[0].shared);
        assert_eq!(views[0].layout, view("VIP", "김상담", true, 2).layout);
    }

    #[test]
    fn private_views_are_their_owners_and_shared_ones_everyones() {
        let mut store = store();
        store
            .save_view(&view("내 고객", "김상담", false, 1))
            .unwrap();
        store
            .save_view(&view("서울 VIP", "이팀장", true, 2))
            .unwrap();
        store
            .save_view(&view("이팀장 메모", "이팀장", false, 3))
            .unwrap();
        let names = |owner: &str| -> Vec<String> {
            store
                .saved_views(owner)
                .unwrap()
                .into_iter()
                .map(|view| view.name)
                .collect()
        };
        assert_eq!(names("김상담"), ["내 고객", "서울 VIP"]);
        assert_eq!(names("이팀장"), ["서울 VIP", "이팀장 메모"]);
        assert_eq!(
            store.saved_view_named("김상담", "서울 VIP").unwrap().owner,
            "이팀장"
        );
        let refused = store.saved_view_named("김상담", "이팀장 메모").unwrap_err();
        assert!(
            refused.to_string().contains("내 고객, 서울 VIP"),
            "{refused}"
        );
    }

    #[test]
    fn a_deleted_view_is_gone() {
        let mut store = store();
        let id = store.save_view(&view("VIP", "", false, 1)).unwrap();
        store.delete_view(id).unwrap();
        assert!(store.saved_views("").unwrap().is_empty());
        assert!(store.delete_view(id).is_err());
    }
}
