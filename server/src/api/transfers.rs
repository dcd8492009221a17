//! Stock sent between the business's stores, read only (tills send and receive them):
//! those in transit are stock neither store can sell yet.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::Json;
use bson::doc;
use sellsync_contract::documents::{field, Collection, TransferStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use super::page::{Page, Paging};
use super::{invalid, list, store, Changes, StoreScoped};
use crate::error::ApiError;
use crate::http::Service;

/// Which transfers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferFilter {
    /// Those this store sent or receives.
    pub store_id: Option<String>,
    /// `in_transit`, `received` or `cancelled`.
    pub status: Option<String>,
}

/// The business's transfers between its stores, in `_id` order (a store manager's: those
/// their store sent or receives).
#[utoipa::path(get, path = "/v1/transfers", tag = "catalog", params(Paging, TransferFilter, Changes),
    security(("api_key" = [])), responses((status = 200, body = Page)))]
pub async fn list_transfers(
    StoreScoped(caller): StoreScoped,
    State(service): State<Arc<Service>>,
    Query(paging): Query<Paging>,
    Query(filter): Query<TransferFilter>,
    Query(changes): Query<Changes>,
) -> Result<Json<Page>, ApiError> {
    let mut query = changes.filter()?.unwrap_or_default();
    let of = match &filter.store_id {
        Some(id) => Some(store(&service, &caller, id).await?),
        None => caller.store(),
    };
    if let Some(of) = of {
        query.insert(
            "$or",
            vec![
                doc! { field::FROM_STORE_ID: of },
                doc! { field::TO_STORE_ID: of },
            ],
        );
    }
    if let Some(status) = &filter.status {
        let status = TransferStatus::parse(status.trim())
            .ok_or_else(|| invalid("status", "in_transit, received or cancelled"))?;
        query.insert(field::STATUS, status.as_str());
    }
    list(
        &service,
        &caller,
        Collection::StockTransfers,
        query,
        &paging,
    )
    .await
    .map(Json)
}
