import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// Builds the three bundles (main, preload, renderer) without needing the Electron binary.
export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/electron/index.ts') } },
      externalizeDeps: true,
    },
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // Test hooks (window.__ridgeCanvas) exist only in the build the end-to-end tests and the UI bench make
    // (RIDGE_TEST_HOOKS=1, set by scripts/e2e.sh); everywhere else the constant is false and the code is dropped.
    define: { __RIDGE_TEST_HOOKS__: JSON.stringify(process.env.RIDGE_TEST_HOOKS === '1') },
    // Minified: the bundle is parsed on every start; a 10,000-image project should open in under a second.
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
