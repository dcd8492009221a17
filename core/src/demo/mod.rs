//! The demo store a newcomer gets with `sellsync init --demo`: a corner market in New York
//! with staff whose PINs are printed on screen, payment methods, a few customers and a few
//! hundred products with valid barcodes.

mod catalog;

use std::path::Path;

use crate::catalog::family::{every_variant, NewFamily};
use crate::catalog::NewProduct;
use crate::customers::NewCustomer;
use crate::demo::catalog::demo_products;
use crate::error::Result;
use crate::sell::cart::Cart;
use crate::sell::tender::Tender;
use crate::setup::TillSetup;
use crate::staff::{Credential, NewUser, Role};
use crate::till::Till;
use sellsync_contract::cash_count::CashCount;
use sellsync_contract::documents::{NewPaymentMethod, PaymentKind};
use sellsync_contract::embedded_barcodes::ready_layout;
use sellsync_contract::money::{Money, Percent};
use sellsync_contract::quantity::{Quantity, Unit};

/// A demo staff member and the PIN that signs them in.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub name: &'static str,
    pub email: &'static str,
    pub role: Role,
    pub pin: &'static str,
}

/// The demo staff. The first is the owner and admin.
pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        name: "Dana Whitfield",
        email: "admin@example.com",
        role: Role::Admin,
        pin: "1234",
    },
    DemoLogin {
        name: "Marco Ruiz",
        email: "manager@example.com",
        role: Role::Manager,
        pin: "2345",
    },
    DemoLogin {
        name: "Priya Shah",
        email: "cashier@example.com",
        role: Role::Cashier,
        pin: "1111",
    },
];

/// The New York sales tax rate the demo store charges on taxable goods.
const DEMO_TAX_RATE: Percent = Percent::from_thousandths(8_875);

/// What the demo holds, for the welcome message.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub business_name: String,
    pub store_name: String,
    pub products: usize,
    pub logins: Vec<DemoLogin>,
}

fn user(login: &DemoLogin) -> NewUser {
    NewUser {
        name: login.name.into(),
        email: login.email.into(),
        role: Some(login.role),
        pin: Some(login.pin.into()),
        ..NewUser::default()
    }
}

impl Till {
    /// Creates the demo store in `data_dir`.
    pub fn create_demo(data_dir: &Path) -> Result<(Till, DemoSummary)> {
        let [owner, staff @ ..] = &DEMO_LOGINS;
        let setup = TillSetup {
            business_name: "Corner Market".into(),
            currency: "USD".into(),
            timezone: "America/New_York".into(),
            tax_inclusive: false,
            default_tax_rate: DEMO_TAX_RATE,
            store_name: "Corner Market Downtown".into(),
            location: "123 Main St, New York, NY 10001".into(),
            phone: "+1 212-555-0147".into(),
            operating_hours: Some(("08:00".into(), "22:00".into())),
            till_code: "T1".into(),
            owner: user(owner),
            payment_methods: vec![
                NewPaymentMethod::new("Cash", "", PaymentKind::Cash),
                NewPaymentMethod::new("Credit Card", "Stripe", PaymentKind::Card),
                NewPaymentMethod::new("Debit Card", "Stripe", PaymentKind::Card),
            ],
            // The deli's scale prints the United States' price labels.
            barcode_rules: ready_layout("United States").expect("a ready layout"),
        };
        let mut till = Till::create(data_dir, &setup)?;
        let admin = till.sign_in(owner.email, Credential::Pin(owner.pin))?;
        for login in staff {
            till.add_user(&admin, &user(login))?;
        }
        for (name, phone, email) in [
            ("Alice Johnson", "+1 987 654 3210", "alice@example.com"),
            ("Bob Lee", "+1 917 555 0199", "bob@example.com"),
            ("Chloé Martin", "+1 646 555 0123", "chloe@example.com"),
        ] {
            till.add_customer(
                &admin,
                &NewCustomer {
                    name: name.into(),
                    phone: Some(phone.into()),
                    email: Some(email.into()),
                },
            )?;
        }
        let products: Vec<NewProduct> = demo_products()
            .into_iter()
            .map(|p| NewProduct {
                sku: p.sku,
                product_name: p.name,
                price: Money::from_minor(p.price_cents),
                barcode: p.barcode,
                category: Some(p.category.into()),
                tax_rate: Some(if p.taxable {
                    DEMO_TAX_RATE
                } else {
                    Percent::ZERO
                }),
                unit: p.unit,
                tare: Quantity::ZERO,
                variant: None,
                stock: Quantity::units(p.stock),
                stock_threshold: Quantity::units(p.threshold),
                supplier_id: None,
                reorder_quantity: Quantity::ZERO,
                unit_cost: None,
                only_this_store: false,
            })
            .collect();
        let count = till.add_products(&admin, &products)?;
        // A few apparel variants: the store's own T-shirt, in sizes and colours.
        let options = vec![
            ("Size".to_owned(), vec!["S".into(), "M".into(), "L".into()]),
            (
                "Colour".to_owned(),
                vec!["Navy".into(), "Heather Grey".into()],
            ),
        ];
        let shirts = till.add_family(
            &admin,
            &NewFamily {
                name: "Corner Market T-shirt".into(),
                sku: "APP-TEE".into(),
                category: Some("Apparel".into()),
                price: Money::from_minor(1_499),
                tax_rate: Some(DEMO_TAX_RATE),
                variants: every_variant(&options, Quantity::units(6)),
                options,
            },
        )?;
        let count = count + shirts.len();
        // The demo sells at once: its first shift is open, with 100.00 counted in.
        let float = CashCount::parse("20x2,10x3,5x4,1x10", till.currency())?;
        till.open_shift(&admin, &float)?;
        let summary = DemoSummary {
            business_name: setup.business_name,
            store_name: setup.store_name,
            products: count,
            logins: DEMO_LOGINS.to_vec(),
        };
        Ok((till, summary))
    }
}

impl Till {
    /// Rings up `sales` cash sales of four items each on the demo till, as its cashier,
    /// after a delivery that keeps every product in stock: the demo store after a long day
    /// without a network, its outbox holding the backlog. For benchmarks, and for trying
    /// the day's report on the demo. Products are picked in a fixed pattern, so two runs
    /// ring up the same sales.
    pub fn ring_up_demo_sales(&mut self, sales: usize) -> Result<()> {
        let [_, manager, cashier] = &DEMO_LOGINS;
        let manager = self.sign_in(manager.email, Credential::Pin(manager.pin))?;
        let cashier = self.sign_in(cashier.email, Credential::Pin(cashier.pin))?;
        // Goods sold by measure are weighed at the scale, which a backlog has none of: the
        // sales ring up goods sold by the piece.
        let products: Vec<_> = self
            .stock_levels(false)?
            .into_iter()
            .filter(|p| p.unit == Unit::Piece)
            .collect();
        for p in &products {
            self.restock(&manager, &p.sku, Quantity::units(100_000), "delivery")?;
        }
        let cash = Tender {
            method: self.payment_method("cash")?,
            amount: None,
        };
        for sale in 0..sales {
            let mut cart = Cart::new();
            for line in 0..4 {
                let p = &products[(sale * 7 + line * 13) % products.len()];
                self.ring_up(&mut cart, &p.sku, Quantity::ONE)?;
            }
            self.complete_sale(&cashier, &cart, std::slice::from_ref(&cash))?;
        }
        Ok(())
    }
}
