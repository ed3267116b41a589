//! The sled side of `verify --record`: which posts use which stories and quotations.
//!
//! | tree      | key                                              | value                 |
//! |-----------|--------------------------------------------------|-----------------------|
//! | `posts`   | the post's path (absolute)                       | `PostRecord`          |
//! | `used_by` | `s` or `q` ++ story or quote id ++ 0x00 ++ path ++ 0x00 ++ line (4 bytes) | `Use` |
//!
//! Recording a post again replaces what it recorded before, so a passage removed from the post
//! stops being listed.

use serde::{Deserialize, Serialize};

use super::{codec, Store, StoreError};

/// What one recorded post links to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostRecord {
    pub path: String,
    pub title: Option<String>,
    pub recorded: Option<chrono::DateTime<chrono::Utc>>,
    pub links: Vec<PostLink>,
}

/// One passage's link to its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostLink {
    pub line: usize,
    pub story: String,
    pub quotes: Vec<String>,
    /// `verbatim`, `minor` or `altered`.
    pub status: String,
}

/// A use of a story or quotation by a post, as `stories show` and `quotes show` list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Use {
    pub post: String,
    pub line: usize,
    pub status: String,
}

fn use_key(kind: u8, id: &str, post: &str, line: usize) -> Vec<u8> {
    let mut k = vec![kind];
    k.extend_from_slice(id.as_bytes());
    k.push(0);
    k.extend_from_slice(post.as_bytes());
    k.push(0);
    k.extend_from_slice(&(line as u32).to_be_bytes());
    k
}

impl Store {
    /// Records what a post links to, replacing its earlier record.
    pub fn record_post(&self, record: &PostRecord) -> Result<(), StoreError> {
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

    /// The posts that use a story.
    pub fn story_uses(&self, story: &str) -> Result<Vec<Use>, StoreError> {
        self.uses(b's', story)
    }

    /// The posts that use a quotation.
    pub fn quote_uses(&self, quote: &str) -> Result<Vec<Use>, StoreError> {
        self.uses(b'q', quote)
    }

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
}
