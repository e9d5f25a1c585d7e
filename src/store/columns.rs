//! Small helpers the aggregate files share: reading enums and times out of a
//! row, and turning "no row changed" into [`Error::NotFound`]. No SQL here;
//! each query stays in the file of the table it is about.

use std::str::FromStr;

use rusqlite::Row;
use rusqlite::types::Type;

use super::error::{Error, Result};
use crate::domain::Timestamp;

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

/// Column `index` (text or NULL) parsed as `T`.
pub(super) fn parsed_or_null<T>(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<T>>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match row.get::<_, Option<String>>(index)? {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(error))
        }),
    }
}

/// Column `index`, a `*_at_ms` column that may be NULL.
pub(super) fn time_or_null(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row.get::<_, Option<i64>>(index)?.map(Timestamp))
}

/// [`Error::NotFound`] for `what`/`id` when an UPDATE or DELETE changed no row.
pub(super) fn one_changed(changed: usize, what: &'static str, id: i64) -> Result<()> {
    if changed == 0 {
        return Err(Error::NotFound { what, id });
    }
    Ok(())
}
