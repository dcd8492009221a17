//! `sellsync`: the till without a screen, for scripts, tests and a quick look at a till's
//! data. Every command is a thin adapter over `sellsync-core`: parse the arguments, call
//! one use case, print the result (text, or JSON with `--json`).

mod args;
mod counts;
mod output;
mod parked;
mod print;
mod purchasing;
mod returns;
mod shift;
mod sync;
mod transfers;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use sellsync_core::catalog::ProductChanges;
use sellsync_core::reports::Breakdown;
use sellsync_core::sell::tender::Tender;
use sellsync_core::staff::Approval;
use sellsync_core::NewUser;
use sellsync_core::{Actor, Cart, CartCustomer, Credential, Discount, NewCustomer, NewProduct};
use sellsync_core::{Percent, Role, Till, TillSetup};

use crate::args::{parse_item, parse_payment};
use crate::output::Printer;

#[derive(Parser)]
#[command(
    name = "sellsync",
    version,
    about = "Sell Sync: an offline-first point of sale"
)]
struct Cli {
    /// The till's data folder [default: the platform's data folder for sellsync]
    #[arg(long, global = true, env = "SELLSYNC_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text (amounts in minor units, such as cents)
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Who is acting: every command that changes the till or shows takings needs a sign-in.
#[derive(Args)]
pub(crate) struct SignIn {
    /// The staff member's email
    #[arg(long, env = "SELLSYNC_USER")]
    user: String,
    /// Their PIN
    #[arg(
        long,
        env = "SELLSYNC_PIN",
        hide_env_values = true,
        required_unless_present = "password"
    )]
    pin: Option<String>,
    /// Their password, instead of a PIN
    #[arg(long, env = "SELLSYNC_PASSWORD", hide_env_values = true)]
    password: Option<String>,
}

/// A manager who approves, at the till, what the signed-in user may not do alone.
#[derive(Args)]
pub(crate) struct ManagerApproval {
    /// The approving manager's email (with --approve-pin)
    #[arg(long, requires = "approve_pin")]
    approve_user: Option<String>,
    /// The approving manager's PIN
    #[arg(long, requires = "approve_user", hide_env_values = true)]
    approve_pin: Option<String>,
}

impl ManagerApproval {
    pub(crate) fn get(&self) -> Option<Approval<'_>> {
        match (&self.approve_user, &self.approve_pin) {
            (Some(email), Some(pin)) => Some(Approval { email, pin }),
            _ => None,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create a till: the demo store, or a new business
    Init(InitArgs),
    /// Add, import and find products
    #[command(subcommand)]
    Product(ProductCommand),
    /// Ring up and complete a sale
    Sale(SaleArgs),
    /// Take items back and refund them, with the sale's receipt or without one
    Return(returns::ReturnArgs),
    /// Void a sale of the open shift (a manager's): its stock, points and money go back
    Void(returns::VoidArgs),
    /// Put a cart aside with a note, for this till or another of the store to take up
    Park(parked::ParkArgs),
    /// The store's parked sales waiting to be taken up; discard one
    Parked(parked::ParkedArgs),
    /// Take up a parked sale and pay for it
    Resume(parked::ResumeArgs),
    /// The till's shift: open with a float, cash in and out, X report, close with a count
    #[command(subcommand)]
    Shift(shift::ShiftCommand),
    /// Stock levels; adjust, restock and verify the stock ledger
    Stock(StockArgs),
    /// Changes waiting for (or delivered to) the central database
    Outbox {
        #[command(flatten)]
        sign_in: SignIn,
        /// Only operations not yet delivered
        #[arg(long)]
        pending: bool,
        /// At most this many rows
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Notifications for the store's managers (low stock, oversold)
    Notifications {
        #[arg(long)]
        unread: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Reports
    #[command(subcommand)]
    Report(ReportCommand),
    /// The till's tamper-evident journal
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Staff accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Keys to the business's REST API
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Customers and their loyalty points
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// The business's suppliers
    #[command(subcommand)]
    Supplier(purchasing::SupplierCommand),
    /// The store's purchase orders
    #[command(subcommand)]
    Po(purchasing::OrderCommand),
    /// Stock sent to and received from the business's other stores
    #[command(subcommand)]
    Transfer(transfers::TransferCommand),
    /// Count a shelf or the whole store by scanning, and post the differences
    #[command(subcommand)]
    Count(counts::CountCommand),
    /// Send the outbox to the central MongoDB (and see how that stands)
    Sync(sync::SyncArgs),
    /// A sale's receipt: ESC/POS bytes to a file or a printer, or plain text
    Receipt(print::ReceiptArgs),
    /// Print a copy of a sale's receipt on the till's printer
    Reprint(print::ReprintArgs),
    /// The till's receipt printer
    #[command(subcommand)]
    Printer(print::PrinterCommand),
    /// The cash drawer
    #[command(subcommand)]
    Drawer(print::DrawerCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff member (needs an admin)
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// admin, manager or cashier
        #[arg(long, default_value = "cashier")]
        role: String,
        /// The new user's PIN (4 to 8 digits)
        #[arg(long, required_unless_present = "new_password")]
        new_pin: Option<String>,
        /// The new user's password (8 characters or more)
        #[arg(long)]
        new_password: Option<String>,
    },
    /// The staff who can sign in on this till
    List,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Make a key (needs an admin); it is shown once and works once the till has synced
    Create {
        #[command(flatten)]
        sign_in: SignIn,
        /// A key that reads only
        #[arg(long)]
        read_only: bool,
    },
}

#[derive(Subcommand)]
enum CustomerCommand {
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

#[derive(Args)]
struct InitArgs {
    /// Create the demo store (staff PINs are printed)
    #[arg(long, conflicts_with_all = ["business", "store", "admin_email", "from_mongodb", "server"])]
    demo: bool,
    /// Set up a new till of an existing store from the Sell Sync server at this address,
    /// with the one-time code an admin made for the store (--enrol): the till syncs
    /// through the server from then on, holding no database credentials
    #[arg(long, value_name = "URL", requires = "enrol", conflicts_with_all = ["business", "store", "admin_name", "admin_email", "admin_pin", "from_mongodb"])]
    server: Option<String>,
    /// With --server: the store's one-time enrolment code
    #[arg(long, value_name = "CODE", requires = "server")]
    enrol: Option<String>,
    /// Set up a new till of an existing store from the central MongoDB (give the store's
    /// id with --store): its catalog, staff and settings are read from there
    #[arg(long, value_name = "URI", conflicts_with_all = ["business", "admin_name", "admin_email", "admin_pin"])]
    from_mongodb: Option<String>,
    /// With --from-mongodb: the database holding the business's collections [default: sellsync]
    #[arg(long, requires = "from_mongodb")]
    database: Option<String>,
    /// The business's name
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "server"])]
    business: Option<String>,
    /// The store's name (with --from-mongodb: the store's id in the central database)
    #[arg(long, required_unless_present_any = ["demo", "server"])]
    store: Option<String>,
    #[arg(long, default_value = "")]
    location: String,
    #[arg(long, default_value = "")]
    phone: String,
    /// ISO 4217 currency code
    #[arg(long, default_value = "USD")]
    currency: String,
    /// IANA time zone
    #[arg(long, default_value = "UTC")]
    timezone: String,
    /// Prices include tax
    #[arg(long)]
    tax_inclusive: bool,
    /// Tax rate of new products, in percent
    #[arg(long, default_value = "0")]
    tax_rate: String,
    /// When the store opens, on a 24-hour clock (with --close): 09:00
    #[arg(long, requires = "close", value_name = "HH:MM")]
    open: Option<String>,
    /// When the store closes (with --open): 22:00
    #[arg(long, requires = "open", value_name = "HH:MM")]
    close: Option<String>,
    /// Prefix of this till's sale numbers [default: T1; with --from-mongodb, one made
    /// from the till's id]
    #[arg(long)]
    till_code: Option<String>,
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "server"])]
    admin_name: Option<String>,
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "server"])]
    admin_email: Option<String>,
    /// The admin's PIN (4 to 8 digits)
    #[arg(long, required_unless_present_any = ["demo", "from_mongodb", "server"])]
    admin_pin: Option<String>,
}

#[derive(Subcommand)]
enum ProductCommand {
    /// Add one product
    Add {
        #[command(flatten)]
        sign_in: SignIn,
        #[arg(long)]
        sku: String,
        #[arg(long)]
        name: String,
        /// Price as written: 9.99
        #[arg(long, allow_negative_numbers = true)]
        price: String,
        #[arg(long)]
        barcode: Option<String>,
        /// Opening stock
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        stock: i64,
        /// Low-stock threshold
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        threshold: i64,
        /// Tax rate in percent: 8.875 [default: the business's]
        #[arg(long)]
        tax_rate: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Sold at this till's store only (otherwise at every store of the business, each
        /// with its own stock; the opening stock is this store's)
        #[arg(long)]
        this_store_only: bool,
    },
    /// Import products from CSV (sku,name,price[,barcode,category,tax_rate,stock,threshold]);
    /// nothing is imported if any row is bad
    Import {
        #[command(flatten)]
        sign_in: SignIn,
        file: PathBuf,
    },
    /// Change a product's name, price, barcode, category, tax rate or threshold
    /// (stock moves only with `stock adjust` and `stock restock`)
    Edit {
        #[command(flatten)]
        sign_in: SignIn,
        /// The product's barcode or SKU
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        price: Option<String>,
        #[arg(long, conflicts_with = "no_barcode")]
        barcode: Option<String>,
        /// Remove the product's barcode
        #[arg(long)]
        no_barcode: bool,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        tax_rate: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        threshold: Option<i64>,
        /// The supplier to reorder from: its id or name
        #[arg(long, conflicts_with = "no_supplier")]
        supplier: Option<String>,
        /// Take the supplier away
        #[arg(long)]
        no_supplier: bool,
        /// How many to order when the product falls to its threshold (0: never)
        #[arg(long, allow_negative_numbers = true)]
        reorder_qty: Option<i64>,
        /// What the supplier charges for one
        #[arg(long, allow_negative_numbers = true)]
        cost: Option<String>,
    },
    /// Find a product by barcode or SKU, or search by name
    Find {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Args)]
struct SaleArgs {
    #[command(flatten)]
    sign_in: SignIn,
    #[command(flatten)]
    cart: CartArgs,
    #[command(flatten)]
    payment: PaymentArgs,
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

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
struct StockArgs {
    /// Only products at or below their low-stock threshold
    #[arg(long)]
    low: bool,
    #[command(subcommand)]
    action: Option<StockCommand>,
}

#[derive(Subcommand)]
enum StockCommand {
    /// Correct a product's stock by DELTA (negative takes stock out)
    Adjust {
        #[command(flatten)]
        sign_in: SignIn,
        code: String,
        #[arg(allow_negative_numbers = true)]
        delta: i64,
        #[arg(long)]
        reason: String,
    },
    /// Receive QTY units of a product
    Restock {
        #[command(flatten)]
        sign_in: SignIn,
        code: String,
        quantity: i64,
        #[arg(long, default_value = "delivery")]
        reason: String,
    },
    /// Recompute every product's stock from the ledger and compare
    Verify,
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Check every entry: the hash chain, and that what each records is unchanged
    Verify {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
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
    /// The day by product category
    Category(BreakdownArgs),
    /// The day by cashier
    Cashier(BreakdownArgs),
    /// The day by payment method
    Tender(BreakdownArgs),
}

/// A day broken down: sales and the day's returns per row.
#[derive(Args)]
struct BreakdownArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// YYYY-MM-DD in the business's time zone [default: today]
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Also write the rows to this CSV file
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SELLSYNC_LOG")
                .unwrap_or_else(|_| "error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let printer = Printer { json: cli.json };
    match run(cli, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if let Some(hint) = hint(&e) {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The command to type next, for the errors the command line answers with one (core's
/// messages name no command: they are shown in the desktop window too).
fn hint(error: &anyhow::Error) -> Option<String> {
    let core = error.chain().find_map(|e| {
        e.downcast_ref::<sellsync_core::Error>().or_else(|| {
            match e.downcast_ref::<sellsync_sync::SyncError>() {
                Some(sellsync_sync::SyncError::Till(core)) => Some(core),
                _ => None,
            }
        })
    })?;
    match core {
        sellsync_core::Error::DataDirMissing(dir) | sellsync_core::Error::NotInitialized(dir) => {
            Some(format!(
                "create a till there with `sellsync init --demo --data-dir {}`",
                dir.display()
            ))
        }
        sellsync_core::Error::ForeignDatabase(_) => {
            Some("point --data-dir at a till's data folder".into())
        }
        sellsync_core::Error::ApprovalNeeded(_) => {
            Some("a manager approves with `--approve-user EMAIL --approve-pin PIN`".into())
        }
        sellsync_core::Error::NoOpenShift => {
            Some("open one with `sellsync shift open --float AMOUNT` (or --count)".into())
        }
        sellsync_core::Error::ParkedSalesWaiting(_) => {
            Some("see them with `sellsync parked`; close anyway with `--keep-parked`".into())
        }
        sellsync_core::Error::NoPrinter => {
            Some("an admin sets one up with `sellsync printer setup`".into())
        }
        _ => None,
    }
}

fn data_dir(cli_dir: Option<PathBuf>) -> Result<PathBuf> {
    match cli_dir {
        Some(dir) => Ok(dir),
        None => directories::ProjectDirs::from("", "", "sellsync")
            .map(|d| d.data_dir().to_owned())
            .context("no data folder could be found for this user; pass --data-dir"),
    }
}

fn sign_in(till: &mut Till, who: &SignIn) -> Result<Actor> {
    Ok(till.sign_in(&who.user, credential(who)?)?)
}

/// The PIN or password given.
fn credential(who: &SignIn) -> Result<Credential<'_>> {
    Ok(match (&who.pin, &who.password) {
        (Some(pin), _) => Credential::Pin(pin),
        (None, Some(password)) => Credential::Password(password),
        (None, None) => bail!("give --pin or --password"),
    })
}

fn run(cli: Cli, out: &Printer) -> Result<()> {
    let dir = data_dir(cli.data_dir)?;
    if let Command::Init(args) = cli.command {
        return init(&dir, args, out);
    }
    let mut till = Till::open(&dir)?;
    match cli.command {
        Command::Init(_) => unreachable!("handled above"),
        Command::Sync(args) => sync::sync(&dir, &mut till, args, out),
        Command::Receipt(args) => print::receipt(&till, args, out),
        Command::Reprint(args) => print::reprint(&mut till, args, out),
        Command::Printer(command) => print::printer(&mut till, command, out),
        Command::Drawer(command) => print::drawer(&mut till, command, out),
        Command::Product(command) => product(&mut till, command, out),
        Command::Sale(args) => sale(&mut till, args, out),
        Command::Return(args) => returns::run(&mut till, args, out),
        Command::Void(args) => returns::void(&mut till, args, out),
        Command::Park(args) => parked::park(&mut till, args, out),
        Command::Parked(args) => parked::parked(&mut till, args, out),
        Command::Resume(args) => parked::resume(&mut till, args, out),
        Command::Shift(command) => shift::run(&mut till, command, out),
        Command::Supplier(command) => purchasing::supplier(&mut till, command, out),
        Command::ApiKey(ApiKeyCommand::Create {
            sign_in: who,
            read_only,
        }) => {
            let actor = sign_in(&mut till, &who)?;
            out.api_key_made(&till.create_api_key(&actor, !read_only)?)
        }
        Command::Po(command) => purchasing::order(&mut till, command, out),
        Command::Transfer(command) => transfers::transfer(&mut till, command, out),
        Command::Count(command) => counts::count(&mut till, command, out),
        Command::Stock(StockArgs { low, action }) => match action {
            None => out.stock(&till.stock_levels(low)?),
            Some(StockCommand::Adjust {
                sign_in: who,
                code,
                delta,
                reason,
            }) => {
                let actor = sign_in(&mut till, &who)?;
                out.stock_change(&till.adjust_stock(&actor, &code, delta, &reason)?)
            }
            Some(StockCommand::Restock {
                sign_in: who,
                code,
                quantity,
                reason,
            }) => {
                let actor = sign_in(&mut till, &who)?;
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
        },
        Command::Outbox {
            sign_in: who,
            pending,
            limit,
        } => {
            let actor = sign_in(&mut till, &who)?;
            out.outbox(&till.outbox(&actor, pending, limit)?)
        }
        Command::Notifications { unread, limit } => {
            out.notifications(&till, &till.notifications(unread, limit)?)
        }
        Command::User(UserCommand::List) => out.staff(&till.staff()?),
        Command::User(UserCommand::Add {
            sign_in: who,
            name,
            email,
            role,
            new_pin,
            new_password,
        }) => {
            let actor = sign_in(&mut till, &who)?;
            let role = Role::parse(&role).with_context(|| {
                format!("{role:?} is not a role: use admin, manager or cashier")
            })?;
            let user = NewUser {
                name,
                email,
                role: Some(role),
                pin: new_pin,
                password: new_password,
                permissions: None,
            };
            out.staff(&[till.add_user(&actor, &user)?])
        }
        Command::Customer(CustomerCommand::Add {
            sign_in: who,
            name,
            phone,
            email,
        }) => {
            let actor = sign_in(&mut till, &who)?;
            let customer = till.add_customer(&actor, &NewCustomer { name, phone, email })?;
            out.customer(&till, &customer, &[])
        }
        Command::Customer(CustomerCommand::Find {
            sign_in: who,
            phone_or_email,
        }) => {
            let actor = sign_in(&mut till, &who)?;
            let customer = till
                .find_customer(&actor, &phone_or_email)?
                .with_context(|| {
                    format!("no customer has the phone or email {phone_or_email:?}")
                })?;
            let history = till.purchase_history(&actor, customer.id)?;
            out.customer(&till, &customer, &history)
        }
        Command::Journal(JournalCommand::Verify { sign_in: who }) => {
            let actor = sign_in(&mut till, &who)?;
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
        Command::Report(ReportCommand::Day { sign_in: who, date }) => {
            let actor = sign_in(&mut till, &who)?;
            let date = date.unwrap_or_else(|| till.today());
            out.day_report(&till, &till.day_report(&actor, date)?)
        }
        Command::Report(ReportCommand::Hour(args)) => {
            breakdown(&mut till, Breakdown::Hour, args, out)
        }
        Command::Report(ReportCommand::Product(args)) => {
            breakdown(&mut till, Breakdown::Product, args, out)
        }
        Command::Report(ReportCommand::Category(args)) => {
            breakdown(&mut till, Breakdown::Category, args, out)
        }
        Command::Report(ReportCommand::Cashier(args)) => {
            breakdown(&mut till, Breakdown::Cashier, args, out)
        }
        Command::Report(ReportCommand::Tender(args)) => {
            breakdown(&mut till, Breakdown::Tender, args, out)
        }
    }
}

/// `sellsync report hour|product|category|cashier|tender`: the day broken down, shown and,
/// with `--csv`, written to a file.
fn breakdown(till: &mut Till, by: Breakdown, args: BreakdownArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let date = args.date.unwrap_or_else(|| till.today());
    let report = till.breakdown(&actor, date, by)?;
    if let Some(file) = &args.csv {
        std::fs::write(file, report.to_csv(till.currency())?)
            .with_context(|| format!("could not write {}", file.display()))?;
    }
    out.breakdown(till, &report)
}

fn init(dir: &Path, args: InitArgs, out: &Printer) -> Result<()> {
    if args.demo {
        let (till, summary) = Till::create_demo(dir)?;
        return out.demo_created(&till, &summary);
    }
    if let (Some(server), Some(code)) = (&args.server, &args.enrol) {
        return sync::enrol(dir, server, code, args.till_code, out);
    }
    if let Some(uri) = args.from_mongodb {
        let store = args.store.context("give the store's id with --store")?;
        return sync::provision(dir, uri, args.database, &store, args.till_code, out);
    }
    let (Some(business), Some(store), Some(name), Some(email), Some(pin)) = (
        args.business,
        args.store,
        args.admin_name,
        args.admin_email,
        args.admin_pin,
    ) else {
        bail!("give --demo, or --business, --store, --admin-name, --admin-email and --admin-pin");
    };
    let setup = TillSetup {
        business_name: business,
        currency: args.currency,
        timezone: args.timezone,
        tax_inclusive: args.tax_inclusive,
        default_tax_rate: Percent::parse(&args.tax_rate)?,
        store_name: store,
        location: args.location,
        phone: args.phone,
        operating_hours: args.open.zip(args.close),
        till_code: args.till_code.unwrap_or_else(|| "T1".into()),
        owner: NewUser {
            name,
            email,
            role: Some(Role::Admin),
            pin: Some(pin),
            ..NewUser::default()
        },
        payment_methods: sellsync_contract::documents::default_methods(),
    };
    let till = Till::create(dir, &setup)?;
    out.till_created(&till)
}

fn product(till: &mut Till, command: ProductCommand, out: &Printer) -> Result<()> {
    match command {
        ProductCommand::Add {
            sign_in: who,
            sku,
            name,
            price,
            barcode,
            stock,
            threshold,
            tax_rate,
            category,
            this_store_only,
        } => {
            let actor = sign_in(till, &who)?;
            let new = NewProduct {
                sku,
                product_name: name,
                price: till.currency().parse_non_negative(&price)?,
                barcode,
                category,
                tax_rate: tax_rate.as_deref().map(Percent::parse).transpose()?,
                stock,
                stock_threshold: threshold,
                only_this_store: this_store_only,
                ..NewProduct::default()
            };
            let product = till.add_product(&actor, &new)?;
            out.products(till, std::slice::from_ref(&product))
        }
        ProductCommand::Import { sign_in: who, file } => {
            let actor = sign_in(till, &who)?;
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let count = till.import_products(&actor, std::io::BufReader::new(reader))?;
            out.imported(count)
        }
        ProductCommand::Edit {
            sign_in: who,
            code,
            name,
            price,
            barcode,
            no_barcode,
            category,
            tax_rate,
            threshold,
            supplier,
            no_supplier,
            reorder_qty,
            cost,
        } => {
            let actor = sign_in(till, &who)?;
            let supplier_id = match (supplier, no_supplier) {
                (Some(s), _) => Some(Some(till.find_supplier(&s)?.id)),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let changes = ProductChanges {
                product_name: name,
                price: price
                    .as_deref()
                    .map(|p| till.currency().parse_non_negative(p))
                    .transpose()?,
                barcode: if no_barcode {
                    Some(None)
                } else {
                    barcode.map(Some)
                },
                category,
                tax_rate: tax_rate.as_deref().map(Percent::parse).transpose()?,
                stock_threshold: threshold,
                supplier_id,
                reorder_quantity: reorder_qty,
                unit_cost: cost
                    .as_deref()
                    .map(|c| till.currency().parse_non_negative(c).map(Some))
                    .transpose()?,
            };
            let product = till.update_product(&actor, &code, &changes)?;
            out.products(till, std::slice::from_ref(&product))
        }
        ProductCommand::Find { text, limit } => {
            let found = match till.find_product(&text)? {
                Some(product) => vec![product],
                None => till.search_products(&text, limit)?,
            };
            if found.is_empty() {
                bail!("no product matches {text:?}");
            }
            out.products(till, &found)
        }
    }
}

fn sale(till: &mut Till, args: SaleArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let mut cart = build_cart(till, &actor, &args.cart)?;
    pay(till, &actor, &mut cart, &args.payment, out)
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
        print::print_sale(till, actor, &sale)?;
    }
    Ok(())
}
