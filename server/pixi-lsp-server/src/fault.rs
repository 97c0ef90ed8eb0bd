//! Fault injection for the robustness tests: `PIXI_LSP_FAULT_INJECTION=panic-in-hover` makes
//! hover panic inside the analysis, to prove that a panicking request is answered with an
//! error and the server goes on. Read once; unset in normal use.

use std::sync::LazyLock;

static FAULTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    std::env::var("PIXI_LSP_FAULT_INJECTION")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
});

pub(crate) fn injected(fault: &str) -> bool {
    FAULTS.iter().any(|f| f == fault)
}
