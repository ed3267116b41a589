//! What one untrusted input may cost, and the boundary every parse of one runs inside.
//!
//! Feeds, pages, posts and texts come from strangers, so every stage that reads one is bounded
//! by the limits below (each stage applies its own and says so when one applies), and every
//! parse of untrusted bytes runs in `contain`: on a thread of its own with a known, large
//! stack, so that a recursion the limits missed cannot take the process down; with a panic
//! turned into an error for that one input; and, if the caller gives a deadline, with the
//! caller giving up on an input that still takes too long. A pass goes on with the next input
//! either way. This module is not for network limits (body size, timeouts: `fetcher::http`).
//!
//! The limits are far above what real documents reach: the deepest real pages nest a few dozen
//! elements, the longest real feeds carry a few hundred entries, a long article is 50 KB of
//! text and a weekly digest 10,000 words.

use std::any::Any;
use std::sync::mpsc;
use std::time::Duration;

/// Element nesting kept in an HTML page or fragment and in a feed's XML; deeper elements are
/// flattened into their ancestor at this depth (their text is kept).
pub const MAX_DEPTH: usize = 512;
/// Elements kept in one HTML document; tags after these are dropped, their text kept.
pub const MAX_ELEMENTS: usize = 100_000;
/// Attributes kept on one element, bytes kept of one attribute, and of all of a document's.
pub const MAX_ATTRIBUTES: usize = 64;
pub const MAX_ATTRIBUTE_BYTES: usize = 32 * 1024;
pub const MAX_PAGE_ATTRIBUTES: usize = 2 * 1024 * 1024;
/// Bytes of text kept of one HTML document (scripts and styles not counted).
pub const MAX_PAGE_TEXT: usize = 2 * 1024 * 1024;
/// Entries read from one feed document (the first ones, which are the newest in practice).
pub const MAX_ENTRIES: usize = 1_000;
/// Bytes of a story's text (a page's or a feed entry's), cut at a paragraph break.
pub const MAX_TEXT: usize = 1024 * 1024;
/// Bytes of text handed to quote extraction, and quotations kept of one text.
pub const MAX_QUOTE_TEXT: usize = MAX_TEXT;
pub const MAX_QUOTES: usize = 1_000;
/// Passages of one post checked by `verify`, and words of a post read.
pub const MAX_POST_PASSAGES: usize = 2_000;
pub const MAX_POST_WORDS: usize = 200_000;
/// The longest one input's parse may take before a fetch pass gives up on it.
pub const PARSE_DEADLINE: Duration = Duration::from_secs(20);
/// The stack of a thread that parses untrusted input.
pub const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Why a contained parse gave no result.
#[derive(Debug, thiserror::Error)]
pub enum Contained {
    #[error("quotewire's {what} failed on this input ({message}); please report it")]
    Panicked { what: &'static str, message: String },
    #[error("the {what} took longer than {} s on this input; it was given up", .after.as_secs())]
    TimedOut { what: &'static str, after: Duration },
    #[error("cannot start a thread for the {what}: {error}")]
    Spawn {
        what: &'static str,
        error: std::io::Error,
    },
}

/// Runs `f` (a parse of one untrusted input, named `what` in messages: "feed parser") on a
/// worker thread with `WORKER_STACK` of stack and waits for it, at most `deadline` if one is
/// given. A panic in `f` comes back as `Contained::Panicked`. After a deadline `f` is left to
/// finish on its thread, which nothing waits for; its result is dropped.
pub fn contain<T, F>(what: &'static str, deadline: Option<Duration>, f: F) -> Result<T, Contained>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    spawn(what, f, move |r| {
        let _ = tx.send(r);
    })?;
    match deadline {
        Some(d) => rx.recv_timeout(d).map_err(|e| match e {
            mpsc::RecvTimeoutError::Timeout => Contained::TimedOut { what, after: d },
            mpsc::RecvTimeoutError::Disconnected => panicked(what, "the thread ended"),
        })?,
        None => rx.recv().map_err(|_| panicked(what, "the thread ended"))?,
    }
}

/// `contain` for async callers: the parse runs on its own thread, not on the runtime's.
pub async fn contain_async<T, F>(
    what: &'static str,
    deadline: Option<Duration>,
    f: F,
) -> Result<T, Contained>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    spawn(what, f, move |r| {
        let _ = tx.send(r);
    })?;
    let wait = async {
        rx.await
            .unwrap_or_else(|_| Err(panicked(what, "the thread ended")))
    };
    match deadline {
        Some(d) => tokio::time::timeout(d, wait)
            .await
            .unwrap_or(Err(Contained::TimedOut { what, after: d })),
        None => wait.await,
    }
}

/// The name of every thread `contain` runs work on; the panic hook knows them by it.
const THREAD_PREFIX: &str = "untrusted: ";

/// How long an idle worker waits for more work before it ends.
const WORKER_IDLE: Duration = Duration::from_secs(10);

fn spawn<T, F, S>(what: &'static str, f: F, send: S) -> Result<(), Contained>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
    S: FnOnce(Result<T, Contained>) + Send + 'static,
{
    quiet_panics_of_contained_threads();
    WORKERS
        .submit(Box::new(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .map_err(|payload| panicked(what, &message_of(payload.as_ref())));
            send(r);
        }))
        .map_err(|error| Contained::Spawn { what, error })
}

type Job = Box<dyn FnOnce() + Send>;

/// The threads `contain` runs work on: started as work comes and none is idle, each with
/// `WORKER_STACK` of stack, ended after `WORKER_IDLE` without work. Reusing them keeps the
/// allocator's per-thread arenas few (a thread per parse cost a fetch pass tens of MB); a
/// worker still busy with work its caller gave up on simply comes back later.
struct Workers {
    state: std::sync::Mutex<Queue>,
    ready: std::sync::Condvar,
}

struct Queue {
    /// Jobs waiting, each with the number it was given.
    jobs: std::collections::VecDeque<(u64, Job)>,
    next: u64,
    idle: usize,
}

static WORKERS: Workers = Workers {
    state: std::sync::Mutex::new(Queue {
        jobs: std::collections::VecDeque::new(),
        next: 0,
        idle: 0,
    }),
    ready: std::sync::Condvar::new(),
};

impl Workers {
    fn submit(&'static self, job: Job) -> std::io::Result<()> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let id = q.next;
        q.next += 1;
        q.jobs.push_back((id, job));
        if q.idle >= q.jobs.len() {
            self.ready.notify_one();
            return Ok(());
        }
        drop(q);
        let started = std::thread::Builder::new()
            .name(format!("{THREAD_PREFIX}worker"))
            .stack_size(WORKER_STACK)
            .spawn(move || self.work());
        if let Err(e) = started {
            // Take this job back if no worker has taken it: nobody may ever run it.
            let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
            q.jobs.retain(|(i, _)| *i != id);
            return Err(e);
        }
        Ok(())
    }

    fn work(&'static self) {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some((_, job)) = q.jobs.pop_front() {
                drop(q);
                job();
                q = self.state.lock().unwrap_or_else(|e| e.into_inner());
                continue;
            }
            q.idle += 1;
            let (next, waited) = self
                .ready
                .wait_timeout(q, WORKER_IDLE)
                .unwrap_or_else(|e| e.into_inner());
            q = next;
            q.idle -= 1;
            if waited.timed_out() && q.jobs.is_empty() {
                return;
            }
        }
    }
}

fn panicked(what: &'static str, message: &str) -> Contained {
    Contained::Panicked {
        what,
        message: message.to_string(),
    }
}

fn message_of(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// A panic inside `contain` is reported as that input's error, so the default hook's
/// message and backtrace on stderr would only alarm: such panics are logged at debug level
/// instead. Panics anywhere else still reach the previous hook.
fn quiet_panics_of_contained_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let contained = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(THREAD_PREFIX));
            if contained {
                tracing::debug!("contained panic: {info}");
            } else {
                previous(info);
            }
        }));
    });
}

/// Cuts `text` to at most `max` bytes at the last paragraph break (else line break, else
/// space, else character boundary) before the limit. Returns whether it cut.
pub fn cut_text(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let at = head
        .rfind("\n\n")
        .or_else(|| head.rfind('\n'))
        .or_else(|| head.rfind(' '))
        .filter(|&i| i > end / 2)
        .unwrap_or(end);
    text.truncate(at);
    text.truncate(text.trim_end().len());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_and_the_caller_goes_on() {
        let r: Result<(), _> = contain("test parser", None, || panic!("boom"));
        match r {
            Err(Contained::Panicked { message, .. }) => assert_eq!(message, "boom"),
            other => panic!("{other:?}"),
        }
        assert_eq!(contain("test parser", None, || 7).unwrap(), 7);
    }

    #[test]
    fn a_deep_recursion_fits_the_worker_stack() {
        fn depth(n: usize) -> usize {
            let pad = [n as u8; 256];
            if n == 0 {
                return 0;
            }
            let below = depth(n - 1);
            std::hint::black_box(&pad);
            below + 1
        }
        // About 100,000 frames of 300 bytes or more: more than a default 2 MiB thread has.
        assert_eq!(contain("test", None, || depth(100_000)).unwrap(), 100_000);
    }

    #[test]
    fn a_deadline_gives_up() {
        let r = contain("slow parser", Some(Duration::from_millis(20)), || {
            std::thread::sleep(Duration::from_millis(500))
        });
        assert!(matches!(r, Err(Contained::TimedOut { .. })), "{r:?}");
    }

    #[test]
    fn work_given_up_on_does_not_hold_up_the_rest() {
        let slow = contain("slow", Some(Duration::from_millis(10)), || {
            std::thread::sleep(Duration::from_secs(2))
        });
        assert!(matches!(slow, Err(Contained::TimedOut { .. })));
        // Many callers at once, while that worker is still asleep: every one is answered.
        let callers: Vec<_> = (0..32)
            .map(|i| std::thread::spawn(move || contain("quick", None, move || i * 2)))
            .collect();
        for (i, c) in callers.into_iter().enumerate() {
            assert_eq!(c.join().ok().and_then(|r| r.ok()), Some(i * 2));
        }
    }

    #[tokio::test]
    async fn the_async_form_contains_panics_and_deadlines() {
        let r: Result<(), _> = contain_async("p", None, || panic!("x")).await;
        assert!(matches!(r, Err(Contained::Panicked { .. })));
        let r = contain_async("p", Some(Duration::from_millis(20)), || {
            std::thread::sleep(Duration::from_millis(500))
        })
        .await;
        assert!(matches!(r, Err(Contained::TimedOut { .. })));
        assert_eq!(contain_async("p", None, || 3).await.unwrap(), 3);
    }

    #[test]
    fn text_is_cut_at_a_paragraph_break() {
        let mut t = "one two three\n\nfour five six".to_string();
        assert!(cut_text(&mut t, 20));
        assert_eq!(t, "one two three");
        let mut t = "é".repeat(10);
        assert!(cut_text(&mut t, 5));
        assert_eq!(t, "éé");
        let mut t = "short".to_string();
        assert!(!cut_text(&mut t, 100));
    }
}
