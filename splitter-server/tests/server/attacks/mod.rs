//! The attack suite (a module of the server's one test binary): each attack the hardening issue reported, tried again against the built
//! server in a process of its own, on SQLite and on MariaDB + Redis, with the figures it checks
//! printed as one `ATTACK` line (5xx seen, panics, peak memory, and the attack's own).
//!
//! The attacks are `#[ignore]`d in a plain `cargo test`: each starts servers and some open
//! thousands of sockets, so `scripts/suites/server` runs them on their own, one at a time:
//!
//! ```sh
//! cargo test -p splitter-server --test server attacks:: -- --ignored --test-threads 1 --nocapture
//! ```

mod compute;
mod connections;
mod inputs;
mod login;
mod ops;
mod races;
mod target;

/// One attack on both backends: `name_sqlite` and `name_mysql_redis` (skipped, with a message,
/// when the suite's MariaDB and Redis are not there, unless SPLITTER_SERVER_TESTS=all).
macro_rules! attack {
    ($sqlite:ident, $mysql:ident, $run:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        #[ignore = "an attack: run by scripts/suites/server with --ignored"]
        async fn $sqlite() {
            $run(&crate::common::sqlite()).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        #[ignore = "an attack: run by scripts/suites/server with --ignored"]
        async fn $mysql() {
            let Some(b) = crate::common::mysql_redis() else {
                return;
            };
            $run(&b).await;
        }
    };
}

attack!(login_bursts_sqlite, login_bursts_mysql_redis, login::login_bursts);
attack!(
    hashing_burst_sqlite,
    hashing_burst_mysql_redis,
    login::hashing_burst
);
attack!(
    costly_computations_sqlite,
    costly_computations_mysql_redis,
    compute::costly_computations
);
attack!(
    nothing_stored_sqlite,
    nothing_stored_mysql_redis,
    compute::nothing_stored_for_strangers
);
attack!(slowloris_sqlite, slowloris_mysql_redis, connections::slowloris);
attack!(
    concurrent_writes_sqlite,
    concurrent_writes_mysql_redis,
    races::concurrent_writes
);
attack!(
    concurrent_retries_sqlite,
    concurrent_retries_mysql_redis,
    races::concurrent_retries
);
attack!(
    invites_without_a_member_sqlite,
    invites_without_a_member_mysql_redis,
    inputs::invites_without_a_member
);
attack!(imports_sqlite, imports_mysql_redis, inputs::imports);
attack!(
    hostile_text_sqlite,
    hostile_text_mysql_redis,
    inputs::hostile_text
);
attack!(
    metric_labels_sqlite,
    metric_labels_mysql_redis,
    ops::metric_labels
);
attack!(
    forwarded_for_sqlite,
    forwarded_for_mysql_redis,
    ops::forwarded_for
);
attack!(token_secret_sqlite, token_secret_mysql_redis, ops::token_secret);
attack!(cors_any_sqlite, cors_any_mysql_redis, ops::cors_any);
attack!(
    database_outage_sqlite,
    database_outage_mysql_redis,
    ops::database_outage
);
