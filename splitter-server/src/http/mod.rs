//! The HTTP layer that every handler shares: the error type and its one enum of codes
//! ([`error`]), the extractors and body readers ([`extract`]) and responses ([`response`]).
//! Handlers live in [`crate::routes`]; nothing here knows a route.

pub mod error;
pub mod extract;
pub mod response;

pub use error::{ApiError, ApiResult, Code};
pub use extract::{fields, text_field, unprocessable, Body};
pub use response::json_response;
