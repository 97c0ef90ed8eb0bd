//! The backend's stderr: kept as a bounded tail for error messages, and
//! optionally streamed line by line (build logs).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// Called with every stderr line (without the newline), on a reader task.
pub type StderrCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// Limits of the kept tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StderrLimits {
    pub max_lines: usize,
    pub max_bytes: usize,
}

impl Default for StderrLimits {
    fn default() -> Self {
        StderrLimits {
            max_lines: 200,
            max_bytes: 64 * 1024,
        }
    }
}

/// The last lines of stderr, bounded by [`StderrLimits`].
#[derive(Debug)]
pub(crate) struct StderrTail {
    limits: StderrLimits,
    lines: VecDeque<String>,
    bytes: usize,
    dropped: usize,
}

impl StderrTail {
    pub(crate) fn new(limits: StderrLimits) -> Self {
        StderrTail {
            limits,
            lines: VecDeque::new(),
            bytes: 0,
            dropped: 0,
        }
    }

    pub(crate) fn push(&mut self, line: &str) {
        let mut line = line.to_owned();
        if line.len() > self.limits.max_bytes {
            let mut cut = self.limits.max_bytes;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
        }
        self.bytes += line.len();
        self.lines.push_back(line);
        while self.lines.len() > self.limits.max_lines.max(1) || self.bytes > self.limits.max_bytes
        {
            let Some(old) = self.lines.pop_front() else {
                break;
            };
            self.bytes -= old.len();
            self.dropped += 1;
        }
    }

    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        if self.dropped > 0 {
            out.push_str(&format!("[… {} earlier lines omitted]\n", self.dropped));
        }
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// State shared between the process handle and the stderr reader task.
#[derive(Clone)]
pub(crate) struct StderrSink {
    pub(crate) tail: Arc<Mutex<StderrTail>>,
    pub(crate) callback: Arc<Mutex<Option<StderrCallback>>>,
}

impl StderrSink {
    pub(crate) fn new(limits: StderrLimits, callback: Option<StderrCallback>) -> Self {
        StderrSink {
            tail: Arc::new(Mutex::new(StderrTail::new(limits))),
            callback: Arc::new(Mutex::new(callback)),
        }
    }

    pub(crate) fn line(&self, line: &str) {
        self.tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
        let callback = self
            .callback
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(callback) = callback {
            callback(line);
        }
    }

    pub(crate) fn text(&self) -> String {
        self.tail
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines_within_limits() {
        let mut tail = StderrTail::new(StderrLimits {
            max_lines: 2,
            max_bytes: 1024,
        });
        for line in ["a", "b", "c"] {
            tail.push(line);
        }
        assert_eq!(tail.text(), "[… 1 earlier lines omitted]\nb\nc\n");
    }

    #[test]
    fn truncates_long_lines_and_respects_the_byte_budget() {
        let mut tail = StderrTail::new(StderrLimits {
            max_lines: 10,
            max_bytes: 4,
        });
        tail.push("éééé");
        tail.push("xy");
        assert_eq!(tail.text(), "[… 1 earlier lines omitted]\nxy\n");
    }
}
