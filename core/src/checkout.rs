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

use crate::auth::{Actor, Permission, Role};
use crate::catalog::Product;
use crate::contract::{
    Collection, CustomerPurchase, Op, PurchaseEntry, SaleDoc, SaleItemDoc, SalePaymentDoc,
    SaleStatus,
};
use crate::customers::{self, Customer, NewCustomer};
use crate::error::{Error, Result};
use crate::ids::{self, parse_timestamp, timestamp, Id};
use crate::money::{Currency, Money, Percent};
use crate::outbox;
use crate::payments::{PaymentKind, PaymentMethod};
use crate::pricing::{
    exceeds_percent, price_cart, tax_lines, Discount, LineInput, PricedCart, TaxLine,
};
use crate::stock::{self, Movement, MovementType};
use crate::till::{Ctx, Till};

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

/// A payment the cashier takes: a method and an amount, or no amount for "the rest".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tender {
    pub method: PaymentMethod,
    pub amount: Option<Money>,
}

/// One payment of a completed sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// `None` for loyalty points.
    pub payment_method_id: Option<Id>,
    pub method_name: String,
    pub kind: PaymentKind,
    /// What the customer handed over.
    pub tendered: Money,
    /// What went to the sale: `tendered` less any change given from it.
    pub amount: Money,
}

/// Payments settled against an amount due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub payments: Vec<Payment>,
    pub tendered: Money,
    pub change: Money,
}

/// Settles `due` with `tenders`. At most one tender may leave its amount out (it takes
/// what is left). Only cash may be more than what is due; the difference is the change.
pub fn settle(due: Money, tenders: &[Tender], currency: &Currency) -> Result<Settlement> {
    if tenders.iter().filter(|t| t.amount.is_none()).count() > 1 {
        return Err(Error::SeveralOpenTenders);
    }
    if tenders
        .iter()
        .any(|t| t.amount.is_some_and(|a| a.minor() <= 0))
    {
        return Err(Error::ZeroTender);
    }
    let explicit = Money::sum(tenders.iter().filter_map(|t| t.amount))?;
    let rest = due.checked_sub(explicit)?.max(Money::ZERO);
    let mut payments: Vec<Payment> = tenders
        .iter()
        .map(|t| (t, t.amount.unwrap_or(rest)))
        .filter(|(_, amount)| amount.minor() > 0)
        .map(|(t, amount)| Payment {
            payment_method_id: Some(t.method.id),
            method_name: t.method.method_name.clone(),
            kind: t.method.kind,
            tendered: amount,
            amount,
        })
        .collect();
    let tendered = Money::sum(payments.iter().map(|p| p.tendered))?;
    if tendered < due {
        return Err(Error::TenderShort {
            due: currency.format(due),
            tendered: currency.format(tendered),
            short: currency.format(due.checked_sub(tendered)?),
        });
    }
    let mut non_cash = Money::ZERO;
    for p in payments.iter().filter(|p| p.kind != PaymentKind::Cash) {
        non_cash = non_cash.checked_add(p.tendered)?;
        if non_cash > due {
            return Err(Error::NonCashOverpay {
                method: p.method_name.clone(),
                due: currency.format(due),
            });
        }
    }
    let change = tendered.checked_sub(due)?;
    // Change comes out of the cash payments, the last one first.
    let mut left = change;
    for p in payments
        .iter_mut()
        .rev()
        .filter(|p| p.kind == PaymentKind::Cash)
    {
        let take = left.min(p.tendered);
        p.amount = p.tendered.checked_sub(take)?;
        left = left.checked_sub(take)?;
    }
    Ok(Settlement {
        payments,
        tendered,
        change,
    })
}

/// Where paying stands after the tenders taken so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub due: Money,
    /// The tenders' amounts added up (a tender without an amount pays the rest).
    pub paid: Money,
    /// What is still to pay.
    pub remaining: Money,
    /// What the customer gets back.
    pub change: Money,
}

/// The balance of `due` after `tenders` (their amounts are not checked here: [`settle`]
/// does that when the sale completes).
pub fn balance(due: Money, tenders: &[Tender]) -> Result<Balance> {
    if tenders.iter().any(|t| t.amount.is_none()) {
        return Ok(Balance {
            due,
            paid: due,
            remaining: Money::ZERO,
            change: Money::ZERO,
        });
    }
    let paid = Money::sum(tenders.iter().filter_map(|t| t.amount))?;
    Ok(Balance {
        due,
        paid,
        remaining: due.checked_sub(paid)?.max(Money::ZERO),
        change: paid.checked_sub(due)?.max(Money::ZERO),
    })
}

/// The banknotes a customer commonly pays with, in major units of `currency`. A
/// currency not listed gets the 1-2-5 series (1, 2, 5, 10, 20, 50, …).
fn banknotes(currency: &Currency) -> Vec<i64> {
    let listed: &[i64] = match currency.code() {
        "USD" | "CAD" | "AUD" | "NZD" | "SGD" | "HKD" | "MXN" => &[5, 10, 20, 50, 100],
        "EUR" => &[5, 10, 20, 50, 100, 200],
        "GBP" => &[5, 10, 20, 50],
        "CHF" => &[10, 20, 50, 100, 200],
        "JPY" => &[1_000, 5_000, 10_000],
        "INR" => &[10, 20, 50, 100, 200, 500],
        _ => &[],
    };
    if !listed.is_empty() {
        return listed.to_vec();
    }
    (0..10)
        .map(|power| 10_i64.pow(power))
        .flat_map(|decade| [decade, 2 * decade, 5 * decade])
        .collect()
}

/// The quick cash amounts to offer for `due`: the exact amount, then up to three amounts
/// that round it up to the next banknote of the currency (1,200 JPY: 1,200, 2,000,
/// 5,000, 10,000). Exact, in minor units; nothing for nothing due.
pub fn quick_cash(due: Money, currency: &Currency) -> Vec<Money> {
    if due.minor() <= 0 {
        return Vec::new();
    }
    let mut amounts = vec![due];
    for note in banknotes(currency) {
        let Some(note) = note.checked_mul(currency.minor_per_major()) else {
            break;
        };
        // Up to the next multiple of the note.
        let notes = due.minor() / note + i64::from(due.minor() % note != 0);
        let Some(rounded) = notes.checked_mul(note).map(Money::from_minor) else {
            break;
        };
        if rounded > due && !amounts.contains(&rounded) {
            amounts.push(rounded);
        }
        if amounts.len() == 4 {
            break;
        }
    }
    amounts
}

/// Loyalty points earned on `paid`: `per_unit` points for each whole unit of currency.
pub fn points_earned(paid: Money, currency: &Currency, per_unit: i64) -> i64 {
    (paid.minor().max(0) / currency.minor_per_major()).saturating_mul(per_unit)
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
    fn write(&self, tx: &Connection, ctx: &Ctx<'_>) -> Result<Sale> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_cash_rounds_up_to_the_currencys_notes() {
        let offered = |due: &str, code: &str| -> Vec<String> {
            let currency = Currency::from_code(code).unwrap();
            let due = currency.parse(due).unwrap();
            quick_cash(due, &currency)
                .into_iter()
                .map(|m| currency.format(m))
                .collect()
        };
        assert_eq!(offered("8.29", "USD"), ["8.29", "10.00", "20.00", "50.00"]);
        assert_eq!(offered("20.00", "USD"), ["20.00", "50.00", "100.00"]);
        assert_eq!(offered("1200", "JPY"), ["1200", "2000", "5000", "10000"]);
        assert_eq!(offered("10000", "JPY"), ["10000"]);
        assert_eq!(offered("3.50", "EUR"), ["3.50", "5.00", "10.00", "20.00"]);
        assert_eq!(
            offered("12.345", "KWD"),
            ["12.345", "13.000", "14.000", "15.000"]
        );
        assert_eq!(offered("0.00", "USD"), Vec::<String>::new());
        let usd = Currency::from_code("USD").unwrap();
        let huge = Money::from_minor(i64::MAX - 1);
        assert_eq!(
            quick_cash(huge, &usd),
            [huge],
            "no overflow, no note to round to"
        );
    }
}
