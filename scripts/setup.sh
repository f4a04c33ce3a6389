#!/usr/bin/env bash
# Installs everything dancebot needs on a fresh Debian/Ubuntu machine. Idempotent and fast when
# everything is already there. Run from anywhere; works on the repository it lives in.
#
#   - Debian packages (ALSA headers for cpal, pkg-config, ffmpeg for videos, iproute2 for the
#     loopback-only network namespace of the network tests), installed when run as root,
#     otherwise named with the command to install them;
#   - the Rust components the checks use (rustfmt, clippy);
#   - a project-local Python virtualenv `.venv` with PyPI's torch==2.11.0 (libtorch for tch 0.24)
#     and the reference tools of the benchmarks (scripts/requirements.txt), linked as
#     .venv/libtorch, which .cargo/config.toml points LIBTORCH at.
#
#   scripts/setup.sh --test-tools   also installs what only the tests need (chromium, for the
#                                   screenshot test of the companion display); scripts/test.sh
#                                   passes it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '[setup] %s\n' "$*" >&2; }

DEB_PACKAGES=(pkg-config libasound2-dev alsa-utils libasound2-plugins ffmpeg iproute2 util-linux python3-venv ca-certificates)
# Test-only: headless Chromium screenshots the companion page (tests/stream_http.rs).
TEST_DEB_PACKAGES=(chromium)
for arg in "$@"; do
  case "$arg" in
    --test-tools) DEB_PACKAGES+=("${TEST_DEB_PACKAGES[@]}") ;;
    *) say "unknown option $arg (known: --test-tools)"; exit 2 ;;
  esac
done

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian/Ubuntu system: install the equivalents of: ${DEB_PACKAGES[*]}"; return 0; }
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}"
    say "install them with: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
}

check_rust() {
  command -v cargo >/dev/null 2>&1 || { say "cargo not found: install Rust (https://rustup.rs) and re-run"; exit 1; }
  for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
      if command -v rustup >/dev/null 2>&1; then
        say "adding Rust component $component"
        rustup component add "$component"
      else
        say "cargo $component missing and no rustup to add it"; exit 1
      fi
    fi
  done
}

find_python() {
  for py in python3.12 python3.11 python3.10 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  say "need Python >= 3.10 with venv for libtorch (torch==2.11.0)"; exit 1
}

setup_venv() {
  local stamp=".venv/.requirements.sha256"
  local want
  want="$(sha256sum scripts/requirements.txt | cut -d' ' -f1)"
  if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -e .venv/libtorch/lib/libtorch.so ]; then
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    local py; py="$(find_python)"
    say "creating .venv with $py"
    "$py" -m venv .venv
  fi
  say "installing Python requirements into .venv (torch==2.11.0 is large; first time only)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
  local torch_dir
  torch_dir="$(cd .venv && ls -d lib/python3*/site-packages/torch | head -n1)"
  ln -sfn "$torch_dir" .venv/libtorch
  [ -e .venv/libtorch/lib/libtorch.so ] || { say "torch installed but .venv/libtorch/lib/libtorch.so is missing"; exit 1; }
  echo "$want" > "$stamp"
}

install_debian_packages
check_rust
setup_venv
say "ready: libtorch $(sed -n "s/^__version__ = '\(.*\)'/\1/p" .venv/libtorch/version.py) at .venv/libtorch"
