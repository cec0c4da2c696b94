import { availableParallelism } from 'node:os';
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
    // Test files in one worker share the modules they import (the packages' sources, vitest,
    // ajv, yaml) instead of loading them again per file: on a 2-core machine this took the CPU
    // time of the suite from ~2 minutes to well under one. Tests must therefore leave no global
    // state behind (no vi.mock, no process.env writes; runInProcess restores the cwd).
    isolate: false,
    // vitest's default is one worker fewer than cores: one worker on a 2-core machine, idle while
    // a test waits for a child process (the CLI binary, the demo, npm). A third overlaps those waits.
    maxWorkers: Math.max(3, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.EXROUTE_JSON_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.EXROUTE_JSON_REPORT
      ? { outputFile: { json: process.env.EXROUTE_JSON_REPORT } }
      : {}),
  },
});
