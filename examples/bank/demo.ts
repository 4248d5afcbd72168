/**
 * `npm run demo`: the bank transfer on the embedded SQLite database (DATABASE_URL, default
 * file:./dev.db). Prints the balances before and after, and every SQL statement the commit sent.
 */
import 'dotenv/config';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { createUnits } from 'prisma-uow';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { schema } from '../../src/generated/uow/index.js';
import { bank } from './models.js';
import { transfer } from './transfer.js';

const url = process.env['DATABASE_URL'] ?? 'file:./dev.db';
const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }), log: [{ emit: 'event', level: 'query' }] });
let statements: string[] = [];
/** Whether a statement writes rows (BEGIN and COMMIT do not). */
const writes = (statement: string): boolean => /^(INSERT|UPDATE|DELETE|WITH)\b/i.test(statement);
prisma.$on('query', (event) => statements.push(`${event.query}  -- params ${event.params}`));

const units = createUnits({ prisma, schema, ...bank });

async function balances(): Promise<string> {
  const accounts = await prisma.account.findMany({ orderBy: { id: 'asc' }, include: { owner: true } });
  return accounts.map((a) => `  Account#${a.id} (${a.owner.name}, ${a.owner.loyaltyPoints} points): ${a.balance.toFixed(2)}`).join('\n');
}

/** Two users with an account each, added through a unit (ids come back from the database). */
async function seed(): Promise<{ alice: number; bob: number }> {
  const existing = await prisma.account.findMany({ orderBy: { id: 'asc' }, take: 2 });
  if (existing.length === 2) return { alice: existing[0]!.id, bob: existing[1]!.id };
  const [a, b] = await units.run((uow) => [
    uow.account.add({ owner: uow.user.add({ name: 'Alice' }), balance: 100 }),
    uow.account.add({ owner: uow.user.add({ name: 'Bob' }), balance: 50 }),
  ]);
  return { alice: a!.id, bob: b!.id };
}

const { alice, bob } = await seed();
console.log(`Before:\n${await balances()}\n`);

statements = [];
await units.run((uow) => transfer(uow, { fromId: alice, toId: bob, amount: '25.00' }));
const reads = statements.filter((s) => /^SELECT/i.test(s));
console.log(`Transferred 25.00 from Account#${alice} to Account#${bob}.`);
console.log(`The service loaded 3 rows (${reads.length} SELECT${reads.length === 1 ? '' : 's'}: both accounts with their owners); the commit then sent, in one transaction:`);
// Before the first write: the read (on SQLite in a read transaction of its own, see README, Concurrency).
for (const s of statements.slice(statements.findIndex(writes))) console.log(`  ${s}`);
console.log(`\nAfter:\n${await balances()}\n`);

statements = [];
try {
  await units.run((uow) => transfer(uow, { fromId: bob, toId: alice, amount: '1000000' }));
} catch (error) {
  console.log(`A transfer of 1000000 from Account#${bob} was refused: ${(error as Error).message}`);
  console.log(`Statements that write, sent by the refused transfer: ${statements.filter(writes).length}\n`);
}
console.log(`Finally:\n${await balances()}`);
await prisma.$disconnect();
