//! Rate limits: fixed-window counters per client address, per account, and for failed logins per
//! (account, address). Kept in Redis when Redis is configured and up (one script call per
//! request, so that every instance counts against the same limit), in process otherwise (and
//! while Redis is down: each instance then limits on its own).

use std::collections::HashMap;
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
    script: redis::Script,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            local: Mutex::new(HashMap::new()),
            script: redis::Script::new(INCR_SCRIPT),
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
        self.local_hit(keys, window, 1)
    }

    /// The counts of `keys` without counting a hit.
    pub async fn peek(&self, cache: &Cache, key: &str) -> Count {
        if let Some(mut conn) = cache.redis_conn() {
            let mut pipe = redis::pipe();
            pipe.cmd("GET").arg(key).cmd("PTTL").arg(key);
            match tokio::time::timeout(REDIS_TIMEOUT, pipe.query_async::<(Option<u64>, i64)>(&mut conn)).await
            {
                Ok(Ok((n, ttl))) => {
                    return Count {
                        hits: n.unwrap_or(0),
                        reset_ms: u64::try_from(ttl).unwrap_or(0),
                    }
                }
                _ => cache.redis_failed(),
            }
        }
        self.local_hit(&[key.to_string()], LOGIN_WINDOW, 0)
            .pop()
            .unwrap_or(Count { hits: 0, reset_ms: 0 })
    }

    fn local_hit(&self, keys: &[String], window: Duration, add: u64) -> Vec<Count> {
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
                e.0 += add;
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
