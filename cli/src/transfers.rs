//! `sellsync transfer`: stock sent to another store of the business, received from one,
//! cancelled while in transit.

use anyhow::Result;
use clap::Subcommand;
use sellsync_contract::documents::TransferStatus;
use sellsync_core::stock::transfers::TransferLineInput;
use sellsync_core::Till;

use crate::args::parse_item;
use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Subcommand)]
pub enum TransferCommand {
    /// Send stock to another store (it leaves this store now; needs manage_inventory)
    Send {
        #[command(flatten)]
        sign_in: SignIn,
        /// The store: its id or name (`sellsync transfer stores`)
        #[arg(long)]
        to: String,
        /// A line: barcode or SKU and quantity (CODE:QTY); repeat for more
        #[arg(long = "item", value_name = "CODE[:QTY]", required = true)]
        items: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Receive a transfer sent to this store: what came (CODE:QTY; what is not given is
    /// missing), or everything sent without --item
    Receive {
        #[command(flatten)]
        sign_in: SignIn,
        transfer: String,
        #[arg(long = "item", value_name = "CODE[:QTY]")]
        items: Vec<String>,
    },
    /// Cancel a transfer this store sent that is still in transit: the stock comes back
    Cancel {
        #[command(flatten)]
        sign_in: SignIn,
        transfer: String,
    },
    /// The transfers this store sent or receives, newest first
    List {
        #[arg(long, value_parser = parse_status)]
        status: Option<TransferStatus>,
    },
    /// One transfer and its lines
    Show { transfer: String },
    /// The business's other stores, to send to
    Stores,
}

fn parse_status(text: &str) -> std::result::Result<TransferStatus, String> {
    TransferStatus::parse(text).ok_or_else(|| "one of in_transit, received, cancelled".to_owned())
}

fn lines(till: &Till, items: &[String]) -> Result<Vec<TransferLineInput>> {
    items
        .iter()
        .map(|text| {
            let (code, quantity) = parse_item(text)?;
            Ok(TransferLineInput {
                product: till.require_product(code)?,
                quantity,
            })
        })
        .collect()
}

pub fn transfer(till: &mut Till, command: TransferCommand, out: &Printer) -> Result<()> {
    let transfer = match command {
        TransferCommand::Send {
            sign_in: who,
            to,
            items,
            note,
        } => {
            let actor = sign_in(till, &who)?;
            let lines = lines(till, &items)?;
            till.send_transfer(&actor, &to, &lines, &note)?
        }
        TransferCommand::Receive {
            sign_in: who,
            transfer,
            items,
        } => {
            let actor = sign_in(till, &who)?;
            let lines = lines(till, &items)?;
            let came = (!items.is_empty()).then_some(lines.as_slice());
            till.receive_transfer(&actor, &transfer, came)?
        }
        TransferCommand::Cancel {
            sign_in: who,
            transfer,
        } => {
            let actor = sign_in(till, &who)?;
            till.cancel_transfer(&actor, &transfer)?
        }
        TransferCommand::List { status } => return out.transfers(&till.transfers(status)?),
        TransferCommand::Show { transfer } => till.transfer(&transfer)?,
        TransferCommand::Stores => return out.other_stores(&till.other_stores()?),
    };
    out.transfers(std::slice::from_ref(&transfer))
}
