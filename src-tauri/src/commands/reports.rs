//! The reports screen: the day broken down by hour, product, category, cashier or
//! tender, and its export as CSV.

use chrono::NaiveDate;
use sellsync_core::reports::{Breakdown, BreakdownReport};
use tauri::{AppHandle, State};

use super::counter;
use crate::save_as::{self, Offer};
use crate::views::{Answer, BreakdownView, Failure};
use crate::Desk;

/// The breakdown and the date as the screen sends them (empty date: today).
fn read(by: &str, date: Option<&str>, today: NaiveDate) -> Answer<(Breakdown, NaiveDate)> {
    let by = Breakdown::parse(by)
        .ok_or_else(|| Failure::new("bad_breakdown", format!("{by:?} is not a report.")))?;
    let date = match date.map(str::trim) {
        None | Some("") => today,
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Failure::new(
                "bad_date",
                format!("{text:?} is not a date: write it as 2026-12-02."),
            )
        })?,
    };
    Ok((by, date))
}

/// One day broken down (needs `view_reports`).
#[tauri::command(async)]
pub fn breakdown(desk: State<'_, Desk>, by: String, date: Option<String>) -> Answer<BreakdownView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let (by, date) = read(&by, date.as_deref(), c.till.today())?;
    let report = c.till.breakdown(&c.actor, date, by)?;
    Ok(BreakdownView::new(c.till, &report))
}

/// Asks where to save the breakdown as CSV (suggesting `DATE-BY.csv`), writes it there
/// and answers where; `None` when the dialog was cancelled. The till is not held while
/// the dialog is open.
#[tauri::command]
pub async fn export_breakdown(
    app: AppHandle,
    desk: State<'_, Desk>,
    by: String,
    date: Option<String>,
) -> Answer<Option<String>> {
    let (csv, file_name) = {
        let mut session = desk.session();
        let c = counter(&mut session)?;
        let (by, date) = read(&by, date.as_deref(), c.till.today())?;
        let report: BreakdownReport = c.till.breakdown(&c.actor, date, by)?;
        (
            report.to_csv(c.till.currency())?,
            format!("{date}-{}.csv", by.as_str()),
        )
    };
    let offer = Offer {
        title: "Save the report",
        file_name: &file_name,
        kind: "CSV",
        extension: "csv",
    };
    let path = save_as::save(&app, &offer, csv).await?;
    Ok(path.map(|p| p.display().to_string()))
}
