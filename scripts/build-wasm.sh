#!/usr/bin/env bash
# Builds the browser package into www/pkg: the size-profile wasm twice, once
# plain (prescreen_wasm_bg.wasm, for engines without wasm SIMD) and once with
# `-C target-feature=+simd128` (prescreen_wasm_bg.simd.wasm; www/src/simd.js
# picks one at load), each through wasm-bindgen (--target web; both must give
# the same JS glue) and wasm-opt -Oz from npm binaryen (never Debian's: see
# docs/ or notes on wasm-opt 108); then the hand-written JS from www/src,
# bundled and minified by esbuild (the page's entry and the worker's, shared
# code split into chunks), after a smoke load of both modules in Node.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=www/pkg
TARGET_DIR=${CARGO_TARGET_DIR:-target}
WASM_OPT=node_modules/.bin/wasm-opt
"$WASM_OPT" --version | grep -q 'version 132' || { echo "build-wasm: need npm binaryen 132 ($WASM_OPT)" >&2; exit 1; }

# build TARGET_DIR RUSTFLAGS OUT_DIR: cargo build + wasm-bindgen into OUT_DIR.
build() {
  CARGO_TARGET_DIR=$1 RUSTFLAGS=$2 \
    cargo build --target wasm32-unknown-unknown --profile wasm-release --no-default-features --lib
  wasm-bindgen --target web --out-dir "$3" --out-name prescreen_wasm \
    "$1/wasm32-unknown-unknown/wasm-release/prescreen.wasm"
}

rm -rf "$OUT" "$OUT.simd"
build "$TARGET_DIR" "" "$OUT"
# Its own target dir, so that neither build invalidates the other's cache.
build "$TARGET_DIR/simd128" "-C target-feature=+simd128" "$OUT.simd"
for f in prescreen_wasm.js prescreen_wasm.d.ts prescreen_wasm_bg.wasm.d.ts; do
  cmp -s "$OUT/$f" "$OUT.simd/$f" || { echo "build-wasm: $f differs between the scalar and SIMD builds" >&2; exit 1; }
done
mv "$OUT.simd/prescreen_wasm_bg.wasm" "$OUT/prescreen_wasm_bg.simd.wasm"
rm -rf "$OUT.simd"

# optimise FILE [FEATURE FLAGS]: wasm-opt -Oz in place.
optimise() {
  "$WASM_OPT" -Oz --converge --strip-debug --strip-producers "${@:2}" -o "$1.opt" "$1"
  mv "$1.opt" "$1"
}
optimise "$OUT/prescreen_wasm_bg.wasm"
optimise "$OUT/prescreen_wasm_bg.simd.wasm" --enable-simd
# The plain build must stay free of SIMD instructions, or it fails to load
# exactly where it is needed.
simd_ops=$("$WASM_OPT" "$OUT/prescreen_wasm_bg.wasm" --print | grep -Ec 'v128|[if](8|16|32|64)x[0-9]+\.' || true)
[ "$simd_ops" = 0 ] || { echo "build-wasm: $simd_ops SIMD instructions in the plain build" >&2; exit 1; }
cp www/src/*.js www/src/*.d.ts "$OUT/"
node scripts/smoke-wasm.mjs "$OUT" prescreen_wasm_bg.wasm
node scripts/smoke-wasm.mjs "$OUT" prescreen_wasm_bg.simd.wasm
# The raw glue stays in glue/ for benchmarks that call the wasm directly
# (benches/browser.mjs); pages never load it and the npm package leaves it out.
mkdir -p "$OUT/glue"
cp "$OUT/prescreen_wasm.js" "$OUT/glue/"
# One minified module per entry (the page's index.js and the worker), shared
# code in chunks: fewer, smaller files than minifying each source on its own.
BUNDLE=$(mktemp -d)
node_modules/.bin/esbuild "$OUT/index.js" "$OUT/worker.js" "$OUT/node.js" "$OUT/testing.js" --external:'node:*' \
  --bundle --splitting --minify --format=esm --chunk-names='chunk-[hash]' --outdir="$BUNDLE" --log-level=warning
rm "$OUT"/*.js
mv "$BUNDLE"/*.js "$OUT/"
rmdir "$BUNDLE"
