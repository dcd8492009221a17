//! Customers: found at the till by phone or email, created there when new, with loyalty
//! points and a purchase history.

pub mod customer;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use customer::check;
pub(crate) use customer::{clean, phone_key};
pub use customer::{Customer, NewCustomer, Purchase};

use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::staff::{Actor, Permission};
use crate::till::{Ctx, Till};
use sellsync_contract::documents::{Collection, CustomerDoc, CustomerPurchase, Op, PurchaseEntry};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::money::Money;

/// What a customer holds as this transaction sees it: loyalty points and store credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Balances {
    pub points: i64,
    pub credit: Money,
}

/// A customer's balances as this transaction sees them; another business's customer
/// answers as one that does not exist.
pub(crate) fn balances(conn: &Tx<'_>, ctx: &Ctx<'_>, customer: Id) -> Result<Balances> {
    conn.prepare_cached(
        "SELECT loyalty_points, store_credit FROM customers WHERE business_id = ?1 AND _id = ?2",
    )?
    .query_row(params![ctx.business.id, customer], |r| {
        Ok(Balances {
            points: r.get(0)?,
            credit: Money::from_minor(r.get(1)?),
        })
    })
    .optional()?
    .ok_or(Error::CustomerGone)
}

/// How many of the `taken` points a return or a void can take back from `customer` while
/// `given` come back: never below zero (the customer may have spent them since).
pub(crate) fn points_to_take_back(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    customer: Id,
    taken: i64,
    given: i64,
) -> Result<i64> {
    Ok(taken.min(balances(conn, ctx, customer)?.points + given))
}

/// Adds `points` and `credit` (taken away when negative) to a customer's loyalty points
/// and store credit, and `entry` to their purchase history, inside the sale's or return's
/// transaction. The callers check first that nothing goes below zero.
pub(crate) fn record_purchase(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    customer: Id,
    entry: PurchaseEntry,
    points: i64,
    credit: Money,
    voids: Option<Id>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE customers SET loyalty_points = loyalty_points + ?3,
            store_credit = store_credit + ?4
         WHERE business_id = ?1 AND _id = ?2",
    )?
    .execute(params![ctx.business.id, customer, points, credit.minor()])?;
    let date = entry.date;
    outbox::append(
        tx,
        Collection::Customers,
        customer,
        Op::CustomerPurchase,
        CustomerPurchase {
            entry,
            loyalty_points: points,
            store_credit: credit,
            voids,
        }
        .to_document(&ctx.business.currency),
        date,
    )
}

/// Creates a customer and its outbox row, inside the caller's transaction.
pub(crate) fn insert(
    conn: &Tx<'_>,
    ctx: &Ctx<'_>,
    customer: &NewCustomer,
    now: DateTime<Utc>,
) -> Result<Customer> {
    let (key, email) = check(customer)?;
    let existing = |column: &str, value: &Option<String>| -> Result<bool> {
        Ok(match value {
            Some(v) => conn
                .prepare_cached(&format!(
                    "SELECT 1 FROM customers WHERE business_id = ?1 AND {column} = ?2"
                ))?
                .exists(params![ctx.business.id, v])?,
            None => false,
        })
    };
    if existing("phone_key", &key)? || existing("email", &email)? {
        return Err(Error::InvalidCustomer(
            "A customer with this phone or email already exists; look them up instead.".into(),
        ));
    }
    let id = Id::new();
    let name = customer.name.trim();
    let phone = clean(&customer.phone);
    conn.prepare_cached(
        "INSERT INTO customers (_id, business_id, name, phone, phone_key, email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        ctx.business.id,
        name,
        phone,
        key,
        email,
        timestamp(now)
    ])?;
    outbox::append(
        conn,
        Collection::Customers,
        id,
        Op::Insert,
        CustomerDoc {
            id,
            business_id: ctx.business.id,
            name: name.to_owned(),
            phone: phone.map(str::to_owned),
            email: email.clone(),
            loyalty_points: 0,
            store_credit: Money::ZERO,
            purchase_history: Vec::new(),
            created_at: Some(now),
        }
        .to_document(&ctx.business.currency),
        now,
    )?;
    Ok(Customer {
        id,
        name: name.to_owned(),
        phone: phone.map(str::to_owned),
        email,
        loyalty_points: 0,
        store_credit: Money::ZERO,
    })
}

impl Till {
    /// Checks a customer to be saved with the next sale: their details, and that nobody
    /// is a customer with their phone or email already. Needs `manage_customers`.
    pub fn check_new_customer(&self, actor: &Actor, customer: &NewCustomer) -> Result<()> {
        customer.validate()?;
        for contact in [&customer.phone, &customer.email].into_iter().flatten() {
            if let Some(existing) = self.find_customer(actor, contact)? {
                return Err(Error::CustomerExists {
                    name: existing.name,
                    contact: contact.trim().to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The customer with this phone number or email address. Needs `manage_customers`:
    /// customers' details are personal.
    pub fn find_customer(&self, actor: &Actor, phone_or_email: &str) -> Result<Option<Customer>> {
        actor.require(Permission::ManageCustomers)?;
        let text = phone_or_email.trim();
        let (column, key) = if text.contains('@') {
            ("email", text.to_lowercase())
        } else {
            ("phone_key", phone_key(text))
        };
        if key.is_empty() {
            return Ok(None);
        }
        self.customer_where(column, &key)
    }

    /// The customer with this id, if the till holds it.
    pub(crate) fn customer_by_id(&self, id: Id) -> Result<Option<Customer>> {
        self.customer_where("_id", &id.to_string())
    }

    /// The first customer of the business whose `column` equals `key`.
    fn customer_where(&self, column: &str, key: &str) -> Result<Option<Customer>> {
        let sql = format!(
            "SELECT _id, name, phone, email, loyalty_points, store_credit FROM customers
             WHERE business_id = ?1 AND {column} = ?2 ORDER BY created_at LIMIT 1"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![self.business.id, key], |r| {
                Ok(Customer {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                    loyalty_points: r.get(4)?,
                    store_credit: Money::from_minor(r.get(5)?),
                })
            })
            .optional()?)
    }

    /// Adds a customer. Needs `manage_customers`.
    pub fn add_customer(&mut self, actor: &Actor, customer: &NewCustomer) -> Result<Customer> {
        actor.require(Permission::ManageCustomers)?;
        let now = ids::now();
        self.write_as(actor, |tx, ctx| insert(tx, ctx, customer, now))
    }

    /// A customer's purchases, newest first. Needs `manage_customers`.
    pub fn purchase_history(&self, actor: &Actor, customer_id: Id) -> Result<Vec<Purchase>> {
        actor.require(Permission::ManageCustomers)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT _id, sale_number, created_at, total_amount FROM sales_transactions
             WHERE business_id = ?1 AND customer_id = ?2 ORDER BY created_at DESC",
        )?;
        let rows = stmt.query_map(params![self.business.id, customer_id], |r| {
            let created: String = r.get(2)?;
            Ok(Purchase {
                transaction_id: r.get(0)?,
                sale_number: r.get(1)?,
                date: parse_timestamp(&created)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
                amount: Money::from_minor(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
