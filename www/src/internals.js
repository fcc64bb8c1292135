// State the package's modules share but do not publish: each screener's
// backend, which testing.js reaches for the package's own tests.

/** Screener -> the backend screening its files. */
export const backendOf = new WeakMap();
