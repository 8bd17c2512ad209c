/**
 * `$select`, as the WebAPI reads it: names in any case, `/` into nested objects. The answer
 * keeps its shape: every field is there, and those not selected are null.
 */
import type { EntityDescriptor } from '@chatline/shared';
import type { Selection } from './context.ts';
import { badRequest } from './errors.ts';

const MAX_SELECT = 2048;

/** `customerName,user/associateId` → {customername: true, user: {associateid}}; null when absent. */
export function parseSelect(entity: EntityDescriptor, value: string | undefined): Selection | null {
  if (value === undefined || value.trim() === '') return null;
  if (value.length > MAX_SELECT) throw badRequest('selectTooLong');
  const selection: Selection = new Map();
  for (const item of value.split(',')) {
    const [name = '', ...rest] = item.trim().toLowerCase().split('/');
    if (name === '') continue;
    if (!entity.field(name)) throw badRequest('selectUnknown', item.trim().slice(0, 80), entity.name);
    const current = selection.get(name);
    if (rest.length === 0 || current === true) selection.set(name, true);
    else (current ?? (selection.set(name, new Set()).get(name) as Set<string>)).add(rest.join('/'));
  }
  return selection;
}

/** The entity with only the selected fields' values; the rest of its fields null, its other members as they are. */
export function applySelect(entity: EntityDescriptor, answer: Record<string, unknown>, select: Selection): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    const wanted = select.get(key.toLowerCase());
    const isField = entity.field(key)?.name === key;
    if (!isField || wanted === true) result[key] = value;
    else if (wanted && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, inner]) => [name, wanted.has(name.toLowerCase()) ? inner : null]),
      );
    } else result[key] = null;
  }
  return result;
}
