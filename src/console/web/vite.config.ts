/**
 * Builds the console into dist/console/ (served by src/console/server.ts at /_sluice/console/).
 * Everything is bundled: no fonts, scripts or styles come from anywhere else.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/_sluice/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    alias: {
      // src/vtl/lint.ts reads (YAML) files for the CLI; the console only lints template text it already has.
      'node:fs/promises': here('src/shims/fs-promises.ts'),
      yaml: here('src/shims/yaml.ts'),
    },
  },
  build: {
    outDir: here('../../../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
});
