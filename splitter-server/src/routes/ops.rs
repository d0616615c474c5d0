//! Operations: `/health` (alive), `/ready` (database and Redis reachable), `/metrics`
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
    /// `ready`, or `unavailable` when something is down.
    status: &'static str,
    /// `up` or `down`.
    database: &'static str,
    /// `up`, `down` or `not_configured`.
    redis: &'static str,
    /// What is down (`database`, `redis`).
    down: Vec<&'static str>,
}

/// Alive.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process answers", body = Object)))]
pub async fn health() -> Response {
    json_response(StatusCode::OK, r#"{"status":"ok"}"#)
}

/// Ready: the database and (when configured) Redis answer. 503 names what is down; while Redis
/// is down the API still answers, from the database.
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
    let body = Ready {
        status: if down.is_empty() { "ready" } else { "unavailable" },
        database: if db { "up" } else { "down" },
        redis: match redis {
            None => "not_configured",
            Some(true) => "up",
            Some(false) => "down",
        },
        down,
    };
    let status = if body.down.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, serde_json::to_string(&body).unwrap_or_default())
}

/// Prometheus metrics.
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
