/**
 * prisma-uow running the bank example's `transfer` (examples/bank/transfer.ts), one entry per
 * mode. A mode is the options of `units.run` plus, optionally, what the unit does before the
 * service (e.g. locking reads): a new mode (declared deltas, `getMany`, another strategy) is one
 * more {@link uowSystem} entry in {@link UOW_SYSTEMS}.
 *
 * Every mode retries with `{ retry: { attempts: ATTEMPTS } }` and the library's default backoff;
 * a refusal (`InsufficientFundsError`) is an outcome, also when it arrives wrapped.
 *
 * @example
 * ```ts
 * uowSystem({ id: 'uow-per-row', label: 'prisma-uow per-row', databases: ['sqlite'], options: { strategy: 'per-row' } });
 * ```
 *
 * @module
 */
import { bank, type BankUnit } from '../../../examples/bank/models.js';
import { transfer } from '../../../examples/bank/transfer.js';
import { createUnits, DeltaBoundError, isRetryableError, type RunOptions } from '../../../src/index.js';
import { withBankDeltas } from '../../bank-deltas.js';
import { prismaClient, TRANSACTION_LIMITS } from '../clients.js';
import type { Provider, TransferRequest, TransferSystem } from '../types.js';
import { ATTEMPTS, isRefusal } from './outcome.js';

/** One way of running the transfer through prisma-uow. */
export interface UowMode {
  readonly id: string;
  readonly label: string;
  readonly databases: readonly Provider[];
  /** Options of `units.run` (the retry is added). */
  readonly options?: Omit<RunOptions, 'retry'>;
  /**
   * Whether the unit uses the bank schema's declared deltas (`balance`, `loyaltyPoints`; default
   * true, as prisma/schema.prisma declares them). A `DeltaBoundError` (concurrent withdrawals
   * would overdraw) is retried: the transfer re-reads and refuses with `InsufficientFundsError`.
   */
  readonly deltas?: boolean;
  /** `createUnits({ asyncContext })` (default true): false runs without AsyncLocalStorage. */
  readonly asyncContext?: boolean;
  /** Runs in the unit before the bank's `transfer` (which then finds its rows in the identity map). */
  readonly before?: (uow: BankUnit, request: TransferRequest, provider: Provider) => Promise<void>;
}

/** The system of one mode. */
export function uowSystem(mode: UowMode): TransferSystem {
  return {
    id: mode.id,
    label: mode.label,
    databases: mode.databases,
    async open(context) {
      const { prisma, schema: plain } = await prismaClient(context);
      const deltas = mode.deltas ?? true;
      const schema = deltas ? withBankDeltas(plain) : plain;
      const units = createUnits({ prisma, schema, ...bank, transaction: TRANSACTION_LIMITS, ...(mode.asyncContext === false ? { asyncContext: false } : {}) });
      const retryOn = (error: unknown) => isRetryableError(error) || error instanceof DeltaBoundError;
      const before = mode.before;
      const service = before
        ? async (uow: BankUnit, request: TransferRequest) => {
            await before(uow, request, context.db.provider);
            await transfer(uow, request);
          }
        : transfer;
      return {
        async transfer(request) {
          let retries = 0;
          try {
            await units.run((uow) => service(uow, request), { ...mode.options, retry: { attempts: ATTEMPTS, retryOn, onRetry: () => retries++ } });
            return { refused: false, retries };
          } catch (error) {
            if (isRefusal(error)) return { refused: true, retries };
            throw error;
          }
        },
        close: () => prisma.$disconnect(),
      };
    },
  };
}

/**
 * PostgreSQL: locks both accounts in key order and reads their owners, in one statement
 * (`getMany` with `lock` and `preload`); MariaDB: the same in two (the locking read, then the
 * owners). The unit never conflicts on them and the transfer's own read is answered from the
 * unit. SQLite has no row locks and needs none: an interactive unit holds the adapter's only
 * connection, in a transaction, from its first read to its commit.
 */
async function lockAccounts(uow: BankUnit, { fromId, toId }: TransferRequest, provider: Provider): Promise<void> {
  if (provider === 'sqlite') return;
  await uow.account.getMany([fromId, toId], { lock: 'update', preload: ['owner'] });
}

/** The prisma-uow modes measured. */
export const UOW_SYSTEMS: readonly TransferSystem[] = [
  uowSystem({ id: 'uow', label: 'prisma-uow run(transfer, { retry }), declared deltas', databases: ['postgresql', 'sqlite', 'mariadb'] }),
  uowSystem({
    id: 'uow-one-statement',
    label: 'prisma-uow run(transfer, { retry, oneStatement: true }), declared deltas',
    databases: ['postgresql'],
    options: { oneStatement: true },
  }),
  uowSystem({ id: 'uow-plain', label: 'prisma-uow run(transfer, { retry }), no deltas (balance checked)', databases: ['postgresql', 'sqlite', 'mariadb'], deltas: false }),
  uowSystem({
    id: 'uow-interactive',
    label: 'prisma-uow { interactive: true } (+ locking getMany with preload on PostgreSQL and MariaDB), declared deltas',
    databases: ['postgresql', 'sqlite', 'mariadb'],
    options: { interactive: true },
    before: lockAccounts,
  }),
  uowSystem({
    id: 'uow-interactive-no-context',
    label: 'prisma-uow { interactive: true }, asyncContext: false (+ locking getMany with preload on PostgreSQL and MariaDB), declared deltas',
    databases: ['postgresql', 'sqlite', 'mariadb'],
    options: { interactive: true },
    asyncContext: false,
    before: lockAccounts,
  }),
];
