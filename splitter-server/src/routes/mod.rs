//! The HTTP routes, one module per resource: handlers that parse (with [`crate::http`]'s
//! extractors), call, and answer.

pub mod access;
pub mod accounts;
pub mod activity;
pub mod compute;
pub mod expenses;
pub mod groups;
pub mod invites;
pub mod jobs;
pub mod members;
pub mod ops;
pub mod payments;
pub mod reports;
pub mod transfer;

use std::collections::HashMap;

use crate::http::ApiError;
pub use crate::http::{fields, unprocessable, Body};
pub use crate::state::{AppState, Shared};
pub use crate::text::text_field;

/// The most bytes of records one page holds (a page stops early, with a cursor, past it).
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The `cursor` and `limit` query parameters: (after this record number, at most this many).
pub fn page(query: &HashMap<String, String>) -> Result<(i64, i64), ApiError> {
    let after = match query.get("cursor") {
        None => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::invalid_input("cursor", "not a cursor this server gave"))?,
    };
    let limit = match query.get("limit") {
        None => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::invalid_input("limit", "a whole number from 1 to 500"))?,
    };
    Ok((after, limit))
}

/// A page of records as `{"<key>": [...], "next_cursor": "12" | null}` (`rows` holds one more
/// than `limit` when there is a next page). A page ends early, with a cursor, once it holds
/// [`PAGE_BYTES`] (always at least one record).
pub fn page_body(key: &str, mut rows: Vec<crate::db::RecordRow>, limit: i64) -> String {
    let mut limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut bytes = 0;
    if let Some(fit) = rows.iter().position(|r| {
        bytes += r.body.len() + 1;
        bytes > PAGE_BYTES
    }) {
        limit = limit.min(fit.max(1));
    }
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.seq.to_string())
    } else {
        None
    };
    let mut s = String::with_capacity(64 + rows.iter().map(|r| r.body.len() + 1).sum::<usize>());
    s.push_str("{\"");
    s.push_str(key);
    s.push_str("\":[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&r.body);
    }
    s.push_str("],\"next_cursor\":");
    match next {
        Some(n) => {
            s.push('"');
            s.push_str(&n);
            s.push('"');
        }
        None => s.push_str("null"),
    }
    s.push('}');
    s
}
