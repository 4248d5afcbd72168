import { posix, relative, sep } from 'node:path';
import { getTsconfig } from 'get-tsconfig';

/**
 * How the `prisma-client` generator names and imports its files, worked out as that generator
 * does (Prisma 7.10): `generatedFileExtension` (default `ts`) names the files; the extension its
 * imports carry is `importFileExtension` when set, otherwise inferred from the tsconfig.json
 * nearest to its output (`allowImportingTsExtensions` / `rewriteRelativeImportExtensions`: the
 * file's own; `module: commonjs` or `moduleResolution: bundler`: none; otherwise `.js` for
 * `.ts`, `.mjs` for `.mts`, `.cjs` for `.cts`; no tsconfig: the file's own). The prisma-uow
 * module follows the same settings, so it compiles wherever the client does.
 *
 * @module
 */

const GENERATED_EXTENSIONS = ['ts', 'mts', 'cts'] as const;
const IMPORT_EXTENSIONS = ['', 'ts', 'mts', 'cts', 'js', 'mjs', 'cjs'] as const;

/** A file extension the `prisma-client` generator can write. */
export type GeneratedExtension = (typeof GENERATED_EXTENSIONS)[number];

/** How the generated modules are named and imported. */
export interface ClientModuleFormat {
  /** Extension of the generated files: `client.ts`, `client.mts`, ... */
  readonly generatedExtension: GeneratedExtension;
  /** Extension the imports of generated files carry (`'js'`, `'ts'`, `''` for none, ...). */
  readonly importExtension: string;
}

type Config = Readonly<Record<string, string | readonly string[] | undefined>>;

function option<T extends string>(config: Config, name: string, allowed: readonly T[], generator: string): T | undefined {
  const value = config[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(
    `prisma-uow generator: ${generator} option ${name} = ${JSON.stringify(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
  );
}

function inferredImportExtension(outputDir: string, generated: GeneratedExtension, runtime: string | undefined): string {
  if (runtime === 'deno') return generated;
  const options = getTsconfig(outputDir)?.config.compilerOptions;
  if (!options) return generated;
  if (options.allowImportingTsExtensions || options.rewriteRelativeImportExtensions) return generated;
  if (options.module?.toLowerCase() === 'commonjs' || options.moduleResolution?.toLowerCase() === 'bundler') return '';
  return { ts: 'js', mts: 'mjs', cts: 'cjs' }[generated];
}

/**
 * The file format of the `prisma-client` generator with this `config` writing to `outputDir`.
 *
 * @example
 * ```ts
 * clientModuleFormat({ moduleFormat: 'esm', importFileExtension: 'js' }, '/app/src/generated/prisma');
 * // { generatedExtension: 'ts', importExtension: 'js' }
 * ```
 */
export function clientModuleFormat(config: Config, outputDir: string): ClientModuleFormat {
  const generatedExtension = option(config, 'generatedFileExtension', GENERATED_EXTENSIONS, 'prisma-client') ?? 'ts';
  const runtime = typeof config['runtime'] === 'string' ? config['runtime'] : undefined;
  const importExtension =
    option(config, 'importFileExtension', IMPORT_EXTENSIONS, 'prisma-client') ?? inferredImportExtension(outputDir, generatedExtension, runtime);
  return { generatedExtension, importExtension };
}

/**
 * The import specifier of `file` (a module name without extension, e.g. `client`) in `toDir`,
 * seen from a module in `fromDir`, with the extension imports carry.
 *
 * @example
 * ```ts
 * relativeImport('/app/src/generated/uow', '/app/src/generated/prisma', 'client', 'js'); // '../prisma/client.js'
 * ```
 */
export function relativeImport(fromDir: string, toDir: string, file: string, importExtension: string): string {
  const path = posix.join(relative(fromDir, toDir).split(sep).join('/'), importExtension === '' ? file : `${file}.${importExtension}`);
  return path.startsWith('../') ? path : `./${path}`;
}
