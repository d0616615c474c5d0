//! Rate limits: sliding-window counters per client address and per account (this minute's hits
//! plus last minute's, weighted by how much of it is still within the last 60 seconds, so no
//! burst of twice the limit fits across a minute's edge), and exact sliding logs of login
//! attempts ("5 attempts per account and address, 20 per account, in any 15 minutes").
//!
//! A login attempt is logged *before* its password is checked, in one atomic step that first
//! checks every log it goes into (so a burst of parallel guesses gets exactly the allowed number
//! checked, the rest refused at once); a successful attempt is taken back afterwards. Kept in
//! Redis when Redis is configured and up (one script call, so that every instance counts against
//! the same limit), in process otherwise (and while Redis is down: each instance then limits on
//! its own).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::cache::Cache;
use crate::http::{ApiError, Code};

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

/// Logs attempt `ARGV[2]` in every sorted set of `KEYS` (scores: Redis' time in ms, which every
/// instance shares), after dropping entries older than the window (`ARGV[1]` ms), unless one of
/// them already holds its limit (`ARGV[2 + i]`): then nothing is logged and the answer is
/// `{0, i, ms until that log's oldest entry leaves}`. Logged: `{1, 0, 0}`.
const ATTEMPT_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
for i, k in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - window)
  if redis.call('ZCARD', k) >= tonumber(ARGV[2 + i]) then
    local oldest = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
    local reset = window
    if oldest[2] then reset = tonumber(oldest[2]) + window - now end
    return {0, i, reset}
  end
end
for i, k in ipairs(KEYS) do
  redis.call('ZADD', k, now, ARGV[2])
  redis.call('PEXPIRE', k, window)
end
return {1, 0, 0}
";

/// A logged attempt, to take back if it succeeds.
#[derive(Debug, Clone)]
pub struct Attempt {
    id: String,
    keys: Vec<String>,
}

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
    local_log: Mutex<HashMap<String, VecDeque<(Instant, String)>>>,
    script: redis::Script,
    attempt_script: redis::Script,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            local: Mutex::new(HashMap::new()),
            start: Instant::now(),
            local_log: Mutex::new(HashMap::new()),
            script: redis::Script::new(INCR_SCRIPT),
            attempt_script: redis::Script::new(ATTEMPT_SCRIPT),
        }
    }
}

impl Limiter {
    /// Counts one hit on each key (in one Redis call; on a Redis Cluster one per key, since the
    /// keys live in different slots) and returns their counts.
    pub async fn hit(&self, cache: &Cache, keys: &[String], window: Duration) -> Vec<Count> {
        if keys.is_empty() {
            return Vec::new();
        }
        if let Some(mut conn) = cache.redis_conn() {
            let groups: Vec<&[String]> = if conn.is_cluster() {
                keys.chunks(1).collect()
            } else {
                vec![keys]
            };
            let mut out = Vec::with_capacity(keys.len());
            for group in groups {
                let mut inv = self.script.prepare_invoke();
                for k in group {
                    inv.key(k);
                }
                inv.arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX));
                match tokio::time::timeout(REDIS_TIMEOUT, inv.invoke_async::<Vec<i64>>(&mut conn)).await {
                    Ok(Ok(v)) if v.len() == group.len() * 2 => out.extend(v.chunks(2).map(|c| Count {
                        hits: u64::try_from(c[0]).unwrap_or(0),
                        reset_ms: u64::try_from(c[1]).unwrap_or(0),
                    })),
                    _ => break,
                }
            }
            if out.len() == keys.len() {
                return out;
            }
            cache.redis_failed();
        }
        self.local_hit(keys, window)
    }

    /// Logs an attempt under every key of `limits` (key, limit) in the last `window`, unless a
    /// key already holds its limit: then nothing is logged and that key's count (its limit, and
    /// when its oldest entry leaves) comes back as the error.
    pub async fn attempt(
        &self,
        cache: &Cache,
        limits: &[(String, u64)],
        window: Duration,
    ) -> Result<Attempt, Count> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        if let Some(mut conn) = cache.redis_conn() {
            let mut inv = self.attempt_script.prepare_invoke();
            inv.arg(window_ms).arg(&id);
            for (k, limit) in limits {
                inv.key(k).arg(*limit);
            }
            match tokio::time::timeout(REDIS_TIMEOUT, inv.invoke_async::<(i64, i64, i64)>(&mut conn)).await {
                Ok(Ok((1, _, _))) => {
                    return Ok(Attempt {
                        id,
                        keys: limits.iter().map(|(k, _)| k.clone()).collect(),
                    })
                }
                Ok(Ok((_, i, reset))) => {
                    let limit = usize::try_from(i - 1)
                        .ok()
                        .and_then(|i| limits.get(i))
                        .map_or(0, |l| l.1);
                    return Err(Count {
                        hits: limit,
                        reset_ms: u64::try_from(reset).unwrap_or(0),
                    });
                }
                _ => cache.redis_failed(),
            }
        }
        self.local_attempt_at(limits, window, id, Instant::now())
    }

    /// Takes a logged attempt back (it succeeded: only failures and attempts in flight count).
    pub async fn take_back(&self, cache: &Cache, attempt: &Attempt) {
        if let Some(mut conn) = cache.redis_conn() {
            // One hash tag for an attempt's keys: one slot, so one pipeline on a cluster too.
            let mut pipe = redis::pipe();
            for k in &attempt.keys {
                pipe.cmd("ZREM").arg(k).arg(&attempt.id).ignore();
            }
            if matches!(
                tokio::time::timeout(REDIS_TIMEOUT, pipe.query_async::<()>(&mut conn)).await,
                Ok(Ok(()))
            ) {
                return;
            }
            cache.redis_failed();
        }
        if let Ok(mut map) = self.local_log.lock() {
            for k in &attempt.keys {
                if let Some(log) = map.get_mut(k) {
                    log.retain(|(_, id)| *id != attempt.id);
                }
            }
        }
    }

    fn local_attempt_at(
        &self,
        limits: &[(String, u64)],
        window: Duration,
        id: String,
        now: Instant,
    ) -> Result<Attempt, Count> {
        let Ok(mut map) = self.local_log.lock() else {
            return Err(Count {
                hits: 0,
                reset_ms: 1000,
            });
        };
        if map.len() >= LOCAL_SWEEP_AT {
            map.retain(|_, log| log.back().is_some_and(|(t, _)| *t + window > now));
        }
        for (k, limit) in limits {
            let log = map.entry(k.clone()).or_default();
            while log.front().is_some_and(|(t, _)| *t + window <= now) {
                log.pop_front();
            }
            if log.len() as u64 >= *limit {
                let reset = log
                    .front()
                    .map_or(window, |(t, _)| (*t + window).saturating_duration_since(now));
                return Err(Count {
                    hits: *limit,
                    reset_ms: u64::try_from(reset.as_millis()).unwrap_or(u64::MAX),
                });
            }
        }
        for (k, _) in limits {
            map.entry(k.clone()).or_default().push_back((now, id.clone()));
        }
        Ok(Attempt {
            id,
            keys: limits.iter().map(|(k, _)| k.clone()).collect(),
        })
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
        Code::RateLimited,
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

    /// Attempts are logged before they are checked: five a minute apart fill the log, a sixth is
    /// refused without being logged until the first is 15 minutes old; a taken-back (successful)
    /// attempt frees its place; the per-account log refuses once it is full, whatever the address.
    #[test]
    fn attempts_slide() {
        let limiter = Limiter::default();
        let window = LOGIN_WINDOW;
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let keys = |addr: &str| vec![(format!("k:{addr}"), 5), ("k:all".to_string(), 7)];
        let try_at =
            |addr: &str, s: u64| limiter.local_attempt_at(&keys(addr), window, format!("{addr}{s}"), at(s));
        for i in 0..5 {
            assert!(try_at("a", i * 60).is_ok(), "attempt {i}");
        }
        let refused = try_at("a", 899).unwrap_err();
        assert_eq!((refused.hits, refused.reset_ms), (5, 1000));
        let ok = try_at("a", 900).expect("the first attempt left the window");
        // Taken back: it no longer counts.
        if let Ok(mut map) = limiter.local_log.lock() {
            for k in &ok.keys {
                map.get_mut(k).unwrap().retain(|(_, id)| *id != ok.id);
            }
        }
        assert!(try_at("a", 901).is_ok());
        // Per account: 7 in all; "a" holds 5, other addresses get 2 more...
        assert!(try_at("b", 902).is_ok());
        assert!(try_at("c", 903).is_ok());
        // ...and then the account's log is full for every address.
        let full = try_at("d", 904).unwrap_err();
        assert_eq!(full.hits, 7);
        assert!(try_at("d", 904 + 900).is_ok(), "the window slid");
    }
}
