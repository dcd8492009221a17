//! What each route of the API declares in its OpenAPI document, enforced: a query
//! parameter it does not take (a misspelt filter, `?stor_id=`, or another route's) answers
//! 400 naming those it takes rather than being ignored, and a method it does not take 405
//! with the methods it does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Each route's query parameters, by method and path template (`/v1/products/{id}`).
#[derive(Debug, Default)]
pub struct Declared(HashMap<(Method, String), Vec<String>>);

impl Declared {
    /// What `openapi` declares.
    pub fn of(openapi: &OpenApi) -> Declared {
        let mut declared = HashMap::new();
        for (path, item) in &openapi.paths.paths {
            let operations: [(Method, &Option<Operation>); 5] = [
                (Method::GET, &item.get),
                (Method::POST, &item.post),
                (Method::PUT, &item.put),
                (Method::PATCH, &item.patch),
                (Method::DELETE, &item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let names = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
                    .map(|p| p.name.clone())
                    .collect();
                declared.insert((method, path.clone()), names);
            }
        }
        Declared(declared)
    }

    /// The first parameter of `query` that the route does not take, if any.
    fn unknown<'q>(
        &self,
        method: &Method,
        path: &str,
        query: &'q str,
    ) -> Option<(&'q str, &[String])> {
        let taken = self.0.get(&(method.clone(), path.to_owned()))?;
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
            .find(|name| !taken.iter().any(|t| t == name))
            .map(|name| (name, taken.as_slice()))
    }
}

impl Declared {
    /// The methods the route of the concrete `path` takes (`/v1/products/6b16…` is
    /// `/v1/products/{id}`), in a fixed order.
    fn methods_of(&self, path: &str) -> Vec<&Method> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let fits = |template: &str| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        };
        let mut methods: Vec<&Method> = self
            .0
            .keys()
            .filter(|(_, template)| fits(template))
            .map(|(method, _)| method)
            .collect();
        methods.sort_by_key(|m| m.as_str());
        methods
    }
}

/// A method the route of `uri` does not take: 405 with those it does (`Allow`).
pub async fn method_not_allowed(
    State(declared): State<Arc<Declared>>,
    method: Method,
    uri: Uri,
) -> Response {
    let allowed: Vec<&str> = declared
        .methods_of(uri.path())
        .into_iter()
        .map(Method::as_str)
        .collect();
    let allowed = allowed.join(", ");
    let mut answer =
        ApiError::method_not_allowed(format!("{} takes {allowed}, not {method}.", uri.path()))
            .into_response();
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        answer.headers_mut().insert(header::ALLOW, value);
    }
    answer
}

/// Refuses a request with a query parameter its route does not declare.
pub async fn refuse_unknown(
    State(declared): State<Arc<Declared>>,
    path: MatchedPath,
    request: Request,
    next: Next,
) -> Response {
    if let Some(query) = request.uri().query() {
        if let Some((name, taken)) = declared.unknown(request.method(), path.as_str(), query) {
            let takes = if taken.is_empty() {
                "no query parameters".to_owned()
            } else {
                taken.join(", ")
            };
            return ApiError::bad_request(
                "unknown_parameter",
                format!(
                    "{} {} takes {takes}, not {name}.",
                    request.method(),
                    path.as_str()
                ),
            )
            .into_response();
        }
    }
    next.run(request).await
}
