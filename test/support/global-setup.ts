import { prepareDemoClient } from '../prisma/demo-client.js';
import { prepareTestSchemas } from '../prisma/prepare.js';

/**
 * Vitest global setup: generates the demo client and composes and generates the test schemas
 * (each cached by an input hash).
 * With `CI=true`, a missing PostgreSQL DDL fails the run instead of skipping PostgreSQL suites.
 */
export default async function setup(): Promise<void> {
  await prepareDemoClient();
  for (const result of await prepareTestSchemas()) {
    if (!result.error) continue;
    const message = `${result.provider} DDL not generated: ${result.error.split('\n')[0]}`;
    if (process.env['CI'] === 'true') throw new Error(message);
    console.warn(message);
  }
}
