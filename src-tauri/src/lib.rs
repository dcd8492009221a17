//! Sell Sync's desktop app: a Tauri 2 shell over the till. Commands (`commands/`) are
//! thin adapters: they read the arguments, call one use case of `sellsync-core`, and turn
//! the result into a view for the screen (`views.rs`) or core's error into its message.
//! The sync engine runs as a background task (`sync_task.rs`), receipts print on a worker
//! thread after the sale has been saved (`print_worker.rs`), and what the status bar shows
//! is pushed to the window as events (`events.rs`).

#[cfg(test)]
mod bindings;
mod commands;
mod events;
mod print_worker;
mod save_as;
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
        // The Save dialog of exports (save_as.rs); the window itself calls none of it.
        .plugin(tauri_plugin_dialog::init())
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
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}

/// The commands the window may call, listed once: the handler Tauri dispatches them with
/// and, for the window's generated types (`bindings.rs`), their names.
macro_rules! window_commands {
    ($($module:ident::$name:ident),* $(,)?) => {
        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$module::$name),*]
        }

        #[cfg(test)]
        const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

window_commands![
    session::app_state,
    session::open_demo,
    session::provision,
    session::enrol,
    session::sign_in,
    session::sign_out,
    sell::cart,
    sell::search,
    sell::quick_keys,
    sell::scan,
    sell::set_quantity,
    sell::remove_line,
    sell::set_line_discount,
    sell::set_cart_discount,
    sell::attach_customer,
    sell::new_customer,
    sell::detach_customer,
    sell::redeem_points,
    sell::use_store_credit,
    sell::payment_methods,
    sell::pay,
    sell::reprint,
    sell::open_drawer,
    parked::park,
    parked::parked_sales,
    parked::resume_parked,
    parked::discard_parked,
    returns::sale_to_return,
    returns::preview_return,
    returns::make_return,
    returns::preview_no_receipt,
    returns::return_no_receipt,
    returns::void_sale,
    shift::shift,
    shift::open_shift,
    shift::move_cash,
    shift::close_shift,
    shift::print_z_report,
    reports::breakdown,
    reports::export_breakdown,
    stock::export_label_sheet,
    stock::stock,
    stock::adjust_stock,
    stock::product,
    stock::save_product,
    stock::unread,
    stock::notifications,
    stock::mark_notifications_read,
    purchasing::suppliers,
    purchasing::add_supplier,
    purchasing::purchase_orders,
    purchasing::create_order,
    purchasing::order_add,
    purchasing::order_set,
    purchasing::mark_ordered,
    purchasing::cancel_order,
    purchasing::receive_order,
    purchasing::export_order,
    transfers::other_stores,
    transfers::transfers,
    transfers::send_transfer,
    transfers::receive_transfer,
    transfers::cancel_transfer,
    transfers::open_count,
    transfers::start_count,
    transfers::count_product,
    transfers::post_count,
    transfers::cancel_count,
    settings::status,
    settings::settings,
    settings::save_sync_settings,
    settings::save_printer,
    settings::save_scale,
    stock::add_family,
    settings::test_print,
    settings::set_label_layout,
];
