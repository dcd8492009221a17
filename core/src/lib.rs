//! Sell Sync's till core: the local SQLite store, checkout, the stock ledger and the
//! outbox, with no UI, no network and no async runtime.
//!
//! Start with [`Till`]: open one with [`Till::open`] (or make one with [`Till::create`] or
//! [`Till::create_demo`]), sign a staff member in with [`Till::sign_in`], then call the use
//! cases with the returned [`Actor`]. The modules are the till's features, each with its
//! pure rules apart from its SQL: [`sell`] (pricing, tenders, checkout, payment methods),
//! [`shift`] (shifts, cash, X and Z reports), [`stock`], [`catalog`], [`staff`], [`customers`], [`printing`], [`sync`] (the till's
//! side of it), [`reports`], [`notifications`] and [`api_keys`] (keys to the business API, made
//! offline; [`secrets`] is their form); [`db`] is the database and its outbox,
//! [`contract`] the central documents.

pub mod api_keys;
pub mod catalog;
pub mod customers;
pub mod db;
pub mod demo;
pub mod error;
pub mod html;
pub mod journal;
pub mod notifications;
pub mod printing;
pub mod purchasing;
pub mod reports;
pub mod sell;
pub mod setup;
pub mod shift;
pub mod staff;
pub mod stock;
pub mod sync;
pub mod till;
pub mod weighing;

pub use catalog::{NewProduct, Product};
pub use customers::{Customer, NewCustomer};
pub use error::{Error, Result};
pub use sell::cart::{Cart, CartCustomer};
pub use sell::sale::Sale;
pub use sell::tender::Tender;
pub use sellsync_contract::pricing::Discount;
pub use sellsync_contract::{Currency, Id, Money, Percent};
pub use setup::TillSetup;
pub use staff::{Actor, Credential, NewUser, Permission, Role};
pub use till::Till;
