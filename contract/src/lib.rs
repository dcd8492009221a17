//! Sell Sync's contract: what a till and the central side agree on, with no SQLite, no
//! network and no async runtime. The till's core, the sync engine and the gateway all
//! build on it; the gateway needs nothing else of the till.
//!
//! - [`documents`]: the central collections, one typed document per collection, how each
//!   is written to and read from BSON, and every collection and field name.
//! - [`operation`]: one outbox operation, as a till hands it to sync; [`change`]: one
//!   central change, as a till pulls it.
//! - [`policy`]: what a till's credential may push, per collection, operation and field
//!   (the gateway's check; its design is `policy/TRUST.md`), and [`conflicts`]: what wins
//!   when a till and central both changed a document.
//! - Values: [`money`] (amounts in minor units of a [`Currency`]), [`quantity`] (pieces
//!   and exact measures in a [`Unit`]), [`ids`], [`secrets`]
//!   (API keys, device credentials, enrolment codes), [`credentials`] (PINs, passwords,
//!   emails), [`roles`] (roles and permissions).
//! - Rules both sides apply: [`gtin`] (check digits), [`embedded_barcodes`] (price and
//!   weight labels), [`pricing`] (discounts, tax, rounding), [`stock`] (movement
//!   types and thresholds), [`cash_count`], [`z_report`] (a closed shift's figures),
//!   [`journal_chain`] (the hash chain of a till's journal).

pub mod cash_count;
pub mod change;
pub mod conflicts;
pub mod credentials;
pub mod documents;
pub mod embedded_barcodes;
pub mod family;
pub mod gtin;
pub mod ids;
pub mod journal_chain;
pub mod money;
pub mod operation;
pub mod policy;
pub mod pricing;
pub mod quantity;
pub mod roles;
pub mod secrets;
pub mod stock;
pub mod z_report;

pub use ids::Id;
pub use money::{Currency, Money, Percent};
pub use quantity::{Quantity, Unit};
