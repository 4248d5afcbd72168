#!/usr/bin/env node
/**
 * The `prisma-uow` bin: the Prisma generator that writes the unit of work's metadata during
 * `prisma generate`. Name it in `schema.prisma` next to Prisma Client's generator:
 *
 * ```prisma
 * generator uow {
 *   provider = "prisma-uow"
 *   output   = "../src/generated/uow"
 * }
 * ```
 *
 * Options (see config.ts): `runtimeImport` (default `prisma-uow`), the module the generated file
 * imports `defineSchema` from; `versionField` (`convention` or `marked`).
 *
 * @module
 */
import generatorHelper from '@prisma/generator-helper';
import { generate, manifest } from './generate.js';

// The package is CommonJS: take the handler from its default export.
generatorHelper.generatorHandler({ onManifest: () => manifest, onGenerate: generate });
