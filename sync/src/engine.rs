//! The engine: pushes the till's outbox to the central database in commit order, in
//! batches (1,000 operations, one transaction each where offered), and when nothing waits
//! to go out, pulls central changes into the till, for as long as it runs.
//!
//! An operation is marked delivered only after MongoDB acknowledged the batch that carried
//! it. Transient failures (no network, the server down or busy) are retried with capped
//! exponential backoff and jitter, forever; an idle engine looks at the outbox again every
//! `idle_poll`, so no local write is needed to wake it (a waker makes it look at once).
//! Operations the server refuses for good are parked with their error and a notification
//! for managers, and never hold up the rest.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sellsync_core::Till;
use tokio::sync::{watch, Notify};
use tracing::{info, warn};

use crate::error::{Result, SyncError};
use crate::gateway::GatewayClient;
use crate::on_till;
use crate::pull::{scope_of, Pulled};
use crate::settings::SyncTarget;
use crate::transport::Transport;
use sellsync_central::feed::Scope;
use sellsync_central::{upgrade, Central};

/// How the engine paces itself.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Operations per batch (and per transaction).
    pub batch_size: usize,
    /// How often an idle engine looks at the outbox and the server.
    pub idle_poll: Duration,
    /// The first retry delay after a failure; it doubles with each failure in a row...
    pub backoff_floor: Duration,
    /// ...up to this.
    pub backoff_cap: Duration,
    /// Apply batches in transactions where the server offers them (false: never, for
    /// MongoDB-compatible services whose transactions are limited).
    pub transactions: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            batch_size: 1_000,
            idle_poll: Duration::from_secs(2),
            backoff_floor: Duration::from_millis(250),
            backoff_cap: Duration::from_secs(60),
            transactions: true,
        }
    }
}

/// What the engine reports for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineStatus {
    /// The central database answered the last attempt.
    pub online: bool,
    pub pending: i64,
    pub parked: i64,
    pub oldest_pending_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, while it is failing.
    pub last_error: Option<String>,
    /// Operations delivered since the engine started.
    pub delivered: u64,
    /// Central documents read into the till since the engine started.
    pub pulled: u64,
    /// When central changes were last applied on the till.
    pub last_pull_at: Option<DateTime<Utc>>,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A batch went out: this many delivered, this many parked.
    Pushed { delivered: usize, parked: usize },
    /// Central changes came in: this many documents read.
    Pulled { read: usize },
    /// Nothing was waiting either way; the server answered.
    Idle,
}

/// The sync engine of one till.
pub struct Engine {
    till: Till,
    target: SyncTarget,
    options: EngineOptions,
    transport: Option<Transport>,
    status: watch::Sender<EngineStatus>,
    wake: Arc<Notify>,
    failures: u32,
}

impl Engine {
    /// An engine for the till in `data_dir` (with its own connection to the till's
    /// database) that syncs with `target` (a gateway, or a central MongoDB), not yet
    /// connected.
    pub fn new(
        data_dir: &Path,
        target: impl Into<SyncTarget>,
        options: EngineOptions,
    ) -> Result<Engine> {
        let till = Till::open(data_dir)?;
        let (status, _) = watch::channel(EngineStatus::default());
        let engine = Engine {
            till,
            target: target.into(),
            options,
            transport: None,
            status,
            wake: Arc::new(Notify::new()),
            failures: 0,
        };
        engine.publish(false, None)?;
        Ok(engine)
    }

    /// Follows the engine's status.
    pub fn status(&self) -> watch::Receiver<EngineStatus> {
        self.status.subscribe()
    }

    /// Wakes an idle engine at once (after a sale, say) instead of at its next poll.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Connects if needed, then pushes one batch; with nothing to push, pulls a page.
    pub async fn step(&mut self) -> Result<Step> {
        if self.transport.is_none() {
            let scope = scope_of(&self.till);
            self.transport = Some(connect(&self.target, &self.options, scope).await?);
        }
        let transport = self.transport.as_ref().expect("connected above");
        let till = &mut self.till;
        let batch = on_till(|| till.pending_operations(self.options.batch_size))?;
        if batch.is_empty() {
            let checkpoint = on_till(|| till.pull_checkpoint())?;
            let page = transport
                .pull(checkpoint.as_deref(), self.options.batch_size)
                .await?;
            let mut pulled = Pulled::default();
            pulled.apply(till, &page)?;
            if pulled.read == 0 && !page.more {
                return Ok(Step::Idle);
            }
            self.status.send_modify(|s| s.pulled += pulled.read as u64);
            return Ok(Step::Pulled { read: pulled.read });
        }
        let outcome = transport.push(&batch).await?;
        on_till(|| -> Result<()> {
            till.mark_delivered(&outcome.applied)?;
            for rejection in &outcome.rejected {
                till.park_operation(rejection.seq, &rejection.error)?;
            }
            Ok(())
        })?;
        let delivered = outcome.applied.len();
        self.status.send_modify(|s| s.delivered += delivered as u64);
        Ok(Step::Pushed {
            delivered,
            parked: outcome.rejected.len(),
        })
    }

    /// Runs until `shutdown` completes: pushes while there is work, polls while idle,
    /// backs off while failing. Only a failure of the till's own database stops it.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) -> Result<()> {
        tokio::pin!(shutdown);
        info!(central = %self.target, "sync engine started");
        loop {
            let pause = match self.step().await {
                Ok(step) => {
                    self.succeeded(&step)?;
                    match step {
                        Step::Pushed { .. } | Step::Pulled { .. } => Duration::ZERO,
                        Step::Idle => self.options.idle_poll,
                    }
                }
                Err(SyncError::Till(e)) => return Err(SyncError::Till(e)),
                Err(e) => self.failed(&e)?,
            };
            if pause.is_zero() {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.wake.notified() => {}
                () = &mut shutdown => break,
            }
        }
        info!("sync engine stopped");
        Ok(())
    }

    /// Pushes until nothing is pending, retrying transient failures up to `max_failures`
    /// times in a row. `progress` is called after every step.
    pub async fn run_until_idle(
        &mut self,
        max_failures: u32,
        mut progress: impl FnMut(&EngineStatus),
    ) -> Result<EngineStatus> {
        loop {
            match self.step().await {
                Ok(step) => {
                    self.succeeded(&step)?;
                    progress(&self.status.borrow());
                    if step == Step::Idle {
                        return Ok(self.status.borrow().clone());
                    }
                }
                Err(SyncError::Till(e)) => return Err(SyncError::Till(e)),
                Err(e) => {
                    let pause = self.failed(&e)?;
                    progress(&self.status.borrow());
                    if self.failures >= max_failures {
                        return Err(e);
                    }
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    fn succeeded(&mut self, step: &Step) -> Result<()> {
        let was_failing = self.failures > 0 || !self.status.borrow().online;
        self.failures = 0;
        // Idle polls answer every few seconds: write the contact down when something
        // happened or the till comes back online, not at every poll.
        if was_failing || *step != Step::Idle {
            on_till(|| self.till.record_sync_attempt(Ok(())))?;
        }
        if was_failing {
            info!(central = %self.target, "central reachable again");
        }
        self.publish(true, None)
    }

    /// Records a failure; returns how long to wait before the next attempt.
    fn failed(&mut self, error: &SyncError) -> Result<Duration> {
        self.failures = self.failures.saturating_add(1);
        let message = error.to_string();
        warn!(failures = self.failures, error = %message, "sync attempt failed");
        on_till(|| self.till.record_sync_attempt(Err(&message)))?;
        self.publish(false, Some(message))?;
        Ok(pause_after(&self.options, self.failures, error))
    }

    fn publish(&self, online: bool, error: Option<String>) -> Result<()> {
        let till = on_till(|| self.till.sync_status())?;
        self.status.send_modify(|s| {
            s.online = online;
            s.pending = till.pending;
            s.parked = till.parked;
            s.oldest_pending_at = till.oldest_pending_at;
            s.last_success_at = till.last_success_at;
            s.last_pull_at = till.last_pull_at;
            s.last_error = error;
        });
        Ok(())
    }
}

/// The way to central: the gateway, or MongoDB directly (its indexes made and earlier
/// versions' documents brought up to date first).
async fn connect(target: &SyncTarget, options: &EngineOptions, scope: Scope) -> Result<Transport> {
    match target {
        SyncTarget::Gateway(config) => Ok(Transport::Gateway(GatewayClient::new(config)?)),
        SyncTarget::Mongo(config) => {
            let mut central = Central::connect(config).await?;
            if !options.transactions {
                central = central.without_transactions();
            }
            central.ensure_indexes().await?;
            upgrade::bring_up_to_date(&central, scope.business).await?;
            Ok(Transport::direct(central, scope))
        }
    }
}

/// The pause after `failures` failures in a row, the last of them `error`: as long as
/// the server asked, if it did, and never shorter than the backoff.
pub fn pause_after(options: &EngineOptions, failures: u32, error: &SyncError) -> Duration {
    let backoff = backoff(options, failures);
    match error {
        SyncError::ServerBusy { retry_after } => backoff.max(*retry_after),
        _ => backoff,
    }
}

/// The pause after `failures` failures in a row: the floor doubled per failure, capped,
/// then a random point in its upper half so that tills coming back together spread out.
pub fn backoff(options: &EngineOptions, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(20);
    let full = options
        .backoff_floor
        .saturating_mul(1 << doublings)
        .min(options.backoff_cap);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let options = EngineOptions {
            backoff_floor: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(5),
            ..EngineOptions::default()
        };
        for (failures, full_ms) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (6, 3200),
            (7, 5000),
            (500, 5000),
        ] {
            for _ in 0..50 {
                let pause = backoff(&options, failures).as_millis();
                assert!(
                    (full_ms / 2..=full_ms).contains(&pause),
                    "{failures} failures: {pause} ms"
                );
            }
        }
    }

    #[test]
    fn a_busy_server_is_left_alone_as_long_as_it_asks() {
        let options = EngineOptions::default();
        let busy = SyncError::ServerBusy {
            retry_after: Duration::from_secs(3),
        };
        let unreachable = SyncError::ServerUnreachable {
            server: "https://sync.example.com".into(),
        };
        assert!(pause_after(&options, 1, &busy) >= Duration::from_secs(3));
        assert!(pause_after(&options, 1, &unreachable) <= options.backoff_floor);
        // A longer backoff is kept.
        assert!(pause_after(&options, 12, &busy) >= options.backoff_cap / 2);
    }
}
