//! Rate limits: sliding-window counters per client address and per account (this minute's hits
//! plus last minute's, weighted by how much of it is still within the last 60 seconds, so no
//! burst of twice the limit fits across a minute's edge), and an exact sliding log of failed
//! logins per (account, address) ("5 failed attempts in any 15 minutes"). Kept in Redis when
//! Redis is configured and up (one script call per request, so that every instance counts
//! against the same limit), in process otherwise (and while Redis is down: each instance then
//! limits on its own).

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

/// Sliding-window counters: for each key, counts a hit in the current window
/// (`key:<window number>`, by Redis' clock, which every instance shares) and returns the hits of
/// the current window plus the previous window's weighted by how much of it still overlaps the
/// last `ARGV[1]` milliseconds, and the milliseconds until the current window ends.
const INCR_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = tonumber(ARGV[1])
local idx = math.floor(now / w)
local elapsed = now - idx * w
local out = {}
for i, k in ipairs(KEYS) do
  local cur = k .. ':' .. idx
  local n = redis.call('INCR', cur)
  if n == 1 then redis.call('PEXPIRE', cur, 2 * w) end
  local prev = tonumber(redis.call('GET', k .. ':' .. (idx - 1)) or '0')
  out[#out + 1] = n + math.floor(prev * (w - elapsed) / w)
  out[#out + 1] = w - elapsed
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

/// A counter's state: hits counted against the limit and milliseconds until they next drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Hits counted against the limit.
    pub hits: u64,
    /// Milliseconds until the count next drops (the current window's end, or the oldest
    /// logged failure leaving).
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
    /// Per key: window number, hits in it, hits in the window before.
    local: Mutex<HashMap<String, Slot>>,
    /// Where in-process window numbers count from.
    start: Instant,
    local_log: Mutex<HashMap<String, VecDeque<Instant>>>,
    script: redis::Script,
    log_script: redis::Script,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            local: Mutex::new(HashMap::new()),
            start: Instant::now(),
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
        let now_ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.local_hit_at(keys, window, now_ms)
    }

    fn local_hit_at(&self, keys: &[String], window: Duration, now_ms: u64) -> Vec<Count> {
        let w = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let (idx, elapsed) = (now_ms / w, now_ms % w);
        let Ok(mut map) = self.local.lock() else {
            return Vec::new();
        };
        if map.len() >= LOCAL_SWEEP_AT {
            map.retain(|_, slot| slot.window + 1 >= idx);
        }
        keys.iter()
            .map(|k| {
                let slot = map.entry(k.clone()).or_default();
                if slot.window != idx {
                    let prev = if slot.window + 1 == idx { slot.hits } else { 0 };
                    *slot = Slot {
                        window: idx,
                        hits: 0,
                        prev,
                    };
                }
                slot.hits += 1;
                Count {
                    hits: sliding(slot.hits, slot.prev, elapsed, w),
                    reset_ms: w - elapsed,
                }
            })
            .collect()
    }
}

/// One key's in-process counters.
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    window: u64,
    hits: u64,
    prev: u64,
}

/// This window's hits plus the previous window's, weighted by the share of it still within the
/// last `window` ms (`elapsed` ms into this one); rounded down, as the Redis script does.
fn sliding(hits: u64, prev: u64, elapsed: u64, window: u64) -> u64 {
    let overlap = u128::from(window.saturating_sub(elapsed));
    let weighted = u128::from(prev) * overlap / u128::from(window);
    hits.saturating_add(u64::try_from(weighted).unwrap_or(u64::MAX))
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

    /// A limit of 10 a minute: 10 hits late in one minute still count at the start of the next
    /// (no fresh window to burst into), and fade as that minute goes on.
    #[test]
    fn hits_slide() {
        let limiter = Limiter::default();
        let keys = ["k".to_string()];
        let at = |ms: u64| limiter.local_hit_at(&keys, WINDOW, ms)[0];
        for i in 0..10 {
            assert_eq!(at(59_000 + i).hits, i + 1);
        }
        let c = at(60_000);
        assert_eq!(
            (c.hits, c.reset_ms),
            (11, 60_000),
            "the 11th, just past the edge: over"
        );
        assert_eq!(at(90_000).hits, 2 + 5, "halfway: half of the last minute's 10");
        assert_eq!(at(119_999).hits, 3, "the last minute's hits all but gone");
        assert_eq!(at(185_000).hits, 1, "two windows on: nothing remembered");
        assert_eq!(sliding(3, 7, 0, 60_000), 10);
        assert_eq!(sliding(0, u64::MAX, 1, 2), u64::MAX / 2);
    }

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
