import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Checks, at generate time, that the generated module's import of prisma-uow (the generator
 * option `runtimeImport`, default `prisma-uow`) can be resolved from where the module is
 * written, so a typo or a missing install fails `prisma generate` instead of the application.
 *
 * @module
 */

/** TypeScript sources a `.js`-style specifier can stand for (as `tsc` maps them). */
const SOURCE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.js', '.ts', '.tsx', '.d.ts'],
  '.mjs': ['.mjs', '.mts', '.d.mts'],
  '.cjs': ['.cjs', '.cts', '.d.cts'],
  '.ts': ['.ts'],
  '.mts': ['.mts'],
  '.cts': ['.cts'],
};

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function relativeTargetExists(path: string): boolean {
  const extension = Object.keys(SOURCE_EXTENSIONS).find((e) => path.endsWith(e));
  if (extension) {
    const stem = path.slice(0, -extension.length);
    return SOURCE_EXTENSIONS[extension]!.some((e) => isFile(stem + e));
  }
  return ['', '.ts', '.js', '/index.ts', '/index.js'].some((suffix) => isFile(path + suffix));
}

interface PackageJson {
  name?: string;
  exports?: unknown;
}

function readPackage(file: string): PackageJson | undefined {
  if (!isFile(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Whether a package's `exports` field exposes `subpath` (`.` or `./x`); no field exposes all. */
function exportsSubpath(exports: unknown, subpath: string): boolean {
  if (exports === undefined || exports === null) return true;
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.';
  const keys = Object.keys(exports as object);
  if (!keys.some((k) => k.startsWith('.'))) return subpath === '.';
  return keys.some((key) => {
    const star = key.indexOf('*');
    if (star < 0) return key === subpath;
    return subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1)) && subpath.length >= key.length - 1;
  });
}

/** Finds the package a bare specifier names, as Node does: self-reference, then `node_modules` upwards. */
function findPackage(name: string, fromDir: string): { dir: string; json: PackageJson } | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const scope = readPackage(join(dir, 'package.json'));
    if (scope) {
      // Only the nearest package.json can refer to itself by name (and only with "exports").
      if (scope.name === name && scope.exports !== undefined) return { dir, json: scope };
      break;
    }
    if (dirname(dir) === dir) break;
  }
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const json = readPackage(join(dir, 'node_modules', name, 'package.json'));
    if (json) return { dir: join(dir, 'node_modules', name), json };
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Throws when `specifier` cannot be imported from a module in `fromDir`: a relative or absolute
 * path must name an existing file (`.js` may stand for the `.ts` source), a package name must
 * be installed where Node looks for it and export that subpath.
 *
 * @example
 * ```ts
 * checkRuntimeImport('prisma-uow', '/app/src/generated/uow'); // fine when prisma-uow is installed
 * checkRuntimeImport('prisma-uwo', '/app/src/generated/uow'); // throws, naming the folder and the fix
 * ```
 */
export function checkRuntimeImport(specifier: string, fromDir: string): void {
  const fail = (reason: string): never => {
    throw new Error(
      `prisma-uow generator: runtimeImport ${JSON.stringify(specifier)} cannot be imported from ${fromDir}, where the generated module is written: ${reason}. ` +
        'Install prisma-uow in this project (npm install prisma-uow) and leave runtimeImport out (it defaults to "prisma-uow"), or fix the path.',
    );
  };
  if (specifier.trim() === '') fail('it is empty');
  if (specifier.startsWith('file:') || specifier.startsWith('node:')) fail('use a package name or a relative path');
  if (specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier)) {
    const path = resolve(fromDir, specifier);
    if (!relativeTargetExists(path)) fail(`${path} does not exist`);
    return;
  }
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  const found = findPackage(name, fromDir);
  if (!found) fail(`no package ${JSON.stringify(name)} is installed there`);
  else if (!exportsSubpath(found.json.exports, subpath)) fail(`${found.dir}/package.json does not export ${JSON.stringify(subpath)}`);
}
