/**
 * What must hold after any number of concurrent transfers: money is neither created nor lost,
 * no balance is negative, every committed transfer left exactly one ledger entry, and every
 * balance is its initial balance plus credits minus debits from the ledger.
 *
 * @module
 */

export interface AccountRow {
  readonly id: number;
  readonly balance: string;
}

export interface LedgerRow {
  readonly fromId: number;
  readonly toId: number;
  readonly amount: string;
}

/** Violations found (empty when every invariant holds). Amounts are compared in cents. */
export function checkInvariants(
  initial: ReadonlyMap<number, string>,
  accounts: readonly AccountRow[],
  ledger: readonly LedgerRow[],
  committed: number,
): string[] {
  const cents = (v: string) => Math.round(Number(v) * 100);
  const problems: string[] = [];
  const total = (rows: Iterable<string>) => [...rows].reduce((sum, v) => sum + cents(v), 0);
  const before = total(initial.values());
  const after = total(accounts.map((a) => a.balance));
  if (before !== after) problems.push(`total money changed: ${before / 100} -> ${after / 100}`);
  for (const a of accounts) if (cents(a.balance) < 0) problems.push(`Account#${a.id} is negative: ${a.balance}`);
  if (ledger.length !== committed) problems.push(`ledger has ${ledger.length} entries, ${committed} transfers were reported committed`);
  const expected = new Map([...initial].map(([id, b]) => [id, cents(b)]));
  for (const e of ledger) {
    expected.set(e.fromId, (expected.get(e.fromId) ?? 0) - cents(e.amount));
    expected.set(e.toId, (expected.get(e.toId) ?? 0) + cents(e.amount));
  }
  for (const a of accounts) {
    if (expected.get(a.id) !== cents(a.balance)) {
      problems.push(`Account#${a.id}: balance ${a.balance}, ledger says ${(expected.get(a.id) ?? 0) / 100}`);
    }
  }
  return problems;
}
