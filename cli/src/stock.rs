//! Stock: the levels, corrections and restocks, the ledger checked (`sellsync stock`), and
//! the store's notifications (`sellsync notifications`).

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use sellsync_contract::Quantity;
use sellsync_core::Till;

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct StockArgs {
    /// Only products at or below their low-stock threshold
    #[arg(long)]
    low: bool,
    /// Each family's variants rolled up into one line (their total, how many are low)
    #[arg(long)]
    by_family: bool,
    #[command(subcommand)]
    action: Option<StockCommand>,
}

#[derive(Subcommand)]
pub(crate) enum StockCommand {
    /// Correct a product's stock by DELTA (negative takes stock out)
    Adjust {
        #[command(flatten)]
        sign_in: SignIn,
        code: String,
        #[arg(allow_negative_numbers = true)]
        delta: Quantity,
        #[arg(long)]
        reason: String,
    },
    /// Receive QTY units of a product
    Restock {
        #[command(flatten)]
        sign_in: SignIn,
        code: String,
        quantity: Quantity,
        #[arg(long, default_value = "delivery")]
        reason: String,
    },
    /// Recompute every product's stock from the ledger and compare
    Verify,
}

/// `sellsync stock`: the levels (the low ones with `--low`), or a correction, a restock, the
/// ledger checked.
pub(crate) fn stock(till: &mut Till, args: StockArgs, out: &Printer) -> Result<()> {
    match args.action {
        None if args.by_family => out.stock_by_family(&till.stock_levels(args.low)?),
        None => out.stock(till, &till.stock_levels(args.low)?),
        Some(StockCommand::Adjust {
            sign_in: who,
            code,
            delta,
            reason,
        }) => {
            let actor = sign_in(till, &who)?;
            out.stock_change(&till.adjust_stock(&actor, &code, delta, &reason)?)
        }
        Some(StockCommand::Restock {
            sign_in: who,
            code,
            quantity,
            reason,
        }) => {
            let actor = sign_in(till, &who)?;
            out.stock_change(&till.restock(&actor, &code, quantity, &reason)?)
        }
        Some(StockCommand::Verify) => {
            let check = till.verify_stock_ledger()?;
            out.ledger_check(&check)?;
            if !check.mismatches.is_empty() {
                bail!(
                    "{} products disagree with their ledger",
                    check.mismatches.len()
                );
            }
            Ok(())
        }
    }
}

/// `sellsync notifications`: the store's, newest first (only the unread with `--unread`).
#[derive(Args)]
pub(crate) struct NotificationArgs {
    #[arg(long)]
    unread: bool,
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

pub(crate) fn notifications(till: &Till, args: NotificationArgs, out: &Printer) -> Result<()> {
    out.notifications(till, &till.notifications(args.unread, args.limit)?)
}
