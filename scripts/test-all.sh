#!/usr/bin/env bash
# Installs what the tests need and runs every test: the Rust workspace (unit, fixture, stdio,
# CLI, corpus, bad-input tests), the fuzz driver, and the editor clients in real editors.
# `.ci/run` runs exactly this. Environment knobs:
#   FUZZ_CASES       fuzz cases to run (default 50000; `pixi-lsp-fuzz 100000` for the full run)
#   SKIP_EDITORS=1   skip the editor tests (e.g. on a machine without apt)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust (https://rustup.rs) first" >&2
  exit 2
fi

step "test dependencies (patchelf, shellcheck, zizmor, actionlint)"
bash scripts/install-test-deps.sh
# shellcheck disable=SC1091
source "${PIXI_LSP_TEST_CACHE:-$HOME/.cache/pixi-lsp-tests}/env.sh"

# One profile (debug) for everything, so CI compiles the dependency tree once.
step "cargo build (debug)"
cargo build --workspace --all-targets --locked

step "cargo install, as the README gives it (dev profile, into a temporary root, reusing target/)"
install_root=$(mktemp -d)
cargo install --locked --debug --path server/pixi-lsp --root "$install_root" --target-dir "$PWD/target" --quiet
"$install_root/bin/pixi-lsp" --version
"$install_root/bin/pixi-lsp" check examples/offline/pixi.toml
# The README promises a binary that needs nothing but the C library (rustls, no OpenSSL).
if command -v ldd >/dev/null; then
  extra=$(ldd "$install_root/bin/pixi-lsp" | grep -vE 'linux-vdso|libgcc_s|libm\.so|libc\.so|ld-linux' || true)
  if [ -n "$extra" ]; then
    echo "the installed pixi-lsp links more than the C library:" >&2
    echo "$extra" >&2
    exit 1
  fi
fi
rm -rf "$install_root"

step "the README's first command (the offline example: check, preview, build)"
./target/debug/pixi-lsp-demo

step "cargo test"
cargo test --workspace --locked

step "fuzz: ${FUZZ_CASES:-50000} cases"
./target/debug/pixi-lsp-fuzz "${FUZZ_CASES:-50000}"

if [ "${SKIP_EDITORS:-0}" != 1 ] && [ -f editors/run-tests.sh ]; then
  step "editor test dependencies"
  bash editors/install-test-deps.sh
  step "editor tests (Neovim, VS Code)"
  PIXI_LSP_BIN="$PWD/target/debug/pixi-lsp" bash editors/run-tests.sh
fi
step "all tests passed"
