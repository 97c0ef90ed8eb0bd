#!/usr/bin/env bash
# The user's install path: the linux-x64 .vsix with the server inside (scripts/package.sh), installed with
# `code-server --install-extension` into fresh directories, with no pixiLsp.server.path setting and no pixi-lsp
# on PATH; bundled-e2e.js then checks in the browser that the bundled server runs.
# Usage: tests/e2e/bundled.sh <server binary>
# Env: as code-server.sh; BUNDLED_VSIX=<.vsix> installs that one instead of packaging (e.g. one without a
#      server, to see the test fail).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VSC=$(cd "$HERE/../.." && pwd)
SERVER=$(realpath "$1")
# shellcheck source-path=SCRIPTDIR source=code-server.sh
source "$HERE/code-server.sh"
cs_init vscode-bundled
VSIX=${BUNDLED_VSIX:-$RUN/pixi-lsp-linux-x64.vsix}
if [ -z "${BUNDLED_VSIX:-}" ]; then
  s=$SECONDS
  # packaged from a copy without the executable bit, as a downloaded CI artifact is: the installed server
  # must be executable all the same
  install -m 644 "$SERVER" "$RUN/pixi-lsp"
  PIXI_LSP_BUNDLE_SERVER=$RUN/pixi-lsp PIXI_LSP_VSIX_TARGET=linux-x64 bash "$VSC/scripts/package.sh" "$VSIX" \
    >"$RUN/package.log" 2>&1 || { cat "$RUN/package.log"; exit 1; }
  echo "packaged $(basename "$VSIX") ($(du -m "$VSIX" | cut -f1) MB) in $((SECONDS - s))s"
  rm "$RUN/pixi-lsp"
fi
mkdir -p "$RUN/ws"
cp -r "$VSC/tests/fixtures/workspace/broken" "$RUN/ws/"
# channels off: the fixture names conda-forge, which the test must not need
echo '  "pixiLsp.channels.enabled": false,' | cs_settings
cs_install "$VSIX"
# PATH without any pixi-lsp, so that only the bundled server can be found (node stays: code-server needs it)
clean=
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  if [ -n "$d" ] && ! [ -e "$d/pixi-lsp" ]; then clean=${clean:+$clean:}$d; fi
done
export PATH=$clean
if command -v pixi-lsp >/dev/null; then echo "pixi-lsp is still on PATH: $(command -v pixi-lsp)"; exit 1; fi
cs_start "$RUN/ws" code-server-bundled.log
EXT_DIR="$RUN/ext" SERVER="$SERVER" node "$HERE/bundled-e2e.js" "http://127.0.0.1:$PORT/?folder=$RUN/ws"
