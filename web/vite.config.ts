/**
 * The web application's build: web/ → dist/web, served by `lotline serve` at /. Relative to this
 * file so that `vite build --config web/vite.config.ts` works from the project root.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Browsers of the last few years: no legacy bundle (the plant's tablets and PCs run current Chromium, Edge, Firefox).
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` while `lotline serve` runs: the API is proxied.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
