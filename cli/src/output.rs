//! What the commands print: text for people, or JSON with `--json`.

use anyhow::Result;
use sellsync_core::checkout::Sale;
use sellsync_core::demo::DemoSummary;
use sellsync_core::notifications::Notification;
use sellsync_core::outbox::OutboxEntry;
use sellsync_core::reports::DayReport;
use sellsync_core::stock::{LedgerCheck, StockChange};
use sellsync_core::{Product, Till};
use serde::Serialize;

pub struct Printer {
    pub json: bool,
}

/// Prints `value` as JSON, or runs `text` to print it for people.
macro_rules! emit {
    ($printer:expr, $value:expr, $text:block) => {{
        if $printer.json {
            println!("{}", serde_json::to_string_pretty(&$value)?);
        } else $text
        Ok(())
    }};
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
        emit!(self, summary, {
            println!(
                "Created the demo store {} ({} products) in {}.",
                summary.store_name,
                summary.products,
                till.data_dir().display()
            );
            println!("Sign in with:");
            for login in &summary.logins {
                println!(
                    "  {:<8} {:<16} {:<22} PIN {}",
                    format!("{:?}", login.role).to_lowercase(),
                    login.name,
                    login.email,
                    login.pin
                );
            }
        })
    }

    pub fn till_created(&self, till: &Till) -> Result<()> {
        #[derive(Serialize)]
        struct Created<'a> {
            business: &'a sellsync_core::till::Business,
            store: &'a sellsync_core::till::Store,
        }
        let created = Created {
            business: till.business(),
            store: till.store(),
        };
        emit!(self, created, {
            println!(
                "Created {} / {} in {}.",
                till.business().business_name,
                till.store().store_name,
                till.data_dir().display()
            );
        })
    }

    pub fn products(&self, till: &Till, products: &[Product]) -> Result<()> {
        emit!(self, products, {
            println!(
                "{:<14} {:<14} {:<40} {:>10} {:>7} {:>6}",
                "SKU", "BARCODE", "NAME", "PRICE", "TAX", "STOCK"
            );
            for p in products {
                println!(
                    "{:<14} {:<14} {:<40} {:>10} {:>7} {:>6}",
                    p.sku,
                    p.barcode.as_deref().unwrap_or("-"),
                    truncate(&p.product_name, 40),
                    till.format_money(p.price),
                    p.tax_rate.to_string(),
                    p.stock
                );
            }
        })
    }

    pub fn imported(&self, count: usize) -> Result<()> {
        emit!(self, serde_json::json!({ "imported": count }), {
            println!("Imported {count} products.");
        })
    }

    pub fn sale(&self, till: &Till, sale: &Sale) -> Result<()> {
        emit!(self, sale, {
            let money = |m| till.format_money(m);
            println!("Sale {}  {}", sale.sale_number, sale.id);
            for item in &sale.items {
                println!(
                    "  {:>4} x {:<36} {:>10} {:>10}",
                    item.quantity,
                    truncate(&item.product_name, 36),
                    money(item.unit_price),
                    money(item.total_price)
                );
            }
            println!("  {:<47} {:>15}", "Subtotal", money(sale.subtotal));
            if sale.discount_total.minor() != 0 {
                println!(
                    "  {:<47} {:>15}",
                    "Discounts",
                    format!("-{}", money(sale.discount_total))
                );
            }
            for tax in &sale.taxes {
                println!(
                    "  {:<47} {:>15}",
                    format!("Tax {}", tax.rate),
                    money(tax.tax)
                );
            }
            println!(
                "  {:<47} {:>15}",
                format!("TOTAL {}", sale.currency),
                money(sale.total_amount)
            );
            for p in &sale.payments {
                println!("  {:<47} {:>15}", p.method_name, money(p.tendered));
            }
            println!("  {:<47} {:>15}", "Change", money(sale.change_due));
            if sale.loyalty_points_earned != 0 || sale.loyalty_points_redeemed != 0 {
                println!(
                    "  Loyalty points: +{} earned, -{} redeemed",
                    sale.loyalty_points_earned, sale.loyalty_points_redeemed
                );
            }
        })
    }

    pub fn stock(&self, products: &[Product]) -> Result<()> {
        emit!(self, products, {
            println!(
                "{:<14} {:<44} {:>6} {:>9}",
                "SKU", "NAME", "STOCK", "THRESHOLD"
            );
            for p in products {
                println!(
                    "{:<14} {:<44} {:>6} {:>9}{}",
                    p.sku,
                    truncate(&p.product_name, 44),
                    p.stock,
                    p.stock_threshold,
                    if p.is_low() { "  LOW" } else { "" }
                );
            }
        })
    }

    pub fn stock_change(&self, change: &StockChange) -> Result<()> {
        emit!(self, change, {
            println!(
                "{}: stock {} -> {}",
                change.product_name, change.before, change.after
            );
        })
    }

    pub fn ledger_check(&self, check: &LedgerCheck) -> Result<()> {
        emit!(self, check, {
            for m in &check.mismatches {
                println!(
                    "{}: cached {} but the ledger says {}",
                    m.sku, m.cached, m.ledger
                );
            }
            if check.mismatches.is_empty() {
                println!(
                    "All {} products agree with their stock ledger.",
                    check.products_checked
                );
            }
        })
    }

    pub fn outbox(&self, entries: &[OutboxEntry]) -> Result<()> {
        emit!(self, entries, {
            println!(
                "{:>6}  {:<36}  {:<9}  {:<17}  {:<18}  {:<24}",
                "SEQ", "OPERATION", "STATE", "OP", "COLLECTION", "DOCUMENT"
            );
            for e in entries {
                println!(
                    "{:>6}  {:<36}  {:<9}  {:<17}  {:<18}  {:<24}",
                    e.seq,
                    e.op_id,
                    format!("{:?}", e.state).to_lowercase(),
                    e.op,
                    e.collection,
                    e.document_id
                );
            }
        })
    }

    pub fn notifications(&self, notes: &[Notification]) -> Result<()> {
        emit!(self, notes, {
            for n in notes {
                println!(
                    "{} {} {}",
                    n.created_at.format("%Y-%m-%d %H:%M"),
                    if n.unread { "*" } else { " " },
                    n.message
                );
            }
        })
    }

    pub fn day_report(&self, till: &Till, report: &DayReport) -> Result<()> {
        emit!(self, report, {
            let money = |m| till.format_money(m);
            println!("Sales on {} ({})", report.date, report.timezone);
            println!("  {:<30} {:>12}", "Sales", report.sales);
            println!("  {:<30} {:>12}", "Items sold", report.items_sold);
            println!("  {:<30} {:>12}", "Subtotal", money(report.subtotal));
            println!("  {:<30} {:>12}", "Discounts", money(report.discounts));
            println!("  {:<30} {:>12}", "Tax", money(report.tax));
            println!(
                "  {:<30} {:>12}",
                format!("Total {}", report.currency),
                money(report.total)
            );
            for m in &report.by_payment_method {
                println!(
                    "  {:<30} {:>12}",
                    format!("{} ({})", m.method_name, m.payments),
                    money(m.amount)
                );
            }
            for t in &report.taxes {
                println!(
                    "  {:<30} {:>12}",
                    format!("Tax {} on {}", t.rate, money(t.taxable)),
                    money(t.tax)
                );
            }
        })
    }
}
