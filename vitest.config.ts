import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import ... from 'prisma-uow'` runs the TypeScript sources (package.json's "prisma-uow-source"
  // export condition), as `tsc` (customConditions) and the npm scripts (`tsx --conditions`) do.
  // The other conditions are Vite's defaults for server code.
  ssr: { resolve: { conditions: ['prisma-uow-source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Test files share one PostgreSQL server; run them one at a time.
    fileParallelism: false,
  },
});
