import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

/** What one `prisma generate` of a small test schema produced. */
export interface GeneratedCase {
  /** `test/generated/cases/<name>/`. */
  dir: string;
  /** Text of each uow module written, by path below `dir` (`convention/index.ts`). */
  modules: Record<string, string>;
  /** The CLI's output (stdout and stderr) when generate failed. */
  error: string | undefined;
}

/**
 * Runs `prisma generate` on a schema of `models` with a prisma-client generator (extra lines
 * `clientOptions`, output `prisma/`) and one prisma-uow generator per entry of `uow` (run from
 * the sources; the entry's name is its output folder, its value extra lines of its block), into
 * `test/generated/cases/<name>/`: inside the repository, so `runtimeImport = "prisma-uow"`
 * resolves as in an application.
 *
 * @example
 * ```ts
 * const { modules } = await generateCase('marked', { models: 'model A { id Int @id }', uow: { uow: 'versionField = "marked"' } });
 * ```
 */
export async function generateCase(
  name: string,
  blocks: { models: string; uow: Record<string, string>; clientOptions?: string },
): Promise<GeneratedCase> {
  const dir = `${root}test/generated/cases/${name}/`;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const uowBlocks = Object.entries(blocks.uow).map(
    ([output, options]) => `generator ${output} {
  provider = "node --import tsx ${root}src/metadata/generator/main.ts"
  output   = "./${output}"
  ${options}
}`,
  );
  const schema = `generator client {
  provider = "prisma-client"
  output   = "./prisma"
  ${blocks.clientOptions ?? 'importFileExtension = "js"'}
}

${uowBlocks.join('\n\n')}

datasource db {
  provider = "sqlite"
}

${blocks.models}
`;
  await writeFile(`${dir}schema.prisma`, schema);
  let error: string | undefined;
  try {
    await run(process.execPath, [prismaCli, 'generate', '--schema', `${dir}schema.prisma`, '--config', `${root}test/prisma/sqlite.config.ts`], {
      cwd: root,
      env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (failure) {
    const { stdout = '', stderr = '' } = failure as { stdout?: string; stderr?: string };
    error = `${stdout}\n${stderr}`;
  }
  const modules: Record<string, string> = {};
  for (const output of Object.keys(blocks.uow)) {
    const files = await readdir(`${dir}${output}`).catch(() => []);
    for (const file of files.filter((f) => f.startsWith('index.')).sort()) {
      modules[`${output}/${file}`] = await readFile(`${dir}${output}/${file}`, 'utf8');
    }
  }
  return { dir, modules, error };
}
