//! The sync engine as a background task of the window: it runs on Tauri's async runtime
//! with its own connection to the till's database, and every change of its status is
//! pushed to the window (`events::push_status`). Dropping the [`SyncTask`] stops it.

use std::path::Path;
use std::sync::Arc;

use sellsync_sync::{Engine, EngineOptions, EngineStatus, SyncTarget};
use tauri::AppHandle;
use tokio::sync::{oneshot, watch, Notify};
use tracing::warn;

use crate::events;

/// A running sync engine.
pub struct SyncTask {
    /// The central database, as shown to people (hosts, never passwords).
    pub central: String,
    status: watch::Receiver<EngineStatus>,
    wake: Arc<Notify>,
    _stop: oneshot::Sender<()>,
}

impl SyncTask {
    /// Starts the engine for the till in `data_dir`.
    pub fn start(
        app: AppHandle,
        data_dir: &Path,
        config: SyncTarget,
    ) -> sellsync_sync::Result<SyncTask> {
        let central = config.to_string();
        let engine = Engine::new(data_dir, config, EngineOptions::default())?;
        let status = engine.status();
        let wake = engine.waker();
        let (stop, stopped) = oneshot::channel::<()>();
        tauri::async_runtime::spawn(async move {
            // Ends when the task is dropped (the sender goes) or the till's database fails.
            if let Err(e) = engine
                .run(async {
                    let _ = stopped.await;
                })
                .await
            {
                warn!(error = %e, "the sync engine stopped");
            }
        });
        tauri::async_runtime::spawn(forward(app, status.clone()));
        Ok(SyncTask {
            central,
            status,
            wake,
            _stop: stop,
        })
    }

    /// The engine's latest status.
    pub fn status(&self) -> EngineStatus {
        self.status.borrow().clone()
    }

    /// Makes an idle or waiting engine try at once.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Pushes each change of the engine's status to the window, until the engine stops. The
/// events read the session, behind a blocking lock: they are made on the blocking pool,
/// never on a thread of the async runtime.
async fn forward(app: AppHandle, mut status: watch::Receiver<EngineStatus>) {
    let mut shown = EngineStatus::default();
    while status.changed().await.is_ok() {
        let now = status.borrow_and_update().clone();
        // An idle engine reports every poll; the window hears only of changes.
        if now != shown {
            let pulled = now.pulled != shown.pulled;
            shown = now;
            let app = app.clone();
            let pushed = tauri::async_runtime::spawn_blocking(move || {
                if pulled {
                    events::refresh_session(&app);
                }
                events::push_status(&app);
            });
            if let Err(e) = pushed.await {
                warn!(error = %e, "the status bar was not pushed");
            }
        }
    }
}
