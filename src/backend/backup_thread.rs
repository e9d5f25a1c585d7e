//! The window's daily backups: a thread of its own copies the customer
//! database once per calendar day to `ringdesk-YYYY-MM-DD.sqlite3` in the
//! backup folder (`backup.dir`), as the window opens and then whenever it
//! looks again, every few minutes, and removes the oldest of those files
//! beyond `backup.keep`. `keep = 0` turns it off.
//!
//! Whether today's copy exists is read from the folder, so a window
//! restarted later that day, or a second window on the same database, does
//! not make another. The copy is [`Store::back_up_to`]'s: one read
//! transaction on its own connection, so the store thread and the window
//! go on as usual while it runs. Only files named as daily backups are
//! ever removed.

use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::civil::Date;

use super::event::Event;
use super::store_thread::EventSender;
use crate::config::BackupSettings;
use crate::store::Store;

/// How often the thread looks whether a new day has begun.
const TICK: Duration = Duration::from_mins(5);

/// What the rest of the backend tells the backup thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BackupControl {
    /// The settings changed.
    Settings(BackupSettings),
}

/// The name of the daily backup made on `date`: `ringdesk-2026-03-01.sqlite3`.
#[must_use]
pub fn daily_name(date: Date) -> String {
    format!(
        "ringdesk-{:04}-{:02}-{:02}.sqlite3",
        date.year(),
        date.month(),
        date.day()
    )
}

/// The day of a daily backup named `name`, if it is one.
#[must_use]
pub fn daily_date(name: &str) -> Option<Date> {
    let date = name.strip_prefix("ringdesk-")?.strip_suffix(".sqlite3")?;
    // Exactly YYYY-MM-DD: not a copy someone named ringdesk-old-2.sqlite3.
    if date.len() != 10 {
        return None;
    }
    date.parse().ok()
}

/// Of the file names in a backup folder, the daily backups to remove so
/// that the newest `keep` stay, oldest first. Other files are never named.
#[must_use]
pub fn expired(names: &[String], keep: usize) -> Vec<String> {
    let mut daily: Vec<(Date, &String)> = names
        .iter()
        .filter_map(|name| daily_date(name).map(|date| (date, name)))
        .collect();
    daily.sort();
    let remove = daily.len().saturating_sub(keep);
    daily
        .into_iter()
        .take(remove)
        .map(|(_, name)| name.clone())
        .collect()
}

/// Why a daily backup could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DailyBackupError {
    /// The folder could not be made or read.
    #[error("cannot use the backup folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The copy failed.
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}

/// Makes today's backup of the database at `database` in `folder` unless
/// there is one, then removes the oldest daily backups beyond `keep`.
/// Returns the backup made, if one was.
///
/// # Errors
/// When the folder cannot be used or the copy fails; old backups are
/// only removed after today's is made (or was there).
pub fn back_up_daily(
    database: &Path,
    folder: &Path,
    keep: usize,
    today: Date,
) -> Result<Option<PathBuf>, DailyBackupError> {
    let folder_error = |source| DailyBackupError::Folder {
        path: folder.to_owned(),
        source,
    };
    std::fs::create_dir_all(folder).map_err(folder_error)?;
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map_err(folder_error)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let name = daily_name(today);
    let made = if names.contains(&name) {
        None
    } else {
        let path = folder.join(&name);
        Store::open(database)?.back_up_to(&path)?;
        names.push(name);
        Some(path)
    };
    for old in expired(&names, keep) {
        let path = folder.join(&old);
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(path = %path.display(), "old daily backup removed"),
            Err(error) => {
                tracing::warn!("cannot remove the old backup {}: {error}", path.display());
            }
        }
    }
    Ok(made)
}

/// Starts the thread for the database at `database`, its backups in
/// `settings.dir` under the data folder `data`; it stops when the returned
/// sender is dropped.
pub(super) fn spawn(
    database: PathBuf,
    data: PathBuf,
    settings: BackupSettings,
    events: EventSender,
) -> std::io::Result<(std_mpsc::Sender<BackupControl>, JoinHandle<()>)> {
    let (control, receiver) = std_mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("ringdesk-backup".to_owned())
        .spawn(move || run(&database, &data, settings, &receiver, &events))?;
    Ok((control, thread))
}

fn run(
    database: &Path,
    data: &Path,
    mut settings: BackupSettings,
    control: &std_mpsc::Receiver<BackupControl>,
    events: &EventSender,
) {
    // The day a backup last failed: told once a day, not at every look.
    let mut failed_on: Option<Date> = None;
    loop {
        let today = jiff::Zoned::now().date();
        if settings.keep > 0 && failed_on != Some(today) {
            let folder = settings.folder(data);
            let keep = usize::try_from(settings.keep).unwrap_or(usize::MAX);
            match back_up_daily(database, &folder, keep, today) {
                Ok(Some(path)) => tracing::info!(path = %path.display(), "daily backup made"),
                Ok(None) => {}
                Err(error) => {
                    tracing::error!("the daily backup failed: {error}");
                    failed_on = Some(today);
                    events.send(Event::Failed {
                        action: "back up the customer database",
                        message: error.to_string(),
                    });
                }
            }
        }
        match control.recv_timeout(TICK) {
            Ok(BackupControl::Settings(new)) => {
                settings = new;
                failed_on = None;
            }
            Err(std_mpsc::RecvTimeoutError::Timeout) => {}
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use rstest::rstest;

    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|&name| name.to_owned()).collect()
    }

    #[rstest]
    #[case("ringdesk-2026-03-01.sqlite3", Some(date(2026, 3, 1)))]
    #[case("ringdesk-2026-12-31.sqlite3", Some(date(2026, 12, 31)))]
    #[case("ringdesk-2026-02-30.sqlite3", None)]
    #[case("ringdesk-2026-3-1.sqlite3", None)]
    #[case("ringdesk-old.sqlite3", None)]
    #[case("ringdesk-2026-03-01.sqlite3.part", None)]
    #[case("ringdesk-2026-03-01.sqlite3-wal", None)]
    #[case("my-ringdesk-2026-03-01.sqlite3", None)]
    #[case("ringdesk.sqlite3", None)]
    fn daily_backups_are_told_by_their_names(#[case] name: &str, #[case] day: Option<Date>) {
        assert_eq!(daily_date(name), day);
        if let Some(day) = day {
            assert_eq!(daily_name(day), name);
        }
    }

    #[test]
    fn the_oldest_daily_backups_beyond_keep_go_and_nothing_else() {
        let folder = names(&[
            "ringdesk-2026-03-03.sqlite3",
            "notes.txt",
            "ringdesk-2025-12-31.sqlite3",
            "ringdesk-2026-03-01.sqlite3",
            "ringdesk-2026-03-02.sqlite3",
            "ringdesk-2026-03-02.sqlite3.part",
            "ringdesk-before-upgrade.sqlite3",
        ]);
        assert_eq!(
            expired(&folder, 2),
            ["ringdesk-2025-12-31.sqlite3", "ringdesk-2026-03-01.sqlite3"]
        );
        assert_eq!(expired(&folder, 4), Vec::<String>::new());
        assert_eq!(expired(&folder, 7), Vec::<String>::new());
        assert_eq!(expired(&folder, 0).len(), 4);
        assert!(expired(&[], 3).is_empty());
    }

    #[test]
    fn one_backup_a_day_and_the_oldest_removed() {
        let data = tempfile::tempdir().unwrap();
        let database = data.path().join("ringdesk.sqlite3");
        drop(Store::open(&database).unwrap());
        let folder = data.path().join("backups");
        std::fs::create_dir_all(&folder).unwrap();
        for old in ["ringdesk-2026-02-26.sqlite3", "ringdesk-2026-02-27.sqlite3"] {
            std::fs::write(folder.join(old), "old").unwrap();
        }
        std::fs::write(folder.join("keep-me.txt"), "mine").unwrap();

        let made = back_up_daily(&database, &folder, 2, date(2026, 3, 1)).unwrap();
        assert_eq!(made, Some(folder.join("ringdesk-2026-03-01.sqlite3")));
        assert!(Store::open(&folder.join("ringdesk-2026-03-01.sqlite3")).is_ok());
        // Again the same day: nothing new.
        assert_eq!(
            back_up_daily(&database, &folder, 2, date(2026, 3, 1)).unwrap(),
            None
        );
        let mut left: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "keep-me.txt",
                "ringdesk-2026-02-27.sqlite3",
                "ringdesk-2026-03-01.sqlite3"
            ]
        );
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_named() {
        let data = tempfile::tempdir().unwrap();
        let database = data.path().join("ringdesk.sqlite3");
        let file = data.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let error =
            back_up_daily(&database, &file.join("backups"), 7, date(2026, 3, 1)).unwrap_err();
        assert!(error.to_string().contains("a-file"), "{error}");
    }
}
