/**
 * Statement counting shared by the benchmark's drivers: BEGIN / COMMIT / ROLLBACK apart from the
 * rest. No imports, so any bench module can use it without loading a database driver.
 *
 * @example
 * ```ts
 * const counter = new StatementCounter();
 * counter.add('BEGIN');
 * counter.add('UPDATE ...');
 * [counter.transaction, counter.other]; // [1, 1]
 * ```
 *
 * @module
 */

/** Transaction control statements. */
export const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)\b/i;

/** Counts statements by kind. */
export class StatementCounter {
  transaction = 0;
  other = 0;
  add(sql: string): void {
    if (TRANSACTION_CONTROL.test(sql)) this.transaction++;
    else this.other++;
  }
  reset(): void {
    this.transaction = 0;
    this.other = 0;
  }
}
