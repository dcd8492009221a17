//! The till's side of the central gateway (`sellsync-server`): where it is and the till's
//! device credential, and the HTTP calls a till makes (enrol, push, pull). The till holds
//! no database credentials this way; the gateway takes the business and store from the
//! credential.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use sellsync_contract::operation::Operation;
use sellsync_contract::secrets as keys;
use sellsync_core::staff::{Actor, Credential};
use sellsync_core::sync::queue::SyncSetupApproval;
use sellsync_core::Till;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::{debug, info};

use crate::error::{Result, SyncError};
use crate::on_till;
use crate::pull::{fill_new_till, Pulled};
use crate::settings::SyncTarget;
use crate::transport::Transport;
use sellsync_central::feed::Page;
use sellsync_central::reconciler::BatchOutcome;
use sellsync_central::wire::{
    self, EnrolRequest, EnrolResponse, EnrolmentCode, Problem, PullRequest, PullResponse,
    PushRequest, PushResponse, Verified, VerifyRequest, WireOperation,
};

/// How long a till waits for one answer of the gateway.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a till's gateway is and the till's credential there. `Debug` and `Display` show
/// the address only, never the credential.
#[derive(Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    /// The gateway's address, `https://sync.example.com` (no trailing slash).
    pub url: String,
    pub device_token: String,
}

impl GatewayConfig {
    pub fn new(url: &str, device_token: impl Into<String>) -> Result<GatewayConfig> {
        Ok(GatewayConfig {
            url: check_url(url)?,
            device_token: device_token.into(),
        })
    }
}

impl fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("url", &self.url)
            .field("device_token", &"***")
            .finish()
    }
}

impl fmt::Display for GatewayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the Sell Sync server at {}", self.url)
    }
}

/// Set (to anything) by an operator who runs the gateway over plain HTTP on a network they
/// trust: tills then accept an `http://` address that is not this machine.
pub const ALLOW_PLAIN_HTTP: &str = "SELLSYNC_ALLOW_PLAIN_HTTP";

/// `url` as an `http(s)://HOST[:PORT][/PATH]` address without a trailing slash. Plain
/// `http://` only to this machine (a gateway beside the till, a test), unless the operator
/// allows it ([`ALLOW_PLAIN_HTTP`]): the till's credential travels in every request.
fn check_url(url: &str) -> Result<String> {
    check_url_allowing(url, std::env::var_os(ALLOW_PLAIN_HTTP).is_some())
}

fn check_url_allowing(url: &str, plain_http: bool) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url).map_err(|e| SyncError::BadServerUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(SyncError::BadServerUrl {
            url: url.to_owned(),
            reason: "it must start with https:// (or http://) and name a host".into(),
        });
    }
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if parsed.scheme() == "http" && !loopback && !plain_http {
        return Err(SyncError::BadServerUrl {
            url: url.to_owned(),
            reason: format!(
                "the till's credential would cross the network unencrypted: use https:// (an operator who means it sets {ALLOW_PLAIN_HTTP}=1)"
            ),
        });
    }
    Ok(url.to_owned())
}

/// The HTTP client of one till's gateway.
pub struct GatewayClient {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl GatewayClient {
    pub fn new(config: &GatewayConfig) -> Result<GatewayClient> {
        Ok(GatewayClient {
            http: http_client()?,
            url: config.url.clone(),
            token: config.device_token.clone(),
        })
    }

    /// The client of the gateway the till in `data_dir` syncs through; `None`: it syncs
    /// directly, or not at all.
    pub fn of_till(data_dir: &Path) -> Result<Option<GatewayClient>> {
        match SyncTarget::for_till(data_dir, None, None)? {
            Some(SyncTarget::Gateway(config)) => GatewayClient::new(&config).map(Some),
            _ => Ok(None),
        }
    }

    /// Sends a batch of the outbox; the gateway answers for each operation.
    pub async fn push(&self, batch: &[Operation]) -> Result<BatchOutcome> {
        let request = PushRequest {
            operations: batch.iter().map(WireOperation::from).collect(),
        };
        let response: PushResponse = self.post("/v1/sync/push", &request).await?;
        Ok(response.into_outcome())
    }

    /// The central changes after `checkpoint`.
    pub async fn pull(&self, checkpoint: Option<&str>, limit: usize) -> Result<Page> {
        let request = PullRequest {
            checkpoint: checkpoint.map(str::to_owned),
            limit: Some(limit),
        };
        let response: PullResponse = self.post("/v1/sync/pull", &request).await?;
        response
            .into_page()
            .map_err(|e| SyncError::UnexpectedReply(format!("a pulled change: {e}")))
    }

    /// Asks the gateway to verify the person signed in at this till.
    pub async fn verify(&self, request: &VerifyRequest) -> Result<Verified> {
        self.post("/v1/tills/people", request).await
    }

    /// Ends the verification of `user` at this till (they signed out).
    pub async fn forget(&self, user: &str) -> Result<()> {
        let request = self
            .http
            .delete(format!("{}/v1/tills/people/{user}", self.url))
            .bearer_auth(&self.token);
        let _: serde_json::Value = answer(&self.url, request.send().await).await?;
        Ok(())
    }

    /// A one-time code for another till of this till's store.
    pub async fn enrolment_code(&self) -> Result<EnrolmentCode> {
        self.post("/v1/tills/enrolment-codes", &serde_json::json!({}))
            .await
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Result<T> {
        let request = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(body);
        answer(&self.url, request.send().await).await
    }
}

/// A person verified by the gateway at this till, and what of theirs went back to wait.
#[derive(Debug, Clone)]
pub struct Verification {
    pub verified: Verified,
    /// Operations that had waited for a verified person and now go out as theirs.
    pub confirmed: usize,
}

/// Has the gateway of the till in `data_dir` verify the person signed in there as `email`
/// with `credential`, so that what they allow (staff, keys, payment methods, business-wide
/// products) goes through for a while. `None`: the till does not sync through a gateway
/// (a till syncing directly is trusted with the database itself).
pub async fn verify(
    data_dir: &Path,
    email: &str,
    credential: Credential<'_>,
) -> Result<Option<Verified>> {
    let Some(client) = GatewayClient::of_till(data_dir)? else {
        return Ok(None);
    };
    let (pin, password) = match credential {
        Credential::Pin(pin) => (Some(pin.to_owned()), None),
        Credential::Password(password) => (None, Some(password.to_owned())),
    };
    let request = VerifyRequest {
        email: email.to_owned(),
        pin,
        password,
    };
    let verified = client.verify(&request).await?;
    info!(user = %verified.user_id, "verified by the gateway");
    Ok(Some(verified))
}

/// Ends the verification of `user` at the till in `data_dir`'s gateway (they signed out);
/// nothing to do for a till that does not sync through a gateway.
pub async fn forget(data_dir: &Path, user: &str) -> Result<()> {
    if let Some(client) = GatewayClient::of_till(data_dir)? {
        client.forget(user).await?;
    }
    Ok(())
}

/// [`verify`] for `actor`, signed in at `till`, then the operations that waited for a
/// person verified, which `actor` may allow, go out again as theirs.
pub async fn verify_person(
    till: &mut Till,
    actor: &Actor,
    credential: Credential<'_>,
) -> Result<Option<Verification>> {
    let Some(verified) = verify(till.data_dir(), actor.email(), credential).await? else {
        return Ok(None);
    };
    let confirmed = on_till(|| till.confirm_waiting(actor))?;
    Ok(Some(Verification {
        verified,
        confirmed,
    }))
}

/// Sets up a new till in `data_dir` from the gateway at `url` with a one-time enrolment
/// `code` (or a ticket that holds both, as the back office's QR code does: `url` may then
/// be left empty): the gateway answers the till's credential and its business and store, the till
/// reads everything it should hold through the gateway and saves where it syncs. Its
/// staff can sign in at once. If anything fails, no till database is left behind.
pub async fn enrol_till(
    data_dir: &Path,
    url: &str,
    code: &str,
    till_code: Option<&str>,
) -> Result<(Till, Pulled)> {
    let (url, code) = where_to_enrol(url, code)?;
    let enrolled = enrol(url, code, till_code, None, None).await?;
    let unexpected = |e: String| SyncError::UnexpectedReply(format!("the enrolment: {e}"));
    let business = wire::from_json(enrolled.business).map_err(unexpected)?;
    let store = wire::from_json(enrolled.store).map_err(unexpected)?;
    let config = GatewayConfig::new(url, enrolled.device_token)?;
    let till_id = enrolled
        .till_id
        .parse()
        .map_err(|_| unexpected(format!("{:?} is not a till id", enrolled.till_id)))?;
    let till = Till::provision(data_dir, &business, &store, till_code, Some(till_id))?;
    let transport = Transport::Gateway(GatewayClient::new(&config)?);
    info!(device = %enrolled.device_id, server = %config.url, "till enrolled");
    fill_new_till(data_dir, till, &transport, || {
        SyncTarget::Gateway(config.clone()).write(data_dir)
    })
    .await
}

/// The gateway's address and the code to enrol with: from a ticket (`https://…#sse_…`)
/// when `code` is one, else as given. A ticket for another address than one typed is
/// refused: the person meant one of them, and the till must not guess which.
fn where_to_enrol<'a>(url: &'a str, code: &'a str) -> Result<(&'a str, &'a str)> {
    let Some((server, code)) = keys::read_enrolment_ticket(code) else {
        return Ok((url, code));
    };
    let typed = url.trim().trim_end_matches('/');
    if !typed.is_empty() && typed != server {
        return Err(SyncError::BadServerUrl {
            url: typed.to_owned(),
            reason: format!(
                "the code scanned is for {server}: leave the address empty, or type that one"
            ),
        });
    }
    Ok((server, code))
}

/// Moves `till` (syncing with a MongoDB directly, or not at all) to the gateway at `url`,
/// enrolled with a one-time `code` for its own store, with the leave core gave. Nothing
/// it sent is sent again (its outbox stays as it is) and its pull goes on from where it
/// stands: the gateway reads the same central database.
pub async fn switch_to_gateway(
    till: &Till,
    approval: &SyncSetupApproval,
    url: &str,
    code: &str,
) -> Result<GatewayConfig> {
    let store = till.store().id.to_string();
    let till_id = till.till_id().to_string();
    let enrolled = enrol(
        url,
        code,
        Some(till.till_code()),
        Some(&store),
        Some(&till_id),
    )
    .await?;
    let config = GatewayConfig::new(url, enrolled.device_token)?;
    SyncTarget::Gateway(config.clone()).save(till.data_dir(), approval)?;
    info!(device = %enrolled.device_id, server = %config.url, "till moved to the gateway");
    Ok(config)
}

/// Enrols a till at the gateway `url` with a one-time `code`; `store` and `till_id`: the
/// store the till already is of, which the code must be for, and its own id.
async fn enrol(
    url: &str,
    code: &str,
    till_code: Option<&str>,
    store: Option<&str>,
    till_id: Option<&str>,
) -> Result<EnrolResponse> {
    let url = check_url(url)?;
    let request = http_client()?
        .post(format!("{url}/v1/tills/enrol"))
        .json(&EnrolRequest {
            code: code.trim().to_owned(),
            till_code: till_code.map(str::to_owned),
            store_id: store.map(str::to_owned),
            till_id: till_id.map(str::to_owned),
        });
    answer(&url, request.send().await).await
}

fn http_client() -> Result<reqwest::Client> {
    // The till's TLS uses ring, as the MongoDB driver's does: one crypto library.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("sellsync-till/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SyncError::UnexpectedReply(format!("no HTTP client: {e}")))
}

/// The gateway's answer as `T`, or the error it means.
async fn answer<T: DeserializeOwned>(
    url: &str,
    sent: reqwest::Result<reqwest::Response>,
) -> Result<T> {
    let unreachable = || SyncError::ServerUnreachable {
        server: url.to_owned(),
    };
    let response = sent.map_err(|e| {
        debug!(error = %e, "the gateway did not answer");
        unreachable()
    })?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.map_err(|_| unreachable())?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| SyncError::UnexpectedReply(format!("from {url}: {e}")));
    }
    if matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    ) && serde_json::from_slice::<Problem>(&body).is_err()
    {
        // A load balancer's page: the gateway behind it is not there.
        return Err(unreachable());
    }
    if let (StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS, Some(retry_after)) =
        (status, retry_after)
    {
        return Err(SyncError::ServerBusy { retry_after });
    }
    let problem: Problem = serde_json::from_slice(&body).unwrap_or_else(|_| Problem {
        title: status.to_string(),
        status: status.as_u16(),
        detail: String::from_utf8_lossy(&body).chars().take(200).collect(),
        code: String::new(),
    });
    Err(SyncError::Server {
        status: status.as_u16(),
        code: problem.code,
        message: if problem.detail.is_empty() {
            problem.title
        } else {
            problem.detail
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_the_credential_never_shown() {
        let config = GatewayConfig::new(" https://sync.example.com/ ", "ssd_secret").unwrap();
        assert_eq!(config.url, "https://sync.example.com");
        assert!(!format!("{config} {config:?}").contains("ssd_secret"));
        for bad in ["sync.example.com", "ftp://sync.example.com", "https://"] {
            let err = GatewayConfig::new(bad, "t").unwrap_err();
            assert_eq!(err.code(), "bad_server_url", "{bad}");
        }
        // Plain HTTP: to this machine only, unless the operator allows it.
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:80",
        ] {
            assert!(check_url_allowing(local, false).is_ok(), "{local}");
        }
        let err = check_url_allowing("http://sync.example.com", false).unwrap_err();
        assert!(err.to_string().contains("unencrypted"), "{err}");
        assert!(check_url_allowing("http://10.0.0.5:8080", false).is_err());
        assert!(check_url_allowing("http://10.0.0.5:8080", true).is_ok());
    }

    #[test]
    fn a_scanned_ticket_names_the_server_unless_another_was_typed() {
        let code = "sse_0123456789abcdef_ABCDEF";
        let ticket = format!("https://sync.example.com#{code}");
        assert_eq!(
            where_to_enrol("", &ticket).unwrap(),
            ("https://sync.example.com", code)
        );
        assert_eq!(
            where_to_enrol("https://sync.example.com/", &ticket).unwrap(),
            ("https://sync.example.com", code)
        );
        assert_eq!(
            where_to_enrol("https://a.example.com", code).unwrap(),
            ("https://a.example.com", code)
        );
        let err = where_to_enrol("https://other.example.com", &ticket).unwrap_err();
        assert_eq!(err.code(), "bad_server_url");
        assert!(err.to_string().contains("sync.example.com"), "{err}");
    }
}
