//! Products: added, edited, imported from a CSV file and found (`sellsync product`).

use sellsync_contract::{Quantity, Unit};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use sellsync_core::catalog::family::{self, NewFamily};
use sellsync_core::catalog::ProductChanges;
use sellsync_core::{NewProduct, Percent, Till};

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub(crate) enum ProductCommand {
    /// Add one product
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Price as written: 9.99
        #[arg(long, allow_negative_numbers = true)]
        price: String,
        #[arg(long)]
        barcode: Option<String>,
        /// How it is sold: piece, or by kg, g, lb, oz, l or m (then --price is per unit)
        #[arg(long, default_value = "piece")]
        unit: String,
        /// Opening stock, in its unit: 24 or 12.5
        #[arg(long, default_value_t = Quantity::ZERO, allow_negative_numbers = true)]
        stock: Quantity,
        /// Low-stock threshold
        #[arg(long, default_value_t = Quantity::ZERO, allow_negative_numbers = true)]
        threshold: Quantity,
        /// Tax rate in percent: 8.875 [default: the business's]
        #[arg(long)]
        tax_rate: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Sold at this till's store only (otherwise at every store of the business, each
        /// with its own stock; the opening stock is this store's)
        #[arg(long)]
        this_store_only: bool,
    },
    /// Import products from CSV (sku,name,price[,barcode,category,tax_rate,stock,threshold]);
    /// nothing is imported if any row is bad
    Import {
        #[command(flatten)]
        sign_in: SignIn,
        file: PathBuf,
    },
    /// Change a product's name, price, barcode, category, tax rate or threshold
    /// (stock moves only with `stock adjust` and `stock restock`)
    Edit {
        #[command(flatten)]
        sign_in: SignIn,
        /// The product's barcode or SKU
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        price: Option<String>,
        #[arg(long, conflicts_with = "no_barcode")]
        barcode: Option<String>,
        /// Remove the product's barcode
        #[arg(long)]
        no_barcode: bool,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        tax_rate: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        threshold: Option<Quantity>,
        /// The supplier to reorder from: its id or name
        #[arg(long, conflicts_with = "no_supplier")]
        supplier: Option<String>,
        /// Take the supplier away
        #[arg(long)]
        no_supplier: bool,
        /// How many to order when the product falls to its threshold (0: never)
        #[arg(long, allow_negative_numbers = true)]
        reorder_qty: Option<Quantity>,
        /// What the supplier charges for one
        #[arg(long, allow_negative_numbers = true)]
        cost: Option<String>,
        /// What its container weighs, taken off the scale's weight (goods sold by weight)
        #[arg(long, allow_negative_numbers = true)]
        tare: Option<Quantity>,
    },
    /// Add a family of variants, one of every combination of its options
    Family {
        #[command(flatten)]
        sign_in: SignIn,
        /// Every variant's SKU starts with it: TEE gives TEE-M-BLUE
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Every variant's price, as written: 19.99
        #[arg(long)]
        price: String,
        /// An option and its values: Size=S,M,L (once per option, in order)
        #[arg(long = "option", required = true)]
        options: Vec<String>,
        #[arg(long)]
        category: Option<String>,
        /// Each variant's opening stock at this till's store
        #[arg(long, default_value_t = Quantity::ZERO)]
        stock: Quantity,
    },
    /// Find a product by barcode or SKU, or search by name
    Find {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

pub(crate) fn product(till: &mut Till, command: ProductCommand, out: &Printer) -> Result<()> {
    match command {
        ProductCommand::Add {
            sign_in: who,
            sku,
            name,
            price,
            barcode,
            unit,
            stock,
            threshold,
            tax_rate,
            category,
            this_store_only,
        } => {
            let actor = sign_in(till, &who)?;
            let new = NewProduct {
                sku,
                product_name: name,
                price: till.currency().parse_non_negative(&price)?,
                barcode,
                category,
                tax_rate: tax_rate.as_deref().map(Percent::parse).transpose()?,
                unit: Unit::parse(&unit)?,
                stock,
                stock_threshold: threshold,
                only_this_store: this_store_only,
                ..NewProduct::default()
            };
            let product = till.add_product(&actor, &new)?;
            out.products(till, std::slice::from_ref(&product))
        }
        ProductCommand::Family {
            sign_in: who,
            sku,
            name,
            price,
            options,
            category,
            stock,
        } => {
            let actor = sign_in(till, &who)?;
            let options = options
                .iter()
                .map(|option| {
                    let (name, values) = option.split_once('=').with_context(|| {
                        format!("{option:?} is not an option: write it as Size=S,M,L")
                    })?;
                    Ok((
                        name.to_owned(),
                        values.split(',').map(str::to_owned).collect(),
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            let price = till.currency().parse_non_negative(&price)?;
            let family = NewFamily {
                name,
                sku,
                category,
                price,
                options: options.clone(),
                variants: family::every_variant(&options, stock),
                ..NewFamily::default()
            };
            let products = till.add_family(&actor, &family)?;
            out.products(till, &products)
        }
        ProductCommand::Import { sign_in: who, file } => {
            let actor = sign_in(till, &who)?;
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let count = till.import_products(&actor, std::io::BufReader::new(reader))?;
            out.imported(count)
        }
        ProductCommand::Edit {
            sign_in: who,
            code,
            name,
            price,
            barcode,
            no_barcode,
            category,
            tax_rate,
            threshold,
            supplier,
            no_supplier,
            reorder_qty,
            cost,
            tare,
        } => {
            let actor = sign_in(till, &who)?;
            let supplier_id = match (supplier, no_supplier) {
                (Some(s), _) => Some(Some(till.find_supplier(&s)?.id)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let changes = ProductChanges {
                product_name: name,
                price: price
                    .as_deref()
                    .map(|p| till.currency().parse_non_negative(p))
                    .transpose()?,
                barcode: if no_barcode {
                    Some(None)
                } else {
                    barcode.map(Some)
                },
                category,
                tax_rate: tax_rate.as_deref().map(Percent::parse).transpose()?,
                stock_threshold: threshold,
                supplier_id,
                reorder_quantity: reorder_qty,
                tare,
                unit_cost: cost
                    .as_deref()
                    .map(|c| till.currency().parse_non_negative(c).map(Some))
                    .transpose()?,
            };
            let product = till.update_product(&actor, &code, &changes)?;
            out.products(till, std::slice::from_ref(&product))
        }
        ProductCommand::Find { text, limit } => {
            let found = match till.find_product(&text)? {
                Some(product) => vec![product],
                None => till.search_products(&text, limit)?,
            };
            if found.is_empty() {
                bail!("no product matches {text:?}");
            }
            out.products(till, &found)
        }
    }
}
