//! The real gateway binary against the MongoDB-wire test server, and how tests call it.
#![allow(dead_code)] // each test file uses its own share of the helpers

use sellsync_contract::Quantity;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use std::path::Path;

pub mod conform;

use mongodb::Client;
use sellsync_core::{Actor, Cart, CartCustomer, Tender, Till};
use sellsync_sync::{Engine, EngineOptions, EngineStatus, SyncError, SyncTarget};

pub fn uri() -> String {
    std::env::var("SELLSYNC_TEST_MONGODB_URI")
        .expect("the gateway tests need a MongoDB-wire server: run them with `bash tests/run`")
}

pub fn database(name: &str) -> String {
    format!("gateway_{name}_{}", std::process::id())
}

pub fn server(args: &[&str], database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sellsync-server"));
    command
        .args(args)
        .env("SELLSYNC_MONGODB_URI", uri())
        .env("SELLSYNC_MONGODB_DATABASE", database)
        .env("RUST_LOG", "warn");
    command
}

/// Runs `sellsync-server ARGS` on `database` and answers what it printed; it must succeed.
pub fn run_ok(args: &[&str], database: &str) -> String {
    let out = server(args, database).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// `admin create-business`: its output, and the key it showed once.
pub fn create_business(database: &str, name: &str, plan: &str) -> (String, String) {
    let text = run_ok(
        &[
            "admin",
            "create-business",
            "--name",
            name,
            "--owner-email",
            "Owner@Example.com",
            "--owner-pin",
            "4321",
            "--plan",
            plan,
            "--store",
            "Main Street",
        ],
        database,
    );
    let key = text.lines().last().unwrap().to_owned();
    (text, key)
}

/// The gateway serving on a free port, and its address.
pub struct Gateway {
    child: Child,
    pub base: String,
}

impl Gateway {
    pub fn start(database: &str) -> Gateway {
        Gateway::start_on(database, &uri())
    }

    /// A gateway reaching MongoDB at `mongodb` (a proxy in front of the test server, say).
    pub fn start_on(database: &str, mongodb: &str) -> Gateway {
        Gateway::spawn(database, mongodb, &[])
    }

    /// A gateway started with more arguments (`--rate-limit 5`, say).
    pub fn start_with(database: &str, args: &[&str]) -> Gateway {
        Gateway::spawn(database, &uri(), args)
    }

    fn spawn(database: &str, mongodb: &str, args: &[&str]) -> Gateway {
        let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut child = server(&all, database)
            .env("SELLSYNC_MONGODB_URI", mongodb)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("sellsync-server listening on ")
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();
        Gateway { child, base }
    }

    /// GET `path` with `key` as the bearer: the status and the JSON body.
    pub fn get(&self, path: &str, key: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = agent().get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        read(request.call().unwrap())
    }

    /// POST `body` (raw text) to `path` with `key` as the bearer: the status and the
    /// JSON body.
    pub fn post(&self, path: &str, key: Option<&str>, body: &str) -> (u16, serde_json::Value) {
        self.request("POST", path, key, body)
    }

    /// POST as a till's sync engine does: a 429 (the till's rate, which a test running
    /// fast can outrun) is waited out for its Retry-After and sent again, up to five
    /// times; the status and the JSON body.
    pub fn post_as_till(&self, path: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
        for _ in 0..5 {
            let (status, headers, answer) = self.call("POST", path, Some(token), body, &[]);
            if status != 429 {
                return (status, answer);
            }
            let wait = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            std::thread::sleep(std::time::Duration::from_secs(wait));
        }
        panic!("{path}: still rate limited after five waits");
    }

    /// `method` with `body` (raw text) to `path` with `key` as the bearer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: &str,
    ) -> (u16, serde_json::Value) {
        self.request_with(method, path, key, body, &[])
    }

    /// The same with more headers.
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: &str,
        headers: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let (status, _, body) = self.call(method, path, key, body, headers);
        (status, body)
    }

    /// Sends `request` as it is over a new connection; the answer as text.
    pub fn raw(&self, request: &str) -> String {
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect(self.base.trim_start_matches("http://")).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut answer = Vec::new();
        let mut chunk = [0_u8; 4096];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&chunk[..n]);
            if String::from_utf8_lossy(&answer).contains("\"code\"") {
                break;
            }
        }
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// GET `path`: the status, the headers and the JSON body.
    pub fn get_with_headers(
        &self,
        path: &str,
        key: Option<&str>,
    ) -> (u16, Vec<(String, String)>, serde_json::Value) {
        self.call("GET", path, key, "", &[])
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Vec<(String, String)>, serde_json::Value) {
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(key) = key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = agent().run(request.body(body.to_owned()).unwrap()).unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}"))
        };
        (status, headers, json)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, serde_json::Value) {
    let body = response.body_mut().read_to_string().unwrap();
    (
        response.status().as_u16(),
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}")),
    )
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn db(database: &str) -> mongodb::Database {
    Client::with_uri_str(uri())
        .await
        .unwrap()
        .database(database)
}

/// The id `admin create-business` printed after `what` ("business", "store", "owner").
pub fn id_in(output: &str, what: &str) -> String {
    output
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{what} ")))
        .unwrap_or_else(|| panic!("no {what} in {output}"))
        .to_owned()
}

/// `admin enrol`: a one-time code for a new till of `store`.
pub fn enrolment_code(database: &str, business: &str, store: &str) -> String {
    let text = run_ok(
        &["admin", "enrol", "--business", business, "--store", store],
        database,
    );
    let code = text.lines().last().unwrap().to_owned();
    assert!(code.starts_with("sse_"), "{text}");
    code
}

/// Syncs the till in `dir` through the gateway it is enrolled at, until nothing waits.
pub async fn sync(dir: &Path) -> Result<EngineStatus, SyncError> {
    let target = SyncTarget::for_till(dir, None, None).unwrap().unwrap();
    assert!(matches!(target, SyncTarget::Gateway(_)), "{target}");
    let mut engine = Engine::new(dir, target, EngineOptions::default()).unwrap();
    engine.run_until_idle(2, |_| {}).await
}

/// The till's credential, as its enrolment saved it.
pub fn token_of(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("sync.toml")).unwrap();
    let settings: toml::Table = toml::from_str(&text).unwrap();
    settings["device_token"].as_str().unwrap().to_owned()
}

/// Sells `quantity` of `sku` for cash as `cashier`, to `customer` if one is given.
pub fn sell(
    till: &mut Till,
    cashier: &Actor,
    sku: &str,
    quantity: i64,
    customer: Option<CartCustomer>,
) {
    let mut cart = Cart::new();
    till.ring_up(&mut cart, sku, Quantity::units(quantity))
        .unwrap();
    cart.set_customer(customer);
    let cash = Tender {
        method: till.payment_method("cash").unwrap(),
        amount: None,
    };
    till.complete_sale(cashier, &cart, &[cash]).unwrap();
}

/// How long a gateway keeps what an API key was found to be (`auth::CALLER_FOR`): a
/// change to the key or its business takes effect within it.
pub const CALLER_FOR: std::time::Duration = std::time::Duration::from_secs(5);

/// The first `Some` that `attempt` gives within `bound` (tried every 100 ms), and how long
/// it took; panics with `what` if none came.
pub fn within<T>(
    bound: std::time::Duration,
    what: &str,
    mut attempt: impl FnMut() -> Option<T>,
) -> (T, std::time::Duration) {
    let started = std::time::Instant::now();
    loop {
        if let Some(found) = attempt() {
            return (found, started.elapsed());
        }
        assert!(started.elapsed() < bound, "not within {bound:?}: {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
