import { describe, expect, it } from 'vitest';
import type { SchemaMetadata } from '../../src/index.js';
import { schema as demo } from '../../src/generated/uow/index.js';
import { schema as postgres } from '../generated/postgresql/uow/index.js';
import { schema as sqlite } from '../generated/sqlite/uow/index.js';
import { generateCase } from './generate-case.js';

/** What the generator read from the Prisma schemas during `prisma generate`. */
describe('generated metadata', () => {
  it('has the provider and the demo models in schema order', () => {
    expect(demo.provider).toBe('sqlite');
    expect(postgres.provider).toBe('postgresql');
    expect(Object.keys(demo.models)).toEqual(['User', 'Account', 'LedgerEntry']);
  });

  it('knows keys, generated values, relations and the version field', () => {
    const account = sqlite.models['Account']!;
    expect(account.primaryKey).toEqual(['id']);
    expect(account.versionField).toBe('version');
    expect(account.relations).toEqual([
      { name: 'owner', target: 'User', fields: ['ownerId'], references: ['id'], isOptional: false, onDelete: 'Restrict', onUpdate: 'Cascade' },
    ]);
    expect(account.fields.find((f) => f.name === 'id')).toMatchObject({ kind: 'Int', default: 'database', isId: true });
    expect(account.fields.find((f) => f.name === 'balance')).toMatchObject({ kind: 'Decimal', isRequired: true, default: 'none' });
    expect(sqlite.models['LedgerEntry']!.fields.find((f) => f.name === 'createdAt')).toMatchObject({ kind: 'DateTime', default: 'prisma' });
    expect(sqlite.models['User']!.versionField).toBeUndefined();
  });

  it('reads composite keys, unique fields, enums, optional self-relations and mapped names', () => {
    expect(sqlite.models['Membership']!.primaryKey).toEqual(['groupId', 'userName']);
    expect(sqlite.models['Shape']!.uniques).toEqual([['slug']]);
    expect(sqlite.models['Shape']!.fields.find((f) => f.name === 'color')).toMatchObject({ kind: 'Enum', enumType: 'Color', enumValues: ['RED', 'GREEN', 'BLUE'] });
    expect(postgres.models['Shape']!.fields.find((f) => f.name === 'colorOpt')).toMatchObject({ enumValues: ['RED', 'GREEN', 'BLUE'] });
    expect(sqlite.models['Node']!.relations).toEqual([
      { name: 'parent', target: 'Node', fields: ['parentId'], references: ['id'], isOptional: true, onDelete: 'SetNull', onUpdate: 'Cascade' },
    ]);
    const mapped = sqlite.models['Mapped']!;
    expect(mapped.table).toBe('mapped_things');
    expect(mapped.fields.map((f) => [f.name, f.column])).toEqual([
      ['id', 'mapped_id'],
      ['title', 'title_text'],
      ['score', 'score_value'],
    ]);
  });

  it("puts each relation's onDelete and onUpdate into the metadata, Prisma's defaults where the schema gives none", () => {
    const actions = (model: string) => sqlite.models[model]!.relations.map((r) => `${r.name}: ${r.onDelete}/${r.onUpdate}`);
    expect(actions('Account')).toEqual(['owner: Restrict/Cascade']); // required, nothing declared
    expect(actions('Node')).toEqual(['parent: SetNull/Cascade']); // optional, nothing declared
    expect(actions('Folder')).toEqual(['parent: Restrict/Cascade']); // optional, Restrict declared
    expect(['CascadeItem', 'SetNullItem', 'RestrictItem', 'NoActionItem', 'SetDefaultItem'].map((m) => actions(m)[0])).toEqual([
      'category: Cascade/Cascade',
      'category: SetNull/Cascade',
      'category: Restrict/Cascade',
      'category: NoAction/Cascade',
      'category: SetDefault/Cascade',
    ]);
    expect(actions('Label')).toEqual(['category: Cascade/Restrict']);
    expect(postgres.models['Label']!.relations).toEqual(sqlite.models['Label']!.relations);
  });
});

/** A schema generated for these tests only (test/metadata/generate-case.ts): options and markers. */
describe('generator options', () => {
  const models = `
model Counter {
  id      Int @id
  version Int @default(0)
}

/// The Int named version is a plain field here.
model Release {
  id      Int @id
  /// @no-version
  version Int
}

model Ledger {
  id       Int    @id
  /// @version
  revision BigInt @default(0)
  version  Int    @default(0)
}`;
  // One generate, two prisma-uow generators: the default rule and versionField = "marked".
  const generated = generateCase('options', {
    models,
    clientOptions: 'generatedFileExtension = "mts"\n  importFileExtension = "mjs"',
    uow: { convention: '', marked: 'versionField = "marked"' },
  });
  const schemaOf = async (output: string): Promise<SchemaMetadata> => {
    const { dir } = await generated;
    return ((await import(`${dir}${output}/index.mts`)) as { schema: SchemaMetadata }).schema;
  };

  it('versionField "convention" (default): an Int named version, unless marked @no-version; a field marked @version wins', async () => {
    expect((await generated).error).toBeUndefined();
    const schema = await schemaOf('convention');
    expect(schema.models['Counter']!.versionField).toBe('version');
    expect(schema.models['Release']!.versionField).toBeUndefined();
    expect(schema.models['Ledger']!.versionField).toBe('revision');
  });

  it('versionField "marked": only fields marked @version', async () => {
    const schema = await schemaOf('marked');
    expect(schema.models['Counter']!.versionField).toBeUndefined();
    expect(schema.models['Release']!.versionField).toBeUndefined();
    expect(schema.models['Ledger']!.versionField).toBe('revision');
  });

  it('names and imports like the prisma-client generator (generatedFileExtension, importFileExtension), and imports prisma-uow by name', async () => {
    const { modules } = await generated;
    expect(Object.keys(modules)).toEqual(['convention/index.mts', 'marked/index.mts']);
    expect(modules['convention/index.mts']).toContain('import type * as $ from "../prisma/client.mjs";');
    expect(modules['convention/index.mts']).toContain('import { defineSchema, type Schema } from "prisma-uow";');
  });

  it('fails prisma generate when runtimeImport does not resolve from the output folder', async () => {
    const failed = await generateCase('bad-runtime-import', { models, uow: { uow: 'runtimeImport = "prisma-uwo"' } });
    expect(failed.modules).toEqual({});
    expect(failed.error).toContain('runtimeImport "prisma-uwo" cannot be imported from');
    expect(failed.error).toContain('no package "prisma-uwo" is installed there');
  });
});
