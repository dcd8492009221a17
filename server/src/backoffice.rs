//! The back office's pages (`backoffice/`, a Svelte app built by Vite into
//! `backoffice/dist`), served at every path outside `/v1`: a file it has, else its
//! `index.html` (the app picks the page from the path). A release build carries them
//! inside the binary; a debug build reads the folder, so a rebuilt back office needs no
//! rebuilt gateway. Every page is sent with a content security policy that lets it load
//! only the gateway's own scripts and call only the gateway, and may not be framed.

use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "../backoffice/dist"]
#[allow_missing = true]
struct Pages;

/// The headers every page and file of the back office carries.
const POLICY: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // A password link's code is in its fragment, which no browser sends; nor is any
    // page's address sent elsewhere.
    (header::REFERRER_POLICY, "no-referrer"),
];

/// Any route the gateway does not have: under `/v1`, a problem; elsewhere, the back
/// office's file or page.
pub async fn serve(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/v1/")
        || path == "/v1"
        || !(method == Method::GET || method == Method::HEAD)
    {
        return ApiError::not_found(
            "unknown_route",
            "There is no such route: /v1/openapi.json lists them.",
        )
        .into_response();
    }
    let wanted = path.trim_start_matches('/');
    let found = Some(wanted)
        .filter(|w| !w.is_empty())
        .and_then(|w| Pages::get(w).map(|file| (w, file)));
    let (served, file) = match found {
        Some(found) => found,
        // A built file that is not (a page of an older build asking): not the app.
        None if wanted.starts_with("assets/") => {
            return ApiError::not_found("not_found", "There is no such file.").into_response()
        }
        // A page of the app: the app itself.
        None => match Pages::get("index.html") {
            Some(index) => ("index.html", index),
            None => return not_built(),
        },
    };
    // Vite names each built file after its content: kept for good. The app is asked for
    // again each time, so a new build is seen at once.
    let cache = if served.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let kind = mime_type(served, &file);
    let mut response = (StatusCode::OK, file.data.into_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, kind);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    for (name, value) in POLICY {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn mime_type(path: &str, file: &rust_embed::EmbeddedFile) -> HeaderValue {
    let kind = file.metadata.mimetype();
    let kind = if kind.starts_with("text/") || path.ends_with(".js") {
        format!("{kind}; charset=utf-8")
    } else {
        kind.to_owned()
    };
    HeaderValue::from_str(&kind).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// A gateway built before its back office: it says how to build it.
fn not_built() -> Response {
    ApiError::not_ready(
        "back_office_not_built",
        "This gateway was built without its back office: run `bash backoffice/build`, then build the gateway again.",
    )
    .into_response()
}
