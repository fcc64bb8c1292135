// webpack 5 needs no setting for prescreen: it emits the worker and both
// .wasm files from their `new URL('./…', import.meta.url)`.
export default { mode: 'production', entry: './main.js' };
