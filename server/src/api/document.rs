//! The OpenAPI document, completed and enforced. Every route documents every refusal it
//! can answer, each a `Problem` ([`complete`]); and what each route declares is what it
//! takes: a query parameter it does not declare (a misspelt filter, `?stor_id=`, or
//! another route's) answers 400 naming those it takes rather than being ignored, and a
//! method it does not take 405 with the methods it does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response as Documented};

use crate::error::ApiError;

/// Adds to every operation of `openapi` the refusals any route may answer, each with a
/// `Problem` body ([`crate::error::Problem`], the body `ApiError` writes): 400 (a query or
/// body it does not take), 401 (no key, or a key not known or revoked), 402 (an ended
/// subscription), 403 (a scope or a plan without the API), 404 (an id in its path, query
/// or body of nothing of the business), 408 (past the request timeout), 413 (a body too
/// large), 429 (past the key's rate), 503 (the database not answering); and gives the
/// refusals a route documents itself the same body.
pub fn complete(openapi: &mut OpenApi) {
    let problem = || Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))));
    let common = [
        ("400", "The query or the body is not what this route takes"),
        (
            "401",
            "No API key or session, or one not known, revoked or ended",
        ),
        ("402", "The business's subscription has ended"),
        (
            "403",
            "The key's scopes, the person's role or store, the CSRF token or the business's plan do not allow this",
        ),
        (
            "408",
            "The request took longer than the gateway allows: send it again",
        ),
        (
            "429",
            "Past the key's rate: wait for the seconds Retry-After says",
        ),
        (
            "503",
            "The central database is not answering: try again shortly",
        ),
    ];
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let takes_body = operation.request_body.is_some();
            // An id in the path, the query or the body may name nothing of the business.
            let takes_id = path.contains('{')
                || takes_body
                || operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.name.ends_with("_id"));
            let responses = &mut operation.responses.responses;
            for (status, words) in common
                .iter()
                .copied()
                .chain(
                    takes_id
                        .then_some(("404", "Nothing of the business has an id the request names")),
                )
                .chain(takes_body.then_some(("413", "The body is larger than the gateway takes")))
            {
                responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::T(Documented::new(words)));
            }
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.as_str() >= "400", response) {
                    response
                        .content
                        .insert("application/problem+json".to_owned(), problem());
                }
            }
        }
    }
    openapi
        .components
        .get_or_insert_with(Default::default)
        .schemas
        .insert(
            "Problem".to_owned(),
            <crate::error::Problem as utoipa::PartialSchema>::schema(),
        );
}

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
