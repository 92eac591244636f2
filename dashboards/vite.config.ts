import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The dashboards are built once into dashboards/dist and served by the API role at `/`
 * (services/api/dashboards.ts). During development, `npx vite dashboards` serves them with the
 * API proxied from STEWARD_API_URL (default http://127.0.0.1:8080, the `all` role).
 */
const api = process.env.STEWARD_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    // ECharts alone is ~600 kB minified; it gets a chunk of its own so the app code caches apart.
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks: (id) => (id.includes('echarts') || id.includes('zrender') ? 'charts' : undefined),
      },
    },
  },
  server: {
    proxy: { '/api': api, '/socket.io': { target: api, ws: true } },
  },
});
