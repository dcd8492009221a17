//! A rate limit per API key: a token bucket of `burst` requests refilled at `per_second`,
//! kept by each gateway for the keys it serves (tower's `RateLimitLayer` limits a whole
//! service, not a key, and is not enforced per connection under axum). With several
//! gateways behind a load balancer a key gets up to that many times the rate; the
//! buckets are in memory, so a limit costs no database write.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bson::oid::ObjectId;

/// Requests a key may make per second, sustained, unless the operator says otherwise.
pub const DEFAULT_PER_SECOND: u32 = 20;

/// The buckets of every key this gateway has seen.
pub struct RateLimit {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<ObjectId, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimit {
    /// `per_second` sustained, with bursts of five seconds' worth.
    pub fn new(per_second: u32) -> RateLimit {
        let per_second = f64::from(per_second.max(1));
        RateLimit {
            per_second,
            burst: per_second * 5.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a request of `key` at `now`: `Err(wait)` when it must wait that long first.
    pub fn take(&self, key: ObjectId, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("not poisoned");
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_its_rate_and_other_keys_are_untouched() {
        let limit = RateLimit::new(10);
        let (key, other) = (ObjectId::new(), ObjectId::new());
        let start = Instant::now();
        for _ in 0..50 {
            assert!(limit.take(key, start).is_ok());
        }
        let wait = limit.take(key, start).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        assert!(
            limit.take(other, start).is_ok(),
            "one key's burst is its own"
        );
        let later = start + Duration::from_millis(250);
        assert!(limit.take(key, later).is_ok());
        assert!(limit.take(key, later).is_ok());
        assert!(limit.take(key, later).is_err(), "2.5 tokens came back");
    }
}
