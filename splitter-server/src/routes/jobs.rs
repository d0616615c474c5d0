//! Import jobs. `POST /v1/groups/import` and `/v1/groups/import/splitwise` with `Prefer:
//! respond-async` (RFC 7240) queue the import as a job and answer `202 Accepted` with `Location:
//! /v1/jobs/{id}`; `GET /v1/jobs/{id}` reports its status and progress, and once done the new
//! group (the body the request would have had), or the error object it would have had.
//!
//! The queue is the database's `jobs` table, not a separate broker: the database is already the
//! durable, replicated part of the deployment (semi-synchronous replication, failover), and a
//! job's effect and its completion commit in one transaction there, which no broker's
//! acknowledgement can join. Every instance runs `--import-workers` workers (0: none). A worker
//! claims the oldest queued job under a lease ([`LEASE_S`]) that it renews while the job runs; a
//! job whose worker died is claimed again once its lease runs out, at most [`MAX_ATTEMPTS`]
//! times. Completion is fenced by the lease's owner, so an import takes effect once however often
//! it is claimed. A worker that finds nothing waits for a local enqueue or [`IDLE_POLL`].

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::transfer::{self, Finish, Source};
use crate::auth::Authed;
use crate::auth::Claims;
use crate::db::{self, jobs::Claimed};
use crate::http::{ApiError, ApiResult};
use crate::idempotency::{self, Idem, Made};
use crate::state::Shared;
use crate::timestamp::Timestamp;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

/// Seconds a claim lasts without renewal.
pub const LEASE_S: i64 = 60;
/// Claims of one job at most (then it is failed).
pub const MAX_ATTEMPTS: i64 = 3;
/// How often an idle worker looks for jobs queued by other instances.
pub const IDLE_POLL: Duration = Duration::from_secs(1);
/// How often a running job's progress is written (and its lease renewed).
const HEARTBEAT: Duration = Duration::from_secs(1);

/// Whether the request asks for an asynchronous answer (`Prefer: respond-async`).
pub fn respond_async(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().any(|v| {
        v.to_str().is_ok_and(|v| {
            v.split(',').any(|p| {
                p.split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("respond-async"))
            })
        })
    })
}

/// The body to queue when the request asks for an asynchronous answer and its body is text
/// (a body that is not UTF-8 is imported at once, which refuses it as the contract says).
pub fn async_payload<'b>(headers: &HeaderMap, body: &'b [u8]) -> Option<&'b str> {
    respond_async(headers)
        .then(|| std::str::from_utf8(body).ok())
        .flatten()
}

/// The job's public form.
pub fn job_body(job: &db::jobs::JobRow) -> String {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let mut v = serde_json::json!({
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "attempts": job.attempts,
        "created_at": Timestamp(job.created_at),
        "updated_at": Timestamp(job.updated_at),
    });
    if job.result.is_some() {
        v["group"] = parse(&job.result);
    }
    if job.error.is_some() {
        v["error"] = parse(&job.error);
    }
    v.to_string()
}

/// Queues an import as a job: `202` with the job and `Location`, stored with the request's
/// idempotency key (a retry gets the same job).
pub async fn enqueue(
    state: &Shared,
    me: &Claims,
    source: Source,
    name: &str,
    my_member: Option<&str>,
    body: &str,
    idem: Option<Idem>,
) -> ApiResult<Response> {
    if !crate::auth::session_live(&state.store, me).await? {
        return Err(crate::auth::revoked());
    }
    let st = state.clone();
    let response = idempotency::run(state, idem, |idem| async move {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let now = st.now();
        let row = db::jobs::JobRow {
            id: id.clone(),
            account: me.account.clone(),
            kind: source.as_str().into(),
            name: name.into(),
            me: my_member.map(str::to_string),
            status: "queued".into(),
            phase: "queued".into(),
            done: 0,
            total: 0,
            attempts: 0,
            result: None,
            error: None,
            created_at: now,
            updated_at: now,
        };
        let made = Made::new(StatusCode::ACCEPTED, job_body(&row));
        db::retrying!(async {
            let mut tx = st.store.begin_write().await?;
            let new = db::jobs::NewJob {
                id: &id,
                account: &me.account,
                kind: source.as_str(),
                name,
                me: my_member,
                payload: body,
                now,
            };
            db::jobs::insert(&mut tx, new).await?;
            idempotency::record(&mut tx, idem.as_ref(), &made, now).await?;
            db::commit(tx).await?;
            Ok::<_, ApiError>(())
        })?;
        Ok(made)
    })
    .await?;
    state.jobs_queued.notify_one();
    with_location(response).await
}

/// A 202's `Location` (the job's status, from the job in the body) and `Preference-Applied`,
/// also on a replay.
async fn with_location(r: Response) -> ApiResult<Response> {
    if r.status() != StatusCode::ACCEPTED {
        return Ok(r);
    }
    let (mut parts, body) = r.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .map_err(ApiError::internal)?;
    let id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .ok_or_else(|| ApiError::internal("a queued job without an id"))?;
    let location = HeaderValue::from_str(&format!("/v1/jobs/{id}")).map_err(ApiError::internal)?;
    parts.headers.insert(header::LOCATION, location);
    parts
        .headers
        .insert("preference-applied", HeaderValue::from_static("respond-async"));
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

/// The error for a job whose lease another worker took (its effect is rolled back; the job is
/// left to that worker, as after a database failure).
pub fn lease_lost() -> ApiError {
    ApiError::unavailable("the job's lease was lost to another worker")
}

/// Starts `--import-workers` workers, which live as long as the state.
pub fn spawn_workers(state: &Shared) {
    for n in 0..state.config.import_workers {
        let weak = Arc::downgrade(state);
        let wake = state.jobs_queued.clone();
        let owner = format!("{}-{n}", uuid::Uuid::new_v4().simple());
        tokio::spawn(async move {
            loop {
                let Some(s) = weak.upgrade() else { return };
                let ran = match work_one(&s, &owner).await {
                    Ok(ran) => ran,
                    Err(e) => {
                        tracing::warn!(error = %e, "import worker: the database failed; trying again");
                        false
                    }
                };
                drop(s);
                if !ran {
                    tokio::select! {
                        _ = wake.notified() => {},
                        _ = tokio::time::sleep(IDLE_POLL) => {},
                    }
                }
            }
        });
    }
}

/// Claims and runs one job; false when none was waiting.
pub async fn work_one(state: &Shared, owner: &str) -> db::Result<bool> {
    let now = state.now();
    let gave_up = serde_json::json!({
        "code": "unavailable",
        "path": "",
        "message": splitter_core::error_text(
            "unavailable",
            "",
            &format!("the import was interrupted {MAX_ATTEMPTS} times; queue it again"),
        ),
    })
    .to_string();
    let Some(claimed) =
        db::jobs::claim(&state.store, owner, now, now + LEASE_S, MAX_ATTEMPTS, &gave_up).await?
    else {
        return Ok(false);
    };
    run_claimed(state, claimed, owner).await;
    Ok(true)
}

/// Runs a claimed job to its end (done or failed), writing its progress meanwhile.
async fn run_claimed(state: &Shared, claimed: Claimed, owner: &str) {
    let job = claimed.job;
    let Some(source) = Source::parse(&job.kind) else {
        let error = ApiError::internal(format!("unknown job kind '{}'", job.kind));
        let _ = db::jobs::fail(
            &state.store.pool,
            &job.id,
            owner,
            &error_body(&error),
            state.now(),
        )
        .await;
        return;
    };
    let checked = Arc::new(AtomicI64::new(0));
    let total = match source {
        // Counted as the rows of the file: lines less the header (a rough total for progress).
        Source::Splitwise => i64::try_from(claimed.payload.lines().count().saturating_sub(1)).unwrap_or(0),
        Source::Json => 0,
    };
    let heartbeat = {
        let (state, checked, id, owner) = (state.clone(), checked.clone(), job.id.clone(), owner.to_string());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                let now = state.now();
                let done = checked.load(Ordering::Relaxed);
                let phase = if done > 0 { "checking" } else { "reading" };
                let p = db::jobs::Progress {
                    phase,
                    done,
                    total: total.max(done),
                };
                match db::jobs::progress(&state.store.pool, &id, &owner, p, now, now + LEASE_S).await {
                    Ok(true) => {}
                    Ok(false) => return, // done, failed, or the lease was taken
                    Err(e) => tracing::warn!(error = %e, job = %id, "import job: progress not written"),
                }
            }
        })
    };
    let finish = Finish::Job {
        id: job.id.clone(),
        owner: owner.to_string(),
    };
    let outcome = transfer::import_text(
        state,
        &job.account,
        None,
        job.name.clone(),
        job.me.clone(),
        source,
        claimed.payload.as_bytes(),
        finish,
        Some(&checked),
    )
    .await;
    heartbeat.abort();
    match outcome {
        Ok(_) => tracing::info!(job = %job.id, "import job done"),
        // The database failed or another worker took the lease: the job stays claimed and is
        // claimed again once its lease runs out.
        Err(e) if e.status == StatusCode::SERVICE_UNAVAILABLE => {
            tracing::warn!(job = %job.id, error = %e.message, "import job interrupted; it will be claimed again");
        }
        Err(e) => {
            let failed =
                db::jobs::fail(&state.store.pool, &job.id, owner, &error_body(&e), state.now()).await;
            tracing::info!(job = %job.id, code = %e.code, ?failed, "import job failed");
        }
    }
}

/// The contract's error object of `e`.
fn error_body(e: &ApiError) -> String {
    serde_json::json!({"code": e.code.as_str(), "path": e.path, "message": e.text()}).to_string()
}

/// `GET /v1/jobs/{id}`'s answer for the caller's job.
pub async fn status(state: &Shared, account: &str, id: &str) -> ApiResult<Response> {
    let job = db::jobs::get(&state.store.pool, account, id)
        .await?
        .ok_or_else(|| ApiError::not_found("job"))?;
    let mut r = crate::http::json_response(StatusCode::OK, job_body(&job));
    if job.status == "queued" || job.status == "running" {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    Ok(r.into_response())
}

/// An import job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    /// Its id.
    id: String,
    /// `json` or `splitwise`.
    kind: String,
    /// `queued`, `running`, `done` or `failed`.
    status: String,
    /// `queued`, `reading`, `checking`, `done` or `failed`.
    phase: String,
    /// Records checked so far.
    done: i64,
    /// Records in the import (for a Splitwise file, its rows; 0 until known).
    total: i64,
    /// Times it was claimed by a worker (more than one after a worker died).
    attempts: i64,
    /// When it was queued.
    created_at: Timestamp,
    /// When its status or progress last changed.
    updated_at: Timestamp,
    /// Once done: the new group, as the import's request would have answered it.
    #[schema(value_type = Option<Object>)]
    group: Option<serde_json::Value>,
    /// Once failed: the error object the request would have answered.
    #[schema(value_type = Option<Object>)]
    error: Option<serde_json::Value>,
}

/// Reads an import job: status and progress; once done, the new group; once failed, the error.
///
/// `status` is `queued`, `running`, `done` or `failed`; `done`/`total` count the records checked.
/// While it is queued or running the answer has `Retry-After: 1`. Once done, `group` is what the
/// import request would have answered; once failed, `error` is its error object.
///
/// **Who:** the account that queued it.
///
/// **Errors:** `404 not_found` for no such job of the caller's.
#[utoipa::path(get, path = "/v1/jobs/{job}", tag = "import and export", security(("bearer" = [])),
    params(("job" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job (`Retry-After` while it is queued or running)", body = JobOut),
              (status = 404, description = "No such job of the caller's", body = crate::apidoc::ErrorBody)))]
pub async fn get(
    State(state): State<Shared>,
    Authed(me): Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    status(&state, &me.account, &id).await
}
