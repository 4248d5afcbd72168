import { expect, it } from 'vitest';
import * as api from 'prisma-uow';

/** The runtime exports of the package, pinned: an accidental export (or a lost one) shows here. */
it('exports exactly the public runtime API', () => {
  expect(Object.keys(api).sort()).toEqual([
    'AfterCommitError',
    'CommitOutcomeUnknownError',
    'ConcurrencyConflictError',
    'DEFAULT_TRANSACTION_OPTIONS',
    'DatabaseError',
    'DeltaBoundError',
    'EntityNotFoundError',
    'HookError',
    'MemoryStore',
    'MemoryStoreError',
    'QueryNotEvaluableError',
    'Repository',
    'UnitClosedError',
    'UnitOfWorkError',
    'Units',
    'UsageError',
    'classifyDatabaseError',
    'createMemoryUnits',
    'createUnits',
    'defineSchema',
    'describeChanges',
    'isRetryableError',
  ]);
});

it('every error is a UnitOfWorkError with a name of its own', () => {
  const errors = [
    api.AfterCommitError,
    api.CommitOutcomeUnknownError,
    api.ConcurrencyConflictError,
    api.DatabaseError,
    api.DeltaBoundError,
    api.EntityNotFoundError,
    api.HookError,
    api.QueryNotEvaluableError,
    api.UnitClosedError,
    api.UsageError,
  ];
  for (const E of errors) {
    expect(E.prototype).toBeInstanceOf(api.UnitOfWorkError);
  }
  expect(new api.AfterCommitError(new Error('x'))).toMatchObject({ name: 'AfterCommitError', committed: true });
  expect(new api.CommitOutcomeUnknownError('lost', { transactionId: '42' })).toMatchObject({ name: 'CommitOutcomeUnknownError', transactionId: '42' });
  expect(new api.EntityNotFoundError('Account', 3, undefined, [3, 9])).toMatchObject({
    keys: [3, 9],
    message: 'Account#3, Account#9 were not found: no rows have those primary keys.',
  });
  expect(new api.EntityNotFoundError('Account', 7)).toMatchObject({ name: 'EntityNotFoundError', model: 'Account', key: 7, message: 'Account#7 was not found: no row has that primary key.' });
});
