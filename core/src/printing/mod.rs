//! The till's receipt printer and cash drawer, as the till records them: the printer's
//! settings, a queue of print jobs written after the sale has committed, what became of
//! each job, and every opening of the drawer.
//!
//! Sending bytes to a printer is the `sellsync-printer` crate's work: it takes queued
//! jobs, prints them and reports back through [`Till::finish_print_job`]. A job that
//! fails raises a notification; a receipt can always be printed again as a copy.

pub mod label;
pub mod receipt;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row};
use tracing::{info, warn};

use crate::error::{Error, Result};
use crate::journal::{self, Event};
use crate::printing::receipt::{takes_cash, Paper};
use crate::staff::{Actor, Permission};
use crate::till::Till;
use crate::{notifications, shift};
use sellsync_contract::documents::NotificationKind;
use sellsync_contract::ids::{self, parse_timestamp, timestamp, Id};

/// A job still queued this long after it was asked for is not printed: a receipt for a
/// customer long gone, or a drawer springing open unasked, helps nobody.
pub const STALE_AFTER: Duration = Duration::minutes(2);

/// Character tables a receipt printer can be switched to (`ESC t`). Most thermal
/// printers have them all; PC858 (Western European with `€`) is the usual choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodePage {
    /// The original IBM PC table: accented letters, `£`, no `€`.
    Pc437,
    /// Western European, without `€`.
    Pc850,
    /// Central European (Polish, Czech, Hungarian, …).
    Pc852,
    /// Western European with `€`.
    Pc858,
    /// Cyrillic.
    Pc866,
    /// Windows Western European with `€`.
    Wpc1252,
}

impl CodePage {
    pub const ALL: [CodePage; 6] = [
        CodePage::Pc437,
        CodePage::Pc850,
        CodePage::Pc852,
        CodePage::Pc858,
        CodePage::Pc866,
        CodePage::Wpc1252,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CodePage::Pc437 => "PC437",
            CodePage::Pc850 => "PC850",
            CodePage::Pc852 => "PC852",
            CodePage::Pc858 => "PC858",
            CodePage::Pc866 => "PC866",
            CodePage::Wpc1252 => "WPC1252",
        }
    }
}

impl FromStr for CodePage {
    type Err = Error;

    fn from_str(text: &str) -> Result<CodePage> {
        let wanted = text.trim().to_ascii_uppercase();
        CodePage::ALL
            .into_iter()
            .find(|page| {
                let name = page.as_str();
                name == wanted
                    || name.trim_start_matches(|c: char| c.is_ascii_alphabetic()) == wanted
            })
            .ok_or_else(|| Error::UnknownCodePage(text.to_owned()))
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the till reaches its printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterConnection {
    /// A network printer (raw TCP, usually port 9100): `tcp://HOST[:PORT]`.
    Network { host: String, port: u16 },
    /// A USB printer through its device file (`/dev/usb/lp0` on Linux): `usb:PATH`.
    Usb { path: String },
    /// A serial printer: `serial:PATH[?baud=N]` (9600 baud unless given).
    Serial { path: String, baud: u32 },
    /// Bytes appended to a file, for trying things out: `file:PATH`.
    File { path: String },
}

impl PrinterConnection {
    pub const DEFAULT_PORT: u16 = 9100;
    pub const DEFAULT_BAUD: u32 = 9600;
}

impl FromStr for PrinterConnection {
    type Err = Error;

    fn from_str(text: &str) -> Result<PrinterConnection> {
        let text = text.trim();
        let bad = |why: &str| Error::BadPrinterConnection(format!("{text:?}: {why}"));
        let (scheme, rest) = text
            .split_once(':')
            .ok_or_else(|| bad("it needs a kind, such as tcp://192.168.1.50:9100"))?;
        match scheme.to_ascii_lowercase().as_str() {
            "tcp" => {
                let address = rest
                    .strip_prefix("//")
                    .unwrap_or(rest)
                    .trim_end_matches('/');
                let (host, port) = match address.rsplit_once(':') {
                    Some((host, port)) if !host.ends_with(':') => (
                        host,
                        port.parse::<u16>()
                            .ok()
                            .filter(|&p| p > 0)
                            .ok_or_else(|| bad("the port is a number from 1 to 65535"))?,
                    ),
                    _ => (address, PrinterConnection::DEFAULT_PORT),
                };
                let host = host.trim_start_matches('[').trim_end_matches(']');
                if host.is_empty() || host.contains(['/', ' ']) {
                    return Err(bad(
                        "give the printer's address, such as tcp://192.168.1.50",
                    ));
                }
                Ok(PrinterConnection::Network {
                    host: host.to_owned(),
                    port,
                })
            }
            "usb" | "file" | "serial" => {
                let (path, query) = match rest.split_once('?') {
                    Some((path, query)) => (path, Some(query)),
                    None => (rest, None),
                };
                let path = path.strip_prefix("//").unwrap_or(path);
                if path.is_empty() {
                    return Err(bad("give the device or file path"));
                }
                let path = path.to_owned();
                match (scheme, query) {
                    ("serial", query) => {
                        let baud = match query {
                            None => PrinterConnection::DEFAULT_BAUD,
                            Some(q) => q
                                .strip_prefix("baud=")
                                .and_then(|b| b.parse::<u32>().ok())
                                .filter(|&b| b >= 300)
                                .ok_or_else(|| bad("write the speed as ?baud=9600"))?,
                        };
                        Ok(PrinterConnection::Serial { path, baud })
                    }
                    (_, Some(_)) => Err(bad("only a serial printer takes options")),
                    ("usb", None) => Ok(PrinterConnection::Usb { path }),
                    _ => Ok(PrinterConnection::File { path }),
                }
            }
            _ => Err(bad(
                "use tcp://HOST:PORT, usb:PATH, serial:PATH or file:PATH",
            )),
        }
    }
}

impl fmt::Display for PrinterConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterConnection::Network { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            PrinterConnection::Network { host, port } => write!(f, "tcp://{host}:{port}"),
            PrinterConnection::Usb { path } => write!(f, "usb:{path}"),
            PrinterConnection::Serial { path, baud } => write!(f, "serial:{path}?baud={baud}"),
            PrinterConnection::File { path } => write!(f, "file:{path}"),
        }
    }
}

/// The till's receipt printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterSettings {
    pub connection: PrinterConnection,
    pub paper: Paper,
    pub code_page: CodePage,
    /// Open the cash drawer (wired to the printer) when a sale takes cash.
    pub open_drawer_on_cash: bool,
    /// Printed at the bottom of every receipt.
    pub footer: String,
}

impl PrinterSettings {
    /// The longest footer, in characters.
    pub const MAX_FOOTER: usize = 300;

    /// A printer at `connection` with the usual settings: 80 mm paper, PC858, the drawer
    /// opening for cash, a thank-you footer.
    pub fn new(connection: PrinterConnection) -> PrinterSettings {
        PrinterSettings {
            connection,
            paper: Paper::Mm80,
            code_page: CodePage::Pc858,
            open_drawer_on_cash: true,
            footer: "Thank you for shopping with us!".into(),
        }
    }
}

/// What a print job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintJobKind {
    /// A sale's receipt, and the drawer when the sale took cash.
    Receipt,
    /// Only open the drawer ("no sale").
    Drawer,
    /// A test page, to check the printer's settings.
    Test,
    /// A closed shift's Z report (`z_number`).
    ZReport,
}

impl PrintJobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintJobKind::Receipt => "receipt",
            PrintJobKind::Drawer => "drawer",
            PrintJobKind::Test => "test",
            PrintJobKind::ZReport => "z_report",
        }
    }

    fn parse(text: &str) -> PrintJobKind {
        match text {
            "receipt" => PrintJobKind::Receipt,
            "drawer" => PrintJobKind::Drawer,
            "z_report" => PrintJobKind::ZReport,
            _ => PrintJobKind::Test,
        }
    }
}

/// Where a print job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintJobStatus {
    Queued,
    Printed,
    Failed,
}

impl PrintJobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintJobStatus::Queued => "queued",
            PrintJobStatus::Printed => "printed",
            PrintJobStatus::Failed => "failed",
        }
    }

    fn parse(text: &str) -> PrintJobStatus {
        match text {
            "printed" => PrintJobStatus::Printed,
            "failed" => PrintJobStatus::Failed,
            _ => PrintJobStatus::Queued,
        }
    }
}

/// A print job as the queue holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub id: i64,
    pub kind: PrintJobKind,
    pub sale_id: Option<Id>,
    pub sale_number: Option<String>,
    /// The Z report a `z_report` job prints.
    pub z_number: Option<i64>,
    /// A reprint, marked as a copy.
    pub copy: bool,
    /// The job sends the drawer its signal to open.
    pub open_drawer: bool,
    pub requested_by: Id,
    pub status: PrintJobStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl PrintJob {
    /// Whether the job waited too long to be printed now (see [`STALE_AFTER`]).
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        now - self.created_at > STALE_AFTER
    }

    /// The job in a cashier's words: "the receipt of sale T1-000042".
    pub fn describe(&self) -> String {
        match (self.kind, &self.sale_number) {
            (PrintJobKind::Receipt, Some(number)) if self.copy => {
                format!("the copy of the receipt of sale {number}")
            }
            (PrintJobKind::Receipt, Some(number)) => format!("the receipt of sale {number}"),
            (PrintJobKind::Receipt, None) => "a receipt".into(),
            (PrintJobKind::Drawer, _) => "opening the cash drawer".into(),
            (PrintJobKind::Test, _) => "the test page".into(),
            (PrintJobKind::ZReport, _) => match self.z_number {
                Some(n) => format!("Z report {n}"),
                None => "a Z report".into(),
            },
        }
    }
}

/// One opening of the cash drawer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawerEvent {
    /// `cash_sale` or `no_sale`.
    pub reason: String,
    pub sale_id: Option<Id>,
    pub user_id: Id,
    pub user_name: String,
    pub created_at: DateTime<Utc>,
}

/// What a new print job prints, beside its kind.
#[derive(Default)]
struct JobSubject {
    sale_id: Option<Id>,
    z_number: Option<i64>,
    copy: bool,
    open_drawer: bool,
}

const JOB_COLUMNS: &str = "j.id, j.kind, j.sale_id, s.sale_number, j.copy, j.open_drawer,
    j.requested_by, j.status, j.attempts, j.last_error, j.created_at, j.z_number";

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<PrintJob> {
    let kind: String = r.get(1)?;
    let created: String = r.get(10)?;
    Ok(PrintJob {
        id: r.get(0)?,
        kind: PrintJobKind::parse(&kind),
        sale_id: r.get(2)?,
        sale_number: r.get(3)?,
        z_number: r.get(11)?,
        copy: r.get(4)?,
        open_drawer: r.get(5)?,
        requested_by: r.get(6)?,
        status: PrintJobStatus::parse(&r.get::<_, String>(7)?),
        attempts: r.get(8)?,
        last_error: r.get(9)?,
        created_at: parse_timestamp(&created)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
    })
}

impl Till {
    /// The till's receipt printer, if it has one.
    pub fn printer_settings(&self) -> Result<Option<PrinterSettings>> {
        let row = self
            .conn
            .query_row(
                "SELECT connection, paper_mm, code_page, open_drawer_on_cash, footer
                 FROM printer_settings WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((connection, paper, code_page, open_drawer_on_cash, footer)) = row else {
            return Ok(None);
        };
        let damaged = |e: Error| Error::Corrupt(format!("the printer settings: {e}"));
        Ok(Some(PrinterSettings {
            connection: connection.parse().map_err(damaged)?,
            paper: Paper::parse(&paper.to_string()).map_err(damaged)?,
            code_page: code_page.parse().map_err(damaged)?,
            open_drawer_on_cash,
            footer,
        }))
    }

    /// Sets the till's receipt printer, or removes it (`None`). Needs `manage_settings`.
    pub fn set_printer_settings(
        &mut self,
        actor: &Actor,
        settings: Option<&PrinterSettings>,
    ) -> Result<()> {
        actor.require(Permission::ManageSettings)?;
        if let Some(s) = settings {
            if s.footer.chars().count() > PrinterSettings::MAX_FOOTER {
                return Err(Error::InvalidSetting(format!(
                    "The receipt footer can be at most {} characters.",
                    PrinterSettings::MAX_FOOTER
                )));
            }
        }
        let now = ids::now();
        self.write_as(actor, |tx, _| {
            match settings {
                None => {
                    tx.execute("DELETE FROM printer_settings", [])?;
                }
                Some(s) => {
                    tx.execute(
                        "INSERT OR REPLACE INTO printer_settings (id, connection, paper_mm,
                            code_page, open_drawer_on_cash, footer, updated_at)
                         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            s.connection.to_string(),
                            s.paper.millimetres(),
                            s.code_page.as_str(),
                            s.open_drawer_on_cash,
                            s.footer.trim(),
                            timestamp(now)
                        ],
                    )?;
                }
            }
            Ok(())
        })?;
        info!(printer = ?settings.map(|s| s.connection.to_string()), "printer settings changed");
        Ok(())
    }

    fn require_printer(&self) -> Result<PrinterSettings> {
        self.printer_settings()?.ok_or(Error::NoPrinter)
    }

    /// Queues the receipt of a completed sale (`copy`: a reprint). The first receipt of a
    /// cash sale also opens the drawer when the printer is set to. Needs `process_sales`.
    pub fn queue_receipt(&mut self, actor: &Actor, sale_id: Id, copy: bool) -> Result<PrintJob> {
        actor.require(Permission::ProcessSales)?;
        let settings = self.require_printer()?;
        let sale = self
            .sale(sale_id)?
            .ok_or_else(|| Error::UnknownSale(sale_id.to_string()))?;
        let open_drawer = !copy && settings.open_drawer_on_cash && takes_cash(&sale);
        let job = JobSubject {
            sale_id: Some(sale_id),
            copy,
            open_drawer,
            ..JobSubject::default()
        };
        self.queue(actor, PrintJobKind::Receipt, job)
    }

    /// Queues a Z report of this till (number `number`, or the latest) to print. Needs
    /// `view_reports`.
    pub fn queue_z_report(&mut self, actor: &Actor, number: Option<i64>) -> Result<PrintJob> {
        let z = self.z_report(actor, number)?;
        self.require_printer()?;
        let job = JobSubject {
            z_number: Some(z.z_number),
            ..JobSubject::default()
        };
        self.queue(actor, PrintJobKind::ZReport, job)
    }

    /// Queues opening the cash drawer with no sale. Needs `open_cash_drawer`.
    pub fn queue_drawer_open(&mut self, actor: &Actor) -> Result<PrintJob> {
        actor.require(Permission::OpenCashDrawer)?;
        self.require_printer()?;
        let job = JobSubject {
            open_drawer: true,
            ..JobSubject::default()
        };
        self.queue(actor, PrintJobKind::Drawer, job)
    }

    /// Queues a test page. Needs `manage_settings`.
    pub fn queue_test_page(&mut self, actor: &Actor) -> Result<PrintJob> {
        actor.require(Permission::ManageSettings)?;
        self.require_printer()?;
        self.queue(actor, PrintJobKind::Test, JobSubject::default())
    }

    fn queue(&mut self, actor: &Actor, kind: PrintJobKind, job: JobSubject) -> Result<PrintJob> {
        let now = ids::now();
        let id = self.write_as(actor, |tx, _| {
            tx.execute(
                "INSERT INTO print_jobs (kind, sale_id, z_number, copy, open_drawer,
                    requested_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    kind.as_str(),
                    job.sale_id,
                    job.z_number,
                    job.copy,
                    job.open_drawer,
                    actor.user_id(),
                    timestamp(now)
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        self.print_job(id)
    }

    /// One print job.
    pub fn print_job(&self, id: i64) -> Result<PrintJob> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM print_jobs j
                     LEFT JOIN sales_transactions s ON s._id = j.sale_id WHERE j.id = ?1"
                ),
                [id],
                job_from_row,
            )
            .optional()?
            .ok_or(Error::NoSuchPrintJob(id))
    }

    /// Jobs waiting to be printed, oldest first.
    pub fn queued_print_jobs(&self) -> Result<Vec<PrintJob>> {
        self.print_jobs_where("j.status = 'queued' ORDER BY j.id", 1000)
    }

    /// The latest jobs, newest first.
    pub fn recent_print_jobs(&self, limit: usize) -> Result<Vec<PrintJob>> {
        self.print_jobs_where("1 ORDER BY j.id DESC", limit)
    }

    fn print_jobs_where(&self, filter: &str, limit: usize) -> Result<Vec<PrintJob>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM print_jobs j
             LEFT JOIN sales_transactions s ON s._id = j.sale_id WHERE {filter} LIMIT ?1"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let jobs = stmt.query_map([limit], job_from_row)?;
        Ok(jobs.collect::<rusqlite::Result<_>>()?)
    }

    /// Records what became of a queued job after `attempts` tries. Printed: a job that
    /// opened the drawer is logged as a drawer event. Failed: a notification says what
    /// did not print and why, and how to print it again.
    pub fn finish_print_job(
        &mut self,
        id: i64,
        attempts: i64,
        outcome: std::result::Result<(), &str>,
    ) -> Result<PrintJob> {
        let job = self.print_job(id)?;
        if job.status != PrintJobStatus::Queued {
            return Ok(job);
        }
        let now = ids::now();
        self.write(|tx, ctx| {
            match outcome {
                Ok(()) => {
                    tx.execute(
                        "UPDATE print_jobs SET status = 'printed', attempts = ?2,
                            last_error = NULL, finished_at = ?3 WHERE id = ?1",
                        params![id, attempts, timestamp(now)],
                    )?;
                    if job.open_drawer {
                        let reason = match job.kind {
                            PrintJobKind::Receipt => "cash_sale",
                            _ => "no_sale",
                        };
                        tx.execute(
                            "INSERT INTO drawer_events (reason, sale_id, user_id, print_job_id,
                                created_at, shift_id)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            params![
                                reason,
                                job.sale_id,
                                job.requested_by,
                                id,
                                timestamp(now),
                                shift::open_shift_id(tx)?
                            ],
                        )?;
                        let event = tx.last_insert_rowid().to_string();
                        journal::append(tx, ctx, Event::DrawerOpened, &event, now)?;
                    }
                }
                Err(error) => {
                    tx.execute(
                        "UPDATE print_jobs SET status = 'failed', attempts = ?2,
                            last_error = ?3, finished_at = ?4 WHERE id = ?1",
                        params![id, attempts, error, timestamp(now)],
                    )?;
                    let mut message =
                        format!("The printer did not print {}: {error}.", job.describe());
                    if job.open_drawer {
                        message.push_str(" The cash drawer did not open.");
                    }
                    if let Some(number) = &job.sale_number {
                        message.push_str(&format!(
                            " The sale is saved; print it again with Reprint (sale {number})."
                        ));
                    }
                    notifications::raise(
                        tx,
                        ctx,
                        NotificationKind::PrinterProblem,
                        None,
                        &message,
                        now,
                    )?;
                }
            }
            Ok(())
        })?;
        match outcome {
            Ok(()) => info!(job = id, "{} printed", job.describe()),
            Err(error) => warn!(job = id, error, "{} failed", job.describe()),
        }
        self.print_job(id)
    }

    /// The latest openings of the cash drawer, newest first.
    pub fn drawer_events(&self, limit: usize) -> Result<Vec<DrawerEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.reason, d.sale_id, d.user_id, COALESCE(u.name, ''), d.created_at
             FROM drawer_events d LEFT JOIN users u ON u._id = d.user_id
             ORDER BY d.id DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let events = stmt.query_map([limit], |r| {
            let created: String = r.get(4)?;
            Ok(DrawerEvent {
                reason: r.get(0)?,
                sale_id: r.get(1)?,
                user_id: r.get(2)?,
                user_name: r.get(3)?,
                created_at: parse_timestamp(&created)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            })
        })?;
        Ok(events.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_connections_read_and_write_back() {
        for (text, written) in [
            ("tcp://192.168.1.50:9100", "tcp://192.168.1.50:9100"),
            ("tcp://printer.local", "tcp://printer.local:9100"),
            ("TCP://10.0.0.7:9101/", "tcp://10.0.0.7:9101"),
            ("tcp://[::1]:9100", "tcp://[::1]:9100"),
            ("usb:/dev/usb/lp0", "usb:/dev/usb/lp0"),
            ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0?baud=9600"),
            ("serial:COM3?baud=19200", "serial:COM3?baud=19200"),
            ("file:/tmp/receipts.bin", "file:/tmp/receipts.bin"),
        ] {
            let connection: PrinterConnection = text.parse().unwrap();
            assert_eq!(connection.to_string(), written, "{text}");
            assert_eq!(written.parse::<PrinterConnection>().unwrap(), connection);
        }
        for bad in [
            "",
            "192.168.1.50",
            "tcp://",
            "tcp://host:0",
            "tcp://host:70000",
            "tcp://host:port",
            "usb:",
            "serial:/dev/ttyS0?baud=fast",
            "usb:/dev/usb/lp0?baud=9600",
            "lpt:1",
        ] {
            assert!(
                matches!(
                    bad.parse::<PrinterConnection>(),
                    Err(Error::BadPrinterConnection(_))
                ),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn code_pages_by_name() {
        assert_eq!("pc858".parse::<CodePage>().unwrap(), CodePage::Pc858);
        assert_eq!("858".parse::<CodePage>().unwrap(), CodePage::Pc858);
        assert_eq!("WPC1252".parse::<CodePage>().unwrap(), CodePage::Wpc1252);
        assert!(matches!(
            "utf8".parse::<CodePage>(),
            Err(Error::UnknownCodePage(_))
        ));
    }
}
