//! Operations: `/health` (alive), `/ready` (database reachable, not shutting down), `/metrics`
//! (Prometheus text), `/openapi.json`.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::Shared;
use crate::http::json_response;

/// Readiness of the server's dependencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// `ready`; `degraded` (still ready) when Redis is down; `unavailable` when the database is
    /// down; `draining` once a shutdown began.
    status: &'static str,
    /// `up` or `down`.
    database: &'static str,
    /// `up`, `down` or `not_configured`.
    redis: &'static str,
    /// What is down (`database`, `redis`).
    down: Vec<&'static str>,
}

/// Alive: the process answers.
///
/// For a liveness probe; it checks nothing else.
///
/// **Who:** anyone; not rate-limited.
///
/// **Errors:** none.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process answers", body = Object)))]
pub async fn health() -> Response {
    json_response(StatusCode::OK, r#"{"status":"ok"}"#)
}

/// Ready to take requests: the database answers and no shutdown has begun.
///
/// Names what is down (`{"down": ["redis"]}`). Redis down is reported (`degraded`) but does not
/// fail readiness: the API answers without it (in-process cache, per-instance rate limits), and
/// failing every instance at once would leave a load balancer nothing to send to.
///
/// **Who:** anyone; not rate-limited.
///
/// **Errors:** `503` while the database is down (`unavailable`) or once a shutdown began
/// (`draining`).
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses((status = 200, description = "Ready", body = Ready),
              (status = 503, description = "Something is down", body = Ready)))]
pub async fn ready(State(state): State<Shared>) -> Response {
    let db = state.store.ping().await;
    let redis = state.cache.check_redis().await;
    let mut down = Vec::new();
    if !db {
        down.push("database");
    }
    if redis == Some(false) {
        down.push("redis");
    }
    let draining = state.draining.load(std::sync::atomic::Ordering::SeqCst);
    let status = if draining {
        "draining"
    } else if !db {
        "unavailable"
    } else if down.is_empty() {
        "ready"
    } else {
        "degraded"
    };
    let body = Ready {
        status,
        database: if db { "up" } else { "down" },
        redis: match redis {
            None => "not_configured",
            Some(true) => "up",
            Some(false) => "down",
        },
        down,
    };
    let status = if matches!(status, "ready" | "degraded") {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, serde_json::to_string(&body).unwrap_or_default())
}

/// Prometheus metrics.
///
/// Requests by method, route and status, their durations, cache hits, pool and connection
/// counts, replica reads.
///
/// **Who:** anyone; not rate-limited (keep it off the public network).
///
/// **Errors:** none.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<Shared>) -> Response {
    let sources = crate::metrics::Sources {
        cache: &state.cache,
        store: &state.store,
        compute: &state.compute,
        hashing: &state.hashing,
        connections: &state.connections,
    };
    let mut r = state.metrics.render(&sources).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}
