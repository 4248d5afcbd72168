import { strategyFor } from '../flush/strategies/index.js';
import { loggingStrategy, type FlushLogEntry } from '../flush/strategies/logging.js';
import type { FlushStrategy } from '../flush/strategy.js';
import type { FlushStrategyName } from '../flush/strategy.js';
import type { UnitHooks } from './hooks.js';
import { PrismaBackend, type PrismaClientLike, type TransactionOptions } from './prisma-backend.js';
import { inTransaction } from './prisma-transaction.js';
import type { ClassMap, ModelMap, Schema } from './types.js';
import type { RepositoryFactories, UnitOptions } from './unit-types.js';
import { Units } from './units.js';

/** Options of {@link createUnits}. */
export interface UnitsOptions<M extends ModelMap, R extends RepositoryFactories<M, C>, C extends ClassMap<M> = {}> {
  /** A `PrismaClient` (any driver adapter) generated from the same schema as `schema`. */
  readonly prisma: PrismaClientLike;
  /** The `schema` export of the module the prisma-uow generator wrote. */
  readonly schema: Schema<M>;
  /** The application's repositories, created once per unit on first use. */
  readonly repositories?: R;
  /** How commits send their statements (default `bulk` where supported, else `grouped`). */
  readonly strategy?: FlushStrategyName;
  /** Options of the commit transaction. */
  readonly transaction?: TransactionOptions;
  /** Hooks that run for every unit (before flush, after commit, after rollback). */
  readonly hooks?: UnitHooks<M>;
  /**
   * Domain classes by model: tracked objects of that model get the class's methods and
   * accessors (`sender.withdraw(amount)`) and are `instanceof` it, while staying identity-mapped
   * and change-tracked like plain rows. The constructor never runs and instance fields are not
   * created: declare the row's fields with an interface of the same name (`interface
   * AccountEntity extends Account {}`).
   */
  readonly classes?: C;
  /**
   * Called after each step a commit sent (or that failed), with its statements (SQL text, or the
   * Prisma Client calls), row count and time. For every SQL statement Prisma sends, including
   * reads, use Prisma's own `log: ['query']`.
   */
  readonly log?: (entry: FlushLogEntry) => void;
  /**
   * PostgreSQL schema of the tables, when the adapter was given one (`new PrismaPg(config, {
   * schema })`) and it is not on the connection's `search_path`: the SQL the unit writes itself
   * (bulk statements, row locks) then names `"schema"."table"`. Models with `@@schema` keep theirs.
   */
  readonly postgresSchema?: string;
}

/** The metadata with every model's table qualified by `postgresSchema` (unless `@@schema` set one). */
function inSchema<M extends ModelMap>(schema: Schema<M>, postgresSchema: string | undefined): Schema<M> {
  if (postgresSchema === undefined) return schema;
  const models = Object.fromEntries(
    Object.entries(schema.models).map(([name, model]) => [name, model.schema ? model : { ...model, schema: postgresSchema }]),
  );
  return Object.freeze({ ...schema, models }) as Schema<M>;
}

function withLog(strategy: FlushStrategy, log: ((entry: FlushLogEntry) => void) | undefined): FlushStrategy {
  return log ? loggingStrategy(strategy, log) : strategy;
}

/**
 * Creates units of work over one Prisma client. Keep one per application, like the client.
 *
 * @example
 * ```ts
 * import { PrismaClient } from './generated/prisma/client.js';
 * import { schema } from './generated/uow/index.js';
 *
 * const units = createUnits({ prisma: new PrismaClient({ adapter }), schema });
 * await units.run(async (uow) => {
 *   const sender = await uow.account.get(1);
 *   sender.balance = sender.balance.minus(25);
 * }); // one transaction writes the change here
 * ```
 */
export function createUnits<M extends ModelMap, R extends RepositoryFactories<M, C> = {}, C extends ClassMap<M> = {}>(
  options: UnitsOptions<M, R, C>,
): Units<M, R, C> {
  const { prisma } = options;
  const schema = inSchema(options.schema, options.postgresSchema);
  const settings = (unit: UnitOptions) => ({
    strategy: withLog(strategyFor(unit.strategy ?? options.strategy, schema.provider), options.log),
    transaction: { ...options.transaction, ...unit.transaction },
  });
  return new Units<M, R, C>({
    schema,
    classes: options.classes,
    repositories: options.repositories,
    hooks: options.hooks,
    backend: (unit) => {
      const { strategy, transaction } = settings(unit);
      return new PrismaBackend(schema, prisma, strategy, transaction);
    },
    transaction: (unit, body) => {
      const { strategy, transaction } = settings(unit);
      return inTransaction(prisma, transaction, schema.provider, (tx, session) => body(new PrismaBackend(schema, prisma, strategy, transaction, { tx, session })));
    },
  });
}
