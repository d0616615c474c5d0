//! The server's one integration-test binary: every endpoint, access, bad inputs, concurrency,
//! the contract and the OpenAPI document, processes, a read replica, import and export, and the attack suite
//! (`attacks`, `#[ignore]`d in a plain run). SQLite always; MariaDB and Redis when the test
//! script provides them (see [`common`]).
//!
//! ```sh
//! cargo test -p splitter-server --test server                       # everything but the attacks
//! cargo test -p splitter-server --test server transfer::            # one module
//! cargo test -p splitter-server --test server attacks:: -- --ignored --test-threads 1
//! ```

mod common;

mod access;
mod api;
mod attacks;
mod bad_inputs;
mod concurrency;
mod contract;
mod deletion;
mod docs;
mod group_list;
mod jobs;
mod processes;
mod readme;
mod redis_cluster;
mod replica;
mod times;
mod totals;
mod transfer;
