import type { RunOptions } from 'prisma-uow';

/**
 * One unit of work per HTTP request: the wrapper every route goes through. The handler runs
 * inside `units.run(...)`, so any code it calls, however deep, reaches the request's unit with
 * `units.current()`; the unit commits when the handler returns and writes nothing when it throws.
 *
 * @module
 */

/** A JSON reply: status and a body to serialize. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** A request as route handlers see it: the path parameters and the parsed JSON body. */
export interface JsonRequest {
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body (`undefined` when the request had none). */
  readonly body: unknown;
}

/** A route handler outside any unit: what {@link withUnit} returns. */
export type Handler = (request: JsonRequest) => Promise<Reply>;

/**
 * A route handler that runs inside the request's unit. It returns how to reply rather than the
 * reply itself: the unit has not committed yet when it returns (it may even run again, on a
 * retry), so the reply is built once the commit is done, when tracked objects show their
 * committed values (new versions, generated ids).
 */
export type UnitHandler = (request: JsonRequest) => Promise<() => Reply>;

/** What {@link withUnit} needs of a units factory (any `Units` from `createUnits`/`createMemoryUnits`). */
export interface UnitRunner {
  run<T>(fn: () => Promise<T>, options?: RunOptions): Promise<T>;
}

/**
 * Runs `handler` in its own unit of work per request (`units.run(..., options)`), then builds
 * the reply after the commit. Errors (a refused rule, a lost race after the retries) propagate
 * after the unit was rolled back; the server turns them into statuses.
 *
 * @example
 * ```ts
 * const postTransfer = withUnit(units, async (request) => {
 *   const receipt = await bank.transferFunds(parseTransfer(request.body));
 *   return () => ({ status: 201, body: receiptView(receipt) });
 * }, { retry: 5 });
 * ```
 */
export function withUnit(units: UnitRunner, handler: UnitHandler, options: RunOptions = {}): Handler {
  return async (request) => {
    const reply = await units.run(() => handler(request), options);
    return reply();
  };
}
