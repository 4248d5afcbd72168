import type { DeleteStep, FlushPlan, FlushStep } from './plan.js';

/**
 * Deletes of references (`uow.account.ref(7)` passed to `remove`): the unit never loaded those
 * rows, so it knows no version to check. Their rows move out of a `version`-checked delete step
 * into a step of their own right after it, checked by existence only: a row already gone is a
 * conflict, as for loaded rows. Pure: a plan in, a plan out.
 *
 * @example
 * ```ts
 * const plan = checkReferencesByExistence(planFlush(schema, order, changes), new Set([refState.id]));
 * ```
 * @internal
 */
export function checkReferencesByExistence(plan: FlushPlan, references: ReadonlySet<number>): FlushPlan {
  if (references.size === 0) return plan;
  let changed = false;
  const steps: FlushStep[] = [];
  for (const step of plan.steps) {
    if (step.op !== 'delete' || step.check !== 'version' || !step.rows.some((r) => references.has(r.entity))) {
      steps.push(step);
      continue;
    }
    changed = true;
    const loaded = step.rows.filter((r) => !references.has(r.entity));
    const referenced = step.rows.filter((r) => references.has(r.entity)).map(({ entity, key }) => Object.freeze({ entity, key }));
    if (loaded.length > 0) steps.push(Object.freeze({ ...step, rows: Object.freeze(loaded) }));
    steps.push(Object.freeze<DeleteStep>({ op: 'delete', model: step.model, check: 'exists', rows: Object.freeze(referenced) }));
  }
  return changed ? Object.freeze({ ...plan, steps: Object.freeze(steps) }) : plan;
}
