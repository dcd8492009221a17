//! The receipt printer's worker: one thread that prints what the till has queued, off the
//! checkout path, with its own connection to the till's database. A command that queued a
//! job only wakes it; the wakes that pile up while it prints are served by one more round,
//! and no job is ever printed by two threads at once. After each round the window hears
//! how it went (a failed job has left a notification naming the sale to reprint).

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};

use sellsync_core::Till;
use sellsync_printer::{print_queued, Timeouts};
use tauri::{AppHandle, Manager};
use tracing::warn;

use crate::{events, lock, Desk};

/// Wakes the worker.
pub type PrintWaker = Sender<()>;

/// Runs the worker until the window closes (every waker is gone).
pub fn start(app: AppHandle, data_dir: PathBuf, wakes: Receiver<()>) {
    std::thread::spawn(move || {
        while wakes.recv().is_ok() {
            while wakes.try_recv().is_ok() {}
            let problem = print_round(&data_dir);
            if let Some(problem) = problem {
                *lock(&app.state::<Desk>().printer_problem) = problem;
            }
            events::push_all(&app);
        }
    });
}

/// Prints every queued job; answers the printer's state after its latest job (`None`:
/// there was nothing to print), `Some(None)` being a printer that works.
fn print_round(data_dir: &std::path::Path) -> Option<Option<String>> {
    let printed = Till::open(data_dir)
        .map_err(|e| e.to_string())
        .and_then(|mut till| {
            print_queued(&mut till, Timeouts::default()).map_err(|e| e.to_string())
        });
    match printed {
        Ok(jobs) => jobs.last().map(|job| {
            job.last_error
                .as_ref()
                .map(|error| format!("{} did not print: {error}", job.describe()))
        }),
        Err(error) => {
            warn!(error, "the print queue could not run");
            Some(Some(error))
        }
    }
}
