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
import type { TransferSystem } from '../types.js';
import { DRIVER_SYSTEM } from './driver.js';
import { MIKRO_ORM_SYSTEM } from './mikro-orm.js';
import { PRISMA_SYSTEMS } from './prisma.js';
import { UOW_SYSTEMS } from './prisma-uow.js';

/** All systems. */
export const TRANSFER_SYSTEMS: readonly TransferSystem[] = [...UOW_SYSTEMS, ...PRISMA_SYSTEMS, DRIVER_SYSTEM, MIKRO_ORM_SYSTEM];

/** The system with this id; throws naming the known ids. */
export function systemById(id: string): TransferSystem {
  const system = TRANSFER_SYSTEMS.find((s) => s.id === id);
  if (!system) throw new Error(`unknown transfer system '${id}'; one of ${TRANSFER_SYSTEMS.map((s) => s.id).join(', ')}`);
  return system;
}
