// Rollup: node-resolve finds the package; import-meta-assets emits the worker
// and both .wasm files that `new URL('./…', import.meta.url)` name.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve(), importMetaAssets()],
};
