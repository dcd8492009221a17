//! Where a till syncs: the Sell Sync server (the gateway, with the till's device
//! credential) or a central MongoDB directly, given on the command line (or in the
//! environment, `SELLSYNC_MONGODB_URI` and `SELLSYNC_MONGODB_DATABASE`), or saved in
//! `sync.toml` in the till's data folder. Without any, the till works offline, forever,
//! its outbox growing.
//!
//! The file holds a credential or a password, so it is written readable by its owner only.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::info;

use crate::error::{Result, SyncError};
use crate::gateway::GatewayConfig;
use sellsync_central::CentralConfig;
use sellsync_core::sync::queue::SyncSetupApproval;

/// The settings file in a till's data folder.
pub const SETTINGS_FILE: &str = "sync.toml";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    /// The gateway's address...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server: Option<String>,
    /// ...and this till's credential there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    device_token: Option<String>,
    /// Or the MongoDB connection string...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mongodb_uri: Option<String>,
    /// ...and the database holding the business's collections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    database: Option<String>,
}

/// Where a till syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncTarget {
    /// The Sell Sync server: the service's tills hold no database credentials.
    Gateway(GatewayConfig),
    /// A central MongoDB directly: a self-hosted business.
    Mongo(CentralConfig),
}

impl From<CentralConfig> for SyncTarget {
    fn from(config: CentralConfig) -> SyncTarget {
        SyncTarget::Mongo(config)
    }
}

impl From<GatewayConfig> for SyncTarget {
    fn from(config: GatewayConfig) -> SyncTarget {
        SyncTarget::Gateway(config)
    }
}

impl fmt::Display for SyncTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncTarget::Gateway(config) => config.fmt(f),
            SyncTarget::Mongo(config) => config.fmt(f),
        }
    }
}

impl SyncTarget {
    /// Where the till in `data_dir` is set to sync, or the central MongoDB given (`uri`,
    /// `database`: flags or the environment) for a till that is not enrolled at a Sell
    /// Sync server; `None` when it is set to none. A till enrolled at a server syncs there
    /// only: a MongoDB given for it (an operator's `SELLSYNC_MONGODB_URI` left in the
    /// shell, say) is refused, never used to go around the server.
    pub fn for_till(
        data_dir: &Path,
        uri: Option<String>,
        database: Option<String>,
    ) -> Result<Option<SyncTarget>> {
        let saved = Self::saved(data_dir, database.clone())?;
        match (saved, uri) {
            (Some(SyncTarget::Gateway(config)), Some(_)) => Err(SyncError::Settings {
                path: settings_path(data_dir).display().to_string(),
                reason: format!(
                    "this till is enrolled at {config} and syncs only there, yet a MongoDB was given too (SELLSYNC_MONGODB_URI or --mongodb): leave it out"
                ),
            }),
            (_, Some(uri)) => Ok(Some(CentralConfig::new(uri, database)?.into())),
            (saved, None) => Ok(saved),
        }
    }

    /// What `sync.toml` in `data_dir` says (`database` over the file's).
    fn saved(data_dir: &Path, database: Option<String>) -> Result<Option<SyncTarget>> {
        let path = settings_path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(settings_error(&path, e)),
        };
        let file: SettingsFile = toml::from_str(&text).map_err(|e| settings_error(&path, e))?;
        match file {
            SettingsFile {
                server: Some(server),
                device_token: Some(token),
                mongodb_uri: None,
                ..
            } => GatewayConfig::new(&server, token).map(|c| Some(c.into())),
            SettingsFile {
                server: None,
                device_token: None,
                mongodb_uri: Some(uri),
                database: file_database,
            } => Ok(Some(
                CentralConfig::new(uri, database.or(file_database))?.into(),
            )),
            _ => Err(settings_error(
                &path,
                "it must name either a server and a device_token, or a mongodb_uri",
            )),
        }
    }

    /// Saves this as where the till in `data_dir` syncs, with the leave core gave
    /// (`Till::approve_sync_setup`).
    pub fn save(&self, data_dir: &Path, approval: &SyncSetupApproval) -> Result<()> {
        self.write(data_dir)?;
        info!(central = %self, by = approval.approved_by(), "sync settings saved");
        Ok(())
    }

    /// Writes the settings file: for a change approved in core, or for a till just set up
    /// from this central database or gateway.
    pub(crate) fn write(&self, data_dir: &Path) -> Result<()> {
        let path = settings_path(data_dir);
        let (file, how) = match self {
            SyncTarget::Gateway(config) => (
                SettingsFile {
                    server: Some(config.url.clone()),
                    device_token: Some(config.device_token.clone()),
                    mongodb_uri: None,
                    database: None,
                },
                "the Sell Sync server of this till and its credential there (written by `sellsync init --server`)",
            ),
            SyncTarget::Mongo(config) => (
                SettingsFile {
                    server: None,
                    device_token: None,
                    mongodb_uri: Some(config.uri.clone()),
                    database: Some(config.database.clone()),
                },
                "the central MongoDB of this till (written by `sellsync sync setup`)",
            ),
        };
        let text = toml::to_string(&file).map_err(|e| settings_error(&path, e))?;
        write_private(&path, &format!("# {how}.\n{text}")).map_err(|e| settings_error(&path, e))
    }
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
        assert_eq!(SyncTarget::for_till(dir.path(), None, None).unwrap(), None);
        let saved: SyncTarget =
            CentralConfig::new("mongodb://till:pw@db:27017", Some("shop".into()))
                .unwrap()
                .into();
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
            SyncTarget::for_till(dir.path(), None, None).unwrap(),
            Some(saved)
        );
        let given = SyncTarget::for_till(dir.path(), Some("mongodb://other".into()), None)
            .unwrap()
            .unwrap();
        let SyncTarget::Mongo(given) = given else {
            panic!("{given:?}")
        };
        assert_eq!(
            (given.uri.as_str(), given.database.as_str()),
            ("mongodb://other", "sellsync")
        );

        let gateway: SyncTarget = GatewayConfig::new("https://sync.example.com", "ssd_x")
            .unwrap()
            .into();
        gateway.write(dir.path()).unwrap();
        assert_eq!(
            SyncTarget::for_till(dir.path(), None, None).unwrap(),
            Some(gateway)
        );
        // Enrolled at a server: a MongoDB in the environment never takes it around it.
        let err =
            SyncTarget::for_till(dir.path(), Some("mongodb://other".into()), None).unwrap_err();
        assert!(err.to_string().contains("syncs only there"), "{err}");

        for bad in [
            "mongodb_url = 'x'\n",
            "server = 'https://s'\n",
            "server = 'https://s'\ndevice_token = 't'\nmongodb_uri = 'mongodb://x'\n",
        ] {
            std::fs::write(dir.path().join(SETTINGS_FILE), bad).unwrap();
            let err = SyncTarget::for_till(dir.path(), None, None).unwrap_err();
            assert!(err.to_string().contains("sync.toml"), "{err}");
        }
    }
}
