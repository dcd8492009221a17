//! `sellsync supplier`: the business's suppliers; `sellsync po`: the store's purchase
//! orders (drafted, changed, ordered, received, cancelled, exported for the supplier).

use sellsync_contract::Quantity;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use sellsync_contract::documents::OrderStatus;
use sellsync_core::purchasing::export::{to_csv, to_page, Orderer};
use sellsync_core::purchasing::orders::{OrderLineInput, ReceivedLine};
use sellsync_core::purchasing::suppliers::NewSupplier;
use sellsync_core::Till;

use crate::args::{parse_item, parse_order_item};
use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub enum SupplierCommand {
    /// Add a supplier (needs manage_inventory)
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        name: String,
        /// Who to talk to there
        #[arg(long, default_value = "")]
        contact: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long, default_value = "")]
        address: String,
    },
    /// The business's suppliers
    List,
}

pub fn supplier(till: &mut Till, command: SupplierCommand, out: &Printer) -> Result<()> {
    match command {
        SupplierCommand::Add {
            sign_in: who,
            name,
            contact,
            email,
            phone,
            address,
        } => {
            let actor = sign_in(till, &who)?;
            let added = till.add_supplier(
                &actor,
                &NewSupplier {
                    supplier_name: name,
                    contact_person: contact,
                    email,
                    phone,
                    address,
                },
            )?;
            out.suppliers(std::slice::from_ref(&added))
        }
        SupplierCommand::List => out.suppliers(&till.suppliers()?),
    }
}

#[derive(Subcommand)]
pub enum OrderCommand {
    /// Draft a purchase order to a supplier for this store (needs manage_inventory)
    Create {
        #[command(flatten)]
        sign_in: SignIn,
        /// The supplier: its id or name
        #[arg(long)]
        supplier: String,
        /// When the delivery is expected (YYYY-MM-DD)
        #[arg(long)]
        expected: Option<NaiveDate>,
        /// A line: barcode or SKU, quantity and, optionally, the unit cost
        /// (CODE:QTY@COST; without a cost, the product's); repeat for more
        #[arg(long = "item", value_name = "CODE[:QTY][@COST]")]
        items: Vec<String>,
    },
    /// Add lines to a draft (a product on it already gets the quantity added)
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        order: String,
        #[arg(long = "item", value_name = "CODE[:QTY][@COST]", required = true)]
        items: Vec<String>,
    },
    /// Set how many of a product a draft orders (0 takes the line off)
    Set {
        #[command(flatten)]
        sign_in: SignIn,
        order: String,
        /// The product's barcode or SKU
        code: String,
        quantity: Quantity,
    },
    /// Mark a draft ordered: it went to the supplier
    Order {
        #[command(flatten)]
        sign_in: SignIn,
        order: String,
    },
    /// Receive a delivery against an ordered order: sound units into stock, damaged ones
    /// recorded (needs manage_inventory)
    Receive {
        #[command(flatten)]
        sign_in: SignIn,
        order: String,
        /// What came in sound: barcode or SKU, quantity and, if it changed, the unit cost
        /// (CODE:QTY@COST); repeat for more
        #[arg(long = "item", value_name = "CODE[:QTY][@COST]")]
        items: Vec<String>,
        /// What came in broken (CODE:QTY): recorded, not put into stock
        #[arg(long = "damaged", value_name = "CODE[:QTY]")]
        damaged: Vec<String>,
    },
    /// Cancel a draft or an ordered order that nothing came in of
    Cancel {
        #[command(flatten)]
        sign_in: SignIn,
        order: String,
    },
    /// The store's purchase orders, newest first
    List {
        #[arg(long, value_parser = parse_status)]
        status: Option<OrderStatus>,
    },
    /// One purchase order, its lines and what came in
    Show {
        order: String,
        /// Each family's variants rolled up into one line
        #[arg(long)]
        by_family: bool,
    },
    /// Write an order for the supplier, as CSV and/or a printable page (HTML), and show it
    Export {
        order: String,
        #[arg(long, value_name = "FILE", required_unless_present = "page")]
        csv: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        page: Option<PathBuf>,
    },
}

fn parse_status(text: &str) -> std::result::Result<OrderStatus, String> {
    OrderStatus::parse(text)
        .ok_or_else(|| "one of draft, ordered, partially_received, received, cancelled".to_owned())
}

fn lines(till: &Till, items: &[String]) -> Result<Vec<OrderLineInput>> {
    items
        .iter()
        .map(|text| {
            let (code, quantity, unit_price) = parse_order_item(text, till.currency())?;
            Ok(OrderLineInput {
                product: till.require_product(code)?,
                quantity,
                unit_price,
            })
        })
        .collect()
}

pub fn order(till: &mut Till, command: OrderCommand, out: &Printer) -> Result<()> {
    let order = match command {
        OrderCommand::Create {
            sign_in: who,
            supplier,
            expected,
            items,
        } => {
            let actor = sign_in(till, &who)?;
            let supplier = till.find_supplier(&supplier)?;
            let lines = lines(till, &items)?;
            till.create_purchase_order(&actor, supplier.id, expected, &lines)?
        }
        OrderCommand::Add {
            sign_in: who,
            order,
            items,
        } => {
            let actor = sign_in(till, &who)?;
            let lines = lines(till, &items)?;
            till.add_to_purchase_order(&actor, &order, &lines)?
        }
        OrderCommand::Set {
            sign_in: who,
            order,
            code,
            quantity,
        } => {
            let actor = sign_in(till, &who)?;
            let product = till.require_product(&code)?;
            till.set_purchase_order_quantity(&actor, &order, product.id, quantity)?
        }
        OrderCommand::Order {
            sign_in: who,
            order,
        } => {
            let actor = sign_in(till, &who)?;
            till.mark_purchase_order_ordered(&actor, &order)?
        }
        OrderCommand::Receive {
            sign_in: who,
            order,
            items,
            damaged,
        } => {
            let actor = sign_in(till, &who)?;
            let mut received: Vec<ReceivedLine> = Vec::new();
            for line in lines(till, &items)? {
                received.push(ReceivedLine {
                    product: line.product,
                    quantity: line.quantity,
                    damaged: Quantity::ZERO,
                    unit_cost: line.unit_price,
                });
            }
            for text in &damaged {
                let (code, quantity) = parse_item(text)?;
                let product = till.require_product(code)?;
                match received.iter_mut().find(|r| r.product.id == product.id) {
                    Some(line) => line.damaged += quantity,
                    None => received.push(ReceivedLine {
                        product,
                        quantity: Quantity::ZERO,
                        damaged: quantity,
                        unit_cost: None,
                    }),
                }
            }
            till.receive_purchase_order(&actor, &order, &received)?
        }
        OrderCommand::Cancel {
            sign_in: who,
            order,
        } => {
            let actor = sign_in(till, &who)?;
            till.cancel_purchase_order(&actor, &order)?
        }
        OrderCommand::List { status } => {
            // Listing the orders is when a manager looks: the late ones are notified.
            till.raise_overdue_orders(till.today())?;
            return out.purchase_orders(till, &till.purchase_orders(status)?);
        }
        OrderCommand::Show { order, by_family } => {
            let order = till.purchase_order(&order)?;
            if by_family {
                return out.order_by_family(till, &order);
            }
            order
        }
        OrderCommand::Export { order, csv, page } => {
            let order = till.purchase_order(&order)?;
            let write = |file: &PathBuf, text: String| {
                std::fs::write(file, text)
                    .with_context(|| format!("could not write {}", file.display()))
            };
            if let Some(file) = &csv {
                write(file, to_csv(&order, till.currency())?)?;
            }
            if let Some(file) = &page {
                let supplier = till.find_supplier(&order.supplier_id.to_string())?;
                let from = Orderer {
                    business_name: &till.business().business_name,
                    store: till.store(),
                };
                write(file, to_page(&order, &supplier, &from, till.currency())?)?;
            }
            order
        }
    };
    out.purchase_orders(till, std::slice::from_ref(&order))
}
