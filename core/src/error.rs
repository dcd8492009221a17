//! The till's errors: each says what went wrong in words a cashier or manager understands,
//! and, where there is one, what to do next, and has a stable [`Error::code`] that
//! programs (the desktop window, scripts) decide by. No message names a command-line
//! command: the command line adds its own hints.

use std::path::PathBuf;

use std::fmt;

use thiserror::Error;

use crate::catalog::barcode::CodeError;
use sellsync_contract::cash_count::CountError;
use sellsync_contract::credentials::CredentialError;
use sellsync_contract::documents::Refusal;
use sellsync_contract::embedded_barcodes::{ReadError, RuleError};
use sellsync_contract::money::AmountError;
use sellsync_contract::pricing::PricingError;
use sellsync_contract::quantity::{Quantity, QuantityError, Unit};
use sellsync_contract::roles::Permission;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    // The data folder and its database.
    #[error("There is no data folder at {}.", .0.display())]
    DataDirMissing(PathBuf),
    #[error("{} holds no till database yet: set up the demo store or a till of your store there first.", .0.display())]
    NotInitialized(PathBuf),
    #[error("{} already holds a till database; nothing was changed.", .0.display())]
    AlreadyInitialized(PathBuf),
    #[error("{} is not a Sell Sync till database; nothing was changed. Choose a till's data folder.", .0.display())]
    ForeignDatabase(PathBuf),
    #[error("This till database was written by a newer Sell Sync (schema {found}; this version knows schema {supported} at most). Update Sell Sync on this till.")]
    NewerDatabase { found: i64, supported: i64 },
    #[error("The till database is damaged: {0}")]
    Corrupt(String),
    #[error("The operating system gave no random bytes for a new key: {0}. Try again.")]
    NoRandomness(String),

    // Staff and sign-in.
    #[error("No staff member signs in as {0}.")]
    UnknownUser(String),
    #[error("Wrong PIN or password. {attempts_left} more wrong tries lock the account.")]
    WrongSecret { attempts_left: u32 },
    #[error("This account is locked after too many wrong tries. Try again after {until} or ask a manager.")]
    AccountLocked { until: String },
    #[error("{user} is not allowed to {permission}. {} can.", permission.who_can())]
    PermissionDenied {
        user: String,
        permission: Permission,
    },
    #[error("{user} cannot give {what}: nobody grants more than they have. An admin can.")]
    GrantBeyondOwn { user: String, what: String },
    #[error("{0}")]
    InvalidCredential(String),
    #[error("{0}")]
    InvalidUser(String),

    // Catalog.
    #[error("No product has the barcode or SKU {0:?}.")]
    UnknownProduct(String),
    #[error("Invalid product code: {0}.")]
    InvalidCode(#[from] CodeError),
    #[error(transparent)]
    Label(#[from] ReadError),
    #[error("Label {code} is for item {item}, which no product has: give the product the barcode {product_code}.")]
    UnknownLabelItem {
        code: String,
        item: String,
        product_code: String,
    },
    #[error("Label {code} writes its price with {decimals} decimals, more than {currency} has: the barcode rule needs fewer.")]
    LabelDecimals {
        code: String,
        decimals: u8,
        currency: String,
    },
    #[error(transparent)]
    InvalidBarcodeRules(#[from] RuleError),
    #[error("Label {code} carries a weight, but {product} is sold by the piece: give it a unit of weight, or print its labels with a count or a price.")]
    WeightLabel { code: String, product: String },
    #[error("Label {0} is one weighed item: scan it once for each.")]
    WeightLabelTimes(String),
    #[error("{product} is sold by the {}: put it on the scale, or {}.", unit_words(unit), if *may_key { "key its weight (such as 0.742*) and scan it again".to_owned() } else { format!("ask {} to key its weight", Permission::KeyWeights.who_can().to_lowercase()) })]
    WeightNeeded {
        product: String,
        unit: &'static str,
        /// Whether the person at the till may key a weight.
        may_key: bool,
    },
    #[error("{product} is sold by the {}, but the scale weighs in {}s: set the scale's unit in the settings.", unit_words(sold), unit_words(scale))]
    ScaleUnit {
        product: String,
        sold: &'static str,
        scale: &'static str,
    },
    #[error("{0} is not weighed: scan it, or key how many.")]
    NotWeighed(String),
    #[error("No weight label rule of the business reads the code of {0}: give it a code of your labels' layout (its item's digits, the weight zeroed), or choose a layout with weight labels in the settings.")]
    NoLabelCode(String),
    #[error("Label {code} carries a price, but {product} is sold by the {}: print its labels with its weight.", unit_words(unit))]
    PriceLabel {
        code: String,
        product: String,
        unit: &'static str,
    },
    #[error("The scale weighs no more than the container of {product} ({tare}): put the item in it, then weigh again.")]
    NoNetWeight { product: String, tare: String },
    #[error("Another product already has the SKU {0:?}.")]
    DuplicateSku(String),
    #[error("Another product already has the barcode {0:?}.")]
    DuplicateBarcode(String),
    #[error("{0}")]
    InvalidProduct(String),
    #[error("{0}")]
    Import(ImportReport),

    // Money, carts and tenders.
    #[error("{0}")]
    Amount(#[from] AmountError),
    #[error("{0}")]
    Pricing(PricingError),
    #[error("The discount of {discount} is more than the {amount} it applies to.")]
    DiscountTooLarge { discount: String, amount: String },
    #[error("{got} is not a quantity here: type {}.", allowed_quantity(*unit, *max))]
    BadQuantity { got: String, unit: Unit, max: i64 },
    #[error("{0}.")]
    Quantity(#[from] QuantityError),
    #[error("The cart is empty: scan or add an item first.")]
    EmptyCart,
    #[error("There is no line {0} in the cart.")]
    NoSuchLine(usize),
    #[error("The payment of {tendered} does not cover the total of {due}: {short} still due.")]
    TenderShort {
        due: String,
        tendered: String,
        short: String,
    },
    #[error("{method} cannot be more than the {due} still due; only cash gives change.")]
    NonCashOverpay { method: String, due: String },
    #[error("Only one payment may leave its amount blank (it takes what is left to pay).")]
    SeveralOpenTenders,
    #[error("A payment amount must be more than zero.")]
    ZeroTender,
    #[error("No payment method is called {name:?}; this till takes {known}.")]
    UnknownPaymentMethod { name: String, known: String },
    #[error("A cashier may give at most {limit} discount; ask a manager.")]
    DiscountOverLimit { limit: String },
    #[error("The customer has {available} loyalty points; {requested} cannot be redeemed.")]
    NotEnoughPoints { available: i64, requested: i64 },
    #[error("Redeeming loyalty points needs a customer on the sale.")]
    PointsWithoutCustomer,
    #[error("{requested} loyalty points are worth more than the sale's total.")]
    PointsOverTotal { requested: i64 },
    #[error("The customer has {available} of store credit; {requested} cannot be spent.")]
    NotEnoughCredit {
        available: String,
        requested: String,
    },
    #[error("Spending store credit needs the customer on the sale.")]
    CreditWithoutCustomer,
    #[error("{requested} of store credit is more than the {due} left to pay.")]
    CreditOverDue { requested: String, due: String },

    // Returns and refunds.
    #[error("Pick at least one item to return.")]
    NothingToReturn,
    #[error("{}", return_quantity_words(product, *left))]
    ReturnQuantity { product: String, left: Quantity },
    #[error("{asked} × {product} cannot be returned: {sold} sold, {returned} returned already, so at most {} more.", *sold - *returned)]
    OverReturn {
        product: String,
        sold: Quantity,
        returned: Quantity,
        asked: Quantity,
    },
    #[error("{method} can take back at most {left}.")]
    RefundOverTender { method: String, left: String },
    #[error("The refunds add up to {given}, but {due} is to be refunded.")]
    RefundNotWhole { due: String, given: String },
    #[error("The sale was not paid by {0}: refund to one of the payments it was paid with.")]
    RefundMethodNotPaid(String),
    #[error("A return without a receipt is refunded in cash or as the customer's store credit.")]
    NoReceiptRefundNotCash,
    #[error("A manager must approve this: {0}. They enter their email and PIN to approve it.")]
    ApprovalNeeded(String),
    #[error(
        "The count does not match what the till expects. Count the drawer again and enter \
         the new count."
    )]
    CountAgain,
    #[error("{0} is not a manager: only a manager or an admin approves this.")]
    ApproverNotManager(String),
    #[error("Sale {0} was made at another store of the business: it is returned there.")]
    SaleOfAnotherStore(String),
    #[error("{0} is a return, not a sale: scan the receipt of the sale itself.")]
    NotASale(String),
    #[error("Sale {0} was voided: nothing of it can be returned or voided again.")]
    AlreadyVoided(String),
    #[error("Sale {0} belongs to a shift that is closed (or to another till): take it back as a return instead.")]
    VoidAfterShift(String),
    #[error("Something of sale {0} was returned already: take the rest back as a return instead.")]
    VoidAfterReturn(String),
    #[error("Say why the items come back (for example: wrong size, faulty).")]
    ReturnReasonMissing,
    #[error("The price of a return without a receipt must be above zero.")]
    ReturnPriceMissing,

    // Receipts and printers.
    #[error("No sale has the number or receipt code {0:?} on this till.")]
    UnknownSale(String),
    #[error("{0:?} is not a paper width: use 58 or 80 (millimetres).")]
    BadPaperWidth(String),
    #[error("This till has no receipt printer. An admin sets one up in the printer settings.")]
    NoPrinter,
    #[error("Not a printer connection: {0}.")]
    BadPrinterConnection(String),
    #[error("{0:?} is not a code page the till knows: use PC437, PC850, PC852, PC858, PC866 or WPC1252.")]
    UnknownCodePage(String),
    #[error("There is no print job #{0}.")]
    NoSuchPrintJob(i64),

    // Suppliers.
    #[error("{0}")]
    InvalidSupplier(String),
    #[error("There is a supplier called {0:?} already.")]
    DuplicateSupplier(String),
    #[error("No supplier is called {0:?} (or has that id).")]
    UnknownSupplier(String),

    // Purchase orders.
    #[error("This store has no purchase order {0:?}.")]
    UnknownOrder(String),
    #[error("Purchase order {number} is {status}: only a draft can change.")]
    OrderClosed {
        number: String,
        status: &'static str,
    },
    #[error("Purchase order {0} has no lines: add what to order first.")]
    OrderEmpty(String),
    #[error("Something of purchase order {0} came in already: it cannot be cancelled.")]
    CancelAfterReceipt(String),
    #[error("That product is not on purchase order {0}.")]
    NotOnOrder(String),
    #[error("Purchase order {number} is {status}: only an ordered one is received.")]
    NotReceivable {
        number: String,
        status: &'static str,
    },
    #[error("Scan what came in first.")]
    NothingReceived,
    #[error("{0} comes from another supplier: order it from them.")]
    ProductOfAnotherSupplier(String),

    // Transfers between stores.
    #[error("No other store of this business is called {0:?} (or has that id).")]
    UnknownStore(String),
    #[error("Stock is transferred to another store, not to the one it is in.")]
    SameStore,
    #[error("{0} is sold only at this store: it cannot be sent to another.")]
    ProductOfOneStore(String),
    #[error("Scan what to send first.")]
    TransferEmpty,
    #[error("This store sent or receives no transfer {0:?}.")]
    UnknownTransfer(String),
    #[error("Transfer {number} goes to {store}: it is received there.")]
    NotTransferDestination { number: String, store: String },
    #[error("Transfer {number} was sent by {store}: only they can cancel it.")]
    NotTransferSource { number: String, store: String },
    #[error("Transfer {number} is {status} already.")]
    TransferClosed {
        number: String,
        status: &'static str,
    },
    #[error("That product is not on transfer {0}.")]
    NotOnTransfer(String),
    #[error("Only {sent} of {name} were sent: count what came again.")]
    MoreThanSent { name: String, sent: String },

    // Stock counts.
    #[error("A stock count is open on this till: post it or cancel it first.")]
    CountOpen,
    #[error("No stock count is open on this till: start one first.")]
    NoOpenCount,
    #[error("No product is in the category {0:?}.")]
    UnknownCategory(String),
    #[error("{name} is not in {category}, the category being counted.")]
    NotInCount { name: String, category: String },

    // Customers.
    #[error("No customer has the phone or email {0:?}.")]
    UnknownCustomer(String),
    #[error("{0}")]
    InvalidCustomer(String),
    #[error("The customer on this sale is not one of this business's customers: find them again by phone or email.")]
    CustomerGone,
    #[error("{name} is already a customer with {contact:?}: attach them instead.")]
    CustomerExists { name: String, contact: String },

    // Parked sales.
    #[error("No parked sale {0:?} is waiting at this store.")]
    UnknownParkedSale(String),
    #[error("Parked sale {number} was taken up at another till at {at}: it is finished there.")]
    ParkedSaleTaken { number: String, at: String },
    #[error("Parked sale {number} was {status} already.")]
    ParkedSaleClosed {
        number: String,
        status: &'static str,
    },
    #[error("{0} parked sale(s) still wait at this till. Take them up first, or close anyway: they stay parked for the next shift.")]
    ParkedSalesWaiting(i64),

    // Shifts and cash.
    #[error("No shift is open at this till: open one with a counted float first.")]
    NoOpenShift,
    #[error("A shift is open at this till already, since {since} by {by}: close it first.")]
    ShiftAlreadyOpen { by: String, since: String },
    #[error("The cash count is not readable: {0}.")]
    BadCashCount(String),
    #[error("The drawer should hold {expected}: {asked} cannot come out of it.")]
    CashOutOverDrawer { expected: String, asked: String },
    #[error("An amount of cash moved must be above zero.")]
    NoCashAmount,
    #[error("There is no Z report number {0} on this till.")]
    NoSuchZReport(i64),

    // Stock.
    #[error("Give a reason (for example: damaged, recount, float top-up).")]
    MissingReason,
    #[error("{got} cannot be a count: type what is on the shelf, from 0 to {max}.")]
    BadCount { got: String, max: i64 },
    #[error("{product} has {stock} in stock already: there is nothing to correct.")]
    NothingToCorrect { product: String, stock: String },

    // Sync.
    #[error("There is no change #{0} in the outbox.")]
    NoSuchOperation(i64),
    #[error("Change #{0} is not parked: only a parked change can be retried or discarded.")]
    NotParked(i64),
    #[error("This till cannot use a central document: {0}.")]
    CentralDocument(#[from] Refusal),

    // Settings.
    #[error("{0}")]
    InvalidSetting(String),
    #[error("{0:?} is not a time zone the till knows (use a name such as America/New_York).")]
    UnknownTimezone(String),

    // The machine underneath.
    #[error("The till database failed: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("Could not read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// A stable name for the kind of error, for programs to decide by (the message is for
    /// people and may be reworded): `permission_denied`, `tender_short`, …
    pub fn code(&self) -> &'static str {
        match self {
            Error::DataDirMissing(_) => "data_dir_missing",
            Error::NotInitialized(_) => "not_initialized",
            Error::AlreadyInitialized(_) => "already_initialized",
            Error::ForeignDatabase(_) => "foreign_database",
            Error::NewerDatabase { .. } => "newer_database",
            Error::Corrupt(_) => "corrupt_database",
            Error::NoRandomness(_) => "no_randomness",
            Error::UnknownUser(_) => "unknown_user",
            Error::WrongSecret { .. } => "wrong_secret",
            Error::AccountLocked { .. } => "account_locked",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::GrantBeyondOwn { .. } => "grant_beyond_own",
            Error::InvalidCredential(_) => "invalid_credential",
            Error::InvalidUser(_) => "invalid_user",
            Error::UnknownProduct(_) => "unknown_product",
            Error::InvalidCode(_) => "invalid_code",
            Error::Label(_) => "bad_label",
            Error::UnknownLabelItem { .. } => "unknown_label_item",
            Error::LabelDecimals { .. } => "label_decimals",
            Error::InvalidBarcodeRules(_) => "invalid_barcode_rules",
            Error::WeightLabel { .. } | Error::WeightLabelTimes(_) => "weight_label",
            Error::WeightNeeded { .. } => "weight_needed",
            Error::ScaleUnit { .. } => "scale_unit",
            Error::NotWeighed(_) => "not_weighed",
            Error::NoLabelCode(_) => "no_label_code",
            Error::PriceLabel { .. } => "price_label",
            Error::NoNetWeight { .. } => "no_net_weight",
            Error::DuplicateSku(_) => "duplicate_sku",
            Error::DuplicateBarcode(_) => "duplicate_barcode",
            Error::InvalidProduct(_) => "invalid_product",
            Error::Import(_) => "import_refused",
            Error::Amount(_) => "invalid_amount",
            Error::Pricing(_) => "invalid_pricing",
            Error::DiscountTooLarge { .. } => "discount_too_large",
            Error::BadQuantity { .. } | Error::Quantity(_) | Error::ReturnQuantity { .. } => {
                "bad_quantity"
            }
            Error::EmptyCart => "empty_cart",
            Error::NoSuchLine(_) => "no_such_line",
            Error::TenderShort { .. } => "tender_short",
            Error::NonCashOverpay { .. } => "non_cash_overpay",
            Error::SeveralOpenTenders => "several_open_tenders",
            Error::ZeroTender => "zero_tender",
            Error::UnknownPaymentMethod { .. } => "unknown_payment_method",
            Error::DiscountOverLimit { .. } => "discount_over_limit",
            Error::NotEnoughPoints { .. } => "not_enough_points",
            Error::PointsWithoutCustomer => "points_without_customer",
            Error::NotEnoughCredit { .. } => "not_enough_credit",
            Error::CreditWithoutCustomer => "credit_without_customer",
            Error::CreditOverDue { .. } => "credit_over_due",
            Error::PointsOverTotal { .. } => "points_over_total",
            Error::NothingToReturn => "nothing_to_return",
            Error::OverReturn { .. } => "over_return",
            Error::RefundOverTender { .. } => "refund_over_tender",
            Error::RefundNotWhole { .. } => "refund_not_whole",
            Error::RefundMethodNotPaid(_) => "refund_method_not_paid",
            Error::NoReceiptRefundNotCash => "no_receipt_refund_not_cash",
            Error::ApprovalNeeded(_) => "approval_needed",
            Error::CountAgain => "count_again",
            Error::ApproverNotManager(_) => "approver_not_manager",
            Error::SaleOfAnotherStore(_) => "sale_of_another_store",
            Error::NotASale(_) => "not_a_sale",
            Error::AlreadyVoided(_) => "already_voided",
            Error::VoidAfterShift(_) => "void_after_shift",
            Error::VoidAfterReturn(_) => "void_after_return",
            Error::ReturnReasonMissing => "return_reason_missing",
            Error::ReturnPriceMissing => "return_price_missing",
            Error::UnknownSale(_) => "unknown_sale",
            Error::BadPaperWidth(_) => "bad_paper_width",
            Error::NoPrinter => "no_printer",
            Error::BadPrinterConnection(_) => "bad_printer_connection",
            Error::UnknownCodePage(_) => "unknown_code_page",
            Error::NoSuchPrintJob(_) => "no_such_print_job",
            Error::UnknownCustomer(_) => "unknown_customer",
            Error::InvalidCustomer(_) => "invalid_customer",
            Error::InvalidSupplier(_) => "invalid_supplier",
            Error::DuplicateSupplier(_) => "duplicate_supplier",
            Error::UnknownSupplier(_) => "unknown_supplier",
            Error::UnknownOrder(_) => "unknown_order",
            Error::OrderClosed { .. } => "order_closed",
            Error::OrderEmpty(_) => "order_empty",
            Error::CancelAfterReceipt(_) => "cancel_after_receipt",
            Error::NotOnOrder(_) => "not_on_order",
            Error::NotReceivable { .. } => "not_receivable",
            Error::NothingReceived => "nothing_received",
            Error::ProductOfAnotherSupplier(_) => "product_of_another_supplier",
            Error::UnknownStore(_) => "unknown_store",
            Error::SameStore => "same_store",
            Error::ProductOfOneStore(_) => "product_of_one_store",
            Error::TransferEmpty => "transfer_empty",
            Error::UnknownTransfer(_) => "unknown_transfer",
            Error::NotTransferDestination { .. } => "not_transfer_destination",
            Error::NotTransferSource { .. } => "not_transfer_source",
            Error::TransferClosed { .. } => "transfer_closed",
            Error::NotOnTransfer(_) => "not_on_transfer",
            Error::MoreThanSent { .. } => "more_than_sent",
            Error::CountOpen => "count_open",
            Error::NoOpenCount => "no_open_count",
            Error::UnknownCategory(_) => "unknown_category",
            Error::NotInCount { .. } => "not_in_count",
            Error::CustomerGone => "customer_gone",
            Error::CustomerExists { .. } => "customer_exists",
            Error::UnknownParkedSale(_) => "unknown_parked_sale",
            Error::ParkedSaleTaken { .. } => "parked_sale_taken",
            Error::ParkedSaleClosed { .. } => "parked_sale_closed",
            Error::ParkedSalesWaiting(_) => "parked_sales_waiting",
            Error::NoOpenShift => "no_open_shift",
            Error::ShiftAlreadyOpen { .. } => "shift_already_open",
            Error::BadCashCount(_) => "bad_cash_count",
            Error::CashOutOverDrawer { .. } => "cash_out_over_drawer",
            Error::NoCashAmount => "no_cash_amount",
            Error::NoSuchZReport(_) => "no_such_z_report",
            Error::MissingReason => "missing_reason",
            Error::BadCount { .. } => "bad_count",
            Error::NothingToCorrect { .. } => "nothing_to_correct",
            Error::NoSuchOperation(_) => "no_such_operation",
            Error::NotParked(_) => "not_parked",
            Error::CentralDocument(_) => "central_document_refused",
            Error::InvalidSetting(_) => "invalid_setting",
            Error::UnknownTimezone(_) => "unknown_timezone",
            Error::Database(_) => "database_failed",
            Error::Io { .. } => "io_failed",
        }
    }

    /// A pricing error in words, with its amounts in `currency`.
    pub(crate) fn pricing(
        error: PricingError,
        currency: &sellsync_contract::money::Currency,
    ) -> Error {
        match error {
            PricingError::DiscountTooLarge { discount, amount } => Error::DiscountTooLarge {
                discount: currency.format(discount),
                amount: currency.format(amount),
            },
            PricingError::Amount(e) => Error::Amount(e),
            other => Error::Pricing(other),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<CountError> for Error {
    fn from(error: CountError) -> Error {
        match error {
            CountError::Bad(why) => Error::BadCashCount(why),
            CountError::Amount(e) => Error::Amount(e),
        }
    }
}

impl From<CredentialError> for Error {
    fn from(error: CredentialError) -> Error {
        Error::InvalidCredential(error.0)
    }
}

/// The outcome of a refused import: which rows were wrong, and why.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Data rows read (the header not counted).
    pub rows: u64,
    pub errors: Vec<RowError>,
}

/// One bad row of an import; `line` counts the header as line 1.
#[derive(Debug, Clone)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Nothing was imported: {} of {} rows have errors.",
            self.errors.len(),
            self.rows
        )?;
        for e in &self.errors {
            write!(f, "\n  line {}: {}", e.line, e.message)?;
        }
        Ok(())
    }
}

/// How many of a line can come back, in a cashier's words.
fn return_quantity_words(product: &str, left: Quantity) -> String {
    if !left.is_positive() {
        format!("Nothing more of {product} can come back: all of it was returned.")
    } else if left == Quantity::ONE {
        format!("You can return at most 1 × {product}.")
    } else if left.whole().is_some() {
        format!("You can return from 1 to {left} × {product}: type how many come back.")
    } else {
        format!("You can return at most {left} × {product}: type how much comes back.")
    }
}

/// A unit's code as a person says it after "sold by the": `kg` → "kilogram".
fn unit_words(code: &str) -> &'static str {
    match code {
        "kg" => "kilogram",
        "g" => "gram",
        "lb" => "pound",
        "oz" => "ounce",
        "l" => "litre",
        "m" => "metre",
        _ => "piece",
    }
}

/// What a quantity may be, for [`Error::BadQuantity`]: up to `max` whole units.
fn allowed_quantity(unit: Unit, max: i64) -> String {
    match unit {
        Unit::Piece => format!("a whole number from 1 to {max}"),
        measured => format!("more than 0 {measured}, at most {max} {measured}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sellsync_contract::money::Currency;

    #[test]
    fn codes_are_unique_and_snake_case() {
        // The codes as `code` lists them: one per variant (the match is exhaustive).
        let source = include_str!("error.rs");
        let table = &source[source.find("fn code(").unwrap()..source.find("fn pricing(").unwrap()];
        let codes: Vec<&str> = table
            .split("=> \"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(codes.len() > 40, "{codes:?}");
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len(), "a code is used twice");
        for code in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
        }
        assert_eq!(Error::EmptyCart.code(), "empty_cart");
    }

    #[test]
    fn refusals_name_who_can_and_amounts_are_money() {
        let denied = Error::PermissionDenied {
            user: "Priya".into(),
            permission: Permission::ManageUsers,
        };
        assert_eq!(
            denied.to_string(),
            "Priya is not allowed to manage staff accounts. An admin can."
        );
        let usd = Currency::from_code("USD").unwrap();
        let error = Error::pricing(
            PricingError::DiscountTooLarge {
                discount: crate::Money::from_minor(2001),
                amount: crate::Money::from_minor(1999),
            },
            &usd,
        );
        assert_eq!(error.code(), "discount_too_large");
        assert_eq!(
            error.to_string(),
            "The discount of 20.01 is more than the 19.99 it applies to."
        );
        for error in [
            Error::DataDirMissing("/tmp/x".into()),
            Error::NotInitialized("/tmp/x".into()),
            Error::ForeignDatabase("/tmp/x".into()),
            Error::NoPrinter,
        ] {
            let message = error.to_string();
            assert!(
                !message.contains("sellsync") && !message.contains("--"),
                "{message}"
            );
        }
    }
}
