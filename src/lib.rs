//! quotewire: fetch wire coverage into a local store, review its quotes, and verify the
//! citations in a news digest.
//!
//! The modules follow the data flow: `config` (feeds.toml) → `fetcher` (HTTP, politeness,
//! schedule) → `parser` (feed bytes to entries) → `story` (entries to stories keyed by
//! normalised URL) → `store` (sled). `ingest` runs one fetch pass over them; `cli` is the
//! command-line edge. See ARCHITECTURE.md for the map.

pub mod article;
pub mod config;
pub mod config_edit;
pub mod demo;
pub mod desk;
pub mod fetcher;
pub mod ingest;
pub mod limits;
pub mod opml;
pub mod parser;
pub mod post;
pub mod quotes;
pub mod review;
pub mod search;
pub mod store;
pub mod story;
pub mod verify;
pub mod words;
