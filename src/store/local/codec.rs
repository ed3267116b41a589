//! The versioned value encoding of every record in the sled store.
//!
//! A value is one version byte followed by the record as JSON. JSON because it is
//! self-describing: a field added later reads as its default from an old record, and a database
//! can be inspected with any JSON tool. The version byte is for the day a record changes shape
//! in a way defaults cannot cover: `decode` then converts old versions forward.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::store::StoreError;

/// The version written by this build.
pub const VALUE_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![VALUE_VERSION];
    serde_json::to_writer(&mut out, value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, json)) => {
            serde_json::from_slice(json).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        Some((&v, _)) if v > VALUE_VERSION => Err(StoreError::TooNew(v)),
        Some((v, _)) => Err(StoreError::Corrupt(format!("unknown value version {v}"))),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}
