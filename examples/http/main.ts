/**
 * `npm run example:http`: the bank over HTTP on the embedded SQLite database (DATABASE_URL,
 * default file:./dev.db), listening on 127.0.0.1:PORT (default 3000).
 *
 * The tables must exist: `npm run example:http` (like `npm run demo`) runs `prisma migrate
 * deploy` first; when starting this file directly with `npx tsx examples/http/main.ts`, run
 * `npx prisma migrate deploy` once before. Two accounts are created when there are none.
 *
 * ```sh
 * curl -s -X POST localhost:3000/transfers -H 'content-type: application/json' -d '{"fromId":1,"toId":2,"amount":"25.00"}'
 * curl -s localhost:3000/accounts/1
 * ```
 */
import 'dotenv/config';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { createUnits } from 'prisma-uow';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { schema } from '../../src/generated/uow/index.js';
import { bank } from '../bank/models.js';
import { createBankServer } from './server.js';

const url = process.env['DATABASE_URL'] ?? 'file:./dev.db';
const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] ?? '127.0.0.1';

const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }) });
const units = createUnits({ prisma, schema, ...bank });

if ((await prisma.account.count()) === 0) {
  await units.run((uow) => {
    uow.account.add({ owner: uow.user.add({ name: 'Alice' }), balance: 100 });
    uow.account.add({ owner: uow.user.add({ name: 'Bob' }), balance: 50 });
  });
}
const accounts = await prisma.account.findMany({ orderBy: { id: 'asc' }, take: 2 });

const server = createBankServer(units, {
  notify: (n) => console.log(`notified: ledger entry #${n.ledgerEntryId}, ${n.amount} from Account#${n.fromId} to Account#${n.toId}`),
});
server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Bank listening on http://${host}:${actualPort}`);
  console.log(`Accounts: ${accounts.map((a) => `#${a.id} (${a.balance.toString()})`).join(', ')}`);
  const [from, to] = accounts;
  if (from && to) {
    console.log(
      `Try: curl -s -X POST http://${host}:${actualPort}/transfers -H 'content-type: application/json' -d '{"fromId":${from.id},"toId":${to.id},"amount":"25.00"}'`,
    );
  }
});

function shutdown(): void {
  server.close(() => void prisma.$disconnect().then(() => process.exit(0)));
  server.closeIdleConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
