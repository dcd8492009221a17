//! What the window hears without asking: the status bar (sync, printer) and the count of
//! unread notifications, pushed as events whenever they may have changed — after a
//! command wrote to the till, when the sync engine's status moves, when print jobs end.

use sellsync_core::{Cart, Till};
use tauri::{AppHandle, Emitter, Manager};
use tracing::warn;

use crate::views::{Answer, PrinterView, StatusView, SyncState};
use crate::{lock, Desk, Session};

/// The status bar's event: a [`StatusView`].
pub const STATUS: &str = "status";
/// The unread notifications' event: their number.
pub const UNREAD: &str = "unread";
/// The signed-in user was removed centrally and is signed out.
pub const SIGNED_OUT: &str = "signed_out";

/// The status bar as it stands.
pub fn status_view(desk: &Desk) -> Answer<StatusView> {
    let engine = lock(&desk.sync)
        .as_ref()
        .map(|task| (task.central.clone(), task.status()));
    let session = desk.session();
    let till = session.till.as_ref().ok_or_else(crate::commands::no_till)?;
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

/// Takes what the sync engine pulled into the session at once: the business's settings
/// (tax, discount limit, …) and the signed-in user's role and permissions. A user who
/// can no longer sign in here is signed out, their cart dropped, and the window told.
pub fn refresh_session(app: &AppHandle) {
    let desk = app.state::<Desk>();
    let signed_out = {
        let mut session = desk.session();
        let Session { till, actor, cart } = &mut *session;
        let Some(till) = till.as_mut() else {
            return;
        };
        if let Err(e) = till.reload_identity() {
            warn!(error = %e, "the business's settings could not be read again");
        }
        match actor.as_ref().map(|current| till.reload_actor(current)) {
            Some(Ok(Some(fresh))) => {
                *actor = Some(fresh);
                false
            }
            Some(Ok(None)) => {
                *actor = None;
                *cart = Cart::new();
                true
            }
            Some(Err(e)) => {
                warn!(error = %e, "the signed-in user could not be read again");
                false
            }
            None => false,
        }
    };
    if signed_out {
        emit(app, SIGNED_OUT, ());
    }
}

fn emit(app: &AppHandle, event: &str, payload: impl serde::Serialize + Clone) {
    if let Err(e) = app.emit(event, payload) {
        warn!(event, error = %e, "an event could not reach the window");
    }
}
