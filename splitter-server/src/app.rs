//! The application: state, router, the middleware stack, and serving with graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body as AxumBody;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::cache::Cache;
use crate::config::Config;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::routes::{self, AppState, Shared};
use crate::store::Store;

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";

/// Connects to the database (applying migrations) and the cache, and builds the state.
pub async fn state(config: Config) -> Result<Shared, Box<dyn std::error::Error + Send + Sync>> {
    let store = Store::connect(&config.database_url, config.db_pool).await?;
    store.migrate().await?;
    let cache = Cache::new(config.redis_url.as_deref())?;
    cache.check_redis().await;
    cache.spawn_watch(Duration::from_millis(500));
    Ok(Arc::new(AppState {
        store,
        cache,
        metrics: Metrics::default(),
        config,
    }))
}

/// The router with every route and the middleware stack.
pub fn router(state: Shared) -> Router {
    let config = &state.config;
    let v1 = Router::new()
        .route("/v1/groups", post(routes::groups::create))
        .route(
            "/v1/groups/{group}",
            get(routes::groups::get).patch(routes::groups::patch),
        )
        .route("/v1/groups/{group}/members", post(routes::members::add))
        .route(
            "/v1/groups/{group}/members/{member}",
            axum::routing::patch(routes::members::rename).delete(routes::members::remove),
        )
        .route(
            "/v1/groups/{group}/expenses",
            post(routes::expenses::create).get(routes::expenses::list),
        )
        .route(
            "/v1/groups/{group}/expenses/{expense}",
            get(routes::expenses::get)
                .put(routes::expenses::put)
                .delete(routes::expenses::delete),
        )
        .route(
            "/v1/groups/{group}/expenses/{expense}/restore",
            post(routes::expenses::restore),
        )
        .route(
            "/v1/groups/{group}/payments",
            post(routes::payments::create).get(routes::payments::list),
        )
        .route(
            "/v1/groups/{group}/payments/{payment}",
            get(routes::payments::get).delete(routes::payments::delete),
        )
        .route("/v1/groups/{group}/balances", get(routes::reports::balances))
        .route("/v1/groups/{group}/settlement", get(routes::reports::settlement))
        .route("/v1/compute", post(routes::compute::compute))
        .route("/health", get(routes::ops::health))
        .route("/ready", get(routes::ops::ready))
        .route("/metrics", get(routes::ops::metrics))
        .route("/openapi.json", get(routes::ops::openapi))
        .fallback(|| async { ApiError::not_found("route") });

    let cors = if config.cors_origins.is_empty() {
        None
    } else {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
            .collect();
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                    HeaderName::from_static(crate::idempotency::HEADER),
                    HeaderName::from_static(REQUEST_ID),
                ])
                .expose_headers([header::ETAG, HeaderName::from_static(REQUEST_ID)]),
        )
    };

    let security = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };

    let r = v1
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout(),
        ))
        .layer(security("x-content-type-options", "nosniff"))
        .layer(security("x-frame-options", "DENY"))
        .layer(security("referrer-policy", "no-referrer"))
        .layer(security(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ))
        .layer(security("cross-origin-resource-policy", "same-origin"))
        .layer(security("cache-control", "no-store"));
    let r = match cors {
        Some(c) => r.layer(c),
        None => r,
    };
    r.layer(CompressionLayer::new())
        .layer(middleware::from_fn(error_shape))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Answers that axum or a layer made without a body of ours (405, 408, 413, ...) get the
/// contract's error form too.
async fn error_shape(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    let status = r.status();
    let is_json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return r;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "invalid_input",
    };
    let (mut parts, body) = r.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let message = match std::str::from_utf8(&text) {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let body = ApiError::new(status, code, "", message).body();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, AxumBody::from(body))
}

/// Request id (taken from `x-request-id` or made), metrics by route and status, one JSON log
/// line per request.
async fn observe(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let id_value = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("invalid"));
    req.headers_mut().insert(REQUEST_ID, id_value.clone());
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let path = req.uri().path().to_string();
    let mut r = next.run(req).await;
    r.headers_mut().insert(REQUEST_ID, id_value);
    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = r.status().as_u16();
    state.metrics.observe(&method, &route, status, micros);
    if status >= 500 {
        tracing::error!(request_id = %id, %method, %route, %path, status, micros, "request");
    } else {
        tracing::info!(request_id = %id, %method, %route, %path, status, micros, "request");
    }
    r
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
