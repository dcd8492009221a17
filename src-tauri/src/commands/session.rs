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
        signed_in: session.actor.as_ref().map(UserView::from),
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

#[tauri::command(async)]
pub fn sign_in(
    app: AppHandle,
    desk: State<'_, Desk>,
    email: String,
    pin: String,
) -> Answer<UserView> {
    let mut session = desk.session();
    let till = till(&mut session)?;
    let actor = till.sign_in(&email, Credential::Pin(&pin))?;
    // Orders past their delivery date are told at the start of each shift of work.
    let today = till.today();
    if let Err(e) = till.raise_overdue_orders(today) {
        warn!(error = %e, "overdue purchase orders were not looked for");
    }
    let user = UserView::from(&actor);
    if actor.role() != Role::Cashier {
        verify_at_the_gateway(app, actor.clone(), pin);
    }
    session.actor = Some(actor);
    session.cart = Default::default();
    Ok(user)
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
                let mut session = desk.session();
                if let Some(till) = session.till.as_mut() {
                    match till.confirm_waiting(&actor) {
                        Ok(0) => {}
                        Ok(_) => {
                            drop(session);
                            desk.wake_sync();
                        }
                        Err(e) => {
                            warn!(error = %e, "changes waiting for a verified person were not confirmed")
                        }
                    }
                }
            }
            Ok(None) => {}
            Err(e) => warn!(error = %e, "the Sell Sync server did not verify who signed in"),
        }
    });
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
