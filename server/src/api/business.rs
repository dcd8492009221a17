//! The business itself (read, and its barcode rules set), its stores, payment methods
//! and notifications.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use bson::{doc, Bson, Document};
use sellsync_contract::documents::{
    barcode_rules_bson, field, read_barcode_rules, BusinessDoc, Collection,
};
use sellsync_contract::embedded_barcodes::{ready_layout, BarcodeRule, Span, READY_LAYOUTS};
use sellsync_contract::money::Percent;
use sellsync_contract::Money;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::idempotency::{self, Answer};
use super::page::{Page, Paging};
use super::{body, find, invalid, json, list, one, store, Scope, StoreScoped};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::Service;
use crate::tenants;

/// The caller's business.
#[derive(Serialize, ToSchema)]
pub struct Business {
    pub id: String,
    pub business_name: String,
    pub package_plan: String,
    pub subscription_status: String,
    pub stores: u64,
    /// What the caller may do: `read`, `write`, `keys`.
    pub key_scopes: Vec<String>,
    pub settings: Settings,
    /// What the plan allows; none: no limit.
    pub limits: PlanLimits,
    /// What the business uses of it.
    pub usage: Usage,
}

/// The rules every till of the business works by.
#[derive(Serialize, ToSchema)]
pub struct Settings {
    /// ISO 4217: the amounts of every document are in it.
    pub currency: String,
    /// IANA: a business day begins and ends in it.
    pub timezone: String,
    pub tax_inclusive: Option<bool>,
    /// A new product's, as `8.875%`.
    pub default_tax_rate: Option<String>,
    /// The largest discount a cashier gives without a manager, as `10%`.
    pub max_cashier_discount: Option<String>,
    /// Loyalty points earned per unit of the currency spent.
    pub loyalty_points_per_unit: Option<i64>,
    /// What a point is worth when spent.
    pub loyalty_point_value: Option<String>,
    /// Days after a sale its items come back without a manager.
    pub return_window_days: Option<i64>,
    /// The most a cashier refunds without a manager.
    pub cashier_refund_limit: Option<String>,
    /// How far a shift's count may be from the expected cash without a manager.
    pub max_cash_difference: Option<String>,
    /// How the business's price and weight labels are read (`PUT
    /// /v1/business/barcode-rules`); none: no label is read.
    pub barcode_rules: Option<Vec<LabelRule>>,
}

/// How one kind of the business's labels carries an item and a value (a price, a weight
/// or a count), positions counted from 1 as a label's layout is written.
#[derive(Serialize, ToSchema)]
pub struct LabelRule {
    /// What the business calls it: `Deli scale, price`.
    pub name: String,
    /// `ean13` or `upc_a`.
    pub symbology: String,
    /// The digits every such code begins with: `20`, `02`, `2`.
    pub prefix: String,
    /// Where the item's code sits.
    pub item: Digits,
    /// Where the value sits.
    pub value: Digits,
    /// `price`, `weight` or `count`.
    pub meaning: String,
    /// How many of the value's digits are after the decimal point.
    pub decimals: u8,
    /// The digit just before the value verifies it.
    pub verifier: bool,
}

/// A run of a code's digits: from the `from`th (the first is 1), `digits` long.
#[derive(Serialize, ToSchema)]
pub struct Digits {
    pub from: usize,
    pub digits: usize,
}

impl From<&BarcodeRule> for LabelRule {
    fn from(rule: &BarcodeRule) -> LabelRule {
        let digits = |span: Span| Digits {
            from: span.start + 1,
            digits: span.len,
        };
        LabelRule {
            name: rule.name.clone(),
            symbology: rule.symbology.code().to_owned(),
            prefix: rule.prefix.clone(),
            item: digits(rule.item),
            value: digits(rule.value),
            meaning: rule.meaning.code().to_owned(),
            decimals: rule.decimals,
            verifier: rule.verifier,
        }
    }
}

/// The business's label rules, as set.
#[derive(Serialize, ToSchema)]
pub struct LabelRules {
    pub barcode_rules: Vec<LabelRule>,
}

/// What a plan allows; none: no limit.
#[derive(Serialize, ToSchema)]
pub struct PlanLimits {
    pub stores: Option<u32>,
    pub tills_per_store: Option<u32>,
    pub products: Option<u32>,
    pub rest_api: bool,
}

/// What a business uses of its plan.
#[derive(Serialize, ToSchema)]
pub struct Usage {
    pub stores: u64,
    /// Active tills, every store's.
    pub tills: u64,
    pub products: u64,
}

/// The business of the caller: its name, plan with its limits and use, subscription and
/// settings.
#[utoipa::path(get, path = "/v1/business", tag = "business", security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Business), (status = 401, description = "No valid key")))]
pub async fn get_business(
    caller: Caller,
    State(service): State<Arc<Service>>,
) -> Result<Json<Business>, ApiError> {
    caller.require(Scope::Read)?;
    business_view(&service, &caller).await.map(Json)
}

/// The caller's business as the API shows it.
async fn business_view(service: &Service, caller: &Caller) -> Result<Business, ApiError> {
    let db = service.central.database();
    let business = db
        .collection::<Document>(Collection::Businesses.name())
        .find_one(doc! { field::ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::unavailable("the caller's business is gone"))?;
    let count = |collection: &'static str, filter: Document| {
        let db = db.clone();
        async move {
            db.collection::<Document>(collection)
                .count_documents(filter)
                .await
                .map_err(ApiError::unavailable)
        }
    };
    let mine = doc! { field::BUSINESS_ID: caller.business_id };
    let stores = count(Collection::Stores.name(), mine.clone()).await?;
    let tills = count(
        crate::devices::DEVICES,
        doc! { field::BUSINESS_ID: caller.business_id, field::STATUS: "active" },
    )
    .await?;
    let products = count(Collection::Products.name(), mine).await?;
    let typed = BusinessDoc::from_document(&business).map_err(ApiError::unavailable)?;
    let s = &typed.settings;
    let money = |amount: Option<Money>| amount.map(|a| s.currency.format(a));
    let limits = caller.plan.limits();
    let text = |name| business.get_str(name).unwrap_or_default().to_owned();
    Ok(Business {
        id: caller.business_id.to_hex(),
        business_name: text(field::BUSINESS_NAME),
        package_plan: text(field::PACKAGE_PLAN),
        subscription_status: text(field::SUBSCRIPTION_STATUS),
        stores,
        key_scopes: caller.scopes.clone(),
        settings: Settings {
            currency: s.currency.code().to_owned(),
            timezone: s.timezone.name().to_owned(),
            tax_inclusive: s.tax_inclusive,
            default_tax_rate: s.default_tax_rate.map(|r| r.to_string()),
            max_cashier_discount: s.max_cashier_discount.map(|r| r.to_string()),
            loyalty_points_per_unit: s.loyalty_points_per_unit,
            loyalty_point_value: money(s.loyalty_point_value),
            return_window_days: s.return_window_days,
            cashier_refund_limit: money(s.cashier_refund_limit),
            max_cash_difference: money(s.max_cash_difference),
            barcode_rules: s
                .barcode_rules
                .as_ref()
                .map(|rules| rules.iter().map(LabelRule::from).collect()),
        },
        limits: PlanLimits {
            stores: limits.stores,
            tills_per_store: limits.tills_per_store,
            products: limits.products,
            rest_api: limits.rest_api,
        },
        usage: Usage {
            stores,
            tills,
            products,
        },
    })
}

/// Changes to the business's settings; what is not given stays as it is. The currency
/// stays: the business's documents are in it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChanges {
    pub timezone: Option<String>,
    pub tax_inclusive: Option<bool>,
    pub default_tax_rate: Option<String>,
    pub max_cashier_discount: Option<String>,
    pub loyalty_points_per_unit: Option<i64>,
    pub loyalty_point_value: Option<String>,
    pub return_window_days: Option<i64>,
    pub cashier_refund_limit: Option<String>,
    pub max_cash_difference: Option<String>,
}

/// Changes the rules every till of the business works by: they have them at their next
/// pull. Answers the business as it is then.
#[utoipa::path(patch, path = "/v1/business/settings", tag = "business", request_body = SettingsChanges,
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Business), (status = 400, description = "A value that is not one")))]
pub async fn update_settings(
    caller: Caller,
    State(service): State<Arc<Service>>,
    bytes: Bytes,
) -> Result<Json<Business>, ApiError> {
    caller.require(Scope::Write)?;
    let changes: SettingsChanges = body(&bytes)?;
    let businesses = service
        .central
        .database()
        .collection::<Document>(Collection::Businesses.name());
    let found = businesses
        .find_one(doc! { field::ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::unavailable("the caller's business is gone"))?;
    let mut business = BusinessDoc::from_document(&found).map_err(ApiError::unavailable)?;
    let s = &mut business.settings;
    let currency = s.currency.clone();
    let percent = |name: &str, text: &str| Percent::parse(text).map_err(|e| invalid(name, e));
    let amount = |name: &str, text: &str| {
        currency
            .parse_non_negative(text)
            .map_err(|e| invalid(name, e))
    };
    let whole = |name: &str, n: i64| {
        (0..=100_000)
            .contains(&n)
            .then_some(n)
            .ok_or_else(|| invalid(name, "a whole number from 0"))
    };
    if let Some(zone) = &changes.timezone {
        s.timezone = zone
            .trim()
            .parse()
            .map_err(|_| invalid(field::TIMEZONE, "a time zone such as America/New_York"))?;
    }
    if let Some(inclusive) = changes.tax_inclusive {
        s.tax_inclusive = Some(inclusive);
    }
    if let Some(rate) = &changes.default_tax_rate {
        s.default_tax_rate = Some(percent(field::DEFAULT_TAX_RATE, rate)?);
    }
    if let Some(rate) = &changes.max_cashier_discount {
        s.max_cashier_discount = Some(percent(field::MAX_CASHIER_DISCOUNT, rate)?);
    }
    if let Some(points) = changes.loyalty_points_per_unit {
        s.loyalty_points_per_unit = Some(whole(field::LOYALTY_POINTS_PER_UNIT, points)?);
    }
    if let Some(value) = &changes.loyalty_point_value {
        s.loyalty_point_value = Some(amount(field::LOYALTY_POINT_VALUE, value)?);
    }
    if let Some(days) = changes.return_window_days {
        s.return_window_days = Some(whole(field::RETURN_WINDOW_DAYS, days)?);
    }
    if let Some(limit) = &changes.cashier_refund_limit {
        s.cashier_refund_limit = Some(amount(field::CASHIER_REFUND_LIMIT, limit)?);
    }
    if let Some(limit) = &changes.max_cash_difference {
        s.max_cash_difference = Some(amount(field::MAX_CASH_DIFFERENCE, limit)?);
    }
    let settings = business
        .to_document()
        .get_document(field::SETTINGS)
        .cloned()
        .map_err(ApiError::unavailable)?;
    businesses
        .update_one(
            doc! { field::ID: caller.business_id },
            doc! { "$set": { field::SETTINGS: settings, field::UPDATED_AT: bson::DateTime::now() } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    tracing::info!(business = %caller.business_id, "business settings changed");
    business_view(&service, &caller).await.map(Json)
}

/// The business's stores.
#[utoipa::path(get, path = "/v1/stores", tag = "business", params(Paging),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_stores(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page>, ApiError> {
    list(&service, &caller, Collection::Stores, doc! {}, &paging)
        .await
        .map(Json)
}

/// A new store of the business.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStore {
    pub store_name: String,
    pub location: Option<String>,
    pub phone: Option<String>,
}

/// Opens another store of the business, within its plan; its tills enrol with codes made
/// for it, and the business's other tills see it at their next pull (to send stock to).
#[utoipa::path(post, path = "/v1/stores", tag = "business", request_body = NewStore,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the first answer is given again")),
    security(("api_key" = [])),
    responses((status = 201, body = Object), (status = 403, description = "The plan has no room for another store")))]
pub async fn create_store(
    caller: Caller,
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require(Scope::Write)?;
    idempotency::once(
        &service,
        &caller,
        &headers,
        "POST /v1/stores",
        &bytes,
        |service, caller, bytes| async move {
            let new: NewStore = body(&bytes)?;
            let id = tenants::create_store(
                &service.central,
                caller.business_id,
                &new.store_name,
                new.location,
                new.phone,
            )
            .await?;
            let stored = find(
                &service,
                &caller,
                Collection::Stores,
                id.object_id(),
                "store",
            )
            .await?;
            Ok(Answer::created(json::document(&stored)))
        },
    )
    .await
}

/// One store of the business.
#[utoipa::path(get, path = "/v1/stores/{id}", tag = "business",
    params(("id" = String, Path, description = "The store's id")),
    security(("api_key" = [])),
    responses((status = 200, body = Object), (status = 404, description = "No such store of this business")))]
pub async fn get_store(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    one(&service, &caller, Collection::Stores, &id, "store")
        .await
        .map(Json)
}

/// The business's payment methods.
#[utoipa::path(get, path = "/v1/payment-methods", tag = "business", params(Paging),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_payment_methods(
    caller: Caller,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page>, ApiError> {
    list(
        &service,
        &caller,
        Collection::PaymentMethods,
        doc! {},
        &paging,
    )
    .await
    .map(Json)
}

/// Which notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only this store's.
    pub store_id: Option<String>,
    /// `unread` or `read`.
    pub status: Option<String>,
}

/// The business's notifications (low stock, oversells, refusals, overdrafts, orders
/// overdue, …); a store manager's: their store's.
#[utoipa::path(get, path = "/v1/notifications", tag = "business",
    params(Paging, NotificationFilter), security(("api_key" = [])),
    responses((status = 200, body = Page)))]
pub async fn list_notifications(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<NotificationFilter>,
) -> Result<Json<Page>, ApiError> {
    let mut query = doc! {};
    if let Some(id) = &filter.store_id {
        query.insert(field::STORE_ID, store(&service, &caller, id).await?);
    } else if let Some(only) = caller.store() {
        query.insert(field::STORE_ID, only);
    }
    if let Some(status) = &filter.status {
        let status = status.trim();
        if !matches!(status, "unread" | "read") {
            return Err(invalid(field::STATUS, "unread or read"));
        }
        query.insert(field::STATUS, status);
    }
    list(&service, &caller, Collection::Notifications, query, &paging)
        .await
        .map(Json)
}

/// The rules for reading the business's price and weight labels: a list, or a country's
/// ready layouts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BarcodeRules {
    /// Rules as `settings.barcode_rules` holds them (`decimals` and `verifier` may be
    /// left out: 0 and false); an empty list reads no label.
    #[schema(value_type = Option<Vec<LabelRule>>)]
    pub rules: Option<serde_json::Value>,
    /// Instead, a country's common layouts: `United States`, `United Kingdom`, `Germany`,
    /// `Sweden`.
    pub country: Option<String>,
}

/// Sets how the business's labels are read, for every till of it (they have the rules at
/// their next pull); answers the rules as set.
#[utoipa::path(put, path = "/v1/business/barcode-rules", tag = "business", request_body = BarcodeRules,
    security(("api_key" = [])),
    responses((status = 200, body = LabelRules), (status = 422, description = "Rules that do not hold, or no such country")))]
pub async fn set_barcode_rules(
    caller: Caller,
    State(service): State<Arc<Service>>,
    bytes: Bytes,
) -> Result<Json<LabelRules>, ApiError> {
    caller.require(Scope::Write)?;
    let asked: BarcodeRules = body(&bytes)?;
    let unprocessable = |why: String| ApiError::unprocessable("invalid_barcode_rules", why);
    let rules = match (asked.rules, asked.country) {
        (Some(list), None) => {
            let list = Bson::try_from(list).map_err(|e| unprocessable(e.to_string()))?;
            read_barcode_rules(&list).map_err(unprocessable)?
        }
        (None, Some(country)) => ready_layout(&country).ok_or_else(|| {
            unprocessable(format!(
                "No ready layout for {country:?}: there are {}.",
                READY_LAYOUTS.join(", ")
            ))
        })?,
        _ => {
            return Err(unprocessable(
                "Give the rules, or a country, one of them.".into(),
            ))
        }
    };
    service
        .central
        .database()
        .collection::<Document>(Collection::Businesses.name())
        .update_one(
            doc! { field::ID: caller.business_id },
            doc! { "$set": {
                field::SETTINGS_BARCODE_RULES: barcode_rules_bson(&rules),
                field::UPDATED_AT: bson::DateTime::now(),
            } },
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(LabelRules {
        barcode_rules: rules.iter().map(LabelRule::from).collect(),
    }))
}
