//! Ringing up and completing a sale from the command line (`sellsync sale`).

use anyhow::{bail, Result};
use clap::Args;
use sellsync_core::sell::tender::Tender;
use sellsync_core::{Actor, Cart, CartCustomer, Discount, NewCustomer, Till};

use crate::args::{parse_item, parse_payment};
use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Args)]
pub(crate) struct SaleArgs {
    #[command(flatten)]
    sign_in: SignIn,
    #[command(flatten)]
    cart: CartArgs,
    #[command(flatten)]
    payment: PaymentArgs,
}

pub(crate) fn sale(till: &mut Till, args: SaleArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let mut cart = build_cart(till, &actor, &args.cart)?;
    pay(till, &actor, &mut cart, &args.payment, out)
}

/// What goes in a cart, as `sale` and `park` take it.
#[derive(Args)]
pub(crate) struct CartArgs {
    /// An item: a barcode or SKU, and a quantity (CODE or CODE:QTY); repeat for more
    #[arg(long = "item", value_name = "CODE[:QTY]", required = true)]
    items: Vec<String>,
    /// The customer's phone or email
    #[arg(long)]
    customer: Option<String>,
    /// Create the customer with this name if the phone or email is new
    #[arg(long, requires = "customer")]
    customer_name: Option<String>,
    /// A discount on the whole sale: 10% or 5.00
    #[arg(long)]
    discount: Option<String>,
}

/// How a sale is paid, as `sale` and `resume` take it.
#[derive(Args)]
pub(crate) struct PaymentArgs {
    /// A payment: a method and an amount (cash:20.00); without an amount it pays the rest
    #[arg(long = "pay", value_name = "METHOD[:AMOUNT]")]
    payments: Vec<String>,
    /// Loyalty points the sale's customer spends
    #[arg(long, default_value_t = 0)]
    redeem_points: i64,
    /// Store credit the sale's customer spends (an amount, such as 5.00)
    #[arg(long, value_name = "AMOUNT")]
    store_credit: Option<String>,
    /// Print the receipt on the till's printer once the sale is saved (and open the
    /// drawer for cash)
    #[arg(long)]
    print: bool,
}

/// The cart the arguments describe.
pub(crate) fn build_cart(till: &Till, actor: &Actor, args: &CartArgs) -> Result<Cart> {
    let mut cart = Cart::new();
    for item in &args.items {
        let (code, quantity) = parse_item(item)?;
        till.ring_up(&mut cart, code, quantity)?;
    }
    if let Some(text) = &args.discount {
        cart.set_discount(Some(Discount::parse(text, till.currency())?));
    }
    if let Some(contact) = &args.customer {
        let customer = match (till.find_customer(actor, contact)?, &args.customer_name) {
            (Some(found), _) => CartCustomer::Existing(found),
            (None, Some(name)) => CartCustomer::New(NewCustomer {
                name: name.clone(),
                phone: (!contact.contains('@')).then(|| contact.clone()),
                email: contact.contains('@').then(|| contact.clone()),
            }),
            (None, None) => bail!(
                "no customer has the phone or email {contact:?}; add --customer-name NAME to create them"
            ),
        };
        cart.set_customer(Some(customer));
    }
    Ok(cart)
}

/// Pays for `cart` as the arguments say, completes the sale and shows it.
pub(crate) fn pay(
    till: &mut Till,
    actor: &Actor,
    cart: &mut Cart,
    args: &PaymentArgs,
    out: &Printer,
) -> Result<()> {
    cart.redeem_points(args.redeem_points);
    if let Some(amount) = &args.store_credit {
        cart.use_store_credit(till.currency().parse_non_negative(amount)?);
    }
    let mut tenders = Vec::new();
    for text in &args.payments {
        let (method, amount) = parse_payment(text, till.currency())?;
        tenders.push(Tender {
            method: till.payment_method(method)?,
            amount,
        });
    }
    let sale = till.complete_sale(actor, cart, &tenders)?;
    out.sale(till, &sale)?;
    if args.print {
        crate::print::print_sale(till, actor, &sale)?;
    }
    Ok(())
}
