//! Customers: added and found with their purchases (`sellsync customer`).

use anyhow::{Context, Result};
use clap::Subcommand;
use sellsync_core::{NewCustomer, Till};

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub(crate) enum CustomerCommand {
    /// Add a customer
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        name: String,
        #[arg(long, required_unless_present = "email")]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Find a customer by phone or email, with their loyalty points, store credit and
    /// purchases
    Find {
        #[command(flatten)]
        sign_in: SignIn,
        phone_or_email: String,
    },
}

/// `sellsync customer add|find`.
pub(crate) fn customer(till: &mut Till, command: CustomerCommand, out: &Printer) -> Result<()> {
    match command {
        CustomerCommand::Add {
            sign_in: who,
            name,
            phone,
            email,
        } => {
            let actor = sign_in(till, &who)?;
            let customer = till.add_customer(&actor, &NewCustomer { name, phone, email })?;
            out.customer(till, &customer, &[])
        }
        CustomerCommand::Find {
            sign_in: who,
            phone_or_email,
        } => {
            let actor = sign_in(till, &who)?;
            let customer = till
                .find_customer(&actor, &phone_or_email)?
                .with_context(|| {
                    format!("no customer has the phone or email {phone_or_email:?}")
                })?;
            let history = till.purchase_history(&actor, customer.id)?;
            out.customer(till, &customer, &history)
        }
    }
}
