import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from source, so a test run never depends on a stale build.
// CLI end-to-end tests spawn the built bin instead; `pnpm test` builds first.
export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@exroute\/([a-z-]+)\/([a-z-]+)$/,
        replacement: `${root}packages/$1/src/$2/index.ts`,
      },
      { find: /^@exroute\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'docs/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'rules/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.EXROUTE_JSON_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.EXROUTE_JSON_REPORT
      ? { outputFile: { json: process.env.EXROUTE_JSON_REPORT } }
      : {}),
  },
});
