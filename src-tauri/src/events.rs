//! What the window hears without asking: the status bar (sync, printer) and the count of
//! unread notifications, pushed as events whenever they may have changed — after a
//! command wrote to the till, when the sync engine's status moves, when print jobs end.

use sellsync_core::Till;
use tauri::{AppHandle, Emitter, Manager};
use tracing::warn;

use crate::views::{Answer, PrinterView, StatusView, SyncState};
use crate::{lock, Desk};

/// The status bar's event: a [`StatusView`].
pub const STATUS: &str = "status";
/// The unread notifications' event: their number.
pub const UNREAD: &str = "unread";

/// The status bar as it stands.
pub fn status_view(desk: &Desk) -> Answer<StatusView> {
    let engine = lock(&desk.sync)
        .as_ref()
        .map(|task| (task.central.clone(), task.status()));
    let session = desk.session();
    let till = session
        .till
        .as_ref()
        .ok_or_else(|| "There is no till here yet.".to_owned())?;
    let sync = till.sync_status()?;
    let (state, central, error) = match engine {
        None => (SyncState::NotSetUp, None, None),
        Some((central, status)) => {
            let state = match (status.online, &status.last_error) {
                (true, _) => SyncState::Online,
                (false, Some(_)) => SyncState::Offline,
                (false, None) => SyncState::Connecting,
            };
            (state, Some(central), status.last_error)
        }
    };
    let zone = till.business().timezone;
    Ok(StatusView {
        sync: state,
        central,
        sync_error: error,
        pending: sync.pending,
        parked: sync.parked,
        last_sync: sync
            .last_success_at
            .map(|t| t.with_timezone(&zone).format("%H:%M").to_string()),
        printer: till.printer_settings()?.map(|p| PrinterView {
            name: p.connection.to_string(),
            problem: lock(&desk.printer_problem).clone(),
        }),
    })
}

/// Pushes the status bar to the window.
pub fn push_status(app: &AppHandle) {
    match status_view(&app.state::<Desk>()) {
        Ok(view) => emit(app, STATUS, view),
        Err(e) => warn!(error = e.message, "the status bar could not be read"),
    }
}

/// Pushes the status bar and the unread count: after anything that wrote to the till.
pub fn push_all(app: &AppHandle) {
    push_status(app);
    let unread = app
        .state::<Desk>()
        .session()
        .till
        .as_ref()
        .map(Till::unread_notifications);
    match unread {
        Some(Ok(count)) => emit(app, UNREAD, count),
        Some(Err(e)) => warn!(error = %e, "the notifications could not be counted"),
        None => {}
    }
}

fn emit(app: &AppHandle, event: &str, payload: impl serde::Serialize + Clone) {
    if let Err(e) = app.emit(event, payload) {
        warn!(event, error = %e, "an event could not reach the window");
    }
}
