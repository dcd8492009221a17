//! The stock screens: stock levels, corrections with a reason, adding and editing a
//! product, and the store's notifications. Core decides who may do what.

use sellsync_contract::{Quantity, Unit};
use sellsync_core::catalog::family::{NewFamily, NewVariant};
use sellsync_core::catalog::ProductChanges;
use sellsync_core::{NewProduct, Percent};
use serde::Deserialize;
use tauri::{AppHandle, State};

use sellsync_printer::sheet::{label_sheets, SheetPaper};

use super::{commit, counter};
use crate::save_as::{self, Offer};
use crate::views::{Answer, Incoming, NotificationView, ProductForm, StockView};
use crate::Desk;

/// Every product with its stock (only the low ones with `low_only`).
#[tauri::command(async)]
pub fn stock(desk: State<'_, Desk>, low_only: bool) -> Answer<Vec<StockView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let products = c.till.stock_levels(low_only)?;
    let incoming = Incoming::of(c.till)?;
    Ok(products
        .iter()
        .map(|p| StockView::new(c.till, p, &incoming))
        .collect())
}

/// Asks where to save the shelf labels of `skus` (the products the stock screen lists) on
/// A4 sticker sheets, as a page to print from a browser, and writes it there; answers
/// where, or `None` when the dialog was cancelled. The till is not held while the dialog
/// is open.
#[tauri::command]
pub async fn export_label_sheet(
    app: AppHandle,
    desk: State<'_, Desk>,
    skus: Vec<String>,
) -> Answer<Option<String>> {
    let page = {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        let labels = skus
            .iter()
            .map(|sku| c.till.shelf_label(sku))
            .collect::<sellsync_core::Result<Vec<_>>>()?;
        label_sheets(&labels, SheetPaper::A4, "Shelf labels")?
    };
    let offer = Offer {
        title: "Save the label sheet",
        file_name: "shelf-labels.html",
        kind: "Web page",
        extension: "html",
    };
    let path = save_as::save(&app, &offer, page).await?;
    Ok(path.map(|p| p.display().to_string()))
}

/// A stock correction as the form sends it: the level counted on the shelf, or a change.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionInput {
    Counted(#[cfg_attr(test, ts(type = "number | string"))] Quantity),
    By(#[cfg_attr(test, ts(type = "number | string"))] Quantity),
}

/// Corrects a product's stock to what was counted or by a change, with a reason (needs
/// `manage_inventory`: core refuses anyone else in words the screen shows).
#[tauri::command(async)]
pub fn adjust_stock(
    app: AppHandle,
    code: String,
    correction: CorrectionInput,
    reason: String,
) -> Answer<StockView> {
    commit(&app, |c| {
        match correction {
            CorrectionInput::Counted(n) => c.till.set_counted_stock(&c.actor, &code, n, &reason),
            CorrectionInput::By(delta) => c.till.adjust_stock(&c.actor, &code, delta, &reason),
        }?;
        let product = c.till.require_product(&code)?;
        Ok(StockView::new(c.till, &product, &Incoming::of(c.till)?))
    })
}

/// A product as the edit form shows it.
#[tauri::command(async)]
pub fn product(desk: State<'_, Desk>, code: String) -> Answer<ProductForm> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let product = c.till.require_product(&code)?;
    Ok(ProductForm::new(c.till, &product))
}

/// The product form as typed: amounts and rates as text, read by core.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ProductInput {
    sku: String,
    name: String,
    price: String,
    barcode: String,
    category: String,
    /// Percent; empty: the business's default rate.
    tax_rate: String,
    /// `piece`, `kg`, …: how a new product is sold (ignored when editing).
    unit: String,
    /// Opening stock of a new product (ignored when editing: stock moves by corrections).
    #[cfg_attr(test, ts(type = "number | string"))]
    stock: Quantity,
    #[cfg_attr(test, ts(type = "number | string"))]
    threshold: Quantity,
    /// The supplier's id, or "": none.
    supplier_id: String,
    #[cfg_attr(test, ts(type = "number | string"))]
    reorder_quantity: Quantity,
    /// What its container weighs (goods sold by weight; 0 otherwise).
    #[cfg_attr(test, ts(type = "number | string"))]
    tare: Quantity,
    /// What the supplier charges for one, or "": not known.
    unit_cost: String,
}

/// Adds the product (`is_new`) or edits the one with its SKU. Needs `manage_inventory`.
#[tauri::command(async)]
pub fn save_product(app: AppHandle, input: ProductInput, is_new: bool) -> Answer<StockView> {
    commit(&app, |c| {
        let price = c.till.currency().parse_non_negative(&input.price)?;
        let tax_rate = match input.tax_rate.trim() {
            "" => None,
            rate => Some(Percent::parse(rate)?),
        };
        let barcode = Some(input.barcode.trim().to_owned()).filter(|b| !b.is_empty());
        let supplier_id = match input.supplier_id.trim() {
            "" => None,
            id => Some(c.till.find_supplier(id)?.id),
        };
        let unit_cost = match input.unit_cost.trim() {
            "" => None,
            cost => Some(c.till.currency().parse_non_negative(cost)?),
        };
        let product = if is_new {
            c.till.add_product(
                &c.actor,
                &NewProduct {
                    sku: input.sku,
                    product_name: input.name,
                    price,
                    barcode,
                    category: Some(input.category),
                    tax_rate,
                    unit: Unit::parse(&input.unit)?,
                    tare: input.tare,
                    variant: None,
                    stock: input.stock,
                    stock_threshold: input.threshold,
                    supplier_id,
                    reorder_quantity: input.reorder_quantity,
                    unit_cost,
                    only_this_store: false,
                },
            )?
        } else {
            c.till.update_product(
                &c.actor,
                &input.sku,
                &ProductChanges {
                    product_name: Some(input.name),
                    price: Some(price),
                    barcode: Some(barcode),
                    category: Some(input.category),
                    tax_rate,
                    stock_threshold: Some(input.threshold),
                    supplier_id: Some(supplier_id),
                    reorder_quantity: Some(input.reorder_quantity),
                    tare: Some(input.tare),
                    unit_cost: Some(unit_cost),
                },
            )?
        };
        Ok(StockView::new(c.till, &product, &Incoming::of(c.till)?))
    })
}

/// How many of the store's notifications are unread (then the window follows the
/// `unread` event).
#[tauri::command(async)]
pub fn unread(desk: State<'_, Desk>) -> Answer<i64> {
    let mut session = desk.session();
    Ok(counter(&mut session)?.till.unread_notifications()?)
}

/// Marks the store's notifications read (needs `manage_inventory`).
#[tauri::command(async)]
pub fn mark_notifications_read(app: AppHandle) -> Answer<usize> {
    commit(&app, |c| Ok(c.till.mark_notifications_read(&c.actor)?))
}

/// The store's latest notifications, newest first.
#[tauri::command(async)]
pub fn notifications(desk: State<'_, Desk>) -> Answer<Vec<NotificationView>> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let notes = c.till.notifications(false, 100)?;
    Ok(notes
        .iter()
        .map(|n| NotificationView::new(c.till, n))
        .collect())
}

/// An option of a new family and its values, as the grid form sends them.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct OptionInput {
    name: String,
    values: Vec<String>,
}

/// A row of the grid: its values, in the options' order, and what differs from the
/// family's ("": the family's SKU and values, the family's price).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct VariantInput {
    values: Vec<String>,
    sku: String,
    price: String,
    #[cfg_attr(test, ts(type = "number | string"))]
    stock: Quantity,
}

/// A family and its grid, as the stock screen's form sends them.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct FamilyInput {
    name: String,
    sku: String,
    price: String,
    category: String,
    options: Vec<OptionInput>,
    variants: Vec<VariantInput>,
}

/// Adds a family as the grid of its variants, all or none. Needs `manage_inventory`.
#[tauri::command(async)]
pub fn add_family(app: AppHandle, input: FamilyInput) -> Answer<Vec<StockView>> {
    commit(&app, |c| {
        let currency = c.till.currency().clone();
        let price = |text: &str| currency.parse_non_negative(text);
        let variants = input
            .variants
            .into_iter()
            .map(|v| {
                Ok(NewVariant {
                    values: v.values,
                    sku: Some(v.sku.trim().to_owned()).filter(|s| !s.is_empty()),
                    price: match v.price.trim() {
                        "" => None,
                        text => Some(price(text)?),
                    },
                    stock: v.stock,
                    ..NewVariant::default()
                })
            })
            .collect::<sellsync_core::Result<Vec<_>>>()?;
        let family = NewFamily {
            name: input.name,
            sku: input.sku,
            category: Some(input.category),
            price: price(&input.price)?,
            options: input
                .options
                .into_iter()
                .map(|o| (o.name, o.values))
                .collect(),
            variants,
            ..NewFamily::default()
        };
        let products = c.till.add_family(&c.actor, &family)?;
        let incoming = Incoming::of(c.till)?;
        Ok(products
            .iter()
            .map(|p| StockView::new(c.till, p, &incoming))
            .collect())
    })
}
