//! What a scanned code is: a product's own code, or a label that one of the business's
//! barcode rules reads (a price, a weight or a count printed into it by a scale or a label
//! printer) and the product the label is for.

use bson::doc;
use rusqlite::params;
use sellsync_contract::documents::{barcode_rules_bson, date, field, Collection, Op};
use sellsync_contract::embedded_barcodes::{self, BarcodeRule, Meaning, Value};
use sellsync_contract::ids;
use sellsync_contract::money::{Currency, Money};
use sellsync_contract::quantity::Quantity;
use tracing::info;

use super::product::Product;
use crate::db::outbox;
use crate::error::{Error, Result};
use crate::staff::{Actor, Permission};
use crate::till::Till;

/// A scanned code, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Scanned {
    /// A product's own barcode or SKU.
    Product(Product),
    /// A label a rule reads.
    Label { product: Product, label: Label },
}

/// What a label carries beside its product.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The rule that read it.
    pub rule: String,
    /// The item's digits.
    pub item: String,
    /// The code the product is filed under.
    pub product_code: String,
    pub value: LabelValue,
}

/// The value on a label, in the till's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelValue {
    /// What the labelled item costs.
    Price(Money),
    /// Its weight in the product's unit, and what that weight costs at the product's
    /// price per unit.
    Weight { weight: Quantity, price: Money },
    /// How many pieces.
    Count(i64),
}

impl Till {
    /// What `code` is: a product's own code, or a label of the business's barcode rules and
    /// its product. A product's own code wins over a rule that would read it as a label:
    /// in-store codes and labels share the `2…` range, and a product found by its code is
    /// never refused for a verifier digit that is not one. A label whose check digit or
    /// verifier digit is wrong, or whose item no product has, is refused in words.
    pub fn read_code(&self, code: &str) -> Result<Scanned> {
        if let Some(product) = self.find_product(code)? {
            return Ok(Scanned::Product(product));
        }
        let rules = &self.business().barcode_rules;
        let Some(read) = embedded_barcodes::read(rules, code)? else {
            return Err(Error::UnknownProduct(code.trim().to_owned()));
        };
        let product =
            self.find_product(&read.product_code)?
                .ok_or_else(|| Error::UnknownLabelItem {
                    code: read.code.clone(),
                    item: read.item.clone(),
                    product_code: read.product_code.clone(),
                })?;
        let value = match read.value.meaning {
            Meaning::Price => {
                LabelValue::Price(label_price(read.value, self.currency(), &read.code)?)
            }
            Meaning::Weight => {
                let weight = weight(read.value);
                LabelValue::Weight {
                    weight,
                    price: product.price.times(weight)?,
                }
            }
            Meaning::Count => LabelValue::Count(read.value.digits as i64),
        };
        Ok(Scanned::Label {
            label: Label {
                rule: read.rule.name.clone(),
                item: read.item,
                product_code: read.product_code,
                value,
            },
            product,
        })
    }
}

/// A label's price in the currency's minor units; refused when the label writes more
/// decimals than the currency has (the rule's decimals are wrong for it).
fn label_price(value: Value, currency: &Currency, code: &str) -> Result<Money> {
    let (have, want) = (u32::from(value.decimals), u32::from(currency.decimals()));
    if have > want {
        return Err(Error::LabelDecimals {
            code: code.to_owned(),
            decimals: value.decimals,
            currency: currency.code().to_owned(),
        });
    }
    Ok(Money::from_minor(
        value.digits as i64 * 10_i64.pow(want - have),
    ))
}

/// A label's weight (labels carry at most three decimals of a weight; more are read down
/// to the thousandth).
fn weight(value: Value) -> Quantity {
    let digits = value.digits as i64;
    Quantity::from_thousandths(match value.decimals {
        d @ 0..=3 => digits * 10_i64.pow(3 - u32::from(d)),
        d => digits / 10_i64.pow(u32::from(d) - 3),
    })
}

impl Till {
    /// Sets how the business's labels are read, for every till of it (an administrator's,
    /// verified by the central service when it syncs). The rules are checked together;
    /// an empty list reads no label.
    pub fn set_barcode_rules(&mut self, actor: &Actor, rules: &[BarcodeRule]) -> Result<()> {
        actor.require(Permission::ManageSettings)?;
        embedded_barcodes::check_rules(rules)?;
        let now = ids::now();
        let json = serde_json::to_string(rules).expect("barcode rules are plain data");
        self.write_as(actor, |tx, ctx| {
            tx.execute(
                "UPDATE businesses SET barcode_rules = ?2 WHERE _id = ?1",
                params![ctx.business.id, json],
            )?;
            outbox::append(
                tx,
                Collection::Businesses,
                ctx.business.id,
                Op::Update,
                doc! {
                    field::SETTINGS_BARCODE_RULES: barcode_rules_bson(rules),
                    field::UPDATED_AT: date(now),
                },
                now,
            )
        })?;
        info!(rules = rules.len(), "barcode rules set");
        self.business.barcode_rules = rules.to_vec();
        Ok(())
    }
}
