//! The real gateway binary against the MongoDB-wire test server, and how tests call it.
#![allow(dead_code)] // each test file uses its own share of the helpers

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use mongodb::Client;

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
        .env("SELLSYNC_DATABASE", database)
        .env("RUST_LOG", "warn");
    command
}

/// `admin create-business`: its output, and the key it showed once.
pub fn create_business(database: &str, name: &str, plan: &str) -> (String, String) {
    let out = server(
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
    )
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
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
        let mut child = server(&["serve", "--listen", "127.0.0.1:0"], database)
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
        let mut request = agent()
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(key) = key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        read(request.send(body).unwrap())
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
    let out = server(
        &["admin", "enrol", "--business", business, "--store", store],
        database,
    )
    .output()
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = text.lines().last().unwrap().to_owned();
    assert!(code.starts_with("sse_"), "{text}");
    code
}
