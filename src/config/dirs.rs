//! Where ringdesk keeps its files: the per-user folders of each operating
//! system, or one folder given with `--data-dir` / `RINGDESK_DATA_DIR`.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

use super::Error;

/// The folders and files of one ringdesk installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDirs {
    data: PathBuf,
    config: PathBuf,
    logs: PathBuf,
}

impl DataDirs {
    /// The per-user folders (`%APPDATA%\ringdesk` on Windows,
    /// `~/Library/Application Support/…` on macOS, XDG folders on Linux),
    /// or everything inside `data_dir` when one is given.
    ///
    /// # Errors
    /// [`Error::NoHome`] when the system names no home folder and no `data_dir` is given.
    pub fn resolve(data_dir: Option<&Path>) -> Result<Self, Error> {
        if let Some(dir) = data_dir {
            return Ok(Self::inside(dir));
        }
        let dirs = ProjectDirs::from("", "", "ringdesk").ok_or(Error::NoHome)?;
        Ok(Self {
            data: dirs.data_dir().to_owned(),
            config: dirs.config_dir().to_owned(),
            logs: dirs.data_local_dir().join("logs"),
        })
    }

    /// Everything in one folder: database, settings, logs/.
    #[must_use]
    pub fn inside(dir: &Path) -> Self {
        Self {
            data: dir.to_owned(),
            config: dir.to_owned(),
            logs: dir.join("logs"),
        }
    }

    /// Creates the folders that do not exist yet.
    ///
    /// # Errors
    /// [`Error::CreateDir`] naming the folder that could not be made.
    pub fn create(&self) -> Result<(), Error> {
        for dir in [&self.data, &self.config, &self.logs] {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// The customer database.
    #[must_use]
    pub fn database(&self) -> PathBuf {
        self.data.join("ringdesk.sqlite3")
    }

    /// The settings file.
    #[must_use]
    pub fn settings_file(&self) -> PathBuf {
        self.config.join("settings.toml")
    }

    /// Where the running window listens for other starts of ringdesk
    /// (`ringdesk dial`): a Unix domain socket beside the database; on
    /// Windows the name of a named pipe is made from this path.
    #[must_use]
    pub fn link_socket(&self) -> PathBuf {
        self.data.join("ringdesk.sock")
    }

    /// The folder of daily log files.
    #[must_use]
    pub fn logs(&self) -> &Path {
        &self.logs
    }
}
