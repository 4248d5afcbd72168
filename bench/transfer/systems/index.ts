/**
 * Every system the transfer workload can measure, in report order: prisma-uow's modes first,
 * then the hand-written Prisma services, the driver floor and MikroORM. `--systems` picks ids
 * from here; a system runs only on the databases it lists.
 *
 * @example
 * ```ts
 * const system = systemById('uow');
 * ```
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { TransferSystem } from '../types.js';
import { DRIVER_SYSTEM } from './driver.js';
import { PRISMA_SYSTEMS } from './prisma.js';
import { PRISMA_RAW_SYSTEM } from './prisma-raw.js';
import { UOW_SYSTEMS } from './prisma-uow.js';

/**
 * MikroORM lives in bench/node_modules (bench/package.json, installed by `npm run bench`). Its
 * system (./mikro-orm.ts, type-checked by bench/tsconfig.json) is loaded on first use through a
 * specifier TypeScript does not follow, so the root type check and every other system run
 * without MikroORM installed.
 */
function lazyMikroOrmSystem(): TransferSystem {
  const module: string = './mikro-orm.js';
  const { dependencies } = createRequire(import.meta.url)('../../package.json') as { dependencies: Record<string, string> };
  return {
    id: 'mikro-orm',
    label: `MikroORM ${dependencies['@mikro-orm/core']} em.transactional + PESSIMISTIC_WRITE`,
    databases: ['postgresql', 'sqlite'],
    usesBenchDependencies: true,
    async open(context) {
      const { MIKRO_ORM_SYSTEM } = (await import(module)) as { MIKRO_ORM_SYSTEM: TransferSystem };
      return MIKRO_ORM_SYSTEM.open(context);
    },
  };
}

/** All systems. */
export const TRANSFER_SYSTEMS: readonly TransferSystem[] = [...UOW_SYSTEMS, ...PRISMA_SYSTEMS, PRISMA_RAW_SYSTEM, DRIVER_SYSTEM, lazyMikroOrmSystem()];

/** The system with this id; throws naming the known ids. */
export function systemById(id: string): TransferSystem {
  const system = TRANSFER_SYSTEMS.find((s) => s.id === id);
  if (!system) throw new Error(`unknown transfer system '${id}'; one of ${TRANSFER_SYSTEMS.map((s) => s.id).join(', ')}`);
  return system;
}
