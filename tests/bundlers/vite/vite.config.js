// Vite: the one setting prescreen needs (docs/EMBED.md). Pre-bundling would
// move the package's modules into .vite/deps, away from the .wasm and worker
// files their `new URL('./…', import.meta.url)` point at.
export default {
  optimizeDeps: { exclude: ['prescreen'] },
};
