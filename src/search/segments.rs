//! Where the passage index lives: immutable segment files beside the database
//! (`DIR/index/seg-NNNNNNNN.idx`), each an 8-byte header (`QWIDX`, version 1) then sorted
//! 16-byte postings: fingerprint hash (8 bytes, big-endian) ++ story id (8 bytes). A lookup is
//! a binary search of every segment, read through a memory map.
//!
//! Why not sled: the index takes about a hundred postings a story, at random places in the key
//! space, and sled 0.34 writes random keys at some 40,000 a second here (bench/RESULTS.md), a
//! few hundred stories a second. Sorted runs are written sequentially, at disk speed. (An `fst`
//! set was tried first: its node registry makes building from random keys slower than sled.)
//!
//! A fetch pass writes one segment with the postings of the stories whose text it changed;
//! segments are merged (a streaming merge of sorted runs) so that their number stays small:
//! the newest two are merged while the newer is at least half the size of the older, or while
//! there are more than `MAX_SEGMENTS`, so each posting is rewritten about log2(segments) times. Postings of a story's old text are not removed: a lookup only proposes
//! candidates, which `verify` aligns against the story's current text, so a stale posting costs
//! one wasted alignment, never a wrong answer. Files are written to a temporary name, synced
//! and renamed, so a reader never sees half a segment; only the holder of the database lock
//! writes them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use itertools::Itertools;
use memmap2::Mmap;

use crate::store::{PassageLookup, StoreError};

/// More segments than this are merged whatever their sizes.
pub const MAX_SEGMENTS: usize = 8;
const MAGIC: &[u8; 8] = b"QWIDX\x01\0\0";

/// A posting: hash ++ story id.
pub type Posting = [u8; 16];

/// One segment file, mapped.
struct Segment {
    seq: u64,
    map: Mmap,
}

impl Segment {
    fn postings(&self) -> &[Posting] {
        let body = self.map.get(MAGIC.len()..).unwrap_or_default();
        let whole = body.len() / 16 * 16;
        bytemuck::cast_slice(&body[..whole])
    }
}

/// The segment files of one database, open for lookups.
pub struct Segments {
    dir: PathBuf,
    segments: Vec<Segment>,
}

fn io(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(format!(
        "cannot {what} {}: {e}\n  fix: check that the database directory is writable; the passage index can be rebuilt by deleting {} (the next fetch rebuilds it)",
        path.display(),
        path.parent().unwrap_or(path).display()
    ))
}

/// A posting: hash ++ story id (16 hex digits as 8 bytes).
pub fn posting(hash: u64, story: &str) -> Option<Posting> {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&hash.to_be_bytes());
    let raw = u64::from_str_radix(story, 16).ok()?;
    key[8..].copy_from_slice(&raw.to_be_bytes());
    Some(key)
}

fn seq_of(path: &Path) -> Option<u64> {
    path.file_name()?
        .to_str()?
        .strip_prefix("seg-")?
        .strip_suffix(".idx")?
        .parse()
        .ok()
}

fn map(path: &Path) -> Result<Mmap, StoreError> {
    let file = File::open(path).map_err(|e| io("open", path, e))?;
    // SAFETY: segment files are never modified after they are renamed into place; they are
    // only replaced by rename or removed, which leaves an existing mapping valid.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| io("map", path, e))?;
    if map.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return Err(io(
            "read the index segment",
            path,
            "it is not a quotewire index segment",
        ));
    }
    Ok(map)
}

impl Segments {
    /// Opens the segments in `db_dir/index` (none yet is fine).
    pub fn open(db_dir: &Path) -> Result<Segments, StoreError> {
        let dir = db_dir.join("index");
        let mut segments = Vec::new();
        if dir.exists() {
            let entries = std::fs::read_dir(&dir).map_err(|e| io("read", &dir, e))?;
            let mut paths: Vec<(u64, PathBuf)> = entries
                .flatten()
                .map(|e| e.path())
                .filter_map(|p| seq_of(&p).map(|s| (s, p)))
                .collect();
            paths.sort();
            for (seq, path) in paths {
                segments.push(Segment {
                    seq,
                    map: map(&path)?,
                });
            }
        }
        Ok(Segments { dir, segments })
    }

    /// Story ids with postings for `hash`, up to `limit` (more means the hash says little).
    pub fn lookup(&self, hash: u64, limit: usize) -> Vec<String> {
        let h = hash.to_be_bytes();
        let mut out = Vec::new();
        for seg in &self.segments {
            let postings = seg.postings();
            let from = postings.partition_point(|p| p[..8] < h[..]);
            for p in postings[from..].iter().take_while(|p| p[..8] == h[..]) {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&p[8..]);
                let id = format!("{:016x}", u64::from_be_bytes(raw));
                if !out.contains(&id) {
                    out.push(id);
                }
                if out.len() >= limit {
                    return out;
                }
            }
        }
        out
    }

    /// Postings in all segments.
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.postings().len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes `postings` as a new segment, then merges segments as the policy says.
    pub fn add(&mut self, mut postings: Vec<Posting>) -> Result<(), StoreError> {
        if postings.is_empty() {
            return Ok(());
        }
        postings.sort_unstable();
        postings.dedup();
        std::fs::create_dir_all(&self.dir).map_err(|e| io("create", &self.dir, e))?;
        let seq = self.segments.last().map_or(1, |s| s.seq + 1);
        let seg = self.write(seq, postings.iter())?;
        self.segments.push(seg);
        self.compact()
    }

    fn compact(&mut self) -> Result<(), StoreError> {
        while self.segments.len() >= 2 {
            let n = self.segments.len();
            let (older, newer) = (
                self.segments[n - 2].postings().len(),
                self.segments[n - 1].postings().len(),
            );
            if newer * 2 < older && n <= MAX_SEGMENTS {
                break;
            }
            let seq = self.segments[n - 1].seq + 1;
            let merged = {
                let (a, b) = (
                    self.segments[n - 2].postings(),
                    self.segments[n - 1].postings(),
                );
                self.write(seq, a.iter().merge(b.iter()).dedup())?
            };
            let old: Vec<u64> = self.segments.drain(n - 2..).map(|s| s.seq).collect();
            self.segments.push(merged);
            for s in old {
                let path = self.path(s);
                std::fs::remove_file(&path).map_err(|e| io("remove", &path, e))?;
            }
        }
        Ok(())
    }

    fn path(&self, seq: u64) -> PathBuf {
        self.dir.join(format!("seg-{seq:08}.idx"))
    }

    /// Writes sorted postings to a temporary file, syncs it, renames it into place and maps it.
    fn write<'p>(
        &self,
        seq: u64,
        postings: impl Iterator<Item = &'p Posting>,
    ) -> Result<Segment, StoreError> {
        let path = self.path(seq);
        let tmp = self.dir.join(format!("seg-{seq:08}.tmp"));
        let file = File::create(&tmp).map_err(|e| io("create", &tmp, e))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        w.write_all(MAGIC).map_err(|e| io("write", &tmp, e))?;
        for p in postings {
            w.write_all(p).map_err(|e| io("write", &tmp, e))?;
        }
        let file = w
            .into_inner()
            .map_err(|e| io("write", &tmp, e.error().to_string()))?;
        file.sync_all().map_err(|e| io("sync", &tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io("rename", &tmp, e))?;
        Ok(Segment {
            seq,
            map: map(&path)?,
        })
    }
}

impl PassageLookup for Segments {
    fn lookup_many(
        &self,
        hashes: &[u64],
        cap: usize,
    ) -> Result<Vec<Option<Vec<String>>>, StoreError> {
        Ok(hashes
            .iter()
            .map(|&h| Some(self.lookup(h, cap + 1)).filter(|ids| ids.len() <= cap))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_survive_merges_and_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let mut segs = Segments::open(dir.path()).unwrap();
        assert!(segs.lookup(7, 10).is_empty());
        for round in 0..20u64 {
            let postings = (0..50u64)
                .filter_map(|h| posting(h * 1000 + round, &format!("{:016x}", round + 1)))
                .collect();
            segs.add(postings).unwrap();
            assert!(segs.segments.len() <= MAX_SEGMENTS);
        }
        assert_eq!(segs.len(), 20 * 50);
        let again = Segments::open(dir.path()).unwrap();
        assert_eq!(again.len(), 1000);
        assert_eq!(again.lookup(3005, 10), vec![format!("{:016x}", 6)]);
        assert!(again.lookup(3050, 10).is_empty());
        // No temporary files are left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path().join("index"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "tmp"))
            .collect();
        assert!(left.is_empty());
        assert!(posting(1, "not hex").is_none());
    }
}
