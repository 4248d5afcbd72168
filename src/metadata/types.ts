/**
 * Schema metadata: what the unit of work knows about each model. It is produced by the
 * `prisma-uow` generator from the Prisma schema during `prisma generate` and never written by hand.
 *
 * @module
 */

/** The Prisma scalar types a tracked field can have (`Enum` for enum fields). */
export type ScalarKind =
  | 'String'
  | 'Int'
  | 'BigInt'
  | 'Float'
  | 'Decimal'
  | 'Boolean'
  | 'DateTime'
  | 'Json'
  | 'Bytes'
  | 'Enum';

/** How a field gets its value when an insert leaves it out. */
export type FieldDefaultKind =
  /** The database generates it (`autoincrement()`, `dbgenerated(...)`, `sequence()`). */
  | 'database'
  /** Prisma computes it client-side (`uuid()`, `cuid()`, `now()`, a literal, `@updatedAt`). */
  | 'prisma'
  | 'none';

/** One literal of a `@default(...)`, as Prisma's DMMF gives it. */
export type DefaultLiteral = string | number | boolean;

/** The `@default(...)` of a field: a generator function, or a literal value (a list for list fields). */
export type FieldDefaultValue =
  | { readonly function: string }
  | { readonly value: DefaultLiteral | readonly DefaultLiteral[] };

/** One scalar column of a model. */
export interface FieldMetadata {
  readonly name: string;
  /** Column name in the database (`@map`). */
  readonly column: string;
  readonly kind: ScalarKind;
  /** For `Enum` fields: the enum's database type name (`@@map` of the enum). */
  readonly enumType?: string;
  /** For `Enum` fields: the enum's values, as Prisma Client names them. */
  readonly enumValues?: readonly string[];
  readonly isList: boolean;
  readonly isRequired: boolean;
  readonly isId: boolean;
  readonly isUpdatedAt: boolean;
  readonly default: FieldDefaultKind;
  /**
   * The `@default(...)` of the schema, when it has one: a function (`autoincrement`, `uuid`,
   * `cuid`, `now`, `dbgenerated`, ...) or a literal as Prisma's DMMF gives it (`0`, `"RED"`,
   * `"12"` for a BigInt, `1.5` for a Decimal, JSON text for a Json field, an array for a list).
   * Used by backends that compute defaults themselves (the in-memory store).
   */
  readonly defaultValue?: FieldDefaultValue;
  /** Native database type (`@db.VarChar(20)` is `['VarChar', ['20']]`). */
  readonly nativeType?: readonly [string, readonly string[]];
  /**
   * A declared delta (`/// @delta`, `/// @delta(min: 0)`): a numeric counter written as
   * `col = col + Δ` and left out of the concurrency check, see {@link DeltaMetadata}.
   */
  readonly delta?: DeltaMetadata;
}

/**
 * A field marked `/// @delta` in the schema: a commit writes it as `col = col + Δ` (Δ = value at
 * commit − value loaded), so concurrent units adding to it never conflict; the bounds are checked
 * by the same statement against the value it reaches. Bounds are decimal literals as written in
 * the schema (`"0"`, `"-10.5"`), exact for `BigInt` and `Decimal`.
 *
 * @example
 * ```prisma
 * /// @delta(min: 0)
 * balance Decimal
 * ```
 */
export interface DeltaMetadata {
  readonly min?: string;
  readonly max?: string;
}

/**
 * What the database does to rows referencing a row that is deleted (`onDelete`) or whose
 * referenced fields change (`onUpdate`), as the Prisma schema declares it.
 */
export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

/** A to-one relation whose foreign-key columns live on this model. */
export interface RelationMetadata {
  /** The relation field's name, e.g. `owner`. */
  readonly name: string;
  /** The referenced model, e.g. `User`. */
  readonly target: string;
  /** Foreign-key fields on this model, e.g. `['ownerId']`. */
  readonly fields: readonly string[];
  /** Referenced fields on the target, e.g. `['id']`. */
  readonly references: readonly string[];
  /** True when every foreign-key field is optional (the link can be inserted as null). */
  readonly isOptional: boolean;
  /**
   * `onDelete` of the relation, with Prisma's default filled in when the schema gives none:
   * `SetNull` for optional relations, `Restrict` for required ones.
   */
  readonly onDelete: ReferentialAction;
  /** `onUpdate` of the relation; Prisma's default is `Cascade`. */
  readonly onUpdate: ReferentialAction;
}

/** One model of the schema. */
export interface ModelMetadata {
  readonly name: string;
  /** Table name (`@@map`). */
  readonly table: string;
  /** PostgreSQL schema (`@@schema`), when the datasource uses several. */
  readonly schema?: string;
  /** Name of the Prisma Client delegate, e.g. `ledgerEntry`. */
  readonly delegate: string;
  /** Scalar fields in schema order. */
  readonly fields: readonly FieldMetadata[];
  /** Primary-key fields in key order (one for `@id`, several for `@@id`). */
  readonly primaryKey: readonly string[];
  /** Unique constraints (each a list of fields), the primary key excluded. */
  readonly uniques: readonly (readonly string[])[];
  /** Relations owned by this model (it holds the foreign key). */
  readonly relations: readonly RelationMetadata[];
  /** Optimistic-lock field: marked `/// @version`, or an `Int` field named `version`. */
  readonly versionField?: string;
}

/** The database providers the flush knows how to write to. */
export type Provider = 'sqlite' | 'postgresql' | 'mysql' | 'sqlserver' | 'cockroachdb' | 'mongodb';

/** Everything the generator emits about one schema. */
export interface SchemaMetadata {
  readonly provider: Provider;
  readonly models: Readonly<Record<string, ModelMetadata>>;
}
