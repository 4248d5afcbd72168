import { UsageError } from '../errors.js';
import type { ModelMetadata } from '../metadata/types.js';

/**
 * A query the in-memory evaluator (`src/query/`) does not answer: a relation filter, a cursor,
 * full-text search, a Json path filter. The in-memory unit throws it for any such query; units
 * over a database throw it only when the query would have to be evaluated against the unit's
 * pending changes (see `Repository.find`). A {@link UsageError} with code `INVALID_ARGUMENT`:
 * nothing was read or written.
 *
 * @example
 * ```ts
 * try {
 *   await uow.account.find({ where: { owner: { name: 'Ann' } } });
 * } catch (error) {
 *   if (error instanceof QueryNotEvaluableError) ... // commit first, or use an interactive unit
 * }
 * ```
 */
export class QueryNotEvaluableError extends UsageError {
  override name = 'QueryNotEvaluableError';
  /** What was not evaluated: `filtering on the relation 'owner' (User)`. */
  readonly what: string;
  constructor(model: string, what: string, message: string, field?: string) {
    super('INVALID_ARGUMENT', message, { model, field });
    this.what = what;
  }
}

/**
 * The {@link QueryNotEvaluableError} for a query the in-memory evaluator cannot answer: it names
 * the model and the operator.
 *
 * @internal
 */
export function unsupported(model: ModelMetadata, what: string, field?: string): QueryNotEvaluableError {
  return new QueryNotEvaluableError(
    model.name,
    what,
    `${model.name}: ${what} is not supported by the in-memory evaluator (the in-memory unit). Query the model's own scalar fields, or test this query against a database (createUnits).`,
    field,
  );
}
