import { UsageError } from '../../errors.js';
import type { Provider } from '../../metadata/types.js';
import type { FlushStrategy, FlushStrategyName } from '../strategy.js';
import { postgresDialect } from '../dialects/postgres.js';
import { sqliteDialect } from '../dialects/sqlite.js';
import { bulkStrategy } from './bulk.js';
import { groupedStrategy } from './grouped.js';
import { perRowStrategy } from './per-row.js';

const postgresBulk = bulkStrategy(postgresDialect);
const sqliteBulk = bulkStrategy(sqliteDialect);

/**
 * Picks the flush strategy: the one asked for, or the fastest the provider supports.
 *
 * @internal
 */
export function strategyFor(name: FlushStrategyName | undefined, provider: Provider): FlushStrategy {
  const dialect = provider === 'postgresql' ? postgresDialect : provider === 'sqlite' ? sqliteDialect : undefined;
  switch (name ?? (dialect ? 'bulk' : 'grouped')) {
    case 'bulk':
      if (!dialect) throw new UsageError('INVALID_ARGUMENT', `The 'bulk' flush strategy supports PostgreSQL and SQLite, not ${provider}; use 'grouped'.`);
      return provider === 'postgresql' ? postgresBulk : sqliteBulk;
    case 'per-row':
      return perRowStrategy;
    case 'grouped':
      return groupedStrategy;
    default:
      throw new UsageError('INVALID_ARGUMENT', `Unknown flush strategy '${String(name)}' for ${provider}; use 'bulk', 'grouped' or 'per-row'.`);
  }
}
