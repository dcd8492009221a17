//! Sell Sync's desktop app: a Tauri 2 shell over the till. Commands (`commands.rs`) are
//! thin adapters: they read the arguments, call one use case of `sellsync-core`, and turn
//! the result into a view for the screen (`views.rs`) or core's error into its message.
//! Printing runs on a thread of its own after the sale has been saved.

mod commands;
mod views;

use std::path::PathBuf;
use std::sync::Mutex;

use sellsync_core::{Actor, Cart, Till};

/// What the window works on: the till's data folder, the open till, who is signed in and
/// the sale being rung up.
pub struct Desk {
    data_dir: PathBuf,
    inner: Mutex<Session>,
}

#[derive(Default)]
struct Session {
    till: Option<Till>,
    actor: Option<Actor>,
    cart: Cart,
}

/// The till's data folder: `SELLSYNC_DATA_DIR`, else the platform's data folder (the same
/// as the `sellsync` command line's).
fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SELLSYNC_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "sellsync")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("sellsync-data"))
}

/// Opens the window on the till's data folder (a till that is not there yet is offered
/// on the first screen).
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SELLSYNC_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let data_dir = data_dir();
    let till = Till::open(&data_dir).ok();
    tracing::info!(data_dir = %data_dir.display(), opened = till.is_some(), "starting");
    let desk = Desk {
        data_dir,
        inner: Mutex::new(Session {
            till,
            ..Session::default()
        }),
    };
    tauri::Builder::default()
        .manage(desk)
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::open_demo,
            commands::sign_in,
            commands::sign_out,
            commands::scan,
            commands::set_quantity,
            commands::remove_line,
            commands::pay,
            commands::status,
            commands::stock,
            commands::adjust_stock,
            commands::notifications,
        ])
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}
