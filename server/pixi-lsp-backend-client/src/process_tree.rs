//! A backend and everything it starts (compilers, scripts), ended as a whole: a cancelled
//! build must not keep running underneath. On Unix the backend leads its own process group
//! (`Command::process_group(0)` at spawn) and the group gets SIGKILL. On Windows it is put
//! in a job object that kills its members when its handle closes; the job is closed to end
//! the tree. (A process the backend starts in the instant before it joins the job escapes
//! it; the backend itself is still killed.)

/// The process tree of one spawned backend.
pub(crate) struct ProcessTree {
    pid: Option<u32>,
    #[cfg(windows)]
    job: std::sync::Mutex<Option<win32job::Job>>,
}

impl ProcessTree {
    /// Takes charge of the tree of `child`, right after it was spawned.
    pub(crate) fn adopt(child: &tokio::process::Child) -> Self {
        Self {
            pid: child.id(),
            #[cfg(windows)]
            job: std::sync::Mutex::new(windows_job(child)),
        }
    }

    pub(crate) fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// Ends every process of the tree. The backend itself is also killed through its
    /// `Child` by the caller, which reaps it.
    pub(crate) fn kill(&self) {
        #[cfg(unix)]
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            // While members remain, the group keeps its id, so this cannot hit another
            // process group.
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        #[cfg(windows)]
        if let Ok(mut job) = self.job.lock() {
            // Closing the last handle of a kill-on-close job ends its processes.
            drop(job.take());
        }
    }
}

/// A kill-on-close job holding `child`; `None` when Windows refuses (e.g. the server runs
/// in a job that forbids nested jobs): then only the backend itself is killed.
#[cfg(windows)]
fn windows_job(child: &tokio::process::Child) -> Option<win32job::Job> {
    let handle = child.raw_handle()?;
    let mut limits = win32job::ExtendedLimitInfo::new();
    limits.limit_kill_on_job_close();
    let job = win32job::Job::create_with_limit_info(&limits)
        .map_err(|e| tracing::warn!("no job object for the build backend: {e}"))
        .ok()?;
    job.assign_process(handle as isize)
        .map_err(|e| tracing::warn!("the build backend could not join its job object: {e}"))
        .ok()?;
    Some(job)
}
