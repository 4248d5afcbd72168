import { describe, expect, it } from 'vitest';
import { ddlStatements, mariadbDdl } from './mysql-ddl.js';

describe('MariaDB test schema DDL (test/prisma/mariadb.sql)', () => {
  it('is what mysql-ddl.ts derives from the current test schema (else run `npx tsx test/prisma/mysql-ddl.ts`)', async () => {
    const { expected, committed } = await mariadbDdl();
    expect(committed, 'test/prisma/mariadb.sql is stale: run `npx tsx test/prisma/mysql-ddl.ts` and commit it').toBe(expected);
  });

  it('declares the precision of @db types and the referential actions of the schema', async () => {
    const { expected } = await mariadbDdl();
    const statements = ddlStatements(expected);
    expect(statements.find((s) => s.startsWith('CREATE TABLE `Priced`'))).toMatch(/`price` DECIMAL\(10, 2\) NOT NULL/);
    expect(statements.find((s) => s.startsWith('CREATE TABLE `Note`'))).toMatch(/`createdAt` TIMESTAMP\(6\) NOT NULL DEFAULT CURRENT_TIMESTAMP\(6\)/);
    expect(statements).toContain(
      'ALTER TABLE `Label` ADD CONSTRAINT `Label_categorySlug_fkey` FOREIGN KEY (`categorySlug`) REFERENCES `Category`(`slug`) ON DELETE CASCADE ON UPDATE RESTRICT',
    );
    expect(statements.find((s) => s.startsWith('CREATE TABLE `Category`'))).toMatch(/UNIQUE INDEX `Category_shop_position_key`\(`shop`, `position`\)/);
  });
});
