//! Sell Sync's desktop app: a Tauri 2 shell over the till. Commands (`commands/`) are
//! thin adapters: they read the arguments, call one use case of `sellsync-core`, and turn
//! the result into a view for the screen (`views.rs`) or core's error into its message.
//! The sync engine runs as a background task (`sync_task.rs`), receipts print on a worker
//! thread after the sale has been saved (`print_worker.rs`), and what the status bar shows
//! is pushed to the window as events (`events.rs`).

mod commands;
mod events;
mod print_worker;
mod sync_task;
mod views;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use sellsync_core::{Actor, Cart, Till};
use sellsync_sync::SyncTarget;
use tauri::Manager;

use crate::print_worker::PrintWaker;
use crate::sync_task::SyncTask;

/// What the window works on: the till's data folder, the open till, who is signed in and
/// the sale being rung up; the sync engine when the till has a central database; the
/// printer's latest problem.
pub struct Desk {
    data_dir: PathBuf,
    /// Why the till in the data folder could not be opened, if it could not.
    open_problem: Option<String>,
    inner: Mutex<Session>,
    sync: Mutex<Option<SyncTask>>,
    printing: PrintWaker,
    printer_problem: Mutex<Option<String>>,
}

#[derive(Default)]
struct Session {
    till: Option<Till>,
    actor: Option<Actor>,
    cart: Cart,
}

/// Locks `mutex`; a panic while it was held leaves the value as it was: carry on with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Desk {
    /// The desk over the till in `data_dir` (none yet: `till` is `None`, and
    /// `open_problem` says why if it could not be opened), with nobody signed in and the
    /// sync engine not started.
    fn new(
        data_dir: PathBuf,
        till: Option<Till>,
        open_problem: Option<String>,
        printing: PrintWaker,
    ) -> Desk {
        Desk {
            data_dir,
            inner: Mutex::new(Session {
                till,
                ..Session::default()
            }),
            open_problem,
            sync: Mutex::new(None),
            printing,
            printer_problem: Mutex::new(None),
        }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        lock(&self.inner)
    }

    /// Starts the sync engine on `target` (stopping the one running, if any).
    fn start_sync(&self, app: &tauri::AppHandle, target: SyncTarget) {
        let mut sync = lock(&self.sync);
        *sync = None;
        match SyncTask::start(app.clone(), &self.data_dir, target) {
            Ok(task) => *sync = Some(task),
            Err(e) => tracing::warn!(error = %e, "the sync engine could not start"),
        }
    }

    /// Tells the print worker that there is something to print.
    fn print(&self) {
        // The worker lives as long as the window; a send fails only while it closes.
        let _ = self.printing.send(());
    }

    /// Tells the sync engine that there is something to send.
    fn wake_sync(&self) {
        if let Some(task) = lock(&self.sync).as_ref() {
            task.wake();
        }
    }
}

/// The till's data folder: `--data-dir DIR` on the command line, else `SELLSYNC_DATA_DIR`,
/// else the platform's data folder (the same as the `sellsync` command line's).
fn data_dir() -> PathBuf {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            if let Some(dir) = args.next() {
                return PathBuf::from(dir);
            }
        }
    }
    if let Some(dir) = std::env::var_os("SELLSYNC_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "sellsync")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("sellsync-data"))
}

/// Where the till syncs, as the command line finds it: `SELLSYNC_MONGODB_URI`
/// (and `SELLSYNC_MONGODB_DATABASE`), else `sync.toml` in the data folder (the gateway or
/// a MongoDB).
fn sync_target(data_dir: &std::path::Path) -> Option<SyncTarget> {
    let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    match SyncTarget::for_till(
        data_dir,
        env("SELLSYNC_MONGODB_URI"),
        env("SELLSYNC_MONGODB_DATABASE"),
    ) {
        Ok(config) => config,
        Err(e) => {
            tracing::warn!(error = %e, "the central database settings could not be read");
            None
        }
    }
}

/// Opens the window on the till's data folder (a till that is not there yet is offered
/// on the first screen) and starts syncing if the till has a central database.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SELLSYNC_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let data_dir = data_dir();
    // No till yet is the first start; any other failure (a damaged database, one written
    // by a newer Sell Sync) is shown instead of offering to start afresh.
    let (till, open_problem) = match Till::open(&data_dir) {
        Ok(till) => (Some(till), None),
        Err(sellsync_core::Error::DataDirMissing(_) | sellsync_core::Error::NotInitialized(_)) => {
            (None, None)
        }
        Err(e) => {
            tracing::error!(error = %e, "the till could not be opened");
            (None, Some(e.to_string()))
        }
    };
    tracing::info!(data_dir = %data_dir.display(), opened = till.is_some(), "starting");
    let has_till = till.is_some();
    let (printing, print_wakes) = std::sync::mpsc::channel();
    let desk = Desk::new(data_dir, till, open_problem, printing);
    tauri::Builder::default()
        .manage(desk)
        .setup(move |app| {
            let desk = app.state::<Desk>();
            print_worker::start(app.handle().clone(), desk.data_dir.clone(), print_wakes);
            if has_till {
                // Jobs left queued when the app last closed: printed, or failed as too old.
                desk.print();
                if let Some(config) = sync_target(&desk.data_dir) {
                    desk.start_sync(app.handle(), config);
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::app_state,
            commands::session::open_demo,
            commands::session::provision,
            commands::session::enrol,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::sell::cart,
            commands::sell::search,
            commands::sell::quick_keys,
            commands::sell::scan,
            commands::sell::set_quantity,
            commands::sell::remove_line,
            commands::sell::set_line_discount,
            commands::sell::set_cart_discount,
            commands::sell::attach_customer,
            commands::sell::new_customer,
            commands::sell::detach_customer,
            commands::sell::redeem_points,
            commands::sell::use_store_credit,
            commands::sell::payment_methods,
            commands::sell::pay,
            commands::sell::reprint,
            commands::sell::open_drawer,
            commands::parked::park,
            commands::parked::parked_sales,
            commands::parked::resume_parked,
            commands::parked::discard_parked,
            commands::returns::sale_to_return,
            commands::returns::preview_return,
            commands::returns::make_return,
            commands::returns::preview_no_receipt,
            commands::returns::return_no_receipt,
            commands::returns::void_sale,
            commands::shift::shift,
            commands::shift::open_shift,
            commands::shift::move_cash,
            commands::shift::close_shift,
            commands::shift::print_z_report,
            commands::reports::breakdown,
            commands::reports::export_breakdown,
            commands::stock::stock,
            commands::stock::adjust_stock,
            commands::stock::product,
            commands::stock::save_product,
            commands::stock::unread,
            commands::stock::notifications,
            commands::stock::mark_notifications_read,
            commands::purchasing::suppliers,
            commands::purchasing::add_supplier,
            commands::purchasing::purchase_orders,
            commands::purchasing::create_order,
            commands::purchasing::order_add,
            commands::purchasing::order_set,
            commands::purchasing::mark_ordered,
            commands::purchasing::cancel_order,
            commands::purchasing::receive_order,
            commands::purchasing::export_order,
            commands::transfers::other_stores,
            commands::transfers::transfers,
            commands::transfers::send_transfer,
            commands::transfers::receive_transfer,
            commands::transfers::cancel_transfer,
            commands::transfers::open_count,
            commands::transfers::start_count,
            commands::transfers::count_product,
            commands::transfers::post_count,
            commands::transfers::cancel_count,
            commands::settings::status,
            commands::settings::settings,
            commands::settings::save_sync_settings,
            commands::settings::save_printer,
            commands::settings::test_print,
        ])
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}
