#!/usr/bin/env bash
# VS Code end-to-end test: code-server + the .vsix + Debian chromium driven by playwright-core.
# Usage: tests/e2e/run.sh <pixi-lsp.vsix> <server binary>
# Env: PIXI_LSP_TEST_CODE_SERVER (code-server binary), PIXI_LSP_TEST_CHROMIUM (default /usr/bin/chromium),
#      PORT (default: a free port), ARTIFACTS (screenshots; default editors/vscode/tests/artifacts),
#      PIXI_LSP_MAKE_CHANNEL (builds the local test channel; default: pixi-lsp-make-channel beside the server)
#      PIXI_LSP_TEST_BACKEND (the build backend of the recipe preview and the builds,
#      pixi-build-lsp-example; default: test-backend-under-test beside the server)
# pixi's real rattler-build and cmake backends come from ../shared/upstream-backends beside the repository (their
# tests are skipped, naming the folder, when it is absent).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VSC=$(cd "$HERE/../.." && pwd)
VSIX=$(realpath "$1"); SERVER=$(realpath "$2")
# shellcheck source-path=SCRIPTDIR source=code-server.sh
source "$HERE/code-server.sh"
cs_init vscode-e2e
cp -r "$VSC/tests/fixtures/workspace" "$RUN/ws"
# the local file:// channel for the channel-completion test (channels are off until that test turns
# them on: the other fixtures name conda-forge, unreachable without network)
MAKE_CHANNEL=${PIXI_LSP_MAKE_CHANNEL:-$(dirname "$SERVER")/pixi-lsp-make-channel}
CHANNEL_URL=; CHANNEL_ERR=
if [ -x "$MAKE_CHANNEL" ]; then
  CHANNEL_URL=$("$MAKE_CHANNEL" "$RUN/channel" 2>"$RUN/make-channel.err") \
    || { CHANNEL_ERR="$MAKE_CHANNEL failed: $(cat "$RUN/make-channel.err")"; CHANNEL_URL=; }
else
  CHANNEL_ERR="$MAKE_CHANNEL not found (cargo build -p pixi-lsp-tests --bin pixi-lsp-make-channel, or set PIXI_LSP_MAKE_CHANNEL)"
fi
# the recipe preview and the builds run our example backend through the backends.overrides setting
BACKEND=${PIXI_LSP_TEST_BACKEND:-$(dirname "$SERVER")/test-backend-under-test}
BACKEND_ERR=
if [ -x "$BACKEND" ]; then BACKEND=$(realpath "$BACKEND"); else
  BACKEND_ERR="$BACKEND not found (cargo build -p pixi-lsp-tests --bins, or set PIXI_LSP_TEST_BACKEND)"
fi
mkdir -p "$RUN/ws/channels"
sed "s#@CHANNEL_URL@#${CHANNEL_URL:-file:///nonexistent/}#" "$VSC/tests/fixtures/channels.pixi.toml" > "$RUN/ws/channels/pixi.toml"
# the packages the build tests build (build-hello, build-hang, build-deps/{a,b}), against the same channel;
# their .conda files go to $RUN/build-out (the pixiLsp.build.outputDir setting)
cp -r "$VSC/tests/fixtures/build/." "$RUN/ws/"
find "$RUN/ws" -path "$RUN/ws/build-*" -name pixi.toml -exec sed -i "s#@CHANNEL_URL@#${CHANNEL_URL:-file:///nonexistent/}#" {} +
# pixi's real rattler-build backend (../shared/upstream-backends beside the repository; CI has it) on its
# recorded multi-output recipe, in upstream-multi/, on the same channel
UPSTREAM=$(realpath -m "$VSC/../../../shared/upstream-backends")
UPSTREAM_ERR=; UPSTREAM_OVERRIDE=
if [ -x "$UPSTREAM/bin/pixi-build-rattler-build" ]; then
  mkdir -p "$RUN/ws/upstream-multi"
  for f in pixi.toml recipe.yaml; do
    sed "s#file:///scratch/chan#${CHANNEL_URL:-file:///nonexistent/}#" \
      "$UPSTREAM/recorded/pixi-build-rattler-build/multi-output/$f" > "$RUN/ws/upstream-multi/$f"
  done
  # the build variant tests: pixi-build-cmake's recorded minimal case with a 2 x 2 variant configuration
  # (variants-cmake/), and a rattler-build recipe with a `flavor` key that builds offline (variants-flavor/)
  mkdir -p "$RUN/ws/variants-cmake" "$RUN/ws/variants-flavor"
  for f in pixi.toml CMakeLists.txt main.c; do
    sed "s#file:///scratch/chan#${CHANNEL_URL:-file:///nonexistent/}#" \
      "$UPSTREAM/recorded/pixi-build-cmake/minimal/$f" > "$RUN/ws/variants-cmake/$f"
  done
  printf '\n[workspace.build-variants]\ncxx_compiler = ["gxx", "clangxx"]\ncxx_compiler_version = ["13", "14"]\n' \
    >> "$RUN/ws/variants-cmake/pixi.toml"
  sed "s#@CHANNEL_URL@#${CHANNEL_URL:-file:///nonexistent/}#" "$VSC/tests/fixtures/variants/flavor/pixi.toml" \
    > "$RUN/ws/variants-flavor/pixi.toml"
  cp "$VSC/tests/fixtures/variants/flavor/recipe.yaml" "$RUN/ws/variants-flavor/"
  UPSTREAM_OVERRIDE=", \"pixi-build-rattler-build\": \"$UPSTREAM/bin/pixi-build-rattler-build\""
  UPSTREAM_OVERRIDE="$UPSTREAM_OVERRIDE, \"pixi-build-cmake\": \"$UPSTREAM/bin/pixi-build-cmake\""
else
  UPSTREAM_ERR="$UPSTREAM is absent; the test with pixi's real backends needs it"
fi
cs_settings <<JSON
  "pixiLsp.server.path": "$SERVER",
  "pixiLsp.tasks.pixiPath": "$RUN/ws/tasks/fake-pixi",
  "pixiLsp.channels.enabled": false,
  "pixiLsp.backends.overrides": { "pixi-build-lsp-example": "$BACKEND"$UPSTREAM_OVERRIDE },
  "pixiLsp.backends.cacheDir": "$RUN/backend-cache",
  "pixiLsp.backends.timeoutSeconds": 60,
  "pixiLsp.build.outputDir": "$RUN/build-out",
JSON
cs_install "$VSIX"
cs_start "$RUN/ws" code-server.log
RUN_DIR=$RUN SETTINGS="$RUN/data/User/settings.json" SERVER="$SERVER" ARTIFACTS="$ARTIFACTS" \
  CHANNEL_URL="$CHANNEL_URL" CHANNEL_ERR="$CHANNEL_ERR" \
  BACKEND="$BACKEND" BACKEND_ERR="$BACKEND_ERR" BUILD_OUT="$RUN/build-out" UPSTREAM="$UPSTREAM" UPSTREAM_ERR="$UPSTREAM_ERR" \
  CRASHING_SERVER="$VSC/tests/fixtures/crashing-server" \
  node "$HERE/vscode-e2e.js" "http://127.0.0.1:$PORT/?folder=$RUN/ws"
