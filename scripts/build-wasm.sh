#!/usr/bin/env bash
# Builds the browser package into www/pkg: the size-profile wasm twice, once
# plain (prescreen_wasm_bg.wasm, for engines without wasm SIMD) and once with
# `-C target-feature=+simd128` (prescreen_wasm_bg.simd.wasm; www/src/simd.js
# picks one at load), each by `wasm-pack build --target web` (cargo, then
# wasm-bindgen; both builds must give the same JS glue), then wasm-opt -Oz
# from npm binaryen (never Debian's: see notes on wasm-opt 108); then the
# hand-written JS from www/src, bundled and minified by esbuild (the page's
# entry, and the worker as one self-contained file), after a smoke load of
# both modules in Node.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=www/pkg
TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")
WASM_OPT=node_modules/.bin/wasm-opt
"$WASM_OPT" --version | grep -q 'version 132' || { echo "build-wasm: need npm binaryen 132 ($WASM_OPT)" >&2; exit 1; }

# build TARGET_DIR RUSTFLAGS OUT_DIR: `wasm-pack build --target web` into
# OUT_DIR: the size profile, no default features (no CLI crates); no
# package.json or README of its own (--no-pack: www/package.json is the one
# package), no wasm-opt of its own (npm binaryen's, below), and no install:
# it must use the wasm-bindgen setup.sh put on PATH, which matches the crate.
build() {
  CARGO_TARGET_DIR=$1 RUSTFLAGS=$2 \
    wasm-pack --quiet build --target web --mode no-install --no-pack --no-opt --profile wasm-release \
      --out-dir "$PWD/$3" --out-name prescreen_wasm -- --no-default-features
  rm -f "$3/.gitignore"
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
# The glue's fallback URL for the plain wasm is never used (engine.js always
# passes the module compiled on the page), but bundlers would see it and emit
# a third copy of the wasm for it; an error stands in its place.
FALLBACK="module_or_path = new URL('prescreen_wasm_bg.wasm', import.meta.url);"
grep -qF "$FALLBACK" "$OUT/prescreen_wasm.js" || { echo "build-wasm: the glue's fallback URL changed" >&2; exit 1; }
sed -i "s|$FALLBACK|throw new Error('prescreen: the wasm module must be passed in');|" "$OUT/prescreen_wasm.js"
! grep -q 'import\.meta' "$OUT/prescreen_wasm.js" || { echo "build-wasm: import.meta left in the glue" >&2; exit 1; }
# Minified by esbuild: the worker as one self-contained file (bundlers that
# copy it as an asset, like Rollup's import-meta-assets or an esbuild copy
# step, need it to import nothing); prescreen/node as one file too; the
# page's entry and the test hooks, which must share one module (internals.js)
# and so import it from a chunk, with the inline backend's engine in a chunk
# the page imports only when asked to.
BUNDLE=$(mktemp -d)
ESBUILD=(node_modules/.bin/esbuild --bundle --minify --format=esm --log-level=warning)
"${ESBUILD[@]}" "$OUT/worker.js" --outfile="$BUNDLE/worker.js"
"${ESBUILD[@]}" "$OUT/node.js" --platform=node --outfile="$BUNDLE/node.js"
"${ESBUILD[@]}" "$OUT/index.js" "$OUT/testing.js" --splitting --chunk-names='chunk-[hash]' --outdir="$BUNDLE"
# prescreen/uppy imports the package's own index.js at run time: one screener implementation on the page.
"${ESBUILD[@]}" "$OUT/uppy.js" --external:./index.js --outfile="$BUNDLE/uppy.js"
rm "$OUT"/*.js
mv "$BUNDLE"/*.js "$OUT/"
rmdir "$BUNDLE"
# Bundlers find the wasm and the worker only through these literal forms.
for form in "new URL(\"./prescreen_wasm_bg.simd.wasm\",import.meta.url)" "new URL(\"./prescreen_wasm_bg.wasm\",import.meta.url)" \
            "new Worker(new URL(\"./worker.js\",import.meta.url),{type:\"module\""; do
  grep -qF "$form" "$OUT/index.js" || { echo "build-wasm: $form missing from index.js" >&2; exit 1; }
done
