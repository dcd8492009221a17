//! The business REST API under `/v1`, for a business's own programs: `Authorization:
//! Bearer KEY` (an API key of the business; its plan must include the API), a rate limit
//! per key, cursor pagination, `Idempotency-Key` on every POST, errors as RFC 9457 problem
//! details with a stable code, and the OpenAPI document at `/v1/openapi.json`, generated
//! from these handlers. The business comes from the key: every query is scoped by it, and
//! another business's id answers 404 exactly as an id that does not exist. No route ever
//! answers a PIN, password or key hash.

mod answers;
mod business;
mod catalog;
mod contacts;
mod dashboard;
mod document;
mod families;
pub mod idempotency;
mod import;
mod json;
mod keys;
pub mod limit;
mod page;
mod sales;
mod session;
mod tills;
mod transfers;
mod users;

pub use session::SIGN_IN_RATE;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Router;
use bson::oid::ObjectId;
use bson::{doc, Document};
use futures_util::TryStreamExt as _;
use sellsync_central::Reconciler;
use sellsync_contract::documents::{field, Collection, Op};
use sellsync_contract::operation::Operation;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::http::Service;
use page::{Page, Paging};

/// The OpenAPI document's frame; the paths come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sell Sync business API",
        description = "A business's stores, catalog, stock, sales, customers, suppliers, \
            purchase orders, payment methods and notifications. Authenticate with an API key \
            of the business as `Authorization: Bearer ssk_…`, or, from the back office, with \
            the session cookie of a person signed in (`POST /v1/session`), each change \
            carrying the session's `X-CSRF-Token`. Errors are RFC 9457 problem details with a \
            stable `code`."
    ),
    modifiers(&BearerKey),
    tags(
        (name = "business", description = "The business, its stores, payment methods and notifications"),
        (name = "catalog", description = "Products, stock levels and stock movements"),
        (name = "sales", description = "Sales and returns"),
        (name = "contacts", description = "Customers and suppliers"),
        (name = "purchasing", description = "Purchase orders"),
        (name = "keys", description = "The business's API keys"),
        (name = "session", description = "A person's session in the back office"),
    )
)]
struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        // The back office's: a change carries the session's CSRF token in X-CSRF-Token.
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::sessions::COOKIE))),
        );
    }
}

/// The `/v1` routes of the business API, and their OpenAPI document.
pub fn router() -> (Router<Arc<Service>>, utoipa::openapi::OpenApi) {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            session::sign_in,
            session::get_session,
            session::sign_out
        ))
        .routes(routes!(session::sign_out_everywhere))
        .routes(routes!(session::set_password))
        .routes(routes!(
            session::begin_second_factor,
            session::turn_on_second_factor,
            session::turn_off_second_factor
        ))
        .routes(routes!(dashboard::get_dashboard))
        .routes(routes!(business::get_business))
        .routes(routes!(business::set_barcode_rules))
        .routes(routes!(business::update_settings))
        .routes(routes!(business::list_stores, business::create_store))
        .routes(routes!(business::get_store))
        .routes(routes!(business::list_payment_methods))
        .routes(routes!(business::list_notifications))
        .routes(routes!(catalog::list_products, catalog::create_product))
        .routes(routes!(catalog::get_product, catalog::update_product))
        .routes(routes!(families::create_family))
        .routes(routes!(import::import_products))
        .routes(routes!(catalog::list_stock_levels))
        .routes(routes!(
            catalog::list_stock_movements,
            catalog::create_stock_movement
        ))
        .routes(routes!(sales::list_sales))
        .routes(routes!(sales::get_sale))
        .routes(routes!(contacts::list_customers, contacts::create_customer))
        .routes(routes!(contacts::get_customer))
        .routes(routes!(contacts::list_suppliers, contacts::create_supplier))
        .routes(routes!(contacts::get_supplier))
        .routes(routes!(sales::list_purchase_orders))
        .routes(routes!(transfers::list_transfers))
        .routes(routes!(sales::get_purchase_order))
        .routes(routes!(keys::list_keys, keys::create_key))
        .routes(routes!(keys::revoke_key))
        .routes(routes!(tills::list_tills))
        .routes(routes!(tills::revoke_till))
        .routes(routes!(tills::create_enrolment_code))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::update_user))
        .routes(routes!(users::password_link))
        .routes(routes!(users::list_permissions))
        .split_for_parts();
    let mut openapi = openapi;
    answers::add(&mut openapi);
    document::complete(&mut openapi);
    // A query parameter or a method the document does not declare for its route is refused.
    let declared = Arc::new(document::Declared::of(&openapi));
    let router = router
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&declared),
            document::refuse_unknown,
        ))
        .method_not_allowed_fallback({
            let declared = Arc::clone(&declared);
            move |method, uri| {
                document::method_not_allowed(axum::extract::State(declared), method, uri)
            }
        });
    (router, openapi)
}

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
    /// Make and revoke the business's API keys.
    Keys,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Keys];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Keys => "keys",
        }
    }
}

impl Caller {
    /// Refused unless the key has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope.as_str()) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "scope_missing",
            format!(
                "This API key may not {}: make a key with the {} scope.",
                match scope {
                    Scope::Read => "read",
                    Scope::Write => "write",
                    Scope::Keys => "make or revoke API keys",
                },
                scope.as_str()
            ),
        ))
    }
}

/// A caller who may be a store manager, limited to their store: a route that takes one
/// scopes what it reads and writes by [`Caller::store`]. A route that takes a plain
/// [`Caller`] is business-wide and refuses a store manager.
pub struct StoreScoped(pub Caller);

impl FromRequestParts<Arc<Service>> for StoreScoped {
    type Rejection = ApiError;

    /// The key's or session's caller, within its rate.
    async fn from_request_parts(
        parts: &mut Parts,
        service: &Arc<Service>,
    ) -> Result<StoreScoped, ApiError> {
        let caller = auth::caller(
            &service.central,
            &service.callers,
            &service.last_used,
            &parts.headers,
            parts.method.is_safe(),
        )
        .await?;
        service
            .rate_limit
            .take(caller.counted_as(), Instant::now())
            .map_err(|wait| {
                ApiError::too_many(
                    match caller.credential {
                        auth::Credential::Key(_) => "This API key",
                        auth::Credential::Session { .. } => "This session",
                    },
                    wait,
                )
            })?;
        Ok(StoreScoped(caller))
    }
}

impl FromRequestParts<Arc<Service>> for Caller {
    type Rejection = ApiError;

    /// A business-wide caller: a key, the owner or an admin.
    async fn from_request_parts(
        parts: &mut Parts,
        service: &Arc<Service>,
    ) -> Result<Caller, ApiError> {
        let StoreScoped(caller) = StoreScoped::from_request_parts(parts, service).await?;
        if caller.store().is_some() {
            return Err(ApiError::forbidden(
                "store_manager",
                "A store manager sees their own store's pages: this one is the owner's and the admins'.",
            ));
        }
        Ok(caller)
    }
}

/// "There is no … with this id": for an id that does not exist, is malformed, or is
/// another business's, alike.
pub fn not_found(what: &str) -> ApiError {
    ApiError::not_found("not_found", format!("There is no {what} with this id."))
}

/// A field of a request that is not what it must be.
pub fn invalid(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid_field", format!("{field}: {why}"))
}

/// An id given in a path, query or body; malformed reads as not found.
pub fn id(text: &str, what: &str) -> Result<ObjectId, ApiError> {
    ObjectId::parse_str(text.trim()).map_err(|_| not_found(what))
}

/// A page of the caller's documents of `collection` matching `filter`.
pub async fn list(
    service: &Service,
    caller: &Caller,
    collection: Collection,
    filter: Document,
    paging: &Paging,
) -> Result<Page, ApiError> {
    list_shown(service, caller, collection, filter, paging, None).await
}

/// A page as [`list`] reads it, each document cut to `projection` by MongoDB (what a list
/// needs of a document that grows, say).
pub async fn list_shown(
    service: &Service,
    caller: &Caller,
    collection: Collection,
    filter: Document,
    paging: &Paging,
    projection: Option<Document>,
) -> Result<Page, ApiError> {
    caller.require(Scope::Read)?;
    let limit = paging.limit().map_err(|_| {
        invalid(
            "limit",
            format!("1 to {} documents a page", page::MAX_LIMIT),
        )
    })?;
    let mut conditions = vec![doc! { field::BUSINESS_ID: caller.business_id }];
    if !filter.is_empty() {
        conditions.push(filter);
    }
    match paging.after() {
        Ok(Some(after)) => conditions.push(after),
        Ok(None) => {}
        Err(_) => {
            return Err(invalid(
                "cursor",
                "not a cursor of this API: give the next_cursor of the page before",
            ))
        }
    }
    let documents = service
        .central
        .database()
        .collection::<Document>(collection.name());
    let mut find = documents
        .find(doc! { "$and": conditions })
        .sort(doc! { field::ID: 1 })
        .limit(i64::from(limit) + 1);
    if let Some(projection) = projection {
        find = find.projection(projection);
    }
    let found: Vec<Document> = find
        .await
        .map_err(ApiError::unavailable)?
        .try_collect()
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Paging::page(limit, found, json::document))
}

/// The caller's document `id` of `collection` (a `what`), as stored.
pub async fn find(
    service: &Service,
    caller: &Caller,
    collection: Collection,
    id: ObjectId,
    what: &str,
) -> Result<Document, ApiError> {
    service
        .central
        .database()
        .collection::<Document>(collection.name())
        .find_one(doc! { field::ID: id, field::BUSINESS_ID: caller.business_id })
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| not_found(what))
}

/// The caller's document `id` of `collection`, as the API shows it.
pub async fn one(
    service: &Service,
    caller: &Caller,
    collection: Collection,
    id: &str,
    what: &str,
) -> Result<Value, ApiError> {
    caller.require(Scope::Read)?;
    let id = self::id(id, what)?;
    Ok(json::document(
        &find(service, caller, collection, id, what).await?,
    ))
}

/// The caller's store `id` (given in a query or a body); 404 when it is not theirs, or
/// not the one a store manager sees.
pub async fn store(service: &Service, caller: &Caller, id: &str) -> Result<ObjectId, ApiError> {
    let id = self::id(id, "store")?;
    if caller.store().is_some_and(|only| only != id) {
        return Err(not_found("store"));
    }
    find(service, caller, Collection::Stores, id, "store").await?;
    Ok(id)
}

/// Applies one change through the reconciler, as a till's is applied (the same checks of
/// the contract, stock counted into its store's level, once), and answers the document
/// (a `what`) as it is now stored.
pub async fn write(
    service: &Service,
    caller: &Caller,
    collection: Collection,
    document_id: ObjectId,
    op: Op,
    payload: Document,
    what: &str,
) -> Result<Value, ApiError> {
    apply(
        service,
        caller,
        what,
        vec![(collection, document_id, op, payload)],
    )
    .await?;
    let stored = find(service, caller, collection, document_id, what).await?;
    Ok(json::document(&stored))
}

/// Applies changes of `what` documents through the reconciler in one batch; the first
/// one refused is the answer (409: `duplicate` naming the field a unique index found
/// taken, else `refused`).
pub async fn apply(
    service: &Service,
    caller: &Caller,
    what: &str,
    changes: Vec<(Collection, ObjectId, Op, Document)>,
) -> Result<(), ApiError> {
    let operations: Vec<Operation> = changes
        .into_iter()
        .zip(1..)
        .map(|((collection, document_id, op, payload), seq)| Operation {
            seq,
            op_id: format!("api-{}", ObjectId::new().to_hex()),
            collection,
            document_id: document_id.into(),
            op,
            payload,
            user: None,
        })
        .collect();
    let outcome = Reconciler::new(service.central.clone(), caller.business_id.into())
        .apply(&operations)
        .await
        .map_err(ApiError::unavailable)?;
    match outcome.rejected.into_iter().next() {
        Some(rejection) if !rejection.duplicate.is_empty() => {
            // The store a document belongs to scopes its key, as the business does.
            let fields: Vec<String> = rejection
                .duplicate
                .iter()
                .filter(|f| *f != field::STORE_ID)
                .map(|f| match f.as_str() {
                    "sku" => "SKU".to_owned(),
                    other => other.replace('_', " "),
                })
                .collect();
            Err(ApiError::conflict(
                "duplicate",
                format!(
                    "The business has a {what} with this {} already.",
                    fields.join(" and ")
                ),
            ))
        }
        Some(rejection) => Err(ApiError::conflict(
            "refused",
            format!("The central database refused this: {}", rejection.error),
        )),
        None => Ok(()),
    }
}

/// The documents one of whose `fields` holds `text` in any case (none when there is no
/// text): what a search box asks.
pub fn holding(text: Option<&str>, fields: &[&str]) -> Option<Document> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    let holds = doc! { "$regex": literal_pattern(text), "$options": "i" };
    let any: Vec<Document> = fields
        .iter()
        .map(|name| doc! { *name: holds.clone() })
        .collect();
    Some(doc! { "$or": any })
}

/// A regular expression that matches `text` as it is: every character that means
/// something to a pattern escaped.
fn literal_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/-".contains(c) {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// A search of a list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Search {
    /// Those whose name (or phone or email, for customers) holds this text, in any case.
    pub q: Option<String>,
}

/// What changed since a time: a list's documents central took, made or changed.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Changes {
    /// Those central took (made, or changed) at or after this time (RFC 3339), whenever a
    /// till made them: each document's `synced_at`. To follow what changes, poll again from
    /// the last `synced_at` seen, a minute earlier (gateways' clocks differ a little), and
    /// skip what was seen. Documents central held before it stamped `synced_at` have none:
    /// read the whole list once first.
    pub synced_since: Option<String>,
}

impl Changes {
    /// The filter of the documents asked for, if a time was given.
    pub fn filter(&self) -> Result<Option<Document>, ApiError> {
        let Some(since) = &self.synced_since else {
            return Ok(None);
        };
        let since = chrono::DateTime::parse_from_rfc3339(since.trim()).map_err(|_| {
            invalid(
                "synced_since",
                "a time in RFC 3339, such as 2026-12-01T18:00:00Z",
            )
        })?;
        let since = bson::DateTime::from_chrono(since.with_timezone(&chrono::Utc));
        Ok(Some(doc! { field::SYNCED_AT: { "$gte": since } }))
    }
}

/// A request body as `T`, or a problem naming what is wrong with it (an unknown field is
/// refused too).
pub fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(malformed_body)
}

/// A request body that is not what the endpoint takes, and why.
pub fn malformed_body(why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "malformed_body",
        format!("The request body is not what this endpoint takes: {why}"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_read_as_the_text_it_is_not_as_a_pattern() {
        use super::literal_pattern;
        assert_eq!(literal_pattern("milk"), "milk");
        assert_eq!(literal_pattern("1.5L (x2)"), "1\\.5L \\(x2\\)");
        assert_eq!(literal_pattern(".*"), "\\.\\*");
        assert_eq!(literal_pattern("a\\b"), "a\\\\b");
        assert_eq!(literal_pattern("Café"), "Café");
    }

    /// `server/openapi.json` is the document the gateway serves at `/v1/openapi.json`:
    /// the back office's types are generated from it (`npm --prefix backoffice run
    /// types`). Fails while they differ; `SELLSYNC_OPENAPI=write cargo test -p
    /// sellsync-server openapi` writes it.
    #[test]
    fn the_committed_openapi_document_is_the_one_served() {
        let (_, openapi) = super::router();
        let served = serde_json::to_string_pretty(&openapi).unwrap() + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        if std::env::var("SELLSYNC_OPENAPI").as_deref() == Ok("write") {
            std::fs::write(&path, &served).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == served,
            "server/openapi.json differs from the document served: run SELLSYNC_OPENAPI=write cargo test -p sellsync-server openapi"
        );
    }
}
