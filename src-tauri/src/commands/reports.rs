//! The reports screen: the day broken down by hour, product, category, cashier or
//! tender, and its export as CSV.

use std::path::PathBuf;

use chrono::NaiveDate;
use sellsync_core::reports::{Breakdown, BreakdownReport};
use tauri::State;

use super::counter;
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

/// Writes the breakdown as CSV into the till's data folder (`reports/DATE-BY.csv`) and
/// answers where.
#[tauri::command(async)]
pub fn export_breakdown(desk: State<'_, Desk>, by: String, date: Option<String>) -> Answer<String> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let (by, date) = read(&by, date.as_deref(), c.till.today())?;
    let report: BreakdownReport = c.till.breakdown(&c.actor, date, by)?;
    let folder: PathBuf = c.till.data_dir().join("reports");
    let file = folder.join(format!("{date}-{}.csv", by.as_str()));
    let csv = report.to_csv(c.till.currency())?;
    let written = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&file, csv));
    written.map_err(|e| {
        Failure::new(
            "export_failed",
            format!(
                "The report could not be written to {}: {e}.",
                file.display()
            ),
        )
    })?;
    Ok(file.display().to_string())
}
