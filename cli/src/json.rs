//! What `--json` prints: the command line's own wire types, apart from core's domain
//! types, so that a change inside the till does not change what scripts read.
//!
//! Amounts are written as the REST API writes them: decimal strings in the business's
//! currency (`"4.90"`, `"1200"` in JPY), with the currency's code beside them in every
//! object that holds one; rates as decimal strings of a percent (`"8.875"`); times as
//! RFC 3339; ids as strings. Quantities as the contract writes them in JSON: a number when
//! whole (`2`), a decimal string otherwise (`"0.742"`), with the product's `unit` beside
//! them where goods may be sold by measure.

use chrono::{DateTime, NaiveDate, Utc};
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{OrderStatus, TransactionType, TransferStatus};
use sellsync_contract::pricing::{Discount, TaxLine};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::roles::Role;
use sellsync_contract::z_report::{ShiftFigures, ZReport};
use sellsync_core::api_keys::ApiKeyMade;
use sellsync_core::catalog::labels::{LabelValue, Scanned};
use sellsync_core::customers::{Customer, Purchase};
use sellsync_core::db::outbox::OutboxEntry;
use sellsync_core::demo::DemoSummary;
use sellsync_core::journal::JournalCheck;
use sellsync_core::notifications::Notification;
use sellsync_core::printing::receipt::{LineStyle, Receipt};
use sellsync_core::printing::{DrawerEvent, PrintJob, PrinterSettings};
use sellsync_core::purchasing::orders::PurchaseOrder;
use sellsync_core::purchasing::suppliers::Supplier;
use sellsync_core::reports::{BreakdownReport, DayReport};
use sellsync_core::sell::parked::ParkedSale;
use sellsync_core::sell::sale::Sale;
use sellsync_core::shift::{CashMovement, Shift, XReport};
use sellsync_core::staff::StaffMember;
use sellsync_core::stock::counts::{PostedCount, StockCount};
use sellsync_core::stock::transfers::{OtherStore, Transfer};
use sellsync_core::stock::LedgerCheck;
use sellsync_core::sync::pull::PullOutcome;
use sellsync_core::sync::queue::SyncStatus;
use sellsync_core::till::{Business, Store};
use sellsync_core::{Currency, Id, Money, Percent, Product};
use serde::Serialize;

/// An amount as a decimal string in `currency`.
fn amount(currency: &Currency, money: Money) -> String {
    currency.format(money)
}

/// A percentage as a decimal string, without the `%`.
fn rate(percent: Percent) -> String {
    percent.to_string().trim_end_matches('%').to_owned()
}

#[derive(Serialize)]
pub struct DemoCreated<'a> {
    business_name: &'a str,
    store_name: &'a str,
    products: usize,
    logins: Vec<DemoLogin<'a>>,
}

#[derive(Serialize)]
struct DemoLogin<'a> {
    name: &'a str,
    email: &'a str,
    role: Role,
    pin: &'a str,
}

impl<'a> DemoCreated<'a> {
    pub fn new(summary: &'a DemoSummary) -> Self {
        DemoCreated {
            business_name: &summary.business_name,
            store_name: &summary.store_name,
            products: summary.products,
            logins: summary
                .logins
                .iter()
                .map(|l| DemoLogin {
                    name: l.name,
                    email: l.email,
                    role: l.role,
                    pin: l.pin,
                })
                .collect(),
        }
    }
}

/// A new API key, shown this once.
#[derive(Serialize)]
pub struct ApiKeyJson<'a> {
    id: Id,
    key: &'a str,
    label: &'a str,
    scopes: &'a [&'static str],
}

impl<'a> ApiKeyJson<'a> {
    pub fn new(made: &'a ApiKeyMade) -> Self {
        ApiKeyJson {
            id: made.id,
            key: &made.key,
            label: &made.label,
            scopes: &made.scopes,
        }
    }
}

#[derive(Serialize)]
pub struct BusinessJson<'a> {
    id: Id,
    business_name: &'a str,
    currency: &'a str,
    timezone: &'a str,
    tax_inclusive: bool,
    default_tax_rate: String,
    max_cashier_discount: String,
    loyalty_points_per_unit: i64,
    loyalty_point_value: String,
    return_window_days: i64,
    cashier_refund_limit: String,
    max_cash_difference: String,
}

impl<'a> BusinessJson<'a> {
    pub fn new(b: &'a Business) -> Self {
        let money = |m| amount(&b.currency, m);
        BusinessJson {
            id: b.id,
            business_name: &b.business_name,
            currency: b.currency.code(),
            timezone: b.timezone.name(),
            tax_inclusive: b.tax_inclusive,
            default_tax_rate: rate(b.default_tax_rate),
            max_cashier_discount: rate(b.max_cashier_discount),
            loyalty_points_per_unit: b.loyalty_points_per_unit,
            loyalty_point_value: money(b.loyalty_point_value),
            return_window_days: b.return_window_days,
            cashier_refund_limit: money(b.cashier_refund_limit),
            max_cash_difference: money(b.max_cash_difference),
        }
    }
}

#[derive(Serialize)]
pub struct StoreJson<'a> {
    id: Id,
    store_name: &'a str,
    location: &'a str,
    phone: &'a str,
}

impl<'a> StoreJson<'a> {
    pub fn new(s: &'a Store) -> Self {
        StoreJson {
            id: s.id,
            store_name: &s.store_name,
            location: &s.location,
            phone: &s.phone,
        }
    }
}

#[derive(Serialize)]
pub struct Pulled {
    applied: usize,
    skipped: usize,
    refused: usize,
}

impl Pulled {
    pub fn new(outcome: PullOutcome) -> Self {
        Pulled {
            applied: outcome.applied,
            skipped: outcome.skipped,
            refused: outcome.refused,
        }
    }
}

#[derive(Serialize)]
pub struct ProductJson<'a> {
    id: Id,
    sku: &'a str,
    barcode: Option<&'a str>,
    product_name: &'a str,
    category: &'a str,
    currency: &'a str,
    price: String,
    tax_rate: String,
    unit: Unit,
    stock: Quantity,
    stock_threshold: Quantity,
    low: bool,
    supplier_id: Option<Id>,
    reorder_quantity: Quantity,
    unit_cost: Option<String>,
}

impl<'a> ProductJson<'a> {
    pub fn list(currency: &'a Currency, products: &'a [Product]) -> Vec<Self> {
        products
            .iter()
            .map(|p| ProductJson::new(currency, p))
            .collect()
    }

    pub fn new(currency: &'a Currency, p: &'a Product) -> Self {
        ProductJson {
            id: p.id,
            sku: &p.sku,
            barcode: p.barcode.as_deref(),
            product_name: &p.product_name,
            category: &p.category,
            currency: currency.code(),
            price: amount(currency, p.price),
            tax_rate: rate(p.tax_rate),
            unit: p.unit,
            stock: p.stock,
            stock_threshold: p.stock_threshold,
            low: p.is_low(),
            supplier_id: p.supplier_id,
            reorder_quantity: p.reorder_quantity,
            unit_cost: p.unit_cost.map(|c| amount(currency, c)),
        }
    }
}

#[derive(Serialize)]
struct TaxJson {
    rate: String,
    taxable: String,
    tax: String,
}

fn taxes(currency: &Currency, lines: &[TaxLine]) -> Vec<TaxJson> {
    lines
        .iter()
        .map(|t| TaxJson {
            rate: rate(t.rate),
            taxable: amount(currency, t.taxable),
            tax: amount(currency, t.tax),
        })
        .collect()
}

#[derive(Serialize)]
pub struct SaleJson<'a> {
    id: Id,
    transaction_type: TransactionType,
    sale_number: &'a str,
    created_at: DateTime<Utc>,
    store_id: Id,
    till_id: Id,
    cashier_id: Id,
    cashier_name: &'a str,
    customer_id: Option<Id>,
    currency: &'a str,
    items: Vec<SaleItemJson<'a>>,
    payments: Vec<PaymentJson<'a>>,
    payment_method: &'a str,
    subtotal: String,
    discount_total: String,
    cart_discount: String,
    tax_total: String,
    total_amount: String,
    amount_tendered: String,
    change_due: String,
    loyalty_points_earned: i64,
    loyalty_points_redeemed: i64,
    taxes: Vec<TaxJson>,
    original_transaction_id: Option<Id>,
    original_sale_number: Option<&'a str>,
    reason: &'a str,
    approved_by: Option<Id>,
    shift_id: Option<Id>,
    voided: Option<VoidedJson<'a>>,
    parked_sale_id: Option<Id>,
}

#[derive(Serialize)]
struct SaleItemJson<'a> {
    product_id: Id,
    product_name: &'a str,
    sku: &'a str,
    quantity: Quantity,
    unit: Unit,
    unit_price: String,
    line_discount: String,
    cart_discount: String,
    tax_rate: String,
    tax_amount: String,
    total_price: String,
    original_line_no: Option<i64>,
    damaged: bool,
}

#[derive(Serialize)]
struct PaymentJson<'a> {
    payment_method_id: Option<Id>,
    method_name: &'a str,
    kind: &'static str,
    tendered: String,
    amount: String,
}

#[derive(Serialize)]
struct VoidedJson<'a> {
    by: Option<Id>,
    at: DateTime<Utc>,
    reason: &'a str,
}

impl<'a> SaleJson<'a> {
    pub fn new(currency: &Currency, sale: &'a Sale) -> Self {
        let money = |m| amount(currency, m);
        SaleJson {
            id: sale.id,
            transaction_type: sale.transaction_type,
            sale_number: &sale.sale_number,
            created_at: sale.created_at,
            store_id: sale.store_id,
            till_id: sale.till_id,
            cashier_id: sale.cashier_id,
            cashier_name: &sale.cashier_name,
            customer_id: sale.customer_id,
            currency: &sale.currency,
            items: sale
                .items
                .iter()
                .map(|i| SaleItemJson {
                    product_id: i.product_id,
                    product_name: &i.product_name,
                    sku: &i.sku,
                    quantity: i.quantity,
                    unit: i.unit,
                    unit_price: money(i.unit_price),
                    line_discount: money(i.line_discount),
                    cart_discount: money(i.cart_discount),
                    tax_rate: rate(i.tax_rate),
                    tax_amount: money(i.tax_amount),
                    total_price: money(i.total_price),
                    original_line_no: i.original_line_no,
                    damaged: i.damaged,
                })
                .collect(),
            payments: sale
                .payments
                .iter()
                .map(|p| PaymentJson {
                    payment_method_id: p.payment_method_id,
                    method_name: &p.method_name,
                    kind: p.kind.as_str(),
                    tendered: money(p.tendered),
                    amount: money(p.amount),
                })
                .collect(),
            payment_method: &sale.payment_method,
            subtotal: money(sale.subtotal),
            discount_total: money(sale.discount_total),
            cart_discount: money(sale.cart_discount),
            tax_total: money(sale.tax_total),
            total_amount: money(sale.total_amount),
            amount_tendered: money(sale.amount_tendered),
            change_due: money(sale.change_due),
            loyalty_points_earned: sale.loyalty_points_earned,
            loyalty_points_redeemed: sale.loyalty_points_redeemed,
            taxes: taxes(currency, &sale.taxes),
            original_transaction_id: sale.original_transaction_id,
            original_sale_number: sale.original_sale_number.as_deref(),
            reason: &sale.reason,
            approved_by: sale.approved_by,
            shift_id: sale.shift_id,
            voided: sale.voided.as_ref().map(|v| VoidedJson {
                by: v.by,
                at: v.at,
                reason: &v.reason,
            }),
            parked_sale_id: sale.parked_sale_id,
        }
    }
}

#[derive(Serialize)]
pub struct LedgerCheckJson<'a> {
    products_checked: i64,
    mismatches: Vec<MismatchJson<'a>>,
}

#[derive(Serialize)]
struct MismatchJson<'a> {
    product_id: Id,
    sku: &'a str,
    cached: Quantity,
    ledger: Quantity,
}

impl<'a> LedgerCheckJson<'a> {
    pub fn new(check: &'a LedgerCheck) -> Self {
        LedgerCheckJson {
            products_checked: check.products_checked,
            mismatches: check
                .mismatches
                .iter()
                .map(|m| MismatchJson {
                    product_id: m.product_id,
                    sku: &m.sku,
                    cached: m.cached,
                    ledger: m.ledger,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct OutboxJson<'a> {
    seq: i64,
    op_id: &'a str,
    collection: &'a str,
    document_id: &'a str,
    op: &'a str,
    state: &'static str,
    attempts: i64,
    last_error: Option<&'a str>,
    created_at: DateTime<Utc>,
    /// The change as the Extended JSON the reconciler applies, hashes hidden.
    payload: &'a serde_json::Value,
}

impl<'a> OutboxJson<'a> {
    pub fn list(entries: &'a [OutboxEntry]) -> Vec<Self> {
        entries
            .iter()
            .map(|e| OutboxJson {
                seq: e.seq,
                op_id: &e.op_id,
                collection: &e.collection,
                document_id: &e.document_id,
                op: &e.op,
                state: e.state.as_str(),
                attempts: e.attempts,
                last_error: e.last_error.as_deref(),
                created_at: e.created_at,
                payload: &e.payload,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct NotificationJson<'a> {
    id: Id,
    kind: &'a str,
    product_id: Option<Id>,
    message: &'a str,
    unread: bool,
    created_at: DateTime<Utc>,
}

impl<'a> NotificationJson<'a> {
    pub fn list(notes: &'a [Notification]) -> Vec<Self> {
        notes
            .iter()
            .map(|n| NotificationJson {
                id: n.id,
                kind: &n.kind,
                product_id: n.product_id,
                message: &n.message,
                unread: n.unread,
                created_at: n.created_at,
            })
            .collect()
    }
}

/// A discount as keyed: `{"percent": "10"}` or `{"amount": "5.00"}`.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum DiscountJson {
    Percent(String),
    Amount(String),
}

impl DiscountJson {
    fn new(currency: &Currency, discount: Discount) -> Self {
        match discount {
            Discount::Percent(p) => DiscountJson::Percent(rate(p)),
            Discount::Amount(m) => DiscountJson::Amount(amount(currency, m)),
        }
    }
}

#[derive(Serialize)]
pub struct ParkedJson<'a> {
    id: Id,
    park_number: &'a str,
    till_id: Id,
    parked_by: Id,
    parked_by_name: &'a str,
    note: &'a str,
    status: &'static str,
    currency: &'a str,
    items: Vec<ParkedItemJson<'a>>,
    discount: Option<DiscountJson>,
    customer_id: Option<Id>,
    total_amount: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct ParkedItemJson<'a> {
    product_id: Id,
    product_name: &'a str,
    sku: &'a str,
    quantity: Quantity,
    unit_price: String,
    discount: Option<DiscountJson>,
}

impl<'a> ParkedJson<'a> {
    pub fn list(parked: &'a [ParkedSale]) -> Vec<Self> {
        parked
            .iter()
            .map(|p| {
                let currency = &p.currency;
                ParkedJson {
                    id: p.id,
                    park_number: &p.park_number,
                    till_id: p.till_id,
                    parked_by: p.parked_by,
                    parked_by_name: &p.parked_by_name,
                    note: &p.note,
                    status: p.status.as_str(),
                    currency: currency.code(),
                    items: p
                        .items
                        .iter()
                        .map(|i| ParkedItemJson {
                            product_id: i.product_id,
                            product_name: &i.product_name,
                            sku: &i.sku,
                            quantity: i.quantity,
                            unit_price: amount(currency, i.unit_price),
                            discount: i.discount.map(|d| DiscountJson::new(currency, d)),
                        })
                        .collect(),
                    discount: p.discount.map(|d| DiscountJson::new(currency, d)),
                    customer_id: p.customer_id,
                    total_amount: amount(currency, p.total_amount),
                    created_at: p.created_at,
                    updated_at: p.updated_at,
                }
            })
            .collect()
    }
}

/// A receipt as printed: its lines, and the sale's codes printed under them.
#[derive(Serialize)]
pub struct ReceiptJson<'a> {
    paper_mm: u32,
    columns: usize,
    lines: Vec<ReceiptLineJson<'a>>,
    sale_id: Option<&'a str>,
    sale_number: Option<&'a str>,
}

#[derive(Serialize)]
struct ReceiptLineJson<'a> {
    text: &'a str,
    style: &'static str,
}

impl<'a> ReceiptJson<'a> {
    pub fn new(receipt: &'a Receipt) -> Self {
        ReceiptJson {
            paper_mm: receipt.paper.millimetres(),
            columns: receipt.paper.columns(),
            lines: receipt
                .lines
                .iter()
                .map(|l| ReceiptLineJson {
                    text: &l.text,
                    style: match l.style {
                        LineStyle::Normal => "normal",
                        LineStyle::Bold => "bold",
                        LineStyle::Large => "large",
                    },
                })
                .collect(),
            sale_id: receipt.codes.as_ref().map(|c| c.sale_id.as_str()),
            sale_number: receipt.codes.as_ref().map(|c| c.sale_number.as_str()),
        }
    }
}

#[derive(Serialize)]
pub struct PrintJobJson<'a> {
    id: i64,
    kind: &'static str,
    sale_id: Option<Id>,
    sale_number: Option<&'a str>,
    z_number: Option<i64>,
    copy: bool,
    open_drawer: bool,
    requested_by: Id,
    status: &'static str,
    attempts: i64,
    last_error: Option<&'a str>,
    created_at: DateTime<Utc>,
}

impl<'a> PrintJobJson<'a> {
    pub fn list(jobs: &'a [PrintJob]) -> Vec<Self> {
        jobs.iter()
            .map(|j| PrintJobJson {
                id: j.id,
                kind: j.kind.as_str(),
                sale_id: j.sale_id,
                sale_number: j.sale_number.as_deref(),
                z_number: j.z_number,
                copy: j.copy,
                open_drawer: j.open_drawer,
                requested_by: j.requested_by,
                status: j.status.as_str(),
                attempts: j.attempts,
                last_error: j.last_error.as_deref(),
                created_at: j.created_at,
            })
            .collect()
    }
}

/// The printer's settings, its latest jobs and the drawer's latest openings.
#[derive(Serialize)]
pub struct PrinterJson<'a> {
    printer: Option<PrinterSettingsJson<'a>>,
    jobs: Vec<PrintJobJson<'a>>,
    drawer: Vec<DrawerJson<'a>>,
}

#[derive(Serialize)]
struct PrinterSettingsJson<'a> {
    connection: String,
    paper_mm: u32,
    code_page: &'static str,
    open_drawer_on_cash: bool,
    footer: &'a str,
}

#[derive(Serialize)]
struct DrawerJson<'a> {
    reason: &'a str,
    sale_id: Option<Id>,
    user_id: Id,
    user_name: &'a str,
    created_at: DateTime<Utc>,
}

impl<'a> PrinterJson<'a> {
    pub fn new(
        settings: Option<&'a PrinterSettings>,
        jobs: &'a [PrintJob],
        drawer: &'a [DrawerEvent],
    ) -> Self {
        PrinterJson {
            printer: settings.map(|s| PrinterSettingsJson {
                connection: s.connection.to_string(),
                paper_mm: s.paper.millimetres(),
                code_page: s.code_page.as_str(),
                open_drawer_on_cash: s.open_drawer_on_cash,
                footer: &s.footer,
            }),
            jobs: PrintJobJson::list(jobs),
            drawer: drawer
                .iter()
                .map(|d| DrawerJson {
                    reason: &d.reason,
                    sale_id: d.sale_id,
                    user_id: d.user_id,
                    user_name: &d.user_name,
                    created_at: d.created_at,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct StaffJson<'a> {
    id: Id,
    name: &'a str,
    email: &'a str,
    role: Role,
    locked: bool,
}

impl<'a> StaffJson<'a> {
    pub fn list(staff: &'a [StaffMember]) -> Vec<Self> {
        staff
            .iter()
            .map(|m| StaffJson {
                id: m.id,
                name: &m.name,
                email: &m.email,
                role: m.role,
                locked: m.locked,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct CustomerJson<'a> {
    id: Id,
    name: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    loyalty_points: i64,
    currency: &'a str,
    store_credit: String,
    purchase_history: Vec<PurchaseJson<'a>>,
}

#[derive(Serialize)]
struct PurchaseJson<'a> {
    transaction_id: Id,
    sale_number: &'a str,
    date: DateTime<Utc>,
    amount: String,
}

impl<'a> CustomerJson<'a> {
    pub fn new(currency: &'a Currency, customer: &'a Customer, history: &'a [Purchase]) -> Self {
        CustomerJson {
            id: customer.id,
            name: &customer.name,
            phone: customer.phone.as_deref(),
            email: customer.email.as_deref(),
            loyalty_points: customer.loyalty_points,
            currency: currency.code(),
            store_credit: amount(currency, customer.store_credit),
            purchase_history: history
                .iter()
                .map(|p| PurchaseJson {
                    transaction_id: p.transaction_id,
                    sale_number: &p.sale_number,
                    date: p.date,
                    amount: amount(currency, p.amount),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct DayReportJson<'a> {
    date: NaiveDate,
    timezone: &'a str,
    currency: &'a str,
    sales: i64,
    items_sold: i64,
    subtotal: String,
    discounts: String,
    tax: String,
    total: String,
    returns: i64,
    returns_total: String,
    net: String,
    by_payment_method: Vec<MethodJson<'a>>,
    taxes: Vec<TaxJson>,
}

#[derive(Serialize)]
struct MethodJson<'a> {
    method_name: &'a str,
    payments: i64,
    amount: String,
}

impl<'a> DayReportJson<'a> {
    pub fn new(currency: &Currency, r: &'a DayReport) -> Self {
        let money = |m| amount(currency, m);
        DayReportJson {
            date: r.date,
            timezone: &r.timezone,
            currency: &r.currency,
            sales: r.sales,
            items_sold: r.items_sold,
            subtotal: money(r.subtotal),
            discounts: money(r.discounts),
            tax: money(r.tax),
            total: money(r.total),
            returns: r.returns,
            returns_total: money(r.returns_total),
            net: money(r.net),
            by_payment_method: r
                .by_payment_method
                .iter()
                .map(|m| MethodJson {
                    method_name: &m.method_name,
                    payments: m.payments,
                    amount: money(m.amount),
                })
                .collect(),
            taxes: taxes(currency, &r.taxes),
        }
    }
}

#[derive(Serialize)]
pub struct BreakdownJson<'a> {
    date: NaiveDate,
    timezone: &'a str,
    currency: &'a str,
    by: &'static str,
    rows: Vec<BreakdownRowJson<'a>>,
}

#[derive(Serialize)]
struct BreakdownRowJson<'a> {
    key: &'a str,
    sales: i64,
    quantity: Quantity,
    amount: String,
    returned_quantity: Quantity,
    returned: String,
    net: String,
}

impl<'a> BreakdownJson<'a> {
    pub fn new(currency: &Currency, r: &'a BreakdownReport) -> Self {
        let money = |m| amount(currency, m);
        BreakdownJson {
            date: r.date,
            timezone: &r.timezone,
            currency: &r.currency,
            by: r.by.as_str(),
            rows: r
                .rows
                .iter()
                .map(|row| BreakdownRowJson {
                    key: &row.key,
                    sales: row.sales,
                    quantity: row.quantity,
                    amount: money(row.amount),
                    returned_quantity: row.returned_quantity,
                    returned: money(row.returned),
                    net: money(row.net),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct JournalCheckJson<'a> {
    verified: usize,
    total: usize,
    broken_at: Option<i64>,
    why: Option<&'a str>,
}

impl<'a> JournalCheckJson<'a> {
    pub fn new(check: &'a JournalCheck) -> Self {
        JournalCheckJson {
            verified: check.verified,
            total: check.total,
            broken_at: check.broken.as_ref().map(|b| b.seq),
            why: check.broken.as_ref().map(|b| b.why.as_str()),
        }
    }
}

#[derive(Serialize)]
pub struct OrderJson<'a> {
    id: Id,
    order_number: &'a str,
    supplier_id: Id,
    supplier_name: &'a str,
    store_id: Id,
    order_status: OrderStatus,
    automatic: bool,
    expected_delivery: Option<NaiveDate>,
    currency: &'a str,
    lines: Vec<OrderLineJson<'a>>,
    total: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct OrderLineJson<'a> {
    product_id: Id,
    sku: &'a str,
    product_name: &'a str,
    quantity_ordered: Quantity,
    unit_price: Option<String>,
    quantity_received: Quantity,
    quantity_damaged: Quantity,
    difference: Quantity,
}

impl<'a> OrderJson<'a> {
    pub fn list(currency: &'a Currency, orders: &'a [PurchaseOrder]) -> Vec<Self> {
        orders
            .iter()
            .map(|o| OrderJson {
                id: o.id,
                order_number: &o.order_number,
                supplier_id: o.supplier_id,
                supplier_name: &o.supplier_name,
                store_id: o.store_id,
                order_status: o.order_status,
                automatic: o.automatic,
                expected_delivery: o.expected_delivery,
                currency: currency.code(),
                lines: o
                    .lines
                    .iter()
                    .map(|l| OrderLineJson {
                        product_id: l.product_id,
                        sku: &l.sku,
                        product_name: &l.product_name,
                        quantity_ordered: l.quantity_ordered,
                        unit_price: l.unit_price.map(|p| amount(currency, p)),
                        quantity_received: l.quantity_received,
                        quantity_damaged: l.quantity_damaged,
                        difference: l.difference,
                    })
                    .collect(),
                total: amount(currency, o.total),
                created_at: o.created_at,
                updated_at: o.updated_at,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct TransferJson<'a> {
    id: Id,
    transfer_number: &'a str,
    from_store_id: Id,
    from_store_name: &'a str,
    to_store_id: Id,
    to_store_name: &'a str,
    status: TransferStatus,
    incoming: bool,
    note: &'a str,
    lines: Vec<TransferLineJson<'a>>,
    created_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct TransferLineJson<'a> {
    product_id: Id,
    sku: &'a str,
    product_name: &'a str,
    quantity_sent: Quantity,
    quantity_received: Quantity,
    missing: Quantity,
}

impl<'a> TransferJson<'a> {
    pub fn list(transfers: &'a [Transfer]) -> Vec<Self> {
        transfers
            .iter()
            .map(|t| TransferJson {
                id: t.id,
                transfer_number: &t.transfer_number,
                from_store_id: t.from_store_id,
                from_store_name: &t.from_store_name,
                to_store_id: t.to_store_id,
                to_store_name: &t.to_store_name,
                status: t.status,
                incoming: t.incoming,
                note: &t.note,
                lines: t
                    .lines
                    .iter()
                    .map(|l| TransferLineJson {
                        product_id: l.product_id,
                        sku: &l.sku,
                        product_name: &l.product_name,
                        quantity_sent: l.quantity_sent,
                        quantity_received: l.quantity_received,
                        missing: l.missing,
                    })
                    .collect(),
                created_at: t.created_at,
                received_at: t.received_at,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct CountJson<'a> {
    id: Id,
    category: Option<&'a str>,
    started_at: DateTime<Utc>,
    lines: Vec<CountLineJson<'a>>,
    not_counted: i64,
}

#[derive(Serialize)]
struct CountLineJson<'a> {
    product_id: Id,
    sku: &'a str,
    product_name: &'a str,
    expected: Quantity,
    counted: Quantity,
    difference: Quantity,
}

impl<'a> CountJson<'a> {
    pub fn new(count: &'a StockCount) -> Self {
        CountJson {
            id: count.id,
            category: count.category.as_deref(),
            started_at: count.started_at,
            lines: count
                .lines
                .iter()
                .map(|l| CountLineJson {
                    product_id: l.product_id,
                    sku: &l.sku,
                    product_name: &l.product_name,
                    expected: l.expected,
                    counted: l.counted,
                    difference: l.difference,
                })
                .collect(),
            not_counted: count.not_counted,
        }
    }
}

#[derive(Serialize)]
pub struct PostedCountJson<'a> {
    count: CountJson<'a>,
    adjusted: usize,
    net_difference: Quantity,
}

impl<'a> PostedCountJson<'a> {
    pub fn new(posted: &'a PostedCount) -> Self {
        PostedCountJson {
            count: CountJson::new(&posted.count),
            adjusted: posted.adjusted,
            net_difference: posted.net_difference,
        }
    }
}

#[derive(Serialize)]
pub struct OtherStoreJson<'a> {
    id: Id,
    store_name: &'a str,
    location: &'a str,
}

impl<'a> OtherStoreJson<'a> {
    pub fn list(stores: &'a [OtherStore]) -> Vec<Self> {
        stores
            .iter()
            .map(|s| OtherStoreJson {
                id: s.id,
                store_name: &s.store_name,
                location: &s.location,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct SupplierJson<'a> {
    id: Id,
    supplier_name: &'a str,
    contact_person: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    address: &'a str,
}

impl<'a> SupplierJson<'a> {
    pub fn list(suppliers: &'a [Supplier]) -> Vec<Self> {
        suppliers
            .iter()
            .map(|s| SupplierJson {
                id: s.id,
                supplier_name: &s.supplier_name,
                contact_person: &s.contact_person,
                email: s.email.as_deref(),
                phone: s.phone.as_deref(),
                address: &s.address,
            })
            .collect()
    }
}

/// A cash count: its total and, when counted by them, the denominations.
#[derive(Serialize)]
struct CashCountJson {
    total: String,
    denominations: Vec<DenominationJson>,
}

#[derive(Serialize)]
struct DenominationJson {
    value: String,
    count: i64,
}

impl CashCountJson {
    fn new(currency: &Currency, count: &CashCount) -> Self {
        CashCountJson {
            total: amount(currency, count.total),
            denominations: count
                .denominations
                .iter()
                .map(|d| DenominationJson {
                    value: amount(currency, d.value),
                    count: d.count,
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct ShiftJson<'a> {
    id: Id,
    opened_by: Id,
    opened_by_name: &'a str,
    opened_at: DateTime<Utc>,
    currency: &'a str,
    opening_float: String,
    float_count: CashCountJson,
    open: bool,
    z_number: Option<i64>,
}

impl<'a> ShiftJson<'a> {
    pub fn new(currency: &'a Currency, shift: &'a Shift) -> Self {
        ShiftJson {
            id: shift.id,
            opened_by: shift.opened_by,
            opened_by_name: &shift.opened_by_name,
            opened_at: shift.opened_at,
            currency: currency.code(),
            opening_float: amount(currency, shift.opening_float),
            float_count: CashCountJson::new(currency, &shift.float_count),
            open: shift.open,
            z_number: shift.z_number,
        }
    }
}

#[derive(Serialize)]
pub struct CashMovementJson<'a> {
    id: Id,
    kind: &'static str,
    currency: &'a str,
    amount: String,
    reason: &'a str,
    by: &'a str,
    created_at: DateTime<Utc>,
}

impl<'a> CashMovementJson<'a> {
    pub fn new(currency: &'a Currency, m: &'a CashMovement) -> Self {
        CashMovementJson {
            id: m.id,
            kind: m.kind.as_str(),
            currency: currency.code(),
            amount: amount(currency, m.amount),
            reason: &m.reason,
            by: &m.by,
            created_at: m.created_at,
        }
    }
}

#[derive(Serialize)]
struct FiguresJson<'a> {
    sales_count: i64,
    returns_count: i64,
    gross_sales: String,
    discounts: String,
    sales_total: String,
    returns_total: String,
    net_sales: String,
    taxes: Vec<TaxJson>,
    tenders: Vec<TenderJson<'a>>,
    opening_float: String,
    cash_in: String,
    cash_out: String,
    expected_cash: String,
    no_sale_openings: i64,
    voids_count: i64,
    voids_total: String,
    lines_removed: i64,
    cashiers: Vec<CashierJson<'a>>,
    first_sale_number: Option<&'a str>,
    last_sale_number: Option<&'a str>,
}

#[derive(Serialize)]
struct TenderJson<'a> {
    method_name: &'a str,
    kind: &'static str,
    sales: String,
    refunds: String,
}

#[derive(Serialize)]
struct CashierJson<'a> {
    name: &'a str,
    sales_count: i64,
    sales: String,
    returns_count: i64,
    returns: String,
}

impl<'a> FiguresJson<'a> {
    fn new(currency: &Currency, f: &'a ShiftFigures) -> Self {
        let money = |m| amount(currency, m);
        FiguresJson {
            sales_count: f.sales_count,
            returns_count: f.returns_count,
            gross_sales: money(f.gross_sales),
            discounts: money(f.discounts),
            sales_total: money(f.sales_total),
            returns_total: money(f.returns_total),
            net_sales: money(f.net_sales),
            taxes: taxes(currency, &f.taxes),
            tenders: f
                .tenders
                .iter()
                .map(|t| TenderJson {
                    method_name: &t.method_name,
                    kind: t.kind.as_str(),
                    sales: money(t.sales),
                    refunds: money(t.refunds),
                })
                .collect(),
            opening_float: money(f.opening_float),
            cash_in: money(f.cash_in),
            cash_out: money(f.cash_out),
            expected_cash: money(f.expected_cash),
            no_sale_openings: f.no_sale_openings,
            voids_count: f.voids_count,
            voids_total: money(f.voids_total),
            lines_removed: f.lines_removed,
            cashiers: f
                .cashiers
                .iter()
                .map(|c| CashierJson {
                    name: &c.name,
                    sales_count: c.sales_count,
                    sales: money(c.sales),
                    returns_count: c.returns_count,
                    returns: money(c.returns),
                })
                .collect(),
            first_sale_number: f.first_sale_number.as_deref(),
            last_sale_number: f.last_sale_number.as_deref(),
        }
    }
}

#[derive(Serialize)]
pub struct XReportJson<'a> {
    till_code: &'a str,
    at: DateTime<Utc>,
    shift: ShiftJson<'a>,
    figures: FiguresJson<'a>,
}

impl<'a> XReportJson<'a> {
    pub fn new(currency: &'a Currency, x: &'a XReport) -> Self {
        XReportJson {
            till_code: &x.till_code,
            at: x.at,
            shift: ShiftJson::new(currency, &x.shift),
            figures: FiguresJson::new(currency, &x.figures),
        }
    }
}

#[derive(Serialize)]
pub struct ZReportJson<'a> {
    z_number: i64,
    shift_id: Id,
    till_id: Id,
    till_code: &'a str,
    store_id: Id,
    store_name: &'a str,
    business_name: &'a str,
    currency: &'a str,
    opened_at: DateTime<Utc>,
    opened_by: Id,
    opened_by_name: &'a str,
    closed_at: DateTime<Utc>,
    closed_by: Id,
    closed_by_name: &'a str,
    approved_by: Option<Id>,
    figures: FiguresJson<'a>,
    counted: CashCountJson,
    over_short: String,
    /// Every count of the blind close, the refused ones too.
    counts: Vec<DrawerCountJson<'a>>,
    grand_total: String,
}

#[derive(Serialize)]
struct DrawerCountJson<'a> {
    counted: CashCountJson,
    over_short: String,
    counted_by: Id,
    counted_by_name: &'a str,
    counted_at: DateTime<Utc>,
}

impl<'a> ZReportJson<'a> {
    pub fn new(currency: &Currency, z: &'a ZReport) -> Self {
        ZReportJson {
            z_number: z.z_number,
            shift_id: z.shift_id,
            till_id: z.till_id,
            till_code: &z.till_code,
            store_id: z.store_id,
            store_name: &z.store_name,
            business_name: &z.business_name,
            currency: &z.currency,
            opened_at: z.opened_at,
            opened_by: z.opened_by,
            opened_by_name: &z.opened_by_name,
            closed_at: z.closed_at,
            closed_by: z.closed_by,
            closed_by_name: &z.closed_by_name,
            approved_by: z.approved_by,
            figures: FiguresJson::new(currency, &z.figures),
            counted: CashCountJson::new(currency, &z.counted),
            over_short: amount(currency, z.over_short),
            counts: z
                .counts
                .iter()
                .map(|c| DrawerCountJson {
                    counted: CashCountJson::new(currency, &c.counted),
                    over_short: amount(currency, c.over_short),
                    counted_by: c.counted_by,
                    counted_by_name: &c.counted_by_name,
                    counted_at: c.counted_at,
                })
                .collect(),
            grand_total: amount(currency, z.grand_total),
        }
    }
}

#[derive(Serialize)]
pub struct SyncStatusJson<'a> {
    central: Option<String>,
    pending: i64,
    parked: i64,
    oldest_pending_at: Option<DateTime<Utc>>,
    last_attempt_at: Option<DateTime<Utc>>,
    last_success_at: Option<DateTime<Utc>>,
    last_error: Option<&'a str>,
    last_pull_at: Option<DateTime<Utc>>,
}

impl<'a> SyncStatusJson<'a> {
    pub fn new(central: Option<String>, s: &'a SyncStatus) -> Self {
        SyncStatusJson {
            central,
            pending: s.pending,
            parked: s.parked,
            oldest_pending_at: s.oldest_pending_at,
            last_attempt_at: s.last_attempt_at,
            last_success_at: s.last_success_at,
            last_error: s.last_error.as_deref(),
            last_pull_at: s.last_pull_at,
        }
    }
}

/// What a scanned code is (`sellsync barcode`): `kind` is `product`, `priced`, `weighed`
/// or `counted`; a label's price and weight as decimal strings.
#[derive(Serialize)]
pub struct ScannedJson<'a> {
    code: &'a str,
    kind: &'static str,
    product: ProductJson<'a>,
    rule: Option<&'a str>,
    item: Option<&'a str>,
    currency: &'a str,
    price: Option<String>,
    weight: Option<String>,
    count: Option<i64>,
}

impl<'a> ScannedJson<'a> {
    pub fn new(currency: &'a Currency, code: &'a str, scanned: &'a Scanned) -> Self {
        let (product, label) = match scanned {
            Scanned::Product(product) => (product, None),
            Scanned::Label { product, label } => (product, Some(label)),
        };
        let mut json = ScannedJson {
            code,
            kind: "product",
            product: ProductJson::new(currency, product),
            rule: label.map(|l| l.rule.as_str()),
            item: label.map(|l| l.item.as_str()),
            currency: currency.code(),
            price: None,
            weight: None,
            count: None,
        };
        match label.map(|l| l.value) {
            None => {}
            Some(LabelValue::Price(price)) => {
                json.kind = "priced";
                json.price = Some(amount(currency, price));
            }
            Some(LabelValue::Weight { weight, price }) => {
                json.kind = "weighed";
                json.weight = Some(weight.format(product.unit));
                json.price = Some(amount(currency, price));
            }
            Some(LabelValue::Count(count)) => {
                json.kind = "counted";
                json.count = Some(count);
            }
        }
        json
    }
}

/// A settled weight (`sellsync scale read`): a decimal string and its unit.
#[derive(Serialize)]
pub struct WeightJson {
    weight: String,
    unit: String,
}

/// A scale's weight with its unit's decimals (`1.234`): the scale's kilograms and pounds
/// are the till's units of the same names.
pub fn scale_weight(weight: &sellsync_scale::Weight) -> String {
    let unit = Unit::parse(&weight.unit.to_string()).unwrap_or(Unit::Kg);
    Quantity::from_thousandths(weight.thousandths).format(unit)
}

impl WeightJson {
    pub fn new(weight: &sellsync_scale::Weight) -> Self {
        WeightJson {
            weight: scale_weight(weight),
            unit: weight.unit.to_string(),
        }
    }
}
