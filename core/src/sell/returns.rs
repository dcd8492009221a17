//! Taking items back. A return is a transaction of its own (see [`Sale`]): it gives back
//! what [`refund`](crate::sell::refund) computes from the sale as stored and what came
//! back of it before (at this till or, once pulled, any till of the store), puts each
//! undamaged unit back into this store's stock, moves the customer's loyalty points and
//! writes its outbox rows, all in one transaction. Past the return window, over the
//! cashier's refund limit, or without a receipt, a manager approves with their PIN.

use chrono::Utc;
use rusqlite::{params, Connection};
use tracing::{info, warn};

use crate::catalog::Product;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::journal::{self, Event};
use crate::sell::cart::check_quantity;
use crate::sell::checkout::STORE_CREDIT_TENDER;
use crate::sell::refund::{
    approval_needed, check_refund_tenders, default_refund_tenders, loyalty_back, refund_lines,
    PaidTender, Refund, SoldLine,
};
use crate::sell::sale::{Sale, SaleItem};
use crate::sell::tender::{paid_in, Payment, Tender};
use crate::sell::transaction::{self, payment_method_name};
use crate::staff::{needs_approver, Actor, Approval, Permission};
use crate::stock::{self, Movement};
use crate::till::{next_number, Ctx, Till, TillCounter};
use crate::{customers, notifications, shift};
use sellsync_contract::documents::{NotificationKind, PaymentKind, PurchaseEntry, TransactionType};
use sellsync_contract::ids::{self, Id};
use sellsync_contract::money::Money;
use sellsync_contract::pricing::{price_cart, LineInput, PricedCart};
use sellsync_contract::quantity::Quantity;
use sellsync_contract::stock::MovementType;

/// What comes back of one line of the sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnLine {
    /// The line's index in the sale (0 for its first line).
    pub line: usize,
    /// In the line's unit: units, or part of a weight (0.250 of 1.000 kg).
    pub quantity: Quantity,
    /// Written off instead of going back to stock.
    pub damaged: bool,
}

/// A return of a sale, by its receipt.
#[derive(Clone)]
pub struct ReturnOfSale<'a> {
    pub sale_id: Id,
    pub lines: Vec<ReturnLine>,
    pub reason: String,
    /// Where the money goes: the sale's own payment methods, at most one without an
    /// amount (it takes the rest). Empty: back to the sale's tenders in proportion.
    pub refunds: Vec<Tender>,
    pub approval: Option<Approval<'a>>,
}

/// An item taken back without a receipt, at a price a manager confirms.
#[derive(Debug, Clone)]
pub struct UnreceiptedLine {
    pub product: Product,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub damaged: bool,
}

/// A return without a receipt: always approved by a manager, refunded in cash or as
/// store credit.
#[derive(Clone)]
pub struct ReturnWithoutReceipt<'a> {
    pub lines: Vec<UnreceiptedLine>,
    pub reason: String,
    pub refund: NoReceiptRefund,
    pub approval: Option<Approval<'a>>,
}

/// Where the money of a return without a receipt goes.
#[derive(Debug, Clone)]
pub enum NoReceiptRefund {
    /// Out of the drawer: a cash payment method (with the amount, if the cashier keyed
    /// one, which must be the whole refund).
    Cash(Tender),
    /// Onto this customer's store credit, to spend on a later sale.
    StoreCredit(Id),
}

/// A line of a sale with what may still come back of it.
#[derive(Debug, Clone)]
pub struct ReturnableLine {
    pub item: SaleItem,
    pub returned: Quantity,
    pub left: Quantity,
}

/// A tender of the sale with what was refunded to it so far.
#[derive(Debug, Clone)]
pub struct ReturnableTender {
    pub payment_method_id: Option<Id>,
    pub method_name: String,
    pub kind: PaymentKind,
    pub paid: Money,
    pub refunded: Money,
}

/// A sale as a return sees it: each line with what is left to return, each tender with
/// what was refunded to it, and the returns made so far.
#[derive(Debug, Clone)]
pub struct Returnable {
    pub sale: Sale,
    pub lines: Vec<ReturnableLine>,
    pub tenders: Vec<ReturnableTender>,
    pub refunded: Money,
    /// Whole days since the sale.
    pub age_days: i64,
    pub return_numbers: Vec<String>,
    /// A sale of this till's open shift that nothing was returned of: a manager may void
    /// it instead.
    pub voidable: bool,
}

/// What a return gives back to one tender.
#[derive(Debug, Clone)]
pub struct RefundTo {
    pub method_name: String,
    pub kind: PaymentKind,
    pub amount: Money,
}

/// What a return would give back, worked out before it is made: the cashier sees it, and
/// whether a manager must approve, before the money leaves the drawer.
#[derive(Debug, Clone)]
pub struct ReturnPreview {
    pub total: Money,
    pub tax_total: Money,
    pub refunds: Vec<RefundTo>,
    /// Loyalty points taken back (earned on what comes back) and given back (spent on it).
    pub points_taken: i64,
    pub points_given: i64,
    /// Why a manager must approve, when the signed-in user is not one.
    pub approval_needed: Option<String>,
}

impl Returnable {
    fn sold_lines(&self) -> Result<Vec<SoldLine>> {
        self.lines
            .iter()
            .map(|l| {
                Ok(SoldLine {
                    product_name: l.item.product_name.clone(),
                    unit: l.item.unit,
                    quantity: l.item.quantity,
                    net: l.item.net()?,
                    tax: l.item.tax_amount,
                    total: l.item.total_price,
                    tax_rate: l.item.tax_rate,
                    returned: l.returned,
                })
            })
            .collect()
    }

    fn paid_tenders(&self) -> Vec<PaidTender> {
        self.tenders
            .iter()
            .map(|t| PaidTender {
                method_name: t.method_name.clone(),
                kind: t.kind,
                paid: t.paid,
                refunded: t.refunded,
            })
            .collect()
    }
}

impl Till {
    /// The sale behind `code` (its receipt's QR or barcode, or its number) as a return
    /// sees it. Refused for a return, or a sale of another store.
    pub fn returnable(&self, actor: &Actor, code: &str) -> Result<Returnable> {
        actor.require(Permission::ProcessReturns)?;
        let sale = self.find_sale(code)?;
        returnable(&self.conn, &self.ctx(), sale)
    }

    /// What [`Till::return_items`] would give back for `request`, without writing
    /// anything. Refused as the return itself would be (more than is left, a tender
    /// refunded beyond what it paid, no reason aside).
    pub fn preview_return(
        &self,
        actor: &Actor,
        request: &ReturnOfSale<'_>,
    ) -> Result<ReturnPreview> {
        actor.require(Permission::ProcessReturns)?;
        let plan = plan(&self.conn, &self.ctx(), request)?;
        let refunds = plan
            .returnable
            .tenders
            .iter()
            .zip(&plan.amounts)
            .filter(|(_, amount)| amount.minor() > 0)
            .map(|(t, amount)| RefundTo {
                method_name: t.method_name.clone(),
                kind: t.kind,
                amount: *amount,
            })
            .collect();
        Ok(ReturnPreview {
            total: plan.refund.total,
            tax_total: plan.refund.tax_total,
            refunds,
            points_taken: plan.points.0,
            points_given: plan.points.1,
            approval_needed: plan.why.filter(|_| needs_approver(actor)),
        })
    }

    /// What [`Till::return_without_receipt`] would give back for `request`, without
    /// writing anything.
    pub fn preview_return_without_receipt(
        &self,
        actor: &Actor,
        request: &ReturnWithoutReceipt<'_>,
    ) -> Result<ReturnPreview> {
        actor.require(Permission::ProcessReturns)?;
        let priced = self.price_without_receipt(request)?;
        Ok(ReturnPreview {
            total: priced.cart.total,
            tax_total: priced.cart.tax_total,
            refunds: vec![RefundTo {
                method_name: priced.payment.method_name,
                kind: priced.payment.kind,
                amount: priced.payment.amount,
            }],
            points_taken: 0,
            points_given: 0,
            approval_needed: priced.why.filter(|_| needs_approver(actor)),
        })
    }

    /// Takes back `request.lines` of a sale and refunds them, in one transaction. Needs
    /// `process_returns`; past the return window or over the cashier limit, a manager.
    pub fn return_items(&mut self, actor: &Actor, request: &ReturnOfSale<'_>) -> Result<Sale> {
        actor.require(Permission::ProcessReturns)?;
        let reason = check_reason(&request.reason)?;
        let first = plan(&self.conn, &self.ctx(), request)?;
        let approved_by = self.approval(actor, first.why, request.approval)?;
        let back = self.write_as(actor, |tx, ctx| {
            // Decided again on what the transaction sees: nothing returned twice.
            let plan = plan(tx, ctx, request)?;
            if let (Some(why), None) = (&plan.why, approved_by) {
                return Err(Error::ApprovalNeeded(why.clone()));
            }
            let sale = &plan.returnable.sale;
            let items = plan
                .refund
                .lines
                .iter()
                .map(|r| {
                    let sold = &sale.items[r.line];
                    let gross = sold.unit_price.times(r.quantity)?;
                    Ok(SaleItem {
                        quantity: r.quantity,
                        line_discount: gross.checked_sub(r.net)?,
                        cart_discount: Money::ZERO,
                        tax_amount: r.tax,
                        total_price: r.total,
                        original_line_no: Some(r.line as i64 + 1),
                        damaged: request.lines.iter().any(|l| l.line == r.line && l.damaged),
                        ..sold.clone()
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let payments = plan
                .returnable
                .tenders
                .iter()
                .zip(&plan.amounts)
                .filter(|(_, amount)| amount.minor() > 0)
                .map(|(t, amount)| Payment {
                    payment_method_id: t.payment_method_id,
                    method_name: t.method_name.clone(),
                    kind: t.kind,
                    tendered: *amount,
                    amount: *amount,
                })
                .collect();
            ReturnRecord {
                actor,
                items,
                payments,
                refund: &plan.refund,
                customer: sale.customer_id,
                points: plan.points,
                original: Some((sale.id, sale.sale_number.clone())),
                reason: reason.clone(),
                approved_by,
            }
            .write(tx, ctx)
        })?;
        info!(return_number = %back.sale_number, sale = ?back.original_sale_number,
              total = %self.business.currency.format(back.total_amount), "return completed");
        Ok(back)
    }

    /// Takes back items without a receipt at the prices a manager confirms, refunded in
    /// cash or as a customer's store credit. Always needs a manager (the signed-in one, or
    /// one who approves with a PIN).
    pub fn return_without_receipt(
        &mut self,
        actor: &Actor,
        request: &ReturnWithoutReceipt<'_>,
    ) -> Result<Sale> {
        actor.require(Permission::ProcessReturns)?;
        let reason = check_reason(&request.reason)?;
        let NoReceiptPrice {
            cart: priced,
            why,
            payment,
            customer,
        } = self.price_without_receipt(request)?;
        let currency = self.business.currency.clone();
        let approved_by = self.approval(actor, why, request.approval)?;
        let items = request
            .lines
            .iter()
            .zip(&priced.lines)
            .map(|(line, p)| SaleItem {
                product_id: line.product.id,
                product_name: line.product.product_name.clone(),
                sku: line.product.sku.clone(),
                quantity: line.quantity,
                unit: line.product.unit,
                unit_price: line.unit_price,
                line_discount: Money::ZERO,
                cart_discount: Money::ZERO,
                tax_rate: line.product.tax_rate,
                tax_amount: p.tax,
                total_price: p.total,
                original_line_no: None,
                damaged: line.damaged,
            })
            .collect();
        let refund = Refund {
            lines: Vec::new(),
            total: priced.total,
            tax_total: priced.tax_total,
            taxes: priced.taxes.clone(),
        };
        let record = ReturnRecord {
            actor,
            items,
            payments: vec![payment],
            refund: &refund,
            customer,
            points: (0, 0),
            original: None,
            reason,
            approved_by,
        };
        let back = self.write_as(actor, |tx, ctx| record.write(tx, ctx))?;
        info!(return_number = %back.sale_number, total = %currency.format(back.total_amount),
              "return without receipt completed");
        Ok(back)
    }

    /// A return without a receipt checked and priced: why a manager must approve, and
    /// where the money goes.
    fn price_without_receipt(&self, request: &ReturnWithoutReceipt<'_>) -> Result<NoReceiptPrice> {
        if request.lines.is_empty() {
            return Err(Error::NothingToReturn);
        }
        for line in &request.lines {
            check_quantity(line.quantity, line.product.unit)?;
            if line.unit_price.minor() <= 0 {
                return Err(Error::ReturnPriceMissing);
            }
        }
        let inputs: Vec<LineInput> = request
            .lines
            .iter()
            .map(|l| LineInput {
                unit_price: l.unit_price,
                quantity: l.quantity,
                tax_rate: l.product.tax_rate,
                discount: None,
            })
            .collect();
        let currency = &self.business.currency;
        let cart = price_cart(&inputs, None, self.business.tax_inclusive)
            .map_err(|e| Error::pricing(e, currency))?;
        let total = cart.total;
        let paid = |payment_method_id, method_name: &str, kind| Payment {
            payment_method_id,
            method_name: method_name.to_owned(),
            kind,
            tendered: total,
            amount: total,
        };
        let (payment, customer) = match &request.refund {
            NoReceiptRefund::Cash(tender) => {
                if tender.method.kind != PaymentKind::Cash {
                    return Err(Error::NoReceiptRefundNotCash);
                }
                if let Some(amount) = tender.amount.filter(|a| *a != total) {
                    return Err(Error::RefundNotWhole {
                        due: currency.format(total),
                        given: currency.format(amount),
                    });
                }
                let method = &tender.method;
                (
                    paid(Some(method.id), &method.method_name, PaymentKind::Cash),
                    None,
                )
            }
            NoReceiptRefund::StoreCredit(customer) => {
                let customer = self.customer_by_id(*customer)?.ok_or(Error::CustomerGone)?;
                let payment = paid(None, STORE_CREDIT_TENDER, PaymentKind::StoreCredit);
                (payment, Some(customer.id))
            }
        };
        Ok(NoReceiptPrice {
            why: approval_needed(None, 0, total, Money::ZERO, currency),
            cart,
            payment,
            customer,
        })
    }
}

/// A return without a receipt as priced: the lines, why a manager must approve, the
/// refund's one payment, and the customer whose store credit it goes to.
struct NoReceiptPrice {
    cart: PricedCart,
    why: Option<String>,
    payment: Payment,
    customer: Option<Id>,
}

/// What a return of a sale gives back, decided from the facts `conn` sees.
struct ReturnPlan {
    returnable: Returnable,
    refund: Refund,
    /// Why a manager must approve, if one must.
    why: Option<String>,
    /// Loyalty points (taken back, given back).
    points: (i64, i64),
    /// What goes back to each of `returnable.tenders`.
    amounts: Vec<Money>,
}

fn plan(conn: &Connection, ctx: &Ctx<'_>, request: &ReturnOfSale<'_>) -> Result<ReturnPlan> {
    let sale = transaction::load(conn, ctx.business.id, request.sale_id)?
        .ok_or_else(|| Error::UnknownSale(request.sale_id.to_string()))?;
    let returnable = returnable(conn, ctx, sale)?;
    let picks: Vec<(usize, Quantity)> =
        request.lines.iter().map(|l| (l.line, l.quantity)).collect();
    let refund = refund_lines(&returnable.sold_lines()?, &picks)?;
    let business = ctx.business;
    let why = approval_needed(
        Some(returnable.age_days),
        business.return_window_days,
        refund.total,
        business.cashier_refund_limit,
        &business.currency,
    );
    let sale = &returnable.sale;
    let points = match sale.customer_id {
        Some(_) => loyalty_back(
            sale.loyalty_points_earned,
            sale.loyalty_points_redeemed,
            sale.total_amount,
            returnable.refunded,
            refund.total,
        ),
        None => (0, 0),
    };
    let amounts = refund_amounts(ctx, &returnable, refund.total, points.1, &request.refunds)?;
    Ok(ReturnPlan {
        returnable,
        refund,
        why,
        points,
        amounts,
    })
}

/// What goes back to each of the sale's tenders (in `returnable.tenders`' order): the
/// points' value to the loyalty tender, the rest as the cashier chose or, by default, in
/// proportion to what each tender may still take.
fn refund_amounts(
    ctx: &Ctx<'_>,
    returnable: &Returnable,
    total: Money,
    points_given: i64,
    choices: &[Tender],
) -> Result<Vec<Money>> {
    let currency = &ctx.business.currency;
    let tenders = returnable.paid_tenders();
    let points_value = ctx.business.loyalty_point_value.checked_mul(points_given)?;
    let defaults = default_refund_tenders(total, &tenders, points_value, currency)?;
    if choices.is_empty() {
        return Ok(defaults);
    }
    // Points go back as points whatever the cashier picks; the rest as they say.
    let mut amounts: Vec<Money> = tenders
        .iter()
        .zip(&defaults)
        .map(|(t, d)| {
            if t.kind == PaymentKind::Loyalty {
                *d
            } else {
                Money::ZERO
            }
        })
        .collect();
    let mut open = None;
    for choice in choices {
        let index = returnable
            .tenders
            .iter()
            .position(|t| t.payment_method_id == Some(choice.method.id))
            .ok_or_else(|| Error::RefundMethodNotPaid(choice.method.method_name.clone()))?;
        match choice.amount {
            Some(amount) => amounts[index] = amounts[index].checked_add(amount)?,
            None if open.is_none() => open = Some(index),
            None => return Err(Error::SeveralOpenTenders),
        }
    }
    if let Some(index) = open {
        let given = Money::sum(amounts.iter().copied())?;
        amounts[index] = amounts[index].checked_add(total.checked_sub(given)?)?;
    }
    check_refund_tenders(total, &tenders, &amounts, currency)?;
    Ok(amounts)
}

/// `sale` as a return sees it, from what `conn` holds of its earlier returns.
fn returnable(conn: &Connection, ctx: &Ctx<'_>, sale: Sale) -> Result<Returnable> {
    if sale.is_return() {
        return Err(Error::NotASale(sale.sale_number));
    }
    if sale.voided.is_some() {
        return Err(Error::AlreadyVoided(sale.sale_number));
    }
    if sale.store_id != ctx.store.id {
        return Err(Error::SaleOfAnotherStore(sale.sale_number));
    }
    let business = ctx.business.id;
    let mut returned = vec![Quantity::ZERO; sale.items.len()];
    let mut stmt = conn.prepare_cached(
        "SELECT i.original_line_no, SUM(i.quantity)
         FROM sale_items i JOIN sales_transactions r ON r._id = i.transaction_id
         WHERE r.business_id = ?1 AND r.original_transaction_id = ?2
         GROUP BY i.original_line_no",
    )?;
    let rows = stmt.query_map(params![business, sale.id], |r| {
        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Quantity>(1)?))
    })?;
    for row in rows {
        let (line, quantity) = row?;
        let slot = line
            .and_then(|n| usize::try_from(n - 1).ok())
            .and_then(|i| returned.get_mut(i));
        if let Some(slot) = slot {
            *slot += quantity;
        }
    }

    // The sale's tenders, one per method, and what went back to each.
    let mut tenders: Vec<ReturnableTender> = Vec::new();
    for pay in &sale.payments {
        match tenders.iter_mut().find(|t| same_tender(t, pay)) {
            Some(t) => t.paid = t.paid.checked_add(pay.amount)?,
            None => tenders.push(ReturnableTender {
                payment_method_id: pay.payment_method_id,
                method_name: pay.method_name.clone(),
                kind: pay.kind,
                paid: pay.amount,
                refunded: Money::ZERO,
            }),
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT p.payment_method_id, p.method_name, p.kind, p.amount
         FROM sale_payments p JOIN sales_transactions r ON r._id = p.transaction_id
         WHERE r.business_id = ?1 AND r.original_transaction_id = ?2",
    )?;
    let rows = stmt.query_map(params![business, sale.id], |r| {
        let amount = Money::from_minor(r.get(3)?);
        Ok(Payment {
            payment_method_id: r.get(0)?,
            method_name: r.get(1)?,
            kind: PaymentKind::parse(&r.get::<_, String>(2)?).unwrap_or(PaymentKind::Other),
            tendered: amount,
            amount,
        })
    })?;
    for refund in rows {
        let refund = refund?;
        if let Some(t) = tenders.iter_mut().find(|t| same_tender(t, &refund)) {
            t.refunded = t.refunded.checked_add(refund.amount)?;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT sale_number, total_amount FROM sales_transactions
         WHERE business_id = ?1 AND original_transaction_id = ?2 ORDER BY created_at",
    )?;
    let mut refunded = Money::ZERO;
    let mut return_numbers = Vec::new();
    for row in stmt.query_map(params![business, sale.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (number, total) = row?;
        refunded = refunded.checked_add(Money::from_minor(total))?;
        return_numbers.push(number);
    }
    let lines = sale
        .items
        .iter()
        .zip(returned)
        .map(|(item, returned)| ReturnableLine {
            item: item.clone(),
            returned,
            left: (item.quantity - returned).max(Quantity::ZERO),
        })
        .collect();
    let voidable = return_numbers.is_empty()
        && sale.shift_id.is_some()
        && sale.shift_id == shift::open_shift_id(conn)?;
    Ok(Returnable {
        age_days: (Utc::now() - sale.created_at).num_days(),
        voidable,
        lines,
        tenders,
        refunded,
        return_numbers,
        sale,
    })
}

fn same_tender(tender: &ReturnableTender, pay: &Payment) -> bool {
    tender.payment_method_id == pay.payment_method_id
        && tender.method_name == pay.method_name
        && tender.kind == pay.kind
}

fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::ReturnReasonMissing);
    }
    Ok(reason.to_owned())
}

/// Everything a return writes, gathered so that the transaction body reads top to bottom.
struct ReturnRecord<'a> {
    actor: &'a Actor,
    items: Vec<SaleItem>,
    payments: Vec<Payment>,
    refund: &'a Refund,
    customer: Option<Id>,
    /// Loyalty points (taken back, given back).
    points: (i64, i64),
    /// The sale returned: its id and number.
    original: Option<(Id, String)>,
    reason: String,
    approved_by: Option<Id>,
}

impl ReturnRecord<'_> {
    fn write(&self, tx: &Tx<'_>, ctx: &Ctx<'_>) -> Result<Sale> {
        let now = ids::now();
        let (taken, given) = self.points;
        let taken = match self.customer {
            Some(customer) => customers::points_to_take_back(tx, ctx, customer, taken, given)?,
            None => 0,
        };
        let shift = shift::require_open_shift(tx)?;
        let number = next_number(tx, ctx.till_code, TillCounter::Return)?;
        let subtotal = Money::sum(
            self.items
                .iter()
                .map(|i| i.unit_price.times(i.quantity))
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        let discount_total = Money::sum(self.items.iter().map(|i| i.line_discount))?;
        let back = Sale {
            id: ids::Id::new(),
            transaction_type: TransactionType::Return,
            sale_number: number,
            created_at: now,
            store_id: ctx.store.id,
            till_id: ctx.till_id,
            cashier_id: self.actor.user_id(),
            cashier_name: self.actor.name().to_owned(),
            customer_id: self.customer,
            currency: ctx.business.currency.code().to_owned(),
            items: self.items.clone(),
            payment_method: payment_method_name(&self.payments),
            payments: self.payments.clone(),
            subtotal,
            discount_total,
            cart_discount: Money::ZERO,
            tax_total: self.refund.tax_total,
            total_amount: self.refund.total,
            amount_tendered: self.refund.total,
            change_due: Money::ZERO,
            loyalty_points_earned: taken,
            loyalty_points_redeemed: given,
            taxes: self.refund.taxes.clone(),
            original_transaction_id: self.original.as_ref().map(|(id, _)| *id),
            original_sale_number: self.original.as_ref().map(|(_, n)| n.clone()),
            reason: self.reason.clone(),
            approved_by: self.approved_by,
            shift_id: Some(shift),
            voided: None,
            parked_sale_id: None,
        };
        transaction::insert(tx, ctx.business.id, &ctx.business.currency, &back, true)?;
        journal::append(tx, ctx, Event::Return, &back.id.to_string(), now)?;
        for item in back.items.iter().filter(|i| !i.damaged) {
            stock::record(
                tx,
                ctx,
                &Movement {
                    product_id: item.product_id,
                    movement_type: MovementType::Sale,
                    quantity: item.quantity,
                    handled_by: back.cashier_id,
                    reason: "return",
                    transaction_id: Some(back.id),
                },
                now,
            )?;
        }
        if let Some(customer) = self.customer {
            customers::record_purchase(
                tx,
                ctx,
                customer,
                PurchaseEntry {
                    transaction_id: back.id,
                    date: now,
                    amount: Money::from_minor(-back.total_amount.minor()),
                },
                given - taken,
                paid_in(&back.payments, PaymentKind::StoreCredit)?,
                None,
            )?;
        }
        Ok(back)
    }
}

/// Tells the store's managers, once for the whole business, when the returns of
/// `sale_id` took back more of a line than it sold: tills offline together each gave the
/// money back, and both returns stand. Called as another till's return arrives.
pub(crate) fn flag_over_return(tx: &Tx<'_>, ctx: &Ctx<'_>, sale_id: Id) -> Result<()> {
    let over: Vec<(String, Quantity, Quantity)> = tx
        .prepare_cached(
            "SELECT s.product_name, s.quantity, SUM(i.quantity)
             FROM sale_items i
             JOIN sales_transactions r ON r._id = i.transaction_id
             JOIN sale_items s ON s.transaction_id = r.original_transaction_id
                              AND s.line_no = i.original_line_no
             WHERE r.business_id = ?1 AND r.original_transaction_id = ?2
             GROUP BY s.line_no HAVING SUM(i.quantity) > s.quantity
             ORDER BY s.line_no",
        )?
        .query_map(params![ctx.business.id, sale_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if over.is_empty() {
        return Ok(());
    }
    let (sale_number, returns): (String, Vec<String>) = {
        let number = tx
            .prepare_cached("SELECT sale_number FROM sales_transactions WHERE _id = ?1")?
            .query_row([sale_id], |r| r.get(0))?;
        let returns = tx
            .prepare_cached(
                "SELECT sale_number FROM sales_transactions
                 WHERE business_id = ?1 AND original_transaction_id = ?2 ORDER BY sale_number",
            )?
            .query_map(params![ctx.business.id, sale_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        (number, returns)
    };
    let lines: Vec<String> = over
        .iter()
        .map(|(name, sold, back)| format!("{back} × {name} taken back of {sold} sold"))
        .collect();
    let message = format!(
        "Sale {sale_number} was returned more than once for the same items: {}, by returns {}. \
         Each refund was given; check them with the cashiers.",
        lines.join(", "),
        returns.join(", ")
    );
    warn!(sale = %sale_number, returns = ?returns, "a sale was returned beyond what it sold");
    notifications::raise_shared(
        tx,
        ctx,
        NotificationKind::OverReturned,
        sale_id,
        &message,
        ids::now(),
    )?;
    Ok(())
}
