//! Till benchmarks: completing a sale against plain rusqlite writing the same rows, the
//! same sale when it takes a product down to its threshold (an automatic reorder), a
//! 5-line sale with two weighed items against one of pieces, and catalog lookups in a
//! 100,000-product catalog.
//!
//! Run with `cargo bench -p sellsync-core --bench till [-- lookup|checkout|reorder|weighed]`. It prints
//! median and p99 of each operation; figures are for comparing on one machine, not
//! pass/fail.

use sellsync_contract::Quantity;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use sellsync_contract::gtin;
use sellsync_contract::ids::{new_op_id, timestamp};
use sellsync_core::sell::tender::Tender;
use sellsync_core::{Cart, Credential, Id, Till};

const CATALOG: usize = 100_000;
const SALES: usize = 1_000;
const LOOKUPS: usize = 10_000;

const BRANDS: [&str; 20] = [
    "Acme",
    "Bluebird",
    "Cascade",
    "Delta",
    "Evergreen",
    "Fjord",
    "Golden",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orchard",
    "Pioneer",
    "Quarry",
    "Redwood",
    "Summit",
    "Tundra",
];
const KINDS: [&str; 25] = [
    "Organic",
    "Classic",
    "Spicy",
    "Sweet",
    "Salted",
    "Roasted",
    "Fresh",
    "Frozen",
    "Smoked",
    "Sparkling",
    "Whole",
    "Light",
    "Dark",
    "Crispy",
    "Creamy",
    "Wild",
    "Golden",
    "Mild",
    "Extra",
    "Premium",
    "Honey",
    "Lemon",
    "Garlic",
    "Vanilla",
    "Mint",
];
const ITEMS: [&str; 40] = [
    "Almonds",
    "Bagels",
    "Cashews",
    "Chocolate",
    "Coffee",
    "Cookies",
    "Crackers",
    "Granola",
    "Hummus",
    "Juice",
    "Ketchup",
    "Lentils",
    "Mustard",
    "Noodles",
    "Oats",
    "Olives",
    "Pasta",
    "Peanuts",
    "Pickles",
    "Popcorn",
    "Pretzels",
    "Rice",
    "Salsa",
    "Sardines",
    "Soda",
    "Soup",
    "Tea",
    "Tortillas",
    "Tuna",
    "Water",
    "Yogurt",
    "Cheese",
    "Butter",
    "Bread",
    "Honey",
    "Jam",
    "Cereal",
    "Chips",
    "Candy",
    "Beans",
];
const SIZES: [&str; 10] = [
    "100 g", "200 g", "250 g", "500 g", "1 kg", "330 ml", "500 ml", "1 L", "2 L", "6 pack",
];

fn product_name(i: usize) -> String {
    format!(
        "{} {} {} {}",
        BRANDS[i % BRANDS.len()],
        KINDS[(i / BRANDS.len()) % KINDS.len()],
        ITEMS[(i / (BRANDS.len() * KINDS.len())) % ITEMS.len()],
        SIZES[(i / 7) % SIZES.len()]
    )
}

fn barcode(i: usize) -> String {
    let payload = format!("21{i:010}");
    format!("{payload}{}", gtin::check_digit(&payload))
}

/// A reproducible stream of pseudo-random indexes.
struct Picker(u64);

impl Picker {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[samples.len() * 99 / 100],
    )
}

fn report(what: &str, samples: Vec<Duration>) -> (Duration, Duration) {
    let n = samples.len();
    let (median, p99) = percentiles(samples);
    println!("{what:<52} n={n:<6} median {median:>10.1?}  p99 {p99:>10.1?}");
    (median, p99)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (mut till, _) = Till::create_demo(dir.path()).unwrap();
    let admin = till
        .sign_in("admin@example.com", Credential::Pin("1234"))
        .unwrap();
    let cashier = till
        .sign_in("cashier@example.com", Credential::Pin("1111"))
        .unwrap();

    let mut csv = String::from("sku,name,price,barcode,category,tax_rate,stock,threshold\n");
    for i in 0..CATALOG {
        let price = 99 + (i * 37) % 2_000;
        let category = ITEMS[(i / 500) % ITEMS.len()];
        csv.push_str(&format!(
            "BENCH-{i},{},{}.{:02},{},{category},8.875,1000000,1\n",
            product_name(i),
            price / 100,
            price % 100,
            barcode(i)
        ));
    }
    let started = Instant::now();
    till.import_products(&admin, csv.as_bytes()).unwrap();
    println!(
        "import of {CATALOG} products (one transaction, with outbox rows): {:.2?}",
        started.elapsed()
    );

    // `cargo bench` passes `--bench`; a word after `--` picks one part.
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |part: &str| only.as_deref().is_none_or(|o| part.starts_with(o));
    let mut pick = Picker(0x5E11_5C1C_u64);
    if wanted("lookup") {
        lookups(&till, &mut pick);
    }
    if wanted("checkout") {
        checkout(&mut till, &cashier, dir.path(), &mut pick);
    }
    if wanted("reorder") {
        reorder(&mut till, &admin, &cashier, &mut pick);
    }
    if wanted("weighed") {
        weighed(&mut till, &admin, &cashier, &mut pick);
    }
}

/// Products sold by the kilogram in the loose-produce aisle.
const LOOSE: usize = 200;

/// A 5-line sale with two weighed items (0.050 to 2.000 kg, priced per kilogram), each
/// interleaved with a 5-line sale of pieces: what selling by weight costs at checkout.
fn weighed(
    till: &mut Till,
    admin: &sellsync_core::Actor,
    cashier: &sellsync_core::Actor,
    pick: &mut Picker,
) {
    let mut csv = String::from("sku,name,price,unit,stock\n");
    for i in 0..LOOSE {
        csv.push_str(&format!(
            "LOOSE-{i},Loose produce {i},{}.{:02},kg,100000\n",
            1 + i % 9,
            i % 100
        ));
    }
    till.import_products(admin, csv.as_bytes()).unwrap();
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let mut pieces = Vec::with_capacity(SALES);
    let mut by_weight = Vec::with_capacity(SALES);
    for _ in 0..SALES {
        for (weighed, samples) in [(0, &mut pieces), (2, &mut by_weight)] {
            let mut cart = Cart::new();
            for line in 0..5 {
                if line < weighed {
                    let grams = 50 + pick.below(1_951) as i64;
                    let code = format!("LOOSE-{}", pick.below(LOOSE));
                    till.ring_up(&mut cart, &code, Quantity::from_thousandths(grams))
                        .unwrap();
                } else {
                    let code = barcode(pick.below(CATALOG));
                    till.ring_up(&mut cart, &code, Quantity::ONE).unwrap();
                }
            }
            let started = Instant::now();
            till.complete_sale(cashier, &cart, std::slice::from_ref(&cash))
                .unwrap();
            samples.push(started.elapsed());
        }
    }
    let (piece_median, _) = report("complete a 5-line sale of pieces", pieces);
    let (weighed_median, _) = report("complete a 5-line sale, two lines weighed", by_weight);
    println!(
        "weighed / pieces: median {:.2}x",
        weighed_median.as_secs_f64() / piece_median.as_secs_f64()
    );
}

/// A 5-line sale whose first line takes a product down to its threshold (its reorder
/// quantity goes onto the supplier's automatic draft, which grows by a line each time),
/// interleaved with the same sale of products that stay above theirs.
fn reorder(
    till: &mut Till,
    admin: &sellsync_core::Actor,
    cashier: &sellsync_core::Actor,
    pick: &mut Picker,
) {
    use sellsync_core::catalog::ProductChanges;
    use sellsync_core::purchasing::suppliers::NewSupplier;
    let supplier = till
        .add_supplier(
            admin,
            &NewSupplier {
                supplier_name: "Bench Wholesale".into(),
                ..NewSupplier::default()
            },
        )
        .unwrap();
    // The first SALES products of the catalog (1,000,000 in stock, threshold 1) fall to
    // their threshold with one sale once their threshold is just under their stock.
    for i in 0..SALES {
        let stock = till.find_product(&barcode(i)).unwrap().unwrap().stock;
        till.update_product(
            admin,
            &barcode(i),
            &ProductChanges {
                supplier_id: Some(Some(supplier.id)),
                reorder_quantity: Some(Quantity::units(24)),
                stock_threshold: Some(stock - Quantity::units(1)),
                ..ProductChanges::default()
            },
        )
        .unwrap();
    }
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let sell = |till: &mut Till, first: String, pick: &mut Picker| {
        let mut cart = Cart::new();
        till.ring_up(&mut cart, &first, Quantity::units(1)).unwrap();
        for _ in 0..4 {
            let code = barcode(SALES + pick.below(CATALOG - SALES));
            till.ring_up(&mut cart, &code, Quantity::units(1)).unwrap();
        }
        let started = Instant::now();
        till.complete_sale(cashier, &cart, std::slice::from_ref(&cash))
            .unwrap();
        started.elapsed()
    };
    let mut crossing = Vec::with_capacity(SALES);
    let mut plain = Vec::with_capacity(SALES);
    for i in 0..SALES {
        crossing.push(sell(till, barcode(i), pick));
        let other = barcode(SALES + pick.below(CATALOG - SALES));
        plain.push(sell(till, other, pick));
    }
    let drafts = till
        .purchase_orders(Some(sellsync_contract::documents::OrderStatus::Draft))
        .unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].lines.len(), SALES);
    let (with, _) = report("5-line sale, one line down to its threshold", crossing);
    let (without, _) = report("the same sale, nothing down to its threshold", plain);
    println!(
        "automatic reorder's cost on a sale: median +{:.1?} (draft grown to {SALES} lines)",
        with.saturating_sub(without)
    );
}

fn lookups(till: &Till, pick: &mut Picker) {
    let samples = (0..LOOKUPS)
        .map(|_| {
            let code = barcode(pick.below(CATALOG));
            let started = Instant::now();
            let found = till.find_product(&code).unwrap();
            let elapsed = started.elapsed();
            assert!(found.is_some());
            elapsed
        })
        .collect();
    report("barcode lookup, 100k catalog", samples);

    let samples = (0..LOOKUPS)
        .map(|_| {
            let name = product_name(pick.below(CATALOG));
            let words: Vec<&str> = name.split(' ').collect();
            // What a cashier types: the start of two words, such as "Kestr Choc".
            let prefix = |w: &str| w.chars().take(4).collect::<String>();
            let query = format!("{} {}", prefix(words[0]), prefix(words[2]));
            let started = Instant::now();
            let found = till.search_products(&query, 20).unwrap();
            let elapsed = started.elapsed();
            assert!(!found.is_empty(), "{query}");
            elapsed
        })
        .collect();
    report(
        "name search (two word prefixes, top 20), 100k catalog",
        samples,
    );
}

/// Completing a 5-line cash sale through core, against the same rows written with plain
/// rusqlite in one transaction on the same database, the two interleaved.
fn checkout(
    till: &mut Till,
    cashier: &sellsync_core::Actor,
    dir: &std::path::Path,
    pick: &mut Picker,
) {
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    let mut baseline = Connection::open(dir.join("till.sqlite3")).unwrap();
    baseline.pragma_update(None, "synchronous", "FULL").unwrap();
    baseline.pragma_update(None, "foreign_keys", "ON").unwrap();
    let ids: (Id, Id, Id) = baseline
        .query_row("SELECT business_id, store_id, till_id FROM till", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();

    let mut ours = Vec::with_capacity(SALES);
    let mut plain = Vec::with_capacity(SALES);
    for n in 0..SALES {
        let codes: Vec<String> = (0..5).map(|_| barcode(pick.below(CATALOG))).collect();
        let mut cart = Cart::new();
        for code in &codes {
            till.ring_up(&mut cart, code, Quantity::units(1 + pick.below(3) as i64))
                .unwrap();
        }
        let started = Instant::now();
        let sale = till
            .complete_sale(cashier, &cart, std::slice::from_ref(&cash))
            .unwrap();
        ours.push(started.elapsed());

        // Payloads as long as the ones core wrote for this sale.
        let (sale_len, movement_len): (i64, i64) = baseline
            .query_row(
                "SELECT (SELECT length(payload) FROM outbox WHERE document_id = ?1),
                        (SELECT CAST(AVG(length(o.payload)) AS INTEGER) FROM outbox o
                         JOIN stock_movements m ON m._id = o.document_id
                         WHERE m.transaction_id = ?1)",
                [sale.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let started = Instant::now();
        write_plain_sale(
            &mut baseline,
            ids,
            cashier.user_id(),
            &sale,
            n,
            (sale_len as usize, movement_len as usize),
        );
        plain.push(started.elapsed());
    }
    let (our_median, our_p99) = report("complete a 5-line sale, one payment (core)", ours);
    let (plain_median, plain_p99) = report("same rows, plain rusqlite, one transaction", plain);
    println!(
        "core / plain rusqlite: median {:.2}x, p99 {:.2}x",
        our_median.as_secs_f64() / plain_median.as_secs_f64(),
        our_p99.as_secs_f64() / plain_p99.as_secs_f64()
    );
}

/// The rows `complete_sale` writes for `sale`, written again by hand: the sale, its items
/// and payment, the sale counter, one stock update and movement per line, and the outbox
/// rows (with payloads of the same size).
fn write_plain_sale(
    conn: &mut Connection,
    (business, store, till): (Id, Id, Id),
    cashier: Id,
    sale: &sellsync_core::Sale,
    n: usize,
    (sale_len, movement_len): (usize, usize),
) {
    let now = timestamp(chrono::Utc::now());
    let id = Id::new();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.prepare_cached("UPDATE till SET next_sale_number = next_sale_number + 1 WHERE id = 1")
        .unwrap()
        .execute([])
        .unwrap();
    tx.prepare_cached(
        "INSERT INTO sales_transactions (_id, business_id, store_id, till_id, sale_number,
            cashier_id, customer_id, payment_method, currency, subtotal, discount_total,
            cart_discount, tax_total, total_amount, amount_tendered, change_due,
            loyalty_points_earned, loyalty_points_redeemed, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 'Cash', 'USD', ?7, 0, 0, ?8, ?9, ?9, 0, 0, 0, ?10)",
    )
    .unwrap()
    .execute(params![
        id,
        business,
        store,
        till,
        format!("PLAIN-{n}"),
        cashier,
        sale.subtotal.minor(),
        sale.tax_total.minor(),
        sale.total_amount.minor(),
        now
    ])
    .unwrap();
    let outbox = |tx: &Connection, collection: &str, doc: Id, payload: &str| {
        tx.prepare_cached(
            "INSERT INTO outbox (op_id, collection, document_id, op, payload, created_at)
             VALUES (?1, ?2, ?3, 'insert', ?4, ?5)",
        )
        .unwrap()
        .execute(params![
            new_op_id().to_string(),
            collection,
            doc,
            payload,
            now
        ])
        .unwrap();
    };
    let padded = |id: Id, len: usize| format!("{id}{}", "x".repeat(len.saturating_sub(24)));
    let sale_payload = padded(id, sale_len);
    outbox(&tx, "sales_transactions", id, &sale_payload);
    for (line, item) in sale.items.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO sale_items (transaction_id, line_no, product_id, product_name, sku,
                quantity, unit_price, line_discount, cart_discount, tax_rate, tax_amount,
                total_price)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?9, ?10)",
        )
        .unwrap()
        .execute(params![
            id,
            line as i64 + 1,
            item.product_id,
            item.product_name,
            item.sku,
            item.quantity,
            item.unit_price.minor(),
            item.tax_rate.thousandths(),
            item.tax_amount.minor(),
            item.total_price.minor()
        ])
        .unwrap();
        tx.prepare_cached("UPDATE products SET stock = stock - ?2, updated_at = ?3 WHERE _id = ?1")
            .unwrap()
            .execute(params![item.product_id, item.quantity, now])
            .unwrap();
        let movement = Id::new();
        tx.prepare_cached(
            "INSERT INTO stock_movements (_id, business_id, store_id, product_id, movement_type,
                quantity, handled_by, reason, transaction_id, created_at)
             VALUES (?1, ?2, ?3, ?4, 'sale', ?5, ?6, '', ?7, ?8)",
        )
        .unwrap()
        .execute(params![
            movement,
            business,
            store,
            item.product_id,
            -item.quantity,
            cashier,
            id,
            now
        ])
        .unwrap();
        outbox(
            &tx,
            "stock_movements",
            movement,
            &padded(movement, movement_len),
        );
    }
    tx.prepare_cached(
        "INSERT INTO sale_payments (transaction_id, line_no, payment_method_id, method_name,
            kind, tendered, amount)
         VALUES (?1, 1, NULL, 'Cash', 'cash', ?2, ?2)",
    )
    .unwrap()
    .execute(params![id, sale.total_amount.minor()])
    .unwrap();
    tx.commit().unwrap();
}
