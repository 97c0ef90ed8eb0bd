//! Cancellation of work on a superseded document version, as rust-analyzer's `Cancelled`:
//! the caller trips the token of a version when a newer one arrives, and the analysis stops
//! at its next natural step (between validation passes, every few hundred items of a long
//! loop) instead of running to the end for a result nobody will read. No unwinding: the
//! slow methods return [`Cancellable`], and the LSP layer answers `ContentModified`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The work was for a document version that is no longer current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the document changed; the analysis of its older version was cancelled")
    }
}

impl std::error::Error for Cancelled {}

pub type Cancellable<T> = Result<T, Cancelled>;

/// Shared by everything computed for one document version. Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Called by the owner of the version when a newer one arrives (or the document closes).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the version is superseded: `token.check()?` at a natural step.
    pub fn check(&self) -> Cancellable<()> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag() {
        let token = CancelToken::new();
        let clone = token.clone();
        assert_eq!(clone.check(), Ok(()));
        token.cancel();
        assert_eq!(clone.check(), Err(Cancelled));
    }
}
