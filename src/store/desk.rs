//! The desk's own records (`quotewire serve`): where the author's review stands and the saved
//! searches. What they mean is `crate::desk`'s.
//!
//! | tree   | key               | value                           |
//! |--------|-------------------|---------------------------------|
//! | `desk` | `reviewed_up_to`  | `DateTime<Utc>`: the queue's start |
//! | `desk` | `saved_searches`  | `Vec<SavedSearch>`, in the order shown |

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{codec, Store, StoreError};

/// A search the author keeps in the desk's sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub name: String,
    /// In the query language of `review::query`.
    pub query: String,
}

impl Store {
    fn desk_get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        self.desk.get(key)?.map(|v| codec::decode(&v)).transpose()
    }

    fn desk_put<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        self.desk.insert(key, codec::encode(value)?)?;
        Ok(())
    }

    /// The time the author last said "reviewed up to here": the queue shows stories first seen
    /// after it.
    pub fn reviewed_up_to(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.desk_get("reviewed_up_to")
    }

    pub fn set_reviewed_up_to(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.desk_put("reviewed_up_to", &at)
    }

    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        Ok(self.desk_get("saved_searches")?.unwrap_or_default())
    }

    pub fn set_saved_searches(&self, searches: &[SavedSearch]) -> Result<(), StoreError> {
        self.desk_put("saved_searches", &searches)
    }
}
