import type { DMMF } from '@prisma/generator-helper';

/**
 * Which field of a model is its optimistic-lock version field. A field marked `/// @version`
 * always is; with the default rule (`'convention'`) a required `Int` named `version` is too,
 * unless marked `/// @no-version`. The generator option `versionField = "marked"` turns the
 * convention off for the whole schema.
 *
 * @module
 */

/** Which fields are optimistic-lock version fields (generator option `versionField`). */
export type VersionFieldRule =
  /** A field marked `/// @version`, else a required `Int` named `version` (unless marked `/// @no-version`). */
  | 'convention'
  /** Only fields marked `/// @version`. */
  | 'marked';

function hasMarker(field: DMMF.Field, marker: string): boolean {
  return field.documentation?.split(/\s+/).includes(marker) ?? false;
}

/**
 * The version field of `model` under `rule`, or `undefined`. Throws when the markers are
 * inconsistent or a marked field cannot be a version (not a required `Int`/`BigInt`).
 *
 * @example
 * ```ts
 * versionField(accountModel, 'convention'); // 'version'
 * ```
 */
export function versionField(model: DMMF.Model, rule: VersionFieldRule): string | undefined {
  const marked = model.fields.filter((f) => hasMarker(f, '@version'));
  const both = marked.find((f) => hasMarker(f, '@no-version'));
  if (both) throw new Error(`prisma-uow generator: ${model.name}.${both.name} is marked both @version and @no-version; keep one`);
  if (marked.length > 1) {
    throw new Error(`prisma-uow generator: ${model.name} has ${marked.length} fields marked @version (${marked.map((f) => f.name).join(', ')}); a model has at most one version field`);
  }
  const [field] = marked;
  if (field) {
    if (field.type !== 'Int' && field.type !== 'BigInt') {
      throw new Error(`prisma-uow generator: ${model.name}.${field.name} is marked @version but is ${field.type}; use Int or BigInt`);
    }
    if (!field.isRequired || field.isList) {
      throw new Error(`prisma-uow generator: ${model.name}.${field.name} is marked @version but is ${field.isList ? 'a list' : 'optional'}; make it required, e.g. \`${field.name} ${field.type} @default(0)\``);
    }
    return field.name;
  }
  if (rule === 'marked') return undefined;
  const conventional = model.fields.find(
    (f) => f.name === 'version' && f.kind === 'scalar' && f.type === 'Int' && f.isRequired && !f.isList && !hasMarker(f, '@no-version'),
  );
  return conventional?.name;
}
