import type { VersionFieldRule } from './version-field.js';

/**
 * The options of the prisma-uow generator block, read and checked.
 *
 * ```prisma
 * generator uow {
 *   provider      = "prisma-uow"
 *   output        = "../src/generated/uow"
 *   runtimeImport = "prisma-uow"   // optional: the module the generated file imports prisma-uow from
 *   versionField  = "convention"   // optional: "marked" uses only fields marked `/// @version`
 * }
 * ```
 *
 * @module
 */

/** The generator's options with their defaults applied. */
export interface UowGeneratorConfig {
  /** Module the generated file imports `defineSchema` from. Default `prisma-uow`. */
  readonly runtimeImport: string;
  /** Which fields are version fields. Default `convention`. */
  readonly versionField: VersionFieldRule;
}

const VERSION_RULES: readonly VersionFieldRule[] = ['convention', 'marked'];
const OPTIONS = ['runtimeImport', 'versionField'];

/**
 * Reads the generator block's options (Prisma's `generator.config`). Unknown options and values
 * are errors, so a typo fails `prisma generate` instead of being ignored.
 *
 * @example
 * ```ts
 * readGeneratorConfig({ versionField: 'marked' }); // { runtimeImport: 'prisma-uow', versionField: 'marked' }
 * ```
 */
export function readGeneratorConfig(config: Readonly<Record<string, string | readonly string[] | undefined>>): UowGeneratorConfig {
  const unknown = Object.keys(config).filter((key) => !OPTIONS.includes(key));
  if (unknown.length > 0) {
    throw new Error(`prisma-uow generator: unknown option ${unknown.join(', ')}; the options are ${OPTIONS.join(', ')} (and output)`);
  }
  const { runtimeImport = 'prisma-uow', versionField = 'convention' } = config;
  if (typeof runtimeImport !== 'string') {
    throw new Error(`prisma-uow generator: runtimeImport must be a string, e.g. "prisma-uow", not ${JSON.stringify(runtimeImport)}`);
  }
  if (typeof versionField !== 'string' || !(VERSION_RULES as readonly string[]).includes(versionField)) {
    throw new Error(
      `prisma-uow generator: versionField = ${JSON.stringify(versionField)} is not one of ${VERSION_RULES.map((r) => JSON.stringify(r)).join(', ')} ` +
        '("convention": a field marked /// @version, else a required Int named version; "marked": only fields marked /// @version)',
    );
  }
  return { runtimeImport, versionField: versionField as VersionFieldRule };
}
