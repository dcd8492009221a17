//! Shared fixtures: a Paris café till (euros, accents, tax included) with real sales, and
//! emupos, the independent ESC/POS decoder and virtual network printer (`tests/emupos`).
#![allow(dead_code)] // each test file uses its own share of the helpers

use sellsync_contract::Quantity;
use std::path::{Path, PathBuf};
use std::process::Command;

use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{NewPaymentMethod, PaymentKind};
use sellsync_core::printing::{PrinterConnection, PrinterSettings};
use sellsync_core::sell::cart::{Cart, CartCustomer};
use sellsync_core::{
    Actor, Credential, Discount, Money, NewCustomer, NewProduct, NewUser, Percent, Role, Sale,
    Tender, Till, TillSetup,
};
use serde_json::Value;
use tempfile::TempDir;

pub const LONG_NAME: &str =
    "Gâteau opéra à la crème au beurre café, tranche généreuse pour deux personnes";

pub struct Cafe {
    pub dir: TempDir,
    pub till: Till,
    pub owner: Actor,
    pub cashier: Actor,
}

fn euros(text: &str) -> Money {
    sellsync_core::Currency::from_code("EUR")
        .unwrap()
        .parse(text)
        .unwrap()
}

/// Café Lumière in Paris: prices include 10% or 20% VAT, a cashier who may not open the
/// drawer on demand, and a few products with accented and long names.
pub fn cafe() -> Cafe {
    let dir = tempfile::tempdir().unwrap();
    let setup = TillSetup {
        business_name: "Café Lumière SARL".into(),
        currency: "EUR".into(),
        timezone: "Europe/Paris".into(),
        tax_inclusive: true,
        default_tax_rate: Percent::parse("10").unwrap(),
        store_name: "Café Lumière".into(),
        location: "12 rue de l'Église, 75015 Paris".into(),
        phone: "+33 1 45 67 89 10".into(),
        operating_hours: Some(("07:30".into(), "19:00".into())),
        till_code: "T1".into(),
        owner: NewUser {
            name: "Élodie Marchand".into(),
            email: "elodie@example.com".into(),
            role: Some(Role::Admin),
            pin: Some("2468".into()),
            password: None,
            permissions: None,
        },
        payment_methods: vec![
            NewPaymentMethod::new("Espèces", "", PaymentKind::Cash),
            NewPaymentMethod::new("Carte bancaire", "CB", PaymentKind::Card),
        ],
        barcode_rules: Vec::new(),
    };
    let mut till = Till::create(dir.path(), &setup).unwrap();
    let owner = till
        .sign_in("elodie@example.com", Credential::Pin("2468"))
        .unwrap();
    till.add_user(
        &owner,
        &NewUser {
            name: "Jürgen Weiß".into(),
            email: "jurgen@example.com".into(),
            role: Some(Role::Cashier),
            pin: Some("1357".into()),
            password: None,
            permissions: None,
        },
    )
    .unwrap();
    let cashier = till
        .sign_in("jurgen@example.com", Credential::Pin("1357"))
        .unwrap();
    for (sku, name, price, rate) in [
        ("CREME", "Crème brûlée", "4.50", "10"),
        ("MUSLI", "Müsli mit Früchten", "3.20", "10"),
        ("OPERA", LONG_NAME, "6.80", "10"),
        ("SIROP", "Sirop d'érable 25 cl", "8.90", "20"),
    ] {
        till.add_product(
            &owner,
            &NewProduct {
                sku: sku.into(),
                product_name: name.into(),
                price: euros(price),
                barcode: None,
                category: Some("Café".into()),
                tax_rate: Some(Percent::parse(rate).unwrap()),
                stock: Quantity::units(50),
                stock_threshold: Quantity::units(0),
                supplier_id: None,
                only_this_store: false,
                ..NewProduct::default()
            },
        )
        .unwrap();
    }
    // The café's first shift, with 150 € counted in.
    let float = CashCount::amount(euros("150.00")).unwrap();
    till.open_shift(&owner, &float).unwrap();
    Cafe {
        dir,
        till,
        owner,
        cashier,
    }
}

fn tender(till: &Till, method: &str, amount: Option<&str>) -> Tender {
    Tender {
        method: till.payment_method(method).unwrap(),
        amount: amount.map(euros),
    }
}

impl Cafe {
    /// Long names, a line and a cart discount, a new customer, paid by card and cash
    /// with change.
    pub fn big_sale(&mut self) -> Sale {
        let mut cart = Cart::new();
        self.till
            .ring_up(&mut cart, "OPERA", Quantity::units(2))
            .unwrap();
        let line = self
            .till
            .ring_up(&mut cart, "CREME", Quantity::units(1))
            .unwrap();
        self.till
            .ring_up(&mut cart, "MUSLI", Quantity::units(3))
            .unwrap();
        self.till
            .ring_up(&mut cart, "SIROP", Quantity::units(1))
            .unwrap();
        cart.set_line_discount(line, Some(Discount::Percent(Percent::parse("10").unwrap())))
            .unwrap();
        cart.set_discount(Some(Discount::Amount(euros("1.00"))));
        cart.set_customer(Some(CartCustomer::New(NewCustomer {
            name: "Zoë Müller".into(),
            phone: Some("+33 6 12 34 56 78".into()),
            email: None,
        })));
        let tenders = [
            tender(&self.till, "carte bancaire", Some("20.00")),
            tender(&self.till, "espèces", Some("20.00")),
        ];
        self.till
            .complete_sale(&self.owner, &cart, &tenders)
            .unwrap()
    }

    /// One item paid in cash.
    pub fn cash_sale(&mut self) -> Sale {
        self.simple_sale("espèces")
    }

    /// One item paid by card.
    pub fn card_sale(&mut self) -> Sale {
        self.simple_sale("carte bancaire")
    }

    fn simple_sale(&mut self, method: &str) -> Sale {
        let mut cart = Cart::new();
        self.till
            .ring_up(&mut cart, "CREME", Quantity::units(1))
            .unwrap();
        let tenders = [tender(&self.till, method, None)];
        self.till
            .complete_sale(&self.cashier, &cart, &tenders)
            .unwrap()
    }

    /// Sets the till's printer (80 mm, PC858, drawer on cash).
    pub fn set_printer(&mut self, connection: PrinterConnection) -> PrinterSettings {
        let settings = PrinterSettings::new(connection);
        self.till
            .set_printer_settings(&self.owner, Some(&settings))
            .unwrap();
        settings
    }
}

/// The repository's root, where `tests/emupos` lives.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Runs `bash tests/emupos ARGS` and returns what it printed.
pub fn emupos_run(args: &[&str]) -> Vec<u8> {
    let output = Command::new("bash")
        .arg(repo_root().join("tests/emupos"))
        .args(args)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "tests/emupos {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs `bash tests/emupos ARGS` and reads its JSON.
pub fn emupos(args: &[&str]) -> Value {
    let stdout = emupos_run(args);
    serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "tests/emupos {args:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&stdout)
        )
    })
}

/// Decodes ESC/POS bytes with emupos on paper of `millimetres`.
pub fn decode(bytes: &[u8], millimetres: u32) -> Value {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    emupos(&[
        "decode",
        "--paper",
        &millimetres.to_string(),
        file.path().to_str().unwrap(),
    ])
}
