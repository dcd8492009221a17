//! Checkout: the cart, tenders, and completing a sale in one transaction.
//!
//! A [`Cart`] is plain data the cashier builds (scan, change quantity, remove, discounts,
//! customer, loyalty points); [`Till::price`] prices it; [`Till::complete_sale`] checks the
//! tenders and writes the sale, its items and payments, one `sale` stock movement per
//! line, the customer's loyalty change, any low-stock or oversold notifications and every
//! outbox row, all in one SQLite transaction. Selling more than the till thinks is in
//! stock is allowed (an offline till cannot know better) and raises a notification.

use bson::{doc, Document};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use tracing::info;

use crate::catalog::Product;
use crate::contract::{
    Collection, CustomerPurchase, Op, PurchaseEntry, SaleDoc, SaleItemDoc, SalePaymentDoc,
    SaleStatus,
};
use crate::customers::{self, Customer, NewCustomer};
use crate::db::outbox;
use crate::error::{Error, Result};
use crate::ids::{self, parse_timestamp, timestamp, Id};
use crate::money::{Money, Percent};
use crate::sell::payments::PaymentKind;
use crate::sell::pricing::{
    exceeds_percent, price_cart, tax_lines, Discount, LineInput, PricedCart, TaxLine,
};
use crate::sell::tender::{balance, points_earned, settle, Balance, Payment, Settlement, Tender};
use crate::staff::{Actor, Permission, Role};
use crate::stock::rules::MovementType;
use crate::stock::{self, Movement};
use crate::till::{Ctx, Till, Tx};

/// The largest quantity of one line (and of one stock movement).
pub const MAX_QUANTITY: i64 = 100_000;

/// The name under which loyalty points appear among a sale's payments.
pub const LOYALTY_TENDER: &str = "Loyalty points";

/// One line of the cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CartLine {
    /// The product as it was when scanned: its price is the price of the sale.
    pub product: Product,
    pub quantity: i64,
    pub discount: Option<Discount>,
}

/// Who the sale is for, if anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartCustomer {
    Existing(Customer),
    /// Created together with the sale.
    New(NewCustomer),
}

/// A sale being rung up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    lines: Vec<CartLine>,
    discount: Option<Discount>,
    customer: Option<CartCustomer>,
    redeem_points: i64,
}

fn check_quantity(quantity: i64) -> Result<()> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(Error::BadQuantity {
            got: quantity,
            max: MAX_QUANTITY,
        })
    }
}

impl Cart {
    pub fn new() -> Cart {
        Cart::default()
    }

    pub fn lines(&self) -> &[CartLine] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Adds `quantity` of a product; scanning a product already in the cart adds to its
    /// line. Returns the index of the line.
    pub fn add(&mut self, product: Product, quantity: i64) -> Result<usize> {
        check_quantity(quantity)?;
        if let Some(i) = self.lines.iter().position(|l| l.product.id == product.id) {
            let total = self.lines[i].quantity.saturating_add(quantity);
            check_quantity(total)?;
            self.lines[i].quantity = total;
            return Ok(i);
        }
        self.lines.push(CartLine {
            product,
            quantity,
            discount: None,
        });
        Ok(self.lines.len() - 1)
    }

    fn line_mut(&mut self, line: usize) -> Result<&mut CartLine> {
        self.lines.get_mut(line).ok_or(Error::NoSuchLine(line + 1))
    }

    pub fn set_quantity(&mut self, line: usize, quantity: i64) -> Result<()> {
        check_quantity(quantity)?;
        self.line_mut(line)?.quantity = quantity;
        Ok(())
    }

    pub fn remove(&mut self, line: usize) -> Result<CartLine> {
        self.line_mut(line)?;
        Ok(self.lines.remove(line))
    }

    pub fn set_line_discount(&mut self, line: usize, discount: Option<Discount>) -> Result<()> {
        self.line_mut(line)?.discount = discount;
        Ok(())
    }

    /// A discount on the whole cart, after line discounts.
    pub fn set_discount(&mut self, discount: Option<Discount>) {
        self.discount = discount;
    }

    /// Who the sale is for, if anyone.
    pub fn customer(&self) -> Option<&CartCustomer> {
        self.customer.as_ref()
    }

    pub fn set_customer(&mut self, customer: Option<CartCustomer>) {
        self.customer = customer;
    }

    /// Loyalty points the customer spends on this sale.
    pub fn redeem_points(&mut self, points: i64) {
        self.redeem_points = points.max(0);
    }

    fn pricing_lines(&self) -> Vec<LineInput> {
        self.lines
            .iter()
            .map(|l| LineInput {
                unit_price: l.product.price,
                quantity: l.quantity,
                tax_rate: l.product.tax_rate,
                discount: l.discount,
            })
            .collect()
    }
}

/// One line of a completed sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleItem {
    pub product_id: Id,
    pub product_name: String,
    pub sku: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_discount: Money,
    pub cart_discount: Money,
    pub tax_rate: Percent,
    pub tax_amount: Money,
    pub total_price: Money,
}

/// A completed sale, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sale {
    pub id: Id,
    pub sale_number: String,
    pub created_at: DateTime<Utc>,
    pub cashier_id: Id,
    pub cashier_name: String,
    pub customer_id: Option<Id>,
    pub currency: String,
    pub items: Vec<SaleItem>,
    pub payments: Vec<Payment>,
    /// The one payment method's name, or `Split`.
    pub payment_method: String,
    pub subtotal: Money,
    pub discount_total: Money,
    pub cart_discount: Money,
    pub tax_total: Money,
    pub total_amount: Money,
    pub amount_tendered: Money,
    pub change_due: Money,
    pub loyalty_points_earned: i64,
    pub loyalty_points_redeemed: i64,
    /// Tax per rate, from the items.
    pub taxes: Vec<TaxLine>,
}

impl Till {
    /// Looks up `code` (barcode or SKU) and adds `quantity` of it to the cart.
    pub fn ring_up(&self, cart: &mut Cart, code: &str, quantity: i64) -> Result<usize> {
        check_quantity(quantity)?;
        let product = self.require_product(code)?;
        cart.add(product, quantity)
    }

    /// Prices the cart with the business's tax settings.
    pub fn price(&self, cart: &Cart) -> Result<PricedCart> {
        price_cart(
            &cart.pricing_lines(),
            cart.discount,
            self.business.tax_inclusive,
        )
        .map_err(|e| Error::pricing(e, &self.business.currency))
    }

    /// What the cart's loyalty points are worth.
    fn points_value(&self, points: i64) -> Result<Money> {
        Ok(self.business.loyalty_point_value.checked_mul(points)?)
    }

    /// Where paying for the cart stands after `tenders` (loyalty points already off).
    pub fn balance(&self, cart: &Cart, tenders: &[Tender]) -> Result<Balance> {
        let due = self
            .price(cart)?
            .total
            .checked_sub(self.points_value(cart.redeem_points)?)?;
        balance(due, tenders)
    }

    /// Completes the sale: checks permissions, discounts, loyalty points and tenders, then
    /// writes everything in one transaction. Needs `process_sales`, `apply_discounts` for a
    /// discount (a cashier's are capped by the business setting) and `manage_customers`
    /// to create a customer with the sale.
    pub fn complete_sale(
        &mut self,
        actor: &Actor,
        cart: &Cart,
        tenders: &[Tender],
    ) -> Result<Sale> {
        actor.require(Permission::ProcessSales)?;
        if cart.is_empty() {
            return Err(Error::EmptyCart);
        }
        if let Some(CartCustomer::New(_)) = cart.customer {
            actor.require(Permission::ManageCustomers)?;
        }
        let priced = self.price(cart)?;
        self.check_priced_discounts(actor, cart, &priced)?;

        let redeemed = cart.redeem_points;
        let redeem_value = self.points_value(redeemed)?;
        if redeemed > 0 {
            if cart.customer.is_none() {
                return Err(Error::PointsWithoutCustomer);
            }
            if redeem_value > priced.total {
                return Err(Error::PointsOverTotal {
                    requested: redeemed,
                });
            }
        }
        let due = priced.total.checked_sub(redeem_value)?;
        let currency = self.business.currency.clone();
        let mut settlement = settle(due, tenders, &currency)?;
        if redeemed > 0 {
            settlement.payments.insert(
                0,
                Payment {
                    payment_method_id: None,
                    method_name: LOYALTY_TENDER.into(),
                    kind: PaymentKind::Loyalty,
                    tendered: redeem_value,
                    amount: redeem_value,
                },
            );
        }
        let earned = match cart.customer {
            Some(_) => points_earned(due, &currency, self.business.loyalty_points_per_unit),
            None => 0,
        };

        let record = SaleRecord {
            actor,
            cart,
            priced: &priced,
            settlement: &settlement,
            earned,
            redeemed,
        };
        let sale = self.write(|tx, ctx| record.write(tx, ctx))?;
        info!(sale_number = %sale.sale_number, total = %currency.format(sale.total_amount), "sale completed");
        Ok(sale)
    }

    /// Whether `actor` may give the cart's discounts: any discount needs
    /// `apply_discounts`; a cashier's are capped by the business setting. A percentage is
    /// judged as keyed (10% stays 10% after rounding to the cent), an amount as a share of
    /// what it comes off. [`Till::complete_sale`] checks the same; a screen calls this to
    /// refuse a discount when it is keyed.
    pub fn check_discounts(&self, actor: &Actor, cart: &Cart) -> Result<()> {
        self.check_priced_discounts(actor, cart, &self.price(cart)?)
    }

    fn check_priced_discounts(
        &self,
        actor: &Actor,
        cart: &Cart,
        priced: &PricedCart,
    ) -> Result<()> {
        if priced.discount_total.minor() == 0 {
            return Ok(());
        }
        actor.require(Permission::ApplyDiscounts)?;
        if actor.role() != Role::Cashier {
            return Ok(());
        }
        let limit = self.business.max_cashier_discount;
        let over = |discount: Option<Discount>, base: Money| match discount {
            Some(Discount::Percent(p)) => p > limit,
            Some(Discount::Amount(amount)) => exceeds_percent(amount, base, limit),
            None => false,
        };
        let after_lines = priced
            .subtotal
            .checked_sub(priced.discount_total.checked_sub(priced.cart_discount)?)?;
        let over_line = cart
            .lines
            .iter()
            .zip(&priced.lines)
            .any(|(line, p)| over(line.discount, p.gross));
        if over_line || over(cart.discount, after_lines) {
            return Err(Error::DiscountOverLimit {
                limit: limit.to_string(),
            });
        }
        Ok(())
    }

    /// A completed sale by id.
    pub fn sale(&self, id: Id) -> Result<Option<Sale>> {
        load_sale(&self.conn, self.business.id, id)
    }
}

/// Everything a sale writes, gathered so that the transaction body reads top to bottom.
struct SaleRecord<'a> {
    actor: &'a Actor,
    cart: &'a Cart,
    priced: &'a PricedCart,
    settlement: &'a Settlement,
    earned: i64,
    redeemed: i64,
}

impl SaleRecord<'_> {
    /// Writes the sale inside the caller's transaction and returns it as stored.
    fn write(&self, tx: &Tx<'_>, ctx: &Ctx<'_>) -> Result<Sale> {
        let now = ids::now();
        let customer = match &self.cart.customer {
            Some(CartCustomer::Existing(c)) => Some(c.id),
            Some(CartCustomer::New(new)) => Some(customers::insert(tx, ctx, new, now)?.id),
            None => None,
        };
        let mut available = 0;
        if let Some(customer) = customer {
            // Another business's customer answers as one that does not exist.
            available = tx
                .prepare_cached(
                    "SELECT loyalty_points FROM customers WHERE business_id = ?1 AND _id = ?2",
                )?
                .query_row(params![ctx.business.id, customer], |r| r.get(0))
                .optional()?
                .ok_or(Error::CustomerGone)?;
        }
        if self.redeemed > 0 && available < self.redeemed {
            return Err(Error::NotEnoughPoints {
                available,
                requested: self.redeemed,
            });
        }
        let number: i64 = tx
            .prepare_cached(
                "UPDATE till SET next_sale_number = next_sale_number + 1 WHERE id = 1
                 RETURNING next_sale_number - 1",
            )?
            .query_row([], |r| r.get(0))?;
        let sale_number = format!("{}-{number:06}", ctx.till_code);
        let sale = self.sale(ctx, sale_number, customer, now);

        tx.prepare_cached(
            "INSERT INTO sales_transactions (_id, business_id, store_id, till_id, sale_number,
                cashier_id, customer_id, payment_method, currency, subtotal, discount_total,
                cart_discount, tax_total, total_amount, amount_tendered, change_due,
                loyalty_points_earned, loyalty_points_redeemed, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19)",
        )?
        .execute(params![
            sale.id,
            ctx.business.id,
            ctx.store.id,
            ctx.till_id,
            sale.sale_number,
            sale.cashier_id,
            sale.customer_id,
            sale.payment_method,
            sale.currency,
            sale.subtotal.minor(),
            sale.discount_total.minor(),
            sale.cart_discount.minor(),
            sale.tax_total.minor(),
            sale.total_amount.minor(),
            sale.amount_tendered.minor(),
            sale.change_due.minor(),
            sale.loyalty_points_earned,
            sale.loyalty_points_redeemed,
            timestamp(sale.created_at),
        ])?;
        for (n, item) in sale.items.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO sale_items (transaction_id, line_no, product_id, product_name, sku,
                    quantity, unit_price, line_discount, cart_discount, tax_rate, tax_amount,
                    total_price)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                sale.id,
                n as i64 + 1,
                item.product_id,
                item.product_name,
                item.sku,
                item.quantity,
                item.unit_price.minor(),
                item.line_discount.minor(),
                item.cart_discount.minor(),
                item.tax_rate.thousandths(),
                item.tax_amount.minor(),
                item.total_price.minor(),
            ])?;
        }
        for (n, pay) in sale.payments.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO sale_payments (transaction_id, line_no, payment_method_id,
                    method_name, kind, tendered, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                sale.id,
                n as i64 + 1,
                pay.payment_method_id,
                pay.method_name,
                pay.kind.as_str(),
                pay.tendered.minor(),
                pay.amount.minor(),
            ])?;
        }
        outbox::append(
            tx,
            Collection::SalesTransactions,
            sale.id,
            Op::Insert,
            sale_document(ctx, &sale)?,
            sale.created_at,
        )?;

        for item in &sale.items {
            stock::record(
                tx,
                ctx,
                &Movement {
                    product_id: item.product_id,
                    movement_type: MovementType::Sale,
                    quantity: -item.quantity,
                    handled_by: sale.cashier_id,
                    reason: "",
                    transaction_id: Some(sale.id),
                },
                sale.created_at,
            )?;
        }

        if let Some(customer) = customer {
            let delta = sale.loyalty_points_earned - sale.loyalty_points_redeemed;
            tx.prepare_cached(
                "UPDATE customers SET loyalty_points = loyalty_points + ?3
                 WHERE business_id = ?1 AND _id = ?2",
            )?
            .execute(params![ctx.business.id, customer, delta])?;
            outbox::append(
                tx,
                Collection::Customers,
                customer,
                Op::CustomerPurchase,
                CustomerPurchase {
                    entry: PurchaseEntry {
                        transaction_id: sale.id,
                        date: sale.created_at,
                        amount: sale.total_amount,
                    },
                    loyalty_points: delta,
                }
                .to_document(&ctx.business.currency),
                sale.created_at,
            )?;
        }
        Ok(sale)
    }

    /// The sale as it will be stored.
    fn sale(
        &self,
        ctx: &Ctx<'_>,
        sale_number: String,
        customer: Option<Id>,
        now: DateTime<Utc>,
    ) -> Sale {
        let p = self.priced;
        let items = self
            .cart
            .lines
            .iter()
            .zip(&p.lines)
            .map(|(line, priced)| SaleItem {
                product_id: line.product.id,
                product_name: line.product.product_name.clone(),
                sku: line.product.sku.clone(),
                quantity: line.quantity,
                unit_price: line.product.price,
                line_discount: priced.line_discount,
                cart_discount: priced.cart_discount,
                tax_rate: line.product.tax_rate,
                tax_amount: priced.tax,
                total_price: priced.total,
            })
            .collect();
        let payments = self.settlement.payments.clone();
        let payment_method = match payments.as_slice() {
            [only] => only.method_name.clone(),
            _ => "Split".to_owned(),
        };
        Sale {
            id: Id::new(),
            sale_number,
            created_at: now,
            cashier_id: self.actor.user_id(),
            cashier_name: self.actor.name().to_owned(),
            customer_id: customer,
            currency: ctx.business.currency.code().to_owned(),
            items,
            payments,
            payment_method,
            subtotal: p.subtotal,
            discount_total: p.discount_total,
            cart_discount: p.cart_discount,
            tax_total: p.tax_total,
            total_amount: p.total,
            amount_tendered: self.settlement.tendered,
            change_due: self.settlement.change,
            loyalty_points_earned: self.earned,
            loyalty_points_redeemed: self.redeemed,
            taxes: p.taxes.clone(),
        }
    }
}

/// The `sales_transactions` document, with the central field names.
fn sale_document(ctx: &Ctx<'_>, sale: &Sale) -> Result<Document> {
    let items = sale
        .items
        .iter()
        .map(|item| {
            Ok(SaleItemDoc {
                product_id: item.product_id,
                product_name: item.product_name.clone(),
                sku: item.sku.clone(),
                quantity: item.quantity,
                unit_price: item.unit_price,
                discount: item.line_discount.checked_add(item.cart_discount)?,
                tax_rate: item.tax_rate,
                tax_amount: item.tax_amount,
                total_price: item.total_price,
            })
        })
        .collect::<Result<_>>()?;
    let payments = sale
        .payments
        .iter()
        .map(|pay| SalePaymentDoc {
            payment_method_id: pay.payment_method_id,
            method_name: pay.method_name.clone(),
            kind: pay.kind,
            tendered: pay.tendered,
            amount: pay.amount,
        })
        .collect();
    Ok(SaleDoc {
        id: sale.id,
        business_id: ctx.business.id,
        store_id: ctx.store.id,
        till_id: ctx.till_id,
        sale_number: sale.sale_number.clone(),
        cashier_id: sale.cashier_id,
        customer_id: sale.customer_id,
        items,
        payments,
        payment_method: sale.payment_method.clone(),
        currency: ctx.business.currency.clone(),
        subtotal: sale.subtotal,
        discount_total: sale.discount_total,
        tax_total: sale.tax_total,
        total_amount: sale.total_amount,
        amount_tendered: sale.amount_tendered,
        change_due: sale.change_due,
        loyalty_points_earned: sale.loyalty_points_earned,
        loyalty_points_redeemed: sale.loyalty_points_redeemed,
        transaction_status: SaleStatus::Completed,
        created_at: sale.created_at,
    }
    .to_document())
}

fn load_sale(conn: &Connection, business_id: Id, id: Id) -> Result<Option<Sale>> {
    let head = conn
        .prepare_cached(
            "SELECT s.sale_number, s.created_at, s.cashier_id, u.name, s.customer_id, s.currency,
                    s.payment_method, s.subtotal, s.discount_total, s.cart_discount, s.tax_total,
                    s.total_amount, s.amount_tendered, s.change_due, s.loyalty_points_earned,
                    s.loyalty_points_redeemed
             FROM sales_transactions s JOIN users u ON u._id = s.cashier_id
             WHERE s.business_id = ?1 AND s._id = ?2",
        )?
        .query_row(params![business_id, id], |r| {
            let created: String = r.get(1)?;
            let money = |i: usize| r.get::<_, i64>(i).map(Money::from_minor);
            Ok(Sale {
                id,
                sale_number: r.get(0)?,
                created_at: parse_timestamp(&created)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
                cashier_id: r.get(2)?,
                cashier_name: r.get(3)?,
                customer_id: r.get(4)?,
                currency: r.get(5)?,
                payment_method: r.get(6)?,
                subtotal: money(7)?,
                discount_total: money(8)?,
                cart_discount: money(9)?,
                tax_total: money(10)?,
                total_amount: money(11)?,
                amount_tendered: money(12)?,
                change_due: money(13)?,
                loyalty_points_earned: r.get(14)?,
                loyalty_points_redeemed: r.get(15)?,
                items: Vec::new(),
                payments: Vec::new(),
                taxes: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut sale) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT product_id, product_name, sku, quantity, unit_price, line_discount,
                cart_discount, tax_rate, tax_amount, total_price
         FROM sale_items WHERE transaction_id = ?1 ORDER BY line_no",
    )?;
    sale.items = stmt
        .query_map([id], |r| {
            let money = |i: usize| r.get::<_, i64>(i).map(Money::from_minor);
            Ok(SaleItem {
                product_id: r.get(0)?,
                product_name: r.get(1)?,
                sku: r.get(2)?,
                quantity: r.get(3)?,
                unit_price: money(4)?,
                line_discount: money(5)?,
                cart_discount: money(6)?,
                tax_rate: Percent::from_thousandths(r.get(7)?),
                tax_amount: money(8)?,
                total_price: money(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT payment_method_id, method_name, kind, tendered, amount
         FROM sale_payments WHERE transaction_id = ?1 ORDER BY line_no",
    )?;
    sale.payments = stmt
        .query_map([id], |r| {
            Ok(Payment {
                payment_method_id: r.get(0)?,
                method_name: r.get(1)?,
                kind: PaymentKind::parse(&r.get::<_, String>(2)?).unwrap_or(PaymentKind::Other),
                tendered: Money::from_minor(r.get(3)?),
                amount: Money::from_minor(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut lines = Vec::with_capacity(sale.items.len());
    for item in &sale.items {
        // The net a line's tax was computed on: gross less both discounts.
        let net = item
            .unit_price
            .checked_mul(item.quantity)?
            .checked_sub(item.line_discount)?
            .checked_sub(item.cart_discount)?;
        lines.push((item.tax_rate, net, item.tax_amount));
    }
    sale.taxes = tax_lines(lines)?;
    Ok(Some(sale))
}
