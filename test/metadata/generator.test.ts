import { describe, expect, it } from 'vitest';
import { schema as demo } from '../../src/generated/uow/index.js';
import { schema as postgres } from '../generated/postgresql/uow/index.js';
import { schema as sqlite } from '../generated/sqlite/uow/index.js';

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
    expect(account.relations).toEqual([{ name: 'owner', target: 'User', fields: ['ownerId'], references: ['id'], isOptional: false }]);
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
    expect(sqlite.models['Node']!.relations).toEqual([{ name: 'parent', target: 'Node', fields: ['parentId'], references: ['id'], isOptional: true }]);
    const mapped = sqlite.models['Mapped']!;
    expect(mapped.table).toBe('mapped_things');
    expect(mapped.fields.map((f) => [f.name, f.column])).toEqual([
      ['id', 'mapped_id'],
      ['title', 'title_text'],
      ['score', 'score_value'],
    ]);
  });
});
