//! Property/fuzz driver: mutates real manifests (the corpus, pixi's reference examples and
//! generated ones) and drives each through parse → validate → complete → hover → symbols →
//! code actions, with the fixes applied and the result analysed again. Fails on a panic or
//! a case that takes too long, printing the seed and saving the input.
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-fuzz -- [CASES] [SEED]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pixi_lsp_ide::{CompletionConfig, DiagnosticsConfig, FileAnalysis, FileKind, FormatConfig};
use pixi_lsp_syntax::TextRange;
use pixi_lsp_tests::{generate, paths};

/// A case slower than this counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(10);

fn seeds() -> Vec<(FileKind, String)> {
    let mut out = vec![(FileKind::PixiToml, generate::big_manifest(200))];
    if let Some(shared) = paths::shared_dir() {
        for dir in [
            "corpus",
            "docs/reference/examples/valid",
            "docs/reference/examples/invalid",
        ] {
            let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".toml")
                    && let Ok(text) = std::fs::read_to_string(e.path())
                {
                    let kind = if name.ends_with("pyproject.toml") {
                        FileKind::PyprojectToml
                    } else {
                        FileKind::PixiToml
                    };
                    out.push((kind, text));
                }
            }
        }
    }
    out
}

fn exercise(kind: FileKind, text: &str, rng: &mut fastrand::Rng) {
    let analysis = FileAnalysis::new(kind, Arc::from(text));
    let config = DiagnosticsConfig::default();
    let diagnostics = analysis
        .diagnostics(&config)
        .expect("nothing cancels the fuzz analysis");
    for d in &diagnostics {
        assert!(
            d.range.end as usize <= text.len(),
            "diagnostic range out of bounds: {:?}",
            d.range
        );
    }
    for _ in 0..4 {
        let offset = generate::boundary(text, rng.usize(..=text.len()));
        let _ = analysis.completions(offset, &CompletionConfig { snippets: true });
        let _ = analysis.hover(offset);
    }
    let _ = analysis.symbols();
    let _ = analysis.folds();
    let _ = analysis.semantic_tokens();
    let _ = analysis.links();
    let offsets: Vec<usize> = (0..2)
        .map(|_| generate::boundary(text, rng.usize(..=text.len())))
        .collect();
    let _ = analysis.selection_ranges(&offsets);
    // Formatting never changes a value and is idempotent, whatever the input.
    if let Some(edits) = analysis.format(None, &FormatConfig::default()) {
        let mut once = text.to_owned();
        for e in edits.iter().rev() {
            once.replace_range(e.range.as_usize(), &e.new_text);
        }
        let again = FileAnalysis::new(kind, Arc::from(once.as_str()));
        assert_eq!(
            again.format(None, &FormatConfig::default()),
            Some(Vec::new()),
            "formatting is not idempotent on {text:?}"
        );
    }
    let actions = analysis
        .code_actions(TextRange::new(0, text.len()), &config)
        .expect("nothing cancels the fuzz analysis");
    if let Some(action) = actions.first() {
        let mut fixed = text.to_owned();
        let mut edits = action.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in edits {
            assert!(
                e.range.end as usize <= fixed.len()
                    && fixed.is_char_boundary(e.range.start as usize),
                "fix edit out of bounds"
            );
            fixed.replace_range(e.range.as_usize(), &e.new_text);
        }
        let _ = FileAnalysis::new(kind, Arc::from(fixed)).diagnostics(&config);
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cases: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0x5eed);
    let seeds = seeds();
    let progress = Arc::new(AtomicU64::new(0));
    let current = Arc::new(Mutex::new(String::new()));
    let (watchdog_progress, watchdog_input) = (progress.clone(), current.clone());
    std::thread::spawn(move || {
        let mut last = u64::MAX;
        loop {
            std::thread::sleep(CASE_LIMIT);
            let now = watchdog_progress.load(Ordering::Relaxed);
            if now == last {
                let input = watchdog_input.lock().map(|s| s.clone()).unwrap_or_default();
                let _ = std::fs::write("fuzz-hang.toml", input);
                eprintln!(
                    "fuzz: case {now} made no progress for {CASE_LIMIT:?}: a hang (input saved to fuzz-hang.toml)"
                );
                std::process::exit(1);
            }
            last = now;
        }
    });
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    for case in 0..cases {
        let mut rng = fastrand::Rng::with_seed(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (kind, base) = &seeds[rng.usize(..seeds.len())];
        let mutations = rng.usize(1..=8);
        let input = generate::mutate(&mut rng, base, mutations);
        if let Ok(mut slot) = current.lock() {
            slot.clone_from(&input);
        }
        let result = catch_unwind(AssertUnwindSafe(|| exercise(*kind, &input, &mut rng)));
        if let Err(panic) = result {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
            let _ = std::fs::write("fuzz-failure.toml", &input);
            eprintln!(
                "fuzz: case {case} (seed {seed}) panicked: {}; input saved to fuzz-failure.toml",
                message.unwrap_or_default()
            );
            return ExitCode::FAILURE;
        }
        progress.store(case + 1, Ordering::Relaxed);
    }
    println!(
        "fuzz: {cases} cases passed, 0 failed in {:.1?} (seed {seed})",
        started.elapsed()
    );
    ExitCode::SUCCESS
}
