//! The first screen and signing in: a till of the demo store, or of a real store enrolled
//! at the Sell Sync server or set up from its central database; who may sign in; signing
//! in and out.

use sellsync_core::{Actor, Credential, Error, Role, Till};
use sellsync_sync::SyncTarget;
use tauri::{AppHandle, Manager, State};
use tracing::warn;

use super::{central_config, counter, till};
use crate::views::{Answer, AppState, StaffView, UserView};
use crate::Desk;

fn app_state_of(desk: &Desk) -> Answer<AppState> {
    let session = desk.session();
    let Some(till) = &session.till else {
        return Ok(AppState {
            problem: desk.open_problem.clone(),
            ..AppState::default()
        });
    };
    Ok(AppState {
        has_till: true,
        store_name: till.store().store_name.clone(),
        currency: till.currency().code().to_owned(),
        currency_symbol: till.currency().symbol(),
        staff: till.staff()?.iter().map(StaffView::from).collect(),
        signed_in: (session.actor.as_ref())
            .map(|actor| UserView::new(till, actor))
            .transpose()?,
        problem: None,
    })
}

#[tauri::command(async)]
pub fn app_state(desk: State<'_, Desk>) -> Answer<AppState> {
    app_state_of(&desk)
}

/// Creates the demo store in the data folder (first start only).
#[tauri::command(async)]
pub fn open_demo(desk: State<'_, Desk>) -> Answer<AppState> {
    {
        let mut session = desk.session();
        if session.till.is_none() {
            let (till, _) = Till::create_demo(&desk.data_dir)?;
            session.till = Some(till);
        }
    }
    app_state_of(&desk)
}

/// Sets this computer up as a new till of an existing store, from the business's central
/// database (as `sellsync init --from-mongodb`), saves the connection and starts syncing.
#[tauri::command]
pub async fn provision(
    app: AppHandle,
    uri: String,
    database: Option<String>,
    store_id: String,
) -> Answer<AppState> {
    let desk = app.state::<Desk>();
    if desk.session().till.is_some() {
        return Err(Error::AlreadyInitialized(desk.data_dir.clone()).into());
    }
    let config = central_config(&uri, database)?;
    let (till, _) =
        sellsync_sync::pull::provision(&desk.data_dir, &config, &store_id, None).await?;
    desk.session().till = Some(till);
    desk.start_sync(&app, config.into());
    app_state_of(&desk)
}

/// Sets this computer up as a new till of a store on the Sell Sync service: enrolled at
/// the server with the one-time code an admin made for the store (as `sellsync init
/// --server URL --enrol CODE`); the till keeps only the server's address and its own
/// credential, and starts syncing.
#[tauri::command]
pub async fn enrol(app: AppHandle, server: String, code: String) -> Answer<AppState> {
    let desk = app.state::<Desk>();
    if desk.session().till.is_some() {
        return Err(Error::AlreadyInitialized(desk.data_dir.clone()).into());
    }
    let (till, _) =
        sellsync_sync::gateway::enrol_till(&desk.data_dir, &server, &code, None).await?;
    let target = SyncTarget::for_till(&desk.data_dir, None, None)?;
    desk.session().till = Some(till);
    if let Some(target) = target {
        desk.start_sync(&app, target);
    }
    app_state_of(&desk)
}

/// Signs a staff member in with their PIN (see [`sign_in_at`]); a manager or admin is
/// verified at the Sell Sync server too, in the background.
#[tauri::command(async)]
pub fn sign_in(
    app: AppHandle,
    desk: State<'_, Desk>,
    email: String,
    pin: String,
) -> Answer<UserView> {
    let actor = sign_in_at(&desk, &email, &pin)?;
    if actor.role() != Role::Cashier {
        verify_at_the_gateway(app, actor.clone(), pin);
    }
    let mut session = desk.session();
    Ok(UserView::new(till(&mut session)?, &actor)?)
}

/// Signs `email` in at the desk with `pin`, with a new cart. The PIN is checked (argon2,
/// slow on purpose) with the session let go, so the window's other commands and the sync
/// task's events do not wait for it.
fn sign_in_at(desk: &Desk, email: &str, pin: &str) -> Answer<Actor> {
    let attempt = till(&mut desk.session())?.begin_sign_in(email)?;
    let matched = attempt.check(Credential::Pin(pin));
    let mut session = desk.session();
    let till = till(&mut session)?;
    let actor = till.finish_sign_in(attempt, matched)?;
    // Orders past their delivery date are told at the start of each shift of work.
    let today = till.today();
    if let Err(e) = till.raise_overdue_orders(today) {
        warn!(error = %e, "overdue purchase orders were not looked for");
    }
    session.actor = Some(actor.clone());
    session.cart = Default::default();
    Ok(actor)
}

/// Has the Sell Sync server verify a manager or admin who just signed in, in the
/// background (the till does not wait for the network), so that what only a person may
/// allow goes through while they work; what waited for one goes out again as theirs. A
/// till that does not sync through the server, or is offline, carries on as it was.
fn verify_at_the_gateway(app: AppHandle, actor: Actor, pin: String) {
    tauri::async_runtime::spawn(async move {
        let desk = app.state::<Desk>();
        let verified =
            sellsync_sync::gateway::verify(&desk.data_dir, actor.email(), Credential::Pin(&pin))
                .await;
        match verified {
            Ok(Some(_)) => {
                // The session's lock and the till's write, on the blocking pool.
                let app = app.clone();
                let confirmed =
                    tauri::async_runtime::spawn_blocking(move || confirm_waiting(&app, &actor));
                if let Err(e) = confirmed.await {
                    warn!(error = %e, "changes waiting for a verified person were not confirmed");
                }
            }
            Ok(None) => {}
            Err(e) => warn!(error = %e, "the Sell Sync server did not verify who signed in"),
        }
    });
}

/// Sends again, as `actor`'s, what waited at the till for a verified person.
fn confirm_waiting(app: &AppHandle, actor: &Actor) {
    let desk = app.state::<Desk>();
    let confirmed = match desk.session().till.as_mut() {
        Some(till) => till.confirm_waiting(actor),
        None => return,
    };
    match confirmed {
        Ok(0) => {}
        Ok(_) => desk.wake_sync(),
        Err(e) => warn!(error = %e, "changes waiting for a verified person were not confirmed"),
    }
}

#[tauri::command(async)]
pub fn sign_out(app: AppHandle, desk: State<'_, Desk>) {
    let mut session = desk.session();
    // A manager or admin verified at the server: that ends here too.
    if let Some(actor) = session.actor.as_ref().filter(|a| a.role() != Role::Cashier) {
        let (app, user) = (app.clone(), actor.user_id().to_string());
        tauri::async_runtime::spawn(async move {
            let desk = app.state::<Desk>();
            if let Err(e) = sellsync_sync::gateway::forget(&desk.data_dir, &user).await {
                warn!(error = %e, "the Sell Sync server was not told of the sign-out");
            }
        });
    }
    // A cart taken up from a parked sale goes back to wait for any till of the store.
    if let Ok(c) = counter(&mut session) {
        if let Err(e) = c.till.release_parked(&c.actor, c.cart) {
            warn!(error = %e, "the parked sale in the cart was not put back");
        }
    }
    session.actor = None;
    session.cart = Default::default();
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use super::*;
    use crate::events::status_view;

    /// The longest one call of `command` took while `busy` was set, and how many calls
    /// were made: called every millisecond until it is not (not in a tight loop, which
    /// would take the cores from the sign-in).
    fn longest_call_while(busy: &AtomicBool, command: impl Fn()) -> (Duration, usize) {
        let (mut longest, mut calls) = (Duration::ZERO, 0);
        while busy.load(Ordering::SeqCst) {
            let started = Instant::now();
            command();
            longest = longest.max(started.elapsed());
            calls += 1;
            std::thread::sleep(Duration::from_millis(1));
        }
        (longest, calls)
    }

    #[test]
    fn other_commands_do_not_wait_for_a_sign_in_checking_its_pin() {
        let dir = tempfile::tempdir().unwrap();
        let (till, _) = Till::create_demo(dir.path()).unwrap();
        let desk = Desk::new(
            dir.path().to_owned(),
            Some(till),
            None,
            std::sync::mpsc::channel().0,
        );
        let busy = AtomicBool::new(true);
        let (signing_in, (state, status)) = std::thread::scope(|s| {
            let sign_in = s.spawn(|| {
                let started = Instant::now();
                let actor = sign_in_at(&desk, "manager@example.com", "2345");
                busy.store(false, Ordering::SeqCst);
                (actor, started.elapsed())
            });
            let state = s.spawn(|| {
                longest_call_while(&busy, || {
                    app_state_of(&desk).unwrap();
                })
            });
            let status = s.spawn(|| {
                longest_call_while(&busy, || {
                    status_view(&desk).unwrap();
                })
            });
            (
                sign_in.join().unwrap(),
                (state.join().unwrap(), status.join().unwrap()),
            )
        });
        let (actor, took) = signing_in;
        assert_eq!(actor.unwrap().email(), "manager@example.com");
        assert!(desk.session().actor.is_some(), "signed in at the desk");
        // Each command ran many times while argon2 checked the PIN, none waiting for it: a
        // command held up by the sign-in would have taken most of the sign-in's time.
        for (command, (longest, calls)) in [("app_state", state), ("status", status)] {
            assert!(
                calls >= 2,
                "{command} ran {calls} times during a {took:?} sign-in"
            );
            assert!(
                longest < took / 2,
                "{command} waited {longest:?} during a {took:?} sign-in"
            );
        }
    }
}
