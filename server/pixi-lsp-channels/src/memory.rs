//! Gives the heap freed by dropped repodata back to the system. glibc's allocator keeps
//! freed memory in its per-thread arenas; the gateway's index of a large channel (tens of
//! MB, parsed on the runtime's threads and dropped once a fetch is done) otherwise stayed in
//! the server's resident memory for its whole life.

/// Returns the free pages of every arena to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn release_freed_memory() {
    // SAFETY: malloc_trim takes no pointers; glibc locks each arena while trimming it, so
    // it is safe to call while other threads allocate.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators (musl, macOS, Windows) return memory on their own terms.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed_memory() {}

/// Builds and changes what the service keeps (names, records, the scopes' maps) on one
/// thread of its own. glibc's allocator serves each thread from its arena: the gateway's
/// transient index and query results come and go on the runtime's threads, and kept data
/// made in between pinned their pages after they were freed (`malloc_trim` returns only
/// whole free pages). Kept data made here shares pages only with other kept data.
pub(crate) fn kept<T: Send + 'static>(build: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = std::sync::mpsc::sync_channel(1);
    submit(Box::new(move || {
        let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            build,
        )));
    }));
    outcome(result.recv().ok())
}

/// [`kept`] for async callers: the runtime's thread is not blocked while it builds.
pub(crate) async fn kept_async<T: Send + 'static>(build: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = tokio::sync::oneshot::channel();
    submit(Box::new(move || {
        let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            build,
        )));
    }));
    outcome(result.await.ok())
}

type Job = Box<dyn FnOnce() + Send>;

/// The value built, or the builder's panic resumed in the caller, as if it had built in
/// place.
fn outcome<T>(received: Option<std::thread::Result<T>>) -> T {
    match received {
        Some(Ok(value)) => value,
        Some(Err(payload)) => std::panic::resume_unwind(payload),
        // Every job sends its outcome; this would be a job dropped unrun.
        None => std::panic::resume_unwind(Box::new("channel data job dropped")),
    }
}

/// Runs `job` on the channel data thread (started on first use), or in place when that
/// thread cannot be started or the caller is that thread.
fn submit(job: Job) {
    use std::sync::mpsc;
    static QUEUE: std::sync::OnceLock<Option<parking_lot::Mutex<mpsc::Sender<Job>>>> =
        std::sync::OnceLock::new();
    thread_local! {
        static ON_DATA_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if ON_DATA_THREAD.with(std::cell::Cell::get) {
        return job();
    }
    let queue = QUEUE.get_or_init(|| {
        let (send, receive) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("pixi-lsp-channel-data".into())
            .spawn(move || {
                ON_DATA_THREAD.with(|on| on.set(true));
                while let Ok(job) = receive.recv() {
                    job();
                }
            });
        match spawned {
            Ok(_) => Some(parking_lot::Mutex::new(send)),
            Err(e) => {
                tracing::warn!("no thread for channel data, built in place: {e}");
                None
            }
        }
    });
    match queue {
        Some(queue) => {
            if let Err(mpsc::SendError(job)) = queue.lock().send(job) {
                job();
            }
        }
        None => job(),
    }
}

#[cfg(test)]
mod tests {
    use super::{kept, kept_async};

    fn thread_name() -> Option<String> {
        std::thread::current().name().map(str::to_owned)
    }

    #[test]
    fn builds_on_the_channel_data_thread_and_hands_back_panics() {
        assert_eq!(kept(thread_name).as_deref(), Some("pixi-lsp-channel-data"));
        // Nested use from that thread runs in place instead of waiting on itself.
        assert_eq!(kept(|| kept(|| 2) + 1), 3);
        let panicked = std::panic::catch_unwind(|| kept(|| -> u8 { panic!("in the builder") }));
        assert!(panicked.is_err());
        // The thread survives a panic.
        assert_eq!(kept(|| 7), 7);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let name = runtime.block_on(kept_async(thread_name));
        assert_eq!(name.as_deref(), Some("pixi-lsp-channel-data"));
    }
}
