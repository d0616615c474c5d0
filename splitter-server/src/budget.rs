//! What one computation may cost. Every report the server computes runs under a [`Budget`]:
//! bounds on its input (body bytes, members), on what it produces (share rows, pairwise debts),
//! on the exact settlement search (`exact_limit`, whose work grows as 2^n) and on its time (a
//! deadline after which the core is cancelled). Anonymous callers of `POST /v1/compute` get the
//! small budget; callers with an account, and the reports of stored groups, the larger one.
//!
//! Together with the compute pool's threads these bound memory: one computation holds at most
//! its input a few times over, its share rows, the settlement search (capped in the core: 16 MiB
//! for the DP, about 100 MiB for the search at 24 balances, far less at 16) and its output.

use std::time::Duration;

use axum::http::StatusCode;
use splitter_core::Group;

use crate::cpu::Refused;
use crate::http::{ApiError, Code};

/// The bounds on one computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Who gets it (for messages): `anonymous` or `account`.
    pub name: &'static str,
    /// The largest request body.
    pub body_bytes: usize,
    /// The most members.
    pub members: usize,
    /// The most share rows in the report (one per expense and member with a part).
    pub share_rows: usize,
    /// The most member-by-payer debts `pairwise` may round.
    pub pairwise_cells: usize,
    /// The largest `exact_limit` (also the default when the request gives none).
    pub exact_limit: usize,
    /// How long the computation may take, waiting for a thread included.
    pub time: Duration,
}

/// Anonymous `POST /v1/compute`.
pub const ANONYMOUS: Budget = Budget {
    name: "anonymous",
    body_bytes: 64 * 1024,
    members: 200,
    share_rows: 20_000,
    pairwise_cells: 100_000,
    exact_limit: 16,
    time: Duration::from_secs(1),
};

/// `POST /v1/compute` with an access token, and stored groups' reports.
pub const ACCOUNT: Budget = Budget {
    name: "account",
    body_bytes: 1024 * 1024,
    members: 2_000,
    share_rows: 200_000,
    pairwise_cells: 1_000_000,
    exact_limit: splitter_core::settle::MAX_EXACT_LIMIT,
    time: Duration::from_secs(5),
};

/// `413 over_budget`: the request asks for more than its budget.
pub fn over(budget: &Budget, path: &str, what: String) -> ApiError {
    let hint = if budget.name == "anonymous" {
        " (callers with an access token have a larger budget)"
    } else {
        ""
    };
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        Code::OverBudget,
        path,
        format!("{what}: more than the {} budget allows{hint}", budget.name),
    )
}

impl Budget {
    /// Fits a parsed group into the budget: `exact_limit` set to the budget's when the request
    /// gives none, `413 over_budget` when anything is past its bound.
    pub fn fit(&self, group: &mut Group) -> Result<(), ApiError> {
        let cost = group.cost();
        if cost.members > self.members {
            return Err(over(
                self,
                "members",
                format!("{} members (at most {})", cost.members, self.members),
            ));
        }
        if cost.share_rows > self.share_rows {
            return Err(over(
                self,
                "expenses",
                format!("{} share rows (at most {})", cost.share_rows, self.share_rows),
            ));
        }
        if cost.pairwise_cells > self.pairwise_cells {
            return Err(over(
                self,
                "options.settle",
                format!(
                    "pairwise would round {} member-by-payer debts (at most {})",
                    cost.pairwise_cells, self.pairwise_cells
                ),
            ));
        }
        match group.options.exact_limit {
            None => group.options.exact_limit = Some(self.exact_limit),
            // Past what the core accepts at all: the core's own `invalid_option`.
            Some(l) if l > splitter_core::settle::MAX_EXACT_LIMIT => {}
            Some(l) if l > self.exact_limit => {
                return Err(over(
                    self,
                    "options.exact_limit",
                    format!("exact_limit {l} (at most {})", self.exact_limit),
                ))
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// The answer to a job the compute pool refused.
    pub fn refused(&self, r: Refused) -> ApiError {
        match r {
            Refused::Busy => busy(),
            Refused::OverTime => over(
                self,
                "",
                format!(
                    "the computation took longer than {} ms and was stopped; a smaller exact_limit or settle \"greedy\" costs less",
                    self.time.as_millis()
                ),
            ),
        }
    }
}

/// `429 busy`: the server's CPU-heavy work is at its bound (answered with `Retry-After: 1`).
pub fn busy() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        Code::Busy,
        "",
        "the server is busy with other computations; retry in a second",
    )
}
