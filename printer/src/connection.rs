//! The way to the printer: a network socket, a serial port, a USB device file or a plain
//! file, each bounded by timeouts so that a printer that is off, unplugged or stuck never
//! holds the till up.
//!
//! Printers that answer ESC/POS real-time status requests (`DLE EOT`, network and serial
//! printers usually do) are asked before a job whether they can print (paper, cover), and
//! after it whether they took it all in. A printer that never answers is printed to
//! without those checks.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use sellsync_core::printing::PrinterConnection;
use serde::Serialize;
use tracing::debug;

use crate::PrintError;

/// How long the till waits for a printer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To connect to a network printer.
    pub connect: Duration,
    /// For one write, or the reply that confirms the printer took a job in.
    pub io: Duration,
    /// For the status reply before a job: a printer that answers does so at once, and one
    /// that does not answer at all should not hold every receipt up for long.
    pub status: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(3),
            io: Duration::from_secs(5),
            status: Duration::from_secs(1),
        }
    }
}

/// What a printer says of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    pub paper_out: bool,
    pub paper_low: bool,
    pub cover_open: bool,
}

impl PrinterStatus {
    /// What stops printing, in a cashier's words.
    pub fn problem(&self) -> Option<&'static str> {
        if self.paper_out {
            Some("the printer is out of paper")
        } else if self.cover_open {
            Some("the printer's cover is open")
        } else {
            None
        }
    }
}

const DLE: u8 = 0x10;
const EOT: u8 = 0x04;
/// `DLE EOT 2`: why the printer is offline (bit 2: cover open, bit 5: stopped at paper end).
const OFFLINE_CAUSE: [u8; 3] = [DLE, EOT, 2];
/// `DLE EOT 4`: the paper roll sensor (bits 2-3: near end, bits 5-6: no paper).
const PAPER_SENSOR: [u8; 3] = [DLE, EOT, 4];

/// An open connection to a printer.
pub struct Connection {
    name: String,
    timeouts: Timeouts,
    link: Link,
}

enum Link {
    /// Network and serial printers: written and read with timeouts.
    Stream(Box<dyn Stream>),
    /// A USB device file or a plain file: written only.
    File(File),
}

/// A two-way byte stream whose reads and writes time out.
trait Stream: Read + Write + Send {
    fn set_read_wait(&mut self, wait: Duration) -> io::Result<()>;
}

impl Stream for TcpStream {
    fn set_read_wait(&mut self, wait: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(wait))
    }
}

impl Stream for Box<dyn serialport::SerialPort> {
    fn set_read_wait(&mut self, wait: Duration) -> io::Result<()> {
        self.set_timeout(wait).map_err(io::Error::from)
    }
}

impl Connection {
    /// Opens the connection: connects to a network printer, opens a serial port, a USB
    /// device or a file (appending).
    pub fn open(
        connection: &PrinterConnection,
        timeouts: Timeouts,
    ) -> Result<Connection, PrintError> {
        let name = connection.to_string();
        let unreachable = |source: io::Error| PrintError::Unreachable {
            printer: name.clone(),
            source,
        };
        let link = match connection {
            PrinterConnection::Network { host, port } => {
                let stream = connect(host, *port, timeouts.connect).map_err(unreachable)?;
                stream.set_nodelay(true).map_err(unreachable)?;
                stream
                    .set_write_timeout(Some(timeouts.io))
                    .map_err(unreachable)?;
                Link::Stream(Box::new(stream))
            }
            PrinterConnection::Serial { path, baud } => {
                let serial = |e: serialport::Error| unreachable(io::Error::other(e.description));
                let port = serialport::new(path, *baud)
                    .timeout(timeouts.io)
                    .open()
                    .map_err(serial)?;
                // Replies nobody read (an earlier run cut short) would pass for ours.
                port.clear(serialport::ClearBuffer::Input).map_err(serial)?;
                Link::Stream(Box::new(port))
            }
            PrinterConnection::Usb { path } => Link::File(
                OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(unreachable)?,
            ),
            PrinterConnection::File { path } => Link::File(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(unreachable)?,
            ),
        };
        debug!(printer = %name, "printer connected");
        Ok(Connection {
            name,
            timeouts,
            link,
        })
    }

    /// The printer, as its settings name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Asks the printer for its status; `None` when it does not answer status requests
    /// (or cannot: a file, a USB device file).
    pub fn status(&mut self) -> Result<Option<PrinterStatus>, PrintError> {
        let request = [OFFLINE_CAUSE, PAPER_SENSOR].concat();
        let Some([offline, sensor]) = self.ask::<2>(&request, self.timeouts.status)? else {
            return Ok(None);
        };
        Ok(Some(PrinterStatus {
            cover_open: offline & 0x04 != 0,
            paper_out: offline & 0x20 != 0 || sensor & 0x60 == 0x60,
            paper_low: sensor & 0x0C == 0x0C,
        }))
    }

    /// Sends a job. A printer that answers status requests must be ready before it and
    /// must have read all of it after.
    pub fn print(&mut self, job: &[u8]) -> Result<(), PrintError> {
        let status = self.status()?;
        if let Some(problem) = status.and_then(|s| s.problem()) {
            return Err(PrintError::NotReady {
                printer: self.name.clone(),
                problem,
            });
        }
        self.write(job)?;
        if status.is_some() {
            // Answered only once the printer has read everything before it.
            self.ask::<1>(&OFFLINE_CAUSE, self.timeouts.io)?
                .ok_or_else(|| PrintError::Stalled {
                    printer: self.name.clone(),
                })?;
        }
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        let result = match &mut self.link {
            Link::Stream(stream) => stream.write_all(bytes).and_then(|()| stream.flush()),
            Link::File(file) => write_within(file, bytes, self.timeouts.io),
        };
        result.map_err(|source| failure(&self.name, source))
    }

    /// Sends a request and reads an `N`-byte reply; `None` when none came within `wait`.
    /// A status byte always has bits 1 and 4 set and bits 0 and 7 clear.
    fn ask<const N: usize>(
        &mut self,
        request: &[u8],
        wait: Duration,
    ) -> Result<Option<[u8; N]>, PrintError> {
        let Link::Stream(stream) = &mut self.link else {
            return Ok(None);
        };
        let failed = |source| failure(&self.name, source);
        stream
            .set_read_wait(wait)
            .and_then(|()| stream.write_all(request))
            .and_then(|()| stream.flush())
            .map_err(failed)?;
        let mut reply = [0; N];
        let mut got = 0;
        while got < N {
            match stream.read(&mut reply[got..]) {
                Ok(0) => return Err(failed(io::ErrorKind::ConnectionAborted.into())),
                Ok(n) => got += n,
                Err(e) if is_timeout(&e) => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(failed(e)),
            }
        }
        Ok(reply.iter().all(|b| b & 0x93 == 0x12).then_some(reply))
    }
}

/// A failed write or read: a timeout means the printer stopped answering.
fn failure(printer: &str, source: io::Error) -> PrintError {
    let printer = printer.to_owned();
    if is_timeout(&source) {
        PrintError::Stalled { printer }
    } else {
        PrintError::Lost { printer, source }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Connects to the first address of `host` that answers, each within `timeout`.
fn connect(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + timeout;
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the name has no address");
    for address in (host, port).to_socket_addrs()? {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::from(io::ErrorKind::TimedOut));
        }
        match TcpStream::connect_timeout(&address, left) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Writes to a file or device within `timeout`. A USB printer that stops taking data
/// blocks a write with no timeout of its own, so the write runs on a thread of its own;
/// after the timeout it is given up (the thread ends when the device does).
fn write_within(file: &File, bytes: &[u8], timeout: Duration) -> io::Result<()> {
    let mut file = file.try_clone()?;
    let bytes = bytes.to_vec();
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(file.write_all(&bytes).and_then(|()| file.flush()));
    });
    result
        .recv_timeout(timeout)
        .unwrap_or_else(|_| Err(io::Error::from(io::ErrorKind::TimedOut)))
}
