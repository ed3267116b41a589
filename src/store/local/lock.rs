//! The database lock: one quotewire process holds a database at a time.
//!
//! sled refuses a second opener outright. quotewire takes its own advisory lock on
//! `DIR/quotewire.lock` first, records who holds it (pid, command, since), and a second process
//! waits for it up to a limit instead of failing at once. The lock is released when the `Store`
//! (and so the file) is dropped, or when the process dies: the kernel drops advisory locks.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::store::StoreError;

/// Takes the lock in `dir`, waiting up to `wait`. `on_wait` is called once, with who holds it,
/// if the lock is busy.
pub fn acquire(
    dir: &Path,
    command: &str,
    wait: Duration,
    on_wait: &mut dyn FnMut(&str),
) -> Result<File, StoreError> {
    let path = dir.join("quotewire.lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::Io(format!("cannot open {}: {e}", path.display())))?;
    let start = Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                let holder = holder(&mut file);
                if start.elapsed() >= wait {
                    return Err(StoreError::Locked {
                        dir: dir.to_path_buf(),
                        holder,
                        waited: start.elapsed(),
                    });
                }
                if !told {
                    on_wait(&holder);
                    told = true;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::Error(e)) => {
                return Err(StoreError::Io(format!(
                    "cannot lock {}: {e}",
                    path.display()
                )))
            }
        }
    }
    let note = format!(
        "pid {} running `quotewire {command}` since {}",
        std::process::id(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    let written = file
        .set_len(0)
        .and_then(|_| file.rewind())
        .and_then(|_| file.write_all(note.as_bytes()));
    if let Err(e) = written {
        tracing::debug!("could not note the lock holder in {}: {e}", path.display());
    }
    Ok(file)
}

fn holder(file: &mut File) -> String {
    let mut s = String::new();
    let _ = file.rewind().and_then(|_| file.read_to_string(&mut s));
    if s.trim().is_empty() {
        "another quotewire process".into()
    } else {
        s.trim().to_string()
    }
}
