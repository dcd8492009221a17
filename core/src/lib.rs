//! Sell Sync's till core: the local SQLite store, checkout, the stock ledger and the
//! outbox, with no UI, no network and no async runtime.
//!
//! Start with [`Till`]: open one with [`Till::open`] (or make one with [`Till::create`] or
//! [`Till::create_demo`]), sign a staff member in with [`Till::sign_in`], then call the use
//! cases with the returned [`Actor`]. Pure rules (money, pricing, barcodes, tenders) live in
//! their own modules and are usable without a database.

pub mod auth;
pub mod barcode;
pub mod catalog;
pub mod checkout;
pub mod contract;
pub mod customers;
pub mod demo;
mod demo_catalog;
pub mod error;
pub mod ids;
pub mod money;
pub mod notifications;
pub mod outbox;
pub mod payments;
pub mod pricing;
pub mod printing;
pub mod pull;
pub mod receipt;
pub mod reports;
pub mod stock;
pub mod store;
pub mod sync_queue;
pub mod till;

pub use auth::{Actor, Credential, NewUser, Permission, Role};
pub use catalog::{NewProduct, Product};
pub use checkout::{Cart, CartCustomer, Sale, Tender};
pub use customers::{Customer, NewCustomer};
pub use error::{Error, Result};
pub use ids::Id;
pub use money::{Currency, Money, Percent};
pub use pricing::Discount;
pub use till::{Till, TillSetup};
