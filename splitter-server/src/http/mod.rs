//! The HTTP layer that every handler shares: the error type and its one enum of codes
//! ([`error`]), the extractors and body readers ([`extract`]) and responses ([`response`]).
//! Handlers live in the routes; nothing here knows a route or the database's tables.

pub mod error;
pub mod extract;
pub mod response;

pub use error::{ApiError, ApiResult, Code};
pub use extract::{fields, unprocessable, Body, BodyTimeout, ClientAddr};
pub use response::json_response;
