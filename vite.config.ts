import { defineConfig } from 'vite';
import { resultsPlugin } from './web/results-plugin.js';

/**
 * The dashboard (web/): Vite builds web/index.html into web/dist. `vite preview` and `vite dev` also serve
 * the run results under /results/ (read-only, only files below the results directory): SHARDSIM_RESULTS
 * names that directory, `results/` by default.
 */
export default defineConfig({
  root: 'web',
  base: './',
  publicDir: false,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  plugins: [resultsPlugin(process.env['SHARDSIM_RESULTS'] ?? 'results')],
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
