// Vite 7 with React's plugin. The test builds it with `base: '/react/'`.
// `prescreen` is the packed tarball, installed by the test; Vite needs the one
// setting docs/EMBED.md gives (no pre-bundling, so the package's wasm and
// worker stay next to the modules that point at them).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  optimizeDeps: { exclude: ['prescreen'] },
});
