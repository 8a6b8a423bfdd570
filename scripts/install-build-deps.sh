#!/usr/bin/env bash
# install-build-deps.sh [--release] — installs what building Bulwark needs, only what is
# missing: the wasm target, wasm-bindgen-cli (the exact version the wasm-bindgen crate
# pins), Node.js for the browser tests and, with --release, binaryen's wasm-opt from npm
# (Debian's wasm-opt 108 produces modules that fail to hydrate).
set -euo pipefail
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
TOOLS=${BULWARK_TOOLS_DIR:-$HOME/.cache/bulwark-tools}
log() { echo "[deps] $*" >&2; }

command -v cargo >/dev/null || { log "cargo not found: install the Rust toolchain (rustup) first"; exit 1; }

APT_UPDATED=
apt_need() { # PKG... (as root, only what is missing)
  local miss=(); for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || miss+=("$p"); done
  [ ${#miss[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || { log "please install: ${miss[*]}"; exit 1; }
  [ -n "$APT_UPDATED" ] || { apt-get update -qq; APT_UPDATED=1; }
  log "apt-get install ${miss[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${miss[@]}" >/dev/null
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  # Its lockfile wants a crate version the registry lacks, so no --locked; the fallback
  # resolver keeps every dependency buildable with this Rust version.
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

command -v node >/dev/null && command -v npm >/dev/null || apt_need nodejs npm

if [ "${1:-}" = --release ]; then
  if [ "$("$TOOLS/node/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
    log "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
    mkdir -p "$TOOLS/node"
    (cd "$TOOLS/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null)
  fi
fi
