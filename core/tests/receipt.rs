//! Receipt layout of real sales on a real till database: every line fits the paper, long
//! names wrap, amounts line up, and characters a printer lacks get readable stand-ins.

mod common;

use common::{shop, tender, usd, Shop, CHOC, MILK};
use sellsync_contract::Quantity;
use sellsync_core::printing::receipt::{layout, takes_cash, LineStyle, Paper, Receipt};
use sellsync_core::sell::cart::{Cart, CartCustomer};
use sellsync_core::{Discount, Error, NewProduct, Percent, Sale};

const LONG_NAME: &str = "Crème brûlée dessert kit with Madagascar vanilla pods, family size";

/// A sale with a long accented name, a line discount, a cart discount, a customer and a
/// split payment (card, then cash with change).
fn big_sale(s: &mut Shop) -> Sale {
    s.till
        .add_product(
            &s.admin,
            &NewProduct {
                sku: "T-CREME".into(),
                product_name: LONG_NAME.into(),
                price: usd("12.50"),
                barcode: None,
                category: Some("Test".into()),
                tax_rate: Some(Percent::parse("8.875").unwrap()),
                stock: Quantity::units(5),
                stock_threshold: Quantity::units(0),
                supplier_id: None,
                only_this_store: false,
                ..NewProduct::default()
            },
        )
        .unwrap();
    let customer = s
        .till
        .find_customer(&s.admin, "chloe@example.com")
        .unwrap()
        .unwrap();
    let mut cart = Cart::new();
    s.till.ring_up(&mut cart, MILK, Quantity::units(2)).unwrap();
    let line = s
        .till
        .ring_up(&mut cart, "T-CREME", Quantity::units(1))
        .unwrap();
    s.till.ring_up(&mut cart, CHOC, Quantity::units(3)).unwrap();
    cart.set_line_discount(line, Some(Discount::Percent(Percent::parse("10").unwrap())))
        .unwrap();
    cart.set_discount(Some(Discount::Amount(usd("1.00"))));
    cart.set_customer(Some(CartCustomer::Existing(customer)));
    let tenders = [
        tender(&s.till, "credit card", Some("10.00")),
        tender(&s.till, "cash", Some("20.00")),
    ];
    s.till.complete_sale(&s.manager, &cart, &tenders).unwrap()
}

fn texts(receipt: &Receipt) -> Vec<&str> {
    receipt.lines.iter().map(|l| l.text.as_str()).collect()
}

fn assert_fits(receipt: &Receipt) {
    let columns = receipt.paper.columns();
    for line in &receipt.lines {
        let limit = match line.style {
            LineStyle::Large => columns / 2,
            _ => columns,
        };
        assert!(
            line.text.chars().count() <= limit,
            "{:?} is wider than {limit} columns on {}",
            line.text,
            receipt.paper
        );
    }
}

#[test]
fn a_receipt_shows_the_whole_sale_and_fits_both_papers() {
    let mut s = shop();
    let sale = big_sale(&mut s);
    let input = s
        .till
        .receipt_input(sale.clone(), "Thank you!", false)
        .unwrap();
    for paper in [Paper::Mm58, Paper::Mm80] {
        let receipt = layout(&input, paper, &|_| true);
        assert_fits(&receipt);
        let text = receipt.to_text();
        let columns = paper.columns();
        // The header: the store, its address and phone, the sale number, the time in New
        // York (the demo business's time zone) and the cashier.
        assert!(text.contains("Corner Market"), "{text}");
        assert!(text.contains("123 Main St"), "{text}");
        assert!(text.contains("Tel +1 212-555-0147"), "{text}");
        let local = sale
            .created_at
            .with_timezone(&chrono_tz::America::New_York)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let header = format!("Sale {}", sale.sale_number);
        assert!(texts(&receipt)
            .iter()
            .any(|l| l.starts_with(&header) && l.ends_with(&local) && l.len() == columns));
        assert!(text.contains(&format!("Cashier: {}", s.manager.name())));
        // Every word of the long name is there, on lines that keep the amount column.
        for word in LONG_NAME.split_whitespace() {
            assert!(text.contains(word), "{word} is missing from\n{text}");
        }
        // Lines with an amount end at the last column.
        for amount in ["6.98", "12.50", "-1.25", "5.97", "-1.00", "20.00", "10.00"] {
            assert!(
                texts(&receipt)
                    .iter()
                    .any(|l| l.ends_with(amount) && l.chars().count() == columns),
                "no line ends with {amount} at column {columns}:\n{text}"
            );
        }
        assert!(text.contains("  2 x 3.49"));
        assert!(text.contains("  3 x 1.99"));
        assert!(
            text.contains("Tax 8.875% ") && !text.contains("%%"),
            "{text}"
        );
        let total = format!("${}", s.till.format_money(sale.total_amount));
        let total_line = receipt
            .lines
            .iter()
            .find(|l| l.style == LineStyle::Large && l.text.starts_with("TOTAL"))
            .unwrap();
        assert!(total_line.text.ends_with(&total), "{total_line:?}");
        assert_eq!(total_line.text.chars().count(), columns / 2);
        let change = s.till.format_money(sale.change_due);
        assert!(texts(&receipt)
            .iter()
            .any(|l| l.starts_with("Change") && l.ends_with(&change)));
        assert!(text.contains("Customer: Chloé Martin"));
        assert!(text.contains("Points earned"));
        assert!(text.contains("Thank you!"));
        let codes = receipt.codes.as_ref().unwrap();
        assert_eq!(codes.sale_id, sale.id.to_string());
        assert_eq!(codes.sale_number, sale.sale_number);
        assert!(!text.contains("COPY"));
    }
    assert!(takes_cash(&sale));
}

#[test]
fn characters_the_printer_lacks_get_stand_ins_of_their_own_width() {
    let mut s = shop();
    let sale = big_sale(&mut s);
    let input = s
        .till
        .receipt_input(sale, "Merci · ¡Gracias! 🙂", true)
        .unwrap();
    let ascii = |c: char| c.is_ascii();
    let receipt = layout(&input, Paper::Mm58, &ascii);
    assert_fits(&receipt);
    let text = receipt.to_text();
    assert!(text.is_ascii(), "{text}");
    assert!(text.contains("Creme brulee"), "{text}");
    assert!(text.contains("Customer: Chloe Martin"), "{text}");
    assert!(text.contains("*** COPY ***"), "a reprint is marked: {text}");
}

#[test]
fn control_characters_in_names_never_reach_the_printer() {
    let mut s = shop();
    s.till
        .add_product(
            &s.admin,
            &NewProduct {
                sku: "T-ESC".into(),
                product_name: "Bad\u{1b}@name\u{7}".into(),
                price: usd("1.00"),
                barcode: None,
                category: None,
                tax_rate: None,
                stock: Quantity::units(1),
                stock_threshold: Quantity::units(0),
                supplier_id: None,
                only_this_store: false,
                ..NewProduct::default()
            },
        )
        .unwrap();
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, "T-ESC", Quantity::units(1))
        .unwrap();
    let sale = s
        .till
        .complete_sale(&s.cashier, &cart, &[tender(&s.till, "credit card", None)])
        .unwrap();
    let input = s.till.receipt_input(sale.clone(), "", false).unwrap();
    let receipt = layout(&input, Paper::Mm80, &|_| true);
    assert!(receipt
        .lines
        .iter()
        .all(|l| !l.text.chars().any(char::is_control)));
    assert!(!takes_cash(&sale), "a card sale does not open the drawer");
}

#[test]
fn a_sale_is_found_by_its_id_or_its_number() {
    let mut s = shop();
    let sale = big_sale(&mut s);
    assert_eq!(s.till.find_sale(&sale.id.to_string()).unwrap().id, sale.id);
    assert_eq!(s.till.find_sale(&sale.sale_number).unwrap().id, sale.id);
    assert_eq!(
        s.till
            .find_sale(&sale.sale_number.to_lowercase())
            .unwrap()
            .id,
        sale.id
    );
    for unknown in ["T1-999999", "000000000000000000000000", "", "x"] {
        assert!(
            matches!(s.till.find_sale(unknown), Err(Error::UnknownSale(_))),
            "{unknown}"
        );
    }
}
