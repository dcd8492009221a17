//! The refund rules, table-tested, and over randomised carts of pieces and weighed goods
//! returned in random pieces (units, and grams of a weight).

use super::*;
use sellsync_contract::money::Currency;
use sellsync_contract::pricing::{price_cart, Discount, LineInput, PricingError};
use sellsync_contract::quantity::{Quantity, Unit};

fn m(minor: i64) -> Money {
    Money::from_minor(minor)
}

fn usd() -> Currency {
    Currency::from_code("USD").unwrap()
}

fn line(quantity: i64, net: i64, tax: i64, returned: i64) -> SoldLine {
    SoldLine {
        product_name: "Milk".into(),
        unit: Unit::Piece,
        quantity: Quantity::units(quantity),
        net: m(net),
        tax: m(tax),
        total: m(net + tax),
        tax_rate: Percent::from_thousandths(8875),
        returned: Quantity::units(returned),
    }
}

/// Picks of whole units.
fn units(picks: &[(usize, i64)]) -> Vec<(usize, Quantity)> {
    picks
        .iter()
        .map(|&(line, n)| (line, Quantity::units(n.clamp(-1_000_000, i64::MAX / 1000))))
        .collect()
}

#[test]
fn units_returned_one_by_one_give_back_the_line_exactly() {
    // 3 units for 10.00 (9.18 + 0.82 tax): 3.33, 3.34, 3.33.
    let mut sold = vec![line(3, 918, 82, 0)];
    let mut totals = Vec::new();
    let mut taxes = Vec::new();
    for _ in 0..3 {
        let refund = refund_lines(&sold, &units(&[(0, 1)])).unwrap();
        totals.push(refund.total.minor());
        taxes.push(refund.tax_total.minor());
        sold[0].returned += Quantity::ONE;
    }
    assert_eq!(totals, [333, 334, 333]);
    assert_eq!(taxes.iter().sum::<i64>(), 82);
    assert_eq!(taxes, [27, 28, 27]);
}

#[test]
fn what_cannot_be_returned_is_refused_by_code() {
    let sold = vec![line(3, 918, 82, 2), line(1, 100, 0, 0)];
    let code = |picks: &[(usize, i64)]| refund_lines(&sold, &units(picks)).unwrap_err().code();
    assert_eq!(code(&[(0, 2)]), "over_return");
    assert_eq!(
        code(&[(0, 1), (0, 1)]),
        "over_return",
        "picked twice adds up"
    );
    assert_eq!(code(&[(1, 0)]), "bad_quantity");
    assert_eq!(code(&[(5, 1)]), "no_such_line");
    assert_eq!(code(&[]), "nothing_to_return");
    assert_eq!(
        code(&[(0, i64::MAX), (0, i64::MAX)]),
        "over_return",
        "no overflow"
    );
    let words =
        |picks: &[(usize, i64)]| refund_lines(&sold, &units(picks)).unwrap_err().to_string();
    assert_eq!(words(&[(0, -1)]), "You can return at most 1 × Milk.");
    assert_eq!(
        words(&[(1, 0)]),
        "You can return at most 1 × Milk.",
        "the line's own name"
    );
    let message = refund_lines(&sold, &units(&[(0, 2)]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "2 × Milk cannot be returned: 3 sold, 2 returned already, so at most 1 more."
    );
    let both = refund_lines(&sold, &units(&[(1, 1), (0, 1)])).unwrap();
    assert_eq!(
        both.lines.iter().map(|l| l.line).collect::<Vec<_>>(),
        [0, 1],
        "in the sale's order"
    );
    // Part of a piece is no quantity; part of a weight is, to its unit's decimals.
    let half = [(1, Quantity::from_thousandths(500))];
    assert_eq!(
        refund_lines(&sold, &half).unwrap_err().code(),
        "bad_quantity"
    );
    let weighed = vec![SoldLine {
        unit: Unit::Kg,
        quantity: Quantity::from_thousandths(1_000),
        returned: Quantity::ZERO,
        ..line(1, 400, 0, 0)
    }];
    let quarter = refund_lines(&weighed, &[(0, Quantity::from_thousandths(250))]).unwrap();
    assert_eq!(quarter.total, m(100), "0.250 kg of 1.000 kg for 4.00");
    assert!(refund_lines(&weighed, &[(0, Quantity::from_thousandths(1_001))]).is_err());
}

#[test]
fn random_carts_returned_in_random_pieces_give_back_exactly_the_sale() {
    let mut seed: u64 = 0x00DE_F00D;
    let mut next = |bound: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % bound
    };
    let rates = [0, 5_000, 8_875, 20_000, 7_700];
    for _ in 0..1_000 {
        let n = 1 + next(6) as usize;
        let inputs: Vec<LineInput> = (0..n)
            .map(|_| LineInput {
                unit_price: m(1 + next(20_000) as i64),
                // Pieces, or a weight from 0.001 to 3.000 kg.
                quantity: match next(2) {
                    0 => Quantity::units(1 + next(9) as i64),
                    _ => Quantity::from_thousandths(1 + next(3_000) as i64),
                },
                tax_rate: Percent::from_thousandths(rates[next(5) as usize]),
                discount: match next(3) {
                    0 => Some(Discount::Percent(Percent::from_thousandths(
                        next(60_001) as u32
                    ))),
                    _ => None,
                },
            })
            .collect();
        let cart_discount = match next(3) {
            0 => Some(Discount::Amount(m(next(500) as i64))),
            1 => Some(Discount::Percent(Percent::from_thousandths(
                next(30_001) as u32
            ))),
            _ => None,
        };
        let inclusive = next(2) == 0;
        let cart = match price_cart(&inputs, cart_discount, inclusive) {
            Ok(cart) => cart,
            Err(PricingError::DiscountTooLarge { .. }) => continue,
            Err(e) => panic!("{e}"),
        };
        let mut sold: Vec<SoldLine> = inputs
            .iter()
            .zip(&cart.lines)
            .map(|(input, priced)| SoldLine {
                product_name: "item".into(),
                unit: match input.quantity.whole() {
                    Some(_) => Unit::Piece,
                    None => Unit::Kg,
                },
                quantity: input.quantity,
                net: priced.net,
                tax: priced.tax,
                total: priced.total,
                tax_rate: input.tax_rate,
                returned: Quantity::ZERO,
            })
            .collect();
        let mut refunds = Vec::new();
        while sold.iter().any(|l| l.returned < l.quantity) {
            let mut picks: Vec<(usize, Quantity)> = Vec::new();
            for (i, l) in sold.iter().enumerate() {
                if l.returned < l.quantity && next(2) == 0 {
                    // Whole units of pieces, any grams of a weight.
                    let step = if l.unit == Unit::Piece { 1000 } else { 1 };
                    let left = (l.quantity - l.returned).thousandths() / step;
                    let back = (1 + next(left as u64) as i64) * step;
                    picks.push((i, Quantity::from_thousandths(back)));
                }
            }
            if picks.is_empty() {
                continue;
            }
            let refund = refund_lines(&sold, &picks).unwrap();
            for r in &refund.lines {
                let l = &sold[r.line];
                assert!(
                    r.total >= Money::ZERO && r.total <= l.total,
                    "{r:?} of {l:?}"
                );
            }
            for &(i, q) in &picks {
                sold[i].returned += q;
            }
            refunds.push(refund);
        }
        let total = Money::sum(refunds.iter().map(|r| r.total)).unwrap();
        assert_eq!(total, cart.total, "every unit back: the sale's total");
        let tax = Money::sum(refunds.iter().map(|r| r.tax_total)).unwrap();
        assert_eq!(tax, cart.tax_total);
        let by_rate = tax_lines(
            refunds
                .iter()
                .flat_map(|r| r.taxes.iter().map(|t| (t.rate, t.taxable, t.tax))),
        )
        .unwrap();
        assert_eq!(by_rate, cart.taxes, "the tax per rate, reversed exactly");
    }
}

#[test]
fn loyalty_points_go_back_in_proportion_and_whole_in_the_end() {
    // A sale of 10.00 that earned 50 points and was paid partly with 20.
    let (total, earned, redeemed) = (m(1_000), 50, 20);
    let first = loyalty_back(earned, redeemed, total, m(0), m(300));
    let second = loyalty_back(earned, redeemed, total, m(300), m(700));
    assert_eq!(first, (15, 6));
    assert_eq!(second, (35, 14));
    // A third of it three times: points only once whole, all of them at the end.
    let parts = [m(333), m(334), m(333)];
    let mut before = m(0);
    let mut moved = (0, 0);
    for part in parts {
        let (take, give) = loyalty_back(7, 5, total, before, part);
        moved = (moved.0 + take, moved.1 + give);
        before = before.checked_add(part).unwrap();
    }
    assert_eq!(moved, (7, 5));
    assert_eq!(
        loyalty_back(10, 0, m(0), m(0), m(0)),
        (10, 0),
        "a free sale: all at once"
    );
}

fn tender(name: &str, kind: PaymentKind, paid: i64, refunded: i64) -> PaidTender {
    PaidTender {
        method_name: name.into(),
        kind,
        paid: m(paid),
        refunded: m(refunded),
    }
}

#[test]
fn refunds_go_back_to_the_tenders_that_paid() {
    let card_and_cash = [
        tender("Card", PaymentKind::Card, 600, 0),
        tender("Cash", PaymentKind::Cash, 400, 0),
    ];
    let split = |amount, tenders: &[PaidTender], points| {
        default_refund_tenders(m(amount), tenders, m(points), &usd())
            .map(|r| r.iter().map(|m| m.minor()).collect::<Vec<_>>())
    };
    assert_eq!(split(500, &card_and_cash, 0).unwrap(), [300, 200]);
    assert_eq!(split(1_000, &card_and_cash, 0).unwrap(), [600, 400]);
    // The card took most of an earlier refund back: it can take only 100 more.
    let after = [
        tender("Card", PaymentKind::Card, 600, 500),
        tender("Cash", PaymentKind::Cash, 400, 0),
    ];
    assert_eq!(split(500, &after, 0).unwrap(), [100, 400]);
    assert_eq!(
        split(501, &after, 0).unwrap_err().code(),
        "refund_over_tender"
    );
    // Points the customer paid with come back as points, the rest to the card.
    let with_points = [
        tender("Loyalty points", PaymentKind::Loyalty, 200, 0),
        tender("Card", PaymentKind::Card, 800, 0),
    ];
    assert_eq!(split(500, &with_points, 100).unwrap(), [100, 400]);
    // 9.99 of 10.00 (2.00 in points, 8.00 by card): the points back round down to 1.00,
    // the card takes its 8.00, the rest goes back as points.
    let points_and_card = [
        tender("Loyalty points", PaymentKind::Loyalty, 200, 0),
        tender("Card", PaymentKind::Card, 800, 0),
    ];
    assert_eq!(split(999, &points_and_card, 100).unwrap(), [199, 800]);
    assert_eq!(
        split(1_001, &points_and_card, 200).unwrap_err().code(),
        "refund_over_tender"
    );

    let check = |refunds: &[i64]| {
        let refunds: Vec<Money> = refunds.iter().map(|r| m(*r)).collect();
        check_refund_tenders(m(500), &card_and_cash, &refunds, &usd())
    };
    assert!(check(&[500, 0]).is_ok());
    assert_eq!(check(&[0, 401]).unwrap_err().code(), "refund_over_tender");
    assert_eq!(check(&[100, 100]).unwrap_err().code(), "refund_not_whole");
    assert_eq!(
        check(&[0, 0, 500]).unwrap_err().code(),
        "refund_over_tender",
        "a refund to a payment the sale did not have"
    );
    assert_eq!(
        check(&[0, 401]).unwrap_err().to_string(),
        "Cash can take back at most 4.00."
    );
}

#[test]
fn approval_is_needed_without_receipt_past_the_window_or_over_the_limit() {
    let usd = usd();
    let limit = m(10_000);
    // (age in days, refund, why)
    let table: &[(Option<i64>, i64, Option<&str>)] = &[
        (Some(0), 2_500, None),
        (Some(30), 10_000, None),
        (
            Some(31),
            100,
            Some("the sale is 31 days old, past the 30-day return window"),
        ),
        (
            Some(3),
            10_001,
            Some("the refund of 100.01 is over the cashier limit of 100.00"),
        ),
        (None, 100, Some("a return without a receipt")),
    ];
    for (age, refund, why) in table {
        assert_eq!(
            approval_needed(*age, 30, m(*refund), limit, &usd).as_deref(),
            *why,
            "age {age:?}, refund {refund}"
        );
    }
}
