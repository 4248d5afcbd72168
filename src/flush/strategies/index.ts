import { UsageError } from '../../errors.js';
import type { Provider } from '../../metadata/types.js';
import type { FlushStrategy, FlushStrategyName } from '../strategy.js';
import { mariadbDialect } from '../dialects/mariadb.js';
import { postgresDialect } from '../dialects/postgres.js';
import { sqliteDialect } from '../dialects/sqlite.js';
import { bulkStrategy } from './bulk.js';
import { groupedStrategy } from './grouped.js';
import { perRowStrategy } from './per-row.js';

const postgresBulk = bulkStrategy(postgresDialect);
const sqliteBulk = bulkStrategy(sqliteDialect);
const mariadbBulk = bulkStrategy(mariadbDialect);

/** The bulk dialect of a provider (`mysql`: MariaDB 10.6+, see `dialects/mariadb.ts`). */
const DIALECTS: Partial<Record<Provider, FlushStrategy>> = { postgresql: postgresBulk, sqlite: sqliteBulk, mysql: mariadbBulk };

/**
 * Picks the flush strategy: the one asked for, or the fastest the provider supports.
 *
 * @internal
 */
export function strategyFor(name: FlushStrategyName | undefined, provider: Provider): FlushStrategy {
  const bulk = DIALECTS[provider];
  switch (name ?? (bulk ? 'bulk' : 'grouped')) {
    case 'bulk':
      if (!bulk) throw new UsageError('INVALID_ARGUMENT', `The 'bulk' flush strategy supports PostgreSQL, SQLite and MariaDB (provider mysql), not ${provider}; use 'grouped'.`);
      return bulk;
    case 'per-row':
      return perRowStrategy;
    case 'grouped':
      return groupedStrategy;
    default:
      throw new UsageError('INVALID_ARGUMENT', `Unknown flush strategy '${String(name)}' for ${provider}; use 'bulk', 'grouped' or 'per-row'.`);
  }
}
