//! `sellsync sync`: the sync engine in the foreground, its status, its settings, a
//! manager's retry or discard of a parked change, and the tills' journals checked as the
//! central database holds them.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use sellsync_central::audit;
use sellsync_core::{Permission, Till};
use sellsync_sync::{Central, CentralConfig, Engine, EngineOptions, EngineStatus, SyncTarget};

use crate::output::Printer;
use crate::SignIn;

/// Transient failures in a row after which `sync --once` gives up (the outbox is intact).
const ONCE_MAX_FAILURES: u32 = 5;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    action: Option<SyncCommand>,
    #[command(flatten)]
    central: CentralArgs,
    /// Stop when the outbox is empty and the central changes are in, instead of running
    /// until Ctrl-C
    #[arg(long)]
    once: bool,
}

/// Which central database: given here, or the one saved with `sellsync sync setup`.
#[derive(Args)]
struct CentralArgs {
    /// MongoDB connection string [default: the till's saved sync settings]
    #[arg(long, env = "SELLSYNC_MONGODB_URI", hide_env_values = true)]
    mongodb: Option<String>,
    /// The database holding the business's collections [default: sellsync]
    #[arg(long, env = "SELLSYNC_MONGODB_DATABASE")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// What waits to be sent, what is parked, and the last contact
    Status,
    /// Save where this till syncs (in sync.toml, readable by you only): a central MongoDB
    /// (--mongodb), or the Sell Sync server, enrolled with a one-time code for this till's
    /// store (--server URL --enrol CODE; nothing already sent is sent again)
    Setup {
        #[command(flatten)]
        sign_in: SignIn,
        #[command(flatten)]
        central: CentralArgs,
        /// The Sell Sync server's address
        #[arg(
            long,
            value_name = "URL",
            requires = "enrol",
            conflicts_with = "mongodb"
        )]
        server: Option<String>,
        /// With --server: the one-time enrolment code an admin made for this store
        #[arg(long, value_name = "CODE", requires = "server")]
        enrol: Option<String>,
    },
    /// Be verified by the Sell Sync server at this till (your PIN or password checked
    /// centrally), so that what only a person may allow (staff, API keys, payment methods,
    /// products of every store) goes through for a while; what waited for that is sent
    /// again as yours
    Confirm {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// A one-time code that enrols another till of this store at the Sell Sync server
    /// (needs manage_sync, and this till enrolled there)
    EnrolCode {
        #[command(flatten)]
        sign_in: SignIn,
    },
    /// Send a parked change again (needs manage_sync)
    Retry {
        #[command(flatten)]
        sign_in: SignIn,
        /// The change's number (SEQ in `sellsync outbox`)
        seq: i64,
    },
    /// Give up a parked change: kept in the outbox, never sent (needs manage_sync)
    Discard {
        #[command(flatten)]
        sign_in: SignIn,
        seq: i64,
    },
    /// Check the journal of every till of the business as the central database holds it
    /// (needs view_reports)
    Journal {
        #[command(flatten)]
        sign_in: SignIn,
        #[command(flatten)]
        central: CentralArgs,
    },
}

pub fn sync(dir: &Path, till: &mut Till, args: SyncArgs, out: &Printer) -> Result<()> {
    match args.action {
        None => {
            let config = central(dir, args.central)?.context(
                "no central database is set for this till: give --mongodb URI, or save one with \
                 `sellsync sync setup --mongodb URI`. Until then the till works offline.",
            )?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(run_engine(dir, config, args.once, till, out))
        }
        Some(SyncCommand::Status) => {
            let config = central(dir, args.central)?;
            out.sync_status(till, config.as_ref(), &till.sync_status()?)
        }
        Some(SyncCommand::Setup {
            sign_in,
            central: given,
            server,
            enrol,
        }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            let approval = till.approve_sync_setup(&actor)?;
            let target = match (server, enrol) {
                (Some(server), Some(code)) => {
                    let runtime = tokio::runtime::Runtime::new()?;
                    runtime
                        .block_on(sellsync_sync::gateway::switch_to_gateway(
                            till, &approval, &server, &code,
                        ))?
                        .into()
                }
                _ => {
                    let target = central(dir, given)?.context(
                        "give the connection string with --mongodb URI, or the Sell Sync \
                         server with --server URL --enrol CODE",
                    )?;
                    target.save(dir, &approval)?;
                    target
                }
            };
            out.sync_status(till, Some(&target), &till.sync_status()?)
        }
        Some(SyncCommand::Confirm { sign_in }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            let runtime = tokio::runtime::Runtime::new()?;
            let verified = runtime.block_on(sellsync_sync::gateway::verify_person(
                till,
                &actor,
                crate::credential(&sign_in)?,
            ))?;
            let Some(verification) = verified else {
                bail!(
                    "this till does not sync through the Sell Sync server: nothing needs confirming"
                );
            };
            out.verified(&verification)
        }
        Some(SyncCommand::EnrolCode { sign_in }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            till.approve_sync_setup(&actor)?;
            let Some(SyncTarget::Gateway(config)) = central(dir, args.central)? else {
                bail!(
                    "this till does not sync through the Sell Sync server: an admin makes codes \
                     with `sellsync-server admin enrol`"
                );
            };
            let runtime = tokio::runtime::Runtime::new()?;
            let made = runtime.block_on(async {
                sellsync_sync::gateway::GatewayClient::new(&config)?
                    .enrolment_code()
                    .await
            })?;
            out.enrolment_code(&made)
        }
        Some(SyncCommand::Retry { sign_in, seq }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            till.retry_parked(&actor, seq)?;
            out.sync_status(
                till,
                central(dir, args.central)?.as_ref(),
                &till.sync_status()?,
            )
        }
        Some(SyncCommand::Discard { sign_in, seq }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            till.discard_parked(&actor, seq)?;
            out.sync_status(
                till,
                central(dir, args.central)?.as_ref(),
                &till.sync_status()?,
            )
        }
        Some(SyncCommand::Journal {
            sign_in,
            central: given,
        }) => {
            let actor = crate::sign_in(till, &sign_in)?;
            actor.require(Permission::ViewReports)?;
            let Some(SyncTarget::Mongo(config)) = central(dir, given)? else {
                bail!(
                    "the journals are checked in the central MongoDB: give --mongodb URI \
                     (a till that syncs through the Sell Sync server has no database access)"
                );
            };
            let runtime = tokio::runtime::Runtime::new()?;
            let journals = runtime.block_on(async {
                let central = Central::connect(&config).await?;
                audit::verify_journals(&central, till.business().id).await
            })?;
            out.central_journals(till, &journals)?;
            match journals.iter().find(|j| j.broken.is_some()) {
                Some(j) => bail!(
                    "the journal of till {} does not verify centrally",
                    j.till_id
                ),
                None => Ok(()),
            }
        }
    }
}

/// `sellsync init --from-mongodb`: a new till of an existing store, from the central
/// data, which then syncs with the same central database.
pub fn provision(
    dir: &Path,
    uri: String,
    database: Option<String>,
    store_id: &str,
    till_code: Option<String>,
    out: &Printer,
) -> Result<()> {
    let config = CentralConfig::new(uri, database)?;
    let started = Instant::now();
    let runtime = tokio::runtime::Runtime::new()?;
    let spinner = if out.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner().with_message(format!("reading the store's data from {config}"))
    };
    spinner.enable_steady_tick(Duration::from_millis(120));
    let provisioned = runtime.block_on(sellsync_sync::pull::provision(
        dir,
        &config,
        store_id,
        till_code.as_deref(),
    ));
    spinner.finish_and_clear();
    let (till, pulled) = provisioned?;
    out.till_provisioned(&till, &config.into(), &pulled, started.elapsed())
}

/// `sellsync init --server URL --enrol CODE`: a new till of an existing store, enrolled at
/// the Sell Sync server, which then syncs through it.
pub fn enrol(
    dir: &Path,
    server: &str,
    code: &str,
    till_code: Option<String>,
    out: &Printer,
) -> Result<()> {
    let started = Instant::now();
    let runtime = tokio::runtime::Runtime::new()?;
    let spinner = if out.json {
        ProgressBar::hidden()
    } else {
        let at =
            sellsync_contract::secrets::read_enrolment_ticket(code).map_or(server, |(at, _)| at);
        ProgressBar::new_spinner().with_message(format!("enrolling at {at}"))
    };
    spinner.enable_steady_tick(Duration::from_millis(120));
    let enrolled = runtime.block_on(sellsync_sync::gateway::enrol_till(
        dir,
        server,
        code,
        till_code.as_deref(),
    ));
    spinner.finish_and_clear();
    let (till, pulled) = enrolled?;
    let target = SyncTarget::for_till(dir, None, None)?
        .context("the till was enrolled but its sync settings were not saved")?;
    out.till_provisioned(&till, &target, &pulled, started.elapsed())
}

fn central(dir: &Path, args: CentralArgs) -> Result<Option<SyncTarget>> {
    Ok(SyncTarget::for_till(dir, args.mongodb, args.database)?)
}

async fn run_engine(
    dir: &Path,
    config: SyncTarget,
    once: bool,
    till: &Till,
    out: &Printer,
) -> Result<()> {
    let mut engine = Engine::new(dir, config.clone(), EngineOptions::default())?;
    let mut status = engine.status();
    if !once {
        eprintln!("Syncing with {config}; Ctrl-C stops.");
        let reporter = tokio::spawn(async move {
            let mut last: Option<(bool, Option<String>)> = None;
            while status.changed().await.is_ok() {
                let now = status.borrow_and_update().clone();
                let shown = (now.online, now.last_error.clone());
                if last.as_ref() != Some(&shown) {
                    eprintln!("{}", status_line(&now));
                    last = Some(shown);
                }
            }
        });
        engine
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        reporter.abort();
        return Ok(());
    }

    let start = status.borrow().pending;
    let bar = if out.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::try_from(start).unwrap_or(0))
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} changes sent, {prefix} received {msg}")
            .expect("a valid progress template"),
    );
    let done = engine
        .run_until_idle(ONCE_MAX_FAILURES, |s: &EngineStatus| {
            bar.set_length(s.delivered + u64::try_from(s.pending).unwrap_or(0));
            bar.set_position(s.delivered);
            bar.set_prefix(s.pulled.to_string());
            bar.set_message(s.last_error.clone().unwrap_or_default());
        })
        .await;
    bar.finish_and_clear();
    let done = done?;
    out.sync_done(till, &config, &done)
}

fn status_line(s: &EngineStatus) -> String {
    match &s.last_error {
        Some(error) => format!("offline: {error} ({} changes waiting)", s.pending),
        None => format!(
            "online: {} changes waiting, {} parked, {} sent, {} received",
            s.pending, s.parked, s.delivered, s.pulled
        ),
    }
}

/// `sellsync outbox`: the changes in commit order, with where each stands (a manager's).
#[derive(Args)]
pub(crate) struct OutboxArgs {
    #[command(flatten)]
    sign_in: SignIn,
    /// Only operations not yet delivered
    #[arg(long)]
    pending: bool,
    /// At most this many rows
    #[arg(long, default_value_t = 1000)]
    limit: usize,
}

pub(crate) fn outbox(till: &mut Till, args: OutboxArgs, out: &Printer) -> Result<()> {
    let actor = crate::sign_in(till, &args.sign_in)?;
    out.outbox(&till.outbox(&actor, args.pending, args.limit)?)
}
