//! README.md's commands, run as a newcomer would: they are read from the README itself and
//! run in the order it gives them — the tour of the command line on the demo store, and
//! "Pointing a till at the gateway" against the real gateway (with the test server's
//! database, a business made here and the code the first command prints in place of the
//! README's placeholders). A command the README changes is the command this test runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bson::Document;
use common::{create_business, database, db, id_in, uri, Gateway};

/// The `sellsync` command line, built beside the gateway by `cargo test --workspace`.
fn till_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_sellsync-server")).with_file_name("sellsync");
    assert!(
        path.exists(),
        "{} is not built: run the tests of the whole workspace (bash tests/run)",
        path.display()
    );
    path
}

/// The commands of the first code block after `heading`, continuation lines joined, with
/// optional parts (`[--date 2026-11-25]`) left out.
fn commands_after(readme: &str, heading: &str) -> Vec<String> {
    let section = &readme[readme
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading}"))..];
    let block: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with("    "))
        .take_while(|l| l.starts_with("    ") || l.is_empty())
        .collect();
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in block
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                // A quote left open goes on on the next line.
                let code = current.lines().map(|l| l.split(" #").next().unwrap_or(l));
                if code.map(|l| l.matches('\'').count()).sum::<usize>() % 2 == 1 {
                    current.push('\n');
                    continue;
                }
                commands.push(without_options(&std::mem::take(&mut current)));
            }
        }
    }
    commands
}

/// `command` without its optional parts: `[--date 2026-11-25]`, `[N]` (a JSON array,
/// `["read"]`, stays).
fn without_options(command: &str) -> String {
    let mut kept = String::new();
    let mut rest = command;
    while let Some(start) = rest.find('[') {
        let (before, from) = rest.split_at(start);
        kept.push_str(before);
        let end = from.find(']').map_or(from.len(), |e| e + 1);
        let inside = &from[1..end.saturating_sub(1).max(1)];
        let optional = inside.starts_with("--")
            || (!inside.is_empty() && inside.chars().all(|c| c.is_ascii_uppercase()));
        if !optional {
            kept.push_str(&from[..end]);
        }
        rest = &from[end..];
    }
    kept.push_str(rest);
    kept
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap()
}

#[test]
fn the_readmes_tour_of_the_command_line_runs_as_written_on_the_demo_store() {
    let commands = commands_after(&readme(), "## A tour of the command line");
    assert!(commands.len() >= 40, "{commands:?}");
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("products.csv"),
        "sku,name,price,barcode\nTEA-2,Genmaicha 100 g,6.50,\nTEA-3,Hojicha 100 g,6.90,\n",
    )
    .unwrap();
    let till = till_binary();
    let readme = readme();
    // The tour, then an admin's API key made at the till (offline), then a new business
    // of its own in another folder.
    let key = commands_after(&readme, "an admin can also make a key at a till");
    let new_business = commands_after(&readme, "A new business instead of the demo:");
    assert_eq!((key.len(), new_business.len()), (1, 1));
    for (folder, command) in commands
        .iter()
        .chain(&key)
        .map(|c| ("till", c))
        .chain(new_business.iter().map(|c| ("kissa", c)))
    {
        let command = command.replacen(
            "sellsync ",
            &format!("{} --data-dir {folder} ", till.display()),
            1,
        );
        run(&command, work.path());
    }
}

fn run(command: &str, dir: &Path) -> String {
    let (ok, text) = try_run(command, dir);
    assert!(ok, "{command}\n{text}");
    text
}

/// Runs `command`: whether it succeeded, and what it printed (and said on stderr).
fn try_run(command: &str, dir: &Path) -> (bool, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env_remove("SELLSYNC_MONGODB_URI")
        .env_remove("SELLSYNC_MONGODB_DATABASE")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_readmes_enrolment_commands_set_up_a_till_that_syncs_through_the_gateway() {
    let name = database("readme");
    let (created, _) = create_business(&name, "Corner Market", "Standard");
    let (business, store) = (id_in(&created, "business"), id_in(&created, "store"));
    let gateway = Gateway::start(&name);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let commands = commands_after(&readme, "### Pointing a till at the gateway");
    assert_eq!(commands.len(), 3, "{commands:?}");
    let work = tempfile::tempdir().unwrap();
    let server = env!("CARGO_BIN_EXE_sellsync-server");
    let till = till_binary();
    let mut code = String::new();
    for command in commands {
        let command = command
            .replace("cargo run -q -p sellsync-server --", server)
            .replace(
                "sellsync --data-dir",
                &format!("{} --data-dir", till.display()),
            )
            .replace("\"mongodb://…\"", &format!("'{}'", uri()))
            .replace("--database shop", &format!("--database {name}"))
            .replace("BUSINESS_ID", &business)
            .replace("STORE_ID", &store)
            .replace("http://127.0.0.1:8080", &gateway.base)
            .replace("sse_…", &code);
        let printed = run(&command, work.path());
        if let Some(made) = printed.lines().rev().find(|l| l.starts_with("sse_")) {
            code = made.to_owned();
        }
    }
    assert!(code.starts_with("sse_"), "the first command printed a code");

    // The till's manager makes a code for the next till, as the README says.
    let printed = run(
        &format!(
            "{} --data-dir till2 sync enrol-code --user owner@example.com --pin 4321",
            till.display()
        ),
        work.path(),
    );
    assert!(printed.contains("sse_"), "{printed}");
    let status = run(
        &format!("{} --data-dir till2 sync status", till.display()),
        work.path(),
    );
    assert!(status.contains(&gateway.base), "{status}");

    // Staff taken on at the till wait for a person the server verified; the owner
    // confirms at the till, and they go.
    let at_till = |args: &str| format!("{} --data-dir till2 {args}", till.display());
    run(
        &at_till("user add --user owner@example.com --pin 4321 --name 'Lee Park' --email lee@example.com --role cashier --new-pin 5555"),
        work.path(),
    );
    let (_, text) = try_run(&at_till("sync --once"), work.path());
    let status = run(&at_till("sync status --json"), work.path());
    let status: serde_json::Value =
        serde_json::from_str(&status).unwrap_or_else(|_| panic!("{status}"));
    assert_eq!(status["parked"], 1, "{status} {text}");
    let outbox = run(
        &at_till("outbox --user owner@example.com --pin 4321 --json"),
        work.path(),
    );
    assert!(outbox.contains("needs_verified_person"), "{outbox}");
    let confirmed = run(
        &at_till("sync confirm --user owner@example.com --pin 4321"),
        work.path(),
    );
    assert!(confirmed.contains("1 change(s)"), "{confirmed}");
    run(&at_till("sync --once"), work.path());
    let status = run(&at_till("sync status --json"), work.path());
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(
        (&status["parked"], &status["pending"]),
        (&serde_json::json!(0), &serde_json::json!(0)),
        "{status}"
    );
    let (ok, text) = try_run(
        &at_till("sync confirm --user owner@example.com --pin 9999"),
        work.path(),
    );
    assert!(!ok && text.contains("Wrong PIN"), "{text}");
}

/// README's command for the till in `till` (its own `--data-dir`, or `till`), with the
/// test server's database in place of the README's.
fn at_a_till(command: &str, name: &str) -> String {
    let till = till_binary();
    let command = command
        .replace(
            "\"mongodb+srv://till:PASSWORD@cluster0.example.net\"",
            &format!("'{}'", uri()),
        )
        .replace("\"mongodb+srv://…\"", &format!("'{}'", uri()))
        .replace("--database shop", &format!("--database {name}"));
    match command.strip_prefix("sellsync --data-dir") {
        Some(rest) => format!("{} --data-dir{rest}", till.display()),
        None => command.replacen(
            "sellsync ",
            &format!("{} --data-dir till ", till.display()),
            1,
        ),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readmes_mongodb_commands_sync_the_demo_store_and_set_up_a_second_till() {
    let name = database("readme_mongodb");
    let work = tempfile::tempdir().unwrap();
    run(&at_a_till("sellsync init --demo", &name), work.path());
    let readme = readme();
    for command in commands_after(&readme, "## Pointing a till at MongoDB") {
        let command = at_a_till(&command, &name);
        // "keep syncing until Ctrl-C": a few seconds of it, then Ctrl-C.
        let forever = command.split('#').next().unwrap().trim().ends_with(" sync");
        if forever {
            run(
                &format!("timeout --preserve-status -s INT 5 {command}"),
                work.path(),
            );
        } else {
            run(&command, work.path());
        }
    }
    let store = db(&name)
        .await
        .collection::<Document>("stores")
        .find_one(bson::doc! {})
        .await
        .unwrap()
        .unwrap();
    let business = store.get_object_id("business_id").unwrap().to_hex();
    let store = store.get_object_id("_id").unwrap().to_hex();
    let second = commands_after(
        &readme,
        "A second till of a store starts from the central data",
    );
    assert_eq!(second.len(), 1, "{second:?}");
    run(
        &at_a_till(&second[0], &name).replace("STORE_ID", &store),
        work.path(),
    );
    // Its staff sign in with the PINs they already have.
    run(
        &at_a_till(
            "sellsync --data-dir till2 shift open --float 50.00 --user cashier@example.com --pin 1111",
            &name,
        ),
        work.path(),
    );

    // A change central refuses for good is parked; a manager retries it, then discards it.
    for folder in ["till2", "till"] {
        run(
            &at_a_till(
                &format!("sellsync --data-dir {folder} product add --user manager@example.com --pin 2345 --sku DUP-1 --name Twice --price 1.00"),
                &name,
            ),
            work.path(),
        );
        let _ = try_run(
            &at_a_till(&format!("sellsync --data-dir {folder} sync --once"), &name),
            work.path(),
        );
    }
    let outbox = run(
        &at_a_till(
            "sellsync outbox --user manager@example.com --pin 2345 --json",
            &name,
        ),
        work.path(),
    );
    let outbox: serde_json::Value = serde_json::from_str(&outbox).unwrap();
    let parked = outbox
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["state"] == "parked")
        .unwrap_or_else(|| panic!("nothing parked: {outbox}"));
    let seq = parked["seq"].to_string();
    let retry_and_discard = commands_after(&readme, "retries or discards it:");
    assert_eq!(retry_and_discard.len(), 2, "{retry_and_discard:?}");
    for command in retry_and_discard {
        run(
            &at_a_till(&command, &name).replace("SEQ", &seq),
            work.path(),
        );
        // Retried, it is sent again, and refused again.
        let _ = try_run(&at_a_till("sellsync sync --once", &name), work.path());
    }
    let status = run(
        &at_a_till("sellsync sync status --json", &name),
        work.path(),
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["parked"], 0, "discarded: {status}");

    // The first till moves to the gateway, as the README says.
    let gateway = Gateway::start(&name);
    let code = common::enrolment_code(&name, &business, &store);
    let moves = commands_after(&readme, "moves to the gateway without sending");
    assert_eq!(moves.len(), 1, "{moves:?}");
    run(
        &at_a_till(&moves[0], &name)
            .replace("https://sync.example.com", &gateway.base)
            .replace("sse_…", &code),
        work.path(),
    );
    let status = run(&at_a_till("sellsync sync status", &name), work.path());
    assert!(status.contains(&gateway.base), "{status}");
}

/// A free port on this machine.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_readmes_gateway_commands_serve_a_business_and_its_rest_api() {
    let name = database("readme_gateway");
    let work = tempfile::tempdir().unwrap();
    let readme = readme();
    let address = format!("127.0.0.1:{}", free_port());
    let server = env!("CARGO_BIN_EXE_sellsync-server");
    let as_here = |command: &str, key: &str| {
        command
            .replace("cargo run -q -p sellsync-server --", server)
            .replace("\"mongodb://…\"", &format!("'{}'", uri()))
            .replace("--database shop", &format!("--database {name}"))
            .replace("127.0.0.1:8080", &address)
            .replace("ssk_…", key)
    };
    let commands = commands_after(&readme, "Against a real MongoDB (a replica set, or Atlas):");
    assert_eq!(commands.len(), 4, "{commands:?}");
    let created = run(&as_here(&commands[0], ""), work.path());
    let key = created
        .lines()
        .find(|l| l.starts_with("ssk_"))
        .unwrap_or_else(|| panic!("no key: {created}"))
        .to_owned();
    let serving = Serving(
        Command::new("sh")
            .arg("-c")
            .arg(format!("exec {}", as_here(&commands[1], &key)))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(
            started.elapsed().as_secs() < 30,
            "the gateway did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let business = run(&as_here(&commands[2], &key), work.path());
    assert!(business.contains("Corner Market"), "{business}");
    let health = run(&as_here(&commands[3], &key), work.path());
    assert!(health.contains("\"ok\""), "{health}");

    // The REST API's examples, with the business's key, store and a product of its own.
    let store = id_in(&created, "store");
    let product = run(
        &format!(
            "curl -s -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' -X POST http://{address}/v1/products -d '{{\"sku\": \"TEA-1\", \"product_name\": \"Sencha\", \"price\": \"7.50\"}}'"
        ),
        work.path(),
    );
    let product: serde_json::Value =
        serde_json::from_str(&product).unwrap_or_else(|_| panic!("{product}"));
    let product = product["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{product}"))
        .to_owned();
    let rest = commands_after(&readme, "the `KEY` and `STORE` it printed, then:");
    assert_eq!(rest.len(), 8, "{rest:?}");
    for command in rest {
        let answer = run(
            &format!(
                "KEY={key}; STORE={store}; PRODUCT={product}; {}",
                as_here(&command, &key)
            ),
            work.path(),
        );
        assert!(
            !answer.contains("\"status\":4") && !answer.contains("\"status\": 4"),
            "{command}: {answer}"
        );
    }
    drop(serving);
}

/// A command serving in the background, stopped when the test ends (or fails).
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// emupos's virtual network printer (`tests/emupos serve`), stopped when dropped: its
/// ESC/POS port.
fn virtual_printer(dir: &Path) -> (Serving, u16) {
    let (port, api) = (free_port(), free_port());
    let mut child = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/emupos"))
        .args([
            "serve",
            "--port",
            &port.to_string(),
            "--api-port",
            &api.to_string(),
        ])
        .arg("--dir")
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.starts_with("ready"), "emupos: {line}");
    (Serving(child), port)
}

#[test]
fn the_readmes_printing_commands_print_on_a_virtual_printer() {
    let work = tempfile::tempdir().unwrap();
    let printer_dir = tempfile::tempdir().unwrap();
    let (_printer, port) = virtual_printer(printer_dir.path());
    let till = till_binary();
    let readme = readme();
    run(
        &format!("{} --data-dir till init --demo", till.display()),
        work.path(),
    );
    let setup = commands_after(&readme, "An admin sets it up\nonce per till:");
    let then = commands_after(&readme, "## Receipts and the cash drawer");
    let printing = commands_after(&readme[readme.find("once per till:").unwrap()..], "Then:");
    assert_eq!(
        (setup.len(), printing.len()),
        (6, 7),
        "{setup:?} {printing:?}"
    );
    assert_eq!(then, setup);
    for command in setup.iter().chain(&printing) {
        let command = command
            .replace(
                "tcp://192.168.1.50:9100",
                &format!("tcp://127.0.0.1:{port}"),
            )
            .replacen(
                "sellsync ",
                &format!("{} --data-dir till ", till.display()),
                1,
            );
        run(&command, work.path());
    }
    assert!(work.path().join("receipt.bin").exists());
    // What came out of the virtual printer: the test page, the sale's receipt, its copy, the
    // receipt sent to the printer by address, and two shelf labels, each cut.
    let printed = || -> Vec<String> {
        std::fs::read_dir(printer_dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    };
    // The printer writes a receipt down once it is cut and done.
    let started = std::time::Instant::now();
    while printed().len() < 6 && started.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let printed = printed();
    assert_eq!(printed.len(), 6, "receipts printed: {printed:?}");
    assert_eq!(
        printed.iter().filter(|r| r.contains("PRO-001")).count(),
        2,
        "the shelf labels name the product's SKU: {printed:?}"
    );
    assert!(printed
        .iter()
        .any(|r| r.contains("COPY") && r.contains("T1-000001")));
}
