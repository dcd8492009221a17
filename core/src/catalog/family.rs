//! Product families: a product in options (a T-shirt in sizes and colours), added as a
//! grid of variants. Each variant is a product of its own, with its SKU, barcode, price,
//! stock and threshold, carrying the family's id and name and its options
//! (`sellsync_contract::documents::Variant`); so it is searched, sold, counted, ordered and
//! transferred as any product. The grid is checked whole, then added in one transaction.

use sellsync_contract::family::{self, WantedVariant};
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::quantity::Quantity;

use super::{NewProduct, Product};
use crate::error::{Error, ImportReport, Result};
use crate::staff::Actor;
use crate::till::Till;

/// A family to add, and its grid of variants.
#[derive(Debug, Clone, Default)]
pub struct NewFamily {
    /// "Crew T-shirt"
    pub name: String,
    /// The start of every variant's SKU: `TEE` gives `TEE-M-BLUE`.
    pub sku: String,
    pub category: Option<String>,
    /// Every variant's price, unless its own is given.
    pub price: Money,
    pub tax_rate: Option<Percent>,
    /// Each option and its values, in order: `Size: S, M, L`, `Colour: Blue, Black`.
    pub options: Vec<(String, Vec<String>)>,
    /// The variants, by their values in the options' order; none given: one of every
    /// combination, with the family's price and no stock.
    pub variants: Vec<NewVariant>,
}

/// One variant of a new family: its values, and what differs from the family's.
#[derive(Debug, Clone, Default)]
pub struct NewVariant {
    pub values: Vec<String>,
    /// Its SKU (default: the family's SKU and its values).
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub price: Option<Money>,
    pub stock: Quantity,
    pub threshold: Quantity,
}

/// One variant of every combination of `options`, each with `stock`.
pub fn every_variant(options: &[(String, Vec<String>)], stock: Quantity) -> Vec<NewVariant> {
    family::combinations(options)
        .into_iter()
        .map(|values| NewVariant {
            values,
            stock,
            ..NewVariant::default()
        })
        .collect()
}

/// The family's variants as new products, by the contract's grid rule
/// ([`family::grid`]); whether SKUs and barcodes are taken is checked when they are added.
pub fn grid(new: &NewFamily, family_id: Id) -> Result<Vec<NewProduct>> {
    let wanted: Vec<WantedVariant> = new
        .variants
        .iter()
        .map(|v| WantedVariant {
            values: v.values.clone(),
            sku: v.sku.clone(),
        })
        .collect();
    let grid = family::grid(family_id, &new.name, &new.sku, &new.options, &wanted)
        .map_err(|e| Error::InvalidProduct(e.to_string()))?;
    let none = NewVariant::default();
    Ok(grid
        .into_iter()
        .map(|row| {
            let variant = new.variants.get(row.wanted).unwrap_or(&none);
            NewProduct {
                sku: row.sku,
                product_name: row.product_name,
                price: variant.price.unwrap_or(new.price),
                barcode: variant.barcode.clone(),
                category: new.category.clone(),
                tax_rate: new.tax_rate,
                stock: variant.stock,
                stock_threshold: variant.threshold,
                variant: Some(row.variant),
                ..NewProduct::default()
            }
        })
        .collect())
}

/// One family's share of a list (a product of no family is a share of its own): its name,
/// how many of the list's rows it has, and those rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyShare<'a, T> {
    /// The family's name, or the product's own.
    pub name: String,
    pub rows: Vec<&'a T>,
}

/// `rows` grouped by family, in the order each family first appears: what a stock list or
/// a purchase order rolls up to. `family` is a row's family name, if it has one; `own` its
/// product's name otherwise.
pub fn by_family<'a, T>(
    rows: &'a [T],
    family: impl Fn(&T) -> Option<&str>,
    own: impl Fn(&T) -> &str,
) -> Vec<FamilyShare<'a, T>> {
    let mut shares: Vec<FamilyShare<'a, T>> = Vec::new();
    for row in rows {
        match family(row) {
            Some(name) => match shares.iter_mut().find(|s| s.name == name) {
                Some(share) => share.rows.push(row),
                None => shares.push(FamilyShare {
                    name: name.to_owned(),
                    rows: vec![row],
                }),
            },
            None => shares.push(FamilyShare {
                name: own(row).to_owned(),
                rows: vec![row],
            }),
        }
    }
    shares
}

/// Why a grid's variants were refused, each named by its SKU.
fn refused_variants(products: &[NewProduct], report: &ImportReport) -> String {
    let mut words = String::from("No variant was added:");
    for error in &report.errors {
        let sku = usize::try_from(error.line - 1)
            .ok()
            .and_then(|i| products.get(i))
            .map_or("?", |p| p.sku.as_str());
        words.push_str(&format!("\n  {sku}: {}", error.message));
    }
    words
}

impl Till {
    /// Adds a family as its grid of variants: all of them, or none when any is refused (a
    /// duplicate combination, a SKU or barcode taken or given twice, listed by position).
    /// Needs `manage_inventory`.
    pub fn add_family(&mut self, actor: &Actor, family: &NewFamily) -> Result<Vec<Product>> {
        let family_id = Id::new();
        let products = grid(family, family_id)?;
        self.add_products(actor, &products).map_err(|e| match e {
            Error::Import(report) => Error::InvalidProduct(refused_variants(&products, &report)),
            other => other,
        })?;
        self.family(family_id)
    }

    /// The variants of a family, in the order they were added.
    pub fn family(&self, family_id: Id) -> Result<Vec<Product>> {
        let sql = format!(
            "SELECT {} FROM products WHERE business_id = ?1 AND family_id = ?2 ORDER BY local_id",
            Product::COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            rusqlite::params![self.business().id, family_id],
            Product::from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_roll_up_by_family_in_the_order_families_first_appear() {
        let rows = [
            ("Tee", "Tee, S"),
            ("", "Milk"),
            ("Cap", "Cap, Red"),
            ("Tee", "Tee, M"),
            ("", "Milk"),
        ];
        let shares = by_family(
            &rows,
            |(family, _)| Some(*family).filter(|f| !f.is_empty()),
            |(_, name)| name,
        );
        let seen: Vec<(&str, usize)> = shares
            .iter()
            .map(|s| (s.name.as_str(), s.rows.len()))
            .collect();
        assert_eq!(
            seen,
            [("Tee", 2), ("Milk", 1), ("Cap", 1), ("Milk", 1)],
            "a product of no family is a share of its own, even twice"
        );
    }

    #[test]
    fn each_variant_takes_its_own_price_stock_and_barcode_or_the_familys() {
        let family = NewFamily {
            name: "Crew T-shirt".into(),
            sku: "TEE".into(),
            price: Money::from_minor(1_999),
            options: vec![("Size".into(), vec!["S".into(), "M".into()])],
            variants: vec![
                NewVariant {
                    values: vec!["M".into()],
                    price: Some(Money::from_minor(2_199)),
                    barcode: Some("4006381333931".into()),
                    stock: Quantity::units(4),
                    ..NewVariant::default()
                },
                NewVariant {
                    values: vec!["S".into()],
                    ..NewVariant::default()
                },
            ],
            ..NewFamily::default()
        };
        let products = grid(&family, Id::new()).unwrap();
        let got: Vec<(&str, i64, Option<&str>, Quantity)> = products
            .iter()
            .map(|p| {
                (
                    p.sku.as_str(),
                    p.price.minor(),
                    p.barcode.as_deref(),
                    p.stock,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("TEE-M", 2_199, Some("4006381333931"), Quantity::units(4)),
                ("TEE-S", 1_999, None, Quantity::ZERO)
            ]
        );
    }
}
