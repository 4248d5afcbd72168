import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DMMF } from '@prisma/generator-helper';
import { afterAll, describe, expect, it } from 'vitest';
import { clientModuleFormat, relativeImport } from '../../src/metadata/generator/client-module.js';
import { readGeneratorConfig } from '../../src/metadata/generator/config.js';
import { checkRuntimeImport } from '../../src/metadata/generator/runtime-import.js';
import { versionField } from '../../src/metadata/generator/version-field.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'prisma-uow-generator-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A scalar field as Prisma's DMMF describes it. */
function scalar(name: string, type: string, extra: Partial<DMMF.Field> = {}): DMMF.Field {
  return { kind: 'scalar', name, type, isRequired: true, isList: false, isUnique: false, isId: false, isReadOnly: false, hasDefaultValue: false, ...extra };
}

function model(name: string, fields: DMMF.Field[]): DMMF.Model {
  return { name, dbName: null, schema: null, fields, primaryKey: null, uniqueFields: [], uniqueIndexes: [], isGenerated: false };
}

describe('generator block options', () => {
  it('applies the defaults: runtimeImport "prisma-uow", versionField "convention"', () => {
    expect(readGeneratorConfig({})).toEqual({ runtimeImport: 'prisma-uow', versionField: 'convention' });
    expect(readGeneratorConfig({ versionField: 'marked', runtimeImport: '../lib/uow.js' })).toEqual({ runtimeImport: '../lib/uow.js', versionField: 'marked' });
  });

  it('refuses an unknown option or value, naming the allowed ones', () => {
    expect(() => readGeneratorConfig({ versionFeild: 'marked' })).toThrow('unknown option versionFeild; the options are runtimeImport, versionField');
    expect(() => readGeneratorConfig({ versionField: 'none' })).toThrow('versionField = "none" is not one of "convention", "marked"');
    expect(() => readGeneratorConfig({ runtimeImport: ['a', 'b'] })).toThrow('runtimeImport must be a string');
  });
});

describe('version field markers', () => {
  const id = scalar('id', 'Int', { isId: true });

  it('refuses two @version fields, both markers on one field, and a marked field that cannot count', () => {
    const twice = model('Doc', [id, scalar('a', 'Int', { documentation: '@version' }), scalar('b', 'Int', { documentation: '@version' })]);
    expect(() => versionField(twice, 'convention')).toThrow('Doc has 2 fields marked @version (a, b); a model has at most one version field');
    const both = model('Doc', [id, scalar('version', 'Int', { documentation: '@version @no-version' })]);
    expect(() => versionField(both, 'marked')).toThrow('Doc.version is marked both @version and @no-version; keep one');
    const text = model('Doc', [id, scalar('rev', 'String', { documentation: '@version' })]);
    expect(() => versionField(text, 'convention')).toThrow('Doc.rev is marked @version but is String; use Int or BigInt');
    const optional = model('Doc', [id, scalar('rev', 'Int', { isRequired: false, documentation: '@version' })]);
    expect(() => versionField(optional, 'convention')).toThrow('Doc.rev is marked @version but is optional; make it required, e.g. `rev Int @default(0)`');
  });

  it('by convention takes only a required, non-list Int named version', () => {
    expect(versionField(model('A', [id, scalar('version', 'Int')]), 'convention')).toBe('version');
    expect(versionField(model('A', [id, scalar('version', 'Int', { isRequired: false })]), 'convention')).toBeUndefined();
    expect(versionField(model('A', [id, scalar('version', 'BigInt')]), 'convention')).toBeUndefined();
    expect(versionField(model('A', [id, scalar('version', 'Int', { documentation: 'Release number. @no-version' })]), 'convention')).toBeUndefined();
  });
});

describe('runtimeImport check', () => {
  const from = `${root}test/generated/some/uow`;

  it('accepts the package by name (installed or the package itself), a subpath it exports, and relative paths to .ts sources', () => {
    expect(() => checkRuntimeImport('prisma-uow', from)).not.toThrow();
    expect(() => checkRuntimeImport('immer', from)).not.toThrow();
    expect(() => checkRuntimeImport('@prisma/client/runtime/client', from)).not.toThrow();
    expect(() => checkRuntimeImport('../../../../src/index.js', from)).not.toThrow();
    expect(() => checkRuntimeImport(`${root}src/index.js`, from)).not.toThrow();
  });

  it('refuses a package that is not installed, a subpath it does not export, and a missing file', () => {
    expect(() => checkRuntimeImport('prisma-uwo', from)).toThrow(`runtimeImport "prisma-uwo" cannot be imported from ${from}, where the generated module is written: no package "prisma-uwo" is installed there`);
    expect(() => checkRuntimeImport('prisma-uow/src/index.js', from)).toThrow('package.json does not export "./src/index.js"');
    expect(() => checkRuntimeImport('../../src/index.js', from)).toThrow('does not exist');
    // Outside this repository nothing named prisma-uow is installed.
    expect(() => checkRuntimeImport('prisma-uow', scratch)).toThrow('no package "prisma-uow" is installed there');
  });
});

describe('client module format', () => {
  async function dirWithTsconfig(name: string, compilerOptions: object | undefined): Promise<string> {
    const dir = join(scratch, name);
    await mkdir(join(dir, 'generated', 'prisma'), { recursive: true });
    if (compilerOptions) await writeFile(join(dir, 'tsconfig.json'), `// comments are allowed\n${JSON.stringify({ compilerOptions })}`);
    return join(dir, 'generated', 'prisma');
  }

  it('uses the prisma-client options when set', async () => {
    const dir = await dirWithTsconfig('explicit', { module: 'commonjs' });
    expect(clientModuleFormat({ generatedFileExtension: 'mts', importFileExtension: 'mjs' }, dir)).toEqual({ generatedExtension: 'mts', importExtension: 'mjs' });
    expect(() => clientModuleFormat({ importFileExtension: 'jsx' }, dir)).toThrow('prisma-client option importFileExtension = "jsx" is not one of');
  });

  it('infers the import extension from the nearest tsconfig.json as Prisma does', async () => {
    const cases: [string, object | undefined, string][] = [
      ['nodenext', { module: 'NodeNext', moduleResolution: 'NodeNext' }, 'js'],
      ['bundler', { module: 'ESNext', moduleResolution: 'Bundler' }, ''],
      ['commonjs', { module: 'CommonJS' }, ''],
      ['ts-extensions', { module: 'NodeNext', allowImportingTsExtensions: true, noEmit: true }, 'ts'],
      ['no-tsconfig', undefined, 'ts'],
    ];
    for (const [name, options, expected] of cases) {
      expect(clientModuleFormat({}, await dirWithTsconfig(name, options)).importExtension, name).toBe(expected);
    }
  });

  it('writes the relative import with posix separators and the extension', () => {
    expect(relativeImport('/app/src/generated/uow', '/app/src/generated/prisma', 'client', 'js')).toBe('../prisma/client.js');
    expect(relativeImport('/app/src/db', '/app/src/db/prisma', 'client', '')).toBe('./prisma/client');
  });
});
