import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../test/generated/mariadb/prisma/client.js';
const p = new PrismaClient({ adapter: new PrismaMariaDb({ host: '127.0.0.1', user: 'root', database: 'p1' }, { database: 'p1' }) });
await p.$executeRawUnsafe("delete from Shape");
await p.shape.create({ data: { slug: 's', text: 't', int: 1, bigInt: 9007199254740993n, float: 1.5, decimal: '12.34', bool: true, dateTime: new Date('2024-01-02T03:04:05.678Z'), json: 'abc', jsonOpt: { a: [1, 2.5] }, bytes: new Uint8Array([1, 2]), color: 'RED' } });
const rows = await p.$queryRawUnsafe<any[]>("select t.* from json_table('[[1]]', '$[*]' columns(i for ordinality, k0 int path '$[0]')) d straight_join Shape t on t.id = t.id order by d.i for update");
for (const [k, v] of Object.entries(rows[0])) console.log(k, typeof v, v?.constructor?.name, v);
await p.$disconnect();
