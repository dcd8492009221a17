//! A till that traded offline: the demo store in DIR with SALES cash sales waiting in its
//! outbox, pointed at the central database URI, so that the desktop app opened on DIR
//! starts uploading the backlog at once. `tests/desktop-e2e --bench` measures the window
//! while it does.
//!
//!     cargo run --release -p sellsync-sync --example offline_till -- DIR SALES URI

use sellsync_core::demo::DEMO_LOGINS;
use sellsync_core::{Credential, Till};
use sellsync_sync::{CentralConfig, SyncTarget};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, sales, uri] = args.as_slice() else {
        return Err("usage: offline_till DIR SALES URI".into());
    };
    let dir = std::path::Path::new(dir);
    let (mut till, _) = Till::create_demo(dir)?;
    till.ring_up_demo_sales(sales.parse()?)?;
    let owner = &DEMO_LOGINS[0];
    let admin = till.sign_in(owner.email, Credential::Pin(owner.pin))?;
    let approval = till.approve_sync_setup(&admin)?;
    SyncTarget::from(CentralConfig::new(
        uri.clone(),
        Some(format!("bench_backlog_{}", std::process::id())),
    )?)
    .save(dir, &approval)?;
    println!("{} operations waiting", till.outbox_counts()?.pending);
    Ok(())
}
