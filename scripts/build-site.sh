#!/usr/bin/env bash
# build-site.sh PROFILE — builds the browser half (wasm + JS loader) and copies public/
# into "$CARGO_TARGET_DIR/<debug|release>/site", next to the server binary of the same
# profile, which serves it from there by default.
#   PROFILE: dev (default) or release
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-dev}
: "${CARGO_TARGET_DIR:=$HOME/.cache/bulwark-target}"
export CARGO_TARGET_DIR
case "$PROFILE" in
  dev) WASM_PROFILE=dev; WASM_DIR=debug; OUT="$CARGO_TARGET_DIR/debug/site" ;;
  release) WASM_PROFILE=wasm-release; WASM_DIR=wasm-release; OUT="$CARGO_TARGET_DIR/release/site" ;;
  *) echo "usage: $0 [dev|release]" >&2; exit 2 ;;
esac

cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "$WASM_PROFILE"
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$WASM_DIR/frontend.wasm"
mkdir -p "$(dirname "$OUT")"
STAGE=$(mktemp -d "$OUT.tmp.XXXXXX")   # unique: two builds at once must not share it
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/pkg"
wasm-bindgen --target web --no-typescript --out-name bulwark --out-dir "$STAGE/pkg" "$WASM"
# Leptos asks for <output-name>.wasm when LEPTOS_OUTPUT_NAME is set at compile time
# (it is, in .cargo/config.toml); wasm-bindgen writes <name>_bg.wasm.
mv "$STAGE/pkg/bulwark_bg.wasm" "$STAGE/pkg/bulwark.wasm"
if [ "$PROFILE" = release ]; then
  # binaryen from npm: Debian's wasm-opt 108 produces modules that fail to hydrate.
  WASM_OPT=${WASM_OPT:-$HOME/.cache/bulwark-tools/node/node_modules/.bin/wasm-opt}
  "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$STAGE/pkg/bulwark.opt.wasm" "$STAGE/pkg/bulwark.wasm"
  mv "$STAGE/pkg/bulwark.opt.wasm" "$STAGE/pkg/bulwark.wasm"
fi
cp -r public/. "$STAGE/"
rm -rf "$OUT"; mv "$STAGE" "$OUT"; chmod 755 "$OUT"
echo "site built in $OUT ($(du -sh "$OUT/pkg/bulwark.wasm" | cut -f1) wasm)" >&2
