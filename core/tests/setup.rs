//! Setting up a till for a new business: the store's opening hours reach the central
//! store document, and bad ones are refused before anything is made.

use sellsync_contract::documents::{default_methods, Collection};
use sellsync_core::staff::{NewUser, Role};
use sellsync_core::{Error, Percent, Till, TillSetup};

fn setup(hours: Option<(&str, &str)>) -> TillSetup {
    TillSetup {
        business_name: "Kissa".into(),
        currency: "JPY".into(),
        timezone: "Asia/Tokyo".into(),
        tax_inclusive: true,
        default_tax_rate: Percent::parse("10").unwrap(),
        store_name: "Kissa Shibuya".into(),
        location: String::new(),
        phone: String::new(),
        operating_hours: hours.map(|(open, close)| (open.into(), close.into())),
        till_code: "T1".into(),
        owner: NewUser {
            name: "Aiko".into(),
            email: "aiko@example.com".into(),
            role: Some(Role::Admin),
            pin: Some("8642".into()),
            ..NewUser::default()
        },
        payment_methods: default_methods(),
        barcode_rules: Vec::new(),
    }
}

#[test]
fn the_store_document_carries_its_opening_hours() {
    let dir = tempfile::tempdir().unwrap();
    let till = Till::create(dir.path(), &setup(Some(("09:00", "22:30")))).unwrap();
    let store = till
        .pending_operations(100)
        .unwrap()
        .into_iter()
        .find(|op| op.collection == Collection::Stores)
        .unwrap()
        .payload;
    let hours = store.get_document("operating_hours").unwrap();
    assert_eq!(hours.get_str("open").unwrap(), "09:00");
    assert_eq!(hours.get_str("close").unwrap(), "22:30");
}

#[test]
fn bad_opening_hours_are_refused_and_no_till_is_made() {
    for (open, close) in [("9am", "22:00"), ("09:00", "24:00"), ("9:00", "22:00")] {
        let dir = tempfile::tempdir().unwrap();
        let err = Till::create(dir.path(), &setup(Some((open, close))))
            .err()
            .unwrap();
        assert!(matches!(err, Error::InvalidSetting(_)), "{err}");
        assert!(err.to_string().contains("24-hour clock"), "{err}");
        assert!(!dir.path().join("till.sqlite3").exists());
    }
}

/// The demo store's backlog of sales, which the benchmarks ring up, rings up: goods sold
/// by the piece, each sale in the outbox.
#[test]
fn the_demo_store_rings_up_a_backlog_of_sales() {
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    till.ring_up_demo_sales(25).unwrap();
    let sales = till
        .pending_operations(100_000)
        .unwrap()
        .into_iter()
        .filter(|op| op.collection == Collection::SalesTransactions)
        .count();
    assert_eq!(sales, 25);
}
