//! The sled side of the desk's own records.
//!
//! | tree   | key               | value                           |
//! |--------|-------------------|---------------------------------|
//! | `desk` | `reviewed_up_to`  | `DateTime<Utc>`: the queue's start |
//! | `desk` | `saved_searches`  | `Vec<SavedSearch>`, in the order shown |

use chrono::{DateTime, Utc};

use super::{codec, get, SledStore};
use crate::store::records::{DeskRecords, SavedSearch};
use crate::store::StoreError;

impl DeskRecords for SledStore {
    fn reviewed_up_to(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        get(&self.desk, "reviewed_up_to")
    }

    fn set_reviewed_up_to(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.desk.insert("reviewed_up_to", codec::encode(&at)?)?;
        Ok(())
    }

    fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        Ok(get(&self.desk, "saved_searches")?.unwrap_or_default())
    }

    fn set_saved_searches(&self, searches: &[SavedSearch]) -> Result<(), StoreError> {
        self.desk
            .insert("saved_searches", codec::encode(&searches)?)?;
        Ok(())
    }
}
