//! The customers a filter lets through (or a search found), written to an
//! xlsx or CSV file with every built-in and user-defined column and the
//! notes: for 고객목록's 내보내기… and for `ringdesk export`.

use std::path::{Path, PathBuf};

use super::event::Event;
use super::store_thread::EventSender;
use crate::domain::{Actor, AuditAction, CustomerFilter, CustomerId};
use crate::export::customers::{CustomerSheet, EXCEL_CELL_CHARS, SheetOptions, write_customers};
use crate::export::{ExportError, TableFormat};
use crate::store::{self, Store};

/// Writes the customers `filter` (and `only`, a search's hits) lets
/// through to `path` as `format`; returns how many were written and the
/// columns.
///
/// # Errors
/// A store failure or a file that cannot be written; nothing is left under
/// the name then.
pub fn export_customers<E>(
    store: &Store,
    filter: &CustomerFilter,
    only: Option<&[CustomerId]>,
    path: &Path,
    format: TableFormat,
) -> Result<(u64, Vec<String>), E>
where
    E: From<store::Error> + From<ExportError>,
{
    let labels: Vec<(String, u32)> = store
        .phone_labels_where(filter, only)?
        .into_iter()
        .map(|label| (label.label, label.most))
        .collect();
    let sheet = CustomerSheet::new(
        &labels,
        &store.field_defs()?,
        SheetOptions {
            recycle_bin: filter.in_recycle_bin,
            cell_chars: (format == TableFormat::Xlsx).then_some(EXCEL_CELL_CHARS),
        },
        jiff::tz::TimeZone::system(),
    );
    let mut records = store.customer_records(filter, only)?;
    let rows = write_customers(path, format, &sheet, &mut records)?;
    tracing::info!(rows, file = %path.display(), "customers exported");
    store.record_audit(
        AuditAction::Export,
        &path.display().to_string(),
        &format!("{rows} customers"),
    )?;
    Ok((rows, sheet.header().to_vec()))
}

/// Why the window's export failed, in one line.
#[derive(Debug, thiserror::Error)]
enum Failed {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// [`super::Command::ExportCustomers`]: on a thread of its own with its own
/// connection to `database` (a reader, beside the store thread's writer),
/// so the window and the store stay free while a large book is written.
pub(super) fn export_list(
    request: super::QueryId,
    database: PathBuf,
    actor: Option<Actor>,
    filter: CustomerFilter,
    path: PathBuf,
    events: &EventSender,
) {
    super::batch_commands::off_thread("customer-export", events, move || {
        // The name says the kind: .xlsx, else CSV as Excel opens it.
        let format = match TableFormat::from_path(&path) {
            Some(TableFormat::Xlsx) => TableFormat::Xlsx,
            _ => TableFormat::CsvUtf8,
        };
        let result = Store::open(&database)
            .map_err(Failed::from)
            .and_then(|mut store| {
                store.set_actor(actor);
                export_customers::<Failed>(&store, &filter, None, &path, format)
            })
            .map(|(rows, _)| rows)
            .map_err(|error| {
                tracing::warn!("customer export failed: {error:#}");
                error.to_string()
            });
        Event::Exported {
            request,
            path,
            result,
        }
    });
}
