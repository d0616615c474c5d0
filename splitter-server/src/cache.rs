//! The report cache: computed balances and settlements, keyed by group *and version*.
//!
//! Every write bumps the group's version in the same transaction, and a read first asks the
//! database for the current version (one primary-key lookup), so a key's content never changes
//! and a read can never see numbers older than the last committed write, whichever instance
//! wrote. Nothing has to be deleted for correctness: old keys are unreachable and expire.
//!
//! Two layers: an in-process map of at most `--cache-memory-bytes` (always; oldest entries
//! evicted first, which is what ages out a group's old versions), and Redis when configured
//! (shared by every instance). If Redis fails, the error is counted, Redis is marked down
//! (`/ready` says so) and the request is answered from the database; a background task
//! reconnects, and caching resumes.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How long a Redis entry lives (old versions are never read again; this only frees memory).
const REDIS_TTL_SECS: u64 = 3600;
/// How long one Redis call may take before the cache is skipped.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);

/// Hit, miss and error counters, exported in `/metrics`.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Served from the in-process map.
    pub memory_hits: AtomicU64,
    /// Served from Redis.
    pub redis_hits: AtomicU64,
    /// Computed from the database.
    pub misses: AtomicU64,
    /// Redis calls that failed or timed out.
    pub redis_errors: AtomicU64,
}

/// Redis, when configured.
struct Redis {
    client: Client,
    conn: Mutex<Option<RedisConn>>,
    up: AtomicBool,
}

/// How Redis is reached: one node (behind a proxy that follows Sentinel's master, say), or a
/// Redis Cluster given by some of its nodes.
#[derive(Clone)]
enum Client {
    Single(redis::Client),
    Cluster(redis::cluster::ClusterClient),
}

/// A connection to one Redis node or to a Redis Cluster (commands routed by their keys' slots;
/// every multi-key call of the server keeps its keys in one slot with a hash tag).
#[derive(Clone)]
pub enum RedisConn {
    /// One node, reconnecting by itself.
    Single(ConnectionManager),
    /// A cluster.
    Cluster(redis::cluster_async::ClusterConnection),
}

impl RedisConn {
    /// True for a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        matches!(self, RedisConn::Cluster(_))
    }
}

impl redis::aio::ConnectionLike for RedisConn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a redis::Cmd) -> redis::RedisFuture<'a, redis::Value> {
        match self {
            RedisConn::Single(c) => c.req_packed_command(cmd),
            RedisConn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<redis::Value>> {
        match self {
            RedisConn::Single(c) => c.req_packed_commands(cmd, offset, count),
            RedisConn::Cluster(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            RedisConn::Single(c) => c.get_db(),
            RedisConn::Cluster(c) => c.get_db(),
        }
    }
}

/// The in-process layer: values up to a budget of bytes (keys and values), evicted first in,
/// first out. Keys carry the group's version, so an entry is never stale, only unused once its
/// group has moved on; first in, first out drops those before the current ones.
#[derive(Debug, Default)]
struct Memory {
    map: HashMap<String, Arc<str>>,
    order: VecDeque<String>,
    bytes: usize,
    budget: usize,
}

impl Memory {
    fn get(&self, key: &str) -> Option<Arc<str>> {
        self.map.get(key).cloned()
    }

    /// Keeps the value unless it alone exceeds the budget, then evicts the oldest entries until
    /// the budget holds.
    fn put(&mut self, key: &str, value: Arc<str>) {
        let size = key.len() + value.len();
        if size > self.budget {
            return;
        }
        match self.map.insert(key.to_string(), value) {
            Some(old) => self.bytes -= key.len() + old.len(),
            None => self.order.push_back(key.to_string()),
        }
        self.bytes += size;
        while self.bytes > self.budget {
            let Some(k) = self.order.pop_front() else { break };
            if let Some(v) = self.map.remove(&k) {
                self.bytes -= k.len() + v.len();
            }
        }
    }
}

/// The two-layer cache.
pub struct Cache {
    memory: Mutex<Memory>,
    redis: Option<Redis>,
    /// The counters.
    pub stats: CacheStats,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("redis", &self.redis.is_some())
            .finish()
    }
}

impl Cache {
    /// An in-process cache of at most `memory_bytes`, with Redis behind it when `redis_url` is
    /// given (an unreachable Redis is not an error: the server starts and connects when Redis
    /// comes up). With `cluster`, `redis_url` is a comma-separated list of a Redis Cluster's
    /// nodes (`redis://h1:7000,redis://h2:7001`): the others are found from them.
    pub fn new(
        redis_url: Option<&str>,
        cluster: bool,
        memory_bytes: usize,
    ) -> Result<Arc<Cache>, redis::RedisError> {
        let redis = match redis_url {
            Some(url) => {
                let client = if cluster {
                    let nodes: Vec<&str> = url.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
                    Client::Cluster(
                        redis::cluster::ClusterClientBuilder::new(nodes)
                            .connection_timeout(Duration::from_millis(500))
                            .response_timeout(REDIS_TIMEOUT)
                            .retries(1)
                            .build()?,
                    )
                } else {
                    Client::Single(redis::Client::open(url)?)
                };
                Some(Redis {
                    client,
                    conn: Mutex::new(None),
                    up: AtomicBool::new(false),
                })
            }
            None => None,
        };
        Ok(Arc::new(Cache {
            memory: Mutex::new(Memory {
                budget: memory_bytes,
                ..Memory::default()
            }),
            redis,
            stats: CacheStats::default(),
        }))
    }

    /// True when Redis is configured.
    pub fn has_redis(&self) -> bool {
        self.redis.is_some()
    }

    /// Whether Redis answered its last call (`None` when not configured).
    pub fn redis_up(&self) -> Option<bool> {
        self.redis.as_ref().map(|r| r.up.load(Ordering::Relaxed))
    }

    /// A cached value.
    pub async fn get(&self, key: &str) -> Option<Arc<str>> {
        if let Some(v) = self.memory_get(key) {
            self.stats.memory_hits.fetch_add(1, Ordering::Relaxed);
            return Some(v);
        }
        if let Some(conn) = self.redis_conn() {
            let mut conn = conn;
            let got: Result<Result<Option<String>, _>, _> =
                tokio::time::timeout(REDIS_TIMEOUT, redis::cmd("GET").arg(key).query_async(&mut conn)).await;
            match got {
                Ok(Ok(Some(v))) => {
                    let v: Arc<str> = v.into();
                    self.memory_put(key, v.clone());
                    self.stats.redis_hits.fetch_add(1, Ordering::Relaxed);
                    return Some(v);
                }
                Ok(Ok(None)) => {}
                _ => self.redis_failed(),
            }
        }
        self.stats.misses.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// Stores a value in both layers.
    pub async fn put(&self, key: &str, value: Arc<str>) {
        self.memory_put(key, value.clone());
        if let Some(mut conn) = self.redis_conn() {
            let mut cmd = redis::cmd("SET");
            cmd.arg(key).arg(&*value).arg("EX").arg(REDIS_TTL_SECS);
            let set = cmd.query_async::<()>(&mut conn);
            if !matches!(tokio::time::timeout(REDIS_TIMEOUT, set).await, Ok(Ok(()))) {
                self.redis_failed();
            }
        }
    }

    fn memory_get(&self, key: &str) -> Option<Arc<str>> {
        self.memory.lock().ok()?.get(key)
    }

    fn memory_put(&self, key: &str, value: Arc<str>) {
        if let Ok(mut memory) = self.memory.lock() {
            memory.put(key, value);
        }
    }

    /// Bytes held in process (keys and values), for `/metrics`.
    pub fn memory_bytes(&self) -> usize {
        self.memory.lock().map(|m| m.bytes).unwrap_or(0)
    }

    /// The Redis connection while Redis is up (shared with the rate limiter).
    pub fn redis_conn(&self) -> Option<RedisConn> {
        let r = self.redis.as_ref()?;
        if !r.up.load(Ordering::Relaxed) {
            return None;
        }
        r.conn.lock().ok()?.clone()
    }

    /// Counts a failed Redis call and marks Redis down until the watcher sees it back.
    pub fn redis_failed(&self) {
        self.stats.redis_errors.fetch_add(1, Ordering::Relaxed);
        if let Some(r) = &self.redis {
            if r.up.swap(false, Ordering::Relaxed) {
                tracing::warn!("redis unreachable: serving from the database until it returns");
            }
        }
    }

    /// Pings Redis now (connecting first if needed) and records the outcome; `None` when Redis
    /// is not configured.
    pub async fn check_redis(&self) -> Option<bool> {
        let r = self.redis.as_ref()?;
        let existing = r.conn.lock().ok().and_then(|c| c.clone());
        let mut conn = match existing {
            Some(c) => c,
            None => {
                let connect = async {
                    match &r.client {
                        Client::Single(client) => {
                            let config = ConnectionManagerConfig::new()
                                .set_connection_timeout(Duration::from_millis(500))
                                .set_response_timeout(REDIS_TIMEOUT)
                                .set_number_of_retries(1)
                                .set_max_delay(200);
                            ConnectionManager::new_with_config(client.clone(), config)
                                .await
                                .map(RedisConn::Single)
                        }
                        Client::Cluster(client) => {
                            client.get_async_connection().await.map(RedisConn::Cluster)
                        }
                    }
                };
                match tokio::time::timeout(Duration::from_secs(1), connect).await {
                    Ok(Ok(c)) => {
                        if let Ok(mut slot) = r.conn.lock() {
                            *slot = Some(c.clone());
                        }
                        c
                    }
                    _ => {
                        r.up.store(false, Ordering::Relaxed);
                        return Some(false);
                    }
                }
            }
        };
        let ok = matches!(
            tokio::time::timeout(REDIS_TIMEOUT, redis::cmd("PING").query_async::<String>(&mut conn)).await,
            Ok(Ok(_))
        );
        if ok && !r.up.swap(true, Ordering::Relaxed) {
            tracing::info!("redis reachable: caching in redis");
        }
        if !ok {
            r.up.store(false, Ordering::Relaxed);
        }
        Some(ok)
    }

    /// Watches Redis every `period`, so that caching resumes soon after it comes back.
    pub fn spawn_watch(self: &Arc<Self>, period: Duration) {
        if self.redis.is_none() {
            return;
        }
        let cache = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let Some(c) = cache.upgrade() else { return };
                c.check_redis().await;
                drop(c);
                tokio::time::sleep(period).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::Memory;

    #[test]
    fn memory_keeps_to_its_budget_oldest_out_first() {
        let mut m = Memory {
            budget: 30,
            ..Memory::default()
        };
        m.put("g:1", "aaaaaaa".into()); // 10 bytes
        m.put("g:2", "bbbbbbb".into()); // 20
        m.put("h:1", "ccccccc".into()); // 30: fits exactly
        assert_eq!(m.bytes, 30);
        assert!(m.get("g:1").is_some());
        m.put("g:3", "ddddddd".into()); // 40: the oldest goes
        assert_eq!((m.bytes, m.get("g:1")), (30, None));
        assert_eq!(m.get("g:3").as_deref(), Some("ddddddd"));
        m.put("g:2", "e".into()); // replaced in place: 24
        assert_eq!(m.bytes, 24);
        m.put("huge", "x".repeat(40).into()); // alone over the budget: not kept
        assert_eq!((m.bytes, m.get("huge")), (24, None));
        assert_eq!(m.map.len(), 3);
    }
}
