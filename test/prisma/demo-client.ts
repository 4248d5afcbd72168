import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function inputsHash(): Promise<string> {
  const hash = createHash('sha256');
  const sources: string[] = [];
  for (const dir of [`${root}src/metadata/`, `${root}src/metadata/generator/`]) {
    const names = (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort();
    sources.push(...names.map((f) => dir + f));
  }
  for (const file of [`${root}prisma/schema.prisma`, `${root}prisma.config.ts`, ...sources]) hash.update(file).update(await readFile(file));
  for (const pkg of ['prisma', '@prisma/client', '@prisma/generator-helper']) {
    hash.update(pkg).update((require(`${pkg}/package.json`) as { version: string }).version);
  }
  return hash.digest('hex');
}

/**
 * Generates the demo's Prisma Client and prisma-uow metadata (`src/generated/`, what the
 * examples and some tests import) with `prisma generate`, unless the schema, the generator's
 * sources and the Prisma versions are unchanged since the last time. The repository's own
 * development needs it; nothing runs it when prisma-uow is installed elsewhere.
 *
 * @example
 * ```ts
 * await prepareDemoClient(); // or from a shell: npx tsx test/prisma/demo-client.ts
 * ```
 */
export async function prepareDemoClient(): Promise<{ regenerated: boolean }> {
  const hashFile = `${root}src/generated/inputs.sha256`;
  const hash = await inputsHash();
  if ((await readFile(hashFile, 'utf8').catch(() => '')) === hash) return { regenerated: false };
  await run(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  await mkdir(`${root}src/generated`, { recursive: true });
  await writeFile(hashFile, hash);
  return { regenerated: true };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`demo client: ${(await prepareDemoClient()).regenerated ? 'generated' : 'unchanged'}`);
}
