//! `/v1/dashboard`: the business's days at a glance, per store and in total, as the back
//! office's first page shows them. MongoDB adds the figures up (one aggregation of the
//! sales in the range, by store, by hour of the business's day, by product and by
//! category); the gateway only formats them. A store manager sees their store alone.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Json;
use bson::oid::ObjectId;
use bson::{doc, Bson, Document};
use chrono::{NaiveDate, Utc};
use futures_util::TryStreamExt as _;
use sellsync_contract::documents::{
    decimal_text, field, quantity_value, whole_number, Collection, NotificationStatus,
};
use sellsync_contract::{Currency, Money};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::sales::day_start;
use super::tills::{self, TillView};
use super::{invalid, store, Scope, StoreScoped};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;

/// The longest range one dashboard adds up.
const MAX_DAYS: i64 = 366;
/// How many products and categories it ranks.
const TOP: i64 = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardRange {
    /// The first day, in the business's time zone (YYYY-MM-DD); today when not given.
    pub from: Option<String>,
    /// The last day, included; `from` when not given.
    pub to: Option<String>,
    /// One store only.
    pub store_id: Option<String>,
}

/// Money a store took in a range: what it sold, what went back, the difference, and how
/// many of each.
#[derive(Debug, Serialize, ToSchema)]
pub struct Takings {
    /// Decimal text in the business's currency.
    pub sales: String,
    pub returns: String,
    pub net: String,
    pub sales_count: i64,
    pub returns_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoreTakings {
    pub store_id: String,
    pub store_name: String,
    #[serde(flatten)]
    pub takings: Takings,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Hour {
    /// 0 to 23, in the business's time zone.
    pub hour: u32,
    pub net: String,
    pub transactions: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopProduct {
    pub product_id: String,
    pub name: String,
    /// Decimal text: pieces, or a measure.
    pub quantity: String,
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopCategory {
    /// Empty for products without one.
    pub category: String,
    pub amount: String,
}

/// The dashboard of a range of days.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The business's, in which the days and hours are counted.
    pub timezone: String,
    pub currency: String,
    /// Every store the caller sees, those without sales too.
    pub stores: Vec<StoreTakings>,
    pub total: Takings,
    /// 24 hours, those without sales too.
    pub by_hour: Vec<Hour>,
    pub top_products: Vec<TopProduct>,
    pub top_categories: Vec<TopCategory>,
    /// Its active tills (a store manager's: their store's).
    pub tills: Vec<TillView>,
    pub unread_notifications: u64,
}

/// Sales, returns and net per store and in total over a range of the business's days,
/// by hour, the best-selling products and categories, the tills and whether they are
/// online, and the unread notifications. A store manager's is their store's.
#[utoipa::path(get, path = "/v1/dashboard", tag = "business", params(DashboardRange),
    security(("api_key" = []), ("session" = [])), responses((status = 200, body = Dashboard)))]
pub async fn get_dashboard(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Query(range): Query<DashboardRange>,
) -> Result<Json<Dashboard>, ApiError> {
    caller.require(Scope::Read)?;
    let today = Utc::now().with_timezone(&caller.timezone).date_naive();
    let from = match &range.from {
        Some(text) => day("from", text)?,
        None => today,
    };
    let to = match &range.to {
        Some(text) => day("to", text)?,
        None => from,
    };
    if to < from || (to - from).num_days() >= MAX_DAYS {
        return Err(invalid(
            "to",
            format!("on or after from, and at most {MAX_DAYS} days after"),
        ));
    }
    let store = match (&range.store_id, caller.store()) {
        (Some(id), _) => Some(store(&service, &caller, id).await?),
        (None, only) => only,
    };
    let stores = stores(&service, &caller, store).await?;
    let start = |day: NaiveDate, name: &str| {
        day_start(day, caller.timezone)
            .map(bson::DateTime::from_chrono)
            .ok_or_else(|| invalid(name, "a day this time zone has"))
    };
    // The range, and the store, as an index holds them (`business_time`,
    // `business_store_time`); the sales that count are picked from those after.
    let mut matched = doc! {
        field::BUSINESS_ID: caller.business_id,
        field::CREATED_AT: {
            "$gte": start(from, "from")?,
            "$lt": start(to.succ_opt().unwrap_or(to), "to")?,
        },
    };
    if let Some(store) = store {
        matched.insert(field::STORE_ID, store);
    }
    let figures = figures(&service, &caller, matched).await?;
    let currency = &caller.currency;
    let mut by_store: HashMap<ObjectId, Takings> = HashMap::new();
    let mut total = Tally::default();
    for row in docs(&figures, "by_store") {
        let Ok(id) = row.get_object_id(field::ID) else {
            continue;
        };
        let tally = Tally::of(row, currency);
        total.add(&tally);
        by_store.insert(id, tally.shown(currency));
    }
    let mut hours: Vec<Hour> = (0..24)
        .map(|hour| Hour {
            hour,
            net: currency.format(Money::ZERO),
            transactions: 0,
        })
        .collect();
    for row in docs(&figures, "by_hour") {
        let hour = row
            .get_i32(field::ID)
            .ok()
            .and_then(|h| u32::try_from(h).ok());
        if let Some(slot) = hour.and_then(|h| hours.get_mut(h as usize)) {
            slot.net = amount(row.get("net"), currency);
            slot.transactions = count(row.get("transactions"));
        }
    }
    Ok(Json(Dashboard {
        from,
        to,
        timezone: caller.timezone.name().to_owned(),
        currency: currency.code().to_owned(),
        stores: stores
            .into_iter()
            .map(|(id, name)| StoreTakings {
                store_id: id.to_hex(),
                store_name: name,
                takings: by_store
                    .remove(&id)
                    .unwrap_or_else(|| Tally::default().shown(currency)),
            })
            .collect(),
        total: total.shown(currency),
        by_hour: hours,
        top_products: docs(&figures, "top_products")
            .map(|row| TopProduct {
                product_id: row
                    .get_object_id(field::ID)
                    .map(|id| id.to_hex())
                    .unwrap_or_default(),
                name: row.get_str(field::NAME).unwrap_or_default().to_owned(),
                quantity: row
                    .get("quantity")
                    .and_then(quantity_value)
                    .map(|q| q.decimal())
                    .unwrap_or_default(),
                amount: amount(row.get("amount"), currency),
            })
            .collect(),
        top_categories: docs(&figures, "top_categories")
            .map(|row| TopCategory {
                category: row.get_str(field::ID).unwrap_or_default().to_owned(),
                amount: amount(row.get("amount"), currency),
            })
            .collect(),
        tills: tills::of(&service, caller.business_id, store, true).await?,
        unread_notifications: unread(&service, &caller, store).await?,
    }))
}

fn day(name: &str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| invalid(name, "a day as YYYY-MM-DD, such as 2026-12-07"))
}

/// The stores the caller sees (`only` one, or all), by name.
async fn stores(
    service: &Service,
    caller: &Caller,
    only: Option<ObjectId>,
) -> Result<Vec<(ObjectId, String)>, ApiError> {
    let mut filter = doc! { field::BUSINESS_ID: caller.business_id };
    if let Some(id) = only {
        filter.insert(field::ID, id);
    }
    let found: Vec<Document> = service
        .central
        .database()
        .collection::<Document>(Collection::Stores.name())
        .find(filter)
        .projection(doc! { field::STORE_NAME: 1 })
        .sort(doc! { field::STORE_NAME: 1 })
        .await
        .map_err(ApiError::unavailable)?
        .try_collect()
        .await
        .map_err(ApiError::unavailable)?;
    Ok(found
        .iter()
        .filter_map(|s| {
            Some((
                s.get_object_id(field::ID).ok()?,
                s.get_str(field::STORE_NAME).unwrap_or_default().to_owned(),
            ))
        })
        .collect())
}

/// The one aggregation that adds the range's sales up, each figure a facet of it.
async fn figures(
    service: &Service,
    caller: &Caller,
    matched: Document,
) -> Result<Document, ApiError> {
    let is_sale = doc! { "$eq": ["$transaction_type", "sale"] };
    let signed = doc! { "$cond": [is_sale.clone(), "$total_amount", { "$multiply": ["$total_amount", -1] }] };
    let when = |then: Bson| doc! { "$sum": { "$cond": [is_sale.clone(), then.clone(), 0] } };
    let unless = |then: Bson| doc! { "$sum": { "$cond": [is_sale.clone(), 0, then] } };
    let sold_items = [
        doc! { "$match": { field::TRANSACTION_TYPE: "sale" } },
        doc! { "$unwind": "$items" },
        doc! { "$group": {
            "_id": "$items.product_id",
            "name": { "$first": "$items.product_name" },
            "quantity": { "$sum": "$items.quantity" },
            "amount": { "$sum": "$items.total_price" },
        } },
    ];
    let mut top_products = sold_items.to_vec();
    top_products.extend([doc! { "$sort": { "amount": -1 } }, doc! { "$limit": TOP }]);
    let mut top_categories = sold_items.to_vec();
    top_categories.extend([
        doc! { "$lookup": {
            "from": Collection::Products.name(), "localField": "_id",
            "foreignField": "_id", "as": "product",
        } },
        doc! { "$unwind": { "path": "$product", "preserveNullAndEmptyArrays": true } },
        doc! { "$group": {
            "_id": { "$ifNull": ["$product.category", ""] },
            "amount": { "$sum": "$amount" },
        } },
        doc! { "$sort": { "amount": -1 } },
        doc! { "$limit": TOP },
    ]);
    let pipeline = [
        doc! { "$match": matched },
        doc! { "$match": { field::TRANSACTION_STATUS: "completed" } },
        doc! { "$facet": {
            "by_store": [{ "$group": {
                "_id": "$store_id",
                "sales": when(Bson::String("$total_amount".into())),
                "returns": unless(Bson::String("$total_amount".into())),
                "sales_count": when(Bson::Int32(1)),
                "returns_count": unless(Bson::Int32(1)),
            } }],
            "by_hour": [{ "$group": {
                "_id": { "$hour": { "date": "$created_at", "timezone": caller.timezone.name() } },
                "net": { "$sum": signed },
                "transactions": { "$sum": 1 },
            } }],
            "top_products": top_products,
            "top_categories": top_categories,
        } },
    ];
    let mut found: Vec<Document> = service
        .central
        .database()
        .collection::<Document>(Collection::SalesTransactions.name())
        .aggregate(pipeline)
        .await
        .map_err(ApiError::unavailable)?
        .try_collect()
        .await
        .map_err(ApiError::unavailable)?;
    Ok(found.pop().unwrap_or_default())
}

/// The documents of `facet`.
fn docs<'a>(figures: &'a Document, facet: &str) -> impl Iterator<Item = &'a Document> {
    figures
        .get_array(facet)
        .map(|rows| {
            rows.iter()
                .filter_map(Bson::as_document)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
}

/// A sum MongoDB made, in the currency's decimals.
fn money(value: Option<&Bson>, currency: &Currency) -> Money {
    value
        .and_then(decimal_text)
        .and_then(|text| currency.parse(&text).ok())
        .unwrap_or(Money::ZERO)
}

fn amount(value: Option<&Bson>, currency: &Currency) -> String {
    currency.format(money(value, currency))
}

fn count(value: Option<&Bson>) -> i64 {
    value.and_then(whole_number).unwrap_or(0)
}

/// One store's sums, or all of them added.
#[derive(Debug, Default)]
struct Tally {
    sales: i64,
    returns: i64,
    sales_count: i64,
    returns_count: i64,
}

impl Tally {
    fn of(row: &Document, currency: &Currency) -> Tally {
        Tally {
            sales: money(row.get("sales"), currency).minor(),
            returns: money(row.get("returns"), currency).minor(),
            sales_count: count(row.get("sales_count")),
            returns_count: count(row.get("returns_count")),
        }
    }

    fn add(&mut self, other: &Tally) {
        self.sales += other.sales;
        self.returns += other.returns;
        self.sales_count += other.sales_count;
        self.returns_count += other.returns_count;
    }

    fn shown(&self, currency: &Currency) -> Takings {
        let money = Money::from_minor;
        Takings {
            sales: currency.format(money(self.sales)),
            returns: currency.format(money(self.returns)),
            net: currency.format(money(self.sales - self.returns)),
            sales_count: self.sales_count,
            returns_count: self.returns_count,
        }
    }
}

/// How many of the business's notifications (or `only` one store's) are unread.
async fn unread(
    service: &Service,
    caller: &Caller,
    only: Option<ObjectId>,
) -> Result<u64, ApiError> {
    let mut filter = doc! { field::BUSINESS_ID: caller.business_id, field::STATUS: NotificationStatus::Unread.as_str() };
    if let Some(store) = only {
        filter.insert(field::STORE_ID, store);
    }
    service
        .central
        .database()
        .collection::<Document>(Collection::Notifications.name())
        .count_documents(filter)
        .await
        .map_err(ApiError::unavailable)
}
