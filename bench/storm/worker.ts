/**
 * One process of the transfer storm: random transfers between the storm's accounts through
 * prisma-uow units with retry, reported to the parent as JSON.
 *
 * @module
 */
import { createUnits, DeltaBoundError, isRetryableError } from 'prisma-uow';
import { withBankDeltas } from '../bank-deltas.js';
import { TransferRejectedError } from '../../examples/bank/domain.js';
import { bank } from '../../examples/bank/models.js';
import { transfer } from '../../examples/bank/transfer.js';
import { connectStormClient, type StormDatabase } from './database.js';

/** What a worker reports. */
export interface WorkerReport {
  committed: number;
  rejected: number;
  retries: number;
  conflicts: number;
  /** Retries after a `DeltaBoundError` (with `--deltas`: concurrent withdrawals would have overdrawn). */
  boundRetries: number;
  failed: Record<string, number>;
  deadlocksReachingCaller: number;
}

const [dbJson, countText, accountsJson, seedText, deltasText] = process.argv.slice(2);
const db = JSON.parse(dbJson!) as StormDatabase;
const count = Number(countText);
const accounts = JSON.parse(accountsJson!) as number[];
let seed = Number(seedText) || 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const { prisma, schema } = await connectStormClient(db);
const deltas = deltasText === 'deltas';
const units = createUnits({ prisma, schema: deltas ? withBankDeltas(schema) : schema, ...bank });
const report: WorkerReport = { committed: 0, rejected: 0, retries: 0, conflicts: 0, boundRetries: 0, failed: {}, deadlocksReachingCaller: 0 };

for (let i = 0; i < count; i++) {
  const from = accounts[Math.floor(random() * accounts.length)]!;
  let to = accounts[Math.floor(random() * accounts.length)]!;
  if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length]!;
  const amount = (1 + Math.floor(random() * 5000) / 100).toFixed(2);
  try {
    await units.run((uow) => transfer(uow, { fromId: from, toId: to, amount }), {
      retry: {
        attempts: 50,
        maxDelayMs: 100,
        // A delta bound (the balance would go below zero) is retried: the transfer re-reads and refuses.
        retryOn: (error) => isRetryableError(error) || error instanceof DeltaBoundError,
        onRetry: (error) => {
          report.retries++;
          if ((error as Error).name === 'ConcurrencyConflictError') report.conflicts++;
          if (error instanceof DeltaBoundError) report.boundRetries++;
        },
      },
    });
    report.committed++;
  } catch (error) {
    if (error instanceof TransferRejectedError) report.rejected++;
    else {
      const name = (error as Error).name ?? 'Error';
      report.failed[name] = (report.failed[name] ?? 0) + 1;
      if (/deadlock/i.test(String((error as Error).message)) || (isRetryableError(error) && /40P01|"1213"/.test(JSON.stringify(error)))) {
        report.deadlocksReachingCaller++;
      }
      if (process.env['STORM_DEBUG']) console.error(error);
    }
  }
}
await prisma.$disconnect();
process.send!(report);
