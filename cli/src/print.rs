//! `sellsync receipt`, `reprint`, `printer` and `drawer`: receipts as bytes, text or
//! paper, the till's printer settings and the cash drawer. Printing goes through the
//! till's print queue, after the sale has been saved.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use sellsync_contract::Quantity;
use sellsync_core::printing::receipt::Paper;
use sellsync_core::printing::{
    CodePage, PrintJob, PrintJobStatus, PrinterConnection, PrinterSettings,
};
use sellsync_core::{Actor, Sale, Till};
use sellsync_printer::sheet::{self, SheetPaper};
use sellsync_printer::{print_queued, receipt_bytes, receipt_layout, render, Connection, Timeouts};

use crate::output::Printer;
use crate::{sign_in, SignIn};

#[derive(Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["out", "printer", "text"])))]
pub struct ReceiptArgs {
    /// The sale: its number (T1-000042) or the code under the receipt's QR code
    sale: String,
    #[command(flatten)]
    to: Destination,
    /// Show the receipt as plain text
    #[arg(long)]
    text: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["out", "printer"])))]
pub struct LabelArgs {
    /// The product: its barcode or SKU
    code: String,
    /// How many labels
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=500))]
    copies: u16,
    /// A weighed item's label instead: its weight (0.742), price and a code carrying it
    #[arg(long, conflicts_with = "copies")]
    weight: Option<Quantity>,
    #[command(flatten)]
    to: Destination,
}

#[derive(Args)]
pub struct LabelSheetArgs {
    /// The products: their barcodes or SKUs
    codes: Vec<String>,
    /// Every product of this category too
    #[arg(long)]
    category: Option<String>,
    /// Labels of each product
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=500))]
    copies: u16,
    /// The sheets' paper: a4 (3 × 8 labels of 70 × 37 mm) or letter (3 × 10 of 2⅝ × 1 in)
    #[arg(long, default_value = "a4")]
    paper: String,
    /// Write the page to this file, to print from a browser
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Where printed bytes go (a file or a printer), and on what paper.
#[derive(Args)]
pub struct Destination {
    /// Paper width in millimetres: 58 or 80 [default: the till printer's, else 80]
    #[arg(long)]
    width: Option<String>,
    /// Write the ESC/POS bytes to this file
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Send them to this printer: tcp://HOST:PORT, usb:PATH, serial:PATH
    #[arg(long, value_name = "CONNECTION")]
    printer: Option<String>,
}

impl Destination {
    /// The till printer's settings (the defaults without one), on the paper asked for.
    fn settings(&self, till: &Till) -> Result<PrinterSettings> {
        let mut settings = till.printer_settings()?.unwrap_or_else(|| {
            PrinterSettings::new(PrinterConnection::File {
                path: String::new(),
            })
        });
        if let Some(width) = &self.width {
            settings.paper = Paper::parse(width)?;
        }
        Ok(settings)
    }

    /// Writes `bytes` to the file, or sends them to the printer; where they went, `None`
    /// when neither was given.
    fn send(&self, bytes: &[u8]) -> Result<Option<String>> {
        if let Some(path) = &self.out {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            return Ok(Some(path.display().to_string()));
        }
        let Some(printer) = &self.printer else {
            return Ok(None);
        };
        let connection: PrinterConnection = printer.parse()?;
        Connection::open(&connection, Timeouts::default())?.print(bytes)?;
        Ok(Some(connection.to_string()))
    }
}

#[derive(Args)]
pub struct ReprintArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// The sale: its number (T1-000042) or the code under the receipt's QR code
    sale: String,
}

#[derive(Subcommand)]
pub enum PrinterCommand {
    /// Set the till's receipt printer (needs manage_settings)
    Setup {
        #[command(flatten)]
        sign_in: SignIn,
        /// tcp://HOST[:PORT] (network, port 9100 unless given), usb:/dev/usb/lp0,
        /// serial:/dev/ttyUSB0[?baud=9600] or file:PATH
        connection: String,
        /// Paper width in millimetres: 58 or 80
        #[arg(long, default_value = "80")]
        paper: String,
        /// The printer's character table: PC437, PC850, PC852, PC858, PC866 or WPC1252
        #[arg(long, default_value = "PC858")]
        code_page: String,
        /// Do not open the cash drawer after a cash sale
        #[arg(long)]
        no_drawer: bool,
        /// Printed at the bottom of every receipt
        #[arg(long)]
        footer: Option<String>,
    },
    /// The till's printer, its latest jobs and drawer openings
    Show,
    /// Ask the printer whether it is ready (paper, cover)
    Status,
    /// Print a test page (needs manage_settings)
    Test {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Remove the till's printer (needs manage_settings)
    Remove {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

#[derive(Subcommand)]
pub enum DrawerCommand {
    /// Open the cash drawer without a sale (needs open_cash_drawer; recorded)
    Open {
        #[command(flatten)]
        sign_in: SignIn,
    },
}

/// The till's printer settings, or the usual ones for a printer not set up here.
pub fn receipt(till: &Till, args: ReceiptArgs, out: &Printer) -> Result<()> {
    let sale = till.find_sale(&args.sale)?;
    let settings = args.to.settings(till)?;
    if args.text {
        let receipt = receipt_layout(till, &settings, sale, false)?;
        return out.receipt_text(&receipt);
    }
    let bytes = receipt_bytes(till, &settings, sale.clone(), false, false)?;
    let target = args
        .to
        .send(&bytes)?
        .context("give --out FILE, --printer CONNECTION or --text")?;
    out.receipt_written(&sale, &target, bytes.len())
}

/// Shelf labels of a product, or a weighed item's label, as ESC/POS bytes to a file or a
/// printer.
pub fn label(till: &Till, args: LabelArgs, out: &Printer) -> Result<()> {
    let settings = args.to.settings(till)?;
    let send = |bytes: &[u8]| -> Result<String> {
        args.to
            .send(bytes)?
            .context("give --out FILE or --printer CONNECTION")
    };
    if let Some(weight) = args.weight {
        let label = till.weighed_label(&args.code, weight)?;
        let bytes = render::weighed_label(&label, settings.code_page, settings.paper)?;
        let target = send(&bytes)?;
        return out.weighed_label_written(&label, &target, bytes.len());
    }
    let label = till.shelf_label(&args.code)?;
    let bytes = render::shelf_labels(&label, args.copies, settings.code_page, settings.paper)?;
    let target = send(&bytes)?;
    out.labels_written(&label, args.copies, &target, bytes.len())
}

/// Shelf labels of many products on sheets for an office printer, as an HTML page.
pub fn label_sheet(till: &Till, args: LabelSheetArgs, out: &Printer) -> Result<()> {
    let Some(paper) = SheetPaper::parse(&args.paper) else {
        bail!(
            "{:?} is no paper for label sheets: give a4 or letter.",
            args.paper
        );
    };
    let mut codes = args.codes;
    if let Some(category) = &args.category {
        let category = category.trim();
        let before = codes.len();
        codes.extend(
            till.stock_levels(false)?
                .into_iter()
                .filter(|p| p.category.eq_ignore_ascii_case(category))
                .map(|p| p.sku),
        );
        if codes.len() == before {
            bail!("No product is in the category {category:?}.");
        }
    }
    let mut labels = Vec::new();
    for code in &codes {
        let label = till.shelf_label(code)?;
        labels.extend(std::iter::repeat_n(label, usize::from(args.copies)));
    }
    let html = sheet::label_sheets(&labels, paper, "Shelf labels")?;
    std::fs::write(&args.out, &html)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let sheets = labels.len().div_ceil(paper.labels_per_sheet());
    out.label_sheet_written(
        codes.len(),
        labels.len(),
        sheets,
        &args.out.display().to_string(),
    )
}

/// Queues a copy of a sale's receipt on the till's printer and prints it.
pub fn reprint(till: &mut Till, args: ReprintArgs, out: &Printer) -> Result<()> {
    let actor = sign_in(till, &args.sign_in)?;
    let sale = till.find_sale(&args.sale)?;
    till.queue_receipt(&actor, sale.id, true)?;
    print_now(till, out)
}

/// After `sellsync sale --print`: the sale is saved; its receipt is queued and printed.
/// A printer problem is reported on standard error, and the command still succeeds: the
/// sale stands, and running it again would sell twice.
pub fn print_sale(till: &mut Till, actor: &Actor, sale: &Sale) -> Result<()> {
    till.queue_receipt(actor, sale.id, false)?;
    let jobs = print_queued(till, Timeouts::default())?;
    report_jobs(&jobs);
    Ok(())
}

/// After `sellsync shift z --print` queued the Z report: prints it, saying so on standard
/// error. The report is stored whatever the printer does; a problem fails the command,
/// which can simply be run again.
pub fn print_queued_report(till: &mut Till) -> Result<()> {
    for job in print_queued(till, Timeouts::default())? {
        match &job.last_error {
            None => eprintln!("Printed {}.", job.describe()),
            Some(error) => bail!("{} did not print: {error}", job.describe()),
        }
    }
    Ok(())
}

/// Prints what the queue holds; fails when something did not print.
fn print_now(till: &mut Till, out: &Printer) -> Result<()> {
    let jobs = print_queued(till, Timeouts::default())?;
    out.print_jobs(&jobs)?;
    if jobs.iter().any(|j| j.status != PrintJobStatus::Printed) {
        bail!("not everything printed (see above)");
    }
    Ok(())
}

/// One line per job on standard error.
fn report_jobs(jobs: &[PrintJob]) {
    for job in jobs {
        match &job.last_error {
            None => eprintln!("Printed {}.", job.describe()),
            Some(error) => eprintln!(
                "warning: {} did not print: {error}. The sale is saved; print it again with `sellsync reprint`.",
                job.describe()
            ),
        }
    }
}

pub fn printer(till: &mut Till, command: PrinterCommand, out: &Printer) -> Result<()> {
    match command {
        PrinterCommand::Setup {
            sign_in: who,
            connection,
            paper,
            code_page,
            no_drawer,
            footer,
        } => {
            let actor = sign_in(till, &who)?;
            let mut settings = PrinterSettings::new(connection.parse()?);
            settings.paper = Paper::parse(&paper)?;
            settings.code_page = code_page.parse::<CodePage>()?;
            settings.open_drawer_on_cash = !no_drawer;
            if let Some(footer) = footer {
                settings.footer = footer;
            }
            till.set_printer_settings(&actor, Some(&settings))?;
            out.printer_settings(till.printer_settings()?.as_ref(), &[], &[])
        }
        PrinterCommand::Show => out.printer_settings(
            till.printer_settings()?.as_ref(),
            &till.recent_print_jobs(10)?,
            &till.drawer_events(10)?,
        ),
        PrinterCommand::Status => {
            let settings = till
                .printer_settings()?
                .ok_or(sellsync_core::Error::NoPrinter)?;
            let status = Connection::open(&settings.connection, Timeouts::default())?.status()?;
            out.printer_status(&settings.connection, status.as_ref())
        }
        PrinterCommand::Test { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            till.queue_test_page(&actor)?;
            print_now(till, out)
        }
        PrinterCommand::Remove { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            till.set_printer_settings(&actor, None)?;
            out.printer_settings(None, &[], &[])
        }
    }
}

pub fn drawer(till: &mut Till, command: DrawerCommand, out: &Printer) -> Result<()> {
    match command {
        DrawerCommand::Open { sign_in: who } => {
            let actor = sign_in(till, &who)?;
            till.queue_drawer_open(&actor)?;
            print_now(till, out)
        }
    }
}
