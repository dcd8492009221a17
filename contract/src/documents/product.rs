//! `products`: what a business sells, with its stock per store.
//!
//! **On `products`, beside the seed's fields**: `reorder_quantity` (how many to order when
//! the product falls to its threshold; 0 or missing: never) and `unit_cost` (`Decimal128`,
//! the supplier's price for one, or null), both set by a till's `update` like any field;
//! `unit` (`piece`, `kg`, `g`, `lb`, `oz`, `l` or `m`; missing: `piece`), how the product is
//! counted and sold, set when it is made and never updated (its stock and every quantity
//! of it are in that unit); `price` is then the price of one unit; `tare` (in that unit;
//! missing: none), what its container weighs, taken off what the scale weighs of it, set
//! by a till's `update` like any field.
//!
//! **Quantities** (`stock`, `opening_stock`, `stock_threshold`, `reorder_quantity`, and the
//! quantities of sales, movements, orders and transfers) are written by
//! [`value::quantity`](super::value::quantity): an `Int64` when whole, as the seed has them,
//! a `Decimal128` of at most three decimals otherwise (`24.258` kg). A fractional double is
//! refused: it is not exact.
//!
//! **Variants.** A product family (a T-shirt in sizes and colours) is the products that
//! share its `family_id`: each variant is a product of its own, with its SKU, barcode,
//! price, stock per store and threshold, so that every client that reads `products` sells,
//! counts, orders and transfers it as it does any product. A variant also carries
//! `family_name` and `options` (`[{name: "Size", value: "M"}, …]`, in the family's order);
//! a product outside a family has none of the three. A family has no document of its own:
//! it holds nothing its variants do not, and a sale or a report rolls up by `family_id`.
//!
//! **Stock per store, centrally.** Every product carries
//! `stock_levels: [{store_id, opening_stock, stock}]`, one entry per store that has stock or
//! movements of it, and `stock`, the total over the levels. Each level's `stock` =
//! its `opening_stock` + the sum of that store's movements with `stock_applied: true`. A
//! product with `store_id` (sold at that store only) has one level, its store's, so its
//! `stock` is its store's stock as the seed has it; a product without `store_id` is sold at
//! every store of the business. A product made at a till opens with that till's store's
//! level; another store's level is added at 0 by its first movement. A movement for a store
//! of another business, or for a store a store-only product is not sold at, is refused.
//! Central's `upgrade.rs` gives the products of an earlier version their levels in place.

use bson::{doc, Bson, Document};
use chrono::{DateTime, Utc};

use super::read::{Read, Reader};
use super::value::{date, decimal, oid, or_null, percent, quantity};
use super::{field, Collection};
use crate::ids::Id;
use crate::money::{Currency, Money, Percent};
use crate::quantity::{Quantity, Unit};

#[derive(Debug, Clone, PartialEq)]
pub struct ProductDoc {
    pub id: Id,
    pub business_id: Id,
    /// `None`: sold at every store of the business.
    pub store_id: Option<Id>,
    pub product_name: String,
    pub sku: String,
    pub barcode: Option<String>,
    pub category: String,
    /// In the business's currency.
    pub price: Money,
    /// `None`: the business's default rate.
    pub tax_rate: Option<Percent>,
    /// How it is counted and sold; `price` is the price of one.
    pub unit: Unit,
    /// What its container weighs, taken off the scale's weight (0 for pieces).
    pub tare: Quantity,
    /// Its family and options, for a variant.
    pub variant: Option<Variant>,
    /// The total over the stores' levels.
    pub stock: Quantity,
    pub opening_stock: Option<Quantity>,
    /// `None` on a document of an earlier version or from a back office that does not
    /// keep levels; `sync::upgrade` gives it its levels.
    pub stock_levels: Option<Vec<StockLevel>>,
    pub stock_threshold: Quantity,
    pub supplier_id: Option<Id>,
    /// Sell Sync's own: how many to order at the threshold (0: not reordered).
    pub reorder_quantity: Quantity,
    /// Sell Sync's own: the supplier's price for one, if known.
    pub unit_cost: Option<Money>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The unit a product document names: pieces when it names none; `None` for one this build
/// does not know.
pub fn unit_of(product: &Document) -> Option<Unit> {
    match product.get(field::UNIT) {
        None | Some(Bson::Null) => Some(Unit::Piece),
        Some(Bson::String(code)) => Unit::parse(code).ok(),
        Some(_) => None,
    }
}

/// What makes a product a variant: its family, and its value of each of the family's
/// options, in the family's order (`Size: M`, `Colour: Blue`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Variant {
    pub family_id: Id,
    pub family_name: String,
    pub options: Vec<(String, String)>,
}

/// One store's stock of a product: its opening stock plus the store's counted movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockLevel {
    pub store_id: Id,
    pub opening_stock: Quantity,
    pub stock: Quantity,
}

impl StockLevel {
    pub fn to_document(&self) -> Document {
        doc! {
            field::STORE_ID: oid(self.store_id),
            field::OPENING_STOCK: quantity(self.opening_stock),
            field::STOCK: quantity(self.stock),
        }
    }
}

impl ProductDoc {
    pub fn to_document(&self, currency: &Currency) -> Document {
        let mut doc = doc! {
            field::ID: oid(self.id),
            field::BUSINESS_ID: oid(self.business_id),
            field::STORE_ID: or_null(self.store_id, oid),
            field::PRODUCT_NAME: &self.product_name,
            field::SKU: &self.sku,
            field::BARCODE: self.barcode.as_deref(),
            field::CATEGORY: &self.category,
            field::PRICE: decimal(currency, self.price),
            field::TAX_RATE: or_null(self.tax_rate, percent),
            field::UNIT: self.unit.code(),
            field::STOCK: quantity(self.stock),
            field::OPENING_STOCK: or_null(self.opening_stock, quantity),
            field::STOCK_THRESHOLD: quantity(self.stock_threshold),
            field::SUPPLIER_ID: or_null(self.supplier_id, oid),
            field::REORDER_QUANTITY: quantity(self.reorder_quantity),
            field::UNIT_COST: or_null(self.unit_cost, |cost| decimal(currency, cost)),
            field::CREATED_AT: or_null(self.created_at, date),
        };
        if let Some(variant) = &self.variant {
            doc.insert(field::FAMILY_ID, oid(variant.family_id));
            doc.insert(field::FAMILY_NAME, &variant.family_name);
            let options: Vec<Document> = variant
                .options
                .iter()
                .map(|(name, value)| doc! { field::NAME: name, field::VALUE: value })
                .collect();
            doc.insert(field::OPTIONS, options);
        }
        // Written when there is one: a product of pieces reads as the seed's.
        if self.tare != Quantity::ZERO {
            doc.insert(field::TARE, quantity(self.tare));
        }
        // Left out rather than null: an update's newest-wins filter treats a document
        // without `updated_at` as never changed, and null would match neither arm.
        if let Some(at) = self.updated_at {
            doc.insert(field::UPDATED_AT, date(at));
        }
        // Left out rather than null: "no levels yet" is what the upgrade looks for.
        if let Some(levels) = &self.stock_levels {
            let levels: Vec<Document> = levels.iter().map(StockLevel::to_document).collect();
            doc.insert(field::STOCK_LEVELS, levels);
        }
        doc
    }

    /// Refused without a name, a SKU or a price, with a price of more decimals than the
    /// currency has, an unknown unit, a quantity its unit does not allow, or a stock level
    /// that names no store.
    pub fn from_document(doc: &Document, currency: &Currency) -> Read<ProductDoc> {
        let r = Reader::new(Collection::Products, doc)?;
        let unit = match r.text(field::UNIT)? {
            None => Unit::Piece,
            Some(code) => Unit::parse(&code).map_err(|e| r.refuse(e.to_string()))?,
        };
        let amount = |reader: &Reader<'_>, name: &str| -> Read<Option<Quantity>> {
            let value = reader.quantity(name)?;
            if let Some(value) = value {
                value
                    .fits(unit)
                    .map_err(|e| reader.refuse(format!("has {name} {value}: {e}")))?;
            }
            Ok(value)
        };
        Ok(ProductDoc {
            id: r.id(),
            business_id: r.id_field(field::BUSINESS_ID)?,
            store_id: r.optional_id(field::STORE_ID)?,
            product_name: r.required_text(field::PRODUCT_NAME)?,
            sku: r.required_text(field::SKU)?,
            barcode: r.non_blank(field::BARCODE)?,
            category: r.text(field::CATEGORY)?.unwrap_or_default(),
            price: r.required_money(field::PRICE, currency)?,
            tax_rate: r.percent(field::TAX_RATE)?,
            unit,
            variant: match r.optional_id(field::FAMILY_ID)? {
                None => None,
                Some(family_id) => Some(Variant {
                    family_id,
                    family_name: r.required_text(field::FAMILY_NAME)?,
                    options: r
                        .documents(field::OPTIONS, |option| {
                            Ok((
                                option.required_text(field::NAME)?,
                                option.required_text(field::VALUE)?,
                            ))
                        })?
                        .unwrap_or_default(),
                }),
            },
            tare: amount(&r, field::TARE)?
                .unwrap_or_default()
                .max(Quantity::ZERO),
            stock: amount(&r, field::STOCK)?.unwrap_or_default(),
            opening_stock: amount(&r, field::OPENING_STOCK)?,
            stock_levels: r.documents(field::STOCK_LEVELS, |level| {
                Ok(StockLevel {
                    store_id: level.id_field(field::STORE_ID)?,
                    opening_stock: amount(level, field::OPENING_STOCK)?.unwrap_or_default(),
                    stock: amount(level, field::STOCK)?.unwrap_or_default(),
                })
            })?,
            stock_threshold: amount(&r, field::STOCK_THRESHOLD)?
                .unwrap_or_default()
                .max(Quantity::ZERO),
            supplier_id: r.optional_id(field::SUPPLIER_ID)?,
            reorder_quantity: amount(&r, field::REORDER_QUANTITY)?
                .unwrap_or_default()
                .max(Quantity::ZERO),
            unit_cost: r.money(field::UNIT_COST, currency)?,
            created_at: r.time(field::CREATED_AT)?,
            updated_at: r.time(field::UPDATED_AT)?,
        })
    }

    /// The opening stock of the product at `store`: its entry in `stock_levels` (a store
    /// without one: 0). A document without levels that belongs to `store` opens with its
    /// `opening_stock`, else its `stock`; one for every store says nothing (`None`).
    pub fn opening_stock_at(&self, store: Id) -> Option<Quantity> {
        match &self.stock_levels {
            Some(levels) => Some(
                levels
                    .iter()
                    .find(|level| level.store_id == store)
                    .map_or(Quantity::ZERO, |level| level.opening_stock),
            ),
            None if self.store_id == Some(store) => Some(self.opening_stock.unwrap_or(self.stock)),
            None => None,
        }
    }
}

/// A change made to a product on a till: the fields set, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductUpdate {
    pub changes: Vec<ProductChange>,
    pub updated_at: DateTime<Utc>,
}

/// One field a till may change on a product. Stock is not one: it moves by movements.
#[derive(Debug, Clone, PartialEq)]
pub enum ProductChange {
    Name(String),
    Price(Money),
    /// `None` takes the barcode away.
    Barcode(Option<String>),
    Category(String),
    TaxRate(Percent),
    StockThreshold(Quantity),
    /// `None` takes the supplier away.
    Supplier(Option<Id>),
    ReorderQuantity(Quantity),
    Tare(Quantity),
    /// `None`: the cost is not known.
    UnitCost(Option<Money>),
}

impl ProductChange {
    pub fn field(&self) -> &'static str {
        match self {
            ProductChange::Name(_) => field::PRODUCT_NAME,
            ProductChange::Price(_) => field::PRICE,
            ProductChange::Barcode(_) => field::BARCODE,
            ProductChange::Category(_) => field::CATEGORY,
            ProductChange::TaxRate(_) => field::TAX_RATE,
            ProductChange::StockThreshold(_) => field::STOCK_THRESHOLD,
            ProductChange::Supplier(_) => field::SUPPLIER_ID,
            ProductChange::ReorderQuantity(_) => field::REORDER_QUANTITY,
            ProductChange::UnitCost(_) => field::UNIT_COST,
            ProductChange::Tare(_) => field::TARE,
        }
    }

    fn value(&self, currency: &Currency) -> Bson {
        match self {
            ProductChange::Name(name) | ProductChange::Category(name) => name.as_str().into(),
            ProductChange::Price(price) => decimal(currency, *price),
            ProductChange::Barcode(barcode) => barcode.as_deref().into(),
            ProductChange::TaxRate(rate) => percent(*rate),
            ProductChange::StockThreshold(threshold) => quantity(*threshold),
            ProductChange::Supplier(supplier) => or_null(*supplier, oid),
            ProductChange::ReorderQuantity(amount) | ProductChange::Tare(amount) => {
                quantity(*amount)
            }
            ProductChange::UnitCost(cost) => or_null(*cost, |cost| decimal(currency, cost)),
        }
    }
}

impl ProductUpdate {
    /// The `$set` payload: each changed field and `updated_at`.
    pub fn to_document(&self, currency: &Currency) -> Document {
        let mut set = Document::new();
        for change in &self.changes {
            set.insert(change.field(), change.value(currency));
        }
        set.insert(field::UPDATED_AT, date(self.updated_at));
        set
    }

    /// Refused with a field a till may not set, a value of the wrong type, or no
    /// `updated_at`. `id` is the product's, for the refusal.
    pub fn from_document(id: Id, set: &Document, currency: &Currency) -> Read<ProductUpdate> {
        let mut doc = set.clone();
        doc.insert(field::ID, oid(id));
        let r = Reader::new(Collection::Products, &doc)?;
        let mut changes = Vec::new();
        for name in set.keys() {
            changes.push(match name.as_str() {
                field::UPDATED_AT => continue,
                field::PRODUCT_NAME => ProductChange::Name(r.required_text(name)?),
                field::PRICE => ProductChange::Price(r.required_money(name, currency)?),
                field::BARCODE => ProductChange::Barcode(r.non_blank(name)?),
                field::CATEGORY => ProductChange::Category(r.text(name)?.unwrap_or_default()),
                field::TAX_RATE => ProductChange::TaxRate(
                    r.percent(name)?
                        .ok_or_else(|| r.refuse(format!("has no {name}")))?,
                ),
                field::STOCK_THRESHOLD => ProductChange::StockThreshold(
                    r.quantity(name)?.unwrap_or_default().max(Quantity::ZERO),
                ),
                field::SUPPLIER_ID => ProductChange::Supplier(r.optional_id(name)?),
                field::REORDER_QUANTITY => ProductChange::ReorderQuantity(
                    r.quantity(name)?.unwrap_or_default().max(Quantity::ZERO),
                ),
                field::UNIT_COST => ProductChange::UnitCost(r.money(name, currency)?),
                field::TARE => ProductChange::Tare(r.non_negative_quantity(name)?),
                other => return Err(r.refuse(format!("cannot have {other} set by a till"))),
            });
        }
        Ok(ProductUpdate {
            changes,
            updated_at: r.required_time(field::UPDATED_AT)?,
        })
    }
}
