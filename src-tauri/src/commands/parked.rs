//! Parked sales: the cart put aside with a note, the store's parked sales, taking one up
//! into the (empty) cart, discarding one.

use sellsync_core::Cart;
use tauri::{AppHandle, State};

use super::{commit, till};
use crate::views::{Answer, CartView, Failure, ParkedView};
use crate::Desk;

/// Parks the cart with `note`; the counter starts an empty cart.
#[tauri::command(async)]
pub fn park(app: AppHandle, note: String) -> Answer<ParkedView> {
    commit(&app, |c| {
        let parked = c.till.park(&c.actor, c.cart, &note)?;
        *c.cart = Cart::new();
        Ok(ParkedView::new(c.till, &parked))
    })
}

/// The store's parked sales waiting to be taken up (and those taken up here).
#[tauri::command(async)]
pub fn parked_sales(desk: State<'_, Desk>) -> Answer<Vec<ParkedView>> {
    let mut session = desk.session();
    let till = till(&mut session)?;
    let parked = till.parked_sales()?;
    Ok(parked.iter().map(|p| ParkedView::new(till, p)).collect())
}

/// Takes a parked sale up into the cart, which must be empty: the sale in it is parked or
/// finished first.
#[tauri::command(async)]
pub fn resume_parked(app: AppHandle, parked: String) -> Answer<CartView> {
    commit(&app, |c| {
        if !c.cart.is_empty() {
            return Err(Failure::new(
                "cart_not_empty",
                "Park or finish the sale in the cart first.",
            ));
        }
        *c.cart = c.till.resume_parked(&c.actor, &parked)?;
        let priced = c.till.price(c.cart)?;
        let due = c.till.due(c.cart, &priced)?;
        Ok(CartView::new(c.till, c.cart, &priced, &due, None))
    })
}

/// Throws a parked sale away; answers the parked sales left.
#[tauri::command(async)]
pub fn discard_parked(app: AppHandle, parked: String) -> Answer<Vec<ParkedView>> {
    commit(&app, |c| {
        c.till.discard_parked_sale(&c.actor, &parked)?;
        let left = c.till.parked_sales()?;
        Ok(left.iter().map(|p| ParkedView::new(c.till, p)).collect())
    })
}
