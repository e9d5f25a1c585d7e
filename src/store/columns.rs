//! Small helpers the aggregate files share: reading enums out of a row, and
//! turning "no row changed" into [`Error::NotFound`]. No SQL here; each query
//! stays in the file of the table it is about.

use std::str::FromStr;

use rusqlite::Row;
use rusqlite::types::Type;

use super::error::{Error, Result};

/// Column `index` (text) parsed as `T`. A value the schema's CHECK should have
/// kept out is reported as a conversion failure, never replaced by a default.
pub(super) fn parsed<T>(row: &Row<'_>, index: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(index)?;
    text.parse().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(error))
    })
}

/// [`Error::NotFound`] for `what`/`id` when an UPDATE or DELETE changed no row.
pub(super) fn one_changed(changed: usize, what: &'static str, id: i64) -> Result<()> {
    if changed == 0 {
        return Err(Error::NotFound { what, id });
    }
    Ok(())
}
