//! The demo store's catalog: a few hundred grocery and convenience products, built from
//! small tables of items and variants so that the list is the same every time, then loose
//! produce sold by the pound and the deli counter's labelled packs.

use sellsync_contract::gtin;
use sellsync_contract::quantity::Unit;

/// One product of the demo store.
pub(crate) struct DemoProduct {
    pub name: String,
    pub sku: String,
    /// None for loose produce: it is keyed by its PLU, its SKU.
    pub barcode: Option<String>,
    pub category: &'static str,
    /// The price is of one of it: a piece, or a pound.
    pub unit: Unit,
    pub price_cents: i64,
    pub taxable: bool,
    pub stock: i64,
    pub threshold: i64,
}

/// A category: its SKU prefix, whether it is taxed, its items with a base price in cents,
/// and the variants every item comes in (a label and a price in percent of the base).
struct Aisle {
    category: &'static str,
    prefix: &'static str,
    taxable: bool,
    items: &'static [(&'static str, i64)],
    variants: &'static [(&'static str, i64)],
}

const PACKS: &[(&str, i64)] = &[("Store Brand", 100), ("Organic", 145), ("Family Size", 185)];
const SIZES: &[(&str, i64)] = &[("Small", 100), ("Medium", 160), ("Large", 230)];

const AISLES: &[Aisle] = &[
    Aisle {
        category: "Produce",
        prefix: "PRO",
        taxable: false,
        items: &[
            ("Bananas 1 lb", 69),
            ("Gala Apples 1 lb", 199),
            ("Lemons", 79),
            ("Hass Avocados", 149),
            ("Tomatoes on the Vine 1 lb", 299),
            ("Baby Spinach 5 oz", 349),
            ("Carrots 2 lb", 189),
            ("Yellow Onions 3 lb", 329),
            ("Russet Potatoes 5 lb", 499),
            ("Strawberries 1 lb", 399),
            ("Blueberries 6 oz", 349),
            ("Jalapeño Peppers", 129),
        ],
        variants: PACKS,
    },
    Aisle {
        category: "Dairy",
        prefix: "DAI",
        taxable: false,
        items: &[
            ("Whole Milk 1 gal", 429),
            ("2% Reduced Fat Milk 1 gal", 419),
            ("Greek Yogurt 32 oz", 599),
            ("Unsalted Butter 1 lb", 549),
            ("Sharp Cheddar 8 oz", 399),
            ("Fresh Mozzarella 8 oz", 499),
            ("Crème Fraîche 8 oz", 479),
            ("Heavy Cream 1 pt", 429),
            ("Large Eggs, Dozen", 399),
            ("Cottage Cheese 16 oz", 379),
        ],
        variants: PACKS,
    },
    Aisle {
        category: "Bakery",
        prefix: "BAK",
        taxable: false,
        items: &[
            ("Sourdough Loaf", 549),
            ("Plain Bagels, 6 Pack", 449),
            ("Butter Croissants, 4 Pack", 599),
            ("Whole Wheat Bread", 379),
            ("Brioche Buns, 8 Pack", 499),
            ("French Baguette", 299),
            ("Blueberry Muffins, 4 Pack", 549),
            ("Cinnamon Rolls, 6 Pack", 649),
            ("Pain au Chocolat, 4 Pack", 699),
        ],
        variants: PACKS,
    },
    Aisle {
        category: "Pantry",
        prefix: "PAN",
        taxable: false,
        items: &[
            ("Spaghetti 16 oz", 179),
            ("Basmati Rice 2 lb", 449),
            ("Rolled Oats 42 oz", 529),
            ("Creamy Peanut Butter 16 oz", 349),
            ("Wildflower Honey 12 oz", 699),
            ("Extra Virgin Olive Oil 500 ml", 999),
            ("Crushed Tomatoes 28 oz", 229),
            ("Black Beans 15 oz", 129),
            ("Swiss Müsli 16 oz", 599),
            ("All-Purpose Flour 5 lb", 429),
            ("Cane Sugar 4 lb", 389),
            ("Pure Maple Syrup 12 oz", 1099),
        ],
        variants: PACKS,
    },
    Aisle {
        category: "Beverages",
        prefix: "BEV",
        taxable: true,
        items: &[
            ("Sparkling Water", 129),
            ("Cola", 199),
            ("Orange Juice, Not From Concentrate", 449),
            ("Cold Brew Coffee", 399),
            ("Unsweetened Green Tea", 249),
            ("Café au Lait", 329),
            ("Old-Fashioned Lemonade", 279),
            ("Energy Drink", 299),
            ("Coconut Water", 279),
            ("Ginger Kombucha", 399),
        ],
        variants: &[
            ("12 oz Can", 100),
            ("20 oz Bottle", 140),
            ("1 L Bottle", 190),
            ("12 Pack", 620),
        ],
    },
    Aisle {
        category: "Snacks",
        prefix: "SNK",
        taxable: true,
        items: &[
            ("Jalapeño Kettle Chips", 299),
            ("Sea Salt Potato Chips", 279),
            ("Sourdough Pretzels", 349),
            ("Trail Mix", 499),
            ("72% Dark Chocolate Bar", 349),
            ("Gummy Bears", 249),
            ("Butter Popcorn", 299),
            ("Oat & Honey Granola Bars", 399),
            ("Roasted Salted Cashews", 699),
            ("Original Beef Jerky", 799),
        ],
        variants: SIZES,
    },
    Aisle {
        category: "Frozen",
        prefix: "FRZ",
        taxable: true,
        items: &[
            ("Vanilla Bean Ice Cream", 549),
            ("Margherita Pizza", 699),
            ("Sweet Garden Peas", 249),
            ("Fish Sticks", 599),
            ("Pork & Chive Dumplings", 799),
            ("Buttermilk Waffles", 399),
            ("Mango Chunks", 449),
            ("Black Bean Veggie Burgers", 649),
        ],
        variants: SIZES,
    },
    Aisle {
        category: "Household",
        prefix: "HOU",
        taxable: true,
        items: &[
            ("Paper Towels", 699),
            ("Ultra Soft Two-Ply Toilet Paper, Double Rolls", 899),
            ("Lemon Dish Soap", 299),
            ("Free & Clear Liquid Laundry Detergent", 1299),
            ("Drawstring Kitchen Trash Bags", 899),
            ("Non-Scratch Sponges", 349),
            ("All-Purpose Cleaner", 399),
            ("Aluminum Foil", 549),
            ("LED Light Bulbs", 799),
            ("AA Alkaline Batteries", 999),
        ],
        variants: SIZES,
    },
    Aisle {
        category: "Personal Care",
        prefix: "PER",
        taxable: true,
        items: &[
            ("Fluoride Toothpaste", 349),
            ("Moisturizing Shampoo", 599),
            ("Conditioner", 599),
            ("Body Wash", 549),
            ("Deodorant", 499),
            ("Foaming Hand Soap", 299),
            ("Disposable Razors", 899),
            ("Broad Spectrum Sunscreen SPF 50", 1099),
            ("Lip Balm", 249),
        ],
        variants: SIZES,
    },
    Aisle {
        category: "Stationery",
        prefix: "STA",
        taxable: true,
        items: &[
            ("Ballpoint Pens", 399),
            ("College Ruled Notebook", 299),
            ("Sticky Notes", 449),
            ("Security Envelopes", 599),
            ("Copy Paper", 899),
            ("Highlighters", 499),
            ("Clear Tape", 249),
        ],
        variants: SIZES,
    },
    Aisle {
        category: "Electronics Accessories",
        prefix: "ELE",
        taxable: true,
        items: &[
            ("Braided USB-C to USB-C Fast Charging Cable", 1499),
            ("Lightning Cable", 1299),
            ("USB-C Wall Charger 20 W", 1999),
            ("Wireless Earbuds", 3999),
            ("Power Bank 10000 mAh", 2999),
            ("HDMI Cable", 1299),
            ("microSD Card 64 GB", 1499),
        ],
        variants: &[("Basic", 100), ("Plus", 140), ("Pro", 200)],
    },
];

/// Loose produce sold by the pound, keyed by the PLU on its sticker (its SKU): a weight
/// and then the PLU (`0.742*4011`).
const BY_THE_POUND: &[(&str, &str, i64)] = &[
    ("4011", "Bananas, loose", 69),
    ("4133", "Gala Apples, loose", 199),
    ("4664", "Tomatoes on the Vine", 249),
    ("4023", "Red Seedless Grapes", 299),
    ("4562", "Carrots, loose", 99),
];

/// The deli counter's packs, weighed and priced at its scale, whose labels carry a UPC-A
/// `2` code: the item's five digits and the pack's price (the United States layout the
/// demo business reads). The product's own code is the label's with the price zeroed;
/// its price is a standard pack's, for the shelf.
const DELI: &[(&str, &str, i64)] = &[
    ("10001", "Sliced Turkey Breast, deli pack", 899),
    ("10002", "Black Forest Ham, deli pack", 799),
    ("10003", "Provolone, deli pack", 649),
];

/// The demo catalog: the same list, in the same order, every time.
pub(crate) fn demo_products() -> Vec<DemoProduct> {
    let mut products = Vec::new();
    for aisle in AISLES {
        let mut number = 0;
        for &(item, base) in aisle.items {
            for &(variant, percent) in aisle.variants {
                number += 1;
                let i = products.len() as i64;
                // Round to a shelf price ending in 9.
                let price = (base * percent / 100) / 10 * 10 + 9;
                let threshold = 2 + i % 9;
                let stock = match i {
                    i if i % 97 == 13 => 0,
                    i if i % 41 == 7 => threshold - 1,
                    i => 6 + (i * 37) % 120,
                };
                let payload = format!("2{:011}", 1_000_003 + i * 7_919);
                products.push(DemoProduct {
                    name: format!("{item}, {variant}"),
                    sku: format!("{}-{number:03}", aisle.prefix),
                    barcode: Some(format!("{payload}{}", gtin::check_digit(&payload))),
                    category: aisle.category,
                    unit: Unit::Piece,
                    price_cents: price,
                    taxable: aisle.taxable,
                    stock,
                    threshold,
                });
            }
        }
    }
    for &(plu, name, cents) in BY_THE_POUND {
        products.push(DemoProduct {
            name: name.to_owned(),
            sku: plu.to_owned(),
            barcode: None,
            category: "Produce by Weight",
            unit: Unit::Lb,
            price_cents: cents,
            taxable: false,
            stock: 40,
            threshold: 10,
        });
    }
    for &(item, name, cents) in DELI {
        let payload = format!("2{item}00000");
        products.push(DemoProduct {
            name: name.to_owned(),
            sku: format!("DELI-{item}"),
            barcode: Some(format!("{payload}{}", gtin::check_digit(&payload))),
            category: "Deli",
            unit: Unit::Piece,
            price_cents: cents,
            taxable: false,
            stock: 20,
            threshold: 4,
        });
    }
    products
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::catalog::barcode::validate_code;

    #[test]
    fn the_demo_catalog_is_sound() {
        let products = demo_products();
        assert!((300..=400).contains(&products.len()), "{}", products.len());
        let skus: HashSet<&str> = products.iter().map(|p| p.sku.as_str()).collect();
        let barcodes: HashSet<&str> = products
            .iter()
            .filter_map(|p| p.barcode.as_deref())
            .collect();
        assert_eq!(skus.len(), products.len());
        let coded = products.iter().filter_map(|p| p.barcode.as_deref());
        assert_eq!(barcodes.len(), coded.clone().count());
        for code in coded {
            assert_eq!(validate_code(code), Ok(code));
            assert!(
                code.len() == 13 || code.starts_with('2') && code.len() == 12,
                "{code}"
            );
        }
        assert!(products
            .iter()
            .any(|p| p.unit == Unit::Lb && p.barcode.is_none()));
        for p in &products {
            assert!(p.price_cents > 0 && p.price_cents % 10 == 9, "{}", p.name);
            assert!((2..=20).contains(&p.threshold));
            assert!(p.stock >= 0);
        }
        let low = products.iter().filter(|p| p.stock <= p.threshold).count();
        assert!(low >= 5, "{low} low");
        assert!(products.iter().any(|p| p.stock == 0));
        assert!(products.iter().any(|p| !p.name.is_ascii()));
        assert!(products.iter().any(|p| p.name.chars().count() > 40));
        assert!(products.iter().any(|p| !p.taxable) && products.iter().any(|p| p.taxable));
    }
}
