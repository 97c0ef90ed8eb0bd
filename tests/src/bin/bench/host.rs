//! The host's analysis of a keystroke, in process: one host with channel data loaded from
//! loopback channels and one with channel data off, fed the same edits in turns. Without
//! the LSP transport and the scheduler in between, what channel data adds to a keystroke
//! shows plainly (and repeatably, under `valgrind --tool=callgrind`).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pixi_lsp_channels::{ChannelService, ChannelsConfig};
use pixi_lsp_host::{ChannelSource, Document, Host, Surroundings};
use pixi_lsp_ide::{CancelToken, DiagnosticsConfig, FileKind};

use super::{edit_offsets, ms, percentile};

/// One host and what it keeps for the document across versions, as the server does.
struct Analyst {
    host: Host,
    previous: Option<Surroundings>,
}

impl Analyst {
    /// Analyses one version and computes its diagnostics: their count.
    fn keystroke(&mut self, path: &Path, text: Arc<str>) -> usize {
        let doc = Document {
            kind: FileKind::PixiToml,
            text,
            path: Some(path),
            open_text: &|_| None,
            lock: None,
            previews: Vec::new(),
            cancel: CancelToken::new(),
        };
        let Ok(analyzed) = self.host.analyze(&doc, self.previous.as_ref()) else {
            return 0;
        };
        self.previous = analyzed.surroundings;
        analyzed
            .analysis
            .diagnostics(&DiagnosticsConfig::default())
            .map_or(0, |d| d.len())
    }
}

/// `manifest` (naming loopback channels) lies in `dir`; prints p50/p95 per keystroke of
/// both hosts and their ratio.
pub fn keystrokes(dir: &Path, manifest: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let _entered = runtime.enter();
    let cache = tempfile::tempdir().expect("cache dir");
    let config = ChannelsConfig {
        cache_dir: cache.path().to_owned(),
        ..ChannelsConfig::default()
    };
    let alias = config.channel_alias.clone();
    let changes = Arc::new(AtomicUsize::new(0));
    let counter = changes.clone();
    let service = ChannelService::new(config, move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut on = Analyst {
        host: Host::new(),
        previous: None,
    };
    on.host.set_channels(Some(ChannelSource { service, alias }));
    let mut off = Analyst {
        host: Host::new(),
        previous: None,
    };
    let path = dir.join("pixi.toml");
    let text: Arc<str> = Arc::from(manifest);

    // Analyse until the channel data stops changing (names, then the manifest's records).
    let started = Instant::now();
    let mut quiet_since = Instant::now();
    let mut seen = usize::MAX;
    while quiet_since.elapsed() < Duration::from_secs(2) && started.elapsed().as_secs() < 120 {
        on.keystroke(&path, text.clone());
        let now = changes.load(Ordering::SeqCst);
        if now != seen {
            seen = now;
            quiet_since = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let loaded_diagnostics = on.keystroke(&path, text.clone());
    off.keystroke(&path, text.clone());

    let offsets = edit_offsets(manifest);
    let (mut on_samples, mut off_samples) = (Vec::new(), Vec::new());
    let mut current = manifest.to_owned();
    for (i, offset) in offsets.iter().enumerate() {
        current.insert(offset + i, '9');
        let version: Arc<str> = Arc::from(current.as_str());
        let time = |a: &mut Analyst, into: &mut Vec<Duration>| {
            let t = Instant::now();
            a.keystroke(&path, version.clone());
            into.push(t.elapsed());
        };
        if i % 2 == 0 {
            time(&mut on, &mut on_samples);
            time(&mut off, &mut off_samples);
        } else {
            time(&mut off, &mut off_samples);
            time(&mut on, &mut on_samples);
        }
    }
    let (on50, on95) = (
        percentile(&mut on_samples, 0.5),
        percentile(&mut on_samples, 0.95),
    );
    let (off50, off95) = (
        percentile(&mut off_samples, 0.5),
        percentile(&mut off_samples, 0.95),
    );
    println!(
        "in-process host, loopback channels loaded ({loaded_diagnostics} diagnostics): analysis + diagnostics per keystroke p50 {} / p95 {}; channels off p50 {} / p95 {}; p50 {:.2}x, p95 {:.2}x",
        ms(on50),
        ms(on95),
        ms(off50),
        ms(off95),
        on50.as_secs_f64() / off50.as_secs_f64().max(1e-9),
        on95.as_secs_f64() / off95.as_secs_f64().max(1e-9),
    );
}
