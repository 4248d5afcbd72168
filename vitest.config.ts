import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import ... from 'prisma-uow'` runs the TypeScript sources: tsconfig.json's `paths` maps it
  // to src/index.ts, as for tsc and tsx.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Test files share one PostgreSQL server; run them one at a time.
    fileParallelism: false,
  },
});
