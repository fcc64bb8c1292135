// Which of the two wasm builds this engine runs: the one compiled with wasm
// SIMD (simd128; faster PDQ) where the engine supports it, else the plain
// one. Both builds export the same functions and share prescreen_wasm.js.

// A 33-byte module with one function, (v128) -> v128, that adds its
// argument to itself with f32x4.add. It validates only where simd128 does.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version 1
  1, 6, 1, 96, 1, 123, 1, 123, // type section: (func (param v128) (result v128))
  3, 2, 1, 0, // function section: one function of type 0
  10, 11, 1, 9, 0, 32, 0, 32, 0, 253, 228, 1, 11, // code: local.get 0 x2, f32x4.add, end
]);

let supported = null;

/** Whether this engine runs wasm simd128 (checked once). */
export function simdSupported() {
  supported ??= typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  return supported;
}

/**
 * The URL of the .wasm to load: `prescreen_wasm_bg.simd.wasm` where SIMD
 * runs, else `prescreen_wasm_bg.wasm`, both next to this file. Each is a
 * literal `new URL('./…', import.meta.url)`, the form bundlers (Vite,
 * webpack, Rollup's import-meta-assets) recognise: they emit both files and
 * rewrite both URLs, and the choice between them stays at run time.
 */
export function wasmUrl(simd = simdSupported()) {
  return simd
    ? new URL('./prescreen_wasm_bg.simd.wasm', import.meta.url)
    : new URL('./prescreen_wasm_bg.wasm', import.meta.url);
}
