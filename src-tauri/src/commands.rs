//! The commands the window calls. Each reads its arguments, calls core, and answers a view
//! or core's message; none holds a business rule. (They live in a module: a
//! `#[tauri::command]` that is `pub` at the crate root does not compile.)

use std::path::PathBuf;
use std::sync::MutexGuard;

use sellsync_core::checkout::Tender;
use sellsync_core::{Error, Till};
use sellsync_printer::{print_queued, Timeouts};
use serde::Deserialize;
use tauri::State;
use tracing::warn;

use crate::views::{
    Answer, AppState, CartView, NotificationView, SaleView, StaffView, StatusView, StockView,
    UserView,
};
use crate::{Desk, Session};

fn session<'a>(desk: &'a State<'_, Desk>) -> MutexGuard<'a, Session> {
    // A panic while the lock was held leaves the session as it was: carry on with it.
    desk.inner.lock().unwrap_or_else(|e| e.into_inner())
}

/// The open till, or the message to open one first.
fn till(session: &mut Session) -> Answer<&mut Till> {
    session
        .till
        .as_mut()
        .ok_or_else(|| "There is no till here yet: open the demo store or set one up.".into())
}

fn signed_in(session: &Session) -> Answer<sellsync_core::Actor> {
    session.actor.clone().ok_or_else(|| "Sign in first.".into())
}

#[tauri::command]
pub fn app_state(desk: State<'_, Desk>) -> Answer<AppState> {
    let session = session(&desk);
    let Some(till) = &session.till else {
        return Ok(AppState {
            has_till: false,
            store_name: String::new(),
            currency: String::new(),
            staff: Vec::new(),
            signed_in: None,
        });
    };
    Ok(AppState {
        has_till: true,
        store_name: till.store().store_name.clone(),
        currency: till.currency().code().to_owned(),
        staff: till.staff()?.iter().map(StaffView::from).collect(),
        signed_in: session.actor.as_ref().map(UserView::from),
    })
}

/// Creates the demo store in the data folder (first start only).
#[tauri::command]
pub fn open_demo(desk: State<'_, Desk>) -> Answer<AppState> {
    {
        let mut session = session(&desk);
        if session.till.is_none() {
            let (till, _) = Till::create_demo(&desk.data_dir)?;
            session.till = Some(till);
        }
    }
    app_state(desk)
}

#[tauri::command]
pub fn sign_in(desk: State<'_, Desk>, email: String, pin: String) -> Answer<UserView> {
    let mut session = session(&desk);
    let actor = till(&mut session)?.sign_in(&email, sellsync_core::Credential::Pin(&pin))?;
    let user = UserView::from(&actor);
    session.actor = Some(actor);
    session.cart = Default::default();
    Ok(user)
}

#[tauri::command]
pub fn sign_out(desk: State<'_, Desk>) {
    let mut session = session(&desk);
    session.actor = None;
    session.cart = Default::default();
}

/// The cart as it stands, priced by core.
fn cart_view(session: &mut Session, current: Option<usize>) -> Answer<CartView> {
    let Session { till, cart, .. } = session;
    let till = till
        .as_ref()
        .ok_or_else(|| "There is no till here yet.".to_owned())?;
    let priced = till.price(cart)?;
    Ok(CartView::new(till, cart, &priced, current))
}

/// A scanned or typed barcode or SKU: one more of it in the cart.
#[tauri::command]
pub fn scan(desk: State<'_, Desk>, code: String) -> Answer<CartView> {
    let mut session = session(&desk);
    signed_in(&session)?;
    let Session { till, cart, .. } = &mut *session;
    let till = till
        .as_ref()
        .ok_or_else(|| "There is no till here yet.".to_owned())?;
    let line = till.ring_up(cart, code.trim(), 1)?;
    cart_view(&mut session, Some(line))
}

#[tauri::command]
pub fn set_quantity(desk: State<'_, Desk>, line: usize, quantity: i64) -> Answer<CartView> {
    let mut session = session(&desk);
    signed_in(&session)?;
    session.cart.set_quantity(line, quantity)?;
    cart_view(&mut session, Some(line))
}

#[tauri::command]
pub fn remove_line(desk: State<'_, Desk>, line: usize) -> Answer<CartView> {
    let mut session = session(&desk);
    signed_in(&session)?;
    session.cart.remove(line)?;
    cart_view(&mut session, None)
}

/// A payment as the pay dialog sends it: a method's name and an amount as typed (none:
/// the rest).
#[derive(Deserialize)]
pub struct TenderInput {
    method: String,
    amount: Option<String>,
}

/// Completes the sale; then, if the till has a printer, queues the receipt and prints it
/// on a thread of its own (the sale is saved whatever the printer does).
#[tauri::command]
pub fn pay(desk: State<'_, Desk>, tenders: Vec<TenderInput>) -> Answer<SaleView> {
    let mut session = session(&desk);
    let actor = signed_in(&session)?;
    let Session { till, cart, .. } = &mut *session;
    let till = till
        .as_mut()
        .ok_or_else(|| "There is no till here yet.".to_owned())?;
    let mut checked = Vec::with_capacity(tenders.len());
    for t in &tenders {
        let amount = match t.amount.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(till.parse_money(text)?),
        };
        checked.push(Tender {
            method: till.payment_method(&t.method)?,
            amount,
        });
    }
    let sale = till.complete_sale(&actor, cart, &checked)?;
    *cart = Default::default();
    match till.queue_receipt(&actor, sale.id, false) {
        Ok(_) => print_in_background(desk.data_dir.clone()),
        Err(Error::NoPrinter) => {}
        Err(e) => warn!(error = %e, "the receipt was not queued"),
    }
    Ok(SaleView::new(till, &sale))
}

/// Prints what the till has queued, on its own connection to the till's database.
fn print_in_background(data_dir: PathBuf) {
    std::thread::spawn(move || {
        let printed = Till::open(&data_dir)
            .map_err(|e| e.to_string())
            .and_then(|mut till| {
                print_queued(&mut till, Timeouts::default()).map_err(|e| e.to_string())
            });
        if let Err(error) = printed {
            warn!(error, "the print queue could not run");
        }
    });
}

#[tauri::command]
pub fn status(desk: State<'_, Desk>) -> Answer<StatusView> {
    let mut session = session(&desk);
    let till = till(&mut session)?;
    let sync = till.sync_status()?;
    Ok(StatusView {
        pending: sync.pending,
        parked: sync.parked,
        sync_configured: desk.data_dir.join("sync.toml").exists(),
        last_sync: sync.last_success_at.map(|t| {
            t.with_timezone(&till.business().timezone)
                .format("%H:%M")
                .to_string()
        }),
        printer: till.printer_settings()?.map(|p| p.connection.to_string()),
    })
}

/// Every product with its stock (only the low ones with `low_only`).
#[tauri::command]
pub fn stock(desk: State<'_, Desk>, low_only: bool) -> Answer<Vec<StockView>> {
    let mut session = session(&desk);
    signed_in(&session)?;
    let products = till(&mut session)?.stock_levels(low_only)?;
    Ok(products.iter().map(StockView::from).collect())
}

/// Corrects a product's stock by `delta` with a reason (needs `manage_inventory`: core
/// refuses anyone else in words the screen shows).
#[tauri::command]
pub fn adjust_stock(
    desk: State<'_, Desk>,
    code: String,
    delta: i64,
    reason: String,
) -> Answer<StockView> {
    let mut session = session(&desk);
    let actor = signed_in(&session)?;
    let till = till(&mut session)?;
    till.adjust_stock(&actor, &code, delta, &reason)?;
    let product = till.require_product(&code)?;
    Ok(StockView::from(&product))
}

/// The store's latest notifications, newest first.
#[tauri::command]
pub fn notifications(desk: State<'_, Desk>) -> Answer<Vec<NotificationView>> {
    let mut session = session(&desk);
    signed_in(&session)?;
    let till = till(&mut session)?;
    let notes = till.notifications(false, 100)?;
    Ok(notes
        .iter()
        .map(|n| NotificationView::new(till, n))
        .collect())
}
