//! The shift screen: open a shift with a counted float, cash in and out, the X report for
//! those who may see it, and closing with a blind count into the Z report.

use sellsync_contract::cash_count::CashCount;
use sellsync_core::shift::report::CashMovementKind;
use sellsync_core::shift::IfParked;
use sellsync_core::Permission;
use tauri::{AppHandle, State};

use super::{approval, commit, counter};
use crate::views::{Answer, ReportView, ShiftView};
use crate::Desk;

/// The till's shift as the screen shows it (with the X report for `view_reports`).
#[tauri::command(async)]
pub fn shift(desk: State<'_, Desk>) -> Answer<ShiftView> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    let shift = c.till.current_shift()?;
    let x = match (&shift, c.actor.can(Permission::ViewReports)) {
        (Some(_), true) => Some(c.till.x_report(&c.actor)?),
        _ => None,
    };
    Ok(ShiftView::new(c.till, shift.as_ref(), x.as_ref()))
}

/// A count as typed: by denomination (`20x3,10x2`) when it has an `x`, else one amount.
fn count(till: &sellsync_core::Till, typed: &str) -> Answer<CashCount> {
    let typed = typed.trim();
    if typed.contains(['x', 'X', '×']) {
        Ok(CashCount::parse(typed, till.currency())?)
    } else {
        Ok(CashCount::amount(
            till.currency().parse_non_negative(typed)?,
        )?)
    }
}

#[tauri::command(async)]
pub fn open_shift(app: AppHandle, desk: State<'_, Desk>, float: String) -> Answer<ShiftView> {
    commit(&app, |c| {
        let float = count(c.till, &float)?;
        Ok(c.till.open_shift(&c.actor, &float)?)
    })?;
    shift(desk)
}

#[tauri::command(async)]
pub fn move_cash(
    app: AppHandle,
    desk: State<'_, Desk>,
    cash_in: bool,
    amount: String,
    reason: String,
) -> Answer<ShiftView> {
    let kind = if cash_in {
        CashMovementKind::CashIn
    } else {
        CashMovementKind::CashOut
    };
    commit(&app, |c| {
        let amount = c.till.currency().parse_non_negative(&amount)?;
        Ok(c.till.move_cash(&c.actor, kind, amount, &reason)?)
    })?;
    shift(desk)
}

/// Closes the shift with the count; a manager's email and PIN when the count is too far
/// off (core says so with `approval_needed`); `keep_parked` once the cashier has said that
/// the parked sales waiting at the till stay parked (core asks with
/// `parked_sales_waiting`). Answers the Z report.
#[tauri::command(async)]
pub fn close_shift(
    app: AppHandle,
    counted: String,
    approve_email: Option<String>,
    approve_pin: Option<String>,
    keep_parked: Option<bool>,
) -> Answer<ReportView> {
    let approval = match (&approve_email, &approve_pin) {
        (Some(email), Some(pin)) => approval(email, pin),
        _ => None,
    };
    let if_parked = if keep_parked == Some(true) {
        IfParked::Keep
    } else {
        IfParked::Ask
    };
    commit(&app, |c| {
        let counted = count(c.till, &counted)?;
        let z = c
            .till
            .close_shift(&c.actor, &counted, approval, if_parked)?;
        Ok(ReportView::z(c.till, &z))
    })
}

/// Prints Z report `number` on the till's printer (needs `view_reports`), after the
/// close or again later.
#[tauri::command(async)]
pub fn print_z_report(desk: State<'_, Desk>, number: i64) -> Answer<()> {
    let mut session = desk.session();
    let c = counter(&mut session)?;
    c.till.queue_z_report(&c.actor, Some(number))?;
    drop(session);
    desk.print();
    Ok(())
}
