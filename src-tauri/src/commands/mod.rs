//! The commands the window calls. Each reads its arguments, calls core, and answers a view
//! or core's message; none holds a business rule. Every one is `async` or
//! `#[tauri::command(async)]`: Tauri runs a plain command on the main thread, where
//! argon2 at sign-in or the fsync of a sale would freeze the window; these run on the
//! async runtime's threads instead. (They live in modules: a `#[tauri::command]` that is
//! `pub` at the crate root does not compile.)
//!
//! - [`session`]: the first screen (demo store or a till of a real store), signing in.
//! - [`sell`]: the cart, the customer, paying, the cash drawer.
//! - [`parked`]: carts parked with a note and taken up again.
//! - [`returns`]: a sale found by its receipt's code, returns (with and without a
//!   receipt) previewed and made, voids.
//! - [`stock`]: stock levels (with what is on order and in transit) and corrections,
//!   products, notifications (and marking them read).
//! - [`purchasing`]: suppliers and purchase orders: drafts (automatic ones among them),
//!   ordered, cancelled, received by scanning.
//! - [`transfers`]: stock sent to and received from the business's other stores; stock
//!   counts.
//! - [`shift`]: the shift, its float, cash in and out, the X report, closing into the Z
//!   report.
//! - [`reports`]: the day broken down by hour, product, category, cashier, tender; CSV.
//! - [`settings`]: the status bar, the central database and the printer.

pub mod parked;
pub mod purchasing;
pub mod reports;
pub mod returns;
pub mod sell;
pub mod session;
pub mod settings;
pub mod shift;
pub mod stock;
pub mod transfers;

use sellsync_core::staff::Approval;
use sellsync_core::{Actor, Cart, Error, Sale, Till};
use sellsync_sync::CentralConfig;
use tauri::{AppHandle, Manager};
use tracing::warn;

use crate::views::{Answer, Failure};
use crate::{events, Desk, Session};

/// No till is open yet.
pub(crate) fn no_till() -> Failure {
    Failure::new(
        "no_till",
        "There is no till here yet: open the demo store or set one up.",
    )
}

/// The open till, or the message to open one first.
fn till(session: &mut Session) -> Answer<&mut Till> {
    session.till.as_mut().ok_or_else(no_till)
}

/// The counter as a signed-in user works at it: the till, who they are, their cart.
struct Counter<'a> {
    till: &'a mut Till,
    actor: Actor,
    cart: &'a mut Cart,
}

/// The counter, or the message to sign in first.
fn counter(session: &mut Session) -> Answer<Counter<'_>> {
    let actor = session
        .actor
        .clone()
        .ok_or_else(|| Failure::new("not_signed_in", "Sign in first."))?;
    let Session { till, cart, .. } = session;
    let till = till.as_mut().ok_or_else(no_till)?;
    Ok(Counter { till, actor, cart })
}

/// How every command that changes the till runs: `change` works on the signed-in counter
/// and the session is released as soon as it returns; then, if it succeeded, the sync
/// engine is woken (the change waits in the outbox) and the window hears the status bar
/// and the unread count. A command that writes calls this and nothing else, so none can
/// forget a step, or push events (which read the session) while it holds the session.
fn commit<T>(app: &AppHandle, change: impl FnOnce(&mut Counter<'_>) -> Answer<T>) -> Answer<T> {
    let desk = app.state::<Desk>();
    let answer = {
        let mut session = desk.session();
        let mut counter = counter(&mut session)?;
        change(&mut counter)
    };
    if answer.is_ok() {
        desk.wake_sync();
        events::push_all(app);
    }
    answer
}

/// The central database as the forms give it: an empty database name means the default.
fn central_config(uri: &str, database: Option<String>) -> Answer<CentralConfig> {
    let database = database.filter(|d| !d.trim().is_empty());
    Ok(CentralConfig::new(uri.trim().to_owned(), database)?)
}

/// A manager's approval as the screen sends it; none while the email is empty.
fn approval<'a>(email: &'a str, pin: &'a str) -> Option<Approval<'a>> {
    (!email.trim().is_empty()).then_some(Approval { email, pin })
}

/// Queues the receipt of `sale` (a sale or a refund) for the print worker; whether it
/// went to the queue. The sale is saved whatever the printer does: a till without a
/// printer, or a failure to queue (logged), prints nothing.
fn print_receipt(desk: &Desk, till: &mut Till, actor: &Actor, sale: &Sale) -> bool {
    match till.queue_receipt(actor, sale.id, false) {
        Ok(_) => {
            desk.print();
            true
        }
        Err(Error::NoPrinter) => false,
        Err(e) => {
            warn!(error = %e, "the receipt was not queued");
            false
        }
    }
}
