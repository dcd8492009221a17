//! The orders screen: the business's suppliers, the store's purchase orders (automatic
//! drafts among them) changed while drafts, marked ordered, cancelled, and received by
//! scanning. Core decides who may do what and refuses in words the screen shows.

use std::path::PathBuf;

use sellsync_core::purchasing::export::{to_csv, to_page, Orderer};
use sellsync_core::purchasing::orders::{OrderLineInput, ReceivedLine};
use sellsync_core::purchasing::suppliers::NewSupplier;
use serde::Deserialize;
use tauri::{AppHandle, State};

use super::{commit, counter};
use crate::views::{Answer, Failure, OrderView, SupplierView};
use crate::Desk;

/// The business's suppliers.
#[tauri::command(async)]
pub fn suppliers(desk: State<'_, Desk>) -> Answer<Vec<SupplierView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    Ok(c.till.suppliers()?.iter().map(SupplierView::from).collect())
}

/// Adds a supplier (needs `manage_inventory`).
#[tauri::command(async)]
pub fn add_supplier(
    app: AppHandle,
    name: String,
    contact: String,
    email: String,
    phone: String,
) -> Answer<SupplierView> {
    let blank_is_none = |text: String| Some(text).filter(|t| !t.trim().is_empty());
    commit(&app, |c| {
        let supplier = c.till.add_supplier(
            &c.actor,
            &NewSupplier {
                supplier_name: name,
                contact_person: contact,
                email: blank_is_none(email),
                phone: blank_is_none(phone),
                address: String::new(),
            },
        )?;
        Ok(SupplierView::from(&supplier))
    })
}

/// The store's purchase orders, newest first.
#[tauri::command(async)]
pub fn purchase_orders(desk: State<'_, Desk>) -> Answer<Vec<OrderView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let orders = c.till.purchase_orders(None)?;
    Ok(orders.iter().map(|o| OrderView::new(c.till, o)).collect())
}

/// A new, empty draft to the supplier with this id.
#[tauri::command(async)]
pub fn create_order(app: AppHandle, supplier: String) -> Answer<OrderView> {
    order_change(&app, |c| {
        let supplier = c.till.find_supplier(&supplier)?.id;
        Ok(c.till
            .create_purchase_order(&c.actor, supplier, None, &[])?)
    })
}

/// Adds `quantity` of the product with this code to a draft (at the product's cost).
#[tauri::command(async)]
pub fn order_add(app: AppHandle, order: String, code: String, quantity: i64) -> Answer<OrderView> {
    order_change(&app, |c| {
        let line = OrderLineInput {
            product: c.till.require_product(&code)?,
            quantity,
            unit_price: None,
        };
        Ok(c.till.add_to_purchase_order(&c.actor, &order, &[line])?)
    })
}

/// Sets how many of a product a draft orders (0 takes it off).
#[tauri::command(async)]
pub fn order_set(app: AppHandle, order: String, code: String, quantity: i64) -> Answer<OrderView> {
    order_change(&app, |c| {
        let product = c.till.require_product(&code)?.id;
        Ok(c.till
            .set_purchase_order_quantity(&c.actor, &order, product, quantity)?)
    })
}

/// Marks a draft ordered: it went to the supplier.
#[tauri::command(async)]
pub fn mark_ordered(app: AppHandle, order: String) -> Answer<OrderView> {
    order_change(&app, |c| {
        Ok(c.till.mark_purchase_order_ordered(&c.actor, &order)?)
    })
}

/// Cancels an order nothing came in of.
#[tauri::command(async)]
pub fn cancel_order(app: AppHandle, order: String) -> Answer<OrderView> {
    order_change(&app, |c| {
        Ok(c.till.cancel_purchase_order(&c.actor, &order)?)
    })
}

/// Writes the order for the supplier into the till's data folder, as a CSV and a page
/// to print or send (`orders/NUMBER.csv`, `orders/NUMBER.html`), and answers where the
/// page is.
#[tauri::command(async)]
pub fn export_order(desk: State<'_, Desk>, order: String) -> Answer<String> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let order = c.till.purchase_order(&order)?;
    let supplier = c.till.find_supplier(&order.supplier_id.to_string())?;
    let from = Orderer {
        business_name: &c.till.business().business_name,
        store: c.till.store(),
    };
    let page = to_page(&order, &supplier, &from, c.till.currency())?;
    let csv = to_csv(&order, c.till.currency())?;
    let folder: PathBuf = c.till.data_dir().join("orders");
    let file = |ext: &str| folder.join(format!("{}.{ext}", order.order_number));
    let written = std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(file("csv"), csv))
        .and_then(|()| std::fs::write(file("html"), page));
    written.map_err(|e| {
        Failure::new(
            "export_failed",
            format!(
                "The order could not be written to {}: {e}.",
                folder.display()
            ),
        )
    })?;
    Ok(file("html").display().to_string())
}

/// A product as scanned in from a delivery: how many sound, how many broken.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ReceivedInput {
    code: String,
    quantity: i64,
    damaged: i64,
}

/// Receives what was scanned in against an ordered order.
#[tauri::command(async)]
pub fn receive_order(
    app: AppHandle,
    order: String,
    lines: Vec<ReceivedInput>,
) -> Answer<OrderView> {
    order_change(&app, |c| {
        let lines = lines
            .iter()
            .map(|l| {
                Ok(ReceivedLine {
                    product: c.till.require_product(&l.code)?,
                    quantity: l.quantity,
                    damaged: l.damaged,
                    unit_cost: None,
                })
            })
            .collect::<sellsync_core::Result<Vec<_>>>()?;
        Ok(c.till.receive_purchase_order(&c.actor, &order, &lines)?)
    })
}

/// Runs `change` as a write and answers the order as it is now.
fn order_change(
    app: &AppHandle,
    change: impl FnOnce(
        &mut super::Counter<'_>,
    ) -> Answer<sellsync_core::purchasing::orders::PurchaseOrder>,
) -> Answer<OrderView> {
    commit(app, |c| {
        let order = change(c)?;
        Ok(OrderView::new(c.till, &order))
    })
}
