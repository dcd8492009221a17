//! The transfers and counts screen: stock sent to another store of the business,
//! received from one by scanning (or all as sent), cancelled while in transit; a stock
//! count scanned and posted. Core decides who may do what.

use sellsync_contract::Quantity;
use sellsync_core::stock::transfers::{Transfer, TransferLineInput};
use serde::Deserialize;
use tauri::{AppHandle, State};

use super::{commit, counter, Counter};
use crate::views::{Answer, CountView, PostedCountView, StoreView, TransferView};
use crate::Desk;

/// The business's other stores.
#[tauri::command(async)]
pub fn other_stores(desk: State<'_, Desk>) -> Answer<Vec<StoreView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    Ok(c.till.other_stores()?.iter().map(StoreView::from).collect())
}

/// The transfers this store sent or receives, newest first.
#[tauri::command(async)]
pub fn transfers(desk: State<'_, Desk>) -> Answer<Vec<TransferView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    Ok(c.till
        .transfers(None)?
        .iter()
        .map(TransferView::from)
        .collect())
}

/// A product as scanned: its code and how many.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ScannedInput {
    code: String,
    #[cfg_attr(test, ts(type = "number | string"))]
    quantity: Quantity,
}

fn lines(c: &Counter<'_>, scanned: &[ScannedInput]) -> Answer<Vec<TransferLineInput>> {
    scanned
        .iter()
        .map(|s| {
            Ok(TransferLineInput {
                product: c.till.require_product(&s.code)?,
                quantity: s.quantity,
            })
        })
        .collect()
}

/// Sends what was scanned to the store with this id.
#[tauri::command(async)]
pub fn send_transfer(
    app: AppHandle,
    to: String,
    lines: Vec<ScannedInput>,
    note: String,
) -> Answer<TransferView> {
    transfer_change(&app, |c| {
        let lines = self::lines(c, &lines)?;
        Ok(c.till.send_transfer(&c.actor, &to, &lines, &note)?)
    })
}

/// Receives a transfer: what was scanned, or everything sent when `lines` is `None`.
#[tauri::command(async)]
pub fn receive_transfer(
    app: AppHandle,
    transfer: String,
    lines: Option<Vec<ScannedInput>>,
) -> Answer<TransferView> {
    transfer_change(&app, |c| {
        let came = lines.as_deref().map(|l| self::lines(c, l)).transpose()?;
        Ok(c.till
            .receive_transfer(&c.actor, &transfer, came.as_deref())?)
    })
}

/// Cancels a transfer this store sent, still in transit.
#[tauri::command(async)]
pub fn cancel_transfer(app: AppHandle, transfer: String) -> Answer<TransferView> {
    transfer_change(&app, |c| Ok(c.till.cancel_transfer(&c.actor, &transfer)?))
}

fn transfer_change(
    app: &AppHandle,
    change: impl FnOnce(&mut Counter<'_>) -> Answer<Transfer>,
) -> Answer<TransferView> {
    commit(app, |c| Ok(TransferView::from(&change(c)?)))
}

/// The count open on this till, if any.
#[tauri::command(async)]
pub fn open_count(desk: State<'_, Desk>) -> Answer<Option<CountView>> {
    let mut session = desk.session();
    let count = counter(&mut session)?.till.open_count()?;
    Ok(count.as_ref().map(CountView::from))
}

/// Starts a count of the store, or of one category ("" : the whole store).
#[tauri::command(async)]
pub fn start_count(desk: State<'_, Desk>, category: String) -> Answer<CountView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let category = Some(category.as_str()).filter(|c| !c.trim().is_empty());
    Ok(CountView::from(&c.till.start_count(&c.actor, category)?))
}

/// One more of the product with this code counted; or, with `counted`, that many.
#[tauri::command(async)]
pub fn count_product(
    desk: State<'_, Desk>,
    code: String,
    counted: Option<Quantity>,
) -> Answer<CountView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    match counted {
        Some(counted) => c.till.count_set(&c.actor, &code, counted)?,
        None => c.till.count_scan(&c.actor, &code, Quantity::ONE)?,
    };
    let count = c
        .till
        .open_count()?
        .ok_or(sellsync_core::Error::NoOpenCount)?;
    Ok(CountView::from(&count))
}

/// Posts the open count as "count" adjustments.
#[tauri::command(async)]
pub fn post_count(app: AppHandle) -> Answer<PostedCountView> {
    commit(&app, |c| {
        let posted = c.till.post_count(&c.actor)?;
        Ok(PostedCountView {
            adjusted: posted.adjusted,
            net_difference: posted.net_difference.decimal(),
        })
    })
}

/// Gives up the open count.
#[tauri::command(async)]
pub fn cancel_count(desk: State<'_, Desk>) -> Answer<()> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    Ok(c.till.cancel_count(&c.actor)?)
}
