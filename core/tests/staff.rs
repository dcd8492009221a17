//! Signing in, lockout and permissions, against a real till database.

mod common;

use common::{count, shop, snapshot, tender};
use sellsync_contract::credentials::MAX_FAILED_ATTEMPTS;
use sellsync_contract::Quantity;
use sellsync_core::sell::cart::CartCustomer;
use sellsync_core::{
    Cart, Credential, Discount, Error, Money, NewCustomer, NewUser, Permission, Role,
};

#[test]
fn wrong_pins_lock_the_account_and_nothing_else_changes() {
    let mut s = shop();
    let sales = count(s.dir.path(), "sales_transactions");
    let outbox = count(s.dir.path(), "outbox");
    for left in (1..MAX_FAILED_ATTEMPTS).rev() {
        let err = s
            .till
            .sign_in("cashier@example.com", Credential::Pin("9999"))
            .unwrap_err();
        assert!(
            matches!(err, Error::WrongSecret { attempts_left } if attempts_left == left),
            "{err:?}"
        );
    }
    let err = s
        .till
        .sign_in("cashier@example.com", Credential::Pin("9999"))
        .unwrap_err();
    assert!(matches!(err, Error::AccountLocked { .. }), "{err:?}");
    assert!(err.to_string().contains("locked"));
    // The right PIN does not open a locked account.
    assert!(matches!(
        s.till
            .sign_in("cashier@example.com", Credential::Pin("1111")),
        Err(Error::AccountLocked { .. })
    ));
    assert!(s
        .till
        .staff()
        .unwrap()
        .iter()
        .any(|m| m.locked && m.role == Role::Cashier));
    // Other accounts are unaffected; the lockout is local and never synced.
    s.till
        .sign_in("manager@example.com", Credential::Pin("2345"))
        .unwrap();
    assert_eq!(count(s.dir.path(), "sales_transactions"), sales);
    assert_eq!(count(s.dir.path(), "outbox"), outbox);
}

#[test]
fn a_good_sign_in_resets_the_count() {
    let mut s = shop();
    for _ in 0..MAX_FAILED_ATTEMPTS - 1 {
        s.till
            .sign_in("cashier@example.com", Credential::Pin("0000"))
            .unwrap_err();
    }
    s.till
        .sign_in("CASHIER@example.com ", Credential::Pin("1111"))
        .unwrap();
    let err = s
        .till
        .sign_in("cashier@example.com", Credential::Pin("0000"))
        .unwrap_err();
    assert!(
        matches!(err, Error::WrongSecret { attempts_left } if attempts_left == MAX_FAILED_ATTEMPTS - 1)
    );
}

#[test]
fn a_sign_in_in_two_steps_counts_as_one_and_never_shows_a_hash() {
    let mut s = shop();
    let attempt = s.till.begin_sign_in("cashier@example.com").unwrap();
    let shown = format!("{attempt:?}");
    assert!(shown.contains("cashier@example.com"), "{shown}");
    assert!(!shown.contains("$argon2"), "a hash in {shown}");
    assert!(attempt.check(Credential::Pin("1111")));
    assert!(!attempt.check(Credential::Pin("0000")));
    let err = s.till.finish_sign_in(attempt, false).unwrap_err();
    assert!(
        matches!(err, Error::WrongSecret { attempts_left } if attempts_left == MAX_FAILED_ATTEMPTS - 1)
    );
    let attempt = s.till.begin_sign_in("cashier@example.com").unwrap();
    let actor = s.till.finish_sign_in(attempt, true).unwrap();
    assert_eq!(actor.email(), "cashier@example.com");
}

#[test]
fn unknown_users_and_passwords() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    assert!(matches!(
        s.till
            .sign_in("nobody@example.com", Credential::Pin("1234")),
        Err(Error::UnknownUser(_))
    ));
    assert_eq!(snapshot(s.dir.path()), before);
    // Demo staff have PINs only: a password cannot sign them in.
    assert!(matches!(
        s.till
            .sign_in("admin@example.com", Credential::Password("1234")),
        Err(Error::WrongSecret { .. })
    ));

    let user = NewUser {
        name: "Sam Night".into(),
        email: "sam@example.com".into(),
        role: Some(Role::Manager),
        password: Some("correct horse battery".into()),
        ..NewUser::default()
    };
    assert!(matches!(
        s.till.add_user(&s.manager, &user),
        Err(Error::PermissionDenied {
            permission: Permission::ManageUsers,
            ..
        })
    ));
    s.till.add_user(&s.admin, &user).unwrap();
    assert!(matches!(
        s.till.add_user(&s.admin, &user),
        Err(Error::InvalidUser(_))
    ));
    let sam = s
        .till
        .sign_in(
            "sam@example.com",
            Credential::Password("correct horse battery"),
        )
        .unwrap();
    assert!(sam.can(Permission::ManageInventory));
    assert!(!sam.can(Permission::ManageUsers));
    let weak = NewUser {
        pin: Some("12".into()),
        email: "weak@example.com".into(),
        ..user
    };
    assert!(matches!(
        s.till.add_user(&s.admin, &weak),
        Err(Error::InvalidCredential(_))
    ));
}

#[test]
fn stock_corrections_need_a_manager_and_a_reason() {
    let mut s = shop();
    let before = snapshot(s.dir.path());
    let err = s
        .till
        .adjust_stock(&s.cashier, common::MILK, Quantity::units(-2), "damaged")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Priya Shah is not allowed to manage inventory. A manager or an admin can."
    );
    assert!(matches!(
        s.till
            .adjust_stock(&s.manager, common::MILK, Quantity::units(-2), "  "),
        Err(Error::MissingReason)
    ));
    assert!(matches!(
        s.till
            .adjust_stock(&s.manager, common::MILK, Quantity::units(0), "count"),
        Err(Error::BadQuantity { .. })
    ));
    assert!(matches!(
        s.till
            .adjust_stock(&s.manager, "NOPE", Quantity::units(1), "count"),
        Err(Error::UnknownProduct(_))
    ));
    assert!(matches!(
        s.till
            .restock(&s.manager, common::MILK, Quantity::units(-5), "delivery"),
        Err(Error::BadQuantity { .. })
    ));
    let err = s
        .till
        .set_counted_stock(&s.manager, common::MILK, Quantity::units(10), "count")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Test Whole Milk 1 L has 10 in stock already: there is nothing to correct."
    );
    assert_eq!(
        (s.till
            .set_counted_stock(&s.manager, common::MILK, Quantity::units(-1), "count"))
        .unwrap_err()
        .code(),
        "bad_count"
    );
    assert_eq!(snapshot(s.dir.path()), before);

    // Counted on the shelf: the correction is the difference.
    let change = s
        .till
        .set_counted_stock(&s.manager, common::MILK, Quantity::units(12), "recount")
        .unwrap();
    assert_eq!(
        (change.before, change.after),
        (Quantity::units(10), Quantity::units(12))
    );
    let change = s
        .till
        .set_counted_stock(&s.manager, common::MILK, Quantity::units(10), "recount")
        .unwrap();
    assert_eq!(
        (change.before, change.after),
        (Quantity::units(12), Quantity::units(10))
    );

    // 10 -> 3 reaches the threshold (3): a low-stock notification, then a restock.
    let change = s
        .till
        .adjust_stock(&s.manager, common::MILK, Quantity::units(-7), "expired")
        .unwrap();
    assert_eq!(
        (change.before, change.after),
        (Quantity::units(10), Quantity::units(3))
    );
    assert_eq!(s.till.notifications(true, 5).unwrap()[0].kind, "low_stock");
    let change = s
        .till
        .restock(&s.manager, common::MILK, Quantity::units(24), "")
        .unwrap();
    assert_eq!(change.after, Quantity::units(27));
    assert_eq!(
        s.till
            .stock_levels(true)
            .unwrap()
            .iter()
            .filter(|p| p.sku == "T-MILK")
            .count(),
        0
    );
    let outbox = s.till.outbox(&s.manager, true, 100_000).unwrap();
    let last = &outbox[outbox.len() - 1];
    assert_eq!(last.payload["movement_type"], "restock");
    assert_eq!(last.payload["reason"], "delivery");
    assert_eq!(
        last.payload["handled_by"]["$oid"],
        s.manager.user_id().to_string()
    );
    assert!(s.till.verify_stock_ledger().unwrap().mismatches.is_empty());
}

#[test]
fn the_ledger_check_catches_a_tampered_cache() {
    let s = shop();
    rusqlite::Connection::open(s.dir.path().join("till.sqlite3"))
        .unwrap()
        .execute(
            "UPDATE products SET stock = stock + 1000 WHERE sku = 'T-CHOC'",
            [],
        )
        .unwrap();
    let check = s.till.verify_stock_ledger().unwrap();
    assert_eq!(check.mismatches.len(), 1);
    assert_eq!(check.mismatches[0].sku, "T-CHOC");
    assert_eq!(
        (check.mismatches[0].cached, check.mismatches[0].ledger),
        (Quantity::units(7), Quantity::units(6))
    );
}

#[test]
fn permissions_beyond_the_role_are_checked_in_core() {
    let mut s = shop();
    // A seasonal helper who may only ring up sales: no discounts, no customers.
    let helper = NewUser {
        name: "Kai Temp".into(),
        email: "kai@example.com".into(),
        role: Some(Role::Cashier),
        pin: Some("8080".into()),
        permissions: Some(vec![Permission::ProcessSales]),
        ..NewUser::default()
    };
    s.till.add_user(&s.admin, &helper).unwrap();
    let kai = s
        .till
        .sign_in("kai@example.com", Credential::Pin("8080"))
        .unwrap();
    let before = snapshot(s.dir.path());
    assert!(matches!(
        s.till.find_customer(&kai, "alice@example.com"),
        Err(Error::PermissionDenied {
            permission: Permission::ManageCustomers,
            ..
        })
    ));
    let cash = tender(&s.till, "cash", None);
    let mut cart = Cart::new();
    s.till
        .ring_up(&mut cart, common::MILK, Quantity::units(1))
        .unwrap();
    let mut with_new_customer = cart.clone();
    with_new_customer.set_customer(Some(CartCustomer::New(NewCustomer {
        name: "Walk In".into(),
        phone: Some("+1 212 555 0100".into()),
        email: None,
    })));
    assert!(matches!(
        s.till
            .complete_sale(&kai, &with_new_customer, std::slice::from_ref(&cash)),
        Err(Error::PermissionDenied {
            permission: Permission::ManageCustomers,
            ..
        })
    ));
    let mut discounted = cart.clone();
    discounted.set_discount(Some(Discount::Amount(Money::from_minor(10))));
    assert!(matches!(
        s.till
            .complete_sale(&kai, &discounted, std::slice::from_ref(&cash)),
        Err(Error::PermissionDenied {
            permission: Permission::ApplyDiscounts,
            ..
        })
    ));
    assert_eq!(snapshot(s.dir.path()), before);
    s.till
        .complete_sale(&kai, &cart, std::slice::from_ref(&cash))
        .unwrap();
}

#[test]
fn a_manager_marks_the_notifications_read_and_central_hears_of_it() {
    let mut s = shop();
    s.till
        .adjust_stock(&s.manager, common::MILK, Quantity::units(-7), "expired")
        .unwrap();
    s.till
        .adjust_stock(&s.manager, common::CHOC, Quantity::units(-1), "damaged")
        .unwrap();
    assert_eq!(s.till.unread_notifications().unwrap(), 2);

    let before = snapshot(s.dir.path());
    assert!(matches!(
        s.till.mark_notifications_read(&s.cashier),
        Err(Error::PermissionDenied { .. })
    ));
    assert_eq!(snapshot(s.dir.path()), before, "a refusal writes nothing");

    let pending = s.till.outbox_counts().unwrap().pending;
    assert_eq!(s.till.mark_notifications_read(&s.manager).unwrap(), 2);
    assert_eq!(s.till.unread_notifications().unwrap(), 0);
    let all = s.till.notifications(false, 10).unwrap();
    assert_eq!(all.len(), 2, "read, not deleted");
    assert!(all.iter().all(|n| !n.unread));
    let outbox = s.till.outbox(&s.manager, true, 10_000).unwrap();
    let updates: Vec<_> = outbox
        .iter()
        .filter(|e| e.collection == "notifications" && e.op == "update")
        .collect();
    assert_eq!(updates.len(), 2);
    assert_eq!(s.till.outbox_counts().unwrap().pending, pending + 2);
    assert_eq!(
        s.till.mark_notifications_read(&s.manager).unwrap(),
        0,
        "nothing left"
    );
}

#[test]
fn a_staff_manager_grants_nothing_beyond_their_own() {
    let mut s = shop();
    // A manager who may also manage staff accounts, but not settings.
    let lead = NewUser {
        name: "Rio Lead".into(),
        email: "rio@example.com".into(),
        role: Some(Role::Manager),
        pin: Some("7070".into()),
        permissions: Some(vec![Permission::ManageUsers, Permission::ProcessSales]),
        ..NewUser::default()
    };
    s.till.add_user(&s.admin, &lead).unwrap();
    let rio = s
        .till
        .sign_in("rio@example.com", Credential::Pin("7070"))
        .unwrap();
    let before = snapshot(s.dir.path());
    let new = |role, permissions| NewUser {
        name: "New Hire".into(),
        email: "hire@example.com".into(),
        role: Some(role),
        pin: Some("6060".into()),
        permissions,
        ..NewUser::default()
    };
    for (user, what) in [
        (new(Role::Admin, None), "the admin role"),
        (
            new(Role::Cashier, Some(vec![Permission::ManageSettings])),
            "change settings",
        ),
        // A cashier's defaults include returns, discounts and customers, which Rio lacks.
        (new(Role::Cashier, None), "take returns"),
    ] {
        let err = s.till.add_user(&rio, &user).unwrap_err();
        assert!(matches!(err, Error::GrantBeyondOwn { .. }), "{err}");
        assert!(err.to_string().contains(what), "{err}");
        assert!(err.to_string().contains("An admin can"), "{err}");
    }
    assert_eq!(
        snapshot(s.dir.path()),
        before,
        "a refused grant wrote nothing"
    );
    s.till
        .add_user(
            &rio,
            &new(Role::Cashier, Some(vec![Permission::ProcessSales])),
        )
        .unwrap();
}
