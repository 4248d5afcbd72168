import { UsageError } from '../../errors.js';
import type { Provider } from '../../metadata/types.js';
import type { FlushStrategy, FlushStrategyName } from '../strategy.js';
import { groupedStrategy } from './grouped.js';
import { perRowStrategy } from './per-row.js';

/**
 * Picks the flush strategy: the one asked for, or the fastest the provider supports.
 *
 * @internal
 */
export function strategyFor(name: FlushStrategyName | undefined, provider: Provider): FlushStrategy {
  switch (name ?? 'grouped') {
    case 'per-row':
      return perRowStrategy;
    case 'grouped':
      return groupedStrategy;
    default:
      throw new UsageError('INVALID_ARGUMENT', `Unknown flush strategy '${String(name)}' for ${provider}; use 'bulk', 'grouped' or 'per-row'.`);
  }
}
