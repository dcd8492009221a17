//! The till's errors: each says what went wrong in words a cashier or manager understands,
//! and, where there is one, what to do next.

use std::path::PathBuf;

use thiserror::Error;

use crate::auth::Permission;
use crate::barcode::CodeError;
use crate::catalog::ImportReport;
use crate::contract::Refusal;
use crate::money::AmountError;
use crate::pricing::PricingError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    // The data folder and its database.
    #[error("There is no data folder at {}. Create a till there with `sellsync init --demo --data-dir {}`.", .0.display(), .0.display())]
    DataDirMissing(PathBuf),
    #[error("{} holds no till database. Create one with `sellsync init --demo --data-dir {}`.", .0.display(), .0.display())]
    NotInitialized(PathBuf),
    #[error("{} already holds a till database; nothing was changed.", .0.display())]
    AlreadyInitialized(PathBuf),
    #[error("{} is not a Sell Sync till database; nothing was changed. Point --data-dir at a till's data folder.", .0.display())]
    ForeignDatabase(PathBuf),
    #[error("This till database was written by a newer Sell Sync (schema {found}; this version knows schema {supported} at most). Update Sell Sync on this till.")]
    NewerDatabase { found: i64, supported: i64 },
    #[error("The till database is damaged: {0}")]
    Corrupt(String),

    // Staff and sign-in.
    #[error("No staff member signs in as {0}.")]
    UnknownUser(String),
    #[error("Wrong PIN or password. {attempts_left} more wrong tries lock the account.")]
    WrongSecret { attempts_left: u32 },
    #[error("This account is locked after too many wrong tries. Try again after {until} or ask a manager.")]
    AccountLocked { until: String },
    #[error("{user} is not allowed to {permission}. Ask a manager.")]
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
    Pricing(#[from] PricingError),
    #[error("Quantity must be a whole number from 1 to {max}; got {got}.")]
    BadQuantity { got: i64, max: i64 },
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

    // Receipts and printers.
    #[error("No sale has the number or receipt code {0:?} on this till.")]
    UnknownSale(String),
    #[error("{0:?} is not a paper width: use 58 or 80 (millimetres).")]
    BadPaperWidth(String),
    #[error(
        "This till has no receipt printer. A manager sets one up with `sellsync printer setup`."
    )]
    NoPrinter,
    #[error("Not a printer connection: {0}.")]
    BadPrinterConnection(String),
    #[error("{0:?} is not a code page the till knows: use PC437, PC850, PC852, PC858, PC866 or WPC1252.")]
    UnknownCodePage(String),
    #[error("There is no print job #{0}.")]
    NoSuchPrintJob(i64),

    // Customers.
    #[error("No customer has the phone or email {0:?}.")]
    UnknownCustomer(String),
    #[error("{0}")]
    InvalidCustomer(String),
    #[error("The customer on this sale is not one of this business's customers: find them again by phone or email.")]
    CustomerGone,

    // Stock.
    #[error("Give a reason for the stock change (for example: damaged, recount).")]
    MissingReason,

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
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
