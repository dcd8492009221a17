//! Shelf labels: what a product's label on the shelf says (its name, its price with the
//! currency's symbol, its SKU and the code to scan), for the printer to lay out.

use crate::error::Result;
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

impl Till {
    /// The shelf label of the product with this barcode or SKU.
    pub fn shelf_label(&self, code: &str) -> Result<ShelfLabel> {
        let product = self.require_product(code)?;
        let currency = self.currency();
        Ok(ShelfLabel {
            price: format!("{}{}", currency.symbol(), currency.format(product.price)),
            code: product
                .barcode
                .clone()
                .unwrap_or_else(|| product.sku.clone()),
            name: product.product_name,
            sku: product.sku,
        })
    }
}
