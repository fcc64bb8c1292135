// Lint for the browser package's sources and the JS tests (make test-js).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['www/pkg/**', 'node_modules/**', 'target/**', 'tests/bundlers/node_modules/**', 'tests/bundlers/*/dist/**', 'tests/apps/**', 'eval/.cache/**', 'fuzz/target/**'] },
  js.configs.recommended,
  {
    files: ['www/src/**/*.js', 'www/demo/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['www/src/node.js', 'tests/**/*.mjs', 'benches/**/*.mjs', 'scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  // The bundler test apps: the page's entry, and each bundler's config.
  { files: ['tests/bundlers/*/main.js'], languageOptions: { globals: globals.browser } },
  { files: ['tests/bundlers/*/*.config.js', 'tests/bundlers/esbuild/build.js'], languageOptions: { globals: globals.node } },
  // Functions passed to page.evaluate() run in the page, with its globals.
  { files: ['tests/**/*.mjs', 'benches/**/*.mjs'], rules: { 'no-undef': 'off' } },
  { rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }] } },
];
