//! The print queue through the real network connection: to emupos's virtual printer on a
//! TCP port (paper out, back in), to a port nobody listens on, and to a printer that stops
//! answering in the middle of a job. The sale stays saved, nothing waits longer than its
//! timeout, and a failed job leaves a notification and a reprint.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{cafe, emupos, emupos_run, repo_root, Cafe};
use sellsync_core::printing::{PrintJob, PrintJobStatus, PrinterConnection};
use sellsync_core::Sale;
use sellsync_printer::{print_queued, Connection, Timeouts};
use serde_json::Value;
use tempfile::TempDir;

const QUICK: Timeouts = Timeouts {
    connect: Duration::from_millis(500),
    io: Duration::from_millis(800),
    status: Duration::from_millis(300),
};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// emupos's virtual network printer, stopped when dropped.
struct VirtualPrinter {
    child: Child,
    port: u16,
    api_port: String,
    dir: TempDir,
}

impl VirtualPrinter {
    /// A printer on a TCP port and, with `serial`, on a pseudo-terminal too (its path is
    /// returned).
    fn start(serial: bool) -> (VirtualPrinter, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let (port, api_port) = (free_port(), free_port().to_string());
        let mut command = Command::new("bash");
        command
            .arg(repo_root().join("tests/emupos"))
            .args([
                "serve",
                "--port",
                &port.to_string(),
                "--api-port",
                &api_port,
            ])
            .args(["--paper", "80", "--dir"])
            .arg(dir.path());
        if serial {
            command.arg("--serial");
        }
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let mut words = line.split_whitespace();
        assert_eq!(
            words.next(),
            Some("ready"),
            "the virtual printer did not start"
        );
        let serial_path = words.next().map(str::to_owned);
        let printer = VirtualPrinter {
            child,
            port,
            api_port,
            dir,
        };
        (printer, serial_path)
    }

    fn connection(&self) -> PrinterConnection {
        PrinterConnection::Network {
            host: "127.0.0.1".into(),
            port: self.port,
        }
    }

    fn fault(&self, fault: &str, on: bool) {
        let state = if on { "on" } else { "off" };
        emupos_run(&["fault", "--api-port", &self.api_port, fault, state]);
    }

    /// The printer's completed receipts and events, once `count` receipts are done.
    fn receipts(&self, count: usize) -> Value {
        emupos(&[
            "receipts",
            "--api-port",
            &self.api_port,
            "--dir",
            self.dir.path().to_str().unwrap(),
            "--wait-for",
            &count.to_string(),
        ])
    }
}

impl Drop for VirtualPrinter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_cash_sale_prints_and_opens_the_drawer_on_a_network_printer() {
    let (printer, _) = VirtualPrinter::start(false);
    let mut cafe = cafe();
    cafe.set_printer(printer.connection());
    let status = Connection::open(&printer.connection(), QUICK)
        .unwrap()
        .status()
        .unwrap()
        .expect("emupos answers DLE EOT");
    assert_eq!(status.problem(), None);

    let sale = cafe.cash_sale();
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, false)
        .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0].status,
        PrintJobStatus::Printed,
        "{:?}",
        jobs[0].last_error
    );

    let printed = printer.receipts(1);
    let receipt = &printed["receipts"][0];
    assert_eq!(receipt["boundary"], "cut");
    let text = receipt["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("Sale {}", sale.sale_number)),
        "{text}"
    );
    assert_eq!(printed["drawer_opened"], 1, "{printed:#}");
    assert_eq!(printed["unknown"], serde_json::json!([]));
    let drawer = cafe.till.drawer_events(10).unwrap();
    assert_eq!(drawer.len(), 1);
    assert_eq!(drawer[0].reason, "cash_sale");
    assert_eq!(drawer[0].sale_id, Some(sale.id));
    assert!(cafe.till.queued_print_jobs().unwrap().is_empty());
}

#[test]
fn out_of_paper_the_job_fails_at_once_and_a_reprint_prints_once_paper_is_back() {
    let (printer, _) = VirtualPrinter::start(false);
    let mut cafe = cafe();
    cafe.set_printer(printer.connection());
    printer.fault("paper-out", true);

    let sale = cafe.card_sale();
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, false)
        .unwrap();
    let started = Instant::now();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(jobs[0].status, PrintJobStatus::Failed);
    let error = jobs[0].last_error.as_deref().unwrap();
    assert!(error.contains("out of paper"), "{error}");
    assert_eq!(
        jobs[0].attempts, 1,
        "no retry: someone must load paper first"
    );
    let notes = cafe.till.notifications(true, 10).unwrap();
    assert!(
        notes.iter().any(|n| n.kind == "printer_problem"
            && n.message.contains(&sale.sale_number)
            && n.message.contains("out of paper")),
        "{notes:?}"
    );
    assert!(
        cafe.till.sale(sale.id).unwrap().is_some(),
        "the sale stands"
    );

    printer.fault("paper-out", false);
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, true)
        .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert_eq!(
        jobs[0].status,
        PrintJobStatus::Printed,
        "{:?}",
        jobs[0].last_error
    );
    let printed = printer.receipts(1);
    let receipts = printed["receipts"].as_array().unwrap();
    assert_eq!(
        receipts.len(),
        1,
        "the failed job sent nothing: {printed:#}"
    );
    assert!(receipts[0]["text"]
        .as_str()
        .unwrap()
        .contains("*** COPY ***"));
}

/// Sets the till's printer to a local port, queues the receipt of `sale` and runs the
/// queue; returns the finished job and how long the queue took.
fn print_at_port(cafe: &mut Cafe, port: u16, sale: &Sale) -> (PrintJob, Duration) {
    cafe.set_printer(PrinterConnection::Network {
        host: "127.0.0.1".into(),
        port,
    });
    cafe.till
        .queue_receipt(&cafe.owner, sale.id, false)
        .unwrap();
    let started = Instant::now();
    let mut jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert_eq!(jobs.len(), 1);
    (jobs.remove(0), started.elapsed())
}

#[test]
fn an_unreachable_printer_fails_within_the_timeout_and_the_sale_stands() {
    let mut cafe = cafe();
    let sale = cafe.cash_sale();
    let (job, took) = print_at_port(&mut cafe, free_port(), &sale);
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(job.status, PrintJobStatus::Failed);
    assert_eq!(job.attempts, 2, "a failed connection is tried once more");
    let error = job.last_error.as_deref().unwrap();
    assert!(
        error.contains("cannot reach the printer at tcp://127.0.0.1:"),
        "{error}"
    );
    let notes = cafe.till.notifications(true, 10).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.message.contains("The cash drawer did not open")),
        "{notes:?}"
    );
    assert!(cafe.till.drawer_events(10).unwrap().is_empty());
    assert!(cafe.till.sale(sale.id).unwrap().is_some());
}

/// A printer that answers the status request before the job, then stops reading.
fn stalling_printer() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream: TcpStream = stream.unwrap();
            thread::spawn(move || {
                let mut request = [0; 6]; // DLE EOT 2, DLE EOT 4
                stream.read_exact(&mut request).unwrap();
                stream.write_all(&[0x12, 0x12]).unwrap();
                thread::sleep(Duration::from_secs(30)); // then silence, connection open
            });
        }
    });
    port
}

#[test]
fn a_printer_that_stops_answering_mid_job_is_given_up_after_the_timeout() {
    let mut cafe = cafe();
    let sale = cafe.big_sale();
    let (job, took) = print_at_port(&mut cafe, stalling_printer(), &sale);
    // Two tries of (status, job, confirmation timing out at 0.8 s), 0.5 s apart.
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(job.status, PrintJobStatus::Failed);
    let error = job.last_error.as_deref().unwrap();
    assert!(error.contains("stopped answering"), "{error}");
    assert!(cafe.till.sale(sale.id).unwrap().is_some());
}

#[test]
fn a_printer_without_status_replies_is_printed_to_without_checks() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).unwrap();
        received
    });
    let mut cafe = cafe();
    cafe.set_printer(PrinterConnection::Network {
        host: "127.0.0.1".into(),
        port,
    });
    cafe.till.queue_drawer_open(&cafe.owner).unwrap();
    let started = Instant::now();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "only the status wait (0.3 s) is lost: {took:?}"
    );
    assert_eq!(
        jobs[0].status,
        PrintJobStatus::Printed,
        "{:?}",
        jobs[0].last_error
    );
    let received = sink.join().unwrap();
    let pulse = [0x1B, b'p', 0, 25, 250];
    assert!(received.windows(5).any(|w| w == pulse), "{received:?}");
    assert_eq!(cafe.till.drawer_events(10).unwrap()[0].reason, "no_sale");
}

#[test]
fn staff_without_the_permission_cannot_open_the_drawer_and_stale_jobs_are_not_printed() {
    let mut cafe = cafe();
    cafe.set_printer(PrinterConnection::File {
        path: cafe.dir.path().join("printer.bin").display().to_string(),
    });
    let refused = cafe.till.queue_drawer_open(&cafe.cashier);
    assert!(
        matches!(refused, Err(sellsync_core::Error::PermissionDenied { .. })),
        "{refused:?}"
    );
    assert!(cafe.till.queued_print_jobs().unwrap().is_empty());

    // A job left queued when the till closed is not printed hours later.
    cafe.till.queue_drawer_open(&cafe.owner).unwrap();
    let db = rusqlite::Connection::open(cafe.dir.path().join("till.sqlite3")).unwrap();
    db.execute(
        "UPDATE print_jobs SET created_at = '2026-01-01T00:00:00.000000Z'",
        [],
    )
    .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert_eq!(jobs[0].status, PrintJobStatus::Failed);
    assert!(jobs[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("waited too long"));
    assert!(
        !cafe.dir.path().join("printer.bin").exists(),
        "nothing was sent"
    );
    assert!(cafe.till.drawer_events(10).unwrap().is_empty());
}

#[test]
fn a_serial_printer_prints_reports_paper_out_and_opens_the_drawer() {
    let (printer, path) = VirtualPrinter::start(true);
    let connection = PrinterConnection::Serial {
        path: path.expect("the pseudo-terminal's path"),
        baud: 9600,
    };
    let mut cafe = cafe();
    cafe.set_printer(connection);

    printer.fault("paper-out", true);
    let sale = cafe.cash_sale();
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, false)
        .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert_eq!(jobs[0].status, PrintJobStatus::Failed);
    assert!(jobs[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("out of paper"));

    printer.fault("paper-out", false);
    printer.fault("cover-open", true);
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, true)
        .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert!(jobs[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("cover is open"));

    printer.fault("cover-open", false);
    cafe.till.queue_drawer_open(&cafe.owner).unwrap();
    cafe.till
        .queue_receipt(&cafe.cashier, sale.id, true)
        .unwrap();
    let jobs = print_queued(&mut cafe.till, QUICK).unwrap();
    assert!(
        jobs.iter().all(|j| j.status == PrintJobStatus::Printed),
        "{jobs:?}"
    );
    let printed = printer.receipts(1);
    assert_eq!(printed["drawer_opened"], 1, "{printed:#}");
    let receipt = &printed["receipts"][0];
    assert_eq!(receipt["boundary"], "cut");
    assert!(receipt["text"]
        .as_str()
        .unwrap()
        .contains(&format!("Sale {}", sale.sale_number)));
}
