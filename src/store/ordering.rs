//! Moving one row of an ordered list (statuses, SMS templates) to a new
//! place and renumbering the rest 0, 1, 2… in one go. The SQL stays with
//! the table's own file; this is only the reordering.

use rusqlite::{Transaction, params};

use super::error::{Error, Result};

/// Moves row `id` to `position` (past the end means last) in the order that
/// `select_ids` gives (ids, in their current order), writing new positions
/// with `update_position` (`?1` = id, `?2` = position). Only rows whose
/// position changes are written.
pub(super) fn move_to(
    tx: &Transaction<'_>,
    select_ids: &str,
    update_position: &str,
    what: &'static str,
    id: i64,
    position: u32,
) -> Result<()> {
    let mut order: Vec<i64> = tx
        .prepare_cached(select_ids)?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !order.contains(&id) {
        return Err(Error::NotFound { what, id });
    }
    order.retain(|other| *other != id);
    let to = usize::try_from(position).map_or(order.len(), |to| to.min(order.len()));
    order.insert(to, id);
    let mut renumber = tx.prepare_cached(update_position)?;
    for (position, id) in order.iter().enumerate() {
        renumber.execute(params![id, position])?;
    }
    Ok(())
}
