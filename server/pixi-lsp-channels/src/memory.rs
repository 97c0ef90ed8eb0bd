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
