// Vite 7 with React's plugin. The test builds it with `base: '/react/'`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Where `prescreen` comes from: the built package (www/pkg/) that `prescreen
// serve` serves at /pkg/, left out of the bundle. Installing the packed
// tarball as a dependency replaces this line.
const PRESCREEN = { alias: { prescreen: '/pkg/index.js' }, external: ['/pkg/index.js'] };

export default defineConfig({
  plugins: [react()],
  resolve: { alias: PRESCREEN.alias },
  build: { rollupOptions: { external: PRESCREEN.external } },
});
