//! The orders screen: the business's suppliers, the store's purchase orders (automatic
//! drafts among them) changed while drafts, marked ordered, cancelled, and received by
//! scanning. Core decides who may do what and refuses in words the screen shows.

use sellsync_contract::Quantity;
use sellsync_core::purchasing::export::{to_csv, to_page, Orderer};
use sellsync_core::purchasing::orders::{OrderLineInput, ReceivedLine};
use sellsync_core::purchasing::suppliers::NewSupplier;
use serde::Deserialize;
use tauri::{AppHandle, State};

use super::{commit, counter};
use crate::save_as::{self, Offer};
use crate::views::{Answer, OrderView, SupplierView};
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
pub fn order_add(
    app: AppHandle,
    order: String,
    code: String,
    quantity: Quantity,
) -> Answer<OrderView> {
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
pub fn order_set(
    app: AppHandle,
    order: String,
    code: String,
    quantity: Quantity,
) -> Answer<OrderView> {
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

/// Asks where to save the order for the supplier (its page, `ORDER.html`, suggested in the
/// dialog) and writes the page there with its lines as CSV beside it (`ORDER.csv`);
/// answers the page's path, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_order(
    app: AppHandle,
    desk: State<'_, Desk>,
    order: String,
) -> Answer<Option<String>> {
    let (page, csv, file_name) = {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        let order = c.till.purchase_order(&order)?;
        let supplier = c.till.find_supplier(&order.supplier_id.to_string())?;
        let from = Orderer {
            business_name: &c.till.business().business_name,
            store: c.till.store(),
        };
        let page = to_page(&order, &supplier, &from, c.till.currency())?;
        (
            page,
            to_csv(&order, c.till.currency())?,
            format!("{}.html", order.order_number),
        )
    };
    let offer = Offer {
        title: "Save the order for the supplier",
        file_name: &file_name,
        kind: "Web page",
        extension: "html",
    };
    let Some(path) = save_as::save(&app, &offer, page).await? else {
        return Ok(None);
    };
    save_as::write(&path.with_extension("csv"), csv)?;
    Ok(Some(path.display().to_string()))
}

/// A product as scanned in from a delivery: how many sound, how many broken.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ReceivedInput {
    code: String,
    #[cfg_attr(test, ts(type = "number | string"))]
    quantity: Quantity,
    #[cfg_attr(test, ts(type = "number | string"))]
    damaged: Quantity,
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
