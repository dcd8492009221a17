//! The status bar's first reading (then it follows events), and the settings screen: the
//! central MongoDB (needs `manage_sync`), the receipt printer with a test print, the
//! counter scale and the business's label layouts (need `manage_settings`).

use sellsync_core::printing::receipt::Paper;
use sellsync_core::printing::{CodePage, PrinterSettings};
use sellsync_core::weighing::ScaleSettings;
use serde::Deserialize;
use tauri::{AppHandle, State};

use super::{central_config, commit, counter};
use crate::views::{Answer, Failure, SettingsView, StatusView};
use crate::{events, lock, Desk};
use sellsync_contract::embedded_barcodes::ready_layout;
use sellsync_sync::SyncTarget;

#[tauri::command(async)]
pub fn status(desk: State<'_, Desk>) -> Answer<StatusView> {
    events::status_view(&desk)
}

fn settings_of(desk: &Desk) -> Answer<SettingsView> {
    let central = lock(&desk.sync).as_ref().map(|task| task.central.clone());
    let mut session = desk.session();
    let c = counter(&mut session)?;
    Ok(SettingsView::new(
        central,
        c.till.printer_settings()?.as_ref(),
        c.till.scale_settings()?.as_ref(),
        &c.till.business().barcode_rules,
    ))
}

/// Reads the business's labels by a country's ready layouts, or reads none (`None`):
/// needs `manage_settings`; every till of the business has them once it syncs.
#[tauri::command(async)]
pub fn set_label_layout(
    app: AppHandle,
    desk: State<'_, Desk>,
    country: Option<String>,
) -> Answer<SettingsView> {
    let rules = match country.as_deref() {
        None => Vec::new(),
        Some(country) => ready_layout(country).ok_or_else(|| {
            Failure::new(
                "unknown_layout",
                format!("There is no ready label layout for {country:?}."),
            )
        })?,
    };
    commit(&app, |c| Ok(c.till.set_barcode_rules(&c.actor, &rules)?))?;
    settings_of(&desk)
}

#[tauri::command(async)]
pub fn settings(desk: State<'_, Desk>) -> Answer<SettingsView> {
    settings_of(&desk)
}

/// Saves the till's central MongoDB (`sync.toml` in the data folder, as
/// `sellsync sync setup`) and restarts the sync engine on it.
#[tauri::command(async)]
pub fn save_sync_settings(
    app: AppHandle,
    desk: State<'_, Desk>,
    uri: String,
    database: Option<String>,
) -> Answer<SettingsView> {
    let approval = {
        let mut session = desk.session();
        let counter = counter(&mut session)?;
        counter.till.approve_sync_setup(&counter.actor)?
    };
    let target = SyncTarget::from(central_config(&uri, database)?);
    target.save(&desk.data_dir, &approval)?;
    desk.start_sync(&app, target);
    events::push_status(&app);
    settings_of(&desk)
}

/// The printer form as typed; an empty connection removes the printer.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct PrinterInput {
    connection: String,
    paper: String,
    code_page: String,
    footer: String,
    open_drawer_on_cash: bool,
}

#[tauri::command(async)]
pub fn save_printer(
    app: AppHandle,
    desk: State<'_, Desk>,
    input: PrinterInput,
) -> Answer<SettingsView> {
    {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        let settings = match input.connection.trim() {
            "" => None,
            connection => Some(PrinterSettings {
                connection: connection.parse()?,
                paper: Paper::parse(&input.paper)?,
                code_page: input.code_page.parse::<CodePage>()?,
                open_drawer_on_cash: input.open_drawer_on_cash,
                footer: input.footer,
            }),
        };
        c.till.set_printer_settings(&c.actor, settings.as_ref())?;
    }
    *lock(&desk.printer_problem) = None;
    events::push_status(&app);
    settings_of(&desk)
}

/// The scale form as typed; an empty port removes the scale.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Deserialize)]
pub struct ScaleInput {
    port: String,
    protocol: String,
    baud: u32,
    unit: String,
}

#[tauri::command(async)]
pub fn save_scale(desk: State<'_, Desk>, input: ScaleInput) -> Answer<SettingsView> {
    let unreadable =
        |what: &str, e: String| Failure::new("invalid_setting", format!("{what}: {e}."));
    let settings = match input.port.trim() {
        "" => None,
        port => Some(ScaleSettings {
            port: port.to_owned(),
            protocol: input
                .protocol
                .parse()
                .map_err(|e| unreadable("The protocol", e))?,
            baud: input.baud,
            unit: input.unit.parse().map_err(|e| unreadable("The unit", e))?,
        }),
    };
    {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        c.till.set_scale_settings(&c.actor, settings.as_ref())?;
    }
    settings_of(&desk)
}

/// Prints a test page; how it went comes as a status event.
#[tauri::command(async)]
pub fn test_print(desk: State<'_, Desk>) -> Answer<()> {
    {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        c.till.queue_test_page(&c.actor)?;
    }
    desk.print();
    Ok(())
}
