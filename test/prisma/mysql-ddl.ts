import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FieldMetadata, ModelMetadata, ReferentialAction, SchemaMetadata } from '../../src/metadata/types.js';
import { mariadbDdlFile } from './prepare.js';

/**
 * The MariaDB/MySQL test schema as SQL DDL, derived from the prisma-uow metadata of the
 * `provider = "mysql"` test schema (`test/generated/mariadb/uow`). Prisma's offline WebAssembly
 * schema engine has no MySQL connector, so `prisma migrate diff` cannot write this here; the
 * result is kept in `test/prisma/mariadb.sql` and `test/prisma/mariadb-ddl.test.ts` fails when it
 * is stale. It follows what `prisma migrate` writes for MySQL: Prisma's default column types
 * (`VARCHAR(191)`, `DATETIME(3)`, `DECIMAL(65,30)`, ...) or the field's `@db.*` type,
 * `utf8mb4_unicode_ci` tables, `<Model>_<fields>_key` unique indexes and `<Model>_<fields>_fkey`
 * foreign keys with the declared `onDelete`/`onUpdate`.
 *
 * InnoDB has no working `SET DEFAULT` action: MariaDB accepts the clause but enforces it as
 * `RESTRICT` (MySQL refuses it). It is written as declared, with a comment saying so.
 *
 * @example
 * ```sh
 * npx tsx test/prisma/prepare.ts && npx tsx test/prisma/mysql-ddl.ts   # rewrites test/prisma/mariadb.sql
 * ```
 *
 * @module
 */

const DEFAULT_TYPES: Readonly<Record<string, string>> = {
  String: 'VARCHAR(191)',
  Int: 'INTEGER',
  BigInt: 'BIGINT',
  Float: 'DOUBLE',
  Decimal: 'DECIMAL(65, 30)',
  Boolean: 'BOOLEAN',
  DateTime: 'DATETIME(3)',
  Json: 'JSON',
  Bytes: 'LONGBLOB',
};

const q = (name: string): string => `\`${name.replaceAll('`', '``')}\``;
const text = (value: string): string => `'${value.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;

/** The column type of a field, e.g. `DECIMAL(10, 2)` for `@db.Decimal(10, 2)`. */
export function mysqlType(field: FieldMetadata): string {
  if (field.kind === 'Enum') return `ENUM(${(field.enumValues ?? []).map(text).join(', ')})`;
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const type = name === 'Int' ? 'INTEGER' : name.toUpperCase();
    return args.length > 0 ? `${type}(${args.join(', ')})` : type;
  }
  const type = DEFAULT_TYPES[field.kind];
  if (!type) throw new Error(`mysql-ddl: no MySQL type for ${field.name} (${field.kind})`);
  return type;
}

/** The precision of a DateTime column (`DATETIME(3)` by default). */
function precision(field: FieldMetadata): string {
  return field.nativeType?.[1][0] ?? (field.nativeType?.[0] === 'Date' ? '' : '3');
}

function defaultClause(field: FieldMetadata): string {
  const d = field.defaultValue;
  if (d === undefined) return '';
  if ('function' in d) {
    if (d.function === 'autoincrement') return ' AUTO_INCREMENT';
    if (d.function === 'now') return ` DEFAULT CURRENT_TIMESTAMP(${precision(field)})`;
    return ''; // uuid(), cuid(), ...: Prisma computes them, the column has no default.
  }
  const value = d.value;
  if (Array.isArray(value) || field.kind === 'Json') return '';
  if (typeof value === 'boolean') return ` DEFAULT ${value ? 'true' : 'false'}`;
  if (typeof value === 'number' || field.kind === 'BigInt' || field.kind === 'Decimal' || field.kind === 'Int' || field.kind === 'Float') return ` DEFAULT ${String(value)}`;
  return ` DEFAULT ${text(String(value))}`;
}

function columnOf(field: FieldMetadata): string {
  return `    ${q(field.column)} ${mysqlType(field)}${field.isRequired ? ' NOT NULL' : ' NULL'}${defaultClause(field)}`;
}

function columnsOf(model: ModelMetadata, fields: readonly string[]): string {
  return fields.map((name) => q(model.fields.find((f) => f.name === name)?.column ?? name)).join(', ');
}

const ACTIONS: Readonly<Record<ReferentialAction, string>> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

function createTable(model: ModelMetadata): string {
  const lines = model.fields.map(columnOf);
  for (const unique of model.uniques) {
    lines.push(`    UNIQUE INDEX ${q(`${model.name}_${unique.join('_')}_key`)}(${columnsOf(model, unique)})`);
  }
  lines.push(`    PRIMARY KEY (${columnsOf(model, model.primaryKey)})`);
  return `-- CreateTable\nCREATE TABLE ${q(model.table)} (\n${lines.join(',\n')}\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n`;
}

function foreignKeys(model: ModelMetadata, schema: SchemaMetadata): string[] {
  return model.relations.map((relation) => {
    const target = schema.models[relation.target];
    if (!target) throw new Error(`mysql-ddl: ${model.name}.${relation.name} references the unknown model ${relation.target}`);
    const name = `${model.name}_${relation.fields.join('_')}_fkey`;
    const onDelete = ` ON DELETE ${ACTIONS[relation.onDelete]}`;
    const onUpdate = ` ON UPDATE ${ACTIONS[relation.onUpdate]}`;
    const note = relation.onDelete === 'SetDefault' || relation.onUpdate === 'SetDefault' ? '-- InnoDB accepts SET DEFAULT but enforces it as RESTRICT.\n' : '';
    return `-- AddForeignKey\n${note}ALTER TABLE ${q(model.table)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${columnsOf(model, relation.fields)}) REFERENCES ${q(
      target.table,
    )}(${columnsOf(target, relation.references)})${onDelete}${onUpdate};\n`;
  });
}

/**
 * The DDL of `schema` for MariaDB/MySQL: every `CREATE TABLE`, then every foreign key, each
 * statement ending with `;` and a newline (split on `;\n` to run them one by one).
 */
export function mysqlDdl(schema: SchemaMetadata): string {
  const models = Object.values(schema.models);
  const header = '-- Written by test/prisma/mysql-ddl.ts from the provider = "mysql" test schema. Do not edit.\n';
  return [header, ...models.map(createTable), ...models.flatMap((m) => foreignKeys(m, schema))].join('\n');
}

/** The statements of a DDL script, comments dropped. */
export function ddlStatements(ddl: string): string[] {
  return ddl
    .split(/;\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

/** The DDL of the generated MariaDB test schema, and what `test/prisma/mariadb.sql` holds now. */
export async function mariadbDdl(): Promise<{ expected: string; committed: string }> {
  const { schema } = await import('../generated/mariadb/uow/index.js');
  return { expected: mysqlDdl(schema as SchemaMetadata), committed: await readFile(mariadbDdlFile, 'utf8').catch(() => '') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { expected, committed } = await mariadbDdl();
  if (expected === committed) console.log(`${mariadbDdlFile}: unchanged`);
  else {
    await writeFile(mariadbDdlFile, expected);
    console.log(`${mariadbDdlFile}: written`);
  }
}
