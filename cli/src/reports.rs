//! Reports and the journal: the day, the day broken down (by hour, product, category,
//! cashier, tender; CSV too), and the journal verified (`sellsync report`, `sellsync journal`).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use sellsync_core::reports::Breakdown;
use sellsync_core::Till;

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub(crate) enum JournalCommand {
    /// Check every entry: the hash chain, and that what each records is unchanged
    Verify {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// One day's sales at this store
    Day {
        #[command(flatten)]
        sign_in: SignIn,
        /// YYYY-MM-DD in the business's time zone [default: today]
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// The day by hour of the store's clock
    Hour(BreakdownArgs),
    /// The day by product, top sellers first
    Product(BreakdownArgs),
    /// The day by product family (its variants together)
    Family(BreakdownArgs),
    /// The day by product category
    Category(BreakdownArgs),
    /// The day by cashier
    Cashier(BreakdownArgs),
    /// The day by payment method
    Tender(BreakdownArgs),
}

/// A day broken down: sales and the day's returns per row.
#[derive(Args)]
pub(crate) struct BreakdownArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// YYYY-MM-DD in the business's time zone [default: today]
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Also write the rows to this CSV file
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// `sellsync report hour|product|category|cashier|tender`: the day broken down, shown and,
/// with `--csv`, written to a file.
pub(crate) fn breakdown(
    till: &mut Till,
    by: Breakdown,
    args: BreakdownArgs,
    out: &Printer,
) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let date = args.date.unwrap_or_else(|| till.today());
    let report = till.breakdown(&actor, date, by)?;
    if let Some(file) = &args.csv {
        std::fs::write(file, report.to_csv(till.currency())?)
            .with_context(|| format!("could not write {}", file.display()))?;
    }
    out.breakdown(till, &report)
}

/// `sellsync journal verify`: the chain and every entry derived again from the till's rows.
pub(crate) fn journal(till: &mut Till, command: JournalCommand, out: &Printer) -> Result<()> {
    let JournalCommand::Verify { sign_in: who } = command;
    let actor = sign_in(till, &who)?;
    let check = till.verify_journal(&actor)?;
    match &check.broken {
        Some(b) => bail!(
            "the journal does not verify from entry {} of {}: {}",
            b.seq,
            check.total,
            b.why
        ),
        None => out.journal_check(&check),
    }
}

/// `sellsync report day|hour|product|category|cashier|tender`.
pub(crate) fn report(till: &mut Till, command: ReportCommand, out: &Printer) -> Result<()> {
    match command {
        ReportCommand::Day { sign_in: who, date } => {
            let actor = sign_in(till, &who)?;
            let date = date.unwrap_or_else(|| till.today());
            out.day_report(till, &till.day_report(&actor, date)?)
        }
        ReportCommand::Hour(args) => breakdown(till, Breakdown::Hour, args, out),
        ReportCommand::Product(args) => breakdown(till, Breakdown::Product, args, out),
        ReportCommand::Family(args) => breakdown(till, Breakdown::Family, args, out),
        ReportCommand::Category(args) => breakdown(till, Breakdown::Category, args, out),
        ReportCommand::Cashier(args) => breakdown(till, Breakdown::Cashier, args, out),
        ReportCommand::Tender(args) => breakdown(till, Breakdown::Tender, args, out),
    }
}
