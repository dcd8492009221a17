//! What the commands print: text for people, or JSON with `--json`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use anyhow::Result;
use sellsync_central::audit::CentralJournal;
use sellsync_contract::documents::{barcode_rules_bson, ParkedStatus};
use sellsync_contract::embedded_barcodes::BarcodeRule;
use sellsync_contract::quantity::{Quantity, Unit};
use sellsync_contract::stock::StockChange;
use sellsync_contract::z_report::{rows, ZReport};
use sellsync_core::catalog::family::by_family;
use sellsync_core::catalog::labels::{LabelValue, Scanned};
use sellsync_core::customers::{Customer, Purchase};
use sellsync_core::db::outbox::OutboxEntry;
use sellsync_core::demo::DemoSummary;
use sellsync_core::journal::JournalCheck;
use sellsync_core::notifications::Notification;
use sellsync_core::printing::label::{ShelfLabel, WeighedLabel};
use sellsync_core::printing::receipt::Receipt;
use sellsync_core::printing::{DrawerEvent, PrintJob, PrinterConnection, PrinterSettings};
use sellsync_core::purchasing::orders::{priced_total, PurchaseOrder};
use sellsync_core::purchasing::suppliers::Supplier;
use sellsync_core::reports::{BreakdownReport, DayReport};
use sellsync_core::sell::parked::ParkedSale;
use sellsync_core::sell::sale::Sale;
use sellsync_core::shift::report::CashMovementKind;
use sellsync_core::shift::{CashMovement, Shift, XReport};
use sellsync_core::staff::StaffMember;
use sellsync_core::stock::counts::{PostedCount, StockCount};
use sellsync_core::stock::transfers::{OtherStore, Transfer};
use sellsync_core::stock::LedgerCheck;
use sellsync_core::sync::queue::SyncStatus;
use sellsync_core::{Product, Till};
use sellsync_printer::PrinterStatus;
use sellsync_scale::Weight;
use sellsync_sync::pull::Pulled;
use sellsync_sync::{EngineStatus, SyncTarget};
use serde::Serialize;

use crate::json;

pub struct Printer {
    pub json: bool,
}

/// Prints `value` as JSON, or the text that `$text` writes into `$out` for people.
macro_rules! emit {
    ($printer:expr, $value:expr, |$out:ident| $text:block) => {{
        let mut $out = String::new();
        if $printer.json {
            $out = serde_json::to_string_pretty(&$value)? + "\n";
        } else $text
        print(&$out)
    }};
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

impl Printer {
    pub fn demo_created(&self, till: &Till, summary: &DemoSummary) -> Result<()> {
        emit!(self, json::DemoCreated::new(summary), |out| {
            writeln!(
                out,
                "Created the demo store {} ({} products) in {}.",
                summary.store_name,
                summary.products,
                till.data_dir().display()
            )?;
            writeln!(out, "Sign in with:")?;
            for login in &summary.logins {
                writeln!(
                    out,
                    "  {:<8} {:<16} {:<22} PIN {}",
                    format!("{:?}", login.role).to_lowercase(),
                    login.name,
                    login.email,
                    login.pin
                )?;
            }
        })
    }

    pub fn enrolment_code(&self, made: &sellsync_central::wire::EnrolmentCode) -> Result<()> {
        emit!(self, made, |out| {
            writeln!(
                out,
                "A one-time code for a new till of this store ({}, until {}), shown this once:",
                made.label, made.expires_at
            )?;
            writeln!(out, "{}", made.code)?;
            writeln!(
                out,
                "On the new till: sellsync init --server URL --enrol CODE"
            )?;
        })
    }

    pub fn verified(&self, done: &sellsync_sync::gateway::Verification) -> Result<()> {
        emit!(self, &done.verified, |out| {
            writeln!(
                out,
                "{} is verified by the Sell Sync server at this till until {}.",
                done.verified.name, done.verified.expires_at
            )?;
            if done.confirmed > 0 {
                writeln!(
                    out,
                    "{} change(s) that waited for a verified person go out with the next sync.",
                    done.confirmed
                )?;
            }
        })
    }

    pub fn api_key_made(&self, made: &sellsync_core::api_keys::ApiKeyMade) -> Result<()> {
        emit!(self, json::ApiKeyJson::new(made), |out| {
            writeln!(
                out,
                "API key {} ({}), scopes {}. The key, shown this once:",
                made.id,
                made.label,
                made.scopes.join(", ")
            )?;
            writeln!(out, "{}", made.key)?;
            writeln!(
                out,
                "It works once this till has synced (`sellsync sync --once`)."
            )?;
        })
    }

    pub fn till_provisioned(
        &self,
        till: &Till,
        central: &SyncTarget,
        pulled: &Pulled,
        took: Duration,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Provisioned<'a> {
            business: json::BusinessJson<'a>,
            store: json::StoreJson<'a>,
            till_code: &'a str,
            central: String,
            read: usize,
            #[serde(flatten)]
            outcome: json::Pulled,
            seconds: f64,
        }
        let shown = Provisioned {
            business: json::BusinessJson::new(till.business()),
            store: json::StoreJson::new(till.store()),
            till_code: till.till_code(),
            central: central.to_string(),
            read: pulled.read,
            outcome: json::Pulled::new(pulled.outcome),
            seconds: took.as_secs_f64(),
        };
        emit!(self, shown, |out| {
            writeln!(
                out,
                "Set up till {} of {} / {} in {} from {central}: {} documents read in {:.1} s.",
                till.till_code(),
                till.business().business_name,
                till.store().store_name,
                till.data_dir().display(),
                pulled.read,
                took.as_secs_f64()
            )?;
            if pulled.outcome.refused > 0 {
                writeln!(
                    out,
                    "{} central documents could not be used on this till; the log says why.",
                    pulled.outcome.refused
                )?;
            }
            writeln!(
                out,
                "Its staff can sign in now; `sellsync sync` keeps it in step with the central database."
            )?;
        })
    }

    pub fn till_created(&self, till: &Till) -> Result<()> {
        #[derive(Serialize)]
        struct Created<'a> {
            business: json::BusinessJson<'a>,
            store: json::StoreJson<'a>,
        }
        let created = Created {
            business: json::BusinessJson::new(till.business()),
            store: json::StoreJson::new(till.store()),
        };
        emit!(self, created, |out| {
            writeln!(
                out,
                "Created {} / {} in {}.",
                till.business().business_name,
                till.store().store_name,
                till.data_dir().display()
            )?;
        })
    }

    pub fn products(&self, till: &Till, products: &[Product]) -> Result<()> {
        emit!(
            self,
            json::ProductJson::list(till.currency(), products),
            |out| {
                writeln!(
                    out,
                    "{:<14} {:<14} {:<40} {:>10} {:>7} {:>6}",
                    "SKU", "BARCODE", "NAME", "PRICE", "TAX", "STOCK"
                )?;
                for p in products {
                    writeln!(
                        out,
                        "{:<14} {:<14} {:<40} {:>10} {:>7} {:>6}",
                        p.sku,
                        p.barcode.as_deref().unwrap_or("-"),
                        truncate(&p.product_name, 40),
                        till.format_money(p.price),
                        p.tax_rate.to_string(),
                        p.stock
                    )?;
                }
            }
        )
    }

    /// What a scanned code is (`sellsync barcode`).
    pub fn scanned(&self, till: &Till, code: &str, scanned: &Scanned) -> Result<()> {
        emit!(
            self,
            json::ScannedJson::new(till.currency(), code, scanned),
            |out| {
                let (product, what) = match scanned {
                    Scanned::Product(product) => (product, "a product's own code".to_owned()),
                    Scanned::Label { product, label } => {
                        let value = match label.value {
                            LabelValue::Price(price) => {
                                format!("priced at {}", till.format_money(price))
                            }
                            LabelValue::Weight { weight, price } => format!(
                                "weighing {} at {}: {}",
                                weight.with_unit(product.unit),
                                per_unit(till, product),
                                till.format_money(price)
                            ),
                            LabelValue::Count(count) => format!("{count} of them"),
                        };
                        (
                            product,
                            format!(
                                "a label of rule {:?}, item {}, {value}",
                                label.rule, label.item
                            ),
                        )
                    }
                };
                writeln!(out, "{code}: {what}")?;
                writeln!(
                    out,
                    "{} ({}), {}",
                    product.product_name,
                    product.sku,
                    per_unit(till, product)
                )?;
            }
        )
    }

    /// A settled weight from a scale (`sellsync scale read`).
    pub fn weight(&self, weight: &Weight) -> Result<()> {
        emit!(self, json::WeightJson::new(weight), |out| {
            writeln!(out, "{weight}")?;
        })
    }

    /// Something done that has nothing more to show.
    pub fn done(&self, words: &str) -> Result<()> {
        emit!(self, serde_json::json!({ "done": words }), |out| {
            writeln!(out, "{words}")?;
        })
    }

    /// The business's rules for reading labels.
    pub fn barcode_rules(&self, rules: &[BarcodeRule]) -> Result<()> {
        emit!(
            self,
            barcode_rules_bson(rules).into_relaxed_extjson(),
            |out| {
                if rules.is_empty() {
                    writeln!(out, "No barcode rules: every code is a product's own.")?;
                }
                for r in rules {
                    writeln!(
                    out,
                    "{:<24} {:<6} prefix {:<4} item digits {}-{}, {} in digits {}-{} ({} decimals){}",
                    truncate(&r.name, 24),
                    r.symbology.to_string(),
                    r.prefix,
                    r.item.start + 1,
                    r.item.start + r.item.len,
                    r.meaning,
                    r.value.start + 1,
                    r.value.start + r.value.len,
                    r.decimals,
                    if r.verifier { ", verified" } else { "" }
                )?;
                }
            }
        )
    }

    pub fn imported(&self, count: usize) -> Result<()> {
        emit!(self, serde_json::json!({ "imported": count }), |out| {
            writeln!(out, "Imported {count} products.")?;
        })
    }

    pub fn sale(&self, till: &Till, sale: &Sale) -> Result<()> {
        emit!(self, json::SaleJson::new(till.currency(), sale), |out| {
            let money = |m| till.format_money(m);
            if sale.is_return() {
                let of = match &sale.original_sale_number {
                    Some(number) => format!("returns sale {number}"),
                    None => "without a receipt".to_owned(),
                };
                writeln!(out, "Refund {}  {}  ({of})", sale.sale_number, sale.id)?;
                writeln!(out, "  Reason: {}", sale.reason)?;
            } else {
                writeln!(out, "Sale {}  {}", sale.sale_number, sale.id)?;
            }
            if let Some(voided) = &sale.voided {
                writeln!(out, "  VOIDED: {}", voided.reason)?;
            }
            for item in &sale.items {
                writeln!(
                    out,
                    "  {:>4} x {:<36} {:>10} {:>10}",
                    item.quantity,
                    truncate(&item.product_name, 36),
                    money(item.unit_price),
                    money(item.total_price)
                )?;
                if item.damaged {
                    writeln!(out, "         damaged: written off, not back in stock")?;
                }
            }
            writeln!(out, "  {:<47} {:>15}", "Subtotal", money(sale.subtotal))?;
            if sale.discount_total.minor() != 0 {
                writeln!(
                    out,
                    "  {:<47} {:>15}",
                    "Discounts",
                    format!("-{}", money(sale.discount_total))
                )?;
            }
            for tax in &sale.taxes {
                writeln!(
                    out,
                    "  {:<47} {:>15}",
                    format!("Tax {}", tax.rate),
                    money(tax.tax)
                )?;
            }
            writeln!(
                out,
                "  {:<47} {:>15}",
                format!(
                    "{} {}",
                    if sale.is_return() { "REFUND" } else { "TOTAL" },
                    sale.currency
                ),
                money(sale.total_amount)
            )?;
            for p in &sale.payments {
                writeln!(out, "  {:<47} {:>15}", p.method_name, money(p.tendered))?;
            }
            if !sale.is_return() {
                writeln!(out, "  {:<47} {:>15}", "Change", money(sale.change_due))?;
            }
            if sale.is_return()
                && (sale.loyalty_points_earned != 0 || sale.loyalty_points_redeemed != 0)
            {
                writeln!(
                    out,
                    "  Loyalty points: -{} taken back, +{} given back",
                    sale.loyalty_points_earned, sale.loyalty_points_redeemed
                )?;
            } else if sale.loyalty_points_earned != 0 || sale.loyalty_points_redeemed != 0 {
                writeln!(
                    out,
                    "  Loyalty points: +{} earned, -{} redeemed",
                    sale.loyalty_points_earned, sale.loyalty_points_redeemed
                )?;
            }
        })
    }

    pub fn stock(&self, till: &Till, products: &[Product]) -> Result<()> {
        emit!(
            self,
            json::ProductJson::list(till.currency(), products),
            |out| {
                writeln!(
                    out,
                    "{:<14} {:<44} {:>6} {:>9}",
                    "SKU", "NAME", "STOCK", "THRESHOLD"
                )?;
                for p in products {
                    writeln!(
                        out,
                        "{:<14} {:<44} {:>6} {:>9}{}",
                        p.sku,
                        truncate(&p.product_name, 44),
                        p.stock,
                        p.stock_threshold,
                        if p.is_low() { "  LOW" } else { "" }
                    )?;
                }
            }
        )
    }

    /// Stock rolled up by family: a family's variants summed, and which are low.
    pub fn stock_by_family(&self, products: &[Product]) -> Result<()> {
        #[derive(Serialize)]
        struct Row<'a> {
            name: String,
            products: usize,
            stock: Quantity,
            low: Vec<&'a str>,
        }
        let rows: Vec<Row> = by_family(
            products,
            |p| p.variant.as_ref().map(|v| v.family_name.as_str()),
            |p| p.product_name.as_str(),
        )
        .into_iter()
        .map(|share| Row {
            products: share.rows.len(),
            stock: share.rows.iter().map(|p| p.stock).sum(),
            low: share
                .rows
                .iter()
                .filter(|p| p.is_low())
                .map(|p| p.sku.as_str())
                .collect(),
            name: share.name,
        })
        .collect();
        emit!(self, &rows, |out| {
            writeln!(out, "{:<44} {:>8} {:>8}  LOW", "NAME", "PRODUCTS", "STOCK")?;
            for row in &rows {
                writeln!(
                    out,
                    "{:<44} {:>8} {:>8}  {}",
                    truncate(&row.name, 44),
                    row.products,
                    row.stock,
                    row.low.join(" ")
                )?;
            }
        })
    }

    /// A purchase order rolled up by family: each family's variants in one line.
    pub fn order_by_family(&self, till: &Till, order: &PurchaseOrder) -> Result<()> {
        #[derive(Serialize)]
        struct Row {
            name: String,
            lines: usize,
            quantity_ordered: Quantity,
            quantity_received: Quantity,
            /// What the lines with a known price come to.
            cost: String,
        }
        let mut rows = Vec::new();
        for share in by_family(
            &order.lines,
            |l| l.family_name.as_deref(),
            |l| l.product_name.as_str(),
        ) {
            let cost = priced_total(
                share
                    .rows
                    .iter()
                    .map(|l| (l.unit_price, l.quantity_ordered)),
            )?;
            rows.push(Row {
                lines: share.rows.len(),
                quantity_ordered: share.rows.iter().map(|l| l.quantity_ordered).sum(),
                quantity_received: share.rows.iter().map(|l| l.quantity_received).sum(),
                cost: till.format_money(cost),
                name: share.name,
            });
        }
        let value = serde_json::json!({ "order_number": order.order_number, "families": rows });
        emit!(self, value, |out| {
            writeln!(
                out,
                "{} {} to {}, by family:",
                order.order_number,
                order.order_status.as_str(),
                order.supplier_name
            )?;
            for row in &rows {
                writeln!(
                    out,
                    "  {:<40} {:>3} line(s) {:>8} ordered {:>8} received {:>10}",
                    truncate(&row.name, 40),
                    row.lines,
                    row.quantity_ordered,
                    row.quantity_received,
                    row.cost
                )?;
            }
        })
    }

    pub fn stock_change(&self, change: &StockChange) -> Result<()> {
        emit!(self, change, |out| {
            writeln!(
                out,
                "{}: stock {} -> {}",
                change.product_name, change.before, change.after
            )?;
        })
    }

    pub fn ledger_check(&self, check: &LedgerCheck) -> Result<()> {
        emit!(self, json::LedgerCheckJson::new(check), |out| {
            for m in &check.mismatches {
                writeln!(
                    out,
                    "{}: cached {} but the ledger says {}",
                    m.sku, m.cached, m.ledger
                )?;
            }
            if check.mismatches.is_empty() {
                writeln!(
                    out,
                    "All {} products agree with their stock ledger.",
                    check.products_checked
                )?;
            }
        })
    }

    pub fn outbox(&self, entries: &[OutboxEntry]) -> Result<()> {
        emit!(self, json::OutboxJson::list(entries), |out| {
            writeln!(
                out,
                "{:>6}  {:<36}  {:<9}  {:<17}  {:<18}  {:<24}",
                "SEQ", "OPERATION", "STATE", "OP", "COLLECTION", "DOCUMENT"
            )?;
            for e in entries {
                writeln!(
                    out,
                    "{:>6}  {:<36}  {:<9}  {:<17}  {:<18}  {:<24}",
                    e.seq,
                    e.op_id,
                    format!("{:?}", e.state).to_lowercase(),
                    e.op,
                    e.collection,
                    e.document_id
                )?;
            }
        })
    }

    pub fn notifications(&self, till: &Till, notes: &[Notification]) -> Result<()> {
        emit!(self, json::NotificationJson::list(notes), |out| {
            for n in notes {
                writeln!(
                    out,
                    "{} {} {}",
                    till.format_time(n.created_at),
                    if n.unread { "*" } else { " " },
                    n.message
                )?;
            }
        })
    }

    pub fn parked_sales(&self, till: &Till, parked: &[ParkedSale]) -> Result<()> {
        emit!(self, json::ParkedJson::list(parked), |out| {
            if parked.is_empty() {
                writeln!(out, "No parked sales wait at this store.")?;
            }
            for p in parked {
                let status = match p.status {
                    ParkedStatus::Parked => String::new(),
                    ParkedStatus::Resumed => "  (taken up here)".to_owned(),
                    other => format!("  ({})", other.as_str()),
                };
                let items = p.item_count();
                writeln!(
                    out,
                    "{}  {}  {:>10}  {items} item(s)  by {}  {}{status}",
                    p.park_number,
                    till.format_time(p.created_at),
                    till.format_money(p.total_amount),
                    p.parked_by_name,
                    p.note,
                )?;
            }
        })
    }

    pub fn receipt_text(&self, receipt: &Receipt) -> Result<()> {
        emit!(self, json::ReceiptJson::new(receipt), |out| {
            out.push_str(&receipt.to_text());
        })
    }

    pub fn labels_written(
        &self,
        label: &ShelfLabel,
        copies: u16,
        target: &str,
        bytes: usize,
    ) -> Result<()> {
        let value = serde_json::json!({
            "sku": label.sku, "code": label.code, "copies": copies, "target": target, "bytes": bytes,
        });
        emit!(self, value, |out| {
            writeln!(
                out,
                "{copies} shelf label(s) of {} ({bytes} bytes) sent to {target}.",
                label.sku
            )?;
        })
    }

    pub fn label_sheet_written(
        &self,
        products: usize,
        labels: usize,
        sheets: usize,
        target: &str,
    ) -> Result<()> {
        let value = serde_json::json!({
            "products": products, "labels": labels, "sheets": sheets, "target": target,
        });
        emit!(self, value, |out| {
            writeln!(
                out,
                "{labels} shelf label(s) of {products} product(s) on {sheets} sheet(s) written to {target}: open it in a browser and print it at 100% scale."
            )?;
        })
    }

    pub fn weighed_label_written(
        &self,
        label: &WeighedLabel,
        target: &str,
        bytes: usize,
    ) -> Result<()> {
        let value = serde_json::json!({
            "code": label.code, "weight": label.weight, "price": label.price,
            "target": target, "bytes": bytes,
        });
        emit!(self, value, |out| {
            writeln!(
                out,
                "The label of {} {} ({}, code {}; {bytes} bytes) sent to {target}.",
                label.weight, label.name, label.price, label.code
            )?;
        })
    }

    pub fn receipt_written(&self, sale: &Sale, target: &str, bytes: usize) -> Result<()> {
        let value = serde_json::json!({
            "sale_id": sale.id, "sale_number": sale.sale_number, "target": target, "bytes": bytes,
        });
        emit!(self, value, |out| {
            writeln!(
                out,
                "Receipt of sale {} ({bytes} bytes) sent to {target}.",
                sale.sale_number
            )?;
        })
    }

    pub fn print_jobs(&self, jobs: &[PrintJob]) -> Result<()> {
        emit!(self, json::PrintJobJson::list(jobs), |out| {
            for job in jobs {
                match &job.last_error {
                    None => writeln!(out, "Printed {}.", job.describe())?,
                    Some(error) => writeln!(out, "Did not print {}: {error}.", job.describe())?,
                }
            }
        })
    }

    pub fn printer_settings(
        &self,
        settings: Option<&PrinterSettings>,
        jobs: &[PrintJob],
        drawer: &[DrawerEvent],
    ) -> Result<()> {
        emit!(
            self,
            json::PrinterJson::new(settings, jobs, drawer),
            |out| {
                let Some(s) = settings else {
                    writeln!(out, "This till has no receipt printer.")?;
                    return print(&out);
                };
                writeln!(out, "Printer:    {}", s.connection)?;
                writeln!(
                    out,
                    "Paper:      {} ({} columns)",
                    s.paper,
                    s.paper.columns()
                )?;
                writeln!(out, "Code page:  {}", s.code_page)?;
                let drawer_setting = if s.open_drawer_on_cash {
                    "opens after a cash sale"
                } else {
                    "opens only on demand"
                };
                writeln!(out, "Drawer:     {drawer_setting}")?;
                writeln!(out, "Footer:     {}", s.footer)?;
                if !jobs.is_empty() {
                    writeln!(out, "\nLatest jobs:")?;
                }
                for job in jobs {
                    let status = job.last_error.as_deref().unwrap_or(job.status.as_str());
                    writeln!(out, "  #{:<5} {:<40} {status}", job.id, job.describe())?;
                }
                if !drawer.is_empty() {
                    writeln!(out, "\nDrawer opened:")?;
                }
                for event in drawer {
                    let why = match event.reason.as_str() {
                        "cash_sale" => "cash sale",
                        _ => "no sale",
                    };
                    writeln!(
                        out,
                        "  {} {why:<10} {}",
                        event.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        event.user_name
                    )?;
                }
            }
        )
    }

    pub fn printer_status(
        &self,
        connection: &PrinterConnection,
        status: Option<&PrinterStatus>,
    ) -> Result<()> {
        let value = serde_json::json!({ "printer": connection.to_string(), "status": status });
        emit!(self, value, |out| {
            let text = match status {
                None => "connected; it does not report its status".to_owned(),
                Some(s) => match s.problem() {
                    Some(problem) => problem.to_owned(),
                    None if s.paper_low => "ready; the paper is running low".to_owned(),
                    None => "ready".to_owned(),
                },
            };
            writeln!(out, "{connection}: {text}")?;
        })
    }

    pub fn staff(&self, staff: &[StaffMember]) -> Result<()> {
        emit!(self, json::StaffJson::list(staff), |out| {
            for m in staff {
                writeln!(
                    out,
                    "{:<8} {:<24} {:<30}{}",
                    m.role.as_str(),
                    m.name,
                    m.email,
                    if m.locked { "  LOCKED" } else { "" }
                )?;
            }
        })
    }

    pub fn customer(&self, till: &Till, customer: &Customer, history: &[Purchase]) -> Result<()> {
        emit!(
            self,
            json::CustomerJson::new(till.currency(), customer, history),
            |out| {
                writeln!(
                    out,
                    "{}  {}  {}  {} points  {} store credit",
                    customer.name,
                    customer.phone.as_deref().unwrap_or("-"),
                    customer.email.as_deref().unwrap_or("-"),
                    customer.loyalty_points,
                    till.format_money(customer.store_credit)
                )?;
                for p in history {
                    writeln!(
                        out,
                        "  {} {} {}",
                        till.format_time(p.date),
                        p.sale_number,
                        till.format_money(p.amount)
                    )?;
                }
            }
        )
    }

    pub fn day_report(&self, till: &Till, report: &DayReport) -> Result<()> {
        emit!(
            self,
            json::DayReportJson::new(till.currency(), report),
            |out| {
                let money = |m| till.format_money(m);
                writeln!(out, "Sales on {} ({})", report.date, report.timezone)?;
                writeln!(out, "  {:<30} {:>12}", "Sales", report.sales)?;
                writeln!(out, "  {:<30} {:>12}", "Items sold", report.items_sold)?;
                writeln!(out, "  {:<30} {:>12}", "Subtotal", money(report.subtotal))?;
                writeln!(out, "  {:<30} {:>12}", "Discounts", money(report.discounts))?;
                writeln!(out, "  {:<30} {:>12}", "Tax", money(report.tax))?;
                writeln!(
                    out,
                    "  {:<30} {:>12}",
                    format!("Total {}", report.currency),
                    money(report.total)
                )?;
                writeln!(
                    out,
                    "  {:<30} {:>12}",
                    format!("Returns ({})", report.returns),
                    money(report.returns_total)
                )?;
                writeln!(out, "  {:<30} {:>12}", "Net", money(report.net))?;
                for m in &report.by_payment_method {
                    writeln!(
                        out,
                        "  {:<30} {:>12}",
                        format!("{} ({})", m.method_name, m.payments),
                        money(m.amount)
                    )?;
                }
                for t in &report.taxes {
                    writeln!(
                        out,
                        "  {:<30} {:>12}",
                        format!("Tax {} on {}", t.rate, money(t.taxable)),
                        money(t.tax)
                    )?;
                }
            }
        )
    }

    pub fn breakdown(&self, till: &Till, report: &BreakdownReport) -> Result<()> {
        emit!(
            self,
            json::BreakdownJson::new(till.currency(), report),
            |out| {
                let money = |m| till.format_money(m);
                writeln!(
                    out,
                    "Sales on {} by {} ({})",
                    report.date,
                    report.by.as_str(),
                    report.timezone
                )?;
                if report.rows.is_empty() {
                    writeln!(out, "  No sales.")?;
                }
                writeln!(
                    out,
                    "  {:<32} {:>6} {:>6} {:>11} {:>11} {:>11}",
                    "", "sales", "units", "amount", "returned", "net"
                )?;
                for r in &report.rows {
                    writeln!(
                        out,
                        "  {:<32} {:>6} {:>6} {:>11} {:>11} {:>11}",
                        truncate(&r.key, 32),
                        r.sales,
                        r.quantity,
                        money(r.amount),
                        money(r.returned),
                        money(r.net)
                    )?;
                }
            }
        )
    }

    pub fn journal_check(&self, check: &JournalCheck) -> Result<()> {
        emit!(self, json::JournalCheckJson::new(check), |out| {
            writeln!(
                out,
                "Journal: {} of {} entries verify",
                check.verified, check.total
            )?;
        })
    }

    pub fn purchase_orders(&self, till: &Till, orders: &[PurchaseOrder]) -> Result<()> {
        emit!(
            self,
            json::OrderJson::list(till.currency(), orders),
            |out| {
                if orders.is_empty() {
                    writeln!(out, "No purchase orders.")?;
                }
                for o in orders {
                    let expected = o
                        .expected_delivery
                        .map(|d| format!(", expected {d}"))
                        .unwrap_or_default();
                    let automatic = if o.automatic { " (automatic)" } else { "" };
                    writeln!(
                        out,
                        "{} {}{automatic} to {}: {} line(s), {}{expected}",
                        o.order_number,
                        o.order_status.as_str(),
                        o.supplier_name,
                        o.lines.len(),
                        till.format_money(o.total)
                    )?;
                    for l in &o.lines {
                        let price = l
                            .unit_price
                            .map(|p| till.format_money(p))
                            .unwrap_or_else(|| "-".into());
                        writeln!(
                            out,
                            "  {:<14} {:<40} {:>5} @ {:>8}  received {}{}{}",
                            l.sku,
                            truncate(&l.product_name, 40),
                            l.quantity_ordered,
                            price,
                            l.quantity_received,
                            if l.quantity_damaged.is_positive() {
                                format!(", {} damaged", l.quantity_damaged)
                            } else {
                                String::new()
                            },
                            match l.difference {
                                d if d.is_negative()
                                    && (l.quantity_received + l.quantity_damaged).is_positive() =>
                                    format!(", {} short", -d),
                                d if d.is_positive() => format!(", {d} over"),
                                _ => String::new(),
                            }
                        )?;
                    }
                }
            }
        )
    }

    pub fn transfers(&self, transfers: &[Transfer]) -> Result<()> {
        emit!(self, json::TransferJson::list(transfers), |out| {
            if transfers.is_empty() {
                writeln!(out, "No transfers.")?;
            }
            for t in transfers {
                let way = if t.incoming {
                    format!("from {}", t.from_store_name)
                } else {
                    format!("to {}", t.to_store_name)
                };
                writeln!(
                    out,
                    "{} {} {way}: {} line(s)",
                    t.transfer_number,
                    t.status.as_str(),
                    t.lines.len()
                )?;
                for l in &t.lines {
                    let missing = if l.missing.is_positive() {
                        format!(", {} missing", l.missing)
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "  {:<14} {:<40} {:>5} sent, {} received{missing}",
                        l.sku,
                        truncate(&l.product_name, 40),
                        l.quantity_sent,
                        l.quantity_received
                    )?;
                }
            }
        })
    }

    pub fn stock_count(&self, count: Option<&StockCount>) -> Result<()> {
        emit!(self, count.map(json::CountJson::new), |out| {
            match count {
                None => writeln!(out, "No stock count is open on this till.")?,
                Some(c) => {
                    let scope = c.category.as_deref().unwrap_or("the whole store");
                    writeln!(
                        out,
                        "Counting {scope}: {} product(s) counted, {} not yet",
                        c.lines.len(),
                        c.not_counted
                    )?;
                    for l in &c.lines {
                        writeln!(
                            out,
                            "  {:<14} {:<40} counted {:>5}, expected {:>5}, {:+}",
                            l.sku,
                            truncate(&l.product_name, 40),
                            l.counted,
                            l.expected,
                            l.difference
                        )?;
                    }
                }
            }
        })
    }

    pub fn posted_count(&self, posted: &PostedCount) -> Result<()> {
        emit!(self, json::PostedCountJson::new(posted), |out| {
            writeln!(
                out,
                "Count posted: {} product(s) adjusted, {:+} in all.",
                posted.adjusted, posted.net_difference
            )?;
        })
    }

    pub fn other_stores(&self, stores: &[OtherStore]) -> Result<()> {
        emit!(self, json::OtherStoreJson::list(stores), |out| {
            if stores.is_empty() {
                writeln!(
                    out,
                    "This till knows no other store of the business: they come with `sellsync sync`."
                )?;
            }
            for s in stores {
                writeln!(out, "{}  {}  {}", s.id, s.store_name, s.location)?;
            }
        })
    }

    pub fn suppliers(&self, suppliers: &[Supplier]) -> Result<()> {
        emit!(self, json::SupplierJson::list(suppliers), |out| {
            if suppliers.is_empty() {
                writeln!(
                    out,
                    "No suppliers yet: add one with `sellsync supplier add`."
                )?;
            }
            for s in suppliers {
                let reach = [
                    s.contact_person.as_str(),
                    s.email.as_deref().unwrap_or(""),
                    s.phone.as_deref().unwrap_or(""),
                ]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
                writeln!(out, "{}  {}  {}", s.id, s.supplier_name, reach)?;
            }
        })
    }

    /// Each till's journal as the central database holds it.
    pub fn central_journals(&self, till: &Till, journals: &[CentralJournal]) -> Result<()> {
        #[derive(Serialize)]
        struct Row {
            till_id: String,
            store_id: Option<String>,
            this_till: bool,
            entries: usize,
            broken_at: Option<i64>,
            why: Option<&'static str>,
        }
        let rows: Vec<Row> = journals
            .iter()
            .map(|j| Row {
                till_id: j.till_id.to_string(),
                store_id: j.store_id.map(|s| s.to_string()),
                this_till: j.till_id == till.till_id(),
                entries: j.entries,
                broken_at: j.broken.as_ref().map(|b| b.seq),
                why: j.broken.as_ref().map(|b| b.why),
            })
            .collect();
        emit!(self, rows, |out| {
            if rows.is_empty() {
                writeln!(
                    out,
                    "The central database holds no journal entries of this business yet."
                )?;
            }
            for r in &rows {
                let this = if r.this_till { " (this till)" } else { "" };
                match (r.broken_at, r.why) {
                    (Some(seq), Some(why)) => writeln!(
                        out,
                        "Till {}{this}: {} entries, broken at entry {seq}: {why}",
                        r.till_id, r.entries
                    )?,
                    _ => writeln!(
                        out,
                        "Till {}{this}: {} entries verify",
                        r.till_id, r.entries
                    )?,
                }
            }
        })
    }

    pub fn shift(&self, till: &Till, shift: &Shift) -> Result<()> {
        emit!(self, json::ShiftJson::new(till.currency(), shift), |out| {
            writeln!(
                out,
                "Shift open since {} by {}, float {}",
                till.format_time(shift.opened_at),
                shift.opened_by_name,
                till.format_money(shift.opening_float)
            )?;
        })
    }

    pub fn cash_movement(&self, till: &Till, movement: &CashMovement) -> Result<()> {
        emit!(
            self,
            json::CashMovementJson::new(till.currency(), movement),
            |out| {
                let what = match movement.kind {
                    CashMovementKind::CashIn => "Cash in",
                    CashMovementKind::CashOut => "Cash out",
                };
                writeln!(
                    out,
                    "{what} {}: {} ({})",
                    till.format_money(movement.amount),
                    movement.reason,
                    movement.by
                )?;
            }
        )
    }

    pub fn x_report(&self, till: &Till, x: &XReport) -> Result<()> {
        emit!(self, json::XReportJson::new(till.currency(), x), |out| {
            writeln!(
                out,
                "X report, till {}, at {} (shift open since {} by {})",
                x.till_code,
                till.format_time(x.at),
                till.format_time(x.shift.opened_at),
                x.shift.opened_by_name
            )?;
            write_rows(&mut out, &rows(&x.figures, till.currency()))?;
        })
    }

    pub fn z_report(&self, till: &Till, z: &ZReport) -> Result<()> {
        emit!(self, json::ZReportJson::new(till.currency(), z), |out| {
            writeln!(
                out,
                "Z report {}, till {}, {} to {} (opened by {}, closed by {})",
                z.z_number,
                z.till_code,
                till.format_time(z.opened_at),
                till.format_time(z.closed_at),
                z.opened_by_name,
                z.closed_by_name
            )?;
            write_rows(&mut out, &z.rows(till.currency()))?;
        })
    }
}

impl Printer {
    pub fn sync_status(
        &self,
        till: &Till,
        central: Option<&SyncTarget>,
        status: &SyncStatus,
    ) -> Result<()> {
        let shown = json::SyncStatusJson::new(central.map(ToString::to_string), status);
        emit!(self, shown, |out| {
            match central {
                Some(central) => writeln!(out, "Central database: {central}")?,
                None => writeln!(
                    out,
                    "Central database: none set, so this till works offline \
                     (set one with `sellsync sync setup --mongodb URI`)."
                )?,
            }
            write!(out, "Waiting to be sent: {}", status.pending)?;
            match status.oldest_pending_at {
                Some(at) => writeln!(out, " (the oldest from {})", till.format_time(at))?,
                None => writeln!(out)?,
            }
            if status.parked > 0 {
                writeln!(
                    out,
                    "Parked (refused by the central database): {}; see `sellsync outbox`, then \
                     `sellsync sync retry SEQ` or `sellsync sync discard SEQ` (what waits for a \
                     verified person goes with `sellsync sync confirm`).",
                    status.parked
                )?;
            }
            match status.last_success_at {
                Some(at) => writeln!(out, "Last successful contact: {}", till.format_time(at))?,
                None => writeln!(out, "Last successful contact: never")?,
            }
            match status.last_pull_at {
                Some(at) => writeln!(
                    out,
                    "Central changes last received: {}",
                    till.format_time(at)
                )?,
                None => writeln!(out, "Central changes last received: never")?,
            }
            if let Some(error) = &status.last_error {
                writeln!(out, "Last attempt failed: {error}")?;
            }
        })
    }

    pub fn sync_done(&self, till: &Till, central: &SyncTarget, done: &EngineStatus) -> Result<()> {
        emit!(self, done, |out| {
            writeln!(
                out,
                "Sent {} changes to {central} and received {}; {} waiting, {} parked.",
                done.delivered, done.pulled, done.pending, done.parked
            )?;
            if done.parked > 0 {
                writeln!(
                    out,
                    "See the parked changes with `sellsync outbox` and `sellsync notifications`."
                )?;
            }
            if let Some(at) = done.last_success_at {
                writeln!(out, "Last successful contact: {}", till.format_time(at))?;
            }
        })
    }
}

fn write_rows(out: &mut String, rows: &[(String, String)]) -> std::fmt::Result {
    for (label, value) in rows {
        writeln!(out, "  {label:<36} {value:>12}")?;
    }
    Ok(())
}

/// A product's price for its unit: `9.90/kg`, or `9.90 each` by the piece.
fn per_unit(till: &Till, product: &Product) -> String {
    match product.unit {
        Unit::Piece => format!("{} each", till.format_money(product.price)),
        unit => format!("{}/{unit}", till.format_money(product.price)),
    }
}
