//! Setting up a till for a new business: the business, its store, the owner as its first
//! admin and its payment methods, written in one transaction and all in the outbox.

use std::path::Path;

use chrono_tz::Tz;
use rusqlite::params;
use tracing::info;

use crate::db::{self, outbox, Tx};
use crate::error::{Error, Result};
use crate::sell::payments;
use crate::staff::{self, NewUser};
use crate::till::{check_till_code, check_time, Till};
use sellsync_contract::documents::{
    BusinessDoc, BusinessSettings, Collection, NewPaymentMethod, Op, OperatingHours, StoreDoc,
};
use sellsync_contract::embedded_barcodes::{self, BarcodeRule};
use sellsync_contract::ids::{self, timestamp, Id};
use sellsync_contract::money::{Currency, Percent};

/// Everything needed to set up a new till for a new business.
#[derive(Debug, Clone)]
pub struct TillSetup {
    pub business_name: String,
    /// ISO 4217 code: `USD`, `EUR`, `JPY`, …
    pub currency: String,
    /// IANA name: `America/New_York`, …
    pub timezone: String,
    pub tax_inclusive: bool,
    pub default_tax_rate: Percent,
    pub store_name: String,
    pub location: String,
    pub phone: String,
    /// When the store opens and closes, on a 24-hour clock: `("09:00", "22:00")`.
    pub operating_hours: Option<(String, String)>,
    /// A short prefix for this till's sale numbers, such as `T1`.
    pub till_code: String,
    /// The business owner, who becomes the first admin.
    pub owner: NewUser,
    pub payment_methods: Vec<NewPaymentMethod>,
    /// How the business's price and weight labels are read (none: no label is).
    pub barcode_rules: Vec<BarcodeRule>,
}

impl Till {
    /// Creates a till for a new business in `data_dir`: the business, its store, the owner
    /// as admin and the payment methods, all in one transaction and all in the outbox.
    pub fn create(data_dir: &Path, setup: &TillSetup) -> Result<Till> {
        let currency = Currency::from_code(&setup.currency)?;
        let timezone: Tz = setup
            .timezone
            .parse()
            .map_err(|_| Error::UnknownTimezone(setup.timezone.clone()))?;
        let till_code = check_till_code(&setup.till_code)?;
        embedded_barcodes::check_rules(&setup.barcode_rules)?;
        let rules = (!setup.barcode_rules.is_empty()).then(|| {
            serde_json::to_string(&setup.barcode_rules).expect("barcode rules are plain data")
        });
        let hours = match &setup.operating_hours {
            Some((open, close)) => Some((check_time(open)?, check_time(close)?)),
            None => None,
        };
        let (opens, closes) = (hours.map(|h| h.0), hours.map(|h| h.1));
        let owner = staff::prepare_user(&setup.owner)?;

        let mut conn = db::create(data_dir)?;
        let now = ids::now();
        let business_id = Id::new();
        let store_id = Id::new();
        let result = (|| -> Result<()> {
            // The owner makes the business: its rows name them.
            let tx = Tx::begin(&mut conn, Some(owner.id))?;
            tx.execute(
                "INSERT INTO businesses (_id, business_name, business_owner, currency, timezone,
                    tax_inclusive, default_tax_rate, created_at, barcode_rules)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    business_id,
                    setup.business_name.trim(),
                    owner.id,
                    currency.code(),
                    timezone.name(),
                    setup.tax_inclusive,
                    setup.default_tax_rate.thousandths(),
                    timestamp(now),
                    rules,
                ],
            )?;
            tx.execute(
                "INSERT INTO stores (_id, business_id, store_name, location, phone,
                    operating_hours_open, operating_hours_close, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    store_id,
                    business_id,
                    setup.store_name.trim(),
                    setup.location.trim(),
                    setup.phone.trim(),
                    opens,
                    closes,
                    timestamp(now)
                ],
            )?;
            tx.execute(
                "INSERT INTO till (id, till_id, till_code, business_id, store_id, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![Id::new(), till_code, business_id, store_id, timestamp(now)],
            )?;
            outbox::append(
                &tx,
                Collection::Businesses,
                business_id,
                Op::Insert,
                BusinessDoc {
                    id: business_id,
                    business_name: setup.business_name.trim().to_owned(),
                    business_owner: Some(owner.id),
                    package_plan: Some("Free".into()),
                    subscription_status: Some("active".into()),
                    // Set centrally with the business's first API key.
                    api_key: None,
                    settings: BusinessSettings {
                        tax_inclusive: Some(setup.tax_inclusive),
                        default_tax_rate: Some(setup.default_tax_rate),
                        barcode_rules: (!setup.barcode_rules.is_empty())
                            .then(|| setup.barcode_rules.clone()),
                        ..BusinessSettings::new(currency.clone(), timezone)
                    },
                    created_at: Some(now),
                }
                .to_document(),
                now,
            )?;
            outbox::append(
                &tx,
                Collection::Stores,
                store_id,
                Op::Insert,
                StoreDoc {
                    id: store_id,
                    business_id,
                    store_name: setup.store_name.trim().to_owned(),
                    location: Some(setup.location.trim().to_owned()),
                    phone: Some(setup.phone.trim().to_owned()),
                    operating_hours: hours.map(|(open, close)| OperatingHours {
                        open: open.to_owned(),
                        close: close.to_owned(),
                    }),
                    created_at: Some(now),
                }
                .to_document(),
                now,
            )?;
            staff::insert_user(&tx, business_id, store_id, &owner, now)?;
            for method in &setup.payment_methods {
                payments::insert(&tx, business_id, method, now)?;
            }
            tx.commit()?;
            Ok(())
        })();
        if let Err(e) = result {
            drop(conn);
            db::remove_database(data_dir);
            return Err(e);
        }
        info!(business = %business_id, store = %store_id, "till created");
        Till::load(conn, data_dir)
    }
}
