//! The sell screen: finding products, the cart (quantities, discounts, the customer),
//! paying with one tender or several, and the cash drawer.

use std::time::Duration;

use sellsync_contract::Quantity;
use sellsync_core::catalog::labels::Scanned;
use sellsync_core::sell::checkout::add_scanned;
use sellsync_core::sell::tender::Tender;
use sellsync_core::weighing::ScaleSettings;
use sellsync_core::{
    Cart, CartCustomer, Discount, Error, Money, NewCustomer, Permission, Product, Till,
};
use sellsync_scale::{weigh as weigh_on, SerialScale, SerialSettings, Weight};
use serde::Deserialize;
use tauri::{AppHandle, State};

use super::{commit, counter, print_receipt, till, Counter};
use crate::views::{
    Answer, BalanceView, CartView, Failure, PayView, PaymentMethodView, ProductView, QuickKeysView,
    SaleView,
};
use crate::Desk;

/// Quick keys shown per category.
const QUICK_KEYS_PER_CATEGORY: usize = 12;
/// Search results shown under the scan field.
const SEARCH_RESULTS: usize = 12;

impl Counter<'_> {
    /// The cart as it stands, priced by core; `current` is the line to highlight.
    fn view(&self, current: Option<usize>) -> Answer<CartView> {
        let priced = self.till.price(self.cart)?;
        let due = self.till.due(self.cart, &priced)?;
        Ok(CartView::new(self.till, self.cart, &priced, &due, current))
    }

    /// A discount as typed (`10%` or `1.50`); empty removes it.
    fn discount(&self, typed: Option<&str>) -> Answer<Option<Discount>> {
        match typed.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Ok(Some(Discount::parse(text, self.till.currency())?)),
        }
    }

    /// Changes the cart, then has core check that the user may sell it so: a discount
    /// more than they may give, or a weight they may not key, is refused at once and the
    /// cart left as it was.
    fn change<T>(
        &mut self,
        change: impl FnOnce(&mut Cart) -> sellsync_core::Result<T>,
    ) -> Answer<T> {
        let before = self.cart.clone();
        let changed = change(self.cart)?;
        if let Err(e) = self.till.check_cart(&self.actor, self.cart) {
            *self.cart = before;
            return Err(e.into());
        }
        Ok(changed)
    }
}

#[tauri::command(async)]
pub fn cart(desk: State<'_, Desk>) -> Answer<CartView> {
    let mut session = desk.session();
    counter(&mut session)?.view(None)
}

/// Products whose name, SKU or category starts with the words typed.
#[tauri::command(async)]
pub fn search(desk: State<'_, Desk>, text: String) -> Answer<Vec<ProductView>> {
    let mut session = desk.session();
    let till = till(&mut session)?;
    let products = till.search_products(&text, SEARCH_RESULTS)?;
    Ok(products.iter().map(|p| ProductView::new(till, p)).collect())
}

#[tauri::command(async)]
pub fn quick_keys(desk: State<'_, Desk>) -> Answer<Vec<QuickKeysView>> {
    let mut session = desk.session();
    let till = till(&mut session)?;
    let keys = till.quick_keys(QUICK_KEYS_PER_CATEGORY)?;
    Ok(keys.iter().map(|k| QuickKeysView::new(till, k)).collect())
}

/// A scanned or typed barcode or SKU (or a quick key): `quantity` more of it in the cart
/// (one unless keyed before the scan). A product sold by weight with no weight keyed is
/// weighed on the till's scale, the session released while the scale settles; without a
/// scale the cashier is asked to key its weight.
#[tauri::command(async)]
pub fn scan(desk: State<'_, Desk>, code: String, quantity: Option<Quantity>) -> Answer<CartView> {
    let code = code.trim();
    let mut session = desk.session();
    let mut c = counter(&mut session)?;
    let scanned = c.till.read_code(code)?;
    if let (None, Scanned::Product(product)) = (quantity, &scanned) {
        if product.unit.is_measured() {
            let (product, settings) = (product.clone(), c.till.scale_settings()?);
            let may_key = c.actor.can(Permission::KeyWeights);
            drop(session);
            let weight = weigh(product, settings, may_key)?;
            let mut session = desk.session();
            let c = counter(&mut session)?;
            let line = c.till.ring_up_weighed(c.cart, code, &weight)?;
            return c.view(Some(line));
        }
    }
    let line =
        c.change(|cart| add_scanned(cart, code, scanned, quantity.unwrap_or(Quantity::ONE)))?;
    c.view(Some(line))
}

/// How long a weighing waits for the scale to settle.
const SETTLE: Duration = Duration::from_secs(3);

/// What the till's scale weighs of `product` once settled; refused in words without a
/// scale (saying who may key the weight instead: the person here if `may_key`), or when
/// the scale cannot weigh it.
fn weigh(product: Product, settings: Option<ScaleSettings>, may_key: bool) -> Answer<Weight> {
    let Some(settings) = settings else {
        return Err(sellsync_core::Error::WeightNeeded {
            product: product.product_name,
            unit: product.unit.code(),
            may_key,
        }
        .into());
    };
    let mut scale = SerialScale::open(SerialSettings {
        port: settings.port,
        protocol: settings.protocol,
        baud: settings.baud,
        unit: settings.unit,
        timeout: Duration::from_secs(1),
    })?;
    Ok(weigh_on(&mut scale, SETTLE)?)
}

#[tauri::command(async)]
pub fn set_quantity(desk: State<'_, Desk>, line: usize, quantity: Quantity) -> Answer<CartView> {
    let mut session = desk.session();
    let mut c = counter(&mut session)?;
    c.change(|cart| cart.set_quantity(line, quantity))?;
    c.view(Some(line))
}

#[tauri::command(async)]
pub fn remove_line(desk: State<'_, Desk>, line: usize) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let taken_off = c
        .cart
        .lines()
        .get(line)
        .cloned()
        .ok_or(sellsync_core::Error::NoSuchLine(line + 1))?;
    // Recorded (who, what, when) and journaled before the cart changes.
    c.till.record_removed_line(&c.actor, &taken_off)?;
    c.cart.remove(line)?;
    c.view(None)
}

/// A discount on one line. Refused at once (and the line left as it was) when it is
/// more than the user may give.
#[tauri::command(async)]
pub fn set_line_discount(
    desk: State<'_, Desk>,
    line: usize,
    discount: Option<String>,
) -> Answer<CartView> {
    let mut session = desk.session();
    let mut c = counter(&mut session)?;
    let discount = c.discount(discount.as_deref())?;
    c.change(|cart| cart.set_line_discount(line, discount))?;
    c.view(Some(line))
}

/// A discount on the whole cart, refused at once when it is more than the user may give.
#[tauri::command(async)]
pub fn set_cart_discount(desk: State<'_, Desk>, discount: Option<String>) -> Answer<CartView> {
    let mut session = desk.session();
    let mut c = counter(&mut session)?;
    let discount = c.discount(discount.as_deref())?;
    c.change(|cart| {
        cart.set_discount(discount);
        Ok(())
    })?;
    c.view(None)
}

/// The customer with this phone number or email address, for the sale.
#[tauri::command(async)]
pub fn attach_customer(desk: State<'_, Desk>, contact: String) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let customer = c.till.find_customer(&c.actor, &contact)?.ok_or_else(|| {
        let unknown = Error::UnknownCustomer(contact.trim().to_owned());
        Failure::new(
            unknown.code(),
            format!("{unknown} Add them as a new customer."),
        )
    })?;
    c.cart.set_customer(Some(CartCustomer::Existing(customer)));
    c.view(None)
}

/// A new customer for the sale, saved together with it.
#[tauri::command(async)]
pub fn new_customer(
    desk: State<'_, Desk>,
    name: String,
    phone: Option<String>,
    email: Option<String>,
) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let customer = NewCustomer { name, phone, email };
    c.till.check_new_customer(&c.actor, &customer)?;
    c.cart.set_customer(Some(CartCustomer::New(customer)));
    c.view(None)
}

#[tauri::command(async)]
pub fn detach_customer(desk: State<'_, Desk>) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    c.cart.set_customer(None);
    c.view(None)
}

/// Loyalty points the cart's customer spends on the sale (0: none). Refused at once, and
/// the cart left as it was, when the customer has fewer or they are worth more than the
/// total.
#[tauri::command(async)]
pub fn redeem_points(desk: State<'_, Desk>, points: i64) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let before = c.cart.points_to_redeem();
    c.cart.redeem_points(points);
    if let Err(e) = c.till.check_points(c.cart) {
        c.cart.redeem_points(before);
        return Err(e.into());
    }
    c.view(None)
}

/// Store credit the cart's customer spends on the sale, as typed (empty: none). Refused
/// at once, and the cart left as it was, beyond their credit or what is left to pay.
#[tauri::command(async)]
pub fn use_store_credit(desk: State<'_, Desk>, amount: String) -> Answer<CartView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let amount = match amount.trim() {
        "" => Money::ZERO,
        typed => c.till.currency().parse_non_negative(typed)?,
    };
    let before = c.cart.store_credit();
    c.cart.use_store_credit(amount);
    if let Err(e) = c.till.check_store_credit(c.cart) {
        c.cart.use_store_credit(before);
        return Err(e.into());
    }
    c.view(None)
}

#[tauri::command(async)]
pub fn payment_methods(desk: State<'_, Desk>) -> Answer<Vec<PaymentMethodView>> {
    let mut session = desk.session();
    let methods = till(&mut session)?.payment_methods()?;
    Ok(methods.iter().map(PaymentMethodView::from).collect())
}

/// A payment as the pay dialog sends it: a method's name and an amount as typed (none:
/// the rest).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct TenderInput {
    method: String,
    amount: Option<String>,
}

/// Pays with `tenders`, the ones taken so far and the new one. While they fall short the
/// answer is the balance and nothing is written (nor is the sync engine woken); once they
/// cover the total the sale is completed, the receipt queued for the print worker (the
/// sale is saved whatever the printer does) and the sync engine woken.
#[tauri::command(async)]
pub fn pay(app: AppHandle, desk: State<'_, Desk>, tenders: Vec<TenderInput>) -> Answer<PayView> {
    {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        let checked = read_tenders(c.till, &tenders)?;
        let balance = c.till.balance(c.cart, &checked)?;
        if balance.remaining.minor() > 0 {
            return Ok(PayView {
                balance: BalanceView::new(c.till, &checked, &balance),
                sale: None,
            });
        }
    }
    commit(&app, |c| {
        let checked = read_tenders(c.till, &tenders)?;
        let balance = c.till.balance(c.cart, &checked)?;
        let sale = c.till.complete_sale(&c.actor, c.cart, &checked)?;
        *c.cart = Default::default();
        let printing = print_receipt(&desk, c.till, &c.actor, &sale);
        Ok(PayView {
            balance: BalanceView::new(c.till, &checked, &balance),
            sale: Some(SaleView::new(c.till, &sale, printing)),
        })
    })
}

/// The tenders as the pay dialog sends them, read: each method by its name, each amount
/// in the till's currency (none: the rest).
fn read_tenders(till: &Till, tenders: &[TenderInput]) -> Answer<Vec<Tender>> {
    tenders
        .iter()
        .map(|t| {
            let amount = match t.amount.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(till.currency().parse_non_negative(text)?),
            };
            Ok(Tender {
                method: till.payment_method(&t.method)?,
                amount,
            })
        })
        .collect()
}

/// Prints a sale's receipt again, marked as a copy (its number, or the code under its QR
/// code).
#[tauri::command(async)]
pub fn reprint(desk: State<'_, Desk>, sale: String) -> Answer<()> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let sale = c.till.find_sale(&sale)?;
    c.till.queue_receipt(&c.actor, sale.id, true)?;
    desk.print();
    Ok(())
}

/// Opens the cash drawer without a sale (needs `open_cash_drawer`; recorded with who).
#[tauri::command(async)]
pub fn open_drawer(desk: State<'_, Desk>) -> Answer<()> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    c.till.queue_drawer_open(&c.actor)?;
    desk.print();
    Ok(())
}
