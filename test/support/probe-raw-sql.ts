/**
 * Probe: what raw SQL through Prisma 7 driver adapters accepts, on SQLite and PostgreSQL.
 * Prints findings; asserts nothing. Run: `npx tsx test/support/probe-raw-sql.ts` (after prepare).
 * Runs in a non-UTC time zone so local-time conversions show.
 */
process.env['TZ'] = 'Asia/Kolkata';

import Database from 'better-sqlite3';
import { Prisma } from '../generated/sqlite/prisma/client.js';
import { openDatabase, postgresAvailable, type TestDatabase } from './databases.js';

const { sql, join } = Prisma;
type Raw = TestDatabase['prisma'];

const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes[${[...x].join(',')}]` : x,
  );

async function attempt(label: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    console.log(`  ok   ${label}: ${show(await fn())}`);
  } catch (error) {
    const e = error as Error & { meta?: unknown; code?: string };
    const detail = `${e.code ?? e.name}: ${e.message.split('\n').slice(-3).join(' ')}`.slice(0, 300);
    console.log(`  FAIL ${label}: ${detail}`);
  }
}

const at = new Date('2024-01-02T03:04:05.678Z');
const shape = (slug: string) => ({
  slug,
  text: 't',
  int: 1,
  bigInt: 9007199254740993n,
  float: 1.5,
  decimal: new Prisma.Decimal('12345678901234567890.123456789'),
  bool: true,
  dateTime: at,
  json: { a: [1, 'x'] },
  bytes: new Uint8Array([0, 1, 255]),
  color: 'GREEN' as const,
});

async function postgres(): Promise<void> {
  console.log('\n== PostgreSQL (adapter-pg) ==');
  const db = await openDatabase('postgresql');
  const p = db.prisma as unknown as Raw;
  const q = (s: Prisma.Sql) => p.$queryRaw<Record<string, unknown>[]>(s);
  await attempt('SHOW TimeZone', () => q(sql`SHOW TimeZone`));
  await attempt('int4[] numbers', () => q(sql`SELECT unnest(${[1, 2, 3]}::int4[]) AS v`));
  await attempt('int4[] strings', () => q(sql`SELECT unnest(${['1', '2']}::int4[]) AS v`));
  await attempt('numeric[] Decimal', () =>
    q(sql`SELECT unnest(${[new Prisma.Decimal('1.10'), new Prisma.Decimal('12345678901234567890.123456789')]}::numeric[]) AS v`),
  );
  await attempt('numeric[] strings', () => q(sql`SELECT unnest(${['1.10', '2.5']}::numeric[]) AS v`));
  await attempt('numeric[] numbers', () => q(sql`SELECT unnest(${[1.1, 2]}::numeric[]) AS v`));
  await attempt('int8[] bigint', () => q(sql`SELECT unnest(${[1n, 9007199254740993n]}::int8[]) AS v`));
  await attempt('int8[] strings', () => q(sql`SELECT unnest(${['1', '9007199254740993']}::int8[]) AS v`));
  await attempt('timestamp(3)[] Date', () => q(sql`SELECT unnest(${[at]}::timestamp(3)[])::text AS v`));
  await attempt('timestamp(3)[] ISO', () => q(sql`SELECT unnest(${[at.toISOString()]}::timestamp(3)[])::text AS v`));
  await attempt('timestamp(3) scalar Date', () => q(sql`SELECT ${at}::timestamp(3)::text AS v`));
  await attempt('bytea[] Uint8Array', () => q(sql`SELECT unnest(${[new Uint8Array([0, 1, 255])]}::bytea[]) AS v`));
  await attempt('bytea[] Buffer', () => q(sql`SELECT unnest(${[Buffer.from([0, 1, 255])]}::bytea[]) AS v`));
  await attempt('bytea[] hex strings', () => q(sql`SELECT unnest(${['\\x0001ff']}::bytea[]) AS v`));
  await attempt('jsonb[] JSON strings', () => q(sql`SELECT unnest(${[JSON.stringify({ a: 1 }), '[1,"x"]', 'null']}::jsonb[]) AS v`));
  await attempt('jsonb[] objects', () => q(sql`SELECT unnest(${[{ a: 1 }, { b: 2 }]}::jsonb[]) AS v`));
  await attempt('text[] with nulls', () => q(sql`SELECT unnest(${['a', null, 'c']}::text[]) AS v`));
  await attempt('text[] null first', () => q(sql`SELECT unnest(${[null, 'b']}::text[]) AS v`));
  await attempt('int4[] with nulls', () => q(sql`SELECT unnest(${[1, null]}::int4[]) AS v`));
  await attempt('"Color"[]', () => q(sql`SELECT unnest(${['RED', 'BLUE']}::"Color"[]) AS v`));
  await attempt('bool[]', () => q(sql`SELECT unnest(${[true, false, null]}::bool[]) AS v`));
  await attempt('timestamp(3)[] ISO +05:30 strings', () =>
    q(sql`SELECT unnest(${['2024-01-02T08:34:05.678+05:30']}::timestamp(3)[])::text AS v`),
  );
  await attempt('timestamp(3)[] null first, Date', () => q(sql`SELECT unnest(${[null, at]}::timestamp(3)[])::text AS v`));
  await attempt('bytea[] null first, Uint8Array', () => q(sql`SELECT unnest(${[null, new Uint8Array([0, 1, 255])]}::bytea[]) AS v`));
  await attempt('bytea[] mixed: Uint8Array then hex string', () =>
    q(sql`SELECT unnest(${[new Uint8Array([1]), '\\x02']}::bytea[]) AS v`),
  );
  await attempt('numeric[] null first, Decimal', () => q(sql`SELECT unnest(${[null, new Prisma.Decimal('1.5')]}::numeric[]) AS v`));
  await attempt('int8[] null first, bigint', () => q(sql`SELECT unnest(${[null, 2n]}::int8[]) AS v`));
  await attempt('empty int4[]', () => q(sql`SELECT unnest(${[] as number[]}::int4[]) AS v`));

  // Round trip: Prisma's create vs raw UPDATE ... FROM unnest of every type.
  const a = await p.shape.create({ data: shape('a') });
  const b = await p.shape.create({ data: { ...shape('b'), int: 2 } });
  db.clearStatements();
  await attempt('UPDATE ... FROM unnest RETURNING', () =>
    q(sql`UPDATE "Shape" AS t SET "dateTimeOpt" = d.dt, "decimalOpt" = d.dec, "bigIntOpt" = d.big,
      "bytesOpt" = d.by, "jsonOpt" = d.js, "colorOpt" = d.co, "boolOpt" = d.bo, "textOpt" = d.tx
      FROM (SELECT unnest(${[a.id, b.id]}::int4[]) AS id, unnest(${[at, at.toISOString()]}::timestamp(3)[]) AS dt,
        unnest(${[a.decimal, '2.5']}::numeric[]) AS dec, unnest(${[a.bigInt, 2n]}::int8[]) AS big,
        unnest(${[a.bytes, Buffer.from([7])]}::bytea[]) AS by, unnest(${[JSON.stringify(a.json), 'null']}::jsonb[]) AS js,
        unnest(${['GREEN', null]}::"Color"[]) AS co, unnest(${[true, false]}::bool[]) AS bo,
        unnest(${['x', null]}::text[]) AS tx) AS d
      WHERE t.id = d.id RETURNING t.id, t."dateTimeOpt"`),
  );
  console.log(`  statements: ${show(db.statements.map((s) => [s.sql.slice(0, 40), s.args]))}`);
  await attempt('stored equal to Prisma create (a)', () =>
    q(sql`SELECT "dateTime" = "dateTimeOpt" AS dt, "decimal" = "decimalOpt" AS dec, "bigInt" = "bigIntOpt" AS big,
      "bytes" = "bytesOpt" AS by, "json" = "jsonOpt" AS js, "color" = "colorOpt" AS co FROM "Shape" WHERE id = ${a.id}`),
  );
  await attempt('read back via Prisma (b)', () => p.shape.findUniqueOrThrow({ where: { id: b.id } }));
  await attempt('$executeRaw UPDATE ... FROM unnest count', () =>
    p.$executeRaw(sql`UPDATE "Shape" AS t SET "int" = d.v FROM (SELECT unnest(${[a.id, b.id]}::int4[]) AS id,
      unnest(${[10, 20]}::int4[]) AS v) AS d WHERE t.id = d.id`),
  );
  for (const n of [32767, 65535, 65536]) {
    await attempt(`bind ${n} params`, () => q(sql`SELECT 1 AS v WHERE 1 IN (${join(Array.from({ length: n }, (_, i) => i))})`));
  }
  await createMany(db);
  await db.dispose();
}

async function sqlite(): Promise<void> {
  console.log('\n== SQLite (better-sqlite3 adapter) ==');
  const db = await openDatabase('sqlite');
  const p = db.prisma;
  const file = (await p.$queryRaw<{ file: string }[]>(sql`SELECT file FROM pragma_database_list WHERE name = 'main'`))[0]!.file;
  const direct = new Database(file, { readonly: true });
  direct.defaultSafeIntegers(true);
  const typed = (id: number) =>
    direct
      .prepare(`SELECT ${['dateTime', 'decimal', 'bigInt', 'bool', 'bytes', 'json', 'color']
        .flatMap((c) => [`typeof("${c}") AS "${c}_type"`, `"${c}"`])
        .join(', ')} FROM "Shape" WHERE id = ?`)
      .get(id);

  const a = await p.shape.create({ data: shape('a') });
  console.log(`  stored by Prisma create: ${show(typed(a.id))}`);
  await attempt('$executeRaw INSERT binding Date/Decimal/bigint/Uint8Array/boolean/json', () =>
    p.$executeRaw(sql`INSERT INTO "Shape" (slug, text, int, "bigInt", float, decimal, bool, "dateTime", json, bytes, color)
      VALUES ('raw', 't', 1, ${a.bigInt}, 1.5, ${a.decimal}, ${true}, ${at}, ${JSON.stringify(a.json)}, ${a.bytes}, 'GREEN')`),
  );
  const raw = (await p.shape.findUniqueOrThrow({ where: { slug: 'raw' } })).id;
  console.log(`  stored by raw bind:      ${show(typed(raw))}`);
  await attempt('raw row read via Prisma', () => p.shape.findUniqueOrThrow({ where: { id: raw } }));
  await attempt('raw bind: decimal as string', () =>
    p.$executeRaw(sql`UPDATE "Shape" SET "decimalOpt" = ${'12345678901234567890.123456789'} WHERE id = ${raw}`).then(() =>
      direct.prepare('SELECT typeof("decimalOpt") t, "decimalOpt" v FROM "Shape" WHERE id = ?').get(raw),
    ),
  );
  await attempt('raw bind: ISO string / ms number into DATETIME', () =>
    p.$executeRaw(sql`UPDATE "Shape" SET "dateTimeOpt" = ${at.toISOString()} WHERE id = ${raw}`).then(() =>
      direct.prepare('SELECT typeof("dateTimeOpt") t, "dateTimeOpt" v FROM "Shape" WHERE id = ?').get(raw),
    ),
  );
  await attempt('Prisma reads ISO-with-Z text', () => p.shape.findUniqueOrThrow({ where: { id: raw }, select: { dateTimeOpt: true } }));

  db.clearStatements();
  await attempt('UPDATE ... FROM (VALUES ...) RETURNING', () =>
    p.$queryRaw(sql`UPDATE "Shape" AS t SET "int" = d.column2 FROM (VALUES (${a.id}, ${7}), (${raw}, ${8})) AS d
      WHERE t.id = d.column1 RETURNING t.id, t."int"`),
  );
  await attempt('UPDATE t ... FROM (VALUES ...) RETURNING unqualified', () =>
    p.$queryRaw(sql`UPDATE "Shape" AS t SET "int" = d.column2 FROM (VALUES (${a.id}, ${7}), (${raw}, ${8})) AS d
      WHERE t.id = d.column1 RETURNING id, "int"`),
  );
  await attempt('UPDATE "Shape" (no alias) ... RETURNING "Shape".id', () =>
    p.$queryRaw(sql`UPDATE "Shape" SET "int" = d.column2 FROM (VALUES (${a.id}, ${5}), (${raw}, ${6})) AS d
      WHERE "Shape".id = d.column1 RETURNING "Shape".id`),
  );
  await attempt('UPDATE ... FROM json_each(?) RETURNING', () =>
    p.$queryRaw(sql`UPDATE "Shape" AS t SET "textOpt" = d.value ->> '$.v', "dateTimeOpt" = d.value ->> '$.dt'
      FROM json_each(${JSON.stringify([{ id: a.id, v: 'j1', dt: '2024-01-02T03:04:05.678+00:00' }, { id: raw, v: 'j2', dt: null }])}) AS d
      WHERE t.id = d.value ->> '$.id' RETURNING id, "textOpt", "dateTimeOpt"`),
  );
  await attempt('$executeRaw UPDATE ... FROM VALUES count', () =>
    p.$executeRaw(sql`UPDATE "Shape" AS t SET "int" = d.column2 FROM (VALUES (${a.id}, ${1}), (${raw}, ${2})) AS d WHERE t.id = d.column1`),
  );
  console.log(`  statements: ${show(db.statements.map((s) => [s.sql.slice(0, 40), s.args]))}`);
  await attempt('PRAGMA foreign_keys (captured client)', () => p.$queryRaw(sql`PRAGMA foreign_keys`));
  await attempt('PRAGMA foreign_keys (second client)', () => db.other.$queryRaw(sql`PRAGMA foreign_keys`));
  await attempt('FK violation on raw insert', () => p.$executeRaw(sql`INSERT INTO "Account" ("ownerId", balance) VALUES (999, 1)`));
  for (const n of [32766, 32767, 100000, 250000]) {
    await attempt(`bind ${n} params`, () => p.$queryRaw(sql`SELECT 1 AS v WHERE 1 IN (${join(Array.from({ length: n }, (_, i) => i))})`));
  }
  direct.close();
  await createMany(db);
  await db.dispose();
}

async function createMany(db: TestDatabase): Promise<void> {
  for (const n of [3, 1000, 20000]) {
    db.clearStatements();
    const names = Array.from({ length: n }, (_, i) => `u${n - i}`);
    const rows = await db.prisma.user.createManyAndReturn({ data: names.map((name) => ({ name })) });
    const ordered = rows.every((r, i) => r.name === names[i]);
    const summary = db.statements.map((s) => `${s.kind}:${s.sql.slice(0, 30)}…(${s.args})`);
    console.log(`  createManyAndReturn ${n}: ${db.statements.length} statements, in order: ${ordered}; ${summary.slice(0, 4).join(' | ')}`);
  }
}

async function queryEvents(): Promise<void> {
  console.log('\n== $on("query") ==');
  for (const name of ['sqlite', 'postgresql'] as const) {
    if (name === 'postgresql' && !postgresAvailable.ok) continue;
    const db = await openDatabase(name);
    const { PrismaClient } = await import(`../generated/${name}/prisma/client.js`);
    const client = new PrismaClient({ adapter: db.adapter(), log: [{ emit: 'event', level: 'query' }] });
    const events: string[] = [];
    client.$on('query', (e: { query: string; params: string; duration: number }) => events.push(`${e.query.slice(0, 40)} params=${e.params.slice(0, 30)}`));
    await client.user.create({ data: { name: 'ev' } });
    await client.$transaction(async (tx: Raw) => {
      await tx.user.update({ where: { id: 1 }, data: { name: 'ev2' } });
    });
    await client
      .$transaction(async (tx: Raw) => {
        await tx.user.update({ where: { id: 1 }, data: { name: 'ev3' } });
        throw new Error('roll back');
      })
      .catch(() => {});
    console.log(`  ${name}: ${events.length} events: ${show(events)}`);
    await client.$disconnect();
    await db.dispose();
  }
}

await sqlite();
if (postgresAvailable.ok) await postgres();
else console.log(`PostgreSQL probe skipped: ${postgresAvailable.reason}`);
await queryEvents();
