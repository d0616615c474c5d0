//! Prometheus metrics, written by hand in the text format: requests and latency histograms by
//! route and status, cache hits and misses, Redis errors, pool usage. Latencies are counted in
//! whole microseconds (no floating point in this crate).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in microseconds.
const BUCKETS_US: [u64; 12] = [
    1_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 10_000_000,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS_US.len()],
    count: u64,
    sum_us: u64,
}

/// Request counters and latency histograms by (method, route, status), and requests in flight.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    /// Requests being served now.
    pub in_flight: std::sync::atomic::AtomicI64,
}

/// A request method as a metrics label: the standard ones by name, anything else `other`, so
/// that made-up methods cannot grow the label set.
pub fn method_label(m: &axum::http::Method) -> String {
    use axum::http::Method;
    let known = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    if known.contains(m) {
        m.as_str().to_string()
    } else {
        "other".into()
    }
}

/// Microseconds as Prometheus seconds text (`0.002500`).
fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// What the exposition reads gauges from besides the request counters.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The report cache (hits, misses, bytes, Redis).
    pub cache: &'a crate::cache::Cache,
    /// The database pool.
    pub store: &'a crate::db::Store,
    /// The compute threads.
    pub compute: &'a crate::cpu::Pool,
    /// The hashing threads.
    pub hashing: &'a crate::cpu::Pool,
    /// The serving loop's connection counters.
    pub connections: &'a crate::serve::ConnectionStats,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, micros: u64) {
        if let Ok(mut map) = self.requests.lock() {
            let h = map
                .entry((method.to_string(), route.to_string(), status))
                .or_default();
            for (i, bound) in BUCKETS_US.iter().enumerate() {
                if micros <= *bound {
                    h.buckets[i] += 1;
                }
            }
            h.count += 1;
            h.sum_us = h.sum_us.saturating_add(micros);
        }
    }

    /// The Prometheus text exposition: these counters, and the gauges of what `sources` name.
    pub fn render(&self, sources: &Sources<'_>) -> String {
        let (cache, store) = (sources.cache, sources.store);
        let mut out = String::with_capacity(4096);
        let requests = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        out.push_str("# HELP splitter_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE splitter_http_requests_total counter\n");
        for ((m, r, s), h) in &requests {
            let _ = writeln!(
                out,
                "splitter_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {}",
                h.count
            );
        }
        out.push_str(
            "# HELP splitter_http_request_duration_seconds Request latency by method, route and status.\n",
        );
        out.push_str("# TYPE splitter_http_request_duration_seconds histogram\n");
        for ((m, r, s), h) in &requests {
            let labels = format!("method=\"{m}\",route=\"{r}\",status=\"{s}\"");
            for (i, bound) in BUCKETS_US.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "splitter_http_request_duration_seconds_bucket{{{labels},le=\"{}\"}} {}",
                    seconds(*bound),
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "splitter_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "splitter_http_request_duration_seconds_sum{{{labels}}} {}",
                seconds(h.sum_us)
            );
            let _ = writeln!(
                out,
                "splitter_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out.push_str("# HELP splitter_http_requests_in_flight Requests being served now.\n");
        out.push_str("# TYPE splitter_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "splitter_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let s = &cache.stats;
        out.push_str("# HELP splitter_cache_hits_total Reports served from the cache, by layer.\n");
        out.push_str("# TYPE splitter_cache_hits_total counter\n");
        let _ = writeln!(
            out,
            "splitter_cache_hits_total{{layer=\"memory\"}} {}",
            s.memory_hits.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "splitter_cache_hits_total{{layer=\"redis\"}} {}",
            s.redis_hits.load(Ordering::Relaxed)
        );
        out.push_str("# HELP splitter_cache_misses_total Reports computed from the database.\n");
        out.push_str("# TYPE splitter_cache_misses_total counter\n");
        let _ = writeln!(
            out,
            "splitter_cache_misses_total {}",
            s.misses.load(Ordering::Relaxed)
        );
        out.push_str("# HELP splitter_cache_memory_bytes Bytes of reports held in process.\n");
        out.push_str("# TYPE splitter_cache_memory_bytes gauge\n");
        let _ = writeln!(out, "splitter_cache_memory_bytes {}", cache.memory_bytes());
        out.push_str("# HELP splitter_redis_errors_total Redis calls that failed or timed out.\n");
        out.push_str("# TYPE splitter_redis_errors_total counter\n");
        let _ = writeln!(
            out,
            "splitter_redis_errors_total {}",
            s.redis_errors.load(Ordering::Relaxed)
        );
        out.push_str(
            "# HELP splitter_redis_up 1 when Redis answered its last call (absent without Redis).\n",
        );
        out.push_str("# TYPE splitter_redis_up gauge\n");
        if let Some(up) = cache.redis_up() {
            let _ = writeln!(out, "splitter_redis_up {}", u8::from(up));
        }
        out.push_str("# HELP splitter_db_pool_connections Database connections open, by state.\n");
        out.push_str("# TYPE splitter_db_pool_connections gauge\n");
        let size = store.pool.size();
        let idle = u32::try_from(store.pool.num_idle()).unwrap_or(u32::MAX);
        let _ = writeln!(out, "splitter_db_pool_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(
            out,
            "splitter_db_pool_connections{{state=\"in_use\"}} {}",
            size.saturating_sub(idle)
        );
        let _ = writeln!(
            out,
            "splitter_db_pool_max_connections {}",
            store.pool.options().get_max_connections()
        );
        if let Some(r) = &store.replica {
            out.push_str("# HELP splitter_db_replica_reads_total Reads that may use the replica, by where they were served (replica; primary: the replica was behind or down).\n");
            out.push_str("# TYPE splitter_db_replica_reads_total counter\n");
            let served = r.served.load(std::sync::atomic::Ordering::Relaxed);
            let passed = r.passed_over.load(std::sync::atomic::Ordering::Relaxed);
            let _ = writeln!(
                out,
                "splitter_db_replica_reads_total{{served=\"replica\"}} {served}"
            );
            let _ = writeln!(
                out,
                "splitter_db_replica_reads_total{{served=\"primary\"}} {passed}"
            );
        }
        out.push_str("# HELP splitter_pool_jobs CPU-heavy jobs waiting or running, by pool.\n");
        out.push_str("# TYPE splitter_pool_jobs gauge\n");
        for pool in [sources.compute, sources.hashing] {
            let _ = writeln!(
                out,
                "splitter_pool_jobs{{pool=\"{}\"}} {}",
                pool.name(),
                pool.load()
            );
        }
        out.push_str("# HELP splitter_pool_jobs_total CPU-heavy jobs by pool and outcome (done, busy: refused, cancelled: past their deadline).\n");
        out.push_str("# TYPE splitter_pool_jobs_total counter\n");
        for pool in [sources.compute, sources.hashing] {
            let st = &pool.stats;
            for (outcome, n) in [
                ("done", &st.done),
                ("busy", &st.busy),
                ("cancelled", &st.cancelled),
            ] {
                let _ = writeln!(
                    out,
                    "splitter_pool_jobs_total{{pool=\"{}\",outcome=\"{outcome}\"}} {}",
                    pool.name(),
                    n.load(Ordering::Relaxed)
                );
            }
        }
        let c = sources.connections;
        out.push_str("# HELP splitter_connections_open HTTP connections open.\n");
        out.push_str("# TYPE splitter_connections_open gauge\n");
        let _ = writeln!(
            out,
            "splitter_connections_open {}",
            c.open.load(Ordering::Relaxed)
        );
        out.push_str("# HELP splitter_connections_total HTTP connections by outcome (accepted, refused: past a connection limit, error: accept failed).\n");
        out.push_str("# TYPE splitter_connections_total counter\n");
        for (outcome, n) in [
            ("accepted", &c.accepted),
            ("refused", &c.refused),
            ("error", &c.accept_errors),
        ] {
            let _ = writeln!(
                out,
                "splitter_connections_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        out
    }
}
