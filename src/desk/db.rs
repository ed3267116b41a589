//! The desk's hold on the database: opened when a request needs it, let go soon after, so the
//! cron job's `fetch` keeps working while the desk is open.
//!
//! sled admits one process at a time (`store::lock`). A fetch pass holds the database only in
//! short rounds and waits for it otherwise; the desk does the same from its side: it keeps the
//! database open while requests come (a burst of keystrokes pays one open), lets go of it once
//! no request has come for `LINGER`, and after `MAX_HOLD` at a stretch lets go and rests for
//! `REST` before opening it again, so a waiting fetch gets its turn even while the author
//! types. What this is not: a cache of records. Every request reads the store as it is.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::store::{Db, Store, StoreError};

/// How long the database stays open after the last request.
pub const LINGER: Duration = Duration::from_millis(400);
/// The longest the desk holds the database at a stretch.
pub const MAX_HOLD: Duration = Duration::from_secs(2);
/// How long the desk waits before opening the database again after `MAX_HOLD`.
pub const REST: Duration = Duration::from_millis(300);

struct Held {
    store: Arc<Store>,
    opened: Instant,
    used: Instant,
}

/// The database as the desk's handlers use it: `with` runs one piece of work on it.
pub struct Shared {
    db: Db,
    lock_wait: Duration,
    held: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    held: Option<Held>,
    /// Not before this instant may the database be opened again (after `MAX_HOLD`).
    rest_until: Option<Instant>,
    opens: u64,
}

impl Shared {
    pub fn new(db: Db, lock_wait: Duration) -> Shared {
        Shared {
            db,
            lock_wait,
            held: Mutex::new(Slot::default()),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // A handler that panicked while holding the lock left the store as sled keeps it:
        // every write is atomic, so carrying on is safe.
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `work` on the open database, opening it first (waiting up to the lock wait for a
    /// fetch that holds it). Blocking: call it from `spawn_blocking`.
    pub fn with<T>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut slot = self.slot();
        if slot.held.is_none() {
            if let Some(until) = slot.rest_until.take() {
                let now = Instant::now();
                if until > now {
                    std::thread::sleep(until - now);
                }
            }
            let store = Store::open_db(&self.db, "serve", self.lock_wait, &mut |holder| {
                tracing::info!("the database is busy ({holder}); the desk waits for it");
            })?;
            let now = Instant::now();
            slot.held = Some(Held {
                store: Arc::new(store),
                opened: now,
                used: now,
            });
            slot.opens += 1;
        }
        let held = slot
            .held
            .as_mut()
            .ok_or_else(|| StoreError::Io("the database could not be opened".into()))?;
        if held.store.shared() {
            // PostgreSQL serves every editor and worker at once: requests run side by side.
            let store = held.store.clone();
            drop(slot);
            return work(&store);
        }
        let out = work(&held.store);
        held.used = Instant::now();
        out
    }

    /// Lets go of the database when it has been idle for `LINGER` or held for `MAX_HOLD`.
    /// Called a few times a second by the server.
    pub fn tick(&self) {
        let mut slot = self.slot();
        let now = Instant::now();
        let release = slot.held.as_ref().filter(|h| !h.store.shared()).map(|h| {
            (
                now.duration_since(h.used) >= LINGER,
                now.duration_since(h.opened) >= MAX_HOLD,
            )
        });
        if let Some((idle, long)) = release {
            if idle || long {
                if let Some(h) = slot.held.take() {
                    close(h.store);
                }
                if long && !idle {
                    slot.rest_until = Some(now + REST);
                }
            }
        }
    }

    /// Lets go of the database now (at shutdown).
    pub fn release(&self) {
        if let Some(h) = self.slot().held.take() {
            close(h.store);
        }
    }

    /// Whether the desk holds the database at this moment.
    pub fn is_held(&self) -> bool {
        self.slot().held.is_some()
    }

    /// How many times the database was opened (for the benchmark).
    pub fn opens(&self) -> u64 {
        self.slot().opens
    }
}

/// Closes the store once no request holds it any more (on sled none does: requests hold the
/// slot's lock while they run).
fn close(store: Arc<Store>) {
    let closed = match Arc::try_unwrap(store) {
        Ok(store) => store.close(),
        Err(shared) => shared.flush(),
    };
    if let Err(e) = closed {
        tracing::warn!("closing the database: {e}");
    }
}
