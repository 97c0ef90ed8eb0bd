#!/usr/bin/env bash
# Runs all editor tests against a pixi-lsp binary:
#   - Neovim: editors/nvim/tests/test_*.lua, headless Neovim 0.11
#   - VS Code: eslint, tsc, unit tests (node --test), .vsix packaging, and the end-to-end tests in
#     code-server driven by chromium (screenshots in editors/vscode/tests/artifacts/): tests/e2e/run.sh, and
#     tests/e2e/bundled.sh (the linux-x64 .vsix with the server inside, installed as a user does)
# Usage: PIXI_LSP_BIN=target/debug/pixi-lsp editors/run-tests.sh [nvim] [vscode]
# The channel and build tests also need target/debug/pixi-lsp-make-channel beside the server (or
# $PIXI_LSP_MAKE_CHANNEL), the recipe-preview and build tests target/debug/test-backend-under-test (or
# $PIXI_LSP_TEST_BACKEND):
#   cargo build -p pixi-lsp-tests --bins
# Needs editors/install-test-deps.sh to have run (it writes $CACHE/env.sh). Exits non-zero on any failure;
# the last line is "N passed, M failed[, K skipped]".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${PIXI_LSP_EDITOR_CACHE:-$HOME/.cache/pixi-lsp-editor-tests}
BIN=${PIXI_LSP_BIN:-$ROOT/target/debug/pixi-lsp}
SUITES=("$@"); [ ${#SUITES[@]} -gt 0 ] || SUITES=(nvim vscode)
t0=$SECONDS
passed=0; failed=0; skipped=0; failures=()

if [ ! -f "$CACHE/env.sh" ]; then
  echo "editors: $CACHE/env.sh missing; run editors/install-test-deps.sh first"; echo "0 passed, 1 failed"; exit 1
fi
# shellcheck disable=SC1091
source "$CACHE/env.sh"
case "$BIN" in /*) ;; *) BIN=$(cd "$(dirname "$BIN")" 2>/dev/null && pwd)/$(basename "$BIN") ;; esac
# builds the local file:// test channel for the channel and build tests (nvim tests/test_channels.lua and
# tests/test_build.lua, vscode e2e)
export PIXI_LSP_MAKE_CHANNEL=${PIXI_LSP_MAKE_CHANNEL:-$(dirname "$BIN")/pixi-lsp-make-channel}
case "$PIXI_LSP_MAKE_CHANNEL" in /*) ;; *) PIXI_LSP_MAKE_CHANNEL=$(cd "$(dirname "$PIXI_LSP_MAKE_CHANNEL")" 2>/dev/null && pwd)/$(basename "$PIXI_LSP_MAKE_CHANNEL") ;; esac
# the build backend the recipe-preview and build tests run (our example backend pixi-build-lsp-example, through
# the backends.overrides setting): nvim tests/test_commands.lua and tests/test_build.lua, vscode e2e
export PIXI_LSP_TEST_BACKEND=${PIXI_LSP_TEST_BACKEND:-$(dirname "$BIN")/test-backend-under-test}
case "$PIXI_LSP_TEST_BACKEND" in /*) ;; *) PIXI_LSP_TEST_BACKEND=$(cd "$(dirname "$PIXI_LSP_TEST_BACKEND")" 2>/dev/null && pwd)/$(basename "$PIXI_LSP_TEST_BACKEND") ;; esac
if ! [ -x "$BIN" ] || ! "$BIN" --version >/dev/null 2>&1; then
  echo "editors: server binary $BIN is missing or broken (set PIXI_LSP_BIN)"; echo "0 passed, 1 failed"; exit 1
fi
echo "== server: $("$BIN" --version)  ($BIN)"
[ -x "$PIXI_LSP_TEST_BACKEND" ] || echo "editors: warning: test backend $PIXI_LSP_TEST_BACKEND missing; the preview and build tests will fail (cargo build -p pixi-lsp-tests --bins, or set PIXI_LSP_TEST_BACKEND)"

# count "N passed, M failed[, K skipped]" from a log; a run without that line counts as one failure
tally() { # name rc log
  local name=$1 rc=$2 log=$3 line p f s
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$name (no summary line, rc=$rc)"); return
  fi
  p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
  s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then failed=$((failed + 1)); f=1; fi
  [ "$f" = 0 ] || failures+=("$name")
}

tallied() { # name command...   (output shown indented; its summary line counted by tally)
  local name=$1; shift
  local log rc; log=$(mktemp)
  "$@" >"$log" 2>&1
  rc=$?
  sed 's/^/  /' "$log"
  tally "$name" "$rc" "$log"
  rm -f "$log"
}

step() { # name command...   (output shown; rc counted as 1 test)
  local name=$1; shift
  local log; log=$(mktemp)
  local s=$SECONDS
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name ($((SECONDS - s))s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name"; sed 's/^/    /' "$log" | tail -40
  fi
  rm -f "$log"
}

for suite in "${SUITES[@]}"; do
  case $suite in
  nvim)
    echo "== Neovim ($("$PIXI_LSP_TEST_NVIM" --version | head -1))"
    cd "$HERE/nvim" || exit 1
    for t in tests/test_*.lua; do
      tallied "nvim $t" env PIXI_LSP_BIN="$BIN" timeout 600 "$PIXI_LSP_TEST_NVIM" --headless --clean -u tests/minimal_init.lua -l "$t"
    done
    ;;
  vscode)
    echo "== VS Code extension"
    cd "$HERE/vscode" || exit 1
    step "vscode eslint" npx eslint src tests
    step "vscode tsc" npx tsc -p . --noEmit
    log=$(mktemp)
    npm run -s test:unit >"$log" 2>&1; rc=$?
    p=$(grep -E '^# pass ' "$log" | grep -oE '[0-9]+'); f=$(grep -E '^# fail ' "$log" | grep -oE '[0-9]+')
    echo "  unit tests: ${p:-?} passed, ${f:-?} failed"
    if [ "$rc" != 0 ] || [ -z "$p" ]; then sed 's/^/    /' "$log" | grep -vE '^\s*(duration_ms|\.\.\.|---)' | tail -40; fi
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    if [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then failed=$((failed + 1)); fi
    [ "$rc" = 0 ] || failures+=("vscode unit tests")
    rm -f "$log"
    VSIX=$(mktemp -d)/pixi-lsp.vsix
    step "vscode package .vsix" bash scripts/package.sh "$VSIX"
    if [ -f "$VSIX" ]; then
      tallied "vscode e2e" timeout 900 bash tests/e2e/run.sh "$VSIX" "$BIN"
      rm -f "$VSIX"
    fi
    # the user's install path: the .vsix with $BIN inside, no server setting, no pixi-lsp on PATH
    tallied "vscode e2e (bundled server)" timeout 600 bash tests/e2e/bundled.sh "$BIN"
    echo "  screenshots: $HERE/vscode/tests/artifacts/"
    ;;
  *) echo "unknown suite $suite (nvim, vscode)"; exit 2 ;;
  esac
done

echo "== editors: $((SECONDS - t0))s"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
line="$passed passed, $failed failed"
[ "$skipped" = 0 ] || line="$line, $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
