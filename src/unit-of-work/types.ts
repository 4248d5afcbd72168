import type { Decimal } from '@prisma/client/runtime/client';
import type { SchemaMetadata } from '../metadata/types.js';

/**
 * Types that flow from the generated Prisma Client into the unit of work. The generator emits a
 * `Models` map (one entry per model, built from the client's own types); everything here derives
 * from it, so `uow.account.get(1)` is typed as the `Account` row without user-written types.
 *
 * @module
 */

/** What the generator emits for one model. */
export interface ModelTypes {
  /** The row type Prisma Client returns for the model. */
  row: object;
  /** Prisma's `findMany` arguments for the model. */
  findMany: object;
  /** Prisma's `where` input for the model. */
  where: object;
  /** Names of the primary-key fields. */
  key: string;
  /** Fields an insert must give (foreign keys of required relations are in `requiredRefs`). */
  required: string;
  /** Relation field name → referenced model, for relations whose foreign key is on this model. */
  refs: Record<string, string>;
  /**
   * Required relations: relation field name → the foreign-key fields an insert must give when
   * it does not give the related object.
   */
  requiredRefs: Record<string, string>;
}

/** The generated `Models` type: model name → {@link ModelTypes}. */
export type ModelMap = { [model: string]: ModelTypes };

/** Metadata with the `Models` type attached (what the generated `schema` export is). */
export interface Schema<M extends ModelMap> extends SchemaMetadata {
  /** Type-level only: never set at run time. */
  readonly __models?: M;
}

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** What `get` takes: the key value, or an object of key fields for composite keys. */
export type KeyInput<T extends ModelTypes> =
  true extends IsUnion<T['key']>
    ? { [K in T['key'] & keyof T['row']]: T['row'][K] }
    : T['row'][T['key'] & keyof T['row']];

/** A tracked object of model `N`: the Prisma row, plus relation links set in this unit. */
export type Entity<M extends ModelMap, N extends keyof M> = M[N]['row'] & {
  -readonly [R in keyof M[N]['refs']]?: M[N]['refs'][R] extends keyof M ? Entity<M, M[N]['refs'][R]> | null : never;
};

/** What a field accepts on input: a `Decimal` also as number or numeric string, a `bigint` also as number. */
export type InputValue<T> = T extends Decimal ? Decimal.Value : T extends bigint ? bigint | number : T;

/** Domain classes by model name: `{ Account: AccountEntity }` (see `createUnits({ classes })`). */
export type ClassMap<M extends ModelMap> = { readonly [N in keyof M]?: abstract new (...args: never[]) => object };

/** A tracked object of model `N` when the factory maps models to classes `C`: the row and the class's members. */
export type EntityOf<M extends ModelMap, N extends keyof M, C> = N extends keyof C
  ? C[N] extends abstract new (...args: never[]) => infer I
    ? Entity<M, N> & I
    : Entity<M, N>
  : Entity<M, N>;

/** The tracked object a relation `R` of model `N` links to. */
type RefTarget<M extends ModelMap, N extends keyof M, R> = R extends keyof M[N]['refs']
  ? M[N]['refs'][R] extends keyof M
    ? Entity<M, M[N]['refs'][R]>
    : never
  : never;

/** A required relation `R` on insert: the related tracked object, or its foreign-key value(s). */
type RequiredRef<M extends ModelMap, N extends keyof M, R extends keyof M[N]['requiredRefs']> =
  | { [K in R]: RefTarget<M, N, K> }
  | { [K in M[N]['requiredRefs'][R] & keyof M[N]['row']]: InputValue<M[N]['row'][K]> };

/** `{ v: A } | { v: B }` → `{ v: A } & { v: B }` (each member boxed, so unions inside stay unions). */
type IntersectBoxes<U> = (U extends unknown ? (box: U) => void : never) extends (box: infer I) => void ? I : never;

/** Every required relation of `N`, each given one way or the other (`unknown` when there is none). */
type RequiredRefs<M extends ModelMap, N extends keyof M> = [keyof M[N]['requiredRefs']] extends [never]
  ? unknown
  : IntersectBoxes<{ [R in keyof M[N]['requiredRefs']]: { ref: RequiredRef<M, N, R> } }[keyof M[N]['requiredRefs']]> extends { ref: infer T }
    ? T
    : never;

/**
 * What `add` takes: the required fields, optional others, relation links to tracked objects,
 * and every required relation, as the related tracked object or as its foreign-key value(s).
 *
 * @example
 * ```ts
 * uow.account.add({ owner: user, balance: 10 }); // the related object (new ones too)
 * uow.account.add({ ownerId: 1, balance: 10 });  // or its foreign key
 * uow.account.add({ balance: 10 });              // type error: Account.owner is required
 * ```
 */
export type AddInput<M extends ModelMap, N extends keyof M> = {
  [K in M[N]['required'] & keyof M[N]['row']]: InputValue<M[N]['row'][K]>;
} & {
  [K in Exclude<keyof M[N]['row'], M[N]['required']>]?: InputValue<M[N]['row'][K]>;
} & {
  [R in keyof M[N]['refs']]?: RefTarget<M, N, R>;
} & RequiredRefs<M, N>;

/** `findMany` arguments without `select`/`include`/`omit` (tracked objects are whole rows) and `cursor` (use `where` + `orderBy` + `take`). */
export type FindArgs<T extends ModelTypes> = Omit<T['findMany'], 'select' | 'include' | 'omit' | 'cursor'>;

/** `Account` → `account`, as Prisma names delegates. */
export type DelegateName<N extends string> = Uncapitalize<N>;

/**
 * Attaches the `Models` type to the generated metadata. Called by the generated module.
 *
 * @example
 * ```ts
 * export const schema = defineSchema<Models>({ provider: 'sqlite', models: { ... } });
 * ```
 */
export function defineSchema<M extends ModelMap>(metadata: SchemaMetadata): Schema<M> {
  return Object.freeze(metadata) as Schema<M>;
}
