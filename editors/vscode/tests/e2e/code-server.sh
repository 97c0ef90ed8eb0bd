# shellcheck shell=bash
# Sourced by the code-server end-to-end tests (run.sh, bundled.sh): a fresh code-server with its own user-data
# and extensions directories, the .vsix installed into it the way a user installs one, and stopped again when
# the test script exits.
# Env: PIXI_LSP_TEST_CODE_SERVER (code-server binary), PORT (default: a free port), ARTIFACTS (screenshots and
#      logs; default editors/vscode/tests/artifacts), KEEP_RUN_DIR (keep the temp dir).

# cs_init NAME: sets CS, PORT, ARTIFACTS and RUN (a fresh temp dir with data/User and ext, removed on exit), and
# writes the keybindings the tests press (lib.js KEYS).
cs_init() {
  CS=${PIXI_LSP_TEST_CODE_SERVER:-code-server}
  PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  ARTIFACTS=${ARTIFACTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts}
  RUN=$(mktemp -d "${TMPDIR:-/tmp}/pixi-lsp-$1.XXXXXX")
  mkdir -p "$RUN/data/User" "$RUN/ext" "$ARTIFACTS"
  CS_PID=
  trap cs_cleanup EXIT
  # fixed keys for commands whose default keys the browser or the terminal may take
  cat > "$RUN/data/User/keybindings.json" <<JSON
[
  { "key": "ctrl+alt+shift+f1", "command": "workbench.action.closePanel" },
  { "key": "ctrl+alt+shift+f2", "command": "workbench.action.gotoLine" },
  { "key": "ctrl+alt+shift+f3", "command": "editor.action.showHover", "when": "editorTextFocus" },
  { "key": "ctrl+alt+shift+f4", "command": "notifications.clearAll" },
  { "key": "ctrl+alt+shift+f5", "command": "workbench.actions.view.problems" },
  { "key": "ctrl+alt+shift+f6", "command": "editor.action.triggerSuggest", "when": "editorTextFocus" },
  { "key": "ctrl+alt+shift+f7", "command": "editor.action.quickFix", "when": "editorTextFocus" },
  { "key": "ctrl+alt+shift+f8", "command": "editor.action.inspectTMScopes", "when": "editorTextFocus" }
]
JSON
}

# cs_settings < JSON members: the user's settings.json: the members read from stdin (each followed by a comma),
# then what every test wants of the editor (no start page, tips, trust prompt, telemetry or update checks).
cs_settings() {
  { echo '{'; cat; cat <<'JSON'
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "editor.hover.delay": 100,
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
  } > "$RUN/data/User/settings.json"
}

# cs_install VSIX: `code-server --install-extension`, into $RUN/ext
cs_install() {
  "$CS" --user-data-dir "$RUN/data" --extensions-dir "$RUN/ext" --install-extension "$1" >"$RUN/install.log" 2>&1 \
    || { cat "$RUN/install.log"; exit 1; }
}

# cs_start WORKSPACE LOG_NAME: code-server in its own process group, up once /healthz answers; on exit it is
# stopped and its log copied to $ARTIFACTS/LOG_NAME.
cs_start() {
  setsid "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$RUN/data" --extensions-dir "$RUN/ext" \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    "$1" >"$RUN/code-server.log" 2>&1 &
  CS_PID=$!
  CS_LOG_NAME=$2
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "code-server did not come up"; cat "$RUN/code-server.log"; exit 1; }
}

cs_cleanup() {
  if [ -n "$CS_PID" ]; then
    kill -- "-$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
    cp "$RUN/code-server.log" "$ARTIFACTS/$CS_LOG_NAME" 2>/dev/null || true
  fi
  [ -n "${KEEP_RUN_DIR:-}" ] || rm -rf "$RUN"
}
