#!/usr/bin/env bash
# Installs what building and testing prescreen needs, skipping what is there.
# Idempotent; safe to run on every `make test` / `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml
WASM_PACK_VERSION=0.15.1       # builds the wasm and its glue (scripts/build-wasm.sh)

say() { printf 'setup: %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes)"
  # Not --locked: the registry lacks one of its locked dependency versions.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (about 6 minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

if [ "${PRESCREEN_SKIP_BROWSER:-0}" != 1 ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium chromium-driver
  fi
fi

# A C++ compiler: the bundled SQLite and the fuzz targets' libFuzzer are built from source.
if ! command -v c++ >/dev/null; then
  say "installing Debian's g++"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q g++
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Debian's nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q nodejs npm
fi

# npm tools pinned by package-lock.json: binaryen 132 (wasm-opt; never Debian's
# binaryen, whose wasm-opt 108 silently breaks the module), esbuild (minifies
# the package's JS) and playwright-core (the driver only: chromium comes from
# Debian, never `playwright install`).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (binaryen, esbuild, playwright-core)"
  npm ci --no-audit --no-fund
fi

# The bundlers tests/bundlers builds its apps with (Vite, webpack, esbuild,
# Rollup), pinned by tests/bundlers/package-lock.json.
if [ ! -d tests/bundlers/node_modules/vite ] || [ tests/bundlers/package-lock.json -nt tests/bundlers/node_modules/.package-lock.json ]; then
  say "installing the bundlers of tests/bundlers"
  (cd tests/bundlers && npm ci --no-audit --no-fund)
fi

# The app tests' own packages (Uppy, React, Vite), pinned by tests/apps/package-lock.json.
if [ ! -d tests/apps/node_modules/@uppy/core ] || [ ! -d tests/apps/node_modules/vite ] \
   || [ tests/apps/package-lock.json -nt tests/apps/node_modules/.package-lock.json ]; then
  say "installing the app tests' npm packages (Uppy, React, Vite)"
  npm ci --prefix tests/apps --no-audit --no-fund
fi

# Pillow and numpy draw the generated test images (scripts/gen_images.py); the
# evaluation (eval/) also uses pdqhash and matplotlib, pinned in its requirements.
if ! python3 -c 'import PIL, numpy, pdqhash, matplotlib' 2>/dev/null; then
  say "installing the Python packages of eval/requirements.txt"
  python3 -m pip install --quiet -r eval/requirements.txt \
    || python3 -m pip install --quiet --break-system-packages -r eval/requirements.txt
fi
