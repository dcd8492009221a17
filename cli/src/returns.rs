//! `sellsync return`: take items back, with the sale's receipt or without one; and
//! `sellsync void`: undo a sale of the open shift.

use anyhow::{bail, Context, Result};
use clap::Args;
use sellsync_core::sell::returns::{
    NoReceiptRefund, ReturnLine, ReturnOfSale, ReturnWithoutReceipt, UnreceiptedLine,
};
use sellsync_core::sell::tender::Tender;
use sellsync_core::Till;

use crate::args::{parse_item, parse_payment};
use crate::output::Printer;
use crate::{print, sign_in, ManagerApproval, SignIn};

#[derive(Args)]
pub struct ReturnArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// The sale: its receipt's code (QR or barcode) or its number, such as T1-000042
    #[arg(required_unless_present = "no_receipt", conflicts_with = "no_receipt")]
    sale: Option<String>,
    /// An item of the sale to take back: its barcode or SKU and how many (CODE or
    /// CODE:QTY); repeat for more
    #[arg(
        long = "item",
        value_name = "CODE[:QTY]",
        required_unless_present = "all"
    )]
    items: Vec<String>,
    /// Take back everything still returnable of the sale
    #[arg(long, conflicts_with_all = ["items", "no_receipt"])]
    all: bool,
    /// An item that came back damaged: written off instead of going back to stock
    #[arg(long = "damaged", value_name = "CODE")]
    damaged: Vec<String>,
    /// Why the items come back
    #[arg(long)]
    reason: String,
    /// Where the money goes: one of the sale's payment methods and an amount
    /// (card:12.00); without an amount it takes the rest. Default: back to the sale's
    /// payments in proportion
    #[arg(long = "refund", value_name = "METHOD[:AMOUNT]")]
    refunds: Vec<String>,
    /// A return without a receipt, at the prices given with --price, refunded in cash
    /// (or as store credit with --credit-to)
    #[arg(long)]
    no_receipt: bool,
    /// Without a receipt: refund as store credit to the customer with this phone or email
    #[arg(
        long,
        value_name = "PHONE_OR_EMAIL",
        requires = "no_receipt",
        conflicts_with = "refunds"
    )]
    credit_to: Option<String>,
    /// Without a receipt: the unit price a manager confirms, one per --item, in order
    #[arg(long = "price", value_name = "AMOUNT", requires = "no_receipt")]
    prices: Vec<String>,
    #[command(flatten)]
    approval: ManagerApproval,
    /// Print the refund receipt on the till's printer (and open the drawer for cash)
    #[arg(long)]
    print: bool,
}

pub fn run(till: &mut Till, args: ReturnArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let approval = args.approval.get();
    let mut refunds = Vec::new();
    for text in &args.refunds {
        let (method, amount) = parse_payment(text, till.currency())?;
        refunds.push(Tender {
            method: till.payment_method(method)?,
            amount,
        });
    }
    let back = match &args.sale {
        None => {
            if args.prices.len() != args.items.len() {
                bail!("give one --price for each --item of a return without a receipt");
            }
            let mut lines = Vec::new();
            for (item, price) in args.items.iter().zip(&args.prices) {
                let (code, quantity) = parse_item(item)?;
                lines.push(UnreceiptedLine {
                    product: till.require_product(code)?,
                    quantity,
                    unit_price: till.currency().parse_non_negative(price)?,
                    damaged: args.damaged.iter().any(|d| d == code),
                });
            }
            let refund = match (&args.credit_to, refunds.as_slice()) {
                (Some(contact), _) => {
                    let customer = till.find_customer(&actor, contact)?.with_context(|| {
                        format!("no customer has the phone or email {contact:?}")
                    })?;
                    NoReceiptRefund::StoreCredit(customer.id)
                }
                (None, []) => NoReceiptRefund::Cash(Tender {
                    method: till.payment_method("cash")?,
                    amount: None,
                }),
                (None, [one]) => NoReceiptRefund::Cash(one.clone()),
                _ => bail!("a return without a receipt is refunded to one payment method"),
            };
            till.return_without_receipt(
                &actor,
                &ReturnWithoutReceipt {
                    lines,
                    reason: args.reason.clone(),
                    refund,
                    approval,
                },
            )?
        }
        Some(code) => {
            let sale = till.returnable(&actor, code)?;
            let line_of = |code: &str| -> Result<usize> {
                let product = till.require_product(code)?;
                sale.lines
                    .iter()
                    .position(|l| l.item.product_id == product.id)
                    .with_context(|| {
                        format!(
                            "{} is not on sale {}",
                            product.product_name, sale.sale.sale_number
                        )
                    })
            };
            let mut lines = Vec::new();
            if args.all {
                for (line, l) in sale
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.left.is_positive())
                {
                    lines.push(ReturnLine {
                        line,
                        quantity: l.left,
                        damaged: false,
                    });
                }
            } else {
                for item in &args.items {
                    let (code, quantity) = parse_item(item)?;
                    lines.push(ReturnLine {
                        line: line_of(code)?,
                        quantity,
                        damaged: false,
                    });
                }
            }
            for code in &args.damaged {
                let line = line_of(code)?;
                match lines.iter_mut().find(|l| l.line == line) {
                    Some(l) => l.damaged = true,
                    None => bail!("--damaged {code} is not among the items taken back"),
                }
            }
            till.return_items(
                &actor,
                &ReturnOfSale {
                    sale_id: sale.sale.id,
                    lines,
                    reason: args.reason.clone(),
                    refunds,
                    approval,
                },
            )?
        }
    };
    out.sale(till, &back)?;
    if args.print {
        print::print_sale(till, &actor, &back)?;
    }
    Ok(())
}

#[derive(Args)]
pub struct VoidArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// The sale: its receipt's code or its number
    sale: String,
    /// Why
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    approval: ManagerApproval,
}

pub fn void(till: &mut Till, args: VoidArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let approval = args.approval.get();
    let sale = till.void_sale(&actor, &args.sale, &args.reason, approval)?;
    out.sale(till, &sale)
}
