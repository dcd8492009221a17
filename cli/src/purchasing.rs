//! `sellsync supplier`: the business's suppliers (purchase orders come here next).

use anyhow::Result;
use clap::Subcommand;
use sellsync_core::purchasing::suppliers::NewSupplier;
use sellsync_core::Till;

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
