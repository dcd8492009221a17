//! Sell Sync's receipt printers: receipts and drawer pulses as ESC/POS bytes
//! ([`render`], with text in the printer's code page by [`charset`]), the connections
//! that carry them with timeouts and status checks ([`connection`]), and the print queue
//! that prints what the till has queued, off the checkout path ([`queue`]), and shelf
//! labels on sheets for an office printer as a page to print from a browser ([`sheet`]).

use std::io;

use thiserror::Error;

pub mod charset;
pub mod connection;
pub mod queue;
pub mod render;
pub mod sheet;

pub use connection::{Connection, PrinterStatus, Timeouts};
pub use queue::{print_queued, receipt_bytes, receipt_layout, z_report_bytes};

/// Why a job did not print. Each reads as the end of "The printer did not print the
/// receipt: …".
#[derive(Debug, Error)]
pub enum PrintError {
    #[error("cannot reach the printer at {printer} ({source}); check that it is on and connected")]
    Unreachable { printer: String, source: io::Error },
    #[error("the printer at {printer} stopped answering")]
    Stalled { printer: String },
    #[error("the connection to the printer at {printer} broke ({source})")]
    Lost { printer: String, source: io::Error },
    #[error("{problem} ({printer})")]
    NotReady {
        printer: String,
        problem: &'static str,
    },
    #[error("the printer commands could not be made ({0})")]
    Render(#[from] escpos::errors::PrinterError),
    #[error(transparent)]
    Till(#[from] sellsync_core::Error),
}

impl PrintError {
    /// Worth trying again at once: the connection failed, not the printer's paper or cover.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            PrintError::Unreachable { .. } | PrintError::Stalled { .. } | PrintError::Lost { .. }
        )
    }
}
