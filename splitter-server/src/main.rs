//! `splitter-server`: serve the API, apply migrations (`migrate`), print the OpenAPI document
//! (`openapi`), or check the kept balances against the records (`verify`).

use clap::Parser;

/// mimalloc gives freed memory back to the system soon after a burst (glibc's per-thread arenas
/// keep it), and allocates faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use splitter_server::app;
use splitter_server::config::{Command, Config};
use splitter_server::db::{PoolSettings, Store};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "splitter-server failed");
            eprintln!("splitter-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    match config.command {
        Some(Command::Openapi) => {
            print!("{}", splitter_server::openapi::document());
            Ok(())
        }
        Some(Command::Migrate) => {
            let wait = std::time::Duration::from_secs(config.db_wait_s);
            let store = app::migrated(&config.database_url, PoolSettings::small(2), wait).await?;
            tracing::info!(backend = store.backend.as_str(), "migrations applied");
            Ok(())
        }
        Some(Command::Verify) => {
            let store = Store::connect(&config.database_url, PoolSettings::small(2)).await?;
            let verdicts = splitter_server::kept::verify_all(&store)
                .await
                .map_err(|e| format!("verify: {} ({})", e.message, e.code))?;
            let wrong = verdicts.iter().filter(|v| !v.agrees).count();
            for v in &verdicts {
                if v.agrees {
                    println!("ok       {} at version {}", v.group, v.version);
                } else {
                    println!(
                        "DIFFERS  {} at version {}: kept {:?}, computed {:?}",
                        v.group, v.version, v.kept, v.computed
                    );
                }
            }
            println!(
                "{} groups, {} agree, {} differ",
                verdicts.len(),
                verdicts.len() - wrong,
                wrong
            );
            if wrong > 0 {
                return Err(format!("{wrong} groups' kept balances differ from their records").into());
            }
            Ok(())
        }
        Some(Command::Serve) | None => {
            let listener = tokio::net::TcpListener::bind(&config.listen).await?;
            let addr = listener.local_addr()?;
            let state = app::state(config).await?;
            tracing::info!(%addr, backend = state.store.backend.as_str(), redis = state.cache.has_redis(), "listening");
            // The address on stdout, for scripts and tests that start the binary on port 0.
            println!("listening on {addr}");
            app::serve(listener, state.clone(), app::shutdown_signal(state)).await?;
            Ok(())
        }
    }
}
