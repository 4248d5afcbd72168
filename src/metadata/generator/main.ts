import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import generatorHelper from '@prisma/generator-helper';
import type { Provider } from '../types.js';
import { emitSchemaModule } from './emit.js';
import { metadataFromDmmf } from './from-dmmf.js';

/**
 * The prisma-uow Prisma generator. Add to `schema.prisma`:
 *
 * ```prisma
 * generator uow {
 *   provider = "prisma-uow-generator"
 *   output   = "../src/generated/uow"
 * }
 * ```
 *
 * Options: `runtimeImport` (default `prisma-uow`), the module the generated file imports
 * `defineSchema` from.
 */
// The package is CommonJS: take the handler from its default export.
generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'prisma-uow metadata', defaultOutput: '../generated/uow', requiresGenerators: ['prisma-client'] }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('prisma-uow generator: set `output` in the generator block');
    const client = options.otherGenerators.find((g) => g.provider.value === 'prisma-client');
    const clientOutput = client?.output?.value;
    if (!clientOutput) {
      throw new Error('prisma-uow generator: the schema needs a `prisma-client` generator with an `output`');
    }
    const provider = options.datasources[0]?.activeProvider as Provider | undefined;
    if (!provider) throw new Error('prisma-uow generator: the schema has no datasource');
    let clientImport = relative(output, join(clientOutput, 'client.js')).replaceAll('\\', '/');
    if (!clientImport.startsWith('.')) clientImport = `./${clientImport}`;
    const runtimeOption = options.generator.config['runtimeImport'];
    const runtimeImport = typeof runtimeOption === 'string' ? runtimeOption : 'prisma-uow';
    const metadata = metadataFromDmmf(options.dmmf.datamodel, provider);
    const file = join(output, 'index.ts');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, emitSchemaModule(metadata, { clientImport, runtimeImport }));
  },
});
