# prescreen: `make test` sets up a fresh machine and runs every test;
# `make demo` builds everything and serves the demo page.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

WASM_TARGET := wasm32-unknown-unknown
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)

.PHONY: lint check setup test test-native test-wasm test-wasm-simd test-wasm-browser test-e2e test-node test-js test-bundlers test-apps wasm-pkg npm-pack cli demo bench-browser bench-variants eval eval-smoke

setup:
	bash scripts/setup.sh

test: setup lint test-js test-native test-wasm test-wasm-simd test-wasm-browser test-e2e test-node test-bundlers test-apps eval-smoke

# Formatting and lints as gates: rustfmt (rustfmt.toml), clippy with warnings
# as errors natively and for wasm32 (the only build that compiles src/wasm.rs),
# and the fuzz targets (their own workspace), so they keep compiling.
lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target $(WASM_TARGET) --no-default-features --lib --tests -- -D warnings
	cargo fmt --check --manifest-path fuzz/Cargo.toml
	cargo clippy --manifest-path fuzz/Cargo.toml --bins -- -D warnings

# The quick inner loop: formatting, native lints and the native unit tests.
check:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test --lib --bins

# The whole suite natively (core, filter, CLI).
test-native:
	cargo test

# The core's tests compiled for wasm32 and run under Node; no CLI crates.
test-wasm:
	$(WASM_RUNNER) cargo test --target $(WASM_TARGET) --no-default-features --lib --tests

# The PDQ tests again on the simd128 build (www/pkg/prescreen_wasm_bg.simd.wasm's
# code): the lane code must hash bit-identically to the scalar build, which the
# conformance table (54 images, oracle hashes) and the dihedral tests check.
# Own target dir, like scripts/build-wasm.sh, so the two builds' caches coexist.
WASM_SIMD := RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR=$(TARGET_DIR)/simd128
test-wasm-simd:
	$(WASM_SIMD) $(WASM_RUNNER) cargo test --target $(WASM_TARGET) --no-default-features --lib pdq::
	$(WASM_SIMD) $(WASM_RUNNER) cargo test --target $(WASM_TARGET) --no-default-features \
	  --test conformance --test pdq_dihedral

# The wasm boundary's tests (src/wasm.rs) again, in headless Chromium.
test-wasm-browser:
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver $(WASM_RUNNER) \
	  cargo test --target $(WASM_TARGET) --no-default-features --lib wasm::

# The browser package in www/pkg: `wasm-pack build --target web` (size-profile
# wasm and its glue; plain and simd128), npm binaryen's wasm-opt -Oz, the JS
# from www/src bundled by esbuild, a smoke load in Node.
wasm-pkg:
	bash scripts/build-wasm.sh

# The npm package: www/ packed into exactly one target/npm/prescreen-<version>.tgz
# (built JS and wasm, types, README, licences); www's prepack script refuses to
# pack without a build.
NPM_DIR := $(abspath $(TARGET_DIR))/npm
npm-pack: wasm-pkg
	rm -rf $(NPM_DIR)
	mkdir -p $(NPM_DIR)
	cd www && npm pack --silent --pack-destination $(NPM_DIR)

# The CLI and reference server.
cli:
	cargo build --release

# Playwright (playwright-core + Debian chromium) against a real `prescreen serve`.
test-e2e: wasm-pkg cli
	node --test --test-concurrency=1 tests/e2e/

# The JS: eslint over sources and tests; tsc over www/src (checkJs, against
# the generated glue's types) and a strict TypeScript page using index.d.ts.
test-js: wasm-pkg
	node_modules/.bin/eslint .
	node_modules/.bin/tsc -p tests/types/tsconfig.src.json
	node_modules/.bin/tsc -p tests/types

# prescreen/node (the package's wasm in Node, its Express middleware) against the native CLI.
test-node: wasm-pkg cli
	node --test tests/node/

# The packed tarball installed into a tiny app per bundler (Vite dev and
# build, webpack, esbuild, Rollup), built, served and driven in Chromium; also
# the package served from a second (CDN) origin.
test-bundlers: npm-pack cli
	node --test --test-concurrency=1 tests/bundlers/

# The Uppy plugin in a real Uppy 6 page (esbuild) and the React example (Vite 7),
# pinned by tests/apps/package-lock.json, in Chromium against `prescreen serve`;
# and the plugin's types against Uppy's own under tsc --strict.
test-apps: npm-pack cli
	node_modules/.bin/tsc -p tests/apps
	node --test --test-concurrency=1 tests/apps/

# Sizes and per-image screening times: browser (worker) vs native CLI vs createImageBitmap.
bench-browser: wasm-pkg cli
	node benches/browser.mjs

# Per-file cost of the extra PDQ query preparations (extraVariants): browser vs native CLI.
bench-variants: wasm-pkg cli
	node benches/extra_variants.mjs

DEMO_ADDR ?= 127.0.0.1:8080
demo: setup wasm-pkg cli
	@echo "prescreen demo: open http://$(DEMO_ADDR)/ (Ctrl-C stops it)"
	$(TARGET_DIR)/release/prescreen serve --addr $(DEMO_ADDR)

# The evaluation: rewrites docs/EVALUATION.md and docs/eval/ (about
# 20 minutes on 2 shared cores; not part of `make test`).
eval: setup cli
	python3 eval/run.py full

# The evaluation harness on 5 photos and 7 families, structural assertions only.
eval-smoke: setup cli
	python3 eval/run.py smoke
