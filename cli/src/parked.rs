//! `sellsync park`, `sellsync parked` and `sellsync resume`: a cart put aside with a note
//! and taken up again, at this till or another of the store.

use anyhow::Result;
use clap::{Args, Subcommand};
use sellsync_core::Till;

use crate::args::parse_item;
use crate::output::Printer;
use crate::sell::{build_cart, pay, CartArgs, PaymentArgs};
use crate::{sign_in, SignIn};

#[derive(Args)]
pub struct ParkArgs {
    #[command(flatten)]
    sign_in: SignIn,
    #[command(flatten)]
    cart: CartArgs,
    /// Who or what it is for, to find it again: "red coat, back in 5"
    #[arg(long)]
    note: String,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ParkedArgs {
    #[command(subcommand)]
    action: Option<ParkedCommand>,
}

#[derive(Subcommand)]
enum ParkedCommand {
    /// Throw a parked sale away: the customer is not coming back
    Discard {
        #[command(flatten)]
        sign_in: SignIn,
        /// Its number (T1-P000003) or id
        parked: String,
    },
}

#[derive(Args)]
pub struct ResumeArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// The parked sale's number (T1-P000003) or id
    parked: String,
    /// One more item for the cart (CODE or CODE:QTY); repeat for more
    #[arg(long = "item", value_name = "CODE[:QTY]")]
    items: Vec<String>,
    #[command(flatten)]
    payment: PaymentArgs,
}

pub fn park(till: &mut Till, args: ParkArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let cart = build_cart(till, &actor, &args.cart)?;
    let parked = till.park(&actor, &cart, &args.note)?;
    out.parked_sales(till, &[parked])
}

pub fn parked(till: &mut Till, args: ParkedArgs, out: &Printer) -> Result<()> {
    match args.action {
        None => out.parked_sales(till, &till.parked_sales()?),
        Some(ParkedCommand::Discard {
            sign_in: who,
            parked,
        }) => {
            let actor = sign_in(till, &who)?;
            let parked = till.discard_parked_sale(&actor, &parked)?;
            out.parked_sales(till, &[parked])
        }
    }
}

/// Takes the parked sale up and pays for it at once; if the payment is refused, it is
/// put back as it was parked.
pub fn resume(till: &mut Till, args: ResumeArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let mut cart = till.resume_parked(&actor, &args.parked)?;
    let paid = (|| {
        for item in &args.items {
            let (code, quantity) = parse_item(item)?;
            till.ring_up(&mut cart, code, quantity)?;
        }
        pay(till, &actor, &mut cart, &args.payment, out)
    })();
    if paid.is_err() {
        till.release_parked(&actor, &cart)?;
    }
    paid
}
