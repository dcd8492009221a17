//! The print queue: prints the jobs the till has queued, oldest first, and records what
//! became of each. It runs after the sale has committed (the desktop app runs it on a
//! thread of its own, `sellsync sale --print` right after the sale), so a printer that is
//! off or out of paper costs a notification, never a sale.

use std::thread;
use std::time::Duration;

use sellsync_contract::ids;
use sellsync_core::printing::receipt::{self, Receipt};
use sellsync_core::printing::{PrintJob, PrintJobKind, PrinterSettings};
use sellsync_core::{Sale, Till};
use tracing::warn;

use crate::connection::{Connection, Timeouts};
use crate::{charset, render, PrintError};

/// A job whose connection failed is tried once more after this pause; a printer out of
/// paper or with its cover open is not (a person must act first).
const RETRY_PAUSE: Duration = Duration::from_millis(500);
const TRIES: i64 = 2;

/// The receipt of `sale` as `settings` print it (`copy`: marked as a reprint).
pub fn receipt_layout(
    till: &Till,
    settings: &PrinterSettings,
    sale: Sale,
    copy: bool,
) -> Result<Receipt, PrintError> {
    let input = till.receipt_input(sale, &settings.footer, copy)?;
    let page = settings.code_page;
    Ok(receipt::layout(&input, settings.paper, &|c| {
        charset::can_print(page, c)
    }))
}

/// The ESC/POS bytes of the receipt of `sale`.
pub fn receipt_bytes(
    till: &Till,
    settings: &PrinterSettings,
    sale: Sale,
    copy: bool,
    open_drawer: bool,
) -> Result<Vec<u8>, PrintError> {
    let receipt = receipt_layout(till, settings, sale, copy)?;
    Ok(render::receipt(&receipt, settings.code_page, open_drawer)?)
}

/// The ESC/POS bytes of Z report `number` of the till.
pub fn z_report_bytes(
    till: &Till,
    settings: &PrinterSettings,
    number: i64,
) -> Result<Vec<u8>, PrintError> {
    let z = till.z_report_to_print(number)?;
    let page = settings.code_page;
    let report = receipt::z_report_layout(
        &z,
        till.currency(),
        till.business().timezone,
        settings.paper,
        &|c| charset::can_print(page, c),
    );
    Ok(render::receipt(&report, page, false)?)
}

/// Prints every queued job of the till and returns them as finished (printed or failed).
/// Each job gets its own connection, bounded by `timeouts`.
pub fn print_queued(till: &mut Till, timeouts: Timeouts) -> Result<Vec<PrintJob>, PrintError> {
    let jobs = till.queued_print_jobs()?;
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let settings = till.printer_settings()?;
    let mut finished = Vec::with_capacity(jobs.len());
    for job in jobs {
        let (tries, outcome) = match &settings {
            None => (
                0,
                Err("this till has no receipt printer any more".to_owned()),
            ),
            Some(_) if job.is_stale(ids::now()) => (
                0,
                Err("it waited too long to be printed now (was the till closed?)".to_owned()),
            ),
            Some(settings) => {
                let (tries, result) = print_job(till, settings, &job, timeouts);
                (tries, result.map_err(|e| e.to_string()))
            }
        };
        finished.push(till.finish_print_job(
            job.id,
            tries,
            outcome.as_ref().map_err(String::as_str).copied(),
        )?);
    }
    Ok(finished)
}

/// Prints one job; returns how many times it was tried and the outcome.
fn print_job(
    till: &Till,
    settings: &PrinterSettings,
    job: &PrintJob,
    timeouts: Timeouts,
) -> (i64, Result<(), PrintError>) {
    let bytes = match job_bytes(till, settings, job) {
        Ok(bytes) => bytes,
        Err(e) => return (0, Err(e)),
    };
    let mut tries = 0;
    loop {
        tries += 1;
        let result =
            Connection::open(&settings.connection, timeouts).and_then(|mut c| c.print(&bytes));
        match result {
            Err(e) if e.is_transient() && tries < TRIES => {
                warn!(job = job.id, error = %e, "printing failed; trying once more");
                thread::sleep(RETRY_PAUSE);
            }
            result => return (tries, result),
        }
    }
}

fn job_bytes(
    till: &Till,
    settings: &PrinterSettings,
    job: &PrintJob,
) -> Result<Vec<u8>, PrintError> {
    match (job.kind, job.sale_id) {
        (PrintJobKind::Receipt, Some(sale_id)) => {
            let sale = till
                .sale(sale_id)?
                .ok_or_else(|| sellsync_core::Error::UnknownSale(sale_id.to_string()))?;
            receipt_bytes(till, settings, sale, job.copy, job.open_drawer)
        }
        (PrintJobKind::Receipt, None) => {
            Err(sellsync_core::Error::UnknownSale(format!("of print job #{}", job.id)).into())
        }
        (PrintJobKind::Drawer, _) => Ok(render::drawer()?),
        (PrintJobKind::Test, _) => Ok(render::test_page(settings)?),
        (PrintJobKind::ZReport, _) => {
            let number = job.z_number.ok_or_else(|| {
                sellsync_core::Error::Corrupt(format!("print job #{} names no Z report", job.id))
            })?;
            z_report_bytes(till, settings, number)
        }
    }
}
