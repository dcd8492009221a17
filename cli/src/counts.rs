//! `sellsync count`: counting a shelf or the whole store by scanning, posted as "count"
//! adjustments.

use anyhow::Result;
use clap::Subcommand;
use sellsync_contract::Quantity;
use sellsync_core::Till;

use crate::args::parse_item;
use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub enum CountCommand {
    /// Start counting the store, or one category (needs manage_inventory)
    Start {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        category: Option<String>,
    },
    /// Count a product: its barcode or SKU, and how many if more than one (CODE:QTY)
    Scan {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(value_name = "CODE[:QTY]")]
        item: String,
    },
    /// Correct how many of a product were counted (0: none on the shelf)
    Set {
        #[command(flatten)]
        sign_in: SignIn,
        code: String,
        counted: Quantity,
    },
    /// The open count: each product's level when it started, what was counted
    Show,
    /// Post the open count: each difference becomes an adjustment with the reason "count"
    Post {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Give up the open count: nothing is adjusted
    Cancel {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

pub fn count(till: &mut Till, command: CountCommand, out: &Printer) -> Result<()> {
    match command {
        CountCommand::Start {
            sign_in: who,
            category,
        } => {
            let actor = sign_in(till, &who)?;
            let count = till.start_count(&actor, category.as_deref())?;
            out.stock_count(Some(&count))
        }
        CountCommand::Scan { sign_in: who, item } => {
            let actor = sign_in(till, &who)?;
            let (code, quantity) = parse_item(&item)?;
            till.count_scan(&actor, code, quantity)?;
            out.stock_count(till.open_count()?.as_ref())
        }
        CountCommand::Set {
            sign_in: who,
            code,
            counted,
        } => {
            let actor = sign_in(till, &who)?;
            till.count_set(&actor, &code, counted)?;
            out.stock_count(till.open_count()?.as_ref())
        }
        CountCommand::Show => out.stock_count(till.open_count()?.as_ref()),
        CountCommand::Post { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            out.posted_count(&till.post_count(&actor)?)
        }
        CountCommand::Cancel { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            till.cancel_count(&actor)?;
            out.stock_count(None)
        }
    }
}
