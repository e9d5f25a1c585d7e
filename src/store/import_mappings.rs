//! Column mappings of the customer import, saved under a name for the whole
//! desk: each column's header with the role it is given, as the import
//! writes roles ([`crate::import::customer_columns::ColumnRole::code`]).
//! The store keeps them whole and does not read the roles.

use rusqlite::{OptionalExtension as _, params};

use super::error::Result;
use super::{Store, now_ms};
use crate::domain::{Invalid, Problem};

/// The longest name a mapping may have, in bytes.
const NAME_MAX: usize = 100;

/// A saved column mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportMapping {
    /// Its name, unique.
    pub name: String,
    /// Each column's header and role code, in column order.
    pub columns: Vec<(String, String)>,
}

impl Store {
    /// Saves `columns` under `name` (trimmed), replacing a mapping of
    /// that name.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for an empty or too long name; otherwise on a
    /// database failure.
    pub fn save_import_mapping(&mut self, name: &str, columns: &[(String, String)]) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Invalid::new("mapping", Problem::Empty).into());
        }
        if name.len() > NAME_MAX {
            let problem = Problem::TooLong {
                bytes: name.len(),
                max: NAME_MAX,
            };
            return Err(Invalid::new("mapping", problem).into());
        }
        let json = serde_json::to_string(columns).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO import_mappings (name, columns_json, saved_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET
                 columns_json = excluded.columns_json, saved_at_ms = excluded.saved_at_ms",
            params![name, json, now_ms()],
        )?;
        Ok(())
    }

    /// Every saved mapping, by name.
    ///
    /// # Errors
    /// On a database failure, or a mapping that reads back wrong.
    pub fn import_mappings(&self) -> Result<Vec<ImportMapping>> {
        self.conn
            .prepare("SELECT name, columns_json FROM import_mappings ORDER BY name")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .map(|row| mapping_from(row?))
            .collect()
    }

    /// The mapping called `name` (trimmed), if there is one.
    ///
    /// # Errors
    /// On a database failure, or a mapping that reads back wrong.
    pub fn import_mapping(&self, name: &str) -> Result<Option<ImportMapping>> {
        self.conn
            .query_row(
                "SELECT name, columns_json FROM import_mappings WHERE name = ?1",
                [name.trim()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .map(mapping_from)
            .transpose()
    }
}

fn mapping_from((name, json): (String, String)) -> Result<ImportMapping> {
    let columns = serde_json::from_str(&json).map_err(|error| super::Error::Corrupt {
        what: format!("import mapping {name}: {error}"),
    })?;
    Ok(ImportMapping { name, columns })
}

#[cfg(test)]
mod tests {
    use crate::store::test_support::store;

    fn columns(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(header, role)| ((*header).to_owned(), (*role).to_owned()))
            .collect()
    }

    #[test]
    fn a_mapping_reads_back_whole_and_is_replaced_under_its_name() {
        let mut store = store();
        assert_eq!(store.import_mappings().unwrap(), []);
        let first = columns(&[("성함", "name"), ("핸폰", "mobile")]);
        store.save_import_mapping(" 거래처 명단 ", &first).unwrap();
        store
            .save_import_mapping("가나다", &columns(&[("이름", "name")]))
            .unwrap();
        let names: Vec<String> = store
            .import_mappings()
            .unwrap()
            .into_iter()
            .map(|mapping| mapping.name)
            .collect();
        assert_eq!(names, ["가나다", "거래처 명단"]);
        let found = store.import_mapping("거래처 명단").unwrap().unwrap();
        assert_eq!(found.columns, first);

        let second = columns(&[("성함", "name"), ("핸폰", "phone"), ("비고", "memo")]);
        store.save_import_mapping("거래처 명단", &second).unwrap();
        assert_eq!(store.import_mappings().unwrap().len(), 2);
        let found = store.import_mapping("거래처 명단").unwrap().unwrap();
        assert_eq!(found.columns, second);
        assert_eq!(store.import_mapping("없음").unwrap(), None);
    }

    #[test]
    fn a_mapping_without_a_name_is_refused_naming_the_field() {
        let mut store = store();
        let error = store
            .save_import_mapping("  ", &columns(&[("이름", "name")]))
            .unwrap_err();
        assert!(error.to_string().contains("mapping"), "{error}");
        assert!(store.import_mappings().unwrap().is_empty());
    }
}
