import { UsageError } from '../errors.js';
import type { ModelInfo } from '../metadata/model-info.js';
import type { EntityState, Row } from '../tracking/entity.js';
import { checkValue } from '../tracking/validate.js';
import { cloneLeaf } from '../tracking/values.js';

/**
 * Checks the data given to `add()`: known fields with valid values, relations given as tracked
 * objects of the same unit, every required field present. Returns the row's values and its links.
 *
 * @internal
 */
export function newRow(
  info: ModelInfo,
  data: object,
  stateOf: (value: unknown) => EntityState | undefined,
): { base: Row; refs: Map<string, EntityState> } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError('INVALID_ARGUMENT', `${info.name}.add() takes an object with the new row's fields.`, { model: info.name });
  }
  const base: Row = {};
  const refs = new Map<string, EntityState>();
  for (const [name, value] of Object.entries(data)) {
    const field = info.fields.get(name);
    if (field) {
      if (value !== undefined) base[name] = cloneLeaf(checkValue(info.name, undefined, field, value, info.provider));
      continue;
    }
    const relation = info.relations.get(name);
    if (!relation) throw new UsageError('UNKNOWN_FIELD', `${info.name} has no field '${name}'.`, { model: info.name, field: name });
    if (value === undefined || value === null) continue;
    const target = stateOf(value);
    if (!target || target.info.name !== relation.target || target.status === 'removed') {
      throw new UsageError('NOT_TRACKED', `new ${info.name}.${name} must be a ${relation.target} object loaded or added in this unit.`, {
        model: info.name,
        field: name,
      });
    }
    refs.set(name, target);
  }
  const linked = new Set([...refs.keys()].flatMap((r) => info.relations.get(r)!.fields));
  for (const field of info.meta.fields) {
    if (field.isRequired && field.default === 'none' && !field.isList && base[field.name] === undefined && !linked.has(field.name)) {
      throw new UsageError('MISSING_FIELD', `new ${info.name} needs a value for '${field.name}'.`, { model: info.name, field: field.name });
    }
  }
  return { base, refs };
}
