//! Rate limits: fixed-window counters per client address and per account, and an exact sliding
//! log of failed logins per (account, address) ("5 failed attempts in any 15 minutes", with no
//! burst at a window's edge). Kept in Redis when Redis is configured and up (one script call per
//! request, so that every instance counts against the same limit), in process otherwise (and
//! while Redis is down: each instance then limits on its own).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::cache::Cache;
use crate::error::ApiError;

/// The window of the general limits.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The window of the failed-login limit.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a Redis call may take before the in-process counters are used instead.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// In-process entries kept before expired ones are swept.
const LOCAL_SWEEP_AT: usize = 100_000;

/// Increments each key, setting its expiry on the first hit; returns count and remaining
/// milliseconds for each.
const INCR_SCRIPT: &str = r"
local out = {}
for i, k in ipairs(KEYS) do
  local n = redis.call('INCR', k)
  local ttl = redis.call('PTTL', k)
  if ttl < 0 then redis.call('PEXPIRE', k, ARGV[1]); ttl = tonumber(ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out
";

/// Records a failure (when `ARGV[2]` is `1`, as member `ARGV[3]`) in a sorted set of failure
/// times, drops those older than the window (`ARGV[1]` ms, by Redis' clock, which every
/// instance shares); returns how many are left and milliseconds until the oldest leaves.
const LOG_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[2] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
end
local n = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = 0
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {n, reset}
";

/// A counter's state: hits in the current window and milliseconds until it resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Hits in the window so far.
    pub hits: u64,
    /// Milliseconds until the window ends.
    pub reset_ms: u64,
}

impl Count {
    /// `Retry-After` in whole seconds (at least 1).
    pub fn retry_after(self) -> u64 {
        self.reset_ms.div_ceil(1000).max(1)
    }
}

/// The limiter (the Redis connection is the cache's).
#[derive(Debug)]
pub struct Limiter {
    local: Mutex<HashMap<String, (u64, Instant)>>,
    local_log: Mutex<HashMap<String, VecDeque<Instant>>>,
    script: redis::Script,
    log_script: redis::Script,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            local: Mutex::new(HashMap::new()),
            local_log: Mutex::new(HashMap::new()),
            script: redis::Script::new(INCR_SCRIPT),
            log_script: redis::Script::new(LOG_SCRIPT),
        }
    }
}

impl Limiter {
    /// Counts one hit on each key (in one Redis call) and returns their counts.
    pub async fn hit(&self, cache: &Cache, keys: &[String], window: Duration) -> Vec<Count> {
        if keys.is_empty() {
            return Vec::new();
        }
        if let Some(mut conn) = cache.redis_conn() {
            let mut inv = self.script.prepare_invoke();
            for k in keys {
                inv.key(k);
            }
            inv.arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX));
            match tokio::time::timeout(REDIS_TIMEOUT, inv.invoke_async::<Vec<i64>>(&mut conn)).await {
                Ok(Ok(v)) if v.len() == keys.len() * 2 => {
                    return v
                        .chunks(2)
                        .map(|c| Count {
                            hits: u64::try_from(c[0]).unwrap_or(0),
                            reset_ms: u64::try_from(c[1]).unwrap_or(0),
                        })
                        .collect();
                }
                _ => cache.redis_failed(),
            }
        }
        self.local_hit(keys, window)
    }

    /// The failures logged under `key` in the last `window` (after logging one more when
    /// `record`): `hits` is how many, `reset_ms` how long until the oldest leaves the window.
    pub async fn failures(&self, cache: &Cache, key: &str, window: Duration, record: bool) -> Count {
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        if let Some(mut conn) = cache.redis_conn() {
            let mut inv = self.log_script.prepare_invoke();
            inv.key(key)
                .arg(window_ms)
                .arg(if record { "1" } else { "0" })
                .arg(uuid::Uuid::new_v4().simple().to_string());
            match tokio::time::timeout(REDIS_TIMEOUT, inv.invoke_async::<(i64, i64)>(&mut conn)).await {
                Ok(Ok((n, reset))) => {
                    return Count {
                        hits: u64::try_from(n).unwrap_or(0),
                        reset_ms: u64::try_from(reset).unwrap_or(0),
                    }
                }
                _ => cache.redis_failed(),
            }
        }
        self.local_failures(key, window, record)
    }

    fn local_failures(&self, key: &str, window: Duration, record: bool) -> Count {
        self.local_failures_at(key, window, record, Instant::now())
    }

    fn local_failures_at(&self, key: &str, window: Duration, record: bool, now: Instant) -> Count {
        let Ok(mut map) = self.local_log.lock() else {
            return Count { hits: 0, reset_ms: 0 };
        };
        if map.len() >= LOCAL_SWEEP_AT {
            map.retain(|_, log| log.back().is_some_and(|t| *t + window > now));
        }
        let log = map.entry(key.to_string()).or_default();
        while log.front().is_some_and(|t| *t + window <= now) {
            log.pop_front();
        }
        if record {
            log.push_back(now);
        }
        let reset = log
            .front()
            .map_or(Duration::ZERO, |t| (*t + window).saturating_duration_since(now));
        Count {
            hits: log.len() as u64,
            reset_ms: u64::try_from(reset.as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn local_hit(&self, keys: &[String], window: Duration) -> Vec<Count> {
        let now = Instant::now();
        let Ok(mut map) = self.local.lock() else {
            return Vec::new();
        };
        if map.len() >= LOCAL_SWEEP_AT {
            map.retain(|_, (_, end)| *end > now);
        }
        keys.iter()
            .map(|k| {
                let e = map.entry(k.clone()).or_insert((0, now + window));
                if e.1 <= now {
                    *e = (0, now + window);
                }
                e.0 += 1;
                Count {
                    hits: e.0,
                    reset_ms: u64::try_from(e.1.saturating_duration_since(now).as_millis()).unwrap_or(0),
                }
            })
            .collect()
    }
}

/// `429 rate_limited` with `Retry-After`.
pub fn too_many(count: Count, what: &str) -> Response {
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "",
        format!("too many {what}; retry in {} s", count.retry_after()),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&count.retry_after().to_string()) {
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five failures a minute apart: all five count until the first is 15 minutes old, then one
    /// leaves at a time; a sixth right after the first leaves brings it back to five (no fresh
    /// window to burst into).
    #[test]
    fn failures_slide() {
        let limiter = Limiter::default();
        let window = LOGIN_WINDOW;
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        for i in 0..5 {
            let c = limiter.local_failures_at("k", window, true, at(i * 60));
            assert_eq!(c.hits, i + 1);
        }
        let c = limiter.local_failures_at("k", window, false, at(899));
        assert_eq!((c.hits, c.reset_ms), (5, 1000));
        let c = limiter.local_failures_at("k", window, false, at(900));
        assert_eq!((c.hits, c.reset_ms), (4, 60_000));
        let c = limiter.local_failures_at("k", window, true, at(901));
        assert_eq!((c.hits, c.reset_ms), (5, 59_000));
        let c = limiter.local_failures_at("other", window, false, at(901));
        assert_eq!((c.hits, c.reset_ms), (0, 0));
        let c = limiter.local_failures_at("k", window, false, at(901 + 900));
        assert_eq!(c.hits, 0);
    }
}
