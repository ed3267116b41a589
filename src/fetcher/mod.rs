//! The fetch stage: HTTP with politeness, the address policy, and each feed's schedule.
//!
//! `http` performs one polite GET; `guard` decides which addresses may be reached;
//! `schedule` holds a feed's stored state and decides when it is due. Parsing and storing
//! are other stages' work.

pub mod guard;
pub mod http;
pub mod schedule;

pub use guard::AddressPolicy;
pub use http::{HttpClient, HttpError, Response, Validators};
pub use schedule::FeedState;
