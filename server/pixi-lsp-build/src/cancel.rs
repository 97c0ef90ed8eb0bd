//! A cancellation signal for long resolves and builds: the receiving end of a
//! `tokio::sync::watch` channel that turns `true` once. (The server owns a
//! `CancellationToken` per job; it bridges to this with one `watch` sender.)

use tokio::sync::watch;

/// Fires once the sender sends `true`. A dropped sender never fires.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    rx: Option<watch::Receiver<bool>>,
}

/// The sending half of [`Cancel::new`]; clones fire the same signal.
#[derive(Clone, Debug)]
pub struct CancelHandle {
    tx: watch::Sender<bool>,
}

impl Cancel {
    /// A signal and the handle that fires it.
    pub fn new() -> (CancelHandle, Cancel) {
        let (tx, rx) = watch::channel(false);
        (CancelHandle { tx }, Cancel { rx: Some(rx) })
    }

    /// Never fires.
    pub fn never() -> Self {
        Self::default()
    }

    pub fn is_cancelled(&self) -> bool {
        self.rx.as_ref().is_some_and(|rx| *rx.borrow())
    }

    /// Completes when cancelled; pending forever otherwise.
    pub async fn cancelled(&self) {
        if let Some(rx) = &self.rx {
            let mut rx = rx.clone();
            if rx.wait_for(|cancelled| *cancelled).await.is_ok() {
                return;
            }
        }
        std::future::pending::<()>().await;
    }
}

impl From<watch::Receiver<bool>> for Cancel {
    fn from(rx: watch::Receiver<bool>) -> Self {
        Self { rx: Some(rx) }
    }
}

impl CancelHandle {
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }
}
