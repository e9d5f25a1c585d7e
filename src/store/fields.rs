//! User-defined field definitions (사용자 정의설정), and changing a field's
//! type along with its stored values. The values themselves are written
//! with the customer (`customers.rs`).

use rusqlite::params;

use super::columns::{one_changed, parsed};
use super::customers::{field_value_from_sql, field_value_to_sql};
use super::error::{Error, Result, found, unique};
use super::{Store, now_ms};
use crate::domain::{FieldDef, FieldId, FieldKind, Invalid, NewFieldDef, Problem, Region};

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

    /// Live customers (not in the recycle bin) holding a value of field `id`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no live field `id`.
    pub fn field_value_count(&self, id: FieldId) -> Result<u64> {
        self.field_def(id)?;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM field_values v JOIN customers c ON c.id = v.customer_id
                 WHERE v.field_id = ?1 AND c.deleted_at_ms IS NULL",
            )?
            .query_row([id.0], |row| row.get(0))?)
    }

    /// Gives field `id` a new type (and, for a choice field, its choices),
    /// converting every stored value, those of customers in the recycle bin
    /// included, in one transaction. Each value is read back as text and
    /// checked as new input would be ([`FieldDef::parse_value`]; phone
    /// numbers in `default_region`), so "12" becomes the number 12 and a
    /// number becomes its digits as text.
    ///
    /// # Errors
    /// [`Error::ValuesDoNotFit`] when any stored value does not fit the new
    /// type — nothing changes then; [`Error::NotFound`] when there is no
    /// live field `id`; [`Error::Invalid`] for a choice field without choices.
    pub fn change_field_kind(
        &mut self,
        id: FieldId,
        kind: FieldKind,
        choices: &[String],
        default_region: Region,
    ) -> Result<()> {
        let mut def = self.field_def(id)?;
        let old_kind = def.kind;
        def.kind = kind;
        def.choices = choices
            .iter()
            .map(|choice| choice.trim().to_owned())
            .filter(|choice| !choice.is_empty())
            .collect();
        if kind == FieldKind::Choice && def.choices.is_empty() {
            return Err(Invalid::new("choices", Problem::Empty).into());
        }
        let tx = self.conn.transaction()?;
        let mut converted = Vec::new();
        let mut lost: u64 = 0;
        let mut example = None;
        {
            let mut values =
                tx.prepare_cached(
                "SELECT customer_id, value FROM field_values WHERE field_id = ?1 ORDER BY customer_id",
            )?;
            let mut rows = values.query([id.0])?;
            while let Some(row) = rows.next()? {
                let customer: i64 = row.get(0)?;
                let text = field_value_from_sql(old_kind.as_str(), row.get_ref(1)?).to_string();
                if let Ok(value) = def.parse_value(&text, default_region) {
                    converted.push((customer, value));
                } else {
                    lost += 1;
                    example.get_or_insert(text);
                }
            }
        }
        if let Some(example) = example {
            return Err(Error::ValuesDoNotFit {
                field: def.key,
                kind,
                lost,
                example,
            });
        }
        {
            let mut update = tx.prepare_cached(
                "UPDATE field_values SET value = ?3 WHERE customer_id = ?1 AND field_id = ?2",
            )?;
            // Only an empty text reads back as no value; it held nothing to lose.
            let mut remove = tx.prepare_cached(
                "DELETE FROM field_values WHERE customer_id = ?1 AND field_id = ?2",
            )?;
            for (customer, value) in converted {
                match value {
                    Some(value) => {
                        update.execute(params![customer, id.0, field_value_to_sql(&value)])?
                    }
                    None => remove.execute(params![customer, id.0])?,
                };
            }
        }
        tx.execute(
            "UPDATE field_defs SET kind = ?2, choices_json = ?3 WHERE id = ?1",
            params![id.0, kind.as_str(), choices_json(&def.choices)],
        )?;
        tx.commit()?;
        Ok(())
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
    use crate::domain::{CustomerDraft, CustomerId, FieldValue};
    use crate::store::test_support::store;

    /// Adds a customer with one value of field `key`.
    fn with_value(store: &mut Store, name: &str, key: &str, value: &str) -> CustomerId {
        let draft = CustomerDraft {
            name: name.into(),
            fields: vec![(key.into(), value.into())],
            ..CustomerDraft::default()
        };
        let checked = draft
            .check(Region::KOREA, &store.field_defs().unwrap())
            .unwrap();
        store.create_customer(&checked).unwrap()
    }

    fn value(store: &Store, id: CustomerId) -> FieldValue {
        store.customer(id).unwrap().fields[0].value.clone()
    }

    #[test]
    fn field_value_count_counts_live_holders() {
        let mut store = store();
        let visits = store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Number).unwrap())
            .unwrap();
        assert_eq!(store.field_value_count(visits).unwrap(), 0);
        with_value(&mut store, "김민준", "visits", "3");
        let lee = with_value(&mut store, "이서연", "visits", "5");
        with_value(&mut store, "박지훈", "visits", "");
        assert_eq!(store.field_value_count(visits).unwrap(), 2);
        store.delete_customer(lee).unwrap();
        assert_eq!(store.field_value_count(visits).unwrap(), 1);
        store.delete_field(visits).unwrap();
        assert!(matches!(
            store.field_value_count(visits),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn changing_the_type_converts_every_value_that_fits() {
        let mut store = store();
        let visits = store
            .create_field(&NewFieldDef::new("visits", "방문횟수", FieldKind::Text).unwrap())
            .unwrap();
        let kim = with_value(&mut store, "김민준", "visits", "1,200");
        let lee = with_value(&mut store, "이서연", "visits", "3.5");
        // A customer in the recycle bin keeps a value too, converted alike.
        store.delete_customer(lee).unwrap();
        store
            .change_field_kind(visits, FieldKind::Number, &[], Region::KOREA)
            .unwrap();
        assert_eq!(store.field_def(visits).unwrap().kind, FieldKind::Number);
        assert_eq!(value(&store, kim), FieldValue::Integer(1200));
        assert_eq!(value(&store, lee), FieldValue::Decimal(3.5));

        // And back to text, then into a choice whose choices hold them all.
        store
            .change_field_kind(visits, FieldKind::Text, &[], Region::KOREA)
            .unwrap();
        assert_eq!(value(&store, kim), FieldValue::Text("1200".into()));
        let choices = ["1200".to_owned(), " 3.5 ".to_owned(), String::new()];
        store
            .change_field_kind(visits, FieldKind::Choice, &choices, Region::KOREA)
            .unwrap();
        assert_eq!(store.field_def(visits).unwrap().choices, ["1200", "3.5"]);
        assert!(matches!(
            store.change_field_kind(visits, FieldKind::Choice, &[], Region::KOREA),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn changing_the_type_refuses_to_lose_values_and_changes_nothing() {
        let mut store = store();
        let since = store
            .create_field(&NewFieldDef::new("since", "가입일자", FieldKind::Text).unwrap())
            .unwrap();
        let kim = with_value(&mut store, "김민준", "since", "2024.6.30");
        with_value(&mut store, "이서연", "since", "작년 봄");
        with_value(&mut store, "박지훈", "since", "모름");
        let error = store
            .change_field_kind(since, FieldKind::Date, &[], Region::KOREA)
            .unwrap_err();
        let Error::ValuesDoNotFit {
            field,
            kind,
            lost,
            example,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(
            (field.as_str(), *kind, *lost),
            ("since", FieldKind::Date, 2)
        );
        assert_eq!(example, "작년 봄");
        assert!(error.to_string().contains("2 stored value(s)"), "{error}");
        assert_eq!(store.field_def(since).unwrap().kind, FieldKind::Text);
        assert_eq!(value(&store, kim), FieldValue::Text("2024.6.30".into()));
        assert!(matches!(
            store.change_field_kind(FieldId(99), FieldKind::Text, &[], Region::KOREA),
            Err(Error::NotFound { .. })
        ));
    }

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
