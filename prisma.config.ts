import { fileURLToPath } from 'node:url';
import 'dotenv/config';
import { defineConfig } from 'prisma/config';
import { useOfflineSchemaEngine } from './scripts/offline-schema-engine.js';

// Offline development machines only: use the WebAssembly schema engine in ../shared when no
// native engine was installed (see README, "Offline machines"). Elsewhere nothing changes.
useOfflineSchemaEngine(fileURLToPath(new URL('.', import.meta.url)));

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'file:./dev.db' },
});
