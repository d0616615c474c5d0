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

use crate::auth::{self, Found, TokenProblem, Tokens};
use crate::cache::Cache;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::cpu::Pool;
use crate::db::Store;
use crate::http::{ApiError, ClientAddr, Code};
use crate::limits::{self, Limiter};
use crate::metrics::Metrics;
use crate::routes;
use crate::serve::{ConnectionStats, Limits};
use crate::state::{AppState, Shared};
use splitter_core::ErrorCode;

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";

/// Connects to the database (applying migrations) and the cache, and builds the state, on the
/// system's clock.
pub async fn state(config: Config) -> Result<Shared, Box<dyn std::error::Error + Send + Sync>> {
    state_with_clock(config, Arc::new(SystemClock)).await
}

/// [`state`] with another clock (tests move theirs).
pub async fn state_with_clock(
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<Shared, Box<dyn std::error::Error + Send + Sync>> {
    cors(&config)?;
    let tokens = Tokens::from_config(&config)?;
    let settings = config.pool_settings();
    let store = if config.no_migrate {
        Store::connect_lazy(&config.database_url, settings).await?
    } else {
        migrated(
            &config.database_url,
            settings,
            Duration::from_secs(config.db_wait_s),
        )
        .await?
    };
    let store = match &config.database_replica_url {
        Some(_) if store.backend == crate::db::Backend::Sqlite => {
            return Err("--database-replica-url needs a MySQL/MariaDB primary".into())
        }
        Some(url) => store.with_replica(url, Duration::from_millis(config.replica_wait_ms), settings)?,
        None => store,
    };
    let cache = Cache::new(
        config.redis_url.as_deref(),
        config.redis_cluster,
        config.cache_memory_bytes,
    )?;
    cache.check_redis().await;
    cache.spawn_watch(Duration::from_millis(500));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    // At most 4 compute jobs of one client waiting or running (a burst from one client past
    // that gets `429 busy`), and two password hashes per client address.
    let compute = Pool::new(
        "compute",
        config.compute_threads.unwrap_or(cores),
        config.compute_queue,
        4,
    )?;
    let hashing = Pool::new("hash", config.hash_threads.unwrap_or(cores), config.hash_queue, 2)?;
    let state = Arc::new(AppState {
        store,
        cache,
        metrics: Metrics::default(),
        tokens,
        limiter: Limiter::default(),
        config,
        clock,
        compute,
        hashing,
        connections: Arc::new(ConnectionStats::default()),
        draining: std::sync::atomic::AtomicBool::new(false),
        jobs_queued: Arc::new(tokio::sync::Notify::new()),
    });
    crate::housekeeping::spawn(&state, crate::housekeeping::PERIOD);
    crate::routes::jobs::spawn_workers(&state);
    Ok(state)
}

/// Connects and applies the migrations, trying again every second while the database does not
/// answer (it may be starting, or failing over), for `wait` at most.
pub async fn migrated(
    url: &str,
    settings: crate::db::PoolSettings,
    wait: Duration,
) -> Result<Store, Box<dyn std::error::Error + Send + Sync>> {
    let until = tokio::time::Instant::now() + wait;
    loop {
        let attempt = async {
            let store = Store::connect(url, settings).await?;
            store.migrate().await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(store)
        };
        match attempt.await {
            Ok(store) => return Ok(store),
            Err(e) if tokio::time::Instant::now() < until => {
                tracing::warn!(error = %e, "the database is not ready; trying again in a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The CORS layer the configuration asks for: none, any origin (`*`), or a list; an origin that
/// is not a valid header value is an error at start.
fn cors(config: &Config) -> Result<Option<CorsLayer>, String> {
    let origins = &config.cors_origins;
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.iter().any(|o| o.trim() == "*") {
        AllowOrigin::any()
    } else {
        let list = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim()).map_err(|_| format!("--cors-origins: '{o}' is not an origin"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(list)
    };
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
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
                header::AUTHORIZATION,
                HeaderName::from_static(crate::idempotency::HEADER),
                HeaderName::from_static(REQUEST_ID),
            ])
            .expose_headers([
                header::ETAG,
                header::RETRY_AFTER,
                HeaderName::from_static(REQUEST_ID),
            ]),
    ))
}

/// The router with every route and the middleware stack.
pub fn router(state: Shared) -> Router {
    let config = &state.config;
    let v1 = Router::new()
        .route("/v1/accounts", post(routes::accounts::register))
        .route("/v1/auth/login", post(routes::accounts::login))
        .route("/v1/auth/refresh", post(routes::accounts::refresh))
        .route("/v1/auth/logout", post(routes::accounts::logout))
        .route(
            "/v1/account",
            get(routes::accounts::me).delete(routes::accounts::delete),
        )
        .route("/v1/account/password", post(routes::accounts::change_password))
        .route("/v1/invites/{code}/accept", post(routes::invites::accept))
        .route(
            "/v1/groups",
            post(routes::groups::create).get(routes::groups::list),
        )
        .route("/v1/groups/import", post(routes::transfer::import_json))
        .route("/v1/jobs/{job}", get(routes::jobs::get))
        .route(
            "/v1/groups/import/splitwise",
            post(routes::transfer::import_splitwise),
        )
        .route("/v1/groups/{group}/export", get(routes::transfer::export_json))
        .route(
            "/v1/groups/{group}/export/expenses.csv",
            get(routes::transfer::export_csv),
        )
        .route("/v1/groups/{group}/activity", get(routes::activity::list))
        .route(
            "/v1/groups/{group}/invites",
            post(routes::invites::create).get(routes::invites::list),
        )
        .route(
            "/v1/groups/{group}/invites/{invite}",
            axum::routing::delete(routes::invites::revoke),
        )
        .route("/v1/groups/{group}/access", get(routes::access::list))
        .route(
            "/v1/groups/{group}/access/{account}",
            axum::routing::delete(routes::access::remove),
        )
        .route(
            "/v1/groups/{group}",
            get(routes::groups::get)
                .patch(routes::groups::patch)
                .delete(routes::groups::delete),
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
        .route("/openapi.json", get(crate::openapi::serve))
        .route("/docs", get(crate::docs::redirect))
        .route("/docs/", get(crate::docs::index))
        .route("/docs/{*file}", get(crate::docs::asset))
        .fallback(|| async { ApiError::not_found("route") });

    // Checked when the state was built; an invalid list cannot reach here.
    let cors = cors(config).unwrap_or_default();

    let security = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };

    let r = v1
        .layer(middleware::from_fn_with_state(state.clone(), guard))
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

/// Authentication and rate limits: checks the bearer token (signature and expiry, no database)
/// and leaves what it found for the handlers; counts the request against its address and account
/// (one Redis call) and answers `429` past the limit. Operations routes and `/docs` are neither.
async fn guard(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let found = match auth::bearer(req.headers()) {
        None => Found::Refused(TokenProblem::Missing),
        Some(t) => match state.tokens.verify(t, state.now()) {
            Ok(c) => Found::Token(c),
            Err(p) => Found::Refused(p),
        },
    };
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => {
            let forwarded: Vec<&str> = req
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            state.config.proxies().client(peer, &forwarded).to_string()
        }
        None => "unknown".into(),
    };
    let path = req.uri().path();
    let operations = matches!(
        path,
        "/health" | "/ready" | "/metrics" | "/openapi.json" | "/docs"
    ) || path.starts_with("/docs/");
    let limit = state.config.rate_limit;
    if limit > 0 && !operations {
        // A hash tag each, so that a counter's window keys (`<key>:<window>`) share its Redis
        // Cluster slot.
        let mut keys = vec![format!("splitter:rl:{{addr:{addr}}}")];
        if let Found::Token(c) = &found {
            keys.push(format!("splitter:rl:{{acct:{}}}", c.account));
        }
        let counts = state.limiter.hit(&state.cache, &keys, limits::WINDOW).await;
        if let Some(c) = counts
            .iter()
            .filter(|c| c.hits > limit)
            .max_by_key(|c| c.reset_ms)
        {
            return limits::too_many(*c, "requests");
        }
    }
    req.extensions_mut().insert(found);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
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
        StatusCode::NOT_FOUND => Code::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => Code::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
        s if s.is_server_error() => Code::Internal,
        _ => Code::Core(ErrorCode::InvalidInput),
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
    let method = crate::metrics::method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let path = req.uri().path().to_string();
    struct InFlight<'a>(&'a std::sync::atomic::AtomicI64);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    state
        .metrics
        .in_flight
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let in_flight = InFlight(&state.metrics.in_flight);
    let mut r = next.run(req).await;
    drop(in_flight);
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

/// Serves until `shutdown` resolves, then finishes the requests in flight, within the
/// configuration's connection limits ([`crate::serve`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let c = &state.config;
    let limits = Limits {
        max_connections: crate::serve::usable_connections(c.max_connections),
        per_address: c.max_connections_per_address.max(1),
        header_timeout: Duration::from_millis(c.header_timeout_ms.max(1)),
        max_requests: c.max_requests_per_connection.max(1),
        drain: Duration::from_secs(c.shutdown_timeout_s),
        proxies: c.proxies(),
    };
    let stats = state.connections.clone();
    crate::serve::serve(listener, router(state), limits, stats, shutdown).await
}

/// Resolves when the server should stop accepting connections: at once on SIGINT (Ctrl-C); on
/// SIGTERM (an orchestrator stopping it) after `--drain-delay-ms`, with `/ready` failing in the
/// meantime so that load balancers stop sending requests first. A second signal ends the wait.
pub async fn shutdown_signal(state: Shared) {
    let mut signals = Signals::new();
    let first = signals.next().await;
    state.draining.store(true, std::sync::atomic::Ordering::SeqCst);
    let delay = Duration::from_millis(state.config.drain_delay_ms);
    if first == Signal::Term && !delay.is_zero() {
        tracing::info!(
            delay_ms = state.config.drain_delay_ms,
            "SIGTERM: /ready fails from now on; serving on for the drain delay"
        );
        tokio::select! {
            _ = tokio::time::sleep(delay) => {},
            _ = signals.next() => tracing::info!("a second signal: the drain delay is cut short"),
        }
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Which signal came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Term,
    Interrupt,
}

/// SIGTERM and SIGINT, listened to from the start (so that a second one is not missed).
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        Signals {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok(),
        }
    }

    async fn next(&mut self) -> Signal {
        let interrupt = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async {
            match self.term.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = interrupt => Signal::Interrupt,
            _ = term => Signal::Term,
        }
    }
}
