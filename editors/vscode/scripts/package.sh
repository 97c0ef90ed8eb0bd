#!/usr/bin/env bash
# Build editors/vscode/pixi-lsp.vsix (or $1).
#   PIXI_LSP_BUNDLE_SERVER=/path/to/pixi-lsp  bundles that binary as server/pixi-lsp, and then
#   PIXI_LSP_VSIX_TARGET (default linux-x64) makes it a platform-specific .vsix (win32-* targets get
#   server/pixi-lsp.exe, the name the extension looks for on Windows).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-pixi-lsp.vsix}
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s compile
rm -rf server
target=()
if [ -n "${PIXI_LSP_BUNDLE_SERVER:-}" ]; then
  vsix_target=${PIXI_LSP_VSIX_TARGET:-linux-x64}
  exe=pixi-lsp
  case $vsix_target in win32-*) exe=pixi-lsp.exe ;; esac
  mkdir -p server
  cp "$PIXI_LSP_BUNDLE_SERVER" "server/$exe"
  chmod +x "server/$exe"
  target=(--target "$vsix_target")
fi
# the extension is bundled by esbuild, so node_modules are not packaged
npx vsce package --no-dependencies --skip-license "${target[@]}" -o "$OUT"
rm -rf server
