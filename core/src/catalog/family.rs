//! Product families: a product in options (a T-shirt in sizes and colours), added as a
//! grid of variants. Each variant is a product of its own, with its SKU, barcode, price,
//! stock and threshold, carrying the family's id and name and its options
//! (`sellsync_contract::documents::Variant`); so it is searched, sold, counted, ordered and
//! transferred as any product. The grid is checked whole, then added in one transaction.

use sellsync_contract::documents::Variant;
use sellsync_contract::ids::Id;
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::quantity::Quantity;

use super::{NewProduct, Product};
use crate::error::{Error, Result};
use crate::staff::Actor;
use crate::till::Till;

/// The most options a family has, and values an option has.
const MAX_OPTIONS: usize = 3;
const MAX_VALUES: usize = 30;

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

fn refused(text: impl Into<String>) -> Error {
    Error::InvalidProduct(text.into())
}

/// The family's options checked: named, each once, with values, none twice.
fn check_options(options: &[(String, Vec<String>)]) -> Result<Vec<(String, Vec<String>)>> {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(refused(format!(
            "A family has 1 to {MAX_OPTIONS} options, such as size and colour."
        )));
    }
    let mut checked: Vec<(String, Vec<String>)> = Vec::new();
    for (name, values) in options {
        let name = name.trim();
        if name.is_empty() {
            return Err(refused("Every option needs a name, such as Size."));
        }
        if checked.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(refused(format!("The option {name} is given twice.")));
        }
        let mut kept: Vec<String> = Vec::new();
        for value in values.iter().map(|v| v.trim()) {
            if value.is_empty() {
                return Err(refused(format!("{name} has an empty value.")));
            }
            if kept.iter().any(|k| k.eq_ignore_ascii_case(value)) {
                return Err(refused(format!("{name} has the value {value} twice.")));
            }
            kept.push(value.to_owned());
        }
        if kept.is_empty() || kept.len() > MAX_VALUES {
            return Err(refused(format!(
                "{name} needs 1 to {MAX_VALUES} values, such as S, M, L."
            )));
        }
        checked.push((name.to_owned(), kept));
    }
    Ok(checked)
}

/// Every combination of the options' values, in order (S-Blue, S-Black, M-Blue, …).
fn combinations(options: &[(String, Vec<String>)]) -> Vec<Vec<String>> {
    options.iter().fold(vec![Vec::new()], |grid, (_, values)| {
        grid.iter()
            .flat_map(|row| {
                values.iter().map(move |value| {
                    let mut next = row.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect()
    })
}

/// One variant of every combination of `options`, each with `stock`.
pub fn every_variant(options: &[(String, Vec<String>)], stock: Quantity) -> Vec<NewVariant> {
    combinations(options)
        .into_iter()
        .map(|values| NewVariant {
            values,
            stock,
            ..NewVariant::default()
        })
        .collect()
}

/// A variant's default SKU: the family's, then each value in capitals, by dashes.
fn variant_sku(family: &str, values: &[String]) -> String {
    let parts = values.iter().map(|v| {
        v.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
    });
    std::iter::once(family.trim().to_owned())
        .chain(parts)
        .collect::<Vec<_>>()
        .join("-")
}

/// The family's variants as new products, checked against the options (pure): a value of
/// no option or a combination given twice is refused; SKUs and barcodes are checked when
/// they are added, all together.
pub fn grid(family: &NewFamily, family_id: Id) -> Result<Vec<NewProduct>> {
    let name = family.name.trim();
    if name.is_empty() {
        return Err(refused("A family needs a name, such as Crew T-shirt."));
    }
    let options = check_options(&family.options)?;
    let wanted: Vec<NewVariant> = if family.variants.is_empty() {
        every_variant(&options, Quantity::ZERO)
    } else {
        family.variants.clone()
    };
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut products = Vec::with_capacity(wanted.len());
    for variant in wanted {
        if variant.values.len() != options.len() {
            return Err(refused(format!(
                "A variant names one value of each option ({}): {} does not.",
                options
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                variant.values.join(", ")
            )));
        }
        let mut values = Vec::with_capacity(options.len());
        for ((option, allowed), value) in options.iter().zip(&variant.values) {
            let value = value.trim();
            let found = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(value))
                .ok_or_else(|| refused(format!("{value} is not a value of {option}.")))?;
            values.push(found.clone());
        }
        if seen.contains(&values) {
            return Err(refused(format!(
                "The variant {} is given twice.",
                values.join(", ")
            )));
        }
        seen.push(values.clone());
        products.push(NewProduct {
            sku: variant
                .sku
                .unwrap_or_else(|| variant_sku(&family.sku, &values)),
            product_name: format!("{name}, {}", values.join(", ")),
            price: variant.price.unwrap_or(family.price),
            barcode: variant.barcode,
            category: family.category.clone(),
            tax_rate: family.tax_rate,
            stock: variant.stock,
            stock_threshold: variant.threshold,
            variant: Some(Variant {
                family_id,
                family_name: name.to_owned(),
                options: options
                    .iter()
                    .map(|(option, _)| option.clone())
                    .zip(values)
                    .collect(),
            }),
            ..NewProduct::default()
        });
    }
    Ok(products)
}

impl Till {
    /// Adds a family as its grid of variants: all of them, or none when any is refused (a
    /// duplicate combination, a SKU or barcode taken or given twice, listed by position).
    /// Needs `manage_inventory`.
    pub fn add_family(&mut self, actor: &Actor, family: &NewFamily) -> Result<Vec<Product>> {
        let family_id = Id::new();
        let products = grid(family, family_id)?;
        self.add_products(actor, &products)?;
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

    fn shirts() -> NewFamily {
        NewFamily {
            name: "Crew T-shirt".into(),
            sku: "TEE".into(),
            price: Money::from_minor(1_999),
            options: vec![
                ("Size".into(), vec!["S".into(), "M".into(), "L".into()]),
                ("Colour".into(), vec!["Blue".into(), "Off white".into()]),
            ],
            ..NewFamily::default()
        }
    }

    #[test]
    fn the_grid_is_every_combination_named_and_coded_in_order() {
        let products = grid(&shirts(), Id::new()).unwrap();
        let skus: Vec<&str> = products.iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(
            skus,
            [
                "TEE-S-BLUE",
                "TEE-S-OFF-WHITE",
                "TEE-M-BLUE",
                "TEE-M-OFF-WHITE",
                "TEE-L-BLUE",
                "TEE-L-OFF-WHITE"
            ]
        );
        assert_eq!(products[2].product_name, "Crew T-shirt, M, Blue");
        let variant = products[2].variant.as_ref().unwrap();
        assert_eq!(
            variant.options,
            [
                ("Size".into(), "M".into()),
                ("Colour".into(), "Blue".into())
            ]
        );
    }

    #[test]
    fn a_bad_grid_is_refused_in_words() {
        let words = |change: fn(&mut NewFamily)| {
            let mut family = shirts();
            change(&mut family);
            grid(&family, Id::new()).unwrap_err().to_string()
        };
        assert!(words(|f| f.name = " ".into()).contains("needs a name"));
        assert!(words(|f| f.options.clear()).contains("1 to 3 options"));
        assert!(words(|f| f.options[1].0 = "size".into()).contains("given twice"));
        assert!(words(|f| f.options[0].1.push("m".into())).contains("the value m twice"));
        assert!(words(|f| f.variants = vec![
            NewVariant {
                values: vec!["M".into(), "Blue".into()],
                ..NewVariant::default()
            },
            NewVariant {
                values: vec!["m".into(), "blue".into()],
                ..NewVariant::default()
            },
        ])
        .contains("The variant M, Blue is given twice"));
        assert!(words(|f| f.variants = vec![NewVariant {
            values: vec!["XL".into(), "Blue".into()],
            ..NewVariant::default()
        }])
        .contains("XL is not a value of Size"));
        assert!(words(|f| f.variants = vec![NewVariant {
            values: vec!["M".into()],
            ..NewVariant::default()
        }])
        .contains("one value of each option"));
    }
}
