/**
 * Reading driver and Prisma errors: the same failure reaches us as a Prisma code (`P2002`), a
 * driver-adapter kind (`UniqueConstraintViolation`), a SQLSTATE (`23505`), a SQLite code
 * (`SQLITE_CONSTRAINT_UNIQUE`) or a MariaDB/MySQL error number (`1062`, the adapter's
 * `originalCode`, the driver's `errno`), depending on the database and on whether Prisma or raw
 * SQL sent the statement. This module maps them all to one {@link DatabaseErrorKind}.
 *
 * @module
 */

/** What kind of failure a database reported. */
export type DatabaseErrorKind =
  | 'unique'
  | 'foreign-key'
  | 'not-null'
  | 'check'
  | 'value-too-long'
  | 'serialization'
  | 'deadlock'
  | 'busy'
  | 'connection'
  | 'timeout'
  | 'other';

/** Every object in an error's `cause` chain, Prisma's driver-adapter details included. @internal */
export function* causeChain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    const meta = record['meta'] as Record<string, unknown> | undefined;
    if (meta && typeof meta === 'object') yield meta;
    const adapterError = meta?.['driverAdapterError'] as Record<string, unknown> | undefined;
    current = record['cause'] ?? adapterError?.['cause'] ?? adapterError;
  }
}

const BY_CODE: Readonly<Record<string, DatabaseErrorKind>> = {
  P2002: 'unique',
  '23505': 'unique',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  UniqueConstraintViolation: 'unique',
  P2003: 'foreign-key',
  '23503': 'foreign-key',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
  ForeignKeyConstraintViolation: 'foreign-key',
  P2011: 'not-null',
  '23502': 'not-null',
  SQLITE_CONSTRAINT_NOTNULL: 'not-null',
  NullConstraintViolation: 'not-null',
  '23514': 'check',
  SQLITE_CONSTRAINT_CHECK: 'check',
  P2000: 'value-too-long',
  '22001': 'value-too-long',
  LengthMismatch: 'value-too-long',
  P2034: 'serialization',
  '40001': 'serialization',
  TransactionWriteConflict: 'serialization',
  '40P01': 'deadlock',
  SQLITE_BUSY: 'busy',
  SQLITE_BUSY_SNAPSHOT: 'busy',
  SQLITE_LOCKED: 'busy',
  P1001: 'connection',
  P1017: 'connection',
  P2037: 'connection',
  '57P01': 'connection',
  '57P02': 'connection',
  '57P03': 'connection',
  '53300': 'connection',
  '08000': 'connection',
  '08001': 'connection',
  '08003': 'connection',
  '08004': 'connection',
  '08006': 'connection',
  ECONNRESET: 'connection',
  ECONNREFUSED: 'connection',
  EPIPE: 'connection',
  ConnectionClosed: 'connection',
  DatabaseNotReachable: 'connection',
  TooManyConnections: 'connection',
  P2028: 'timeout',
  P1008: 'timeout',
  SocketTimeout: 'timeout',
  ETIMEDOUT: 'timeout',
  '55P03': 'timeout',
  '57014': 'timeout',
};

/**
 * MariaDB/MySQL error numbers, read from the adapter's `originalCode` or the driver's `errno`
 * only (a bare number means nothing elsewhere). Prisma reports a deadlock (1213) as P2010 /
 * `TransactionWriteConflict` and leaves a lock wait timeout (1205) unmapped.
 */
const MYSQL_ERRNO: Readonly<Record<string, DatabaseErrorKind>> = {
  '1062': 'unique',
  '1586': 'unique',
  '1451': 'foreign-key',
  '1452': 'foreign-key',
  '1216': 'foreign-key',
  '1217': 'foreign-key',
  '1048': 'not-null',
  '1364': 'not-null',
  '1263': 'not-null',
  '4025': 'check',
  '3819': 'check',
  '1406': 'value-too-long',
  '1213': 'deadlock',
  '1205': 'timeout',
  '1969': 'timeout',
  '3024': 'timeout',
  '2006': 'connection',
  '2013': 'connection',
  '1927': 'connection',
  '1053': 'connection',
  '1040': 'connection',
};

const BY_MESSAGE: readonly (readonly [RegExp, DatabaseErrorKind])[] = [
  [/unique constraint/i, 'unique'],
  [/foreign key constraint/i, 'foreign-key'],
  [/not.null constraint|null value in column/i, 'not-null'],
  [/could not serialize access|write conflict/i, 'serialization'],
  [/deadlock detected|deadlock found/i, 'deadlock'],
  [/database is locked|SQLITE_BUSY/i, 'busy'],
  [
    /terminating connection|connection (?:terminated|closed|reset)|server (?:has )?closed the connection|connection error and is not queryable|client was closed and is not queryable|can't reach database server|the database system is (?:starting up|shutting down|in recovery mode)/i,
    'connection',
  ],
  [/transaction already closed|expired transaction|timed out|timeout exceeded|lock timeout|statement timeout|lock wait timeout/i, 'timeout'],
];

const KINDS: ReadonlySet<string> = new Set<DatabaseErrorKind>([
  'unique', 'foreign-key', 'not-null', 'check', 'value-too-long', 'serialization', 'deadlock', 'busy', 'connection', 'timeout', 'other',
]);

/**
 * The kind of a database failure, from anywhere in its cause chain.
 *
 * @example
 * ```ts
 * classifyDatabaseError(prismaError); // 'unique' for P2002, 23505, SQLITE_CONSTRAINT_UNIQUE or MariaDB's 1062
 * ```
 */
export function classifyDatabaseError(error: unknown): DatabaseErrorKind {
  const chain = [...causeChain(error)];
  // prisma-uow's own DatabaseError already says what kind it is.
  const own = chain[0];
  if (own?.['name'] === 'DatabaseError' && typeof own['kind'] === 'string' && KINDS.has(own['kind'])) return own['kind'] as DatabaseErrorKind;
  // The database's own code first: Prisma folds several into one of its codes (SQLite's
  // SQLITE_BUSY becomes P1008 "timed out", PostgreSQL's 40P01 deadlock becomes P2034).
  for (const cause of chain) {
    const code = cause['originalCode'];
    if (typeof code === 'string' && (BY_CODE[code] ?? MYSQL_ERRNO[code])) return BY_CODE[code] ?? MYSQL_ERRNO[code]!;
    const errno = cause['errno'];
    if (typeof errno === 'number' && MYSQL_ERRNO[String(errno)]) return MYSQL_ERRNO[String(errno)]!;
  }
  for (const cause of chain) {
    for (const key of ['code', 'kind', 'sqlState']) {
      const code = cause[key];
      if (typeof code === 'string' && BY_CODE[code]) return BY_CODE[code];
    }
  }
  for (const cause of chain) {
    const message = cause['message'];
    if (typeof message !== 'string') continue;
    for (const [pattern, kind] of BY_MESSAGE) if (pattern.test(message)) return kind;
  }
  return 'other';
}
