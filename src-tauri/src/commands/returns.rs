//! Returns and voids: a sale found by its receipt's code (scanned or typed), what a return
//! of some of its lines would give back, the return made (its refund receipt printed, the
//! drawer opened for cash); a return without a receipt, refunded in cash or as store
//! credit; a sale of the
//! open shift voided by a manager.

use sellsync_contract::Quantity;
use sellsync_core::sell::returns::{
    NoReceiptRefund, ReturnLine, ReturnOfSale, ReturnWithoutReceipt, UnreceiptedLine,
};
use sellsync_core::sell::tender::Tender;
use sellsync_core::{Error, Id, Sale, Till};
use serde::Deserialize;
use tauri::{AppHandle, Manager, State};

use super::{approval, commit, counter, print_receipt, Counter};
use crate::views::{Answer, Failure, ReturnDoneView, ReturnPreviewView, ReturnableView};
use crate::Desk;

/// A line of the sale to take back, as the screen picks it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct PickInput {
    line: usize,
    #[cfg_attr(test, ts(type = "number | string"))]
    quantity: Quantity,
    damaged: bool,
}

/// A return of a sale as the screen sends it: the sale's id, the picked lines, the
/// reason, and the one payment method of the sale to refund to (none: back to the sale's
/// payments in proportion).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ReturnInput {
    sale: String,
    lines: Vec<PickInput>,
    reason: String,
    refund_to: Option<String>,
}

/// An item coming back without a receipt: its code, how many, the price a manager
/// confirms (as typed), damaged or not.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct NoReceiptLineInput {
    code: String,
    #[cfg_attr(test, ts(type = "number | string"))]
    quantity: Quantity,
    price: String,
    damaged: bool,
}

/// The manager's email and PIN, when the screen asked for them.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ApprovalInput {
    email: String,
    pin: String,
}

impl ReturnInput {
    fn request<'a>(
        &self,
        till: &Till,
        approve: Option<&'a ApprovalInput>,
    ) -> Answer<ReturnOfSale<'a>> {
        let sale_id: Id = self
            .sale
            .parse()
            .map_err(|_| Failure::new("unknown_sale", "Scan the receipt again."))?;
        let refunds = match self.refund_to.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(method) => vec![Tender {
                method: till.payment_method(method)?,
                amount: None,
            }],
        };
        Ok(ReturnOfSale {
            sale_id,
            lines: self
                .lines
                .iter()
                .map(|l| ReturnLine {
                    line: l.line,
                    quantity: l.quantity,
                    damaged: l.damaged,
                })
                .collect(),
            reason: self.reason.clone(),
            refunds,
            approval: approve.and_then(|a| approval(&a.email, &a.pin)),
        })
    }
}

/// A return without a receipt as the screen sends it; `credit_to` (a customer's phone or
/// email) refunds it as their store credit instead of cash.
fn no_receipt_request<'a>(
    c: &Counter<'_>,
    lines: &[NoReceiptLineInput],
    reason: &str,
    credit_to: Option<&str>,
    approve: Option<&'a ApprovalInput>,
) -> Answer<ReturnWithoutReceipt<'a>> {
    let till = &*c.till;
    let mut checked = Vec::with_capacity(lines.len());
    for l in lines {
        checked.push(UnreceiptedLine {
            product: till.require_product(&l.code)?,
            quantity: l.quantity,
            unit_price: till.currency().parse_non_negative(&l.price)?,
            damaged: l.damaged,
        });
    }
    Ok(ReturnWithoutReceipt {
        lines: checked,
        reason: reason.to_owned(),
        refund: match credit_to.map(str::trim).filter(|t| !t.is_empty()) {
            Some(contact) => {
                let customer = till
                    .find_customer(&c.actor, contact)?
                    .ok_or_else(|| Error::UnknownCustomer(contact.to_owned()))?;
                NoReceiptRefund::StoreCredit(customer.id)
            }
            None => NoReceiptRefund::Cash(Tender {
                method: till.payment_method("cash")?,
                amount: None,
            }),
        },
        approval: approve.and_then(|a| approval(&a.email, &a.pin)),
    })
}

/// The sale behind a receipt's code (its QR, its barcode or its number), with what is
/// left to return of each line.
#[tauri::command(async)]
pub fn sale_to_return(desk: State<'_, Desk>, code: String) -> Answer<ReturnableView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let returnable = c.till.returnable(&c.actor, code.trim())?;
    Ok(ReturnableView::new(c.till, &returnable))
}

/// What returning the picked lines would give back; nothing is written.
#[tauri::command(async)]
pub fn preview_return(desk: State<'_, Desk>, input: ReturnInput) -> Answer<ReturnPreviewView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let request = input.request(c.till, None)?;
    let preview = c.till.preview_return(&c.actor, &request)?;
    Ok(ReturnPreviewView::new(c.till, &preview))
}

/// Makes the return (with a manager's approval when core asks for one) and prints its
/// refund receipt, which opens the drawer for cash.
#[tauri::command(async)]
pub fn make_return(
    app: AppHandle,
    input: ReturnInput,
    approve: Option<ApprovalInput>,
) -> Answer<ReturnDoneView> {
    give_refund(&app, |c| {
        let request = input.request(c.till, approve.as_ref())?;
        Ok(c.till.return_items(&c.actor, &request)?)
    })
}

/// Makes a return with `make` as a write, then prints its refund receipt (which opens
/// the drawer for cash).
fn give_refund(
    app: &AppHandle,
    make: impl FnOnce(&mut Counter<'_>) -> Answer<Sale>,
) -> Answer<ReturnDoneView> {
    let desk = app.state::<Desk>();
    commit(app, |c| {
        let back = make(c)?;
        let printing = print_receipt(&desk, c.till, &c.actor, &back);
        Ok(ReturnDoneView::new(c.till, &back, printing))
    })
}

/// What a return without a receipt would give back, in cash or as store credit; nothing
/// is written.
#[tauri::command(async)]
pub fn preview_no_receipt(
    desk: State<'_, Desk>,
    lines: Vec<NoReceiptLineInput>,
    credit_to: Option<String>,
) -> Answer<ReturnPreviewView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let request = no_receipt_request(&c, &lines, "", credit_to.as_deref(), None)?;
    let preview = c.till.preview_return_without_receipt(&c.actor, &request)?;
    Ok(ReturnPreviewView::new(c.till, &preview))
}

/// Takes items back without a receipt, in cash or as a customer's store credit (always a
/// manager's: the signed-in one or one who approves with their PIN).
#[tauri::command(async)]
pub fn return_no_receipt(
    app: AppHandle,
    lines: Vec<NoReceiptLineInput>,
    reason: String,
    credit_to: Option<String>,
    approve: Option<ApprovalInput>,
) -> Answer<ReturnDoneView> {
    give_refund(&app, |c| {
        let request =
            no_receipt_request(c, &lines, &reason, credit_to.as_deref(), approve.as_ref())?;
        Ok(c.till.return_without_receipt(&c.actor, &request)?)
    })
}

/// Voids a sale of the open shift (a manager's); answers its number.
#[tauri::command(async)]
pub fn void_sale(
    app: AppHandle,
    sale: String,
    reason: String,
    approve: Option<ApprovalInput>,
) -> Answer<String> {
    let approval = approve.as_ref().and_then(|a| approval(&a.email, &a.pin));
    commit(&app, |c| {
        Ok(c.till
            .void_sale(&c.actor, &sale, &reason, approval)?
            .sale_number)
    })
}
