# shellcheck shell=bash
# Sourced by the install scripts (scripts/install-test-deps.sh, editors/install-test-deps.sh).
# ensure_apt_packages PKG...: installs those of the Debian packages that are not installed yet
# (with sudo unless root); says so through the caller's `step`.
ensure_apt_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    step "apt packages present"
    return
  fi
  step "apt-get install ${missing[*]}"
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
