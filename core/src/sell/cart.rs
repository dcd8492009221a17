//! The cart, pure: the sale a cashier rings up (lines of products as scanned, discounts,
//! the customer, loyalty points and store credit to spend), before anything is written.
//! Checkout prices it and writes the sale; parking keeps it for later.

use crate::catalog::product::Product;
use crate::customers::customer::{Customer, NewCustomer};
use crate::error::{Error, Result};
use sellsync_contract::ids::Id;
use sellsync_contract::money::Money;
use sellsync_contract::pricing::{Discount, LineInput};
use sellsync_contract::quantity::{Quantity, Unit};

/// The largest quantity of one line (and of one stock movement), in whole units.
pub const MAX_QUANTITY: i64 = 100_000;

/// One line of the cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    /// The product as it was when scanned: its price is the price of the sale.
    pub product: Product,
    /// In the product's unit.
    pub quantity: Quantity,
    pub discount: Option<Discount>,
    /// The quantity of goods sold by measure was typed by someone, not weighed on the
    /// scale or read from a weight label: only staff who may `key_weights` sell it.
    pub weight_keyed: bool,
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
    pub(super) lines: Vec<CartLine>,
    pub(super) discount: Option<Discount>,
    pub(super) customer: Option<CartCustomer>,
    pub(super) redeem_points: i64,
    /// Store credit the customer spends on this sale.
    pub(super) store_credit: Money,
    /// The parked sale this cart was taken up from.
    pub(super) parked: Option<Id>,
}

/// A quantity of a line or a movement: more than zero, at most [`MAX_QUANTITY`], with no
/// more decimals than `unit` allows (a piece product is never sold as 1.5).
pub(crate) fn check_quantity(quantity: Quantity, unit: Unit) -> Result<()> {
    if !quantity.is_positive() || quantity > Quantity::units(MAX_QUANTITY) {
        return Err(Error::BadQuantity {
            got: quantity.decimal(),
            unit,
            max: MAX_QUANTITY,
        });
    }
    Ok(quantity.fits(unit)?)
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

    /// The items in the cart as a receipt counts them: its pieces, and one for each
    /// weighed or measured line.
    pub fn items(&self) -> i64 {
        self.lines
            .iter()
            .map(|l| match l.product.unit {
                Unit::Piece => l.quantity.whole().unwrap_or(1),
                _ => 1,
            })
            .sum()
    }

    /// Adds `quantity` of a product, typed or scanned; scanning a piece product already in
    /// the cart adds to its line (a measured item is a line of its own, as each weighing
    /// is, its quantity keyed). Returns the index of the line.
    pub fn add(&mut self, product: Product, quantity: Quantity) -> Result<usize> {
        let keyed = product.unit.is_measured();
        self.push(product, quantity, keyed)
    }

    /// Adds what a scale weighed (or a weight label says) of a product sold by measure,
    /// a line of its own. Returns the index of the line.
    pub fn add_weighed(&mut self, product: Product, weight: Quantity) -> Result<usize> {
        self.push(product, weight, false)
    }

    /// Adds a line of a parked sale as it was parked: who keyed its weight was checked
    /// when it was parked.
    pub(crate) fn restore(&mut self, product: Product, quantity: Quantity) -> Result<usize> {
        self.push(product, quantity, false)
    }

    fn push(&mut self, product: Product, quantity: Quantity, weight_keyed: bool) -> Result<usize> {
        check_quantity(quantity, product.unit)?;
        // The same product at the same price (a price label's may differ) is one line.
        let same = |l: &CartLine| {
            l.product.id == product.id
                && l.product.price == product.price
                && !product.unit.is_measured()
        };
        if let Some(i) = self.lines.iter().position(same) {
            let total = self.lines[i].quantity.checked_add(quantity)?;
            check_quantity(total, product.unit)?;
            self.lines[i].quantity = total;
            return Ok(i);
        }
        self.lines.push(CartLine {
            product,
            quantity,
            discount: None,
            weight_keyed,
        });
        Ok(self.lines.len() - 1)
    }

    fn line_mut(&mut self, line: usize) -> Result<&mut CartLine> {
        self.lines.get_mut(line).ok_or(Error::NoSuchLine(line + 1))
    }

    /// Sets a line's quantity as typed: a measured line's is keyed from now on.
    pub fn set_quantity(&mut self, line: usize, quantity: Quantity) -> Result<()> {
        let line = self.line_mut(line)?;
        check_quantity(quantity, line.product.unit)?;
        line.weight_keyed |= line.product.unit.is_measured();
        line.quantity = quantity;
        Ok(())
    }

    /// Whether a line's weight or measure was typed rather than weighed.
    pub fn has_keyed_weight(&self) -> bool {
        self.lines.iter().any(|l| l.weight_keyed)
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

    /// The discount on the whole cart, as keyed.
    pub fn discount(&self) -> Option<Discount> {
        self.discount
    }

    /// The parked sale this cart was taken up from, which completing it completes.
    pub fn parked_sale(&self) -> Option<Id> {
        self.parked
    }

    pub(crate) fn set_parked_sale(&mut self, parked: Option<Id>) {
        self.parked = parked;
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

    /// The loyalty points the customer spends on this sale.
    pub fn points_to_redeem(&self) -> i64 {
        self.redeem_points
    }

    /// Store credit the customer spends on this sale (none below zero).
    pub fn use_store_credit(&mut self, amount: Money) {
        self.store_credit = amount.max(Money::ZERO);
    }

    /// The store credit the customer spends on this sale.
    pub fn store_credit(&self) -> Money {
        self.store_credit
    }

    pub(crate) fn pricing_lines(&self) -> Vec<LineInput> {
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
