//! The schema's history: numbered files in `sql/`, embedded in the binary and
//! applied in order, one transaction each, tracked by `PRAGMA user_version`.
//! Shipped files are never edited; a change is a new file.

use std::sync::LazyLock;

use rusqlite_migration::{M, Migrations};

/// The migration files, oldest first.
const FILES: &[&str] = &[include_str!("../../sql/0001_init.sql")];

/// Every migration, oldest first.
pub static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(FILES.iter().map(|sql| M::up(sql)).collect()));

/// The schema version this build brings a database to.
#[must_use]
pub fn latest_version() -> i64 {
    i64::try_from(FILES.len()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
