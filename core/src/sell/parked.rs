//! Parked sales: the cart put aside with a note while the cashier serves the next
//! customer, taken up again at this till or any till of the store.
//!
//! A parked sale is a `parked_sales` row and central document ([`ParkedSale`]): parking
//! inserts it, taking it up claims it for this till, completing the sale links the two,
//! parking the taken-up cart again puts it back, discarding ends it; each change goes to
//! central as an update (newest wins) and reaches the store's other tills by the pull.
//! Prices stay as they were when the cart was parked: the price the customer was told.
//!
//! Tills offline together may each take up and complete the same parked sale. Both
//! sales stand (the customer paid at one of them at least, and each drawer holds what it
//! took); once a till holds both, the store's managers are told, once.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use tracing::{info, warn};

use crate::customers::{self, Customer};
use crate::db::{outbox, Tx};
use crate::error::{Error, Result};
use crate::notifications;
use crate::sell::cart::{Cart, CartCustomer};
use crate::staff::{Actor, Permission};
use crate::till::{next_number, Ctx, Till, TillCounter};
use sellsync_contract::documents::{
    Collection, NotificationKind, Op, ParkedItemDoc, ParkedSaleDoc, ParkedStatus,
};
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};
use sellsync_contract::money::{Currency, Money};

/// A parked sale as the till holds it and central stores it.
pub type ParkedSale = ParkedSaleDoc;

const COLUMNS: &str = "_id, business_id, store_id, till_id, park_number, parked_by,
    parked_by_name, note, items, cart_discount, customer_id, total_amount, status,
    claimed_by_till, claimed_by, claimed_at, transaction_id, created_at, updated_at";

impl Till {
    /// Parks `cart` with `note`: the cart is saved for this till or another of the store to
    /// take up, and the caller starts an empty one. A cart taken up from a parked sale is
    /// parked again under its own number. A customer new with the cart is saved now
    /// (`manage_customers`); loyalty points to spend are chosen again at payment.
    pub fn park(&mut self, actor: &Actor, cart: &Cart, note: &str) -> Result<ParkedSale> {
        actor.require(Permission::ProcessSales)?;
        if cart.is_empty() {
            return Err(Error::EmptyCart);
        }
        if let Some(CartCustomer::New(_)) = cart.customer() {
            actor.require(Permission::ManageCustomers)?;
        }
        let total = self.price(cart)?.total;
        self.check_cart(actor, cart)?;
        let parked = self.write_as(actor, |tx, ctx| {
            let now = ids::now();
            let customer_id = match cart.customer() {
                Some(CartCustomer::Existing(c)) => Some(c.id),
                Some(CartCustomer::New(new)) => Some(customers::insert(tx, ctx, new, now)?.id),
                None => None,
            };
            let items = cart
                .lines()
                .iter()
                .map(|line| ParkedItemDoc {
                    product_id: line.product.id,
                    product_name: line.product.product_name.clone(),
                    sku: line.product.sku.clone(),
                    quantity: line.quantity,
                    unit_price: line.product.price,
                    discount: line.discount,
                })
                .collect();
            let again = match cart.parked_sale() {
                Some(id) => load(tx, ctx, id)?.filter(|p| claimed_here(p, ctx)),
                None => None,
            };
            let (mut parked, op) = match again {
                Some(before) => (before, Op::Update),
                None => (
                    ParkedSale {
                        id: Id::new(),
                        business_id: ctx.business.id,
                        store_id: ctx.store.id,
                        till_id: ctx.till_id,
                        park_number: next_number(tx, ctx.till_code, TillCounter::Park)?,
                        parked_by: actor.user_id(),
                        parked_by_name: String::new(),
                        note: String::new(),
                        items: Vec::new(),
                        discount: None,
                        customer_id: None,
                        currency: ctx.business.currency.clone(),
                        total_amount: Money::ZERO,
                        status: ParkedStatus::Parked,
                        claimed_by_till: None,
                        claimed_by: None,
                        claimed_at: None,
                        transaction_id: None,
                        created_at: now,
                        updated_at: now,
                    },
                    Op::Insert,
                ),
            };
            parked.till_id = ctx.till_id;
            parked.parked_by = actor.user_id();
            parked.parked_by_name = actor.name().to_owned();
            parked.note = note.trim().to_owned();
            parked.items = items;
            parked.discount = cart.discount();
            parked.customer_id = customer_id;
            parked.total_amount = total;
            parked.status = ParkedStatus::Parked;
            parked.claimed_by_till = None;
            parked.claimed_by = None;
            parked.claimed_at = None;
            parked.updated_at = now;
            save(tx, &parked, op)?;
            Ok(parked)
        })?;
        info!(parked = %parked.park_number, total = %self.format_money(total), "sale parked");
        Ok(parked)
    }

    /// The store's parked sales waiting to be taken up, oldest first, and those taken up
    /// at this till and not completed (after a restart, say).
    pub fn parked_sales(&self) -> Result<Vec<ParkedSale>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM parked_sales
             WHERE business_id = ?1 AND store_id = ?2
               AND (status = 'parked' OR (status = 'resumed' AND claimed_by_till = ?3))
             ORDER BY created_at, park_number"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![self.business.id, self.store.id, self.till_id],
            |r| from_row(r, &self.business.currency),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes up a parked sale (by its number or id) at this till: it is claimed for this
    /// till and its cart comes back, at the prices it was parked with. Refused once
    /// another till took it up, or once it was completed or discarded, as far as this
    /// till knows.
    pub fn resume_parked(&mut self, actor: &Actor, code: &str) -> Result<Cart> {
        actor.require(Permission::ProcessSales)?;
        let id = self.find_parked(code)?;
        let parked = self.write_as(actor, |tx, ctx| {
            let mut parked = load_open(tx, ctx, id, code)?;
            let now = ids::now();
            parked.status = ParkedStatus::Resumed;
            parked.claimed_by_till = Some(ctx.till_id);
            parked.claimed_by = Some(actor.user_id());
            parked.claimed_at = Some(now);
            parked.updated_at = now;
            save(tx, &parked, Op::Update)?;
            Ok(parked)
        })?;
        info!(parked = %parked.park_number, "parked sale taken up");
        self.cart_of(&parked)
    }

    /// Puts a cart taken up from a parked sale back as it was parked, unclaimed (the
    /// cashier cleared the cart instead of completing it). A cart not taken up from a
    /// parked sale, or one another till has, is left alone.
    pub fn release_parked(&mut self, actor: &Actor, cart: &Cart) -> Result<()> {
        actor.require(Permission::ProcessSales)?;
        let Some(id) = cart.parked_sale() else {
            return Ok(());
        };
        self.write_as(actor, |tx, ctx| {
            let Some(mut parked) = load(tx, ctx, id)?.filter(|p| claimed_here(p, ctx)) else {
                return Ok(());
            };
            parked.status = ParkedStatus::Parked;
            parked.claimed_by_till = None;
            parked.claimed_by = None;
            parked.claimed_at = None;
            parked.updated_at = ids::now();
            save(tx, &parked, Op::Update)
        })
    }

    /// Discards a parked sale the customer will not come back for.
    pub fn discard_parked_sale(&mut self, actor: &Actor, code: &str) -> Result<ParkedSale> {
        actor.require(Permission::ProcessSales)?;
        let id = self.find_parked(code)?;
        let parked = self.write_as(actor, |tx, ctx| {
            let mut parked = load_open(tx, ctx, id, code)?;
            parked.status = ParkedStatus::Discarded;
            parked.updated_at = ids::now();
            save(tx, &parked, Op::Update)?;
            Ok(parked)
        })?;
        info!(parked = %parked.park_number, "parked sale discarded");
        Ok(parked)
    }

    /// The id of the store's parked sale with this number (`T1-P000003`) or id.
    fn find_parked(&self, code: &str) -> Result<Id> {
        let code = code.trim();
        let found: Option<Id> = self
            .conn
            .prepare_cached(
                "SELECT _id FROM parked_sales
                 WHERE business_id = ?1 AND store_id = ?2 AND (_id = ?3 OR park_number = ?4)",
            )?
            .query_row(
                params![
                    self.business.id,
                    self.store.id,
                    code.to_ascii_lowercase(),
                    code.to_ascii_uppercase()
                ],
                |r| r.get(0),
            )
            .optional()?;
        found.ok_or_else(|| Error::UnknownParkedSale(code.to_owned()))
    }

    /// The cart of a parked sale: its products as this till holds them, at the prices
    /// they were parked with, and its weights as parked (parking checked who keyed them).
    fn cart_of(&self, parked: &ParkedSale) -> Result<Cart> {
        let mut cart = Cart::new();
        for item in &parked.items {
            let mut product = self
                .product(item.product_id)?
                .ok_or_else(|| Error::UnknownProduct(item.sku.clone()))?;
            product.price = item.unit_price;
            let line = cart.restore(product, item.quantity)?;
            cart.set_line_discount(line, item.discount)?;
        }
        cart.set_discount(parked.discount);
        if let Some(id) = parked.customer_id {
            let customer: Customer = self.customer_by_id(id)?.ok_or(Error::CustomerGone)?;
            cart.set_customer(Some(CartCustomer::Existing(customer)));
        }
        cart.set_parked_sale(Some(parked.id));
        Ok(cart)
    }
}

fn claimed_here(parked: &ParkedSale, ctx: &Ctx<'_>) -> bool {
    parked.status == ParkedStatus::Resumed && parked.claimed_by_till == Some(ctx.till_id)
}

/// The parked sale `id` (found by `code`), if it may still be taken up or discarded
/// here: waiting, or taken up at this till.
fn load_open(tx: &Tx<'_>, ctx: &Ctx<'_>, id: Id, code: &str) -> Result<ParkedSale> {
    let parked = load(tx, ctx, id)?.ok_or_else(|| Error::UnknownParkedSale(code.to_owned()))?;
    check_open(&parked, ctx)?;
    Ok(parked)
}

fn check_open(parked: &ParkedSale, ctx: &Ctx<'_>) -> Result<()> {
    let number = parked.park_number.clone();
    match parked.status {
        ParkedStatus::Parked => Ok(()),
        ParkedStatus::Resumed if claimed_here(parked, ctx) => Ok(()),
        ParkedStatus::Resumed => Err(Error::ParkedSaleTaken {
            number,
            at: parked
                .claimed_at
                .map(|at| {
                    at.with_timezone(&ctx.business.timezone)
                        .format("%H:%M")
                        .to_string()
                })
                .unwrap_or_default(),
        }),
        ParkedStatus::Completed => Err(Error::ParkedSaleClosed {
            number,
            status: "completed",
        }),
        ParkedStatus::Discarded => Err(Error::ParkedSaleClosed {
            number,
            status: "discarded",
        }),
    }
}

fn load(conn: &Connection, ctx: &Ctx<'_>, id: Id) -> Result<Option<ParkedSale>> {
    let sql = format!("SELECT {COLUMNS} FROM parked_sales WHERE _id = ?1 AND business_id = ?2");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id, ctx.business.id], |r| {
            from_row(r, &ctx.business.currency)
        })
        .optional()?)
}

fn from_row(r: &Row<'_>, currency: &Currency) -> rusqlite::Result<ParkedSale> {
    fn bad(e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
        rusqlite::Error::ToSqlConversionFailure(Box::new(e))
    }
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        parse_timestamp(&r.get::<_, String>(i)?).map_err(bad)
    };
    let items: String = r.get(8)?;
    let discount: Option<String> = r.get(9)?;
    let status: String = r.get(12)?;
    let claimed_at: Option<String> = r.get(15)?;
    Ok(ParkedSale {
        id: r.get(0)?,
        business_id: r.get(1)?,
        store_id: r.get(2)?,
        till_id: r.get(3)?,
        park_number: r.get(4)?,
        parked_by: r.get(5)?,
        parked_by_name: r.get(6)?,
        note: r.get(7)?,
        items: serde_json::from_str(&items).map_err(bad)?,
        discount: discount
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(bad)?,
        customer_id: r.get(10)?,
        currency: currency.clone(),
        total_amount: Money::from_minor(r.get(11)?),
        status: ParkedStatus::parse(&status).unwrap_or(ParkedStatus::Parked),
        claimed_by_till: r.get(13)?,
        claimed_by: r.get(14)?,
        claimed_at: claimed_at
            .as_deref()
            .map(parse_timestamp)
            .transpose()
            .map_err(bad)?,
        transaction_id: r.get(16)?,
        created_at: time(17)?,
        updated_at: time(18)?,
    })
}

/// Writes the row as `parked` has it, and, made here, its outbox operation.
fn save(tx: &Tx<'_>, parked: &ParkedSale, op: Op) -> Result<()> {
    store_row(tx, parked)?;
    let payload = match op {
        Op::Insert => parked.to_document(),
        _ => parked.to_update(),
    };
    outbox::append(
        tx,
        Collection::ParkedSales,
        parked.id,
        op,
        payload,
        parked.updated_at,
    )
}

/// The row as `parked` has it, inserted or replaced (the pull stores other tills' so).
pub(crate) fn store_row(conn: &Connection, parked: &ParkedSale) -> Result<()> {
    let sql = format!(
        "INSERT INTO parked_sales ({COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19)
         ON CONFLICT (_id) DO UPDATE SET till_id = excluded.till_id,
            parked_by = excluded.parked_by, parked_by_name = excluded.parked_by_name,
            note = excluded.note, items = excluded.items,
            cart_discount = excluded.cart_discount, customer_id = excluded.customer_id,
            total_amount = excluded.total_amount, status = excluded.status,
            claimed_by_till = excluded.claimed_by_till, claimed_by = excluded.claimed_by,
            claimed_at = excluded.claimed_at, transaction_id = excluded.transaction_id,
            updated_at = excluded.updated_at"
    );
    conn.prepare_cached(&sql)?.execute(params![
        parked.id,
        parked.business_id,
        parked.store_id,
        parked.till_id,
        parked.park_number,
        parked.parked_by,
        parked.parked_by_name,
        parked.note,
        serde_json::to_string(&parked.items).expect("parked items serialize"),
        parked
            .discount
            .map(|d| serde_json::to_string(&d).expect("a discount serializes")),
        parked.customer_id,
        parked.total_amount.minor(),
        parked.status.as_str(),
        parked.claimed_by_till,
        parked.claimed_by,
        parked.claimed_at.map(timestamp),
        parked.transaction_id,
        timestamp(parked.created_at),
        timestamp(parked.updated_at),
    ])?;
    Ok(())
}

/// Marks the parked sale `id` completed by `sale_id`, inside the sale's transaction. It
/// is completed whatever this till knew of it: the customer paid.
pub(crate) fn complete(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    id: Id,
    sale_id: Id,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(mut parked) = load(tx, ctx, id)? else {
        return Ok(());
    };
    parked.status = ParkedStatus::Completed;
    parked.transaction_id = Some(sale_id);
    parked.updated_at = now;
    save(tx, &parked, Op::Update)?;
    flag_completed_twice(tx, ctx, id)
}

/// Tells the store's managers, once, when two sales completed the parked sale `id`.
pub(crate) fn flag_completed_twice(tx: &Tx<'_>, ctx: &Ctx<'_>, id: Id) -> Result<()> {
    let sales: Vec<String> = tx
        .prepare_cached(
            "SELECT sale_number FROM sales_transactions
             WHERE business_id = ?1 AND parked_sale_id = ?2 AND transaction_status = 'completed'
             ORDER BY sale_number",
        )?
        .query_map(params![ctx.business.id, id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if sales.len() < 2 {
        return Ok(());
    }
    let (number, note): (String, String) = tx
        .prepare_cached("SELECT park_number, note FROM parked_sales WHERE _id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_else(|| (id.to_string(), String::new()));
    let note = if note.is_empty() {
        String::new()
    } else {
        format!(" ({note})")
    };
    let message = format!(
        "Parked sale {number}{note} was completed {} times, by sales {}, at tills that were \
         offline together. Each sale stands; check with the cashiers whether the customer \
         paid twice.",
        sales.len(),
        sales.join(", ")
    );
    warn!(parked = %number, sales = ?sales, "a parked sale was completed twice");
    notifications::raise_shared(
        tx,
        ctx,
        NotificationKind::ParkedCompletedTwice,
        id,
        &message,
        ids::now(),
    )?;
    Ok(())
}

/// How many parked sales wait at this till (parked here, or taken up here and not
/// completed): a shift does not close over them without the cashier saying so.
pub(crate) fn waiting_here(conn: &Connection, ctx: &Ctx<'_>) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM parked_sales
             WHERE business_id = ?1 AND store_id = ?2
               AND ((status = 'parked' AND till_id = ?3)
                 OR (status = 'resumed' AND claimed_by_till = ?3))",
        )?
        .query_row(params![ctx.business.id, ctx.store.id, ctx.till_id], |r| {
            r.get(0)
        })?)
}
