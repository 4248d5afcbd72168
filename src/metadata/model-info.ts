import type { FieldMetadata, ModelMetadata, Provider, RelationMetadata, SchemaMetadata } from './types.js';

/**
 * Lookup tables derived once per factory from the generated metadata, so hot paths (property
 * access on tracked objects, diffing) never scan field lists.
 *
 * @internal
 */
export interface ModelInfo {
  readonly meta: ModelMetadata;
  readonly name: string;
  /** The schema's database: what a column can store depends on it (see `tracking/column-values.ts`). */
  readonly provider: Provider;
  readonly fields: ReadonlyMap<string, FieldMetadata>;
  readonly fieldNames: readonly string[];
  readonly relations: ReadonlyMap<string, RelationMetadata>;
  readonly primaryKey: readonly string[];
  readonly primaryKeySet: ReadonlySet<string>;
  /** `DateTime` and `Bytes` fields: their values can be changed in place, so drafts hold copies. */
  readonly leafFields: readonly string[];
  /** Fields holding objects immer drafts lazily (`Json`, lists). */
  readonly nestedFields: ReadonlySet<string>;
  /** `Json` fields: written in the form the database stores (`storedJson`). */
  readonly jsonFields: ReadonlySet<string>;
  /** `@updatedAt` fields: every update of a row sets them to the commit's instant. */
  readonly updatedAtFields: readonly string[];
  readonly versionField: string | undefined;
  /** Whether some field is declared `/// @delta` (a counter written as `col = col + Δ`). */
  readonly hasDeltas: boolean;
  /** Domain class whose prototype supplies methods and accessors (see `createUnits({ classes })`). */
  prototype: object | undefined;
}

/** @internal */
export type SchemaInfo = ReadonlyMap<string, ModelInfo>;

function modelInfo(meta: ModelMetadata, provider: Provider): ModelInfo {
  return {
    meta,
    name: meta.name,
    provider,
    fields: new Map(meta.fields.map((f) => [f.name, f])),
    fieldNames: meta.fields.map((f) => f.name),
    relations: new Map(meta.relations.map((r) => [r.name, r])),
    primaryKey: meta.primaryKey,
    primaryKeySet: new Set(meta.primaryKey),
    leafFields: meta.fields.filter((f) => f.kind === 'DateTime' || f.kind === 'Bytes').map((f) => f.name),
    nestedFields: new Set(meta.fields.filter((f) => f.kind === 'Json' || f.isList).map((f) => f.name)),
    jsonFields: new Set(meta.fields.filter((f) => f.kind === 'Json').map((f) => f.name)),
    updatedAtFields: meta.fields.filter((f) => f.isUpdatedAt).map((f) => f.name),
    versionField: meta.versionField,
    hasDeltas: meta.fields.some((f) => f.delta !== undefined),
    prototype: undefined,
  };
}

/** @internal */
export function compileSchema(
  schema: SchemaMetadata,
  classes: Readonly<Record<string, abstract new (...args: never[]) => object>> = {},
): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  for (const meta of Object.values(schema.models)) {
    const info = modelInfo(meta, schema.provider);
    const domainClass = classes[meta.name];
    if (domainClass) info.prototype = domainClass.prototype;
    out.set(meta.name, info);
  }
  for (const name of Object.keys(classes)) {
    if (!out.has(name)) throw new Error(`prisma-uow: classes has '${name}', which is not a model of the schema.`);
  }
  return out;
}
