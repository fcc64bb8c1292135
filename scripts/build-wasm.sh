#!/usr/bin/env bash
# Builds the browser package into www/pkg: the size-profile wasm, its
# wasm-bindgen glue (--target web), wasm-opt -Oz from npm binaryen (never
# Debian's: see docs/ or notes on wasm-opt 108), the hand-written JS from
# www/src, every .js minified file by file with esbuild (no bundling: the
# worker and the glue stay separate modules), then loads the optimised
# module once in Node as a smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=www/pkg
WASM=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/prescreen.wasm
WASM_OPT=node_modules/.bin/wasm-opt

cargo build --target wasm32-unknown-unknown --profile wasm-release --no-default-features --lib
rm -rf "$OUT"
wasm-bindgen --target web --out-dir "$OUT" --out-name prescreen_wasm "$WASM"
"$WASM_OPT" --version | grep -q 'version 132' || { echo "build-wasm: need npm binaryen 132 ($WASM_OPT)" >&2; exit 1; }
"$WASM_OPT" -Oz --converge --strip-debug --strip-producers \
  -o "$OUT/prescreen_wasm_bg.wasm.opt" "$OUT/prescreen_wasm_bg.wasm"
mv "$OUT/prescreen_wasm_bg.wasm.opt" "$OUT/prescreen_wasm_bg.wasm"
cp www/src/*.js www/src/*.d.ts "$OUT/"
node_modules/.bin/esbuild "$OUT"/*.js --minify --format=esm --outdir="$OUT" --allow-overwrite --log-level=warning
node scripts/smoke-wasm.mjs "$OUT"
