import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratorManifest, GeneratorOptions } from '@prisma/generator-helper';
import type { Provider } from '../types.js';
import { clientModuleFormat, relativeImport } from './client-module.js';
import { readGeneratorConfig } from './config.js';
import { EMITTED_HEADER, emitSchemaModule } from './emit.js';
import { metadataFromDmmf } from './from-dmmf.js';
import { checkRuntimeImport } from './runtime-import.js';

/**
 * What the prisma-uow generator does during `prisma generate`, apart from talking to the CLI
 * (main.ts): reads its options and the `prisma-client` generator's, checks them, and writes the
 * metadata module (`index.ts`, or `.mts`/`.cts` as the client's files) to its output.
 *
 * @module
 */

/** The generator's manifest: it needs a `prisma-client` generator in the same schema. */
export const manifest: GeneratorManifest = {
  prettyName: 'prisma-uow metadata',
  defaultOutput: '../generated/uow',
  requiresGenerators: ['prisma-client'],
};

/**
 * Generates the metadata module for one `prisma generate`.
 *
 * @example
 * ```ts
 * generatorHandler({ onManifest: () => manifest, onGenerate: generate });
 * ```
 */
export async function generate(options: GeneratorOptions): Promise<void> {
  const output = options.generator.output?.value;
  if (!output) throw new Error('prisma-uow generator: set `output` in the generator block, e.g. output = "../src/generated/uow"');
  const config = readGeneratorConfig(options.generator.config);
  const client = options.otherGenerators.find((g) => g.provider.value === 'prisma-client');
  const clientOutput = client?.output?.value;
  if (!client || !clientOutput) {
    throw new Error('prisma-uow generator: the schema needs a `prisma-client` generator with an `output` (provider = "prisma-client")');
  }
  const provider = options.datasources[0]?.activeProvider as Provider | undefined;
  if (!provider) throw new Error('prisma-uow generator: the schema has no datasource');
  checkRuntimeImport(config.runtimeImport, output);
  const format = clientModuleFormat(client.config, clientOutput);
  const clientImport = relativeImport(output, clientOutput, 'client', format.importExtension);
  const metadata = metadataFromDmmf(options.dmmf.datamodel, provider, { versionField: config.versionField });
  await mkdir(output, { recursive: true });
  const file = `index.${format.generatedExtension}`;
  // A module this generator wrote earlier with another extension would be a second, stale copy.
  for (const other of ['index.ts', 'index.mts', 'index.cts'].filter((f) => f !== file)) {
    const text = await readFile(join(output, other), 'utf8').catch(() => '');
    if (text.startsWith(EMITTED_HEADER)) await rm(join(output, other));
  }
  await writeFile(join(output, file), emitSchemaModule(metadata, { clientImport, runtimeImport: config.runtimeImport }));
}
