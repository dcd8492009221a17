//! A purchase order as the supplier gets it: a CSV of its lines, or a page to print or
//! send (HTML, one table) with who orders, where to deliver, and what. Pure.

use crate::error::{Error, Result};
use crate::html::escape;
use crate::purchasing::orders::PurchaseOrder;
use crate::purchasing::suppliers::Supplier;
use crate::till::Store;
use sellsync_contract::money::Currency;

/// The order as a CSV for the supplier: one row per line (SKU, product, quantity, unit
/// price, line total; blank where the price is not known).
pub fn to_csv(order: &PurchaseOrder, currency: &Currency) -> Result<String> {
    let csv_error = |e: csv::Error| Error::Corrupt(format!("a purchase order's CSV: {e}"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["sku", "product", "quantity", "unit_price", "line_total"])
        .map_err(csv_error)?;
    for l in &order.lines {
        let line_total = l
            .unit_price
            .map(|p| p.times(l.quantity_ordered))
            .transpose()?;
        out.write_record([
            l.sku.clone(),
            l.product_name.clone(),
            l.quantity_ordered.to_string(),
            l.unit_price.map(|p| currency.format(p)).unwrap_or_default(),
            line_total.map(|t| currency.format(t)).unwrap_or_default(),
        ])
        .map_err(csv_error)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Corrupt(format!("a purchase order's CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Corrupt(format!("a purchase order's CSV: {e}")))
}

/// Who orders: the business and the store to deliver to.
#[derive(Debug, Clone)]
pub struct Orderer<'a> {
    pub business_name: &'a str,
    pub store: &'a Store,
}

/// The order as a page for the supplier (HTML that prints on one sheet): the order's
/// number and date, who orders and where to deliver, the supplier, the lines with their
/// prices and the total. Every text from the till is escaped.
pub fn to_page(
    order: &PurchaseOrder,
    supplier: &Supplier,
    from: &Orderer<'_>,
    currency: &Currency,
) -> Result<String> {
    let mut rows = String::new();
    for l in &order.lines {
        let price = l.unit_price.map(|p| currency.format(p)).unwrap_or_default();
        let total = l
            .unit_price
            .map(|p| p.times(l.quantity_ordered))
            .transpose()?
            .map(|t| currency.format(t))
            .unwrap_or_default();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{price}</td><td class=\"n\">{total}</td></tr>\n",
            escape(&l.sku),
            escape(&l.product_name),
            l.quantity_ordered,
        ));
    }
    let expected = order
        .expected_delivery
        .map(|d| format!("<p>Expected delivery: {d}</p>\n"))
        .unwrap_or_default();
    let reach: Vec<String> = [
        supplier.contact_person.as_str(),
        supplier.email.as_deref().unwrap_or(""),
        supplier.phone.as_deref().unwrap_or(""),
        supplier.address.as_str(),
    ]
    .into_iter()
    .filter(|t| !t.is_empty())
    .map(escape)
    .collect();
    let store = from.store;
    let deliver: Vec<String> = [store.store_name.as_str(), &store.location, &store.phone]
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(escape)
        .collect();
    Ok(format!(
        "<!DOCTYPE html>
<html><head><meta charset=\"utf-8\"><title>Purchase order {number}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #999;padding:.3em;text-align:left}}.n{{text-align:right}}</style>
</head><body>
<h1>Purchase order {number}</h1>
<p>From {business}, {date}</p>
<p>To: <strong>{supplier}</strong><br>{reach}</p>
<p>Deliver to: {deliver}</p>
{expected}<table>
<tr><th>SKU</th><th>Product</th><th class=\"n\">Quantity</th><th class=\"n\">Unit price ({code})</th><th class=\"n\">Line total</th></tr>
{rows}<tr><th colspan=\"4\">Total</th><th class=\"n\">{total}</th></tr>
</table>
</body></html>
",
        number = escape(&order.order_number),
        business = escape(from.business_name),
        date = order.created_at.date_naive(),
        supplier = escape(&supplier.supplier_name),
        reach = reach.join("<br>"),
        deliver = deliver.join(", "),
        code = currency.code(),
        total = currency.format(order.total),
    ))
}
