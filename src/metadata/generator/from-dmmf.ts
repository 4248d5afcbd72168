import type { DMMF } from '@prisma/generator-helper';
import type {
  DefaultLiteral,
  DeltaMetadata,
  FieldDefaultKind,
  FieldDefaultValue,
  FieldMetadata,
  ModelMetadata,
  Provider,
  ReferentialAction,
  RelationMetadata,
  ScalarKind,
  SchemaMetadata,
} from '../types.js';
import { deltaOf } from './delta-field.js';
import { versionField, type VersionFieldRule } from './version-field.js';

const SCALARS = new Set<string>(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);
const DATABASE_DEFAULTS = new Set(['autoincrement', 'dbgenerated', 'sequence']);

/** Lower-cases the first letter, as Prisma Client names its delegates (`LedgerEntry` → `ledgerEntry`). */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

function defaultKind(field: DMMF.Field): FieldDefaultKind {
  if (field.isUpdatedAt) return 'prisma';
  if (!field.hasDefaultValue) return 'none';
  const d = field.default;
  if (d !== undefined && typeof d === 'object' && !Array.isArray(d) && DATABASE_DEFAULTS.has((d as DMMF.FieldDefault).name)) {
    return 'database';
  }
  return 'prisma';
}

function defaultValue(field: DMMF.Field): FieldDefaultValue | undefined {
  const d = field.default;
  if (!field.hasDefaultValue || d === undefined || d === null) return undefined;
  if (Array.isArray(d)) return { value: d.filter((v): v is DefaultLiteral => typeof v !== 'object') };
  if (typeof d === 'object') return { function: (d as DMMF.FieldDefault).name };
  return { value: d };
}

function toField(field: DMMF.Field, enums: ReadonlyMap<string, DMMF.DatamodelEnum>, delta: DeltaMetadata | undefined): FieldMetadata {
  let kind: ScalarKind;
  let enumType: string | undefined;
  let enumValues: string[] | undefined;
  if (field.kind === 'enum') {
    kind = 'Enum';
    const e = enums.get(field.type);
    enumType = e?.dbName ?? field.type;
    enumValues = e?.values.map((v) => v.name);
  } else if (SCALARS.has(field.type)) {
    kind = field.type as ScalarKind;
  } else {
    throw new Error(`prisma-uow generator: field ${field.name} has unsupported type ${field.type}`);
  }
  const literal = defaultValue(field);
  return {
    name: field.name,
    column: field.dbName ?? field.name,
    kind,
    ...(enumType !== undefined ? { enumType } : {}),
    ...(enumValues !== undefined ? { enumValues } : {}),
    isList: field.isList,
    isRequired: field.isRequired,
    isId: field.isId,
    isUpdatedAt: field.isUpdatedAt === true,
    default: defaultKind(field),
    ...(literal !== undefined ? { defaultValue: literal } : {}),
    ...(field.nativeType ? { nativeType: [field.nativeType[0], [...field.nativeType[1]]] as const } : {}),
    ...(delta !== undefined ? { delta } : {}),
  };
}

const ACTIONS = new Set<string>(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

/** A relation's `onDelete`/`onUpdate` from the DMMF, or Prisma's default when the schema gives none. */
function referentialAction(declared: string | undefined, fallback: ReferentialAction, where: string): ReferentialAction {
  if (declared === undefined) return fallback;
  if (!ACTIONS.has(declared)) throw new Error(`prisma-uow generator: ${where} has the referential action '${declared}', which it does not know`);
  return declared as ReferentialAction;
}

function toModel(model: DMMF.Model, enums: ReadonlyMap<string, DMMF.DatamodelEnum>, rule: VersionFieldRule): ModelMetadata {
  const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
  const unsupported = model.fields.find((f) => f.kind === 'unsupported');
  if (unsupported) {
    throw new Error(`prisma-uow generator: ${model.name}.${unsupported.name} has an Unsupported type; the unit of work cannot track it`);
  }
  const primaryKey = model.primaryKey ? [...model.primaryKey.fields] : scalars.filter((f) => f.isId).map((f) => f.name);
  if (primaryKey.length === 0) {
    throw new Error(`prisma-uow generator: model ${model.name} has no primary key; add @id or @@id`);
  }
  const fieldUniques = scalars.filter((f) => f.isUnique && !f.isId).map((f) => [f.name]);
  const uniques = [...fieldUniques, ...model.uniqueFields.map((u) => [...u])];
  const byName = new Map(scalars.map((f) => [f.name, f]));
  const relations: RelationMetadata[] = model.fields
    .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
    .map((f) => {
      const fields = [...(f.relationFromFields ?? [])];
      const isOptional = fields.every((name) => byName.get(name)?.isRequired === false);
      const where = `${model.name}.${f.name}`;
      return {
        name: f.name,
        target: f.type,
        fields,
        references: [...(f.relationToFields ?? [])],
        isOptional,
        onDelete: referentialAction(f.relationOnDelete, isOptional ? 'SetNull' : 'Restrict', where),
        onUpdate: referentialAction(f.relationOnUpdate, 'Cascade', where),
      };
    });
  const version = versionField(model, rule);
  return {
    name: model.name,
    table: model.dbName ?? model.name,
    ...(model.schema ? { schema: model.schema } : {}),
    delegate: delegateName(model.name),
    fields: scalars.map((f) => toField(f, enums, deltaOf(model, f, version))),
    primaryKey,
    uniques,
    relations,
    ...(version !== undefined ? { versionField: version } : {}),
  };
}

/**
 * Turns Prisma's DMMF datamodel into the metadata the unit of work uses. Pure: the generator's
 * only job besides writing the result to a file. `options.versionField` says which fields are
 * version fields (default `'convention'`, see {@link VersionFieldRule}).
 *
 * @example
 * ```ts
 * const metadata = metadataFromDmmf(options.dmmf.datamodel, 'sqlite');
 * metadata.models.Account?.primaryKey; // ['id']
 * ```
 */
export function metadataFromDmmf(
  datamodel: DMMF.Datamodel,
  provider: Provider,
  options: { readonly versionField?: VersionFieldRule } = {},
): SchemaMetadata {
  const enums = new Map(datamodel.enums.map((e) => [e.name, e]));
  const models: Record<string, ModelMetadata> = {};
  for (const model of datamodel.models) models[model.name] = toModel(model, enums, options.versionField ?? 'convention');
  return { provider, models };
}
