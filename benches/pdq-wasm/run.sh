#!/usr/bin/env bash
# Builds the stage exports twice (plain, simd128) like scripts/build-wasm.sh
# (wasm-release profile, wasm-bindgen, npm wasm-opt -Oz) and times them in Node.
set -euo pipefail
cd "$(dirname "$0")"
TARGET=${CARGO_TARGET_DIR:-../../target}/pdq-wasm
WASM_OPT=../../node_modules/.bin/wasm-opt
for build in plain simd; do
  flags=""; features=""
  if [ $build = simd ]; then flags="-C target-feature=+simd128"; features="--enable-simd"; fi
  CARGO_TARGET_DIR=$TARGET-$build RUSTFLAGS=$flags \
    cargo build --target wasm32-unknown-unknown --profile wasm-release
  rm -rf "$TARGET-$build/pkg"
  wasm-bindgen --target web --out-dir "$TARGET-$build/pkg" \
    "$TARGET-$build/wasm32-unknown-unknown/wasm-release/pdq_wasm_bench.wasm"
  wasm="$TARGET-$build/pkg/pdq_wasm_bench_bg.wasm"
  "$WASM_OPT" -Oz --converge $features -o "$wasm.opt" "$wasm" && mv "$wasm.opt" "$wasm"
done
uptime
node run.mjs "$TARGET-plain/pkg" "$TARGET-simd/pkg"
