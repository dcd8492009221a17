//! A shift's figures, pure: from its sales, returns, cash movements and drawer openings to
//! what an X or Z report shows. Table-tested below; the Z report's use-case test
//! recomputes them independently from the till file.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sell::sale::Sale;
use sellsync_contract::documents::{PaymentKind, TransactionType};
use sellsync_contract::money::Money;
use sellsync_contract::pricing::tax_lines;
use sellsync_contract::z_report::{CashierTotal, ShiftFigures, TenderTotal};

/// Why cash went in or out of the drawer outside a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashMovementKind {
    CashIn,
    CashOut,
}

impl CashMovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CashMovementKind::CashIn => "cash_in",
            CashMovementKind::CashOut => "cash_out",
        }
    }

    pub fn parse(text: &str) -> Option<CashMovementKind> {
        [CashMovementKind::CashIn, CashMovementKind::CashOut]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// The shift's figures from its transactions (in the order they were made), its cash
/// movements, how often the drawer opened without a sale and how many lines were taken
/// off carts. A voided sale counts only as a void.
pub fn figures(
    opening_float: Money,
    transactions: &[Sale],
    cash_movements: &[(CashMovementKind, Money)],
    no_sale_openings: i64,
    lines_removed: i64,
) -> Result<ShiftFigures> {
    let mut f = ShiftFigures {
        sales_count: 0,
        returns_count: 0,
        gross_sales: Money::ZERO,
        discounts: Money::ZERO,
        sales_total: Money::ZERO,
        returns_total: Money::ZERO,
        net_sales: Money::ZERO,
        taxes: Vec::new(),
        tenders: Vec::new(),
        opening_float,
        cash_in: Money::ZERO,
        cash_out: Money::ZERO,
        expected_cash: Money::ZERO,
        no_sale_openings,
        voids_count: 0,
        voids_total: Money::ZERO,
        lines_removed,
        cashiers: Vec::new(),
        first_sale_number: None,
        last_sale_number: None,
    };
    let mut tax_parts = Vec::new();
    let mut cash = opening_float;
    for t in transactions {
        if t.voided.is_some() {
            f.voids_count += 1;
            f.voids_total = f.voids_total.checked_add(t.total_amount)?;
            continue;
        }
        let sale = t.transaction_type == TransactionType::Sale;
        let cashier = match f.cashiers.iter_mut().position(|c| c.name == t.cashier_name) {
            Some(i) => &mut f.cashiers[i],
            None => {
                f.cashiers.push(CashierTotal {
                    name: t.cashier_name.clone(),
                    sales_count: 0,
                    sales: Money::ZERO,
                    returns_count: 0,
                    returns: Money::ZERO,
                });
                f.cashiers.last_mut().expect("just pushed")
            }
        };
        if sale {
            f.sales_count += 1;
            f.gross_sales = f.gross_sales.checked_add(t.subtotal)?;
            f.discounts = f.discounts.checked_add(t.discount_total)?;
            f.sales_total = f.sales_total.checked_add(t.total_amount)?;
            cashier.sales_count += 1;
            cashier.sales = cashier.sales.checked_add(t.total_amount)?;
            f.first_sale_number
                .get_or_insert_with(|| t.sale_number.clone());
            f.last_sale_number = Some(t.sale_number.clone());
        } else {
            f.returns_count += 1;
            f.returns_total = f.returns_total.checked_add(t.total_amount)?;
            cashier.returns_count += 1;
            cashier.returns = cashier.returns.checked_add(t.total_amount)?;
        }
        for tax in &t.taxes {
            let sign = |m: Money| if sale { m } else { negate(m) };
            tax_parts.push((tax.rate, sign(tax.taxable), sign(tax.tax)));
        }
        for pay in &t.payments {
            let i = match f
                .tenders
                .iter()
                .position(|x| x.method_name == pay.method_name && x.kind == pay.kind)
            {
                Some(i) => i,
                None => {
                    f.tenders.push(TenderTotal {
                        method_name: pay.method_name.clone(),
                        kind: pay.kind,
                        sales: Money::ZERO,
                        refunds: Money::ZERO,
                    });
                    f.tenders.len() - 1
                }
            };
            let tender = &mut f.tenders[i];
            if sale {
                tender.sales = tender.sales.checked_add(pay.amount)?;
            } else {
                tender.refunds = tender.refunds.checked_add(pay.amount)?;
            }
            if pay.kind == PaymentKind::Cash {
                cash = if sale {
                    cash.checked_add(pay.amount)?
                } else {
                    cash.checked_sub(pay.amount)?
                };
            }
        }
    }
    for (kind, amount) in cash_movements {
        match kind {
            CashMovementKind::CashIn => {
                f.cash_in = f.cash_in.checked_add(*amount)?;
                cash = cash.checked_add(*amount)?;
            }
            CashMovementKind::CashOut => {
                f.cash_out = f.cash_out.checked_add(*amount)?;
                cash = cash.checked_sub(*amount)?;
            }
        }
    }
    f.taxes = tax_lines(tax_parts)?;
    f.net_sales = f.sales_total.checked_sub(f.returns_total)?;
    f.expected_cash = cash;
    Ok(f)
}

fn negate(amount: Money) -> Money {
    Money::from_minor(-amount.minor())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sell::tender::Payment;
    use sellsync_contract::ids::Id;
    use sellsync_contract::money::Percent;
    use sellsync_contract::pricing::TaxLine;

    fn m(minor: i64) -> Money {
        Money::from_minor(minor)
    }

    fn transaction(
        kind: TransactionType,
        number: &str,
        cashier: &str,
        total: i64,
        tax: i64,
        payments: &[(&str, PaymentKind, i64)],
    ) -> Sale {
        Sale {
            id: Id::new(),
            transaction_type: kind,
            sale_number: number.into(),
            created_at: chrono::Utc::now(),
            store_id: Id::new(),
            till_id: Id::new(),
            cashier_id: Id::new(),
            cashier_name: cashier.into(),
            customer_id: None,
            currency: "USD".into(),
            items: Vec::new(),
            payments: payments
                .iter()
                .map(|(name, kind, amount)| Payment {
                    payment_method_id: None,
                    method_name: (*name).into(),
                    kind: *kind,
                    tendered: m(*amount),
                    amount: m(*amount),
                })
                .collect(),
            payment_method: String::new(),
            subtotal: m(total - tax + 100),
            discount_total: m(100),
            cart_discount: Money::ZERO,
            tax_total: m(tax),
            total_amount: m(total),
            amount_tendered: m(total),
            change_due: Money::ZERO,
            loyalty_points_earned: 0,
            loyalty_points_redeemed: 0,
            taxes: vec![TaxLine {
                rate: Percent::from_thousandths(8875),
                taxable: m(total - tax),
                tax: m(tax),
            }],
            original_transaction_id: None,
            original_sale_number: None,
            reason: String::new(),
            approved_by: None,
            shift_id: None,
            voided: None,
            parked_sale_id: None,
        }
    }

    #[test]
    fn a_shift_adds_up() {
        use PaymentKind::{Card, Cash};
        use TransactionType::{Return, Sale};
        let transactions = [
            transaction(
                Sale,
                "T1-000001",
                "Casey",
                1_089,
                89,
                &[("Cash", Cash, 1_089)],
            ),
            transaction(
                Sale,
                "T1-000002",
                "Morgan",
                2_178,
                178,
                &[("Cash", Cash, 178), ("Card", Card, 2_000)],
            ),
            transaction(
                Return,
                "T1-R000001",
                "Casey",
                1_089,
                89,
                &[("Cash", Cash, 1_089)],
            ),
            transaction(Sale, "T1-000003", "Casey", 545, 45, &[("Card", Card, 545)]),
        ];
        let moves = [
            (CashMovementKind::CashIn, m(5_000)),
            (CashMovementKind::CashOut, m(2_000)),
        ];
        let mut transactions = transactions.to_vec();
        let mut voided = transaction(Sale, "T1-000004", "Morgan", 999, 0, &[("Cash", Cash, 999)]);
        voided.voided = Some(crate::sell::sale::Voided {
            by: None,
            at: chrono::Utc::now(),
            reason: "Wrong item".into(),
        });
        transactions.push(voided);
        let f = figures(m(10_000), &transactions, &moves, 2, 1).unwrap();
        assert_eq!(
            (f.voids_count, f.voids_total, f.lines_removed),
            (1, m(999), 1)
        );
        assert_eq!((f.sales_count, f.returns_count), (3, 1));
        assert_eq!(f.sales_total, m(1_089 + 2_178 + 545));
        assert_eq!(f.returns_total, m(1_089));
        assert_eq!(f.net_sales, m(2_178 + 545));
        assert_eq!(f.discounts, m(300));
        assert_eq!(f.gross_sales, m(1_000 + 2_000 + 500 + 300));
        assert_eq!(f.taxes.len(), 1);
        assert_eq!(f.taxes[0].tax, m(178 + 45), "the return's tax is taken off");
        // Float + cash sales - cash refund + in - out.
        assert_eq!(
            f.expected_cash,
            m(10_000 + 1_089 + 178 - 1_089 + 5_000 - 2_000)
        );
        let card = f.tenders.iter().find(|t| t.method_name == "Card").unwrap();
        assert_eq!((card.sales, card.refunds), (m(2_545), Money::ZERO));
        let cash = f.tenders.iter().find(|t| t.method_name == "Cash").unwrap();
        assert_eq!((cash.sales, cash.refunds), (m(1_267), m(1_089)));
        assert_eq!(f.cashiers.len(), 2);
        assert_eq!(f.cashiers[0].name, "Casey");
        assert_eq!(
            (f.cashiers[0].sales_count, f.cashiers[0].returns_count),
            (2, 1)
        );
        assert_eq!(f.first_sale_number.as_deref(), Some("T1-000001"));
        assert_eq!(
            f.last_sale_number.as_deref(),
            Some("T1-000003"),
            "not the return"
        );
        assert_eq!(f.no_sale_openings, 2);
    }

    #[test]
    fn an_empty_shift_expects_its_float() {
        let f = figures(m(10_000), &[], &[], 0, 0).unwrap();
        assert_eq!(f.expected_cash, m(10_000));
        assert_eq!(f.net_sales, Money::ZERO);
        assert_eq!(f.first_sale_number, None);
    }
}
