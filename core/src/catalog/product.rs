//! A product as the till sells it: pure, no database.

use sellsync_contract::documents::Variant;
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::quantity::{Quantity, Unit};

/// A product as the till sells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: Id,
    pub sku: String,
    pub barcode: Option<String>,
    pub product_name: String,
    pub category: String,
    /// The price of one unit.
    pub price: Money,
    pub tax_rate: Percent,
    /// How it is counted and sold.
    pub unit: Unit,
    /// What its container weighs, taken off the scale's weight (none for pieces).
    pub tare: Quantity,
    /// Its family and options, for a variant.
    pub variant: Option<Variant>,
    /// Stock on this till: opening stock plus every movement.
    pub stock: Quantity,
    pub stock_threshold: Quantity,
    pub supplier_id: Option<Id>,
    /// How many to order from the supplier when the product falls to its threshold (0:
    /// it is not reordered).
    pub reorder_quantity: Quantity,
    /// What the supplier charges for one, if known.
    pub unit_cost: Option<Money>,
}

impl Product {
    /// At or below its low-stock threshold.
    pub fn is_low(&self) -> bool {
        self.stock <= self.stock_threshold
    }
}
