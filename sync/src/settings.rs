//! Where a till finds its central database: given on the command line (or in the
//! environment, `SELLSYNC_MONGODB_URI` and `SELLSYNC_MONGODB_DATABASE`), or saved in
//! `sync.toml` in the till's data folder. Without any, the till works offline, forever,
//! its outbox growing.
//!
//! The file may hold a password, so it is written readable by its owner only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::info;

use crate::central::CentralConfig;
use crate::error::{Result, SyncError};
use sellsync_core::sync::queue::SyncSetupApproval;

/// The settings file in a till's data folder.
pub const SETTINGS_FILE: &str = "sync.toml";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    /// The MongoDB connection string.
    mongodb_uri: String,
    /// The database holding the business's collections.
    database: Option<String>,
}

fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SETTINGS_FILE)
}

fn settings_error(path: &Path, reason: impl ToString) -> SyncError {
    SyncError::Settings {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

impl CentralConfig {
    /// The central database given (`uri`, `database`), or else the one saved for the till
    /// in `data_dir`; `None` when the till has none.
    pub fn for_till(
        data_dir: &Path,
        uri: Option<String>,
        database: Option<String>,
    ) -> Result<Option<CentralConfig>> {
        if let Some(uri) = uri {
            return CentralConfig::new(uri, database).map(Some);
        }
        let path = settings_path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(settings_error(&path, e)),
        };
        let file: SettingsFile = toml::from_str(&text).map_err(|e| settings_error(&path, e))?;
        CentralConfig::new(file.mongodb_uri, database.or(file.database)).map(Some)
    }

    /// Saves this as the till's central database in `data_dir`, with the leave core gave
    /// (`Till::approve_sync_setup`).
    pub fn save(&self, data_dir: &Path, approval: &SyncSetupApproval) -> Result<()> {
        self.write(data_dir)?;
        info!(central = %self, by = approval.approved_by(), "sync settings saved");
        Ok(())
    }

    /// Writes the settings file: for a change approved in core, or for a till just set up
    /// from this central database.
    pub(crate) fn write(&self, data_dir: &Path) -> Result<()> {
        let path = settings_path(data_dir);
        let text = toml::to_string(&SettingsFile {
            mongodb_uri: self.uri.clone(),
            database: Some(self.database.clone()),
        })
        .map_err(|e| settings_error(&path, e))?;
        let text = format!(
            "# The central MongoDB of this till (written by `sellsync sync setup`).\n{text}"
        );
        write_private(&path, &text).map_err(|e| settings_error(&path, e))
    }
}

/// Writes `text` to `path`, readable and writable by the owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_come_back_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            CentralConfig::for_till(dir.path(), None, None).unwrap(),
            None
        );
        let saved = CentralConfig::new("mongodb://till:pw@db:27017", Some("shop".into())).unwrap();
        saved.write(dir.path()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(SETTINGS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            CentralConfig::for_till(dir.path(), None, None).unwrap(),
            Some(saved)
        );
        let given = CentralConfig::for_till(dir.path(), Some("mongodb://other".into()), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            (given.uri.as_str(), given.database.as_str()),
            ("mongodb://other", "sellsync")
        );

        std::fs::write(dir.path().join(SETTINGS_FILE), "mongodb_url = 'x'\n").unwrap();
        let err = CentralConfig::for_till(dir.path(), None, None).unwrap_err();
        assert!(err.to_string().contains("sync.toml"), "{err}");
    }
}
