//! `sellsync shift`: open a shift with a counted float, move cash, X and Z reports, close
//! with a count.

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use sellsync_contract::cash_count::CashCount;
use sellsync_core::shift::report::CashMovementKind;
use sellsync_core::shift::IfParked;
use sellsync_core::Till;

use crate::output::Printer;
use crate::{print, sign_in, ManagerApproval, SignIn};

#[derive(Subcommand)]
pub enum ShiftCommand {
    /// Open a shift with the float counted into the drawer
    Open {
        #[command(flatten)]
        sign_in: SignIn,
        #[command(flatten)]
        count: Count,
    },
    /// Put cash into the drawer (a float top-up)
    CashIn(CashArgs),
    /// Take cash out of the drawer (a safe drop)
    CashOut(CashArgs),
    /// The open shift's figures so far (an X report)
    X {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Close the shift with the drawer's count and print its Z report
    Close {
        #[command(flatten)]
        sign_in: SignIn,
        #[command(flatten)]
        count: Count,
        /// A manager who accepts a count far from the expected cash
        #[command(flatten)]
        approval: ManagerApproval,
        /// Close although parked sales wait at this till: they stay parked
        #[arg(long)]
        keep_parked: bool,
    },
    /// A Z report of this till: the latest, or number N
    Z {
        #[command(flatten)]
        sign_in: SignIn,
        number: Option<i64>,
        /// Print it on the till's receipt printer too
        #[arg(long)]
        print: bool,
    },
}

/// What is in the drawer: one amount, or a count by denomination.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Count {
    /// The cash as one amount (100.00); `--float` when opening
    #[arg(long, visible_alias = "float", value_name = "AMOUNT")]
    counted: Option<String>,
    /// The cash by denomination: VALUExCOUNT pairs, such as 20x3,10x2,1x15,0.25x8
    #[arg(long, value_name = "VALUExCOUNT,...")]
    count: Option<String>,
}

#[derive(Args)]
pub struct CashArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// How much
    amount: String,
    /// Why
    #[arg(long)]
    reason: String,
}

fn read_count(till: &Till, count: &Count) -> Result<CashCount> {
    Ok(match (&count.counted, &count.count) {
        (Some(amount), None) => CashCount::amount(till.currency().parse_non_negative(amount)?)?,
        (None, Some(text)) => CashCount::parse(text, till.currency())?,
        _ => bail!("give the cash as --counted AMOUNT or --count VALUExCOUNT,..."),
    })
}

pub fn run(till: &mut Till, command: ShiftCommand, out: &Printer) -> Result<()> {
    match command {
        ShiftCommand::Open {
            sign_in: who,
            count,
        } => {
            let actor = sign_in(till, &who)?;
            let float = read_count(till, &count)?;
            let shift = till.open_shift(&actor, &float)?;
            out.shift(till, &shift)
        }
        ShiftCommand::CashIn(args) => cash(till, CashMovementKind::CashIn, args, out),
        ShiftCommand::CashOut(args) => cash(till, CashMovementKind::CashOut, args, out),
        ShiftCommand::X { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            out.x_report(till, &till.x_report(&actor)?)
        }
        ShiftCommand::Close {
            sign_in: who,
            count,
            approval,
            keep_parked,
        } => {
            let actor = sign_in(till, &who)?;
            let counted = read_count(till, &count)?;
            let if_parked = if keep_parked {
                IfParked::Keep
            } else {
                IfParked::Ask
            };
            let z = till.close_shift(&actor, &counted, approval.get(), if_parked)?;
            out.z_report(till, &z)
        }
        ShiftCommand::Z {
            sign_in: who,
            number,
            print,
        } => {
            let actor = sign_in(till, &who)?;
            let z = till.z_report(&actor, number)?;
            if print {
                // Queued first: without a printer nothing is shown but the error.
                till.queue_z_report(&actor, Some(z.z_number))?;
            }
            out.z_report(till, &z)?;
            if print {
                print::print_queued_report(till)?;
            }
            Ok(())
        }
    }
}

fn cash(till: &mut Till, kind: CashMovementKind, args: CashArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let amount = till.currency().parse_non_negative(&args.amount)?;
    let movement = till.move_cash(&actor, kind, amount, &args.reason)?;
    out.cash_movement(till, &movement)
}
