//! What the screen shows, as the front end receives it. Amounts arrive formatted in the
//! business's currency: the front end never computes a price or a tax.

use sellsync_core::auth::StaffMember;
use sellsync_core::checkout::Sale;
use sellsync_core::notifications::Notification;
use sellsync_core::pricing::PricedCart;
use sellsync_core::{Actor, Cart, Product, Till};
use serde::Serialize;

/// A command's failure, in the words core chose for a cashier.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub message: String,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure {
            message: error.to_string(),
        }
    }
}

pub type Answer<T> = Result<T, Failure>;

/// The first thing the window asks: is there a till, whose is it, who may sign in.
#[derive(Serialize)]
pub struct AppState {
    pub has_till: bool,
    pub store_name: String,
    pub currency: String,
    pub staff: Vec<StaffView>,
    pub signed_in: Option<UserView>,
}

#[derive(Serialize)]
pub struct StaffView {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub locked: bool,
}

impl From<&StaffMember> for StaffView {
    fn from(m: &StaffMember) -> StaffView {
        StaffView {
            name: m.name.clone(),
            email: m.email.clone(),
            role: m.role.as_str(),
            locked: m.locked,
        }
    }
}

#[derive(Serialize)]
pub struct UserView {
    pub name: String,
    pub role: &'static str,
}

impl From<&Actor> for UserView {
    fn from(actor: &Actor) -> UserView {
        UserView {
            name: actor.name().to_owned(),
            role: actor.role().as_str(),
        }
    }
}

#[derive(Serialize)]
pub struct CartLineView {
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub unit_price: String,
    pub total: String,
}

#[derive(Serialize)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub items: i64,
    pub subtotal: String,
    pub discount: String,
    pub tax: String,
    pub total: String,
    /// The line just scanned or changed, to highlight.
    pub current: Option<usize>,
}

impl CartView {
    pub fn new(till: &Till, cart: &Cart, priced: &PricedCart, current: Option<usize>) -> CartView {
        let money = |amount| till.format_money(amount);
        CartView {
            lines: cart
                .lines()
                .iter()
                .zip(&priced.lines)
                .map(|(line, p)| CartLineView {
                    name: line.product.product_name.clone(),
                    sku: line.product.sku.clone(),
                    quantity: line.quantity,
                    unit_price: money(line.product.price),
                    total: money(p.total),
                })
                .collect(),
            items: cart.lines().iter().map(|l| l.quantity).sum(),
            subtotal: money(priced.subtotal),
            discount: money(priced.discount_total),
            tax: money(priced.tax_total),
            total: money(priced.total),
            current,
        }
    }
}

#[derive(Serialize)]
pub struct SaleView {
    pub sale_number: String,
    pub total: String,
    pub tendered: String,
    pub change: String,
}

impl SaleView {
    pub fn new(till: &Till, sale: &Sale) -> SaleView {
        SaleView {
            sale_number: sale.sale_number.clone(),
            total: till.format_money(sale.total_amount),
            tendered: till.format_money(sale.amount_tendered),
            change: till.format_money(sale.change_due),
        }
    }
}

/// The status bar.
#[derive(Serialize)]
pub struct StatusView {
    /// Operations waiting for the central database, and parked ones.
    pub pending: i64,
    pub parked: i64,
    /// Whether a central database is set up for this till.
    pub sync_configured: bool,
    pub last_sync: Option<String>,
    /// The receipt printer, if the till has one.
    pub printer: Option<String>,
}

/// A product on the stock screen.
#[derive(Serialize)]
pub struct StockView {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub stock: i64,
    pub threshold: i64,
    pub low: bool,
}

impl From<&Product> for StockView {
    fn from(p: &Product) -> StockView {
        StockView {
            sku: p.sku.clone(),
            name: p.product_name.clone(),
            category: p.category.clone(),
            stock: p.stock,
            threshold: p.stock_threshold,
            low: p.is_low(),
        }
    }
}

#[derive(Serialize)]
pub struct NotificationView {
    pub kind: String,
    pub message: String,
    pub unread: bool,
    /// In the business's time zone.
    pub at: String,
}

impl NotificationView {
    pub fn new(till: &Till, n: &Notification) -> NotificationView {
        NotificationView {
            kind: n.kind.clone(),
            message: n.message.clone(),
            unread: n.unread,
            at: n
                .created_at
                .with_timezone(&till.business().timezone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        }
    }
}
