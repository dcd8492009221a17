//! What the screen shows, as the front end receives it. Amounts arrive formatted in the
//! business's currency: the front end never computes a price or a tax.

use sellsync_contract::embedded_barcodes::{BarcodeRule, Span, READY_LAYOUTS};
use std::collections::HashMap;

use sellsync_contract::documents::{ParkedStatus, PaymentKind};
use sellsync_contract::pricing::PricedCart;
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::roles::{permission_name, Permission};
use sellsync_contract::z_report::{rows, ZReport};
use sellsync_core::catalog::QuickKeys;
use sellsync_core::notifications::Notification;
use sellsync_core::printing::{CodePage, PrinterSettings};
use sellsync_core::purchasing::orders::PurchaseOrder;
use sellsync_core::purchasing::suppliers::Supplier;
use sellsync_core::reports::BreakdownReport;
use sellsync_core::sell::checkout::Due;
use sellsync_core::sell::parked::ParkedSale;
use sellsync_core::sell::returns::{ReturnPreview, Returnable};
use sellsync_core::sell::sale::Sale;
use sellsync_core::sell::tender::{Balance, PaymentMethod, Tender};
use sellsync_core::shift::{Shift, XReport};
use sellsync_core::staff::StaffMember;
use sellsync_core::stock::counts::StockCount;
use sellsync_core::stock::transfers::{OtherStore, Transfer};
use sellsync_core::weighing::ScaleSettings;
use sellsync_core::{Actor, Cart, CartCustomer, Id, Money, Product, Till};
use sellsync_scale::Protocol;
use serde::Serialize;

/// A command's failure: a stable code the window decides by, and the words core chose
/// for a cashier.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Serialize)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    /// A failure of the shell's own (no till open, nobody signed in).
    pub fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<sellsync_core::Error> for Failure {
    fn from(error: sellsync_core::Error) -> Failure {
        Failure::new(error.code(), error.to_string())
    }
}

impl From<sellsync_sync::SyncError> for Failure {
    fn from(error: sellsync_sync::SyncError) -> Failure {
        Failure::new(error.code(), error.to_string())
    }
}

impl From<sellsync_central::CentralError> for Failure {
    fn from(error: sellsync_central::CentralError) -> Failure {
        sellsync_sync::SyncError::from(error).into()
    }
}

impl From<sellsync_contract::money::AmountError> for Failure {
    fn from(error: sellsync_contract::money::AmountError) -> Failure {
        sellsync_core::Error::from(error).into()
    }
}

impl From<sellsync_contract::cash_count::CountError> for Failure {
    fn from(error: sellsync_contract::cash_count::CountError) -> Failure {
        sellsync_core::Error::from(error).into()
    }
}

impl From<sellsync_contract::quantity::QuantityError> for Failure {
    fn from(error: sellsync_contract::quantity::QuantityError) -> Failure {
        sellsync_core::Error::from(error).into()
    }
}

impl From<sellsync_scale::ScaleError> for Failure {
    fn from(error: sellsync_scale::ScaleError) -> Failure {
        Failure::new(error.code(), error.to_string())
    }
}

impl From<sellsync_printer::sheet::SheetError> for Failure {
    fn from(error: sellsync_printer::sheet::SheetError) -> Failure {
        Failure::new(error.code(), error.to_string())
    }
}

pub type Answer<T> = Result<T, Failure>;

/// The first thing the window asks: is there a till, whose is it, who may sign in.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize, Default)]
pub struct AppState {
    pub has_till: bool,
    pub store_name: String,
    pub currency: String,
    /// The sign shown before amounts (`$`, `€`).
    pub currency_symbol: String,
    pub staff: Vec<StaffView>,
    pub signed_in: Option<UserView>,
    /// Why the data folder's till could not be opened (then there is no till to offer).
    pub problem: Option<String>,
}

#[cfg_attr(test, derive(ts_rs::TS))]
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

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct UserView {
    pub name: String,
    pub role: &'static str,
    /// What they may do (`process_sales`, `view_reports`, …): the window shows only the
    /// screens they may use. Core checks every call all the same.
    pub permissions: Vec<&'static str>,
    /// A shift is open at this till: without one, a sale cannot be paid.
    pub shift_open: bool,
}

impl UserView {
    pub fn new(till: &Till, actor: &Actor) -> sellsync_core::Result<UserView> {
        Ok(UserView {
            name: actor.name().to_owned(),
            role: actor.role().as_str(),
            permissions: (Permission::ALL.into_iter())
                .filter(|p| actor.can(*p))
                .map(permission_name)
                .collect(),
            shift_open: till.current_shift()?.is_some(),
        })
    }
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct CartLineView {
    pub name: String,
    pub sku: String,
    /// With its unit's decimals: `2`, `0.742`.
    pub quantity: String,
    /// `""` for pieces, else `kg`, `lb`, …: the line shows `0.742 kg × $2.99/kg`.
    pub unit: String,
    /// The price of one unit.
    pub unit_price: String,
    /// The line's own discount, if it has one.
    pub discount: Option<String>,
    /// Quantity × price less the line's discount (the sale's discount and tax are
    /// in the totals).
    pub total: String,
}

/// The customer the sale is for.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct CustomerView {
    pub name: String,
    pub contact: String,
    pub loyalty_points: i64,
    /// Their store credit, when they have some.
    pub store_credit: Option<String>,
    /// Created together with the sale.
    pub new: bool,
}

impl CustomerView {
    fn new(till: &Till, customer: &CartCustomer) -> CustomerView {
        let contact = |phone: &Option<String>, email: &Option<String>| {
            phone.clone().or_else(|| email.clone()).unwrap_or_default()
        };
        match customer {
            CartCustomer::Existing(c) => CustomerView {
                name: c.name.clone(),
                contact: contact(&c.phone, &c.email),
                loyalty_points: c.loyalty_points,
                store_credit: (c.store_credit.minor() > 0)
                    .then(|| till.format_money(c.store_credit)),
                new: false,
            },
            CartCustomer::New(c) => CustomerView {
                name: c.name.trim().to_owned(),
                contact: contact(&c.phone, &c.email),
                loyalty_points: 0,
                store_credit: None,
                new: true,
            },
        }
    }
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub items: i64,
    pub subtotal: String,
    /// All discounts, lines' and the cart's.
    pub discount: String,
    /// The cart discount alone, if there is one.
    pub cart_discount: Option<String>,
    pub tax: String,
    pub total: String,
    /// Loyalty points the customer spends, and what they are worth.
    pub redeem_points: i64,
    pub points_value: String,
    /// Store credit the customer spends, if any.
    pub store_credit: Option<String>,
    /// What is left to pay once the points and the credit are off.
    pub due: String,
    /// The cash amounts to offer for what is due (core's, in the currency's notes).
    pub quick_cash: Vec<String>,
    pub customer: Option<CustomerView>,
    /// The line just scanned or changed, to highlight.
    pub current: Option<usize>,
}

impl CartView {
    /// `due`: what core says is left to pay after the points and the credit.
    pub fn new(
        till: &Till,
        cart: &Cart,
        priced: &PricedCart,
        due: &Due,
        current: Option<usize>,
    ) -> CartView {
        let money = |amount| till.format_money(amount);
        let some_money = |amount: Money| (amount.minor() != 0).then(|| money(amount));
        CartView {
            lines: cart
                .lines()
                .iter()
                .zip(&priced.lines)
                .map(|(line, p)| CartLineView {
                    name: line.product.product_name.clone(),
                    sku: line.product.sku.clone(),
                    quantity: line.quantity.format(line.product.unit),
                    unit: line.product.unit.suffix().to_owned(),
                    unit_price: money(line.product.price),
                    discount: some_money(p.line_discount),
                    total: money(p.gross.checked_sub(p.line_discount).unwrap_or(p.gross)),
                })
                .collect(),
            items: cart.items(),
            subtotal: money(priced.subtotal),
            discount: money(priced.discount_total),
            cart_discount: some_money(priced.cart_discount),
            tax: money(priced.tax_total),
            total: money(priced.total),
            redeem_points: cart.points_to_redeem(),
            points_value: money(due.points_value),
            store_credit: some_money(due.store_credit),
            due: money(due.due),
            quick_cash: quick_cash(till, due.due),
            customer: cart.customer().map(|c| CustomerView::new(till, c)),
            current,
        }
    }
}

/// A product in the search results or on a quick key.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ProductView {
    pub sku: String,
    pub name: String,
    pub price: String,
    pub stock: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
}

impl ProductView {
    pub fn new(till: &Till, p: &Product) -> ProductView {
        ProductView {
            sku: p.sku.clone(),
            name: p.product_name.clone(),
            price: till.format_money(p.price),
            stock: p.stock.format(p.unit),
            unit: p.unit.suffix().to_owned(),
        }
    }
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct QuickKeysView {
    pub category: String,
    pub products: Vec<ProductView>,
}

impl QuickKeysView {
    pub fn new(till: &Till, keys: &QuickKeys) -> QuickKeysView {
        QuickKeysView {
            category: keys.category.clone(),
            products: keys
                .products
                .iter()
                .map(|p| ProductView::new(till, p))
                .collect(),
        }
    }
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct PaymentMethodView {
    pub name: String,
    /// `cash`, `card` or `other`: only cash gives change.
    pub kind: &'static str,
}

impl From<&PaymentMethod> for PaymentMethodView {
    fn from(m: &PaymentMethod) -> PaymentMethodView {
        PaymentMethodView {
            name: m.method_name.clone(),
            kind: m.kind.as_str(),
        }
    }
}

/// A tender taken in the pay dialog.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct TenderView {
    pub method: String,
    /// None: the rest.
    pub amount: Option<String>,
}

/// Where paying stands.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct BalanceView {
    pub tenders: Vec<TenderView>,
    pub due: String,
    pub paid: String,
    pub remaining: String,
    /// The cash amounts to offer for what remains.
    pub quick_cash: Vec<String>,
    pub change: String,
}

/// Core's quick cash amounts for `due`, formatted.
fn quick_cash(till: &Till, due: Money) -> Vec<String> {
    sellsync_core::sell::tender::quick_cash(due, till.currency())
        .into_iter()
        .map(|amount| till.format_money(amount))
        .collect()
}

impl BalanceView {
    pub fn new(till: &Till, tenders: &[Tender], b: &Balance) -> BalanceView {
        BalanceView {
            tenders: tenders
                .iter()
                .map(|t| TenderView {
                    method: t.method.method_name.clone(),
                    amount: t.amount.map(|a| till.format_money(a)),
                })
                .collect(),
            due: till.format_money(b.due),
            paid: till.format_money(b.paid),
            remaining: till.format_money(b.remaining),
            quick_cash: quick_cash(till, b.remaining),
            change: till.format_money(b.change),
        }
    }
}

/// The answer to paying: the balance, and the sale once it is paid in full.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct PayView {
    pub balance: BalanceView,
    pub sale: Option<SaleView>,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct SaleView {
    pub sale_number: String,
    pub total: String,
    pub tendered: String,
    pub change: String,
    /// The receipt went to the printer's queue (the till has a printer).
    pub printing: bool,
}

impl SaleView {
    pub fn new(till: &Till, sale: &Sale, printing: bool) -> SaleView {
        SaleView {
            sale_number: sale.sale_number.clone(),
            total: till.format_money(sale.total_amount),
            tendered: till.format_money(sale.amount_tendered),
            change: till.format_money(sale.change_due),
            printing,
        }
    }
}

/// How syncing with the central database stands.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// The till has no central database: it sells offline, its outbox growing.
    NotSetUp,
    /// The engine has not heard from the central database yet.
    Connecting,
    Online,
    /// The last attempt failed; the engine keeps retrying.
    Offline,
}

/// The receipt printer as the status bar shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize, Clone)]
pub struct PrinterView {
    pub name: String,
    /// What went wrong with the latest job, if it did.
    pub problem: Option<String>,
}

/// The status bar.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize, Clone)]
pub struct StatusView {
    pub sync: SyncState,
    /// The central database (hosts, never a password).
    pub central: Option<String>,
    pub sync_error: Option<String>,
    /// Operations waiting for the central database, and parked ones.
    pub pending: i64,
    pub parked: i64,
    /// In the business's time zone.
    pub last_sync: Option<String>,
    /// The receipt printer, if the till has one.
    pub printer: Option<PrinterView>,
}

/// A product on the stock screen.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct StockView {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// Its price, formatted.
    pub price: String,
    /// Quantities with the unit's decimals.
    pub stock: String,
    pub threshold: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
    pub low: bool,
    /// Ordered from the supplier and not in yet.
    pub on_order: String,
    /// Sent from another store and not received yet.
    pub in_transit: String,
}

impl StockView {
    /// `p` with what is on its way (`incoming`, see [`Incoming`]).
    pub fn new(till: &Till, p: &Product, incoming: &Incoming) -> StockView {
        StockView {
            sku: p.sku.clone(),
            name: p.product_name.clone(),
            category: p.category.clone(),
            price: till.format_money(p.price),
            stock: p.stock.format(p.unit),
            threshold: p.stock_threshold.format(p.unit),
            unit: p.unit.suffix().to_owned(),
            low: p.is_low(),
            on_order: incoming.on_order(p),
            in_transit: incoming.in_transit(p),
        }
    }
}

/// What is on its way to the store, by product.
#[derive(Default)]
pub struct Incoming {
    pub on_order: HashMap<Id, Quantity>,
    pub in_transit: HashMap<Id, Quantity>,
}

impl Incoming {
    pub fn of(till: &Till) -> sellsync_core::Result<Incoming> {
        Ok(Incoming {
            on_order: till.on_order()?,
            in_transit: till.in_transit_to_here()?,
        })
    }

    fn on_order(&self, p: &Product) -> String {
        let quantity = self.on_order.get(&p.id).copied().unwrap_or_default();
        quantity.format(p.unit)
    }

    fn in_transit(&self, p: &Product) -> String {
        let quantity = self.in_transit.get(&p.id).copied().unwrap_or_default();
        quantity.format(p.unit)
    }
}

/// A supplier, for the orders screen and the product form.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct SupplierView {
    pub id: String,
    pub name: String,
    pub contact: String,
}

impl From<&Supplier> for SupplierView {
    fn from(s: &Supplier) -> SupplierView {
        let contact = [
            s.contact_person.as_str(),
            s.email.as_deref().unwrap_or(""),
            s.phone.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        SupplierView {
            id: s.id.to_string(),
            name: s.supplier_name.clone(),
            contact,
        }
    }
}

/// A purchase order on the orders screen; amounts formatted by core.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct OrderView {
    pub id: String,
    pub number: String,
    pub supplier: String,
    pub status: &'static str,
    pub automatic: bool,
    pub expected: Option<String>,
    pub total: String,
    pub lines: Vec<OrderLineView>,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct OrderLineView {
    pub sku: String,
    pub name: String,
    /// Quantities with the unit's decimals.
    pub ordered: String,
    pub received: String,
    pub damaged: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
    /// Came in (sound or not) less ordered, signed (`-3`, `+2`, `0`), once anything came.
    pub difference: Option<String>,
    pub unit_price: Option<String>,
}

impl OrderView {
    pub fn new(till: &Till, o: &PurchaseOrder) -> OrderView {
        OrderView {
            id: o.id.to_string(),
            number: o.order_number.clone(),
            supplier: o.supplier_name.clone(),
            status: o.order_status.as_str(),
            automatic: o.automatic,
            expected: o.expected_delivery.map(|d| d.to_string()),
            total: till.format_money(o.total),
            lines: o
                .lines
                .iter()
                .map(|l| OrderLineView {
                    sku: l.sku.clone(),
                    name: l.product_name.clone(),
                    ordered: l.quantity_ordered.format(l.unit),
                    received: l.quantity_received.format(l.unit),
                    damaged: l.quantity_damaged.format(l.unit),
                    unit: l.unit.suffix().to_owned(),
                    difference: (l.quantity_received + l.quantity_damaged)
                        .is_positive()
                        .then(|| signed(l.difference, l.unit)),
                    unit_price: l.unit_price.map(|p| till.format_money(p)),
                })
                .collect(),
        }
    }
}

#[cfg_attr(test, derive(ts_rs::TS))]
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

/// A product as its edit form shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ProductForm {
    pub sku: String,
    pub name: String,
    /// Plain amounts, as they would be typed.
    pub price: String,
    pub barcode: String,
    pub category: String,
    pub tax_rate: String,
    /// `piece`, `kg`, …: set when the product is made.
    pub unit: String,
    /// Quantities as they would be typed, in the unit.
    pub threshold: String,
    /// The supplier's id, or "".
    pub supplier_id: String,
    pub reorder_quantity: String,
    pub tare: String,
    /// What the supplier charges for one, as typed, or "".
    pub unit_cost: String,
}

impl ProductForm {
    pub fn new(till: &Till, p: &Product) -> ProductForm {
        ProductForm {
            sku: p.sku.clone(),
            name: p.product_name.clone(),
            price: till.format_money(p.price),
            barcode: p.barcode.clone().unwrap_or_default(),
            category: p.category.clone(),
            tax_rate: p.tax_rate.to_string().trim_end_matches('%').to_owned(),
            unit: p.unit.code().to_owned(),
            threshold: p.stock_threshold.decimal(),
            supplier_id: p.supplier_id.map(|id| id.to_string()).unwrap_or_default(),
            reorder_quantity: p.reorder_quantity.decimal(),
            tare: p.tare.decimal(),
            unit_cost: p
                .unit_cost
                .map(|c| till.format_money(c))
                .unwrap_or_default(),
        }
    }
}

/// The printer's part of the settings screen.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct PrinterSettingsView {
    pub connection: String,
    pub paper: String,
    pub code_page: &'static str,
    pub footer: String,
    pub open_drawer_on_cash: bool,
}

/// The scale's part of the settings screen.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ScaleSettingsView {
    pub port: String,
    pub protocol: String,
    pub baud: u32,
    pub unit: String,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct SettingsView {
    /// The central database the till syncs with (hosts, never a password).
    pub central: Option<String>,
    pub printer: Option<PrinterSettingsView>,
    /// The counter scale, beside the printer.
    pub scale: Option<ScaleSettingsView>,
    /// The protocols a scale may speak.
    pub scale_protocols: Vec<String>,
    /// The character tables a printer may use.
    pub code_pages: Vec<&'static str>,
    /// How the business's price and weight labels are read.
    pub barcode_rules: Vec<BarcodeRuleView>,
    /// The countries whose common label layouts can be used.
    pub label_layouts: Vec<&'static str>,
}

/// One of the business's rules for reading labels, as the settings screen lists it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct BarcodeRuleView {
    pub name: String,
    /// The barcode and its prefix: `EAN-13 20…`.
    pub code: String,
    /// Where the item's digits sit, counted from 1: `3–7`.
    pub item: String,
    /// What the value is and where: `price in 9–12, 2 decimals, verified`.
    pub value: String,
}

impl BarcodeRuleView {
    fn new(rule: &BarcodeRule) -> BarcodeRuleView {
        let digits = |s: Span| format!("{}–{}", s.start + 1, s.start + s.len);
        BarcodeRuleView {
            name: rule.name.clone(),
            code: format!("{} {}…", rule.symbology, rule.prefix),
            item: digits(rule.item),
            value: format!(
                "{} in {}, {} decimals{}",
                rule.meaning,
                digits(rule.value),
                rule.decimals,
                if rule.verifier { ", verified" } else { "" }
            ),
        }
    }
}

impl SettingsView {
    pub fn new(
        central: Option<String>,
        printer: Option<&PrinterSettings>,
        scale: Option<&ScaleSettings>,
        rules: &[BarcodeRule],
    ) -> SettingsView {
        SettingsView {
            central,
            scale: scale.map(|s| ScaleSettingsView {
                port: s.port.clone(),
                protocol: s.protocol.to_string(),
                baud: s.baud,
                unit: s.unit.to_string(),
            }),
            scale_protocols: Protocol::ALL.iter().map(Protocol::to_string).collect(),
            printer: printer.map(|p| PrinterSettingsView {
                connection: p.connection.to_string(),
                paper: p.paper.millimetres().to_string(),
                code_page: p.code_page.as_str(),
                footer: p.footer.clone(),
                open_drawer_on_cash: p.open_drawer_on_cash,
            }),
            code_pages: CodePage::ALL.iter().map(|c| c.as_str()).collect(),
            barcode_rules: rules.iter().map(BarcodeRuleView::new).collect(),
            label_layouts: READY_LAYOUTS.to_vec(),
        }
    }
}

/// A parked sale in the list to take up from.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ParkedView {
    pub id: String,
    pub number: String,
    pub note: String,
    pub parked_by: String,
    pub parked_at: String,
    pub items: i64,
    pub total: String,
    /// Taken up at this till and not finished (after a restart, say).
    pub taken_up_here: bool,
}

impl ParkedView {
    pub fn new(till: &Till, parked: &ParkedSale) -> ParkedView {
        ParkedView {
            id: parked.id.to_string(),
            number: parked.park_number.clone(),
            note: parked.note.clone(),
            parked_by: parked.parked_by_name.clone(),
            parked_at: till.format_time(parked.created_at),
            items: parked.item_count(),
            total: till.format_money(parked.total_amount),
            taken_up_here: parked.status == ParkedStatus::Resumed,
        }
    }
}

/// A day broken down, for the reports screen: each row's amounts formatted, and its net in
/// minor units to draw the chart's bars to scale.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct BreakdownView {
    pub date: String,
    pub by: String,
    pub rows: Vec<BreakdownRowView>,
    pub net: String,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct BreakdownRowView {
    pub key: String,
    pub sales: i64,
    /// A product's in its unit (`2.350 kg`), a family's or a category's items; `""`
    /// otherwise.
    pub quantity: String,
    pub amount: String,
    pub returned: String,
    pub net: String,
    pub net_minor: i64,
}

impl BreakdownView {
    pub fn new(till: &Till, report: &BreakdownReport) -> BreakdownView {
        let money = |m| till.format_money(m);
        BreakdownView {
            date: report.date.to_string(),
            by: report.by.as_str().to_owned(),
            rows: report
                .rows
                .iter()
                .map(|r| BreakdownRowView {
                    key: r.key.clone(),
                    sales: r.sales,
                    quantity: r.quantity.with_unit(r.unit),
                    amount: money(r.amount),
                    returned: money(r.returned),
                    net: money(r.net),
                    net_minor: r.net.minor(),
                })
                .collect(),
            net: money(Money::from_minor(
                report.rows.iter().map(|r| r.net.minor()).sum(),
            )),
        }
    }
}

/// A report on screen: its title and its lines, as core lays them out.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReportView {
    pub title: String,
    pub rows: Vec<(String, String)>,
    /// A Z report's number, to print it.
    pub z_number: Option<i64>,
}

impl ReportView {
    pub fn z(till: &Till, z: &ZReport) -> ReportView {
        ReportView {
            title: format!(
                "Z report {} — till {}, {} to {}",
                z.z_number,
                z.till_code,
                till.format_time(z.opened_at),
                till.format_time(z.closed_at)
            ),
            rows: z.rows(till.currency()),
            z_number: Some(z.z_number),
        }
    }
}

/// The till's shift: open or not, since when and by whom, and (for those who may see it)
/// the X report so far.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ShiftView {
    pub open: bool,
    pub opened_by: String,
    pub opened_at: String,
    pub float: String,
    pub x: Option<ReportView>,
}

impl ShiftView {
    pub fn new(till: &Till, shift: Option<&Shift>, x: Option<&XReport>) -> ShiftView {
        ShiftView {
            open: shift.is_some(),
            opened_by: shift.map(|s| s.opened_by_name.clone()).unwrap_or_default(),
            opened_at: shift
                .map(|s| till.format_time(s.opened_at))
                .unwrap_or_default(),
            float: shift
                .map(|s| till.format_money(s.opening_float))
                .unwrap_or_default(),
            x: x.map(|x| ReportView {
                title: format!("X report — till {}", x.till_code),
                rows: rows(&x.figures, till.currency()),
                z_number: None,
            }),
        }
    }
}

/// A sale found by its receipt, as the return screen shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReturnableView {
    /// The sale's id, which the return names.
    pub id: String,
    pub sale_number: String,
    pub sold_at: String,
    pub cashier: String,
    pub total: String,
    pub lines: Vec<ReturnableLineView>,
    /// Each tender: its name, what it paid, what went back to it so far.
    pub tenders: Vec<ReturnableTenderView>,
    pub refunded: String,
    pub return_numbers: Vec<String>,
    pub age_days: i64,
    pub voidable: bool,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReturnableLineView {
    pub name: String,
    pub sku: String,
    /// Quantities with the unit's decimals: a weighed line may come back in part.
    pub sold: String,
    pub returned: String,
    pub left: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
    pub total: String,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReturnableTenderView {
    pub name: String,
    pub paid: String,
    pub refunded: String,
}

impl ReturnableView {
    pub fn new(till: &Till, r: &Returnable) -> ReturnableView {
        ReturnableView {
            id: r.sale.id.to_string(),
            sale_number: r.sale.sale_number.clone(),
            sold_at: till.format_time(r.sale.created_at),
            cashier: r.sale.cashier_name.clone(),
            total: till.format_money(r.sale.total_amount),
            lines: r
                .lines
                .iter()
                .map(|l| ReturnableLineView {
                    name: l.item.product_name.clone(),
                    sku: l.item.sku.clone(),
                    sold: l.item.quantity.format(l.item.unit),
                    returned: l.returned.format(l.item.unit),
                    left: l.left.format(l.item.unit),
                    unit: l.item.unit.suffix().to_owned(),
                    total: till.format_money(l.item.total_price),
                })
                .collect(),
            tenders: r
                .tenders
                .iter()
                .map(|t| ReturnableTenderView {
                    name: t.method_name.clone(),
                    paid: till.format_money(t.paid),
                    refunded: till.format_money(t.refunded),
                })
                .collect(),
            refunded: till.format_money(r.refunded),
            return_numbers: r.return_numbers.clone(),
            age_days: r.age_days,
            voidable: r.voidable,
        }
    }
}

/// What a return would give back, shown before the cashier confirms it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReturnPreviewView {
    pub total: String,
    pub tax: String,
    /// "Cash 12.34", one per tender that gets money back.
    pub refunds: Vec<String>,
    pub points_taken: i64,
    pub points_given: i64,
    pub approval_needed: Option<String>,
}

impl ReturnPreviewView {
    pub fn new(till: &Till, p: &ReturnPreview) -> ReturnPreviewView {
        ReturnPreviewView {
            total: till.format_money(p.total),
            tax: till.format_money(p.tax_total),
            refunds: refund_lines(till, p.refunds.iter().map(|r| (&r.method_name, r.amount))),
            points_taken: p.points_taken,
            points_given: p.points_given,
            approval_needed: p.approval_needed.clone(),
        }
    }
}

/// A return made: its number, what went back to which tender, the cash to hand over.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct ReturnDoneView {
    pub return_number: String,
    pub total: String,
    pub refunds: Vec<String>,
    /// Cash to take out of the drawer for the customer, if any.
    pub cash: Option<String>,
    /// The refund receipt went to the printer's queue (the till has a printer).
    pub printing: bool,
}

impl ReturnDoneView {
    pub fn new(till: &Till, back: &Sale, printing: bool) -> ReturnDoneView {
        let cash = Money::sum(
            back.payments
                .iter()
                .filter(|p| p.kind == PaymentKind::Cash)
                .map(|p| p.amount),
        )
        .ok()
        .filter(|m| m.minor() > 0);
        ReturnDoneView {
            return_number: back.sale_number.clone(),
            total: till.format_money(back.total_amount),
            refunds: refund_lines(
                till,
                back.payments.iter().map(|p| (&p.method_name, p.amount)),
            ),
            cash: cash.map(|m| till.format_money(m)),
            printing,
        }
    }
}

fn refund_lines<'a>(
    till: &Till,
    refunds: impl Iterator<Item = (&'a String, Money)>,
) -> Vec<String> {
    refunds
        .map(|(name, amount)| format!("{name} {}", till.format_money(amount)))
        .collect()
}

/// Another store of the business, to send stock to.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct StoreView {
    pub id: String,
    pub name: String,
    pub location: String,
}

impl From<&OtherStore> for StoreView {
    fn from(s: &OtherStore) -> StoreView {
        StoreView {
            id: s.id.to_string(),
            name: s.store_name.clone(),
            location: s.location.clone(),
        }
    }
}

/// A transfer on the transfers screen.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct TransferView {
    pub id: String,
    pub number: String,
    pub from: String,
    pub to: String,
    pub status: &'static str,
    pub incoming: bool,
    pub note: String,
    pub lines: Vec<TransferLineView>,
}

#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct TransferLineView {
    pub sku: String,
    pub name: String,
    /// Quantities with the unit's decimals; `missing` is `""` when none is.
    pub sent: String,
    pub received: String,
    pub missing: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
}

impl From<&Transfer> for TransferView {
    fn from(t: &Transfer) -> TransferView {
        TransferView {
            id: t.id.to_string(),
            number: t.transfer_number.clone(),
            from: t.from_store_name.clone(),
            to: t.to_store_name.clone(),
            status: t.status.as_str(),
            incoming: t.incoming,
            note: t.note.clone(),
            lines: t
                .lines
                .iter()
                .map(|l| TransferLineView {
                    sku: l.sku.clone(),
                    name: l.product_name.clone(),
                    sent: l.quantity_sent.format(l.unit),
                    received: l.quantity_received.format(l.unit),
                    missing: match l.missing {
                        m if m.is_positive() => m.format(l.unit),
                        _ => String::new(),
                    },
                    unit: l.unit.suffix().to_owned(),
                })
                .collect(),
        }
    }
}

/// A stock count as the counts screen shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct CountView {
    /// `None`: the whole store.
    pub category: Option<String>,
    pub lines: Vec<CountLineView>,
    /// Products of the count's scope not scanned yet.
    pub not_counted: i64,
}

/// A product of a count: what the ledger said when the count started, what was counted.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct CountLineView {
    pub sku: String,
    pub product_name: String,
    /// Quantities with the unit's decimals; the difference signed (`-3`, `+2`, `0`).
    pub expected: String,
    pub counted: String,
    pub difference: String,
    /// `""` for pieces, else `kg`, `lb`, …
    pub unit: String,
}

impl From<&StockCount> for CountView {
    fn from(count: &StockCount) -> CountView {
        CountView {
            category: count.category.clone(),
            lines: count
                .lines
                .iter()
                .map(|l| CountLineView {
                    sku: l.sku.clone(),
                    product_name: l.product_name.clone(),
                    expected: l.expected.format(l.unit),
                    counted: l.counted.format(l.unit),
                    difference: signed(l.difference, l.unit),
                    unit: l.unit.suffix().to_owned(),
                })
                .collect(),
            not_counted: count.not_counted,
        }
    }
}

/// What posting a count did.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Serialize)]
pub struct PostedCountView {
    /// Products whose stock was adjusted.
    pub adjusted: usize,
    /// The sum of the differences (below zero: less on the shelves than the ledger said).
    pub net_difference: String,
}

/// A change with its sign, as the screens show it: `+2`, `-3`, `0`, `-0.250`.
fn signed(change: Quantity, unit: Unit) -> String {
    if change.is_positive() {
        format!("+{}", change.format(unit))
    } else {
        change.format(unit)
    }
}
