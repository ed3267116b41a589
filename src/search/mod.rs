//! Finding passages in stored story text: words (`words`), the passage index kept at ingest
//! (`index`, in segment files: `segments`), and word-level alignment of a passage with a
//! story's text (`align`).
//!
//! This module finds and measures; what a difference means for a post (verbatim, a typo, a
//! wrong outlet) is `verify`'s to say.

pub mod align;
pub mod index;
pub mod segments;
pub mod words;
