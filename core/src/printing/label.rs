//! Labels, for the printer to lay out: a product's shelf label (its name, its price with
//! the currency's symbol, per unit for goods sold by weight, its SKU and the code to scan)
//! and a weighed item's label (its weight, price per unit and price, and a code that
//! carries its weight or price by the business's label rules, for the till to read back).

use sellsync_contract::embedded_barcodes::Meaning;
use sellsync_contract::money::Money;
use sellsync_contract::quantity::{Quantity, Unit};

use crate::catalog::Product;
use crate::error::{Error, Result};
use crate::sell::cart::check_quantity;
use crate::till::Till;

/// A product's shelf label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShelfLabel {
    pub name: String,
    /// `$12.99`
    pub price: String,
    pub sku: String,
    /// The code the label carries as a barcode: the product's barcode, else its SKU.
    pub code: String,
}

/// A weighed item's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeighedLabel {
    pub name: String,
    /// `0.742 kg`
    pub weight: String,
    /// `$9.90/kg`
    pub unit_price: String,
    /// `$7.35`
    pub price: String,
    /// The label's code: the product's, with its weight (or price) written in.
    pub code: String,
}

/// A weight in thousandths as the digits of a value of `decimals` decimals, when it is
/// exactly that many (a 0.7425 kg weight has no 2-decimal label).
fn thousandths_in(thousandths: i64, decimals: u8) -> Option<u64> {
    let scaled = match u32::from(decimals) {
        d @ 3.. => thousandths.checked_mul(10_i64.pow(d - 3))?,
        d => {
            let step = 10_i64.pow(3 - d);
            (thousandths % step == 0).then_some(thousandths / step)?
        }
    };
    u64::try_from(scaled).ok()
}

impl Till {
    /// A price as a label writes it: `$2.99`, and `$2.99/kg` for goods sold by measure.
    fn label_price(&self, price: Money, unit: Unit) -> String {
        let currency = self.currency();
        let per = match unit {
            Unit::Piece => String::new(),
            measured => format!("/{measured}"),
        };
        format!("{}{}{per}", currency.symbol(), currency.format(price))
    }

    /// The label of `weight` of the product with this barcode or SKU, sold by measure: its
    /// code carries the weight by a weight rule of the business that reads the product's
    /// own code, as the till sells a weight label (a price label sells a pack). Refused for
    /// a product of pieces, a weight it is not sold in, or a product no weight rule reads.
    pub fn weighed_label(&self, code: &str, weight: Quantity) -> Result<WeighedLabel> {
        let product = self.require_product(code)?;
        if !product.unit.is_measured() {
            return Err(Error::NotWeighed(product.product_name));
        }
        check_quantity(weight, product.unit)?;
        let price = product.price.times(weight)?;
        let filed = product.barcode.as_deref().unwrap_or_default();
        let label_code = self
            .business()
            .barcode_rules
            .iter()
            .filter(|rule| rule.meaning == Meaning::Weight)
            .find_map(|rule| {
                let digits = thousandths_in(weight.thousandths(), rule.decimals)?;
                rule.compose(filed, digits)
            })
            .ok_or_else(|| Error::NoLabelCode(product.product_name.clone()))?;
        Ok(WeighedLabel {
            weight: weight.with_unit(product.unit),
            unit_price: self.label_price(product.price, product.unit),
            price: self.label_price(price, Unit::Piece),
            code: label_code,
            name: product.product_name,
        })
    }

    /// The shelf label of the product with this barcode or SKU.
    pub fn shelf_label(&self, code: &str) -> Result<ShelfLabel> {
        let product: Product = self.require_product(code)?;
        Ok(ShelfLabel {
            price: self.label_price(product.price, product.unit),
            code: product
                .barcode
                .clone()
                .unwrap_or_else(|| product.sku.clone()),
            name: product.product_name,
            sku: product.sku,
        })
    }
}
