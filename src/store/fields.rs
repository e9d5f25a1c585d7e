//! User-defined field definitions (사용자 정의설정). Their values are written
//! with the customer (`customers.rs`).

use rusqlite::params;

use super::columns::{one_changed, parsed};
use super::error::{Result, found, unique};
use super::{Store, now_ms};
use crate::domain::{FieldDef, FieldId, FieldKind, Invalid, NewFieldDef, Problem};

impl Store {
    /// Defines a new field at the end of the order.
    ///
    /// # Errors
    /// [`super::Error::Taken`] when the key is in use.
    pub fn create_field(&mut self, def: &NewFieldDef) -> Result<FieldId> {
        unique(
            self.conn.execute(
                "INSERT INTO field_defs (key, label, kind, choices_json, position, required,
                     show_in_list, show_in_popup, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4,
                     (SELECT coalesce(max(position), 0) + 1 FROM field_defs), ?5, ?6, ?7, ?8)",
                params![
                    def.key,
                    def.label,
                    def.kind.as_str(),
                    choices_json(&def.choices),
                    def.required,
                    def.show_in_list,
                    def.show_in_popup,
                    now_ms(),
                ],
            ),
            "field",
            &def.key,
        )?;
        Ok(FieldId(self.conn.last_insert_rowid()))
    }

    /// Every live field definition in display order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn field_defs(&self) -> Result<Vec<FieldDef>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{FIELD_SELECT} WHERE deleted_at_ms IS NULL ORDER BY position, id"
            ))?
            .query_map([], field_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One live field definition.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is none.
    pub fn field_def(&self, id: FieldId) -> Result<FieldDef> {
        found(
            self.conn
                .prepare_cached(&format!(
                    "{FIELD_SELECT} WHERE id = ?1 AND deleted_at_ms IS NULL"
                ))?
                .query_row([id.0], field_from_row),
            "field",
            id.0,
        )
    }

    /// Changes a field's label, choices, flags and position. Its key and type
    /// stay: values already stored depend on them.
    ///
    /// # Errors
    /// No such field, or a choice field left without choices.
    pub fn update_field(&mut self, def: &FieldDef) -> Result<()> {
        if def.label.trim().is_empty() {
            return Err(Invalid::new("label", Problem::Empty).into());
        }
        if def.kind == FieldKind::Choice && def.choices.is_empty() {
            return Err(Invalid::new("choices", Problem::Empty).into());
        }
        let changed = self.conn.execute(
            "UPDATE field_defs SET label = ?2, choices_json = ?3, position = ?4, required = ?5,
                 show_in_list = ?6, show_in_popup = ?7
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![
                def.id.0,
                def.label.trim(),
                choices_json(&def.choices),
                def.position,
                def.required,
                def.show_in_list,
                def.show_in_popup,
            ],
        )?;
        one_changed(changed, "field", def.id.0)
    }

    /// Retires a field: it disappears from cards and lists, its key can be
    /// used again, and stored values are kept out of sight.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no live field `id`.
    pub fn delete_field(&mut self, id: FieldId) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE field_defs SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, now_ms()],
        )?;
        one_changed(changed, "field", id.0)
    }
}

const FIELD_SELECT: &str = "SELECT id, key, label, kind, choices_json, position, required,
        show_in_list, show_in_popup FROM field_defs";

fn field_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<FieldDef> {
    let choices: String = row.get(4)?;
    Ok(FieldDef {
        id: FieldId(row.get(0)?),
        key: row.get(1)?,
        label: row.get(2)?,
        kind: parsed(row, 3)?,
        choices: serde_json::from_str(&choices).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        })?,
        position: row.get(5)?,
        required: row.get(6)?,
        show_in_list: row.get(7)?,
        show_in_popup: row.get(8)?,
    })
}

fn choices_json(choices: &[String]) -> String {
    serde_json::to_string(choices).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CustomerDraft, Region};
    use crate::store::Error;
    use crate::store::test_support::store;

    #[test]
    fn fields_are_defined_ordered_updated_and_retired() {
        let mut store = store();
        let source = store
            .create_field(
                &NewFieldDef::new("인지경로", "인지경로", FieldKind::Choice)
                    .unwrap()
                    .with_choices(&["검색", "지인소개"])
                    .unwrap(),
            )
            .unwrap();
        let visits = store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
            .unwrap();
        let taken = NewFieldDef::new("visits", "x", FieldKind::Text).unwrap();
        assert!(matches!(
            store.create_field(&taken),
            Err(Error::Taken { .. })
        ));
        let keys: Vec<String> = store
            .field_defs()
            .unwrap()
            .into_iter()
            .map(|d| d.key)
            .collect();
        assert_eq!(keys, ["인지경로", "visits"]);

        let mut def = store.field_def(visits).unwrap();
        def.label = "방문 횟수".into();
        def.position = -1;
        def.show_in_popup = true;
        store.update_field(&def).unwrap();
        let defs = store.field_defs().unwrap();
        assert_eq!(defs[0].label, "방문 횟수");
        assert!(defs[0].show_in_popup);
        let mut no_choices = store.field_def(source).unwrap();
        no_choices.choices.clear();
        assert!(store.update_field(&no_choices).is_err());

        store.delete_field(visits).unwrap();
        assert!(matches!(
            store.field_def(visits),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.delete_field(visits),
            Err(Error::NotFound { .. })
        ));
        // The key can be used again, and a retired field's values no longer show.
        store.create_field(&taken).unwrap();
        let draft = CustomerDraft {
            name: "김민준".into(),
            fields: vec![("인지경로".into(), "검색".into())],
            ..CustomerDraft::default()
        };
        let id = store
            .create_customer(
                &draft
                    .check(Region::KOREA, &store.field_defs().unwrap())
                    .unwrap(),
            )
            .unwrap();
        store.delete_field(source).unwrap();
        assert!(store.customer(id).unwrap().fields.is_empty());
    }
}
