//! `sellsync`: the till without a screen, for scripts, tests and a quick look at a till's
//! data. Every command is a thin adapter over `sellsync-core`: parse the arguments, call
//! one use case, print the result (text, or JSON with `--json`).

mod args;
mod catalog;
mod counts;
mod customers;
mod json;
mod labels;
mod output;
mod parked;
mod print;
mod purchasing;
mod reports;
mod returns;
mod scale;
mod sell;
mod setup;
mod shift;
mod staff;
mod stock;
mod sync;
mod transfers;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use sellsync_core::staff::Approval;
use sellsync_core::{Actor, Credential, Till};

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
    Init(setup::InitArgs),
    /// Add, import and find products
    #[command(subcommand)]
    Product(catalog::ProductCommand),
    /// What a scanned code is: a product, or a price or weight label and its product
    Barcode(labels::BarcodeArgs),
    /// The business's rules for reading price and weight labels
    #[command(subcommand)]
    BarcodeRules(labels::RulesCommand),
    /// Ring up and complete a sale
    Sale(sell::SaleArgs),
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
    Stock(stock::StockArgs),
    /// Changes waiting for (or delivered to) the central database
    Outbox(sync::OutboxArgs),
    /// Notifications for the store's managers (low stock, oversold)
    Notifications(stock::NotificationArgs),
    /// Reports
    #[command(subcommand)]
    Report(reports::ReportCommand),
    /// The till's tamper-evident journal
    #[command(subcommand)]
    Journal(reports::JournalCommand),
    /// Staff accounts
    #[command(subcommand)]
    User(staff::UserCommand),
    /// Keys to the business's REST API
    #[command(subcommand)]
    ApiKey(staff::ApiKeyCommand),
    /// Customers and their loyalty points
    #[command(subcommand)]
    Customer(customers::CustomerCommand),
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
    /// Shelf labels of a product: ESC/POS bytes to a file or a printer
    Label(print::LabelArgs),
    /// Shelf labels of many products on sheets for an office printer (an HTML page)
    LabelSheet(print::LabelSheetArgs),
    /// The till's receipt printer
    #[command(subcommand)]
    Printer(print::PrinterCommand),
    /// The cash drawer
    #[command(subcommand)]
    Drawer(print::DrawerCommand),
    /// A counter scale on a serial port: its weight, or zero it (needs no till)
    #[command(subcommand)]
    Scale(scale::ScaleCommand),
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
    let command = match cli.command {
        Command::Init(args) => return setup::init(&dir, args, out),
        Command::Scale(command) => return scale::scale(command, out),
        command => command,
    };
    let mut till = Till::open(&dir)?;
    match command {
        Command::Init(_) | Command::Scale(_) => unreachable!("handled above"),
        Command::Sync(args) => sync::sync(&dir, &mut till, args, out),
        Command::Receipt(args) => print::receipt(&till, args, out),
        Command::Reprint(args) => print::reprint(&mut till, args, out),
        Command::Label(args) => print::label(&till, args, out),
        Command::LabelSheet(args) => print::label_sheet(&till, args, out),
        Command::Printer(command) => print::printer(&mut till, command, out),
        Command::Drawer(command) => print::drawer(&mut till, command, out),
        Command::Product(command) => catalog::product(&mut till, command, out),
        Command::Barcode(args) => labels::barcode(&till, args, out),
        Command::BarcodeRules(command) => labels::rules(&mut till, command, out),
        Command::Sale(args) => sell::sale(&mut till, args, out),
        Command::Return(args) => returns::run(&mut till, args, out),
        Command::Void(args) => returns::void(&mut till, args, out),
        Command::Park(args) => parked::park(&mut till, args, out),
        Command::Parked(args) => parked::parked(&mut till, args, out),
        Command::Resume(args) => parked::resume(&mut till, args, out),
        Command::Shift(command) => shift::run(&mut till, command, out),
        Command::Supplier(command) => purchasing::supplier(&mut till, command, out),
        Command::ApiKey(command) => staff::api_key(&mut till, command, out),
        Command::Po(command) => purchasing::order(&mut till, command, out),
        Command::Transfer(command) => transfers::transfer(&mut till, command, out),
        Command::Count(command) => counts::count(&mut till, command, out),
        Command::Stock(args) => stock::stock(&mut till, args, out),
        Command::Outbox(args) => sync::outbox(&mut till, args, out),
        Command::Notifications(args) => stock::notifications(&till, args, out),
        Command::User(command) => staff::user(&mut till, command, out),
        Command::Customer(command) => customers::customer(&mut till, command, out),
        Command::Journal(command) => reports::journal(&mut till, command, out),
        Command::Report(command) => reports::report(&mut till, command, out),
    }
}
