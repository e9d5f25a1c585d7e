//! Why a table could not be written.

use std::path::PathBuf;

/// Why a table could not be written. Every message names the file the
/// person chose and says what to do about it; nothing is left under that
/// name when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file (or its `.part` sibling) could not be created, written or
    /// moved into place.
    #[error(
        "{}: cannot be written: {source} (check that the folder exists and is writable, and that the file is not open in Excel)",
        .path.display()
    )]
    Io {
        /// The file that was being written.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The xlsx writer refused something: a cell longer than Excel's
    /// 32,767 characters, more than 16,384 columns, no room for its
    /// temporary file.
    #[error("{}: the Excel file cannot be written: {reason}", .path.display())]
    Xlsx {
        /// The file that was being written.
        path: PathBuf,
        /// What the writer found, with the row and column where it is a
        /// cell's fault.
        reason: String,
    },
    /// A cell holds a character CP949 (Korean Excel's plain "CSV") has no
    /// code for, such as an emoji or a Japanese-only kanji.
    #[error(
        "{}: {} column \"{column}\" has {text:?}, which CP949 cannot store; save as CSV UTF-8 or Excel (.xlsx) instead",
        .path.display(),
        if *.row == 0 { "the header,".to_owned() } else { format!("row {row},") }
    )]
    NotCp949 {
        /// The file that was being written.
        path: PathBuf,
        /// The data row, 1 for the first row under the header; 0 for the
        /// header itself.
        row: u64,
        /// The column's header name (or "column N" where it has none).
        column: String,
        /// The first character that cannot be stored.
        text: String,
    },
    /// More rows than one Excel sheet holds.
    #[error(
        "{}: more than {max} rows do not fit in one Excel sheet; save as CSV instead or export fewer rows",
        .path.display()
    )]
    TooManyRows {
        /// The file that was being written.
        path: PathBuf,
        /// How many data rows a sheet holds under its header.
        max: u64,
    },
    /// The rows could not be read (a database failure part-way).
    #[error("{}: the rows to write could not be read: {reason}; the file was not written", .path.display())]
    Source {
        /// The file that was being written.
        path: PathBuf,
        /// What the source of the rows said.
        reason: String,
    },
}
