//! What can go wrong in the store, worded for the person who has to act on it.

use std::path::PathBuf;

use crate::domain::{FieldKind, Invalid};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database file could not be opened or set up.
    #[error("cannot open the customer database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What `SQLite` said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer ringdesk; it is left as it is.
    #[error(
        "the customer database {} was written by a newer ringdesk (schema version {found}; this ringdesk knows up to {known}). Install the newer ringdesk; the database was not changed",
        path.display()
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// Bringing the schema up to date failed; the failed step was rolled back.
    #[error("cannot update the customer database schema: {0}")]
    Migrate(#[from] rusqlite_migration::Error),
    /// Input that breaks a rule (checked in the domain, or found in the store, e.g. an unknown group).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A row that does not exist (or is in the recycle bin where a live one is needed).
    #[error("no {what} with id {id}")]
    NotFound {
        /// What was looked for ("customer", "group"…).
        what: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// A name or key that must be unique is taken.
    #[error("a {what} named '{name}' already exists")]
    Taken {
        /// What kind of thing ("group", "field"…).
        what: &'static str,
        /// The name.
        name: String,
    },
    /// Changing a field's type would lose stored values that do not fit the
    /// new type; nothing was changed.
    #[error(
        "{lost} stored value(s) of field '{field}' do not fit the type {kind} (for example '{example}'); change or clear them first, or keep the field's type"
    )]
    ValuesDoNotFit {
        /// The field's key.
        field: String,
        /// The type asked for.
        kind: FieldKind,
        /// How many values would be lost.
        lost: u64,
        /// One of them, as stored.
        example: String,
    },
    /// Something the store wrote earlier reads back wrong.
    #[error("{what} cannot be read back")]
    Corrupt {
        /// What, and why.
        what: String,
    },
    /// A merge, or its undo, that cannot be done as asked (the message says
    /// why and what to do); nothing was changed.
    #[error("{0}")]
    MergeRefused(String),
    /// No import is left to undo.
    #[error("there is no import left to undo")]
    NothingToUndo,
    /// A file offered as a backup that is not a ringdesk customer
    /// database (or is damaged); nothing was changed.
    #[error("{} cannot be restored: {reason}; nothing was changed", path.display())]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// A file beside the database (a backup) could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    File {
        /// What was being done ("write the backup").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// A sign-in (or the old password of a change) refused; wrong
    /// passwords were counted and any lock recorded.
    #[error(transparent)]
    SignIn(#[from] crate::domain::SignInRefusal),
    /// A password could not be hashed; nothing was changed.
    #[error(transparent)]
    Hash(#[from] crate::domain::password::HashError),
    /// An import was cancelled while it ran; nothing was written.
    #[error("the import was cancelled; nothing was written")]
    Cancelled,
    /// The search index of a load or a first import, written beside the
    /// book, could not be made; nothing of the load or import was kept.
    #[error("the search index could not be built beside the customer database: {0}")]
    SearchBuild(String),
    /// Any other `SQLite` failure.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Result of a store operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns "no rows" into [`Error::NotFound`] for `what`/`id`.
pub(crate) fn found<T>(result: rusqlite::Result<T>, what: &'static str, id: i64) -> Result<T> {
    match result {
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(Error::NotFound { what, id }),
        other => other.map_err(Error::from),
    }
}

/// Turns a UNIQUE constraint failure into [`Error::Taken`].
pub(crate) fn unique<T>(result: rusqlite::Result<T>, what: &'static str, name: &str) -> Result<T> {
    match result {
        Err(rusqlite::Error::SqliteFailure(error, _))
            if error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Err(Error::Taken {
                what,
                name: name.to_owned(),
            })
        }
        other => other.map_err(Error::from),
    }
}
