//! The sled side of `verify --record`.
//!
//! | tree      | key                                              | value                 |
//! |-----------|--------------------------------------------------|-----------------------|
//! | `posts`   | the post's path (absolute)                       | `PostRecord`          |
//! | `used_by` | `s` or `q` ++ story or quote id ++ 0x00 ++ path ++ 0x00 ++ line (4 bytes) | `Use` |

use super::{codec, SledStore};
use crate::store::records::{PostRecord, PostRecords, Use};
use crate::store::StoreError;

fn use_key(kind: u8, id: &str, post: &str, line: usize) -> Vec<u8> {
    let mut k = vec![kind];
    k.extend_from_slice(id.as_bytes());
    k.push(0);
    k.extend_from_slice(post.as_bytes());
    k.push(0);
    k.extend_from_slice(&(line as u32).to_be_bytes());
    k
}

impl PostRecords for SledStore {
    fn uses(&self, kind: u8, id: &str) -> Result<Vec<Use>, StoreError> {
        let mut prefix = vec![kind];
        prefix.extend_from_slice(id.as_bytes());
        prefix.push(0);
        let mut out = Vec::new();
        for item in self.used_by.scan_prefix(prefix) {
            let (_, v) = item?;
            out.push(codec::decode(&v)?);
        }
        Ok(out)
    }

    fn record_post(&self, record: &PostRecord) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        if let Some(old) = self.posts.get(record.path.as_bytes())? {
            let old: PostRecord = codec::decode(&old)?;
            for l in &old.links {
                batch.remove(use_key(b's', &l.story, &old.path, l.line));
                for q in &l.quotes {
                    batch.remove(use_key(b'q', q, &old.path, l.line));
                }
            }
        }
        for l in &record.links {
            let u = codec::encode(&Use {
                post: record.path.clone(),
                line: l.line,
                status: l.status.clone(),
            })?;
            batch.insert(use_key(b's', &l.story, &record.path, l.line), u.clone());
            for q in &l.quotes {
                batch.insert(use_key(b'q', q, &record.path, l.line), u.clone());
            }
        }
        self.posts
            .insert(record.path.as_bytes(), codec::encode(record)?)?;
        self.used_by.apply_batch(batch)?;
        Ok(())
    }

    fn posts(&self) -> Result<Vec<PostRecord>, StoreError> {
        self.posts
            .iter()
            .values()
            .map(|v| codec::decode(&v?))
            .collect()
    }
}
