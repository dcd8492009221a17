//! Receipt layout: pure functions from a completed sale and the business's settings (or a
//! closed shift's Z report) to the lines a receipt printer prints.
//!
//! The layout knows the paper (32 columns on 58 mm, 48 on 80 mm) and which characters the
//! printer can print; it wraps long names without breaking the amount column and replaces
//! a character the printer lacks by a readable stand-in (`é` → `e`, `€` → `EUR`) *before*
//! measuring, so every line fits its columns exactly. Turning the lines into printer bytes
//! is the printer's business (`sellsync-printer`); [`Receipt::to_text`] is a plain preview.

use std::fmt;

use chrono_tz::Tz;

use crate::customers::Customer;
use crate::error::{Error, Result};
use crate::sell::sale::{Sale, SaleItem};
use crate::till::{Store, Till};
use sellsync_contract::documents::PaymentKind;
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Currency, Money};
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::z_report::ZReport;

/// The width of the paper roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    /// 58 mm: 32 characters of the printer's standard font.
    Mm58,
    /// 80 mm: 48 characters.
    Mm80,
}

impl Paper {
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }

    /// The width in millimetres: 58 or 80.
    pub fn millimetres(self) -> u32 {
        match self {
            Paper::Mm58 => 58,
            Paper::Mm80 => 80,
        }
    }

    /// Reads `58` or `80` (a trailing `mm` is fine).
    pub fn parse(text: &str) -> Result<Paper> {
        match text.trim().trim_end_matches("mm").trim() {
            "58" => Ok(Paper::Mm58),
            "80" => Ok(Paper::Mm80),
            _ => Err(Error::BadPaperWidth(text.to_owned())),
        }
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} mm", self.millimetres())
    }
}

/// How a receipt line is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Normal,
    Bold,
    /// Double width and height, bold: the store's name and the total. Holds half as many
    /// characters as a normal line.
    Large,
}

/// One printed line, already padded and aligned: it never holds more characters than its
/// style allows on the paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub text: String,
    pub style: LineStyle,
}

/// A laid-out receipt, or report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub paper: Paper,
    pub lines: Vec<ReceiptLine>,
    /// A sale's receipt: its codes, printed after the lines (a report has none).
    pub codes: Option<SaleCodes>,
}

/// What a receipt's codes hold, for returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleCodes {
    /// Printed as a QR code: the sale's id.
    pub sale_id: String,
    /// Printed under the QR code as a CODE128 barcode, which a plain laser scanner reads.
    pub sale_number: String,
}

impl Receipt {
    /// A plain-text preview: the lines (large ones at their normal size), then the codes
    /// as text.
    pub fn to_text(&self) -> String {
        let columns = self.paper.columns();
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line.text.trim_end());
            out.push('\n');
        }
        if let Some(codes) = &self.codes {
            out.push('\n');
            out.push_str(&centre(&format!("[QR {}]", codes.sale_id), columns));
            out.push('\n');
            out.push_str(&centre(
                &format!("[barcode {}]", codes.sale_number),
                columns,
            ));
            out.push('\n');
        }
        out
    }
}

/// Everything a receipt shows, gathered from the till by [`Till::receipt_input`].
#[derive(Debug, Clone)]
pub struct ReceiptInput {
    pub business_name: String,
    pub store: Store,
    pub timezone: Tz,
    pub currency: Currency,
    pub tax_inclusive: bool,
    pub sale: Sale,
    /// The customer, with their loyalty points as the till knows them now.
    pub customer: Option<Customer>,
    /// Printed at the bottom, before the codes.
    pub footer: String,
    /// A reprint: marked `COPY` at the top, so it cannot pass for a second sale.
    pub copy: bool,
}

/// Lays out the receipt of `input.sale` for `paper`. `printable` says whether the printer
/// can print a character; others are replaced by a readable stand-in.
pub fn layout(input: &ReceiptInput, paper: Paper, printable: &dyn Fn(char) -> bool) -> Receipt {
    let mut r = Layout {
        columns: paper.columns(),
        printable,
        lines: Vec::new(),
    };
    let sale = &input.sale;
    let money = |amount: Money| input.currency.format(amount);

    for part in wrap(&r.fit(&input.store.store_name), r.columns / 2) {
        r.push(centre(&part, r.columns / 2), LineStyle::Large);
    }
    if input.business_name != input.store.store_name {
        r.centred(&input.business_name);
    }
    r.centred(&input.store.location);
    if !input.store.phone.trim().is_empty() {
        r.centred(&format!("Tel {}", input.store.phone));
    }
    if input.copy {
        r.blank();
        r.push(centre("*** COPY ***", r.columns), LineStyle::Bold);
    }
    if sale.is_return() {
        r.blank();
        r.push(centre("*** REFUND ***", r.columns), LineStyle::Bold);
    }
    r.rule();
    let when = sale.created_at.with_timezone(&input.timezone);
    let title = if sale.is_return() { "Refund" } else { "Sale" };
    r.pair(
        &format!("{title} {}", sale.sale_number),
        &when.format("%Y-%m-%d %H:%M").to_string(),
    );
    if sale.is_return() {
        match &sale.original_sale_number {
            Some(number) => r.text(&format!("Returns sale {number}")),
            None => r.text("Returned without a receipt"),
        }
        r.text(&format!("Reason: {}", sale.reason));
    }
    r.text(&format!("Cashier: {}", sale.cashier_name));
    r.rule();

    for item in &sale.items {
        r.item(item, &money);
    }
    r.rule();

    r.pair("Subtotal", &money(sale.subtotal));
    // Amounts here were computed with overflow checks when the sale was made.
    let line_discounts =
        Money::from_minor(sale.discount_total.minor() - sale.cart_discount.minor());
    if line_discounts.minor() != 0 {
        r.pair("Item discounts", &money(negate(line_discounts)));
    }
    if sale.cart_discount.minor() != 0 {
        r.pair("Sale discount", &money(negate(sale.cart_discount)));
    }
    // A 0% rate taxes nothing: it is left off.
    let taxes: Vec<_> = sale
        .taxes
        .iter()
        .filter(|t| t.rate.thousandths() != 0)
        .collect();
    if !input.tax_inclusive {
        for tax in &taxes {
            r.pair(&format!("Tax {}", tax.rate), &money(tax.tax));
        }
    }
    let total = format!("{}{}", input.currency_symbol(), money(sale.total_amount));
    r.large_pair(if sale.is_return() { "REFUND" } else { "TOTAL" }, &total);
    if input.tax_inclusive {
        for tax in &taxes {
            r.pair(
                &format!("incl. tax {} of {}", tax.rate, money(tax.taxable)),
                &money(tax.tax),
            );
        }
    }
    r.blank();
    for payment in &sale.payments {
        r.pair(&payment.method_name, &money(payment.tendered));
    }
    if sale.change_due.minor() != 0 {
        r.bold_pair("Change", &money(sale.change_due));
    }

    if let Some(customer) = &input.customer {
        r.rule();
        r.text(&format!("Customer: {}", customer.name));
        let (earned, used) = if sale.is_return() {
            ("Points taken back", "Points given back")
        } else {
            ("Points earned", "Points used")
        };
        if sale.loyalty_points_earned != 0 {
            r.pair(earned, &sale.loyalty_points_earned.to_string());
        }
        if sale.loyalty_points_redeemed != 0 {
            r.pair(used, &sale.loyalty_points_redeemed.to_string());
        }
        r.pair("Points balance", &customer.loyalty_points.to_string());
    }
    r.rule();
    for line in input.footer.lines().filter(|l| !l.trim().is_empty()) {
        r.centred(line);
    }
    Receipt {
        paper,
        codes: Some(SaleCodes {
            sale_id: sale.id.to_string(),
            sale_number: r.fit(&sale.sale_number),
        }),
        lines: r.lines,
    }
}

/// Lays out a Z report for the receipt printer: the store, the till and its number, when
/// the shift ran and who opened and closed it, then every figure of the report as the
/// screen shows it.
pub fn z_report_layout(
    z: &ZReport,
    currency: &Currency,
    timezone: Tz,
    paper: Paper,
    printable: &dyn Fn(char) -> bool,
) -> Receipt {
    let mut r = Layout {
        columns: paper.columns(),
        printable,
        lines: Vec::new(),
    };
    let time = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    for part in wrap(&r.fit(&z.store_name), r.columns / 2) {
        r.push(centre(&part, r.columns / 2), LineStyle::Large);
    }
    if z.business_name != z.store_name {
        r.centred(&z.business_name);
    }
    r.blank();
    r.push(
        centre(&r.fit(&format!("Z REPORT {}", z.z_number)), r.columns),
        LineStyle::Bold,
    );
    r.rule();
    r.pair("Till", &z.till_code);
    r.pair("Opened", &time(z.opened_at));
    r.text(&format!("  by {}", z.opened_by_name));
    r.pair("Closed", &time(z.closed_at));
    r.text(&format!("  by {}", z.closed_by_name));
    r.rule();
    for (label, value) in z.rows(currency) {
        if value.is_empty() {
            r.text(&label);
        } else {
            r.pair(&label, &value);
        }
    }
    r.rule();
    Receipt {
        paper,
        lines: r.lines,
        codes: None,
    }
}

/// Whether the sale was paid, or the return refunded, in part in cash: it opens the drawer.
pub fn takes_cash(sale: &Sale) -> bool {
    sale.payments.iter().any(|p| p.kind == PaymentKind::Cash)
}

fn negate(amount: Money) -> Money {
    Money::from_minor(-amount.minor())
}

impl ReceiptInput {
    /// The currency's sign (`€`, `£`, `$`), else its code and a space.
    fn currency_symbol(&self) -> String {
        iso_currency::Currency::from_code(self.currency.code())
            .map(|c| c.symbol().symbol)
            .filter(|s| s.chars().count() == 1)
            .unwrap_or_else(|| format!("{} ", self.currency.code()))
    }
}

/// The receipt being laid out.
struct Layout<'a> {
    columns: usize,
    printable: &'a dyn Fn(char) -> bool,
    lines: Vec<ReceiptLine>,
}

impl Layout<'_> {
    fn push(&mut self, text: String, style: LineStyle) {
        self.lines.push(ReceiptLine { text, style });
    }

    /// The text with every character the printer cannot print replaced by a stand-in, and
    /// control characters (which a printer would take as commands) by spaces.
    fn fit(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                out.push(' ');
            } else if (self.printable)(c) {
                out.push(c);
            } else {
                out.push_str(&stand_in(c, self.printable));
            }
        }
        out
    }

    fn blank(&mut self) {
        self.push(String::new(), LineStyle::Normal);
    }

    fn rule(&mut self) {
        self.push("-".repeat(self.columns), LineStyle::Normal);
    }

    /// Left-aligned text, wrapped.
    fn text(&mut self, text: &str) {
        for part in wrap(&self.fit(text), self.columns) {
            self.push(part, LineStyle::Normal);
        }
    }

    fn centred(&mut self, text: &str) {
        for part in wrap(&self.fit(text), self.columns) {
            self.push(centre(&part, self.columns), LineStyle::Normal);
        }
    }

    /// A label on the left and an amount on the right; a label too long for the line
    /// wraps, and the amount goes on its last line (or one of its own).
    fn pair(&mut self, label: &str, amount: &str) {
        self.styled_pair(label, amount, LineStyle::Normal, self.columns);
    }

    fn bold_pair(&mut self, label: &str, amount: &str) {
        self.styled_pair(label, amount, LineStyle::Bold, self.columns);
    }

    /// In double-width letters, with half the columns.
    fn large_pair(&mut self, label: &str, amount: &str) {
        self.styled_pair(label, amount, LineStyle::Large, self.columns / 2);
    }

    fn styled_pair(&mut self, label: &str, amount: &str, style: LineStyle, columns: usize) {
        let amount = self.fit(amount);
        let width = amount.chars().count();
        let mut parts = wrap(&self.fit(label), columns);
        let last = parts.pop().unwrap_or_default();
        for part in parts {
            self.push(part, style);
        }
        let used = last.chars().count();
        if used + 1 + width <= columns {
            self.push(
                format!("{last}{}{amount}", " ".repeat(columns - used - width)),
                style,
            );
        } else {
            self.push(last, style);
            self.push(format!("{amount:>columns$}"), style);
        }
    }

    /// A sale line: its name, then quantity × unit price and the amount (a weighed item's
    /// `0.742 kg x $2.99/kg`), then its discount.
    fn item(&mut self, item: &SaleItem, money: &dyn Fn(Money) -> String) {
        let gross = item
            .unit_price
            .times(item.quantity)
            .expect("a sold line's amount was priced once already");
        if item.quantity == Quantity::ONE && !item.unit.is_measured() {
            self.pair(&item.product_name, &money(gross));
        } else {
            self.text(&item.product_name);
            let per = match item.unit {
                Unit::Piece => String::new(),
                unit => format!("/{unit}"),
            };
            self.pair(
                &format!(
                    "  {} x {}{per}",
                    item.quantity.with_unit(item.unit),
                    money(item.unit_price)
                ),
                &money(gross),
            );
        }
        if item.line_discount.minor() != 0 {
            self.pair("  Discount", &money(negate(item.line_discount)));
        }
        if item.damaged {
            self.text("  Damaged: written off");
        }
    }
}

/// What prints instead of a character the printer lacks: the currency code for a currency
/// sign, else the closest letters in plain ASCII (`é` → `e`, `ß` → `ss`), else `?`.
fn stand_in(c: char, printable: &dyn Fn(char) -> bool) -> String {
    let text = match c {
        '€' => "EUR",
        '£' => "GBP",
        '¥' => "JPY",
        '₹' => "INR",
        '₩' => "KRW",
        '₽' => "RUB",
        '₺' => "TRY",
        '₪' => "ILS",
        '¢' => "c",
        _ => deunicode::deunicode_char(c).unwrap_or("?"),
    };
    let text: String = text
        .chars()
        .map(|c| {
            if printable(c) && !c.is_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.is_empty() {
        "?".to_owned()
    } else {
        text
    }
}

/// `text` centred in `columns` (left-padded; no trailing spaces).
fn centre(text: &str, columns: usize) -> String {
    let used = text.chars().count();
    format!("{}{text}", " ".repeat(columns.saturating_sub(used) / 2))
}

/// Splits `text` into lines of at most `columns` characters, at spaces where it can; a
/// word longer than a line is cut. Leading spaces indent every line.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let body = text.trim_start();
    let indent = (text.len() - body.len()).min(columns / 2);
    let columns = (columns - indent).max(1);
    let mut lines = Vec::new();
    let mut line = " ".repeat(indent);
    let mut used = 0;
    for word in body.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        if used > 0 && used + 1 + word.len() <= columns {
            line.push(' ');
            line.extend(&word);
            used += 1 + word.len();
            continue;
        }
        if used > 0 {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
        }
        while word.len() > columns {
            let cut: String = word.drain(..columns).collect();
            lines.push(format!("{}{cut}", " ".repeat(indent)));
        }
        used = word.len();
        line.extend(word);
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

impl Till {
    /// Finds a completed sale by its id (as printed in the receipt's QR code) or its sale
    /// number (the barcode), as a store does for a return or a reprint.
    pub fn find_sale(&self, code: &str) -> Result<Sale> {
        let code = code.trim();
        let by_id = match code.parse::<Id>() {
            Ok(id) => self.sale(id)?,
            Err(_) => None,
        };
        if let Some(sale) = by_id {
            return Ok(sale);
        }
        let id: Option<Id> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT _id FROM sales_transactions WHERE business_id = ?1 AND sale_number = ?2",
            rusqlite::params![self.business.id, code.to_ascii_uppercase()],
            |r| r.get(0),
        ))?;
        match id {
            Some(id) => self
                .sale(id)?
                .ok_or_else(|| Error::UnknownSale(code.to_owned())),
            None => Err(Error::UnknownSale(code.to_owned())),
        }
    }

    /// What the receipt of `sale` shows, with this till's business and store settings.
    pub fn receipt_input(&self, sale: Sale, footer: &str, copy: bool) -> Result<ReceiptInput> {
        let customer = match sale.customer_id {
            Some(id) => self.customer_by_id(id)?,
            None => None,
        };
        Ok(ReceiptInput {
            business_name: self.business.business_name.clone(),
            store: self.store.clone(),
            timezone: self.business.timezone,
            currency: self.business.currency.clone(),
            tax_inclusive: self.business.tax_inclusive,
            sale,
            customer,
            footer: footer.to_owned(),
            copy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_cuts_only_what_cannot_fit() {
        assert_eq!(
            wrap("Dark chocolate 70% 100 g", 10),
            ["Dark", "chocolate", "70% 100 g"]
        );
        assert_eq!(wrap("ABCDEFGHIJKL", 5), ["ABCDE", "FGHIJ", "KL"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("a   b  ", 5), ["a b"]);
        assert_eq!(wrap("  2 x 3.49 each", 10), ["  2 x 3.49", "  each"]);
    }

    #[test]
    fn stand_ins_are_readable() {
        let ascii = |c: char| c.is_ascii();
        assert_eq!(stand_in('é', &ascii), "e");
        assert_eq!(stand_in('ß', &ascii), "ss");
        assert_eq!(stand_in('Ж', &ascii), "Zh");
        assert_eq!(stand_in('€', &ascii), "EUR");
        assert_eq!(stand_in('£', &ascii), "GBP");
        assert_eq!(stand_in('\u{10FFFF}', &ascii), "?");
    }

    #[test]
    fn paper_widths() {
        assert_eq!(Paper::parse("58").unwrap().columns(), 32);
        assert_eq!(Paper::parse("80mm").unwrap().columns(), 48);
        assert!(matches!(Paper::parse("76"), Err(Error::BadPaperWidth(_))));
    }
}
