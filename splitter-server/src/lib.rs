//! # splitter-server
//!
//! The reference HTTP service around [`splitter_core`]: groups, members, expenses and payments
//! stored in SQLite (default) or MySQL/MariaDB, balances and settlements computed by the core and
//! served from a cache (in-process, plus Redis when configured) whose keys carry the group's
//! version, so that no read ever sees numbers older than the last write.
//!
//! All math stays in the core: the server stores the contract's records and runs
//! [`splitter_core::compute`] over them. See `splitter-server/README.md`.
#![forbid(unsafe_code)]

pub mod apidoc;
pub mod app;
pub mod auth;
pub mod budget;
pub mod cache;
pub mod clock;
pub mod config;
pub mod cpu;
pub mod db;
pub mod deletion;
pub mod docs;
pub mod forwarded;
pub mod group_write;
pub mod housekeeping;
pub mod http;
pub mod idempotency;
pub mod kept;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod records;
pub mod routes;
pub mod serve;
pub mod state;
pub mod text;
pub mod timestamp;
pub mod tokens;

pub use config::Config;
/// Splitwise's CSV read and written: the shared, pure `splitter-splitwise` crate (the CLI reads
/// the same files), under the name the server's modules have always used.
pub use splitter_splitwise as splitwise;
