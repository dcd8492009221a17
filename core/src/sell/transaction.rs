//! A transaction as the till stores it — a sale or a return, in `sales_transactions` with
//! its `sale_items` and `sale_payments` — and its central document. Checkout writes sales,
//! returns write returns, the pull writes other tills' of the store; all through here.

use rusqlite::{params, Connection, OptionalExtension};

use crate::db::{outbox, Tx};
use crate::error::Result;
use crate::sell::sale::{Sale, SaleItem, Voided};
use crate::sell::tender::Payment;
use sellsync_contract::documents::PaymentKind;
use sellsync_contract::documents::{
    Collection, Op, SaleDoc, SaleItemDoc, SalePaymentDoc, SaleStatus, TransactionType,
};
use sellsync_contract::ids::{parse_timestamp, timestamp, Id};
use sellsync_contract::money::{Currency, Money, Percent};
use sellsync_contract::pricing::tax_lines;

/// The one payment method's name, or `Split`.
pub(crate) fn payment_method_name(payments: &[Payment]) -> String {
    match payments {
        [only] => only.method_name.clone(),
        _ => "Split".to_owned(),
    }
}

/// Writes `sale` (its row, items and payments) and, unless it came from central, its
/// document to the outbox.
pub(crate) fn insert(
    tx: &Tx<'_>,
    business_id: Id,
    currency: &Currency,
    sale: &Sale,
    to_outbox: bool,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sales_transactions (_id, business_id, store_id, till_id, sale_number,
            cashier_id, customer_id, payment_method, currency, subtotal, discount_total,
            cart_discount, tax_total, total_amount, amount_tendered, change_due,
            loyalty_points_earned, loyalty_points_redeemed, created_at, transaction_type,
            original_transaction_id, reason, approved_by, shift_id, parked_sale_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
            ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
    )?
    .execute(params![
        sale.id,
        business_id,
        sale.store_id,
        sale.till_id,
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
        sale.transaction_type.as_str(),
        sale.original_transaction_id,
        sale.reason,
        sale.approved_by,
        sale.shift_id,
        sale.parked_sale_id,
    ])?;
    for (n, item) in sale.items.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO sale_items (transaction_id, line_no, product_id, product_name, sku,
                quantity, unit_price, line_discount, cart_discount, tax_rate, tax_amount,
                total_price, original_line_no, damaged, unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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
            item.original_line_no,
            item.damaged,
            item.unit,
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
    if to_outbox {
        outbox::append(
            tx,
            Collection::SalesTransactions,
            sale.id,
            Op::Insert,
            document(business_id, currency, sale)?.to_document(),
            sale.created_at,
        )?;
    }
    Ok(())
}

/// The `sales_transactions` document, with the central field names.
pub(crate) fn document(business_id: Id, currency: &Currency, sale: &Sale) -> Result<SaleDoc> {
    let items = sale
        .items
        .iter()
        .map(|item| {
            Ok(SaleItemDoc {
                product_id: item.product_id,
                product_name: item.product_name.clone(),
                sku: item.sku.clone(),
                unit: item.unit,
                quantity: item.quantity,
                unit_price: item.unit_price,
                discount: item.line_discount.checked_add(item.cart_discount)?,
                tax_rate: item.tax_rate,
                tax_amount: item.tax_amount,
                total_price: item.total_price,
                original_line_no: item.original_line_no,
                damaged: item.damaged,
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
        business_id,
        store_id: sale.store_id,
        till_id: sale.till_id,
        sale_number: sale.sale_number.clone(),
        cashier_id: sale.cashier_id,
        customer_id: sale.customer_id,
        items,
        payments,
        payment_method: sale.payment_method.clone(),
        currency: currency.clone(),
        subtotal: sale.subtotal,
        discount_total: sale.discount_total,
        tax_total: sale.tax_total,
        total_amount: sale.total_amount,
        amount_tendered: sale.amount_tendered,
        change_due: sale.change_due,
        loyalty_points_earned: sale.loyalty_points_earned,
        loyalty_points_redeemed: sale.loyalty_points_redeemed,
        transaction_status: match sale.voided {
            Some(_) => SaleStatus::Voided,
            None => SaleStatus::Completed,
        },
        transaction_type: sale.transaction_type,
        original_transaction_id: sale.original_transaction_id,
        reason: Some(sale.reason.clone()).filter(|r| !r.is_empty()),
        approved_by: sale.approved_by,
        shift_id: sale.shift_id,
        parked_sale_id: sale.parked_sale_id,
        created_at: sale.created_at,
    })
}

/// A stored sale or return by id, of `business_id` only.
pub(crate) fn load(conn: &Connection, business_id: Id, id: Id) -> Result<Option<Sale>> {
    let head = conn
        .prepare_cached(
            "SELECT s.sale_number, s.created_at, s.cashier_id, u.name, s.customer_id, s.currency,
                    s.payment_method, s.subtotal, s.discount_total, s.cart_discount, s.tax_total,
                    s.total_amount, s.amount_tendered, s.change_due, s.loyalty_points_earned,
                    s.loyalty_points_redeemed, s.store_id, s.till_id, s.transaction_type,
                    s.original_transaction_id, o.sale_number, s.reason, s.approved_by,
                    s.shift_id, s.transaction_status, s.voided_by, s.voided_at, s.void_reason,
                    s.parked_sale_id
             FROM sales_transactions s JOIN users u ON u._id = s.cashier_id
             LEFT JOIN sales_transactions o ON o._id = s.original_transaction_id
             WHERE s.business_id = ?1 AND s._id = ?2",
        )?
        .query_row(params![business_id, id], |r| {
            let created: String = r.get(1)?;
            let sale_created = parse_timestamp(&created)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            let kind: String = r.get(18)?;
            let money = |i: usize| r.get::<_, i64>(i).map(Money::from_minor);
            Ok(Sale {
                id,
                transaction_type: TransactionType::parse(&kind).unwrap_or(TransactionType::Sale),
                sale_number: r.get(0)?,
                created_at: sale_created,
                store_id: r.get(16)?,
                till_id: r.get(17)?,
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
                original_transaction_id: r.get(19)?,
                original_sale_number: r.get(20)?,
                reason: r.get(21)?,
                approved_by: r.get(22)?,
                shift_id: r.get(23)?,
                voided: match r.get::<_, String>(24)?.as_str() {
                    "voided" => {
                        let at: Option<String> = r.get(26)?;
                        Some(Voided {
                            by: r.get(25)?,
                            at: at
                                .as_deref()
                                .map(parse_timestamp)
                                .transpose()
                                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?
                                .unwrap_or(sale_created),
                            reason: r.get::<_, Option<String>>(27)?.unwrap_or_default(),
                        })
                    }
                    _ => None,
                },
                parked_sale_id: r.get(28)?,
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
                cart_discount, tax_rate, tax_amount, total_price, original_line_no, damaged, unit
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
                unit: r.get(12)?,
                unit_price: money(4)?,
                line_discount: money(5)?,
                cart_discount: money(6)?,
                tax_rate: Percent::from_thousandths(r.get(7)?),
                tax_amount: money(8)?,
                total_price: money(9)?,
                original_line_no: r.get(10)?,
                damaged: r.get(11)?,
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
    let lines = sale
        .items
        .iter()
        .map(|item| Ok((item.tax_rate, item.net()?, item.tax_amount)))
        .collect::<Result<Vec<_>>>()?;
    sale.taxes = tax_lines(lines)?;
    Ok(Some(sale))
}
